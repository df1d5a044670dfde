import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { as, buildTestApp, login } from '../../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { addUser, buildTree, type Tree } from '../../../test/support/fixtures.js';

let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;

beforeAll(async () => {
  t = await createTestDatabase();
  tree = await buildTree(t.db);
  await addUser(t.db, tree.K1, 'county_admin', 'k1-admin');
  await addUser(t.db, tree.P1, 'province_admin', 'p1-admin');
  app = await buildTestApp(t);
});
afterAll(async () => {
  await app.close();
  await t.close();
});

describe('system routes', () => {
  it('answers health without login', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    expect(res.json()).toEqual({ status: 'ok', database: 'external' });
  });

  it('publishes an OpenAPI 3 document generated from the zod schemas, and the docs page', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/auth/login', '/api/org-units/{id}/children', '/api/users', '/api/audit-log']),
    );
    const login = doc.paths['/api/auth/login'].post;
    expect(login.requestBody.content['application/json'].schema.required).toEqual(['username', 'password']);
    const docs = await app.inject({ method: 'GET', url: '/api/docs' });
    expect([200, 302]).toContain(docs.statusCode);
  });

  it('answers unknown API paths with a coded 404 and requires login elsewhere', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/nope' })).json().error.code).toBe('AUTH_REQUIRED');
    const s = await login(app, 'k1-admin');
    expect((await as(app, s)({ method: 'GET', url: '/api/nope' })).json().error.code).toBe('NOT_FOUND');
  });

  it('sets protective headers and no caching on API answers', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('audit log browsing', () => {
  it('shows a county admin the events of their county, filtered, and never those of a sibling county', async () => {
    const p = await login(app, 'p1-admin');
    const k = await login(app, 'k1-admin');
    await as(
      app,
      k,
    )({
      method: 'POST',
      url: '/api/org-units',
      payload: { parentId: tree.K1.id, kind: 'school', name: '桦甸市审计小学' },
    });
    await as(
      app,
      p,
    )({
      method: 'POST',
      url: '/api/org-units',
      payload: { parentId: tree.K2.id, kind: 'school', name: '蛟河市审计小学' },
    });
    const mine = (await as(app, k)({ method: 'GET', url: '/api/audit-log?action=org_unit.create' })).json();
    expect(mine.items.map((i: { targetLabel: string }) => i.targetLabel)).toEqual(['桦甸市审计小学']);
    const province = (await as(app, p)({ method: 'GET', url: '/api/audit-log?action=org_unit.create' })).json();
    expect(province.total).toBe(2);
    const logins = (
      await as(app, k)({ method: 'GET', url: '/api/audit-log?action=auth.login&outcome=success&actor=K1-ADMIN' })
    ).json();
    expect(logins.items[0]).toMatchObject({ actorUsername: 'k1-admin', outcome: 'success', ip: '127.0.0.1' });
    const sibling = await as(app, k)({ method: 'GET', url: `/api/audit-log?orgUnitId=${tree.K2.id}` });
    expect(sibling.statusCode).toBe(404);
    expect(sibling.body).not.toContain('蛟河');
  });
});
