import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { hasForbiddenChars, normaliseText } from '../../domain/text.js';
import type { Services } from '../../services/services.js';
import type { ClassReflectionItem, MyReflection, ReflectionClass } from '../../services/reflection.service.js';
import { MAX_PROMPTS } from '../../services/reflection.service.js';
import { iso } from '../presenters.js';
import { attachment, IdParams, Paging, XLSX, zBool, zId, zText } from '../schemas.js';

export const REFLECTION_TITLE_MAX = 100;
export const REFLECTION_BODY_MAX = 20_000;
export const PROMPT_MAX = 2_000;

/** A text of paragraphs: line breaks kept (CRLF as LF); other control characters refused. */
const zParagraphs = (max: number) =>
  z
    .string()
    .max(max * 4, { message: 'too_long' })
    .transform((s) => s.replace(/\r\n?/g, '\n'))
    .refine((s) => !hasForbiddenChars(s.replace(/\n/g, '')), { message: 'bad_chars' })
    .transform(normaliseText)
    .pipe(z.string().min(1, { message: 'blank' }).max(max, { message: 'too_long' }));

const ClassReflectionParams = z.object({ id: zId, reflectionId: zId });
const ReflectionBody = z
  .object({ title: zText(REFLECTION_TITLE_MAX), body: zParagraphs(REFLECTION_BODY_MAX) })
  .strict();
const PromptsBody = z.object({ prompts: z.array(zParagraphs(PROMPT_MAX)).max(MAX_PROMPTS) }).strict();

const RangeOut = z.object({ start: z.number(), end: z.number() });
const Reasons = z.array(z.enum(['too_short', 'too_similar']));
const RuleOut = z.object({
  required: z.number(),
  minChars: z.number(),
  threshold: z.number().describe('at or above this similarity (0–1) a reflection does not count'),
});
const ClassOut = z.object({
  id: z.number(),
  name: z.string(),
  projectTitle: z.string(),
  courseId: z.number(),
  courseTitle: z.string(),
  studyOpensOn: z.string(),
  studyClosesOn: z.string(),
  classStatus: z.enum(['open', 'closed']),
  window: z.enum(['open', 'not_yet', 'over', 'closed']),
});
const MyReflectionOut = z.object({
  id: z.number(),
  title: z.string(),
  body: z.string(),
  chars: z.number(),
  similarity: z.number(),
  counts: z.boolean(),
  reasons: Reasons,
  matchedRanges: z.array(RangeOut).describe('passages of `body` (UTF-16 offsets) found in similar texts'),
  match: z
    .enum(['other', 'own', 'prompt'])
    .nullable()
    .describe("what it was most similar to: another text (never whose), one of the teacher's own, a prompt"),
  createdAt: z.string(),
  updatedAt: z.string(),
});
/** class: a text of this class (its author named); own: the author's other text; outside: a text outside the class (not named); prompt */
const TutorMatchOut = z
  .object({
    kind: z.enum(['class', 'own', 'outside', 'prompt']),
    reflectionId: z.number().optional().describe('the other reflection, when it is of this class'),
    teacherName: z.string().optional().describe("its author, when it is a classmate's"),
  })
  .nullable();
const ClassItemOut = z.object({
  id: z.number(),
  teacherId: z.number(),
  teacherName: z.string(),
  schoolName: z.string(),
  title: z.string(),
  chars: z.number(),
  similarity: z.number(),
  counts: z.boolean(),
  reasons: Reasons,
  match: TutorMatchOut,
  createdAt: z.string(),
  updatedAt: z.string(),
});
const PromptsOut = z.object({ courseId: z.number(), prompts: z.array(z.string()) });

const dated = <T extends { createdAt: Date; updatedAt: Date }>(x: T) => ({
  ...x,
  createdAt: iso(x.createdAt)!,
  updatedAt: iso(x.updatedAt)!,
});
const mine = (r: MyReflection) => dated(r);
const item = (r: ClassReflectionItem) => dated(r);
const cls = (c: ReflectionClass) => c;

/**
 * Reflections (研修日志/心得, R-35) of online classes: a teacher's own (write, edit, withdraw: each save
 * checked for originality), the class's for its tutors with the clusters of near-identical texts,
 * and the prompts of a course.
 */
export const reflectionRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { reflections } = services;

  app.get(
    '/study/reflections',
    {
      config: { action: 'reflection.list_classes' },
      schema: {
        tags: ['reflections'],
        summary:
          "The teacher's online classes, each with how many of their reflections count and how many are required",
        response: {
          200: z.object({ items: z.array(ClassOut.extend({ required: z.number(), counted: z.number() })) }),
        },
      },
    },
    async (req) => ({ items: await reflections.myClasses(req.ctx) }),
  );

  app.get(
    '/study/classes/:id/reflections',
    {
      config: { action: 'reflection.list_own' },
      schema: {
        tags: ['reflections'],
        summary:
          "The teacher's reflections of an online class they are enrolled in, whether each counts and why not, " +
          "the course's rule and prompts",
        params: IdParams,
        response: {
          200: z.object({
            class: ClassOut,
            rule: RuleOut,
            prompts: z.array(z.string()),
            counted: z.number(),
            items: z.array(MyReflectionOut),
          }),
        },
      },
    },
    async (req) => {
      const r = await reflections.mine(req.ctx, req.params.id);
      return { ...r, class: cls(r.class), items: r.items.map(mine) };
    },
  );

  app.post(
    '/study/classes/:id/reflections',
    {
      config: { action: 'reflection.submit' },
      schema: {
        tags: ['reflections'],
        summary:
          'A new reflection, checked for originality against the course (every class and year) and its prompts; ' +
          'the answer says whether it counts and shows the matched passages of its own text',
        params: IdParams,
        body: ReflectionBody,
        response: { 201: MyReflectionOut },
      },
    },
    async (req, reply) => reply.status(201).send(mine(await reflections.submit(req.ctx, req.params.id, req.body))),
  );

  app.put(
    '/study/classes/:id/reflections/:reflectionId',
    {
      config: { action: 'reflection.edit' },
      schema: {
        tags: ['reflections'],
        summary: "Changes one of the teacher's reflections; it is checked again",
        params: ClassReflectionParams,
        body: ReflectionBody,
        response: { 200: MyReflectionOut },
      },
    },
    async (req) => mine(await reflections.edit(req.ctx, req.params.id, req.params.reflectionId, req.body)),
  );

  app.post(
    '/study/classes/:id/reflections/:reflectionId/withdraw',
    {
      config: { action: 'reflection.withdraw' },
      schema: {
        tags: ['reflections'],
        summary: "Withdraws one of the teacher's reflections: it no longer counts nor takes part in checks",
        params: ClassReflectionParams,
        response: { 200: z.object({ id: z.number(), status: z.literal('withdrawn') }) },
      },
    },
    async (req) => reflections.withdraw(req.ctx, req.params.id, req.params.reflectionId),
  );

  app.get(
    '/classes/:id/reflections',
    {
      config: { action: 'reflection.list_class' },
      schema: {
        tags: ['reflections'],
        summary:
          "An online class's reflections with their authors, for its tutors (trainers) and the organiser's admins",
        params: IdParams,
        querystring: z.object({ ...Paging, teacherId: zId.optional(), counted: zBool.optional() }),
        response: {
          200: z.object({ class: ClassOut, rule: RuleOut, total: z.number(), items: z.array(ClassItemOut) }),
        },
      },
    },
    async (req) => {
      const r = await reflections.classList(req.ctx, req.params.id, req.query);
      return { ...r, items: r.items.map(item) };
    },
  );

  app.get(
    '/classes/:id/reflections.xlsx',
    {
      config: { action: 'reflection.export_class' },
      schema: {
        tags: ['reflections'],
        summary: "The class's reflections as an .xlsx: one line per teacher (written, counted) and one per reflection",
        params: IdParams,
      },
    },
    async (req, reply) => {
      const r = await reflections.exportClass(req.ctx, req.params.id);
      reply.header('content-type', XLSX);
      reply.header(
        'content-disposition',
        attachment(`reflections-${req.params.id}.xlsx`, `${r.className}-研修心得.xlsx`),
      );
      return reply.send(r.buffer);
    },
  );

  app.get(
    '/classes/:id/reflections/clusters',
    {
      config: { action: 'reflection.clusters' },
      schema: {
        tags: ['reflections'],
        summary:
          "Groups of the class's near-identical reflections (with their authors), and those too similar to a text " +
          'outside the class or to a prompt (the other text not named)',
        params: IdParams,
        response: {
          200: z.object({
            threshold: z.number(),
            clusters: z.array(
              z.object({
                maxSimilarity: z.number(),
                members: z.array(
                  z.object({
                    id: z.number(),
                    teacherId: z.number(),
                    teacherName: z.string(),
                    title: z.string(),
                    chars: z.number(),
                  }),
                ),
              }),
            ),
            elsewhere: z.array(
              z.object({
                id: z.number(),
                teacherId: z.number(),
                teacherName: z.string(),
                title: z.string(),
                similarity: z.number(),
                kind: z.enum(['outside', 'prompt']),
              }),
            ),
          }),
        },
      },
    },
    async (req) => reflections.clusters(req.ctx, req.params.id),
  );

  app.get(
    '/classes/:id/reflections/:reflectionId',
    {
      config: { action: 'reflection.read' },
      schema: {
        tags: ['reflections'],
        summary: 'One reflection of the class with its text and matched passages, for its tutors',
        params: ClassReflectionParams,
        response: {
          200: ClassItemOut.extend({ body: z.string(), matchedRanges: z.array(RangeOut) }),
        },
      },
    },
    async (req) => dated(await reflections.classReflection(req.ctx, req.params.id, req.params.reflectionId)),
  );

  app.get(
    '/courses/:id/reflection-prompts',
    {
      config: { action: 'reflection.read_prompts' },
      schema: {
        tags: ['reflections'],
        summary: "The prompts (topics) of a course's reflections; a text that only copies one does not count",
        params: IdParams,
        response: { 200: PromptsOut },
      },
    },
    async (req) => reflections.prompts(req.ctx, req.params.id),
  );

  app.put(
    '/courses/:id/reflection-prompts',
    {
      config: { action: 'reflection.set_prompts' },
      schema: {
        tags: ['reflections'],
        summary: `Sets the prompts of a course's reflections (the whole list, in order, at most ${MAX_PROMPTS})`,
        params: IdParams,
        body: PromptsBody,
        response: { 200: PromptsOut },
      },
    },
    async (req) => reflections.setPrompts(req.ctx, req.params.id, req.body.prompts),
  );
};
