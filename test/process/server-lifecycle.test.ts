import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanUp,
  freePort,
  isAlive,
  killServer,
  login,
  makeDataDir,
  oneTimePassword,
  postmasterPid,
  runCli,
  spawnServer,
  stopServer,
  waitHealthy,
  waitUntilDead,
  type ServerProcess,
} from '../support/server-process.js';

/**
 * The real product as an operator runs it: `node bin/peixun.js serve` and the CLI as separate
 * processes on one data directory with the embedded PostgreSQL, killed and restarted.
 * The steps build on each other and run in order.
 */

const GOOD_PASSWORD = 'Lifecycle-test-2024';
const dataDir = makeDataDir('peixun-lifecycle-');
const extraDirs: string[] = [];
let server: ServerProcess | undefined;
let otp = '';

async function start(port?: number): Promise<ServerProcess> {
  const s = spawnServer(dataDir, port ?? (await freePort()));
  await waitHealthy(s, 60_000);
  return s;
}

/** Runs one query on the product's database of the running embedded cluster. */
async function query<T extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<T[]> {
  const port = Number(fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[3]);
  const password = fs.readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim();
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user: 'peixun',
    password,
    database: 'peixun',
    application_name: 'peixun-lifecycle-test',
  });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

beforeAll(() => {
  expect(fs.readdirSync(dataDir)).toEqual([]);
});

afterAll(async () => {
  await cleanUp([dataDir, ...extraDirs]);
}, 60_000);

describe('server lifecycle on the embedded PostgreSQL', () => {
  it('first start initialises the cluster, seeds the demo and prints the one-time password', async () => {
    server = await start();
    const health = await fetch(`http://127.0.0.1:${server.port}/api/health`).then((r) => r.json());
    expect(health).toEqual({ status: 'ok', database: 'embedded' });
    await server.waitFor(/One-time password[^\n]*\n/, 10_000);
    for (const u of ['demo-province', 'demo-city', 'demo-county', 'demo-school', 'demo-trainer', 'demo-teacher'])
      expect(server.output()).toContain(u);
    otp = oneTimePassword(server.output()) ?? '';
    expect(otp).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(fs.existsSync(path.join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);
    // the demo county has its teachers, and demo-teacher is one of them
    const [demo] = await query<{ teachers: number; linked: string | null; postings: number }>(`
      SELECT (SELECT count(*)::int FROM teacher WHERE is_demo) AS teachers,
             (SELECT t.name FROM teacher t JOIN app_user u ON u.id = t.user_id WHERE u.username = 'demo-teacher') AS linked,
             (SELECT count(*)::int FROM teacher_posting) AS postings`);
    expect(demo!.teachers).toBeGreaterThan(500);
    expect(demo).toMatchObject({ linked: '赵雪', postings: demo!.teachers });
    // demo-teacher is enrolled in a class of the trainer that meets today, so check-in can be tried at once
    const [today] = await query<{ sessions: number; trainer: string }>(`
      SELECT count(*)::int AS sessions, min(tu.username) AS trainer
        FROM enrolment e JOIN teacher t ON t.id = e.teacher_id JOIN app_user u ON u.id = t.user_id
        JOIN training_session s ON s.class_id = e.class_id
        JOIN training_class_trainer ct ON ct.class_id = e.class_id JOIN app_user tu ON tu.id = ct.user_id
       WHERE u.username = 'demo-teacher' AND e.status = 'enrolled' AND now() BETWEEN s.checkin_opens_at AND s.checkin_closes_at`);
    expect(today).toEqual({ sessions: 1, trainer: 'demo-trainer' });
    // this year's plans of the province, city and county, the pool, a fee partly paid
    const [programme] = await query<{ plans: string; pool: number; trainerLinked: boolean; paid: number }>(`
      SELECT (SELECT string_agg(status, ',' ORDER BY org_path) FROM training_plan) AS plans,
             (SELECT count(*)::int FROM trainer_profile) AS pool,
             (SELECT count(*) = 1 FROM trainer_profile p JOIN app_user u ON u.id = p.user_id WHERE u.username = 'demo-trainer') AS "trainerLinked",
             (SELECT count(*)::int FROM fee_payment) AS paid`);
    expect(programme).toEqual({ plans: 'published,published,published', pool: 4, trainerLinked: true, paid: 3 });
    expect(fs.statSync(path.join(dataDir, 'secret.key')).mode & 0o777).toBe(0o600);
  }, 90_000);

  it('comes back after kill -9 on the same database, without seeding again', async () => {
    await killServer(server!);
    server = await start();
    expect(server.output()).toContain('database: embedded');
    expect(server.output()).not.toContain('One-time password');
    const r = await login(server.port, 'demo-county', otp);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ user: { username: 'demo-county', mustChangePassword: true } });
  }, 60_000);

  it('refuses a second server on the same data directory, and the first keeps serving', async () => {
    const second = spawnServer(dataDir, await freePort());
    const exit = await second.exited;
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(second.output()).toContain(`already using the data directory ${dataDir}`);
    expect(second.output()).toContain(`(pid ${server!.pid})`);
    const health = await fetch(`http://127.0.0.1:${server!.port}/api/health`);
    expect(health.status).toBe(200);
    expect((await login(server!.port, 'demo-teacher', otp)).status).toBe(200);
  }, 60_000);

  it('imports divisions idempotently while the server runs, adding only what the demo lacks', async () => {
    // 吉林省 in GB/T 2260: the province, 9 cities and 69 counties; the demo has 吉林省/吉林市/桦甸市
    const first = await runCli(dataDir, ['org', 'import-divisions', '--province', '22']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('吉林省: created 76, already present 3');
    const again = await runCli(dataDir, ['org', 'import-divisions', '--province', '22']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('吉林省: created 0, already present 79');

    const dup = await query(
      'SELECT division_code FROM org_unit WHERE division_code IS NOT NULL GROUP BY 1 HAVING count(*) > 1',
    );
    expect(dup).toEqual([]);
    const [counts] = await query<{ provinces: number; cities: number; counties: number; demo: number }>(`
      SELECT count(*) FILTER (WHERE kind = 'province')::int AS provinces,
             count(*) FILTER (WHERE kind = 'city' AND parent_id = (SELECT id FROM org_unit WHERE division_code = '220000'))::int AS cities,
             count(*) FILTER (WHERE kind = 'county' AND division_code LIKE '22%')::int AS counties,
             count(*) FILTER (WHERE division_code IN ('220000', '220200', '220282'))::int AS demo
        FROM org_unit`);
    expect(counts).toEqual({ provinces: 1, cities: 9, counties: 69, demo: 3 });
    // the demo county kept its schools under the same unit
    const [hd] = await query<{ n: number }>(
      "SELECT count(*)::int AS n FROM org_unit WHERE parent_id = (SELECT id FROM org_unit WHERE division_code = '220282')",
    );
    expect(hd!.n).toBeGreaterThan(20);
    expect((await fetch(`http://127.0.0.1:${server!.port}/api/health`)).status).toBe(200);
  }, 60_000);

  it('admin create refuses a weak password with a clear message and creates a user who can log in', async () => {
    const weak = await runCli(dataDir, [
      'admin',
      'create',
      '--username',
      'jl-admin',
      '--password',
      'short',
      '--org-code',
      '220000',
      '--role',
      'province_admin',
    ]);
    expect(weak.code).toBe(1);
    expect(weak.stderr).toMatch(/PASSWORD_TOO_WEAK/);
    expect(weak.stderr).toMatch(/too_short/);

    const ok = await runCli(dataDir, [
      'admin',
      'create',
      '--username',
      'jl-admin',
      '--password',
      GOOD_PASSWORD,
      '--org-code',
      '220000',
      '--role',
      'province_admin',
      '--display-name',
      '吉林省管理员',
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('Created province_admin "jl-admin" at 吉林省');
    const r = await login(server!.port, 'jl-admin', GOOD_PASSWORD);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ user: { username: 'jl-admin', role: 'province_admin', mustChangePassword: false } });
  }, 60_000);

  it('the CLI works when no server runs, and stops the PostgreSQL it started', async () => {
    const exit = await stopServer(server!);
    expect(exit.code).toBe(0);
    server = undefined;
    // a graceful stop with no other clients stops PostgreSQL too
    const pmAfterStop = postmasterPid(dataDir);
    if (pmAfterStop) expect(await waitUntilDead(pmAfterStop)).toBe(true);

    const again = await runCli(dataDir, ['org', 'import-divisions', '--province', '22']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('吉林省: created 0, already present 79');
    const weak = await runCli(dataDir, [
      'admin',
      'create',
      '--username',
      'cc-admin',
      '--password',
      'onlyletters-no-digits',
      '--org-code',
      '220100',
      '--role',
      'city_admin',
    ]);
    expect(weak.code).toBe(1);
    expect(weak.stderr).toMatch(/PASSWORD_TOO_WEAK.*too_simple/);
    const ok = await runCli(dataDir, [
      'admin',
      'create',
      '--username',
      'cc-admin',
      '--password',
      GOOD_PASSWORD,
      '--org-code',
      '220100',
      '--role',
      'city_admin',
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    const pm = postmasterPid(dataDir);
    if (pm) expect(await waitUntilDead(pm)).toBe(true);

    server = await start();
    expect((await login(server.port, 'cc-admin', GOOD_PASSWORD)).status).toBe(200);
    expect((await login(server.port, 'jl-admin', GOOD_PASSWORD)).status).toBe(200);
  }, 90_000);

  it('restarts after kill -9 of both the server and the PostgreSQL postmaster', async () => {
    const pm = postmasterPid(dataDir);
    expect(pm).not.toBeNull();
    expect(isAlive(pm!)).toBe(true);
    await killServer(server!);
    server = undefined;
    process.kill(pm!, 'SIGKILL');
    expect(await waitUntilDead(pm!)).toBe(true);
    // the stale postmaster.pid is still there
    expect(postmasterPid(dataDir)).toBe(pm);

    server = await start();
    expect(postmasterPid(dataDir)).not.toBe(pm);
    expect((await login(server.port, 'demo-county', otp)).status).toBe(200);
    expect((await login(server.port, 'jl-admin', GOOD_PASSWORD)).status).toBe(200);
  }, 90_000);

  it('starts on another PostgreSQL port when the remembered one is taken', async () => {
    await stopServer(server!);
    server = undefined;
    const pm = postmasterPid(dataDir);
    if (pm) expect(await waitUntilDead(pm)).toBe(true);
    const remembered = Number(fs.readFileSync(path.join(dataDir, 'pg-port'), 'utf8'));
    const squatter = net.createServer((sock) => sock.destroy());
    await new Promise<void>((resolve, reject) => {
      squatter.once('error', reject);
      squatter.listen(remembered, '127.0.0.1', () => resolve());
    });
    try {
      server = await start();
      const now = Number(fs.readFileSync(path.join(dataDir, 'pg-port'), 'utf8'));
      expect(now).not.toBe(remembered);
      expect(Number(fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[3])).toBe(now);
      expect((await login(server.port, 'jl-admin', GOOD_PASSWORD)).status).toBe(200);
    } finally {
      await new Promise((r) => squatter.close(r));
    }
    const exit = await stopServer(server!);
    server = undefined;
    expect(exit.code).toBe(0);
  }, 90_000);

  // only as root is PostgreSQL run as the separate postgres user, who may be unable to enter the directory
  it.skipIf(process.getuid?.() !== 0)(
    'as root, explains a data directory the postgres user cannot enter',
    async () => {
      const closed = makeDataDir('peixun-closed-');
      extraDirs.push(closed);
      fs.chmodSync(closed, 0o700);
      const s = spawnServer(closed, await freePort());
      const exit = await s.exited;
      expect(exit.code).toBe(1);
      expect(s.output()).toContain(`cannot enter the data directory ${closed}`);
      expect(fs.readdirSync(closed).filter((f) => f.startsWith('pg'))).toEqual(['pg-password']);
    },
    60_000,
  );
});
