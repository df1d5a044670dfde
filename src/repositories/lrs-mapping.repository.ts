import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { LrsRuleDef, RuleHead } from '../domain/lrs-rule.js';
import { escapeLike } from './org-unit.repository.js';

type Q = Kysely<DB>;

/** A stored rule (lrs_rule). */
export interface LrsRuleRow extends RuleHead {
  provinceId: number;
  orgUnitId: number;
  orgUnitName: string;
  name: string;
  version: number;
  createdBy: number | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A statement as the mapping reads it. */
export interface MappingStatement {
  seq: number;
  id: string;
  clientId: number | null;
  /** the sending platform's name (Peixun's own statements have no client) */
  clientName: string | null;
  teacherId: number | null;
  teacherPath: string | null;
  matchStatus: 'matched' | 'unmatched' | 'rejected' | 'own';
  voided: boolean;
  isVoiding: boolean;
  refId: string | null;
  stored: Date;
  body: string;
}

/** One entry to write for a statement (set-based, see insertEntries). */
export interface XapiEntry {
  teacherId: number;
  orgUnitId: number;
  orgPath: string;
  cycleId: number;
  year: number;
  hours: number;
  categories: string[];
  sourceRef: string;
  title: string;
  occurredOn: string;
  evidenceRef: string;
  idemKey: string;
  contentHash: Buffer;
}

export interface CreditRow {
  statementId: string;
  seq: number;
  teacherId: number;
  ruleId: number;
  hours: number;
  entryId: number | null;
  refused: string | null;
}

const RULE_COLUMNS = [
  'r.id',
  'r.province_id as provinceId',
  'r.org_unit_id as orgUnitId',
  'u.name as orgUnitName',
  'r.org_path as orgPath',
  'r.name',
  'r.enabled',
  'r.priority',
  'r.definition',
  'r.version',
  'r.created_by as createdBy',
  'r.created_at as createdAt',
  'r.updated_at as updatedAt',
] as const;

const toRule = (r: Record<string, unknown>): LrsRuleRow =>
  ({ ...r, definition: r['definition'] as LrsRuleDef }) as unknown as LrsRuleRow;

const STATEMENT_COLUMNS = sql`s.seq, s.id::text AS id, s.client_id AS "clientId", c.name AS "clientName",
  s.teacher_id AS "teacherId", s.teacher_path AS "teacherPath", s.match_status AS "matchStatus", s.voided,
  s.is_voiding AS "isVoiding", s.ref_id::text AS "refId", s.stored, s.body`;

export function createLrsMappingRepository(db: Q) {
  return {
    // ------------------------------------------------------------------ rules

    async rulesOfProvince(provinceId: number): Promise<LrsRuleRow[]> {
      const rows = await db
        .selectFrom('lrs_rule as r')
        .innerJoin('org_unit as u', 'u.id', 'r.org_unit_id')
        .select(RULE_COLUMNS)
        .where('r.province_id', '=', provinceId)
        .orderBy('r.id')
        .execute();
      return rows.map(toRule);
    },

    /** The rules of a subtree (defined at the unit or below it). */
    async rulesUnder(provinceId: number, path: string): Promise<LrsRuleRow[]> {
      const rows = await db
        .selectFrom('lrs_rule as r')
        .innerJoin('org_unit as u', 'u.id', 'r.org_unit_id')
        .select(RULE_COLUMNS)
        .where('r.province_id', '=', provinceId)
        .where('r.org_path', 'like', `${escapeLike(path)}%`)
        .orderBy('r.id')
        .execute();
      return rows.map(toRule);
    },

    async rule(id: number): Promise<LrsRuleRow | undefined> {
      const r = await db
        .selectFrom('lrs_rule as r')
        .innerJoin('org_unit as u', 'u.id', 'r.org_unit_id')
        .select(RULE_COLUMNS)
        .where('r.id', '=', id)
        .executeTakeFirst();
      return r ? toRule(r) : undefined;
    },

    async lockRule(id: number): Promise<void> {
      await db.selectFrom('lrs_rule').select('id').where('id', '=', id).forUpdate().execute();
    },

    async insertRule(r: {
      provinceId: number;
      orgUnitId: number;
      orgPath: string;
      name: string;
      enabled: boolean;
      priority: number;
      definition: LrsRuleDef;
      by: number;
    }): Promise<number> {
      const row = await db
        .insertInto('lrs_rule')
        .values({
          province_id: r.provinceId,
          org_unit_id: r.orgUnitId,
          org_path: r.orgPath,
          name: r.name,
          enabled: r.enabled,
          priority: r.priority,
          definition: JSON.stringify(r.definition),
          created_by: r.by,
          updated_by: r.by,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },

    async updateRule(
      id: number,
      r: { name?: string; enabled?: boolean; priority?: number; definition?: LrsRuleDef; by: number },
    ): Promise<void> {
      await db
        .updateTable('lrs_rule')
        .set((eb) => ({
          ...(r.name !== undefined ? { name: r.name } : {}),
          ...(r.enabled !== undefined ? { enabled: r.enabled } : {}),
          ...(r.priority !== undefined ? { priority: r.priority } : {}),
          ...(r.definition !== undefined ? { definition: JSON.stringify(r.definition) } : {}),
          version: eb('version', '+', 1),
          updated_by: r.by,
          updated_at: sql<Date>`now()`,
        }))
        .where('id', '=', id)
        .execute();
    },

    /** Statements each rule has credited (and their hours), for the list. */
    async creditTotals(ruleIds: number[]): Promise<Map<number, { statements: number; hours: number }>> {
      const out = new Map<number, { statements: number; hours: number }>();
      if (ruleIds.length === 0) return out;
      const rows = await db
        .selectFrom('lrs_credit')
        .select(['rule_id as ruleId'])
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<string>('hours').as('h')])
        .where('rule_id', 'in', ruleIds)
        .where('entry_id', 'is not', null)
        .where('voided_at', 'is', null)
        .groupBy('rule_id')
        .execute();
      for (const r of rows) out.set(r.ruleId, { statements: Number(r.n), hours: Number(r.h ?? 0) });
      return out;
    },

    // ------------------------------------------------------------------ statements

    /**
     * Lock of a province's mapping (the watermark row, created on first use); returns the watermark.
     * 'share': batches of one run, written side by side (their teachers differ); 'update': one writer.
     */
    async lockWatermark(provinceId: number, mode: 'update' | 'share' = 'update'): Promise<number> {
      await db
        .insertInto('lrs_mapping_state')
        .values({ province_id: provinceId })
        .onConflict((oc) => oc.column('province_id').doNothing())
        .execute();
      const q = db.selectFrom('lrs_mapping_state').select('watermark').where('province_id', '=', provinceId);
      const r = await (mode === 'share' ? q.forShare() : q.forUpdate()).executeTakeFirstOrThrow();
      return Number(r.watermark);
    },

    async setWatermark(provinceId: number, seq: number): Promise<void> {
      await db
        .updateTable('lrs_mapping_state')
        .set({ watermark: seq, updated_at: sql<Date>`now()` })
        .where('province_id', '=', provinceId)
        .where('watermark', '<', seq)
        .execute();
    },

    /** Statements after a seq the mapping acts on: matched ones to credit, voiding ones to reverse. */
    async statementsAfter(provinceId: number, after: number, limit: number): Promise<MappingStatement[]> {
      const r = await sql<MappingStatement>`
        SELECT ${STATEMENT_COLUMNS}
        FROM xapi_statement s LEFT JOIN lrs_client c ON c.id = s.client_id
        WHERE s.province_id = ${provinceId} AND s.seq > ${after}
          AND ((s.match_status = 'matched' AND NOT s.voided AND NOT s.is_voiding) OR s.is_voiding)
        ORDER BY s.seq
        LIMIT ${limit}`.execute(db);
      return r.rows;
    },

    /** The seqs (and teachers) of the statements after a seq the mapping acts on: a window to plan batches in. */
    async headsAfter(
      provinceId: number,
      after: number,
      limit: number,
    ): Promise<Array<{ seq: number; teacherId: number | null; isVoiding: boolean; stored: Date }>> {
      const r = await sql<{ seq: number; teacherId: number | null; isVoiding: boolean; stored: Date }>`
        SELECT s.seq, s.teacher_id AS "teacherId", s.is_voiding AS "isVoiding", s.stored
        FROM xapi_statement s
        WHERE s.province_id = ${provinceId} AND s.seq > ${after}
          AND ((s.match_status = 'matched' AND NOT s.voided AND NOT s.is_voiding) OR s.is_voiding)
        ORDER BY s.seq
        LIMIT ${limit}`.execute(db);
      return r.rows.map((x) => ({
        ...x,
        seq: Number(x.seq),
        teacherId: x.teacherId === null ? null : Number(x.teacherId),
      }));
    },

    async statementsBySeq(provinceId: number, seqs: number[]): Promise<MappingStatement[]> {
      if (seqs.length === 0) return [];
      const r = await sql<MappingStatement>`
        SELECT ${STATEMENT_COLUMNS}
        FROM xapi_statement s LEFT JOIN lrs_client c ON c.id = s.client_id
        WHERE s.province_id = ${provinceId} AND s.seq = ANY(${seqs}::bigint[])
        ORDER BY s.seq`.execute(db);
      return r.rows;
    },

    /**
     * Matched statements of a subtree with one verb, after a (stored, seq) position: the preview reads
     * them page by page along the verb index.
     */
    async matchedWithVerb(
      provinceId: number,
      path: string,
      verbId: string,
      after: { stored: Date; seq: number } | null,
      limit: number,
    ): Promise<MappingStatement[]> {
      const from = after ?? { stored: new Date(0), seq: 0 };
      const r = await sql<MappingStatement>`
        SELECT ${STATEMENT_COLUMNS}
        FROM xapi_statement s LEFT JOIN lrs_client c ON c.id = s.client_id
        WHERE s.province_id = ${provinceId} AND s.verb_id = ${verbId} AND (s.stored, s.seq) > (${from.stored}, ${from.seq})
          AND s.match_status = 'matched' AND NOT s.voided AND NOT s.is_voiding
          AND s.teacher_path LIKE ${`${escapeLike(path)}%`}
        ORDER BY s.stored, s.seq
        LIMIT ${limit}`.execute(db);
      return r.rows.map((x) => ({ ...x, seq: Number(x.seq) }));
    },

    /** The credits already recorded for these statements (whatever became of them). */
    async creditsOf(provinceId: number, statementIds: string[]): Promise<Map<string, CreditRow>> {
      const out = new Map<string, CreditRow>();
      if (statementIds.length === 0) return out;
      const r = await sql<CreditRow>`
        SELECT statement_id::text AS "statementId", seq, teacher_id AS "teacherId", rule_id AS "ruleId", hours,
          entry_id AS "entryId", refused
        FROM lrs_credit WHERE province_id = ${provinceId} AND statement_id = ANY(${statementIds}::uuid[])`.execute(db);
      for (const c of r.rows) out.set(c.statementId, c);
      return out;
    },

    /** Writes entries in one statement; a key already present is skipped. Returns the new ids by key. */
    async insertEntries(provinceId: number, rows: XapiEntry[]): Promise<Map<string, number>> {
      const out = new Map<string, number>();
      if (rows.length === 0) return out;
      const col = <K extends keyof XapiEntry>(k: K) => rows.map((r) => r[k]);
      const r = await sql<{ id: number; idem_key: string }>`
        INSERT INTO credit_entry (province_id, teacher_id, org_unit_id, org_path, cycle_id, year, hours, categories,
          source_type, source_ref, title, occurred_on, evidence_ref, after_lock, idem_key, content_hash)
        SELECT ${provinceId}, u.teacher_id, u.org_unit_id, u.org_path, u.cycle_id, u.year, u.hours,
          CASE WHEN u.categories = '' THEN '{}'::text[] ELSE string_to_array(u.categories, ',') END,
          'external', u.source_ref, u.title, u.occurred_on, u.evidence_ref, false, u.idem_key, decode(u.hash, 'hex')
        FROM unnest(${col('teacherId')}::bigint[], ${col('orgUnitId')}::bigint[], ${col('orgPath')}::text[],
          ${col('cycleId')}::bigint[], ${col('year')}::smallint[], ${col('hours')}::int[],
          ${rows.map((x) => x.categories.join(','))}::text[], ${col('sourceRef')}::text[], ${col('title')}::text[],
          ${col('occurredOn')}::date[], ${col('evidenceRef')}::text[], ${col('idemKey')}::text[],
          ${rows.map((x) => x.contentHash.toString('hex'))}::text[])
          AS u(teacher_id, org_unit_id, org_path, cycle_id, year, hours, categories, source_ref, title, occurred_on,
            evidence_ref, idem_key, hash)
        ON CONFLICT (province_id, idem_key) DO NOTHING
        RETURNING id, idem_key`.execute(db);
      for (const x of r.rows) out.set(x.idem_key, Number(x.id));
      return out;
    },

    async entryIdsByKeys(provinceId: number, keys: string[]): Promise<Map<string, number>> {
      const out = new Map<string, number>();
      if (keys.length === 0) return out;
      const r = await db
        .selectFrom('credit_entry')
        .select(['id', 'idem_key'])
        .where('province_id', '=', provinceId)
        .where('idem_key', 'in', keys)
        .execute();
      for (const x of r) out.set(x.idem_key, x.id);
      return out;
    },

    async insertCredits(provinceId: number, rows: CreditRow[]): Promise<void> {
      if (rows.length === 0) return;
      const col = <K extends keyof CreditRow>(k: K) => rows.map((r) => r[k]);
      await sql`
        INSERT INTO lrs_credit (province_id, statement_id, seq, teacher_id, rule_id, hours, entry_id, refused)
        SELECT ${provinceId}, u.* FROM unnest(${col('statementId')}::uuid[], ${col('seq')}::bigint[],
          ${col('teacherId')}::bigint[], ${col('ruleId')}::bigint[], ${col('hours')}::int[],
          ${col('entryId')}::bigint[], ${col('refused')}::text[])
          AS u(statement_id, seq, teacher_id, rule_id, hours, entry_id, refused)
        ON CONFLICT (province_id, statement_id) DO NOTHING`.execute(db);
    },

    /** The credited, not yet voided, entries of statements (by statement id). */
    async creditedEntries(
      provinceId: number,
      statementIds: string[],
    ): Promise<Array<{ statementId: string; entryId: number; ruleId: number }>> {
      if (statementIds.length === 0) return [];
      const r = await sql<{ statementId: string; entryId: number; ruleId: number }>`
        SELECT statement_id::text AS "statementId", entry_id AS "entryId", rule_id AS "ruleId"
        FROM lrs_credit
        WHERE province_id = ${provinceId} AND statement_id = ANY(${statementIds}::uuid[])
          AND entry_id IS NOT NULL AND voided_at IS NULL
        FOR UPDATE`.execute(db);
      return r.rows.map((x) => ({ ...x, entryId: Number(x.entryId), ruleId: Number(x.ruleId) }));
    },

    async markVoided(provinceId: number, statementId: string, reversalId: number | null): Promise<void> {
      await sql`UPDATE lrs_credit SET voided_at = now(), reversal_id = ${reversalId}
        WHERE province_id = ${provinceId} AND statement_id = ${statementId}::uuid`.execute(db);
    },

    /** Provinces with rules whose statements go past their watermark (for the periodic sweep). */
    async provincesBehind(): Promise<number[]> {
      const r = await sql<{ province_id: number }>`
        SELECT p.province_id FROM (SELECT DISTINCT province_id FROM lrs_rule) p
        WHERE EXISTS (SELECT 1 FROM xapi_statement s WHERE s.province_id = p.province_id
          AND s.seq > coalesce((SELECT watermark FROM lrs_mapping_state m WHERE m.province_id = p.province_id), 0))`.execute(
        db,
      );
      return r.rows.map((x) => Number(x.province_id));
    },
  };
}

export type LrsMappingRepository = ReturnType<typeof createLrsMappingRepository>;
