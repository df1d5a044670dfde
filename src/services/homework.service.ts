import crypto from 'node:crypto';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { chinaTime } from '../config/env.js';
import type { DB } from '../db/schema.js';
import {
  anonCode,
  checkScheme,
  decideMark,
  GRADE_LABELS,
  HOMEWORK_FILE_MAX_BYTES,
  isBlindNow,
  isLate,
  maySubmit,
  teacherStatus,
  type GradingKind,
  type HomeworkGrade,
  type TeacherHomeworkStatus,
  type TutorFilter,
} from '../domain/homework.js';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import {
  createHomeworkRepository,
  type AssignmentCounts,
  type AssignmentRow,
  type FileRow,
  type RecommendedRow,
  type SubmissionRow,
  type TutorLine,
} from '../repositories/homework.repository.js';
import { createOnlineClassRepository, type OnlineClassRow } from '../repositories/online-class.repository.js';
import { appendAudit, auditedWrite, auditRefusal } from './audit.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import ExcelJS from './excel.js';
import { notify, type Recipients } from './notify.js';
import { requireClassRole, requireOpen, type ClassAccess, type ClassViewer } from './online-class-access.js';
import { neutraliseCell } from './roster-file.js';
import { cleanFileName, storeBySha256, storedPath, uploadType } from './stored-file.js';

export interface AssignmentInput {
  title: string;
  instructions: string;
  dueAt: Date;
  grading: GradingKind;
  maxScore: number | null;
  passScore: number | null;
  blind: boolean;
}

export interface FileView {
  id: number;
  fileName: string;
  mimeType: string;
  sizeBytes: number;
}

export interface VersionView {
  version: number;
  body: string;
  late: boolean;
  submittedAt: Date;
  /** the tutor's answer; a grade withheld by blind marking reads as none */
  outcome: 'returned' | 'graded' | null;
  score: number | null;
  grade: HomeworkGrade | null;
  passed: boolean | null;
  comment: string | null;
  decidedAt: Date | null;
  files: FileView[];
}

/** What a teacher sees of an assignment and their work on it. */
export interface MyAssignment {
  assignment: AssignmentRow;
  status: TeacherHomeworkStatus;
  /** a (new) version may be sent */
  maySubmit: boolean;
  submission: {
    id: number;
    version: number;
    late: boolean;
    submittedAt: Date;
    shareName: boolean;
    score: number | null;
    grade: HomeworkGrade | null;
    passed: boolean | null;
    comment: string | null;
    decidedAt: Date | null;
    /** graded, but blind marking withholds the grade until the release */
    gradeWithheld: boolean;
    recommended: boolean;
    versions: VersionView[];
  } | null;
}

/** A submission as its tutors see it: without the teacher under blind marking. */
export interface TutorSubmission {
  id: number;
  anonCode: string;
  teacherId: number | null;
  teacherName: string | null;
  orgUnitName: string | null;
  status: SubmissionRow['status'];
  version: number;
  late: boolean;
  submittedAt: Date;
  score: number | null;
  grade: HomeworkGrade | null;
  passed: boolean | null;
  comment: string | null;
  decidedAt: Date | null;
  recommended: boolean;
  versions: VersionView[];
}

/** A line of the tutors' table; under blind marking without the teacher. */
export type TutorLineView = Omit<TutorLine, 'teacherId' | 'teacherName' | 'orgUnitName'> & {
  teacherId: number | null;
  teacherName: string | null;
  orgUnitName: string | null;
};

export interface ClassInfo {
  id: number;
  name: string;
  status: 'open' | 'closed';
  projectTitle: string;
  courseTitle: string;
}

const classInfo = (c: OnlineClassRow): ClassInfo => ({
  id: c.id,
  name: c.name,
  status: c.status,
  projectTitle: c.projectTitle,
  courseTitle: c.courseTitle ?? '',
});

/** The problems of a mark or a scheme, in both languages (AppError params). */
const PROBLEMS: Record<string, { zh: string; en: string }> = {
  score_needed: {
    zh: '此作业按分数评定，请填写 0–{max} 的整数分数',
    en: 'this assignment is scored: give a whole score from 0 to {max}',
  },
  grade_needed: {
    zh: '此作业按等第评定，请选择优秀、良好、合格或不合格',
    en: 'this assignment is graded: choose excellent, good, pass or fail',
  },
  score_out_of_range: { zh: '分数须为 0–{max} 的整数', en: 'the score must be a whole number from 0 to {max}' },
  max_needed: { zh: '按分数评定须填写满分和及格分', en: 'a scored assignment needs its full and pass marks' },
  pass_above_max: { zh: '及格分不能高于满分', en: 'the pass mark cannot be above the full mark' },
  grade_has_scores: { zh: '按等第评定时不填写满分和及格分', en: 'a graded assignment has no full or pass mark' },
};
function problemError(code: 'HOMEWORK_MARK_INVALID' | 'HOMEWORK_SCHEME_INVALID', problem: string, max?: number | null) {
  const p = PROBLEMS[problem]!;
  const fill = (s: string) => s.replace('{max}', String(max ?? ''));
  return new AppError(code, { params: { problem: fill(p.zh), problem_en: fill(p.en) }, details: { problem } });
}

/** The name a file goes by for tutors under blind marking: the anonymous code and its place, never the teacher's own name. */
const blindName = (code: string, position: number, fileName: string) =>
  `${code}-${position + 1}${path.extname(fileName).toLowerCase()}`;

/** Whether every assignment of a class has a passing submission of the teacher (no assignment: passed). */
export async function homeworkPassed(db: Kysely<DB>, classId: number, teacherId: number): Promise<boolean> {
  const [r] = await createHomeworkRepository(db).passedByTeacher(classId, teacherId);
  return r ? r.passed >= r.total : false;
}

/**
 * For every enrolled teacher of a class, in one statement: how many of its assignments they passed,
 * of how many, and whether that is all of them (what the class's completion rule asks, R-31).
 */
export async function homeworkPassedByTeacher(
  db: Kysely<DB>,
  classId: number,
): Promise<Map<number, { passed: number; total: number; all: boolean }>> {
  const rows = await createHomeworkRepository(db).passedByTeacher(classId);
  return new Map(rows.map((r) => [r.teacherId, { passed: r.passed, total: r.total, all: r.passed >= r.total }]));
}

/**
 * Homework of an online class (研修作业): its tutors set assignments and grade, return or recommend the
 * work; its teachers hand in text and files, version after version, until the work passes.
 */
export function createHomeworkService(deps: ServiceDeps, clock: () => Date = () => new Date()) {
  const { db, env } = deps;
  const repo = createHomeworkRepository(db);
  const classes = createOnlineClassRepository(db);
  const fileDir = path.join(env.dataDir, 'homework');

  /** The assignment and the actor's place in its class; a missing one is "not found". */
  async function assignmentAccess(
    ctx: RequestContext,
    action: string,
    id: number,
    need: 'tutor' | 'member' | 'anyone',
  ): Promise<ClassAccess & { assignment: AssignmentRow }> {
    const assignment = await repo.assignment(id);
    if (!assignment) {
      const actor = requireActor(ctx);
      if (actor.role === 'teacher')
        return auditRefusal(db, ctx, { action, targetType: 'homework_assignment', targetId: id }, notFoundDenied());
      throw new AppError('NOT_FOUND');
    }
    const access = await requireClassRole(db, ctx, action, assignment.classId, need, {
      type: 'homework_assignment',
      id,
    });
    return { ...access, assignment };
  }

  async function submissionAccess(
    ctx: RequestContext,
    action: string,
    id: number,
  ): Promise<ClassAccess & { assignment: AssignmentRow; submission: SubmissionRow }> {
    const submission = await repo.submission(id);
    if (!submission) throw new AppError('NOT_FOUND');
    const access = await requireClassRole(db, ctx, action, submission.classId, 'tutor', {
      type: 'homework_submission',
      id,
    });
    const assignment = (await repo.assignment(submission.assignmentId))!;
    return { ...access, assignment, submission };
  }

  /** The tutors a handed-in work reaches: the class's trainers, or the organiser's admins when it has none. */
  async function tutorsOf(cls: OnlineClassRow): Promise<Recipients> {
    const trainers = await classes.trainerUserIds(cls.id);
    return trainers.length ? { users: trainers } : { adminsAt: [cls.projectOrgUnitId] };
  }

  /** Versions with their files, oldest first; under blind marking tutors see files by code, and teachers no withheld grade. */
  async function versionViews(
    subs: Array<Pick<SubmissionRow, 'id' | 'anonCode'>>,
    opts: { blindNames: boolean; withholdGrades: boolean },
  ): Promise<Map<number, VersionView[]>> {
    const versions = await repo.versions(subs.map((s) => s.id));
    const files = await repo.filesOfVersions(versions.map((v) => v.id));
    const code = new Map(subs.map((s) => [s.id, s.anonCode]));
    const out = new Map<number, VersionView[]>();
    for (const v of versions) {
      const own = files.filter((f) => f.versionId === v.id);
      const withheld = opts.withholdGrades && v.outcome === 'graded';
      const view: VersionView = {
        version: v.version,
        body: v.body,
        late: v.late,
        submittedAt: v.submittedAt,
        outcome: withheld ? null : v.outcome,
        score: withheld ? null : v.score,
        grade: withheld ? null : v.grade,
        passed: withheld ? null : v.passed,
        comment: withheld ? null : v.comment,
        decidedAt: withheld ? null : v.decidedAt,
        files: own.map((f, i) => ({
          id: f.id,
          fileName: opts.blindNames ? blindName(code.get(v.submissionId)!, i, f.fileName) : f.fileName,
          mimeType: f.mimeType,
          sizeBytes: Number(f.sizeBytes),
        })),
      };
      out.set(v.submissionId, [...(out.get(v.submissionId) ?? []), view]);
    }
    return out;
  }

  /** The teacher's view of these assignments of the class. */
  async function myAssignments(
    cls: OnlineClassRow,
    teacherId: number,
    assignments: AssignmentRow[],
  ): Promise<MyAssignment[]> {
    const now = clock();
    const subs = new Map((await repo.submissionsOf(cls.id, teacherId)).map((s) => [s.assignmentId, s]));
    const mine = assignments.map((a) => subs.get(a.id)).filter((s): s is SubmissionRow => s !== undefined);
    const blindOf = new Map(assignments.map((a) => [a.id, isBlindNow(a)]));
    const withheldVersions = await versionViews(
      mine.filter((s) => blindOf.get(s.assignmentId)),
      { blindNames: false, withholdGrades: true },
    );
    const openVersions = await versionViews(
      mine.filter((s) => !blindOf.get(s.assignmentId)),
      { blindNames: false, withholdGrades: false },
    );
    return assignments.map((a) => {
      const s = subs.get(a.id) ?? null;
      const blind = isBlindNow(a);
      const withheld = s?.status === 'graded' && blind;
      return {
        assignment: a,
        status: teacherStatus(s, a, now),
        maySubmit: cls.status === 'open' && maySubmit(s),
        submission: s && {
          id: s.id,
          version: s.version,
          late: s.late,
          submittedAt: s.submittedAt,
          shareName: s.shareName,
          score: withheld ? null : s.score,
          grade: withheld ? null : s.grade,
          passed: withheld ? null : s.passed,
          comment: withheld ? null : s.comment,
          decidedAt: withheld ? null : s.decidedAt,
          gradeWithheld: withheld,
          recommended: s.recommendedAt !== null && !blind,
          versions: (blind ? withheldVersions : openVersions).get(s.id) ?? [],
        },
      };
    });
  }

  async function tutorSubmission(assignment: AssignmentRow, s: SubmissionRow): Promise<TutorSubmission> {
    const blind = isBlindNow(assignment);
    const who = blind ? undefined : await classes.teacherLabel(s.teacherId);
    const versions = await versionViews([s], { blindNames: blind, withholdGrades: false });
    return {
      id: s.id,
      anonCode: s.anonCode,
      teacherId: blind ? null : s.teacherId,
      teacherName: who?.name ?? null,
      orgUnitName: who?.orgUnitName ?? null,
      status: s.status,
      version: s.version,
      late: s.late,
      submittedAt: s.submittedAt,
      score: s.score,
      grade: s.grade,
      passed: s.passed,
      comment: s.comment,
      decidedAt: s.decidedAt,
      recommended: s.recommendedAt !== null,
      versions: versions.get(s.id) ?? [],
    };
  }

  /** How a submission is named in the audit log and to tutors: by its code while blind marking is on. */
  async function labelOf(a: AssignmentRow, s: Pick<SubmissionRow, 'teacherId' | 'anonCode'>): Promise<string> {
    if (isBlindNow(a)) return `${a.title} / #${s.anonCode}`;
    return `${a.title} / ${(await classes.teacherLabel(s.teacherId))?.name ?? ''}`;
  }

  function checkInput(input: AssignmentInput): void {
    const problem = checkScheme(input);
    if (problem) throw problemError('HOMEWORK_SCHEME_INVALID', problem);
  }

  return {
    // ---------------------------------------------------------------- tutors: assignments

    /** The class's assignments with how their submissions stand, for its tutors. */
    async assignments(
      ctx: RequestContext,
      classId: number,
    ): Promise<{ cls: ClassInfo; viewer: ClassViewer; items: Array<AssignmentRow & AssignmentCounts> }> {
      const { cls, viewer } = await requireClassRole(db, ctx, 'homework.list_assignments', classId, 'tutor');
      return { cls: classInfo(cls), viewer, items: await repo.assignments(cls.id) };
    },

    async createAssignment(ctx: RequestContext, classId: number, input: AssignmentInput): Promise<AssignmentRow> {
      const action = 'homework.create_assignment';
      const { cls, viewer } = await requireClassRole(db, ctx, action, classId, 'tutor');
      requireOpen(cls);
      checkInput(input);
      const id = await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'homework_assignment',
          targetPath: cls.projectPath,
          targetLabel: `${cls.name} / ${input.title}`,
          details: { classId: cls.id, grading: input.grading, blind: input.blind, dueAt: input.dueAt.toISOString() },
        },
        async (trx, meta) => {
          const newId = await createHomeworkRepository(trx).insertAssignment({
            ...input,
            provinceId: cls.provinceId,
            classId: cls.id,
            createdBy: viewer.actor.userId,
          });
          meta.targetId = newId;
          return newId;
        },
      );
      return (await repo.assignment(id))!;
    },

    async updateAssignment(ctx: RequestContext, id: number, input: AssignmentInput): Promise<AssignmentRow> {
      const action = 'homework.update_assignment';
      const { cls, assignment } = await assignmentAccess(ctx, action, id, 'tutor');
      requireOpen(cls);
      checkInput(input);
      await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'homework_assignment',
          targetId: id,
          targetPath: cls.projectPath,
          targetLabel: `${cls.name} / ${input.title}`,
          details: { dueAt: input.dueAt.toISOString(), blind: input.blind, grading: input.grading },
        },
        async (trx) => {
          const r = createHomeworkRepository(trx);
          const a = (await r.assignment(id, true))!;
          const n = await r.submissionCount(id);
          const scheme =
            a.grading !== input.grading || a.maxScore !== input.maxScore || a.passScore !== input.passScore;
          // a grade given stays what it was given against; names seen (or hidden) stay so
          if ((scheme && n.graded > 0) || (a.blind !== input.blind && n.all > 0))
            throw new AppError('HOMEWORK_HAS_SUBMISSIONS');
          await r.updateAssignment(id, input);
        },
      );
      return (await repo.assignment(id)) ?? assignment;
    },

    async deleteAssignment(ctx: RequestContext, id: number): Promise<void> {
      const action = 'homework.delete_assignment';
      const { cls, assignment } = await assignmentAccess(ctx, action, id, 'tutor');
      await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'homework_assignment',
          targetId: id,
          targetPath: cls.projectPath,
          targetLabel: `${cls.name} / ${assignment.title}`,
          details: { title: assignment.title, instructions: assignment.instructions },
        },
        async (trx) => {
          const r = createHomeworkRepository(trx);
          await r.assignment(id, true);
          if ((await r.submissionCount(id)).all > 0) throw new AppError('HOMEWORK_HAS_SUBMISSIONS');
          await r.deleteAssignment(id);
        },
      );
    },

    /** Ends blind marking: tutors see the names, teachers their grades (told by a message). */
    async release(ctx: RequestContext, id: number): Promise<AssignmentRow> {
      const action = 'homework.release';
      const { cls, assignment, viewer } = await assignmentAccess(ctx, action, id, 'tutor');
      if (!assignment.blind || assignment.releasedAt) throw new AppError('HOMEWORK_STATE');
      await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'homework_assignment',
          targetId: id,
          targetPath: cls.projectPath,
          targetLabel: `${cls.name} / ${assignment.title}`,
        },
        async (trx) => {
          const r = createHomeworkRepository(trx);
          if (!(await r.release(id, viewer.actor.userId))) throw new AppError('HOMEWORK_STATE');
          const graded = await r.gradedTeacherUsers(id);
          for (const passed of [true, false]) {
            const users = graded.filter((g) => g.passed === passed).map((g) => g.userId);
            if (users.length)
              await notify(trx, {
                to: { users },
                kind: 'homework_graded',
                params: { assignment: assignment.title, className: cls.name, passed },
                link: `/me/study/${cls.id}/homework`,
                senderId: viewer.actor.userId,
              });
          }
        },
      );
      return (await repo.assignment(id))!;
    },

    // ---------------------------------------------------------------- tutors: submissions

    /** The submissions of an assignment (and, unless blind, who has none yet), filtered, one page. */
    async submissions(
      ctx: RequestContext,
      assignmentId: number,
      q: { filter?: TutorFilter; late?: boolean; name?: string; limit: number; offset: number },
    ): Promise<{ cls: ClassInfo; assignment: AssignmentRow; blind: boolean; items: TutorLineView[]; total: number }> {
      const { cls, assignment } = await assignmentAccess(ctx, 'homework.list_submissions', assignmentId, 'tutor');
      const blind = isBlindNow(assignment);
      // under blind marking nobody is listed by name: those without a submission have no code to show
      if (blind && q.filter === 'not_submitted') return { cls: classInfo(cls), assignment, blind, items: [], total: 0 };
      const r = await repo.tutorLines(assignment, {
        ...q,
        name: blind ? undefined : q.name,
        withMissing: !blind,
      });
      const items = blind
        ? r.items.map((l) => ({ ...l, teacherId: null, teacherName: null, orgUnitName: null }))
        : r.items;
      return { cls: classInfo(cls), assignment, blind, items, total: r.total };
    },

    /** The grades of an assignment as an .xlsx sheet (audited); under blind marking without names. */
    async exportGrades(
      ctx: RequestContext,
      assignmentId: number,
    ): Promise<{ buffer: Buffer; cls: ClassInfo; assignment: AssignmentRow }> {
      const action = 'homework.export_grades';
      const { cls, assignment } = await assignmentAccess(ctx, action, assignmentId, 'tutor');
      const blind = isBlindNow(assignment);
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('作业成绩');
      ws.columns = [
        { header: '序号', key: 'n', width: 6 },
        { header: '匿名编号', key: 'code', width: 10 },
        ...(blind
          ? []
          : [
              { header: '姓名', key: 'name', width: 12 },
              { header: '学校', key: 'school', width: 28 },
            ]),
        { header: '状态', key: 'status', width: 10 },
        { header: '版本', key: 'version', width: 6 },
        { header: '逾期', key: 'late', width: 6 },
        { header: '提交时间', key: 'at', width: 20 },
        {
          header: assignment.grading === 'score' ? `分数（满分 ${assignment.maxScore}）` : '等第',
          key: 'mark',
          width: 14,
        },
        { header: '是否通过', key: 'passed', width: 10 },
        { header: '评语', key: 'comment', width: 40 },
        { header: '优秀作业', key: 'recommended', width: 10 },
      ];
      const STATUS: Record<string, string> = { submitted: '待批改', returned: '已退回', graded: '已批改' };
      let n = 0;
      for (let offset = 0; ; offset += 5_000) {
        const page = await repo.tutorLines(assignment, { withMissing: !blind, limit: 5_000, offset });
        for (const l of page.items) {
          ws.addRow({
            n: ++n,
            code: l.anonCode ?? '',
            ...(blind ? {} : { name: neutraliseCell(l.teacherName), school: neutraliseCell(l.orgUnitName) }),
            status: l.status ? STATUS[l.status] : '未提交',
            version: l.version ?? '',
            late: l.late ? '是' : '',
            at: l.submittedAt ? chinaTime(l.submittedAt) : '',
            mark: l.status !== 'graded' ? '' : l.grade ? GRADE_LABELS[l.grade] : (l.score ?? ''),
            passed: l.status === 'graded' ? (l.passed ? '通过' : '未通过') : '',
            comment: neutraliseCell(l.comment ?? ''),
            recommended: l.recommended ? '是' : '',
          });
        }
        if (page.items.length < 5_000) break;
      }
      ws.getRow(1).font = { bold: true };
      const buffer = Buffer.from(await wb.xlsx.writeBuffer());
      await appendAudit(
        db,
        ctx,
        {
          action,
          targetType: 'homework_assignment',
          targetId: assignmentId,
          targetPath: cls.projectPath,
          targetLabel: `${cls.name} / ${assignment.title}`,
          details: { rows: n, blind },
        },
        'success',
      );
      return { buffer, cls: classInfo(cls), assignment };
    },

    /** One submission with every version, for its tutors (the grading drawer). */
    async submission(
      ctx: RequestContext,
      id: number,
    ): Promise<{ cls: ClassInfo; assignment: AssignmentRow; blind: boolean; submission: TutorSubmission }> {
      const { cls, assignment, submission } = await submissionAccess(ctx, 'homework.read_submission', id);
      return {
        cls: classInfo(cls),
        assignment,
        blind: isBlindNow(assignment),
        submission: await tutorSubmission(assignment, submission),
      };
    },

    /** Grades the current version with a score or a grade and a comment; it passes or it does not. */
    async grade(
      ctx: RequestContext,
      id: number,
      input: { version: number; score?: number | null; grade?: HomeworkGrade | null; comment: string | null },
    ): Promise<TutorSubmission> {
      const action = 'homework.grade';
      const { cls, assignment, submission, viewer } = await submissionAccess(ctx, action, id);
      requireOpen(cls);
      const mark = decideMark(assignment, input);
      if ('problem' in mark) throw problemError('HOMEWORK_MARK_INVALID', mark.problem, assignment.maxScore);
      const blind = isBlindNow(assignment);
      await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'homework_submission',
          targetId: id,
          targetPath: cls.projectPath,
          targetLabel: await labelOf(assignment, submission),
          details: { version: input.version, score: mark.score, grade: mark.grade, passed: mark.passed },
        },
        async (trx) => {
          const r = createHomeworkRepository(trx);
          const s = (await r.submission(id, true))!;
          if (s.status !== 'submitted') throw new AppError('HOMEWORK_STATE');
          if (s.version !== input.version) throw new AppError('HOMEWORK_VERSION_STALE');
          await r.decide(s, { status: 'graded', ...mark, comment: input.comment, by: viewer.actor.userId });
          // under blind marking the teacher hears of the grade at the release
          if (!blind)
            await notify(trx, {
              to: { teacherOf: s.teacherId },
              kind: 'homework_graded',
              params: { assignment: assignment.title, className: cls.name, passed: mark.passed },
              link: `/me/study/${cls.id}/homework`,
              senderId: viewer.actor.userId,
            });
        },
      );
      return tutorSubmission(assignment, (await repo.submission(id))!);
    },

    /** Sends the current version back for another one, with what to change. */
    async returnForRevision(
      ctx: RequestContext,
      id: number,
      input: { version: number; comment: string },
    ): Promise<TutorSubmission> {
      const action = 'homework.return';
      const { cls, assignment, submission, viewer } = await submissionAccess(ctx, action, id);
      requireOpen(cls);
      await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'homework_submission',
          targetId: id,
          targetPath: cls.projectPath,
          targetLabel: await labelOf(assignment, submission),
          details: { version: input.version },
        },
        async (trx) => {
          const r = createHomeworkRepository(trx);
          const s = (await r.submission(id, true))!;
          if (s.status !== 'submitted') throw new AppError('HOMEWORK_STATE');
          if (s.version !== input.version) throw new AppError('HOMEWORK_VERSION_STALE');
          await r.decide(s, {
            status: 'returned',
            score: null,
            grade: null,
            passed: null,
            comment: input.comment,
            by: viewer.actor.userId,
          });
          await notify(trx, {
            to: { teacherOf: s.teacherId },
            kind: 'homework_returned',
            params: { assignment: assignment.title, className: cls.name, comment: input.comment },
            link: `/me/study/${cls.id}/homework`,
            senderId: viewer.actor.userId,
          });
        },
      );
      return tutorSubmission(assignment, (await repo.submission(id))!);
    },

    /** 优秀作业: a passed work shown to the whole class (or taken back). */
    async recommend(ctx: RequestContext, id: number, recommended: boolean): Promise<TutorSubmission> {
      const action = 'homework.recommend';
      const { cls, assignment, submission, viewer } = await submissionAccess(ctx, action, id);
      await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'homework_submission',
          targetId: id,
          targetPath: cls.projectPath,
          targetLabel: await labelOf(assignment, submission),
          details: { recommended },
        },
        async (trx) => {
          const r = createHomeworkRepository(trx);
          const s = (await r.submission(id, true))!;
          if (recommended && !(s.status === 'graded' && s.passed)) throw new AppError('HOMEWORK_STATE');
          await r.recommend(id, recommended ? viewer.actor.userId : null);
        },
      );
      return tutorSubmission(assignment, (await repo.submission(id))!);
    },

    // ---------------------------------------------------------------- teachers

    /** A teacher's assignments of the class with their own work on each. */
    async mine(ctx: RequestContext, classId: number): Promise<{ cls: ClassInfo; items: MyAssignment[] }> {
      const { cls, viewer } = await requireClassRole(db, ctx, 'homework.mine', classId, 'member');
      if (viewer.kind !== 'member') throw new AppError('FORBIDDEN');
      const assignments = (await repo.assignments(cls.id)).map(
        ({ submitted, waiting, returned, passed, failed, late, recommended, ...a }) => a,
      );
      return { cls: classInfo(cls), items: await myAssignments(cls, viewer.teacherId, assignments) };
    },

    /** A file for the teacher's next version, checked by its content and kept under the data dir. */
    async uploadFile(ctx: RequestContext, classId: number, file: { name: string; data: Buffer }): Promise<FileView> {
      const action = 'homework.upload_file';
      const { cls, viewer } = await requireClassRole(db, ctx, action, classId, 'member');
      if (viewer.kind !== 'member') throw new AppError('FORBIDDEN');
      requireOpen(cls);
      if (file.data.length > HOMEWORK_FILE_MAX_BYTES) throw new AppError('FILE_TOO_LARGE');
      const mime = uploadType(file.name, file.data);
      if (!mime) throw new AppError('HOMEWORK_FILE_NOT_ALLOWED');
      const { sha256, hex } = storeBySha256(fileDir, file.data);
      const name = cleanFileName(file.name, `homework${path.extname(file.name).toLowerCase()}`);
      const id = await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'homework_file',
          targetPath: viewer.teacherPath,
          targetLabel: name,
          details: { classId: cls.id, size: file.data.length, sha256: hex },
        },
        async (trx, meta) => {
          const fileId = await createHomeworkRepository(trx).insertFile({
            provinceId: cls.provinceId,
            classId: cls.id,
            teacherId: viewer.teacherId,
            sha256,
            fileName: name,
            mimeType: mime,
            sizeBytes: file.data.length,
          });
          meta.targetId = fileId;
          return fileId;
        },
      );
      return { id, fileName: name, mimeType: mime, sizeBytes: file.data.length };
    },

    /**
     * Hands in a version: the first, or a new one after a return or a failing grade (every version is
     * kept). After the due moment it is accepted and marked late. Its tutors are told.
     */
    async submit(
      ctx: RequestContext,
      assignmentId: number,
      input: { body: string; fileIds: number[]; shareName: boolean },
    ): Promise<MyAssignment> {
      const action = 'homework.submit';
      const { cls, viewer, assignment } = await assignmentAccess(ctx, action, assignmentId, 'member');
      if (viewer.kind !== 'member') throw new AppError('FORBIDDEN');
      requireOpen(cls);
      const fileIds = [...new Set(input.fileIds)];
      if (!input.body.trim() && fileIds.length === 0) throw new AppError('HOMEWORK_EMPTY');
      const tutors = await tutorsOf(cls);
      const blind = isBlindNow(assignment);
      await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'homework_assignment',
          targetId: assignmentId,
          targetPath: viewer.teacherPath,
          targetLabel: `${cls.name} / ${assignment.title}`,
          details: { files: fileIds.length, chars: input.body.length },
        },
        async (trx, meta) => {
          const r = createHomeworkRepository(trx);
          const own = await r.ownFileIds(cls.id, viewer.teacherId, fileIds);
          if (own.size !== fileIds.length) throw new AppError('NOT_FOUND');
          let s = await r.submissionOf(assignmentId, viewer.teacherId, true);
          if (!s) {
            // the first version: the assignment's row is locked while its anonymous code is chosen
            await r.assignment(assignmentId, true);
            s = await r.submissionOf(assignmentId, viewer.teacherId, true);
          }
          if (!maySubmit(s ?? null)) throw new AppError('HOMEWORK_STATE');
          const now = clock();
          const late = isLate(now, assignment.dueAt);
          let submissionId: number;
          let version: number;
          let code: string;
          if (!s) {
            code = anonCode(await r.takenCodes(assignmentId), crypto.randomInt(10_000));
            version = 1;
            submissionId = await r.insertSubmission({
              provinceId: cls.provinceId,
              assignmentId,
              classId: cls.id,
              teacherId: viewer.teacherId,
              orgPath: viewer.teacherPath,
              anonCode: code,
              late,
              submittedAt: now,
              shareName: input.shareName,
            });
          } else {
            code = s.anonCode;
            version = s.version + 1;
            submissionId = s.id;
            await r.resubmit(s.id, { version, late, submittedAt: now, shareName: input.shareName });
          }
          await r.insertVersion({ submissionId, version, body: input.body, late, submittedAt: now, fileIds });
          meta.details = { ...meta.details, version, late };
          await notify(trx, {
            to: tutors,
            kind: 'homework_submitted',
            // under blind marking the tutors learn the code only, not who sent it
            params: {
              assignment: assignment.title,
              className: cls.name,
              teacher: blind ? `#${code}` : viewer.teacherName,
              version,
              late,
            },
            link: `/study/classes/${cls.id}/homework?assignment=${assignmentId}`,
            senderId: blind ? null : viewer.actor.userId,
          });
        },
      );
      const [mine] = await myAssignments(cls, viewer.teacherId, [(await repo.assignment(assignmentId))!]);
      return mine!;
    },

    /** The recommended works (优秀作业) of the class, for its teachers and tutors. */
    async recommended(
      ctx: RequestContext,
      classId: number,
    ): Promise<{ cls: ClassInfo; items: Array<RecommendedRow & { files: FileView[] }> }> {
      const { cls } = await requireClassRole(db, ctx, 'homework.recommended', classId, 'anyone');
      const rows = await repo.recommended(cls.id);
      const files = await repo.filesOfVersions(rows.map((r) => r.versionId));
      return {
        cls: classInfo(cls),
        items: rows.map((r) => ({
          ...r,
          files: files
            .filter((f) => f.versionId === r.versionId)
            .map((f) => ({ id: f.id, fileName: f.fileName, mimeType: f.mimeType, sizeBytes: Number(f.sizeBytes) })),
        })),
      };
    },

    /**
     * A homework file: to its author; to the class's tutors once handed in (named by code under blind
     * marking); to the class's teachers when it belongs to a recommended work.
     */
    async file(ctx: RequestContext, id: number): Promise<{ row: FileRow; path: string; fileName: string }> {
      const action = 'homework.read_file';
      const row = await repo.file(id);
      const actor = requireActor(ctx);
      const target = { type: 'homework_file', id };
      if (!row) {
        if (actor.role === 'teacher')
          return auditRefusal(db, ctx, { action, targetType: 'homework_file', targetId: id }, notFoundDenied());
        throw new AppError('NOT_FOUND');
      }
      const found = (fileName: string) => ({ row, path: storedPath(fileDir, row.sha256), fileName });
      const uses = await repo.submissionsWithFile(id);
      if (actor.role === 'teacher') {
        const own = await classes.teacherOfUser(actor.userId);
        if (own?.id === row.teacherId) return found(row.fileName);
        await requireClassRole(db, ctx, action, row.classId, 'anyone', target);
        if (uses.some((u) => u.recommended && u.current && !u.blindNow)) return found(row.fileName);
        return auditRefusal(db, ctx, { action, targetType: 'homework_file', targetId: id }, notFoundDenied());
      }
      await requireClassRole(db, ctx, action, row.classId, 'tutor', target);
      // a file never handed in is its author's alone
      if (!uses.length)
        return auditRefusal(db, ctx, { action, targetType: 'homework_file', targetId: id }, notFoundDenied());
      const blind = uses.find((u) => u.blindNow);
      return found(blind ? blindName(blind.anonCode, blind.position, row.fileName) : row.fileName);
    },
  };
}

export type HomeworkService = ReturnType<typeof createHomeworkService>;
