import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { MAX_RULE_TENTHS } from '../../domain/lrs-rule.js';
import type { LrsRuleView } from '../../services/lrs-rule.service.js';
import type { Services } from '../../services/services.js';
import { IdParams, zBodyId, zText } from '../schemas.js';

const zIri = z.string().trim().min(3).max(300);
const Hours = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fixed'), tenths: z.number().int().min(1).max(MAX_RULE_TENTHS) }).strict(),
  z
    .object({
      kind: z.literal('per_duration'),
      tenths: z.number().int().min(1).max(MAX_RULE_TENTHS),
      perMinutes: z.number().int().min(1).max(1_440),
      maxTenths: z.number().int().min(1).max(MAX_RULE_TENTHS).nullable(),
    })
    .strict(),
]);
export const RuleDefinition = z
  .object({
    verbId: zIri,
    activityType: zIri.nullable(),
    activityPattern: z.string().trim().min(1).max(300).nullable(),
    clientId: zBodyId.nullable(),
    completion: z.boolean(),
    success: z.boolean(),
    minScaled: z.number().min(-1).max(1).nullable(),
    minDurationMinutes: z.number().int().min(1).max(100_000).nullable(),
    hours: Hours,
    categories: z.array(z.string().min(1).max(40)).max(10),
    titleTemplate: zText(200),
  })
  .strict();

const RuleOut = z.object({
  id: z.number(),
  orgUnitId: z.number(),
  orgUnitName: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  priority: z.number(),
  definition: RuleDefinition,
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  credited: z.object({ statements: z.number(), hours: z.number() }),
});

const presentRule = (r: LrsRuleView): z.infer<typeof RuleOut> => ({
  id: r.id,
  orgUnitId: r.orgUnitId,
  orgUnitName: r.orgUnitName,
  name: r.name,
  enabled: r.enabled,
  priority: r.priority,
  definition: r.definition,
  version: r.version,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
  credited: r.credited,
});

const RuleIn = z
  .object({
    name: zText(100),
    enabled: z.boolean(),
    priority: z.number().int().min(-1000).max(1000),
    definition: RuleDefinition,
  })
  .strict();

const PreviewOut = z.object({
  lines: z.array(
    z.object({
      statementId: z.string(),
      seq: z.number(),
      teacherId: z.number(),
      teacherName: z.string(),
      platform: z.string(),
      verbId: z.string(),
      activity: z.string().nullable(),
      timestamp: z.string(),
      hours: z.number(),
      title: z.string(),
      outcome: z.enum(['credit', 'refused', 'credited_other', 'other_rule']),
      reason: z.string().nullable(),
    }),
  ),
  totals: z.object({
    matched: z.number(),
    credit: z.number(),
    hours: z.number(),
    creditedOther: z.number(),
    otherRule: z.number(),
    refused: z.number(),
  }),
  scanned: z.number(),
  capped: z.boolean(),
});

export const lrsRuleRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const rules = services.lrsRules;

  app.get(
    '/lrs/rules',
    {
      config: { action: 'lrs.rule.list' },
      schema: {
        tags: ['lrs'],
        summary: 'Mapping rules of a unit: its own, those below it, and those above it that apply to it',
        querystring: z.object({ orgUnitId: z.coerce.number().int().positive().optional() }),
        response: { 200: z.object({ items: z.array(RuleOut) }) },
      },
    },
    async (req) => ({ items: (await rules.list(req.ctx, req.query)).map(presentRule) }),
  );

  app.get(
    '/lrs/rules/:id',
    {
      config: { action: 'lrs.rule.read' },
      schema: { tags: ['lrs'], summary: 'A mapping rule', params: IdParams, response: { 200: RuleOut } },
    },
    async (req) => presentRule(await rules.get(req.ctx, req.params.id)),
  );

  app.post(
    '/lrs/rules',
    {
      config: { action: 'lrs.rule.create' },
      schema: {
        tags: ['lrs'],
        summary: 'Create a mapping rule (statements stored before it are credited by it too)',
        body: RuleIn.extend({ orgUnitId: zBodyId.optional() }).strict(),
        response: { 201: RuleOut },
      },
    },
    async (req, reply) => {
      const { orgUnitId, ...input } = req.body;
      return reply.status(201).send(presentRule(await rules.create(req.ctx, orgUnitId, input)));
    },
  );

  app.patch(
    '/lrs/rules/:id',
    {
      config: { action: 'lrs.rule.update' },
      schema: {
        tags: ['lrs'],
        summary: 'Change, enable or disable a mapping rule',
        params: IdParams,
        body: RuleIn.partial().strict(),
        response: { 200: RuleOut },
      },
    },
    async (req) => presentRule(await rules.update(req.ctx, req.params.id, req.body)),
  );

  app.post(
    '/lrs/rules/preview',
    {
      config: { action: 'lrs.rule.preview' },
      schema: {
        tags: ['lrs'],
        summary: 'What a draft rule would credit among the stored statements, before it is saved',
        body: z
          .object({
            orgUnitId: zBodyId.optional(),
            ruleId: zBodyId.optional(),
            priority: z.number().int().min(-1000).max(1000).default(0),
            definition: RuleDefinition,
            offset: z.number().int().min(0).max(1_000_000).default(0),
            limit: z.number().int().min(1).max(200).default(50),
          })
          .strict(),
        response: { 200: PreviewOut },
      },
    },
    async (req) => {
      const { offset, limit, ...draft } = req.body;
      return rules.preview(req.ctx, draft, { offset, limit });
    },
  );
};
