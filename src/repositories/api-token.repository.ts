import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { SessionWithUser } from './session.repository.js';

export interface ApiTokenRow {
  id: number;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

/** A live API token with its owner. */
export type ActiveToken = Omit<SessionWithUser, 'csrfToken' | 'lastSeenAt' | 'expiresAt'> & {
  tokenId: number;
  tokenExpiresAt: Date | null;
  lastUsedAt: Date | null;
};

type Q = Kysely<DB>;

export function createApiTokenRepository(db: Q) {
  return {
    async insert(t: {
      userId: number;
      name: string;
      prefix: string;
      tokenHash: Buffer;
      expiresAt: Date | null;
    }): Promise<ApiTokenRow> {
      return db
        .insertInto('api_token')
        .values({
          user_id: t.userId,
          name: t.name,
          prefix: t.prefix,
          token_hash: t.tokenHash,
          expires_at: t.expiresAt,
        })
        .returning([
          'id',
          'name',
          'prefix',
          'created_at as createdAt',
          'last_used_at as lastUsedAt',
          'expires_at as expiresAt',
          'revoked_at as revokedAt',
        ])
        .executeTakeFirstOrThrow();
    },

    async listForUser(userId: number): Promise<ApiTokenRow[]> {
      return db
        .selectFrom('api_token')
        .select([
          'id',
          'name',
          'prefix',
          'created_at as createdAt',
          'last_used_at as lastUsedAt',
          'expires_at as expiresAt',
          'revoked_at as revokedAt',
        ])
        .where('user_id', '=', userId)
        .orderBy('id', 'desc')
        .execute();
    },

    async revoke(userId: number, id: number): Promise<ApiTokenRow | undefined> {
      return db
        .updateTable('api_token')
        .set({ revoked_at: sql`coalesce(revoked_at, now())` })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .returning([
          'id',
          'name',
          'prefix',
          'created_at as createdAt',
          'last_used_at as lastUsedAt',
          'expires_at as expiresAt',
          'revoked_at as revokedAt',
        ])
        .executeTakeFirst();
    },

    /** Revokes every live token of an account (its password changed or was reset); returns how many. */
    async revokeAllForUser(userId: number): Promise<number> {
      const r = await db
        .updateTable('api_token')
        .set({ revoked_at: sql`now()` })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },

    /** The live token's owner, or undefined for unknown, revoked or expired tokens. */
    async findActive(tokenHash: Buffer): Promise<ActiveToken | undefined> {
      const r = await db
        .selectFrom('api_token as t')
        .innerJoin('app_user as u', 'u.id', 't.user_id')
        .select([
          't.id as tokenId',
          't.expires_at as tokenExpiresAt',
          't.last_used_at as lastUsedAt',
          'u.id as userId',
          'u.username',
          'u.role',
          'u.org_unit_id as orgUnitId',
          'u.org_path as orgPath',
          'u.province_id as provinceId',
          'u.must_change_password as mustChangePassword',
          'u.disabled',
        ])
        .where('t.token_hash', '=', tokenHash)
        .where('t.revoked_at', 'is', null)
        .where((eb) => eb.or([eb('t.expires_at', 'is', null), eb('t.expires_at', '>', sql<Date>`now()`)]))
        .executeTakeFirst();
      return r as ActiveToken | undefined;
    },

    async touch(id: number): Promise<void> {
      await db
        .updateTable('api_token')
        .set({ last_used_at: sql`now()` })
        .where('id', '=', id)
        .where((eb) =>
          eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`)]),
        )
        .execute();
    },
  };
}

export type ApiTokenRepository = ReturnType<typeof createApiTokenRepository>;
