import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { EXAM_LEVELS } from '../../domain/exam-score.js';
import { QUESTION_KINDS } from '../../domain/question.js';
import type { Services } from '../../services/services.js';
import { IdParams, Paging, zBodyId, zId, zParagraphs, zText } from '../schemas.js';

/** Dates leave as ISO strings; everything else as it is. */
export const asJson = <T>(x: T): unknown => JSON.parse(JSON.stringify(x));

const zPoints = z.number().positive().max(100).multipleOf(0.01);
const zPercent = z.number().min(0).max(100);
const zMoment = z.string().datetime({ offset: true });

const PaperIn = z.discriminatedUnion('mode', [
  z.object({
    mode: z.literal('fixed'),
    items: z
      .array(z.object({ questionId: zBodyId, points: zPoints }))
      .min(1)
      .max(300),
    multiplePartial: z.boolean().optional(),
  }),
  z.object({
    mode: z.literal('drawn'),
    pools: z
      .array(
        z.object({
          kind: z.enum(QUESTION_KINDS),
          module: zText(40).nullish(),
          subject: zText(40).nullish(),
          stage: zText(40).nullish(),
          difficultyMin: z.number().int().min(1).max(5),
          difficultyMax: z.number().int().min(1).max(5),
          count: z.number().int().min(1).max(300),
          points: zPoints,
        }),
      )
      .min(1)
      .max(20),
    multiplePartial: z.boolean().optional(),
  }),
]);

const ExamIn = z.object({
  title: zText(200),
  instructions: zParagraphs(5000, 0).optional(),
  target: z.enum(['course', 'class', 'project', 'spot_check']),
  courseId: zBodyId.nullish(),
  classId: zBodyId.nullish(),
  projectId: zBodyId.nullish(),
  spotCheckId: zBodyId.nullish(),
  orgUnitId: zBodyId,
  opensAt: zMoment,
  closesAt: zMoment,
  durationMinutes: z.number().int().min(1).max(1440),
  attemptsAllowed: z.number().int().min(1).max(20).default(1),
  gradePolicy: z.enum(['highest', 'last']).default('highest'),
  paper: PaperIn,
  shuffleQuestions: z.boolean().default(false),
  showAnswers: z.enum(['never', 'after_submit', 'after_close']).default('after_close'),
  gates: z
    .object({
      studyComplete: z.boolean().optional(),
      minLedgerHours: z.number().min(0).max(10000).optional(),
      ledgerCategory: zText(40).optional(),
    })
    .default({}),
  composite: z
    .object({
      components: z
        .array(z.object({ key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/), label: zText(40), weight: zPercent }))
        .min(1)
        .max(10),
    })
    .default({ components: [{ key: 'exam', label: '考试', weight: 100 }] }),
  levelCuts: z
    .object({ excellent: zPercent, good: zPercent, pass: zPercent, basic: zPercent })
    .default({ excellent: 90, good: 80, pass: 60, basic: 50 }),
  passLevel: z.enum(['excellent', 'good', 'pass', 'basic']).default('pass'),
  targets: z.object({ excellentShare: zPercent.optional(), competentShare: zPercent.optional() }).default({}),
  /** tenths of an hour posted on passing (a course exam; the course's by default) */
  hours: z.number().int().positive().max(100000).nullish(),
  creditCategories: z.array(zText(40)).max(10).default([]),
  blindMarking: z.boolean().default(false),
  doubleMarking: z.boolean().default(false),
  disputeThreshold: z.number().min(0).max(100).default(3),
});

const ExamPatch = ExamIn.partial();

const ExamOut = z
  .object({
    id: z.number(),
    title: z.string(),
    status: z.enum(['draft', 'published', 'closed']),
    target: z.enum(['course', 'class', 'project', 'spot_check']),
    orgUnitId: z.number(),
    orgUnitName: z.string(),
    opensAt: z.string(),
    closesAt: z.string(),
  })
  .passthrough();

const CountsOut = z.object({
  candidates: z.number().nullable(),
  started: z.number(),
  submitted: z.number(),
  graded: z.number(),
  pendingMarks: z.number(),
});

const toWrite = (b: z.infer<typeof ExamPatch>) => {
  const { opensAt, closesAt, courseId, classId, projectId, spotCheckId, instructions, hours, paper, ...rest } = b;
  return {
    ...rest,
    ...(opensAt !== undefined ? { opensAt: new Date(opensAt) } : {}),
    ...(closesAt !== undefined ? { closesAt: new Date(closesAt) } : {}),
    ...(courseId !== undefined ? { courseId: courseId ?? null } : {}),
    ...(classId !== undefined ? { classId: classId ?? null } : {}),
    ...(projectId !== undefined ? { projectId: projectId ?? null } : {}),
    ...(spotCheckId !== undefined ? { spotCheckId: spotCheckId ?? null } : {}),
    ...(instructions !== undefined ? { instructions } : {}),
    ...(hours !== undefined ? { hours: hours ?? null } : {}),
    ...(paper !== undefined
      ? {
          paper:
            paper.mode === 'fixed'
              ? paper
              : {
                  ...paper,
                  pools: paper.pools.map((p) => ({
                    ...p,
                    module: p.module ?? null,
                    subject: p.subject ?? null,
                    stage: p.stage ?? null,
                  })),
                },
        }
      : {}),
  };
};

const RegradeOut = z.object({
  fromVersion: z.number(),
  toVersion: z.number(),
  attempts: z.number(),
  changed: z.number(),
  passedNow: z.number(),
  failedNow: z.number(),
  hoursPosted: z.number(),
  hoursReversed: z.number(),
  rows: z.array(
    z.object({
      attemptId: z.number(),
      teacherName: z.string(),
      before: z.number().nullable(),
      after: z.number().nullable(),
      passedBefore: z.boolean(),
      passedAfter: z.boolean(),
    }),
  ),
});

/** Exams as their organisers set, publish, mark and correct them (R-30 … R-33). */
export const examRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const exams = services.exams;
  const marking = services.examMarking;

  app.get(
    '/exams',
    {
      config: { action: 'exam.list' },
      schema: {
        tags: ['exams'],
        summary: 'Exams organised in a unit and below (newest first)',
        querystring: z.object({
          unitId: zId.optional(),
          status: z.enum(['draft', 'published', 'closed']).optional(),
          q: zText(100).optional(),
          ...Paging,
        }),
        response: { 200: z.object({ items: z.array(ExamOut), total: z.number() }) },
      },
    },
    async (req) => asJson(await exams.list(req.ctx, req.query)) as never,
  );

  app.post(
    '/exams',
    {
      config: { action: 'exam.create' },
      schema: {
        tags: ['exams'],
        summary: 'Sets an exam (a draft): target, window, duration, attempts, paper, gates, composite and levels',
        body: ExamIn,
        response: { 201: z.object({ exam: ExamOut, counts: CountsOut, maxScore: z.number() }) },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const w = toWrite(b);
      const r = await exams.create(req.ctx, {
        ...(w as Required<typeof w>),
        instructions: b.instructions ?? '',
        courseId: b.courseId ?? null,
        classId: b.classId ?? null,
        projectId: b.projectId ?? null,
        spotCheckId: b.spotCheckId ?? null,
        hours: b.hours ?? null,
      } as never);
      return reply.status(201).send(asJson(r) as never);
    },
  );

  app.get(
    '/exams/:id',
    {
      config: { action: 'exam.read' },
      schema: {
        tags: ['exams'],
        summary: 'An exam with its counts (candidates, started, submitted, graded, marks pending)',
        params: IdParams,
        response: { 200: z.object({ exam: ExamOut, counts: CountsOut, maxScore: z.number() }) },
      },
    },
    async (req) => asJson(await exams.get(req.ctx, req.params.id)) as never,
  );

  app.patch(
    '/exams/:id',
    {
      config: { action: 'exam.update' },
      schema: {
        tags: ['exams'],
        summary: 'Changes an exam (its paper, gates and target only while a draft)',
        params: IdParams,
        body: ExamPatch,
        response: { 200: z.object({ exam: ExamOut, counts: CountsOut, maxScore: z.number() }) },
      },
    },
    async (req) => asJson(await exams.update(req.ctx, req.params.id, toWrite(req.body) as never)) as never,
  );

  for (const [verb, fn] of [
    ['publish', exams.publish],
    ['close', exams.close],
  ] as const)
    app.post(
      `/exams/:id/${verb}`,
      {
        config: { action: `exam.${verb}` },
        schema: {
          tags: ['exams'],
          summary:
            verb === 'publish'
              ? "Publishes an exam: its paper's questions are frozen and candidates may start from the opening time"
              : 'Closes an exam: no attempt starts any more',
          params: IdParams,
          response: { 200: z.object({ exam: ExamOut, counts: CountsOut, maxScore: z.number() }) },
        },
      },
      async (req) => asJson(await fn(req.ctx, req.params.id)) as never,
    );

  app.post(
    '/exams/:id/paper-preview',
    {
      config: { action: 'exam.paper_preview' },
      schema: {
        tags: ['exams'],
        summary: "One candidate's paper for a seed, with the key (the same seed always gives the same paper)",
        params: IdParams,
        body: z.object({
          seed: z
            .string()
            .regex(/^[0-9a-f]{32,64}$/)
            .optional(),
        }),
        response: {
          200: z.object({
            seed: z.string(),
            maxScore: z.number(),
            questions: z.array(
              z.object({
                position: z.number(),
                questionId: z.number(),
                version: z.number(),
                kind: z.enum(QUESTION_KINDS),
                stem: z.string(),
                options: z.array(z.object({ key: z.string(), text: z.string() })),
                blanks: z.number(),
                points: z.number(),
                key: z.unknown(),
                optionOrder: z.array(z.string()),
                explanation: z.string(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => exams.paperPreview(req.ctx, req.params.id, req.body.seed),
  );

  app.get(
    '/exams/:id/markers',
    {
      config: { action: 'exam.read' },
      schema: {
        tags: ['exams'],
        summary: 'The markers named for an exam',
        params: IdParams,
        response: { 200: z.object({ markers: z.array(z.object({ userId: z.number(), name: z.string() })) }) },
      },
    },
    async (req) => exams.markers(req.ctx, req.params.id),
  );

  app.put(
    '/exams/:id/markers',
    {
      config: { action: 'exam.set_markers' },
      schema: {
        tags: ['exams'],
        summary: 'Names the markers of an exam (trainer or admin accounts of the organising unit)',
        params: IdParams,
        body: z.object({ userIds: z.array(zBodyId).max(200) }),
        response: { 200: z.object({ markers: z.array(z.object({ userId: z.number(), name: z.string() })) }) },
      },
    },
    async (req) => exams.setMarkers(req.ctx, req.params.id, req.body.userIds),
  );

  app.get(
    '/exams/:id/events',
    {
      config: { action: 'exam.events' },
      schema: {
        tags: ['exams'],
        summary: 'What invigilators see: pages left and returned to, connections lost, attempts resumed, time up',
        params: IdParams,
        querystring: z.object({ attemptId: zId.optional() }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.number(),
                attemptId: z.number(),
                teacherName: z.string(),
                kind: z.string(),
                at: z.string(),
                clientAt: z.string().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => asJson(await exams.events(req.ctx, req.params.id, req.query.attemptId ?? null)) as never,
  );

  app.get(
    '/me/marking',
    {
      config: { action: 'exam.my_marking' },
      schema: {
        tags: ['exams'],
        summary: "The exams with essays waiting for the caller's mark (named marker, or admin of the organiser)",
        response: {
          200: z.object({
            items: z.array(
              z.object({
                examId: z.number(),
                title: z.string(),
                orgUnitName: z.string(),
                pending: z.number(),
                disputed: z.number(),
                named: z.boolean(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => exams.myMarking(req.ctx),
  );

  // ------------------------------------------------------------ marking

  app.get(
    '/exams/:id/marking',
    {
      config: { action: 'exam.marking' },
      schema: {
        tags: ['exams'],
        summary: 'The marking queue by question: answers waiting, disputed and marked',
        params: IdParams,
        response: {
          200: z.object({
            blind: z.boolean(),
            doubleMarking: z.boolean(),
            questions: z.array(
              z.object({
                position: z.number(),
                questionId: z.number().nullable(),
                stem: z.string(),
                points: z.number(),
                pending: z.number(),
                disputed: z.number(),
                marked: z.number(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => marking.summary(req.ctx, req.params.id),
  );

  app.get(
    '/exams/:id/marking/:position',
    {
      config: { action: 'exam.marking' },
      schema: {
        tags: ['exams'],
        summary: "A question's answers in one state (under blind marking, candidates as six-digit codes)",
        params: z.object({ id: zId, position: z.coerce.number().int().min(0).max(299) }),
        querystring: z.object({ state: z.enum(['pending', 'disputed', 'marked']).default('pending'), ...Paging }),
        response: {
          200: z.object({
            question: z
              .object({
                position: z.number(),
                points: z.number(),
                kind: z.enum(QUESTION_KINDS),
                stem: z.string(),
                options: z.array(z.object({ key: z.string(), text: z.string() })),
                blanks: z.number(),
                reference: z.unknown(),
                explanation: z.string(),
              })
              .nullable(),
            total: z.number(),
            items: z.array(
              z.object({
                attemptId: z.number(),
                candidate: z.string(),
                anonCode: z.string(),
                answer: z.unknown(),
                marks: z.array(
                  z.object({
                    round: z.number(),
                    score: z.number(),
                    markerName: z.string(),
                    mine: z.boolean(),
                    comment: z.string().nullable(),
                  }),
                ),
              }),
            ),
          }),
        },
      },
    },
    async (req) =>
      marking.answers(req.ctx, req.params.id, req.params.position, req.query.state, req.query.page, req.query.pageSize),
  );

  app.post(
    '/exams/:id/marks',
    {
      config: { action: 'exam.mark' },
      schema: {
        tags: ['exams'],
        summary: 'Marks an essay answer (first or second marker; the arbiter settles a disputed one)',
        params: IdParams,
        body: z.object({
          attemptId: zBodyId,
          position: z.number().int().min(0).max(299),
          score: z.number().min(0).max(100),
          comment: zParagraphs(2000, 0).optional(),
        }),
        response: {
          200: z.object({
            round: z.number(),
            state: z.enum(['pending', 'disputed', 'marked']),
            score: z.number().nullable(),
          }),
        },
      },
    },
    async (req) =>
      marking.mark(req.ctx, req.params.id, {
        attemptId: req.body.attemptId,
        position: req.body.position,
        score: req.body.score,
        comment: req.body.comment || null,
      }),
  );

  app.post(
    '/exams/:id/regrade/preview',
    {
      config: { action: 'exam.regrade_preview' },
      schema: {
        tags: ['exams'],
        summary:
          "What a corrected question's key changes: every affected attempt before and after, who passes or fails now",
        params: IdParams,
        body: z.object({ questionId: zBodyId }),
        response: { 200: RegradeOut },
      },
    },
    async (req) => marking.regrade(req.ctx, req.params.id, req.body.questionId, true),
  );

  app.post(
    '/exams/:id/regrade',
    {
      config: { action: 'exam.regrade' },
      schema: {
        tags: ['exams'],
        summary: "Applies a corrected key: attempts regraded, results and the ledger's hours follow",
        params: IdParams,
        body: z.object({ questionId: zBodyId }),
        response: { 200: RegradeOut },
      },
    },
    async (req) => marking.regrade(req.ctx, req.params.id, req.body.questionId, false),
  );

  app.put(
    '/exams/:id/components',
    {
      config: { action: 'exam.set_components' },
      schema: {
        tags: ['exams'],
        summary: "Scores (0–100) of the composite's other components, e.g. the process score",
        params: IdParams,
        body: z.object({
          rows: z
            .array(z.object({ teacherId: zBodyId, component: z.string().max(40), score: z.number().min(0).max(100) }))
            .min(1)
            .max(5000),
        }),
        response: { 200: z.object({ updated: z.number() }) },
      },
    },
    async (req) => marking.setComponents(req.ctx, req.params.id, req.body.rows),
  );
};

export const EXAM_LEVEL_ENUM = z.enum(EXAM_LEVELS);
