/**
 * Platform benchmark: the real server process on a fresh embedded PostgreSQL.
 *
 *   npm run bench:platform
 *
 * Measures cold start (with initdb), restart after SIGTERM and after kill -9, login throughput
 * (argon2id), and authenticated GET /api/org-units/<county>/children under autocannon, while
 * sampling the memory of the Node server and of PostgreSQL; then the physical limit of that read in
 * the same run: the SQL the route sends (compiled by the same repository), straight through `pg` from
 * as many connections, in 3 turns with the route (children_ratio_to_raw = median of route rate / raw
 * rate, the figure to compare across days on these shared machines). Prints readable lines, then
 * one JSON object as the last line, also written to bench/results/platform.json (platform-quick.json
 * with --quick).
 *
 *   npm run bench:platform -- --quick   one restart of each kind and 5 s of load (for bench:quick)
 *
 * Everything runs on this machine (loopback only): the load generator shares the cores with
 * the server and PostgreSQL, so the figures are a floor for a dedicated server.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { Kysely, PostgresDialect, type LogEvent } from 'kysely';
import pg from 'pg';
import {
  changePassword,
  cleanUp,
  freePort,
  killServer,
  login,
  makeDataDir,
  oneTimePassword,
  postmasterPid,
  ROOT,
  spawnServer,
  stopServer,
  waitHealthy,
  type ServerProcess,
} from '../test/support/server-process.js';
import { bundleIsCurrent } from '../scripts/server-bundle.mjs';
import type { DB } from '../src/db/schema.js';
import { createOrgUnitRepository } from '../src/repositories/org-unit.repository.js';
import { interleaved, openRawLoad, type RawQuery } from './raw-load.js';

const TARGETS = { children_rps: 3000, children_p99_ms: 30, rss_mb: 250 } as const;
const QUICK = process.argv.includes('--quick');
const RESTARTS = QUICK ? 1 : 3;
const LOGIN_CONCURRENCY = 8;
const LOGIN_SECONDS = QUICK ? 3 : 5;
const LOAD_CONNECTIONS = 50;
const LOAD_SECONDS = QUICK ? 5 : 10;
const WARMUP_SECONDS = 2;
/** the children route and its limit measured in turns: rounds of so many seconds each */
const RATIO_ROUNDS = 3;
const RATIO_SECONDS = QUICK ? 2 : 3;
const NEW_PASSWORD = 'Bench-county-2024';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};

// ---------------------------------------------------------------- memory sampling (/proc)

function statusKb(pid: number, field: 'VmRSS'): number {
  try {
    const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function pssKb(pid: number): number {
  try {
    const m = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').match(/^Pss:\s+(\d+) kB/m);
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** The postmaster and its children (backends, workers). */
function postgresPids(postmaster: number): number[] {
  const pids = [postmaster];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === postmaster) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

class MemorySampler {
  peakServerKb = 0;
  peakPgRssKb = 0;
  peakPgPssKb = 0;
  private timer?: NodeJS.Timeout;
  constructor(
    private serverPid: number,
    private postmaster: number | null,
  ) {}
  sample(): void {
    this.peakServerKb = Math.max(this.peakServerKb, statusKb(this.serverPid, 'VmRSS'));
    if (this.postmaster) {
      const pids = postgresPids(this.postmaster);
      this.peakPgRssKb = Math.max(
        this.peakPgRssKb,
        pids.reduce((n, p) => n + statusKb(p, 'VmRSS'), 0),
      );
      this.peakPgPssKb = Math.max(
        this.peakPgPssKb,
        pids.reduce((n, p) => n + pssKb(p), 0),
      );
    }
  }
  start(everyMs = 250): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }
  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }
}

/** user + system CPU time of a process in ms (clock ticks of 10 ms) */
function cpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return 0;
  }
}

/** How to reach the product's embedded database of a data dir. */
function databaseOf(dataDir: string): pg.ClientConfig {
  const port = Number(fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[3]);
  const password = fs.readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim();
  return { host: '127.0.0.1', port, user: 'peixun', password, database: 'peixun' };
}

/** Committed transactions of the product's database: each autocommit query is one. */
async function committedTransactions(dataDir: string): Promise<{ read(): Promise<number>; close(): Promise<void> }> {
  const client = new pg.Client({ ...databaseOf(dataDir), application_name: 'peixun-bench' });
  await client.connect();
  return {
    async read() {
      await sleep(1_200); // backends flush their statistics at most once a second
      const { rows } = await client.query<{ n: string }>(
        "SELECT xact_commit AS n FROM pg_stat_database WHERE datname = 'peixun'",
      );
      return Number(rows[0]?.n ?? 0);
    },
    close: () => client.end(),
  };
}

// ---------------------------------------------------------------- phases

/** Spawn → first 200 on /api/health; `inServerMs` is what the server itself reports (database, migrations, seed, listen). */
async function timedStart(
  dataDir: string,
  port: number,
): Promise<{ server: ServerProcess; ms: number; inServerMs: number }> {
  const t0 = performance.now();
  const server = spawnServer(dataDir, port);
  await waitHealthy(server, 120_000, 10);
  const ms = performance.now() - t0;
  const reported = await server.waitFor(/\(database: \w+, (\d+) ms\)/, 5_000);
  return { server, ms, inServerMs: Number(reported[1]) };
}

async function loginLoad(port: number, username: string, password: string) {
  const latencies: number[] = [];
  let failures = 0;
  const statuses = new Map<number, number>();
  const until = performance.now() + LOGIN_SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: LOGIN_CONCURRENCY }, async () => {
      while (performance.now() < until) {
        const s = performance.now();
        const r = await login(port, username, password);
        latencies.push(performance.now() - s);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        if (r.status !== 200) failures++;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return {
    perSecond: (latencies.length - failures) / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    count: latencies.length,
    failures,
    statuses: Object.fromEntries(statuses),
  };
}

function cannon(url: string, cookie: string, seconds: number): Promise<autocannon.Result> {
  return autocannon({ url, connections: LOAD_CONNECTIONS, duration: seconds, headers: { cookie }, timeout: 10 });
}

/**
 * The children page's SQL as the repository compiles it (the route sends this one statement once the
 * session and the unit's path are cached), unnamed as Kysely sends it.
 */
async function childrenStatement(dataDir: string, countyId: number): Promise<() => RawQuery> {
  const config = databaseOf(dataDir);
  let captured: { text: string; values: unknown[] } | undefined;
  const log = (e: LogEvent) => {
    if (e.level === 'query') captured = { text: e.query.sql, values: [...e.query.parameters] };
  };
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: new pg.Pool({ ...config, max: 1 }) }), log });
  try {
    await createOrgUnitRepository(db).children(countyId, { limit: 20, offset: 0 });
  } finally {
    await db.destroy();
  }
  if (!captured) throw new Error('the children query was not seen');
  const query = captured;
  return () => query;
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const dataDir = makeDataDir('peixun-bench-');
  const say = (l: string) => console.log(l);
  let current: ServerProcess | undefined;
  try {
    say(
      `Peixun platform benchmark — ${os.cpus().length} cores, ${round(os.totalmem() / 2 ** 30, 0)} GiB, node ${process.version}`,
    );
    say(`data dir ${dataDir}`);
    // the server runs from the bundle when it is current, as `npm start` runs it: rebuilt here if a source is newer
    const fromSource = process.env['PEIXUN_FROM_SOURCE'] === '1';
    if (!fromSource && !bundleIsCurrent()) {
      execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-server.mjs'), '--if-stale'], { stdio: 'inherit' });
    }
    const serverCode =
      !fromSource && bundleIsCurrent() ? 'bundle (dist/server/peixun.mjs)' : 'TypeScript sources through tsx';
    say(`server code: ${serverCode}`);

    // (a) cold start, including initdb, migrations and the demo seed
    const port = await freePort();
    const cold = await timedStart(dataDir, port);
    current = cold.server;
    const password = oneTimePassword(
      await cold.server.waitFor(/One-time password[^\n]*\n/).then(() => cold.server.output()),
    );
    if (!password) throw new Error('no one-time password printed');
    say(
      `cold start (initdb + migrate + demo seed → first 200 /api/health): ${round(cold.ms, 0)} ms, of which ${cold.inServerMs} ms inside startServer (the rest is loading the code)`,
    );

    // (b) restart after SIGTERM (stops PostgreSQL too), and after kill -9 (PostgreSQL keeps running)
    const restarts: number[] = [];
    const inServer: number[] = [];
    for (let i = 0; i < RESTARTS; i++) {
      const exit = await stopServer(current);
      if (exit.code !== 0)
        throw new Error(`server exited with ${exit.code ?? exit.signal} on SIGTERM:\n${current.output()}`);
      const r = await timedStart(dataDir, port);
      current = r.server;
      restarts.push(r.ms);
      inServer.push(r.inServerMs);
    }
    say(
      `restart after SIGTERM: ${restarts.map((m) => round(m, 0)).join(', ')} ms → median ${round(median(restarts), 0)} ms (inside startServer: median ${median(inServer)} ms)`,
    );
    const killRestarts: number[] = [];
    for (let i = 0; i < RESTARTS; i++) {
      await killServer(current);
      const r = await timedStart(dataDir, port);
      current = r.server;
      killRestarts.push(r.ms);
    }
    say(
      `restart after kill -9:  ${killRestarts.map((m) => round(m, 0)).join(', ')} ms → median ${round(median(killRestarts), 0)} ms`,
    );

    const postmaster = postmasterPid(dataDir);
    const memory = new MemorySampler(current.pid, postmaster);
    memory.start();
    const idleServerMb = memory.peakServerKb / 1024;

    // (c) login throughput: argon2id verification, bounded to one hash per core in the server
    const logins = await loginLoad(port, 'demo-teacher', password);
    say(
      `login: ${round(logins.perSecond)} /s with ${LOGIN_CONCURRENCY} concurrent clients for ${LOGIN_SECONDS} s, p50 ${round(logins.p50)} ms, p99 ${round(logins.p99)} ms, ${logins.count} requests, non-200 ${logins.failures} ${JSON.stringify(logins.statuses)}`,
    );

    // (d) authenticated GET of the demo county's children
    const first = await login(port, 'demo-county', password);
    if (!first.session) throw new Error(`demo-county login failed: ${first.status} ${JSON.stringify(first.body)}`);
    const changed = await changePassword(port, first.session, password, NEW_PASSWORD);
    if (changed !== 204) throw new Error(`change-password answered ${changed}`);
    const countyId = (first.body as { user: { orgUnit: { id: number } } }).user.orgUnit.id;
    const url = `http://127.0.0.1:${port}/api/org-units/${countyId}/children?page=1&pageSize=20`;
    const probe = await fetch(url, { headers: { cookie: first.session.cookie } });
    const probeBody = (await probe.json()) as { items?: unknown[]; total?: number };
    if (probe.status !== 200) throw new Error(`children answered ${probe.status}: ${JSON.stringify(probeBody)}`);
    say(`children of county ${countyId}: ${probeBody.items?.length} of ${probeBody.total} per page`);

    await cannon(url, first.session.cookie, WARMUP_SECONDS);
    const xacts = await committedTransactions(dataDir);
    const xacts0 = await xacts.read();
    const pgCpu = () => (postmaster ? postgresPids(postmaster).reduce((n, p) => n + cpuMs(p), 0) : 0);
    const cpu0 = { server: cpuMs(current.pid), pg: pgCpu(), self: process.cpuUsage() };
    const load = await cannon(url, first.session.cookie, LOAD_SECONDS);
    const selfCpu = process.cpuUsage(cpu0.self);
    const cpu = {
      server: cpuMs(current.pid) - cpu0.server,
      pg: pgCpu() - cpu0.pg,
      loadgen: (selfCpu.user + selfCpu.system) / 1000,
    };
    memory.stop();
    // minus the one transaction of the statistics query itself
    const xactsPerRequest = ((await xacts.read()) - xacts0 - 1) / load.requests.total;
    await xacts.close();
    const non2xx = load.non2xx + load.errors + load.timeouts;
    say(
      `children: ${round(load.requests.average, 0)} req/s mean (target ≥ ${TARGETS.children_rps}), p50 ${load.latency.p50} ms, p99 ${load.latency.p99} ms (target ≤ ${TARGETS.children_p99_ms}), ` +
        `${load.requests.total} requests, non-2xx ${load.non2xx}, errors ${load.errors}, timeouts ${load.timeouts} (${LOAD_CONNECTIONS} connections, ${LOAD_SECONDS} s after ${WARMUP_SECONDS} s warm-up)`,
    );
    const perReq = (ms: number) => round(ms / load.requests.total, 3);
    say(
      `CPU per request: server ${perReq(cpu.server)} ms, PostgreSQL ${perReq(cpu.pg)} ms, load generator ${perReq(cpu.loadgen)} ms; ${round(xactsPerRequest, 2)} database round trips (transactions) per request`,
    );
    const rssMb = memory.peakServerKb / 1024;
    say(`server RSS: idle ${round(idleServerMb)} MB, peak under load ${round(rssMb)} MB (target ≤ ${TARGETS.rss_mb})`);
    say(
      `PostgreSQL (postmaster + backends): peak RSS sum ${round(memory.peakPgRssKb / 1024)} MB (counts shared buffers once per process), peak PSS sum ${round(memory.peakPgPssKb / 1024)} MB`,
    );

    // (e) the physical limit of that read: the route's SQL straight through pg, in turns with the route
    const raw = await openRawLoad(databaseOf(dataDir), await childrenStatement(dataDir, countyId), LOAD_CONNECTIONS);
    let limit: Awaited<ReturnType<typeof interleaved>>;
    try {
      await raw.measure(1);
      const cookie = first.session.cookie;
      const route = async (s: number) => (await cannon(url, cookie, s)).requests.average;
      limit = await interleaved(RATIO_ROUNDS, RATIO_SECONDS, route, raw);
    } finally {
      await raw.close();
    }
    say(
      `physical limit: the route's SQL straight through pg from ${LOAD_CONNECTIONS} connections, ` +
        `in turns with the route ` +
        `(${RATIO_ROUNDS} × ${RATIO_SECONDS} s each): route ${limit.rounds.map((x) => x.product).join(', ')} req/s, ` +
        `raw ${limit.rounds.map((x) => x.raw).join(', ')} /s → children_ratio_to_raw ${limit.ratio} ` +
        `(median of the rounds)`,
    );

    const exit = await stopServer(current);
    current = undefined;

    const result = {
      cold_start_ms: round(cold.ms, 0),
      cold_start_in_server_ms: cold.inServerMs,
      restart_ms: round(median(restarts), 0),
      restart_in_server_ms: median(inServer),
      restart_after_kill_ms: round(median(killRestarts), 0),
      login_per_s: round(logins.perSecond),
      login_p99_ms: round(logins.p99),
      login_non_200: logins.failures,
      children_rps: round(load.requests.average, 0),
      children_p99_ms: load.latency.p99,
      children_p50_ms: load.latency.p50,
      children_turns_rps: limit.productPerS,
      children_raw_per_s: limit.rawPerS,
      children_ratio_to_raw: limit.ratio,
      children_ratio_rounds: limit.rounds,
      children_non_2xx: non2xx,
      server_cpu_ms_per_req: perReq(cpu.server),
      pg_cpu_ms_per_req: perReq(cpu.pg),
      loadgen_cpu_ms_per_req: perReq(cpu.loadgen),
      db_queries_per_req: round(xactsPerRequest, 2),
      rss_mb: round(rssMb),
      pg_rss_mb: round(memory.peakPgRssKb / 1024),
      pg_pss_mb: round(memory.peakPgPssKb / 1024),
      targets: TARGETS,
      met: {
        children_rps: load.requests.average >= TARGETS.children_rps,
        children_p99_ms: load.latency.p99 <= TARGETS.children_p99_ms,
        rss_mb: rssMb <= TARGETS.rss_mb,
        children_non_2xx: non2xx === 0,
      },
      mode: QUICK ? 'quick' : 'full',
      runs: {
        restart_ms: restarts.map((m) => round(m, 0)),
        restart_after_kill_ms: killRestarts.map((m) => round(m, 0)),
      },
      graceful_exit_code: exit.code,
      server_code: serverCode,
      machine: {
        cores: os.cpus().length,
        node: process.version,
        load_generator: 'autocannon in the benchmark process, same machine',
        loadavg_1m_at_end: round(os.loadavg()[0]!, 2),
      },
      at: new Date().toISOString(),
    };
    const outDir = path.join(ROOT, 'bench/results');
    fs.mkdirSync(outDir, { recursive: true });
    const json = JSON.stringify(result);
    // a quick run leaves the full run's figures alone
    const file = QUICK ? 'platform-quick.json' : 'platform.json';
    fs.writeFileSync(path.join(outDir, file), `${JSON.stringify(result, null, 2)}\n`);
    console.log(json);
    if (non2xx > 0) process.exitCode = 1;
  } finally {
    if (current) await killServer(current).catch(() => undefined);
    await cleanUp([dataDir]);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
