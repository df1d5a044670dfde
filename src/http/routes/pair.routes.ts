import fs from 'node:fs';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ACTIVITY_KINDS, APPLIED_AS, END_KINDS, PAIR_KINDS, PAIR_STATUSES, REVIEW_STAGES } from '../../domain/pair.js';
import { pickLocale } from '../../i18n/messages.js';
import type { PairRow, PairRuleRow } from '../../repositories/pair.repository.js';
import type { PairDetail, PairView } from '../../services/pair.service.js';
import type { Services } from '../../services/services.js';
import { iso } from '../presenters.js';
import { attachment, IdParams, Paging, XLSX, zBodyId, zDay, zOptionalText, zParagraphs, zText } from '../schemas.js';
import { readUploadedFile } from '../upload.js';

const TAGS = ['pairs'];

const PairOut = z.object({
  id: z.number(),
  kind: z.enum(PAIR_KINDS),
  countyId: z.number(),
  countyName: z.string(),
  orgUnitId: z.number(),
  orgUnitName: z.string(),
  menteeOrgUnitId: z.number(),
  menteeOrgUnitName: z.string(),
  mentorTeacherId: z.number().nullable(),
  mentorName: z.string().nullable(),
  menteeTeacherId: z.number().nullable(),
  menteeName: z.string().nullable(),
  appliedAs: z.enum(APPLIED_AS),
  applicationNote: z.string().nullable(),
  status: z.enum(PAIR_STATUSES),
  statusReason: z.string().nullable(),
  goals: z.string().nullable(),
  plan: z.string().nullable(),
  termStart: z.string().nullable(),
  termEnd: z.string().nullable(),
  mentorConfirmedAt: z.string().nullable(),
  menteeConfirmedAt: z.string().nullable(),
  registeredAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  endKind: z.enum(END_KINDS).nullable(),
  honourCode: z.string().nullable(),
  createdAt: z.string(),
});

const ReviewOut = z.object({
  stage: z.enum(REVIEW_STAGES),
  schoolScore: z.number().nullable(),
  schoolComment: z.string().nullable(),
  schoolAt: z.string().nullable(),
  countyScore: z.number().nullable(),
  countyComment: z.string().nullable(),
  countyAt: z.string().nullable(),
});

const PairViewOut = PairOut.extend({
  side: z.enum(['mentor', 'mentee']).nullable(),
  /** the named teacher without an account a school admin confirms the agreement for */
  confirmsFor: z.string().nullable(),
  can: z.object({
    recommend: z.boolean(),
    register: z.boolean(),
    resubmit: z.boolean(),
    editAgreement: z.boolean(),
    confirm: z.boolean(),
    logActivity: z.boolean(),
    decideActivities: z.boolean(),
    scoreAsSchool: z.boolean(),
    scoreAsCounty: z.boolean(),
    award: z.boolean(),
    end: z.boolean(),
  }),
  reviews: z.array(ReviewOut),
});

const ActivityOut = z.object({
  id: z.number(),
  kind: z.enum(ACTIVITY_KINDS),
  occurredOn: z.string(),
  minutes: z.number(),
  note: z.string(),
  side: z.enum(['mentor', 'mentee']),
  teacherName: z.string().nullable(),
  loggedByName: z.string(),
  status: z.enum(['logged', 'confirmed', 'rejected']),
  decidedAt: z.string().nullable(),
  rejectReason: z.string().nullable(),
  hours: z.number().nullable(),
  entryId: z.number().nullable(),
  postingRefused: z.string().nullable(),
  files: z.array(z.object({ id: z.number(), fileName: z.string(), mimeType: z.string(), sizeBytes: z.number() })),
  decidable: z.boolean(),
});

const DetailOut = z.object({ pair: PairViewOut, activities: z.array(ActivityOut), postedTenths: z.number() });

const RuleOut = z.object({
  countyId: z.number(),
  enabled: z.boolean(),
  tenths: z.object({ observation: z.number(), guidance: z.number(), coteaching: z.number(), other: z.number() }),
  capTenths: z.number(),
  category: z.string().nullable(),
  updatedAt: z.string(),
});

const presentPair = (p: PairRow): z.infer<typeof PairOut> => ({
  id: p.id,
  kind: p.kind,
  countyId: p.countyId,
  countyName: p.countyName,
  orgUnitId: p.orgUnitId,
  orgUnitName: p.orgUnitName,
  menteeOrgUnitId: p.menteeOrgUnitId,
  menteeOrgUnitName: p.menteeOrgUnitName,
  mentorTeacherId: p.mentorTeacherId,
  mentorName: p.mentorName,
  menteeTeacherId: p.menteeTeacherId,
  menteeName: p.menteeName,
  appliedAs: p.appliedAs,
  applicationNote: p.applicationNote,
  status: p.status,
  statusReason: p.statusReason,
  goals: p.goals,
  plan: p.plan,
  termStart: p.termStart,
  termEnd: p.termEnd,
  mentorConfirmedAt: iso(p.mentorConfirmedAt),
  menteeConfirmedAt: iso(p.menteeConfirmedAt),
  registeredAt: iso(p.registeredAt),
  endedAt: iso(p.endedAt),
  endKind: p.endKind,
  honourCode: p.honourCode,
  createdAt: p.createdAt.toISOString(),
});

const presentView = (v: PairView): z.infer<typeof PairViewOut> => ({
  ...presentPair(v),
  side: v.side,
  confirmsFor: v.confirmsFor,
  can: v.can,
  reviews: v.reviews.map((r) => ({
    stage: r.stage,
    schoolScore: r.schoolScore,
    schoolComment: r.schoolComment,
    schoolAt: iso(r.schoolAt),
    countyScore: r.countyScore,
    countyComment: r.countyComment,
    countyAt: iso(r.countyAt),
  })),
});

const presentDetail = (d: PairDetail): z.infer<typeof DetailOut> => ({
  pair: presentView(d.pair),
  activities: d.activities.map((a) => ({
    id: a.id,
    kind: a.kind,
    occurredOn: a.occurredOn,
    minutes: a.minutes,
    note: a.note,
    side: a.side,
    teacherName: a.teacherName,
    loggedByName: a.loggedByName,
    status: a.status,
    decidedAt: iso(a.decidedAt),
    rejectReason: a.rejectReason,
    hours: a.hours,
    entryId: a.entryId,
    postingRefused: a.postingRefused,
    files: a.files,
    decidable: a.decidable,
  })),
  postedTenths: d.postedTenths,
});

const presentRule = (r: PairRuleRow): z.infer<typeof RuleOut> => ({
  countyId: r.countyId,
  enabled: r.enabled,
  tenths: r.tenths,
  capTenths: r.capTenths,
  category: r.category,
  updatedAt: r.updatedAt.toISOString(),
});

const ListQuery = z.object({
  status: z.enum(PAIR_STATUSES).optional(),
  kind: z.enum(PAIR_KINDS).optional(),
  q: z.string().max(50).optional(),
});

const CreateIn = z
  .object({
    kind: z.enum(PAIR_KINDS),
    as: z.enum(['mentor', 'mentee']).nullable().optional(),
    partnerTeacherId: zBodyId.nullable().optional(),
    mentorTeacherId: zBodyId.nullable().optional(),
    menteeTeacherId: zBodyId.nullable().optional(),
    orgUnitId: zBodyId.nullable().optional(),
    menteeOrgUnitId: zBodyId.nullable().optional(),
    note: z.union([zParagraphs(2000), z.literal('').transform(() => null), z.null()]).optional(),
  })
  .strict();

const ReasonIn = z.object({ reason: zParagraphs(2000) }).strict();
const Tenths = z.number().int().min(0).max(200);

/** Mentoring pairs (师徒结对 / 青蓝工程) and urban–rural school pairing (城乡对口帮扶), R-40. */
export const pairRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const pairs = services.pairs;

  app.get(
    '/pairs',
    {
      config: { action: 'pair.list' },
      schema: {
        tags: TAGS,
        summary: "Pairs of the reader's subtree (either side's school under it), newest first",
        querystring: ListQuery.extend(Paging),
        response: {
          200: z.object({ items: z.array(PairOut), total: z.number(), page: z.number(), pageSize: z.number() }),
        },
      },
    },
    async (req) => {
      const r = await pairs.list(req.ctx, req.query);
      return { ...r, items: r.items.map(presentPair) };
    },
  );

  app.get(
    '/pairs/export.xlsx',
    {
      config: { action: 'pair.export' },
      schema: {
        tags: TAGS,
        summary: "The subtree's pairs as a sheet (.xlsx), with the list's filters",
        querystring: ListQuery,
      },
    },
    async (req, reply) => {
      const buf = await pairs.exportXlsx(req.ctx, req.query, pickLocale(req.headers['accept-language']));
      reply.header('content-type', XLSX);
      reply.header('content-disposition', attachment('pairs.xlsx', '师徒结对.xlsx'));
      return reply.send(buf);
    },
  );

  app.get(
    '/pairs/mine',
    {
      config: { action: 'pair.mine' },
      schema: {
        tags: TAGS,
        summary: "A teacher's own pairs (as mentor or mentee)",
        response: { 200: z.object({ items: z.array(PairViewOut) }) },
      },
    },
    async (req) => ({ items: (await pairs.mine(req.ctx)).map(presentView) }),
  );

  app.get(
    '/pairs/candidates',
    {
      config: { action: 'pair.candidates' },
      schema: {
        tags: TAGS,
        summary: "Teachers to name as the other member: a teacher's county, an admin's subtree (20 by name)",
        querystring: z.object({ q: z.string().max(50).default('') }),
        response: {
          200: z.object({
            items: z.array(
              z.object({ id: z.number(), name: z.string(), schoolName: z.string(), subject: z.string().nullable() }),
            ),
          }),
        },
      },
    },
    async (req) => ({ items: await pairs.candidates(req.ctx, req.query.q) }),
  );

  app.post(
    '/pairs',
    {
      config: { action: 'pair.create' },
      schema: {
        tags: TAGS,
        summary:
          'Starts a pair: a teacher applies (as mentor or mentee); a school pairs two of its teachers; ' +
          'a county pairs teachers or two schools (urban–rural)',
        body: CreateIn,
        response: { 201: z.object({ pair: PairViewOut }) },
      },
    },
    async (req, reply) => reply.status(201).send({ pair: presentView(await pairs.create(req.ctx, req.body)) }),
  );

  app.get(
    '/pairs/:id',
    {
      config: { action: 'pair.read' },
      schema: {
        tags: TAGS,
        summary: 'A pair with its agreement, activities, evidence and reviews, and what the reader may do',
        params: IdParams,
        response: { 200: DetailOut },
      },
    },
    async (req) => presentDetail(await pairs.detail(req.ctx, req.params.id)),
  );

  app.post(
    '/pairs/:id/resubmit',
    {
      config: { action: 'pair.resubmit' },
      schema: {
        tags: TAGS,
        summary: 'The applicant sends a returned application again',
        params: IdParams,
        body: z.object({ note: z.union([zParagraphs(2000), z.literal(''), z.null()]).optional() }).strict(),
        response: { 200: DetailOut },
      },
    },
    async (req) => presentDetail(await pairs.resubmit(req.ctx, req.params.id, req.body.note || null)),
  );

  app.post(
    '/pairs/:id/recommend',
    {
      config: { action: 'pair.recommend' },
      schema: {
        tags: TAGS,
        summary:
          'The school recommends an application to the county (naming the partner when it was asked to find one)',
        params: IdParams,
        body: z.object({ partnerTeacherId: zBodyId.nullable().optional() }).strict(),
        response: { 200: DetailOut },
      },
    },
    async (req) => presentDetail(await pairs.recommend(req.ctx, req.params.id, req.body.partnerTeacherId ?? null)),
  );

  app.post(
    '/pairs/:id/return',
    {
      config: { action: 'pair.return' },
      schema: {
        tags: TAGS,
        summary: 'The school returns an application with a reason',
        params: IdParams,
        body: ReasonIn,
        response: { 200: DetailOut },
      },
    },
    async (req) => presentDetail(await pairs.returnApplication(req.ctx, req.params.id, req.body.reason)),
  );

  app.post(
    '/pairs/:id/register',
    {
      config: { action: 'pair.register' },
      schema: {
        tags: TAGS,
        summary: "The county's training department registers a recommended pair",
        params: IdParams,
        response: { 200: DetailOut },
      },
    },
    async (req) => presentDetail(await pairs.register(req.ctx, req.params.id)),
  );

  app.post(
    '/pairs/:id/refuse',
    {
      config: { action: 'pair.refuse' },
      schema: {
        tags: TAGS,
        summary: 'The county refuses a recommended pair with a reason',
        params: IdParams,
        body: ReasonIn,
        response: { 200: DetailOut },
      },
    },
    async (req) => presentDetail(await pairs.refuse(req.ctx, req.params.id, req.body.reason)),
  );

  app.put(
    '/pairs/:id/agreement',
    {
      config: { action: 'pair.agreement' },
      schema: {
        tags: TAGS,
        summary: 'Writes the agreement (goals, activities planned, term); a change clears both confirmations',
        params: IdParams,
        body: z
          .object({
            goals: z.union([zParagraphs(5000), z.literal('').transform(() => null), z.null()]),
            plan: z.union([zParagraphs(5000), z.literal('').transform(() => null), z.null()]),
            termStart: zDay.nullable(),
            termEnd: zDay.nullable(),
          })
          .strict(),
        response: { 200: DetailOut },
      },
    },
    async (req) => presentDetail(await pairs.saveAgreement(req.ctx, req.params.id, req.body)),
  );

  app.post(
    '/pairs/:id/confirm',
    {
      config: { action: 'pair.confirm' },
      schema: {
        tags: TAGS,
        summary: 'A member confirms the agreement; both confirmed, it is signed and the pair works',
        params: IdParams,
        response: { 200: DetailOut },
      },
    },
    async (req) => presentDetail(await pairs.confirmAgreement(req.ctx, req.params.id)),
  );

  app.get(
    '/pairs/:id/agreement.pdf',
    {
      config: { action: 'pair.agreement_pdf' },
      schema: { tags: TAGS, summary: 'The agreement as a printable PDF for the school to seal', params: IdParams },
    },
    async (req, reply) => {
      const pdf = await pairs.agreementPdf(req.ctx, req.params.id);
      reply.header('content-type', 'application/pdf');
      reply.header('content-disposition', attachment(`pair-${req.params.id}.pdf`, `师徒结对协议-${req.params.id}.pdf`));
      return reply.send(pdf);
    },
  );

  app.post(
    '/pairs/:id/activities',
    {
      config: { action: 'pair.activity.log' },
      schema: {
        tags: TAGS,
        summary: 'A member logs an activity (observation, guidance, co-teaching, other); the other side confirms it',
        params: IdParams,
        body: z
          .object({
            kind: z.enum(ACTIVITY_KINDS),
            occurredOn: zDay,
            minutes: z.number().int().min(1).max(1440),
            note: zParagraphs(2000),
          })
          .strict(),
        response: { 201: z.object({ activityId: z.number(), detail: DetailOut }) },
      },
    },
    async (req, reply) => {
      const r = await pairs.logActivity(req.ctx, req.params.id, req.body);
      return reply.status(201).send({ activityId: r.activityId, detail: presentDetail(r.detail) });
    },
  );

  app.post(
    '/pairs/activities/:id/files',
    {
      config: { action: 'pair.activity.file' },
      schema: {
        tags: TAGS,
        summary:
          'Uploads an evidence file of an activity waiting for confirmation (PDF, image, Word, Excel, ZIP, ' +
          'checked by content, at most 20 MB; multipart field "file")',
        params: IdParams,
        response: {
          201: z.object({
            file: z.object({ id: z.number(), fileName: z.string(), mimeType: z.string(), sizeBytes: z.number() }),
          }),
        },
      },
    },
    async (req, reply) => {
      const file = await readUploadedFile(req);
      return reply.status(201).send({ file: await pairs.uploadFile(req.ctx, req.params.id, file) });
    },
  );

  app.get(
    '/pairs/files/:id',
    {
      config: { action: 'pair.file' },
      schema: { tags: TAGS, summary: 'Downloads an evidence file of a pair activity', params: IdParams },
    },
    async (req, reply) => {
      const f = await pairs.file(req.ctx, req.params.id);
      reply.header('content-type', f.row.mimeType);
      reply.header('content-disposition', attachment(`pair-file-${f.row.id}`, f.row.fileName));
      return reply.send(fs.createReadStream(f.path));
    },
  );

  app.post(
    '/pairs/activities/:id/decision',
    {
      config: { action: 'pair.activity.decide' },
      schema: {
        tags: TAGS,
        summary:
          'The other side (or a school) confirms an activity, posting its hours under the county rule, ' +
          'or rejects it with a reason',
        params: IdParams,
        body: z.object({ decision: z.enum(['confirm', 'reject']), reason: zOptionalText(2000) }).strict(),
        response: { 200: DetailOut },
      },
    },
    async (req) => presentDetail(await pairs.decideActivity(req.ctx, req.params.id, req.body)),
  );

  app.post(
    '/pairs/:id/reviews/:stage',
    {
      config: { action: 'pair.review' },
      schema: {
        tags: TAGS,
        summary:
          'Scores the mid-term exchange or the year-end review (0–100 with a comment): the school, then the county',
        params: IdParams.extend({ stage: z.enum(REVIEW_STAGES) }),
        body: z.object({ score: z.number().int().min(0).max(100), comment: zOptionalText(2000) }).strict(),
        response: { 200: DetailOut },
      },
    },
    async (req) =>
      presentDetail(
        await pairs.score(req.ctx, req.params.id, req.params.stage, {
          score: req.body.score,
          comment: req.body.comment ?? null,
        }),
      ),
  );

  app.post(
    '/pairs/:id/award',
    {
      config: { action: 'pair.award' },
      schema: {
        tags: TAGS,
        summary: 'The county awards a good pair (an honour for each named member, verifiable by its code)',
        params: IdParams,
        body: z.object({ title: zOptionalText(200) }).strict(),
        response: { 200: DetailOut },
      },
    },
    async (req) => presentDetail(await pairs.award(req.ctx, req.params.id, req.body.title ?? null)),
  );

  app.post(
    '/pairs/:id/end',
    {
      config: { action: 'pair.end' },
      schema: {
        tags: TAGS,
        summary:
          'The county ends a pair with a reason; "agreement not fulfilled" flags the mentor\'s backbone titles ' +
          'for the certifying unit',
        params: IdParams,
        body: z.object({ endKind: z.enum(END_KINDS), reason: zParagraphs(2000) }).strict(),
        response: { 200: DetailOut.extend({ flaggedTitles: z.number() }) },
      },
    },
    async (req) => {
      const r = await pairs.end(req.ctx, req.params.id, req.body);
      return { ...presentDetail(r), flaggedTitles: r.flaggedTitles };
    },
  );

  app.get(
    '/pairs/rules/:id',
    {
      config: { action: 'pair.rule.read' },
      schema: {
        tags: TAGS,
        summary: "A county's hours rule for pair activities (null when it has none)",
        params: IdParams,
        response: { 200: z.object({ rule: RuleOut.nullable() }) },
      },
    },
    async (req) => {
      const r = await pairs.rule(req.ctx, req.params.id);
      return { rule: r ? presentRule(r) : null };
    },
  );

  app.put(
    '/pairs/rules/:id',
    {
      config: { action: 'pair.rule.save' },
      schema: {
        tags: TAGS,
        summary:
          "Sets the county's hours rule: tenths of an hour per activity kind, a cap per teacher and year, a category",
        params: IdParams,
        body: z
          .object({
            enabled: z.boolean(),
            tenths: z.object({ observation: Tenths, guidance: Tenths, coteaching: Tenths, other: Tenths }).strict(),
            capTenths: z.number().int().min(0).max(2000),
            category: z.union([zText(40), z.literal('').transform(() => null), z.null()]),
          })
          .strict(),
        response: { 200: z.object({ rule: RuleOut }) },
      },
    },
    async (req) => ({ rule: presentRule(await pairs.saveRule(req.ctx, req.params.id, req.body)) }),
  );
};
