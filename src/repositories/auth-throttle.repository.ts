import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/** failed sign-ins and activations; identifier lookups by administrators who see identifiers masked */
export type ThrottleKind = 'login' | 'activate' | 'id_lookup';

export interface ThrottleKey {
  kind: ThrottleKind;
  /** 'user:<id>', 'teacher:<id>', or 'name:<hash>' for a name no account has */
  subject: string;
  /** the client's address */
  source: string;
}

type Q = Kysely<DB>;

/** Failed sign-ins counted per (account, source address); see migrations/0009_auth_throttle.sql. */
export function createAuthThrottleRepository(db: Q) {
  return {
    /** The end of the lock on this key, when one is in force. */
    async lockedUntil(k: ThrottleKey): Promise<Date | null> {
      const r = await db
        .selectFrom('auth_throttle')
        .select('locked_until')
        .where('kind', '=', k.kind)
        .where('subject', '=', k.subject)
        .where('source', '=', k.source)
        .where('locked_until', '>', sql<Date>`now()`)
        .executeTakeFirst();
      return r?.locked_until ?? null;
    },

    /**
     * Counts a failure; the count starts again once `windowMinutes` passed since the last failure or
     * a lock ended. At `maxFailures` the key is locked for `lockMinutes`. Returns the lock's end, if any.
     */
    async recordFailure(
      k: ThrottleKey,
      o: { maxFailures: number; windowMinutes: number; lockMinutes: number },
    ): Promise<Date | null> {
      const fresh = sql<boolean>`(auth_throttle.locked_until IS NOT NULL AND auth_throttle.locked_until <= now())
        OR auth_throttle.last_failure_at < now() - make_interval(mins => ${o.windowMinutes})`;
      const count = sql<number>`CASE WHEN ${fresh} THEN 1 ELSE auth_throttle.failures + 1 END`;
      const r = await db
        .insertInto('auth_throttle')
        .values({
          kind: k.kind,
          subject: k.subject,
          source: k.source,
          failures: 1,
          locked_until: o.maxFailures <= 1 ? sql<Date>`now() + make_interval(mins => ${o.lockMinutes})` : null,
        })
        .onConflict((oc) =>
          oc.columns(['kind', 'subject', 'source']).doUpdateSet({
            failures: count,
            last_failure_at: sql<Date>`now()`,
            locked_until: sql<Date | null>`CASE WHEN ${count} >= ${o.maxFailures}
          THEN now() + make_interval(mins => ${o.lockMinutes})
          WHEN ${fresh} THEN NULL ELSE auth_throttle.locked_until END`,
          }),
        )
        .returning('locked_until')
        .executeTakeFirstOrThrow();
      return r.locked_until;
    },

    /** Forgets the failures of one key (a successful sign-in from that address). */
    async clear(k: ThrottleKey): Promise<void> {
      await db
        .deleteFrom('auth_throttle')
        .where('kind', '=', k.kind)
        .where('subject', '=', k.subject)
        .where('source', '=', k.source)
        .execute();
    },

    /** Forgets the failures of a subject from every address (an administrator's unlock, a new password). */
    async clearSubject(kind: ThrottleKind, subject: string): Promise<void> {
      await db.deleteFrom('auth_throttle').where('kind', '=', kind).where('subject', '=', subject).execute();
    },

    /** Rows whose last failure and lock are long past. */
    async deleteStale(olderThanMinutes: number): Promise<number> {
      const r = await db
        .deleteFrom('auth_throttle')
        .where('last_failure_at', '<', sql<Date>`now() - make_interval(mins => ${olderThanMinutes})`)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', sql<Date>`now()`)]))
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}

export type AuthThrottleRepository = ReturnType<typeof createAuthThrottleRepository>;
