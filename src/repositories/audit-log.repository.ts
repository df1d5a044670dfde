import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

export type AuditOutcome = 'success' | 'failure' | 'denied';

export interface AuditEntry {
  actorUserId: number | null;
  actorUsername: string | null;
  actorRole: string | null;
  actorPath: string | null;
  targetPath: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  targetLabel: string | null;
  ip: string | null;
  outcome: AuditOutcome;
  errorCode: string | null;
  details: Record<string, unknown> | null;
  /** the row's time when not now (e.g. the day only, at midnight); null: now */
  at?: Date | null;
  /** the time was kept to the day (`at` is that day's midnight in China) */
  dayOnly?: boolean;
}

export interface AuditRow extends Omit<AuditEntry, 'actorUserId' | 'actorPath' | 'targetPath' | 'dayOnly'> {
  id: number;
  at: Date;
  dayOnly: boolean;
}

type Q = Kysely<DB>;

export function createAuditLogRepository(db: Q) {
  return {
    async append(e: AuditEntry): Promise<void> {
      await db
        .insertInto('audit_log')
        .values({
          actor_user_id: e.actorUserId,
          actor_username: e.actorUsername,
          actor_role: e.actorRole,
          actor_path: e.actorPath,
          target_path: e.targetPath,
          action: e.action,
          target_type: e.targetType,
          target_id: e.targetId,
          target_label: e.targetLabel?.slice(0, 200) ?? null,
          ip: e.ip,
          outcome: e.outcome,
          error_code: e.errorCode,
          details: e.details === null ? null : JSON.stringify(e.details),
          ...(e.at ? { at: e.at } : {}),
          day_only: e.dayOnly ?? false,
        })
        .execute();
    },

    /**
     * Rows whose actor or target lies in the subtree `scopePath`; rows with neither
     * (failed logins with an unknown username) only for the province level (`includeUnscoped`).
     * A row whose target lies outside the subtree (an actor of it tried something elsewhere) comes
     * without the target: no id, name or details, so a refusal tells the reader nothing they may not know.
     */
    async list(opts: {
      scopePath: string;
      includeUnscoped: boolean;
      action?: string;
      outcome?: AuditOutcome;
      actor?: string;
      from?: Date;
      to?: Date;
      limit: number;
      offset: number;
    }): Promise<{ items: AuditRow[]; total: number }> {
      const like = `${opts.scopePath}%`;
      let q = db.selectFrom('audit_log as a').where((eb) => {
        const inScope = [eb('a.target_path', 'like', like), eb('a.actor_path', 'like', like)];
        if (opts.includeUnscoped)
          inScope.push(eb.and([eb('a.target_path', 'is', null), eb('a.actor_path', 'is', null)]));
        return eb.or(inScope);
      });
      if (opts.action) q = q.where('a.action', 'like', `${opts.action}%`);
      if (opts.outcome) q = q.where('a.outcome', '=', opts.outcome);
      if (opts.actor) q = q.where(sql`lower(a.actor_username)`, '=', opts.actor.toLowerCase());
      if (opts.from) q = q.where('a.at', '>=', opts.from);
      if (opts.to) q = q.where('a.at', '<', opts.to);
      // the target is shown when it lies in the subtree; a row without a target place only when it succeeded,
      // or when it has no actor either (then only the province level reads it)
      const targetShown = sql<boolean>`(a.target_path LIKE ${like}
        OR (a.target_path IS NULL AND (a.outcome = 'success' OR a.actor_path IS NULL)))`;
      const detailsShown = sql<boolean>`(${targetShown} OR a.target_path IS NULL)`;
      const [rows, n] = await Promise.all([
        q
          .select([
            'a.id',
            'a.at',
            'a.day_only as dayOnly',
            'a.actor_username as actorUsername',
            'a.actor_role as actorRole',
            'a.action',
            'a.target_type as targetType',
            sql<string | null>`CASE WHEN ${targetShown} THEN a.target_id END`.as('targetId'),
            sql<string | null>`CASE WHEN ${targetShown} THEN a.target_label END`.as('targetLabel'),
            'a.ip',
            'a.outcome',
            'a.error_code as errorCode',
            sql<unknown>`CASE WHEN ${detailsShown} THEN a.details END`.as('details'),
          ])
          .orderBy('a.id', 'desc')
          .limit(opts.limit)
          .offset(opts.offset)
          .execute(),
        q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: rows as AuditRow[], total: n.n };
    },
  };
}

export type AuditLogRepository = ReturnType<typeof createAuditLogRepository>;
