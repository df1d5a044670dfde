import { PassThrough } from 'node:stream';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { birthYearOf } from '../../domain/id-number.js';
import { BACKBONE_LEVELS, EMPLOYMENTS, GENDERS, ID_TYPES } from '../../domain/teacher.js';
import { importProblemMessage, pickLocale } from '../../i18n/messages.js';
import type { TeacherRow } from '../../repositories/teacher.repository.js';
import type { ImportReport } from '../../services/teacher-import.service.js';
import type { RequestContext } from '../../services/context.js';
import type { Services } from '../../services/services.js';
import { attachment, IdParams, Paging, XLSX, zBool, zDay, zId, zOptionalText, zStage, zText } from '../schemas.js';
import { readUploadedFile } from '../upload.js';

const zIdType = z.enum(ID_TYPES);
const zEmployment = z.enum(EMPLOYMENTS);
const zBackbone = z.enum(BACKBONE_LEVELS);
const zFlag = z.enum(['headTeacher', 'subjectLeader', 'masterTeacher', 'newTeacher', 'backbone']);

export const TeacherOut = z.object({
  id: z.number(),
  orgUnitId: z.number(),
  orgUnitName: z.string(),
  name: z.string(),
  idType: zIdType,
  idNumberMasked: z.string(),
  gender: z.enum(GENDERS).nullable(),
  birthDate: z
    .string()
    .nullable()
    .describe("in full only in the teacher's own record; beside a masked ID number null (see birthYear)"),
  birthYear: z.number().nullable(),
  phoneMasked: z.string().nullable(),
  stage: zStage,
  subject: z.string().nullable(),
  title: z.string().nullable(),
  teachingStartYear: z.number().nullable(),
  employment: zEmployment,
  headTeacher: z.boolean(),
  backboneLevel: zBackbone.nullable(),
  subjectLeader: z.boolean(),
  masterTeacher: z.boolean(),
  newTeacher: z.boolean(),
  hasAccount: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/**
 * A teacher as the API shows it. Beside the masked ID number the birth date is cut to its year
 * (`maskBirthDate`, the one rule); `own` is the teacher's own record, which shows it in full.
 */
export function presentTeacher(t: TeacherRow, view: 'masked' | 'own' = 'masked'): z.infer<typeof TeacherOut> {
  return {
    id: t.id,
    orgUnitId: t.orgUnitId,
    orgUnitName: t.orgUnitName,
    name: t.name,
    idType: t.idType,
    idNumberMasked: t.idNumberMasked,
    gender: t.gender,
    birthDate: view === 'own' ? t.birthDate : null,
    birthYear: birthYearOf(t.birthDate),
    phoneMasked: t.phoneMasked,
    stage: t.stage,
    subject: t.subject,
    title: t.title,
    teachingStartYear: t.teachingStartYear,
    employment: t.employment,
    headTeacher: t.headTeacher,
    backboneLevel: t.backboneLevel,
    subjectLeader: t.subjectLeader,
    masterTeacher: t.masterTeacher,
    newTeacher: t.newTeacher,
    hasAccount: t.userId !== null,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

const TrainingRecordOut = z.object({
  enrolmentId: z.number(),
  projectId: z.number(),
  projectTitle: z.string(),
  level: z.enum(['national', 'province', 'city', 'county', 'school']),
  year: z.number(),
  hours: z.number().describe('what completing posts to the ledger, in tenths of an hour'),
  organiserName: z.string(),
  classId: z.number(),
  className: z.string(),
  classStatus: z.enum(['open', 'closed']),
  status: z.enum(['enrolled', 'waitlisted', 'withdrawn']),
  source: z.enum(['self', 'nominated', 'bulk']),
  outcome: z.enum(['completed', 'not_completed']).nullable(),
  outcomeReason: z.string().nullable(),
  assessmentPassed: z.boolean().nullable(),
  enrolledAt: z.string(),
  sessionsHeld: z.number(),
  sessionsAttended: z.number(),
});

const ListOut = z.object({
  items: z.array(TeacherOut),
  total: z.number(),
  totalCapped: z.boolean().describe('true when there are more matches than total (a lower bound)'),
});

/** The registry list's filters; also what "all N matching" of a teacher picker sends. */
export const TeacherListQuery = z.object({
  orgUnitId: zId.optional(),
  directOnly: zBool.optional(),
  q: zText(60).optional(),
  stage: zStage.optional(),
  subject: zText(30).optional(),
  employment: zEmployment.optional(),
  flag: zFlag.optional(),
  backboneLevel: zBackbone.optional(),
  hasAccount: zBool.optional(),
});

const TeacherBody = z
  .object({
    name: z.string().max(200, { message: 'too_long' }),
    idType: zIdType.default('resident'),
    idNumber: z.string().max(60, { message: 'too_long' }),
    gender: z.enum(GENDERS).nullable().optional(),
    birthDate: zDay.nullable().optional(),
    phone: z.string().max(40, { message: 'too_long' }).nullable().optional(),
    stage: zStage,
    subject: zOptionalText(30),
    title: zOptionalText(30),
    teachingStartYear: z.number().int().min(1900).max(2200).nullable().optional(),
    employment: zEmployment,
    headTeacher: z.boolean().default(false),
    backboneLevel: zBackbone.nullable().optional(),
    subjectLeader: z.boolean().default(false),
    masterTeacher: z.boolean().default(false),
    newTeacher: z.boolean().default(false),
  })
  .strict();

const CreateBody = TeacherBody.extend({ orgUnitId: zId });
// every field optional and without its default: a PATCH changes only what it names
const patchField = (v: z.ZodType) => (v instanceof z.ZodDefault ? (v.unwrap() as z.ZodType) : v).optional();
const patchShape = Object.fromEntries(
  Object.entries(TeacherBody.shape).map(([k, v]) => [k, patchField(v as z.ZodType)]),
);
const PatchBody = z
  .object(patchShape)
  .strict()
  .transform((b) => Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined)));

const Permissions = z.object({ canEdit: z.boolean(), canUnmask: z.boolean(), canTransfer: z.boolean() });
export const Posting = z.object({
  orgUnitId: z.number(),
  orgUnitName: z.string(),
  startedOn: z.string(),
  endedOn: z.string().nullable(),
  reason: z.string().nullable(),
});

const RowErrorOut = z.object({
  row: z.number(),
  column: z.string(),
  code: z.string(),
  value: z.string().optional(),
  message: z.string(),
  /** the value looked like an ID number or a mobile number and is shown masked */
  withheld: z.enum(['id_number', 'phone']).optional(),
  /** for an unknown school: the closest school names in the uploader's scope */
  suggestions: z.array(z.string()).optional(),
  /** for a repeated ID number: the row where it first appears */
  otherRow: z.number().optional(),
});
export const ImportOut = z.object({
  importId: z.number(),
  status: z.enum(['validated', 'committed', 'discarded', 'expired']),
  fileName: z.string(),
  expiresAt: z.string().nullable(),
  summary: z.object({
    total: z.number(),
    create: z.number(),
    update: z.number(),
    unchanged: z.number(),
    transfer: z.number(),
    error: z.number(),
  }),
  errors: z.array(RowErrorOut),
  extraColumns: z.array(z.string()),
  transfers: z.array(
    z.object({
      row: z.number(),
      name: z.string(),
      idNumberMasked: z.string(),
      fromUnitName: z.string().nullable(),
      toUnitName: z.string(),
    }),
  ),
  result: z.record(z.string(), z.number()).nullable(),
});

export const teacherRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const svc = services.teachers;
  const imports = services.teacherImports;

  async function list(
    ctx: RequestContext,
    { page, pageSize, ...q }: z.infer<typeof TeacherListQuery> & { page: number; pageSize: number },
  ): Promise<z.infer<typeof ListOut>> {
    const r = await svc.list(ctx, q, { page, pageSize });
    return { items: r.items.map((t) => presentTeacher(t)), total: r.total, totalCapped: r.totalCapped };
  }

  const presentImport = (r: ImportReport, acceptLanguage: string | undefined): z.infer<typeof ImportOut> => {
    const locale = pickLocale(acceptLanguage);
    return {
      ...r,
      expiresAt: r.expiresAt?.toISOString() ?? null,
      errors: r.errors.map((e) => ({ ...e, message: importProblemMessage(e.code, e.column, locale, e.value, e) })),
    };
  };

  app.get(
    '/teachers',
    {
      config: { action: 'teacher.list' },
      schema: {
        tags: ['teachers'],
        summary:
          'Teachers of a unit and the units below it: search by name prefix, full ID number or phone; filter; page',
        querystring: TeacherListQuery.extend(Paging),
        response: { 200: ListOut },
      },
    },
    async (req) => list(req.ctx, req.query),
  );

  app.post(
    '/teachers/search',
    {
      config: { action: 'teacher.list' },
      schema: {
        tags: ['teachers'],
        summary:
          'The same as GET /teachers, with the query in the body: an ID number or phone searched for stays out of URLs and access logs',
        body: TeacherListQuery.extend(Paging).strict(),
        response: { 200: ListOut },
      },
    },
    async (req) => list(req.ctx, req.body),
  );

  app.get(
    '/teachers/former',
    {
      config: { action: 'teacher.list_former' },
      schema: {
        tags: ['teachers'],
        summary: 'Teachers who were posted in the unit and have moved elsewhere (read only)',
        querystring: z.object({ orgUnitId: zId.optional(), ...Paging }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.number(),
                name: z.string(),
                idNumberMasked: z.string(),
                lastUnitName: z.string(),
                startedOn: z.string(),
                endedOn: z.string(),
              }),
            ),
            total: z.number(),
          }),
        },
      },
    },
    async (req) => svc.formerList(req.ctx, req.query.orgUnitId, req.query),
  );

  app.get(
    '/teachers/export',
    {
      config: { action: 'teacher.export' },
      schema: {
        tags: ['teachers'],
        summary: 'The filtered list as .xlsx (streamed); full=1 for identifiers in full where allowed',
        querystring: TeacherListQuery.extend({ full: zBool.default(false) }),
      },
    },
    async (req, reply) => {
      const { full, ...q } = req.query;
      // refusals (scope, rights) surface here, before any byte is sent
      const write = await svc.exportXlsx(req.ctx, q, full);
      const out = new PassThrough();
      write(out).catch((e: unknown) => out.destroy(e as Error));
      reply.header('content-type', XLSX);
      // a file with ID numbers in full says so in its name, wherever it is saved or forwarded
      const name = full
        ? attachment('teachers-full-id-numbers.xlsx', '教师名册（含完整证件号码）.xlsx')
        : attachment('teachers.xlsx', '教师名册.xlsx');
      reply.header('content-disposition', name);
      return reply.send(out);
    },
  );

  app.get(
    '/teachers/:id',
    {
      config: { action: 'teacher.read' },
      schema: {
        tags: ['teachers'],
        summary: 'One teacher with postings and what the actor may do',
        params: IdParams,
        response: {
          200: z.object({
            teacher: TeacherOut,
            former: z.boolean(),
            postings: z.array(Posting),
            permissions: Permissions,
          }),
        },
      },
    },
    async (req) => {
      const r = await svc.get(req.ctx, req.params.id);
      return { ...r, teacher: presentTeacher(r.teacher) };
    },
  );

  app.get(
    '/teachers/:id/training',
    {
      config: { action: 'teacher.read_training' },
      schema: {
        tags: ['teachers'],
        summary: "A teacher's training record: every class enrolled in, with the outcome and attendance",
        params: IdParams,
        response: { 200: z.object({ items: z.array(TrainingRecordOut) }) },
      },
    },
    async (req) => ({
      items: (await svc.training(req.ctx, req.params.id)).map((r) => ({
        ...r,
        enrolledAt: r.enrolledAt.toISOString(),
      })),
    }),
  );

  app.post(
    '/teachers',
    {
      config: { action: 'teacher.create' },
      schema: {
        tags: ['teachers'],
        summary: 'Add a teacher to a school',
        body: CreateBody,
        response: { 201: z.object({ teacher: TeacherOut }) },
      },
    },
    async (req, reply) => {
      const { orgUnitId, ...b } = req.body;
      const t = await svc.create(req.ctx, orgUnitId, {
        ...b,
        gender: b.gender ?? null,
        birthDate: b.birthDate ?? null,
        phone: b.phone ?? null,
        subject: b.subject ?? null,
        title: b.title ?? null,
        teachingStartYear: b.teachingStartYear ?? null,
        backboneLevel: b.backboneLevel ?? null,
      });
      return reply.status(201).send({ teacher: presentTeacher(t) });
    },
  );

  app.patch(
    '/teachers/:id',
    {
      config: { action: 'teacher.update' },
      schema: {
        tags: ['teachers'],
        summary: 'Change a teacher (changes are audited field by field)',
        params: IdParams,
        body: PatchBody,
        response: { 200: z.object({ teacher: TeacherOut }) },
      },
    },
    async (req) => ({ teacher: presentTeacher(await svc.update(req.ctx, req.params.id, req.body)) }),
  );

  app.post(
    '/teachers/:id/unmask',
    {
      config: { action: 'teacher.unmask' },
      schema: {
        tags: ['teachers'],
        summary: 'The ID number, birth date and phone in full (audited)',
        params: IdParams,
        response: {
          200: z.object({ idNumber: z.string(), birthDate: z.string().nullable(), phone: z.string().nullable() }),
        },
      },
    },
    async (req) => svc.unmask(req.ctx, req.params.id),
  );

  app.post(
    '/teachers/:id/transfer',
    {
      config: { action: 'teacher.transfer' },
      schema: {
        tags: ['teachers'],
        summary: 'Move a teacher to another school; history is kept',
        params: IdParams,
        body: z.object({ toOrgUnitId: zId, reason: zOptionalText(200) }).strict(),
        response: { 200: z.object({ teacher: TeacherOut }) },
      },
    },
    async (req) => ({
      teacher: presentTeacher(
        await svc.transfer(req.ctx, req.params.id, req.body.toOrgUnitId, req.body.reason ?? null),
      ),
    }),
  );

  app.get(
    '/org-units/:id/teacher-import-template',
    {
      config: { action: 'teacher_import.template' },
      schema: { tags: ['teachers'], summary: 'Excel template of the teacher roster', params: IdParams },
    },
    async (req, reply) => {
      const buf = await imports.template(req.ctx, req.params.id);
      reply.header('content-type', XLSX);
      reply.header('content-disposition', attachment('teacher-roster-template.xlsx', '教师名册导入模板.xlsx'));
      return reply.send(buf);
    },
  );

  app.post(
    '/org-units/:id/teacher-imports',
    {
      config: { action: 'teacher_import.validate' },
      schema: {
        tags: ['teachers'],
        summary:
          'Upload a roster (.xlsx or .csv, multipart field "file"): every row is checked, nothing is imported yet',
        params: IdParams,
        consumes: ['multipart/form-data'],
        response: { 200: ImportOut },
      },
    },
    async (req) =>
      presentImport(
        await imports.validate(req.ctx, req.params.id, await readUploadedFile(req)),
        req.headers['accept-language'],
      ),
  );

  app.get(
    '/teacher-imports/:id',
    {
      config: { action: 'teacher_import.read' },
      schema: {
        tags: ['teachers'],
        summary: 'The check result of an upload',
        params: IdParams,
        response: { 200: ImportOut },
      },
    },
    async (req) => presentImport(await imports.get(req.ctx, req.params.id), req.headers['accept-language']),
  );

  app.post(
    '/teacher-imports/:id/commit',
    {
      config: { action: 'teacher_import.commit' },
      schema: {
        tags: ['teachers'],
        summary: 'Import all good rows of a checked upload in one transaction',
        params: IdParams,
        body: z.object({ confirmTransfers: z.boolean().default(false) }).strict(),
        response: { 200: ImportOut },
      },
    },
    async (req) =>
      presentImport(await imports.commit(req.ctx, req.params.id, req.body), req.headers['accept-language']),
  );

  app.post(
    '/teacher-imports/:id/discard',
    {
      config: { action: 'teacher_import.discard' },
      schema: { tags: ['teachers'], summary: 'Discard a checked upload', params: IdParams },
    },
    async (req, reply) => {
      await imports.discard(req.ctx, req.params.id);
      return reply.status(204).send();
    },
  );
};
