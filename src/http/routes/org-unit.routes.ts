import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Env } from '../../config/env.js';
import type { Services } from '../../services/services.js';
import { presentOrgUnit } from '../presenters.js';
import { readUploadedFile } from '../upload.js';
import { IdParams, OrgUnitOut, Paging, zKind, zOptionalText, zPhone, zStage, zText } from '../schemas.js';

const zCode = z
  .string()
  .max(80, { message: 'too_long' })
  .transform((s) => s.normalize('NFKC').replace(/\s+/g, ''))
  .pipe(z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, { message: 'invalid' }));

const CreateBody = z
  .object({
    parentId: z.number().int().positive(),
    kind: zKind,
    name: zText(100),
    code: z.union([zCode, z.literal('').transform(() => null), z.null()]).optional(),
    divisionCode: z.union([z.string().regex(/^[0-9]{6}$/, { message: 'invalid' }), z.null()]).optional(),
    stages: z.array(zStage).max(5).optional(),
    address: zOptionalText(200),
    contactName: zOptionalText(50),
    contactPhone: z.union([zPhone, z.literal('').transform(() => null), z.null()]).optional(),
  })
  .strict();

const UpdateBody = CreateBody.omit({ parentId: true, kind: true, divisionCode: true }).partial().strict();

const Permissions = z.object({
  canEdit: z.boolean(),
  canCreateChild: z.boolean(),
  childKinds: z.array(zKind),
  canImportSchools: z.boolean(),
});

export const orgUnitRoutes: FastifyPluginAsyncZod<{ services: Services; env: Env }> = async (
  app,
  { services, env },
) => {
  const svc = services.orgUnits;

  app.get(
    '/org-units/roots',
    {
      config: { action: 'org_unit.read' },
      schema: {
        tags: ['org'],
        summary: "The units at the top of the actor's subtree",
        response: { 200: z.object({ items: z.array(OrgUnitOut) }) },
      },
    },
    async (req) => ({ items: (await svc.roots(req.ctx)).map(presentOrgUnit) }),
  );

  app.get(
    '/org-units/search',
    {
      config: { action: 'org_unit.search' },
      schema: {
        tags: ['org'],
        summary: "Search units by name or code inside the actor's subtree",
        querystring: z.object({
          q: zText(100),
          kind: zKind.optional(),
          limit: z.coerce.number().int().min(1).max(100).default(20),
        }),
        response: { 200: z.object({ items: z.array(OrgUnitOut) }) },
      },
    },
    async (req) => ({
      items: (await svc.search(req.ctx, req.query.q, { kind: req.query.kind, limit: req.query.limit })).map(
        presentOrgUnit,
      ),
    }),
  );

  app.get(
    '/org-units/:id',
    {
      config: { action: 'org_unit.read' },
      schema: {
        tags: ['org'],
        summary: 'One unit with its breadcrumb and what the actor may do there',
        params: IdParams,
        response: {
          200: z.object({
            unit: OrgUnitOut,
            breadcrumb: z.array(z.object({ id: z.number(), name: z.string(), kind: zKind })),
            permissions: Permissions,
          }),
        },
      },
    },
    async (req) => {
      const r = await svc.get(req.ctx, req.params.id);
      return { unit: presentOrgUnit(r.unit), breadcrumb: r.breadcrumb, permissions: r.permissions };
    },
  );

  app.get(
    '/org-units/:id/children',
    {
      config: { action: 'org_unit.list_children' },
      schema: {
        tags: ['org'],
        summary: 'Child units, paged',
        params: IdParams,
        querystring: z.object({ kind: zKind.optional(), q: zText(100).optional(), ...Paging }),
        response: { 200: z.object({ items: z.array(OrgUnitOut), total: z.number() }) },
      },
    },
    async (req) => {
      const r = await svc.children(req.ctx, req.params.id, req.query);
      return { items: r.items.map(presentOrgUnit), total: r.total };
    },
  );

  app.post(
    '/org-units',
    {
      config: { action: 'org_unit.create' },
      schema: {
        tags: ['org'],
        summary: 'Create a unit under a parent',
        body: CreateBody,
        response: { 201: z.object({ unit: OrgUnitOut }) },
      },
    },
    async (req, reply) => {
      const unit = await svc.create(req.ctx, { ...req.body, code: req.body.code ?? null });
      return reply.status(201).send({ unit: presentOrgUnit(unit) });
    },
  );

  app.patch(
    '/org-units/:id',
    {
      config: { action: 'org_unit.update' },
      schema: {
        tags: ['org'],
        summary: 'Change a unit',
        params: IdParams,
        body: UpdateBody,
        response: { 200: z.object({ unit: OrgUnitOut }) },
      },
    },
    async (req) => ({ unit: presentOrgUnit(await svc.update(req.ctx, req.params.id, req.body)) }),
  );

  app.get(
    '/org-units/:id/school-import-template',
    {
      config: { action: 'org_unit.import_template' },
      schema: { tags: ['org'], summary: 'Excel template for importing schools', params: IdParams },
    },
    async (req, reply) => {
      const buf = await svc.schoolImportTemplate(req.ctx, req.params.id);
      reply.header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      reply.header(
        'content-disposition',
        `attachment; filename="schools-template.xlsx"; filename*=UTF-8''${encodeURIComponent('学校导入模板.xlsx')}`,
      );
      return reply.send(buf);
    },
  );

  app.post(
    '/org-units/:id/school-import',
    {
      config: { action: 'org_unit.import_schools' },
      schema: {
        tags: ['org'],
        summary: 'Import schools from an .xlsx file (multipart field "file"): all rows or none',
        params: IdParams,
        consumes: ['multipart/form-data'],
        response: { 200: z.object({ created: z.number() }) },
      },
    },
    async (req) => {
      const { data: file } = await readUploadedFile(req);
      return svc.importSchools(req.ctx, req.params.id, file, env.PEIXUN_MAX_UPLOAD_MB * 1_048_576);
    },
  );
};
