import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { GradingKind, HomeworkGrade, SubmissionStatus, TutorFilter } from '../domain/homework.js';
import { escapeLike } from './org-unit.repository.js';

type Q = Kysely<DB>;

export interface AssignmentRow {
  id: number;
  provinceId: number;
  classId: number;
  title: string;
  instructions: string;
  dueAt: Date;
  grading: GradingKind;
  maxScore: number | null;
  passScore: number | null;
  blind: boolean;
  releasedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface AssignmentCounts {
  /** submissions ever made */
  submitted: number;
  /** waiting for a tutor */
  waiting: number;
  returned: number;
  passed: number;
  failed: number;
  /** whose last version came late */
  late: number;
  recommended: number;
}

export interface SubmissionRow {
  id: number;
  provinceId: number;
  assignmentId: number;
  classId: number;
  teacherId: number;
  orgPath: string;
  anonCode: string;
  status: SubmissionStatus;
  version: number;
  late: boolean;
  submittedAt: Date;
  shareName: boolean;
  score: number | null;
  grade: HomeworkGrade | null;
  passed: boolean | null;
  comment: string | null;
  decidedAt: Date | null;
  recommendedAt: Date | null;
}

export interface VersionRow {
  id: number;
  submissionId: number;
  version: number;
  body: string;
  late: boolean;
  submittedAt: Date;
  outcome: 'returned' | 'graded' | null;
  score: number | null;
  grade: HomeworkGrade | null;
  passed: boolean | null;
  comment: string | null;
  decidedAt: Date | null;
  decidedByName: string | null;
}

export interface FileRow {
  id: number;
  classId: number;
  teacherId: number;
  sha256: Buffer;
  fileName: string;
  mimeType: string;
  sizeBytes: number;
  createdAt: Date;
}

/** A line of a tutor's submissions table: a submission, or an enrolled teacher without one. */
export interface TutorLine {
  submissionId: number | null;
  teacherId: number;
  teacherName: string;
  orgUnitName: string;
  anonCode: string | null;
  status: SubmissionStatus | null;
  version: number | null;
  late: boolean;
  submittedAt: Date | null;
  score: number | null;
  grade: HomeworkGrade | null;
  passed: boolean | null;
  comment: string | null;
  decidedAt: Date | null;
  recommended: boolean;
}

export interface RecommendedRow {
  submissionId: number;
  assignmentId: number;
  assignmentTitle: string;
  /** null when the author did not agree to be named */
  teacherName: string | null;
  orgUnitName: string | null;
  versionId: number;
  body: string;
  score: number | null;
  grade: HomeworkGrade | null;
  comment: string | null;
  recommendedAt: Date;
}

const ASSIGNMENT_COLUMNS = [
  'a.id',
  'a.province_id as provinceId',
  'a.class_id as classId',
  'a.title',
  'a.instructions',
  'a.due_at as dueAt',
  'a.grading',
  'a.max_score as maxScore',
  'a.pass_score as passScore',
  'a.blind',
  'a.released_at as releasedAt',
  'a.created_at as createdAt',
  'a.updated_at as updatedAt',
] as const;

const SUBMISSION_COLUMNS = [
  's.id',
  's.province_id as provinceId',
  's.assignment_id as assignmentId',
  's.class_id as classId',
  's.teacher_id as teacherId',
  's.org_path as orgPath',
  's.anon_code as anonCode',
  's.status',
  's.version',
  's.late',
  's.submitted_at as submittedAt',
  's.share_name as shareName',
  's.score',
  's.grade',
  's.passed',
  's.comment',
  's.decided_at as decidedAt',
  's.recommended_at as recommendedAt',
] as const;

const FILE_COLUMNS = [
  'f.id',
  'f.class_id as classId',
  'f.teacher_id as teacherId',
  'f.sha256',
  'f.file_name as fileName',
  'f.mime_type as mimeType',
  'f.size_bytes as sizeBytes',
  'f.created_at as createdAt',
] as const;

/** Whether a submission passes for completion: graded, passing, and not withheld by blind marking. */
const passedSql = sql<boolean>`(s.status = 'graded' AND s.passed AND (NOT a.blind OR a.released_at IS NOT NULL))`;

/** Homework (研修作业): assignments, submissions with every version, their files, and what passed. */
export function createHomeworkRepository(db: Q) {
  return {
    // ---------------------------------------------------------------- assignments

    async assignments(classId: number): Promise<Array<AssignmentRow & AssignmentCounts>> {
      const rows = await db
        .selectFrom('homework_assignment as a')
        .leftJoin('homework_submission as s', 's.assignment_id', 'a.id')
        .select(ASSIGNMENT_COLUMNS)
        .select([
          sql<number>`count(s.id)::int`.as('submitted'),
          sql<number>`count(s.id) FILTER (WHERE s.status = 'submitted')::int`.as('waiting'),
          sql<number>`count(s.id) FILTER (WHERE s.status = 'returned')::int`.as('returned'),
          sql<number>`count(s.id) FILTER (WHERE s.status = 'graded' AND s.passed)::int`.as('passed'),
          sql<number>`count(s.id) FILTER (WHERE s.status = 'graded' AND NOT s.passed)::int`.as('failed'),
          sql<number>`count(s.id) FILTER (WHERE s.late)::int`.as('late'),
          sql<number>`count(s.recommended_at)::int`.as('recommended'),
        ])
        .where('a.class_id', '=', classId)
        .groupBy('a.id')
        .orderBy('a.due_at')
        .orderBy('a.id')
        .execute();
      return rows as Array<AssignmentRow & AssignmentCounts>;
    },

    async assignment(id: number, lock = false): Promise<AssignmentRow | undefined> {
      let q = db.selectFrom('homework_assignment as a').select(ASSIGNMENT_COLUMNS).where('a.id', '=', id);
      if (lock) q = q.forUpdate();
      return (await q.executeTakeFirst()) as AssignmentRow | undefined;
    },

    async insertAssignment(a: {
      provinceId: number;
      classId: number;
      title: string;
      instructions: string;
      dueAt: Date;
      grading: GradingKind;
      maxScore: number | null;
      passScore: number | null;
      blind: boolean;
      createdBy: number;
    }): Promise<number> {
      const r = await db
        .insertInto('homework_assignment')
        .values({
          province_id: a.provinceId,
          class_id: a.classId,
          title: a.title,
          instructions: a.instructions,
          due_at: a.dueAt,
          grading: a.grading,
          max_score: a.maxScore,
          pass_score: a.passScore,
          blind: a.blind,
          created_by: a.createdBy,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    },

    async updateAssignment(
      id: number,
      a: {
        title: string;
        instructions: string;
        dueAt: Date;
        grading: GradingKind;
        maxScore: number | null;
        passScore: number | null;
        blind: boolean;
      },
    ): Promise<void> {
      await db
        .updateTable('homework_assignment')
        .set({
          title: a.title,
          instructions: a.instructions,
          due_at: a.dueAt,
          grading: a.grading,
          max_score: a.maxScore,
          pass_score: a.passScore,
          blind: a.blind,
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .execute();
    },

    async deleteAssignment(id: number): Promise<void> {
      await db.deleteFrom('homework_assignment').where('id', '=', id).execute();
    },

    async submissionCount(assignmentId: number): Promise<{ all: number; graded: number }> {
      const r = await db
        .selectFrom('homework_submission')
        .select([
          sql<number>`count(*)::int`.as('all'),
          sql<number>`count(*) FILTER (WHERE status = 'graded')::int`.as('graded'),
        ])
        .where('assignment_id', '=', assignmentId)
        .executeTakeFirstOrThrow();
      return r;
    },

    async release(id: number, by: number): Promise<boolean> {
      const r = await db
        .updateTable('homework_assignment')
        .set({ released_at: new Date(), released_by: by })
        .where('id', '=', id)
        .where('released_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    /** The accounts of the teachers whose graded work blind marking withheld, to tell them at the release. */
    async gradedTeacherUsers(assignmentId: number): Promise<Array<{ userId: number; passed: boolean }>> {
      const rows = await db
        .selectFrom('homework_submission as s')
        .innerJoin('teacher as t', 't.id', 's.teacher_id')
        .select([sql<number>`t.user_id`.as('userId'), 's.passed'])
        .where('s.assignment_id', '=', assignmentId)
        .where('s.status', '=', 'graded')
        .where('t.user_id', 'is not', null)
        .execute();
      return rows.map((r) => ({ userId: r.userId, passed: r.passed === true }));
    },

    // ---------------------------------------------------------------- submissions

    async submissionOf(assignmentId: number, teacherId: number, lock = false): Promise<SubmissionRow | undefined> {
      let q = db
        .selectFrom('homework_submission as s')
        .select(SUBMISSION_COLUMNS)
        .where('s.assignment_id', '=', assignmentId)
        .where('s.teacher_id', '=', teacherId);
      if (lock) q = q.forUpdate();
      return (await q.executeTakeFirst()) as SubmissionRow | undefined;
    },

    async submission(id: number, lock = false): Promise<SubmissionRow | undefined> {
      let q = db.selectFrom('homework_submission as s').select(SUBMISSION_COLUMNS).where('s.id', '=', id);
      if (lock) q = q.forUpdate();
      return (await q.executeTakeFirst()) as SubmissionRow | undefined;
    },

    async takenCodes(assignmentId: number): Promise<Set<string>> {
      const rows = await db
        .selectFrom('homework_submission')
        .select('anon_code')
        .where('assignment_id', '=', assignmentId)
        .execute();
      return new Set(rows.map((r) => r.anon_code));
    },

    async insertSubmission(s: {
      provinceId: number;
      assignmentId: number;
      classId: number;
      teacherId: number;
      orgPath: string;
      anonCode: string;
      late: boolean;
      submittedAt: Date;
      shareName: boolean;
    }): Promise<number> {
      const r = await db
        .insertInto('homework_submission')
        .values({
          province_id: s.provinceId,
          assignment_id: s.assignmentId,
          class_id: s.classId,
          teacher_id: s.teacherId,
          org_path: s.orgPath,
          anon_code: s.anonCode,
          status: 'submitted',
          version: 1,
          late: s.late,
          submitted_at: s.submittedAt,
          share_name: s.shareName,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    },

    /** A new version: the submission waits for its tutor again, the last answer cleared. */
    async resubmit(id: number, s: { version: number; late: boolean; submittedAt: Date; shareName: boolean }) {
      await db
        .updateTable('homework_submission')
        .set({
          status: 'submitted',
          version: s.version,
          late: s.late,
          submitted_at: s.submittedAt,
          share_name: s.shareName,
          score: null,
          grade: null,
          passed: null,
          comment: null,
          decided_by: null,
          decided_at: null,
        })
        .where('id', '=', id)
        .execute();
    },

    async insertVersion(v: {
      submissionId: number;
      version: number;
      body: string;
      late: boolean;
      submittedAt: Date;
      fileIds: number[];
    }): Promise<number> {
      const r = await db
        .insertInto('homework_version')
        .values({
          submission_id: v.submissionId,
          version: v.version,
          body: v.body,
          late: v.late,
          submitted_at: v.submittedAt,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (v.fileIds.length)
        await db
          .insertInto('homework_version_file')
          .values(v.fileIds.map((file_id, position) => ({ version_id: r.id, file_id, position })))
          .execute();
      return r.id;
    },

    /** The tutor's answer to the current version, on the submission and on the version alike. */
    async decide(
      s: { id: number; version: number },
      d: {
        status: 'returned' | 'graded';
        score: number | null;
        grade: HomeworkGrade | null;
        passed: boolean | null;
        comment: string | null;
        by: number;
      },
    ): Promise<void> {
      const at = new Date();
      await db
        .updateTable('homework_submission')
        .set({
          status: d.status,
          score: d.score,
          grade: d.grade,
          passed: d.passed,
          comment: d.comment,
          decided_by: d.by,
          decided_at: at,
        })
        .where('id', '=', s.id)
        .execute();
      await db
        .updateTable('homework_version')
        .set({
          outcome: d.status,
          score: d.score,
          grade: d.grade,
          passed: d.passed,
          comment: d.comment,
          decided_by: d.by,
          decided_at: at,
        })
        .where('submission_id', '=', s.id)
        .where('version', '=', s.version)
        .execute();
    },

    async recommend(id: number, by: number | null): Promise<void> {
      await db
        .updateTable('homework_submission')
        .set(
          by === null
            ? { recommended_at: null, recommended_by: null }
            : { recommended_at: new Date(), recommended_by: by },
        )
        .where('id', '=', id)
        .execute();
    },

    /** Every version of the submissions, oldest first, with who answered each. */
    async versions(submissionIds: number[]): Promise<VersionRow[]> {
      if (!submissionIds.length) return [];
      return (await db
        .selectFrom('homework_version as v')
        .leftJoin('app_user as u', 'u.id', 'v.decided_by')
        .select([
          'v.id',
          'v.submission_id as submissionId',
          'v.version',
          'v.body',
          'v.late',
          'v.submitted_at as submittedAt',
          'v.outcome',
          'v.score',
          'v.grade',
          'v.passed',
          'v.comment',
          'v.decided_at as decidedAt',
          'u.display_name as decidedByName',
        ])
        .where('v.submission_id', 'in', submissionIds)
        .orderBy('v.submission_id')
        .orderBy('v.version')
        .execute()) as VersionRow[];
    },

    async filesOfVersions(versionIds: number[]): Promise<Array<FileRow & { versionId: number }>> {
      if (!versionIds.length) return [];
      return (await db
        .selectFrom('homework_version_file as vf')
        .innerJoin('homework_file as f', 'f.id', 'vf.file_id')
        .select(FILE_COLUMNS)
        .select('vf.version_id as versionId')
        .where('vf.version_id', 'in', versionIds)
        .orderBy('vf.version_id')
        .orderBy('vf.position')
        .execute()) as Array<FileRow & { versionId: number }>;
    },

    /**
     * The tutor's table of an assignment: its submissions and, with `withMissing`, the enrolled teachers
     * who have none yet; filtered by status, late and a name, one page, with the total.
     */
    async tutorLines(
      assignment: { id: number; classId: number },
      q: { filter?: TutorFilter; late?: boolean; name?: string; withMissing: boolean; limit: number; offset: number },
    ): Promise<{ items: TutorLine[]; total: number }> {
      let base = db
        .selectFrom('teacher as t')
        .innerJoin('org_unit as o', 'o.id', 't.org_unit_id')
        .leftJoin('homework_submission as s', (j) =>
          j.onRef('s.teacher_id', '=', 't.id').on('s.assignment_id', '=', assignment.id),
        )
        // the class's teachers, and those who left it after handing in work (which they keep)
        .where((eb) =>
          eb.or([
            eb(
              't.id',
              'in',
              eb
                .selectFrom('enrolment as e')
                .select('e.teacher_id')
                .where('e.class_id', '=', assignment.classId)
                .where('e.status', '=', 'enrolled'),
            ),
            eb('s.id', 'is not', null),
          ]),
        );
      if (!q.withMissing) base = base.where('s.id', 'is not', null);
      switch (q.filter) {
        case 'waiting':
          base = base.where('s.status', '=', 'submitted');
          break;
        case 'returned':
          base = base.where('s.status', '=', 'returned');
          break;
        case 'passed':
          base = base.where('s.status', '=', 'graded').where('s.passed', '=', true);
          break;
        case 'failed':
          base = base.where('s.status', '=', 'graded').where('s.passed', '=', false);
          break;
        case 'not_submitted':
          base = base.where('s.id', 'is', null);
          break;
        case undefined:
          break;
        default: {
          const never: never = q.filter;
          throw new Error(`unknown filter ${String(never)}`);
        }
      }
      if (q.late !== undefined) base = base.where(sql<boolean>`coalesce(s.late, false)`, '=', q.late);
      if (q.name) base = base.where('t.name', 'like', `%${escapeLike(q.name)}%`);
      const [items, total] = await Promise.all([
        base
          .select([
            's.id as submissionId',
            't.id as teacherId',
            't.name as teacherName',
            'o.name as orgUnitName',
            's.anon_code as anonCode',
            's.status',
            's.version',
            sql<boolean>`coalesce(s.late, false)`.as('late'),
            's.submitted_at as submittedAt',
            's.score',
            's.grade',
            's.passed',
            's.comment',
            's.decided_at as decidedAt',
            sql<boolean>`s.recommended_at IS NOT NULL`.as('recommended'),
          ])
          // waiting first, the longest waiting at the top; then the rest by code (blind) or name
          .orderBy(sql`coalesce(s.status = 'submitted', false)`, 'desc')
          .orderBy('s.submitted_at')
          .orderBy('s.anon_code')
          .orderBy('t.id')
          .limit(q.limit)
          .offset(q.offset)
          .execute(),
        base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: items as TutorLine[], total: total.n };
    },

    /** The class's recommended works (优秀作业) of assignments not under blind marking any more. */
    async recommended(classId: number): Promise<RecommendedRow[]> {
      const rows = await db
        .selectFrom('homework_submission as s')
        .innerJoin('homework_assignment as a', 'a.id', 's.assignment_id')
        .innerJoin('homework_version as v', (j) =>
          j.onRef('v.submission_id', '=', 's.id').onRef('v.version', '=', 's.version'),
        )
        .innerJoin('teacher as t', 't.id', 's.teacher_id')
        .innerJoin('org_unit as o', 'o.id', 't.org_unit_id')
        .select([
          's.id as submissionId',
          'a.id as assignmentId',
          'a.title as assignmentTitle',
          sql<string | null>`CASE WHEN s.share_name THEN t.name END`.as('teacherName'),
          sql<string | null>`CASE WHEN s.share_name THEN o.name END`.as('orgUnitName'),
          'v.id as versionId',
          'v.body',
          's.score',
          's.grade',
          's.comment',
          's.recommended_at as recommendedAt',
        ])
        .where('s.class_id', '=', classId)
        .where('s.recommended_at', 'is not', null)
        .where((eb) => eb.or([eb('a.blind', '=', false), eb('a.released_at', 'is not', null)]))
        .orderBy('s.recommended_at', 'desc')
        .limit(200)
        .execute();
      return rows as RecommendedRow[];
    },

    /** A teacher's submissions in a class, by assignment. */
    async submissionsOf(classId: number, teacherId: number): Promise<SubmissionRow[]> {
      return (await db
        .selectFrom('homework_submission as s')
        .select(SUBMISSION_COLUMNS)
        .where('s.class_id', '=', classId)
        .where('s.teacher_id', '=', teacherId)
        .execute()) as SubmissionRow[];
    },

    // ---------------------------------------------------------------- files

    async insertFile(f: {
      provinceId: number;
      classId: number;
      teacherId: number;
      sha256: Buffer;
      fileName: string;
      mimeType: string;
      sizeBytes: number;
    }): Promise<number> {
      const r = await db
        .insertInto('homework_file')
        .values({
          province_id: f.provinceId,
          class_id: f.classId,
          teacher_id: f.teacherId,
          sha256: f.sha256,
          file_name: f.fileName,
          mime_type: f.mimeType,
          size_bytes: f.sizeBytes,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    },

    async file(id: number): Promise<FileRow | undefined> {
      return (await db
        .selectFrom('homework_file as f')
        .select(FILE_COLUMNS)
        .where('f.id', '=', id)
        .executeTakeFirst()) as FileRow | undefined;
    },

    /** Of these files, the ids a teacher uploaded in the class. */
    async ownFileIds(classId: number, teacherId: number, ids: number[]): Promise<Set<number>> {
      if (!ids.length) return new Set();
      const rows = await db
        .selectFrom('homework_file')
        .select('id')
        .where('id', 'in', ids)
        .where('class_id', '=', classId)
        .where('teacher_id', '=', teacherId)
        .execute();
      return new Set(rows.map((r) => r.id));
    },

    /** The submissions whose versions carry the file, with their assignment's blind state. */
    async submissionsWithFile(fileId: number): Promise<
      Array<{
        submissionId: number;
        anonCode: string;
        position: number;
        recommended: boolean;
        blindNow: boolean;
        current: boolean;
      }>
    > {
      const rows = await db
        .selectFrom('homework_version_file as vf')
        .innerJoin('homework_version as v', 'v.id', 'vf.version_id')
        .innerJoin('homework_submission as s', 's.id', 'v.submission_id')
        .innerJoin('homework_assignment as a', 'a.id', 's.assignment_id')
        .select([
          's.id as submissionId',
          's.anon_code as anonCode',
          'vf.position',
          sql<boolean>`s.recommended_at IS NOT NULL`.as('recommended'),
          sql<boolean>`a.blind AND a.released_at IS NULL`.as('blindNow'),
          sql<boolean>`v.version = s.version`.as('current'),
        ])
        .where('vf.file_id', '=', fileId)
        .execute();
      return rows;
    },

    // ---------------------------------------------------------------- completion and counts

    /**
     * Per enrolled teacher of the class: how many of its assignments they passed, of how many (one
     * statement for the whole class).
     */
    async passedByTeacher(
      classId: number,
      teacherId?: number,
    ): Promise<Array<{ teacherId: number; passed: number; total: number }>> {
      let q = db
        .selectFrom('enrolment as e')
        .leftJoin('homework_assignment as a', 'a.class_id', 'e.class_id')
        .leftJoin('homework_submission as s', (j) =>
          j.onRef('s.assignment_id', '=', 'a.id').onRef('s.teacher_id', '=', 'e.teacher_id'),
        )
        .select([
          'e.teacher_id as teacherId',
          sql<number>`count(s.id) FILTER (WHERE ${passedSql})::int`.as('passed'),
          sql<number>`count(a.id)::int`.as('total'),
        ])
        .where('e.class_id', '=', classId)
        .where('e.status', '=', 'enrolled');
      if (teacherId !== undefined) q = q.where('e.teacher_id', '=', teacherId);
      return q.groupBy('e.teacher_id').execute();
    },

    /** A teacher's standing in each of their online classes: assignments, passed, and still to hand in. */
    async standing(
      teacherId: number,
      classIds: number[],
    ): Promise<Array<{ classId: number; assignments: number; passed: number; toDo: number }>> {
      if (!classIds.length) return [];
      return db
        .selectFrom('homework_assignment as a')
        .leftJoin('homework_submission as s', (j) =>
          j.onRef('s.assignment_id', '=', 'a.id').on('s.teacher_id', '=', teacherId),
        )
        .select([
          'a.class_id as classId',
          sql<number>`count(a.id)::int`.as('assignments'),
          sql<number>`count(s.id) FILTER (WHERE ${passedSql})::int`.as('passed'),
          sql<number>`count(a.id) FILTER (WHERE s.id IS NULL OR s.status = 'returned'
            OR (s.status = 'graded' AND NOT s.passed AND (NOT a.blind OR a.released_at IS NOT NULL)))::int`.as('toDo'),
        ])
        .where('a.class_id', 'in', classIds)
        .groupBy('a.class_id')
        .execute();
    },

    /** Submissions waiting for a tutor, per class. */
    async waitingIn(classIds: number[]): Promise<Map<number, number>> {
      if (!classIds.length) return new Map();
      const rows = await db
        .selectFrom('homework_submission')
        .select(['class_id as classId', sql<number>`count(*)::int`.as('n')])
        .where('class_id', 'in', classIds)
        .where('status', '=', 'submitted')
        .groupBy('class_id')
        .execute();
      return new Map(rows.map((r) => [r.classId, r.n]));
    },

    /** Submissions waiting in the online classes a trainer teaches. */
    async waitingForTrainer(userId: number): Promise<number> {
      const r = await db
        .selectFrom('homework_submission as s')
        .innerJoin('training_class_trainer as ct', 'ct.class_id', 's.class_id')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('ct.user_id', '=', userId)
        .where('s.status', '=', 'submitted')
        .executeTakeFirstOrThrow();
      return r.n;
    },

    /** Submissions waiting in the online classes of the projects a unit organises. */
    async waitingAtUnit(orgUnitId: number): Promise<number> {
      const r = await db
        .selectFrom('homework_submission as s')
        .innerJoin('training_class as c', 'c.id', 's.class_id')
        .innerJoin('training_project as p', 'p.id', 'c.project_id')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('p.org_unit_id', '=', orgUnitId)
        .where('s.status', '=', 'submitted')
        .executeTakeFirstOrThrow();
      return r.n;
    },
  };
}
