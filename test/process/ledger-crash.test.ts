import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createKysely, createPool } from '../../src/db/database.js';
import { checkLedger } from '../../src/services/ledger-maintenance.js';
import {
  changePassword,
  cleanUp,
  embeddedClusterUrl,
  freePort,
  isAlive,
  killServer,
  login,
  makeDataDir,
  oneTimePassword,
  postmasterPid,
  runCli,
  startHealthy,
  waitUntilDead,
  type HttpSession,
  type ServerProcess,
} from '../support/server-process.js';

/**
 * Registrations of hours are one transaction per batch, acknowledged only after the commit:
 * a server killed with SIGKILL (and then the embedded PostgreSQL postmaster killed with SIGKILL)
 * while a client posts batch after batch leaves every acknowledged entry in the ledger exactly once,
 * every other batch whole or absent, the summaries equal to the ledger, and a re-sent batch is a
 * replay or a creation, never a second copy.
 */
const PASSWORD = 'Ledger-crash-2026';
const BATCH = 25;
const SENDERS = 3;
const dataDir = makeDataDir('peixun-ledger-crash-');
let server: ServerProcess | undefined;

afterAll(async () => {
  if (server) await killServer(server).catch(() => undefined);
  await cleanUp([dataDir]);
}, 60_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const clusterUrl = () => embeddedClusterUrl(dataDir);

async function query<T extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: clusterUrl(), application_name: 'peixun-ledger-crash-test' });
  await c.connect();
  try {
    return (await c.query<T>(sql, values)).rows;
  } finally {
    await c.end();
  }
}

/** `checkLedger` of the product, run from the test against the embedded cluster. */
async function ledgerCheck() {
  const db = createKysely(createPool(clusterUrl(), 2, 'peixun-ledger-crash-check'));
  try {
    return await checkLedger(db, {});
  } finally {
    await db.destroy();
  }
}

async function api(port: number, s: HttpSession, method: string, url: string, body?: unknown) {
  return fetch(`http://127.0.0.1:${port}${url}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: {
      cookie: s.cookie,
      'x-csrf-token': s.csrf,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    signal: AbortSignal.timeout(30_000),
  });
}

const start = (port: number) => startHealthy(dataDir, port);

interface Entry {
  teacherId: number;
  hours: number;
  occurredOn: string;
  title: string;
  categories: string[];
  idemKey: string;
}
interface Ack {
  created: number;
  replayed: number;
  entries: Array<{ index: number; id: number; replayed: boolean }>;
}

/**
 * Posts batches of `BATCH` entries from `SENDERS` concurrent senders until stopped. A batch counts as
 * acknowledged only with a 200 and its body; everything else (refused, connection cut) is unacknowledged.
 */
function client(port: number, session: HttpSession, prefix: string, teachers: number[], day: string) {
  const batches = new Map<number, Entry[]>();
  const acked = new Map<number, Ack>();
  const unacked = new Map<number, string>();
  let next = 0;
  let stopped = false;
  const batchOf = (b: number): Entry[] =>
    Array.from({ length: BATCH }, (_, i) => ({
      teacherId: teachers[(b * BATCH + i) % teachers.length]!,
      hours: 1 + ((b * 7 + i) % 60),
      occurredOn: day,
      title: `崩溃测试 ${prefix} ${b}-${i}`,
      categories: i % 3 === 0 ? ['ethics'] : [],
      idemKey: `${prefix}-${b}-${i}`,
    }));
  const done = Promise.all(
    Array.from({ length: SENDERS }, async () => {
      while (!stopped) {
        const b = next++;
        const entries = batchOf(b);
        batches.set(b, entries);
        try {
          const res = await api(port, session, 'POST', '/api/credits/entries', { entries });
          const body = await res.text();
          if (res.status === 200) acked.set(b, JSON.parse(body) as Ack);
          else unacked.set(b, `${res.status} ${body.slice(0, 120)}`);
        } catch (e) {
          unacked.set(b, `no answer: ${(e as Error).message}`);
          // the server is gone: no point in hammering it
          await sleep(20);
        }
      }
    }),
  );
  return {
    batches,
    acked,
    unacked,
    async stop() {
      stopped = true;
      await done;
    },
    async waitForAcks(n: number, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (acked.size < n) {
        if (Date.now() > deadline)
          throw new Error(
            `only ${acked.size} batches acknowledged; refused: ${[...unacked.values()].slice(0, 3).join(' | ')}`,
          );
        await sleep(5);
      }
    },
  };
}

type Client = ReturnType<typeof client>;

/** The ledger holds every acknowledged entry once (with the id the answer gave), every other batch whole or not at all. */
async function verifyLedger(c: Client, prefix: string): Promise<Set<number>> {
  const rows = await query<{ id: number; idem_key: string; teacher_id: number; hours: number }>(
    'SELECT id::int, idem_key, teacher_id::int, hours FROM credit_entry WHERE idem_key LIKE $1',
    [`${prefix}-%`],
  );
  const [dups] = await query<{ rows: number; keys: number }>(
    'SELECT count(*)::int AS rows, count(DISTINCT idem_key)::int AS keys FROM credit_entry WHERE idem_key LIKE $1',
    [`${prefix}-%`],
  );
  expect(dups!.rows, 'a key stored twice').toBe(dups!.keys);
  const byKey = new Map(rows.map((r) => [r.idem_key, r]));
  const problems: string[] = [];
  for (const [b, ack] of c.acked) {
    const entries = c.batches.get(b)!;
    entries.forEach((e, i) => {
      const r = byKey.get(e.idemKey);
      if (!r) problems.push(`acknowledged ${e.idemKey} is missing`);
      else if (r.teacher_id !== e.teacherId || r.hours !== e.hours)
        problems.push(`${e.idemKey} stored with other content`);
      else if (ack.entries[i]!.id !== r.id)
        problems.push(`${e.idemKey}: acknowledged as entry ${ack.entries[i]!.id}, stored as ${r.id}`);
    });
  }
  const committed = new Set<number>();
  for (const [b, entries] of c.batches) {
    const present = entries.filter((e) => byKey.has(e.idemKey)).length;
    if (present !== 0 && present !== BATCH) problems.push(`batch ${b} is half there: ${present} of ${BATCH}`);
    if (present === BATCH) committed.add(b);
  }
  // nothing under the prefix that the client did not send
  const sent = new Set([...c.batches.values()].flat().map((e) => e.idemKey));
  for (const k of byKey.keys()) if (!sent.has(k)) problems.push(`unknown key ${k}`);
  expect(problems).toEqual([]);
  return committed;
}

/** Re-sends every batch without an acknowledgement: a replay where it was committed, a creation where not. */
async function resendUnacknowledged(
  port: number,
  s: HttpSession,
  c: Client,
  committed: Set<number>,
): Promise<{ replayed: number; created: number }> {
  const out = { replayed: 0, created: 0 };
  for (const b of c.batches.keys()) {
    if (c.acked.has(b)) continue;
    const res = await api(port, s, 'POST', '/api/credits/entries', { entries: c.batches.get(b)! });
    expect(res.status, `re-sent batch ${b}`).toBe(200);
    const ack = (await res.json()) as Ack;
    expect(ack.created + ack.replayed).toBe(BATCH);
    expect(ack).toMatchObject(committed.has(b) ? { created: 0, replayed: BATCH } : { created: BATCH, replayed: 0 });
    if (committed.has(b)) out.replayed++;
    else out.created++;
    c.acked.set(b, ack);
  }
  c.unacked.clear();
  return out;
}

describe('a server or its PostgreSQL killed while hours are registered', () => {
  it('keeps every acknowledged entry once, every batch whole or absent, summaries equal to the ledger', async () => {
    const t0 = Date.now();
    const port = await freePort();
    server = await start(port);
    await server.waitFor(/One-time password[^\n]*\n/, 10_000);
    const otp = oneTimePassword(server.output())!;
    const sessionOf = async (username: string) => {
      const first = await login(port, username, otp);
      if (first.status === 200) await changePassword(port, first.session!, otp, PASSWORD);
      return (await login(port, username, PASSWORD)).session!;
    };
    let school = await sessionOf('demo-school');
    const schoolId = (
      (await (await api(port, school, 'GET', '/api/auth/me')).json()) as { user: { orgUnit: { id: number } } }
    ).user.orgUnit.id;
    // today as the product sees it (China Standard Time): the entries are of today, in the current cycle
    const day = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const year = Number(day.slice(0, 4));
    const cycles = (
      (await (await api(port, school, 'GET', '/api/cycles')).json()) as {
        items: Array<{ id: number; current: boolean }>;
      }
    ).items;
    if (!cycles.some((c) => c.current)) {
      // the demo brings its cycles; should the year fall outside them, the province admin sets one
      const province = await sessionOf('demo-province');
      const made = await api(port, province, 'POST', '/api/cycles', {
        name: `${year}—${year + 4}年`,
        startYear: year,
        endYear: year + 4,
      });
      expect(made.status, await made.clone().text()).toBe(201);
    }
    const teachers = (
      (await (await api(port, school, 'GET', `/api/teachers?orgUnitId=${schoolId}&pageSize=200`)).json()) as {
        items: Array<{ id: number }>;
      }
    ).items.map((x) => x.id);
    expect(teachers.length).toBeGreaterThan(10);
    const tReady = Date.now();

    // ---- 1. kill -9 of the server while batches are in flight, three times at different moments
    const rounds: Array<{
      c: Client;
      prefix: string;
      sent: number;
      cut: number;
      committedCut: number;
      resent: { replayed: number; created: number };
    }> = [];
    for (const [r, acks] of [
      [1, 12],
      [2, 25],
      [3, 40],
    ] as const) {
      const prefix = `crashA${r}`;
      const a = client(port, school, prefix, teachers, day);
      await a.waitForAcks(acks);
      await killServer(server);
      await a.stop();
      const cut = [...a.unacked.keys()];
      expect(cut.length, 'the kill cut no request').toBeGreaterThan(0);

      server = await start(port);
      const committed = await verifyLedger(a, prefix);
      const check = await ledgerCheck();
      expect({
        ok: check.ok,
        status: check.statusDifferences.slice(0, 3),
        schools: check.schoolDifferences.slice(0, 3),
        missing: check.missingStatus,
      }).toEqual({ ok: true, status: [], schools: [], missing: 0 });
      school = (await login(port, 'demo-school', PASSWORD)).session!;
      const resent = await resendUnacknowledged(port, school, a, committed);
      await verifyLedger(a, prefix);
      rounds.push({
        c: a,
        prefix,
        sent: a.batches.size,
        cut: cut.length,
        committedCut: cut.filter((x) => committed.has(x)).length,
        resent,
      });
    }
    const tA = Date.now();

    // ---- 2. kill -9 of the PostgreSQL postmaster while batches are in flight
    const pm = postmasterPid(dataDir)!;
    expect(isAlive(pm)).toBe(true);
    const b = client(port, school, 'crashB', teachers, day);
    await b.waitForAcks(30);
    const killedAt = Date.now();
    process.kill(pm, 'SIGKILL');
    await b.stop();
    expect(await waitUntilDead(pm)).toBe(true);
    const cutB = [...b.unacked.keys()];
    expect(cutB.length, 'the kill cut no request').toBeGreaterThan(0);

    // the running server restarts its PostgreSQL by itself, answering 503 (never 500) meanwhile
    let recovered = false;
    const meanwhile = new Set<number>();
    for (const deadline = Date.now() + 10_000; Date.now() < deadline && !recovered && server.isRunning(); ) {
      const res = await api(port, school, 'GET', '/api/cycles').catch(() => null);
      if (res) meanwhile.add(res.status);
      recovered = res?.status === 200;
      if (!recovered) await sleep(100);
    }
    const recoveredAfter = Date.now() - killedAt;
    expect(server.isRunning(), server.output().slice(-1500)).toBe(true);
    expect(recovered, `no database again within 10 s:\n${server.output().slice(-1500)}`).toBe(true);
    expect([...meanwhile].filter((s) => s !== 200 && s !== 503)).toEqual([]);
    expect([...b.unacked.values()].filter((v) => /^5/.test(v) && !/^503 /.test(v))).toEqual([]);
    school = (await login(port, 'demo-school', PASSWORD)).session!;
    const committedB = await verifyLedger(b, 'crashB');
    const resentB = await resendUnacknowledged(port, school, b, committedB);
    await verifyLedger(b, 'crashB');
    for (const r of rounds) await verifyLedger(r.c, r.prefix);

    // the operator's check, as a separate process next to the running server
    const cli = await runCli(dataDir, ['ledger', 'check', '--json']);
    expect(cli.code, cli.stderr).toBe(0);
    const report = JSON.parse(cli.stdout.trim().split('\n').at(-1)!) as {
      ok: boolean;
      entries: number;
      statusDifferences: unknown[];
      schoolDifferences: unknown[];
      missingStatus: number;
    };
    expect({
      ok: report.ok,
      status: report.statusDifferences,
      schools: report.schoolDifferences,
      missing: report.missingStatus,
    }).toEqual({ ok: true, status: [], schools: [], missing: 0 });
    const [total] = await query<{ n: number }>(
      "SELECT count(*)::int AS n FROM credit_entry WHERE idem_key LIKE 'crash%'",
    );
    expect(total!.n).toBe((rounds.reduce((s, r) => s + r.sent, 0) + b.batches.size) * BATCH);

    console.log(
      [
        `ledger crash: first start ${((tReady - t0) / 1000).toFixed(1)} s, server kills ${((tA - tReady) / 1000).toFixed(1)} s, postmaster kill ${((Date.now() - tA) / 1000).toFixed(1)} s (with ledger check CLI)`,
        ...rounds.map(
          (r) =>
            `  server kill ${r.prefix}: ${r.sent} batches of ${BATCH} sent, ${r.sent - r.cut} acknowledged, ${r.cut} cut (${r.committedCut} of them committed): re-sent ${r.resent.replayed} replayed, ${r.resent.created} created`,
        ),
        `  postmaster kill: ${b.batches.size} batches sent, ${b.batches.size - cutB.length} acknowledged, ${cutB.length} cut (${cutB.filter((x) => committedB.has(x)).length} of them committed): re-sent ${resentB.replayed} replayed, ${resentB.created} created`,
        `  after the postmaster kill the server restarted it and answered in ${(recoveredAfter / 1000).toFixed(1)} s`,
      ].join('\n'),
    );
  }, 240_000);

  // Regression: a pooled pg client that lost its backend while checked out between two queries of a
  // transaction emitted 'error' with no listener and ended the whole server process. Any cut
  // connection did it: pg_terminate_backend, a PostgreSQL restart, a network drop to an external database.
  it('survives its database connections being cut while batches are in flight', async () => {
    const port = server!.port;
    const school = (await login(port, 'demo-school', PASSWORD)).session!;
    const teachers = (
      await query<{ id: number }>(
        "SELECT t.id::int FROM teacher t JOIN app_user u ON u.org_unit_id = t.org_unit_id WHERE u.username = 'demo-school' ORDER BY t.id",
      )
    ).map((r) => r.id);
    const day = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const c = client(port, school, 'crashC', teachers, day);
    await c.waitForAcks(10);
    const pid = server!.pid;
    // cut the connections the server is using right now (not the idle ones), a few times
    for (let i = 0; i < 10 && server!.isRunning(); i++) {
      await query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'peixun-${pid}' AND state <> 'idle'`,
      );
      await sleep(50);
    }
    await c.stop();
    const running = server!.isRunning();
    const lastWords = running ? '' : server!.output().slice(-700);
    if (!running) {
      // leave a server for whatever runs next
      server = await start(port);
    }
    // whatever happened, the ledger kept its guarantees
    const committed = await verifyLedger(c, 'crashC');
    await resendUnacknowledged(port, (await login(port, 'demo-school', PASSWORD)).session!, c, committed);
    await verifyLedger(c, 'crashC');
    expect((await ledgerCheck()).ok).toBe(true);
    expect(running, `the server exited:\n${lastWords}`).toBe(true);
  }, 60_000);
});
