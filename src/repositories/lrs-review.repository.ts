import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/** One actor of one client whose statements wait for an admin (the review queue's row). */
export interface LrsReviewRow {
  clientId: number;
  clientName: string;
  clientUnitId: number;
  clientUnitName: string;
  /** the statements' actor_ifi ('' for an actor without one) */
  actorIfi: string;
  /** the actor object of the latest statement, as sent */
  actor: Record<string, unknown> | null;
  count: number;
  firstStored: Date;
  lastStored: Date;
  sampleVerb: string;
  sampleActivity: string | null;
  /** the display names the latest statement gave its verb and activity (Chinese first), when it gave them */
  sampleVerbName: string | null;
  sampleActivityName: string | null;
  /** a person (an Agent with an identifier): groups and actors without one cannot be one teacher */
  mappable: boolean;
}

/** The Chinese entry of a language map, else its first; null for anything else. */
function nameOf(map: unknown): string | null {
  if (typeof map !== 'object' || map === null || Array.isArray(map)) return null;
  const m = map as Record<string, unknown>;
  const key = Object.keys(m).find((k) => /^zh/i.test(k)) ?? Object.keys(m)[0];
  const v = key === undefined ? undefined : m[key];
  return typeof v === 'string' ? v : null;
}

type Q = Kysely<DB>;

/** Whether a statement's actor_ifi names one person (an Agent), the only kind an admin may map to a teacher. */
export function isPersonKey(actorIfi: string): boolean {
  return actorIfi.startsWith('A|');
}

export function createLrsReviewRepository(db: Q) {
  return {
    /** The waiting actors of the clients at `path` and below, most recent first (at most `limit`). */
    async queueUnder(path: string, limit: number): Promise<{ rows: LrsReviewRow[]; total: number }> {
      const r = await sql<{
        client_id: string;
        client_name: string;
        unit_id: string;
        unit_name: string;
        actor_ifi: string;
        n: string;
        first_stored: Date;
        last_stored: Date;
        last_seq: string;
        total: string;
      }>`
        SELECT g.client_id, c.name AS client_name, o.id AS unit_id, o.name AS unit_name, g.actor_ifi, g.n, g.first_stored,
               g.last_stored, g.last_seq, count(*) OVER () AS total
          FROM (SELECT s.client_id, coalesce(s.actor_ifi, '') AS actor_ifi, count(*) AS n, min(s.stored) AS first_stored,
                       max(s.stored) AS last_stored, max(s.seq) AS last_seq
                  FROM xapi_statement s
                 WHERE s.match_status = 'unmatched' AND s.client_path LIKE ${`${path}%`} AND s.client_id IS NOT NULL
                 GROUP BY s.client_id, coalesce(s.actor_ifi, '')) g
          JOIN lrs_client c ON c.id = g.client_id
          JOIN org_unit o ON o.id = c.org_unit_id
         ORDER BY g.last_stored DESC, g.client_id, g.actor_ifi
         LIMIT ${limit}`.execute(db);
      if (r.rows.length === 0) return { rows: [], total: 0 };
      const samples = await db
        .selectFrom('xapi_statement')
        .select([
          'seq',
          'verb_id',
          'object_id',
          sql<unknown>`body::jsonb -> 'actor'`.as('actor'),
          sql<unknown>`body::jsonb #> '{verb,display}'`.as('verb_display'),
          sql<unknown>`body::jsonb #> '{object,definition,name}'`.as('activity_name'),
        ])
        .where(
          'seq',
          'in',
          r.rows.map((x) => Number(x.last_seq)),
        )
        .execute();
      const bySeq = new Map(samples.map((s) => [Number(s.seq), s]));
      return {
        total: Number(r.rows[0]!.total),
        rows: r.rows.map((x) => {
          const s = bySeq.get(Number(x.last_seq));
          return {
            clientId: Number(x.client_id),
            clientName: x.client_name,
            clientUnitId: Number(x.unit_id),
            clientUnitName: x.unit_name,
            actorIfi: x.actor_ifi,
            actor: (s?.actor as Record<string, unknown> | null) ?? null,
            count: Number(x.n),
            firstStored: x.first_stored,
            lastStored: x.last_stored,
            sampleVerb: s?.verb_id ?? '',
            sampleActivity: s?.object_id ?? null,
            sampleVerbName: nameOf(s?.verb_display),
            sampleActivityName: nameOf(s?.activity_name),
            mappable: isPersonKey(x.actor_ifi),
          };
        }),
      };
    },

    /** How many statements wait at `path` and below (the home page's to-do). */
    async waitingUnder(path: string): Promise<number> {
      const r = await db
        .selectFrom('xapi_statement')
        .select(sql<string>`count(*)`.as('n'))
        .where('match_status', '=', 'unmatched')
        .where('client_path', 'like', `${path}%`)
        .where('client_id', 'is not', null)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },

    /** Gives an actor's waiting statements of a client a teacher; returns their seqs. */
    async matchActor(clientId: number, actorIfi: string, teacherId: number, teacherPath: string): Promise<number[]> {
      const r = await db
        .updateTable('xapi_statement')
        .set({ match_status: 'matched', teacher_id: teacherId, teacher_path: teacherPath })
        .where('client_id', '=', clientId)
        .where(sql<string>`coalesce(actor_ifi, '')`, '=', actorIfi)
        .where('match_status', '=', 'unmatched')
        .returning('seq')
        .execute();
      return r.map((x) => Number(x.seq)).sort((a, b) => a - b);
    },

    /** Marks an actor's waiting statements of a client as nobody of ours; returns how many. */
    async rejectActor(clientId: number, actorIfi: string): Promise<number> {
      const r = await db
        .updateTable('xapi_statement')
        .set({ match_status: 'rejected' })
        .where('client_id', '=', clientId)
        .where(sql<string>`coalesce(actor_ifi, '')`, '=', actorIfi)
        .where('match_status', '=', 'unmatched')
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },

    async remember(clientId: number, actorIfi: string, teacherId: number, by: number | null): Promise<void> {
      await db
        .insertInto('lrs_actor_mapping')
        .values({ client_id: clientId, actor_ifi: actorIfi, teacher_id: teacherId, created_by: by })
        .onConflict((oc) =>
          oc
            .columns(['client_id', 'actor_ifi'])
            .doUpdateSet({ teacher_id: teacherId, created_by: by, created_at: sql`now()` }),
        )
        .execute();
    },
  };
}

export type LrsReviewRepository = ReturnType<typeof createLrsReviewRepository>;
