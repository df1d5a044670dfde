import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ProgressStatus } from '../domain/credit-progress.js';
import type { SummaryCounts } from './credit-ledger.repository.js';
import { escapeLike } from './org-unit.repository.js';

type Q = Kysely<DB>;

/** A unit's row: its schools' counters added up, with the verification figures of the year. */
export interface RollupRow extends SummaryCounts {
  orgUnitId: number;
  name: string;
  kind: string;
  path: string;
  /** of the year asked for: teachers in submitted or signed-off verifications, and how many were verified */
  verificationTeachers: number;
  verified: number;
  schoolsSignedOff: number;
}

export interface TeacherStatusRow {
  teacherId: number;
  name: string;
  idNumberMasked: string;
  orgUnitId: number;
  orgUnitName: string;
  status: ProgressStatus;
  countedHours: number;
  rawHours: number;
  yearHours: number[];
  minimaUnmet: number;
  /** the result of each year of the cycle whose verification the school submitted (or the county signed off) */
  verifications: Array<{ year: number; result: VerificationResult; status: 'submitted' | 'signed_off' }>;
}

export type VerificationResult = 'verified' | 'not_verified' | 'exempt' | 'not_in_scope';

/**
 * The teachers a list picks: all when no status is named; else those of the given statuses, and
 * those not verified in a year whose verification the school submitted (or the county signed off).
 */
function picked(
  eb: ExpressionBuilder<DB & { s: DB['credit_teacher_status'] }, 's'>,
  statuses: ProgressStatus[] | undefined,
  notVerifiedIn: number | undefined,
): Expression<SqlBool> {
  if (!statuses?.length) return sql<SqlBool>`true`;
  const byStatus = eb('s.status', 'in', statuses);
  if (notVerifiedIn === undefined) return byStatus;
  const notVerified = eb.exists(
    eb
      .selectFrom('credit_verification_item as i')
      .innerJoin('credit_verification as v', 'v.id', 'i.verification_id')
      .select('i.teacher_id')
      .whereRef('i.teacher_id', '=', 's.teacher_id')
      .whereRef('v.cycle_id', '=', 's.cycle_id')
      .where('v.year', '=', notVerifiedIn)
      .where('v.status', 'in', ['submitted', 'signed_off'])
      .where('i.result', '=', 'not_verified'),
  );
  return eb.or([byStatus, notVerified]);
}

/**
 * The unit reports (R-17, R-53): sums of the per-school summaries by child unit. Only summary
 * rows are read, so a province's rollup adds up ~10k school rows, not millions of entries.
 */
export function createCreditReportRepository(db: Q) {
  return {
    /**
     * Teachers of the subtree whose status was computed for another year or rule version than the
     * current ones: their figures are from before a new year began or the rules changed.
     */
    async staleStatuses(path: string, cycleId: number, year: number, version: number): Promise<number> {
      const r = await db
        .selectFrom('credit_teacher_status')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('cycle_id', '=', cycleId)
        .where('org_path', 'like', `${escapeLike(path)}%`)
        .where((eb) => eb.or([eb('as_of_year', '<>', year), eb('rule_version', '<>', version)]))
        .executeTakeFirstOrThrow();
      return r.n;
    },

    /**
     * One row per child of the unit (or, with `level`, per unit of that kind under it, e.g. every
     * county of a province; the unit itself when there is none), for a cycle and a verification year.
     */
    async rollup(
      unit: { id: number; path: string },
      cycleId: number,
      year: number,
      level?: 'city' | 'county' | 'school',
    ): Promise<RollupRow[]> {
      const unitId = unit.id;
      const below = level
        ? sql`SELECT c.id, c.name, c.kind, c.path FROM org_unit c WHERE c.path LIKE ${`${escapeLike(unit.path)}%`} AND c.kind = ${level} AND c.id <> ${unitId}`
        : sql`SELECT c.id, c.name, c.kind, c.path FROM org_unit c WHERE c.parent_id = ${unitId}`;
      const r = await sql<RollupRow>`
        WITH below AS (${below}),
        units AS (
          SELECT * FROM below
          UNION ALL
          SELECT u.id, u.name, u.kind, u.path FROM org_unit u WHERE u.id = ${unitId} AND NOT EXISTS (SELECT 1 FROM below)
        ),
        -- a subtree as a range of paths ('/1/7/' up to '/1/70'), which the text_pattern_ops
        -- indexes serve for every unit of the join; a LIKE built from a column value cannot use them
        kids AS (SELECT units.*, left(units.path, -1) || '0' AS upper FROM units)
        SELECT k.id AS "orgUnitId", k.name, k.kind, k.path,
          coalesce(s.teachers, 0)::int AS teachers, coalesce(s.in_scope, 0)::int AS "inScope", coalesce(s.complete, 0)::int AS complete,
          coalesce(s.on_track, 0)::int AS "onTrack", coalesce(s.behind, 0)::int AS behind, coalesce(s.at_risk, 0)::int AS "atRisk",
          coalesce(s.below_yearly, 0)::int AS "belowYearly",
          coalesce(s.raw_hours, 0)::bigint AS "rawHours", coalesce(s.counted_hours, 0)::bigint AS "countedHours", coalesce(s.entry_count, 0)::bigint AS "entryCount",
          coalesce(v.teachers, 0)::int AS "verificationTeachers", coalesce(v.verified, 0)::int AS verified, coalesce(v.signed_off, 0)::int AS "schoolsSignedOff"
        FROM kids k
        LEFT JOIN LATERAL (
          SELECT sum(teachers) AS teachers, sum(in_scope) AS in_scope, sum(complete) AS complete, sum(on_track) AS on_track, sum(behind) AS behind,
                 sum(below_yearly) AS below_yearly, sum(at_risk) AS at_risk, sum(raw_hours) AS raw_hours, sum(counted_hours) AS counted_hours, sum(entry_count) AS entry_count
          FROM credit_school_summary WHERE cycle_id = ${cycleId} AND org_path ~>=~ k.path AND org_path ~<~ k.upper
        ) s ON true
        LEFT JOIN LATERAL (
          SELECT sum(teachers) FILTER (WHERE status IN ('submitted','signed_off')) AS teachers,
                 sum(verified) FILTER (WHERE status IN ('submitted','signed_off')) AS verified,
                 count(*) FILTER (WHERE status = 'signed_off') AS signed_off
          FROM credit_verification WHERE cycle_id = ${cycleId} AND year = ${year} AND org_path ~>=~ k.path AND org_path ~<~ k.upper
        ) v ON true
        ORDER BY k.name, k.id`.execute(db);
      return r.rows.map((x) => ({
        ...x,
        rawHours: Number(x.rawHours),
        countedHours: Number(x.countedHours),
        entryCount: Number(x.entryCount),
      }));
    },

    /**
     * Teachers of a unit by status (e.g. behind and at risk), slowest first; with `notVerifiedIn`,
     * also those a submitted or signed-off verification of that year did not verify.
     */
    async teachers(
      path: string,
      cycleId: number,
      statuses: ProgressStatus[] | undefined,
      page: { limit: number; offset: number },
      notVerifiedIn?: number,
    ): Promise<TeacherStatusRow[]> {
      let q = db
        .selectFrom('credit_teacher_status as s')
        .innerJoin('teacher as t', 't.id', 's.teacher_id')
        .innerJoin('org_unit as o', 'o.id', 's.org_unit_id')
        .select([
          's.teacher_id as teacherId',
          't.name',
          't.id_number_masked as idNumberMasked',
          's.org_unit_id as orgUnitId',
          'o.name as orgUnitName',
          's.status',
          's.counted_hours as countedHours',
          's.raw_hours as rawHours',
          's.year_hours as yearHours',
          's.minima_unmet as minimaUnmet',
          sql<TeacherStatusRow['verifications']>`coalesce((
            SELECT json_agg(json_build_object('year', v.year, 'result', i.result, 'status', v.status) ORDER BY v.year)
            FROM credit_verification_item i JOIN credit_verification v ON v.id = i.verification_id
            WHERE i.teacher_id = s.teacher_id AND v.cycle_id = s.cycle_id AND v.status IN ('submitted', 'signed_off')
          ), '[]'::json)`.as('verifications'),
        ])
        .where('s.cycle_id', '=', cycleId)
        .where('s.org_path', 'like', `${escapeLike(path)}%`);
      q = q.where((eb) => picked(eb, statuses, notVerifiedIn));
      return (await q
        .orderBy('s.counted_hours')
        .orderBy('s.teacher_id')
        .limit(page.limit)
        .offset(page.offset)
        .execute()) as TeacherStatusRow[];
    },

    async countTeachers(
      path: string,
      cycleId: number,
      statuses: ProgressStatus[] | undefined,
      notVerifiedIn?: number,
    ): Promise<number> {
      const q = db
        .selectFrom('credit_teacher_status as s')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('s.cycle_id', '=', cycleId)
        .where('s.org_path', 'like', `${escapeLike(path)}%`)
        .where((eb) => picked(eb, statuses, notVerifiedIn));
      return (await q.executeTakeFirstOrThrow()).n;
    },

    /** The same rollup computed from the ledger itself (no summaries): for `ledger check` and the benchmark's comparison. */
    async rollupFromLedger(
      unitId: number,
      cycleId: number,
    ): Promise<Array<{ orgUnitId: number; rawHours: number; entryCount: number }>> {
      const r = await sql<{ orgUnitId: number; rawHours: string; entryCount: string }>`
        SELECT c.id AS "orgUnitId", coalesce(sum(e.hours), 0) AS "rawHours", count(e.id) AS "entryCount"
        FROM org_unit c
        LEFT JOIN teacher t ON t.org_path LIKE replace(replace(c.path, '\\', '\\\\'), '%', '\\%') || '%'
        LEFT JOIN credit_entry e ON e.teacher_id = t.id AND e.cycle_id = ${cycleId}
        WHERE c.parent_id = ${unitId}
        GROUP BY c.id ORDER BY c.id`.execute(db);
      return r.rows.map((x) => ({
        orgUnitId: x.orgUnitId,
        rawHours: Number(x.rawHours),
        entryCount: Number(x.entryCount),
      }));
    },
  };
}
