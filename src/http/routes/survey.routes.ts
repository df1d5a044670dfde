import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  LABEL_MAX,
  MAX_QUESTIONS,
  QUESTION_KEY,
  QUESTION_KINDS,
  RELEASE_MIN_ANSWERS_MAX,
  RELEASE_MIN_ANSWERS_MIN,
  RESULTS_AFTER,
  TEXT_ANSWER_MAX,
} from '../../domain/survey.js';
import { iso } from '../presenters.js';
import type { Services } from '../../services/services.js';
import { attachment, IdParams, XLSX, zId, zText } from '../schemas.js';

const ClassParams = z.object({ classId: zId });

const QuestionBody = z
  .object({
    key: z.string().regex(QUESTION_KEY, { message: 'invalid' }),
    kind: z.enum(QUESTION_KINDS),
    zh: zText(LABEL_MAX),
    en: zText(LABEL_MAX),
  })
  .strict();
/** When a class's figures show: after its answer window closed, or from `minAnswers` answers on (3–10,000). */
const ReleaseBody = z
  .object({
    after: z.enum(RESULTS_AFTER),
    minAnswers: z.number().int().min(RELEASE_MIN_ANSWERS_MIN).max(RELEASE_MIN_ANSWERS_MAX).nullable().optional(),
  })
  .strict();
const FormBody = z
  .object({
    questions: z.array(QuestionBody).min(1).max(MAX_QUESTIONS),
    release: ReleaseBody.optional(),
  })
  .strict();

/**
 * A teacher's answers by question key: ratings as integers, texts as strings (null or '' for none).
 * Shapes only; the use case checks them against the project's questionnaire (1–5, every rating given).
 */
const AnswerBody = z
  .object({
    answers: z.record(
      z.string().max(30),
      z.union([z.number(), z.string().max(TEXT_ANSWER_MAX * 4, { message: 'too_long' }), z.null()]),
    ),
  })
  .strict();

const QuestionOut = z.object({ key: z.string(), kind: z.enum(QUESTION_KINDS), zh: z.string(), en: z.string() });
const ReleaseOut = z.object({ after: z.enum(RESULTS_AFTER), minAnswers: z.number().nullable() });
const FormOut = z.object({
  projectId: z.number(),
  questions: z.array(QuestionOut),
  isDefault: z.boolean(),
  locked: z.boolean(),
  canEdit: z.boolean(),
  release: ReleaseOut,
});
/** Whether a class's figures show yet; when not, `results` gives the number of answers only. */
const ClassReleaseOut = { released: z.boolean(), windowClosesAt: z.string().nullable() };
const presentRelease = <T extends { windowClosesAt: Date | null }>(c: T) => ({
  ...c,
  windowClosesAt: iso(c.windowClosesAt),
});
const ClassRefOut = z.object({
  classId: z.number(),
  className: z.string(),
  projectId: z.number(),
  projectTitle: z.string(),
});
const TeacherSurveyOut = ClassRefOut.extend({
  questions: z.array(QuestionOut),
  answered: z.boolean(),
  window: z.enum(['not_yet', 'open', 'over']),
});
/** Figures only: counts, means, distributions, and texts ordered by text; nothing that names or dates an answer. */
const ResultsOut = z.object({
  answers: z.number(),
  enrolled: z.number(),
  responseRate: z.number().nullable(),
  detailShown: z.boolean(),
  questions: z.array(
    QuestionOut.extend({
      answered: z.number(),
      mean: z.number().nullable(),
      distribution: z.array(z.number()).nullable(),
    }),
  ),
  texts: z.array(z.object({ key: z.string(), items: z.array(z.string()) })),
});
const ClassResultsOut = ClassRefOut.extend({
  classStatus: z.enum(['open', 'closed']),
  minAnswersForDetail: z.number(),
  release: ReleaseOut,
  ...ClassReleaseOut,
  results: ResultsOut,
});
const ProjectResultsOut = z.object({
  projectId: z.number(),
  projectTitle: z.string(),
  minAnswersForDetail: z.number(),
  release: ReleaseOut,
  results: z.object({
    answers: z.number(),
    enrolled: z.number(),
    responseRate: z.number().nullable(),
    overall: ResultsOut,
    classesHidden: z.number(),
    classesWithheld: z.number(),
    classes: z.array(
      z.object({
        classId: z.number(),
        className: z.string(),
        classStatus: z.enum(['open', 'closed']),
        enrolled: z.number(),
        ...ClassReleaseOut,
        results: ResultsOut,
      }),
    ),
  }),
});

/** The satisfaction survey after each class: questionnaire, answers, results and their sheet. */
export const surveyRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const surveys = services.surveys;

  app.get(
    '/training/projects/:id/survey',
    {
      config: { action: 'survey.read_form' },
      schema: {
        tags: ['surveys'],
        summary: 'The satisfaction questionnaire of a project (the default one until the organiser sets its own)',
        params: IdParams,
        response: { 200: FormOut },
      },
    },
    async (req) => surveys.form(req.ctx, req.params.id),
  );

  app.put(
    '/training/projects/:id/survey',
    {
      config: { action: 'survey.save_form' },
      schema: {
        tags: ['surveys'],
        params: IdParams,
        body: FormBody,
        response: { 200: FormOut },
        summary:
          'Sets the questions (1–12, rating 1–5 or free text) and when figures show; refused with SURVEY_LOCKED ' +
          'once anyone answered',
      },
    },
    async (req) => surveys.saveForm(req.ctx, req.params.id, req.body.questions, req.body.release),
  );

  app.get(
    '/training/projects/:id/survey/results',
    {
      config: { action: 'survey.project_results' },
      schema: {
        tags: ['surveys'],
        params: IdParams,
        response: { 200: ProjectResultsOut },
        summary:
          "A project's survey figures per class (once each class's answer window closed) and over the classes " +
          'with at least 3 answers',
      },
    },
    async (req) => {
      const r = await surveys.projectResults(req.ctx, req.params.id);
      return { ...r, results: { ...r.results, classes: r.results.classes.map(presentRelease) } };
    },
  );

  app.get(
    '/training/projects/:id/survey/results.xlsx',
    {
      config: { action: 'survey.export_results' },
      schema: {
        tags: ['surveys'],
        summary:
          'The survey figures as an .xlsx: per class and question the mean and counts; a sheet of the free-text answers',
        params: IdParams,
      },
    },
    async (req, reply) => {
      const r = await surveys.exportProject(req.ctx, req.params.id);
      reply.header('content-type', XLSX);
      reply.header(
        'content-disposition',
        attachment(`survey-${req.params.id}.xlsx`, `${r.projectTitle}-满意度调查.xlsx`),
      );
      return reply.send(r.buffer);
    },
  );

  app.get(
    '/surveys/pending',
    {
      config: { action: 'survey.pending' },
      schema: {
        tags: ['surveys'],
        summary: "The classes whose survey awaits the teacher's answer",
        response: { 200: z.object({ items: z.array(ClassRefOut) }) },
      },
    },
    async (req) => ({ items: await surveys.pending(req.ctx) }),
  );

  app.get(
    '/surveys/classes/:classId',
    {
      config: { action: 'survey.read_class_form' },
      schema: {
        tags: ['surveys'],
        summary: 'The survey of a class the teacher is enrolled in, and whether they answered',
        params: ClassParams,
        response: { 200: TeacherSurveyOut },
      },
    },
    async (req) => surveys.classForm(req.ctx, req.params.classId),
  );

  app.post(
    '/surveys/classes/:classId/answers',
    {
      config: { action: 'survey.answer' },
      schema: {
        tags: ['surveys'],
        summary: "The teacher's answer, once per class; stored without the teacher and with the day only",
        params: ClassParams,
        body: AnswerBody,
        response: { 201: z.object({ classId: z.number(), answered: z.literal(true) }) },
      },
    },
    async (req, reply) => reply.status(201).send(await surveys.answer(req.ctx, req.params.classId, req.body.answers)),
  );

  app.get(
    '/surveys/classes/:classId/results',
    {
      config: { action: 'survey.class_results' },
      schema: {
        tags: ['surveys'],
        params: ClassParams,
        response: { 200: ClassResultsOut },
        summary:
          "A class's survey figures, for its trainers and the organiser's subtree (the number of answers only " +
          'until its answer window closed, or enough answers came in; counts only below 3 answers)',
      },
    },
    async (req) => presentRelease(await surveys.classResults(req.ctx, req.params.classId)),
  );

  app.get(
    '/surveys/summary',
    {
      config: { action: 'survey.unit_summary' },
      schema: {
        tags: ['surveys'],
        summary: "The survey figures of the projects a unit ran in a year, one line each (for the next year's plan)",
        querystring: z.object({ orgUnitId: zId, year: z.coerce.number().int().min(2000).max(2100) }),
        response: {
          200: z.object({
            unit: z.object({ id: z.number(), name: z.string() }),
            year: z.number(),
            minAnswersForDetail: z.number(),
            projects: z.array(
              z.object({
                projectId: z.number(),
                projectTitle: z.string(),
                answers: z.number(),
                enrolled: z.number(),
                responseRate: z.number().nullable(),
                classesHidden: z.number(),
                classesWithheld: z.number(),
                means: z.array(
                  z.object({ key: z.string(), zh: z.string(), en: z.string(), mean: z.number().nullable() }),
                ),
              }),
            ),
          }),
        },
      },
    },
    async (req) => surveys.unitSummary(req.ctx, req.query.orgUnitId, req.query.year),
  );
};
