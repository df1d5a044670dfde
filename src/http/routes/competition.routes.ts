import fs from 'node:fs';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { renderAwardCertificatePdf } from '../../services/award-certificate-pdf.js';
import { COMPETITION_KINDS, gradeLabel, ROUND_LEVELS } from '../../services/competition.service.js';
import type { Services } from '../../services/services.js';
import { iso } from '../presenters.js';
import { attachment, IdParams, Paging, XLSX, zBodyId, zDay, zOptionalText, zParagraphs, zText } from '../schemas.js';
import { readUploadedFile } from '../upload.js';

const TAGS = ['competitions'];
const ROUND_STATUSES = ['open', 'judging', 'scored', 'published', 'finalised'] as const;
const GRADES = ['first', 'second', 'third'] as const;

const AwardSpecBody = z.union([
  z
    .object({
      by: z.literal('ranks'),
      counts: z.tuple([
        z.number().int().min(0).max(10000),
        z.number().int().min(0).max(10000),
        z.number().int().min(0).max(10000),
      ]),
    })
    .strict(),
  z
    .object({
      by: z.literal('proportions'),
      percents: z.tuple([z.number().min(0).max(100), z.number().min(0).max(100), z.number().min(0).max(100)]),
    })
    .strict(),
]);

const RubricItemBody = z
  .object({
    key: z.string().regex(/^[a-z0-9_]{1,30}$/),
    label: zText(100),
    weight: z.number().gt(0).max(1000),
    max: z.number().gt(0).max(1000),
  })
  .strict();

const CompetitionRequest = z
  .object({
    orgUnitId: zBodyId.optional(),
    title: zText(200),
    kind: z.enum(COMPETITION_KINDS),
    year: z.number().int().min(2000).max(2100),
    description: zOptionalText(5000),
    categories: z.array(zText(60)).max(50).default([]),
    rubric: z.array(RubricItemBody).min(1).max(30),
    trimAt: z.number().int().min(3).max(10).default(5),
    normalise: z.boolean().default(true),
    normaliseMin: z.number().int().min(2).max(1000).default(10),
    spreadThreshold: z.number().gt(0).max(100).default(20),
    rounds: z
      .array(
        z
          .object({
            level: z.enum(ROUND_LEVELS),
            deadline: zDay,
            quotaDefault: z.number().int().min(0).max(10000),
            quotas: z.record(z.string().regex(/^\d{1,18}$/), z.number().int().min(0).max(10000)).optional(),
            awardSpec: AwardSpecBody.optional(),
          })
          .strict(),
      )
      .min(1)
      .max(4),
  })
  .strict();

const RubricOut = z.array(z.object({ key: z.string(), label: z.string(), weight: z.number(), max: z.number() }));

const CompetitionOut = z.object({
  id: z.number(),
  orgUnitId: z.number(),
  orgUnitName: z.string(),
  title: z.string(),
  kind: z.enum(COMPETITION_KINDS),
  year: z.number(),
  description: z.string().nullable(),
  categories: z.array(z.string()),
  rubric: RubricOut,
  trimAt: z.number(),
  normalise: z.boolean(),
  normaliseMin: z.number(),
  spreadThreshold: z.number(),
  status: z.enum(['open', 'closed']),
  createdAt: z.string(),
});

const RoundOut = z.object({
  id: z.number(),
  level: z.enum(ROUND_LEVELS),
  position: z.number(),
  orgUnitId: z.number(),
  orgUnitName: z.string(),
  deadline: z.string(),
  quotaDefault: z.number(),
  quotas: z.record(z.string(), z.number()),
  awardSpec: z.unknown(),
  status: z.enum(ROUND_STATUSES),
  aggregate: z.unknown(),
  aggregatedAt: z.string().nullable(),
  entries: z.number().optional(),
  manage: z.boolean().optional(),
  submit: z.boolean().optional(),
  publicity: z.object({ id: z.number(), status: z.string() }).nullable().optional(),
});

const EntryOut = z.object({
  id: z.number(),
  entryId: z.number(),
  title: z.string(),
  category: z.string().nullable(),
  blindCode: z.string(),
  entrants: z.array(z.string()),
  schoolUnitId: z.number(),
  schoolName: z.string(),
  quotaUnitId: z.number(),
  quotaUnitName: z.string(),
  panelId: z.number().nullable(),
  finalScore: z.number().nullable(),
  rawMean: z.number().nullable(),
  rank: z.number().nullable(),
  scorecard: z.unknown(),
  disagreement: z.boolean(),
  award: z.enum(GRADES).nullable(),
  advanced: z.boolean(),
  submittedAt: z.string(),
});

const PanelOut = z.object({
  id: z.number(),
  name: z.string(),
  leadUserId: z.number(),
  leadName: z.string(),
  judges: z.array(z.object({ userId: z.number(), seat: z.number(), name: z.string() })),
  entries: z.number(),
});

const presentCompetition = (c: {
  id: number;
  orgUnitId: number;
  orgUnitName: string;
  title: string;
  kind: (typeof COMPETITION_KINDS)[number];
  year: number;
  description: string | null;
  categories: string[];
  rubric: z.infer<typeof RubricOut>;
  trimAt: number;
  normalise: boolean;
  normaliseMin: number;
  spreadThreshold: number;
  status: 'open' | 'closed';
  createdAt: Date;
}): z.infer<typeof CompetitionOut> => ({
  id: c.id,
  orgUnitId: c.orgUnitId,
  orgUnitName: c.orgUnitName,
  title: c.title,
  kind: c.kind,
  year: c.year,
  description: c.description,
  categories: c.categories,
  rubric: c.rubric,
  trimAt: c.trimAt,
  normalise: c.normalise,
  normaliseMin: c.normaliseMin,
  spreadThreshold: c.spreadThreshold,
  status: c.status,
  createdAt: iso(c.createdAt) as string,
});

const baseUrlOf = (req: FastifyRequest) => `${req.protocol}://${req.host}`;

/** Competitions and selections (评比, R-42): set-up, entries within quotas, panels, aggregation, advancement, awards. */
export const competitionRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const svc = services.competitions;

  app.get(
    '/competitions',
    {
      config: { action: 'competition.list' },
      schema: {
        tags: TAGS,
        summary: 'Competitions organised in the subtree, and those holding a round above the reader (they take part)',
        querystring: z.object(Paging),
        response: { 200: z.object({ items: z.array(CompetitionOut), total: z.number() }) },
      },
    },
    async (req) => {
      const r = await svc.list(req.ctx, req.query);
      return { items: r.items.map(presentCompetition), total: r.total };
    },
  );

  app.post(
    '/competitions',
    {
      config: { action: 'competition.create' },
      schema: {
        tags: TAGS,
        summary:
          'Creates a competition at the actor’s unit (or one below): categories, rubric, judging rules, rounds from the lowest level up; the units below are told',
        body: CompetitionRequest,
        response: { 201: z.object({ competition: CompetitionOut }) },
      },
    },
    async (req, reply) =>
      reply.status(201).send({
        competition: presentCompetition(
          await svc.create(req.ctx, { ...req.body, description: req.body.description ?? null }),
        ),
      }),
  );

  app.get(
    '/competitions/:id',
    {
      config: { action: 'competition.read' },
      schema: {
        tags: TAGS,
        summary: 'A competition with the rounds the reader may see (held in their subtree or above them)',
        params: IdParams,
        response: { 200: z.object({ competition: CompetitionOut, manage: z.boolean(), rounds: z.array(RoundOut) }) },
      },
    },
    async (req) => {
      const r = await svc.get(req.ctx, req.params.id);
      return {
        competition: presentCompetition(r.competition),
        manage: r.manage,
        rounds: r.rounds.map((x) => ({
          ...x,
          aggregatedAt: iso(x.aggregatedAt),
          publicity: x.publicity ? { id: x.publicity.id, status: x.publicity.status } : null,
        })),
      };
    },
  );

  app.get(
    '/competitions/rounds/:id/entries',
    {
      config: { action: 'competition.entries' },
      schema: {
        tags: TAGS,
        summary:
          'The entries of a round with entrants and results: all for the organiser’s admins, a unit’s own for a unit below (with its quota)',
        params: IdParams,
        response: {
          200: z.object({
            round: RoundOut,
            manage: z.boolean(),
            entries: z.array(EntryOut),
            panels: z.array(PanelOut),
            quota: z.object({ unitId: z.number(), quota: z.number(), used: z.number() }).nullable(),
          }),
        },
      },
    },
    async (req) => {
      const r = await svc.entries(req.ctx, req.params.id);
      return {
        ...r,
        round: { ...r.round, aggregatedAt: iso(r.round.aggregatedAt) },
        entries: r.entries.map((e) => ({ ...e, submittedAt: iso(e.submittedAt) as string })),
      };
    },
  );

  app.post(
    '/competitions/rounds/:id/entries',
    {
      config: { action: 'competition.submit_entry' },
      schema: {
        tags: TAGS,
        summary:
          'A school submits an entry (title, category, text, video link, the entrant teachers) within its quota until the deadline (COMPETITION_QUOTA_FULL beyond)',
        params: IdParams,
        body: z
          .object({
            title: zText(200),
            category: zOptionalText(60),
            body: z.union([zParagraphs(50000), z.literal('').transform(() => null), z.null()]).optional(),
            videoUrl: zOptionalText(500),
            teacherIds: z.array(zBodyId).min(1).max(10),
            schoolUnitId: zBodyId.optional(),
          })
          .strict(),
        response: { 201: z.object({ entryId: z.number(), entryRoundId: z.number() }) },
      },
    },
    async (req, reply) => reply.status(201).send(await svc.submitEntry(req.ctx, req.params.id, req.body)),
  );

  app.post(
    '/competitions/entries/:id/files',
    {
      config: { action: 'competition.entry_file' },
      schema: {
        tags: TAGS,
        summary:
          'Adds a file to an entry while its round is open (PDF, image, Word, Excel, ZIP, at most 20 MB; images lose their EXIF and text metadata; multipart field "file")',
        params: IdParams,
        response: {
          201: z.object({
            file: z.object({ id: z.number(), fileName: z.string(), mime: z.string(), sizeBytes: z.number() }),
          }),
        },
      },
    },
    async (req, reply) => {
      const file = await readUploadedFile(req);
      return reply.status(201).send({ file: await svc.addFile(req.ctx, req.params.id, file) });
    },
  );

  app.post(
    '/competitions/entries/:id/withdraw',
    {
      config: { action: 'competition.withdraw_entry' },
      schema: {
        tags: TAGS,
        summary: 'Withdraws an entry while its round is open (its quota place is free again)',
        params: IdParams,
        response: { 200: z.object({ ok: z.boolean() }) },
      },
    },
    async (req) => svc.withdrawEntry(req.ctx, req.params.id),
  );

  app.post(
    '/competitions/rounds/:id/panels',
    {
      config: { action: 'competition.create_panel' },
      schema: {
        tags: TAGS,
        summary: 'Names a review panel: judges (accounts of the organiser’s subtree) and its lead, who is one of them',
        params: IdParams,
        body: z
          .object({ name: zText(100), leadUserId: zBodyId, judgeUserIds: z.array(zBodyId).min(1).max(50) })
          .strict(),
        response: { 201: z.object({ panelId: z.number() }) },
      },
    },
    async (req, reply) => reply.status(201).send({ panelId: await svc.createPanel(req.ctx, req.params.id, req.body) }),
  );

  app.post(
    '/competitions/rounds/:id/assign',
    {
      config: { action: 'competition.assign' },
      schema: {
        tags: TAGS,
        summary: 'Assigns entries (or every unassigned one) of the round to a panel',
        params: IdParams,
        body: z.object({ panelId: zBodyId, entryRoundIds: z.array(zBodyId).max(100000).optional() }).strict(),
        response: { 200: z.object({ assigned: z.number() }) },
      },
    },
    async (req) => svc.assign(req.ctx, req.params.id, req.body),
  );

  app.post(
    '/competitions/rounds/:id/start-judging',
    {
      config: { action: 'competition.start_judging' },
      schema: {
        tags: TAGS,
        summary: 'Closes submissions and opens the judges’ queues (every entry must have a panel)',
        params: IdParams,
        response: { 200: z.object({ ok: z.boolean() }) },
      },
    },
    async (req) => svc.startJudging(req.ctx, req.params.id),
  );

  app.post(
    '/competitions/rounds/:id/aggregate',
    {
      config: { action: 'competition.aggregate' },
      schema: {
        tags: TAGS,
        summary:
          'Aggregates the submitted scores: rubric totals, normalisation (or why not), trimmed mean, ranks, scorecards; flags disagreements to the panel leads',
        params: IdParams,
        response: { 200: z.object({ summary: z.unknown() }) },
      },
    },
    async (req) => ({ summary: await svc.aggregate(req.ctx, req.params.id) }),
  );

  app.post(
    '/competitions/rounds/:id/advance',
    {
      config: { action: 'competition.advance' },
      schema: {
        tags: TAGS,
        summary: 'Moves the best entries into the next round, within its quota per unit (irreversible)',
        params: IdParams,
        response: { 200: z.object({ nextRoundId: z.number(), advanced: z.number() }) },
      },
    },
    async (req) => svc.advance(req.ctx, req.params.id),
  );

  app.post(
    '/competitions/rounds/:id/publish-awards',
    {
      config: { action: 'competition.publish_awards' },
      schema: {
        tags: TAGS,
        summary:
          'Gives 一/二/三等奖 by the round’s rule and 优秀组织奖 to the units named, and publishes the list for public notice with each entry’s scorecard',
        params: IdParams,
        body: z
          .object({ startsOn: zDay, endsOn: zDay, organisationUnitIds: z.array(zBodyId).max(500).optional() })
          .strict(),
        response: { 200: z.object({ publicityId: z.number(), awards: z.number() }) },
      },
    },
    async (req) => svc.publishAwards(req.ctx, req.params.id, req.body),
  );

  app.get(
    '/competitions/rounds/:id/results.xlsx',
    {
      config: { action: 'competition.export_results' },
      schema: { tags: TAGS, summary: 'The round’s results as an .xlsx sheet (organiser’s admins)', params: IdParams },
    },
    async (req, reply) => {
      const r = await svc.resultsXlsx(req.ctx, req.params.id);
      reply.header('content-type', XLSX);
      reply.header(
        'content-disposition',
        attachment(`competition-round-${req.params.id}.xlsx`, `${r.title}-评审结果.xlsx`),
      );
      return reply.send(r.buffer);
    },
  );

  app.get(
    '/competitions/rounds/:id/honours',
    {
      config: { action: 'competition.honours' },
      schema: {
        tags: TAGS,
        summary: 'The honours recorded when the round’s award list was finalised (for printing certificates)',
        params: IdParams,
        response: {
          200: z.object({
            items: z.array(
              z.object({ awardId: z.number(), id: z.number(), recipientName: z.string(), code: z.string() }),
            ),
          }),
        },
      },
    },
    async (req) => ({ items: await svc.honours(req.ctx, req.params.id) }),
  );

  app.get(
    '/competitions/honours/:id/certificate.pdf',
    {
      config: { action: 'competition.certificate' },
      schema: {
        tags: TAGS,
        summary:
          'The printable certificate of a competition honour with a QR code to /verify/<code> (the teacher, or admins over the honour’s unit)',
        params: IdParams,
      },
    },
    async (req, reply) => {
      const h = await svc.certificateData(req.ctx, req.params.id);
      const pdf = await renderAwardCertificatePdf({
        code: h.code,
        verifyUrl: `${(process.env['PEIXUN_PUBLIC_URL'] ?? baseUrlOf(req)).replace(/\/+$/, '')}/verify/${h.code}`,
        recipientName: h.recipientName,
        title: h.title,
        gradeLabel: h.grade ? gradeLabel(h.grade as 'first') : '',
        awardedBy: h.awardedBy,
        awardedOn: h.awardedOn,
        unit: h.kind === 'organisation_award',
      });
      reply.header('content-type', 'application/pdf');
      reply.header('content-disposition', attachment(`honour-${h.code}.pdf`, `荣誉证书-${h.code}.pdf`));
      return reply.send(pdf);
    },
  );
};

/** A judge's work (评委): the blind queue, an entry, its files under neutral names, scoring, recusal; the panel lead's review. */
export const judgingRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const svc = services.competitions;
  const JT = ['judging'];

  app.get(
    '/judging/queue',
    {
      config: { action: 'judging.queue' },
      schema: {
        tags: JT,
        summary:
          'The entries waiting in the judge’s panels, BLIND: a code, the category and the title, never entrant, unit or file names',
        querystring: z.object({ ...Paging, roundId: z.coerce.number().int().positive().optional() }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.number(),
                blindCode: z.string(),
                category: z.string().nullable(),
                title: z.string(),
                competitionTitle: z.string(),
                level: z.enum(ROUND_LEVELS),
                deadline: z.string(),
                panelName: z.string(),
                scoreStatus: z.enum(['todo', 'draft', 'submitted', 'recused']),
                total: z.number().nullable(),
                rescoreRequested: z.boolean(),
              }),
            ),
            total: z.number(),
            /** the panels the judge leads (their review pages) */
            leads: z.array(
              z.object({
                id: z.number(),
                name: z.string(),
                competitionTitle: z.string(),
                level: z.string(),
                status: z.string(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => svc.queue(req.ctx, req.query),
  );

  app.get(
    '/judging/entries/:id',
    {
      config: { action: 'judging.read' },
      schema: {
        tags: JT,
        summary: 'One entry as its judges see it (blind), the rubric and the judge’s own score',
        params: IdParams,
        response: {
          200: z.object({
            entry: z.object({
              id: z.number(),
              blindCode: z.string(),
              category: z.string().nullable(),
              title: z.string(),
              body: z.string().nullable(),
              videoUrl: z.string().nullable(),
              files: z.array(z.object({ n: z.number(), label: z.string(), mime: z.string(), sizeBytes: z.number() })),
            }),
            competition: z.object({ title: z.string(), kind: z.string(), level: z.string(), status: z.string() }),
            rubric: RubricOut,
            score: z
              .object({
                items: z.record(z.string(), z.number()),
                comment: z.string().nullable(),
                status: z.enum(['draft', 'submitted', 'recused']),
                total: z.number().nullable(),
                recuseReason: z.string().nullable(),
                rescoreRequested: z.boolean(),
              })
              .nullable(),
          }),
        },
      },
    },
    async (req) => svc.judgeEntry(req.ctx, req.params.id),
  );

  app.get(
    '/judging/entries/:id/files/:n',
    {
      config: { action: 'judging.read_file' },
      schema: {
        tags: JT,
        summary: 'A file of an entry under a neutral name (附件<n>)',
        params: z.object({ id: z.coerce.number().int().positive(), n: z.coerce.number().int().min(1).max(100) }),
      },
    },
    async (req, reply) => {
      const f = await svc.judgeFile(req.ctx, req.params.id, req.params.n);
      reply.header('content-type', f.mime);
      reply.header('content-disposition', attachment(`attachment-${req.params.n}`, f.label));
      return reply.send(fs.createReadStream(f.path));
    },
  );

  app.put(
    '/judging/entries/:id/score',
    {
      config: { action: 'judging.score' },
      schema: {
        tags: JT,
        summary:
          'Saves the judge’s item scores and comment as a draft, or submits them (every item, none above its maximum)',
        params: IdParams,
        body: z
          .object({
            items: z.record(z.string().max(30), z.number().min(0).max(1000)),
            comment: z.union([zParagraphs(2000), z.literal('').transform(() => null), z.null()]).optional(),
            submit: z.boolean(),
          })
          .strict(),
        response: { 200: z.object({ status: z.string(), total: z.number().nullable() }) },
      },
    },
    async (req) => svc.score(req.ctx, req.params.id, req.body),
  );

  app.post(
    '/judging/entries/:id/recuse',
    {
      config: { action: 'judging.recuse' },
      schema: {
        tags: JT,
        summary:
          '回避: declares a conflict of interest with the entry; the judge’s score never counts and the reason is logged',
        params: IdParams,
        body: z.object({ reason: zText(500) }).strict(),
        response: { 200: z.object({ status: z.literal('recused') }) },
      },
    },
    async (req) => svc.recuse(req.ctx, req.params.id, req.body),
  );

  app.get(
    '/judging/panels/:id',
    {
      config: { action: 'judging.panel' },
      schema: {
        tags: JT,
        summary: 'The panel lead’s review: each entry’s totals by anonymous seat, with large disagreements flagged',
        params: IdParams,
        response: {
          200: z.object({
            panel: z.object({
              id: z.number(),
              name: z.string(),
              competition: z.string(),
              level: z.string(),
              status: z.string(),
            }),
            threshold: z.number(),
            entries: z.array(
              z.object({
                entryRoundId: z.number(),
                blindCode: z.string(),
                flagged: z.boolean(),
                spread: z.number(),
                scores: z.array(
                  z.object({
                    seat: z.number(),
                    status: z.string(),
                    total: z.number().nullable(),
                    rescoreRequested: z.boolean(),
                  }),
                ),
              }),
            ),
          }),
        },
      },
    },
    async (req) => svc.panelReview(req.ctx, req.params.id),
  );

  app.post(
    '/judging/panels/:id/rescore',
    {
      config: { action: 'judging.request_rescore' },
      schema: {
        tags: JT,
        summary: 'The panel lead asks judges (by seat) to score an entry again; the round goes back to judging',
        params: IdParams,
        body: z
          .object({ entryRoundId: zBodyId, seats: z.array(z.number().int().min(1).max(100)).min(1).max(50) })
          .strict(),
        response: { 200: z.object({ requested: z.number() }) },
      },
    },
    async (req) => svc.requestRescore(req.ctx, req.params.id, req.body),
  );
};
