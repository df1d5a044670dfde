import crypto from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { benchStatement } from '../../bench/lrs-data.js';
import { prng } from '../../bench/ledger-data.js';
import {
  cleanUp,
  embeddedClusterUrl,
  freePort,
  killServer,
  makeDataDir,
  type ServerProcess,
  startHealthy,
} from '../support/server-process.js';

/**
 * Statements are acknowledged only once committed: a server killed with SIGKILL while platforms send
 * batches (POST) and single statements (PUT) keeps every acknowledged statement, exactly once; a
 * batch cut by the kill is stored whole or not at all; after the restart a retried PUT or POST of the
 * same statement is the same one statement (204 / 200), and a different statement under a stored id
 * is refused with 409.
 */
const dataDir = makeDataDir('peixun-lrs-crash-');
let server: ServerProcess | undefined;
let pool: pg.Pool | undefined;

afterAll(async () => {
  if (server) await killServer(server).catch(() => undefined);
  await pool?.end().catch(() => undefined);
  await cleanUp([dataDir]);
}, 60_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const BATCH = 20;
const POSTERS = 8;
const PUTTERS = 24;

type Statement = Record<string, unknown>;

interface Client {
  port: number;
  authorization: string;
}

const call = (c: Client, method: string, url: string, body: unknown, version = '2.0.0') =>
  fetch(`http://127.0.0.1:${c.port}${url}`, {
    method,
    body: JSON.stringify(body),
    headers: {
      authorization: c.authorization,
      'x-experience-api-version': version,
      'content-type': 'application/json',
    },
    signal: AbortSignal.timeout(20_000),
  });

/** POSTers send batches (some statements without an id: the LRS gives one), PUTters one statement each. */
function storm(c: Client) {
  const rand = prng(5);
  /** acknowledged: the id and the statement as sent with that id */
  const acked = new Map<string, Statement>();
  /** batches sent with every id set whose answer never came: stored whole or not at all */
  const cutBatches: string[][] = [];
  let cut = 0;
  let stopped = false;
  const next = (withId: boolean): Statement => {
    const s = benchStatement(rand, Math.floor(rand() * 500), crypto.randomUUID(), Date.now());
    if (!withId) delete s['id'];
    return s;
  };
  const posters = Array.from({ length: POSTERS }, async (_, w) => {
    while (!stopped) {
      const allIds = w % 2 === 0;
      const batch = Array.from({ length: BATCH }, (_x, i) => next(allIds || i % 2 === 0));
      try {
        const res = await call(c, 'POST', '/xapi/statements', batch);
        if (res.status === 200) {
          const ids = (await res.json()) as string[];
          ids.forEach((id, i) => acked.set(id, { ...batch[i]!, id }));
        } else {
          cut++;
          await res.arrayBuffer();
        }
      } catch {
        cut++;
        if (allIds) cutBatches.push(batch.map((s) => s['id'] as string));
        await sleep(20);
      }
    }
  });
  const putters = Array.from({ length: PUTTERS }, async () => {
    while (!stopped) {
      const s = next(true);
      try {
        const res = await call(c, 'PUT', `/xapi/statements?statementId=${s['id']}`, s);
        if (res.status === 204) acked.set(s['id'] as string, s);
        else cut++;
        await res.arrayBuffer();
      } catch {
        cut++;
        await sleep(20);
      }
    }
  });
  const done = Promise.all([...posters, ...putters]);
  return {
    acked,
    cutBatches,
    cut: () => cut,
    async stop() {
      stopped = true;
      await done;
    },
    async waitForAcks(n: number) {
      for (const deadline = Date.now() + 60_000; acked.size < n; await sleep(5))
        if (Date.now() > deadline) throw new Error(`only ${acked.size} statements acknowledged`);
    },
  };
}

describe('an LRS killed during a statement storm', () => {
  it('keeps every acknowledged statement exactly once, and retries of the same ids are the same statements', async () => {
    const port = await freePort();
    server = await startHealthy(dataDir, port);
    pool = new pg.Pool({ connectionString: embeddedClusterUrl(dataDir), max: 4 });
    const county = (
      await pool.query<{ id: string; path: string; province_id: string }>(
        `SELECT id, path, province_id FROM org_unit WHERE kind = 'county' ORDER BY id LIMIT 1`,
      )
    ).rows[0]!;
    const key = `crash${crypto.randomBytes(6).toString('hex')}`;
    const secret = crypto.randomBytes(24).toString('base64url');
    await pool.query(
      `INSERT INTO lrs_client (province_id, org_unit_id, org_path, name, api_key, secret_hash)
       VALUES ($1, $2, $3, '智慧教育平台', $4, $5)`,
      [county.province_id, county.id, county.path, key, crypto.createHash('sha256').update(secret).digest()],
    );
    const c: Client = { port, authorization: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}` };

    const acked = new Map<string, Statement>();
    for (const acks of [1_500, 3_000]) {
      const s = storm(c);
      await s.waitForAcks(acks);
      await killServer(server);
      await s.stop();
      expect(s.cut(), 'the kill cut requests in flight').toBeGreaterThan(0);
      server = await startHealthy(dataDir, port);

      // every acknowledged statement is stored, once, as it was sent
      const ids = [...s.acked.keys()];
      const { rows } = await pool.query<{ id: string; n: string; body: string }>(
        `SELECT id::text, count(*) OVER (PARTITION BY id) AS n, body FROM xapi_statement WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      expect(rows.length, 'acknowledged statements missing after the restart').toBe(ids.length);
      expect(
        rows.filter((r) => Number(r.n) !== 1),
        'stored more than once',
      ).toEqual([]);
      for (const r of rows.slice(0, 200)) {
        const body = JSON.parse(r.body) as Statement;
        const sent = s.acked.get(r.id)!;
        expect(body['verb'], r.id).toEqual(sent['verb']);
        expect(body['actor'], r.id).toEqual(sent['actor']);
      }
      // a batch cut by the kill: all of it or none of it
      for (const batch of s.cutBatches) {
        const n = Number(
          (
            await pool.query<{ n: string }>('SELECT count(*) AS n FROM xapi_statement WHERE id = ANY($1::uuid[])', [
              batch,
            ])
          ).rows[0]!.n,
        );
        expect([0, batch.length], 'a cut batch is stored whole or not at all').toContain(n);
      }
      for (const [id, st] of s.acked) acked.set(id, st);
      console.log(
        `kill after ${s.acked.size} acknowledged statements: all kept once; ${s.cut()} requests cut, ${s.cutBatches.length} cut batches whole or absent`,
      );
    }
    const ids = [...acked.keys()];

    // retried: PUT of acknowledged statements (204), POST of them alone and as a batch (200, their ids)
    const sample = ids.slice(0, 30);
    for (const id of sample.slice(0, 10)) {
      const res = await call(c, 'PUT', `/xapi/statements?statementId=${id}`, acked.get(id));
      expect(res.status, await res.text()).toBe(204);
    }
    for (const id of sample.slice(10, 20)) {
      const res = await call(c, 'POST', '/xapi/statements', acked.get(id));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual([id]);
    }
    const batch = sample.slice(20, 30);
    const again = await call(
      c,
      'POST',
      '/xapi/statements',
      batch.map((id) => acked.get(id)),
    );
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(batch);
    // a retry and a new statement in one batch: the new one stored, the retried one still one statement
    const fresh = { ...acked.get(sample[0]!)!, id: crypto.randomUUID() };
    const mixed = await call(c, 'POST', '/xapi/statements', [acked.get(sample[1]!), fresh]);
    expect(mixed.status).toBe(200);

    // another statement under a stored id: 409, by PUT and by POST, alone or in a batch; nothing changes
    const target = sample[2]!;
    const other = { ...acked.get(target)!, verb: { id: 'http://adlnet.gov/expapi/verbs/failed' } };
    const put409 = await call(c, 'PUT', `/xapi/statements?statementId=${target}`, other);
    expect(put409.status).toBe(409);
    const post409 = await call(c, 'POST', '/xapi/statements', other);
    expect(post409.status).toBe(409);
    const bystander = { ...acked.get(sample[3]!)!, id: crypto.randomUUID() };
    const batch409 = await call(c, 'POST', '/xapi/statements', [bystander, other]);
    expect(batch409.status).toBe(409);

    const after = await pool.query<{ id: string; n: string; verb_id: string }>(
      `SELECT id::text, count(*) OVER (PARTITION BY id) AS n, verb_id FROM xapi_statement WHERE id = ANY($1::uuid[])`,
      [[...sample, fresh['id'] as string, bystander['id'] as string]],
    );
    expect(after.rows.filter((r) => Number(r.n) !== 1)).toEqual([]);
    const found = new Set(after.rows.map((r) => r.id));
    expect(sample.every((id) => found.has(id))).toBe(true);
    expect(found.has(fresh['id'] as string), 'the new statement of a batch with a retry').toBe(true);
    expect(found.has(bystander['id'] as string), 'nothing of a refused batch').toBe(false);
    expect(after.rows.find((r) => r.id === target)?.verb_id).toBe((acked.get(target)!['verb'] as { id: string }).id);
  }, 180_000);
});
