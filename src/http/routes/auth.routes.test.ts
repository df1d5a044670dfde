import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { as, buildTestApp, login, type Session } from '../../../test/support/app.js';
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
  await addUser(t.db, tree.S1, 'school_admin', 'enum-real');
  await addUser(t.db, tree.K1, 'county_admin', 'wrong-current');
  await addUser(t.db, tree.K1, 'county_admin', 'token-owner');
  await addUser(t.db, tree.S1, 'school_admin', 'reset-owner');
  app = await buildTestApp(t);
});
afterAll(async () => {
  await app.close();
  await t.close();
});

const auditRows = (action: string) =>
  t.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();

describe('login, session and logout', () => {
  it('logs in with an httpOnly SameSite cookie and answers /me', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'hd-admin', password: TEST_PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const s = await login(app, 'hd-admin');
    const me = await as(app, s)({ method: 'GET', url: '/api/auth/me' });
    expect(me.json().user).toMatchObject({ username: 'hd-admin', role: 'county_admin', orgUnit: { name: '桦甸市' } });
  });

  it("refuses a wrong password in the user's language and audits the failure", async () => {
    const zh = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'hd-admin', password: 'nope' },
    });
    expect(zh.statusCode).toBe(401);
    expect(zh.json().error).toEqual({ code: 'AUTH_INVALID_CREDENTIALS', message: '用户名或密码错误' });
    const en = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'accept-language': 'en-US' },
      payload: { username: 'nobody', password: 'nope' },
    });
    expect(en.json().error.message).toBe('Wrong username or password');
    const rows = await auditRows('auth.login');
    expect(rows.filter((r) => r.outcome === 'failure').map((r) => r.target_label)).toEqual(
      expect.arrayContaining(['hd-admin', 'nobody']),
    );
  });

  it('locks the account after the configured number of failures, even for the right password', async () => {
    for (let i = 0; i < 2; i++) {
      expect(
        (await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'lockme', password: 'bad' } }))
          .statusCode,
      ).toBe(401);
    }
    const third = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'lockme', password: 'bad' },
    });
    expect(third.statusCode).toBe(423);
    expect(third.json().error.details.lockedUntil).toBeTruthy();
    const right = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'lockme', password: TEST_PASSWORD },
    });
    expect(right.statusCode).toBe(423);
  });

  it('refuses writes without the CSRF token', async () => {
    const s = await login(app, 'hd-admin');
    const res = await app.inject({
      method: 'POST',
      url: '/api/org-units',
      headers: { cookie: s.cookie },
      payload: { parentId: tree.K1.id, kind: 'school', name: '无令牌学校' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('CSRF_INVALID');
    const count = await t.db
      .selectFrom('org_unit')
      .select(t.db.fn.countAll().as('n'))
      .where('name', '=', '无令牌学校')
      .executeTakeFirstOrThrow();
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
    await t.db
      .updateTable('user_session')
      .set({ last_seen_at: new Date(Date.now() - 31 * 60_000) })
      .execute();
    const res = await as(app, s)({ method: 'GET', url: '/api/auth/me' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('AUTH_SESSION_EXPIRED');
  });

  it('forces a first-login password change before anything else', async () => {
    const s = await login(app, 'newbie');
    const blocked = await as(app, s)({ method: 'GET', url: `/api/org-units/${tree.S1.id}` });
    expect(blocked.json().error.code).toBe('AUTH_PASSWORD_CHANGE_REQUIRED');
    const weak = await as(
      app,
      s,
    )({
      method: 'POST',
      url: '/api/auth/change-password',
      payload: { currentPassword: TEST_PASSWORD, newPassword: 'short' },
    });
    expect(weak.json().error.code).toBe('PASSWORD_TOO_WEAK');
    const ok = await as(
      app,
      s,
    )({
      method: 'POST',
      url: '/api/auth/change-password',
      payload: { currentPassword: TEST_PASSWORD, newPassword: 'New-password-2026' },
    });
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
    expect(
      (await app.inject({ method: 'GET', url: `/api/org-units/${tree.K1.id}/children`, headers: bearer })).statusCode,
    ).toBe(200);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/org-units',
          headers: bearer,
          payload: { parentId: tree.K1.id, kind: 'school', name: '接口创建的学校' },
        })
      ).statusCode,
    ).toBe(201);
    await as(app, s)({ method: 'DELETE', url: `/api/api-tokens/${apiToken.id}` });
    expect(
      (await app.inject({ method: 'GET', url: `/api/org-units/${tree.K1.id}/children`, headers: bearer })).statusCode,
    ).toBe(401);
  });
});

const loginFrom = (ip: string, username: string, password: string) =>
  app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: ip, payload: { username, password } });

/** The answer with the lock's end left out (it moves with the clock), and the time it took. */
async function timedLogin(ip: string, username: string, password: string) {
  const started = performance.now();
  const res = await loginFrom(ip, username, password);
  const ms = performance.now() - started;
  const error = res.json().error as { code: string; message: string; details?: Record<string, unknown> };
  return {
    ms,
    answer: {
      status: res.statusCode,
      code: error.code,
      message: error.message,
      details: Object.keys(error.details ?? {}),
    },
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('no account enumeration, no lock-out by strangers', () => {
  it('answers a username that exists and one that does not in the same way, lock included, in about the same time', async () => {
    const real: Awaited<ReturnType<typeof timedLogin>>[] = [];
    const none: Awaited<ReturnType<typeof timedLogin>>[] = [];
    for (let i = 0; i < 7; i++) {
      real.push(await timedLogin('10.1.0.1', 'enum-real', 'Wrong-guess-1'));
      none.push(await timedLogin('10.1.0.1', 'enum-nobody', 'Wrong-guess-1'));
    }
    expect(real.map((r) => r.answer)).toEqual(none.map((r) => r.answer));
    // three failures (this file's limit) lock both alike
    expect(real.map((r) => r.answer.status)).toEqual([401, 401, 423, 423, 423, 423, 423]);
    // a locked login still checks the password: it takes as long as a checked one
    const checked = median([...real.slice(0, 2), ...none.slice(0, 2)].map((r) => r.ms));
    const locked = median([...real.slice(3), ...none.slice(3)].map((r) => r.ms));
    expect(locked).toBeGreaterThan(checked * 0.4);
  });

  it('a lock from one address does not stop the right password from another', async () => {
    expect((await loginFrom('10.2.0.1', 'enum-real', TEST_PASSWORD)).statusCode).toBe(200);
    expect((await loginFrom('10.1.0.1', 'enum-real', TEST_PASSWORD)).statusCode).toBe(423);
    // the account shows the lock to its administrators, who can lift it
    const admin = await login(app, 'hd-admin');
    const listed = await as(app, admin)({ method: 'GET', url: '/api/users?q=enum-real' });
    const user = (listed.json().items as Array<{ id: number; username: string; lockedUntil: string | null }>)[0]!;
    expect(user.lockedUntil).toBeTruthy();
    expect((await as(app, admin)({ method: 'POST', url: `/api/users/${user.id}/unlock` })).statusCode).toBe(204);
    expect((await loginFrom('10.1.0.1', 'enum-real', TEST_PASSWORD)).statusCode).toBe(200);
  });
});

describe('password changes', () => {
  it('limits wrong current passwords like logins: the session ends and logins from there are locked', async () => {
    const s = await loginAt('10.3.0.1', 'wrong-current');
    const change = (current: string) =>
      as(
        app,
        s,
      )({
        method: 'POST',
        url: '/api/auth/change-password',
        remoteAddress: '10.3.0.1',
        payload: { currentPassword: current, newPassword: 'Fresh-password-2027' },
      });
    for (let i = 0; i < 2; i++) expect((await change('Not-my-password-1')).json().error.code).toBe('PASSWORD_WRONG');
    const third = await change('Not-my-password-1');
    expect(third.statusCode).toBe(423);
    expect(third.json().error.code).toBe('AUTH_ACCOUNT_LOCKED');
    expect((await as(app, s)({ method: 'GET', url: '/api/auth/me', remoteAddress: '10.3.0.1' })).statusCode).toBe(401);
    expect((await loginFrom('10.3.0.1', 'wrong-current', TEST_PASSWORD)).statusCode).toBe(423);
    expect((await loginFrom('10.3.0.2', 'wrong-current', TEST_PASSWORD)).statusCode).toBe(200);
    const rows = await auditRows('auth.change_password');
    expect(rows.filter((r) => r.target_label === 'wrong-current').map((r) => r.error_code)).toEqual([
      'PASSWORD_WRONG',
      'PASSWORD_WRONG',
      'AUTH_ACCOUNT_LOCKED',
    ]);
  });

  it('refuses common passwords such as Password12', async () => {
    const s = await login(app, 'wrong-current');
    const res = await as(
      app,
      s,
    )({
      method: 'POST',
      url: '/api/auth/change-password',
      headers: { 'accept-language': 'en' },
      payload: { currentPassword: TEST_PASSWORD, newPassword: 'Password12' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'PASSWORD_TOO_WEAK', details: { rule: 'common' } });
    expect(res.json().error.message).toContain('at least 10 characters');
  });

  it("ends the account's API tokens and other sessions when its password changes or is reset", async () => {
    const s = await login(app, 'token-owner');
    const other = await login(app, 'token-owner');
    const bearer = async () => {
      const created = await as(app, s)({ method: 'POST', url: '/api/api-tokens', payload: { name: '对接' } });
      return { authorization: `Bearer ${created.json().token as string}` };
    };
    const first = await bearer();
    const read = (headers: Record<string, string>) =>
      app.inject({ method: 'GET', url: `/api/org-units/${tree.K1.id}/children`, headers });
    expect((await read(first)).statusCode).toBe(200);
    const changed = await as(
      app,
      s,
    )({
      method: 'POST',
      url: '/api/auth/change-password',
      payload: { currentPassword: TEST_PASSWORD, newPassword: 'Fresh-password-2027' },
    });
    expect(changed.statusCode).toBe(204);
    expect((await read(first)).statusCode).toBe(401);
    expect((await as(app, other)({ method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);
    expect((await as(app, s)({ method: 'GET', url: '/api/auth/me' })).statusCode).toBe(200);
    const tokens = (await as(app, s)({ method: 'GET', url: '/api/api-tokens' })).json().items as Array<{
      revokedAt: string | null;
    }>;
    expect(tokens.every((tk) => tk.revokedAt !== null)).toBe(true);
  });

  it("an administrator's password reset ends the account's API tokens too", async () => {
    const owner = await login(app, 'reset-owner');
    const created = await as(app, owner)({ method: 'POST', url: '/api/api-tokens', payload: { name: '学校对接' } });
    expect(created.statusCode).toBe(201);
    const headers = { authorization: `Bearer ${created.json().token as string}` };
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers })).statusCode).toBe(200);
    const admin = await login(app, 'hd-admin');
    const listed = await as(app, admin)({ method: 'GET', url: '/api/users?q=reset-owner' });
    const id = (listed.json().items as Array<{ id: number }>)[0]!.id;
    expect((await as(app, admin)({ method: 'POST', url: `/api/users/${id}/reset-password` })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers })).statusCode).toBe(401);
  });
});

async function loginAt(ip: string, username: string): Promise<Session> {
  const res = await loginFrom(ip, username, TEST_PASSWORD);
  const raw = String(res.headers['set-cookie']);
  return { cookie: raw.split(';')[0]!, csrf: (res.json() as { csrfToken: string }).csrfToken };
}
