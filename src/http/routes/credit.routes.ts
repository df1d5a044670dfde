import fs from 'node:fs';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { capName, explainLine, minimumName, PROGRESS_STATUSES } from '../../domain/credit-progress.js';
import { SOURCE_TYPES, TEACHER_FLAGS, type CycleRules } from '../../domain/cycle-rules.js';
import { GENDERS } from '../../domain/teacher.js';
import { pickLocale } from '../../i18n/messages.js';
import type { CycleRow, EntryRow } from '../../repositories/credit-ledger.repository.js';
import type { ReviewRow } from '../../repositories/credit-review.repository.js';
import type { JobRow } from '../../repositories/job.repository.js';
import type { Services } from '../../services/services.js';
import { REGISTER_MATCHING_MAX } from '../../services/credit-ledger.service.js';
import {
  attachment,
  IdParams,
  Paging,
  XLSX,
  zBodyId,
  zDayShape,
  zId,
  zOptionalText,
  zStage,
  zText,
} from '../schemas.js';
import { iso } from '../presenters.js';
import { readUploadedFile } from '../upload.js';
import { TeacherListQuery } from './teacher.routes.js';

/** Hours travel as integers in tenths of an hour (2400 = 240 学时). */
const zTenths = z.number().int().min(1).max(100_000);
const zCode = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, { message: 'invalid' });

const Condition = z
  .object({
    gender: z.enum(GENDERS).optional(),
    ageUnder: z.number().int().min(18).max(80).optional(),
    ageAtLeast: z.number().int().min(18).max(80).optional(),
    stages: z.array(zStage).min(1).max(5).optional(),
    subjects: z.array(zText(30)).min(1).max(50).optional(),
    flags: z.array(z.enum(TEACHER_FLAGS)).min(1).max(5).optional(),
  })
  .strict();

export const CycleRulesSchema = z
  .object({
    totalHours: zTenths,
    hoursPerCredit: zTenths,
    yearlyMinimum: zTenths.nullable(),
    maxEntryHours: zTenths,
    categories: z.array(z.object({ code: zCode, name: zText(30), nameEn: zText(60).optional() }).strict()).max(40),
    minima: z
      .array(
        z
          .object({
            id: zCode,
            name: zText(60),
            category: zCode,
            hours: zTenths,
            appliesTo: z.array(Condition).max(10).nullable(),
            evaluatedOn: zDayShape,
          })
          .strict(),
      )
      .max(40),
    caps: z
      .array(
        z
          .object({
            id: zCode,
            name: zText(60),
            category: zCode.optional(),
            source: z.enum(SOURCE_TYPES).optional(),
            hours: zTenths,
          })
          .strict(),
      )
      .max(40),
    scope: z.object({ minServiceYears: z.number().int().min(0).max(10) }).strict(),
  })
  .strict() satisfies z.ZodType<CycleRules, unknown>;

const CycleOut = z.object({
  id: z.number(),
  name: z.string(),
  startYear: z.number(),
  endYear: z.number(),
  currentVersion: z.number(),
  current: z.boolean(),
  rules: CycleRulesSchema,
  createdAt: z.string(),
});
export const JobOut = z.object({
  id: z.number(),
  kind: z.string(),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  progress: z.number(),
  total: z.number(),
  result: z.unknown(),
  errorCode: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
const EntryOut = z.object({
  id: z.number(),
  teacherId: z.number(),
  teacherName: z.string().optional(),
  cycleId: z.number(),
  orgUnitName: z.string(),
  year: z.number(),
  hours: z.number(),
  categories: z.array(z.string()),
  sourceType: z.enum(SOURCE_TYPES),
  sourceRef: z.string().nullable(),
  title: z.string(),
  occurredOn: z.string(),
  evidenceId: z.number().nullable(),
  evidenceRef: z.string().nullable(),
  evidenceName: z.string().nullable(),
  reversesId: z.number().nullable(),
  reason: z.string().nullable(),
  afterLock: z.boolean(),
  createdAt: z.string(),
  createdByName: z.string().nullable(),
});
const ReviewOut = z.object({
  id: z.number(),
  teacherId: z.number(),
  teacherName: z.string(),
  orgUnitName: z.string(),
  cycleId: z.number(),
  topic: z.string(),
  message: z.string(),
  status: z.enum(['open', 'answered']),
  answer: z.string().nullable(),
  answeredByName: z.string().nullable(),
  answeredAt: z.string().nullable(),
  createdAt: z.string(),
});
const Line = z.object({
  key: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
  entryIds: z.array(z.number()).optional(),
  text: z.string(),
});

export const presentCycle = (c: CycleRow & { rules: CycleRules; current: boolean }): z.infer<typeof CycleOut> => ({
  id: c.id,
  name: c.name,
  startYear: c.startYear,
  endYear: c.endYear,
  currentVersion: c.currentVersion,
  current: c.current,
  rules: c.rules,
  createdAt: c.createdAt.toISOString(),
});
export const presentJob = (j: JobRow): z.infer<typeof JobOut> => ({
  id: j.id,
  kind: j.kind,
  status: j.status,
  progress: j.progress,
  total: j.total,
  result: j.result,
  errorCode: j.errorCode,
  createdAt: j.createdAt.toISOString(),
  startedAt: iso(j.startedAt),
  finishedAt: iso(j.finishedAt),
});
const presentEntry = (e: EntryRow & { teacherName?: string }): z.infer<typeof EntryOut> =>
  presentEntryWith(e, undefined);
/**
 * An entry with the fields of a progress page beside it (`extra`), built as one object: a progress page
 * has dozens of entries and is the most asked-for answer, and spreading one object into another is
 * the slow way to make them.
 */
function presentEntryWith<X extends object | undefined>(
  e: EntryRow & { teacherName?: string },
  extra: X,
): z.infer<typeof EntryOut> & X {
  const out = {
    id: e.id,
    teacherId: e.teacherId,
    teacherName: e.teacherName,
    cycleId: e.cycleId,
    orgUnitName: e.orgUnitName,
    year: e.year,
    hours: e.hours,
    categories: e.categories,
    sourceType: e.sourceType,
    sourceRef: e.sourceRef,
    title: e.title,
    occurredOn: e.occurredOn,
    evidenceId: e.evidenceId,
    evidenceRef: e.evidenceRef,
    evidenceName: e.evidenceName,
    reversesId: e.reversesId,
    reason: e.reason,
    afterLock: e.afterLock,
    createdAt: e.createdAt.toISOString(),
    createdByName: e.createdByName,
  } as z.infer<typeof EntryOut> & X;
  if (extra) Object.assign(out, extra);
  return out;
}
const presentReview = (r: ReviewRow): z.infer<typeof ReviewOut> => ({
  ...r,
  answeredAt: iso(r.answeredAt),
  createdAt: r.createdAt.toISOString(),
});

/** A progress page: the engine's outcome with every explanation in the reader's language. */
function presentProgress(r: Awaited<ReturnType<Services['credits']['progress']>>, locale: 'zh-CN' | 'en') {
  const p = r.progress;
  const outcome = new Map(p.entries.map((e) => [e.id, e]));
  const verdicts = new Map(r.verifications.map((v) => [v.year, v]));
  return {
    teacher: {
      id: r.teacher.id,
      name: r.teacher.name,
      orgUnitName: r.teacher.orgUnitName,
      idNumberMasked: r.teacher.idNumberMasked,
    },
    cycle: presentCycle({
      ...r.cycle,
      rules: r.rules,
      current: r.cycle.startYear <= p.asOfYear && p.asOfYear <= r.cycle.endYear,
    }),
    status: p.status,
    inScope: p.inScope,
    required: p.required,
    raw: p.raw,
    counted: p.counted,
    credits: p.credits,
    expectedByNow: p.expectedByNow,
    asOfYear: p.asOfYear,
    thisYear: p.thisYear && { ...p.thisYear, daysLeft: r.daysLeft },
    years: p.years.map((y) => {
      const v = verdicts.get(y.year);
      return {
        ...y,
        verification: v?.result ?? null,
        verificationStatus: v?.status ?? null,
        exceptionReason: v?.exceptionReason ?? null,
      };
    }),
    minima: p.minima.map((m) => ({
      id: m.id,
      name: minimumName(r.rules, { name: m.name, category: m.category, hours: m.required }, locale),
      category: m.category,
      required: m.required,
      counted: m.counted,
      applies: m.applies,
      met: m.met,
      why: explainLine(m.why, locale),
    })),
    caps: p.caps.map((c) => {
      const rule = r.rules.caps.find((x) => x.id === c.id);
      return { ...c, name: rule ? capName(r.rules, rule, locale) : c.name };
    }),
    entries: r.entries.map((e) => {
      const o = outcome.get(e.id);
      return presentEntryWith(e, {
        counted: o?.counted ?? 0,
        cappedBy: o?.cappedBy ?? null,
        cancelled: o?.cancelled ?? null,
      });
    }),
    explanation: p.lines.map((l) => ({
      key: l.key,
      params: l.params,
      entryIds: l.entryIds,
      text: explainLine(l, locale),
    })),
    reviews: r.reviews.map(presentReview),
  };
}

const Registration = z
  .object({
    teacherId: zBodyId,
    hours: zTenths,
    occurredOn: zDayShape,
    title: zText(200),
    categories: z.array(zCode).max(10).default([]),
    sourceType: z.enum(SOURCE_TYPES).default('school_activity'),
    sourceRef: zOptionalText(100),
    evidenceId: zBodyId.nullable().optional(),
    evidenceRef: zOptionalText(200),
    idemKey: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[\x21-\x7e]+$/, { message: 'invalid' })
      .nullable()
      .optional(),
  })
  .strict();

export const creditRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const cycles = services.cycles;
  const credits = services.credits;

  // ------------------------------------------------------------------ cycles and rules (R-10 … R-14)

  app.get(
    '/cycles',
    {
      config: { action: 'credit.list_cycles' },
      schema: {
        tags: ['credits'],
        summary: 'The continuing-education cycles of the province, with their rules in force',
        response: { 200: z.object({ items: z.array(CycleOut) }) },
      },
    },
    async (req) => ({ items: (await cycles.list(req.ctx)).map(presentCycle) }),
  );

  app.get(
    '/cycles/defaults',
    {
      config: { action: 'credit.list_cycles' },
      schema: {
        tags: ['credits'],
        summary: 'The rules of the source documents, as the starting point of a new cycle',
        querystring: z.object({
          startYear: z.coerce.number().int().min(2000).max(2100),
          endYear: z.coerce.number().int().min(2000).max(2100),
        }),
        response: { 200: z.object({ rules: CycleRulesSchema }) },
      },
    },
    async (req) => ({ rules: cycles.defaults(req.query.startYear, req.query.endYear) }),
  );

  app.post(
    '/cycles',
    {
      config: { action: 'credit.create_cycle' },
      schema: {
        tags: ['credits'],
        summary:
          "A new cycle with its rules (province administrators); every teacher's status is computed in the background",
        body: z
          .object({
            name: zText(60),
            startYear: z.number().int().min(2000).max(2100),
            endYear: z.number().int().min(2000).max(2100),
            rules: CycleRulesSchema.optional(),
            note: zOptionalText(500),
          })
          .strict(),
        response: { 201: z.object({ cycle: CycleOut }) },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send({ cycle: presentCycle(await cycles.create(req.ctx, { ...req.body, note: req.body.note ?? null })) }),
  );

  app.get(
    '/cycles/:id',
    {
      config: { action: 'credit.read_cycle' },
      schema: {
        tags: ['credits'],
        summary: 'A cycle, its rules and their versions',
        params: IdParams,
        response: {
          200: z.object({
            cycle: CycleOut,
            versions: z.array(
              z.object({
                version: z.number(),
                note: z.string().nullable(),
                createdAt: z.string(),
                createdByName: z.string().nullable(),
              }),
            ),
            canManage: z.boolean(),
          }),
        },
      },
    },
    async (req) => {
      const c = await cycles.get(req.ctx, req.params.id);
      return {
        cycle: presentCycle(c),
        versions: c.versions.map((v) => ({ ...v, createdAt: v.createdAt.toISOString() })),
        canManage: c.canManage,
      };
    },
  );

  app.post(
    '/cycles/:id/rules/preview',
    {
      config: { action: 'credit.preview_rules' },
      schema: {
        tags: ['credits'],
        summary: 'Dry run of new rules: a job lists whose status would change (nothing is saved)',
        params: IdParams,
        body: z.object({ rules: CycleRulesSchema }).strict(),
        response: { 202: z.object({ job: JobOut }) },
      },
    },
    async (req, reply) =>
      reply.status(202).send({ job: presentJob(await cycles.preview(req.ctx, req.params.id, req.body.rules)) }),
  );

  app.put(
    '/cycles/:id/rules',
    {
      config: { action: 'credit.save_rules' },
      schema: {
        tags: ['credits'],
        summary: 'Saves the rules as a new version; statuses are recomputed by a background job',
        params: IdParams,
        body: z.object({ rules: CycleRulesSchema, note: zOptionalText(500) }).strict(),
        response: { 200: z.object({ cycle: CycleOut, refreshJobId: z.number() }) },
      },
    },
    async (req) => {
      const c = await cycles.save(req.ctx, req.params.id, req.body.rules, req.body.note ?? null);
      return { cycle: presentCycle(c), refreshJobId: c.refreshJobId };
    },
  );

  // ------------------------------------------------------------------ the ledger

  app.post(
    '/credits/entries',
    {
      config: { action: 'credit.register' },
      // 10,000 registrations of ~150 bytes each
      bodyLimit: 4 * 1_048_576,
      schema: {
        tags: ['credits'],
        summary: 'Registers hours for one teacher or many (all rows or none); the same idemKey twice is one entry',
        body: z.object({ entries: z.array(Registration).min(1).max(10_000) }).strict(),
        response: {
          200: z.object({
            created: z.number(),
            replayed: z.number(),
            entries: z.array(z.object({ index: z.number(), id: z.number(), replayed: z.boolean() })),
          }),
        },
      },
    },
    async (req) => credits.register(req.ctx, req.body.entries),
  );

  app.post(
    '/credits/entries/matching',
    {
      config: { action: 'credit.register_bulk' },
      schema: {
        tags: ['credits'],
        summary:
          'Registers the same hours for every teacher matching the registry filters, less those left out (all or none)',
        body: z
          .object({
            matching: TeacherListQuery.describe('the filters of the teacher list ("all N matching")'),
            except: z.array(zBodyId).max(REGISTER_MATCHING_MAX).optional(),
            entry: Registration.omit({ teacherId: true, idemKey: true }),
            idemKey: Registration.shape.idemKey.describe("each teacher's entry is keyed idemKey:teacherId"),
          })
          .strict(),
        response: {
          200: z.object({
            teachers: z.number(),
            created: z.number(),
            replayed: z.number(),
            entries: z.array(z.object({ index: z.number(), id: z.number(), replayed: z.boolean() })),
          }),
        },
      },
    },
    async (req) => {
      const { matching, except, entry, idemKey } = req.body;
      return credits.registerMatching(req.ctx, { matching, except }, entry, idemKey ?? null);
    },
  );

  app.get(
    '/credits/entries/template',
    {
      config: { action: 'credit.import_template' },
      schema: {
        tags: ['credits'],
        summary: "The .xlsx sheet for registering hours in bulk, with the current cycle's categories",
        querystring: z.object({ orgUnitId: zId }),
      },
    },
    async (req, reply) => {
      const buf = await services.creditImports.template(req.ctx, req.query.orgUnitId);
      reply.header('content-type', XLSX);
      reply.header('content-disposition', attachment('credit-registration-template.xlsx', '学时登记模板.xlsx'));
      return reply.send(buf);
    },
  );

  app.post(
    '/credits/entries/import',
    {
      config: { action: 'credit.import_entries' },
      schema: {
        tags: ['credits'],
        summary:
          'Registers the rows of an .xlsx or .csv sheet (multipart field "file"): all rows or none; the same file twice registers nothing twice',
        querystring: z.object({ orgUnitId: zId }),
        response: { 200: z.object({ rows: z.number(), created: z.number(), replayed: z.number() }) },
      },
    },
    async (req) => {
      const r = await services.creditImports.import(req.ctx, req.query.orgUnitId, await readUploadedFile(req));
      return { rows: r.rows, created: r.created, replayed: r.replayed };
    },
  );

  app.get(
    '/credits/entries',
    {
      config: { action: 'credit.list_entries' },
      schema: {
        tags: ['credits'],
        summary: 'Entries registered under a unit, newest first',
        querystring: z.object({ orgUnitId: zId, cycleId: zId, teacherId: zId.optional(), ...Paging }),
        response: { 200: z.object({ items: z.array(EntryOut) }) },
      },
    },
    async (req) => {
      const q = req.query;
      return {
        items: (
          await credits.entriesUnder(
            req.ctx,
            q.orgUnitId,
            q.cycleId,
            { limit: q.pageSize, offset: (q.page - 1) * q.pageSize },
            q.teacherId,
          )
        ).map(presentEntry),
      };
    },
  );

  app.post(
    '/credits/entries/:id/reverse',
    {
      config: { action: 'credit.reverse' },
      schema: {
        tags: ['credits'],
        summary:
          'Reverses an entry with a reason; in a signed-off year this becomes a request for the county to approve',
        params: IdParams,
        body: z.object({ reason: zText(500) }).strict(),
        response: { 200: z.object({ reversalId: z.number().nullable(), requestId: z.number().nullable() }) },
      },
    },
    async (req) => credits.reverse(req.ctx, req.params.id, req.body.reason),
  );

  app.get(
    '/credits/progress',
    {
      config: { action: 'credit.read_progress' },
      // the busiest read of the product: the answer is built from typed values right here, so it is
      // written with JSON.stringify instead of being checked against the schema again (measured with
      // bench:ledger); the schema still documents it
      serializerCompiler: () => (data) => JSON.stringify(data),
      schema: {
        tags: ['credits'],
        summary:
          "A teacher's progress in a cycle, explained line by line (teachers: their own; admins: a teacher of their area)",
        querystring: z.object({ teacherId: zId.optional(), cycleId: zId.optional() }),
        response: {
          200: z.object({
            teacher: z.object({
              id: z.number(),
              name: z.string(),
              orgUnitName: z.string(),
              idNumberMasked: z.string(),
            }),
            cycle: CycleOut,
            status: z.enum(PROGRESS_STATUSES as [string, ...string[]]),
            inScope: z.boolean(),
            required: z.number(),
            raw: z.number(),
            counted: z.number(),
            credits: z.string(),
            expectedByNow: z.number(),
            asOfYear: z.number(),
            /** the current year when it lies in the cycle: its hours against the yearly minimum, days left (today included) */
            thisYear: z
              .object({
                year: z.number(),
                counted: z.number(),
                minimum: z.number().nullable(),
                below: z.boolean(),
                daysLeft: z.number(),
              })
              .nullable(),
            years: z.array(
              z.object({
                year: z.number(),
                counted: z.number(),
                minimum: z.number().nullable(),
                met: z.boolean().nullable(),
                verification: z.enum(['verified', 'not_verified', 'exempt', 'not_in_scope']).nullable(),
                verificationStatus: z.enum(['open', 'submitted', 'signed_off', 'returned']).nullable(),
                exceptionReason: z.string().nullable(),
              }),
            ),
            minima: z.array(
              z.object({
                id: z.string(),
                name: z.string(),
                category: z.string(),
                required: z.number(),
                counted: z.number(),
                applies: z.boolean(),
                met: z.boolean(),
                why: z.string(),
              }),
            ),
            caps: z.array(
              z.object({
                id: z.string(),
                name: z.string(),
                limit: z.number(),
                matched: z.number(),
                counted: z.number(),
              }),
            ),
            entries: z.array(
              EntryOut.extend({
                counted: z.number(),
                cappedBy: z.string().nullable(),
                cancelled: z.enum(['reversed', 'reversal']).nullable(),
              }),
            ),
            explanation: z.array(Line),
            reviews: z.array(ReviewOut),
          }),
        },
      },
    },
    async (req) => {
      const locale = pickLocale(req.headers['accept-language']);
      return presentProgress(await credits.progress(req.ctx, req.query), locale);
    },
  );

  // ------------------------------------------------------------------ evidence

  app.post(
    '/credits/evidence',
    {
      config: { action: 'credit.upload_evidence' },
      schema: {
        tags: ['credits'],
        summary:
          'Uploads an evidence file (PDF, image, Word, Excel, ZIP; multipart field "file") for registrations of a unit',
        querystring: z.object({ orgUnitId: zId }),
        response: {
          201: z.object({ id: z.number(), fileName: z.string(), sizeBytes: z.number(), mimeType: z.string() }),
        },
      },
    },
    async (req, reply) => {
      const file = await readUploadedFile(req);
      const ev = await credits.uploadEvidence(req.ctx, req.query.orgUnitId, file);
      return reply
        .status(201)
        .send({ id: ev.id, fileName: ev.fileName, sizeBytes: Number(ev.sizeBytes), mimeType: ev.mimeType });
    },
  );

  app.get(
    '/credits/evidence/:id',
    {
      config: { action: 'credit.read_evidence' },
      schema: { tags: ['credits'], summary: 'Downloads an evidence file', params: IdParams },
    },
    async (req, reply) => {
      const f = await credits.evidenceFile(req.ctx, req.params.id);
      reply.header('content-type', f.row.mimeType);
      reply.header('content-disposition', attachment(`evidence-${f.row.id}`, f.row.fileName));
      return reply.send(fs.createReadStream(f.path));
    },
  );

  // ------------------------------------------------------------------ review requests (PIPL Art. 24)

  app.post(
    '/credits/reviews',
    {
      config: { action: 'credit.request_review' },
      schema: {
        tags: ['credits'],
        summary: 'A teacher asks their school to review a number of their progress',
        body: z.object({ cycleId: zBodyId.optional(), topic: zText(100), message: zText(1000) }).strict(),
        response: { 201: z.object({ review: ReviewOut }) },
      },
    },
    async (req, reply) =>
      reply.status(201).send({ review: presentReview(await credits.requestReview(req.ctx, req.body)) }),
  );

  app.get(
    '/credits/reviews',
    {
      config: { action: 'credit.list_reviews' },
      schema: {
        tags: ['credits'],
        summary: 'Review requests of the teachers of a unit',
        querystring: z.object({
          orgUnitId: zId.optional(),
          status: z.enum(['open', 'answered']).optional(),
          ...Paging,
        }),
        response: { 200: z.object({ items: z.array(ReviewOut) }) },
      },
    },
    async (req) => {
      const q = req.query;
      return {
        items: (
          await credits.listReviews(req.ctx, {
            orgUnitId: q.orgUnitId,
            status: q.status,
            limit: q.pageSize,
            offset: (q.page - 1) * q.pageSize,
          })
        ).map(presentReview),
      };
    },
  );

  app.post(
    '/credits/reviews/:id/answer',
    {
      config: { action: 'credit.answer_review' },
      schema: {
        tags: ['credits'],
        summary: 'The school answers a review request',
        params: IdParams,
        body: z.object({ answer: zText(1000) }).strict(),
        response: { 200: z.object({ review: ReviewOut }) },
      },
    },
    async (req) => ({ review: presentReview(await credits.answerReview(req.ctx, req.params.id, req.body.answer)) }),
  );

  // ------------------------------------------------------------------ jobs

  app.get(
    '/jobs/:id',
    {
      config: { action: 'job.read' },
      schema: {
        tags: ['jobs'],
        summary: 'A background job: status and progress',
        params: IdParams,
        response: { 200: z.object({ job: JobOut }) },
      },
    },
    async (req) => ({ job: presentJob(await services.jobs.get(req.ctx, req.params.id)) }),
  );
};
