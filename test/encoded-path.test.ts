/**
 * Login and CSRF cannot be sidestepped by spelling a path differently: every operation of the OpenAPI
 * document, reached through a percent-encoded, doubled, dotted or backslashed path, is refused without
 * running its handler (never 2xx) and never crashes (never 5xx).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { as, buildTestApp, login, type Session } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/db.js';
import { addUser, buildTree } from './support/fixtures.js';

let t: TestDatabase;
let app: FastifyInstance;
let session: Session;
let operations: Array<{ method: string; path: string }>;
let port: number;
const agent = new http.Agent({ keepAlive: true });

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

beforeAll(async () => {
  t = await createTestDatabase();
  const tree = await buildTree(t.db);
  await addUser(t.db, tree.P1, 'province_admin', 'enc-province');
  app = await buildTestApp(t);
  session = await login(app, 'enc-province');
  const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
    paths: Record<string, Record<string, unknown>>;
  };
  operations = Object.entries(doc.paths).flatMap(([p, ops]) =>
    Object.keys(ops)
      .filter((m) => METHODS.includes(m))
      .map((m) => ({ method: m.toUpperCase(), path: p.replace(/\{[^}]+\}/g, '1') })),
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as AddressInfo).port;
});
afterAll(async () => {
  agent.destroy();
  await app.close();
  await t.close();
});

/** Other spellings of a canonical `/api/...` path that a lenient router or a proxy might take for it. */
function variants(path: string): string[] {
  const rest = path.slice('/api/'.length);
  const last = path.lastIndexOf('/');
  const lastChar = path.charCodeAt(path.length - 1).toString(16);
  return [
    `/%61pi/${rest}`,
    `/%61%70%69/${rest}`,
    `/api%2f${rest}`,
    `/api%2F${rest}`,
    `/api%5c${rest}`,
    `${path.slice(0, -1)}%${lastChar}`,
    `${path.slice(0, -1)}%${lastChar.toUpperCase()}`,
    `/api//${rest}`,
    `/api/./${rest}`,
    `/x/../api/${rest}`,
    `/api\\${rest}`,
    `${path.slice(0, last)}/.${path.slice(last)}`,
    `/%C1%A1pi/${rest}`,
  ];
}

/** A request over a real socket: the path goes out byte for byte, as a browser or proxy could send it. */
function send(method: string, path: string, headers: Record<string, string> = {}) {
  const body = method === 'GET' || method === 'DELETE' ? undefined : '{}';
  return new Promise<{ statusCode: number; body: string }>((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('non-canonical paths', () => {
  it('lists the whole API to walk', () => {
    expect(operations.length).toBeGreaterThan(150);
  });

  it('never answers an operation reached through another spelling of its path without a session', async () => {
    const wrong: string[] = [];
    for (const op of operations) {
      for (const url of variants(op.path)) {
        const res = await send(op.method, url);
        if (res.statusCode < 400 || res.statusCode >= 500) wrong.push(`${op.method} ${url} → ${res.statusCode}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('refuses those spellings with a coded 400 and no stack', async () => {
    const res = await send('GET', '/%61pi/cycles/defaults?startYear=2024&endYear=2028');
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error.code).toBe('PATH_NOT_CANONICAL');
    expect(res.body).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it('records a write refused for its spelling in the audit log, under the action of the route it names', async () => {
    const refused = () =>
      t.db
        .selectFrom('audit_log')
        .select(['action', 'outcome'])
        .where('error_code', '=', 'PATH_NOT_CANONICAL')
        .where('action', '=', 'user.create')
        .orderBy('id')
        .execute();
    const before = (await refused()).length;
    expect((await send('POST', '/%61pi/users')).statusCode).toBe(400);
    const rows = await refused();
    expect(rows).toHaveLength(before + 1);
    expect(rows.at(-1)).toEqual({ action: 'user.create', outcome: 'failure' });
  });

  it('never runs a write through another spelling with a session but no CSRF token', async () => {
    const wrong: string[] = [];
    for (const op of operations.filter((o) => o.method !== 'GET')) {
      for (const url of variants(op.path)) {
        const res = await send(op.method, url, { cookie: session.cookie });
        if (res.statusCode < 400 || res.statusCode >= 500) wrong.push(`${op.method} ${url} → ${res.statusCode}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('still serves the canonical path, and a percent-encoded query or name', async () => {
    const defaults = '/api/cycles/defaults?startYear=2024&endYear=2028';
    expect((await app.inject({ method: 'GET', url: defaults })).statusCode).toBe(401);
    expect((await as(app, session)({ method: 'GET', url: defaults })).statusCode).toBe(200);
    const search = await as(app, session)({ method: 'GET', url: '/api/org-units/search?q=%E5%90%89%E6%9E%97' });
    expect(search.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    const verify = await app.inject({ method: 'GET', url: '/verify/%E8%AF%81%E4%B9%A6' });
    expect(verify.statusCode).toBe(404);
    expect(verify.headers['content-type']).toContain('text/html');
  });
});
