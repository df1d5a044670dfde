import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../db/schema.js';
import type { QuestionSums } from '../domain/exam-stats.js';
import { escapeLike } from './org-unit.repository.js';

export type ExamTarget = 'course' | 'class' | 'project' | 'spot_check';

export interface ExamForStats {
  id: number;
  provinceId: number;
  orgUnitId: number;
  orgPath: string;
  orgUnitName: string;
  title: string;
  target: ExamTarget;
  courseId: number | null;
  classId: number | null;
  projectId: number | null;
  spotCheckId: number | null;
  status: string;
  opensAt: Date;
  closesAt: Date;
  levelCuts: { excellent: number; good: number; pass: number; basic: number };
  passLevel: string;
  targets: { excellentShare?: number; competentShare?: number };
}

/** The unit the lines are the children of, and the subtree read. */
export interface StatsBase {
  id: number;
  path: string;
}

export interface UnitCountRow {
  unitId: number;
  n: number;
}

export interface UnitResultRow {
  unitId: number;
  assessed: number;
  passed: number;
  excellent: number;
  good: number;
  pass: number;
  basic: number;
  fail: number;
  /** mean exam score (out of 100) of the unit's results; null without one */
  mean: number | null;
}

/** A question's sums, and what it was worth on the papers (the highest, should pools differ). */
export interface QuestionSumsRow extends QuestionSums {
  points: number;
}

export interface QuestionVersionInfo {
  id: number;
  questionId: number;
  version: number;
  kind: string;
  stem: string;
}

export interface ResultListFilter {
  /** the subtree read (the reader's base, or a unit of it) */
  path: string;
  level?: string;
  passed?: boolean;
  /** part of the teacher's name */
  q?: string;
}

export interface ResultListRow {
  teacherId: number;
  name: string;
  schoolName: string | null;
  examScore: number | null;
  composite: number | null;
  level: string | null;
  passed: boolean;
  attempts: number;
  submittedAt: Date | null;
}

/** The child of `base` a row's path lies under (the base itself for its own rows), as SQL. */
const unitOf = (column: RawBuilder<unknown>, base: StatsBase) => sql<number>`
  CASE WHEN length(${column}) > ${base.path.length}
       THEN split_part(substr(${column}, ${base.path.length + 1}), '/', 1)::bigint ELSE ${base.id}::bigint END`;

const under = (path: string) => `${escapeLike(path)}%`;

/**
 * What the statistics of an exam are counted from (R-37, R-53): the candidates expected to sit, those
 * who handed in, the results and the graded papers, each grouped by the child unit of the reader's
 * base and read only below the base (every statement filters by its path).
 */
export function createExamStatsRepository(db: Kysely<DB>) {
  return {
    async exam(id: number): Promise<ExamForStats | undefined> {
      const r = await db
        .selectFrom('exam as e')
        .innerJoin('org_unit as u', 'u.id', 'e.org_unit_id')
        .select([
          'e.id',
          'e.province_id as provinceId',
          'e.org_unit_id as orgUnitId',
          'e.org_path as orgPath',
          'u.name as orgUnitName',
          'e.title',
          'e.target',
          'e.course_id as courseId',
          'e.class_id as classId',
          'e.project_id as projectId',
          'e.spot_check_id as spotCheckId',
          'e.status',
          'e.opens_at as opensAt',
          'e.closes_at as closesAt',
          'e.level_cuts as levelCuts',
          'e.pass_level as passLevel',
          'e.targets',
        ])
        .where('e.id', '=', id)
        .executeTakeFirst();
      return r as ExamForStats | undefined;
    },

    /**
     * Candidates (参考人数) per unit: a class's or a project's enrolled teachers (not waiting, not
     * withdrawn), a spot-check's drawn teachers, and for a course exam the teachers with an attempt.
     */
    async candidatesByUnit(exam: ExamForStats, base: StatsBase): Promise<UnitCountRow[]> {
      let r: { rows: UnitCountRow[] };
      switch (exam.target) {
        case 'class':
        case 'project': {
          const which =
            exam.target === 'class' ? sql`e.class_id = ${exam.classId}` : sql`e.project_id = ${exam.projectId}`;
          r = await sql<UnitCountRow>`
            SELECT ${unitOf(sql`e.org_path`, base)} AS "unitId", count(DISTINCT e.teacher_id)::int AS n
            FROM enrolment e
            WHERE ${which} AND e.status = 'enrolled' AND e.org_path LIKE ${under(base.path)}
            GROUP BY 1`.execute(db);
          break;
        }
        case 'spot_check':
          r = await sql<UnitCountRow>`
            SELECT ${unitOf(sql`c.org_path`, base)} AS "unitId", count(*)::int AS n
            FROM spot_check_candidate c
            WHERE c.spot_check_id = ${exam.spotCheckId} AND c.drawn AND c.org_path LIKE ${under(base.path)}
            GROUP BY 1`.execute(db);
          break;
        case 'course':
          r = await sql<UnitCountRow>`
            SELECT ${unitOf(sql`a.org_path`, base)} AS "unitId", count(DISTINCT a.teacher_id)::int AS n
            FROM exam_attempt a
            WHERE a.exam_id = ${exam.id} AND a.org_path LIKE ${under(base.path)}
            GROUP BY 1`.execute(db);
          break;
        default: {
          const never: never = exam.target;
          return never;
        }
      }
      return r.rows;
    },

    /** Teachers who handed in at least one attempt (实考人数), per unit of the attempt's school. */
    async satByUnit(examId: number, base: StatsBase): Promise<UnitCountRow[]> {
      const r = await sql<UnitCountRow>`
        SELECT ${unitOf(sql`a.org_path`, base)} AS "unitId", count(DISTINCT a.teacher_id)::int AS n
        FROM exam_attempt a
        WHERE a.exam_id = ${examId} AND a.status <> 'open' AND a.org_path LIKE ${under(base.path)}
        GROUP BY 1`.execute(db);
      return r.rows;
    },

    /** Results with a level, per unit: counts per level, passes and the mean exam score. */
    async resultsByUnit(examId: number, base: StatsBase): Promise<UnitResultRow[]> {
      const r = await sql<UnitResultRow>`
        SELECT ${unitOf(sql`r.org_path`, base)} AS "unitId",
               count(*)::int AS assessed,
               count(*) FILTER (WHERE r.passed)::int AS passed,
               count(*) FILTER (WHERE r.level = 'excellent')::int AS excellent,
               count(*) FILTER (WHERE r.level = 'good')::int AS good,
               count(*) FILTER (WHERE r.level = 'pass')::int AS pass,
               count(*) FILTER (WHERE r.level = 'basic')::int AS basic,
               count(*) FILTER (WHERE r.level = 'fail')::int AS fail,
               round(avg(r.exam_score), 2)::float8 AS mean
        FROM exam_result r
        WHERE r.exam_id = ${examId} AND r.level IS NOT NULL AND r.org_path LIKE ${under(base.path)}
        GROUP BY 1`.execute(db);
      return r.rows;
    },

    /** Exam scores (out of 100) of the results below `path`, for the distribution and the summary. */
    async examScores(examId: number, path: string): Promise<number[]> {
      const rows = await sql<{ s: number }>`
        SELECT r.exam_score::float8 AS s FROM exam_result r
        WHERE r.exam_id = ${examId} AND r.exam_score IS NOT NULL AND r.org_path LIKE ${under(path)}`.execute(db);
      return rows.rows.map((x) => x.s);
    },

    /**
     * Question sums over the counting attempts that are fully graded, below `path` (see
     * domain/exam-stats.ts `analyseQuestions`, whose rule this follows): per question version, what it
     * was worth and earned (a hand mark over the automatic one, nothing when unanswered, never more than
     * its points) on all papers, on the upper 27 % by total and on the lower 27 % (ties by attempt).
     * Added up here, so a province's exam never brings its papers' answers into the server.
     */
    async questionSums(examId: number, path: string): Promise<{ paperCount: number; questions: QuestionSumsRow[] }> {
      const r = await sql<QuestionSumsRow & { n: number }>`
        WITH papers AS (
          SELECT a.id, a.paper,
                 row_number() OVER (ORDER BY a.score / a.max_score DESC, a.id) AS rk,
                 count(*) OVER () AS n
          FROM exam_result r
          JOIN exam_attempt a ON a.id = r.attempt_id AND a.status = 'graded'
          WHERE r.exam_id = ${examId} AND r.org_path LIKE ${under(path)}
        ), items AS (
          SELECT p.rk, p.n, greatest(1, round(p.n * 27 / 100.0)) AS k,
                 (e->>'questionVersionId')::bigint AS qv,
                 (e->>'position')::int AS position,
                 (e->>'points')::float8 AS points,
                 least(coalesce(an.manual_score, an.auto_score, 0)::float8, (e->>'points')::float8) AS earned,
                 -- a blank essay is stored as null to be scored 0; empty texts and lists are no answer either
                 an.attempt_id IS NOT NULL AND an.answer NOT IN ('null'::jsonb, '""'::jsonb, '[]'::jsonb) AS answered
          FROM papers p
          CROSS JOIN LATERAL jsonb_array_elements(p.paper) e
          LEFT JOIN exam_answer an ON an.attempt_id = p.id AND an.position = (e->>'position')::int
        )
        SELECT qv AS "questionVersionId", max(n)::int AS n,
               count(*)::int AS papers,
               count(*) FILTER (WHERE answered)::int AS answered,
               max(points) AS points,
               sum(earned) AS earned, sum(points) AS possible,
               coalesce(sum(earned) FILTER (WHERE rk <= k), 0) AS "upperEarned",
               coalesce(sum(points) FILTER (WHERE rk <= k), 0) AS "upperPossible",
               coalesce(sum(earned) FILTER (WHERE rk > n - k), 0) AS "lowerEarned",
               coalesce(sum(points) FILTER (WHERE rk > n - k), 0) AS "lowerPossible"
        FROM items
        GROUP BY qv
        ORDER BY min(position), qv`.execute(db);
      return {
        paperCount: r.rows[0]?.n ?? 0,
        questions: r.rows.map(({ n: _n, ...q }) => q),
      };
    },

    async questionVersions(ids: readonly number[]): Promise<QuestionVersionInfo[]> {
      if (ids.length === 0) return [];
      return db
        .selectFrom('question_version')
        .select(['id', 'question_id as questionId', 'version', 'kind', 'stem'])
        .where('id', 'in', [...ids])
        .execute();
    },

    /** The results below `f.path`, best composite first (then exam score, then name). */
    async results(
      examId: number,
      f: ResultListFilter,
      page: { limit: number; offset: number } | null,
    ): Promise<{ items: ResultListRow[]; total: number }> {
      const where = sql.join(
        [
          sql`r.exam_id = ${examId}`,
          sql`r.org_path LIKE ${under(f.path)}`,
          ...(f.level ? [sql`r.level = ${f.level}`] : []),
          // not passed: a level below the pass level (a result still waiting for marks has no level yet)
          ...(f.passed === undefined ? [] : [f.passed ? sql`r.passed` : sql`r.level IS NOT NULL AND NOT r.passed`]),
          ...(f.q ? [sql`t.name LIKE ${`%${escapeLike(f.q)}%`}`] : []),
        ],
        sql` AND `,
      );
      const total = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM exam_result r JOIN teacher t ON t.id = r.teacher_id WHERE ${where}`.execute(db);
      const limit = page ? sql`LIMIT ${page.limit} OFFSET ${page.offset}` : sql``;
      const rows = await sql<ResultListRow>`
        SELECT r.teacher_id AS "teacherId", t.name, u.name AS "schoolName",
               r.exam_score::float8 AS "examScore", r.composite::float8 AS composite, r.level, r.passed,
               (SELECT count(*)::int FROM exam_attempt x WHERE x.exam_id = r.exam_id AND x.teacher_id = r.teacher_id
                  AND x.status <> 'open') AS attempts,
               a.submitted_at AS "submittedAt"
        FROM exam_result r
        JOIN teacher t ON t.id = r.teacher_id
        LEFT JOIN org_unit u ON u.path = r.org_path
        LEFT JOIN exam_attempt a ON a.id = r.attempt_id
        WHERE ${where}
        ORDER BY r.composite DESC NULLS LAST, r.exam_score DESC NULLS LAST, t.name, r.teacher_id
        ${limit}`.execute(db);
      return { items: rows.rows, total: total.rows[0]?.n ?? 0 };
    },
  };
}

export type ExamStatsRepository = ReturnType<typeof createExamStatsRepository>;
