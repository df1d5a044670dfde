import net from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../src/db/database.js';
import { anyFreePort } from '../src/db/embedded-postgres.js';
import { buildApp } from '../src/http/app.js';
import { createServices } from '../src/services/services.js';
import { as, login, type Session } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/db.js';
import { addUser, buildTree, type Tree } from './support/fixtures.js';

/**
 * An external database that goes away and comes back, in memory: the app reaches its database
 * through a TCP relay the test can cut (every connection dropped, new ones refused) and restore.
 */

/** Relays 127.0.0.1:<port> to the database; `cut()` drops every connection and stops listening. */
function relay(target: URL, port = 0) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = net.createServer((client) => {
        const upstream = net.connect(Number(target.port || 5432), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('error', () => undefined);
          s.on('close', () => {
            sockets.delete(s);
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream);
        upstream.pipe(client);
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as net.AddressInfo).port;
        resolve();
      });
    });
  return {
    listen,
    get port() {
      return port;
    },
    async cut() {
      await new Promise((r) => {
        server!.close(r);
        for (const s of sockets) s.destroy();
      });
    },
  };
}

let t: TestDatabase;
let tree: Tree;
let proxy: ReturnType<typeof relay>;
let handle: DatabaseHandle;
let app: FastifyInstance;
let county: Session;
const logged: string[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  t = await createTestDatabase();
  tree = await buildTree(t.db);
  await addUser(t.db, tree.K1, 'county_admin', 'outage-county');
  const target = new URL(t.url);
  proxy = relay(target);
  await proxy.listen();
  const viaProxy = new URL(t.url);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(proxy.port);
  const env = { ...t.env, DATABASE_URL: viaProxy.toString() };
  handle = await openDatabase(env, { supervise: true, log: (l) => logged.push(l) });
  const services = createServices({ db: handle.db, env });
  app = await buildApp({ services, db: handle.db, env, databaseMode: 'external', logger: false, serveWeb: false });
  await app.ready();
  county = await login(app, 'outage-county');
});

afterAll(async () => {
  await app?.close();
  await handle?.close();
  await t.close();
});

async function waitForHealth(status: number, ms: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    if (res.statusCode === status) return Date.now() - started;
    if (Date.now() - started > ms) throw new Error(`health still ${res.statusCode} after ${ms} ms: ${res.body}`);
    await sleep(50);
  }
}

describe('an external database that goes away', () => {
  it('answers 503 with Retry-After meanwhile (never 500), and serves again once the database is back', async () => {
    const create = (name: string) =>
      as(
        app,
        county,
      )({
        method: 'POST',
        url: '/api/org-units',
        payload: { parentId: tree.K1.id, kind: 'school', name },
      });
    expect((await create('断网前的学校')).statusCode).toBe(201);
    await proxy.cut();

    // reads, writes, logins and the health check: 503 with a code, a message and Retry-After
    const answers: Array<[string, Awaited<ReturnType<typeof create>>]> = [];
    for (let i = 0; i < 3; i++) {
      answers.push(['health', await app.inject({ method: 'GET', url: '/api/health' })]);
      answers.push(['create', await create(`断网中的学校${i}`)]);
      answers.push(['read', await as(app, county)({ method: 'GET', url: `/api/org-units/${tree.K1.id}` })]);
      answers.push([
        'login',
        await app.inject({
          method: 'POST',
          url: '/api/auth/login',
          headers: { 'accept-language': 'en' },
          payload: { username: 'outage-county', password: 'whatever-1' },
        }),
      ]);
      await sleep(100);
    }
    for (const [what, res] of answers) {
      expect(res.statusCode, `${what}: ${res.body}`).toBe(503);
      expect(res.json()).toMatchObject({ error: { code: 'DATABASE_UNAVAILABLE' } });
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    expect(answers.at(-1)![1].json().error.message).toMatch(/database/i);
    expect(logged.join('\n')).toMatch(/Database unavailable/);

    await proxy.listen();
    const took = await waitForHealth(200, 10_000);
    expect(took).toBeLessThan(10_000);
    expect(logged.join('\n')).toMatch(/Database available again/);
    expect((await create('恢复后的学校')).statusCode).toBe(201);
    // what was refused meanwhile was not written; what was acknowledged before is there
    const list = await as(app, county)({ method: 'GET', url: `/api/org-units/${tree.K1.id}/children` });
    const names = (list.json() as { items: Array<{ name: string }> }).items.map((u) => u.name);
    expect(names).toEqual(expect.arrayContaining(['断网前的学校', '恢复后的学校']));
    expect(names.filter((n) => n.startsWith('断网中'))).toEqual([]);
  }, 30_000);

  it('a command started while the database is away waits for it, but not for a wrong password', async () => {
    const port = await anyFreePort();
    const later = relay(new URL(t.url), port);
    const url = new URL(t.url);
    url.hostname = '127.0.0.1';
    url.port = String(port);
    const lines: string[] = [];
    setTimeout(() => void later.listen(), 1_000);
    const started = Date.now();
    const opened = await openDatabase(
      { ...t.env, DATABASE_URL: url.toString() },
      {
        poolSize: 1,
        log: (l) => lines.push(l),
      },
    );
    try {
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(lines.join('\n')).toMatch(/Waiting for the database/);
      expect((await opened.pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await opened.close();
    }
    // a role that does not exist, with a password: refused as a wrong password (28P01) by a server
    // that asks for one, as an unknown role (28000) by one that trusts local connections
    url.username = 'peixun_no_such_role';
    url.password = 'not-the-password';
    const refused = Date.now();
    const wrong = openDatabase({ ...t.env, DATABASE_URL: url.toString() }, { log: () => undefined });
    await expect(wrong).rejects.toMatchObject({ code: expect.stringMatching(/^28(P01|000)$/) });
    expect(Date.now() - refused).toBeLessThan(2_000);
    await later.cut();
  }, 30_000);
});
