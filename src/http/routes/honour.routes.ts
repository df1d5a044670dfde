import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { HonourRow } from '../../repositories/honour.repository.js';
import type { Services } from '../../services/services.js';
import { attachment, IdParams, Paging, XLSX, zId, zText } from '../schemas.js';

const KINDS = [
  'competition_award',
  'organisation_award',
  'advanced_unit',
  'outstanding_admin',
  'outstanding_trainee',
  'pair_award',
] as const;

const HonourOut = z.object({
  id: z.number(),
  kind: z.enum(KINDS),
  teacherId: z.number().nullable(),
  userId: z.number().nullable(),
  orgUnitId: z.number(),
  unitName: z.string(),
  recipientName: z.string(),
  awardedByName: z.string(),
  title: z.string(),
  grade: z.enum(['first', 'second', 'third', 'excellent', 'organisation']).nullable(),
  year: z.number(),
  sourceKind: z.enum(['competition', 'commendation', 'pair']),
  sourceId: z.number(),
  code: z.string(),
  awardedOn: z.string(),
  revokedAt: z.string().nullable(),
  revokeReason: z.string().nullable(),
  revokedByName: z.string().nullable(),
});

const present = (h: HonourRow): z.infer<typeof HonourOut> => ({
  id: h.id,
  kind: h.kind,
  teacherId: h.teacherId,
  userId: h.userId,
  orgUnitId: h.orgUnitId,
  unitName: h.unitName,
  recipientName: h.recipientName,
  awardedByName: h.awardedByName,
  title: h.title,
  grade: h.grade,
  year: h.year,
  sourceKind: h.sourceKind,
  sourceId: h.sourceId,
  code: h.code,
  awardedOn: h.awardedOn,
  revokedAt: h.revokedAt?.toISOString() ?? null,
  revokeReason: h.revokeReason,
  revokedByName: h.revokedByName,
});

const Filter = {
  orgUnitId: zId.optional(),
  kind: z.enum(KINDS).optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  q: z.string().trim().max(50).optional(),
  state: z.enum(['active', 'revoked']).optional(),
};

export const honourRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const svc = services.honours;

  app.get(
    '/honours',
    {
      config: { action: 'honour.list' },
      schema: {
        tags: ['honours'],
        summary: "Honours (荣誉) of a unit's subtree and those its units awarded, with filters",
        querystring: z.object({ ...Filter, ...Paging }),
        response: { 200: z.object({ items: z.array(HonourOut), total: z.number() }) },
      },
    },
    async (req) => {
      const r = await svc.list(req.ctx, { ...req.query, q: req.query.q || undefined });
      return { items: r.items.map(present), total: r.total };
    },
  );

  app.get(
    '/honours.xlsx',
    {
      config: { action: 'honour.export' },
      schema: {
        tags: ['honours'],
        summary: 'The honours list as .xlsx, with the same filters',
        querystring: z.object(Filter),
      },
    },
    async (req, reply) => {
      const body = await svc.xlsx(req.ctx, { ...req.query, q: req.query.q || undefined });
      reply.header('content-type', XLSX);
      reply.header('content-disposition', attachment('honours.xlsx', '荣誉名单.xlsx'));
      return reply.send(body);
    },
  );

  app.get(
    '/honours/:id',
    {
      config: { action: 'honour.read' },
      schema: { tags: ['honours'], summary: 'An honour', params: IdParams, response: { 200: HonourOut } },
    },
    async (req) => present(await svc.get(req.ctx, req.params.id)),
  );

  app.post(
    '/honours/:id/revoke',
    {
      config: { action: 'honour.revoke' },
      schema: {
        tags: ['honours'],
        summary: 'Revoke an honour with a reason (the record stays; its verify page says revoked and when)',
        params: IdParams,
        body: z.object({ reason: zText(500) }).strict(),
        response: { 200: HonourOut },
      },
    },
    async (req) => present(await svc.revoke(req.ctx, req.params.id, req.body.reason)),
  );
};
