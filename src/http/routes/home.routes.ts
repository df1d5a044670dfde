import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { PROGRESS_STATUSES } from '../../domain/credit-progress.js';
import { PROJECT_STATUSES } from '../../domain/enrolment.js';
import { TODO_KINDS, type SessionRef } from '../../services/home.service.js';
import type { Services } from '../../services/services.js';
import { zText } from '../schemas.js';

const SessionOut = z.object({
  sessionId: z.number(),
  classId: z.number(),
  className: z.string(),
  projectTitle: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  place: z.string().nullable(),
});
const presentSession = (s: SessionRef): z.infer<typeof SessionOut> => ({
  ...s,
  startsAt: s.startsAt.toISOString(),
  endsAt: s.endsAt.toISOString(),
});

const TodoOut = z.object({
  kind: z.enum(TODO_KINDS),
  count: z.number(),
  year: z.number().nullable(),
  cycleId: z.number().nullable(),
});

const HomeOut = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('admin'),
    today: z.string(),
    cycleId: z.number().nullable(),
    todos: z.array(TodoOut),
  }),
  z.object({
    kind: z.literal('teacher'),
    today: z.string(),
    linked: z.boolean(),
    hours: z
      .object({
        cycleId: z.number(),
        cycleName: z.string(),
        counted: z.number(),
        required: z.number(),
        status: z.enum(PROGRESS_STATUSES),
        year: z.number(),
        yearCounted: z.number(),
        yearMinimum: z.number().nullable(),
        minimaUnmet: z.number(),
      })
      .nullable(),
    nextSession: SessionOut.nullable(),
    surveysPending: z.number(),
    homeworkToDo: z.array(z.object({ classId: z.number(), className: z.string(), count: z.number() })),
    forumReports: z.array(z.object({ classId: z.number(), className: z.string(), count: z.number() })),
    pairsToConfirm: z.number(),
    toScore: z.object({ competitions: z.number(), backbone: z.number() }),
  }),
  z.object({
    kind: z.literal('trainer'),
    today: z.string(),
    sessions: z.array(SessionOut),
    next: SessionOut.nullable(),
    todos: z.array(TodoOut),
  }),
  z.object({ kind: z.literal('member'), today: z.string() }),
]);

const found = <T extends z.ZodTypeAny>(item: T) => z.object({ items: z.array(item), more: z.boolean() });
const SearchOut = z.object({
  teachers: found(z.object({ id: z.number(), name: z.string(), idNumberMasked: z.string(), orgUnitName: z.string() })),
  projects: found(
    z.object({
      id: z.number(),
      title: z.string(),
      year: z.number(),
      status: z.enum(PROJECT_STATUSES),
      orgUnitName: z.string(),
    }),
  ),
  courses: found(z.object({ id: z.number(), title: z.string(), hours: z.number(), orgUnitName: z.string() })),
  certificates: found(
    z.object({
      id: z.number(),
      code: z.string(),
      teacherName: z.string(),
      kind: z.string(),
      year: z.number().nullable(),
      cycleId: z.number(),
      status: z.string(),
    }),
  ),
});

export const homeRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/home',
    {
      config: { action: 'home.read' },
      schema: {
        tags: ['home'],
        summary:
          "The signed-in user's home page: an admin's to-dos in their subtree with counts, a teacher's hours, " +
          "next session and what is missing, a trainer's sessions of the day",
        response: { 200: HomeOut },
      },
    },
    async (req) => {
      const h = await services.home.get(req.ctx);
      switch (h.kind) {
        case 'teacher':
          return { ...h, nextSession: h.nextSession && presentSession(h.nextSession) };
        case 'trainer':
          return { ...h, sessions: h.sessions.map(presentSession), next: h.next && presentSession(h.next) };
        default:
          return h;
      }
    },
  );

  app.get(
    '/search',
    {
      config: { action: 'search.global' },
      schema: {
        tags: ['home'],
        summary:
          "Searches teachers, projects, courses and certificates of the admin's subtree by name or number " +
          '(a few of each; a full ID number or phone is audited and limited as in the teacher list)',
        querystring: z.object({ q: zText(60) }),
        response: { 200: SearchOut },
      },
    },
    async (req) => {
      const r = await services.search.search(req.ctx, req.query.q);
      return {
        teachers: {
          more: r.teachers.more,
          items: r.teachers.items.map((t) => ({
            id: t.id,
            name: t.name,
            idNumberMasked: t.idNumberMasked,
            orgUnitName: t.orgUnitName,
          })),
        },
        projects: {
          more: r.projects.more,
          items: r.projects.items.map((p) => ({
            id: p.id,
            title: p.title,
            year: p.year,
            status: p.status,
            orgUnitName: p.orgUnitName,
          })),
        },
        courses: {
          more: r.courses.more,
          items: r.courses.items.map((c) => ({ id: c.id, title: c.title, hours: c.hours, orgUnitName: c.orgUnitName })),
        },
        certificates: {
          more: r.certificates.more,
          items: r.certificates.items.map((c) => ({
            id: c.id,
            code: c.code,
            teacherName: c.teacherName,
            kind: c.kind,
            year: c.year,
            cycleId: c.cycleId,
            status: c.status,
          })),
        },
      };
    },
  );
};
