/**
 * Credit-ledger benchmark: progress pages, unit reports, bulk registration, annual verification
 * and bulk certificates, measured against the real server on a loaded ledger.
 *
 *   npm run bench:ledger                       province scale (default): 1M teachers, 20M entries
 *   npm run bench:ledger -- --scale county     1 county, 10k teachers, 200k entries (under a minute)
 *   npm run bench:ledger -- --cpu-prof         also: a V8 CPU profile of the server (node --cpu-prof), the progress
 *                                              route profiled in this process by stage, and one 1,000-entry
 *                                              registration split into SQL statements and Node time
 *   npm run bench:ledger -- --only progress    measure only these phases (progress, rollups, bulk_register,
 *                                              verify, certificates), e.g. to profile one; no results file
 *   npm run bench:ledger -- --scale county --quick   shorter loads (5 s, rollups 100 requests) for bench:quick;
 *                                              written to ledger-<scale>-quick.json
 *   LEDGER_SERVER_NODE_ARGS='--perf-basic-prof' extra node flags for the server (e.g. for `perf record`)
 *
 * 1. Data (bench/ledger-data.ts): a province of 16 cities, 100 counties, 10,000 schools (county:
 *    1 / 1 / 100), teachers (one school with exactly 500), one 2026–2030 cycle with the product's
 *    default rules, and ledger entries over 2026–2027, loaded with COPY into a fresh embedded
 *    PostgreSQL under /tmp (or DATABASE_URL when set, which must be an empty database). The
 *    summaries (credit_teacher_status, credit_school_summary) are computed with the product's
 *    engine and copied too; secondary indexes are built after the load. The generation cluster
 *    runs with throw-away settings (fsync off, wal_level minimal); it is then restarted with the
 *    product's own settings before anything is measured. The COPY runs with FK triggers off, so every
 *    single-column foreign key is then checked with an anti-join (fk_check_s, not in generation_s).
 * 2. Checks: `ledger check` (checkLedger) on the county scale, which must be ok; refreshCycle's
 *    speed on stale rows (all teachers of the county scale, a 20k sample of the province).
 * 3. Server: `peixun serve` from the bundle in its own process, PEIXUN_TODAY=2027-11-20, joining
 *    the benchmark's PostgreSQL; API tokens of a province, a county and a school admin.
 *    - progress: GET /api/credits/progress?teacherId=… for random teachers of one county by its
 *      county admin, autocannon 50 connections, 10 s after a 2 s warm-up (p95 from every response's
 *      latency), with the CPU per request of server, PostgreSQL and load generator; then 5 s at half
 *      that rate sent evenly (latency below saturation), the service alone in this process, and
 *      EXPLAIN ANALYZE (planning / execution) of its statements; then its physical limit: the same
 *      prepared statement straight through `pg` from 50 connections, in 3 turns of 3 s (2 s with --quick)
 *      with as long of the API (progress_ratio_to_raw = median of API rate / raw rate, target ≥ 0.5);
 *    - rollups: GET /api/reports/credits?orgUnitId=<county> and ?orgUnitId=<province>&level=county,
 *      200 sequential requests each, and the repository's rollup SQL directly (same Kysely call);
 *    - the county rollup from credit_entry itself (rollupFromLedger), for information;
 *    - bulk registration: 10,000 new entries for the 500 teachers of the big school (one request of
 *      10,000 tried first, then 10 requests of 1,000); after the 3rd, 6th and 9th request, its physical
 *      limit: such rows for the next 500 teachers inserted with one INSERT … SELECT (register_ratio_to_raw
 *      = API rate / median raw rate);
 *    - annual verification: POST /api/verifications + /submit of that school for 2026;
 *    - bulk certificates of that school: POST /api/certificates/bulk, GET /api/jobs/:id until done;
 *    - the server's peak RSS (VmRSS sampled every 100 ms, and VmHWM).
 * Prints readable lines with the targets, then one JSON object as the last line, also written to
 * bench/results/ledger-<scale>.json. Autocannon, the server and PostgreSQL share the machine's cores;
 * the 1-minute load average at start and end is recorded, as other work on the machine lowers every
 * figure: the ratios to the limits measured in the same run are the figures to compare across days.
 */
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import inspector from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { Kysely, PostgresDialect, type LogEvent } from 'kysely';
import pg from 'pg';
import {
  freePort,
  killServer,
  postmasterPid,
  ROOT,
  stopServer,
  waitHealthy,
  type ServerProcess,
} from '../test/support/server-process.js';
import { addUser } from '../test/support/fixtures.js';
import { bundleIsCurrent } from '../scripts/server-bundle.mjs';
import { loadEnv, type Env } from '../src/config/env.js';
import { createPool } from '../src/db/database.js';
import { buildApp } from '../src/http/app.js';
import { startEmbeddedPostgres, type EmbeddedCluster } from '../src/db/embedded-postgres.js';
import { migrate } from '../src/db/migrate.js';
import type { DB } from '../src/db/schema.js';
import type { Role } from '../src/domain/org-tree.js';
import { createApiTokenRepository } from '../src/repositories/api-token.repository.js';
import { createCreditReportRepository } from '../src/repositories/credit-report.repository.js';
import type { CycleRow } from '../src/repositories/credit-ledger.repository.js';
import type { OrgUnitRow } from '../src/repositories/org-unit.repository.js';
import { sha256 } from '../src/services/auth.service.js';
import { checkLedger, refreshCycle } from '../src/services/ledger-maintenance.js';
import { createServices } from '../src/services/services.js';
import type { RequestContext } from '../src/services/context.js';
import type { Registration } from '../src/services/credit-ledger.service.js';
import {
  AS_OF_YEAR,
  buildTree,
  CATEGORY_CODES,
  checkForeignKeys,
  createCycle,
  loadLedger,
  SCALES,
  TITLES_BY_CATEGORY,
  TODAY,
  teachersOfCounty,
  type ScaleName,
  type Tree,
} from './ledger-data.js';
import { summarise, type CpuProfile } from './ledger-profile.js';
import { RssSampler, spawnLedgerServer, statusKb } from './ledger-server.js';
import { interleaved, openRawLoad, type RawQuery } from './raw-load.js';

// ---------------------------------------------------------------- options

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  if (i >= 0) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`${name}=`));
  return eq?.slice(name.length + 1);
}
const SCALE_NAME = (argValue('--scale') ?? 'province') as ScaleName;
if (!(SCALE_NAME in SCALES)) {
  console.error(`--scale must be county or province, not ${SCALE_NAME}`);
  process.exit(2);
}
const SPEC = SCALES[SCALE_NAME];
const CPU_PROF = process.argv.includes('--cpu-prof');
const QUICK = process.argv.includes('--quick');
const PHASES = ['progress', 'rollups', 'bulk_register', 'verify', 'certificates'] as const;
type Phase = (typeof PHASES)[number];
/** --only progress,rollups: measure only these (for profiling one phase); the results file is then not written */
const ONLY: readonly Phase[] = argValue('--only') ? (argValue('--only')!.split(',') as Phase[]) : PHASES;
for (const p of ONLY) {
  if (!PHASES.includes(p)) {
    console.error(`--only takes ${PHASES.join(', ')}, not ${p}`);
    process.exit(2);
  }
}
const DATABASE_URL = process.env['DATABASE_URL'];

const TARGETS = {
  progress_p95_ms: 15,
  progress_rps: 2_000,
  county_school_rollup_p95_ms: 50,
  province_county_rollup_p95_ms: 500,
  bulk_register_per_s: 5_000,
  verify_school_s: 2,
  certificates_per_s: 20,
  county_run_s: 60,
  progress_ratio_to_raw: 0.5,
} as const;
const LOAD_CONNECTIONS = 50;
const LOAD_SECONDS = QUICK ? 5 : 10;
const WARMUP_SECONDS = 2;
const RATE_LIMITED_SECONDS = QUICK ? 3 : 5;
/** the progress API and its limit measured in turns: rounds of so many seconds each */
const RATIO_ROUNDS = 3;
const RATIO_SECONDS = QUICK ? 2 : 3;
const ROLLUP_REQUESTS = QUICK ? 100 : 200;
const ROLLUP_WARMUP = QUICK ? 10 : 20;
const BULK_ENTRIES = 10_000;
const BULK_CHUNK = 1_000;
/** the limit of bulk registration is measured this often (median) */
const RAW_RUNS = 3;
const VERIFY_YEAR = 2026;
/** refreshCycle is timed on this many stale status rows (all of them at the county scale) */
const REFRESH_SAMPLE = SCALE_NAME === 'county' ? SPEC.teachers : 20_000;
/** the settings of the throw-away generation cluster; it is restarted with the product's own before any measurement */
const LOAD_SETTINGS: Record<string, string> = {
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  wal_level: 'minimal',
  max_wal_senders: '0',
  max_wal_size: '16GB',
  checkpoint_timeout: '1h',
  autovacuum: 'off',
  shared_buffers: '1GB',
  max_parallel_maintenance_workers: '2',
};

const say = (l: string) => console.log(l);
/** other work on the machine skews every figure: the load average is recorded with them */
const LOADAVG_AT_START = Math.round(os.loadavg()[0]! * 100) / 100;
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const sec = (ms: number) => round(ms / 1000, 2);
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
};
const median = (xs: number[]) => percentile(xs, 50);
const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');
const stats = (xs: number[]) => ({
  p50: round(percentile(xs, 50), 2),
  p95: round(percentile(xs, 95), 2),
  max: round(Math.max(...xs), 2),
  n: xs.length,
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The last statements Kysely ran in this process, to replay them with EXPLAIN. */
class LastQueries {
  rollup: { sql: string; params: readonly unknown[] } | null = null;
  count = 0;
  /** every statement while set */
  recording: Array<{ sql: string; params: readonly unknown[]; ms: number }> | null = null;
  log = (e: LogEvent): void => {
    if (e.level !== 'query') return;
    this.count++;
    this.recording?.push({ sql: e.query.sql, params: e.query.parameters, ms: e.queryDurationMillis });
    if (/WITH below AS/.test(e.query.sql)) this.rollup = { sql: e.query.sql, params: e.query.parameters };
  };
}

// ---------------------------------------------------------------- HTTP

interface Api {
  port: number;
  token: string;
}

async function api<T>(
  a: Api,
  method: 'GET' | 'POST',
  url: string,
  body?: unknown,
): Promise<{ status: number; json: T; text: string }> {
  const headers: Record<string, string> = { authorization: `Bearer ${a.token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`http://127.0.0.1:${a.port}${url}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(600_000),
  });
  const text = await res.text();
  let json: T;
  try {
    json = JSON.parse(text) as T;
  } catch {
    json = undefined as T;
  }
  return { status: res.status, json, text };
}

async function apiOk<T>(a: Api, method: 'GET' | 'POST', url: string, body?: unknown): Promise<T> {
  const r = await api<T>(a, method, url, body);
  if (r.status < 200 || r.status >= 300)
    throw new Error(`${method} ${url} answered ${r.status}: ${r.text.slice(0, 500)}`);
  return r.json;
}

/** GET requests at an even pace (open loop: a slow answer does not delay the next request), over up to 50 kept-alive connections. */
async function pacedLoad(
  port: number,
  token: string,
  pathOf: () => string,
  rate: number,
  seconds: number,
): Promise<{ latencies: number[]; failed: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: LOAD_CONNECTIONS });
  const latencies: number[] = [];
  let failed = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = http.get(
        { host: '127.0.0.1', port, path: pathOf(), agent, headers: { authorization: `Bearer ${token}` } },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) latencies.push(performance.now() - t0);
            else failed++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        failed++;
        resolve();
      });
    });
  const pending: Array<Promise<void>> = [];
  const start = performance.now();
  const total = Math.round(rate * seconds);
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    pending.push(one());
  }
  await Promise.all(pending);
  agent.destroy();
  return { latencies, failed };
}

async function sequential(n: number, fn: () => Promise<void>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const started = performance.now();
  let dir: string | undefined;
  let serverDir: string | undefined;
  let cluster: EmbeddedCluster | undefined;
  let pool: pg.Pool | undefined;
  let db: Kysely<DB> | undefined;
  let server: ServerProcess | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaning ??= (async () => {
      if (server) await killServer(server).catch(() => undefined);
      await db?.destroy().catch(() => undefined);
      if (cluster) await cluster.stop().catch(() => undefined);
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
      if (serverDir) fs.rmSync(serverDir, { recursive: true, force: true });
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void cleanUp().finally(() => process.exit(130)));

  try {
    say(
      `Peixun credit-ledger benchmark, ${SCALE_NAME} scale — ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${round(os.totalmem() / 2 ** 30, 0)} GiB, node ${process.version}`,
    );
    say(
      `  load average (1 min) at start: ${LOADAVG_AT_START}${LOADAVG_AT_START > 1 ? ' — other work is running on this machine; figures will be lower than on an idle one' : ''}`,
    );
    say(
      `  ${SPEC.counties} count${SPEC.counties > 1 ? 'ies' : 'y'}, ${SPEC.schools.toLocaleString('en')} schools, ${SPEC.teachers.toLocaleString('en')} teachers, ${SPEC.entries.toLocaleString('en')} ledger entries; today = ${TODAY}`,
    );

    // ------------------------------------------------------------ 1. data
    say('');
    say('1. Data');
    const g0 = performance.now();
    let url: string;
    if (DATABASE_URL) {
      url = DATABASE_URL;
      say(`  DATABASE_URL is set: loading into that database (it must be empty; settings are the server's own)`);
    } else {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peixun-ledger-bench-'));
      fs.chmodSync(dir, 0o755); // PostgreSQL runs as the postgres user when we are root
      cluster = await startEmbeddedPostgres({ dataDir: dir, settings: LOAD_SETTINGS });
      const admin = new pg.Client({ connectionString: cluster.connectionString('postgres') });
      await admin.connect();
      await admin.query(`CREATE DATABASE peixun ENCODING 'UTF8' TEMPLATE template0`);
      await admin.end();
      url = cluster.connectionString('peixun');
      say(
        `  embedded PostgreSQL in ${dir}, generation settings ${Object.entries(LOAD_SETTINGS)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')}`,
      );
    }
    pool = createPool(url, 10, 'peixun-ledger-bench');
    await migrate(pool);
    const existing = Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM org_unit')).rows[0]!.n);
    if (existing > 0)
      throw new Error(`the database already holds ${existing} org units: the benchmark needs an empty one`);
    db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    const t0 = performance.now();
    const tree = await buildTree(db, SPEC);
    const { cycle, rules } = await createCycle(db, tree.province);
    const treeMs = performance.now() - t0;
    say(
      `  org tree and cycle: ${sec(treeMs)} s (big school ${tree.bigSchool.id} ${tree.bigSchool.name}, cycle ${cycle.id} ${cycle.name})`,
    );
    const load = await loadLedger(pool, SPEC, tree, cycle, rules, say);
    const generationMs = performance.now() - g0;
    say(
      `  loaded: ${load.teachers.toLocaleString('en')} teachers, ${load.entries.toLocaleString('en')} entries (${load.reversals} reversals); statuses ${JSON.stringify(load.statusCounts)}`,
    );
    say(
      `  COPY FREEZE in one transaction, FK triggers ${load.fkTriggersOff ? 'off during COPY' : 'on'}; ${load.indexes.length} secondary indexes rebuilt after; sizes ${JSON.stringify(load.sizes)}`,
    );
    say(`  generation: ${sec(generationMs)} s`);
    // the COPY ran without FK triggers: every reference is checked now (not part of the generation time)
    const k0 = performance.now();
    const fkMissing = await checkForeignKeys(pool);
    const fkCheckMs = performance.now() - k0;
    const broken = Object.entries(fkMissing).filter(([, n]) => n > 0);
    say(
      `  foreign keys: ${Object.keys(fkMissing).length} single-column references checked in ${sec(fkCheckMs)} s: ${broken.length ? `MISSING ${JSON.stringify(broken)}` : 'all present'}`,
    );
    if (broken.length) throw new Error(`rows with missing references: ${JSON.stringify(broken)}`);

    // restart PostgreSQL with the product's settings (the server would start it with exactly these)
    let restartMs = 0;
    if (cluster) {
      await db.destroy();
      const r0 = performance.now();
      await cluster.stop();
      cluster = await startEmbeddedPostgres({ dataDir: dir! });
      restartMs = performance.now() - r0;
      pool = createPool(url, 10, 'peixun-ledger-bench');
    }
    const queries = new LastQueries();
    db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), log: queries.log });
    const pgInfo = (
      await pool.query<{ v: string; fsync: string; sc: string; sb: string; wl: string }>(
        `SELECT current_setting('server_version') AS v, current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sc,
              current_setting('shared_buffers') AS sb, current_setting('wal_level') AS wl`,
      )
    ).rows[0]!;
    say(
      `  PostgreSQL ${pgInfo.v}${cluster ? ` restarted with the product's settings in ${sec(restartMs)} s` : ''}: fsync=${pgInfo.fsync}, synchronous_commit=${pgInfo.sc}, shared_buffers=${pgInfo.sb}, wal_level=${pgInfo.wl}`,
    );

    // ------------------------------------------------------------ 2. checks
    say('');
    say('2. Summaries');
    const env = loadEnv({
      NODE_ENV: 'production',
      DATABASE_URL: url,
      PEIXUN_DATA_DIR: dir ?? os.tmpdir(),
      PEIXUN_LOG_LEVEL: 'silent',
      PEIXUN_TODAY: TODAY,
    });
    let check: Awaited<ReturnType<typeof checkLedger>> | null = null;
    let checkMs = 0;
    if (SCALE_NAME === 'county') {
      const c0 = performance.now();
      check = await checkLedger(db, env);
      checkMs = performance.now() - c0;
      say(
        `  ledger check: ${check.teachers} teachers, ${check.entries} entries in ${sec(checkMs)} s: ${check.ok ? 'OK' : 'DIFFERENCES'} ` +
          `(status differences ${check.statusDifferences.length}, school differences ${check.schoolDifferences.length}, missing ${check.missingStatus}, stale ${check.staleStatus})`,
      );
      if (!check.ok)
        throw new Error(
          `ledger check found differences: ${JSON.stringify([...check.statusDifferences, ...check.schoolDifferences].slice(0, 5))}`,
        );
    } else {
      say(`  ledger check skipped at the province scale (it recomputes every teacher: the county scale asserts it)`);
    }
    // refreshCycle on stale rows: the product's own path for the same summaries
    await pool.query(
      `UPDATE credit_teacher_status SET as_of_year = as_of_year - 1 WHERE cycle_id = $1 AND teacher_id <= $2`,
      [cycle.id, REFRESH_SAMPLE],
    );
    const f0 = performance.now();
    const refreshed = await refreshCycle(db, env, cycle.id);
    const refreshMs = performance.now() - f0;
    const refreshPerS = refreshed.updated / (refreshMs / 1000);
    say(
      `  refreshCycle (1,000 teachers per transaction): ${refreshed.updated.toLocaleString('en')} stale rows in ${sec(refreshMs)} s → ${round(refreshPerS, 0)} teachers/s ` +
        `(all ${SPEC.teachers.toLocaleString('en')} teachers would take ${round(SPEC.teachers / refreshPerS / 60, 1)} min; the COPY of engine-computed rows took ${load.steps['engine_and_copy_statuses']} s)`,
    );
    if (refreshed.updated !== REFRESH_SAMPLE)
      throw new Error(`refreshCycle updated ${refreshed.updated}, expected ${REFRESH_SAMPLE}`);
    if (SCALE_NAME === 'county') {
      const again = await checkLedger(db, env);
      if (!again.ok) throw new Error('ledger check after refreshCycle found differences');
      say(`  ledger check after refreshCycle: OK`);
    }

    // accounts with API tokens (as an integration would use them)
    const county = tree.counties[0]!;
    const tokens: Record<string, string> = {};
    for (const [name, unit, role] of [
      ['province', tree.province, 'province_admin'],
      ['county', county, 'county_admin'],
      ['school', tree.bigSchool, 'school_admin'],
    ] as Array<[string, OrgUnitRow, Role]>) {
      const userId = await addUser(db, unit, role, `bench-${name}`);
      const prefix = crypto.randomBytes(4).toString('hex');
      const token = `px_${prefix}_${crypto.randomBytes(24).toString('base64url')}`;
      await createApiTokenRepository(db).insert({
        userId,
        name: 'ledger-bench',
        prefix,
        tokenHash: sha256(token),
        expiresAt: null,
      });
      tokens[name] = token;
    }

    // ------------------------------------------------------------ 3. the server
    say('');
    // the bundle again, right before the start: sources may have changed during a long generation
    if (process.env['PEIXUN_FROM_SOURCE'] !== '1' && !bundleIsCurrent())
      execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-server.mjs'), '--if-stale'], { stdio: 'inherit' });
    const serverCode =
      process.env['PEIXUN_FROM_SOURCE'] !== '1' && bundleIsCurrent()
        ? 'bundle (dist/server/peixun.mjs)'
        : 'TypeScript sources through tsx';
    const port = await freePort();
    const profDir = CPU_PROF ? fs.mkdtempSync(path.join(os.tmpdir(), `peixun-ledger-prof-${SCALE_NAME}-`)) : undefined;
    const s0 = performance.now();
    // with DATABASE_URL the server still needs a data dir of its own (secret key, files of jobs)
    if (!dir) serverDir = fs.mkdtempSync(path.join(os.tmpdir(), 'peixun-ledger-server-'));
    server = spawnLedgerServer({
      dataDir: dir ?? serverDir!,
      port,
      databaseUrl: DATABASE_URL,
      env: { PEIXUN_TODAY: TODAY, PEIXUN_SEED_DEMO: 'never' },
      nodeArgs: [
        ...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []),
        ...(process.env['LEDGER_SERVER_NODE_ARGS']?.split(' ').filter(Boolean) ?? []),
      ],
    });
    await waitHealthy(server, 120_000, 20);
    const serverStartMs = performance.now() - s0;
    say(
      `3. Server: ${serverCode}, pid ${server.pid}, up in ${sec(serverStartMs)} s${profDir ? `, CPU profile to ${profDir}` : ''}`,
    );
    const rss = new RssSampler(server.pid);
    rss.start();
    rss.enter('idle');
    await sleep(500);
    const idleMb = statusKb(server.pid, 'VmRSS') / 1024;
    const asCounty: Api = { port, token: tokens['county']! };
    const asProvince: Api = { port, token: tokens['province']! };
    const asSchool: Api = { port, token: tokens['school']! };

    const ctx: PhaseContext = {
      port,
      asCounty,
      asProvince,
      asSchool,
      tree,
      cycle,
      db,
      env,
      queries,
      pool,
      url,
      county: tree.counties[0]!,
      server,
      postmaster: dir ? postmasterPid(dir) : null,
    };
    const figures: Partial<PhaseFigures> = {};
    for (const phase of PHASES) {
      if (!ONLY.includes(phase)) continue;
      rss.enter(phase);
      Object.assign(figures, await PHASE_RUNNERS[phase](ctx));
    }

    // the server's memory, then a clean stop (which also writes the CPU profile)
    rss.stop();
    const hwmMb = statusKb(server.pid, 'VmHWM') / 1024;
    const peakMb = Math.max(rss.peakKb / 1024, hwmMb);
    const exit = await stopServer(server);
    server = undefined;
    const byPhase = Object.fromEntries([...rss.byPhase].map(([k, v]) => [k, round(v / 1024)]));
    say(
      `  server RSS: idle ${round(idleMb)} MB, peak ${round(peakMb)} MB (VmHWM ${round(hwmMb)} MB, highest 100 ms sample ${round(rss.peakKb / 1024)} MB); by phase ${JSON.stringify(byPhase)}; exit ${exit.code ?? exit.signal}`,
    );
    if (profDir)
      say(
        `  CPU profile: ${fs
          .readdirSync(profDir)
          .map((f) => path.join(profDir, f))
          .join(', ')} (summarise with: npx tsx bench/ledger-profile.ts <file>)`,
      );

    const totalS = (performance.now() - started) / 1000;
    const f = figures;
    const met = (v: number | null | undefined, ok: (x: number) => boolean) =>
      v === null || v === undefined ? null : ok(v);
    const result = {
      scale: SCALE_NAME,
      teachers: SPEC.teachers,
      entries: SPEC.entries,
      schools: SPEC.schools,
      counties: SPEC.counties,
      progress_p95_ms: f.progress_p95_ms ?? null,
      progress_rps: f.progress_rps ?? null,
      progress_raw_per_s: f.progress_raw_per_s ?? null,
      progress_ratio_to_raw: f.progress_ratio_to_raw ?? null,
      county_school_rollup_p95_ms: f.county_school_rollup_p95_ms ?? null,
      province_county_rollup_p95_ms: f.province_county_rollup_p95_ms ?? null,
      county_rollup_raw_p95_ms: f.county_rollup_raw_p95_ms ?? null,
      province_rollup_raw_p95_ms: f.province_rollup_raw_p95_ms ?? null,
      raw_rollup_ratio: f.raw_rollup_ratio ?? null,
      ledger_rollup_ms: f.ledger_rollup_ms ?? null,
      bulk_register_per_s: f.bulk_register_per_s ?? null,
      register_raw_per_s: f.register_raw_per_s ?? null,
      register_ratio_to_raw: f.register_ratio_to_raw ?? null,
      verify_school_s: f.verify_school_s ?? null,
      certificates_per_s: f.certificates_per_s ?? null,
      server_peak_rss_mb: round(peakMb),
      generation_s: sec(generationMs),
      ...f,
      server_idle_rss_mb: round(idleMb),
      server_rss_by_phase_mb: byPhase,
      server_start_s: sec(serverStartMs),
      generation_steps_s: { tree_and_cycle: sec(treeMs), ...load.steps },
      fk_check_s: sec(fkCheckMs),
      fk_references_checked: Object.keys(fkMissing).length,
      generation_method: `COPY … FROM STDIN (FREEZE) in one transaction after TRUNCATE; FK triggers ${load.fkTriggersOff ? 'off during COPY' : 'on'}; secondary indexes dropped and rebuilt; summaries by the product engine (evaluateProgress → statusRowOf → countsOf)`,
      table_sizes: load.sizes,
      status_counts: load.statusCounts,
      reversals: load.reversals,
      ledger_check_ok: check ? check.ok : null,
      ledger_check_s: check ? sec(checkMs) : null,
      refresh_cycle_teachers_per_s: round(refreshPerS, 0),
      refresh_cycle_sample: REFRESH_SAMPLE,
      refresh_cycle_full_estimate_min: round(SPEC.teachers / refreshPerS / 60, 1),
      pg_restart_s: sec(restartMs),
      phases_run: PHASES.filter((p) => ONLY.includes(p)),
      mode: QUICK ? 'quick' : 'full',
      targets: TARGETS,
      met: {
        progress_p95_ms: met(f.progress_p95_ms, (v) => v <= TARGETS.progress_p95_ms),
        progress_rps: met(f.progress_rps, (v) => v >= TARGETS.progress_rps),
        progress_ratio_to_raw: met(f.progress_ratio_to_raw, (v) => v >= TARGETS.progress_ratio_to_raw),
        county_school_rollup_p95_ms: met(
          f.county_school_rollup_p95_ms,
          (v) => v <= TARGETS.county_school_rollup_p95_ms,
        ),
        province_county_rollup_p95_ms: met(
          f.province_county_rollup_p95_ms,
          (v) => v <= TARGETS.province_county_rollup_p95_ms,
        ),
        bulk_register_per_s: met(f.bulk_register_per_s, (v) => v >= TARGETS.bulk_register_per_s),
        verify_school_s: met(f.verify_school_s, (v) => v <= TARGETS.verify_school_s),
        certificates_per_s: met(f.certificates_per_s, (v) => v >= TARGETS.certificates_per_s),
        county_run_s: SCALE_NAME === 'county' ? totalS <= TARGETS.county_run_s : null,
      },
      server_code: serverCode,
      cpu_profile_dir: profDir ?? null,
      machine: {
        cores: os.cpus().length,
        cpu: os.cpus()[0]?.model.trim(),
        mem_gib: round(os.totalmem() / 2 ** 30, 0),
        node: process.version,
        postgres: pgInfo.v,
        fsync: pgInfo.fsync,
        synchronous_commit: pgInfo.sc,
        shared_buffers: pgInfo.sb,
        database: DATABASE_URL ? 'DATABASE_URL' : 'embedded',
        load_generator: 'autocannon in the benchmark process, same machine',
        loadavg_1m_at_start: LOADAVG_AT_START,
        loadavg_1m_at_end: round(os.loadavg()[0]!, 2),
      },
      bench_s: round(totalS, 1),
      at: new Date().toISOString(),
    };
    say('');
    say(
      `Summary (${SCALE_NAME}): progress ${result.progress_rps} req/s ` +
        `(×${result.progress_ratio_to_raw} of raw pg), ` +
        `p95 ${result.progress_p95_ms} ms; county rollup p95 ${result.county_school_rollup_p95_ms} ms; ` +
        `province rollup p95 ${result.province_county_rollup_p95_ms} ms (×${result.raw_rollup_ratio} of raw SQL); ` +
        `bulk ${result.bulk_register_per_s} entries/s ` +
        `(×${result.register_ratio_to_raw} of one INSERT … SELECT); ` +
        `verification ${result.verify_school_s} s; certificates ${result.certificates_per_s}/s; server peak RSS ${result.server_peak_rss_mb} MB; generation ${result.generation_s} s; whole run ${result.bench_s} s` +
        (SCALE_NAME === 'county'
          ? ` (target < ${TARGETS.county_run_s} s: ${mark(totalS <= TARGETS.county_run_s)})`
          : ''),
    );
    const outDir = path.join(ROOT, 'bench/results');
    fs.mkdirSync(outDir, { recursive: true });
    // a run of some phases only (--only) is for profiling: it leaves the results file alone
    const file = `ledger-${SCALE_NAME}${QUICK ? '-quick' : ''}.json`;
    if (ONLY.length === PHASES.length) {
      fs.writeFileSync(path.join(outDir, file), `${JSON.stringify(result, null, 2)}\n`);
    }
    console.log(JSON.stringify(result));
    if ((f.progress_errors ?? 0) > 0) process.exitCode = 1;
  } catch (e) {
    if (server) say(`server output (last 3000 characters):\n${server.output().slice(-3000)}`);
    throw e;
  } finally {
    await cleanUp();
  }
}

/** The actor of an account, as a request context carries it. */
async function actorOf(db: Kysely<DB>, username: string): Promise<NonNullable<RequestContext['actor']>> {
  const u = await db
    .selectFrom('app_user')
    .select(['id', 'username', 'role', 'org_unit_id', 'org_path', 'province_id'])
    .where('username', '=', username)
    .executeTakeFirstOrThrow();
  return {
    userId: u.id,
    username: u.username,
    role: u.role as Role,
    orgUnitId: u.org_unit_id,
    orgPath: u.org_path,
    provinceId: u.province_id,
  };
}

/** CPU time (ms) of the postmaster and its children (backends, workers) */
function postgresCpuMs(postmaster: number): number {
  let total = cpuTicks(postmaster);
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster) total += cpuTicks(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** user + system CPU time of a process in ms (clock ticks of 10 ms) */
function cpuTicks(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------- the measured phases

interface PhaseContext {
  port: number;
  asCounty: Api;
  asProvince: Api;
  asSchool: Api;
  tree: Tree;
  cycle: CycleRow;
  db: Kysely<DB>;
  env: Env;
  queries: LastQueries;
  pool: pg.Pool;
  /** the database's connection string, for the raw-pg limits */
  url: string;
  county: OrgUnitRow;
  server: ServerProcess;
  /** the embedded PostgreSQL's postmaster, for its CPU time */
  postmaster: number | null;
}

interface PhaseFigures {
  [key: string]: unknown;
  progress_p95_ms?: number;
  progress_rps?: number;
  progress_errors?: number;
  county_school_rollup_p95_ms?: number;
  province_county_rollup_p95_ms?: number;
  county_rollup_raw_p95_ms?: number;
  province_rollup_raw_p95_ms?: number;
  raw_rollup_ratio?: number;
  ledger_rollup_ms?: number;
  bulk_register_per_s?: number;
  progress_raw_per_s?: number;
  progress_ratio_to_raw?: number;
  register_raw_per_s?: number;
  register_ratio_to_raw?: number;
  verify_school_s?: number;
  certificates_per_s?: number;
}

/** GET /api/credits/progress of random teachers of county 0 by its county admin, under autocannon; then the service alone in this process. */
async function progressPhase(c: PhaseContext): Promise<PhaseFigures> {
  const countyTeachers = teachersOfCounty(SPEC, 0).map((i) => i + 1);
  const pick = () => countyTeachers[crypto.randomInt(countyTeachers.length)]!;
  const probe = await apiOk<{ status: string; entries: unknown[]; counted: number }>(
    c.asCounty,
    'GET',
    `/api/credits/progress?teacherId=${countyTeachers[0]}`,
  );
  say(
    `  progress: ${countyTeachers.length.toLocaleString('en')} teachers in ${c.county.name}; e.g. teacher ${countyTeachers[0]}: ${probe.status}, ${probe.entries.length} entries, ${probe.counted / 10} h counted`,
  );
  // every response's latency is kept, for an exact p95 (autocannon's summary has p90 and p97.5)
  const cannon = async (seconds: number) => {
    const latencies: number[] = [];
    const instance = autocannon({
      url: `http://127.0.0.1:${c.port}`,
      connections: LOAD_CONNECTIONS,
      duration: seconds,
      timeout: 10,
      headers: { authorization: `Bearer ${c.asCounty.token}` },
      requests: [
        { method: 'GET', setupRequest: (req) => ({ ...req, path: `/api/credits/progress?teacherId=${pick()}` }) },
      ],
    });
    (instance as unknown as NodeJS.EventEmitter).on(
      'response',
      (_client: unknown, _status: number, _bytes: number, ms: number) => {
        latencies.push(ms);
      },
    );
    return { result: await instance, latencies };
  };
  await cannon(WARMUP_SECONDS);
  const cpu0 = cpuTicks(c.server.pid);
  const pg0 = c.postmaster ? postgresCpuMs(c.postmaster) : 0;
  const load0 = process.cpuUsage();
  const { result: r, latencies } = await cannon(LOAD_SECONDS);
  const serverCpuMs = cpuTicks(c.server.pid) - cpu0;
  const pgCpuMs = c.postmaster ? postgresCpuMs(c.postmaster) - pg0 : NaN;
  const loadCpu = process.cpuUsage(load0);
  const rps = r.requests.average;
  const p95 = round(percentile(latencies, 95), 2);
  const errors = r.non2xx + r.errors + r.timeouts;
  say(
    `  progress under load (${LOAD_CONNECTIONS} connections, ${LOAD_SECONDS} s after ${WARMUP_SECONDS} s warm-up): ${round(rps, 0)} req/s (target ≥ ${TARGETS.progress_rps}: ${mark(rps >= TARGETS.progress_rps)}), ` +
      `p50 ${round(percentile(latencies, 50), 2)} ms, p95 ${p95} ms (target ≤ ${TARGETS.progress_p95_ms}: ${mark(p95 <= TARGETS.progress_p95_ms)}), p99 ${round(percentile(latencies, 99), 2)} ms; ` +
      `${r.requests.total} requests, non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts}`,
  );
  const perReq = (ms: number) => round(ms / r.requests.total, 3);
  const loadgenMs = (loadCpu.user + loadCpu.system) / 1000;
  say(
    `    CPU per request: server ${perReq(serverCpuMs)} ms (${round(serverCpuMs / (LOAD_SECONDS * 10), 0)} % of one core), PostgreSQL ${perReq(pgCpuMs)} ms (${round(pgCpuMs / (LOAD_SECONDS * 10), 0)} %), ` +
      `load generator ${perReq(loadgenMs)} ms (${round(loadgenMs / (LOAD_SECONDS * 10), 0)} %); the ${os.cpus().length} cores give ${round((os.cpus().length * 1000) / (perReq(serverCpuMs) + perReq(pgCpuMs) + perReq(loadgenMs)), 0)} req/s at most at this cost`,
  );
  // latency below saturation: requests sent at an even pace of half the rate just measured (open loop)
  const halfRate = Math.max(10, Math.round(rps / 2));
  const half = await pacedLoad(
    c.port,
    c.asCounty.token,
    () => `/api/credits/progress?teacherId=${pick()}`,
    halfRate,
    RATE_LIMITED_SECONDS,
  );
  const halfLatencies = half.latencies;
  const halfP95 = round(percentile(halfLatencies, 95), 2);
  say(
    `  progress at half that rate (${halfRate} req/s sent evenly for ${RATE_LIMITED_SECONDS} s, ${half.failed} failed): p50 ${round(percentile(halfLatencies, 50), 2)} ms, p95 ${halfP95} ms, p99 ${round(percentile(halfLatencies, 99), 2)} ms ` +
      `(at full load the p50 is Little's law: ${LOAD_CONNECTIONS} connections / ${round(rps, 0)} req/s = ${round((LOAD_CONNECTIONS / rps) * 1000, 0)} ms)`,
  );
  // the same use case in this process, one call at a time (no HTTP, no contention), and its SQL statements
  const services = createServices({ db: c.db, env: c.env });
  const ctx: RequestContext = {
    actor: await actorOf(c.db, 'bench-county'),
    ip: '127.0.0.1',
    userAgent: 'ledger-bench',
    via: 'http',
  };
  for (let i = 0; i < 20; i++) await services.credits.progress(ctx, { teacherId: pick() });
  c.queries.count = 0;
  const serviceMs = await sequential(300, async () => {
    await services.credits.progress(ctx, { teacherId: pick() });
  });
  const statements = c.queries.count / 300;
  say(
    `  progress service alone (in the bench process, sequential): p50 ${round(median(serviceMs), 2)} ms, p95 ${round(percentile(serviceMs, 95), 2)} ms, ${round(statements, 1)} SQL statements per call`,
  );
  // the statements of one call, each with PostgreSQL's planning and execution time
  c.queries.recording = [];
  await services.credits.progress(ctx, { teacherId: pick() });
  const recorded = c.queries.recording;
  c.queries.recording = null;
  const plans: Array<{ statement: string; planning_ms: number; execution_ms: number }> = [];
  for (const q of recorded) {
    const lines = (
      await c.pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${q.sql}`, q.params as unknown[])
    ).rows.map((r) => r['QUERY PLAN']);
    const num = (re: RegExp) => Number(lines.find((l) => re.test(l))?.match(/([\d.]+) ms/)?.[1] ?? NaN);
    plans.push({
      statement: q.sql.replace(/\s+/g, ' ').slice(0, 90),
      planning_ms: num(/Planning Time/),
      execution_ms: num(/Execution Time/),
    });
  }
  say(
    `    its statements (EXPLAIN ANALYZE, warm): ${plans.map((x) => `planning ${x.planning_ms} + execution ${x.execution_ms} ms «${x.statement.slice(0, 60)}…»`).join('; ')}`,
  );
  // the physical limit: the same prepared statement straight through pg, in turns with the API
  const statement = await progressStatement(c, services, ctx, countyTeachers, pick);
  const raw = await openRawLoad(c.url, statement, LOAD_CONNECTIONS);
  let limit: Awaited<ReturnType<typeof interleaved>>;
  try {
    await raw.measure(1); // each connection prepares the statement
    limit = await interleaved(RATIO_ROUNDS, RATIO_SECONDS, async (s) => (await cannon(s)).result.requests.average, raw);
  } finally {
    await raw.close();
  }
  const ratio = limit.ratio;
  say(
    `  physical limit: the same prepared statement straight through pg from ${LOAD_CONNECTIONS} connections, ` +
      `in turns with the API (${RATIO_ROUNDS} × ${RATIO_SECONDS} s each): ` +
      `API ${limit.rounds.map((x) => x.product).join(', ')} req/s, ` +
      `raw ${limit.rounds.map((x) => x.raw).join(', ')} /s → progress_ratio_to_raw ${ratio} (median of the rounds; ` +
      `target ≥ ${TARGETS.progress_ratio_to_raw}: ${mark(ratio >= TARGETS.progress_ratio_to_raw)})`,
  );
  let inProcess: PhaseFigures = {};
  if (CPU_PROF) inProcess = await progressProfileInProcess(c, pick);
  return {
    progress_turns_rps: limit.productPerS,
    progress_raw_per_s: limit.rawPerS,
    progress_ratio_to_raw: ratio,
    progress_ratio_rounds: limit.rounds,
    progress_p95_ms: p95,
    progress_rps: round(rps, 0),
    progress_p50_ms: round(percentile(latencies, 50), 2),
    progress_p99_ms: round(percentile(latencies, 99), 2),
    progress_requests: r.requests.total,
    progress_errors: errors,
    progress_server_cpu_ms_per_req: perReq(serverCpuMs),
    progress_pg_cpu_ms_per_req: Number.isNaN(pgCpuMs) ? null : perReq(pgCpuMs),
    progress_loadgen_cpu_ms_per_req: perReq(loadgenMs),
    progress_service_ms: stats(serviceMs),
    progress_sql_statements_per_call: round(statements, 1),
    progress_county_teachers: countyTeachers.length,
    progress_half_rate_offered: halfRate,
    progress_half_rate_p95_ms: halfP95,
    progress_half_rate_p50_ms: round(percentile(halfLatencies, 50), 2),
    progress_statements: plans,
    ...inProcess,
  };
}

/**
 * The progress page's statement as the service sends it (recorded from two calls, so the teacher's
 * slots are found by their values), as the same named prepared statement for a random teacher of the
 * county on every call.
 */
async function progressStatement(
  c: PhaseContext,
  services: ReturnType<typeof createServices>,
  ctx: RequestContext,
  countyTeachers: number[],
  pick: () => number,
): Promise<() => RawQuery> {
  const record = async (teacherId: number) => {
    c.queries.recording = [];
    await services.credits.progress(ctx, { teacherId });
    const recorded = c.queries.recording;
    c.queries.recording = null;
    // the page's one statement: the largest one it sends
    return recorded.sort((a, b) => b.sql.length - a.sql.length)[0]!;
  };
  // two teachers whose ids appear nowhere else among the values (the cycle id, limits)
  const [t1, t2] = countyTeachers.filter((id) => id > 1_000).slice(0, 2) as [number, number];
  const a = await record(t1);
  const b = await record(t2);
  const slots = a.params.flatMap((v, i) => (Number(v) === t1 && Number(b.params[i]) === t2 ? [i] : []));
  if (a.sql !== b.sql || slots.length === 0) {
    throw new Error('the progress statement and its teacher parameter were not found');
  }
  return () => {
    const values = [...a.params];
    const id = pick();
    for (const i of slots) values[i] = typeof a.params[i] === 'string' ? String(id) : id;
    return { name: 'progress_by_id', text: a.sql, values };
  };
}

/**
 * With --cpu-prof: the progress route built in this process (buildApp, same services and database),
 * 2,000 sequential requests through inject() under the V8 profiler, so the CPU of one request is
 * attributed by stage without the preemption a loaded server's own profile shows.
 */
async function progressProfileInProcess(c: PhaseContext, pick: () => number): Promise<PhaseFigures> {
  const app = await buildApp({
    services: createServices({ db: c.db, env: c.env }),
    db: c.db,
    env: c.env,
    databaseMode: DATABASE_URL ? 'external' : 'embedded',
    logger: false,
    serveWeb: false,
  });
  const headers = { authorization: `Bearer ${c.asCounty.token}` };
  const call = async () => {
    const r = await app.inject({ method: 'GET', url: `/api/credits/progress?teacherId=${pick()}`, headers });
    if (r.statusCode !== 200) throw new Error(`in-process progress answered ${r.statusCode}: ${r.body.slice(0, 300)}`);
  };
  for (let i = 0; i < 300; i++) await call();
  const session = new inspector.Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  const n = 2_000;
  const cpu0 = process.cpuUsage();
  await session.post('Profiler.start');
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await call();
  const wallMs = performance.now() - t0;
  const { profile } = await session.post('Profiler.stop');
  const cpu = process.cpuUsage(cpu0);
  session.disconnect();
  await app.close();
  const file = path.join(os.tmpdir(), `peixun-ledger-progress-inproc-${SCALE_NAME}-${process.pid}.cpuprofile`);
  fs.writeFileSync(file, JSON.stringify(profile));
  const sum = summarise(profile as unknown as CpuProfile, 25);
  const cpuPerReq = (cpu.user + cpu.system) / 1000 / n;
  say(
    `  progress route in this process (inject, sequential, ${n} requests): ${round(wallMs / n, 3)} ms wall and ${round(cpuPerReq, 3)} ms Node CPU per request; profile ${file}`,
  );
  for (const l of sum.lines.slice(0, 14)) say(`    ${l}`);
  const perReqStages = Object.fromEntries(Object.entries(sum.stages).map(([k, msTotal]) => [k, round(msTotal / n, 3)]));
  return {
    progress_inproc_wall_ms: round(wallMs / n, 3),
    progress_inproc_cpu_ms: round(cpuPerReq, 3),
    progress_inproc_stage_ms_per_req: perReqStages,
    progress_inproc_profile: file,
  };
}

/** The county (one row per school) and province (one row per county) rollups over HTTP, and the repository's SQL directly. */
async function rollupsPhase(c: PhaseContext): Promise<PhaseFigures> {
  const { county, tree, cycle } = c;
  const countyUrl = `/api/reports/credits?orgUnitId=${county.id}`;
  const provinceUrl = `/api/reports/credits?orgUnitId=${tree.province.id}&level=county`;
  const countyProbe = await apiOk<{ rows: unknown[]; total: { teachers: number; entryCount: number } }>(
    c.asCounty,
    'GET',
    countyUrl,
  );
  const provinceProbe = await apiOk<{ rows: unknown[]; total: { teachers: number; entryCount: number } }>(
    c.asProvince,
    'GET',
    provinceUrl,
  );
  say(
    `  county rollup: ${countyProbe.rows.length} rows (schools), ${countyProbe.total.teachers} teachers, ${countyProbe.total.entryCount} entries; ` +
      `province rollup by county: ${provinceProbe.rows.length} rows, ${provinceProbe.total.teachers} teachers, ${provinceProbe.total.entryCount} entries`,
  );
  if (provinceProbe.total.teachers !== SPEC.teachers)
    throw new Error(`the province rollup counts ${provinceProbe.total.teachers} teachers, expected ${SPEC.teachers}`);
  await sequential(ROLLUP_WARMUP, async () => {
    await apiOk(c.asCounty, 'GET', countyUrl);
  });
  const countyApi = await sequential(ROLLUP_REQUESTS, async () => {
    await apiOk(c.asCounty, 'GET', countyUrl);
  });
  await sequential(ROLLUP_WARMUP, async () => {
    await apiOk(c.asProvince, 'GET', provinceUrl);
  });
  const provinceApi = await sequential(ROLLUP_REQUESTS, async () => {
    await apiOk(c.asProvince, 'GET', provinceUrl);
  });
  const reports = createCreditReportRepository(c.db);
  await sequential(ROLLUP_WARMUP, async () => {
    await reports.rollup(county, cycle.id, AS_OF_YEAR);
  });
  const countyRaw = await sequential(ROLLUP_REQUESTS, async () => {
    await reports.rollup(county, cycle.id, AS_OF_YEAR);
  });
  const countySql = c.queries.rollup!;
  await sequential(ROLLUP_WARMUP, async () => {
    await reports.rollup(tree.province, cycle.id, AS_OF_YEAR, 'county');
  });
  const provinceRaw = await sequential(ROLLUP_REQUESTS, async () => {
    await reports.rollup(tree.province, cycle.id, AS_OF_YEAR, 'county');
  });
  const provinceSql = c.queries.rollup!;
  const countyApiP95 = percentile(countyApi, 95);
  const provinceApiP95 = percentile(provinceApi, 95);
  const ratio = provinceApiP95 / percentile(provinceRaw, 95);
  say(
    `  county rollup API: p50 ${round(median(countyApi), 2)} ms, p95 ${round(countyApiP95, 2)} ms (target ≤ ${TARGETS.county_school_rollup_p95_ms}: ${mark(countyApiP95 <= TARGETS.county_school_rollup_p95_ms)}); ` +
      `raw SQL p50 ${round(median(countyRaw), 2)} ms, p95 ${round(percentile(countyRaw, 95), 2)} ms`,
  );
  say(
    `  province rollup by county API: p50 ${round(median(provinceApi), 2)} ms, p95 ${round(provinceApiP95, 2)} ms (target ≤ ${TARGETS.province_county_rollup_p95_ms}: ${mark(provinceApiP95 <= TARGETS.province_county_rollup_p95_ms)}); ` +
      `raw SQL p50 ${round(median(provinceRaw), 2)} ms, p95 ${round(percentile(provinceRaw, 95), 2)} ms → raw_rollup_ratio ${round(ratio, 2)} (API p95 / SQL p95)`,
  );
  const plans: Record<string, string[]> = {};
  for (const [name, q] of [
    ['county_rollup', countySql],
    ['province_rollup', provinceSql],
  ] as const) {
    plans[name] = (
      await c.pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${q.sql}`, q.params as unknown[])
    ).rows.map((r) => r['QUERY PLAN']);
    const scans = plans[name]!.filter((l) => /Scan on credit_school_summary|Rows Removed by Filter/.test(l)).map((l) =>
      l.trim().replace(/\s*\(cost=[^)]*\)/, ''),
    );
    say(
      `    EXPLAIN ANALYZE ${name}: ${plans[name]!.slice(-2)
        .map((l) => l.trim())
        .join('; ')}; ${scans.slice(0, 2).join('; ')}`,
    );
  }
  const ledgerRollup: number[] = [];
  let ledgerRows = 0;
  // three runs, or one when it takes seconds
  for (let i = 0; i < 3 && ledgerRollup.reduce((a, b) => a + b, 0) < 5_000; i++) {
    const l0 = performance.now();
    ledgerRows = (await reports.rollupFromLedger(county.id, cycle.id)).length;
    ledgerRollup.push(performance.now() - l0);
  }
  say(
    `  county rollup straight from credit_entry (rollupFromLedger, no summaries): ${ledgerRollup.map((m) => round(m, 0)).join(', ')} ms for ${ledgerRows} schools (for information)`,
  );
  return {
    county_school_rollup_p95_ms: round(countyApiP95, 2),
    county_school_rollup_ms: stats(countyApi),
    province_county_rollup_p95_ms: round(provinceApiP95, 2),
    province_county_rollup_ms: stats(provinceApi),
    county_rollup_raw_p95_ms: round(percentile(countyRaw, 95), 2),
    county_rollup_raw_ms: stats(countyRaw),
    province_rollup_raw_p95_ms: round(percentile(provinceRaw, 95), 2),
    province_rollup_raw_ms: stats(provinceRaw),
    raw_rollup_ratio: round(ratio, 2),
    ledger_rollup_ms: round(median(ledgerRollup), 0),
    ledger_rollup_runs_ms: ledgerRollup.map((m) => round(m, 0)),
    plans,
  };
}

/** The k-th entry of a bulk registration run for the 500 teachers of the big school (teachers 0 … 499, ids 1 … 500). */
function registration(k: number, run: string): Registration {
  const cat = k % CATEGORY_CODES.length;
  return {
    teacherId: (k % SPEC.bigSchoolTeachers) + 1,
    hours: [20, 30, 40, 60, 80, 120][k % 6]!,
    occurredOn: `2027-${String(8 + (k % 3)).padStart(2, '0')}-${String(1 + (k % 28)).padStart(2, '0')}`,
    title: TITLES_BY_CATEGORY[cat]![k % 4]!,
    categories: [CATEGORY_CODES[cat]!],
    sourceType: 'project',
    sourceRef: `XM2027-B${run}`,
    idemKey: `bulk-${run}-${k}`,
  };
}

/** 10,000 new entries for the 500 teachers of the big school, by its school admin: one request of 10,000 tried, then 10 of 1,000. */
async function bulkRegisterPhase(c: PhaseContext): Promise<PhaseFigures> {
  const all = Array.from({ length: BULK_ENTRIES }, (_, k) => registration(k, 'one'));
  const s0 = performance.now();
  const single = await api<unknown>(c.asSchool, 'POST', '/api/credits/entries', { entries: all });
  const singleMs = performance.now() - s0;
  const singleBytes = Buffer.byteLength(JSON.stringify({ entries: all }));
  let created = 0;
  if (single.status === 200) created = (single.json as { created: number }).created;
  const singlePerS = single.status === 200 ? created / (singleMs / 1000) : null;
  say(
    `  one request of ${BULK_ENTRIES.toLocaleString('en')} entries (${round(singleBytes / 1024, 0)} KB; the route's schema allows 10,000): answered ${single.status}` +
      (single.status === 200
        ? ` in ${sec(singleMs)} s → ${round(singlePerS!, 0)} entries/s (created ${created})`
        : ` ${single.text.slice(0, 160)}`),
  );
  const times: number[] = [];
  const b0 = performance.now();
  // the physical limit is measured between requests (after the 3rd, 6th and 9th), so both see the same moments
  const raw = await rawRegistration(c);
  const rawRuns: number[] = [];
  let rawMs = 0;
  for (let k = 0; k < BULK_ENTRIES / BULK_CHUNK; k++) {
    const chunk = Array.from({ length: BULK_CHUNK }, (_, j) => registration(k * BULK_CHUNK + j, 'chunk'));
    const r0 = performance.now();
    const r = await apiOk<{ created: number; replayed: number }>(c.asSchool, 'POST', '/api/credits/entries', {
      entries: chunk,
    });
    times.push(performance.now() - r0);
    if (r.created !== BULK_CHUNK) throw new Error(`a bulk request created ${r.created} of ${BULK_CHUNK}`);
    if (k % 3 === 2 && rawRuns.length < RAW_RUNS) {
      const q0 = performance.now();
      rawRuns.push(await raw(`raw${rawRuns.length + 1}`));
      rawMs += performance.now() - q0;
    }
  }
  const ms = performance.now() - b0 - rawMs;
  const perS = BULK_ENTRIES / (ms / 1000);
  const rawPerS = BULK_ENTRIES / (median(rawRuns) / 1000);
  const ratio = perS / rawPerS;
  let inProcess: PhaseFigures = {};
  if (CPU_PROF) inProcess = await bulkBreakdownInProcess(c, (k) => registration(k, 'inproc'));
  say(
    `  bulk registration, ${BULK_ENTRIES / BULK_CHUNK} requests of ${BULK_CHUNK.toLocaleString('en')} (${SPEC.bigSchoolTeachers} teachers, as the school admin): ${sec(ms)} s → ${round(perS, 0)} entries/s ` +
      `(target ≥ ${TARGETS.bulk_register_per_s}: ${mark(perS >= TARGETS.bulk_register_per_s)}); per request ${times.map((m) => round(m, 0)).join(', ')} ms`,
  );
  say(
    `  physical limit: ${BULK_ENTRIES.toLocaleString('en')} such rows with one INSERT … SELECT, ` +
      `between the requests: ` +
      `${rawRuns.map((m) => round(m, 0)).join(', ')} ms → median ${round(rawPerS, 0)} entries/s ` +
      `→ register_ratio_to_raw ${round(ratio, 3)}`,
  );
  return {
    register_raw_per_s: round(rawPerS, 0),
    register_raw_runs_ms: rawRuns.map((m) => round(m, 0)),
    register_ratio_to_raw: round(ratio, 3),
    bulk_register_per_s: round(perS, 0),
    bulk_register_s: sec(ms),
    bulk_register_requests_ms: times.map((m) => round(m, 0)),
    bulk_register_single_10k_status: single.status,
    bulk_register_single_10k_kb: round(singleBytes / 1024, 0),
    bulk_register_single_10k_created: created,
    bulk_register_single_10k_per_s: singlePerS === null ? null : round(singlePerS, 0),
    ...inProcess,
  };
}

/**
 * The physical limit of bulk registration: the bulk's 10,000 rows (same hours, dates, titles, categories)
 * for the 500 teachers that follow the big school's (ids 501 … 1,000, so the big school's certificates and
 * verification stay as they were), inserted into credit_entry with one INSERT … SELECT from arrays, durably
 * committed, with every index, constraint and foreign key in place, and none of the service's work
 * (permission, locks, the engine, summaries, audit). The summaries do not count these rows. Returns a run
 * with the idempotency keys of `run`, giving its time in ms.
 */
async function rawRegistration(c: PhaseContext): Promise<(run: string) => Promise<number>> {
  const by = (await actorOf(c.db, 'bench-school')).userId;
  const offset = SPEC.bigSchoolTeachers;
  const { rows: teachers } = await c.pool.query<{ id: string; org_unit_id: string; org_path: string }>(
    'SELECT id, org_unit_id, org_path FROM teacher WHERE id > $1 AND id <= $2',
    [offset, 2 * offset],
  );
  const at = new Map(teachers.map((t) => [Number(t.id), t]));
  return (run) => registerRaw(c, by, run, at);
}

/** One INSERT … SELECT of the bulk's rows for the next 500 teachers, with the keys of `run`; its time in ms. */
async function registerRaw(
  c: PhaseContext,
  by: number,
  run: string,
  at: Map<number, { org_unit_id: string; org_path: string }>,
): Promise<number> {
  const offset = SPEC.bigSchoolTeachers;
  const rows = Array.from({ length: BULK_ENTRIES }, (_, k) => {
    const r = registration(k, run);
    return { ...r, teacherId: r.teacherId + offset };
  });
  const teacher = (r: Registration) => {
    const t = at.get(r.teacherId);
    if (!t) throw new Error(`teacher ${r.teacherId} is missing`);
    return t;
  };
  const col = <T>(f: (r: Registration) => T) => rows.map(f);
  const r0 = performance.now();
  const { rowCount } = await c.pool.query(
    `
    INSERT INTO credit_entry (province_id, teacher_id, org_unit_id, org_path, cycle_id, year, hours, categories,
                              source_type, source_ref, title, occurred_on, idem_key, content_hash, created_by)
    SELECT $1, r.teacher_id, r.org_unit_id, r.org_path, $2, r.year, r.hours, ARRAY[r.category], r.source_type,
           r.source_ref, r.title, r.occurred_on, r.idem_key, r.content_hash, $3
      FROM unnest($4::bigint[], $5::smallint[], $6::int[], $7::text[], $8::text[], $9::text[], $10::text[],
                  $11::date[], $12::text[], $13::bytea[], $14::bigint[], $15::text[])
        AS r(teacher_id, year, hours, category, source_type, source_ref, title, occurred_on, idem_key, content_hash,
             org_unit_id, org_path)
    ON CONFLICT (province_id, idem_key) DO NOTHING`,
    [
      c.tree.province.id,
      c.cycle.id,
      by,
      col((r) => r.teacherId),
      col((r) => Number(r.occurredOn.slice(0, 4))),
      col((r) => r.hours),
      col((r) => r.categories[0]!),
      col((r) => r.sourceType),
      col((r) => r.sourceRef ?? null),
      col((r) => r.title),
      col((r) => r.occurredOn),
      col((r) => r.idemKey),
      col((r) => crypto.createHash('sha256').update(JSON.stringify(r)).digest()),
      col((r) => teacher(r).org_unit_id),
      col((r) => teacher(r).org_path),
    ],
  );
  const ms = performance.now() - r0;
  if (rowCount !== BULK_ENTRIES) throw new Error(`the raw INSERT … SELECT wrote ${rowCount} of ${BULK_ENTRIES} rows`);
  return ms;
}

/**
 * With --cpu-prof: one more registration of 1,000 entries through the service in this process, with
 * the time of every SQL statement it sends, so the request's time splits into SQL and Node work.
 */
async function bulkBreakdownInProcess(
  c: PhaseContext,
  registration: (k: number) => Registration,
): Promise<PhaseFigures> {
  const services = createServices({ db: c.db, env: c.env });
  const ctx: RequestContext = {
    actor: await actorOf(c.db, 'bench-school'),
    ip: '127.0.0.1',
    userAgent: 'ledger-bench',
    via: 'http',
  };
  const batch = Array.from({ length: BULK_CHUNK }, (_, k) => registration(k));
  c.queries.recording = [];
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await services.credits.register(ctx, batch);
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - t0;
  const recorded = c.queries.recording;
  c.queries.recording = null;
  const by = new Map<string, { n: number; ms: number }>();
  for (const q of recorded) {
    const label = q.sql
      .replace(/\s+/g, ' ')
      .replace(/\(\$\d+(, \$\d+)*\)(, \(\$\d+(, \$\d+)*\))*/g, '(…)')
      .replace(/in \(\$\d+(, \$\d+)*\)/g, 'in (…)')
      .slice(0, 80);
    const x = by.get(label) ?? { n: 0, ms: 0 };
    x.n++;
    x.ms += q.ms;
    by.set(label, x);
  }
  const sqlMs = recorded.reduce((a, q) => a + q.ms, 0);
  const top = [...by]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, 6)
    .map(([k, v]) => ({ statement: k, n: v.n, ms: round(v.ms, 1) }));
  say(
    `  one registration of ${BULK_CHUNK} entries through the service in this process: ${round(wall, 0)} ms wall, ${round((cpu.user + cpu.system) / 1000, 0)} ms Node CPU, ` +
      `${recorded.length} SQL statements taking ${round(sqlMs, 0)} ms; slowest: ${top.map((t) => `${t.ms} ms ${t.n}× «${t.statement}»`).join('; ')}`,
  );
  return {
    bulk_inproc_wall_ms: round(wall, 0),
    bulk_inproc_node_cpu_ms: round((cpu.user + cpu.system) / 1000, 0),
    bulk_inproc_sql_ms: round(sqlMs, 0),
    bulk_inproc_statements: top,
  };
}

/** Annual verification of the big school for 2026: open, then submit. */
async function verifyPhase(c: PhaseContext): Promise<PhaseFigures> {
  const v0 = performance.now();
  const opened = await apiOk<{ verification: { id: number } }>(c.asSchool, 'POST', '/api/verifications', {
    orgUnitId: c.tree.bigSchool.id,
    cycleId: c.cycle.id,
    year: VERIFY_YEAR,
  });
  const v1 = performance.now();
  const submitted = await apiOk<{ verification: { status: string; teachers: number; verified: number } }>(
    c.asSchool,
    'POST',
    `/api/verifications/${opened.verification.id}/submit`,
    {},
  );
  const v2 = performance.now();
  const s = (v2 - v0) / 1000;
  say(
    `  verification of ${c.tree.bigSchool.name} for ${VERIFY_YEAR}: open ${sec(v1 - v0)} s + submit ${sec(v2 - v1)} s = ${round(s, 2)} s (target ≤ ${TARGETS.verify_school_s}: ${mark(s <= TARGETS.verify_school_s)}); ` +
      `${submitted.verification.status}, ${submitted.verification.teachers} teachers, ${submitted.verification.verified} verified`,
  );
  return {
    verify_school_s: round(s, 2),
    verify_open_s: sec(v1 - v0),
    verify_submit_s: sec(v2 - v1),
    verify_teachers: submitted.verification.teachers,
    verify_verified: submitted.verification.verified,
  };
}

/** Bulk certificates of the big school: queue the job, poll it every 100 ms until done. */
async function certificatesPhase(c: PhaseContext): Promise<PhaseFigures> {
  type Job = { status: string; progress: number; total: number; result: unknown; errorCode: string | null };
  const c0 = performance.now();
  const queued = await apiOk<{ job: { id: number } }>(c.asSchool, 'POST', '/api/certificates/bulk', {
    orgUnitId: c.tree.bigSchool.id,
    cycleId: c.cycle.id,
    kind: 'cycle',
  });
  let job: Job;
  for (;;) {
    job = (await apiOk<{ job: Job }>(c.asSchool, 'GET', `/api/jobs/${queued.job.id}`)).job;
    if (job.status === 'done' || job.status === 'failed') break;
    await sleep(100);
  }
  const ms = performance.now() - c0;
  if (job.status !== 'done')
    throw new Error(`certificate job ${queued.job.id} ${job.status}: ${job.errorCode} ${JSON.stringify(job.result)}`);
  const count = (job.result as { count: number }).count;
  const perS = count / (ms / 1000);
  say(
    `  bulk certificates of ${c.tree.bigSchool.name}: ${count} in ${sec(ms)} s → ${round(perS, 1)} /s (target ≥ ${TARGETS.certificates_per_s}: ${mark(perS >= TARGETS.certificates_per_s)}); result ${JSON.stringify(job.result)}`,
  );
  return { certificates_per_s: round(perS, 1), certificates_s: sec(ms), certificates: count };
}

const PHASE_RUNNERS: Record<Phase, (c: PhaseContext) => Promise<PhaseFigures>> = {
  progress: progressPhase,
  rollups: rollupsPhase,
  bulk_register: bulkRegisterPhase,
  verify: verifyPhase,
  certificates: certificatesPhase,
};

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
