import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { createTeacherRepository } from '../../repositories/teacher.repository.js';
import { as, buildTestApp, login } from '../../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { addUser, buildTree, type Tree } from '../../../test/support/fixtures.js';
import { seedTeacher } from '../../../test/support/ledger.js';
import { onlineClass, onlineCourse } from '../../../test/support/online-class.js';
import { paraphrase, reflectionText } from '../../../test/support/reflection-corpus.js';

type Call = (opts: InjectOptions) => Promise<LightMyRequestResponse>;

let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let county: Call;
let tutor: Call;
let otherTutor: Call;
const teachers: Array<{ call: Call; id: number; name: string }> = [];
let course: number;
let classA: number;
let classB: number;

beforeAll(async () => {
  t = await createTestDatabase();
  tree = await buildTree(t.db);
  app = await buildTestApp(t);
  const countyId = await addUser(t.db, tree.K1, 'county_admin', 'rr-county');
  const tutorId = await addUser(t.db, tree.I1, 'trainer', 'rr-tutor');
  const otherTutorId = await addUser(t.db, tree.I1, 'trainer', 'rr-tutor-b');
  county = as(app, await login(app, 'rr-county'));
  tutor = as(app, await login(app, 'rr-tutor'));
  otherTutor = as(app, await login(app, 'rr-tutor-b'));
  for (let i = 0; i < 3; i++) {
    const id = await seedTeacher(t.db, t.env, tree.S1, { seed: 800 + i });
    const userId = await addUser(t.db, tree.S1, 'teacher', `rr-teacher-${i}`);
    await createTeacherRepository(t.db).linkUser(id, userId);
    const { name } = await t.db.selectFrom('teacher').select('name').where('id', '=', id).executeTakeFirstOrThrow();
    teachers.push({ call: as(app, await login(app, `rr-teacher-${i}`)), id, name });
  }
  course = await onlineCourse(t.db, tree.K1, { minReflectionChars: 100, similarityThreshold: 0.5 });
  classA = await onlineClass(t.db, tree.K1, course, {
    teachers: [teachers[0]!.id, teachers[1]!.id],
    trainers: [tutorId],
    createdBy: countyId,
  });
  classB = await onlineClass(t.db, tree.K1, course, {
    teachers: [teachers[2]!.id],
    trainers: [otherTutorId],
    createdBy: countyId,
  });
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

const post = (call: Call, classId: number, payload: unknown, lang = 'zh-CN') =>
  call({
    method: 'POST',
    url: `/api/study/classes/${classId}/reflections`,
    payload: payload as Record<string, unknown>,
    headers: { 'accept-language': lang },
  });

describe('reflections over HTTP', () => {
  it('a teacher writes one that counts; a classmate pastes a near copy and sees her own passages, never whose', async () => {
    const original = reflectionText(1, 500);
    const first = await post(teachers[0]!.call, classA, { title: '我的心得', body: original });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ counts: true, reasons: [] });

    const copy = `${reflectionText(2, 100)}\r\n\r\n${paraphrase(original, 0.05, 3)}`;
    const second = await post(teachers[1]!.call, classA, { title: '心得', body: copy });
    expect(second.statusCode).toBe(201);
    const r = second.json();
    expect(r).toMatchObject({ counts: false, reasons: ['too_similar'], match: 'other' });
    // line breaks are kept (as LF), and the ranges point into the stored text
    expect(r.body).toBe(copy.replace(/\r\n/g, '\n'));
    for (const m of r.matchedRanges as Array<{ start: number; end: number }>)
      expect(m.end).toBeLessThanOrEqual(r.body.length);
    expect(second.body).not.toContain(teachers[0]!.name);

    const list = await teachers[1]!.call({ method: 'GET', url: `/api/study/classes/${classA}/reflections` });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ counted: 0, rule: { required: 5, minChars: 100, threshold: 0.5 } });
    expect(list.body).not.toContain(teachers[0]!.name);

    // the tutor sees both, named, and which classmate the copy matched
    const tutors = await tutor({ method: 'GET', url: `/api/classes/${classA}/reflections/${r.id}` });
    expect(tutors.statusCode).toBe(200);
    expect(tutors.json().match).toMatchObject({ kind: 'class', teacherName: teachers[0]!.name });
    const clusters = await tutor({ method: 'GET', url: `/api/classes/${classA}/reflections/clusters` });
    expect(clusters.json().clusters[0].members).toHaveLength(2);
    const sheet = await tutor({ method: 'GET', url: `/api/classes/${classA}/reflections.xlsx` });
    expect(sheet.statusCode).toBe(200);
    expect(sheet.headers['content-type']).toContain('spreadsheetml');

    // edit and withdraw
    const edited = await teachers[1]!.call({
      method: 'PUT',
      url: `/api/study/classes/${classA}/reflections/${r.id}`,
      payload: { title: '重写', body: reflectionText(4, 300) },
    });
    expect(edited.json()).toMatchObject({ id: r.id, counts: true, match: null });
    const withdrawn = await teachers[1]!.call({
      method: 'POST',
      url: `/api/study/classes/${classA}/reflections/${r.id}/withdraw`,
    });
    expect(withdrawn.json()).toEqual({ id: r.id, status: 'withdrawn' });
  });

  it('a teacher of another class, and the tutor of another class, are answered "not found"', async () => {
    expect(
      (await teachers[2]!.call({ method: 'GET', url: `/api/study/classes/${classA}/reflections` })).statusCode,
    ).toBe(404);
    expect((await post(teachers[2]!.call, classA, { title: 'x', body: reflectionText(5) })).statusCode).toBe(404);
    expect((await otherTutor({ method: 'GET', url: `/api/classes/${classA}/reflections` })).statusCode).toBe(404);
    expect((await otherTutor({ method: 'GET', url: `/api/classes/${classA}/reflections/clusters` })).statusCode).toBe(
      404,
    );
    // a teacher is refused the tutors' pages
    expect((await teachers[0]!.call({ method: 'GET', url: `/api/classes/${classA}/reflections` })).statusCode).toBe(
      403,
    );
    // a teacher in class B sees a text copied from class A as "another text", the tutor of B as outside the class
    const fromA = (await teachers[0]!.call({ method: 'GET', url: `/api/study/classes/${classA}/reflections` })).json()
      .items[0].body as string;
    const copied = await post(teachers[2]!.call, classB, { title: '抄', body: fromA });
    expect(copied.json()).toMatchObject({ counts: false, match: 'other' });
    const b = await otherTutor({ method: 'GET', url: `/api/classes/${classB}/reflections` });
    expect(b.json().items[0].match).toEqual({ kind: 'outside' });
    expect(b.body).not.toContain(teachers[0]!.name);
  });

  it('refuses bad input with a code and a message in the reader’s language, storing nothing', async () => {
    const cases: Array<[string, unknown]> = [
      ['blank title', { title: '  ', body: '正文' }],
      ['blank body', { title: '标题', body: ' \n ' }],
      ['title too long', { title: '题'.repeat(101), body: '正文' }],
      ['body too long', { title: '标题', body: '字'.repeat(20_001) }],
      ['control character', { title: '标题', body: '正文\u0007' }],
      ['hidden character', { title: '标\u200b题', body: '正文' }],
      ['unknown field', { title: '标题', body: '正文', author: 'x' }],
      ['wrong type', { title: 1, body: '正文' }],
    ];
    const before = await t.db
      .selectFrom('reflection')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    for (const [what, payload] of cases) {
      const res = await post(teachers[0]!.call, classA, payload, 'en');
      expect(res.statusCode, what).toBe(400);
      expect(res.json().error.code, what).toBe('VALIDATION_FAILED');
      expect(res.json().error.message, what).toMatch(/[a-z]/);
    }
    const after = await t.db
      .selectFrom('reflection')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    expect(Number(after!.n)).toBe(Number(before!.n));
    // outside the study window: the rule's own code, with the window in the message
    const countyId = (
      await t.db.selectFrom('app_user').select('id').where('username', '=', 'rr-county').executeTakeFirstOrThrow()
    ).id;
    const later = await onlineClass(t.db, tree.K1, course, {
      teachers: [teachers[0]!.id],
      opensIn: 2,
      createdBy: countyId,
    });
    const zh = await post(teachers[0]!.call, later, { title: '标题', body: reflectionText(6) });
    expect(zh.statusCode).toBe(409);
    expect(zh.json().error.code).toBe('REFLECTION_NOT_OPEN');
    expect(zh.json().error.message).toContain('学习期');
    const en = await post(teachers[0]!.call, later, { title: 'title', body: reflectionText(6) }, 'en');
    expect(en.json().error.message).toContain('study window');
  });

  it("sets and reads a course's prompts", async () => {
    const put = await county({
      method: 'PUT',
      url: `/api/courses/${course}/reflection-prompts`,
      payload: { prompts: ['结合本课程，谈谈你对作业设计的思考。\n不少于 500 字。'] },
    });
    expect(put.statusCode).toBe(200);
    const get = await county({ method: 'GET', url: `/api/courses/${course}/reflection-prompts` });
    expect(get.json().prompts).toEqual(['结合本课程，谈谈你对作业设计的思考。\n不少于 500 字。']);
    const mine = await teachers[0]!.call({ method: 'GET', url: `/api/study/classes/${classA}/reflections` });
    expect(mine.json().prompts).toHaveLength(1);
    const tooMany = await county({
      method: 'PUT',
      url: `/api/courses/${course}/reflection-prompts`,
      payload: { prompts: Array.from({ length: 21 }, (_, i) => `提示${i}`) },
    });
    expect(tooMany.statusCode).toBe(400);
  });
});
