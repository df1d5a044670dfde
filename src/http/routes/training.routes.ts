import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { TEACHER_FLAGS } from '../../domain/cycle-rules.js';
import { PROJECT_LEVELS, PROJECT_STATUSES } from '../../domain/enrolment.js';
import type { ProjectRow, QuotaRow, SessionRow, TrainerRow } from '../../repositories/training.repository.js';
import type { ClassDetail, ProjectDetail } from '../../services/training.service.js';
import type { Services } from '../../services/services.js';
import { IdParams, Paging, zBodyId, zDay, zOptionalText, zStage, zText } from '../schemas.js';
import { iso } from '../presenters.js';

const zCode = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, { message: 'invalid' });
const zInstant = z.iso.datetime({ offset: true });

export const EligibilitySchema = z
  .object({
    minServiceYears: z.number().int().min(0).max(50).optional(),
    stages: z.array(zStage).max(5).optional(),
    subjects: z.array(zText(30)).max(50).optional(),
    flags: z.array(z.enum(TEACHER_FLAGS)).max(5).optional(),
  })
  .strict();
const CompletionRuleSchema = z
  .object({ minAttendancePct: z.number().int().min(0).max(100), assessmentRequired: z.boolean() })
  .strict();

const ProjectBody = z
  .object({
    level: z.enum(PROJECT_LEVELS),
    title: zText(200),
    description: zOptionalText(4000),
    year: z.number().int().min(2000).max(2100),
    registrationOpens: zDay.nullable().optional(),
    registrationCloses: zDay.nullable().optional(),
    eligibility: EligibilitySchema.default({}),
    completionRule: CompletionRuleSchema.default({ minAttendancePct: 80, assessmentRequired: false }),
    /** tenths of an hour (150 = 15 学时) */
    hours: z.number().int().min(1).max(100_000),
    creditCategories: z.array(zCode).max(10).default([]),
  })
  .strict();
type ProjectBodyT = z.infer<typeof ProjectBody>;
const fields = (b: ProjectBodyT) => ({
  level: b.level,
  title: b.title,
  description: b.description ?? null,
  year: b.year,
  registrationOpens: b.registrationOpens ?? null,
  registrationCloses: b.registrationCloses ?? null,
  eligibility: b.eligibility,
  completionRule: b.completionRule,
  hours: b.hours,
  creditCategories: [...new Set(b.creditCategories)],
});

const SessionBody = z
  .object({
    startsAt: zInstant,
    endsAt: zInstant,
    place: zOptionalText(200),
    onlineUrl: z
      .url({ protocol: /^https?$/ })
      .max(500)
      .nullable()
      .optional(),
    checkinOpensAt: zInstant,
    checkinClosesAt: zInstant,
  })
  .strict();
const session = (b: z.infer<typeof SessionBody>) => ({
  startsAt: new Date(b.startsAt),
  endsAt: new Date(b.endsAt),
  place: b.place ?? null,
  onlineUrl: b.onlineUrl ?? null,
  checkinOpensAt: new Date(b.checkinOpensAt),
  checkinClosesAt: new Date(b.checkinClosesAt),
});

export const ProjectOut = z.object({
  id: z.number(),
  orgUnitId: z.number(),
  orgUnitName: z.string(),
  level: z.enum(PROJECT_LEVELS),
  title: z.string(),
  description: z.string().nullable(),
  year: z.number(),
  status: z.enum(PROJECT_STATUSES),
  registrationOpens: z.string().nullable(),
  registrationCloses: z.string().nullable(),
  eligibility: EligibilitySchema,
  completionRule: CompletionRuleSchema,
  hours: z.number(),
  creditCategories: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const QuotaOut = z.object({ orgUnitId: z.number(), orgUnitName: z.string(), quota: z.number(), used: z.number() });
const TrainerOut = z.object({
  userId: z.number(),
  displayName: z.string(),
  username: z.string(),
  orgUnitName: z.string(),
});
/** A session as the API shows it: never its QR key. */
const SessionOut = z
  .object({
    id: z.number(),
    classId: z.number(),
    startsAt: z.string(),
    endsAt: z.string(),
    place: z.string().nullable(),
    onlineUrl: z.string().nullable(),
    checkinOpensAt: z.string(),
    checkinClosesAt: z.string(),
  })
  .strict();
/** An online class (网络研修): the course it opens to its enrolled teachers, and the study window */
const OnlineOut = z
  .object({ courseId: z.number(), courseTitle: z.string(), studyOpensOn: z.string(), studyClosesOn: z.string() })
  .nullable();
export const ClassOut = z.object({
  id: z.number(),
  projectId: z.number(),
  name: z.string(),
  capacity: z.number(),
  enrolled: z.number(),
  waitlisted: z.number(),
  status: z.enum(['open', 'closed']),
  /** null: a face-to-face class */
  online: OnlineOut,
});
const ClassDetailOut = ClassOut.extend({
  /** an online class's course (its reflections, homework and forum); null for other classes */
  courseId: z.number().nullable(),
  closedAt: z.string().nullable(),
  /** the organiser's reason when the class was closed before its last session ended */
  earlyCloseReason: z.string().nullable(),
  quotas: z.array(QuotaOut),
  trainers: z.array(TrainerOut),
  sessions: z.array(SessionOut),
});
const DetailOut = z.object({
  project: ProjectOut,
  canManage: z.boolean(),
  canNominate: z.boolean(),
  classes: z.array(ClassDetailOut),
  courses: z.array(z.object({ id: z.number(), title: z.string(), category: z.string(), hours: z.number() })),
});

export const presentProject = (p: ProjectRow): z.infer<typeof ProjectOut> => ({
  id: p.id,
  orgUnitId: p.orgUnitId,
  orgUnitName: p.orgUnitName,
  level: p.level,
  title: p.title,
  description: p.description,
  year: p.year,
  status: p.status,
  registrationOpens: p.registrationOpens,
  registrationCloses: p.registrationCloses,
  eligibility: p.eligibility,
  completionRule: p.completionRule,
  hours: p.hours,
  creditCategories: p.creditCategories,
  createdAt: p.createdAt.toISOString(),
  updatedAt: p.updatedAt.toISOString(),
});
const presentQuota = (q: QuotaRow) => ({
  orgUnitId: q.orgUnitId,
  orgUnitName: q.orgUnitName,
  quota: q.quota,
  used: q.used,
});
const presentTrainer = (t: TrainerRow) => ({
  userId: t.userId,
  displayName: t.displayName,
  username: t.username,
  orgUnitName: t.orgUnitName,
});
export const presentSession = (s: SessionRow): z.infer<typeof SessionOut> => ({
  id: s.id,
  classId: s.classId,
  startsAt: s.startsAt.toISOString(),
  endsAt: s.endsAt.toISOString(),
  place: s.place,
  onlineUrl: s.onlineUrl,
  checkinOpensAt: s.checkinOpensAt.toISOString(),
  checkinClosesAt: s.checkinClosesAt.toISOString(),
});
export const presentClass = (
  c: Pick<
    ClassDetail,
    | 'id'
    | 'projectId'
    | 'name'
    | 'capacity'
    | 'enrolled'
    | 'waitlisted'
    | 'status'
    | 'courseId'
    | 'courseTitle'
    | 'studyOpensOn'
    | 'studyClosesOn'
  >,
): z.infer<typeof ClassOut> => ({
  id: c.id,
  projectId: c.projectId,
  name: c.name,
  capacity: c.capacity,
  enrolled: c.enrolled,
  waitlisted: c.waitlisted,
  status: c.status,
  online:
    c.courseId !== null && c.studyOpensOn !== null && c.studyClosesOn !== null
      ? {
          courseId: c.courseId,
          courseTitle: c.courseTitle ?? '',
          studyOpensOn: c.studyOpensOn,
          studyClosesOn: c.studyClosesOn,
        }
      : null,
});
const presentClassDetail = (c: ClassDetail) => ({
  ...presentClass(c),
  courseId: c.courseId,
  closedAt: iso(c.closedAt),
  earlyCloseReason: c.earlyCloseReason,
  quotas: c.quotas.map(presentQuota),
  trainers: c.trainers.map(presentTrainer),
  sessions: c.sessions.map(presentSession),
});
const presentDetail = (d: ProjectDetail): z.infer<typeof DetailOut> => ({
  project: presentProject(d.project),
  canManage: d.canManage,
  canNominate: d.canNominate,
  classes: d.classes.map(presentClassDetail),
  courses: d.courses.map((c) => ({ id: c.id, title: c.title, category: c.category, hours: c.hours })),
});

export const trainingRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const training = services.training;

  app.get(
    '/training/projects',
    {
      config: { action: 'training.list_projects' },
      schema: {
        tags: ['training'],
        summary: "Training projects on the admin's line of the tree: run in their subtree, or open above it",
        querystring: z.object({
          year: z.coerce.number().int().min(2000).max(2100).optional(),
          status: z.enum(PROJECT_STATUSES).optional(),
          q: zText(60).optional(),
          closingWithinDays: z.coerce.number().int().min(1).max(90).optional(),
          ...Paging,
        }),
        response: {
          200: z.object({ items: z.array(ProjectOut.extend({ canManage: z.boolean() })), total: z.number() }),
        },
      },
    },
    async (req) => {
      const { page, pageSize, ...q } = req.query;
      const r = await training.list(req.ctx, { ...q, limit: pageSize, offset: (page - 1) * pageSize });
      return { items: r.items.map((p) => ({ ...presentProject(p), canManage: p.canManage })), total: r.total };
    },
  );

  app.post(
    '/training/projects',
    {
      config: { action: 'training.create_project' },
      schema: {
        tags: ['training'],
        summary: "A new project (draft) run by a unit of the admin's subtree",
        body: ProjectBody.extend({ orgUnitId: zBodyId }).strict(),
        response: { 201: DetailOut },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(presentDetail(await training.create(req.ctx, { ...fields(req.body), orgUnitId: req.body.orgUnitId }))),
  );

  app.get(
    '/training/projects/:id',
    {
      config: { action: 'training.read_project' },
      schema: {
        tags: ['training'],
        summary: 'A project with its courses and classes (quotas, trainers, sessions)',
        params: IdParams,
        response: { 200: DetailOut },
      },
    },
    async (req) => presentDetail(await training.get(req.ctx, req.params.id)),
  );

  app.put(
    '/training/projects/:id',
    {
      config: { action: 'training.update_project' },
      schema: {
        tags: ['training'],
        summary: 'Changes a project (not once closed)',
        params: IdParams,
        body: ProjectBody,
        response: { 200: DetailOut },
      },
    },
    async (req) => presentDetail(await training.update(req.ctx, req.params.id, fields(req.body))),
  );

  app.post(
    '/training/projects/:id/status',
    {
      config: { action: 'training.set_project_status' },
      schema: {
        tags: ['training'],
        summary: 'Opens registration (draft → open) or closes the project (open → closed)',
        params: IdParams,
        body: z.object({ status: z.enum(['open', 'closed']) }).strict(),
        response: { 200: DetailOut },
      },
    },
    async (req) => presentDetail(await training.setStatus(req.ctx, req.params.id, req.body.status)),
  );

  app.put(
    '/training/projects/:id/courses',
    {
      config: { action: 'training.set_courses' },
      schema: {
        tags: ['training'],
        summary: 'The catalogue courses the project teaches',
        params: IdParams,
        body: z.object({ courseIds: z.array(zBodyId).max(200) }).strict(),
        response: { 200: DetailOut },
      },
    },
    async (req) => presentDetail(await training.setCourses(req.ctx, req.params.id, req.body.courseIds)),
  );

  app.get(
    '/training/projects/:id/trainer-candidates',
    {
      config: { action: 'training.list_trainers' },
      schema: {
        tags: ['training'],
        summary: "Trainer accounts of the organiser's subtree",
        params: IdParams,
        querystring: z.object({ q: z.string().max(50).optional() }),
        response: { 200: z.object({ items: z.array(TrainerOut) }) },
      },
    },
    async (req) => ({
      items: (await training.trainerCandidates(req.ctx, req.params.id, req.query.q?.trim() || undefined)).map(
        presentTrainer,
      ),
    }),
  );

  app.post(
    '/training/projects/:id/classes',
    {
      config: { action: 'training.create_class' },
      schema: {
        tags: ['training'],
        summary: 'A new class of the project',
        params: IdParams,
        body: z.object({ name: zText(100), capacity: z.number().int().min(1).max(1_000_000) }).strict(),
        response: { 201: ClassDetailOut },
      },
    },
    async (req, reply) =>
      reply.status(201).send(presentClassDetail(await training.createClass(req.ctx, req.params.id, req.body))),
  );

  app.patch(
    '/training/classes/:id',
    {
      config: { action: 'training.update_class' },
      schema: {
        tags: ['training'],
        summary: 'Renames a class or changes its capacity; new places go to the waitlist in order',
        params: IdParams,
        body: z
          .object({ name: zText(100).optional(), capacity: z.number().int().min(1).max(1_000_000).optional() })
          .strict(),
        response: { 200: ClassOut.extend({ promoted: z.number() }) },
      },
    },
    async (req) => {
      const c = await training.updateClass(req.ctx, req.params.id, req.body);
      return { ...presentClass(c), promoted: c.promoted.length };
    },
  );

  app.put(
    '/training/classes/:id/online',
    {
      config: { action: 'training.set_online' },
      schema: {
        tags: ['training'],
        summary:
          'Makes a class online: it opens a course with content to its enrolled teachers for a study window; null makes it face-to-face again (not once a teacher has begun studying)',
        params: IdParams,
        body: z.object({ courseId: zBodyId, studyOpensOn: zDay, studyClosesOn: zDay }).strict().nullable(),
        response: { 200: ClassOut },
      },
    },
    async (req) => presentClass(await training.setOnline(req.ctx, req.params.id, req.body)),
  );

  app.put(
    '/training/classes/:id/trainers',
    {
      config: { action: 'training.set_trainers' },
      schema: {
        tags: ['training'],
        summary: "The trainers of a class (trainer accounts of the organiser's subtree)",
        params: IdParams,
        body: z.object({ userIds: z.array(zBodyId).max(50) }).strict(),
        response: { 200: z.object({ items: z.array(TrainerOut) }) },
      },
    },
    async (req) => ({
      items: (await training.setTrainers(req.ctx, req.params.id, req.body.userIds)).map(presentTrainer),
    }),
  );

  app.get(
    '/training/classes/:id/quota-units',
    {
      config: { action: 'training.read_quotas' },
      schema: {
        tags: ['training'],
        summary:
          "A class's quota table: every unit below the organiser (and any other holding a quota) with its quota and places used",
        params: IdParams,
        response: { 200: z.object({ capacity: z.number(), items: z.array(QuotaOut) }) },
      },
    },
    async (req) => {
      const r = await training.quotaUnits(req.ctx, req.params.id);
      return { capacity: r.capacity, items: r.items.map(presentQuota) };
    },
  );

  app.put(
    '/training/classes/:id/quotas',
    {
      config: { action: 'training.set_quotas' },
      schema: {
        tags: ['training'],
        summary: 'Places reserved per unit below the organiser (replaces the list)',
        params: IdParams,
        body: z
          .object({
            quotas: z
              .array(z.object({ orgUnitId: zBodyId, quota: z.number().int().min(0).max(1_000_000) }).strict())
              .max(500),
          })
          .strict(),
        response: { 200: z.object({ items: z.array(QuotaOut) }) },
      },
    },
    async (req) => ({ items: (await training.setQuotas(req.ctx, req.params.id, req.body.quotas)).map(presentQuota) }),
  );

  app.post(
    '/training/classes/:id/sessions',
    {
      config: { action: 'training.create_session' },
      schema: {
        tags: ['training'],
        summary: 'A session of the class (its QR key is made by the server and never shown)',
        params: IdParams,
        body: SessionBody,
        response: { 201: SessionOut },
      },
    },
    async (req, reply) =>
      reply.status(201).send(presentSession(await training.createSession(req.ctx, req.params.id, session(req.body)))),
  );

  app.put(
    '/training/sessions/:id',
    {
      config: { action: 'training.update_session' },
      schema: {
        tags: ['training'],
        summary: "Changes a session's time, place or check-in window",
        params: IdParams,
        body: SessionBody,
        response: { 200: SessionOut },
      },
    },
    async (req) => presentSession(await training.updateSession(req.ctx, req.params.id, session(req.body))),
  );

  app.delete(
    '/training/sessions/:id',
    {
      config: { action: 'training.delete_session' },
      schema: {
        tags: ['training'],
        summary: 'Removes a session nobody has checked in to',
        params: IdParams,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await training.deleteSession(req.ctx, req.params.id);
      return reply.status(204).send(null);
    },
  );
};
