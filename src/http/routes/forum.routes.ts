import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { MAX_MODERATORS, POST_WHY_NOT, REPORT_STATUSES } from '../../domain/forum.js';
import type { ModeratorRow, ReportRow, TopicRow } from '../../repositories/forum.repository.js';
import type { PostView, ViewerInfo } from '../../services/forum.service.js';
import type { Services } from '../../services/services.js';
import { iso } from '../presenters.js';
import { IdParams, Paging, zBodyId, zParagraphs, zText } from '../schemas.js';
import { ClassInfoOut, presentClassInfo } from './homework.routes.js';

const ViewerOut = z.object({ tutor: z.boolean(), moderator: z.boolean(), teacherId: z.number().nullable() });
const RuleOut = z.object({ minPostChars: z.number(), postsRequired: z.number() });
const TopicOut = z.object({
  id: z.number(),
  classId: z.number(),
  title: z.string(),
  authorName: z.string(),
  pinned: z.boolean(),
  locked: z.boolean(),
  replies: z.number(),
  lastPostAt: z.string(),
  createdAt: z.string(),
});
const PostOut = z.object({
  id: z.number(),
  topicId: z.number(),
  authorName: z.string(),
  authorKind: z.enum(['tutor', 'teacher']),
  authorModerates: z.boolean(),
  orgUnitName: z.string().nullable(),
  mine: z.boolean(),
  opening: z.boolean(),
  /** null: hidden, and the reader is neither its author nor a moderator */
  body: z.string().nullable(),
  chars: z.number(),
  /** whether it counts toward participation, and why not: to its author and the moderators */
  counts: z.boolean().nullable(),
  whyNot: z.enum(POST_WHY_NOT).nullable(),
  hidden: z.boolean(),
  hiddenReason: z.string().nullable(),
  createdAt: z.string(),
});
const ReportOut = z.object({
  id: z.number(),
  postId: z.number(),
  topicId: z.number(),
  topicTitle: z.string(),
  postAuthorName: z.string(),
  postExcerpt: z.string(),
  postHidden: z.boolean(),
  reporterName: z.string(),
  reason: z.string(),
  status: z.enum(REPORT_STATUSES),
  answer: z.string().nullable(),
  handledByName: z.string().nullable(),
  handledAt: z.string().nullable(),
  createdAt: z.string(),
});
const ModeratorOut = z.object({ teacherId: z.number(), name: z.string(), orgUnitName: z.string() });

export const TopicRequest = z.object({ title: zText(100), body: zParagraphs(20_000) }).strict();
export const PostRequest = z.object({ body: zParagraphs(20_000) }).strict();
export const ReasonRequest = z.object({ reason: zText(500) }).strict();
export const FlagsRequest = z
  .object({ pinned: z.boolean().optional(), locked: z.boolean().optional() })
  .strict()
  .refine((f) => f.pinned !== undefined || f.locked !== undefined, { message: 'required' });
export const AnswerRequest = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('dismiss'), answer: zText(500).nullable().optional() }).strict(),
  z.object({ decision: z.literal('hide'), answer: zText(500) }).strict(),
]);

const presentTopic = (t: TopicRow): z.infer<typeof TopicOut> => ({
  id: t.id,
  classId: t.classId,
  title: t.title,
  authorName: t.authorName,
  pinned: t.pinned,
  locked: t.locked,
  replies: t.replies,
  lastPostAt: t.lastPostAt.toISOString(),
  createdAt: t.createdAt.toISOString(),
});
const presentPost = (p: PostView): z.infer<typeof PostOut> => ({ ...p, createdAt: p.createdAt.toISOString() });
const presentReport = (r: ReportRow): z.infer<typeof ReportOut> => ({
  id: r.id,
  postId: r.postId,
  topicId: r.topicId,
  topicTitle: r.topicTitle,
  postAuthorName: r.postAuthorName,
  postExcerpt: r.postExcerpt,
  postHidden: r.postHidden,
  reporterName: r.reporterName,
  reason: r.reason,
  status: r.status,
  answer: r.answer,
  handledByName: r.handledByName,
  handledAt: iso(r.handledAt),
  createdAt: r.createdAt.toISOString(),
});
const presentViewer = (v: ViewerInfo): z.infer<typeof ViewerOut> => v;
const presentModerator = (m: ModeratorRow): z.infer<typeof ModeratorOut> => m;

/** The forum of an online class (班级研讨): topics, replies, moderation, reports, moderators. */
export const forumRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const forum = services.forum;
  const page = (q: { page: number; pageSize: number }) => ({ limit: q.pageSize, offset: (q.page - 1) * q.pageSize });

  app.get(
    '/classes/:id/forum/topics',
    {
      config: { action: 'forum.list_topics' },
      schema: {
        tags: ['forum'],
        summary:
          "One page of the class forum's topics, pinned first, with the course's minimum post length and the reader's counted posts",
        params: IdParams,
        querystring: z.object(Paging),
        response: {
          200: z.object({
            class: ClassInfoOut,
            viewer: ViewerOut,
            rule: RuleOut,
            counted: z.number().nullable(),
            items: z.array(TopicOut),
            total: z.number(),
          }),
        },
      },
    },
    async (req) => {
      const r = await forum.topics(req.ctx, req.params.id, page(req.query));
      return {
        class: presentClassInfo(r.cls),
        viewer: presentViewer(r.viewer),
        rule: r.rule,
        counted: r.counted,
        items: r.items.map(presentTopic),
        total: r.total,
      };
    },
  );

  app.post(
    '/classes/:id/forum/topics',
    {
      config: { action: 'forum.create_topic' },
      schema: {
        tags: ['forum'],
        summary: 'Starts a topic with its opening post (which counts when long enough in Chinese characters)',
        params: IdParams,
        body: TopicRequest,
        response: { 201: z.object({ topicId: z.number(), post: PostOut }) },
      },
    },
    async (req, reply) => {
      const r = await forum.createTopic(req.ctx, req.params.id, req.body);
      return reply.status(201).send({ topicId: r.topicId, post: presentPost(r.post) });
    },
  );

  app.get(
    '/forum/topics/:id',
    {
      config: { action: 'forum.read_topic' },
      schema: {
        tags: ['forum'],
        summary:
          'A topic with one page of its posts (a hidden post shows its text to its author and the moderators only)',
        params: IdParams,
        querystring: z.object({ ...Paging, pageSize: Paging.pageSize.default(50) }),
        response: {
          200: z.object({
            class: ClassInfoOut,
            viewer: ViewerOut,
            rule: RuleOut,
            topic: TopicOut,
            posts: z.array(PostOut),
            total: z.number(),
          }),
        },
      },
    },
    async (req) => {
      const r = await forum.topic(req.ctx, req.params.id, page(req.query));
      return {
        class: presentClassInfo(r.cls),
        viewer: presentViewer(r.viewer),
        rule: r.rule,
        topic: presentTopic(r.topic),
        posts: r.posts.map(presentPost),
        total: r.total,
      };
    },
  );

  app.post(
    '/forum/topics/:id/posts',
    {
      config: { action: 'forum.reply' },
      schema: {
        tags: ['forum'],
        summary: 'Replies to a topic; a locked topic takes no reply (FORUM_TOPIC_LOCKED)',
        params: IdParams,
        body: PostRequest,
        response: { 201: z.object({ post: PostOut }) },
      },
    },
    async (req, reply) =>
      reply.status(201).send({ post: presentPost(await forum.reply(req.ctx, req.params.id, req.body.body)) }),
  );

  app.patch(
    '/forum/topics/:id',
    {
      config: { action: 'forum.moderate_topic' },
      schema: {
        tags: ['forum'],
        summary: 'Pins or locks a topic, or undoes it (moderators)',
        params: IdParams,
        body: FlagsRequest,
        response: { 200: z.object({ topic: TopicOut }) },
      },
    },
    async (req) => ({ topic: presentTopic(await forum.setTopicFlags(req.ctx, req.params.id, req.body)) }),
  );

  app.post(
    '/forum/posts/:id/hide',
    {
      config: { action: 'forum.hide_post' },
      schema: {
        tags: ['forum'],
        summary: 'Hides a post with the reason; its author is told, and it no longer counts (moderators)',
        params: IdParams,
        body: ReasonRequest,
        response: { 200: z.object({ post: PostOut }) },
      },
    },
    async (req) => ({ post: presentPost(await forum.hidePost(req.ctx, req.params.id, req.body.reason)) }),
  );

  app.post(
    '/forum/posts/:id/unhide',
    {
      config: { action: 'forum.unhide_post' },
      schema: {
        tags: ['forum'],
        summary: 'Shows a hidden post again (moderators)',
        params: IdParams,
        response: { 200: z.object({ post: PostOut }) },
      },
    },
    async (req) => ({ post: presentPost(await forum.unhidePost(req.ctx, req.params.id)) }),
  );

  app.post(
    '/forum/posts/:id/reports',
    {
      config: { action: 'forum.report' },
      schema: {
        tags: ['forum'],
        summary: 'Reports a post to the moderators, with the reason',
        params: IdParams,
        body: ReasonRequest,
        response: { 201: z.object({ reportId: z.number() }) },
      },
    },
    async (req, reply) => reply.status(201).send(await forum.report(req.ctx, req.params.id, req.body.reason)),
  );

  app.get(
    '/classes/:id/forum/reports',
    {
      config: { action: 'forum.list_reports' },
      schema: {
        tags: ['forum'],
        summary: "The class forum's reports, open ones first (moderators)",
        params: IdParams,
        querystring: z.object({ status: z.enum(REPORT_STATUSES).optional(), ...Paging }),
        response: {
          200: z.object({ class: ClassInfoOut, viewer: ViewerOut, items: z.array(ReportOut), total: z.number() }),
        },
      },
    },
    async (req) => {
      const r = await forum.reports(req.ctx, req.params.id, { status: req.query.status, ...page(req.query) });
      return {
        class: presentClassInfo(r.cls),
        viewer: presentViewer(r.viewer),
        items: r.items.map(presentReport),
        total: r.total,
      };
    },
  );

  app.post(
    '/forum/reports/:id/answer',
    {
      config: { action: 'forum.answer_report' },
      schema: {
        tags: ['forum'],
        summary: 'Answers a report: dismissed, or the post hidden with the answer as the reason (moderators)',
        params: IdParams,
        body: AnswerRequest,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await forum.answerReport(req.ctx, req.params.id, {
        decision: req.body.decision,
        answer: req.body.answer ?? null,
      });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/classes/:id/forum/moderators',
    {
      config: { action: 'forum.list_moderators' },
      schema: {
        tags: ['forum'],
        summary: "The teachers chosen as the forum's moderators, and enrolled teachers to choose from by name (tutors)",
        params: IdParams,
        querystring: z.object({ q: zText(50).optional() }),
        response: {
          200: z.object({
            class: ClassInfoOut,
            moderators: z.array(ModeratorOut),
            candidates: z.array(ModeratorOut),
          }),
        },
      },
    },
    async (req) => {
      const r = await forum.moderators(req.ctx, req.params.id, { name: req.query.q });
      return {
        class: presentClassInfo(r.cls),
        moderators: r.moderators.map(presentModerator),
        candidates: r.candidates.map(presentModerator),
      };
    },
  );

  app.put(
    '/classes/:id/forum/moderators',
    {
      config: { action: 'forum.set_moderators' },
      schema: {
        tags: ['forum'],
        summary: `Chooses the teachers who moderate the forum beside its tutors (enrolled teachers, at most ${MAX_MODERATORS})`,
        params: IdParams,
        body: z.object({ teacherIds: z.array(zBodyId).max(200) }).strict(),
        response: { 200: z.object({ moderators: z.array(ModeratorOut) }) },
      },
    },
    async (req) => ({
      moderators: (await forum.setModerators(req.ctx, req.params.id, req.body.teacherIds)).map(presentModerator),
    }),
  );
};
