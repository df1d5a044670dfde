import fs from 'node:fs';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  GRADING_KINDS,
  HOMEWORK_GRADES,
  HOMEWORK_MAX_FILES,
  SUBMISSION_STATUSES,
  TEACHER_HOMEWORK_STATUSES,
  TUTOR_FILTERS,
} from '../../domain/homework.js';
import type { AssignmentCounts, AssignmentRow, RecommendedRow } from '../../repositories/homework.repository.js';
import type {
  ClassInfo,
  FileView,
  MyAssignment,
  TutorLineView,
  TutorSubmission,
  VersionView,
} from '../../services/homework.service.js';
import type { ClassViewer } from '../../services/online-class-access.js';
import type { Services } from '../../services/services.js';
import { readUploadedFile } from '../upload.js';
import { iso } from '../presenters.js';
import { attachment, IdParams, Paging, XLSX, zBodyId, zBool, zParagraphs, zText } from '../schemas.js';

export const ClassInfoOut = z.object({
  id: z.number(),
  name: z.string(),
  status: z.enum(['open', 'closed']),
  projectTitle: z.string(),
  courseTitle: z.string(),
});
const ViewerOut = z.object({ tutor: z.boolean(), trainer: z.boolean() });
const AssignmentOut = z.object({
  id: z.number(),
  classId: z.number(),
  title: z.string(),
  instructions: z.string(),
  dueAt: z.string(),
  grading: z.enum(GRADING_KINDS),
  maxScore: z.number().nullable(),
  passScore: z.number().nullable(),
  blind: z.boolean(),
  /** blind marking still on: tutors see codes, teachers no grades */
  blindNow: z.boolean(),
  releasedAt: z.string().nullable(),
  createdAt: z.string(),
});
const CountsOut = z.object({
  submitted: z.number(),
  waiting: z.number(),
  returned: z.number(),
  passed: z.number(),
  failed: z.number(),
  late: z.number(),
  recommended: z.number(),
});
const FileOut = z.object({ id: z.number(), fileName: z.string(), mimeType: z.string(), sizeBytes: z.number() });
const VersionOut = z.object({
  version: z.number(),
  body: z.string(),
  late: z.boolean(),
  submittedAt: z.string(),
  outcome: z.enum(['returned', 'graded']).nullable(),
  score: z.number().nullable(),
  grade: z.enum(HOMEWORK_GRADES).nullable(),
  passed: z.boolean().nullable(),
  comment: z.string().nullable(),
  decidedAt: z.string().nullable(),
  files: z.array(FileOut),
});
const MyAssignmentOut = z.object({
  assignment: AssignmentOut,
  status: z.enum(TEACHER_HOMEWORK_STATUSES),
  maySubmit: z.boolean(),
  submission: z
    .object({
      id: z.number(),
      version: z.number(),
      late: z.boolean(),
      submittedAt: z.string(),
      shareName: z.boolean(),
      score: z.number().nullable(),
      grade: z.enum(HOMEWORK_GRADES).nullable(),
      passed: z.boolean().nullable(),
      comment: z.string().nullable(),
      decidedAt: z.string().nullable(),
      gradeWithheld: z.boolean(),
      recommended: z.boolean(),
      versions: z.array(VersionOut),
    })
    .nullable(),
});
const TutorLineOut = z.object({
  submissionId: z.number().nullable(),
  /** null under blind marking */
  teacherId: z.number().nullable(),
  teacherName: z.string().nullable(),
  orgUnitName: z.string().nullable(),
  anonCode: z.string().nullable(),
  status: z.enum(SUBMISSION_STATUSES).nullable(),
  version: z.number().nullable(),
  late: z.boolean(),
  submittedAt: z.string().nullable(),
  score: z.number().nullable(),
  grade: z.enum(HOMEWORK_GRADES).nullable(),
  passed: z.boolean().nullable(),
  decidedAt: z.string().nullable(),
  recommended: z.boolean(),
});
const TutorSubmissionOut = z.object({
  id: z.number(),
  anonCode: z.string(),
  teacherId: z.number().nullable(),
  teacherName: z.string().nullable(),
  orgUnitName: z.string().nullable(),
  status: z.enum(SUBMISSION_STATUSES),
  version: z.number(),
  late: z.boolean(),
  submittedAt: z.string(),
  score: z.number().nullable(),
  grade: z.enum(HOMEWORK_GRADES).nullable(),
  passed: z.boolean().nullable(),
  comment: z.string().nullable(),
  decidedAt: z.string().nullable(),
  recommended: z.boolean(),
  versions: z.array(VersionOut),
});
const RecommendedOut = z.object({
  submissionId: z.number(),
  assignmentId: z.number(),
  assignmentTitle: z.string(),
  /** null when the author did not agree to be named */
  teacherName: z.string().nullable(),
  orgUnitName: z.string().nullable(),
  body: z.string(),
  score: z.number().nullable(),
  grade: z.enum(HOMEWORK_GRADES).nullable(),
  comment: z.string().nullable(),
  recommendedAt: z.string(),
  files: z.array(FileOut),
});

export const AssignmentRequest = z
  .object({
    title: zText(200),
    instructions: zParagraphs(20_000, 0).optional(),
    dueAt: z.iso.datetime({ offset: true }),
    grading: z.enum(GRADING_KINDS),
    maxScore: z.number().int().min(1).max(1000).nullable().optional(),
    passScore: z.number().int().min(0).max(1000).nullable().optional(),
    blind: z.boolean().optional(),
  })
  .strict();
export const SubmitRequest = z
  .object({
    body: zParagraphs(50_000, 0),
    fileIds: z.array(zBodyId).max(HOMEWORK_MAX_FILES).default([]),
    /** the author agrees to be named should the work be recommended to the class */
    shareName: z.boolean().default(false),
  })
  .strict();
export const GradeRequest = z
  .object({
    /** the version graded: a newer one sent meanwhile is refused (HOMEWORK_VERSION_STALE) */
    version: z.number().int().min(1),
    score: z.number().int().min(0).max(1000).nullable().optional(),
    grade: z.enum(HOMEWORK_GRADES).nullable().optional(),
    comment: zParagraphs(5000).nullable().optional(),
  })
  .strict();
export const ReturnRequest = z.object({ version: z.number().int().min(1), comment: zParagraphs(5000) }).strict();

const presentAssignment = (a: AssignmentRow): z.infer<typeof AssignmentOut> => ({
  id: a.id,
  classId: a.classId,
  title: a.title,
  instructions: a.instructions,
  dueAt: a.dueAt.toISOString(),
  grading: a.grading,
  maxScore: a.maxScore,
  passScore: a.passScore,
  blind: a.blind,
  blindNow: a.blind && a.releasedAt === null,
  releasedAt: iso(a.releasedAt),
  createdAt: a.createdAt.toISOString(),
});
const presentCounts = (c: AssignmentCounts): z.infer<typeof CountsOut> => ({
  submitted: c.submitted,
  waiting: c.waiting,
  returned: c.returned,
  passed: c.passed,
  failed: c.failed,
  late: c.late,
  recommended: c.recommended,
});
const presentFile = (f: FileView): z.infer<typeof FileOut> => ({ ...f, sizeBytes: Number(f.sizeBytes) });
const presentVersion = (v: VersionView): z.infer<typeof VersionOut> => ({
  ...v,
  submittedAt: v.submittedAt.toISOString(),
  decidedAt: iso(v.decidedAt),
  files: v.files.map(presentFile),
});
const presentMine = (m: MyAssignment): z.infer<typeof MyAssignmentOut> => ({
  assignment: presentAssignment(m.assignment),
  status: m.status,
  maySubmit: m.maySubmit,
  submission: m.submission && {
    ...m.submission,
    submittedAt: m.submission.submittedAt.toISOString(),
    decidedAt: iso(m.submission.decidedAt),
    versions: m.submission.versions.map(presentVersion),
  },
});
const presentLine = (l: TutorLineView): z.infer<typeof TutorLineOut> => ({
  submissionId: l.submissionId,
  teacherId: l.teacherId,
  teacherName: l.teacherName,
  orgUnitName: l.orgUnitName,
  anonCode: l.anonCode,
  status: l.status,
  version: l.version,
  late: l.late,
  submittedAt: iso(l.submittedAt),
  score: l.score,
  grade: l.grade,
  passed: l.passed,
  decidedAt: iso(l.decidedAt),
  recommended: l.recommended,
});
const presentSubmission = (s: TutorSubmission): z.infer<typeof TutorSubmissionOut> => ({
  ...s,
  submittedAt: s.submittedAt.toISOString(),
  decidedAt: iso(s.decidedAt),
  versions: s.versions.map(presentVersion),
});
const presentRecommended = (r: RecommendedRow & { files: FileView[] }): z.infer<typeof RecommendedOut> => ({
  submissionId: r.submissionId,
  assignmentId: r.assignmentId,
  assignmentTitle: r.assignmentTitle,
  teacherName: r.teacherName,
  orgUnitName: r.orgUnitName,
  body: r.body,
  score: r.score,
  grade: r.grade,
  comment: r.comment,
  recommendedAt: r.recommendedAt.toISOString(),
  files: r.files.map(presentFile),
});
export const presentClassInfo = (c: ClassInfo): z.infer<typeof ClassInfoOut> => c;
const presentViewer = (v: ClassViewer): z.infer<typeof ViewerOut> => ({
  tutor: v.kind === 'tutor',
  trainer: v.kind === 'tutor' && v.trainer,
});

const toInput = (b: z.infer<typeof AssignmentRequest>) => ({
  title: b.title,
  instructions: b.instructions ?? '',
  dueAt: new Date(b.dueAt),
  grading: b.grading,
  maxScore: b.maxScore ?? null,
  passScore: b.passScore ?? null,
  blind: b.blind ?? false,
});

/** Homework of an online class (研修作业): assignments, submissions with their versions, grading, files. */
export const homeworkRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const hw = services.homework;

  // ---------------------------------------------------------------- tutors

  app.get(
    '/classes/:id/homework/assignments',
    {
      config: { action: 'homework.list_assignments' },
      schema: {
        tags: ['homework'],
        summary: "An online class's assignments with how their submissions stand (its tutors)",
        params: IdParams,
        response: {
          200: z.object({
            class: ClassInfoOut,
            viewer: ViewerOut,
            items: z.array(AssignmentOut.extend({ counts: CountsOut })),
          }),
        },
      },
    },
    async (req) => {
      const r = await hw.assignments(req.ctx, req.params.id);
      return {
        class: presentClassInfo(r.cls),
        viewer: presentViewer(r.viewer),
        items: r.items.map((a) => ({ ...presentAssignment(a), counts: presentCounts(a) })),
      };
    },
  );

  app.post(
    '/classes/:id/homework/assignments',
    {
      config: { action: 'homework.create_assignment' },
      schema: {
        tags: ['homework'],
        summary:
          'Sets an assignment: title, instructions, due moment, a score (full and pass marks) or a grade (优秀/良好/合格/不合格), blind marking',
        params: IdParams,
        body: AssignmentRequest,
        response: { 201: z.object({ assignment: AssignmentOut }) },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send({ assignment: presentAssignment(await hw.createAssignment(req.ctx, req.params.id, toInput(req.body))) }),
  );

  app.put(
    '/homework/assignments/:id',
    {
      config: { action: 'homework.update_assignment' },
      schema: {
        tags: ['homework'],
        summary:
          'Changes an assignment; its grading once work is graded, and its blind marking once work is handed in, stay (HOMEWORK_HAS_SUBMISSIONS)',
        params: IdParams,
        body: AssignmentRequest,
        response: { 200: z.object({ assignment: AssignmentOut }) },
      },
    },
    async (req) => ({
      assignment: presentAssignment(await hw.updateAssignment(req.ctx, req.params.id, toInput(req.body))),
    }),
  );

  app.delete(
    '/homework/assignments/:id',
    {
      config: { action: 'homework.delete_assignment' },
      schema: {
        tags: ['homework'],
        summary: 'Deletes an assignment nobody has handed work in for',
        params: IdParams,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await hw.deleteAssignment(req.ctx, req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/homework/assignments/:id/release',
    {
      config: { action: 'homework.release' },
      schema: {
        tags: ['homework'],
        summary: 'Releases the grades of a blind-marked assignment: tutors see the names, teachers their grades',
        params: IdParams,
        response: { 200: z.object({ assignment: AssignmentOut }) },
      },
    },
    async (req) => ({ assignment: presentAssignment(await hw.release(req.ctx, req.params.id)) }),
  );

  const SubmissionsQuery = z.object({
    status: z.enum(TUTOR_FILTERS).optional(),
    late: zBool.optional(),
    q: zText(50).optional(),
    ...Paging,
  });

  app.get(
    '/homework/assignments/:id/submissions',
    {
      config: { action: 'homework.list_submissions' },
      schema: {
        tags: ['homework'],
        summary:
          "An assignment's submissions, waiting ones first, and (unless blind-marked) the teachers without one; " +
          'under blind marking without names or schools',
        params: IdParams,
        querystring: SubmissionsQuery,
        response: {
          200: z.object({
            class: ClassInfoOut,
            assignment: AssignmentOut,
            blind: z.boolean(),
            items: z.array(TutorLineOut),
            total: z.number(),
          }),
        },
      },
    },
    async (req) => {
      const { status, late, q, page, pageSize } = req.query;
      const r = await hw.submissions(req.ctx, req.params.id, {
        filter: status,
        late,
        name: q,
        limit: pageSize,
        offset: (page - 1) * pageSize,
      });
      return {
        class: presentClassInfo(r.cls),
        assignment: presentAssignment(r.assignment),
        blind: r.blind,
        items: r.items.map(presentLine),
        total: r.total,
      };
    },
  );

  app.get(
    '/homework/assignments/:id/submissions.xlsx',
    {
      config: { action: 'homework.export_grades' },
      schema: {
        tags: ['homework'],
        summary: 'The grades of an assignment as an .xlsx sheet (under blind marking without names or schools)',
        params: IdParams,
      },
    },
    async (req, reply) => {
      const r = await hw.exportGrades(req.ctx, req.params.id);
      reply.header('content-type', XLSX);
      reply.header(
        'content-disposition',
        attachment(`homework-${r.assignment.id}.xlsx`, `${r.cls.name}-${r.assignment.title}-作业成绩.xlsx`),
      );
      return reply.send(r.buffer);
    },
  );

  app.get(
    '/homework/submissions/:id',
    {
      config: { action: 'homework.read_submission' },
      schema: {
        tags: ['homework'],
        summary: 'A submission with every version and its files, for its tutors (under blind marking by its code)',
        params: IdParams,
        response: {
          200: z.object({
            class: ClassInfoOut,
            assignment: AssignmentOut,
            blind: z.boolean(),
            submission: TutorSubmissionOut,
          }),
        },
      },
    },
    async (req) => {
      const r = await hw.submission(req.ctx, req.params.id);
      return {
        class: presentClassInfo(r.cls),
        assignment: presentAssignment(r.assignment),
        blind: r.blind,
        submission: presentSubmission(r.submission),
      };
    },
  );

  app.post(
    '/homework/submissions/:id/grade',
    {
      config: { action: 'homework.grade' },
      schema: {
        tags: ['homework'],
        summary:
          'Grades the version waiting: a score (0 to the full mark, passed from the pass mark) or a grade (passed from 合格), with a comment',
        params: IdParams,
        body: GradeRequest,
        response: { 200: z.object({ submission: TutorSubmissionOut }) },
      },
    },
    async (req) => ({
      submission: presentSubmission(
        await hw.grade(req.ctx, req.params.id, {
          version: req.body.version,
          score: req.body.score,
          grade: req.body.grade,
          comment: req.body.comment ?? null,
        }),
      ),
    }),
  );

  app.post(
    '/homework/submissions/:id/return',
    {
      config: { action: 'homework.return' },
      schema: {
        tags: ['homework'],
        summary: 'Returns the version waiting for another one, with what to change',
        params: IdParams,
        body: ReturnRequest,
        response: { 200: z.object({ submission: TutorSubmissionOut }) },
      },
    },
    async (req) => ({
      submission: presentSubmission(await hw.returnForRevision(req.ctx, req.params.id, req.body)),
    }),
  );

  app.put(
    '/homework/submissions/:id/recommended',
    {
      config: { action: 'homework.recommend' },
      schema: {
        tags: ['homework'],
        summary: 'Recommends a passed work to the whole class (优秀作业), or takes it back',
        params: IdParams,
        body: z.object({ recommended: z.boolean() }).strict(),
        response: { 200: z.object({ submission: TutorSubmissionOut }) },
      },
    },
    async (req) => ({
      submission: presentSubmission(await hw.recommend(req.ctx, req.params.id, req.body.recommended)),
    }),
  );

  // ---------------------------------------------------------------- teachers

  app.get(
    '/classes/:id/homework/mine',
    {
      config: { action: 'homework.mine' },
      schema: {
        tags: ['homework'],
        summary:
          "A teacher's assignments of the class with their own work: 未提交 / 逾期 / 已提交 / 已退回 / 已通过 / 未通过, every version",
        params: IdParams,
        response: { 200: z.object({ class: ClassInfoOut, items: z.array(MyAssignmentOut) }) },
      },
    },
    async (req) => {
      const r = await hw.mine(req.ctx, req.params.id);
      return { class: presentClassInfo(r.cls), items: r.items.map(presentMine) };
    },
  );

  app.post(
    '/classes/:id/homework/files',
    {
      config: { action: 'homework.upload_file' },
      schema: {
        tags: ['homework'],
        summary:
          'Uploads a file for the next version (PDF, image, Word, Excel, ZIP, checked by content, at most 20 MB; multipart field "file")',
        params: IdParams,
        response: { 201: z.object({ file: FileOut }) },
      },
    },
    async (req, reply) => {
      const file = await readUploadedFile(req);
      return reply.status(201).send({ file: presentFile(await hw.uploadFile(req.ctx, req.params.id, file)) });
    },
  );

  app.post(
    '/homework/assignments/:id/submission',
    {
      config: { action: 'homework.submit' },
      schema: {
        tags: ['homework'],
        summary:
          'Hands in a version (text and uploaded files): the first, or a new one after a return or a failing grade; ' +
          'after the due moment it is accepted and marked late',
        params: IdParams,
        body: SubmitRequest,
        response: { 200: z.object({ item: MyAssignmentOut }) },
      },
    },
    async (req) => ({ item: presentMine(await hw.submit(req.ctx, req.params.id, req.body)) }),
  );

  app.get(
    '/classes/:id/homework/recommended',
    {
      config: { action: 'homework.recommended' },
      schema: {
        tags: ['homework'],
        summary: "The class's recommended works (优秀作业), named when their authors agreed",
        params: IdParams,
        response: { 200: z.object({ class: ClassInfoOut, items: z.array(RecommendedOut) }) },
      },
    },
    async (req) => {
      const r = await hw.recommended(req.ctx, req.params.id);
      return { class: presentClassInfo(r.cls), items: r.items.map(presentRecommended) };
    },
  );

  app.get(
    '/homework/files/:id',
    {
      config: { action: 'homework.read_file' },
      schema: {
        tags: ['homework'],
        summary:
          "Downloads a homework file: its author's; the class's tutors once handed in; the class's teachers when recommended",
        params: IdParams,
      },
    },
    async (req, reply) => {
      const f = await hw.file(req.ctx, req.params.id);
      reply.header('content-type', f.row.mimeType);
      reply.header('content-disposition', attachment(`homework-file-${f.row.id}`, f.fileName));
      return reply.send(fs.createReadStream(f.path));
    },
  );
};
