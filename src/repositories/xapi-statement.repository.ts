import { sql } from 'kysely';
import type { Database } from '../db/database.js';
import type { StatementFacts } from '../domain/xapi-statement.js';

/** A statement about to be stored: its JSON text and the values queries filter on. */
export interface StatementInsert extends StatementFacts {
  body: string;
  teacherId: number | null;
  teacherPath: string | null;
  matchStatus: 'matched' | 'unmatched' | 'own';
}

/** What a client may read: what it wrote, or statements about teachers of its unit. */
export interface ReadScope {
  provinceId: number;
  clientId: number | null;
  path: string;
}

export interface StatementFilter {
  agent?: string;
  relatedAgents?: boolean;
  verb?: string;
  activity?: string;
  relatedActivities?: boolean;
  registration?: string;
  since?: string;
  until?: string;
  ascending?: boolean;
  /** the last row of the previous page: (stored, seq) */
  after?: { stored: string; seq: number };
  /** statements stored at or before this (the first page's consistency point), for later pages */
  storedUpTo?: string;
}

export interface StoredStatement {
  seq: number;
  id: string;
  body: string;
  stored: string;
  voided: boolean;
  isVoiding: boolean;
  clientId: number | null;
}

const toStored = (r: {
  seq: string | number;
  id: string;
  body: string;
  stored: Date;
  voided: boolean;
  is_voiding: boolean;
  client_id: string | number | null;
}): StoredStatement => ({
  seq: Number(r.seq),
  id: r.id,
  body: r.body,
  stored: r.stored.toISOString(),
  voided: r.voided,
  isVoiding: r.is_voiding,
  clientId: r.client_id === null ? null : Number(r.client_id),
});

function scopeSql(scope: ReadScope) {
  return scope.clientId === null
    ? sql`s.teacher_path LIKE ${`${scope.path}%`}`
    : sql`(s.client_id = ${scope.clientId} OR s.teacher_path LIKE ${`${scope.path}%`})`;
}

export function createXapiStatementRepository(db: Database) {
  return {
    /** The stored statements of a province with these ids (any client's: ids are unique in a province). */
    async findByIds(provinceId: number, ids: string[]): Promise<StoredStatement[]> {
      if (ids.length === 0) return [];
      const { rows } = await sql<Parameters<typeof toStored>[0]>`
        SELECT seq, id, body, stored, voided, is_voiding, client_id FROM xapi_statement
        WHERE province_id = ${provinceId} AND id = ANY(${ids}::uuid[])`.execute(db);
      return rows.map(toStored);
    },

    /**
     * Inserts statements; ids already stored are left as they are (not in `inserted`). One statement
     * for the whole batch (its rows travel as one JSON parameter). With `voidedBy`, a statement that a
     * voiding statement readable in that scope already names is stored voided (the voiding arrived first).
     */
    async insertMany(
      provinceId: number,
      client: { id: number | null; path: string },
      rows: StatementInsert[],
      voidedBy?: ReadScope,
    ): Promise<{ inserted: Array<{ seq: number; id: string }> }> {
      if (rows.length === 0) return { inserted: [] };
      const data = JSON.stringify(
        rows.map((r) => ({
          id: r.id,
          stored: r.stored,
          ts: r.ts,
          verb_id: r.verbId,
          actor_ifi: r.actorKey,
          object_kind: r.objectKind,
          object_id: r.objectId,
          registration: r.registration,
          related_agents: r.relatedAgents,
          related_activities: r.relatedActivities,
          ref_id: r.refId,
          is_voiding: r.isVoiding,
          attachment_sha2: r.attachmentSha2,
          teacher_id: r.teacherId,
          teacher_path: r.teacherPath,
          match_status: r.matchStatus,
          body: r.body,
        })),
      );
      const { rows: inserted } = await sql<{ seq: string; id: string }>`
        INSERT INTO xapi_statement (province_id, id, client_id, client_path, teacher_id, teacher_path, match_status,
          stored, ts, verb_id, actor_ifi, object_kind, object_id, registration, related_agents, related_activities,
          ref_id, is_voiding, attachment_sha2, body, voided)
        SELECT ${provinceId}, r.id, ${client.id}, ${client.path}, r.teacher_id, r.teacher_path, r.match_status,
          r.stored, r.ts, r.verb_id, r.actor_ifi, r.object_kind, r.object_id, r.registration, r.related_agents,
          r.related_activities, r.ref_id, r.is_voiding, r.attachment_sha2, r.body, ${
            voidedBy
              ? sql`NOT r.is_voiding AND EXISTS (SELECT 1 FROM xapi_statement s
                  WHERE s.province_id = ${voidedBy.provinceId} AND s.is_voiding AND s.ref_id = r.id
                    AND ${scopeSql(voidedBy)})`
              : sql`false`
          }
        FROM jsonb_to_recordset(${data}::jsonb) AS r(id uuid, stored timestamptz, ts timestamptz, verb_id text,
          actor_ifi text, object_kind text, object_id text, registration uuid, related_agents text[],
          related_activities text[], ref_id uuid, is_voiding boolean, attachment_sha2 text[], teacher_id bigint,
          teacher_path text, match_status text, body text)
        ON CONFLICT (province_id, id) DO NOTHING
        RETURNING seq, id`.execute(db);
      return { inserted: inserted.map((r) => ({ seq: Number(r.seq), id: r.id })) };
    },

    /** Sets matched teachers on just-inserted rows (by seq). */
    async setMatches(matches: Array<{ seq: number; teacherId: number; teacherPath: string }>): Promise<void> {
      if (matches.length === 0) return;
      await sql`
        UPDATE xapi_statement s SET teacher_id = m.teacher_id, teacher_path = m.teacher_path, match_status = 'matched'
        FROM jsonb_to_recordset(${JSON.stringify(
          matches.map((m) => ({ seq: m.seq, teacher_id: m.teacherId, teacher_path: m.teacherPath })),
        )}::jsonb) AS m(seq bigint, teacher_id bigint, teacher_path text)
        WHERE s.seq = m.seq`.execute(db);
    },

    /**
     * Marks the targets of voiding statements voided: only statements the voiding client may read, and
     * never a voiding statement itself. Answers the seqs of the statements voided now.
     */
    async voidTargets(scope: ReadScope, targetIds: string[]): Promise<number[]> {
      if (targetIds.length === 0) return [];
      const { rows } = await sql<{ seq: string }>`
        UPDATE xapi_statement s SET voided = true
        WHERE s.province_id = ${scope.provinceId} AND s.id = ANY(${targetIds}::uuid[]) AND NOT s.is_voiding
          AND NOT s.voided AND ${scopeSql(scope)}
        RETURNING seq`.execute(db);
      return rows.map((r) => Number(r.seq));
    },

    /** One statement the client may read, by id. */
    async findOne(scope: ReadScope, id: string): Promise<StoredStatement | undefined> {
      const { rows } = await sql<Parameters<typeof toStored>[0]>`
        SELECT seq, id, body, stored, voided, is_voiding, client_id FROM xapi_statement s
        WHERE s.province_id = ${scope.provinceId} AND s.id = ${id}::uuid AND ${scopeSql(scope)}`.execute(db);
      return rows[0] ? toStored(rows[0]) : undefined;
    },

    /**
     * A page of statements (not voided) matching a filter, newest first unless ascending; `limit + 1`
     * rows. A statement whose object is a StatementRef also matches when the statement
     * it targets matches the agent, verb, activity and registration filters (xAPI's filter conditions for
     * StatementRefs, one level deep; a voiding statement too, so a voided statement's voiding is found);
     * the time, order and paging apply to the referring statement.
     */
    async query(scope: ReadScope, f: StatementFilter, limit: number): Promise<StoredStatement[]> {
      const base = [sql`s.province_id = ${scope.provinceId}`, sql`NOT s.voided`, scopeSql(scope)];
      const matching = (t: string) => {
        const c = (col: string) => sql.ref(`${t}.${col}`);
        const where = [];
        if (f.agent !== undefined) {
          where.push(
            f.relatedAgents
              ? sql`${c('related_agents')} @> ARRAY[${f.agent}]::text[]`
              : sql`(${c('actor_ifi')} = ${f.agent} OR (${c('object_kind')} IN ('Agent','Group') AND ${c('object_id')} = ${f.agent}))`,
          );
        }
        if (f.verb !== undefined) where.push(sql`${c('verb_id')} = ${f.verb}`);
        if (f.activity !== undefined) {
          where.push(
            f.relatedActivities
              ? sql`${c('related_activities')} @> ARRAY[${f.activity}]::text[]`
              : sql`(${c('object_kind')} = 'Activity' AND ${c('object_id')} = ${f.activity})`,
          );
        }
        if (f.registration !== undefined) where.push(sql`${c('registration')} = ${f.registration}::uuid`);
        return where;
      };
      const window = [];
      if (f.since !== undefined) window.push(sql`s.stored > ${f.since}::timestamptz`);
      if (f.until !== undefined) window.push(sql`s.stored <= ${f.until}::timestamptz`);
      if (f.storedUpTo !== undefined) window.push(sql`s.stored <= ${f.storedUpTo}::timestamptz`);
      if (f.after) {
        window.push(
          f.ascending
            ? sql`(s.stored, s.seq) > (${f.after.stored}::timestamptz, ${f.after.seq}::bigint)`
            : sql`(s.stored, s.seq) < (${f.after.stored}::timestamptz, ${f.after.seq}::bigint)`,
        );
      }
      const order = f.ascending ? sql`ORDER BY stored, seq` : sql`ORDER BY stored DESC, seq DESC`;
      const columns = sql`s.seq, s.id, s.body, s.stored, s.voided, s.is_voiding, s.client_id`;
      const direct = sql`SELECT ${columns} FROM xapi_statement s
        WHERE ${sql.join([...base, ...matching('s'), ...window], sql` AND `)} ${order} LIMIT ${limit + 1}`;
      const filters = matching('m');
      const scopeOfTarget =
        scope.clientId === null
          ? sql`m.teacher_path LIKE ${`${scope.path}%`}`
          : sql`(m.client_id = ${scope.clientId} OR m.teacher_path LIKE ${`${scope.path}%`})`;
      const query =
        filters.length === 0
          ? direct
          : sql`SELECT * FROM ((${direct}) UNION (SELECT ${columns} FROM xapi_statement s
              WHERE ${sql.join([...base, ...window], sql` AND `)} AND s.ref_id IS NOT NULL
                AND EXISTS (SELECT 1 FROM xapi_statement m WHERE m.province_id = s.province_id AND m.id = s.ref_id
                  AND ${scopeOfTarget} AND ${sql.join(filters, sql` AND `)})
              ${order} LIMIT ${limit + 1})) u ${order} LIMIT ${limit + 1}`;
      const { rows } = await query.execute(db);
      return rows.map((r) => toStored(r as Parameters<typeof toStored>[0]));
    },

    async insertAttachments(
      provinceId: number,
      parts: Array<{ sha2: string; contentType: string; content: Buffer }>,
    ): Promise<void> {
      for (const p of parts) {
        await sql`INSERT INTO xapi_attachment (province_id, sha2, content_type, length, content)
          VALUES (${provinceId}, ${p.sha2}, ${p.contentType}, ${p.content.length}, ${p.content})
          ON CONFLICT DO NOTHING`.execute(db);
      }
    },

    async attachments(
      provinceId: number,
      sha2: string[],
    ): Promise<Array<{ sha2: string; contentType: string; content: Buffer }>> {
      if (sha2.length === 0) return [];
      const { rows } = await sql<{ sha2: string; content_type: string; content: Buffer }>`
        SELECT sha2, content_type, content FROM xapi_attachment
        WHERE province_id = ${provinceId} AND sha2 = ANY(${sha2}::text[])`.execute(db);
      return rows.map((r) => ({ sha2: r.sha2, contentType: r.content_type, content: r.content }));
    },
  };
}
