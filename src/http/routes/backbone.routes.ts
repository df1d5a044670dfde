import fs from 'node:fs';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { BACKBONE_LEVELS, MAX_DUTY_COUNT, ROUND_KINDS, ROUND_STATUSES } from '../../domain/backbone.js';
import { STAGES } from '../../domain/org-tree.js';
import type { DutyView, RoundView, TitleView } from '../../services/backbone.service.js';
import type { Services } from '../../services/services.js';
import type { TitleRow } from '../../repositories/backbone.repository.js';
import { readUploadedFile } from '../upload.js';
import {
  attachment,
  IdParams,
  Paging,
  XLSX,
  zBodyId,
  zBool,
  zDay,
  zOptionalText,
  zParagraphs,
  zText,
} from '../schemas.js';

const TAGS = ['backbone'];
const zLevel = z.enum(BACKBONE_LEVELS);
const iso = (d: Date | null) => (d ? d.toISOString() : null);

const DutiesSchema = z
  .object({
    openLessons: z.number().int().min(0).max(MAX_DUTY_COUNT),
    papers: z.number().int().min(0).max(MAX_DUTY_COUNT),
  })
  .strict();
const ChecksSchema = z
  .object({
    minServiceYears: z.number().int().min(0).max(60).optional(),
    stages: z.array(z.enum(STAGES)).max(5).optional(),
    subjects: z.array(zText(30)).max(50).optional(),
  })
  .strict();

const RoundIn = z
  .object({
    orgUnitId: zBodyId.optional(),
    kind: z.enum(ROUND_KINDS).default('selection'),
    title: zText(200),
    criteria: zParagraphs(5000),
    checks: ChecksSchema.default({}),
    nominationDeadline: zDay,
    termYears: z.number().int().min(1).max(10),
    duties: DutiesSchema.default({ openLessons: 1, papers: 1 }),
    quotas: z
      .array(z.object({ orgUnitId: zBodyId, quota: z.number().int().min(0).max(10_000) }).strict())
      .min(1)
      .max(2_000),
  })
  .strict();

const RoundOut = z.object({
  id: z.number(),
  orgUnitId: z.number(),
  orgPath: z.string(),
  orgUnitName: z.string(),
  level: zLevel,
  kind: z.enum(ROUND_KINDS),
  title: z.string(),
  criteria: z.string(),
  checks: z.object({
    minServiceYears: z.number().optional(),
    stages: z.array(z.string()).optional(),
    subjects: z.array(z.string()).optional(),
  }),
  nominationDeadline: z.string(),
  termYears: z.number(),
  duties: z.object({ openLessons: z.number(), papers: z.number() }),
  status: z.enum(ROUND_STATUSES),
  publicityId: z.number().nullable(),
  finalisedAt: z.string().nullable(),
  createdAt: z.string(),
  manage: z.boolean(),
  panel: z.boolean(),
  nominatesFor: z.array(z.number()),
  publicity: z.object({ id: z.number(), status: z.string() }).nullable(),
});
const presentRound = (r: RoundView): z.infer<typeof RoundOut> => ({
  ...r,
  finalisedAt: iso(r.finalisedAt),
  createdAt: r.createdAt.toISOString(),
});

const QuotaOut = z.object({
  orgUnitId: z.number(),
  orgPath: z.string(),
  name: z.string(),
  quota: z.number(),
  nominated: z.number(),
  proposed: z.number(),
});

const NominationOut = z.object({
  id: z.number(),
  roundId: z.number(),
  teacherId: z.number(),
  teacherName: z.string(),
  orgPath: z.string(),
  schoolName: z.string(),
  quotaUnitId: z.number(),
  quotaUnitName: z.string(),
  byUnitId: z.number(),
  statement: z.string(),
  titleId: z.number().nullable(),
  status: z.enum(['proposed', 'nominated', 'withdrawn']),
  outcome: z.enum(['published', 'kept', 'removed', 'not_selected']).nullable(),
  createdAt: z.string(),
  files: z.array(z.object({ id: z.number(), fileName: z.string(), sizeBytes: z.number() })),
  myScore: z.object({ score: z.number(), comment: z.string().nullable() }).nullable(),
  scoredBy: z.number(),
});

const PanelOut = z.array(
  z.object({ userId: z.number(), username: z.string(), displayName: z.string(), role: z.string() }),
);

const ScorecardOut = z.object({
  raw: z.array(
    z.object({ label: z.string(), value: z.number(), dropped: z.enum(['high', 'low']).nullable().optional() }),
  ),
  normalised: z.number().nullable().optional(),
  normalisationNote: z.string().nullable().optional(),
  final: z.number().nullable(),
  rank: z.number().nullable().optional(),
  lines: z.array(z.string()).optional(),
});

const DutyOut = z.object({
  id: z.number(),
  titleId: z.number(),
  teacherId: z.number(),
  teacherName: z.string(),
  orgPath: z.string(),
  year: z.number(),
  kind: z.enum(['open_lesson', 'paper']),
  subject: z.string(),
  heldOn: z.string(),
  link: z.string().nullable(),
  fileName: z.string().nullable(),
  mimeType: z.string().nullable(),
  hasFile: z.boolean(),
  status: z.enum(['recorded', 'confirmed', 'rejected']),
  decisionNote: z.string().nullable(),
  createdAt: z.string(),
});
const presentDuty = (d: DutyView): z.infer<typeof DutyOut> => ({ ...d, createdAt: d.createdAt.toISOString() });

const TitleBase = {
  id: z.number(),
  teacherId: z.number(),
  teacherName: z.string(),
  teacherPath: z.string(),
  schoolName: z.string(),
  orgPath: z.string(),
  level: zLevel,
  grantedByUnitId: z.number(),
  grantedByName: z.string(),
  grantedPath: z.string(),
  roundId: z.number().nullable(),
  termStart: z.string(),
  termEnd: z.string(),
  status: z.enum(['active', 'expired', 'revoked']),
  flaggedAt: z.string().nullable(),
  flagReason: z.string().nullable(),
  flagSourceKind: z.string().nullable(),
  revokedAt: z.string().nullable(),
  revokeReason: z.string().nullable(),
  duties: z.object({ openLessons: z.number(), papers: z.number() }).nullable(),
  decide: z.boolean(),
  /** the number the public /verify/<code> page answers for */
  code: z.string(),
};
const TitleListOut = z.object(TitleBase);
const TitleOut = z.object({
  ...TitleBase,
  events: z.array(
    z.object({
      id: z.number(),
      kind: z.string(),
      reason: z.string().nullable(),
      actorName: z.string().nullable(),
      at: z.string(),
    }),
  ),
  years: z.array(
    z.object({
      year: z.number(),
      status: z.enum(['done', 'pending', 'due_soon', 'missed', 'not_required']),
      required: z.object({ openLessons: z.number(), papers: z.number() }),
      confirmed: z.object({ openLessons: z.number(), papers: z.number() }),
    }),
  ),
  records: z.array(DutyOut),
});
type TitleListRow = Omit<TitleRow, 'provinceId' | 'teacherUserId'> & { decide: boolean };
const presentTitleRow = (t: TitleListRow): z.infer<typeof TitleListOut> => ({
  ...t,
  flaggedAt: iso(t.flaggedAt),
  revokedAt: iso(t.revokedAt),
});
const presentTitle = (t: TitleView): z.infer<typeof TitleOut> => ({
  ...presentTitleRow(t),
  events: t.events.map((e) => ({
    id: e.id,
    kind: e.kind,
    reason: e.reason,
    actorName: e.actorName,
    at: e.at.toISOString(),
  })),
  years: t.years,
  records: t.records.map(presentDuty),
});

const TitleQuery = z.object({
  level: zLevel.optional(),
  status: z.enum(['active', 'expired', 'revoked']).optional(),
  flagged: zBool.optional(),
  q: z.string().trim().max(50).optional(),
});

const Reason = z.object({ reason: zText(500) }).strict();

export const backboneRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const bb = services.backbone;

  app.get(
    '/backbone/rounds',
    {
      config: { action: 'backbone.round.list' },
      schema: {
        tags: TAGS,
        summary: 'Selection rounds organised in the subtree, and those above it with a quota for a unit of it',
        querystring: z.object({ status: z.enum(ROUND_STATUSES).optional(), ...Paging }),
        response: { 200: z.object({ items: z.array(RoundOut), total: z.number() }) },
      },
    },
    async (req) => {
      const r = await bb.listRounds(req.ctx, req.query);
      return { items: r.items.map(presentRound), total: r.total };
    },
  );

  app.post(
    '/backbone/rounds',
    {
      config: { action: 'backbone.round.create' },
      schema: {
        tags: TAGS,
        summary:
          "Opens a selection (or re-review) round at the unit's own level with criteria, quotas per unit below it, " +
          'a nomination deadline, the term and the yearly duties; the units with a quota are told',
        body: RoundIn,
        response: { 201: z.object({ round: RoundOut }) },
      },
    },
    async (req, reply) => {
      const { orgUnitId, ...input } = req.body;
      return reply.status(201).send({ round: presentRound(await bb.createRound(req.ctx, orgUnitId, input)) });
    },
  );

  app.get(
    '/backbone/rounds/:id',
    {
      config: { action: 'backbone.round.read' },
      schema: {
        tags: TAGS,
        summary:
          'A round with its quotas and nominations: the organiser sees all, a nominating unit its own line, a panel member what it scores',
        params: IdParams,
        response: {
          200: z.object({
            round: RoundOut,
            quotas: z.array(QuotaOut),
            nominations: z.array(NominationOut),
            panel: PanelOut,
          }),
        },
      },
    },
    async (req) => {
      const r = await bb.getRound(req.ctx, req.params.id);
      return {
        round: presentRound(r.round),
        quotas: r.quotas,
        nominations: r.nominations.map((n) => ({ ...n, createdAt: n.createdAt.toISOString() })),
        panel: r.panel,
      };
    },
  );

  for (const e of ['close', 'reopen', 'cancel'] as const)
    app.post(
      `/backbone/rounds/:id/${e}`,
      {
        config: { action: `backbone.round.${e}` },
        schema: {
          tags: TAGS,
          summary: {
            close: 'Closes the nominations: the panel scores from now on',
            reopen: 'Reopens the nominations (before the list is published)',
            cancel: 'Cancels a round not yet published',
          }[e],
          params: IdParams,
          response: { 200: z.object({ round: RoundOut }) },
        },
      },
      async (req) => ({ round: presentRound(await bb.step(req.ctx, req.params.id, e)) }),
    );

  app.put(
    '/backbone/rounds/:id/panel',
    {
      config: { action: 'backbone.panel.set' },
      schema: {
        tags: TAGS,
        summary:
          "Names the review panel: accounts of the organiser's subtree (trainers, admins, teachers); new members are told",
        params: IdParams,
        body: z.object({ userIds: z.array(zBodyId).max(50) }).strict(),
        response: { 200: z.object({ panel: PanelOut }) },
      },
    },
    async (req) => ({ panel: await bb.setPanel(req.ctx, req.params.id, req.body.userIds) }),
  );

  app.post(
    '/backbone/rounds/:id/nominations',
    {
      config: { action: 'backbone.nomination.create' },
      schema: {
        tags: TAGS,
        summary:
          "Nominates a teacher of the unit's subtree within the quota (a unit below the quota unit proposes, the quota unit passes it up)",
        params: IdParams,
        body: z.object({ teacherId: zBodyId, statement: zParagraphs(5000) }).strict(),
        response: { 201: z.object({ id: z.number(), status: z.enum(['proposed', 'nominated']) }) },
      },
    },
    async (req, reply) => reply.status(201).send(await bb.nominate(req.ctx, req.params.id, req.body)),
  );

  app.post(
    '/backbone/nominations/:id/forward',
    {
      config: { action: 'backbone.nomination.forward' },
      schema: {
        tags: TAGS,
        summary: 'Passes a proposal up as a nomination of the quota unit, within its quota',
        params: IdParams,
        response: { 200: z.object({ id: z.number(), status: z.literal('nominated') }) },
      },
    },
    async (req) => bb.forward(req.ctx, req.params.id),
  );

  app.post(
    '/backbone/nominations/:id/withdraw',
    {
      config: { action: 'backbone.nomination.withdraw' },
      schema: {
        tags: TAGS,
        summary: 'Withdraws a nomination while nominations are open (its place in the quota is free again)',
        params: IdParams,
        response: { 200: z.object({ id: z.number(), status: z.literal('withdrawn') }) },
      },
    },
    async (req) => bb.withdraw(req.ctx, req.params.id),
  );

  app.post(
    '/backbone/nominations/:id/files',
    {
      config: { action: 'backbone.nomination.upload' },
      schema: {
        tags: TAGS,
        summary:
          'Adds an evidence file to a nomination (PDF, image, Word, Excel, ZIP; at most 20 MB; multipart field "file")',
        params: IdParams,
        response: { 201: z.object({ id: z.number(), fileName: z.string(), sizeBytes: z.number() }) },
      },
    },
    async (req, reply) => {
      const file = await readUploadedFile(req);
      return reply.status(201).send(await bb.uploadFile(req.ctx, req.params.id, file));
    },
  );

  app.get(
    '/backbone/files/:id',
    {
      config: { action: 'backbone.nomination.file' },
      schema: { tags: TAGS, summary: "Downloads a nomination's evidence file", params: IdParams },
    },
    async (req, reply) => {
      const f = await bb.file(req.ctx, req.params.id);
      reply.header('content-type', f.row.mimeType);
      reply.header('content-disposition', attachment(`backbone-file-${f.row.id}`, f.row.fileName));
      return reply.send(fs.createReadStream(f.path));
    },
  );

  app.put(
    '/backbone/nominations/:id/score',
    {
      config: { action: 'backbone.score' },
      schema: {
        tags: TAGS,
        summary: "A panel member's score of a nomination (0–100) with a comment; may be changed while scoring is open",
        params: IdParams,
        body: z.object({ score: z.number().int().min(0).max(100), comment: zOptionalText(2000) }).strict(),
        response: { 200: z.object({ nominationId: z.number(), score: z.number(), comment: z.string().nullable() }) },
      },
    },
    async (req) => bb.score(req.ctx, req.params.id, { score: req.body.score, comment: req.body.comment ?? null }),
  );

  app.get(
    '/backbone/rounds/:id/ranking',
    {
      config: { action: 'backbone.round.ranking' },
      schema: {
        tags: TAGS,
        summary:
          "The nominations best first: each one's scorecard (raw scores by anonymous judge, dropped ones, trimmed mean, rank)",
        params: IdParams,
        response: {
          200: z.object({
            round: RoundOut,
            items: z.array(
              z.object({
                nominationId: z.number(),
                teacherName: z.string(),
                schoolName: z.string(),
                quotaUnitName: z.string(),
                status: z.string(),
                outcome: z.string().nullable(),
                scorecard: ScorecardOut,
                comments: z.array(z.object({ label: z.string(), comment: z.string() })),
              }),
            ),
          }),
        },
      },
    },
    async (req) => {
      const r = await bb.ranking(req.ctx, req.params.id);
      return { round: presentRound(r.round), items: r.items };
    },
  );

  app.post(
    '/backbone/rounds/:id/publish',
    {
      config: { action: 'backbone.round.publish' },
      schema: {
        tags: TAGS,
        summary:
          'Publishes the selected nominations with their scorecards as a public notice (公示) for a number of working days; ' +
          'finalising it certifies the titles',
        params: IdParams,
        body: z
          .object({
            nominationIds: z.array(zBodyId).min(1).max(2_000),
            days: z.number().int().min(1).max(30).optional(),
            body: zOptionalText(2000),
          })
          .strict(),
        response: { 200: z.object({ publicityId: z.number() }) },
      },
    },
    async (req) => bb.publish(req.ctx, req.params.id, { ...req.body, body: req.body.body ?? null }),
  );

  app.get(
    '/backbone/titles',
    {
      config: { action: 'backbone.title.list' },
      schema: {
        tags: TAGS,
        summary: 'Titles of the teachers of the subtree and those granted by its units, by level, status, flag or name',
        querystring: TitleQuery.extend(Paging),
        response: { 200: z.object({ items: z.array(TitleListOut), total: z.number() }) },
      },
    },
    async (req) => {
      const r = await bb.titles(req.ctx, req.query);
      return { items: r.items.map(presentTitleRow), total: r.total };
    },
  );

  app.get(
    '/backbone/titles.xlsx',
    {
      config: { action: 'backbone.title.export' },
      schema: {
        tags: TAGS,
        summary: 'The titles of the list (same filters) as an .xlsx sheet',
        querystring: TitleQuery,
      },
    },
    async (req, reply) => {
      const buffer = await bb.titlesXlsx(req.ctx, req.query);
      reply.header('content-type', XLSX);
      reply.header('content-disposition', attachment('backbone-titles.xlsx', '骨干教师名单.xlsx'));
      return reply.send(buffer);
    },
  );

  app.get(
    '/backbone/titles/:id',
    {
      config: { action: 'backbone.title.read' },
      schema: {
        tags: TAGS,
        summary: 'A title with its history, its yearly duties and their records',
        params: IdParams,
        response: { 200: TitleOut },
      },
    },
    async (req) => presentTitle(await bb.title(req.ctx, req.params.id)),
  );

  app.post(
    '/backbone/titles/:id/keep',
    {
      config: { action: 'backbone.title.keep' },
      schema: {
        tags: TAGS,
        summary: "Keeps a flagged title: the granting unit clears the flag with a reason (kept in the title's history)",
        params: IdParams,
        body: Reason,
        response: { 200: z.object({ id: z.number() }) },
      },
    },
    async (req) => bb.keep(req.ctx, req.params.id, req.body.reason),
  );

  app.post(
    '/backbone/titles/:id/revoke',
    {
      config: { action: 'backbone.title.revoke' },
      schema: {
        tags: TAGS,
        summary: 'Revokes a title with a reason: the row and its history stay; the teacher is told',
        params: IdParams,
        body: Reason,
        response: { 200: z.object({ id: z.number() }) },
      },
    },
    async (req) => bb.revoke(req.ctx, req.params.id, req.body.reason),
  );

  app.get(
    '/backbone/duties',
    {
      config: { action: 'backbone.duty.list' },
      schema: {
        tags: TAGS,
        summary: "Duties recorded by the subtree's holders waiting for their school's confirmation",
        response: { 200: z.object({ items: z.array(DutyOut) }) },
      },
    },
    async (req) => ({ items: (await bb.dutiesWaiting(req.ctx)).map(presentDuty) }),
  );

  app.post(
    '/backbone/duties/:id/decide',
    {
      config: { action: 'backbone.duty.decide' },
      schema: {
        tags: TAGS,
        summary: 'The school confirms a recorded duty (it then counts for its year) or returns it with a note',
        params: IdParams,
        body: z.object({ confirm: z.boolean(), note: zOptionalText(1000) }).strict(),
        response: { 200: DutyOut },
      },
    },
    async (req) =>
      presentDuty(
        await bb.decideDuty(req.ctx, req.params.id, { confirm: req.body.confirm, note: req.body.note ?? null }),
      ),
  );

  app.get(
    '/backbone/duties/:id/file',
    {
      config: { action: 'backbone.duty.file' },
      schema: { tags: TAGS, summary: "Downloads a duty record's evidence file", params: IdParams },
    },
    async (req, reply) => {
      const f = await bb.dutyFile(req.ctx, req.params.id);
      reply.header('content-type', f.mimeType);
      reply.header('content-disposition', attachment(`backbone-duty-${req.params.id}`, f.fileName));
      return reply.send(fs.createReadStream(f.path));
    },
  );

  app.post(
    '/backbone/sweep',
    {
      config: { action: 'backbone.sweep' },
      schema: {
        tags: TAGS,
        summary:
          'Runs the yearly check for the subtree now: ends finished terms, reminds holders of undone duties from November, ' +
          'flags titles whose duties of last year were not done',
        response: { 200: z.object({ expired: z.number(), reminded: z.number(), flagged: z.number() }) },
      },
    },
    async (req) => bb.runSweep(req.ctx),
  );

  app.get(
    '/backbone/panel',
    {
      config: { action: 'backbone.panel.mine' },
      schema: {
        tags: TAGS,
        summary: 'The rounds whose review panel the reader sits on',
        response: { 200: z.object({ items: z.array(RoundOut) }) },
      },
    },
    async (req) => ({ items: (await bb.panelRounds(req.ctx)).map(presentRound) }),
  );

  app.get(
    '/backbone/me',
    {
      config: { action: 'backbone.me' },
      schema: {
        tags: TAGS,
        summary: "A teacher's own titles with their history, yearly duties and records",
        response: { 200: z.object({ linked: z.boolean(), today: z.string(), titles: z.array(TitleOut) }) },
      },
    },
    async (req) => {
      const r = await bb.mine(req.ctx);
      return { linked: r.linked, today: r.today, titles: r.titles.map(presentTitle) };
    },
  );

  app.post(
    '/backbone/me/duties',
    {
      config: { action: 'backbone.duty.record' },
      schema: {
        tags: TAGS,
        summary: 'A holder records an open lesson or a paper of a year, with a link (a file may be added next)',
        body: z
          .object({
            titleId: zBodyId,
            year: z.number().int().min(2000).max(2100),
            kind: z.enum(['open_lesson', 'paper']),
            subject: zText(200),
            heldOn: zDay,
            link: z.union([z.string().trim().url().max(500), z.literal('').transform(() => null), z.null()]).optional(),
          })
          .strict(),
        response: { 201: DutyOut },
      },
    },
    async (req, reply) =>
      reply.status(201).send(presentDuty(await bb.recordDuty(req.ctx, { ...req.body, link: req.body.link ?? null }))),
  );

  app.post(
    '/backbone/me/duties/:id/file',
    {
      config: { action: 'backbone.duty.upload' },
      schema: {
        tags: TAGS,
        summary: 'Adds the evidence file of a recorded duty (PDF, image, Word, Excel, ZIP; multipart field "file")',
        params: IdParams,
        response: { 200: DutyOut },
      },
    },
    async (req) => presentDuty(await bb.attachDutyFile(req.ctx, req.params.id, await readUploadedFile(req))),
  );
};
