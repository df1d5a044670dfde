import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { hasForbiddenChars, normaliseText } from '../../domain/text.js';
import { MAX_PLAN_ITEMS, PLAN_EVENTS, PLAN_FORMS, PLAN_STATUSES } from '../../domain/training-plan.js';
import { ORG_UNIT_KINDS } from '../../domain/org-tree.js';
import type { PlanItem, PlanRow, PlanVersionRow, PlanView } from '../../services/training-plan.service.js';
import type { Services } from '../../services/services.js';
import { attachment, IdParams, XLSX, zBodyId, zId, zOptionalText, zText } from '../schemas.js';
import { iso } from '../presenters.js';
import { readUploadedFile } from '../upload.js';

const zYear = z.coerce.number().int().min(2000).max(2100);
/** A longer text that keeps its line breaks; other control characters are refused. */
const zMultiline = (max: number) =>
  z
    .union([
      z
        .string()
        .max(max * 4, { message: 'too_long' })
        .transform((s) => s.replace(/\r\n?/g, '\n'))
        .refine((s) => !hasForbiddenChars(s.replace(/\n/g, '')), { message: 'bad_chars' })
        .transform(normaliseText)
        .pipe(z.string().max(max, { message: 'too_long' }))
        .transform((s) => s || null),
      z.null(),
    ])
    .optional();

const ItemBody = z
  .object({
    month: z.number().int().min(1).max(12),
    title: zText(200),
    form: z.enum(PLAN_FORMS).nullable().optional(),
    responsibleUnitId: zBodyId.nullable().optional(),
    responsible: zOptionalText(100),
    projectId: zBodyId.nullable().optional(),
    notes: zMultiline(1000),
  })
  .strict();

const PlanBody = z
  .object({
    /** the unit whose plan this is: the caller's own (the default) */
    orgUnitId: zBodyId.optional(),
    year: z.number().int().min(2000).max(2100),
    title: zText(200),
    summary: zMultiline(4000),
    items: z.array(ItemBody).max(MAX_PLAN_ITEMS),
  })
  .strict();

const CommentBody = z.object({ comment: zOptionalText(2000) }).strict();
const ReturnBody = z.object({ comment: zText(2000) }).strict();

const ItemOut = z.object({
  month: z.number(),
  title: z.string(),
  form: z.enum(PLAN_FORMS).nullable(),
  responsibleUnitId: z.number().nullable(),
  responsibleUnitName: z.string().nullable(),
  responsible: z.string().nullable(),
  projectId: z.number().nullable(),
  projectTitle: z.string().nullable(),
  notes: z.string().nullable(),
});
const PlanSummaryOut = z.object({
  id: z.number(),
  orgUnitId: z.number(),
  orgUnitName: z.string(),
  orgUnitKind: z.enum(ORG_UNIT_KINDS),
  year: z.number(),
  title: z.string(),
  summary: z.string().nullable(),
  status: z.enum(PLAN_STATUSES),
  version: z.number(),
  reviewComment: z.string().nullable(),
  reviewedByName: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  submittedAt: z.string().nullable(),
  updatedAt: z.string(),
});
const PlanOut = PlanSummaryOut.extend({
  items: z.array(ItemOut),
  track: z.enum(['review', 'publish', 'none']),
  workingCopy: z.boolean(),
  finalVersion: z.number().nullable(),
  canManage: z.boolean(),
  canReview: z.boolean(),
});
const UnitOut = z.object({ id: z.number(), name: z.string(), kind: z.enum(ORG_UNIT_KINDS) });
const VersionOut = z.object({
  id: z.number(),
  planId: z.number(),
  version: z.number(),
  event: z.enum(PLAN_EVENTS),
  comment: z.string().nullable(),
  actorName: z.string().nullable(),
  createdAt: z.string(),
});
const ProblemOut = z.object({ item: z.number(), field: z.string(), code: z.string(), value: z.string().optional() });

const item = (i: PlanItem): z.infer<typeof ItemOut> => ({
  month: i.month,
  title: i.title,
  form: i.form,
  responsibleUnitId: i.responsibleUnitId,
  responsibleUnitName: i.responsibleUnitName,
  responsible: i.responsible,
  projectId: i.projectId,
  projectTitle: i.projectTitle,
  notes: i.notes,
});
const summary = (p: PlanRow): z.infer<typeof PlanSummaryOut> => ({
  id: p.id,
  orgUnitId: p.orgUnitId,
  orgUnitName: p.orgUnitName,
  orgUnitKind: p.orgUnitKind,
  year: p.year,
  title: p.title,
  summary: p.summary,
  status: p.status,
  version: p.version,
  reviewComment: p.reviewComment,
  reviewedByName: p.reviewedByName,
  reviewedAt: iso(p.reviewedAt),
  submittedAt: iso(p.submittedAt),
  updatedAt: p.updatedAt.toISOString(),
});
const present = (p: PlanView): z.infer<typeof PlanOut> => ({
  ...summary(p),
  items: p.items.map(item),
  track: p.track,
  workingCopy: p.workingCopy,
  finalVersion: p.finalVersion,
  canManage: p.canManage,
  canReview: p.canReview,
});
const version = (v: PlanVersionRow): z.infer<typeof VersionOut> => ({
  id: v.id,
  planId: v.planId,
  version: v.version,
  event: v.event,
  comment: v.comment,
  actorName: v.actorName,
  createdAt: v.createdAt.toISOString(),
});
const unitRef = (u: { id: number; name: string; kind: (typeof ORG_UNIT_KINDS)[number] }) => ({
  id: u.id,
  name: u.name,
  kind: u.kind,
});

/** Annual training plans: a unit's plan, its calendar, the county's approval of school plans, versions, the calendar view and the sheet. */
export const trainingPlanRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const plans = services.plans;

  app.get(
    '/plans',
    {
      config: { action: 'plan.read' },
      schema: {
        tags: ['plans'],
        summary:
          "The plan of a unit (default: the caller's) for a year as the caller may see it, with the form's choices when the caller writes it",
        querystring: z.object({ orgUnitId: zId.optional(), year: zYear }),
        response: {
          200: z.object({
            unit: UnitOut,
            year: z.number(),
            plan: PlanOut.nullable(),
            track: z.enum(['review', 'publish', 'none']),
            canManage: z.boolean(),
            choices: z
              .object({
                units: z.array(UnitOut),
                projects: z.array(
                  z.object({ id: z.number(), title: z.string(), orgUnitName: z.string(), year: z.number() }),
                ),
              })
              .nullable(),
          }),
        },
      },
    },
    async (req) => {
      const r = await plans.forUnit(req.ctx, { orgUnitId: req.query.orgUnitId, year: req.query.year });
      return {
        unit: unitRef(r.unit),
        year: r.year,
        plan: r.plan ? present(r.plan) : null,
        track: r.track,
        canManage: r.canManage,
        choices: r.choices && { units: r.choices.units.map(unitRef), projects: r.choices.projects },
      };
    },
  );

  app.put(
    '/plans',
    {
      config: { action: 'plan.save' },
      schema: {
        tags: ['plans'],
        summary:
          "Writes the caller's unit's plan for a year: title, summary and the whole month calendar (replaces the lines before it)",
        body: PlanBody,
        response: { 200: z.object({ plan: PlanOut }) },
      },
    },
    async (req) => {
      const b = req.body;
      return {
        plan: present(
          await plans.save(req.ctx, {
            orgUnitId: b.orgUnitId,
            year: b.year,
            title: b.title,
            summary: b.summary ?? null,
            items: b.items.map((i) => ({
              month: i.month,
              title: i.title,
              form: i.form ?? null,
              responsibleUnitId: i.responsibleUnitId ?? null,
              responsible: i.responsible ?? null,
              projectId: i.projectId ?? null,
              notes: i.notes ?? null,
            })),
          }),
        ),
      };
    },
  );

  app.get(
    '/plans/review-queue',
    {
      config: { action: 'plan.review_queue' },
      schema: {
        tags: ['plans'],
        summary:
          "A county's review queue: the school plans submitted to it, and every school's plan status for the year",
        querystring: z.object({ year: zYear }),
        response: {
          200: z.object({
            submitted: z.array(PlanSummaryOut),
            schools: z.array(
              z.object({
                unit: UnitOut,
                planId: z.number().nullable(),
                status: z.enum(PLAN_STATUSES).nullable(),
                submittedAt: z.string().nullable(),
                reviewedAt: z.string().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => {
      const r = await plans.reviewQueue(req.ctx, req.query.year);
      return {
        submitted: r.submitted.map(summary),
        schools: r.schools.map((s) => ({
          unit: unitRef(s.unit),
          planId: s.planId,
          status: s.status,
          submittedAt: iso(s.submittedAt),
          reviewedAt: iso(s.reviewedAt),
        })),
      };
    },
  );

  app.get(
    '/plans/calendar',
    {
      config: { action: 'plan.calendar' },
      schema: {
        tags: ['plans'],
        summary:
          "The month calendar of a unit (default: the caller's) for a year: its own plan and the approved or published plans of every unit above it",
        querystring: z.object({ orgUnitId: zId.optional(), year: zYear }),
        response: {
          200: z.object({
            unit: UnitOut,
            year: z.number(),
            plans: z.array(
              z.object({
                planId: z.number(),
                unitId: z.number(),
                unitName: z.string(),
                unitKind: z.string(),
                title: z.string(),
                status: z.enum(PLAN_STATUSES),
                version: z.number(),
                workingCopy: z.boolean(),
              }),
            ),
            items: z.array(
              ItemOut.extend({ planId: z.number(), unitId: z.number(), unitName: z.string(), unitKind: z.string() }),
            ),
          }),
        },
      },
    },
    async (req) => {
      const r = await plans.calendar(req.ctx, { orgUnitId: req.query.orgUnitId, year: req.query.year });
      return {
        unit: unitRef(r.unit),
        year: r.year,
        plans: r.plans,
        items: r.items.map((i) => ({
          ...item(i),
          planId: i.planId,
          unitId: i.unitId,
          unitName: i.unitName,
          unitKind: i.unitKind,
        })),
      };
    },
  );

  app.post(
    '/plans/sheet',
    {
      config: { action: 'plan.import' },
      schema: {
        tags: ['plans'],
        summary:
          'Reads the lines of a 月份行事表 (.xlsx or .csv, multipart field "file") for the caller\'s plan form; nothing is stored',
        querystring: z.object({ year: zYear }),
        response: {
          200: z.object({ items: z.array(ItemOut), problems: z.array(ProblemOut.extend({ row: z.number() })) }),
        },
      },
    },
    async (req) => {
      const r = await plans.readSheet(req.ctx, req.query.year, await readUploadedFile(req));
      return { items: r.items.map(item), problems: r.problems };
    },
  );

  app.get(
    '/plans/versions/:id',
    {
      config: { action: 'plan.read_version' },
      schema: {
        tags: ['plans'],
        summary: 'One version of a plan with its content as it stood',
        params: IdParams,
        response: {
          200: z.object({
            version: VersionOut.extend({
              content: z.object({ title: z.string(), summary: z.string().nullable(), items: z.array(ItemOut) }),
            }),
          }),
        },
      },
    },
    async (req) => {
      const v = await plans.version(req.ctx, req.params.id);
      return {
        version: {
          ...version(v),
          content: { title: v.content.title, summary: v.content.summary, items: v.content.items.map(item) },
        },
      };
    },
  );

  app.get(
    '/plans/:id',
    {
      config: { action: 'plan.read' },
      schema: {
        tags: ['plans'],
        summary: 'A plan as the caller may see it',
        params: IdParams,
        response: { 200: z.object({ plan: PlanOut }) },
      },
    },
    async (req) => ({ plan: present(await plans.get(req.ctx, req.params.id)) }),
  );

  app.get(
    '/plans/:id/versions',
    {
      config: { action: 'plan.read_versions' },
      schema: {
        tags: ['plans'],
        summary: 'Who submitted, approved, returned or published the plan and when, newest first',
        params: IdParams,
        response: { 200: z.object({ items: z.array(VersionOut) }) },
      },
    },
    async (req) => ({ items: (await plans.versions(req.ctx, req.params.id)).map(version) }),
  );

  app.get(
    '/plans/:id/export.xlsx',
    {
      config: { action: 'plan.export' },
      schema: { tags: ['plans'], summary: "The plan's 月份行事表 as an .xlsx", params: IdParams },
    },
    async (req, reply) => {
      const r = await plans.export(req.ctx, req.params.id);
      reply.header('content-type', XLSX);
      reply.header('content-disposition', attachment(`plan-${req.params.id}.xlsx`, r.fileName));
      return reply.send(r.data);
    },
  );

  app.post(
    '/plans/:id/submit',
    {
      config: { action: 'plan.submit' },
      schema: {
        tags: ['plans'],
        summary: 'A school submits its plan to the county for approval',
        params: IdParams,
        response: { 200: z.object({ plan: PlanOut }) },
      },
    },
    async (req) => ({ plan: present(await plans.submit(req.ctx, req.params.id)) }),
  );

  app.post(
    '/plans/:id/publish',
    {
      config: { action: 'plan.publish' },
      schema: {
        tags: ['plans'],
        summary: 'The province, a city or a county publishes its plan',
        params: IdParams,
        response: { 200: z.object({ plan: PlanOut }) },
      },
    },
    async (req) => ({ plan: present(await plans.publish(req.ctx, req.params.id)) }),
  );

  app.post(
    '/plans/:id/reopen',
    {
      config: { action: 'plan.reopen' },
      schema: {
        tags: ['plans'],
        summary: 'A school takes its approved plan back as a draft for a revision (to be approved again)',
        params: IdParams,
        response: { 200: z.object({ plan: PlanOut }) },
      },
    },
    async (req) => ({ plan: present(await plans.reopen(req.ctx, req.params.id)) }),
  );

  app.post(
    '/plans/:id/approve',
    {
      config: { action: 'plan.approve' },
      schema: {
        tags: ['plans'],
        summary: "The county approves a school's submitted plan",
        params: IdParams,
        body: CommentBody,
        response: { 200: z.object({ plan: PlanOut }) },
      },
    },
    async (req) => ({ plan: present(await plans.approve(req.ctx, req.params.id, req.body.comment ?? null)) }),
  );

  app.post(
    '/plans/:id/return',
    {
      config: { action: 'plan.return' },
      schema: {
        tags: ['plans'],
        summary: "The county returns a school's submitted plan with a comment (required)",
        params: IdParams,
        body: ReturnBody,
        response: { 200: z.object({ plan: PlanOut }) },
      },
    },
    async (req) => ({ plan: present(await plans.return(req.ctx, req.params.id, req.body.comment)) }),
  );
};
