import { PassThrough } from 'node:stream';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply } from 'fastify';
import { PROGRESS_STATUSES, type ProgressStatus } from '../../domain/credit-progress.js';
import { pickLocale } from '../../i18n/messages.js';
import type { Freshness, XlsxDownload } from '../../services/credit-report.service.js';
import { iso } from '../presenters.js';
import type { Services } from '../../services/services.js';
import { attachment, Paging, XLSX, zId } from '../schemas.js';

const Counts = {
  teachers: z.number(),
  inScope: z.number(),
  complete: z.number(),
  onTrack: z.number(),
  behind: z.number(),
  belowYearly: z.number(),
  atRisk: z.number(),
  rawHours: z.number(),
  countedHours: z.number(),
  entryCount: z.number(),
  verificationTeachers: z.number(),
  verified: z.number(),
  schoolsSignedOff: z.number(),
};
/** How current the figures are: read when, whether a refresh of the statuses is under way, how many are from before. */
const FreshnessOut = z.object({
  computedAt: z.string(),
  refresh: z
    .object({
      status: z.enum(['queued', 'running']),
      progress: z.number(),
      total: z.number(),
      startedAt: z.string().nullable(),
    })
    .nullable(),
  staleTeachers: z.number(),
  lastRefreshAt: z.string().nullable(),
});
const presentFreshness = (f: Freshness): z.infer<typeof FreshnessOut> => ({
  computedAt: f.computedAt.toISOString(),
  staleTeachers: f.staleTeachers,
  lastRefreshAt: iso(f.lastRefreshAt),
  refresh: f.refresh && { ...f.refresh, startedAt: iso(f.refresh.startedAt) },
});
const RollupOut = z.object({
  unit: z.object({ id: z.number(), name: z.string(), kind: z.string() }),
  cycle: z.object({ id: z.number(), name: z.string(), startYear: z.number(), endYear: z.number() }),
  year: z.number(),
  rows: z.array(z.object({ orgUnitId: z.number(), name: z.string(), kind: z.string(), ...Counts })),
  total: z.object(Counts),
  freshness: FreshnessOut,
});
const zStatuses = z
  .union([
    z.enum(PROGRESS_STATUSES as [ProgressStatus, ...ProgressStatus[]]),
    z.array(z.enum(PROGRESS_STATUSES as [ProgressStatus, ...ProgressStatus[]])),
  ])
  .transform((v) => (Array.isArray(v) ? v : [v]))
  .optional();
const ReportQuery = z.object({
  orgUnitId: zId,
  cycleId: zId.optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  /** one row per unit of this kind under the unit (e.g. every county of a province) instead of per child */
  level: z.enum(['city', 'county', 'school']).optional(),
});

/** Streams a checked download as .xlsx; refusals happened before the first byte. */
function sendXlsx(reply: FastifyReply, d: XlsxDownload) {
  const out = new PassThrough();
  d.write(out).catch((e: unknown) => out.destroy(e as Error));
  reply.header('content-type', XLSX);
  reply.header('content-disposition', attachment('report.xlsx', d.name));
  return reply.send(out);
}

export const creditReportRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const svc = services.creditReports;

  app.get(
    '/reports/credits',
    {
      config: { action: 'credit.report' },
      schema: {
        tags: ['reports'],
        summary: 'Completion and verification by child unit (sums of the ledger, via the summaries)',
        querystring: ReportQuery,
        response: { 200: RollupOut },
      },
    },
    async (req) => {
      const r = await svc.rollup(req.ctx, req.query);
      return {
        unit: { id: r.unit.id, name: r.unit.name, kind: r.unit.kind },
        cycle: { id: r.cycle.id, name: r.cycle.name, startYear: r.cycle.startYear, endYear: r.cycle.endYear },
        year: r.year,
        rows: r.rows.map(({ path: _, ...row }) => row),
        total: r.total,
        freshness: presentFreshness(r.freshness),
      };
    },
  );

  app.get(
    '/reports/credits/teachers',
    {
      config: { action: 'credit.report_teachers' },
      schema: {
        tags: ['reports'],
        summary:
          'Teachers of a unit by status (e.g. behind and at risk), or not verified in a year, fewest hours first',
        querystring: z.object({
          orgUnitId: zId,
          cycleId: zId.optional(),
          status: zStatuses,
          /** also the teachers a submitted or signed-off verification of this year did not verify */
          notVerifiedIn: z.coerce.number().int().min(2000).max(2100).optional(),
          ...Paging,
        }),
        response: {
          200: z.object({
            total: z.number(),
            freshness: FreshnessOut,
            items: z.array(
              z.object({
                teacherId: z.number(),
                name: z.string(),
                idNumberMasked: z.string(),
                orgUnitId: z.number(),
                orgUnitName: z.string(),
                status: z.string(),
                countedHours: z.number(),
                rawHours: z.number(),
                yearHours: z.array(z.number()),
                minimaUnmet: z.number(),
                verifications: z.array(
                  z.object({
                    year: z.number(),
                    result: z.enum(['verified', 'not_verified', 'exempt', 'not_in_scope']),
                    status: z.enum(['submitted', 'signed_off']),
                  }),
                ),
              }),
            ),
            /** the current year of the cycle, its yearly minimum and the days left in it (today included) */
            thisYear: z.object({ year: z.number(), minimum: z.number().nullable(), daysLeft: z.number() }).nullable(),
          }),
        },
      },
    },
    async (req) => {
      const q = req.query;
      const r = await svc.teachers(req.ctx, {
        orgUnitId: q.orgUnitId,
        cycleId: q.cycleId,
        statuses: q.status,
        notVerifiedIn: q.notVerifiedIn,
        limit: q.pageSize,
        offset: (q.page - 1) * q.pageSize,
      });
      return { total: r.total, items: r.items, freshness: presentFreshness(r.freshness), thisYear: r.thisYear };
    },
  );

  app.get(
    '/reports/credits/export',
    {
      config: { action: 'credit.export_report' },
      schema: { tags: ['reports'], summary: 'The rollup as .xlsx', querystring: ReportQuery },
    },
    async (req, reply) =>
      sendXlsx(reply, await svc.exportRollup(req.ctx, req.query, pickLocale(req.headers['accept-language']))),
  );

  app.get(
    '/reports/credits/teachers/export',
    {
      config: { action: 'credit.export_teachers' },
      schema: {
        tags: ['reports'],
        summary: 'Every teacher of a unit with hours per year, credits and status, as .xlsx',
        querystring: z.object({ orgUnitId: zId, cycleId: zId.optional(), status: zStatuses }),
      },
    },
    async (req, reply) =>
      sendXlsx(
        reply,
        await svc.exportTeachers(
          req.ctx,
          { orgUnitId: req.query.orgUnitId, cycleId: req.query.cycleId, statuses: req.query.status },
          pickLocale(req.headers['accept-language']),
        ),
      ),
  );
};
