import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { COMMENDATION_KINDS } from '../../domain/commendation.js';
import type { BatchRow, CandidateRow } from '../../repositories/commendation.repository.js';
import type { BatchView } from '../../services/commendation.service.js';
import { figureLines } from '../../services/commendation.service.js';
import type { Services } from '../../services/services.js';
import { IdParams, Paging, zBodyId, zDay, zId, zText } from '../schemas.js';

const pct = z.number().min(0).max(100).nullable();
const cap = z.number().int().min(1).max(10_000).nullable();
const UnitCriteria = z
  .object({
    enabled: z.boolean(),
    minCompletionPercent: pct,
    requireSignedOff: z.boolean(),
    minExamPassPercent: pct,
    minParticipationPercent: pct,
    maxCount: cap,
  })
  .strict();
export const Criteria = z
  .object({
    advancedUnit: UnitCriteria,
    outstandingAdmin: UnitCriteria,
    outstandingTrainee: z
      .object({
        enabled: z.boolean(),
        requireComplete: z.boolean(),
        minYearHours: z.number().min(0).max(10_000).nullable(),
        minExamsPassed: z.number().int().min(0).max(100).nullable(),
        requireExcellent: z.boolean(),
        minClassesCompleted: z.number().int().min(0).max(100).nullable(),
        maxCount: cap,
      })
      .strict(),
  })
  .strict();

const BatchOut = z.object({
  id: z.number(),
  orgUnitId: z.number(),
  orgUnitName: z.string(),
  year: z.number(),
  title: z.string(),
  criteria: Criteria,
  status: z.enum(['draft', 'published', 'finalised']),
  proposedAt: z.string().nullable(),
  createdAt: z.string(),
  candidates: z.number(),
});
const CandidateOut = z.object({
  id: z.number(),
  kind: z.enum(COMMENDATION_KINDS),
  orgUnitId: z.number(),
  teacherId: z.number().nullable(),
  userId: z.number().nullable(),
  name: z.string(),
  unitName: z.string(),
  /** the figures that qualified the candidate, as lines */
  lines: z.array(z.string()),
  figures: z.record(z.string(), z.unknown()),
  origin: z.enum(['proposed', 'added']),
  addedReason: z.string().nullable(),
  removedAt: z.string().nullable(),
  removedReason: z.string().nullable(),
  outcome: z.enum(['kept', 'removed']).nullable(),
  honourCode: z.string().nullable(),
});
const DetailOut = z.object({
  batch: BatchOut,
  candidates: z.array(CandidateOut),
  publicity: z.object({ id: z.number(), status: z.enum(['open', 'finalised', 'withdrawn']) }).nullable(),
});

const presentBatch = (b: BatchRow): z.infer<typeof BatchOut> => ({
  id: b.id,
  orgUnitId: b.orgUnitId,
  orgUnitName: b.orgUnitName,
  year: b.year,
  title: b.title,
  criteria: b.criteria,
  status: b.status,
  proposedAt: b.proposedAt?.toISOString() ?? null,
  createdAt: b.createdAt.toISOString(),
  candidates: b.candidates,
});
const presentCandidate = (c: CandidateRow): z.infer<typeof CandidateOut> => ({
  id: c.id,
  kind: c.kind,
  orgUnitId: c.orgUnitId,
  teacherId: c.teacherId,
  userId: c.userId,
  name: c.name,
  unitName: c.unitName,
  lines: figureLines(c.kind, c.figures),
  figures: c.figures as unknown as Record<string, unknown>,
  origin: c.origin,
  addedReason: c.addedReason,
  removedAt: c.removedAt?.toISOString() ?? null,
  removedReason: c.removedReason,
  outcome: c.outcome,
  honourCode: c.honourCode,
});
const present = (v: BatchView): z.infer<typeof DetailOut> => ({
  batch: presentBatch(v),
  candidates: v.candidatesList.map(presentCandidate),
  publicity: v.publicity,
});

const CandidateParams = z.object({ id: zId, candidateId: zId });
const year = z.number().int().min(2000).max(2100);

export const commendationRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const svc = services.commendations;

  app.get(
    '/commendations',
    {
      config: { action: 'commendation.list' },
      schema: {
        tags: ['commendations'],
        summary: 'Commendation batches (R-44) of a bureau and the bureaus below it',
        querystring: z.object({
          orgUnitId: zId.optional(),
          year: z.coerce.number().int().min(2000).max(2100).optional(),
          ...Paging,
        }),
        response: { 200: z.object({ items: z.array(BatchOut), total: z.number() }) },
      },
    },
    async (req) => {
      const r = await svc.list(req.ctx, req.query);
      return { items: r.items.map(presentBatch), total: r.total };
    },
  );

  app.post(
    '/commendations',
    {
      config: { action: 'commendation.create' },
      schema: {
        tags: ['commendations'],
        summary: "A bureau's commendations of a year, with criteria over the product's statistics",
        body: z.object({ orgUnitId: zBodyId.optional(), year, title: zText(200), criteria: Criteria }).strict(),
        response: { 201: DetailOut },
      },
    },
    async (req, reply) => reply.status(201).send(present(await svc.create(req.ctx, req.body))),
  );

  app.get(
    '/commendations/:id',
    {
      config: { action: 'commendation.read' },
      schema: {
        tags: ['commendations'],
        summary: 'A commendation batch with its candidates and the figures that qualified them',
        params: IdParams,
        response: { 200: DetailOut },
      },
    },
    async (req) => present(await svc.get(req.ctx, req.params.id)),
  );

  app.patch(
    '/commendations/:id',
    {
      config: { action: 'commendation.update' },
      schema: {
        tags: ['commendations'],
        summary: 'Change the title or criteria of a draft batch',
        params: IdParams,
        body: z.object({ title: zText(200).optional(), criteria: Criteria.optional() }).strict(),
        response: { 200: DetailOut },
      },
    },
    async (req) => present(await svc.update(req.ctx, req.params.id, req.body)),
  );

  app.post(
    '/commendations/:id/propose',
    {
      config: { action: 'commendation.propose' },
      schema: {
        tags: ['commendations'],
        summary: 'Propose the candidates the criteria select (again); candidates added by hand stay',
        params: IdParams,
        response: { 200: DetailOut },
      },
    },
    async (req) => present(await svc.propose(req.ctx, req.params.id)),
  );

  app.post(
    '/commendations/:id/candidates',
    {
      config: { action: 'commendation.add' },
      schema: {
        tags: ['commendations'],
        summary: 'Add a candidate the criteria did not propose, with a reason',
        params: IdParams,
        body: z
          .object({
            kind: z.enum(COMMENDATION_KINDS),
            orgUnitId: zBodyId.optional(),
            teacherId: zBodyId.optional(),
            userId: zBodyId.optional(),
            reason: zText(500),
          })
          .strict(),
        response: { 201: DetailOut },
      },
    },
    async (req, reply) => reply.status(201).send(present(await svc.addCandidate(req.ctx, req.params.id, req.body))),
  );

  app.post(
    '/commendations/:id/candidates/:candidateId/remove',
    {
      config: { action: 'commendation.remove' },
      schema: {
        tags: ['commendations'],
        summary: 'Take a candidate off the list with a reason (kept on record)',
        params: CandidateParams,
        body: z.object({ reason: zText(500) }).strict(),
        response: { 200: DetailOut },
      },
    },
    async (req) => present(await svc.removeCandidate(req.ctx, req.params.id, req.params.candidateId, req.body.reason)),
  );

  app.post(
    '/commendations/:id/candidates/:candidateId/restore',
    {
      config: { action: 'commendation.restore' },
      schema: {
        tags: ['commendations'],
        summary: 'Put a candidate taken off back on the list',
        params: CandidateParams,
        response: { 200: DetailOut },
      },
    },
    async (req) => present(await svc.restoreCandidate(req.ctx, req.params.id, req.params.candidateId)),
  );

  app.post(
    '/commendations/:id/publish',
    {
      config: { action: 'commendation.publish' },
      schema: {
        tags: ['commendations'],
        summary: 'Publish the list for public notice (公示); by default from today for 5 working days',
        params: IdParams,
        body: z.object({ startsOn: zDay.optional(), endsOn: zDay.optional() }).strict(),
        response: { 200: DetailOut },
      },
    },
    async (req) => present(await svc.publish(req.ctx, req.params.id, req.body)),
  );
};
