import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { actorAt, buildTree, type Tree } from '../../test/support/fixtures.js';
import { seedTeacher } from '../../test/support/ledger.js';
import { seedOnlineClass } from '../../test/support/homework-class.js';
import { DEFAULT_ONLINE_COMPLETION } from '../domain/online-course.js';
import { AppError } from '../errors/app-error.js';
import type { RequestContext } from './context.js';
import { assessPost, countedPosts, countedPostsByTeacher, createForumService } from './forum.service.js';
import { createHomeService } from './home.service.js';
import { createServices } from './services.js';

let t: TestDatabase;
let tree: Tree;
let forum: ReturnType<typeof createForumService>;
let home: ReturnType<typeof createHomeService>;
let trainer: RequestContext;
let otherTrainer: RequestContext;
let county: RequestContext;
const teachers: Array<{ id: number; ctx: RequestContext; name: string }> = [];
let outsider: RequestContext;
let classId: number;
let topicId: number;

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: unknown) => (e instanceof AppError ? e.code : String(e)),
  );
const messagesOf = (userId: number, kind: string) =>
  t.db
    .selectFrom('message')
    .select(['params', 'link'])
    .where('recipient_id', '=', userId)
    .where('kind', '=', kind)
    .orderBy('id')
    .execute();

beforeAll(async () => {
  t = await createTestDatabase();
  tree = await buildTree(t.db);
  forum = createForumService({ db: t.db, env: t.env });
  home = createHomeService({ db: t.db, env: t.env }, createServices({ db: t.db, env: t.env }));
  trainer = await actorAt(t.db, tree.I1, 'trainer', 'forum-tutor');
  otherTrainer = await actorAt(t.db, tree.I1, 'trainer', 'forum-other');
  county = await actorAt(t.db, tree.K1, 'county_admin', 'forum-county');
  for (let i = 0; i < 3; i++) {
    const id = await seedTeacher(t.db, t.env, tree.S1);
    const ctx = await actorAt(t.db, tree.S1, 'teacher', `forum-teacher-${i}`);
    await t.db.updateTable('teacher').set({ user_id: ctx.actor!.userId }).where('id', '=', id).execute();
    const { name } = await t.db.selectFrom('teacher').select('name').where('id', '=', id).executeTakeFirstOrThrow();
    teachers.push({ id, ctx, name });
  }
  const o = await seedTeacher(t.db, t.env, tree.S2);
  outsider = await actorAt(t.db, tree.S2, 'teacher', 'forum-outsider');
  await t.db.updateTable('teacher').set({ user_id: outsider.actor!.userId }).where('id', '=', o).execute();
  // the course asks for 8 Chinese characters a post
  ({ classId } = await seedOnlineClass(t.db, tree.K1, {
    trainers: [trainer.actor!.userId],
    teachers: teachers.map((x) => x.id),
    completion: { minPostChars: 8, postsRequired: 2 },
  }));
});

afterAll(() => t.close());

describe('whether a post counts', () => {
  const rule = { minPostChars: 8, similarityThreshold: 0.5 };

  it('counts length in Chinese characters: "谢谢！你总是帮助我" is 8, and long enough for a minimum of 8', async () => {
    expect(await assessPost(1, '谢谢！你总是帮助我', rule)).toEqual({
      chars: 8,
      similarity: null,
      counts: true,
      whyNot: null,
    });
    expect(await assessPost(1, '谢谢！你帮我', rule)).toMatchObject({ chars: 5, counts: false, whyNot: 'too_short' });
  });

  it('with an originality checker plugged in, a post at or above the course’s threshold is not original', async () => {
    const asked: Array<[number, string]> = [];
    const checker = async (courseId: number, text: string) => {
      asked.push([courseId, text]);
      return { similarity: text.includes('抄') ? 0.8 : 0.1 };
    };
    expect(await assessPost(7, '这是一段抄来的十几个字的回帖内容', rule, checker)).toMatchObject({
      similarity: 0.8,
      counts: false,
      whyNot: 'not_original',
    });
    expect(await assessPost(7, '这是一段自己写的十几个字的回帖内容', rule, checker)).toMatchObject({
      similarity: 0.1,
      counts: true,
    });
    // too short: not checked at all
    expect(await assessPost(7, '抄', rule, checker)).toMatchObject({ similarity: null, whyNot: 'too_short' });
    expect(asked.map(([c]) => c)).toEqual([7, 7]);
    // without a checker every post is original
    expect(await assessPost(7, '这是一段抄来的十几个字的回帖内容', rule)).toMatchObject({ counts: true });
    expect(DEFAULT_ONLINE_COMPLETION.similarityThreshold).toBe(0.5);
  });
});

describe('topics and replies', () => {
  it('are read and written by the class’s teachers and tutors only', async () => {
    const r = await forum.createTopic(teachers[0]!.ctx, classId, {
      title: '如何设计课堂提问',
      body: '大家在课堂提问设计上有什么好经验？欢迎分享。',
    });
    topicId = r.topicId;
    expect(r.post).toMatchObject({ opening: true, counts: true, mine: true, authorName: teachers[0]!.name });
    expect(await codeOf(forum.topics(outsider, classId, { limit: 20, offset: 0 }))).toBe('NOT_FOUND');
    expect(await codeOf(forum.topics(otherTrainer, classId, { limit: 20, offset: 0 }))).toBe('NOT_FOUND');
    expect(await codeOf(forum.topic(county, topicId, { limit: 20, offset: 0 }))).toBe('OK');
    const list = await forum.topics(teachers[1]!.ctx, classId, { limit: 20, offset: 0 });
    expect(list.rule).toEqual({ minPostChars: 8, postsRequired: 2 });
    expect(list.items.map((x) => x.title)).toEqual(['如何设计课堂提问']);
    expect(list.viewer).toEqual({ tutor: false, moderator: false, teacherId: teachers[1]!.id });
  });

  it('decides each reply: long enough counts, short does not; the author and the moderators see why', async () => {
    const short = await forum.reply(teachers[1]!.ctx, topicId, '同意！');
    expect(short).toMatchObject({ counts: false, whyNot: 'too_short', chars: 2 });
    const thanks = await forum.reply(teachers[1]!.ctx, topicId, '谢谢！你总是帮助我');
    expect(thanks).toMatchObject({ counts: true, whyNot: null, chars: 8 });
    const answer = await forum.reply(trainer, topicId, '可以从开放性问题入手，留足等待时间。');
    expect(answer).toMatchObject({ authorKind: 'tutor', authorModerates: true });
    const asOther = await forum.topic(teachers[2]!.ctx, topicId, { limit: 50, offset: 0 });
    expect(asOther.posts.map((p) => p.counts)).toEqual([null, null, null, null]);
    const asTutor = await forum.topic(trainer, topicId, { limit: 50, offset: 0 });
    expect(asTutor.posts.map((p) => p.whyNot)).toEqual([null, 'too_short', null, null]);
    expect(asTutor.topic.replies).toBe(3);
    expect(await countedPosts(t.db, classId, teachers[1]!.id)).toBe(1);
    expect(await countedPosts(t.db, classId, teachers[0]!.id)).toBe(1);
    const all = await countedPostsByTeacher(t.db, classId);
    expect(Object.fromEntries(all)).toEqual({ [teachers[0]!.id]: 1, [teachers[1]!.id]: 1 });
    // trainers' posts count for no teacher
    expect(all.size).toBe(2);
  });

  it('refuses replies once locked, until unlocked; only moderators lock and pin', async () => {
    expect(await codeOf(forum.setTopicFlags(teachers[0]!.ctx, topicId, { locked: true }))).toBe('FORBIDDEN');
    await forum.setTopicFlags(trainer, topicId, { locked: true, pinned: true });
    expect(await codeOf(forum.reply(teachers[2]!.ctx, topicId, '锁定之后还想再说几句话'))).toBe('FORUM_TOPIC_LOCKED');
    expect(await codeOf(forum.reply(trainer, topicId, '锁定之后辅导老师也不能回复'))).toBe('FORUM_TOPIC_LOCKED');
    await forum.setTopicFlags(trainer, topicId, { locked: false });
    expect(await codeOf(forum.reply(teachers[2]!.ctx, topicId, '解锁之后可以继续讨论了吧'))).toBe('OK');
    // pinned topics come first
    await forum.createTopic(teachers[2]!.ctx, classId, { title: '新主题', body: '一个比较新的讨论主题内容' });
    const list = await forum.topics(teachers[0]!.ctx, classId, { limit: 20, offset: 0 });
    expect(list.items.map((x) => [x.title, x.pinned])).toEqual([
      ['如何设计课堂提问', true],
      ['新主题', false],
    ]);
  });
});

describe('hiding, reports and moderators', () => {
  it('hides a post with a reason: it stops counting, others no longer read it, its author sees why', async () => {
    const post = await forum.reply(teachers[2]!.ctx, topicId, '这里有一段广告推广内容，请勿相信');
    // the new topic's opening post, the reply after unlocking, and this one
    expect(await countedPosts(t.db, classId, teachers[2]!.id)).toBe(3);
    const hidden = await forum.hidePost(trainer, post.id, '含广告内容');
    expect(hidden).toMatchObject({ hidden: true, counts: false, whyNot: 'hidden', hiddenReason: '含广告内容' });
    expect(await countedPosts(t.db, classId, teachers[2]!.id)).toBe(2);
    const asOther = (await forum.topic(teachers[0]!.ctx, topicId, { limit: 50, offset: 0 })).posts.find(
      (p) => p.id === post.id,
    )!;
    expect(asOther).toMatchObject({ hidden: true, body: null, hiddenReason: null });
    const asAuthor = (await forum.topic(teachers[2]!.ctx, topicId, { limit: 50, offset: 0 })).posts.find(
      (p) => p.id === post.id,
    )!;
    expect(asAuthor).toMatchObject({
      hidden: true,
      body: '这里有一段广告推广内容，请勿相信',
      hiddenReason: '含广告内容',
    });
    const msg = (await messagesOf(teachers[2]!.ctx.actor!.userId, 'forum_post_hidden')).at(-1)!;
    expect(msg.params).toMatchObject({ reason: '含广告内容', topic: '如何设计课堂提问' });
    expect(msg.link).toBe(`/me/study/${classId}/forum/${topicId}`);
    expect(await codeOf(forum.hidePost(trainer, post.id, '再藏一次'))).toBe('FORUM_STATE');
    // shown again, it counts again
    await forum.unhidePost(trainer, post.id);
    expect(await countedPosts(t.db, classId, teachers[2]!.id)).toBe(3);
  });

  it('takes a member’s report to the moderators (message and to-do), who dismiss it or hide the post', async () => {
    const target = await forum.reply(teachers[0]!.ctx, topicId, '这条回复里有不当言论需要处理');
    await forum.setModerators(trainer, classId, [teachers[1]!.id]);
    const { reportId } = await forum.report(teachers[2]!.ctx, target.id, '言辞不当');
    expect(await codeOf(forum.report(teachers[2]!.ctx, target.id, '再举报一次'))).toBe('FORUM_ALREADY_REPORTED');
    expect((await messagesOf(trainer.actor!.userId, 'forum_reported')).at(-1)).toMatchObject({
      params: expect.objectContaining({ reason: '言辞不当' }),
      link: `/study/classes/${classId}/forum?tab=reports`,
    });
    expect((await messagesOf(teachers[1]!.ctx.actor!.userId, 'forum_reported')).at(-1)!.link).toBe(
      `/me/study/${classId}/forum?tab=reports`,
    );
    const trainerHome = (await home.get(trainer)) as { todos: Array<{ kind: string; count: number }> };
    expect(trainerHome.todos).toContainEqual(expect.objectContaining({ kind: 'forum_reports', count: 1 }));
    const moderatorHome = (await home.get(teachers[1]!.ctx)) as { forumReports: unknown[] };
    expect(moderatorHome.forumReports).toEqual([{ classId, className: expect.any(String), count: 1 }]);
    // the chosen teacher moderates: reads the queue and answers
    expect(await codeOf(forum.reports(teachers[0]!.ctx, classId, { limit: 20, offset: 0 }))).toBe('FORBIDDEN');
    const queue = await forum.reports(teachers[1]!.ctx, classId, { status: 'open', limit: 20, offset: 0 });
    expect(queue.items.map((r) => [r.id, r.reason, r.postAuthorName])).toEqual([
      [reportId, '言辞不当', teachers[0]!.name],
    ]);
    await forum.answerReport(teachers[1]!.ctx, reportId, { decision: 'hide', answer: '言辞不当，已隐藏' });
    expect(await codeOf(forum.answerReport(trainer, reportId, { decision: 'dismiss', answer: null }))).toBe(
      'FORUM_STATE',
    );
    const hidden = (await forum.topic(teachers[0]!.ctx, topicId, { limit: 50, offset: 0 })).posts.find(
      (p) => p.id === target.id,
    )!;
    expect(hidden).toMatchObject({ hidden: true, hiddenReason: '言辞不当，已隐藏', whyNot: 'hidden' });
    expect(((await home.get(trainer)) as { todos: Array<{ kind: string }> }).todos.map((x) => x.kind)).not.toContain(
      'forum_reports',
    );
    // a second report dismissed leaves the post as it is
    const other = await forum.reply(teachers[1]!.ctx, topicId, '我觉得这个问题值得再讨论一下');
    const second = await forum.report(teachers[0]!.ctx, other.id, '跑题');
    await forum.answerReport(trainer, second.reportId, { decision: 'dismiss', answer: '未发现问题' });
    const kept = (await forum.topic(teachers[0]!.ctx, topicId, { limit: 50, offset: 0 })).posts.find(
      (p) => p.id === other.id,
    )!;
    expect(kept.hidden).toBe(false);
  });

  it('chooses moderators among the class’s enrolled teachers only, by its tutors', async () => {
    expect(await codeOf(forum.setModerators(teachers[1]!.ctx, classId, [teachers[0]!.id]))).toBe('FORBIDDEN');
    const outsiderTeacher = (
      await t.db
        .selectFrom('teacher')
        .select('id')
        .where('user_id', '=', outsider.actor!.userId)
        .executeTakeFirstOrThrow()
    ).id;
    expect(await codeOf(forum.setModerators(trainer, classId, [outsiderTeacher]))).toBe('FORUM_MODERATOR_INVALID');
    const r = await forum.moderators(county, classId, { name: teachers[0]!.name.slice(0, 1) });
    expect(r.moderators.map((m) => m.teacherId)).toEqual([teachers[1]!.id]);
    expect(r.candidates.map((m) => m.teacherId)).toContain(teachers[0]!.id);
    await forum.setModerators(county, classId, []);
    expect(await codeOf(forum.reports(teachers[1]!.ctx, classId, { limit: 20, offset: 0 }))).toBe('FORBIDDEN');
  });

  it('keeps a closed class’s forum to read and takes no new post', async () => {
    await t.db
      .updateTable('training_class')
      .set({ status: 'closed', closed_at: new Date() })
      .where('id', '=', classId)
      .execute();
    expect(await codeOf(forum.reply(teachers[0]!.ctx, topicId, '结班之后还能不能回复呢'))).toBe('CLASS_CLOSED');
    expect(await codeOf(forum.topic(teachers[0]!.ctx, topicId, { limit: 50, offset: 0 }))).toBe('OK');
  });
});
