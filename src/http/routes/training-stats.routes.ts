import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { UnitStatsLine } from '../../services/training-stats.service.js';
import type { Services } from '../../services/services.js';
import { attachment, IdParams, XLSX } from '../schemas.js';

const LineOut = z.object({
  unitId: z.number(),
  unitName: z.string(),
  enrolled: z.number(),
  waitlisted: z.number(),
  withdrawn: z.number(),
  completed: z.number(),
  notCompleted: z.number(),
  sessionsExpected: z.number(),
  sessionsAttended: z.number(),
  completionPct: z.number().nullable(),
  attendancePct: z.number().nullable(),
});
const line = (x: UnitStatsLine) => ({
  unitId: x.unitId,
  unitName: x.unitName,
  enrolled: x.enrolled,
  waitlisted: x.waitlisted,
  withdrawn: x.withdrawn,
  completed: x.completed,
  notCompleted: x.notCompleted,
  sessionsExpected: x.sessionsExpected,
  sessionsAttended: x.sessionsAttended,
  completionPct: x.completionPct,
  attendancePct: x.attendancePct,
});

/** Participation, attendance and completion of a training project by unit (参训统计). */
export const trainingStatsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { trainingStats } = services;

  app.get(
    '/training/projects/:id/stats',
    {
      config: { action: 'training.read_stats' },
      schema: {
        tags: ['training'],
        summary: 'Places, attendance and completion of a project by child unit',
        params: IdParams,
        response: {
          200: z.object({
            base: z.object({ id: z.number(), name: z.string() }),
            lines: z.array(LineOut),
            total: LineOut,
          }),
        },
      },
    },
    async (req) => {
      const s = await trainingStats.byUnit(req.ctx, req.params.id);
      return { base: s.base, lines: s.lines.map(line), total: line(s.total) };
    },
  );

  app.get(
    '/training/projects/:id/stats/export',
    {
      config: { action: 'training.export_stats' },
      schema: { tags: ['training'], summary: 'The same figures as an .xlsx sheet', params: IdParams },
    },
    async (req, reply) => {
      const r = await trainingStats.exportByUnit(req.ctx, req.params.id);
      reply.header('content-type', XLSX);
      reply.header(
        'content-disposition',
        attachment(`training-stats-${req.params.id}.xlsx`, `${r.stats.project.title}-参训统计.xlsx`),
      );
      return reply.send(r.buffer);
    },
  );
};
