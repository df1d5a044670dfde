import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { EXAM_LEVELS } from '../../domain/exam-score.js';
import { QUESTION_KINDS } from '../../domain/question.js';
import { EVENT_KINDS } from '../../services/exam-attempt.service.js';
import type { Services } from '../../services/services.js';
import { IdParams } from '../schemas.js';
import { asJson } from './exam.routes.js';

/**
 * An answer as the candidate gives it under the paper's letters: a letter, letters, true/false, a text
 * per blank, an essay's text, or null (cleared). Bounded so no save can be large.
 */
const zAnswer = z.union([z.string().max(20_000), z.array(z.string().max(500)).max(20), z.boolean(), z.null()]);
const AnswerIn = z.object({
  position: z.number().int().min(0).max(299),
  answer: zAnswer,
  clientSeq: z.number().int().min(1).max(2_000_000_000),
});
const Answers = z.array(AnswerIn).max(300);

const QuestionOut = z.object({
  position: z.number(),
  points: z.number(),
  kind: z.enum(QUESTION_KINDS),
  stem: z.string(),
  options: z.array(z.object({ key: z.string(), text: z.string() })),
  blanks: z.number(),
});

const MissingOut = z.object({ code: z.string() }).passthrough();

/** The candidate's side of exams: entry, attempts, answers saved as given, submission, results. */
export const examAttemptRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const s = services.examAttempts;

  app.get(
    '/me/exams',
    {
      config: { action: 'exam.list_mine' },
      schema: {
        tags: ['exam attempts'],
        summary:
          "The teacher's exams (classes, projects, spot-checks drawn for, course exams above the school) and results",
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.number(),
                title: z.string(),
                target: z.enum(['course', 'class', 'project', 'spot_check']),
                orgUnitName: z.string(),
                opensAt: z.string(),
                closesAt: z.string(),
                durationMinutes: z.number(),
                attemptsAllowed: z.number(),
                attemptsUsed: z.number(),
                openAttemptId: z.number().nullable(),
                lastAttemptId: z.number().nullable(),
                state: z.enum(['upcoming', 'open', 'closed']),
                result: z
                  .object({
                    examScore: z.number().nullable(),
                    composite: z.number().nullable(),
                    level: z.enum(EXAM_LEVELS).nullable(),
                    passed: z.boolean(),
                    pendingMarks: z.number(),
                  })
                  .nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => asJson(await s.mine(req.ctx)) as never,
  );

  app.get(
    '/exams/:id/entry',
    {
      config: { action: 'exam.entry' },
      schema: {
        tags: ['exam attempts'],
        summary: 'Whether the teacher may start now, with every condition still missing',
        params: IdParams,
        response: {
          200: z.object({
            exam: z.object({
              id: z.number(),
              title: z.string(),
              instructions: z.string(),
              orgUnitName: z.string(),
              opensAt: z.string(),
              closesAt: z.string(),
              durationMinutes: z.number(),
              attemptsAllowed: z.number(),
              gradePolicy: z.enum(['highest', 'last']),
              questionCount: z.number(),
              maxScore: z.number(),
            }),
            canStart: z.boolean(),
            missing: z.array(MissingOut),
            attemptsUsed: z.number(),
            openAttemptId: z.number().nullable(),
            lastAttemptId: z.number().nullable(),
            serverNow: z.string(),
          }),
        },
      },
    },
    async (req) => asJson(await s.entry(req.ctx, req.params.id)) as never,
  );

  app.post(
    '/exams/:id/attempts',
    {
      config: { action: 'exam.start' },
      schema: {
        tags: ['exam attempts'],
        summary: 'Starts an attempt, or resumes the one in progress (from any device)',
        params: IdParams,
        response: { 200: z.object({ attemptId: z.number(), resumed: z.boolean() }) },
      },
    },
    async (req) => s.start(req.ctx, req.params.id),
  );

  app.get(
    '/exam-attempts/:id',
    {
      config: { action: 'exam.read_attempt' },
      schema: {
        tags: ['exam attempts'],
        summary: "The candidate's paper (never the key), the answers saved and the server's clock",
        params: IdParams,
        response: {
          200: z.object({
            attempt: z.object({
              id: z.number(),
              examId: z.number(),
              title: z.string(),
              status: z.enum(['open', 'submitted', 'graded']),
              attemptNo: z.number(),
              startedAt: z.string(),
              deadlineAt: z.string(),
              serverNow: z.string(),
              maxScore: z.number(),
            }),
            questions: z.array(QuestionOut),
            answers: z.array(z.object({ position: z.number(), answer: z.unknown(), clientSeq: z.number() })),
          }),
        },
      },
    },
    async (req) => asJson(await s.load(req.ctx, req.params.id)) as never,
  );

  app.put(
    '/exam-attempts/:id/answers',
    {
      config: { action: 'exam.save_answers' },
      schema: {
        tags: ['exam attempts'],
        summary:
          'Saves answers as they are given (each on disk when acknowledged; an older clientSeq never overwrites a newer one)',
        params: IdParams,
        body: z.object({ answers: Answers.min(1) }),
        response: {
          200: z.object({
            saved: z.array(z.object({ position: z.number(), clientSeq: z.number() })),
            serverNow: z.string(),
            deadlineAt: z.string(),
          }),
        },
      },
    },
    async (req) => {
      const r = await s.save(req.ctx, req.params.id, req.body.answers);
      return { saved: r.saved, serverNow: r.serverNow.toISOString(), deadlineAt: r.deadlineAt.toISOString() };
    },
  );

  app.post(
    '/exam-attempts/:id/events',
    {
      config: { action: 'exam.event' },
      schema: {
        tags: ['exam attempts'],
        summary: 'Tells the invigilator the page was left or came back, or the connection was lost or found',
        params: IdParams,
        body: z.object({ kind: z.enum(EVENT_KINDS), clientAt: z.string().datetime({ offset: true }).optional() }),
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await s.event(req.ctx, req.params.id, req.body.kind, req.body.clientAt ? new Date(req.body.clientAt) : null);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/exam-attempts/:id/submit',
    {
      config: { action: 'exam.submit' },
      schema: {
        tags: ['exam attempts'],
        summary: 'Hands the attempt in (with any answers not yet sent); graded at once except essays',
        params: IdParams,
        body: z.object({ answers: Answers.default([]) }),
        response: { 200: z.object({ status: z.enum(['open', 'submitted', 'graded']) }) },
      },
    },
    async (req) => s.submit(req.ctx, req.params.id, req.body.answers),
  );

  app.get(
    '/exam-attempts/:id/result',
    {
      config: { action: 'exam.read_result' },
      schema: {
        tags: ['exam attempts'],
        summary: "An attempt's score, level and answers (the key and explanations only when the exam allows it now)",
        params: IdParams,
        response: {
          200: z.object({
            attempt: z.object({
              id: z.number(),
              examId: z.number(),
              title: z.string(),
              status: z.enum(['open', 'submitted', 'graded']),
              attemptNo: z.number(),
              score: z.number().nullable(),
              maxScore: z.number(),
              examScore: z.number().nullable(),
              pendingMarks: z.number(),
              submittedAt: z.string().nullable(),
              submittedHow: z.enum(['candidate', 'time_up']).nullable(),
            }),
            result: z
              .object({
                composite: z.number().nullable(),
                level: z.enum(EXAM_LEVELS).nullable(),
                passed: z.boolean(),
                credited: z.boolean(),
                countingAttemptId: z.number().nullable(),
              })
              .nullable(),
            answersShown: z.boolean(),
            questions: z.array(
              QuestionOut.extend({
                yourAnswer: z.unknown(),
                earned: z.number().nullable(),
                key: z.unknown(),
                explanation: z.string().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => asJson(await s.result(req.ctx, req.params.id)) as never,
  );
};
