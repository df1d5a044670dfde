import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { LrsClientRow } from '../../repositories/lrs-client.repository.js';
import type { LrsReviewRow } from '../../repositories/lrs-review.repository.js';
import { LRS_IDENTITY_KINDS } from '../../services/lrs-client.service.js';
import type { Services } from '../../services/services.js';
import { iso } from '../presenters.js';
import { IdParams, zBodyId, zText } from '../schemas.js';

const LrsClientOut = z.object({
  id: z.number(),
  orgUnitId: z.number(),
  orgUnitName: z.string(),
  name: z.string(),
  apiKey: z.string(),
  identity: z.enum(LRS_IDENTITY_KINDS),
  homePage: z.string().nullable(),
  hasSalt: z.boolean(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  requests: z.number(),
  statementsStored: z.number(),
  statementsRead: z.number(),
});

function presentClient(c: LrsClientRow): z.infer<typeof LrsClientOut> {
  return {
    id: c.id,
    orgUnitId: c.orgUnitId,
    orgUnitName: c.orgUnitName,
    name: c.name,
    apiKey: c.apiKey,
    identity: c.identity.kind,
    homePage: c.identity.kind === 'mbox' ? null : c.identity.homePage,
    hasSalt: c.idHashSalt !== null,
    createdAt: c.createdAt.toISOString(),
    createdBy: c.createdBy,
    revokedAt: iso(c.revokedAt),
    lastUsedAt: iso(c.lastUsedAt),
    requests: c.requests,
    statementsStored: c.statementsStored,
    statementsRead: c.statementsRead,
  };
}

const ReviewOut = z.object({
  clientId: z.number(),
  clientName: z.string(),
  clientUnitId: z.number(),
  clientUnitName: z.string(),
  actorIfi: z.string(),
  actor: z.record(z.string(), z.unknown()).nullable(),
  count: z.number(),
  firstStored: z.string(),
  lastStored: z.string(),
  sampleVerb: z.string(),
  sampleActivity: z.string().nullable(),
  sampleVerbName: z.string().nullable(),
  sampleActivityName: z.string().nullable(),
  mappable: z.boolean(),
});

function presentReview(r: LrsReviewRow): z.infer<typeof ReviewOut> {
  return { ...r, firstStored: r.firstStored.toISOString(), lastStored: r.lastStored.toISOString() };
}

const CreateBody = z
  .object({
    orgUnitId: zBodyId,
    name: zText(100),
    identity: z.enum(LRS_IDENTITY_KINDS),
    homePage: z.string().max(200).nullable().optional(),
    salt: z.string().max(100).nullable().optional(),
  })
  .strict();

const DecisionBody = {
  clientId: zBodyId,
  actorIfi: z.string().max(2000),
};

/** LRS clients (学习记录接口) and the review queue of statements that matched no teacher (待匹配学习记录). */
export const lrsClientRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/lrs/clients',
    {
      config: { action: 'lrs_client.list' },
      schema: {
        tags: ['lrs'],
        summary: 'The LRS clients of the subtree with their traffic',
        response: { 200: z.object({ items: z.array(LrsClientOut) }) },
      },
    },
    async (req) => ({ items: (await services.lrsClients.list(req.ctx)).map(presentClient) }),
  );

  app.get(
    '/lrs/clients/:id',
    {
      config: { action: 'lrs_client.read' },
      schema: {
        tags: ['lrs'],
        summary: 'One LRS client with its traffic',
        params: IdParams,
        response: { 200: z.object({ client: LrsClientOut }) },
      },
    },
    async (req) => ({ client: presentClient(await services.lrsClients.get(req.ctx, req.params.id)) }),
  );

  app.post(
    '/lrs/clients',
    {
      config: { action: 'lrs_client.create' },
      schema: {
        tags: ['lrs'],
        summary: 'Create credentials for a reporting platform; the secret is shown once',
        body: CreateBody,
        response: { 201: z.object({ client: LrsClientOut, key: z.string(), secret: z.string() }) },
      },
    },
    async (req, reply) => {
      const r = await services.lrsClients.create(req.ctx, req.body);
      return reply.status(201).send({ client: presentClient(r.client), key: r.key, secret: r.secret });
    },
  );

  app.post(
    '/lrs/clients/:id/revoke',
    {
      config: { action: 'lrs_client.revoke' },
      schema: {
        tags: ['lrs'],
        summary: "Revoke a client's credentials: its reports are refused from now on",
        params: IdParams,
        response: { 200: z.object({ client: LrsClientOut }) },
      },
    },
    async (req) => ({ client: presentClient(await services.lrsClients.revoke(req.ctx, req.params.id)) }),
  );

  app.get(
    '/lrs/review',
    {
      config: { action: 'lrs_review.list' },
      schema: {
        tags: ['lrs'],
        summary: 'Statements of the subtree whose actor matched no teacher, one row per actor',
        response: { 200: z.object({ items: z.array(ReviewOut), total: z.number() }) },
      },
    },
    async (req) => {
      const r = await services.lrsReview.queue(req.ctx);
      return { items: r.items.map(presentReview), total: r.total };
    },
  );

  app.post(
    '/lrs/review/map',
    {
      config: { action: 'lrs_review.map' },
      schema: {
        tags: ['lrs'],
        summary: "Map an actor's waiting statements to a teacher of the platform's unit",
        body: z.object({ ...DecisionBody, teacherId: zBodyId, remember: z.boolean().default(true) }).strict(),
        response: { 200: z.object({ matched: z.number() }) },
      },
    },
    async (req) => services.lrsReview.map(req.ctx, req.body),
  );

  app.post(
    '/lrs/review/reject',
    {
      config: { action: 'lrs_review.reject' },
      schema: {
        tags: ['lrs'],
        summary: "Reject an actor's waiting statements: nobody of ours",
        body: z.object(DecisionBody).strict(),
        response: { 200: z.object({ rejected: z.number() }) },
      },
    },
    async (req) => services.lrsReview.reject(req.ctx, req.body),
  );
};
