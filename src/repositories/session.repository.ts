import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Role } from '../domain/org-tree.js';

export interface SessionWithUser {
  userId: number;
  csrfToken: string;
  lastSeenAt: Date;
  expiresAt: Date;
  username: string;
  role: Role;
  orgUnitId: number;
  orgPath: string;
  provinceId: number;
  mustChangePassword: boolean;
  disabled: boolean;
}

type Q = Kysely<DB>;

export function createSessionRepository(db: Q) {
  /** `find` of many sessions in one statement, by the hex of their token hash. */
  async function findMany(tokenHashes: readonly Buffer[]): Promise<Map<string, SessionWithUser>> {
    if (tokenHashes.length === 0) return new Map();
    const rows = await db
      .selectFrom('user_session as s')
      .innerJoin('app_user as u', 'u.id', 's.user_id')
      .select([
        's.token_hash as tokenHash',
        's.user_id as userId',
        's.csrf_token as csrfToken',
        's.last_seen_at as lastSeenAt',
        's.expires_at as expiresAt',
        'u.username',
        'u.role',
        'u.org_unit_id as orgUnitId',
        'u.org_path as orgPath',
        'u.province_id as provinceId',
        'u.must_change_password as mustChangePassword',
        'u.disabled',
      ])
      .where('s.token_hash', 'in', [...tokenHashes])
      .execute();
    return new Map(rows.map(({ tokenHash, ...r }) => [Buffer.from(tokenHash).toString('hex'), r as SessionWithUser]));
  }

  return {
    async insert(s: {
      tokenHash: Buffer;
      userId: number;
      csrfToken: string;
      expiresAt: Date;
      ip: string | null;
      userAgent: string | null;
    }): Promise<void> {
      await db
        .insertInto('user_session')
        .values({
          token_hash: s.tokenHash,
          user_id: s.userId,
          csrf_token: s.csrfToken,
          expires_at: s.expiresAt,
          ip: s.ip,
          user_agent: s.userAgent,
        })
        .execute();
    },

    async find(tokenHash: Buffer): Promise<SessionWithUser | undefined> {
      return (await findMany([tokenHash])).get(tokenHash.toString('hex'));
    },

    findMany,

    async touch(tokenHash: Buffer): Promise<void> {
      await db
        .updateTable('user_session')
        .set({ last_seen_at: sql`now()` })
        .where('token_hash', '=', tokenHash)
        .execute();
    },

    async delete(tokenHash: Buffer): Promise<void> {
      await db.deleteFrom('user_session').where('token_hash', '=', tokenHash).execute();
    },

    async deleteForUser(userId: number, exceptTokenHash?: Buffer): Promise<void> {
      let q = db.deleteFrom('user_session').where('user_id', '=', userId);
      if (exceptTokenHash) q = q.where('token_hash', '!=', exceptTokenHash);
      await q.execute();
    },

    async deleteExpired(idleMinutes: number): Promise<number> {
      const r = await db
        .deleteFrom('user_session')
        .where((eb) =>
          eb.or([
            eb('expires_at', '<', sql<Date>`now()`),
            eb('last_seen_at', '<', sql<Date>`now() - make_interval(mins => ${idleMinutes})`),
          ]),
        )
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}

export type SessionRepository = ReturnType<typeof createSessionRepository>;
