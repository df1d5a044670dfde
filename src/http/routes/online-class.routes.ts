import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ClassSummaryRow } from '../../repositories/online-class.repository.js';
import type { Services } from '../../services/services.js';

const SummaryOut = z.object({
  classId: z.number(),
  className: z.string(),
  status: z.enum(['open', 'closed']),
  enrolled: z.number(),
  projectId: z.number(),
  projectTitle: z.string(),
  orgUnitName: z.string(),
  courseTitle: z.string(),
  studyOpensOn: z.string().nullable(),
  studyClosesOn: z.string().nullable(),
});
const summary = (r: ClassSummaryRow): z.infer<typeof SummaryOut> => ({
  classId: r.classId,
  className: r.className,
  status: r.status,
  enrolled: r.enrolled,
  projectId: r.projectId,
  projectTitle: r.projectTitle,
  orgUnitName: r.orgUnitName,
  courseTitle: r.courseTitle,
  studyOpensOn: r.studyOpensOn,
  studyClosesOn: r.studyClosesOn,
});

/** The online classes one works in: a tutor's with what waits in each, a teacher's with their homework and posts. */
export const onlineClassRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/study/tutoring',
    {
      config: { action: 'study.tutoring' },
      schema: {
        tags: ['homework'],
        summary:
          "The online classes a trainer teaches, or those of the projects an admin's unit organises, with the " +
          'submissions waiting to be graded and the forum reports waiting in each',
        response: {
          200: z.object({ items: z.array(SummaryOut.extend({ waiting: z.number(), reports: z.number() })) }),
        },
      },
    },
    async (req) => ({
      items: (await services.onlineClasses.tutoring(req.ctx)).map((r) => ({
        ...summary(r),
        waiting: r.waiting,
        reports: r.reports,
      })),
    }),
  );

  app.get(
    '/study/my-classes',
    {
      config: { action: 'study.my_classes' },
      schema: {
        tags: ['homework'],
        summary: "A teacher's online classes with their homework (passed, still to hand in) and their posts that count",
        response: {
          200: z.object({
            items: z.array(
              SummaryOut.extend({
                assignments: z.number(),
                passed: z.number(),
                toDo: z.number(),
                countedPosts: z.number(),
                postsRequired: z.number(),
                moderator: z.boolean(),
                reports: z.number(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => ({
      items: (await services.onlineClasses.mine(req.ctx)).map((r) => ({
        ...summary(r),
        assignments: r.assignments,
        passed: r.passed,
        toDo: r.toDo,
        countedPosts: r.countedPosts,
        postsRequired: r.postsRequired,
        moderator: r.moderator,
        reports: r.reports,
      })),
    }),
  );
};
