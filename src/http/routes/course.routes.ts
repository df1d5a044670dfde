import fs from 'node:fs';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { hasForbiddenChars, normaliseText } from '../../domain/text.js';
import { COURSE_CATEGORIES, COURSE_FORMS, type CourseView } from '../../services/course.service.js';
import type { Services } from '../../services/services.js';
import { attachment, IdParams, Paging, XLSX, zBodyId, zId, zStage, zText } from '../schemas.js';
import { readUploadedFile } from '../upload.js';

/** Hours travel as integers in tenths of an hour (25 = 2.5 学时). */
const zTenths = z.number().int().min(1).max(100_000);
const zCode = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, { message: 'invalid' });
const zUrl = z
  .string()
  .max(2_000, { message: 'too_long' })
  .transform(normaliseText)
  .pipe(
    z
      .string()
      .max(500, { message: 'too_long' })
      .regex(/^https?:\/\/\S+$/i, { message: 'invalid' }),
  );
/** A description keeps its line breaks; other control characters are refused. */
const zDescription = z.union([
  z
    .string()
    .max(8_000, { message: 'too_long' })
    .transform((s) => s.replace(/\r\n?/g, '\n'))
    .refine((s) => !hasForbiddenChars(s.replace(/\n/g, '')), { message: 'bad_chars' })
    .transform(normaliseText)
    .pipe(z.string().max(2_000, { message: 'too_long' }))
    .transform((s) => s || null),
  z.null(),
]);

const Material = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('link'), title: zText(200), url: zUrl }).strict(),
  z.object({ kind: z.literal('file'), title: zText(200), evidenceId: zBodyId }).strict(),
]);

const CourseFieldsBody = z.object({
  title: zText(200),
  category: z.enum(COURSE_CATEGORIES),
  module: zText(40),
  form: z.enum(COURSE_FORMS),
  hours: zTenths,
  creditCategories: z.array(zCode).max(20),
  stages: z.array(zStage).max(5),
  subjects: z.array(zText(30)).max(50),
  description: zDescription,
  materials: z.array(Material).max(20),
});
const CreateCourseBody = CourseFieldsBody.partial({
  creditCategories: true,
  stages: true,
  subjects: true,
  description: true,
  materials: true,
})
  .extend({ orgUnitId: zBodyId.optional() })
  .strict();
const UpdateCourseBody = CourseFieldsBody.partial().strict();

const CourseOut = z.object({
  id: z.number(),
  orgUnitId: z.number(),
  orgUnitName: z.string(),
  title: z.string(),
  category: z.enum(COURSE_CATEGORIES),
  module: z.string(),
  form: z.enum(COURSE_FORMS),
  hours: z.number(),
  creditCategories: z.array(z.string()),
  stages: z.array(z.string()),
  subjects: z.array(z.string()),
  description: z.string().nullable(),
  materials: z.array(
    z.union([
      z.object({ kind: z.literal('link'), title: z.string(), url: z.string() }),
      z.object({ kind: z.literal('file'), title: z.string(), evidenceId: z.number() }),
    ]),
  ),
  archived: z.boolean(),
  canManage: z.boolean(),
  inherited: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const CourseQuery = z.object({
  orgUnitId: zId.optional(),
  q: z.string().max(100).transform(normaliseText).optional(),
  category: z.enum(COURSE_CATEGORIES).optional(),
  form: z.enum(COURSE_FORMS).optional(),
  module: z.string().max(40).transform(normaliseText).optional(),
  stage: zStage.optional(),
  creditCategory: zCode.optional(),
  origin: z.enum(['above', 'own', 'below']).optional(),
  status: z.enum(['active', 'archived', 'all']).default('active'),
});

const present = (c: CourseView): z.infer<typeof CourseOut> => ({
  id: c.id,
  orgUnitId: c.orgUnitId,
  orgUnitName: c.orgUnitName,
  title: c.title,
  category: c.category,
  module: c.module,
  form: c.form,
  hours: c.hours,
  creditCategories: c.creditCategories,
  stages: c.stages,
  subjects: c.subjects,
  description: c.description,
  materials: c.materials,
  archived: c.archived,
  canManage: c.canManage,
  inherited: c.inherited,
  createdAt: c.createdAt.toISOString(),
  updatedAt: c.updatedAt.toISOString(),
});
const clean = <T extends Record<string, unknown>>(q: T) =>
  Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined && v !== '')) as T;

/** The course catalogue: list, read, create, edit, archive, sheet template, import and export. */
export const courseRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const courses = services.courses;

  app.get(
    '/courses',
    {
      config: { action: 'course.list' },
      schema: {
        tags: ['courses'],
        summary:
          "The courses a unit sees (default: the caller's): inherited from the units above, its own, and those of the units below",
        querystring: CourseQuery.extend(Paging),
        response: {
          200: z.object({
            items: z.array(CourseOut),
            total: z.number(),
            canCreate: z.boolean(),
            modules: z.array(z.string()),
            unit: z.object({ id: z.number(), name: z.string(), kind: z.string() }),
          }),
        },
      },
    },
    async (req) => {
      const { page, pageSize, ...q } = req.query;
      const r = await courses.list(req.ctx, clean(q), { limit: pageSize, offset: (page - 1) * pageSize });
      return {
        items: r.items.map(present),
        total: r.total,
        canCreate: r.canCreate,
        modules: r.modules,
        unit: { id: r.unit.id, name: r.unit.name, kind: r.unit.kind },
      };
    },
  );

  app.post(
    '/courses',
    {
      config: { action: 'course.create' },
      schema: {
        tags: ['courses'],
        summary: "A new course of a unit's catalogue (province, city and county administrators)",
        body: CreateCourseBody,
        response: { 201: z.object({ course: CourseOut }) },
      },
    },
    async (req, reply) => reply.status(201).send({ course: present(await courses.create(req.ctx, req.body)) }),
  );

  app.get(
    '/courses/template',
    {
      config: { action: 'course.import_template' },
      schema: {
        tags: ['courses'],
        summary: 'The .xlsx sheet for importing courses, with drop-downs',
        querystring: z.object({ orgUnitId: zId }),
      },
    },
    async (req, reply) => {
      const buf = await courses.template(req.ctx, req.query.orgUnitId);
      reply.header('content-type', XLSX);
      reply.header('content-disposition', attachment('course-template.xlsx', '课程导入模板.xlsx'));
      return reply.send(buf);
    },
  );

  app.post(
    '/courses/import',
    {
      config: { action: 'course.import' },
      schema: {
        tags: ['courses'],
        summary:
          'Imports the rows of an .xlsx or .csv sheet (multipart field "file"): all rows or none; matched on unit and title, so the same file twice creates nothing twice',
        querystring: z.object({ orgUnitId: zId }),
        response: {
          200: z.object({ rows: z.number(), created: z.number(), updated: z.number(), unchanged: z.number() }),
        },
      },
    },
    async (req) => courses.import(req.ctx, req.query.orgUnitId, await readUploadedFile(req)),
  );

  app.get(
    '/courses/export',
    {
      config: { action: 'course.export' },
      schema: {
        tags: ['courses'],
        summary: 'The listed courses as an .xlsx that imports back unchanged',
        querystring: CourseQuery,
      },
    },
    async (req, reply) => {
      const r = await courses.export(req.ctx, clean(req.query));
      reply.header('content-type', XLSX);
      reply.header('content-disposition', attachment('courses.xlsx', `${r.unitName}课程目录.xlsx`));
      return reply.send(r.data);
    },
  );

  app.get(
    '/courses/:id',
    {
      config: { action: 'course.read' },
      schema: {
        tags: ['courses'],
        summary: 'A course',
        params: IdParams,
        response: { 200: z.object({ course: CourseOut }) },
      },
    },
    async (req) => ({ course: present(await courses.get(req.ctx, req.params.id)) }),
  );

  app.patch(
    '/courses/:id',
    {
      config: { action: 'course.update' },
      schema: {
        tags: ['courses'],
        summary: 'Changes some fields of a course',
        params: IdParams,
        body: UpdateCourseBody,
        response: { 200: z.object({ course: CourseOut }) },
      },
    },
    async (req) => ({ course: present(await courses.update(req.ctx, req.params.id, req.body)) }),
  );

  app.post(
    '/courses/:id/archive',
    {
      config: { action: 'course.archive' },
      schema: {
        tags: ['courses'],
        summary: 'Archives a course: it leaves the lists (filter "archived" shows it)',
        params: IdParams,
        response: { 200: z.object({ course: CourseOut }) },
      },
    },
    async (req) => ({ course: present(await courses.setArchived(req.ctx, req.params.id, true)) }),
  );

  app.post(
    '/courses/:id/unarchive',
    {
      config: { action: 'course.unarchive' },
      schema: {
        tags: ['courses'],
        summary: 'Brings an archived course back',
        params: IdParams,
        response: { 200: z.object({ course: CourseOut }) },
      },
    },
    async (req) => ({ course: present(await courses.setArchived(req.ctx, req.params.id, false)) }),
  );

  app.get(
    '/courses/:id/materials/:evidenceId',
    {
      config: { action: 'course.read_material' },
      schema: {
        tags: ['courses'],
        summary: "Downloads a file listed among a course's materials",
        params: z.object({ id: zId, evidenceId: zId }),
      },
    },
    async (req, reply) => {
      const f = await courses.materialFile(req.ctx, req.params.id, req.params.evidenceId);
      reply.header('content-type', f.mimeType);
      reply.header('content-disposition', attachment(`material-${req.params.evidenceId}`, f.fileName));
      return reply.send(fs.createReadStream(f.path));
    },
  );
};
