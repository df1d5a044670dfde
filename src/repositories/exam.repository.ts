import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ExamGates } from '../domain/exam-gate.js';
import type { FrozenPaper, PaperSpec, TaggedQuestion } from '../domain/exam-paper.js';
import type {
  CompositeComponent,
  ExamLevel,
  GradePolicy,
  LevelCuts,
  PassLevel,
  SkillTargets,
} from '../domain/exam-score.js';
import type { QuestionKey, QuestionKind, QuestionOption } from '../domain/question.js';
import { escapeLike } from './org-unit.repository.js';

type Q = Kysely<DB>;

export type ExamTarget = 'course' | 'class' | 'project' | 'spot_check';
export type ExamStatus = 'draft' | 'published' | 'closed';
export type ShowAnswers = 'never' | 'after_submit' | 'after_close';

export interface ExamRow {
  id: number;
  provinceId: number;
  orgUnitId: number;
  orgPath: string;
  orgUnitName: string;
  title: string;
  instructions: string;
  target: ExamTarget;
  courseId: number | null;
  classId: number | null;
  projectId: number | null;
  spotCheckId: number | null;
  status: ExamStatus;
  opensAt: Date;
  closesAt: Date;
  durationMinutes: number;
  attemptsAllowed: number;
  gradePolicy: GradePolicy;
  paper: PaperSpec & { multiplePartial?: boolean };
  paperPool: FrozenPaper | null;
  shuffleQuestions: boolean;
  showAnswers: ShowAnswers;
  gates: ExamGates;
  composite: { components: CompositeComponent[] };
  levelCuts: LevelCuts;
  passLevel: PassLevel;
  targets: SkillTargets;
  hours: number | null;
  creditCategories: string[];
  blindMarking: boolean;
  doubleMarking: boolean;
  disputeThreshold: number;
  publishedAt: Date | null;
  closedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface QuestionVersionRow {
  id: number;
  questionId: number;
  version: number;
  kind: QuestionKind;
  stem: string;
  options: QuestionOption[];
  answer: QuestionKey;
  explanation: string;
}

const EXAM_COLUMNS = [
  'e.id',
  'e.province_id as provinceId',
  'e.org_unit_id as orgUnitId',
  'e.org_path as orgPath',
  'e.title',
  'e.instructions',
  'e.target',
  'e.course_id as courseId',
  'e.class_id as classId',
  'e.project_id as projectId',
  'e.spot_check_id as spotCheckId',
  'e.status',
  'e.opens_at as opensAt',
  'e.closes_at as closesAt',
  'e.duration_minutes as durationMinutes',
  'e.attempts_allowed as attemptsAllowed',
  'e.grade_policy as gradePolicy',
  'e.paper',
  'e.paper_pool as paperPool',
  'e.shuffle_questions as shuffleQuestions',
  'e.show_answers as showAnswers',
  'e.gates',
  'e.composite',
  'e.level_cuts as levelCuts',
  'e.pass_level as passLevel',
  'e.targets',
  'e.hours',
  'e.credit_categories as creditCategories',
  'e.blind_marking as blindMarking',
  'e.double_marking as doubleMarking',
  sql<number>`e.dispute_threshold::float8`.as('disputeThreshold'),
  'e.published_at as publishedAt',
  'e.closed_at as closedAt',
  'e.created_at as createdAt',
  'e.updated_at as updatedAt',
] as const;

export interface ExamWrite {
  provinceId: number;
  orgUnitId: number;
  orgPath: string;
  title: string;
  instructions: string;
  target: ExamTarget;
  courseId: number | null;
  classId: number | null;
  projectId: number | null;
  spotCheckId: number | null;
  opensAt: Date;
  closesAt: Date;
  durationMinutes: number;
  attemptsAllowed: number;
  gradePolicy: GradePolicy;
  paper: ExamRow['paper'];
  shuffleQuestions: boolean;
  showAnswers: ShowAnswers;
  gates: ExamGates;
  composite: ExamRow['composite'];
  levelCuts: LevelCuts;
  passLevel: PassLevel;
  targets: SkillTargets;
  hours: number | null;
  creditCategories: string[];
  blindMarking: boolean;
  doubleMarking: boolean;
  disputeThreshold: number;
}

const toColumns = (w: Partial<ExamWrite>) => {
  const json = (v: unknown) => sql<never>`${JSON.stringify(v)}::jsonb`;
  const c: Record<string, unknown> = {};
  if (w.title !== undefined) c.title = w.title;
  if (w.instructions !== undefined) c.instructions = w.instructions;
  if (w.opensAt !== undefined) c.opens_at = w.opensAt;
  if (w.closesAt !== undefined) c.closes_at = w.closesAt;
  if (w.durationMinutes !== undefined) c.duration_minutes = w.durationMinutes;
  if (w.attemptsAllowed !== undefined) c.attempts_allowed = w.attemptsAllowed;
  if (w.gradePolicy !== undefined) c.grade_policy = w.gradePolicy;
  if (w.paper !== undefined) c.paper = json(w.paper);
  if (w.shuffleQuestions !== undefined) c.shuffle_questions = w.shuffleQuestions;
  if (w.showAnswers !== undefined) c.show_answers = w.showAnswers;
  if (w.gates !== undefined) c.gates = json(w.gates);
  if (w.composite !== undefined) c.composite = json(w.composite);
  if (w.levelCuts !== undefined) c.level_cuts = json(w.levelCuts);
  if (w.passLevel !== undefined) c.pass_level = w.passLevel;
  if (w.targets !== undefined) c.targets = json(w.targets);
  if (w.hours !== undefined) c.hours = w.hours;
  if (w.creditCategories !== undefined) c.credit_categories = w.creditCategories;
  if (w.blindMarking !== undefined) c.blind_marking = w.blindMarking;
  if (w.doubleMarking !== undefined) c.double_marking = w.doubleMarking;
  if (w.disputeThreshold !== undefined) c.dispute_threshold = w.disputeThreshold;
  return c;
};

export interface ExamListQuery {
  path: string;
  status?: ExamStatus;
  q?: string;
  limit: number;
  offset: number;
}

export interface ExamCounts {
  candidates: number | null;
  started: number;
  submitted: number;
  graded: number;
  pendingMarks: number;
}

export function createExamRepository(db: Q) {
  const base = () =>
    db
      .selectFrom('exam as e')
      .innerJoin('org_unit as u', 'u.id', 'e.org_unit_id')
      .select(EXAM_COLUMNS)
      .select('u.name as orgUnitName');

  return {
    async exam(id: number, lock = false): Promise<ExamRow | undefined> {
      let q = base().where('e.id', '=', id);
      if (lock) q = q.forUpdate('e');
      return (await q.executeTakeFirst()) as ExamRow | undefined;
    },

    async list(q: ExamListQuery): Promise<{ items: ExamRow[]; total: number }> {
      let w = base().where('e.org_path', 'like', `${escapeLike(q.path)}%`);
      if (q.status) w = w.where('e.status', '=', q.status);
      if (q.q) w = w.where('e.title', 'ilike', `%${escapeLike(q.q)}%`);
      const [items, total] = await Promise.all([
        w.orderBy('e.opens_at', 'desc').orderBy('e.id', 'desc').limit(q.limit).offset(q.offset).execute(),
        w.clearSelect().select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: items as ExamRow[], total: total.n };
    },

    async insert(w: ExamWrite, by: number): Promise<number> {
      const r = await db
        .insertInto('exam')
        .values({
          ...(toColumns(w) as object),
          province_id: w.provinceId,
          org_unit_id: w.orgUnitId,
          org_path: w.orgPath,
          target: w.target,
          course_id: w.courseId,
          class_id: w.classId,
          project_id: w.projectId,
          spot_check_id: w.spotCheckId,
          status: 'draft',
          created_by: by,
        } as never)
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    },

    async update(id: number, w: Partial<ExamWrite>): Promise<void> {
      await db
        .updateTable('exam')
        .set({ ...(toColumns(w) as object), updated_at: sql<Date>`now()` } as never)
        .where('id', '=', id)
        .execute();
    },

    async publish(id: number, pool: FrozenPaper): Promise<void> {
      await db
        .updateTable('exam')
        .set({
          status: 'published',
          paper_pool: sql<never>`${JSON.stringify(pool)}::jsonb`,
          published_at: sql<Date>`now()`,
          updated_at: sql<Date>`now()`,
        })
        .where('id', '=', id)
        .execute();
    },

    async close(id: number): Promise<void> {
      await db
        .updateTable('exam')
        .set({ status: 'closed', closed_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
        .where('id', '=', id)
        .execute();
    },

    /**
     * The current versions of the questions an exam organised at `path` may use: the banks of its unit,
     * of the units above it and of those below, not archived.
     */
    async usableQuestions(
      path: string,
      provinceId: number,
      questionIds?: readonly number[],
    ): Promise<Array<TaggedQuestion & { questionId: number }>> {
      if (questionIds && questionIds.length === 0) return [];
      let q = db
        .selectFrom('question as q')
        .innerJoin('question_version as v', (j) =>
          j.onRef('v.question_id', '=', 'q.id').onRef('v.version', '=', 'q.current_version'),
        )
        .select([
          'q.id as questionId',
          'v.id as questionVersionId',
          'v.kind',
          sql<string[]>`ARRAY(SELECT o->>'key' FROM jsonb_array_elements(v.options) o)`.as('optionKeys'),
          'v.shuffle_options as shuffleOptions',
          'v.module',
          'v.subject',
          'v.stage',
          'v.difficulty',
        ])
        .where('q.province_id', '=', provinceId)
        .where('q.archived', '=', false)
        .where((eb) =>
          eb.or([
            eb('q.org_path', 'like', `${escapeLike(path)}%`),
            eb(sql.val(path), 'like', sql<string>`q.org_path || '%'`),
          ]),
        );
      if (questionIds) q = q.where('q.id', 'in', questionIds);
      return (await q.execute()) as Array<TaggedQuestion & { questionId: number }>;
    },

    async freezeVersions(ids: readonly number[]): Promise<void> {
      if (ids.length === 0) return;
      await sql`UPDATE question_version SET frozen = true WHERE id = ANY(${[...ids]}::bigint[]) AND NOT frozen`.execute(
        db,
      );
    },

    async versions(ids: readonly number[]): Promise<Map<number, QuestionVersionRow>> {
      if (ids.length === 0) return new Map();
      const rows = await db
        .selectFrom('question_version')
        .select(['id', 'question_id as questionId', 'version', 'kind', 'stem', 'options', 'answer', 'explanation'])
        .where('id', 'in', [...new Set(ids)])
        .execute();
      return new Map(rows.map((r) => [r.id, r as unknown as QuestionVersionRow]));
    },

    async currentVersion(questionId: number): Promise<(QuestionVersionRow & { orgPath: string }) | undefined> {
      return (await db
        .selectFrom('question as q')
        .innerJoin('question_version as v', (j) =>
          j.onRef('v.question_id', '=', 'q.id').onRef('v.version', '=', 'q.current_version'),
        )
        .select(['v.id', 'v.question_id as questionId', 'v.version', 'v.kind', 'v.stem', 'v.options', 'v.answer'])
        .select(['v.explanation', 'q.org_path as orgPath'])
        .where('q.id', '=', questionId)
        .executeTakeFirst()) as (QuestionVersionRow & { orgPath: string }) | undefined;
    },

    async counts(examId: number, candidates: number | null): Promise<ExamCounts> {
      const r = await db
        .selectFrom('exam_attempt')
        .select([
          sql<number>`count(DISTINCT teacher_id)::int`.as('started'),
          sql<number>`count(*) FILTER (WHERE status <> 'open')::int`.as('submitted'),
          sql<number>`count(*) FILTER (WHERE status = 'graded')::int`.as('graded'),
          sql<number>`coalesce(sum(pending_marks), 0)::int`.as('pendingMarks'),
        ])
        .where('exam_id', '=', examId)
        .executeTakeFirstOrThrow();
      return { candidates, ...r };
    },

    // ------------------------------------------------------------ targets and candidates

    async courseOf(id: number) {
      return db
        .selectFrom('course')
        .select([
          'id',
          'org_path as orgPath',
          'title',
          'hours',
          'credit_categories as creditCategories',
          'province_id as provinceId',
        ])
        .where('id', '=', id)
        .executeTakeFirst();
    },

    async classOf(id: number) {
      return db
        .selectFrom('training_class as c')
        .innerJoin('training_project as p', 'p.id', 'c.project_id')
        .select([
          'c.id',
          'c.name',
          'c.course_id as courseId',
          'c.status',
          'p.id as projectId',
          'p.org_path as projectPath',
        ])
        .select(['p.title as projectTitle', 'c.province_id as provinceId'])
        .where('c.id', '=', id)
        .executeTakeFirst();
    },

    async projectOf(id: number) {
      return db
        .selectFrom('training_project')
        .select(['id', 'org_path as orgPath', 'title', 'province_id as provinceId'])
        .where('id', '=', id)
        .executeTakeFirst();
    },

    async spotCheckOf(id: number) {
      return db
        .selectFrom('spot_check')
        .select(['id', 'org_path as orgPath', 'title', 'status', 'province_id as provinceId'])
        .where('id', '=', id)
        .executeTakeFirst();
    },

    /** Whether a teacher is a candidate of an exam (who is expected to sit it depends on its target). */
    async isCandidate(e: ExamRow, teacher: { id: number; orgPath: string }): Promise<boolean> {
      switch (e.target) {
        case 'course':
          return teacher.orgPath.startsWith(e.orgPath);
        case 'class':
          return !!(await db
            .selectFrom('enrolment')
            .select('id')
            .where('class_id', '=', e.classId!)
            .where('teacher_id', '=', teacher.id)
            .where('status', '=', 'enrolled')
            .executeTakeFirst());
        case 'project':
          return !!(await db
            .selectFrom('enrolment as n')
            .innerJoin('training_class as c', 'c.id', 'n.class_id')
            .select('n.id')
            .where('c.project_id', '=', e.projectId!)
            .where('n.teacher_id', '=', teacher.id)
            .where('n.status', '=', 'enrolled')
            .executeTakeFirst());
        case 'spot_check':
          return !!(await db
            .selectFrom('spot_check_candidate')
            .select('teacher_id')
            .where('spot_check_id', '=', e.spotCheckId!)
            .where('teacher_id', '=', teacher.id)
            .where('drawn', '=', true)
            .executeTakeFirst());
        default: {
          const never: never = e.target;
          return never;
        }
      }
    },

    /** The accounts of an exam's candidates, when they are a list (a course exam's are the whole subtree). */
    async candidateAccounts(e: ExamRow): Promise<number[]> {
      if (e.target === 'course') return [];
      const rows =
        e.target === 'spot_check'
          ? await db
              .selectFrom('spot_check_candidate as c')
              .innerJoin('teacher as t', 't.id', 'c.teacher_id')
              .select('t.user_id as userId')
              .where('c.spot_check_id', '=', e.spotCheckId!)
              .where('c.drawn', '=', true)
              .where('t.user_id', 'is not', null)
              .execute()
          : await db
              .selectFrom('enrolment as n')
              .innerJoin('teacher as t', 't.id', 'n.teacher_id')
              .select('t.user_id as userId')
              .where('n.status', '=', 'enrolled')
              .where((eb) =>
                e.target === 'class' ? eb('n.class_id', '=', e.classId!) : eb('n.project_id', '=', e.projectId!),
              )
              .where('t.user_id', 'is not', null)
              .execute();
      return [...new Set(rows.map((r) => r.userId as number))];
    },

    /** How many teachers are expected to sit (null: anyone of the organiser's subtree may). */
    async candidateCount(e: ExamRow): Promise<number | null> {
      if (e.target === 'course') return null;
      if (e.target === 'spot_check')
        return (
          await db
            .selectFrom('spot_check_candidate')
            .select(sql<number>`count(*)::int`.as('n'))
            .where('spot_check_id', '=', e.spotCheckId!)
            .where('drawn', '=', true)
            .executeTakeFirstOrThrow()
        ).n;
      let q = db
        .selectFrom('enrolment as n')
        .select(sql<number>`count(DISTINCT n.teacher_id)::int`.as('n'))
        .where('n.status', '=', 'enrolled');
      q =
        e.target === 'class'
          ? q.where('n.class_id', '=', e.classId!)
          : q.where(
              'n.class_id',
              'in',
              db.selectFrom('training_class').select('id').where('project_id', '=', e.projectId!),
            );
      return (await q.executeTakeFirstOrThrow()).n;
    },

    /**
     * The exams a teacher is a candidate of: their classes' and projects', their spot-checks' (drawn),
     * and the course exams organised above their school; published or closed, newest first.
     */
    async examsOfTeacher(teacher: { id: number; orgPath: string; provinceId: number }): Promise<ExamRow[]> {
      const rows = await base()
        .where('e.province_id', '=', teacher.provinceId)
        .where('e.status', '<>', 'draft')
        .where((eb) =>
          eb.or([
            eb.and([
              eb('e.target', '=', 'course'),
              eb(sql.val(teacher.orgPath), 'like', sql<string>`e.org_path || '%'`),
            ]),
            eb(
              'e.class_id',
              'in',
              db
                .selectFrom('enrolment')
                .select('class_id')
                .where('teacher_id', '=', teacher.id)
                .where('status', '=', 'enrolled'),
            ),
            eb.and([
              eb('e.target', '=', 'project'),
              eb(
                'e.project_id',
                'in',
                db
                  .selectFrom('enrolment as n')
                  .innerJoin('training_class as c', 'c.id', 'n.class_id')
                  .select('c.project_id')
                  .where('n.teacher_id', '=', teacher.id)
                  .where('n.status', '=', 'enrolled'),
              ),
            ]),
            eb(
              'e.spot_check_id',
              'in',
              db
                .selectFrom('spot_check_candidate')
                .select('spot_check_id')
                .where('teacher_id', '=', teacher.id)
                .where('drawn', '=', true),
            ),
          ]),
        )
        .orderBy('e.opens_at', 'desc')
        .orderBy('e.id', 'desc')
        .limit(200)
        .execute();
      return rows as ExamRow[];
    },

    /** Tenths of an hour in force in the ledger for a teacher in a year (of one category if named). */
    async ledgerTenths(teacherId: number, year: number, category: string | null): Promise<number> {
      let q = db
        .selectFrom('credit_entry')
        .select(sql<number>`coalesce(sum(hours), 0)::int`.as('n'))
        .where('teacher_id', '=', teacherId)
        .where('year', '=', year);
      if (category) q = q.where(sql<boolean>`${category} = ANY(categories)`);
      return (await q.executeTakeFirstOrThrow()).n;
    },

    /** An online class of this course the teacher holds a place in (for a course exam's study gate). */
    async teacherClassOfCourse(teacherId: number, courseId: number): Promise<number | undefined> {
      const r = await db
        .selectFrom('enrolment as n')
        .innerJoin('training_class as c', 'c.id', 'n.class_id')
        .select('c.id')
        .where('n.teacher_id', '=', teacherId)
        .where('n.status', '=', 'enrolled')
        .where('c.course_id', '=', courseId)
        .orderBy('c.id', 'desc')
        .executeTakeFirst();
      return r?.id;
    },

    // ------------------------------------------------------------ markers

    async markers(examId: number) {
      return db
        .selectFrom('exam_marker as m')
        .innerJoin('app_user as u', 'u.id', 'm.user_id')
        .select(['u.id as userId', 'u.display_name as name'])
        .where('m.exam_id', '=', examId)
        .orderBy('u.id')
        .execute();
    },

    async isMarker(examId: number, userId: number): Promise<boolean> {
      return !!(await db
        .selectFrom('exam_marker')
        .select('user_id')
        .where('exam_id', '=', examId)
        .where('user_id', '=', userId)
        .executeTakeFirst());
    },

    async setMarkers(examId: number, userIds: readonly number[]): Promise<void> {
      await db.deleteFrom('exam_marker').where('exam_id', '=', examId).execute();
      if (userIds.length)
        await db
          .insertInto('exam_marker')
          .values(userIds.map((u) => ({ exam_id: examId, user_id: u })))
          .execute();
    },

    async usersAt(ids: readonly number[]) {
      if (ids.length === 0) return [];
      return db
        .selectFrom('app_user')
        .select(['id', 'org_path as orgPath', 'role', 'display_name as name'])
        .where('id', 'in', [...ids])
        .execute();
    },

    /**
     * The exams with essays waiting for this account: those it was named to mark, and (for an admin)
     * those organised at its own unit, with the answers waiting for a mark and for the arbiter.
     */
    async markingOf(userId: number, ownUnitPath: string | null) {
      const r = await sql<{
        examId: number;
        title: string;
        orgUnitName: string;
        pending: number;
        disputed: number;
        named: boolean;
      }>`
        SELECT e.id AS "examId", e.title, u.name AS "orgUnitName",
               count(*) FILTER (WHERE an.mark_state = 'pending')::int AS pending,
               count(*) FILTER (WHERE an.mark_state = 'disputed')::int AS disputed,
               EXISTS (SELECT 1 FROM exam_marker m WHERE m.exam_id = e.id AND m.user_id = ${userId}) AS named
        FROM exam e
        JOIN org_unit u ON u.id = e.org_unit_id
        JOIN exam_attempt a ON a.exam_id = e.id AND a.status = 'submitted'
        JOIN exam_answer an ON an.attempt_id = a.id AND an.mark_state IN ('pending', 'disputed')
        WHERE e.id IN (SELECT exam_id FROM exam_marker WHERE user_id = ${userId})
           OR e.org_path = ${ownUnitPath ?? ''}
        GROUP BY e.id, u.name
        ORDER BY e.closes_at, e.id`.execute(db);
      return r.rows;
    },

    // ------------------------------------------------------------ results

    async result(examId: number, teacherId: number) {
      return db
        .selectFrom('exam_result')
        .select([
          'attempt_id as attemptId',
          sql<number | null>`exam_score::float8`.as('examScore'),
          sql<number | null>`composite::float8`.as('composite'),
          'level',
          'passed',
          'credited',
        ])
        .where('exam_id', '=', examId)
        .where('teacher_id', '=', teacherId)
        .executeTakeFirst() as Promise<
        | {
            attemptId: number | null;
            examScore: number | null;
            composite: number | null;
            level: ExamLevel | null;
            passed: boolean;
            credited: boolean;
          }
        | undefined
      >;
    },

    async componentScores(examId: number, teacherId: number): Promise<Record<string, number>> {
      const rows = await db
        .selectFrom('exam_component_score')
        .select(['component', sql<number>`score::float8`.as('score')])
        .where('exam_id', '=', examId)
        .where('teacher_id', '=', teacherId)
        .execute();
      return Object.fromEntries(rows.map((r) => [r.component, r.score]));
    },

    async upsertComponentScores(
      examId: number,
      rows: ReadonlyArray<{ teacherId: number; component: string; score: number }>,
      by: number,
    ): Promise<void> {
      if (rows.length === 0) return;
      await db
        .insertInto('exam_component_score')
        .values(
          rows.map((r) => ({
            exam_id: examId,
            teacher_id: r.teacherId,
            component: r.component,
            score: r.score,
            entered_by: by,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['exam_id', 'teacher_id', 'component']).doUpdateSet({
            score: sql`EXCLUDED.score`,
            entered_by: sql`EXCLUDED.entered_by`,
            entered_at: sql`now()`,
          }),
        )
        .execute();
    },

    async writeResult(r: {
      examId: number;
      teacherId: number;
      orgPath: string;
      attemptId: number | null;
      examScore: number | null;
      composite: number | null;
      level: ExamLevel | null;
      passed: boolean;
      credited: boolean;
    }): Promise<void> {
      await db
        .insertInto('exam_result')
        .values({
          exam_id: r.examId,
          teacher_id: r.teacherId,
          org_path: r.orgPath,
          attempt_id: r.attemptId,
          exam_score: r.examScore,
          composite: r.composite,
          level: r.level,
          passed: r.passed,
          credited: r.credited,
        })
        .onConflict((oc) =>
          oc.columns(['exam_id', 'teacher_id']).doUpdateSet({
            attempt_id: sql`EXCLUDED.attempt_id`,
            exam_score: sql`EXCLUDED.exam_score`,
            composite: sql`EXCLUDED.composite`,
            level: sql`EXCLUDED.level`,
            passed: sql`EXCLUDED.passed`,
            credited: sql`EXCLUDED.credited`,
            updated_at: sql`now()`,
          }),
        )
        .execute();
    },

    /** The ledger entries an exam posted for a teacher, with whether each still stands. */
    async postings(provinceId: number, examId: number, teacherId: number) {
      return db
        .selectFrom('credit_entry as c')
        .select(['c.id', 'c.idem_key as idemKey'])
        .select(sql<boolean>`EXISTS (SELECT 1 FROM credit_entry r WHERE r.reverses_id = c.id)`.as('reversed'))
        .where('c.province_id', '=', provinceId)
        .where('c.teacher_id', '=', teacherId)
        .where('c.idem_key', 'like', `exam:${examId}:teacher:${teacherId}%`)
        .where('c.hours', '>', 0)
        .orderBy('c.id')
        .execute();
    },

    async setClassAssessment(classId: number, teacherId: number, passed: boolean | null): Promise<void> {
      await db
        .updateTable('enrolment')
        .set({ assessment_passed: passed, updated_at: sql<Date>`now()` })
        .where('class_id', '=', classId)
        .where('teacher_id', '=', teacherId)
        .execute();
    },
  };
}

export type ExamRepository = ReturnType<typeof createExamRepository>;
