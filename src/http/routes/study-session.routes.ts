import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { RECEIPT_REASONS } from '../../domain/study-minutes.js';
import type { ClassProgress, ItemState, StudyReceipt } from '../../services/study-session.service.js';
import type { Services } from '../../services/services.js';
import { iso } from '../presenters.js';
import { attachment, IdParams, XLSX, zBodyId, zId } from '../schemas.js';

const round1 = (n: number) => Math.round(n * 10) / 10;

const ReceiptOut = z.object({
  sessionId: z.number(),
  classId: z.number(),
  itemId: z.number(),
  itemTitle: z.string(),
  kind: z.enum(['video', 'document', 'text']),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  lastHeartbeatAt: z.string().nullable(),
  wallSeconds: z.number().describe('the time the page was open, measured by the server'),
  countedSeconds: z.number().describe('the seconds of the item this session added'),
  wall: z
    .object(
      Object.fromEntries(RECEIPT_REASONS.map((r) => [r, z.number()])) as Record<
        (typeof RECEIPT_REASONS)[number],
        z.ZodNumber
      >,
    )
    .describe(
      'wall seconds by what became of them: counted, hidden (tab hidden or not in front), idle (paused, ' +
        'or the page quiet), presence (a presence check unanswered), speed, seek (a jump ahead), repeat (watched before)',
    ),
  presenceChecks: z.number(),
  presenceMissed: z.number(),
  heartbeats: z.number(),
});

const StateOut = z.object({
  classId: z.number(),
  itemId: z.number(),
  itemTitle: z.string(),
  kind: z.enum(['video', 'document', 'text']),
  requiredMinutes: z.number(),
  fileId: z.number().nullable(),
  durationSeconds: z.number().nullable(),
  body: z.string().nullable().describe("a text page's text"),
  rule: z.object({ maxSpeed: z.number(), allowSeek: z.boolean() }),
  countedSeconds: z.number(),
  furthest: z.number(),
  resumeAt: z.number(),
  studyOpensOn: z.string(),
  studyClosesOn: z.string(),
  open: z.boolean(),
  sessions: z.array(ReceiptOut),
});

export const presentReceipt = (r: StudyReceipt): z.infer<typeof ReceiptOut> => ({
  sessionId: r.sessionId,
  classId: r.classId,
  itemId: r.itemId,
  itemTitle: r.itemTitle,
  kind: r.kind,
  startedAt: r.startedAt.toISOString(),
  endedAt: iso(r.endedAt),
  lastHeartbeatAt: iso(r.lastHeartbeatAt),
  wallSeconds: round1(r.wallSeconds),
  countedSeconds: round1(r.countedSeconds),
  wall: Object.fromEntries(RECEIPT_REASONS.map((k) => [k, round1(r.wall[k])])) as z.infer<typeof ReceiptOut>['wall'],
  presenceChecks: r.presenceChecks,
  presenceMissed: r.presenceMissed,
  heartbeats: r.heartbeats,
});

const presentState = (s: ItemState): z.infer<typeof StateOut> => ({
  ...s,
  countedSeconds: round1(s.countedSeconds),
  furthest: round1(s.furthest),
  resumeAt: round1(s.resumeAt),
  sessions: s.sessions.map(presentReceipt),
});

const zPosition = z.number().min(0).max(1_000_000);
const Heartbeat = z
  .object({
    seq: z.number().int().min(0).max(1_000_000),
    from: zPosition,
    to: zPosition,
    rate: z.number().positive().max(16),
    visible: z.boolean(),
    focused: z.boolean(),
    playing: z.boolean(),
    presenceAnswer: z
      .string()
      .regex(/^[0-9a-f]{16}$/, { message: 'invalid' })
      .nullable()
      .optional(),
  })
  .strict();

const ClassItemParams = z.object({ classId: zId, itemId: zId });
const ClassParams = z.object({ classId: zId });

const Shortfall = z.union([
  z.object({
    code: z.literal('study_minutes'),
    itemId: z.number(),
    title: z.string(),
    countedMinutes: z.number(),
    requiredMinutes: z.number(),
  }),
  z.object({ code: z.literal('homework') }),
  z.object({ code: z.literal('posts'), counted: z.number(), required: z.number() }),
  z.object({ code: z.literal('reflections'), counted: z.number(), required: z.number() }),
]);
const ProgressOut = z.object({
  classId: z.number(),
  className: z.string(),
  courseId: z.number(),
  courseTitle: z.string(),
  studyOpensOn: z.string(),
  studyClosesOn: z.string(),
  rule: z.object({
    homeworkRequired: z.boolean(),
    postsRequired: z.number(),
    minPostChars: z.number(),
    reflectionsRequired: z.number(),
    minReflectionChars: z.number(),
    similarityThreshold: z.number(),
  }),
  items: z.array(
    z.object({
      id: z.number(),
      kind: z.enum(['video', 'document', 'text']),
      title: z.string(),
      requiredMinutes: z.number(),
    }),
  ),
  rows: z.array(
    z.object({
      teacherId: z.number(),
      teacherName: z.string(),
      schoolName: z.string(),
      minutes: z.record(z.string(), z.number()).describe('whole minutes counted, by item id'),
      homeworkPassed: z.boolean().nullable().describe('null: the class has no assignment'),
      posts: z.number(),
      reflections: z.number(),
      complete: z.boolean(),
      shortfalls: z.array(Shortfall),
    }),
  ),
});
const presentProgress = (p: ClassProgress): z.infer<typeof ProgressOut> => ({
  classId: p.classId,
  className: p.className,
  courseId: p.courseId,
  courseTitle: p.courseTitle,
  studyOpensOn: p.studyOpensOn,
  studyClosesOn: p.studyClosesOn,
  rule: p.rule,
  items: p.items,
  rows: p.rows.map((r) => ({
    teacherId: r.teacherId,
    teacherName: r.teacherName,
    schoolName: r.schoolName,
    minutes: Object.fromEntries([...r.seconds].map(([id, s]) => [String(id), Math.floor(s / 60 + 1e-9)])),
    homeworkPassed: r.homeworkPassed,
    posts: r.posts,
    reflections: r.reflections,
    complete: r.shortfalls.length === 0,
    shortfalls: r.shortfalls,
  })),
});

/** Online study: sessions at an item, their heartbeats and receipts (the server decides the minutes). */
export const studySessionRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const svc = services.studySessions;

  app.post(
    '/study/sessions',
    {
      config: { action: 'study.start' },
      schema: {
        tags: ['study'],
        summary: 'A teacher begins studying an item of an online class (enrolled, in its study window)',
        body: z.object({ classId: zBodyId, itemId: zBodyId }).strict(),
        response: {
          201: z.object({ sessionId: z.number(), heartbeatSeconds: z.number(), state: StateOut }),
        },
      },
    },
    async (req, reply) => {
      const r = await svc.startSession(req.ctx, req.body);
      return reply.status(201).send({ ...r, state: presentState(r.state) });
    },
  );

  app.post(
    '/study/sessions/:id/heartbeats',
    {
      config: { action: 'study.heartbeat' },
      schema: {
        tags: ['study'],
        summary:
          "A numbered heartbeat of the caller's study session, written before it is acknowledged; a number " +
          'already taken changes nothing. Names the presence check (还在学习吗？) due, if any',
        params: IdParams,
        body: Heartbeat,
        response: {
          200: z.object({
            seq: z.number(),
            repeated: z.boolean(),
            presence: z.object({ nonce: z.string() }).nullable(),
          }),
        },
      },
    },
    async (req) =>
      svc.heartbeat(req.ctx, req.params.id, { ...req.body, presenceAnswer: req.body.presenceAnswer ?? null }),
  );

  app.post(
    '/study/sessions/:id/end',
    {
      config: { action: 'study.end' },
      schema: {
        tags: ['study'],
        summary: "Ends the caller's study session and returns its receipt",
        params: IdParams,
        response: { 200: ReceiptOut },
      },
    },
    async (req) => presentReceipt(await svc.endSession(req.ctx, req.params.id)),
  );

  app.get(
    '/study/sessions/:id/receipt',
    {
      config: { action: 'study.read_receipt' },
      schema: {
        tags: ['study'],
        summary:
          "A study session's receipt: wall time, counted minutes and why the rest did not count (its teacher, " +
          "the class's tutors, the organiser's admins)",
        params: IdParams,
        response: { 200: ReceiptOut },
      },
    },
    async (req) => presentReceipt(await svc.receipt(req.ctx, req.params.id)),
  );

  app.get(
    '/study/classes/:classId/my-progress',
    {
      config: { action: 'study.my_progress' },
      schema: {
        tags: ['study'],
        summary:
          "The calling teacher's standing in an online class: minutes per item, homework, posts, reflections, what is missing",
        params: ClassParams,
        response: { 200: ProgressOut },
      },
    },
    async (req) => presentProgress(await svc.myProgress(req.ctx, req.params.classId)),
  );

  app.get(
    '/study/classes/:classId/progress',
    {
      config: { action: 'study.progress' },
      schema: {
        tags: ['study'],
        summary:
          "Every teacher of an online class and what each still lacks (the class's trainers, the organiser's admins)",
        params: ClassParams,
        response: { 200: ProgressOut },
      },
    },
    async (req) => presentProgress(await svc.progressReport(req.ctx, req.params.classId)),
  );

  app.get(
    '/study/classes/:classId/progress.xlsx',
    {
      config: { action: 'study.progress_export' },
      schema: { tags: ['study'], summary: "The tutor's table of an online class as .xlsx", params: ClassParams },
    },
    async (req, reply) => {
      const r = await svc.progressSheet(req.ctx, req.params.classId);
      reply.header('content-type', XLSX);
      reply.header(
        'content-disposition',
        attachment(`class-${r.progress.classId}-study.xlsx`, `${r.progress.className}学习进度.xlsx`),
      );
      return reply.send(r.buffer);
    },
  );

  app.post(
    '/study/classes/:classId/reminders',
    {
      config: { action: 'study.remind' },
      schema: {
        tags: ['study'],
        summary:
          'A tutor reminds teachers of an online class of what they still lack (the given ones, or all not complete): ' +
          'each gets a message in the product',
        params: ClassParams,
        body: z.object({ teacherIds: z.array(zBodyId).max(100_000).optional() }).strict(),
        response: { 200: z.object({ teachers: z.number(), recipients: z.number() }) },
      },
    },
    async (req) => svc.remind(req.ctx, req.params.classId, req.body),
  );

  app.get(
    '/study/classes/:classId/items/:itemId/state',
    {
      config: { action: 'study.read' },
      schema: {
        tags: ['study'],
        summary:
          "Where the calling teacher is with an item: counted so far, where to resume, the last sessions' receipts",
        params: ClassItemParams,
        response: { 200: StateOut },
      },
    },
    async (req) => presentState(await svc.itemState(req.ctx, req.params.classId, req.params.itemId)),
  );
};
