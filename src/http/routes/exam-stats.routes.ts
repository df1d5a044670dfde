import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { EXAM_LEVELS } from '../../domain/exam-score.js';
import type { ExamStatsLine } from '../../services/exam-stats.service.js';
import type { Services } from '../../services/services.js';
import { attachment, IdParams, Paging, XLSX, zBool, zId, zText } from '../schemas.js';

const zLevel = z.enum(EXAM_LEVELS);
const Levels = z.object({
  excellent: z.number(),
  good: z.number(),
  pass: z.number(),
  basic: z.number(),
  fail: z.number(),
});
const LineOut = z.object({
  unitId: z.number(),
  unitName: z.string(),
  candidates: z.number(),
  sat: z.number(),
  participationRate: z.number().nullable(),
  assessed: z.number(),
  passed: z.number(),
  passRate: z.number().nullable(),
  excellent: z.number(),
  excellentRate: z.number().nullable(),
  levels: Levels,
  mean: z.number().nullable(),
  excellentMet: z.boolean().nullable(),
  competentMet: z.boolean().nullable(),
});
const line = (x: ExamStatsLine): z.infer<typeof LineOut> => ({
  unitId: x.unitId,
  unitName: x.unitName,
  candidates: x.candidates,
  sat: x.sat,
  participationRate: x.participationRate,
  assessed: x.assessed,
  passed: x.passed,
  passRate: x.passRate,
  excellent: x.excellent,
  excellentRate: x.excellentRate,
  levels: x.levels,
  mean: x.mean,
  excellentMet: x.excellentMet,
  competentMet: x.competentMet,
});

const StatsQuery = z.object({ unitId: zId.optional(), bins: z.enum(['bands', 'tens']).default('bands') });
const nullableNumber = z.number().nullable();
const StatsOut = z.object({
  exam: z.object({
    id: z.number(),
    title: z.string(),
    target: z.enum(['course', 'class', 'project', 'spot_check']),
    status: z.string(),
    opensAt: z.string(),
    closesAt: z.string(),
    organiser: z.object({ id: z.number(), name: z.string() }),
  }),
  base: z.object({ id: z.number(), name: z.string() }),
  cutoffs: z.object({
    levelCuts: z.object({ excellent: z.number(), good: z.number(), pass: z.number(), basic: z.number() }),
    passLevel: z.enum(['excellent', 'good', 'pass', 'basic']),
    targets: z.object({ excellentShare: z.number().optional(), competentShare: z.number().optional() }),
  }),
  overall: LineOut.extend({
    summary: z.object({
      count: z.number(),
      mean: nullableNumber,
      median: nullableNumber,
      max: nullableNumber,
      min: nullableNumber,
      sd: nullableNumber,
    }),
  }),
  units: z.array(LineOut),
  distribution: z.array(z.object({ from: z.number(), to: z.number(), count: z.number(), share: nullableNumber })),
  gradedPapers: z.number(),
  discriminationMinPapers: z.number(),
  questions: z.array(
    z.object({
      questionId: z.number(),
      version: z.number(),
      kind: z.string(),
      stem: z.string(),
      points: z.number(),
      papers: z.number(),
      answered: z.number(),
      difficulty: nullableNumber,
      discrimination: nullableNumber,
      flags: z.array(z.enum(['too_easy', 'too_hard', 'poor_discrimination'])),
    }),
  ),
  definitions: z.array(z.string()),
});

const ResultsFilter = {
  unitId: zId.optional(),
  level: zLevel.optional(),
  passed: zBool.optional(),
  q: zText(40).optional(),
};
const ResultOut = z.object({
  teacherId: z.number(),
  name: z.string(),
  schoolName: z.string().nullable(),
  examScore: nullableNumber,
  composite: nullableNumber,
  level: zLevel.nullable(),
  passed: z.boolean(),
  attempts: z.number(),
  submittedAt: z.string().nullable(),
});

/** Results and statistics of an exam (成绩与统计): by unit, distribution, question analysis, the ranked list. */
export const examStatsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { examStats } = services;

  app.get(
    '/exams/:id/stats',
    {
      config: { action: 'exam.read_stats' },
      schema: {
        tags: ['exams'],
        summary: 'Participation, pass and excellence rates by child unit against the targets; distribution; questions',
        params: IdParams,
        querystring: StatsQuery,
        response: { 200: StatsOut },
      },
    },
    async (req) => {
      const s = await examStats.stats(req.ctx, req.params.id, req.query);
      return {
        ...s,
        exam: { ...s.exam, opensAt: s.exam.opensAt.toISOString(), closesAt: s.exam.closesAt.toISOString() },
        overall: { ...line(s.overall), summary: s.overall.summary },
        units: s.units.map(line),
      };
    },
  );

  app.get(
    '/exams/:id/stats.xlsx',
    {
      config: { action: 'exam.export_stats' },
      schema: {
        tags: ['exams'],
        summary: 'The statistics as a workbook (单位统计, 成绩分布, 试题分析)',
        params: IdParams,
        querystring: StatsQuery,
      },
    },
    async (req, reply) => {
      const r = await examStats.exportStats(req.ctx, req.params.id, req.query);
      reply.header('content-type', XLSX);
      reply.header(
        'content-disposition',
        attachment(`exam-stats-${req.params.id}.xlsx`, `${r.stats.exam.title}-成绩统计.xlsx`),
      );
      return reply.send(r.buffer);
    },
  );

  app.get(
    '/exams/:id/results',
    {
      config: { action: 'exam.read_results' },
      schema: {
        tags: ['exams'],
        summary: 'The results below the reader’s unit, best composite first (no ID numbers)',
        params: IdParams,
        querystring: z.object({ ...ResultsFilter, ...Paging }),
        response: {
          200: z.object({
            items: z.array(ResultOut),
            total: z.number(),
            base: z.object({ id: z.number(), name: z.string() }),
          }),
        },
      },
    },
    async (req) => {
      const r = await examStats.results(req.ctx, req.params.id, req.query);
      return {
        ...r,
        items: r.items.map((x) => ({
          ...x,
          level: x.level as z.infer<typeof zLevel> | null,
          submittedAt: x.submittedAt ? x.submittedAt.toISOString() : null,
        })),
      };
    },
  );

  app.get(
    '/exams/:id/results.xlsx',
    {
      config: { action: 'exam.export_results' },
      schema: {
        tags: ['exams'],
        summary: 'The filtered results as a sheet (成绩名单)',
        params: IdParams,
        querystring: z.object(ResultsFilter),
      },
    },
    async (req, reply) => {
      const r = await examStats.exportResults(req.ctx, req.params.id, req.query);
      reply.header('content-type', XLSX);
      reply.header('content-disposition', attachment(`exam-results-${req.params.id}.xlsx`, `${r.title}-成绩名单.xlsx`));
      return reply.send(r.buffer);
    },
  );
};
