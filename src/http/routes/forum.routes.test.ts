import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, login, type Session } from '../../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { addUser, buildTree, type Tree } from '../../../test/support/fixtures.js';
import { seedTeacher } from '../../../test/support/ledger.js';
import { seedOnlineClass } from '../../../test/support/homework-class.js';

let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let tutor: Session;
let teacher: Session;
let classmate: Session;
let classId: number;
const teacherIds: number[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  tree = await buildTree(t.db);
  const tutorId = await addUser(t.db, tree.I1, 'trainer', 'fr-tutor');
  for (const username of ['fr-teacher', 'fr-classmate']) {
    const id = await seedTeacher(t.db, t.env, tree.S1);
    const userId = await addUser(t.db, tree.S1, 'teacher', username);
    await t.db.updateTable('teacher').set({ user_id: userId }).where('id', '=', id).execute();
    teacherIds.push(id);
  }
  ({ classId } = await seedOnlineClass(t.db, tree.K1, {
    trainers: [tutorId],
    teachers: teacherIds,
    completion: { minPostChars: 8, postsRequired: 3 },
  }));
  app = await buildTestApp(t);
  tutor = await login(app, 'fr-tutor');
  teacher = await login(app, 'fr-teacher');
  classmate = await login(app, 'fr-classmate');
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

describe('forum routes', () => {
  it('count a reply of 8 Chinese characters toward the course’s minimum of 8, refuse replies to a locked topic', async () => {
    const topic = await as(
      app,
      teacher,
    )({
      method: 'POST',
      url: `/api/classes/${classId}/forum/topics`,
      payload: { title: '读书分享', body: '最近读了《给教师的建议》，\n很有收获。' },
    });
    expect(topic.statusCode, topic.body).toBe(201);
    const topicId = topic.json().topicId;
    expect(topic.json().post).toMatchObject({ counts: true, body: '最近读了《给教师的建议》，\n很有收获。' });
    const reply = await as(
      app,
      classmate,
    )({
      method: 'POST',
      url: `/api/forum/topics/${topicId}/posts`,
      payload: { body: '谢谢！你总是帮助我' },
    });
    expect(reply.statusCode).toBe(201);
    expect(reply.json().post).toMatchObject({ chars: 8, counts: true, whyNot: null });
    const list = await as(app, classmate)({ method: 'GET', url: `/api/classes/${classId}/forum/topics` });
    expect(list.json()).toMatchObject({ rule: { minPostChars: 8, postsRequired: 3 }, counted: 1, total: 1 });

    const lock = await as(
      app,
      tutor,
    )({ method: 'PATCH', url: `/api/forum/topics/${topicId}`, payload: { locked: true } });
    expect(lock.json().topic.locked).toBe(true);
    const refused = await as(
      app,
      classmate,
    )({
      method: 'POST',
      url: `/api/forum/topics/${topicId}/posts`,
      payload: { body: '锁定以后还想继续讨论这个话题' },
      headers: { 'accept-language': 'en' },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({
      code: 'FORUM_TOPIC_LOCKED',
      message: expect.stringMatching(/locked/),
    });
    const byTeacher = await as(
      app,
      teacher,
    )({
      method: 'PATCH',
      url: `/api/forum/topics/${topicId}`,
      payload: { locked: false },
    });
    expect(byTeacher.statusCode).toBe(403);
  });

  it('hide a reported post from the class; its author still reads it with the reason', async () => {
    const topicId = (await as(app, teacher)({ method: 'GET', url: `/api/classes/${classId}/forum/topics` })).json()
      .items[0].id;
    await as(app, tutor)({ method: 'PATCH', url: `/api/forum/topics/${topicId}`, payload: { locked: false } });
    const post = (
      await as(
        app,
        classmate,
      )({
        method: 'POST',
        url: `/api/forum/topics/${topicId}/posts`,
        payload: { body: '加微信领取免费课件资料包' },
      })
    ).json().post;
    const report = await as(
      app,
      teacher,
    )({
      method: 'POST',
      url: `/api/forum/posts/${post.id}/reports`,
      payload: { reason: '广告' },
    });
    expect(report.statusCode).toBe(201);
    const queue = await as(app, tutor)({ method: 'GET', url: `/api/classes/${classId}/forum/reports?status=open` });
    expect(queue.json().items).toEqual([expect.objectContaining({ postId: post.id, reason: '广告', status: 'open' })]);
    const noAnswer = await as(
      app,
      tutor,
    )({
      method: 'POST',
      url: `/api/forum/reports/${report.json().reportId}/answer`,
      payload: { decision: 'hide' },
    });
    expect(noAnswer.statusCode).toBe(400);
    const answered = await as(
      app,
      tutor,
    )({
      method: 'POST',
      url: `/api/forum/reports/${report.json().reportId}/answer`,
      payload: { decision: 'hide', answer: '广告信息' },
    });
    expect(answered.statusCode).toBe(204);
    const seen = (await as(app, teacher)({ method: 'GET', url: `/api/forum/topics/${topicId}` })).json().posts;
    expect(seen.find((p: { id: number }) => p.id === post.id)).toMatchObject({ hidden: true, body: null });
    const own = (await as(app, classmate)({ method: 'GET', url: `/api/forum/topics/${topicId}` })).json().posts;
    expect(own.find((p: { id: number }) => p.id === post.id)).toMatchObject({
      hidden: true,
      body: '加微信领取免费课件资料包',
      hiddenReason: '广告信息',
      whyNot: 'hidden',
    });
  });

  it('let the tutors choose moderators among the class and refuse bad input with a code', async () => {
    const put = await as(
      app,
      tutor,
    )({
      method: 'PUT',
      url: `/api/classes/${classId}/forum/moderators`,
      payload: { teacherIds: [teacherIds[0]] },
    });
    expect(put.json().moderators.map((m: { teacherId: number }) => m.teacherId)).toEqual([teacherIds[0]]);
    const bad = await as(
      app,
      tutor,
    )({
      method: 'PUT',
      url: `/api/classes/${classId}/forum/moderators`,
      payload: { teacherIds: [999_999] },
      headers: { 'accept-language': 'en' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({
      code: 'FORUM_MODERATOR_INVALID',
      message: expect.stringMatching(/at most 20/),
    });
    // the chosen teacher now moderates: pins a topic
    const topicId = (await as(app, teacher)({ method: 'GET', url: `/api/classes/${classId}/forum/topics` })).json()
      .items[0].id;
    const pin = await as(
      app,
      teacher,
    )({ method: 'PATCH', url: `/api/forum/topics/${topicId}`, payload: { pinned: true } });
    expect(pin.json().topic.pinned).toBe(true);
    const none = await as(app, teacher)({ method: 'PATCH', url: `/api/forum/topics/${topicId}`, payload: {} });
    expect(none.statusCode).toBe(400);
    const blank = await as(
      app,
      teacher,
    )({
      method: 'POST',
      url: `/api/classes/${classId}/forum/topics`,
      payload: { title: '   ', body: '内容' },
    });
    expect(blank.json().error.details.issues[0]).toMatchObject({ path: 'title', kind: 'blank' });
  });
});
