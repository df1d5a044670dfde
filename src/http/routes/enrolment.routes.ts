import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { describeReason } from '../../domain/enrolment.js';
import { pickLocale } from '../../i18n/messages.js';
import { NOMINATE_MAX } from '../../services/enrolment.service.js';
import type { Services } from '../../services/services.js';
import { attachment, IdParams, Paging, XLSX, zBodyId, zBool, zId } from '../schemas.js';
import { TeacherListQuery } from './teacher.routes.js';
import { ClassOut, presentClass, presentProject, ProjectOut } from './training.routes.js';

const STATUS = z.enum(['enrolled', 'waitlisted', 'withdrawn']);
const PlaceOut = z.object({
  teacherId: z.number(),
  enrolmentId: z.number(),
  status: z.enum(['enrolled', 'waitlisted']),
});

export const enrolmentRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const enrolments = services.enrolments;

  app.get(
    '/enrolments/available',
    {
      config: { action: 'enrolment.list_available' },
      schema: {
        tags: ['enrolments'],
        summary: 'Open projects a teacher may join, with their classes, and why the teacher may not when so',
        response: {
          200: z.object({
            items: z.array(
              z.object({
                project: ProjectOut,
                classes: z.array(ClassOut),
                registrationOpen: z.boolean(),
                eligible: z.boolean(),
                reasons: z.array(z.object({ code: z.string(), text: z.string() })),
                enrolment: z
                  .object({
                    id: z.number(),
                    classId: z.number(),
                    className: z.string(),
                    status: STATUS,
                    waitlistPosition: z.number().nullable(),
                  })
                  .nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => {
      const locale = pickLocale(req.headers['accept-language']);
      const items = await enrolments.available(req.ctx);
      return {
        items: items.map((a) => ({
          project: presentProject(a.project),
          classes: a.classes.map(presentClass),
          registrationOpen: a.registrationOpen,
          eligible: a.reasons.length === 0,
          reasons: a.reasons.map((r) => ({ code: r.code, text: describeReason(r, locale) })),
          enrolment: a.enrolment
            ? {
                id: a.enrolment.id,
                classId: a.enrolment.classId,
                className: a.enrolment.className,
                status: a.enrolment.status,
                waitlistPosition: a.enrolment.waitlistPosition,
              }
            : null,
        })),
      };
    },
  );

  app.post(
    '/enrolments',
    {
      config: { action: 'enrolment.enrol' },
      schema: {
        tags: ['enrolments'],
        summary: 'A teacher enrols in a class: a place while there is one, else the waitlist',
        body: z.object({ classId: zBodyId }).strict(),
        response: { 201: PlaceOut },
      },
    },
    async (req, reply) => reply.status(201).send(await enrolments.enrolSelf(req.ctx, req.body.classId)),
  );

  app.post(
    '/enrolments/nominate',
    {
      config: { action: 'enrolment.nominate' },
      schema: {
        tags: ['enrolments'],
        summary:
          'A school nominates its teachers (all or none, within its quota): by id, or all matching the registry filters',
        body: z
          .object({
            classId: zBodyId,
            teacherIds: z.array(zBodyId).min(1).max(500).optional(),
            matching: TeacherListQuery.optional().describe('every teacher the filters match ("all N matching")'),
            except: z.array(zBodyId).max(NOMINATE_MAX).optional().describe('left out of the matching ones'),
          })
          .strict()
          .refine((b) => (b.teacherIds === undefined) !== (b.matching === undefined), {
            message: 'required',
            path: ['teacherIds'],
          }),
        response: { 201: z.object({ items: z.array(PlaceOut) }) },
      },
    },
    async (req, reply) => {
      const { classId, teacherIds, matching, except } = req.body;
      const who = matching ? { matching, except } : { teacherIds: teacherIds ?? [] };
      return reply.status(201).send({ items: await enrolments.nominate(req.ctx, classId, who) });
    },
  );

  app.post(
    '/enrolments/bulk/preview',
    {
      config: { action: 'enrolment.preview_bulk' },
      schema: {
        tags: ['enrolments'],
        summary:
          'How many teachers enrolling these units would place and put on the waitlist now (nothing is written), for the confirmation',
        body: z.object({ classId: zBodyId, orgUnitIds: z.array(zBodyId).min(1).max(500) }).strict(),
        response: { 200: z.object({ enrolled: z.number(), waitlisted: z.number() }) },
      },
    },
    async (req) => enrolments.bulkEnrol(req.ctx, req.body.classId, req.body.orgUnitIds, { dryRun: true }),
  );

  app.post(
    '/enrolments/bulk',
    {
      config: { action: 'enrolment.bulk_enrol' },
      schema: {
        tags: ['enrolments'],
        summary: 'The organiser enrols every eligible teacher of these units who has no place in the project yet',
        body: z.object({ classId: zBodyId, orgUnitIds: z.array(zBodyId).min(1).max(500) }).strict(),
        response: { 200: z.object({ enrolled: z.number(), waitlisted: z.number() }) },
      },
    },
    async (req) => enrolments.bulkEnrol(req.ctx, req.body.classId, req.body.orgUnitIds),
  );

  app.post(
    '/enrolments/:id/withdraw',
    {
      config: { action: 'enrolment.withdraw' },
      schema: {
        tags: ['enrolments'],
        summary: 'Withdraws an enrolment; the freed place goes to the first waiting teacher',
        params: IdParams,
        response: { 200: z.object({ promoted: z.number() }) },
      },
    },
    async (req) => ({ promoted: (await enrolments.withdraw(req.ctx, req.params.id)).promoted.length }),
  );

  app.get(
    '/enrolments/timetable',
    {
      config: { action: 'enrolment.timetable' },
      schema: {
        tags: ['enrolments'],
        summary: "A teacher's sessions, from today on (all=true: past ones too)",
        querystring: z.object({ all: zBool.optional() }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                sessionId: z.number(),
                classId: z.number(),
                className: z.string(),
                projectId: z.number(),
                projectTitle: z.string(),
                startsAt: z.string(),
                endsAt: z.string(),
                place: z.string().nullable(),
                onlineUrl: z.string().nullable(),
                checkinOpensAt: z.string(),
                checkinClosesAt: z.string(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => ({
      items: (await enrolments.timetable(req.ctx, req.query.all ?? false)).map((s) => ({
        ...s,
        startsAt: s.startsAt.toISOString(),
        endsAt: s.endsAt.toISOString(),
        checkinOpensAt: s.checkinOpensAt.toISOString(),
        checkinClosesAt: s.checkinClosesAt.toISOString(),
      })),
    }),
  );

  app.get(
    '/enrolments',
    {
      config: { action: 'enrolment.list' },
      schema: {
        tags: ['enrolments'],
        summary: "A class's enrolments of the admin's subtree: places, then the waitlist in order",
        querystring: z.object({ classId: zId, status: STATUS.optional(), ...Paging }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.number(),
                teacherId: z.number(),
                teacherName: z.string(),
                idNumberMasked: z.string(),
                orgUnitName: z.string(),
                stage: z.string(),
                subject: z.string().nullable(),
                status: STATUS,
                source: z.enum(['self', 'nominated', 'bulk']),
                waitlistPosition: z.number().nullable(),
                createdAt: z.string(),
              }),
            ),
            total: z.number(),
          }),
        },
      },
    },
    async (req) => {
      const { classId, page, pageSize, status } = req.query;
      const r = await enrolments.list(req.ctx, classId, { status, limit: pageSize, offset: (page - 1) * pageSize });
      return {
        items: r.items.map((e) => ({
          id: e.id,
          teacherId: e.teacherId,
          teacherName: e.teacherName,
          idNumberMasked: e.idNumberMasked,
          orgUnitName: e.orgUnitName,
          stage: e.stage,
          subject: e.subject,
          status: e.status,
          source: e.source,
          waitlistPosition: e.waitlistPosition,
          createdAt: e.createdAt.toISOString(),
        })),
        total: r.total,
      };
    },
  );

  app.get(
    '/enrolments/export',
    {
      config: { action: 'enrolment.export' },
      schema: {
        tags: ['enrolments'],
        summary: 'The same list as an .xlsx sheet',
        querystring: z.object({ classId: zId }),
      },
    },
    async (req, reply) => {
      const r = await enrolments.export(req.ctx, req.query.classId);
      reply.header('content-type', XLSX);
      reply.header(
        'content-disposition',
        attachment(`enrolments-${r.cls.id}.xlsx`, `${r.project.title}-${r.cls.name}-报名名单.xlsx`),
      );
      return reply.send(r.buffer);
    },
  );
};
