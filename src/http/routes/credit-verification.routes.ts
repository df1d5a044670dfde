import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  SCHOOL_YEAR_STATUSES,
  type SchoolYearRow,
  type SchoolYearStatus,
  type VerificationRow,
} from '../../repositories/credit-verification.repository.js';
import type { Services } from '../../services/services.js';
import { iso } from '../presenters.js';
import { attachment, IdParams, Paging, XLSX, zBodyId, zId, zOptionalText } from '../schemas.js';

const zStatus = z.enum(['open', 'submitted', 'signed_off', 'returned']);
const VerificationOut = z.object({
  id: z.number(),
  cycleId: z.number(),
  year: z.number(),
  orgUnitId: z.number(),
  orgUnitName: z.string(),
  status: zStatus,
  teachers: z.number(),
  verified: z.number(),
  openedAt: z.string(),
  submittedAt: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decidedByName: z.string().nullable(),
  decisionNote: z.string().nullable(),
});
const zSchoolYearStatus = z.enum(SCHOOL_YEAR_STATUSES as [SchoolYearStatus, ...SchoolYearStatus[]]);
const SchoolYearQuery = z.object({
  orgUnitId: zId.optional(),
  cycleId: zId,
  year: z.coerce.number().int().min(2000).max(2100),
  status: zSchoolYearStatus.optional(),
});
const SchoolYearOut = z.object({
  orgUnitId: z.number(),
  orgUnitName: z.string(),
  verificationId: z.number().nullable().describe('null while the school has not opened the year'),
  status: zSchoolYearStatus,
  teachers: z.number().describe("the year's teachers; for a school not started, the teachers it keeps now"),
  verified: z.number().nullable(),
  openedAt: z.string().nullable(),
  submittedAt: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decidedByName: z.string().nullable(),
});
type Counts = Record<SchoolYearStatus, z.ZodNumber>;
const presentSchoolYear = (r: SchoolYearRow): z.infer<typeof SchoolYearOut> => ({
  ...r,
  openedAt: iso(r.openedAt),
  submittedAt: iso(r.submittedAt),
  decidedAt: iso(r.decidedAt),
});

const ItemOut = z.object({
  teacherId: z.number(),
  teacherName: z.string(),
  idNumberMasked: z.string(),
  computed: z.enum(['passed', 'failed', 'not_in_scope']),
  failures: z.array(z.unknown()),
  yearHours: z.number(),
  exception: z.enum(['exempt', 'failed']).nullable(),
  exceptionReason: z.string().nullable(),
  result: z.enum(['verified', 'not_verified', 'exempt', 'not_in_scope']),
});
const ReversalRequestOut = z.object({
  id: z.number(),
  entryId: z.number(),
  reason: z.string(),
  status: z.enum(['pending', 'approved', 'rejected']),
  requestedAt: z.string(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
  requestedByName: z.string().nullable(),
  teacherName: z.string(),
  orgUnitName: z.string(),
  title: z.string(),
  hours: z.number(),
  year: z.number(),
  occurredOn: z.string(),
});

const present = (v: VerificationRow): z.infer<typeof VerificationOut> => ({
  id: v.id,
  cycleId: v.cycleId,
  year: v.year,
  orgUnitId: v.orgUnitId,
  orgUnitName: v.orgUnitName,
  status: v.status,
  teachers: v.teachers,
  verified: v.verified,
  openedAt: v.openedAt.toISOString(),
  submittedAt: iso(v.submittedAt),
  decidedAt: iso(v.decidedAt),
  decidedByName: v.decidedByName,
  decisionNote: v.decisionNote,
});

export const creditVerificationRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const svc = services.verifications;

  app.get(
    '/verifications',
    {
      config: { action: 'credit.list_verifications' },
      schema: {
        tags: ['verification'],
        summary: 'Annual verifications of the schools of a unit',
        querystring: z.object({
          orgUnitId: zId.optional(),
          cycleId: zId,
          year: z.coerce.number().int().min(2000).max(2100).optional(),
          status: zStatus.optional(),
        }),
        response: { 200: z.object({ items: z.array(VerificationOut) }) },
      },
    },
    async (req) => ({ items: (await svc.list(req.ctx, req.query)).map(present) }),
  );

  app.get(
    '/verifications/schools',
    {
      config: { action: 'credit.list_verifications' },
      schema: {
        tags: ['verification'],
        summary:
          "Every school of a unit with its year's verification, those not started included, and the count of each status",
        querystring: SchoolYearQuery.extend(Paging),
        response: {
          200: z.object({
            items: z.array(SchoolYearOut),
            total: z.number(),
            counts: z.object(Object.fromEntries(SCHOOL_YEAR_STATUSES.map((k) => [k, z.number()])) as Counts),
          }),
        },
      },
    },
    async (req) => {
      const r = await svc.schools(req.ctx, req.query);
      return { items: r.items.map(presentSchoolYear), total: r.total, counts: r.counts };
    },
  );

  app.get(
    '/verifications/schools/export',
    {
      config: { action: 'credit.export_verifications' },
      schema: {
        tags: ['verification'],
        summary: 'The same list as an .xlsx sheet, every matching school',
        querystring: SchoolYearQuery,
      },
    },
    async (req, reply) => {
      const r = await svc.exportSchools(req.ctx, req.query);
      reply.header('content-type', XLSX);
      reply.header(
        'content-disposition',
        attachment(`verifications-${req.query.year}.xlsx`, `${r.unitName}-${req.query.year}年度验证.xlsx`),
      );
      return reply.send(r.buffer);
    },
  );

  app.post(
    '/verifications',
    {
      config: { action: 'credit.open_verification' },
      schema: {
        tags: ['verification'],
        summary: "Opens a school's year (or recomputes an open or returned one)",
        body: z.object({ orgUnitId: zBodyId, cycleId: zBodyId, year: z.number().int().min(2000).max(2100) }).strict(),
        response: { 200: z.object({ verification: VerificationOut }) },
      },
    },
    async (req) => ({ verification: present(await svc.open(req.ctx, req.body)) }),
  );

  app.get(
    '/verifications/:id',
    {
      config: { action: 'credit.read_verification' },
      schema: {
        tags: ['verification'],
        summary: "A school's year with every teacher's result",
        params: IdParams,
        response: { 200: z.object({ verification: VerificationOut, items: z.array(ItemOut) }) },
      },
    },
    async (req) => {
      const r = await svc.get(req.ctx, req.params.id);
      return { verification: present(r.verification), items: r.items };
    },
  );

  app.put(
    '/verifications/:id/items/:teacherId',
    {
      config: { action: 'credit.mark_verification' },
      schema: {
        tags: ['verification'],
        summary: "Marks or clears the school's exception for one teacher (a reason is required)",
        params: z.object({ id: zId, teacherId: zId }),
        body: z.object({ exception: z.enum(['exempt', 'failed']).nullable(), reason: zOptionalText(500) }).strict(),
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await svc.mark(req.ctx, req.params.id, req.params.teacherId, req.body.exception, req.body.reason ?? null);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/verifications/:id/submit',
    {
      config: { action: 'credit.submit_verification' },
      schema: {
        tags: ['verification'],
        summary: 'The school submits its year to the county',
        params: IdParams,
        response: { 200: z.object({ verification: VerificationOut }) },
      },
    },
    async (req) => ({ verification: present(await svc.submit(req.ctx, req.params.id)) }),
  );

  app.post(
    '/verifications/:id/decision',
    {
      config: { action: 'credit.decide_verification' },
      schema: {
        tags: ['verification'],
        summary: 'The county signs the year off (it is then locked) or returns it with a note',
        params: IdParams,
        body: z.object({ decision: z.enum(['sign_off', 'return']), note: zOptionalText(500) }).strict(),
        response: { 200: z.object({ verification: VerificationOut }) },
      },
    },
    async (req) => ({
      verification: present(await svc.decide(req.ctx, req.params.id, req.body.decision, req.body.note ?? null)),
    }),
  );

  app.get(
    '/reversal-requests',
    {
      config: { action: 'credit.list_reversal_requests' },
      schema: {
        tags: ['verification'],
        summary: 'Requests to change signed-off years',
        querystring: z.object({
          orgUnitId: zId.optional(),
          status: z.enum(['pending', 'approved', 'rejected']).optional(),
        }),
        response: { 200: z.object({ items: z.array(ReversalRequestOut) }) },
      },
    },
    async (req) => ({
      items: (await svc.reversalRequests(req.ctx, req.query)).map((r) => ({
        ...r,
        status: r.status as 'pending' | 'approved' | 'rejected',
        requestedAt: r.requestedAt.toISOString(),
        decidedAt: iso(r.decidedAt),
      })),
    }),
  );

  app.post(
    '/reversal-requests/:id/decision',
    {
      config: { action: 'credit.decide_reversal' },
      schema: {
        tags: ['verification'],
        summary: 'The county approves (the reversal is posted) or rejects a change to a signed-off year',
        params: IdParams,
        body: z.object({ approve: z.boolean(), note: zOptionalText(500) }).strict(),
        response: { 200: z.object({ reversalId: z.number().nullable() }) },
      },
    },
    async (req) => svc.decideReversal(req.ctx, req.params.id, req.body.approve, req.body.note ?? null),
  );
};
