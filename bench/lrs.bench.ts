/**
 * LRS benchmark: statements POSTed by platforms, in batches and one by one, against the same rows
 * inserted straight through `pg`; a teacher's statements queried by agent and time range from a big
 * table; and the mapping of accepted statements to ledger entries.
 *
 *   npm run bench:lrs                        county scale: 200k stored statements (under a minute)
 *   npm run bench:lrs -- --scale province    10M stored statements
 *   npm run bench:lrs -- --quick             county scale, shorter (for bench:quick)
 *
 * 1. Data: an org tree (bench/ledger-data.ts buildTree) and an LRS client of its county, in a fresh
 *    embedded PostgreSQL (or DATABASE_URL, an empty database) with fast load settings; STORED
 *    statements (bench/lrs-data.ts: over AGENTS agents, skewed, stored over the last year, each row
 *    as the statement store writes it) loaded with COPY; then restarted with the product's own
 *    settings (fsync and synchronous_commit on).
 * 2. Server: `peixun serve` from the bundle.
 * 3. Measured, in turns with the physical limit (median of the turns' ratios):
 *    - statements_batch_per_s: POST /xapi/statements with lists of 100 statements from BATCH_CONNECTIONS
 *      keep-alive connections in a closed loop; the limit: INSERT of the same 100 rows (every column
 *      the store fills) into xapi_statement from as many `pg` connections, each its own durable
 *      transaction;
 *    - statements_single_per_s, statement_p99_ms: one statement per POST from 50 keep-alive
 *      connections in a closed loop; the limit: one INSERT per statement from 50 connections;
 *    - lrs_ratio_to_raw: the lower of the two ratios (target ≥ 0.25);
 *    - statements_lost: acknowledged statement ids not in xapi_statement afterwards.
 * 4. query_p95_ms: GET /xapi/statements?agent=…&since=…&until=… (a 30-day range) for agents drawn as
 *    the statements are (busy teachers more often), from QUERY_CONNECTIONS connections; the same SQL
 *    through `pg` beside it (query_raw_p95_ms).
 * 5. mapping_per_s: the mapping of accepted statements to ledger entries (bench/lrs-mapping.ts).
 * Prints readable lines, then one JSON object as the last line, also written to
 * bench/results/lrs-<scale>.json (lrs-county-quick.json with --quick).
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { bundleIsCurrent } from '../scripts/server-bundle.mjs';
import { createPool } from '../src/db/database.js';
import { type EmbeddedCluster, startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { migrate } from '../src/db/migrate.js';
import type { DB } from '../src/db/schema.js';
import { agentKey, prepareStatement, statementFacts } from '../src/domain/xapi-statement.js';
import { clientAuthority } from '../src/services/xapi-statement.service.js';
import {
  freePort,
  killServer,
  ROOT,
  type ServerProcess,
  stopServer,
  waitHealthy,
} from '../test/support/server-process.js';
import { buildTree, prng, SCALES, TODAY } from './ledger-data.js';
import { spawnLedgerServer } from './ledger-server.js';
import { benchAgent, benchStatement, loadStatements, pickAgent } from './lrs-data.js';
import { mappingBench } from './lrs-mapping.js';
import { openRawLoad, type RawQuery } from './raw-load.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const QUICK = process.argv.includes('--quick');
const SCALE = arg('scale') === 'province' ? 'province' : 'county';
const FULL = SCALE === 'province';
/** statements mapped to ledger entries: 1M for the province, fewer so the county run stays near a minute */
const MAPPING_COUNT = FULL ? 1_000_000 : QUICK ? 50_000 : 100_000;
const DATABASE_URL = process.env['DATABASE_URL'];
/** --cpu-prof: the server writes a V8 CPU profile to bench/results/profiles/ (read it with bench/ledger-profile.ts) */
const CPU_PROF = process.argv.includes('--cpu-prof');
/** --explain: also the single-statement limit with the server's pool size, and as BEGIN / INSERT / COMMIT */
const EXPLAIN = process.argv.includes('--explain');
/** --singles-only: only the single statements (with --cpu-prof, a profile of them alone) */
const SINGLES_ONLY = process.argv.includes('--singles-only');
const STORED = FULL ? 10_000_000 : QUICK ? 100_000 : 200_000;
const AGENTS = FULL ? 1_000_000 : QUICK ? 10_000 : 20_000;
const BATCH = 100;
const BATCH_CONNECTIONS = 8;
const CONNECTIONS = 50;
const QUERY_CONNECTIONS = 10;
const TURNS = 3;
const TURN_SECONDS = FULL ? 5 : QUICK ? 1.5 : 2;
const QUERY_SECONDS = FULL ? 10 : QUICK ? 2 : 3;
const TARGETS = {
  lrs_ratio_to_raw: 0.25,
  query_p95_ms: 100,
  statements_lost: 0,
  mapping_per_s: 10_000,
};
const LOAD_SETTINGS: Record<string, string> = {
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  wal_level: 'minimal',
  max_wal_senders: '0',
  autovacuum: 'off',
  max_wal_size: '4GB',
};

const say = (l: string) => console.log(l);
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
};
const median = (xs: number[]) => percentile(xs, 50);

/** user + system CPU of a process so far, in ms (Linux /proc) */
function cpuMs(pid: number): number {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

/** user + system CPU of the cluster's postmaster and its backends, in ms */
function clusterCpuMs(postmaster: number | null): number {
  if (!postmaster) return 0;
  let ms = cpuMs(postmaster);
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const f = fs.readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]!.split(' ');
      if (Number(f[1]) === postmaster) ms += ((Number(f[11]) + Number(f[12])) * 1000) / 100;
    } catch {
      // gone meanwhile
    }
  }
  return ms;
}

/** busy and total CPU time of the whole machine so far, in ms */
function machineCpuMs(): { busy: number; total: number } {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { busy: ((total - idle) * 1000) / 100, total: (total * 1000) / 100 };
}

interface Answer {
  status: number;
  body: string;
  ms: number;
}

function request(
  agent: http.Agent,
  port: number,
  authorization: string,
  method: string,
  url: string,
  body = '',
): Promise<Answer> {
  const t0 = performance.now();
  return new Promise<Answer>((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: url,
        method,
        agent,
        headers: {
          authorization,
          'x-experience-api-version': '2.0.0',
          ...(body ? { 'content-type': 'application/json' } : {}),
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, ms: performance.now() - t0 }));
      },
    );
    req.on('error', (e) => resolve({ status: 0, body: String(e), ms: performance.now() - t0 }));
    req.end(body);
  });
}

/** The columns the store fills, in the order of the raw INSERT's parameters. */
const RAW_COLUMNS = [
  'province_id',
  'id',
  'client_id',
  'client_path',
  'match_status',
  'stored',
  'ts',
  'verb_id',
  'actor_ifi',
  'object_kind',
  'object_id',
  'registration',
  'related_agents',
  'related_activities',
  'ref_id',
  'is_voiding',
  'attachment_sha2',
  'body',
];

function rawInsert(name: string, rows: unknown[][]): RawQuery {
  const n = RAW_COLUMNS.length;
  const values = rows.flat();
  const tuples = rows.map((_r, i) => `(${RAW_COLUMNS.map((_c, j) => `$${i * n + j + 1}`).join(', ')})`).join(', ');
  return {
    name,
    text:
      `INSERT INTO xapi_statement (${RAW_COLUMNS.join(', ')}) VALUES ${tuples} ` +
      'ON CONFLICT (province_id, id) DO NOTHING RETURNING seq',
    values,
  };
}

async function main(): Promise<void> {
  const load0 = round(os.loadavg()[0]!, 2);
  let dir: string | undefined;
  let cluster: EmbeddedCluster | undefined;
  let pool: pg.Pool | undefined;
  let db: Kysely<DB> | undefined;
  let server: ServerProcess | undefined;
  const cleanUp = async () => {
    if (server) await killServer(server).catch(() => undefined);
    await db?.destroy().catch(() => undefined);
    if (cluster) await cluster.stop().catch(() => undefined);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
  const started = performance.now();
  try {
    say(
      `Peixun LRS benchmark, ${SCALE} scale${QUICK ? ' (quick)' : ''} — ${os.cpus().length} cores, node ${process.version}, load average (1 min) ${load0}`,
    );
    say('   For scale: Learning Locker was measured at about 17 single statements/s on 2 CPUs.');
    // ------------------------------------------------------------ 1. data
    let url: string;
    if (DATABASE_URL) url = DATABASE_URL;
    else {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peixun-lrs-bench-'));
      fs.chmodSync(dir, 0o755);
      cluster = await startEmbeddedPostgres({ dataDir: dir, settings: LOAD_SETTINGS });
      const admin = new pg.Client({ connectionString: cluster.connectionString('postgres') });
      await admin.connect();
      await admin.query(`CREATE DATABASE peixun ENCODING 'UTF8' TEMPLATE template0`);
      await admin.end();
      url = cluster.connectionString('peixun');
    }
    pool = createPool(url, 10, 'peixun-lrs-bench');
    await migrate(pool);
    db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    const g0 = performance.now();
    const tree = await buildTree(db, { ...SCALES.county, schools: 2, teachers: 0, entries: 0 });
    const county = tree.counties[0]!;
    const key = `bench${crypto.randomBytes(6).toString('hex')}`;
    const secret = crypto.randomBytes(24).toString('base64url');
    const clientId = Number(
      (
        await pool.query<{ id: string }>(
          `INSERT INTO lrs_client (province_id, org_unit_id, org_path, name, api_key, secret_hash)
           VALUES ($1, $2, $3, '国家中小学智慧教育平台', $4, $5) RETURNING id`,
          [county.provinceId, county.id, county.path, key, crypto.createHash('sha256').update(secret).digest()],
        )
      ).rows[0]!.id,
    );
    const client = { id: clientId, name: '国家中小学智慧教育平台', orgPath: county.path };
    const authorization = `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
    const until = Date.now() - 60_000;
    const loaded = await loadStatements(
      pool,
      { provinceId: county.provinceId, client },
      STORED,
      { agents: AGENTS },
      until,
    );
    if (cluster) {
      await db.destroy();
      await cluster.stop();
      cluster = await startEmbeddedPostgres({ dataDir: dir! });
      pool = createPool(url, 10, 'peixun-lrs-bench');
      db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    }
    const tableMb = Number(
      (await pool.query<{ mb: string }>(`SELECT pg_total_relation_size('xapi_statement') / 1048576 AS mb`)).rows[0]!.mb,
    );
    say(
      `1. Data: ${fmt(loaded.rows)} statements over ${fmt(AGENTS)} agents and a year, COPY ${round(loaded.copySeconds, 1)} s, ` +
        `indexes ${round(loaded.indexSeconds, 1)} s, ${fmt(tableMb)} MB with indexes; ${round((performance.now() - g0) / 1000, 1)} s`,
    );

    // ------------------------------------------------------------ 2. server
    if (process.env['PEIXUN_FROM_SOURCE'] !== '1' && !bundleIsCurrent())
      execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-server.mjs'), '--if-stale'], { stdio: 'inherit' });
    const port = await freePort();
    const serverDir = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'peixun-lrs-server-'));
    server = spawnLedgerServer({
      dataDir: serverDir,
      port,
      databaseUrl: DATABASE_URL,
      env: { PEIXUN_TODAY: TODAY, PEIXUN_SEED_DEMO: 'never' },
      nodeArgs: CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', path.join(ROOT, 'bench/results/profiles')] : [],
    });
    await waitHealthy(server, 120_000, 20);
    say(`2. Server: pid ${server.pid}`);

    // ------------------------------------------------------------ 3. writes, in turns with the limit
    const rand = prng(7);
    const acked: string[] = [];
    const refused: Record<string, number> = {};
    const refuse = (a: Answer) => {
      const k = `${a.status} ${a.body.slice(0, 120)}`;
      refused[k] = (refused[k] ?? 0) + 1;
    };
    const sentStatement = () => benchStatement(rand, pickAgent(rand, AGENTS), crypto.randomUUID(), Date.now());
    const authority = clientAuthority(client, undefined);
    /** a row as the store writes it, for the limit */
    const rawRow = () => {
      const sent = sentStatement();
      const stored = new Date().toISOString();
      const s = prepareStatement(sent, { id: sent['id'] as string, stored, authority, version: '2.0.0' });
      const f = statementFacts(s);
      return [
        county.provinceId,
        f.id,
        clientId,
        county.path,
        'unmatched',
        f.stored,
        f.ts,
        f.verbId,
        f.actorKey,
        f.objectKind,
        f.objectId,
        f.registration,
        f.relatedAgents,
        f.relatedActivities,
        f.refId,
        f.isVoiding,
        f.attachmentSha2,
        JSON.stringify(s),
      ];
    };

    const serverCpu = {
      ms: 0,
      pgMs: 0,
      machineBusy: 0,
      machineTotal: 0,
      wallMs: 0,
      statements: 0,
      rawPgMs: 0,
      rawWallMs: 0,
      rawStatements: 0,
    };
    const postmaster = dir
      ? Number(fs.readFileSync(path.join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0])
      : null;
    const turnsOf = async (
      connections: number,
      perRequest: number,
      send: (agent: http.Agent) => Promise<number>,
      rawNext: () => RawQuery,
    ) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
      const raw = await openRawLoad(url, rawNext, connections);
      const turns: Array<{ product: number; raw: number }> = [];
      try {
        const loop = async (seconds: number) => {
          const end = performance.now() + seconds * 1000;
          const t0 = performance.now();
          const cpu0 = cpuMs(server!.pid);
          const pg0 = clusterCpuMs(postmaster);
          const m0 = machineCpuMs();
          let n = 0;
          await Promise.all(
            Array.from({ length: connections }, async () => {
              while (performance.now() < end) {
                const k = await send(agent);
                n += k;
              }
            }),
          );
          serverCpu.ms += cpuMs(server!.pid) - cpu0;
          serverCpu.pgMs += clusterCpuMs(postmaster) - pg0;
          const m1 = machineCpuMs();
          serverCpu.machineBusy += m1.busy - m0.busy;
          serverCpu.machineTotal += m1.total - m0.total;
          serverCpu.wallMs += performance.now() - t0;
          serverCpu.statements += n;
          return n / ((performance.now() - t0) / 1000);
        };
        await loop(0.5);
        for (let turn = 0; turn < TURNS; turn++) {
          const product = await loop(TURN_SECONDS);
          const p0 = clusterCpuMs(postmaster);
          const w0 = performance.now();
          const r = await raw.measure(TURN_SECONDS);
          serverCpu.rawPgMs += clusterCpuMs(postmaster) - p0;
          serverCpu.rawWallMs += performance.now() - w0;
          serverCpu.rawStatements += r.queries * perRequest;
          turns.push({ product: Math.round(product), raw: Math.round(r.perS * perRequest) });
        }
      } finally {
        await raw.close();
        agent.destroy();
      }
      return turns;
    };

    // 3a. batches of 100
    const batchTurns = SINGLES_ONLY
      ? [{ product: 0, raw: 1 }]
      : await turnsOf(
          BATCH_CONNECTIONS,
          BATCH,
          async (agent) => {
            const list = Array.from({ length: BATCH }, sentStatement);
            const a = await request(agent, port, authorization, 'POST', '/xapi/statements', JSON.stringify(list));
            if (a.status !== 200) {
              refuse(a);
              return 0;
            }
            const ids = JSON.parse(a.body) as string[];
            for (const id of ids) acked.push(id);
            return ids.length;
          },
          () => rawInsert('raw_batch', Array.from({ length: BATCH }, rawRow)),
        );
    const batchCpu = { ...serverCpu };
    for (const k of Object.keys(serverCpu) as Array<keyof typeof serverCpu>) serverCpu[k] = 0;
    const batchPerS = median(batchTurns.map((t) => t.product));
    const batchRatio = round(median(batchTurns.map((t) => t.product / t.raw)), 3);
    say(
      `3a. POST of ${BATCH} statements from ${BATCH_CONNECTIONS} connections against INSERTs of the same ${BATCH} rows through pg, in turns: ` +
        `${batchTurns.map((x) => `${fmt(x.product)} vs ${fmt(x.raw)}`).join('; ')} statements/s → ${fmt(batchPerS)} /s, ratio ${batchRatio} ` +
        `(target ≥ ${TARGETS.lrs_ratio_to_raw}: ${mark(batchRatio >= TARGETS.lrs_ratio_to_raw)})`,
    );

    // 3b. single statements
    const waits: Record<string, number> = {};
    let sampling = EXPLAIN;
    const sampler = (async () => {
      while (sampling) {
        const { rows } = await pool!.query<{ k: string; n: string }>(
          `SELECT application_name || ' ' || state || ' ' || coalesce(wait_event_type || ':' || wait_event, 'cpu') AS k, count(*) AS n
           FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle' GROUP BY 1`,
        );
        for (const r of rows) waits[r.k] = (waits[r.k] ?? 0) + Number(r.n);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const singleLatencies: number[] = [];
    const singleTurns = await turnsOf(
      CONNECTIONS,
      1,
      async (agent) => {
        const a = await request(
          agent,
          port,
          authorization,
          'POST',
          '/xapi/statements',
          JSON.stringify(sentStatement()),
        );
        singleLatencies.push(a.ms);
        if (a.status !== 200) {
          refuse(a);
          return 0;
        }
        acked.push((JSON.parse(a.body) as string[])[0]!);
        return 1;
      },
      () => rawInsert('raw_single', [rawRow()]),
    );
    const singleCpu = { ...serverCpu };
    sampling = false;
    await sampler;
    if (EXPLAIN)
      say(
        `    explain: busy backends by wait (samples): ${Object.entries(waits)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 12)
          .map(([k, n]) => `${k} ${n}`)
          .join('; ')}`,
      );
    const singlePerS = median(singleTurns.map((t) => t.product));
    const singleRatio = round(median(singleTurns.map((t) => t.product / t.raw)), 3);
    const p99 = round(percentile(singleLatencies, 99), 1);
    const p50 = round(percentile(singleLatencies, 50), 1);
    say(
      `3b. POST of single statements from ${CONNECTIONS} connections against single-row durable INSERTs through pg, in turns: ` +
        `${singleTurns.map((x) => `${fmt(x.product)} vs ${fmt(x.raw)}`).join('; ')} /s → ${fmt(singlePerS)} /s ` +
        `(${round(singlePerS / 17, 0)} × Learning Locker's 17/s), p50 ${p50} ms, p99 ${p99} ms, ratio ${singleRatio} ` +
        `(target ≥ ${TARGETS.lrs_ratio_to_raw}: ${mark(singleRatio >= TARGETS.lrs_ratio_to_raw)})`,
    );
    if (EXPLAIN) {
      // where a single statement's time goes: fewer connections (the server's pool), more round trips
      const variant = async (connections: number, transaction: boolean) => {
        const clients = await Promise.all(
          Array.from({ length: connections }, async () => {
            const c = new pg.Client({ connectionString: url });
            await c.connect();
            return c;
          }),
        );
        let n = 0;
        const t0 = performance.now();
        const end = t0 + TURN_SECONDS * 1000;
        await Promise.all(
          clients.map(async (c) => {
            while (performance.now() < end) {
              const q = rawInsert('raw_single', [rawRow()]);
              if (transaction) await c.query('BEGIN');
              await c.query({ name: q.name, text: q.text, values: q.values });
              if (transaction) await c.query('COMMIT');
              n++;
            }
          }),
        );
        await Promise.all(clients.map((c) => c.end()));
        return Math.round(n / ((performance.now() - t0) / 1000));
      };
      say(
        `    explain: single-row INSERTs through pg from 50 connections ${fmt(await variant(50, false))} /s; from 20 (the server's pool) ` +
          `${fmt(await variant(20, false))} /s; as BEGIN, INSERT, COMMIT from 20 ${fmt(await variant(20, true))} /s`,
      );
    }
    const cpuLine = (c: typeof serverCpu) =>
      `server ${round(c.ms / c.wallMs, 2)} cores, ${round((c.ms * 1000) / Math.max(1, c.statements), 0)} µs a statement; ` +
      `PostgreSQL ${round(c.pgMs / c.wallMs, 2)} cores, ${round((c.pgMs * 1000) / Math.max(1, c.statements), 0)} µs a statement; ` +
      `machine ${round((100 * c.machineBusy) / Math.max(1, c.machineTotal), 0)} % busy; ` +
      `the limit's PostgreSQL ${round(c.rawPgMs / c.rawWallMs, 2)} cores, ${round((c.rawPgMs * 1000) / Math.max(1, c.rawStatements), 0)} µs a statement`;
    say(`    CPU while the product ran — batches: ${cpuLine(batchCpu)}`);
    say(`    CPU while the product ran — singles: ${cpuLine(singleCpu)}`);
    const ratio = Math.min(batchRatio, singleRatio);
    say(
      `    lrs_ratio_to_raw (the lower of the two) ${ratio} (target ≥ ${TARGETS.lrs_ratio_to_raw}: ${mark(ratio >= TARGETS.lrs_ratio_to_raw)})`,
    );

    // 3c. every acknowledged statement stored
    let found = 0;
    for (let i = 0; i < acked.length; i += 50_000) {
      found += Number(
        (
          await pool.query<{ n: string }>(
            `SELECT count(*) AS n FROM xapi_statement WHERE province_id = $1 AND id = ANY($2::uuid[])`,
            [county.provinceId, acked.slice(i, i + 50_000)],
          )
        ).rows[0]!.n,
      );
    }
    const lost = acked.length - found;
    const refusedN = Object.values(refused).reduce((s, n) => s + n, 0);
    say(
      `3c. ${fmt(acked.length)} statements acknowledged, ${lost} of them not stored (target 0: ${mark(lost === 0)}); ` +
        `${refusedN} requests refused ${refusedN ? JSON.stringify(refused).slice(0, 400) : ''}`,
    );

    // ------------------------------------------------------------ 4. query by agent and time range
    const DAY = 86_400_000;
    const qrand = prng(11);
    const queryOf = () => {
      const a = pickAgent(qrand, AGENTS);
      const from = until - 365 * DAY + Math.floor(qrand() * 335) * DAY;
      return {
        agent: benchAgent(a),
        since: new Date(from).toISOString(),
        until: new Date(from + 30 * DAY).toISOString(),
      };
    };
    const queryLatencies: number[] = [];
    let queryRows = 0;
    let queryErrors = 0;
    {
      const agent = new http.Agent({ keepAlive: true, maxSockets: QUERY_CONNECTIONS });
      const end = performance.now() + QUERY_SECONDS * 1000;
      await Promise.all(
        Array.from({ length: QUERY_CONNECTIONS }, async () => {
          while (performance.now() < end) {
            const q = queryOf();
            const qs = new URLSearchParams({ agent: JSON.stringify(q.agent), since: q.since, until: q.until });
            const a = await request(agent, port, authorization, 'GET', `/xapi/statements?${qs}`);
            if (a.status !== 200) {
              queryErrors++;
              refuse(a);
              continue;
            }
            queryLatencies.push(a.ms);
            queryRows += (JSON.parse(a.body) as { statements: unknown[] }).statements.length;
          }
        }),
      );
      agent.destroy();
    }
    // the same SQL the repository sends (statements of the agent, and statements referring to one), through pg
    const COLUMNS = 's.seq, s.id, s.body, s.stored, s.voided, s.is_voiding, s.client_id';
    const BASE = 's.province_id = $1 AND NOT s.voided AND (s.client_id = $2 OR s.teacher_path LIKE $3)';
    const matchingOf = (t: string) =>
      `(${t}.actor_ifi = $4 OR (${t}.object_kind IN ('Agent','Group') AND ${t}.object_id = $4))`;
    const WINDOW = 's.stored > $5::timestamptz AND s.stored <= $6::timestamptz AND s.stored <= now()';
    const rawQuery = await openRawLoad(
      url,
      () => {
        const q = queryOf();
        const key = agentKey(q.agent);
        return {
          name: 'raw_query',
          // one row per query (the page's bodies joined), so a range that finds nothing is timed too
          text: `WITH page AS (
                   SELECT * FROM ((SELECT ${COLUMNS} FROM xapi_statement s
                     WHERE ${BASE} AND ${matchingOf('s')} AND ${WINDOW}
                     ORDER BY stored DESC, seq DESC LIMIT 101)
                   UNION (SELECT ${COLUMNS} FROM xapi_statement s
                     WHERE ${BASE} AND ${WINDOW} AND s.ref_id IS NOT NULL AND NOT s.is_voiding
                       AND EXISTS (SELECT 1 FROM xapi_statement m WHERE m.province_id = s.province_id AND m.id = s.ref_id
                         AND (m.client_id = $2 OR m.teacher_path LIKE $3) AND ${matchingOf('m')})
                     ORDER BY stored DESC, seq DESC LIMIT 101)) u ORDER BY stored DESC, seq DESC LIMIT 101)
                 SELECT count(*) AS n, string_agg(body, ',') AS bodies FROM page`,
          values: [county.provinceId, clientId, `${county.path}%`, key, q.since, q.until],
        };
      },
      QUERY_CONNECTIONS,
    );
    const rawQ = await rawQuery.measure(QUERY_SECONDS);
    await rawQuery.close();
    const queryP95 = round(percentile(queryLatencies, 95), 1);
    say(
      `4. GET by agent and a 30-day range over ${fmt(STORED)} stored statements from ${QUERY_CONNECTIONS} connections: ` +
        `${fmt(queryLatencies.length)} queries (${fmt(queryLatencies.length / QUERY_SECONDS)} /s, ${round(queryRows / Math.max(1, queryLatencies.length), 1)} statements each), ` +
        `p50 ${round(percentile(queryLatencies, 50), 1)} ms, p95 ${queryP95} ms (target ≤ ${TARGETS.query_p95_ms}: ${mark(queryP95 <= TARGETS.query_p95_ms)}); ` +
        `the same SQL through pg p95 ${rawQ.p95Ms} ms${queryErrors ? `; ${queryErrors} refused` : ''}`,
    );

    // SIGTERM: a profiled server writes its profile as it exits
    await stopServer(server);
    server = undefined;

    // ------------------------------------------------------------ 5. mapping to ledger entries
    // bench/lrs-mapping.ts in its own embedded PostgreSQL (the ledger benchmark's county, MAPPING_COUNT
    // matched statements about its teachers), after this run's server has stopped
    const mapping = await mappingBench({ count: MAPPING_COUNT, log: (l) => say(`   ${l}`) });
    const mappingPerS = mapping.mapping_per_s;
    say(
      `5. mapping: ${fmt(mapping.statements)} statements → ${fmt(mapping.credited)} ledger entries in ${mapping.seconds} s: ` +
        `${fmt(mappingPerS)}/s (target ≥ ${fmt(TARGETS.mapping_per_s)}: ${mark(mappingPerS >= TARGETS.mapping_per_s)}); ` +
        `the same entries by one INSERT … SELECT ${fmt(mapping.raw_per_s)}/s, ratio ${mapping.mapping_ratio_to_raw}`,
    );

    const result = {
      scale: SCALE,
      quick: QUICK,
      stored_statements: STORED,
      agents: AGENTS,
      statements_batch_per_s: Math.round(batchPerS),
      statements_batch_raw_per_s: Math.round(median(batchTurns.map((t) => t.raw))),
      lrs_batch_ratio_to_raw: batchRatio,
      batch_turns: batchTurns,
      statements_single_per_s: Math.round(singlePerS),
      statements_single_raw_per_s: Math.round(median(singleTurns.map((t) => t.raw))),
      lrs_single_ratio_to_raw: singleRatio,
      single_turns: singleTurns,
      statement_p50_ms: p50,
      statement_p99_ms: p99,
      lrs_ratio_to_raw: ratio,
      statements_acknowledged: acked.length,
      statements_lost: lost,
      requests_refused: refusedN,
      queries: queryLatencies.length,
      query_p50_ms: round(percentile(queryLatencies, 50), 1),
      query_p95_ms: queryP95,
      query_raw_p95_ms: rawQ.p95Ms,
      query_ratio_to_raw: queryP95 > 0 ? round(rawQ.p95Ms / queryP95, 3) : null,
      mapping_per_s: mappingPerS,
      mapping_statements: mapping.statements,
      mapping_raw_per_s: mapping.raw_per_s,
      mapping_ratio_to_raw: mapping.mapping_ratio_to_raw,
      learning_locker_single_per_s: 17,
      targets: TARGETS,
      run_s: round((performance.now() - started) / 1000, 1),
      machine: {
        cores: os.cpus().length,
        node: process.version,
        loadavg_1m_at_start: load0,
        loadavg_1m_at_end: round(os.loadavg()[0]!, 2),
      },
      at: new Date().toISOString(),
    };
    say(`   whole run ${result.run_s} s`);
    const out = path.join(ROOT, 'bench/results', QUICK ? `lrs-${SCALE}-quick.json` : `lrs-${SCALE}.json`);
    fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result));
  } finally {
    await cleanUp();
  }
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
