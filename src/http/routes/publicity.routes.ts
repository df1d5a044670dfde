import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { PublicityListView, PublicityView } from '../../services/publicity.service.js';
import type { Services } from '../../services/services.js';
import { pickLocale } from '../../i18n/messages.js';
import { attachment, IdParams, Paging, XLSX, zBodyId, zOptionalText, zParagraphs, zText } from '../schemas.js';

const KINDS = ['backbone_round', 'competition_round', 'commendation', 'pair_award'] as const;

const ListOut = z.object({
  id: z.number(),
  kind: z.enum(KINDS),
  sourceId: z.number(),
  title: z.string(),
  body: z.string().nullable(),
  orgUnitId: z.number(),
  orgUnitName: z.string(),
  scopeName: z.string(),
  startsOn: z.string(),
  endsOn: z.string(),
  status: z.enum(['open', 'finalised', 'withdrawn']),
  phase: z.enum(['upcoming', 'running', 'ended']),
  finalisedAt: z.string().nullable(),
  withdrawnReason: z.string().nullable(),
  items: z.number(),
  /** the organiser's admins see how many objections wait; others 0 */
  openObjections: z.number(),
  manage: z.boolean(),
  inScope: z.boolean(),
});

/** One line's published figures (the programmes publish them in this shape). */
const Scorecard = z
  .object({
    raw: z
      .array(
        z.object({
          label: z.string(),
          value: z.number().nullable(),
          dropped: z.enum(['high', 'low']).nullable().optional(),
        }),
      )
      .optional(),
    normalised: z.number().nullable().optional(),
    normalisationNote: z.string().nullable().optional(),
    final: z.number().nullable().optional(),
    rank: z.number().nullable().optional(),
    lines: z.array(z.string()).optional(),
  })
  .passthrough()
  .nullable();

const Out = z.object({
  list: ListOut,
  items: z.array(
    z.object({
      id: z.number(),
      position: z.number(),
      title: z.string(),
      subtitle: z.string().nullable(),
      scorecard: Scorecard,
      outcome: z.enum(['kept', 'removed']).nullable(),
      removed: z.boolean(),
      openObjections: z.number(),
    }),
  ),
  objections: z.array(
    z.object({
      id: z.number(),
      itemId: z.number(),
      authorName: z.string(),
      authorUnitName: z.string(),
      mine: z.boolean(),
      step: z.string().nullable(),
      body: z.string(),
      status: z.enum(['open', 'upheld', 'dismissed']),
      answer: z.string().nullable(),
      answeredAt: z.string().nullable(),
      createdAt: z.string(),
    }),
  ),
  canFinalise: z.boolean(),
  canObject: z.boolean(),
});

const presentList = (p: PublicityListView): z.infer<typeof ListOut> => ({
  id: p.id,
  kind: p.kind,
  sourceId: p.sourceId,
  title: p.title,
  body: p.body,
  orgUnitId: p.orgUnitId,
  orgUnitName: p.orgUnitName,
  scopeName: p.scopeName,
  startsOn: p.startsOn,
  endsOn: p.endsOn,
  status: p.status,
  phase: p.phase,
  finalisedAt: p.finalisedAt?.toISOString() ?? null,
  withdrawnReason: p.withdrawnReason,
  items: p.items,
  openObjections: p.manage ? p.openObjections : 0,
  manage: p.manage,
  inScope: p.inScope,
});

const scorecardOf = (v: unknown): z.infer<typeof Scorecard> => {
  const parsed = Scorecard.safeParse(v);
  return parsed.success ? parsed.data : null;
};

export const presentPublicity = (v: PublicityView, userId: number): z.infer<typeof Out> => ({
  list: presentList(v.list),
  items: v.items.map((it) => ({
    id: it.id,
    position: it.position,
    title: it.title,
    subtitle: it.subtitle,
    scorecard: scorecardOf(it.scorecard),
    outcome: it.outcome,
    removed: it.removed,
    openObjections: it.openObjections,
  })),
  objections: v.objections.map((o) => ({
    id: o.id,
    itemId: o.itemId,
    authorName: o.authorName,
    authorUnitName: o.authorUnitName,
    mine: o.authorId === userId,
    step: o.step,
    body: o.body,
    status: o.status,
    answer: o.answer,
    answeredAt: o.answeredAt?.toISOString() ?? null,
    createdAt: o.createdAt.toISOString(),
  })),
  canFinalise: v.canFinalise,
  canObject: v.canObject,
});

export const publicityRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const pub = services.publicity;
  const uid = (req: { ctx: { actor: { userId: number } | null } }) => req.ctx.actor?.userId ?? 0;

  app.get(
    '/publicity',
    {
      config: { action: 'publicity.list' },
      schema: {
        tags: ['publicity'],
        summary:
          "Public notices (公示) the reader's unit lies in the scope of, and those the reader's subtree organises",
        querystring: z.object({
          status: z.enum(['open', 'finalised', 'withdrawn', 'all']).optional(),
          kind: z.enum(KINDS).optional(),
          ...Paging,
        }),
        response: { 200: z.object({ items: z.array(ListOut), total: z.number() }) },
      },
    },
    async (req) => {
      const r = await pub.list(req.ctx, req.query);
      return { items: r.items.map(presentList), total: r.total };
    },
  );

  app.get(
    '/publicity/running',
    {
      config: { action: 'publicity.list' },
      schema: {
        tags: ['publicity'],
        summary: "How many notices in the reader's scope are in their period now (the menu's badge)",
        response: { 200: z.object({ running: z.number() }) },
      },
    },
    async (req) => ({ running: await pub.running(req.ctx) }),
  );

  app.get(
    '/publicity/:id',
    {
      config: { action: 'publicity.read' },
      schema: {
        tags: ['publicity'],
        summary: 'A public notice: its lines with their scorecards, and the objections the reader may see',
        params: IdParams,
        response: { 200: Out },
      },
    },
    async (req) => presentPublicity(await pub.get(req.ctx, req.params.id), uid(req)),
  );

  app.post(
    '/publicity/:id/objections',
    {
      config: { action: 'publicity.object' },
      schema: {
        tags: ['publicity'],
        summary: 'Object (异议) to one line while the period runs, naming the step of its calculation if any',
        params: IdParams,
        body: z.object({ itemId: zBodyId, step: zOptionalText(100), body: zParagraphs(2000) }).strict(),
        response: { 201: Out },
      },
    },
    async (req, reply) =>
      reply.status(201).send(
        presentPublicity(
          await pub.object(req.ctx, req.params.id, {
            itemId: req.body.itemId,
            step: req.body.step ?? null,
            body: req.body.body,
          }),
          uid(req),
        ),
      ),
  );

  app.post(
    '/publicity/objections/:id/answer',
    {
      config: { action: 'publicity.answer' },
      schema: {
        tags: ['publicity'],
        summary: "The organiser's answer to an objection: upheld removes the line, dismissed keeps it",
        params: IdParams,
        body: z.object({ decision: z.enum(['upheld', 'dismissed']), answer: zParagraphs(2000) }).strict(),
        response: { 200: Out },
      },
    },
    async (req) => presentPublicity(await pub.answer(req.ctx, req.params.id, req.body), uid(req)),
  );

  app.post(
    '/publicity/:id/finalise',
    {
      config: { action: 'publicity.finalise' },
      schema: {
        tags: ['publicity'],
        summary: 'Make the list final after its period, when every objection is answered',
        params: IdParams,
        response: { 200: Out },
      },
    },
    async (req) => presentPublicity(await pub.finalise(req.ctx, req.params.id), uid(req)),
  );

  app.post(
    '/publicity/:id/withdraw',
    {
      config: { action: 'publicity.withdraw' },
      schema: {
        tags: ['publicity'],
        summary: 'Withdraw an open list with a reason (the programme may publish it again)',
        params: IdParams,
        body: z.object({ reason: zText(500) }).strict(),
        response: { 200: Out },
      },
    },
    async (req) => presentPublicity(await pub.withdraw(req.ctx, req.params.id, req.body), uid(req)),
  );

  app.get(
    '/publicity/:id/list',
    {
      config: { action: 'publicity.print' },
      schema: {
        tags: ['publicity'],
        summary: 'The published list to print and seal: `format=pdf` (A4, seal block) or `format=xlsx`',
        params: IdParams,
        querystring: z.object({ format: z.enum(['pdf', 'xlsx']).default('pdf') }),
      },
    },
    async (req, reply) => {
      const { format } = req.query;
      const d = await pub.document(req.ctx, req.params.id, format, pickLocale(req.headers['accept-language']));
      reply.header('content-type', format === 'pdf' ? 'application/pdf' : XLSX);
      reply.header(
        'content-disposition',
        attachment(`publicity-${req.params.id}.${format}`, `公示名单-${d.title}.${format}`),
      );
      return reply.send(d.body);
    },
  );
};
