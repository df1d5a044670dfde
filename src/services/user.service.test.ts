import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { addUser, buildTree, type Tree } from '../../test/support/fixtures.js';
import { AppError } from '../errors/app-error.js';
import type { Actor } from '../policies/access.policy.js';
import { createAuthService } from './auth.service.js';
import type { RequestContext } from './context.js';
import { createUserService } from './user.service.js';

let t: TestDatabase;
let tree: Tree;
let users: ReturnType<typeof createUserService>;
let auth: ReturnType<typeof createAuthService>;
let countyAdminId: number;

const ctxAt = (unit: Tree[keyof Tree], role: Actor['role'], userId = 0): RequestContext => ({
  actor: {
    userId,
    username: `${role}@${unit.name}`,
    role,
    orgUnitId: unit.id,
    orgPath: unit.path,
    provinceId: unit.provinceId,
  },
  ip: '10.0.0.8',
});
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: unknown) => (e instanceof AppError ? e.code : String(e)),
  );

beforeAll(async () => {
  t = await createTestDatabase();
  tree = await buildTree(t.db);
  users = createUserService({ db: t.db, env: t.env });
  auth = createAuthService({ db: t.db, env: t.env });
  countyAdminId = await addUser(t.db, tree.K1, 'county_admin', 'k1-admin');
});
afterAll(() => t.close());

describe('account management', () => {
  it('creates a school admin with a one-time password that must be changed at first login', async () => {
    const { user, oneTimePassword } = await users.create(ctxAt(tree.K1, 'county_admin', countyAdminId), {
      username: 'S1.Admin',
      displayName: '刘校长',
      role: 'school_admin',
      orgUnitId: tree.S1.id,
    });
    expect(user.mustChangePassword).toBe(true);
    expect(oneTimePassword).toMatch(/^[A-Za-z0-9]{12}$/);
    const session = await auth.login({ actor: null, ip: null }, 's1.admin', oneTimePassword);
    expect(session.user.mustChangePassword).toBe(true);
  });

  it('refuses a username that differs only in case', async () => {
    expect(
      await codeOf(
        users.create(ctxAt(tree.K1, 'county_admin'), {
          username: 's1.admin',
          displayName: '重复',
          role: 'teacher',
          orgUnitId: tree.S1.id,
        }),
      ),
    ).toBe('USERNAME_TAKEN');
  });

  it('refuses a role that does not fit the unit, and roles at or above the actor', async () => {
    expect(
      await codeOf(
        users.create(ctxAt(tree.K1, 'county_admin'), {
          username: 'bad-place',
          displayName: '甲',
          role: 'school_admin',
          orgUnitId: tree.K1.id,
        }),
      ),
    ).toBe('ROLE_NOT_ALLOWED_AT_UNIT');
    expect(
      await codeOf(
        users.create(ctxAt(tree.K1, 'county_admin'), {
          username: 'peer',
          displayName: '乙',
          role: 'county_admin',
          orgUnitId: tree.K1.id,
        }),
      ),
    ).toBe('FORBIDDEN');
    expect(
      await codeOf(
        users.create(ctxAt(tree.K1, 'county_admin'), {
          username: 'elsewhere',
          displayName: '丙',
          role: 'teacher',
          orgUnitId: tree.S3.id,
        }),
      ),
    ).toBe('NOT_FOUND');
  });

  it('lists only accounts inside the subtree', async () => {
    await addUser(t.db, tree.S3, 'teacher', 'k2-teacher');
    const r = await users.list(ctxAt(tree.K1, 'county_admin'), { includeDescendants: true, page: 1, pageSize: 100 });
    expect(r.items.map((u) => u.username)).not.toContain('k2-teacher');
    expect(r.items.map((u) => u.username)).toContain('S1.Admin');
  });

  it('disabling an account ends its sessions; a reset gives a new one-time password and unlocks', async () => {
    const id = await addUser(t.db, tree.S1, 'teacher', 'to-disable');
    const s = await auth.login({ actor: null, ip: null }, 'to-disable', 'Correct-horse-42');
    // a session in use a moment ago (so held in memory) ends as well
    expect(await auth.authenticate({ sessionToken: s.sessionToken })).toMatchObject({
      actor: { username: 'to-disable' },
    });
    await users.update(ctxAt(tree.K1, 'county_admin'), id, { disabled: true });
    expect(await auth.authenticate({ sessionToken: s.sessionToken })).toBeNull();
    expect(await codeOf(auth.login({ actor: null, ip: null }, 'to-disable', 'Correct-horse-42'))).toBe(
      'AUTH_INVALID_CREDENTIALS',
    );
    await users.update(ctxAt(tree.K1, 'county_admin'), id, { disabled: false });
    const again = await auth.login({ actor: null, ip: null }, 'to-disable', 'Correct-horse-42');
    expect(await auth.authenticate({ sessionToken: again.sessionToken })).not.toBeNull();
    const { oneTimePassword } = await users.resetPassword(ctxAt(tree.K1, 'county_admin'), id);
    expect(await auth.authenticate({ sessionToken: again.sessionToken })).toBeNull();
    expect((await auth.login({ actor: null, ip: null }, 'to-disable', oneTimePassword)).user.mustChangePassword).toBe(
      true,
    );
  });

  it('records field-level changes in the audit log', async () => {
    const id = await addUser(t.db, tree.S1, 'teacher', 'rename-me');
    await users.update(ctxAt(tree.K1, 'county_admin'), id, { displayName: '新名字' });
    const row = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'user.update')
      .where('target_id', '=', String(id))
      .executeTakeFirstOrThrow();
    expect(row.details).toEqual({ changes: { displayName: { from: 'rename-me', to: '新名字' } } });
    expect(row.ip).toBe('10.0.0.8');
  });

  it('keeps the audit log append-only, even for the database owner', async () => {
    await expect(t.db.updateTable('audit_log').set({ action: 'x' }).execute()).rejects.toThrow(/append-only/);
    await expect(t.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
  });
});
