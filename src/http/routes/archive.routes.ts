import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { PLAN_STATUSES, TARGET_TENTHS_MAX } from '../../domain/development-plan.js';
import { pickLocale } from '../../i18n/messages.js';
import type { ArchiveFile } from '../../services/archive.service.js';
import type { DevelopmentPlanView } from '../../services/development-plan.service.js';
import type { Services } from '../../services/services.js';
import { attachment, IdParams, Paging, zBodyId, zParagraphs } from '../schemas.js';

const Cell = z.union([z.string(), z.number(), z.null()]);
const ArchiveOut = z.object({
  locale: z.enum(['zh-CN', 'en']),
  title: z.string(),
  teacherName: z.string(),
  unitName: z.string(),
  identity: z.array(z.tuple([z.string(), z.string()])),
  sections: z.array(
    z.object({
      key: z.string(),
      order: z.number(),
      title: z.string(),
      columns: z.array(z.string()),
      rows: z.array(z.array(Cell)),
      note: z.string().nullable().optional(),
    }),
  ),
  printedOn: z.string(),
  identifiers: z.enum(['full', 'masked', 'own']).describe("'full': school and county admins; 'masked': city, province"),
});

const PlanYearIn = z
  .object({
    year: z.number().int().min(2000).max(2102),
    actions: zParagraphs(2000, 0),
    training: zParagraphs(2000, 0),
    targetTenths: z.number().int().min(0).max(TARGET_TENTHS_MAX),
  })
  .strict();
const PlanBody = z.object({ goals: zParagraphs(5000, 0), years: z.array(PlanYearIn).min(1).max(3) }).strict();

const PlanYearOut = z.object({
  year: z.number(),
  actions: z.string(),
  training: z.string(),
  targetTenths: z.number(),
  selfReview: z.string().nullable(),
  selfReviewedAt: z.string().nullable(),
});
const PlanRowOut = z.object({
  id: z.number(),
  teacherId: z.number(),
  teacherName: z.string(),
  orgUnitId: z.number(),
  orgUnitName: z.string(),
  startYear: z.number(),
  goals: z.string(),
  years: z.array(PlanYearOut),
  status: z.enum(PLAN_STATUSES as ['draft', 'submitted', 'approved', 'returned']),
  reviewComment: z.string().nullable(),
  submittedAt: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  reviewedByName: z.string().nullable(),
  updatedAt: z.string(),
});
const PlanOut = PlanRowOut.extend({
  reviews: z.array(
    z.object({
      id: z.number(),
      decision: z.enum(['approved', 'returned']),
      comment: z.string().nullable(),
      reviewedByName: z.string(),
      reviewedAt: z.string(),
    }),
  ),
  canEdit: z.boolean(),
  canReview: z.boolean(),
  selfReviewYears: z.array(z.number()),
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);
type Row = Omit<DevelopmentPlanView, 'reviews' | 'canEdit' | 'canReview' | 'selfReviewYears'>;
const presentRow = (p: Row): z.infer<typeof PlanRowOut> => ({
  id: p.id,
  teacherId: p.teacherId,
  teacherName: p.teacherName,
  orgUnitId: p.orgUnitId,
  orgUnitName: p.orgUnitName,
  startYear: p.startYear,
  goals: p.goals,
  years: p.years,
  status: p.status,
  reviewComment: p.reviewComment,
  submittedAt: iso(p.submittedAt),
  reviewedAt: iso(p.reviewedAt),
  reviewedByName: p.reviewedByName,
  updatedAt: p.updatedAt.toISOString(),
});
const presentPlan = (p: DevelopmentPlanView): z.infer<typeof PlanOut> => ({
  ...presentRow(p),
  reviews: p.reviews.map((r) => ({ ...r, reviewedAt: r.reviewedAt.toISOString() })),
  canEdit: p.canEdit,
  canReview: p.canReview,
  selfReviewYears: p.selfReviewYears,
});

/** A teacher's training archive (培训档案) and personal development plan (个人专业发展规划), R-52. */
export const archiveRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const archive = services.archive;
  const plans = services.developmentPlans;
  const send = (reply: { header(k: string, v: string): unknown; send(b: Buffer): unknown }, f: ArchiveFile) => {
    reply.header('content-type', f.contentType);
    reply.header('content-disposition', attachment(f.fileName, f.localName));
    return reply.send(f.body);
  };
  const locale = (req: { headers: Record<string, string | string[] | undefined> }) =>
    pickLocale(req.headers['accept-language'] as string | undefined);

  // ------------------------------------------------------------------ the archive

  app.get(
    '/archive/me',
    {
      config: { action: 'archive.read' },
      schema: { tags: ['archive'], summary: "The teacher's own training archive", response: { 200: ArchiveOut } },
    },
    async (req) => archive.read(req.ctx, 'me', locale(req)),
  );

  app.get(
    '/archive/me/archive.pdf',
    {
      config: { action: 'archive.pdf' },
      schema: { tags: ['archive'], summary: "The teacher's own training archive as a printable A4 PDF" },
    },
    async (req, reply) => send(reply, await archive.file(req.ctx, 'me', 'pdf', locale(req))),
  );

  app.get(
    '/archive/teachers/:id',
    {
      config: { action: 'archive.read' },
      schema: {
        tags: ['archive'],
        summary:
          "A teacher's training archive: read by the admins whose subtree holds the teacher's current school (whole history)",
        params: IdParams,
        response: { 200: ArchiveOut },
      },
    },
    async (req) => archive.read(req.ctx, req.params.id, locale(req)),
  );

  app.get(
    '/archive/teachers/:id/archive.pdf',
    {
      config: { action: 'archive.pdf' },
      schema: { tags: ['archive'], summary: "A teacher's training archive as a printable A4 PDF", params: IdParams },
    },
    async (req, reply) => send(reply, await archive.file(req.ctx, req.params.id, 'pdf', locale(req))),
  );

  app.get(
    '/archive/teachers/:id/archive.xlsx',
    {
      config: { action: 'archive.export' },
      schema: {
        tags: ['archive'],
        summary: "A teacher's training archive as .xlsx, one sheet per section",
        params: IdParams,
      },
    },
    async (req, reply) => send(reply, await archive.file(req.ctx, req.params.id, 'xlsx', locale(req))),
  );

  // ------------------------------------------------------------------ development plans

  app.get(
    '/development-plans/mine',
    {
      config: { action: 'development_plan.list_own' },
      schema: {
        tags: ['archive'],
        summary: "The teacher's own development plans, newest period first",
        response: { 200: z.object({ items: z.array(PlanOut) }) },
      },
    },
    async (req) => ({ items: (await plans.mine(req.ctx)).map(presentPlan) }),
  );

  app.get(
    '/development-plans',
    {
      config: { action: 'development_plan.list' },
      schema: {
        tags: ['archive'],
        summary: "Development plans of a unit's teachers (the school's review list; filter by status)",
        querystring: z.object({
          orgUnitId: z.coerce.number().int().positive().optional(),
          status: z.enum(PLAN_STATUSES as ['draft', 'submitted', 'approved', 'returned']).optional(),
          ...Paging,
        }),
        response: { 200: z.object({ items: z.array(PlanRowOut), total: z.number() }) },
      },
    },
    async (req) => {
      const { page, pageSize, ...q } = req.query;
      const r = await plans.list(req.ctx, q, { limit: pageSize, offset: (page - 1) * pageSize });
      return { items: r.items.map(presentRow), total: r.total };
    },
  );

  app.get(
    '/development-plans/:id',
    {
      config: { action: 'development_plan.read' },
      schema: {
        tags: ['archive'],
        summary: 'A development plan with its reviews',
        params: IdParams,
        response: { 200: PlanOut },
      },
    },
    async (req) => presentPlan(await plans.get(req.ctx, req.params.id)),
  );

  app.post(
    '/development-plans',
    {
      config: { action: 'development_plan.create' },
      schema: {
        tags: ['archive'],
        summary: 'Start a development plan (saved as a draft); one per starting year',
        body: PlanBody.extend({ startYear: z.number().int().min(2000).max(2100) }).strict(),
        response: { 201: PlanOut },
      },
    },
    async (req, reply) => reply.status(201).send(presentPlan(await plans.create(req.ctx, req.body))),
  );

  app.put(
    '/development-plans/:id',
    {
      config: { action: 'development_plan.update' },
      schema: {
        tags: ['archive'],
        summary: 'Save the goals and yearly actions (a draft, or a returned plan being revised)',
        params: IdParams,
        body: PlanBody,
        response: { 200: PlanOut },
      },
    },
    async (req) => presentPlan(await plans.save(req.ctx, req.params.id, req.body)),
  );

  app.post(
    '/development-plans/:id/submit',
    {
      config: { action: 'development_plan.submit' },
      schema: {
        tags: ['archive'],
        summary: "Submit the plan to the school's review",
        params: IdParams,
        response: { 200: PlanOut },
      },
    },
    async (req) => presentPlan(await plans.submit(req.ctx, req.params.id)),
  );

  app.post(
    '/development-plans/:id/review',
    {
      config: { action: 'development_plan.review' },
      schema: {
        tags: ['archive'],
        summary: "The school's decision: approve, or return with a comment (required to return)",
        params: IdParams,
        body: z
          .object({ decision: z.enum(['approve', 'return']), comment: zParagraphs(2000, 0).nullable().optional() })
          .strict(),
        response: { 200: PlanOut },
      },
    },
    async (req) => presentPlan(await plans.review(req.ctx, req.params.id, req.body.decision, req.body.comment ?? null)),
  );

  app.put(
    '/development-plans/:id/self-review',
    {
      config: { action: 'development_plan.self_review' },
      schema: {
        tags: ['archive'],
        summary: "The teacher's self-review of one year of an approved plan (from that year's December)",
        params: IdParams,
        body: z.object({ year: zBodyId.max(2102), text: zParagraphs(2000) }).strict(),
        response: { 200: PlanOut },
      },
    },
    async (req) => presentPlan(await plans.selfReview(req.ctx, req.params.id, req.body.year, req.body.text)),
  );
};
