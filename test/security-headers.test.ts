/**
 * What the server tells browsers and records about the client: a page policy on every answer (the
 * app's and the API docs', the verify page's own), HSTS only behind the TLS proxy, and the client address
 * of the audit log taken from what the proxy appended, never from what the client wrote itself.
 */
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/db.js';
import { addUser, buildTree, TEST_PASSWORD } from './support/fixtures.js';

let t: TestDatabase;
let direct: FastifyInstance;
let proxied: FastifyInstance;

beforeAll(async () => {
  t = await createTestDatabase();
  const tree = await buildTree(t.db);
  await addUser(t.db, tree.K1, 'county_admin', 'hdr-direct');
  await addUser(t.db, tree.K1, 'county_admin', 'hdr-proxied');
  direct = await buildTestApp(t);
  proxied = await buildTestApp({ ...t, env: { ...t.env, PEIXUN_TRUST_PROXY: '1' } });
});
afterAll(async () => {
  await direct.close();
  await proxied.close();
  await t.close();
});

/** The directives of a Content-Security-Policy header, by name. */
function directives(header: string | string[] | number | undefined): Record<string, string[]> {
  expect(typeof header).toBe('string');
  return Object.fromEntries(
    String(header)
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name, ...values] = d.split(/\s+/);
        return [name!, values];
      }),
  );
}

describe('page policy', () => {
  it('lets the app and the API load scripts from the server only, and be framed by nobody', async () => {
    for (const url of ['/api/health', '/api/nope', '/api/openapi.json']) {
      const csp = directives((await direct.inject({ method: 'GET', url })).headers['content-security-policy']);
      expect(csp['script-src'], url).toEqual(["'self'"]);
      expect(csp['default-src'], url).toEqual(["'self'"]);
      expect(csp['connect-src'], url).toEqual(["'self'"]);
      expect(csp['frame-ancestors'], url).toEqual(["'none'"]);
      expect(csp['object-src'], url).toEqual(["'none'"]);
      expect(csp['base-uri'], url).toEqual(["'none'"]);
      expect(csp['form-action'], url).toEqual(["'self'"]);
    }
  });

  it('gives the verify page nothing but its own stylesheet, named by its hash', async () => {
    const res = await direct.inject({ method: 'GET', url: '/verify/NOSUCHCODE42' });
    expect(res.statusCode).toBe(404);
    const csp = directives(res.headers['content-security-policy']);
    expect(csp['default-src']).toEqual(["'none'"]);
    expect(csp['script-src']).toBeUndefined();
    const style = /<style>([\s\S]*?)<\/style>/.exec(res.body)![1]!;
    expect(csp['style-src']).toEqual([`'sha256-${crypto.createHash('sha256').update(style).digest('base64')}'`]);
    expect(res.body).not.toMatch(/<script|\sstyle=|\son[a-z]+=/i);
    expect(csp['frame-ancestors']).toEqual(["'none'"]);
  });

  it('serves the API docs under the same policy, their scripts and styles all files of the server', async () => {
    const docs = await direct.inject({ method: 'GET', url: '/api/docs/' });
    const csp = directives(docs.headers['content-security-policy']);
    expect(csp['script-src']).toEqual(["'self'"]);
    expect(docs.body).not.toMatch(/<script>/);
    for (const src of docs.body.matchAll(/(?:src|href)="\.?(\/static\/[^"]+)"/g)) {
      expect((await direct.inject({ method: 'GET', url: `/api/docs${src[1]}` })).statusCode, src[1]).toBe(200);
    }
  });
});

describe('HSTS', () => {
  it('is sent only behind the TLS proxy (PEIXUN_TRUST_PROXY=1)', async () => {
    const plain = await direct.inject({ method: 'GET', url: '/api/health' });
    expect(plain.headers['strict-transport-security']).toBeUndefined();
    const res = await proxied.inject({ method: 'GET', url: '/api/health' });
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });
});

describe('client address in the audit log', () => {
  const loginIp = async (app: FastifyInstance, username: string) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: '10.9.0.1',
      headers: { 'x-forwarded-for': '1.2.3.4, 5.6.7.8' },
      payload: { username, password: TEST_PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    const row = await t.db
      .selectFrom('audit_log')
      .select('ip')
      .where('action', '=', 'auth.login')
      .where('actor_username', '=', username)
      .executeTakeFirstOrThrow();
    return row.ip;
  };

  it('is the address the proxy appended, not the first one the client wrote, behind the proxy', async () => {
    expect(await loginIp(proxied, 'hdr-proxied')).toBe('5.6.7.8');
  });

  it('is the socket address without the proxy, whatever X-Forwarded-For says', async () => {
    expect(await loginIp(direct, 'hdr-direct')).toBe('10.9.0.1');
  });
});
