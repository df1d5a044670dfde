import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { MAX_MODERATORS, postCounts, type PostWhyNot, type ReportStatus } from '../domain/forum.js';
import { countedChars, type OnlineCompletionRule } from '../domain/online-course.js';
import { AppError } from '../errors/app-error.js';
import {
  createForumRepository,
  type ModeratorRow,
  type PostRow,
  type ReportRow,
  type TopicRow,
} from '../repositories/forum.repository.js';
import { createOnlineClassRepository, type OnlineClassRow } from '../repositories/online-class.repository.js';
import { auditedWrite } from './audit.js';
import type { RequestContext, ServiceDeps } from './context.js';
import type { ClassInfo } from './homework.service.js';
import { notify } from './notify.js';
import { moderates, requireClassRole, requireOpen, type ClassAccess, type ClassViewer } from './online-class-access.js';

/**
 * The originality check a post goes through (another part of the product plugs it in: the course's
 * texts, earlier years, the course's prompts): the highest similarity of the text to any of them, 0–1.
 */
export type OriginalityChecker = (courseId: number, text: string) => Promise<{ similarity: number }>;

export interface ForumOptions {
  /** when absent, every post counts as original */
  checkOriginality?: OriginalityChecker;
}

/**
 * Whether a new post counts toward participation: its length in Chinese characters against the
 * course's minimum, then (when long enough and a checker is plugged in) its similarity against the
 * course's threshold.
 *
 * @example await assessPost(7, '谢谢！你总是帮助我', { ...rule, minPostChars: 8 }) // { chars: 8, counts: true, … }
 */
export async function assessPost(
  courseId: number,
  body: string,
  rule: Pick<OnlineCompletionRule, 'minPostChars' | 'similarityThreshold'>,
  checkOriginality?: OriginalityChecker,
): Promise<{ chars: number; similarity: number | null; counts: boolean; whyNot: PostWhyNot | null }> {
  const chars = countedChars(body);
  const similarity =
    checkOriginality && chars >= rule.minPostChars ? (await checkOriginality(courseId, body)).similarity : null;
  const bounded = similarity === null ? null : Math.min(1, Math.max(0, similarity));
  return {
    chars,
    similarity: bounded,
    ...postCounts({
      chars,
      minChars: rule.minPostChars,
      similarity: bounded,
      threshold: rule.similarityThreshold,
      hidden: false,
    }),
  };
}

/** How many of a teacher's posts in the class count toward participation. */
export async function countedPosts(db: Kysely<DB>, classId: number, teacherId: number): Promise<number> {
  const [r] = await createForumRepository(db).countedByTeacher(classId, teacherId);
  return r?.n ?? 0;
}

/** For every teacher who posted in the class, in one statement: the posts that count. */
export async function countedPostsByTeacher(db: Kysely<DB>, classId: number): Promise<Map<number, number>> {
  const rows = await createForumRepository(db).countedByTeacher(classId);
  return new Map(rows.map((r) => [r.teacherId, r.n]));
}

/** A post as its reader may see it: a hidden post's text only to its author and the moderators. */
export interface PostView {
  id: number;
  topicId: number;
  authorName: string;
  /** a tutor (trainer or admin), or a teacher of the class */
  authorKind: 'tutor' | 'teacher';
  authorModerates: boolean;
  orgUnitName: string | null;
  mine: boolean;
  opening: boolean;
  body: string | null;
  chars: number;
  /** whether it counts, and why not: to its author and the moderators */
  counts: boolean | null;
  whyNot: PostWhyNot | null;
  hidden: boolean;
  hiddenReason: string | null;
  createdAt: Date;
}

export interface ViewerInfo {
  tutor: boolean;
  moderator: boolean;
  teacherId: number | null;
}

const viewerInfo = (v: ClassViewer): ViewerInfo => ({
  tutor: v.kind === 'tutor',
  moderator: moderates(v),
  teacherId: v.kind === 'member' ? v.teacherId : null,
});

const classInfo = (c: OnlineClassRow): ClassInfo => ({
  id: c.id,
  name: c.name,
  status: c.status,
  projectTitle: c.projectTitle,
  courseTitle: c.courseTitle ?? '',
});

/** Where a reader opens a topic: the teachers' page or the tutors' page. */
export const topicLink = (classId: number, topicId: number, teacher: boolean) =>
  teacher ? `/me/study/${classId}/forum/${topicId}` : `/study/classes/${classId}/forum/${topicId}`;

/**
 * The class forum (班级研讨): topics and replies of an online class; moderators (its tutors and the
 * teachers they choose) pin, lock, hide and answer reports. Each post is decided when written: it
 * counts toward participation when long enough and original (`options.checkOriginality`).
 */
export function createForumService(deps: ServiceDeps, options: ForumOptions = {}) {
  const { db } = deps;
  const repo = createForumRepository(db);
  const classes = createOnlineClassRepository(db);

  function view(p: PostRow, v: ClassViewer, moderatorTeachers: ReadonlySet<number>): PostView {
    const mine = p.authorId === v.actor.userId;
    const privy = mine || moderates(v);
    const hidden = p.hiddenAt !== null;
    return {
      id: p.id,
      topicId: p.topicId,
      authorName: p.authorName,
      authorKind: p.teacherId === null ? 'tutor' : 'teacher',
      authorModerates: p.teacherId === null || moderatorTeachers.has(p.teacherId),
      orgUnitName: p.orgUnitName,
      mine,
      opening: p.opening,
      body: hidden && !privy ? null : p.body,
      chars: p.chars,
      counts: privy ? p.counts : null,
      whyNot: privy ? p.whyNot : null,
      hidden,
      hiddenReason: privy ? p.hiddenReason : null,
      createdAt: p.createdAt,
    };
  }

  async function moderatorSet(classId: number): Promise<Set<number>> {
    return new Set((await repo.moderators(classId)).map((m) => m.teacherId));
  }

  async function topicAccess(
    ctx: RequestContext,
    action: string,
    topicId: number,
    need: 'anyone' | 'moderator',
  ): Promise<ClassAccess & { topic: TopicRow }> {
    const topic = await repo.topic(topicId);
    if (!topic) throw new AppError('NOT_FOUND');
    const access = await requireClassRole(db, ctx, action, topic.classId, need, { type: 'forum_topic', id: topicId });
    return { ...access, topic };
  }

  async function postAccess(
    ctx: RequestContext,
    action: string,
    postId: number,
    need: 'anyone' | 'moderator',
  ): Promise<ClassAccess & { post: PostRow }> {
    const post = await repo.post(postId);
    if (!post) throw new AppError('NOT_FOUND');
    const access = await requireClassRole(db, ctx, action, post.classId, need, { type: 'forum_post', id: postId });
    return { ...access, post };
  }

  /** Writes a post (a topic's opening one or a reply), decided as counting or not. */
  async function writePost(
    trx: Kysely<DB>,
    cls: ClassAccess['cls'],
    v: ClassViewer,
    topicId: number,
    body: string,
    opening: boolean,
  ) {
    const a = await assessPost(cls.courseId, body, cls.completion, options.checkOriginality);
    const id = await createForumRepository(trx).insertPost({
      provinceId: cls.provinceId,
      classId: cls.id,
      topicId,
      authorId: v.actor.userId,
      teacherId: v.kind === 'member' ? v.teacherId : null,
      opening,
      body,
      chars: a.chars,
      similarity: a.similarity,
      counts: a.counts,
      whyNot: a.whyNot,
    });
    return { id, ...a };
  }

  const pathOf = (cls: OnlineClassRow, v: ClassViewer) => (v.kind === 'member' ? v.teacherPath : cls.projectPath);

  /** Hides a post, answers its open reports, and tells its author why. */
  async function hideInTransaction(
    trx: Kysely<DB>,
    cls: OnlineClassRow,
    viewer: ClassViewer,
    postId: number,
    reason: string,
    answer: string | null,
  ): Promise<void> {
    const r = createForumRepository(trx);
    const p = (await r.post(postId, true))!;
    if (p.hiddenAt !== null) throw new AppError('FORUM_STATE');
    await r.hide(postId, { reason, by: viewer.actor.userId });
    await r.answerReports({ postId }, { status: 'hidden', answer: answer ?? reason, by: viewer.actor.userId });
    const topic = (await r.topic(p.topicId))!;
    await notify(trx, {
      to: { users: [p.authorId] },
      kind: 'forum_post_hidden',
      params: { className: cls.name, topic: topic.title, reason },
      link: topicLink(cls.id, p.topicId, p.teacherId !== null),
      senderId: viewer.actor.userId,
    });
  }

  return {
    /** One page of the class's topics, pinned first, with the course's rule and the reader's counted posts. */
    async topics(
      ctx: RequestContext,
      classId: number,
      page: { limit: number; offset: number },
    ): Promise<{
      cls: ClassInfo;
      viewer: ViewerInfo;
      rule: { minPostChars: number; postsRequired: number };
      counted: number | null;
      items: TopicRow[];
      total: number;
    }> {
      const { cls, viewer } = await requireClassRole(db, ctx, 'forum.list_topics', classId, 'anyone');
      const [list, counted] = await Promise.all([
        repo.topics(cls.id, page),
        viewer.kind === 'member' ? countedPosts(db, cls.id, viewer.teacherId) : Promise.resolve(null),
      ]);
      return {
        cls: classInfo(cls),
        viewer: viewerInfo(viewer),
        rule: { minPostChars: cls.completion.minPostChars, postsRequired: cls.completion.postsRequired },
        counted,
        ...list,
      };
    },

    async createTopic(
      ctx: RequestContext,
      classId: number,
      input: { title: string; body: string },
    ): Promise<{ topicId: number; post: PostView }> {
      const action = 'forum.create_topic';
      const { cls, viewer } = await requireClassRole(db, ctx, action, classId, 'anyone');
      requireOpen(cls);
      const r = await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'forum_topic',
          targetPath: pathOf(cls, viewer),
          targetLabel: `${cls.name} / ${input.title}`,
          details: { classId: cls.id },
        },
        async (trx, meta) => {
          const topicId = await createForumRepository(trx).insertTopic({
            provinceId: cls.provinceId,
            classId: cls.id,
            title: input.title,
            authorId: viewer.actor.userId,
          });
          const post = await writePost(trx, cls, viewer, topicId, input.body, true);
          meta.targetId = topicId;
          meta.details = { ...meta.details, chars: post.chars, counts: post.counts };
          return { topicId, postId: post.id };
        },
      );
      return { topicId: r.topicId, post: view((await repo.post(r.postId))!, viewer, await moderatorSet(cls.id)) };
    },

    /** A topic with one page of its posts. */
    async topic(
      ctx: RequestContext,
      topicId: number,
      page: { limit: number; offset: number },
    ): Promise<{
      cls: ClassInfo;
      viewer: ViewerInfo;
      rule: { minPostChars: number; postsRequired: number };
      topic: TopicRow;
      posts: PostView[];
      total: number;
    }> {
      const { cls, viewer, topic } = await topicAccess(ctx, 'forum.read_topic', topicId, 'anyone');
      const [posts, mods] = await Promise.all([repo.posts(topicId, page), moderatorSet(cls.id)]);
      return {
        cls: classInfo(cls),
        viewer: viewerInfo(viewer),
        rule: { minPostChars: cls.completion.minPostChars, postsRequired: cls.completion.postsRequired },
        topic,
        posts: posts.items.map((p) => view(p, viewer, mods)),
        total: posts.total,
      };
    },

    /** A reply; a locked topic takes none. */
    async reply(ctx: RequestContext, topicId: number, body: string): Promise<PostView> {
      const action = 'forum.reply';
      const { cls, viewer, topic } = await topicAccess(ctx, action, topicId, 'anyone');
      requireOpen(cls);
      const postId = await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'forum_topic',
          targetId: topicId,
          targetPath: pathOf(cls, viewer),
          targetLabel: `${cls.name} / ${topic.title}`,
        },
        async (trx, meta) => {
          const locked = await createForumRepository(trx).topic(topicId, true);
          if (locked?.locked) throw new AppError('FORUM_TOPIC_LOCKED');
          const post = await writePost(trx, cls, viewer, topicId, body, false);
          meta.details = { postId: post.id, chars: post.chars, counts: post.counts };
          return post.id;
        },
      );
      return view((await repo.post(postId))!, viewer, await moderatorSet(cls.id));
    },

    /** Pins or unpins, locks or unlocks a topic (moderators). */
    async setTopicFlags(
      ctx: RequestContext,
      topicId: number,
      flags: { pinned?: boolean; locked?: boolean },
    ): Promise<TopicRow> {
      const action = 'forum.moderate_topic';
      const { cls, topic, viewer } = await topicAccess(ctx, action, topicId, 'moderator');
      await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'forum_topic',
          targetId: topicId,
          targetPath: pathOf(cls, viewer),
          targetLabel: `${cls.name} / ${topic.title}`,
          details: flags,
        },
        (trx) => createForumRepository(trx).setTopicFlags(topicId, flags),
      );
      return (await repo.topic(topicId))!;
    },

    /** Hides a post with the reason (its author sees that and why; it no longer counts). */
    async hidePost(ctx: RequestContext, postId: number, reason: string): Promise<PostView> {
      const action = 'forum.hide_post';
      const { cls, viewer, post } = await postAccess(ctx, action, postId, 'moderator');
      await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'forum_post',
          targetId: postId,
          targetPath: pathOf(cls, viewer),
          targetLabel: `${cls.name} / ${post.authorName}`,
          details: { reason },
        },
        async (trx) => hideInTransaction(trx, cls, viewer, postId, reason, reason),
      );
      return view((await repo.post(postId))!, viewer, await moderatorSet(cls.id));
    },

    /** Shows a hidden post again; whether it counts is decided anew under the course's rule. */
    async unhidePost(ctx: RequestContext, postId: number): Promise<PostView> {
      const action = 'forum.unhide_post';
      const { cls, viewer, post } = await postAccess(ctx, action, postId, 'moderator');
      await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'forum_post',
          targetId: postId,
          targetPath: pathOf(cls, viewer),
          targetLabel: `${cls.name} / ${post.authorName}`,
        },
        async (trx) => {
          const r = createForumRepository(trx);
          const p = (await r.post(postId, true))!;
          if (p.hiddenAt === null) throw new AppError('FORUM_STATE');
          const d = postCounts({
            chars: p.chars,
            minChars: cls.completion.minPostChars,
            similarity: p.similarity,
            threshold: cls.completion.similarityThreshold,
            hidden: false,
          });
          await r.unhide(postId, d);
        },
      );
      return view((await repo.post(postId))!, viewer, await moderatorSet(cls.id));
    },

    /** A member reports a post to the moderators, with the reason. */
    async report(ctx: RequestContext, postId: number, reason: string): Promise<{ reportId: number }> {
      const action = 'forum.report';
      const { cls, viewer, post } = await postAccess(ctx, action, postId, 'anyone');
      if (post.hiddenAt !== null) throw new AppError('FORUM_STATE');
      const topic = (await repo.topic(post.topicId))!;
      const [trainers, moderatorUsers] = await Promise.all([
        classes.trainerUserIds(cls.id),
        classes.moderatorUserIds(cls.id),
      ]);
      const teacherModerators = moderatorUsers.filter((u) => !trainers.includes(u));
      const reportId = await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'forum_post',
          targetId: postId,
          targetPath: pathOf(cls, viewer),
          targetLabel: `${cls.name} / ${topic.title}`,
          details: { reason },
        },
        async (trx) => {
          const id = await createForumRepository(trx).insertReport({
            provinceId: cls.provinceId,
            classId: cls.id,
            postId,
            reporterId: viewer.actor.userId,
            reason,
          });
          if (id === undefined) throw new AppError('FORUM_ALREADY_REPORTED');
          const params = { className: cls.name, topic: topic.title, reason };
          // the tutors (or, with none, the organiser's admins) on their page, the chosen teachers on theirs
          await notify(trx, {
            to: trainers.length ? { users: trainers } : { adminsAt: [cls.projectOrgUnitId] },
            kind: 'forum_reported',
            params,
            link: `/study/classes/${cls.id}/forum?tab=reports`,
            senderId: viewer.actor.userId,
          });
          if (teacherModerators.length)
            await notify(trx, {
              to: { users: teacherModerators },
              kind: 'forum_reported',
              params,
              link: `/me/study/${cls.id}/forum?tab=reports`,
              senderId: viewer.actor.userId,
            });
          return id;
        },
      );
      return { reportId };
    },

    /** The reports of the class, open ones first (moderators). */
    async reports(
      ctx: RequestContext,
      classId: number,
      q: { status?: ReportStatus; limit: number; offset: number },
    ): Promise<{ cls: ClassInfo; viewer: ViewerInfo; items: ReportRow[]; total: number }> {
      const { cls, viewer } = await requireClassRole(db, ctx, 'forum.list_reports', classId, 'moderator');
      return { cls: classInfo(cls), viewer: viewerInfo(viewer), ...(await repo.reports(cls.id, q)) };
    },

    /** Answers a report: dismissed (the post stays), or the post hidden with the answer as the reason. */
    async answerReport(
      ctx: RequestContext,
      reportId: number,
      input: { decision: 'dismiss' | 'hide'; answer: string | null },
    ): Promise<void> {
      const action = 'forum.answer_report';
      const report = await repo.report(reportId);
      if (!report) throw new AppError('NOT_FOUND');
      const { cls, viewer } = await requireClassRole(db, ctx, action, report.classId, 'moderator', {
        type: 'forum_report',
        id: reportId,
      });
      if (input.decision === 'hide' && !input.answer) throw new AppError('VALIDATION_FAILED');
      await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'forum_report',
          targetId: reportId,
          targetPath: pathOf(cls, viewer),
          targetLabel: cls.name,
          details: { decision: input.decision, postId: report.postId },
        },
        async (trx) => {
          const r = createForumRepository(trx);
          const locked = await r.report(reportId, true);
          if (locked?.status !== 'open') throw new AppError('FORUM_STATE');
          if (input.decision === 'hide') {
            const p = (await r.post(report.postId, true))!;
            if (p.hiddenAt === null) await hideInTransaction(trx, cls, viewer, report.postId, input.answer!, null);
            else
              await r.answerReports(
                { postId: report.postId },
                { status: 'hidden', answer: input.answer, by: viewer.actor.userId },
              );
          } else
            await r.answerReports({ reportId }, { status: 'dismissed', answer: input.answer, by: viewer.actor.userId });
        },
      );
    },

    /** The chosen moderators, and enrolled teachers to choose from by name (tutors). */
    async moderators(
      ctx: RequestContext,
      classId: number,
      q: { name?: string },
    ): Promise<{ cls: ClassInfo; moderators: ModeratorRow[]; candidates: ModeratorRow[] }> {
      const { cls } = await requireClassRole(db, ctx, 'forum.list_moderators', classId, 'tutor');
      const [moderators, candidates] = await Promise.all([
        repo.moderators(cls.id),
        repo.members(cls.id, { name: q.name, limit: 50 }),
      ]);
      return { cls: classInfo(cls), moderators, candidates };
    },

    /** Sets the teachers who moderate beside the tutors: enrolled teachers of the class, at most 20. */
    async setModerators(ctx: RequestContext, classId: number, teacherIds: number[]): Promise<ModeratorRow[]> {
      const action = 'forum.set_moderators';
      const { cls, viewer } = await requireClassRole(db, ctx, action, classId, 'tutor');
      const ids = [...new Set(teacherIds)];
      const invalid = () =>
        new AppError('FORUM_MODERATOR_INVALID', { params: { max: MAX_MODERATORS }, details: { max: MAX_MODERATORS } });
      if (ids.length > MAX_MODERATORS) throw invalid();
      await auditedWrite(
        db,
        ctx,
        {
          action,
          targetType: 'training_class',
          targetId: cls.id,
          targetPath: cls.projectPath,
          targetLabel: `${cls.projectTitle} / ${cls.name}`,
          details: { teacherIds: ids },
        },
        async (trx) => {
          const r = createForumRepository(trx);
          if ((await r.enrolledAmong(cls.id, ids)).size !== ids.length) throw invalid();
          await r.setModerators(cls.id, ids, viewer.actor.userId);
        },
      );
      return repo.moderators(cls.id);
    },
  };
}

export type ForumService = ReturnType<typeof createForumService>;
