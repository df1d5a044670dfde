import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { EXAM_LEVELS } from '../../domain/exam-score.js';
import { EMPLOYMENTS } from '../../domain/teacher.js';
import { LIST_FORMAT } from '../../domain/spot-check-draw.js';
import type { SpotCheckView } from '../../services/spot-check.service.js';
import { VERIFY_COMMAND } from '../../services/spot-check.service.js';
import type { Services } from '../../services/services.js';
import { iso } from '../presenters.js';
import { attachment, IdParams, Paging, XLSX, zBodyId, zStage, zText } from '../schemas.js';

const STATUSES = ['draft', 'committed', 'drawn', 'published'] as const;
const zHash = z.string().regex(/^[0-9a-f]{64}$/);

const CriteriaBody = z
  .object({
    stages: z.array(zStage).max(5).optional(),
    subjects: z.array(zText(40)).max(50).optional(),
    employments: z.array(z.enum(EMPLOYMENTS)).max(3).optional(),
  })
  .strict();

const SpotCheckRequest = z
  .object({
    title: zText(200),
    year: z.number().int().min(2000).max(2100),
    /** percent of each unit's eligible teachers, at most two decimals */
    ratePercent: z.number().gt(0).max(100),
    minPerUnit: z.number().int().min(0).max(1000).default(1),
    criteria: CriteriaBody.default({}),
  })
  .strict();

const CriteriaOut = z.object({
  stages: z.array(z.string()).optional(),
  subjects: z.array(z.string()).optional(),
  employments: z.array(z.string()).optional(),
});

const SpotCheckOut = z.object({
  id: z.number(),
  orgUnitId: z.number(),
  orgUnitName: z.string(),
  orgPath: z.string(),
  title: z.string(),
  year: z.number(),
  ratePercent: z.number(),
  minPerUnit: z.number(),
  criteria: CriteriaOut,
  status: z.enum(STATUSES),
  listSha256: zHash.nullable(),
  seedSha256: zHash.nullable(),
  /** revealed by the draw; null before */
  seed: zHash.nullable(),
  committedAt: z.string().nullable(),
  drawnAt: z.string().nullable(),
  resultsPublishedAt: z.string().nullable(),
  createdAt: z.string(),
  manage: z.boolean(),
  /** the command that recomputes the draw from the published list */
  verifyCommand: z.string(),
});

const present = (s: SpotCheckView): z.infer<typeof SpotCheckOut> => ({
  id: s.id,
  orgUnitId: s.orgUnitId,
  orgUnitName: s.orgUnitName,
  orgPath: s.orgPath,
  title: s.title,
  year: s.year,
  ratePercent: s.ratePercent,
  minPerUnit: s.minPerUnit,
  criteria: s.criteria,
  status: s.status,
  listSha256: s.listSha256,
  seedSha256: s.seedSha256,
  seed: s.seed,
  committedAt: iso(s.committedAt),
  drawnAt: iso(s.drawnAt),
  resultsPublishedAt: iso(s.resultsPublishedAt),
  createdAt: iso(s.createdAt) as string,
  manage: s.manage,
  verifyCommand: VERIFY_COMMAND(s.id, s.seed),
});

const UnitOut = z.object({
  unitId: z.number(),
  name: z.string(),
  eligible: z.number(),
  sampleSize: z.number(),
  drawn: z.array(z.object({ listKey: z.string(), name: z.string(), schoolName: z.string() })),
});

const ExamLinkOut = z.object({ id: z.number(), title: z.string(), status: z.string() }).nullable();

const PublishedListOut = z.object({
  format: z.literal(LIST_FORMAT),
  spotCheck: z.object({
    id: z.number(),
    title: z.string(),
    year: z.number(),
    organiserId: z.number(),
    organiser: z.string(),
  }),
  ratePercent: z.number(),
  rateBp: z.number(),
  minPerUnit: z.number(),
  criteria: CriteriaOut,
  committedAt: z.string().nullable(),
  listSha256: zHash,
  seedSha256: zHash,
  units: z.array(
    z.object({
      unitId: z.number(),
      name: z.string(),
      eligible: z.number(),
      sampleSize: z.number(),
      teachers: z.array(z.object({ key: z.string(), name: z.string() })),
    }),
  ),
  seed: zHash.optional(),
  drawnAt: z.string().optional(),
  sample: z.array(z.object({ unitId: z.number(), drawn: z.array(z.string()) })).optional(),
});

const ResultsOut = z.object({
  published: z.boolean(),
  exam: ExamLinkOut,
  people: z.array(
    z.object({
      rank: z.number().nullable(),
      listKey: z.string(),
      name: z.string(),
      unitId: z.number(),
      unitName: z.string(),
      schoolName: z.string(),
      examScore: z.number().nullable(),
      composite: z.number().nullable(),
      level: z.enum(EXAM_LEVELS).nullable(),
      passed: z.boolean(),
    }),
  ),
  units: z.array(
    z.object({
      rank: z.number().nullable(),
      unitId: z.number(),
      unitName: z.string(),
      drawn: z.number(),
      assessed: z.number(),
      absent: z.number(),
      meanComposite: z.number().nullable(),
      passed: z.number(),
      excellent: z.number(),
      passRate: z.number().nullable(),
      excellentRate: z.number().nullable(),
    }),
  ),
  overall: z.object({
    drawn: z.number(),
    assessed: z.number(),
    passRate: z.number().nullable(),
    excellentRate: z.number().nullable(),
  }),
});

const TAGS = ['spot-checks'];

/** The spot-check draw (抽测, R-34): draft, publish the list and the seed's hash, draw, publish results. */
export const spotCheckRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const sc = services.spotChecks;

  app.get(
    '/spot-checks',
    {
      config: { action: 'spotcheck.list' },
      schema: {
        tags: TAGS,
        summary: 'The spot-checks organised in the subtree, and those above it (not drafts), newest year first',
        querystring: z.object({ year: z.coerce.number().int().min(2000).max(2100).optional(), ...Paging }),
        response: { 200: z.object({ items: z.array(SpotCheckOut), total: z.number() }) },
      },
    },
    async (req) => {
      const r = await sc.list(req.ctx, req.query);
      return { items: r.items.map(present), total: r.total };
    },
  );

  app.post(
    '/spot-checks',
    {
      config: { action: 'spotcheck.create' },
      schema: {
        tags: TAGS,
        summary:
          'Drafts a spot-check at the actor’s bureau (province and city: or a bureau below): rate, minimum per unit, eligible stages, subjects and employment types',
        body: SpotCheckRequest.extend({ orgUnitId: zBodyId.optional() }),
        response: { 201: z.object({ spotCheck: SpotCheckOut }) },
      },
    },
    async (req, reply) => reply.status(201).send({ spotCheck: present(await sc.create(req.ctx, req.body)) }),
  );

  app.get(
    '/spot-checks/:id',
    {
      config: { action: 'spotcheck.read' },
      schema: {
        tags: TAGS,
        summary:
          'A spot-check with its units, sample sizes and (once drawn) the drawn teachers: names in full inside the reader’s subtree, masked elsewhere',
        params: IdParams,
        response: { 200: z.object({ spotCheck: SpotCheckOut, units: z.array(UnitOut), exam: ExamLinkOut }) },
      },
    },
    async (req) => {
      const r = await sc.get(req.ctx, req.params.id);
      return { spotCheck: present(r.spotCheck), units: r.units, exam: r.exam };
    },
  );

  app.put(
    '/spot-checks/:id',
    {
      config: { action: 'spotcheck.update' },
      schema: {
        tags: TAGS,
        summary: 'Changes a draft (SPOT_CHECK_STATE once its list is published)',
        params: IdParams,
        body: SpotCheckRequest,
        response: { 200: z.object({ spotCheck: SpotCheckOut }) },
      },
    },
    async (req) => ({ spotCheck: present(await sc.update(req.ctx, req.params.id, req.body)) }),
  );

  app.post(
    '/spot-checks/:id/commit',
    {
      config: { action: 'spotcheck.commit' },
      schema: {
        tags: TAGS,
        summary:
          '公示: freezes the list of eligible teachers per unit, sizes each sample, and publishes the list’s hash and the secret seed’s hash (irreversible)',
        params: IdParams,
        response: { 200: z.object({ spotCheck: SpotCheckOut }) },
      },
    },
    async (req) => ({ spotCheck: present(await sc.commit(req.ctx, req.params.id)) }),
  );

  app.post(
    '/spot-checks/:id/draw',
    {
      config: { action: 'spotcheck.draw' },
      schema: {
        tags: TAGS,
        summary:
          '抽取: reveals the seed, draws each unit’s sample, tells the drawn teachers and their schools (irreversible)',
        params: IdParams,
        response: { 200: z.object({ spotCheck: SpotCheckOut }) },
      },
    },
    async (req) => ({ spotCheck: present(await sc.draw(req.ctx, req.params.id)) }),
  );

  app.post(
    '/spot-checks/:id/publish-results',
    {
      config: { action: 'spotcheck.publish_results' },
      schema: {
        tags: TAGS,
        summary:
          '公布成绩: publishes the unified exam’s results per person and per unit (SPOT_CHECK_NO_RESULTS before any)',
        params: IdParams,
        response: { 200: z.object({ spotCheck: SpotCheckOut }) },
      },
    },
    async (req) => ({ spotCheck: present(await sc.publishResults(req.ctx, req.params.id)) }),
  );

  app.get(
    '/spot-checks/:id/list.json',
    {
      config: { action: 'spotcheck.export_list' },
      schema: {
        tags: TAGS,
        summary:
          'The published list as a file: units, teachers’ list keys and masked names (no ID numbers), the list and seed hashes; from the draw on the seed and the sample',
        params: IdParams,
        response: { 200: PublishedListOut },
      },
    },
    async (req, reply) => {
      const list = await sc.listFile(req.ctx, req.params.id);
      reply.header(
        'content-disposition',
        attachment(`spot-check-${list.spotCheck.id}-list.json`, `spot-check-${list.spotCheck.id}-list.json`),
      );
      return list;
    },
  );

  app.get(
    '/spot-checks/:id/list.xlsx',
    {
      config: { action: 'spotcheck.export_list' },
      schema: { tags: TAGS, summary: 'The published list as an .xlsx sheet', params: IdParams },
    },
    async (req, reply) => {
      const r = await sc.listXlsx(req.ctx, req.params.id);
      reply.header('content-type', XLSX);
      reply.header('content-disposition', attachment(`spot-check-${r.s.id}-list.xlsx`, `${r.s.title}-抽测名单.xlsx`));
      return reply.send(r.buffer);
    },
  );

  app.get(
    '/spot-checks/:id/results',
    {
      config: { action: 'spotcheck.results' },
      schema: {
        tags: TAGS,
        summary:
          'Results per person and per unit, best first, with pass and excellence rates (organisers from the draw on, the units drawn from once published)',
        params: IdParams,
        response: { 200: ResultsOut },
      },
    },
    async (req) => sc.results(req.ctx, req.params.id),
  );

  app.get(
    '/spot-checks/:id/results.xlsx',
    {
      config: { action: 'spotcheck.export_results' },
      schema: { tags: TAGS, summary: 'The results per unit and per person as an .xlsx sheet', params: IdParams },
    },
    async (req, reply) => {
      const r = await sc.resultsXlsx(req.ctx, req.params.id);
      reply.header('content-type', XLSX);
      reply.header(
        'content-disposition',
        attachment(`spot-check-${r.s.id}-results.xlsx`, `${r.s.title}-抽测成绩.xlsx`),
      );
      return reply.send(r.buffer);
    },
  );
};
