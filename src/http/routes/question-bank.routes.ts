import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { MAX_BLANKS, MAX_OPTIONS, OPTION_KEYS, QUESTION_KINDS } from '../../domain/question.js';
import { normaliseText } from '../../domain/text.js';
import type { QuestionVersionRow, QuestionView } from '../../services/question-bank.service.js';
import type { Services } from '../../services/services.js';
import { attachment, IdParams, Paging, XLSX, zBodyId, zBool, zId, zParagraphs, zStage, zText } from '../schemas.js';
import { readUploadedFile } from '../upload.js';

const zTag = zText(40, 0);
const Option = z.object({ key: z.enum(OPTION_KEYS as [string, ...string[]]), text: zText(1_000) }).strict();
/** single "B"; multiple ["A","C"]; true_false true|false; fill_in [["accepted", …], …]; essay a reference text or null */
const Answer = z.union([
  z.boolean(),
  z.string().max(5_000),
  z.array(z.string().max(200)).max(MAX_OPTIONS),
  z.array(z.array(zText(200)).min(1).max(20)).max(MAX_BLANKS),
  z.null(),
]);

const QuestionBody = z
  .object({
    kind: z.enum(QUESTION_KINDS),
    stem: zParagraphs(5_000),
    options: z.array(Option).max(MAX_OPTIONS).default([]),
    answer: Answer,
    explanation: zParagraphs(5_000, 0).default(''),
    module: zTag.default(''),
    subject: zTag.default(''),
    stage: z.union([zStage, z.literal('')]).default(''),
    difficulty: z.number().int().min(1).max(5).default(3),
    shuffleOptions: z.boolean().default(true),
  })
  .strict();
const CreateBody = QuestionBody.extend({ unitId: zBodyId.optional() }).strict();

const Content = {
  kind: z.enum(QUESTION_KINDS),
  stem: z.string(),
  options: z.array(z.object({ key: z.string(), text: z.string() })),
  answer: z.unknown(),
  explanation: z.string(),
  module: z.string(),
  subject: z.string(),
  stage: z.string(),
  difficulty: z.number(),
  shuffleOptions: z.boolean(),
};
const QuestionOut = z.object({
  id: z.number(),
  unitId: z.number(),
  unitName: z.string(),
  version: z.number(),
  frozen: z.boolean(),
  archived: z.boolean(),
  canManage: z.boolean(),
  inherited: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  ...Content,
});
const VersionOut = z.object({
  id: z.number(),
  version: z.number(),
  frozen: z.boolean(),
  createdByName: z.string().nullable(),
  createdAt: z.string(),
  ...Content,
});
const EditorOut = z.object({
  userId: z.number(),
  username: z.string(),
  displayName: z.string(),
  orgUnitName: z.string(),
});
const UnitOut = z.object({ id: z.number(), name: z.string(), kind: z.string() });

const ListQuery = z.object({
  unitId: zId.optional(),
  kind: z.enum(QUESTION_KINDS).optional(),
  module: z.string().max(40).transform(normaliseText).optional(),
  subject: z.string().max(40).transform(normaliseText).optional(),
  stage: zStage.optional(),
  difficulty: z.coerce.number().int().min(1).max(5).optional(),
  q: z.string().max(100).transform(normaliseText).optional(),
  includeInherited: zBool.optional(),
  status: z.enum(['active', 'archived', 'all']).default('active'),
});

const content = (q: QuestionView | QuestionVersionRow) => ({
  kind: q.kind,
  stem: q.stem,
  options: q.options,
  answer: q.answer,
  explanation: q.explanation,
  module: q.module,
  subject: q.subject,
  stage: q.stage,
  difficulty: q.difficulty,
  shuffleOptions: q.shuffleOptions,
});
const present = (q: QuestionView): z.infer<typeof QuestionOut> => ({
  id: q.id,
  unitId: q.orgUnitId,
  unitName: q.orgUnitName,
  version: q.version,
  frozen: q.frozen,
  archived: q.archived,
  canManage: q.canManage,
  inherited: q.inherited,
  createdAt: q.createdAt.toISOString(),
  updatedAt: q.updatedAt.toISOString(),
  ...content(q),
});
const presentVersion = (v: QuestionVersionRow): z.infer<typeof VersionOut> => ({
  id: v.id,
  version: v.version,
  frozen: v.frozen,
  createdByName: v.createdByName,
  createdAt: v.createdAt.toISOString(),
  ...content(v),
});
const clean = <T extends Record<string, unknown>>(q: T) =>
  Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined && v !== '')) as T;

/** Question banks: list, read with versions, write, archive, sheet template, import, export, and the trainers who keep a bank. */
export const questionBankRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const bank = services.questionBank;

  app.get(
    '/questions',
    {
      config: { action: 'question.list' },
      schema: {
        tags: ['questions'],
        summary: "The questions of a unit's bank (default: the caller's), with the banks above it when asked",
        querystring: ListQuery.extend(Paging),
        response: {
          200: z.object({ items: z.array(QuestionOut), total: z.number(), canCreate: z.boolean(), unit: UnitOut }),
        },
      },
    },
    async (req) => {
      const { page, pageSize, ...q } = req.query;
      const r = await bank.list(req.ctx, clean(q), { limit: pageSize, offset: (page - 1) * pageSize });
      return {
        items: r.items.map(present),
        total: r.total,
        canCreate: r.canCreate,
        unit: { id: r.unit.id, name: r.unit.name, kind: r.unit.kind },
      };
    },
  );

  app.get(
    '/questions/tags',
    {
      config: { action: 'question.tags' },
      schema: {
        tags: ['questions'],
        summary: 'The modules, subjects and stages used in a bank and the banks above it (filters, paper builder)',
        querystring: z.object({ unitId: zId.optional() }),
        response: {
          200: z.object({ modules: z.array(z.string()), subjects: z.array(z.string()), stages: z.array(z.string()) }),
        },
      },
    },
    async (req) => bank.tags(req.ctx, req.query.unitId),
  );

  app.post(
    '/questions',
    {
      config: { action: 'question.create' },
      schema: {
        tags: ['questions'],
        summary: "A new question of a unit's bank (its administrators and the trainers named to keep it)",
        body: CreateBody,
        response: { 201: z.object({ question: QuestionOut }) },
      },
    },
    async (req, reply) => reply.status(201).send({ question: present(await bank.create(req.ctx, req.body)) }),
  );

  app.get(
    '/questions/template.xlsx',
    {
      config: { action: 'question.import_template' },
      schema: {
        tags: ['questions'],
        summary: 'The .xlsx sheet for importing questions, with examples and a sheet 说明 explaining the columns',
        querystring: z.object({ unitId: zId.optional() }),
      },
    },
    async (req, reply) => {
      const r = await bank.template(req.ctx, req.query.unitId);
      reply.header('content-type', XLSX);
      reply.header('content-disposition', attachment('question-template.xlsx', '题库导入模板.xlsx'));
      return reply.send(r.data);
    },
  );

  app.post(
    '/questions/import',
    {
      config: { action: 'question.import' },
      schema: {
        tags: ['questions'],
        summary:
          'Imports the rows of an .xlsx or .csv sheet (multipart field "file") into a bank: all rows or none, every bad row reported; a row equal to a question of the bank is left alone',
        querystring: z.object({ unitId: zId.optional() }),
        response: {
          200: z.object({ rows: z.number(), created: z.number(), updated: z.number(), unchanged: z.number() }),
        },
      },
    },
    async (req) => bank.import(req.ctx, req.query.unitId, await readUploadedFile(req)),
  );

  app.get(
    '/questions/export.xlsx',
    {
      config: { action: 'question.export' },
      schema: {
        tags: ['questions'],
        summary: "The listed questions as an .xlsx with the template's columns, which imports back unchanged",
        querystring: ListQuery,
      },
    },
    async (req, reply) => {
      const r = await bank.export(req.ctx, clean(req.query));
      reply.header('content-type', XLSX);
      reply.header('content-disposition', attachment('questions.xlsx', `${r.unitName}题库.xlsx`));
      return reply.send(r.data);
    },
  );

  app.get(
    '/questions/:id',
    {
      config: { action: 'question.read' },
      schema: {
        tags: ['questions'],
        summary: 'A question: its current version and every version it has had, newest first',
        params: IdParams,
        response: { 200: z.object({ question: QuestionOut, versions: z.array(VersionOut) }) },
      },
    },
    async (req) => {
      const r = await bank.get(req.ctx, req.params.id);
      return { question: present(r.question), versions: r.versions.map(presentVersion) };
    },
  );

  app.put(
    '/questions/:id',
    {
      config: { action: 'question.update' },
      schema: {
        tags: ['questions'],
        summary:
          'Replaces what a question says: a version an exam or attempt used stays and the change becomes the next version',
        params: IdParams,
        body: QuestionBody,
        response: { 200: z.object({ question: QuestionOut, newVersion: z.boolean() }) },
      },
    },
    async (req) => {
      const r = await bank.update(req.ctx, req.params.id, req.body);
      return { question: present(r.question), newVersion: r.newVersion };
    },
  );

  app.post(
    '/questions/:id/archive',
    {
      config: { action: 'question.archive' },
      schema: {
        tags: ['questions'],
        summary: 'Archives a question: it leaves the lists and new papers (past attempts keep it)',
        params: IdParams,
        response: { 200: z.object({ question: QuestionOut }) },
      },
    },
    async (req) => ({ question: present(await bank.setArchived(req.ctx, req.params.id, true)) }),
  );

  app.post(
    '/questions/:id/restore',
    {
      config: { action: 'question.restore' },
      schema: {
        tags: ['questions'],
        summary: 'Brings an archived question back',
        params: IdParams,
        response: { 200: z.object({ question: QuestionOut }) },
      },
    },
    async (req) => ({ question: present(await bank.setArchived(req.ctx, req.params.id, false)) }),
  );

  app.get(
    '/question-bank/:unitId/editors',
    {
      config: { action: 'question.editors' },
      schema: {
        tags: ['questions'],
        summary:
          "The trainers named to keep a unit's bank, and for its administrators the trainer accounts that may be named",
        params: z.object({ unitId: zId }),
        response: {
          200: z.object({
            unit: UnitOut,
            editors: z.array(EditorOut),
            canManage: z.boolean(),
            candidates: z.array(EditorOut),
          }),
        },
      },
    },
    async (req) => {
      const r = await bank.editors(req.ctx, req.params.unitId);
      return {
        unit: { id: r.unit.id, name: r.unit.name, kind: r.unit.kind },
        editors: r.editors,
        canManage: r.canManage,
        candidates: r.candidates,
      };
    },
  );

  app.put(
    '/question-bank/:unitId/editors',
    {
      config: { action: 'question.set_editors' },
      schema: {
        tags: ['questions'],
        summary: "Names exactly these trainers (accounts of the unit's subtree) to keep its bank",
        params: z.object({ unitId: zId }),
        body: z.object({ userIds: z.array(zBodyId).max(200) }).strict(),
        response: { 200: z.object({ editors: z.array(EditorOut) }) },
      },
    },
    async (req) => ({ editors: await bank.setEditors(req.ctx, req.params.unitId, req.body.userIds) }),
  );
};
