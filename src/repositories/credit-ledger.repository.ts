import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { CycleRules, SourceType } from '../domain/cycle-rules.js';
import { flagsOf, type LedgerEntry, type ProgressStatus, type TeacherFacts } from '../domain/credit-progress.js';
import type { Stage } from '../domain/org-tree.js';
import type { Gender } from '../domain/teacher.js';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import { queryPrepared } from '../db/database.js';
import { selectTeachers, type TeacherRow } from './teacher.repository.js';
import { selectReviews, type ReviewRow } from './credit-review.repository.js';
import { selectTeacherResults, type TeacherYearResult } from './credit-verification.repository.js';
import { escapeLike } from './org-unit.repository.js';

type Q = Kysely<DB>;

export interface CycleRow {
  id: number;
  provinceId: number;
  orgUnitId: number;
  orgPath: string;
  name: string;
  startYear: number;
  endYear: number;
  currentVersion: number;
  createdAt: Date;
}

export interface NewEntry {
  provinceId: number;
  teacherId: number;
  orgUnitId: number;
  orgPath: string;
  cycleId: number;
  year: number;
  hours: number;
  categories: string[];
  sourceType: SourceType;
  sourceRef: string | null;
  title: string;
  occurredOn: string;
  evidenceId: number | null;
  evidenceRef: string | null;
  reversesId: number | null;
  reason: string | null;
  afterLock: boolean;
  idemKey: string;
  contentHash: Buffer;
  createdBy: number | null;
}

/** An entry as the progress page and the reports list it. */
export interface EntryRow extends LedgerEntry {
  provinceId: number;
  teacherId: number;
  cycleId: number;
  orgUnitId: number;
  orgPath: string;
  orgUnitName: string;
  title: string;
  sourceRef: string | null;
  evidenceId: number | null;
  evidenceRef: string | null;
  evidenceName: string | null;
  reason: string | null;
  afterLock: boolean;
  idemKey: string;
  createdAt: Date;
  createdByName: string | null;
}

export interface StatusRow {
  teacherId: number;
  cycleId: number;
  provinceId: number;
  orgUnitId: number;
  orgPath: string;
  ruleVersion: number;
  asOfYear: number;
  inScope: boolean;
  status: ProgressStatus;
  rawHours: number;
  countedHours: number;
  entryCount: number;
  yearHours: number[];
  minimaUnmet: number;
}

/** The counters of one school, as the unit reports add them up. */
export interface SummaryCounts {
  teachers: number;
  inScope: number;
  complete: number;
  onTrack: number;
  behind: number;
  /** below the current year's yearly minimum (not behind on the finished years) */
  belowYearly: number;
  atRisk: number;
  rawHours: number;
  countedHours: number;
  entryCount: number;
}

export type TeacherFactsRow = TeacherFacts & {
  id: number;
  provinceId: number;
  orgUnitId: number;
  orgPath: string;
  name: string;
};

const CYCLE_COLUMNS = [
  'id',
  'province_id as provinceId',
  'org_unit_id as orgUnitId',
  'org_path as orgPath',
  'name',
  'start_year as startYear',
  'end_year as endYear',
  'current_version as currentVersion',
  'created_at as createdAt',
] as const;

/** The teacher's columns the rule engine reads (see toFacts). */
const FACT_COLUMNS = [
  'id',
  'province_id',
  'org_unit_id',
  'org_path',
  'name',
  'gender',
  'birth_date',
  'stage',
  'subject',
  'teaching_start_year',
  'head_teacher',
  'new_teacher',
  'backbone_level',
  'subject_leader',
  'master_teacher',
] as const;

const ENTRY_COLUMNS = [
  'e.id',
  'e.province_id as provinceId',
  'e.teacher_id as teacherId',
  'e.cycle_id as cycleId',
  'e.org_unit_id as orgUnitId',
  'e.org_path as orgPath',
  'o.name as orgUnitName',
  'e.year',
  'e.hours',
  'e.categories',
  'e.source_type as sourceType',
  'e.source_ref as sourceRef',
  'e.title',
  'e.occurred_on as occurredOn',
  'e.evidence_id as evidenceId',
  'e.evidence_ref as evidenceRef',
  'ev.file_name as evidenceName',
  'e.reverses_id as reversesId',
  'e.reason',
  'e.after_lock as afterLock',
  'e.idem_key as idemKey',
  'e.created_at as createdAt',
  'u.display_name as createdByName',
] as const;

export function createCreditLedgerRepository(db: Q) {
  async function upsertStatusChunk(rows: StatusRow[]): Promise<void> {
    if (rows.length === 0) return;
    await db
      .insertInto('credit_teacher_status')
      .values(rows.map(toStatus))
      .onConflict((oc) =>
        oc.columns(['teacher_id', 'cycle_id']).doUpdateSet((eb) => ({
          province_id: eb.ref('excluded.province_id'),
          org_unit_id: eb.ref('excluded.org_unit_id'),
          org_path: eb.ref('excluded.org_path'),
          rule_version: eb.ref('excluded.rule_version'),
          as_of_year: eb.ref('excluded.as_of_year'),
          in_scope: eb.ref('excluded.in_scope'),
          status: eb.ref('excluded.status'),
          raw_hours: eb.ref('excluded.raw_hours'),
          counted_hours: eb.ref('excluded.counted_hours'),
          entry_count: eb.ref('excluded.entry_count'),
          year_hours: eb.ref('excluded.year_hours'),
          minima_unmet: eb.ref('excluded.minima_unmet'),
        })),
      )
      .execute();
  }

  return {
    // ------------------------------------------------------------------ cycles and rules

    async cycles(provinceId: number): Promise<CycleRow[]> {
      return db
        .selectFrom('credit_cycle')
        .select(CYCLE_COLUMNS)
        .where('province_id', '=', provinceId)
        .orderBy('start_year', 'desc')
        .execute();
    },

    /** Every cycle of every province, in id order. */
    async allCycles(): Promise<CycleRow[]> {
      return db.selectFrom('credit_cycle').select(CYCLE_COLUMNS).orderBy('id').execute();
    },

    async cycle(id: number): Promise<CycleRow | undefined> {
      return db.selectFrom('credit_cycle').select(CYCLE_COLUMNS).where('id', '=', id).executeTakeFirst();
    },

    /** The province's cycle that contains `year`, if any. */
    async cycleForYear(provinceId: number, year: number): Promise<CycleRow | undefined> {
      return db
        .selectFrom('credit_cycle')
        .select(CYCLE_COLUMNS)
        .where('province_id', '=', provinceId)
        .where('start_year', '<=', year)
        .where('end_year', '>=', year)
        .executeTakeFirst();
    },

    /** Serialises cycle creation and rule changes of one province (the overlap check needs it). */
    async lockProvince(provinceId: number): Promise<void> {
      await sql`SELECT pg_advisory_xact_lock(4242, ${provinceId}::int)`.execute(db);
    },

    async lockCycle(id: number): Promise<CycleRow | undefined> {
      return db.selectFrom('credit_cycle').select(CYCLE_COLUMNS).where('id', '=', id).forUpdate().executeTakeFirst();
    },

    async overlapping(provinceId: number, startYear: number, endYear: number): Promise<CycleRow | undefined> {
      return db
        .selectFrom('credit_cycle')
        .select(CYCLE_COLUMNS)
        .where('province_id', '=', provinceId)
        .where('start_year', '<=', endYear)
        .where('end_year', '>=', startYear)
        .executeTakeFirst();
    },

    async insertCycle(c: {
      provinceId: number;
      orgUnitId: number;
      orgPath: string;
      name: string;
      startYear: number;
      endYear: number;
      createdBy: number | null;
    }): Promise<number> {
      const r = await db
        .insertInto('credit_cycle')
        .values({
          province_id: c.provinceId,
          org_unit_id: c.orgUnitId,
          org_path: c.orgPath,
          name: c.name,
          start_year: c.startYear,
          end_year: c.endYear,
          current_version: 1,
          created_by: c.createdBy,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    },

    async insertRuleVersion(v: {
      cycleId: number;
      version: number;
      rules: CycleRules;
      note: string | null;
      createdBy: number | null;
    }): Promise<void> {
      await db
        .insertInto('credit_rule_version')
        .values({
          cycle_id: v.cycleId,
          version: v.version,
          rules: JSON.stringify(v.rules),
          note: v.note,
          created_by: v.createdBy,
        })
        .execute();
      await db.updateTable('credit_cycle').set({ current_version: v.version }).where('id', '=', v.cycleId).execute();
    },

    async rules(cycleId: number, version: number): Promise<CycleRules | undefined> {
      const r = await db
        .selectFrom('credit_rule_version')
        .select('rules')
        .where('cycle_id', '=', cycleId)
        .where('version', '=', version)
        .executeTakeFirst();
      return r?.rules as CycleRules | undefined;
    },

    async ruleVersions(
      cycleId: number,
    ): Promise<Array<{ version: number; note: string | null; createdAt: Date; createdByName: string | null }>> {
      return db
        .selectFrom('credit_rule_version as v')
        .leftJoin('app_user as u', 'u.id', 'v.created_by')
        .select(['v.version', 'v.note', 'v.created_at as createdAt', 'u.display_name as createdByName'])
        .where('v.cycle_id', '=', cycleId)
        .orderBy('v.version', 'desc')
        .execute();
    },

    // ------------------------------------------------------------------ teachers as the engine sees them

    /** Locks the teachers' rows (in id order, so concurrent writers never deadlock) and returns their facts. */
    async lockTeacherFacts(ids: number[]): Promise<TeacherFactsRow[]> {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('teacher')
        .select(FACT_COLUMNS)
        .where(
          'id',
          'in',
          [...ids].sort((a, b) => a - b),
        )
        .orderBy('id')
        .forNoKeyUpdate()
        .execute();
      return rows.map(toFacts);
    },

    async teacherFacts(ids: number[]): Promise<TeacherFactsRow[]> {
      if (ids.length === 0) return [];
      const rows = await db.selectFrom('teacher').select(FACT_COLUMNS).where('id', 'in', ids).execute();
      return rows.map(toFacts);
    },

    /** The facts of the teachers kept at one unit itself (not the units below), in id order, a page at a time. */
    async teacherFactsAt(orgUnitId: number, afterId: number, limit: number): Promise<TeacherFactsRow[]> {
      const rows = await db
        .selectFrom('teacher')
        .select(FACT_COLUMNS)
        .where('org_unit_id', '=', orgUnitId)
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(toFacts);
    },

    /** The facts of a unit's teachers (with the units below), in id order, a page at a time. */
    async teacherFactsUnder(
      provinceId: number,
      path: string,
      afterId: number,
      limit: number,
    ): Promise<TeacherFactsRow[]> {
      const rows = await db
        .selectFrom('teacher')
        .select(FACT_COLUMNS)
        .where('province_id', '=', provinceId)
        .where('org_path', 'like', `${escapeLike(path)}%`)
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(toFacts);
    },

    /** Ids of a unit's teachers (with the units below), in id order, a page at a time. */
    async teacherIdsUnder(provinceId: number, path: string, afterId: number, limit: number): Promise<number[]> {
      const rows = await db
        .selectFrom('teacher')
        .select('id')
        .where('province_id', '=', provinceId)
        .where('org_path', 'like', `${escapeLike(path)}%`)
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    },

    // ------------------------------------------------------------------ the ledger

    /** Inserts entries; a key already present is skipped. Returns the ids of the rows written, by key. */
    async insertEntries(rows: NewEntry[]): Promise<Map<string, number>> {
      const out = new Map<string, number>();
      if (rows.length === 0) return out;
      const written = await db
        .insertInto('credit_entry')
        .values(
          rows.map((e) => ({
            province_id: e.provinceId,
            teacher_id: e.teacherId,
            org_unit_id: e.orgUnitId,
            org_path: e.orgPath,
            cycle_id: e.cycleId,
            year: e.year,
            hours: e.hours,
            categories: e.categories,
            source_type: e.sourceType,
            source_ref: e.sourceRef,
            title: e.title,
            occurred_on: e.occurredOn,
            evidence_id: e.evidenceId,
            evidence_ref: e.evidenceRef,
            reverses_id: e.reversesId,
            reason: e.reason,
            after_lock: e.afterLock,
            idem_key: e.idemKey,
            content_hash: e.contentHash,
            created_by: e.createdBy,
          })),
        )
        .onConflict((oc) => oc.columns(['province_id', 'idem_key']).doNothing())
        .returning(['id', 'idem_key'])
        .execute();
      for (const r of written) out.set(r.idem_key, r.id);
      return out;
    },

    async entriesByKeys(
      provinceId: number,
      keys: string[],
    ): Promise<Array<{ id: number; idemKey: string; contentHash: Buffer; teacherId: number }>> {
      if (keys.length === 0) return [];
      return db
        .selectFrom('credit_entry')
        .select(['id', 'idem_key as idemKey', 'content_hash as contentHash', 'teacher_id as teacherId'])
        .where('province_id', '=', provinceId)
        .where('idem_key', 'in', keys)
        .execute();
    },

    /** The entries the engine needs, of many teachers at once. */
    async engineEntries(cycleId: number, teacherIds: number[]): Promise<Map<number, LedgerEntry[]>> {
      const out = new Map<number, LedgerEntry[]>(teacherIds.map((id) => [id, []]));
      if (teacherIds.length === 0) return out;
      const rows = await db
        .selectFrom('credit_entry')
        .select(['id', 'teacher_id', 'year', 'hours', 'categories', 'source_type', 'occurred_on', 'reverses_id'])
        .where('cycle_id', '=', cycleId)
        .where('teacher_id', 'in', teacherIds)
        .execute();
      for (const r of rows) {
        out.get(r.teacher_id)?.push({
          id: r.id,
          year: r.year,
          hours: r.hours,
          categories: r.categories,
          sourceType: r.source_type as SourceType,
          occurredOn: r.occurred_on,
          reversesId: r.reverses_id,
        });
      }
      return out;
    },

    /** A teacher's entries of a cycle, with titles, evidence and who registered them. */
    async teacherEntries(teacherId: number, cycleId: number): Promise<EntryRow[]> {
      return (await entryQuery(db)
        .where('e.teacher_id', '=', teacherId)
        .where('e.cycle_id', '=', cycleId)
        .orderBy('e.occurred_on')
        .orderBy('e.id')
        .execute()) as EntryRow[];
    },

    /**
     * Everything a progress page shows, in one prepared statement: the teacher (by id, or by the
     * account of a teacher looking at their own), their entries of the cycle, their yearly
     * verification results and their review requests.
     */
    async progressSnapshot(ref: TeacherRef, cycleId: number): Promise<ProgressSnapshot> {
      const by = 'userId' in ref ? 'user' : 'id';
      const compiled = (PROGRESS_SQL[by] ??= compileWithSlots(progressQuery(db, by, SLOT_TEACHER, SLOT_CYCLE)));
      const values = compiled.slots.map((v) =>
        v === SLOT_TEACHER ? ('userId' in ref ? ref.userId : ref.teacherId) : v === SLOT_CYCLE ? cycleId : v,
      );
      const [r] = await queryPrepared<{
        teacher: Record<string, unknown> | null;
        entries: unknown[];
        verifications: unknown[];
        reviews: unknown[];
      }>(db, `progress_by_${by}`, compiled.text, values);
      // JSON carries timestamps as text: turned into dates in the rows just parsed (no copies: a
      // progress page is the busiest read, and dozens of copied entries showed in its profile)
      const at = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));
      const t = r?.teacher;
      if (t) {
        t['createdAt'] = at(t['createdAt']);
        t['updatedAt'] = at(t['updatedAt']);
      }
      const entries = (r?.entries ?? []) as Array<Record<string, unknown>>;
      for (const e of entries) e['createdAt'] = at(e['createdAt']);
      const reviews = (r?.reviews ?? []) as Array<Record<string, unknown>>;
      for (const x of reviews) {
        x['createdAt'] = at(x['createdAt']);
        x['answeredAt'] = at(x['answeredAt']);
      }
      return {
        teacher: t ? (t as unknown as TeacherRow) : undefined,
        entries: entries as unknown as EntryRow[],
        verifications: (r?.verifications ?? []) as TeacherYearResult[],
        reviews: reviews as unknown as ReviewRow[],
      };
    },

    async entry(id: number): Promise<EntryRow | undefined> {
      return (await entryQuery(db).where('e.id', '=', id).executeTakeFirst()) as EntryRow | undefined;
    },

    /** Entries registered under a unit (the school's own registrations, newest first). */
    async entriesUnder(
      path: string,
      cycleId: number,
      page: { limit: number; offset: number },
      teacherId?: number,
    ): Promise<Array<EntryRow & { teacherName: string }>> {
      let q = entryQuery(db)
        .innerJoin('teacher as t', 't.id', 'e.teacher_id')
        .select('t.name as teacherName')
        .where('e.cycle_id', '=', cycleId)
        .where('e.org_path', 'like', `${escapeLike(path)}%`);
      if (teacherId !== undefined) q = q.where('e.teacher_id', '=', teacherId);
      return (await q.orderBy('e.id', 'desc').limit(page.limit).offset(page.offset).execute()) as Array<
        EntryRow & { teacherName: string }
      >;
    },

    async teacherHasEvidence(teacherId: number, evidenceId: number): Promise<boolean> {
      return (
        (await db
          .selectFrom('credit_entry')
          .select('id')
          .where('teacher_id', '=', teacherId)
          .where('evidence_id', '=', evidenceId)
          .limit(1)
          .executeTakeFirst()) !== undefined
      );
    },

    async isReversed(entryId: number): Promise<boolean> {
      return (
        (await db.selectFrom('credit_entry').select('id').where('reverses_id', '=', entryId).executeTakeFirst()) !==
        undefined
      );
    },

    // ------------------------------------------------------------------ summaries

    async statuses(cycleId: number, teacherIds: number[]): Promise<Map<number, StatusRow>> {
      const out = new Map<number, StatusRow>();
      if (teacherIds.length === 0) return out;
      const rows = await db
        .selectFrom('credit_teacher_status')
        .selectAll()
        .where('cycle_id', '=', cycleId)
        .where('teacher_id', 'in', teacherIds)
        .execute();
      for (const r of rows) out.set(r.teacher_id, fromStatus(r));
      return out;
    },

    async upsertStatuses(all: StatusRow[]): Promise<void> {
      // 14 parameters a row: 2,000 rows stay well below PostgreSQL's 65,535 parameters per statement
      for (let i = 0; i < all.length; i += 2_000) await upsertStatusChunk(all.slice(i, i + 2_000));
    },

    /**
     * Adds per-school deltas to the summaries, in school order so concurrent writers take the
     * row locks in the same order.
     */
    async applySchoolDeltas(
      cycleId: number,
      deltas: Array<{ orgUnitId: number; orgPath: string; provinceId: number; d: SummaryCounts }>,
    ): Promise<void> {
      const rows = deltas
        .filter((x) => Object.values(x.d).some((v) => v !== 0))
        .sort((a, b) => a.orgUnitId - b.orgUnitId);
      if (rows.length === 0) return;
      await db
        .insertInto('credit_school_summary')
        .values(
          rows.map(({ orgUnitId, orgPath, provinceId, d }) => ({
            org_unit_id: orgUnitId,
            cycle_id: cycleId,
            province_id: provinceId,
            org_path: orgPath,
            teachers: d.teachers,
            in_scope: d.inScope,
            complete: d.complete,
            on_track: d.onTrack,
            behind: d.behind,
            below_yearly: d.belowYearly,
            at_risk: d.atRisk,
            raw_hours: d.rawHours,
            counted_hours: d.countedHours,
            entry_count: d.entryCount,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['cycle_id', 'org_unit_id']).doUpdateSet({
            org_path: sql`excluded.org_path`,
            teachers: sql`credit_school_summary.teachers + excluded.teachers`,
            in_scope: sql`credit_school_summary.in_scope + excluded.in_scope`,
            complete: sql`credit_school_summary.complete + excluded.complete`,
            on_track: sql`credit_school_summary.on_track + excluded.on_track`,
            behind: sql`credit_school_summary.behind + excluded.behind`,
            below_yearly: sql`credit_school_summary.below_yearly + excluded.below_yearly`,
            at_risk: sql`credit_school_summary.at_risk + excluded.at_risk`,
            raw_hours: sql`credit_school_summary.raw_hours + excluded.raw_hours`,
            counted_hours: sql`credit_school_summary.counted_hours + excluded.counted_hours`,
            entry_count: sql`credit_school_summary.entry_count + excluded.entry_count`,
          }),
        )
        .execute();
    },

    /** The stored counters of every school of a cycle, by school. */
    async schoolSummaries(cycleId: number): Promise<Map<number, SummaryCounts>> {
      const rows = await db.selectFrom('credit_school_summary').selectAll().where('cycle_id', '=', cycleId).execute();
      return new Map(
        rows.map((r) => [
          r.org_unit_id,
          {
            teachers: r.teachers,
            inScope: r.in_scope,
            complete: r.complete,
            onTrack: r.on_track,
            behind: r.behind,
            belowYearly: r.below_yearly,
            atRisk: r.at_risk,
            rawHours: Number(r.raw_hours),
            countedHours: Number(r.counted_hours),
            entryCount: Number(r.entry_count),
          },
        ]),
      );
    },

    /** Teachers whose stored status was computed for an earlier year or rule version, a page at a time. */
    async staleStatusTeachers(
      cycleId: number,
      year: number,
      version: number,
      afterId: number,
      limit: number,
    ): Promise<number[]> {
      const rows = await db
        .selectFrom('credit_teacher_status')
        .select('teacher_id')
        .where('cycle_id', '=', cycleId)
        .where((eb) => eb.or([eb('as_of_year', '<>', year), eb('rule_version', '<>', version)]))
        .where('teacher_id', '>', afterId)
        .orderBy('teacher_id')
        .limit(limit)
        .execute();
      return rows.map((r) => r.teacher_id);
    },

    /** Teachers of the province that have no status row for the cycle yet. */
    async teachersWithoutStatus(
      provinceId: number,
      cycleId: number,
      afterId: number,
      limit: number,
    ): Promise<number[]> {
      const rows = await db
        .selectFrom('teacher as t')
        .select('t.id')
        .where('t.province_id', '=', provinceId)
        .where('t.id', '>', afterId)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('credit_teacher_status as s')
                .select('s.teacher_id')
                .whereRef('s.teacher_id', '=', 't.id')
                .where('s.cycle_id', '=', cycleId),
            ),
          ),
        )
        .orderBy('t.id')
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    },
  };
}

export type TeacherRef = { teacherId: number } | { userId: number };

export interface ProgressSnapshot {
  teacher: TeacherRow | undefined;
  entries: EntryRow[];
  verifications: TeacherYearResult[];
  reviews: ReviewRow[];
}

/** Stand-ins for the values of a query compiled once: never ids of real rows. */
const SLOT_TEACHER = -727_001;
const SLOT_CYCLE = -727_002;
const PROGRESS_SQL: Partial<Record<'id' | 'user', { text: string; slots: unknown[] }>> = {};

/** Compiles a query built with slot values once; its parameters are then filled in per call. */
function compileWithSlots(q: { compile(): { sql: string; parameters: readonly unknown[] } }): {
  text: string;
  slots: unknown[];
} {
  const c = q.compile();
  return { text: c.sql, slots: [...c.parameters] };
}

function progressQuery(db: Q, by: 'id' | 'user', teacherRef: number, cycleId: number) {
  return db
    .with('me', (qb) =>
      qb
        .selectFrom('teacher')
        .select('id')
        .where(by === 'id' ? 'id' : 'user_id', '=', teacherRef),
    )
    .selectNoFrom([
      jsonObjectFrom(selectTeachers(db).where(sql<boolean>`t.id = (SELECT id FROM me)`)).as('teacher'),
      jsonArrayFrom(
        entryQuery(db)
          .where(sql<boolean>`e.teacher_id = (SELECT id FROM me)`)
          .where('e.cycle_id', '=', cycleId)
          .orderBy('e.occurred_on')
          .orderBy('e.id'),
      ).as('entries'),
      jsonArrayFrom(
        selectTeacherResults(db)
          .where(sql<boolean>`i.teacher_id = (SELECT id FROM me)`)
          .where('v.cycle_id', '=', cycleId),
      ).as('verifications'),
      jsonArrayFrom(
        selectReviews(db)
          .where(sql<boolean>`r.teacher_id = (SELECT id FROM me)`)
          .where('r.cycle_id', '=', cycleId)
          .orderBy('r.id', 'desc')
          .limit(50),
      ).as('reviews'),
    ]);
}

function entryQuery(db: Q) {
  return db
    .selectFrom('credit_entry as e')
    .innerJoin('org_unit as o', 'o.id', 'e.org_unit_id')
    .leftJoin('credit_evidence as ev', 'ev.id', 'e.evidence_id')
    .leftJoin('app_user as u', 'u.id', 'e.created_by')
    .select(ENTRY_COLUMNS);
}

function toFacts(r: {
  id: number;
  province_id: number;
  org_unit_id: number;
  org_path: string;
  name: string;
  gender: string | null;
  birth_date: string | null;
  stage: string;
  subject: string | null;
  teaching_start_year: number | null;
  head_teacher: boolean;
  new_teacher: boolean;
  backbone_level: string | null;
  subject_leader: boolean;
  master_teacher: boolean;
}): TeacherFactsRow {
  const flags = flagsOf({
    headTeacher: r.head_teacher,
    newTeacher: r.new_teacher,
    backboneLevel: r.backbone_level,
    subjectLeader: r.subject_leader,
    masterTeacher: r.master_teacher,
  });
  return {
    id: r.id,
    provinceId: r.province_id,
    orgUnitId: r.org_unit_id,
    orgPath: r.org_path,
    name: r.name,
    gender: r.gender as Gender | null,
    birthDate: r.birth_date,
    stage: r.stage as Stage,
    subject: r.subject,
    teachingStartYear: r.teaching_start_year,
    flags,
  };
}

function fromStatus(r: DB['credit_teacher_status']): StatusRow {
  return {
    teacherId: r.teacher_id,
    cycleId: r.cycle_id,
    provinceId: r.province_id,
    orgUnitId: r.org_unit_id,
    orgPath: r.org_path,
    ruleVersion: r.rule_version,
    asOfYear: r.as_of_year,
    inScope: r.in_scope,
    status: r.status as ProgressStatus,
    rawHours: r.raw_hours,
    countedHours: r.counted_hours,
    entryCount: r.entry_count,
    yearHours: r.year_hours,
    minimaUnmet: r.minima_unmet,
  };
}

function toStatus(s: StatusRow): DB['credit_teacher_status'] {
  return {
    teacher_id: s.teacherId,
    cycle_id: s.cycleId,
    province_id: s.provinceId,
    org_unit_id: s.orgUnitId,
    org_path: s.orgPath,
    rule_version: s.ruleVersion,
    as_of_year: s.asOfYear,
    in_scope: s.inScope,
    status: s.status,
    raw_hours: s.rawHours,
    counted_hours: s.countedHours,
    entry_count: s.entryCount,
    year_hours: s.yearHours,
    minima_unmet: s.minimaUnmet,
  };
}

export type CreditLedgerRepository = ReturnType<typeof createCreditLedgerRepository>;
