import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { normaliseText } from '../../domain/text.js';
import {
  TRAINER_KINDS,
  TRAINER_LEVELS,
  type TrainerClassRow,
  type TrainerView,
  type TrainingEntryRow,
  type TrainingRecord,
} from '../../services/trainer.service.js';
import type { Services } from '../../services/services.js';
import { readUploadedFile } from '../upload.js';
import { attachment, IdParams, Paging, XLSX, zBodyId, zDay, zId, zOptionalText, zStage, zText } from '../schemas.js';

/** Hours travel as integers in tenths of an hour (125 = 12.5 学时). */
const zTenths = z.number().int().min(1).max(100_000);
const zNullableId = z.union([zBodyId, z.null()]);

const TrainerFieldsBody = z.object({
  kind: z.enum(TRAINER_KINDS),
  name: zText(50),
  title: zOptionalText(50),
  employer: zOptionalText(100),
  level: z.enum(TRAINER_LEVELS),
  subjects: z.array(zText(30)).max(20),
  stages: z.array(zStage).max(5),
  specialties: zOptionalText(500),
  active: z.boolean(),
  userId: zNullableId,
  teacherId: zNullableId,
});
const CreateTrainerBody = TrainerFieldsBody.partial({
  title: true,
  employer: true,
  subjects: true,
  stages: true,
  specialties: true,
  active: true,
  userId: true,
  teacherId: true,
})
  .extend({ orgUnitId: zBodyId.optional() })
  .strict();
const UpdateTrainerBody = TrainerFieldsBody.partial().strict();

const TrainingEntryBody = z
  .object({
    title: zText(200),
    organiser: zOptionalText(100),
    startsOn: zDay,
    endsOn: zDay,
    hours: zTenths,
    notes: zOptionalText(1000),
  })
  .strict();

const TrainerOut = z.object({
  id: z.number(),
  orgUnitId: z.number(),
  orgUnitName: z.string(),
  kind: z.enum(TRAINER_KINDS),
  name: z.string(),
  title: z.string().nullable(),
  employer: z.string().nullable(),
  level: z.enum(TRAINER_LEVELS),
  subjects: z.array(z.string()),
  stages: z.array(z.string()),
  specialties: z.string().nullable(),
  active: z.boolean(),
  user: z.object({ id: z.number(), username: z.string(), displayName: z.string(), orgUnitName: z.string() }).nullable(),
  teacher: z.object({ id: z.number(), name: z.string(), orgUnitName: z.string() }).nullable(),
  canManage: z.boolean(),
  inherited: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const EntryOut = z.object({
  id: z.number(),
  title: z.string(),
  organiser: z.string().nullable(),
  startsOn: z.string(),
  endsOn: z.string(),
  hours: z.number(),
  notes: z.string().nullable(),
  createdAt: z.string(),
});
const ClassOut = z.object({
  classId: z.number(),
  className: z.string(),
  classStatus: z.string(),
  enrolled: z.number(),
  capacity: z.number(),
  projectId: z.number(),
  projectTitle: z.string(),
  projectStatus: z.string(),
  projectYear: z.number(),
  orgUnitName: z.string(),
  sessionCount: z.number(),
  firstSession: z.string().nullable(),
  lastSession: z.string().nullable(),
  /** an online class's course: its reflections, homework and forum; null for other classes */
  courseId: z.number().nullable(),
});
const RecordOut = z.object({
  items: z.array(EntryOut),
  years: z.array(z.object({ year: z.number(), hours: z.number(), count: z.number() })),
  totalHours: z.number(),
  teacher: z
    .object({
      id: z.number(),
      name: z.string(),
      enrolments: z.array(
        z.object({
          enrolmentId: z.number(),
          status: z.string(),
          outcome: z.string().nullable(),
          classId: z.number(),
          className: z.string(),
          projectId: z.number(),
          projectTitle: z.string(),
          projectYear: z.number(),
          hours: z.number(),
        }),
      ),
      ledger: z.object({ cycleName: z.string(), countedHours: z.number(), status: z.string() }).nullable(),
    })
    .nullable(),
});

const TrainerQuery = z.object({
  orgUnitId: zId.optional(),
  q: z.string().max(100).transform(normaliseText).optional(),
  kind: z.enum(TRAINER_KINDS).optional(),
  level: z.enum(TRAINER_LEVELS).optional(),
  subject: z.string().max(30).transform(normaliseText).optional(),
  stage: zStage.optional(),
  origin: z.enum(['above', 'own', 'below']).optional(),
  account: z.enum(['linked', 'none']).optional(),
  status: z.enum(['active', 'inactive', 'all']).default('active'),
});

const present = (r: TrainerView): z.infer<typeof TrainerOut> => ({
  id: r.id,
  orgUnitId: r.orgUnitId,
  orgUnitName: r.orgUnitName,
  kind: r.kind,
  name: r.name,
  title: r.title,
  employer: r.employer,
  level: r.level,
  subjects: r.subjects,
  stages: r.stages,
  specialties: r.specialties,
  active: r.active,
  user: r.user,
  teacher: r.teacher ? { id: r.teacher.id, name: r.teacher.name, orgUnitName: r.teacher.orgUnitName } : null,
  canManage: r.canManage,
  inherited: r.inherited,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});
const presentEntry = (e: TrainingEntryRow): z.infer<typeof EntryOut> => ({
  id: e.id,
  title: e.title,
  organiser: e.organiser,
  startsOn: e.startsOn,
  endsOn: e.endsOn,
  hours: e.hours,
  notes: e.notes,
  createdAt: e.createdAt.toISOString(),
});
const presentClass = (c: TrainerClassRow): z.infer<typeof ClassOut> => ({
  ...c,
  firstSession: c.firstSession ? new Date(c.firstSession).toISOString() : null,
  lastSession: c.lastSession ? new Date(c.lastSession).toISOString() : null,
});
const presentRecord = (r: TrainingRecord): z.infer<typeof RecordOut> => ({ ...r, items: r.items.map(presentEntry) });
const clean = <T extends Record<string, unknown>>(q: T) =>
  Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined && v !== '')) as T;

/** The trainer and expert pool: list, read, create, edit, export, import; classes taught; the trainer's own training record. */
export const trainerRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const trainers = services.trainers;

  app.get(
    '/trainers',
    {
      config: { action: 'trainer.list' },
      schema: {
        tags: ['trainers'],
        summary:
          "The pool a unit sees (default: the caller's): inherited from the units above, its own, and those of the units below",
        querystring: TrainerQuery.extend(Paging),
        response: {
          200: z.object({
            items: z.array(TrainerOut),
            total: z.number(),
            canCreate: z.boolean(),
            unit: z.object({ id: z.number(), name: z.string(), kind: z.string() }),
          }),
        },
      },
    },
    async (req) => {
      const { page, pageSize, ...q } = req.query;
      const r = await trainers.list(req.ctx, clean(q), { limit: pageSize, offset: (page - 1) * pageSize });
      return {
        items: r.items.map(present),
        total: r.total,
        canCreate: r.canCreate,
        unit: { id: r.unit.id, name: r.unit.name, kind: r.unit.kind },
      };
    },
  );

  app.post(
    '/trainers',
    {
      config: { action: 'trainer.create' },
      schema: {
        tags: ['trainers'],
        summary: "A new trainer or expert in a unit's pool",
        body: CreateTrainerBody,
        response: { 201: z.object({ trainer: TrainerOut }) },
      },
    },
    async (req, reply) => reply.status(201).send({ trainer: present(await trainers.create(req.ctx, req.body)) }),
  );

  app.get(
    '/trainers/export',
    {
      config: { action: 'trainer.export' },
      schema: { tags: ['trainers'], summary: 'The listed pool as an .xlsx sheet', querystring: TrainerQuery },
    },
    async (req, reply) => {
      const r = await trainers.export(req.ctx, clean(req.query));
      reply.header('content-type', XLSX);
      reply.header('content-disposition', attachment('trainers.xlsx', `${r.unitName}培训者专家库.xlsx`));
      return reply.send(r.data);
    },
  );

  app.post(
    '/trainers/import',
    {
      config: { action: 'trainer.import' },
      schema: {
        tags: ['trainers'],
        summary:
          'Imports the rows of an .xlsx or .csv sheet shaped like the export (multipart field "file"): all rows or none; matched on unit and name',
        querystring: z.object({ orgUnitId: zId }),
        response: {
          200: z.object({ rows: z.number(), created: z.number(), updated: z.number(), unchanged: z.number() }),
        },
      },
    },
    async (req) => trainers.import(req.ctx, req.query.orgUnitId, await readUploadedFile(req)),
  );

  app.get(
    '/trainers/me',
    {
      config: { action: 'trainer.read_own' },
      schema: {
        tags: ['trainers'],
        summary: "A trainer's own pool entry, training record and classes (trainers only)",
        response: {
          200: z.object({ profile: TrainerOut.nullable(), record: RecordOut.nullable(), classes: z.array(ClassOut) }),
        },
      },
    },
    async (req) => {
      const r = await trainers.mine(req.ctx);
      return {
        profile: r.profile ? present(r.profile) : null,
        record: r.record ? presentRecord(r.record) : null,
        classes: r.classes.map(presentClass),
      };
    },
  );

  app.get(
    '/trainers/accounts',
    {
      config: { action: 'trainer.list_accounts' },
      schema: {
        tags: ['trainers'],
        summary: "Trainer accounts of the caller's subtree an entry may be linked to",
        querystring: z.object({ q: z.string().max(50).transform(normaliseText).optional() }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                userId: z.number(),
                username: z.string(),
                displayName: z.string(),
                orgUnitName: z.string(),
                trainerId: z.number().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => ({ items: await trainers.accounts(req.ctx, req.query.q || undefined) }),
  );

  app.get(
    '/trainers/:id',
    {
      config: { action: 'trainer.read' },
      schema: {
        tags: ['trainers'],
        summary: 'A trainer or expert of the pool',
        params: IdParams,
        response: { 200: z.object({ trainer: TrainerOut }) },
      },
    },
    async (req) => ({ trainer: present(await trainers.get(req.ctx, req.params.id)) }),
  );

  app.patch(
    '/trainers/:id',
    {
      config: { action: 'trainer.update' },
      schema: {
        tags: ['trainers'],
        summary: 'Changes some fields of an entry; "active": false takes it out of the pool',
        params: IdParams,
        body: UpdateTrainerBody,
        response: { 200: z.object({ trainer: TrainerOut }) },
      },
    },
    async (req) => ({ trainer: present(await trainers.update(req.ctx, req.params.id, req.body)) }),
  );

  app.get(
    '/trainers/:id/classes',
    {
      config: { action: 'trainer.list_classes' },
      schema: {
        tags: ['trainers'],
        summary: "The classes the entry's account teaches, of projects the caller may see",
        params: IdParams,
        response: { 200: z.object({ items: z.array(ClassOut) }) },
      },
    },
    async (req) => ({ items: (await trainers.classes(req.ctx, req.params.id)).map(presentClass) }),
  );

  app.get(
    '/trainers/:id/training',
    {
      config: { action: 'trainer.list_training' },
      schema: {
        tags: ['trainers'],
        summary: "The trainer's own training record with yearly totals, and the linked teacher's training",
        params: IdParams,
        response: { 200: RecordOut },
      },
    },
    async (req) => presentRecord(await trainers.training(req.ctx, req.params.id)),
  );

  app.post(
    '/trainers/:id/training',
    {
      config: { action: 'trainer.add_training' },
      schema: {
        tags: ['trainers'],
        summary: "Adds a line to the trainer's own training record",
        params: IdParams,
        body: TrainingEntryBody,
        response: { 201: z.object({ entry: EntryOut }) },
      },
    },
    async (req, reply) =>
      reply.status(201).send({
        entry: presentEntry(
          await trainers.addTraining(req.ctx, req.params.id, {
            title: req.body.title,
            organiser: req.body.organiser ?? null,
            startsOn: req.body.startsOn,
            endsOn: req.body.endsOn,
            hours: req.body.hours,
            notes: req.body.notes ?? null,
          }),
        ),
      }),
  );

  app.delete(
    '/trainers/:id/training/:entryId',
    {
      config: { action: 'trainer.delete_training' },
      schema: {
        tags: ['trainers'],
        summary: "Deletes a line of the trainer's own training record (the audit log keeps it)",
        params: z.object({ id: zId, entryId: zId }),
      },
    },
    async (req, reply) => {
      await trainers.deleteTraining(req.ctx, req.params.id, req.params.entryId);
      return reply.status(204).send();
    },
  );
};
