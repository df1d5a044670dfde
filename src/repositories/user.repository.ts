import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Role } from '../domain/org-tree.js';
import { escapeLike } from './org-unit.repository.js';

export interface UserRow {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  orgUnitId: number;
  orgUnitName: string;
  orgUnitKind: string;
  orgPath: string;
  provinceId: number;
  passwordHash: string | null;
  mustChangePassword: boolean;
  failedLogins: number;
  lockedUntil: Date | null;
  disabled: boolean;
  isDemo: boolean;
  lastLoginAt: Date | null;
  createdAt: Date;
}

type Q = Kysely<DB>;

function selectUsers(db: Q) {
  return db
    .selectFrom('app_user as u')
    .innerJoin('org_unit as o', 'o.id', 'u.org_unit_id')
    .select([
      'u.id',
      'u.username',
      'u.display_name as displayName',
      'u.role',
      'u.org_unit_id as orgUnitId',
      'o.name as orgUnitName',
      'o.kind as orgUnitKind',
      'u.org_path as orgPath',
      'u.province_id as provinceId',
      'u.password_hash as passwordHash',
      'u.must_change_password as mustChangePassword',
      'u.failed_logins as failedLogins',
      // logins are locked per source address (auth_throttle): the account shows the latest lock from anywhere
      sql<Date | null>`(SELECT max(t.locked_until) FROM auth_throttle t
      WHERE t.kind = 'login' AND t.subject = 'user:' || u.id AND t.locked_until > now())`.as('lockedUntil'),
      'u.disabled',
      'u.is_demo as isDemo',
      'u.last_login_at as lastLoginAt',
      'u.created_at as createdAt',
    ]);
}

const asRow = (r: unknown) => r as UserRow;

export function createUserRepository(db: Q) {
  return {
    async findById(id: number): Promise<UserRow | undefined> {
      const r = await selectUsers(db).where('u.id', '=', id).executeTakeFirst();
      return r ? asRow(r) : undefined;
    },

    async findByUsername(username: string): Promise<UserRow | undefined> {
      const r = await selectUsers(db).where(sql`lower(u.username)`, '=', username.toLowerCase()).executeTakeFirst();
      return r ? asRow(r) : undefined;
    },

    async list(opts: {
      scopePath: string;
      orgUnitId?: number;
      includeDescendants: boolean;
      q?: string;
      role?: Role;
      limit: number;
      offset: number;
    }): Promise<{ items: UserRow[]; total: number }> {
      let items = selectUsers(db).where('u.org_path', 'like', `${opts.scopePath}%`);
      let count = db.selectFrom('app_user as u').where('u.org_path', 'like', `${opts.scopePath}%`);
      if (opts.orgUnitId !== undefined && !opts.includeDescendants) {
        items = items.where('u.org_unit_id', '=', opts.orgUnitId);
        count = count.where('u.org_unit_id', '=', opts.orgUnitId);
      }
      if (opts.role) {
        items = items.where('u.role', '=', opts.role);
        count = count.where('u.role', '=', opts.role);
      }
      if (opts.q) {
        const like = `%${escapeLike(opts.q.toLowerCase())}%`;
        items = items.where((eb) =>
          eb.or([eb(sql`lower(u.username)`, 'like', like), eb('u.display_name', 'like', `%${escapeLike(opts.q!)}%`)]),
        );
        count = count.where((eb) =>
          eb.or([eb(sql`lower(u.username)`, 'like', like), eb('u.display_name', 'like', `%${escapeLike(opts.q!)}%`)]),
        );
      }
      const [rows, n] = await Promise.all([
        items.orderBy('u.org_path').orderBy('u.username').limit(opts.limit).offset(opts.offset).execute(),
        count.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: rows.map(asRow), total: n.n };
    },

    async insert(u: {
      username: string;
      displayName: string;
      role: Role;
      orgUnitId: number;
      orgPath: string;
      provinceId: number;
      passwordHash: string;
      mustChangePassword: boolean;
      isDemo?: boolean;
    }): Promise<number> {
      const r = await db
        .insertInto('app_user')
        .values({
          username: u.username,
          display_name: u.displayName,
          role: u.role,
          org_unit_id: u.orgUnitId,
          org_path: u.orgPath,
          province_id: u.provinceId,
          password_hash: u.passwordHash,
          must_change_password: u.mustChangePassword,
          is_demo: u.isDemo ?? false,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    },

    async update(id: number, patch: { displayName?: string; disabled?: boolean }): Promise<void> {
      await db
        .updateTable('app_user')
        .set({
          ...(patch.displayName !== undefined ? { display_name: patch.displayName } : {}),
          ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
          updated_at: sql`now()`,
        })
        .where('id', '=', id)
        .execute();
    },

    /** No password until the account is activated again. */
    async clearPassword(id: number): Promise<void> {
      await db
        .updateTable('app_user')
        .set({ password_hash: null, updated_at: sql`now()` })
        .where('id', '=', id)
        .execute();
    },

    async setPassword(id: number, hash: string, mustChange: boolean): Promise<void> {
      await db
        .updateTable('app_user')
        .set({
          password_hash: hash,
          must_change_password: mustChange,
          password_changed_at: sql`now()`,
          failed_logins: 0,
          locked_until: null,
          updated_at: sql`now()`,
        })
        .where('id', '=', id)
        .execute();
    },

    async recordLogin(id: number): Promise<void> {
      await db
        .updateTable('app_user')
        .set({ failed_logins: 0, locked_until: null, last_login_at: sql`now()` })
        .where('id', '=', id)
        .execute();
    },

    async unlock(id: number): Promise<void> {
      await db
        .updateTable('app_user')
        .set({ failed_logins: 0, locked_until: null, updated_at: sql`now()` })
        .where('id', '=', id)
        .execute();
    },
  };
}

export type UserRepository = ReturnType<typeof createUserRepository>;
