import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { as, buildTestApp, login } from '../../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { addUser, buildTree, TEST_PASSWORD, type Tree } from '../../../test/support/fixtures.js';

let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_LOGIN_MAX_FAILURES: '3' });
  tree = await buildTree(t.db);
  await addUser(t.db, tree.K1, 'county_admin', 'hd-admin');
  await addUser(t.db, tree.S1, 'teacher', 'newbie', { mustChangePassword: true });
  await addUser(t.db, tree.K1, 'county_admin', 'lockme');
  app = await buildTestApp(t);
});
afterAll(async () => {
  await app.close();
  await t.close();
});

const auditRows = (action: string) => t.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();

describe('login, session and logout', () => {
  it('logs in with an httpOnly SameSite cookie and answers /me', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'hd-admin', password: TEST_PASSWORD } });
    expect(res.statusCode).toBe(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const s = await login(app, 'hd-admin');
    const me = await as(app, s)({ method: 'GET', url: '/api/auth/me' });
    expect(me.json().user).toMatchObject({ username: 'hd-admin', role: 'county_admin', orgUnit: { name: '桦甸市' } });
  });

  it('refuses a wrong password in the user\'s language and audits the failure', async () => {
    const zh = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'hd-admin', password: 'nope' } });
    expect(zh.statusCode).toBe(401);
    expect(zh.json().error).toEqual({ code: 'AUTH_INVALID_CREDENTIALS', message: '用户名或密码错误' });
    const en = await app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'accept-language': 'en-US' }, payload: { username: 'nobody', password: 'nope' } });
    expect(en.json().error.message).toBe('Wrong username or password');
    const rows = await auditRows('auth.login');
    expect(rows.filter((r) => r.outcome === 'failure').map((r) => r.target_label)).toEqual(expect.arrayContaining(['hd-admin', 'nobody']));
  });

  it('locks the account after the configured number of failures, even for the right password', async () => {
    for (let i = 0; i < 2; i++) {
      expect((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'lockme', password: 'bad' } })).statusCode).toBe(401);
    }
    const third = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'lockme', password: 'bad' } });
    expect(third.statusCode).toBe(423);
    expect(third.json().error.details.lockedUntil).toBeTruthy();
    const right = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'lockme', password: TEST_PASSWORD } });
    expect(right.statusCode).toBe(423);
  });

  it('refuses writes without the CSRF token', async () => {
    const s = await login(app, 'hd-admin');
    const res = await app.inject({ method: 'POST', url: '/api/org-units', headers: { cookie: s.cookie }, payload: { parentId: tree.K1.id, kind: 'school', name: '无令牌学校' } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('CSRF_INVALID');
    const count = await t.db.selectFrom('org_unit').select(t.db.fn.countAll().as('n')).where('name', '=', '无令牌学校').executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it('invalidates the session at logout', async () => {
    const s = await login(app, 'hd-admin');
    expect((await as(app, s)({ method: 'POST', url: '/api/auth/logout' })).statusCode).toBe(204);
    const after = await as(app, s)({ method: 'GET', url: '/api/auth/me' });
    expect(after.statusCode).toBe(401);
  });

  it('ends a session after the idle timeout', async () => {
    const s = await login(app, 'hd-admin');
    await t.db.updateTable('user_session').set({ last_seen_at: new Date(Date.now() - 31 * 60_000) }).execute();
    const res = await as(app, s)({ method: 'GET', url: '/api/auth/me' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('AUTH_SESSION_EXPIRED');
  });

  it('forces a first-login password change before anything else', async () => {
    const s = await login(app, 'newbie');
    const blocked = await as(app, s)({ method: 'GET', url: `/api/org-units/${tree.S1.id}` });
    expect(blocked.json().error.code).toBe('AUTH_PASSWORD_CHANGE_REQUIRED');
    const weak = await as(app, s)({ method: 'POST', url: '/api/auth/change-password', payload: { currentPassword: TEST_PASSWORD, newPassword: 'short' } });
    expect(weak.json().error.code).toBe('PASSWORD_TOO_WEAK');
    const ok = await as(app, s)({ method: 'POST', url: '/api/auth/change-password', payload: { currentPassword: TEST_PASSWORD, newPassword: 'New-password-2026' } });
    expect(ok.statusCode).toBe(204);
    expect((await as(app, s)({ method: 'GET', url: `/api/org-units/${tree.S1.id}` })).statusCode).toBe(200);
    await login(app, 'newbie', 'New-password-2026');
  });

  it('accepts an API token without CSRF and refuses it once revoked', async () => {
    const s = await login(app, 'hd-admin');
    const created = await as(app, s)({ method: 'POST', url: '/api/api-tokens', payload: { name: '人事系统对接' } });
    expect(created.statusCode).toBe(201);
    const { token, apiToken } = created.json();
    const bearer = { authorization: `Bearer ${token}` };
    expect((await app.inject({ method: 'GET', url: `/api/org-units/${tree.K1.id}/children`, headers: bearer })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/api/org-units', headers: bearer, payload: { parentId: tree.K1.id, kind: 'school', name: '接口创建的学校' } })).statusCode).toBe(201);
    await as(app, s)({ method: 'DELETE', url: `/api/api-tokens/${apiToken.id}` });
    expect((await app.inject({ method: 'GET', url: `/api/org-units/${tree.K1.id}/children`, headers: bearer })).statusCode).toBe(401);
  });
});
