import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ITEM_KINDS } from '../../repositories/online-course.repository.js';
import type { OnlineClassRow } from '../../repositories/study.repository.js';
import type { Services } from '../../services/services.js';
import type { StudyWindow } from '../../services/study.service.js';
import { zId } from '../schemas.js';

const WindowOut = {
  studyOpensOn: z.string(),
  studyClosesOn: z.string(),
  /** today (China time) lies in the window */
  openNow: z.boolean(),
  /** the window has begun: the content can be opened (also after it closed) */
  opened: z.boolean(),
};
const ClassOut = z.object({
  classId: z.number(),
  className: z.string(),
  classStatus: z.enum(['open', 'closed']),
  projectId: z.number(),
  projectTitle: z.string(),
  courseId: z.number(),
  courseTitle: z.string(),
  ...WindowOut,
});
const OutlineItemOut = z.object({
  id: z.number(),
  kind: z.enum(ITEM_KINDS),
  title: z.string(),
  requiredMinutes: z.number(),
  /** a video's or document's file: GET /api/study-files/{fileId} */
  fileId: z.number().nullable(),
  durationSeconds: z.number().nullable(),
  // the teacher's progress on the item (counted minutes) is added by the study player; none is shown here
});

const present = (c: OnlineClassRow & StudyWindow): z.infer<typeof ClassOut> => ({
  classId: c.classId,
  className: c.className,
  classStatus: c.classStatus,
  projectId: c.projectId,
  projectTitle: c.projectTitle,
  courseId: c.courseId,
  courseTitle: c.courseTitle,
  studyOpensOn: c.studyOpensOn,
  studyClosesOn: c.studyClosesOn,
  openNow: c.openNow,
  opened: c.opened,
});

/** Online study, the teacher's side (R-20 网络): the own online classes and a class's course outline. */
export const studyRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const study = services.study;

  app.get(
    '/me/study',
    {
      config: { action: 'study.list_mine' },
      schema: {
        tags: ['online study'],
        summary:
          "A teacher's online classes (those they hold a place in): course, study window, items and required minutes",
        response: {
          200: z.object({
            items: z.array(ClassOut.extend({ itemCount: z.number(), requiredMinutes: z.number() })),
          }),
        },
      },
    },
    async (req) => ({
      items: (await study.mine(req.ctx)).map((c) => ({
        ...present(c),
        itemCount: c.itemCount,
        requiredMinutes: c.requiredMinutes,
      })),
    }),
  );

  app.get(
    '/study/classes/:classId/outline',
    {
      config: { action: 'study.read_outline' },
      schema: {
        tags: ['online study'],
        summary:
          "An online class's course outline (chapters and items) for its enrolled teachers, its trainers and the organiser's admins",
        params: z.object({ classId: zId }),
        response: {
          200: z.object({
            class: ClassOut,
            viewer: z.enum(['teacher', 'trainer', 'admin']),
            chapters: z.array(z.object({ id: z.number(), title: z.string(), items: z.array(OutlineItemOut) })),
            itemCount: z.number(),
            requiredMinutes: z.number(),
          }),
        },
      },
    },
    async (req) => {
      const o = await study.outline(req.ctx, req.params.classId);
      return {
        class: present(o.cls),
        viewer: o.viewer,
        chapters: o.chapters,
        itemCount: o.itemCount,
        requiredMinutes: o.requiredMinutes,
      };
    },
  );

  app.get(
    '/study/classes/:classId/items/:itemId',
    {
      config: { action: 'study.read_item' },
      schema: {
        tags: ['online study'],
        summary:
          "One item of an online class's course, with a text page's body; a teacher opens it once the window has begun (409 STUDY_NOT_OPEN before)",
        params: z.object({ classId: zId, itemId: zId }),
        response: {
          200: OutlineItemOut.extend({
            body: z.string().nullable(),
            fileName: z.string().nullable(),
            sizeBytes: z.number().nullable(),
          }),
        },
      },
    },
    async (req) => study.item(req.ctx, req.params.classId, req.params.itemId),
  );
};
