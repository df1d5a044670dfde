import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Services } from '../../services/services.js';
import { CORRECTABLE_FIELDS, type ActivationCode, type CorrectionRow } from '../../services/teacher-account.service.js';
import { IdParams, Paging, zId, zOptionalText, zText } from '../schemas.js';
import { Posting, TeacherOut, presentTeacher } from './teacher.routes.js';

const ActivationCodeOut = z.object({
  teacherId: z.number(),
  name: z.string(),
  idNumberMasked: z.string(),
  orgUnitName: z.string(),
  code: z.string(),
  expiresAt: z.string(),
  hadAccount: z.boolean(),
});
const CorrectionOut = z.object({
  id: z.number(),
  teacherId: z.number(),
  teacherName: z.string(),
  orgUnitName: z.string(),
  field: z.enum(CORRECTABLE_FIELDS),
  proposed: z.string().nullable(),
  proposedHidden: z.boolean(),
  reason: z.string(),
  status: z.enum(['open', 'accepted', 'rejected']),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
});

const presentCode = (c: ActivationCode): z.infer<typeof ActivationCodeOut> => ({
  ...c,
  expiresAt: c.expiresAt.toISOString(),
});
const presentCorrection = (c: CorrectionRow): z.infer<typeof CorrectionOut> => ({
  ...c,
  createdAt: c.createdAt.toISOString(),
  decidedAt: c.decidedAt?.toISOString() ?? null,
});

export const teacherAccountRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const svc = services.teacherAccounts;

  app.get(
    '/org-units/:id/activation-codes/batches',
    {
      config: { action: 'teacher.activation_batches' },
      schema: {
        tags: ['teachers'],
        params: IdParams,
        summary:
          'How many teachers a unit has (and how many without an account), in batches of 5,000 for printing ' +
          'activation slips',
        response: {
          200: z.object({
            teachers: z.number(),
            withoutAccount: z.number(),
            batchSize: z.number(),
            batches: z.number(),
          }),
        },
      },
    },
    async (req) => svc.activationBatches(req.ctx, req.params.id),
  );

  app.post(
    '/org-units/:id/activation-codes',
    {
      config: { action: 'teacher.issue_activation' },
      schema: {
        tags: ['teachers'],
        summary:
          'One-time activation codes for the named teachers, or for those without an account among batch ' +
          "`batch` (1, 2 …) of a unit's teachers, 5,000 a batch in print order; shown once",
        params: IdParams,
        body: z
          .object({
            teacherIds: z.array(zId).max(5_000).optional(),
            batch: z.number().int().min(1).max(100_000).optional(),
          })
          .strict(),
        response: {
          200: z.object({
            items: z.array(ActivationCodeOut),
            batch: z
              .object({
                batch: z.number(),
                batches: z.number(),
                from: z.number(),
                to: z.number(),
                teachers: z.number(),
              })
              .nullable(),
          }),
        },
      },
    },
    async (req) => {
      const r = await svc.issueCodes(req.ctx, req.params.id, req.body.teacherIds, req.body.batch);
      return { items: r.items.map(presentCode), batch: r.batch };
    },
  );

  app.post(
    '/teachers/:id/reset-activation',
    {
      config: { action: 'teacher.reset_activation' },
      schema: {
        tags: ['teachers'],
        summary: 'A new activation code; an existing account must be activated again',
        params: IdParams,
        response: { 200: z.object({ item: ActivationCodeOut }) },
      },
    },
    async (req) => ({ item: presentCode(await svc.resetActivation(req.ctx, req.params.id)) }),
  );

  app.post(
    '/auth/activate',
    {
      config: { auth: 'public', action: 'auth.activate' },
      schema: {
        tags: ['auth'],
        summary: 'A teacher activates their account with ID number and activation code, and chooses a password',
        security: [],
        body: z
          .object({
            idNumber: z.string().min(1).max(40),
            code: z.string().min(1).max(40),
            password: z.string().min(1).max(200),
          })
          .strict(),
        response: { 200: z.object({ username: z.string() }) },
      },
    },
    async (req) => svc.activate(req.ctx, req.body.idNumber, req.body.code, req.body.password),
  );

  app.get(
    '/me/teacher',
    {
      config: { action: 'teacher.read_own' },
      schema: {
        tags: ['teachers'],
        summary: "The logged-in teacher's own record, postings and correction requests",
        response: {
          200: z.object({ teacher: TeacherOut, postings: z.array(Posting), corrections: z.array(CorrectionOut) }),
        },
      },
    },
    async (req) => {
      const r = await svc.me(req.ctx);
      // the teacher's own record: the birth date in full
      const teacher = presentTeacher(r.teacher, 'own');
      return { teacher, postings: r.postings, corrections: r.corrections.map(presentCorrection) };
    },
  );

  app.post(
    '/me/teacher/corrections',
    {
      config: { action: 'teacher.request_correction' },
      schema: {
        tags: ['teachers'],
        summary: "Ask the school to correct a field of one's own record",
        body: z.object({ field: z.enum(CORRECTABLE_FIELDS), proposed: zText(60), reason: zText(500) }).strict(),
        response: { 201: z.object({ correction: CorrectionOut }) },
      },
    },
    async (req, reply) =>
      reply.status(201).send({
        correction: presentCorrection(
          await svc.requestCorrection(req.ctx, req.body.field, req.body.proposed, req.body.reason),
        ),
      }),
  );

  app.get(
    '/teacher-corrections',
    {
      config: { action: 'teacher.list_corrections' },
      schema: {
        tags: ['teachers'],
        summary: 'Correction requests of the teachers of a unit, newest first, one page at a time with the total',
        querystring: z.object({
          orgUnitId: zId.optional(),
          status: z.enum(['open', 'accepted', 'rejected']).optional(),
          ...Paging,
        }),
        response: {
          200: z.object({ items: z.array(CorrectionOut), total: z.number(), page: z.number(), pageSize: z.number() }),
        },
      },
    },
    async (req) => {
      const { page, pageSize } = req.query;
      const { orgUnitId, status } = req.query;
      const r = await svc.listCorrections(req.ctx, { orgUnitId, status, page, pageSize });
      return { items: r.items.map(presentCorrection), total: r.total, page, pageSize };
    },
  );

  app.post(
    '/teacher-corrections/:id/decide',
    {
      config: { action: 'teacher.decide_correction' },
      schema: {
        tags: ['teachers'],
        summary: 'Accept (the change is applied) or reject a correction request',
        params: IdParams,
        body: z.object({ accept: z.boolean(), note: zOptionalText(500) }).strict(),
        response: { 200: z.object({ correction: CorrectionOut }) },
      },
    },
    async (req) => ({
      correction: presentCorrection(
        await svc.decideCorrection(req.ctx, req.params.id, req.body.accept, req.body.note ?? null),
      ),
    }),
  );
};
