import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, login, type Session } from '../../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { addUser, buildTree, type Tree } from '../../../test/support/fixtures.js';
import { seedTeacher } from '../../../test/support/ledger.js';
import { enrol, insertClass, insertCourse, insertSecondClass } from '../../../test/support/study.js';

let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let county: Session;
let school: Session;
let otherCounty: Session;
let trainer: Session;
let otherTrainer: Session;
let teacher: Session;
let teacherWaiting: Session;
let teacherElsewhere: Session;
let teacherId: number;
let countyId: number;
let courseId: number;
let emptyCourseId: number;
let projectId: number;
let classId: number;
let otherClassId: number;
const items: Record<string, number> = {};

const TODAY = '2027-05-10';
const req = (s: Session) => as(app, s);
const codeOf = (r: { json(): { error?: { code?: string } } }) => r.json().error?.code;
const setOnline = (s: Session, id: number, body: unknown) =>
  req(s)({
    method: 'PUT',
    url: `/api/training/classes/${id}/online`,
    payload: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_TODAY: TODAY });
  tree = await buildTree(t.db);
  countyId = await addUser(t.db, tree.K1, 'county_admin', 'st-county');
  await addUser(t.db, tree.S1, 'school_admin', 'st-school');
  await addUser(t.db, tree.K2, 'county_admin', 'st-k2');
  const trainerId = await addUser(t.db, tree.I1, 'trainer', 'st-trainer');
  await addUser(t.db, tree.I1, 'trainer', 'st-trainer-2');

  // a course with two chapters (one empty) and three items, one of them archived
  courseId = await insertCourse(t.db, tree.K1, '师德修养网络课程');
  emptyCourseId = await insertCourse(t.db, tree.K1, '尚无内容的课程');
  const chapter = async (title: string, position: number) =>
    (
      await t.db
        .insertInto('course_chapter')
        .values({ course_id: courseId, title, position })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const ch1 = await chapter('第一章 师德规范', 0);
  await chapter('第二章 暂空', 1);
  const item = async (title: string, position: number, extra: Record<string, unknown> = {}) =>
    (
      await t.db
        .insertInto('course_item')
        .values({
          course_id: courseId,
          chapter_id: ch1,
          position,
          kind: 'text',
          title,
          required_minutes: 20,
          body: `${title}的正文`,
          ...extra,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  items['intro'] = await item('导读', 0);
  items['code'] = await item('规范全文', 1, { required_minutes: 25 });
  items['old'] = await item('旧版规范', 2, { archived: true });

  const p = await insertClass(t.db, tree.K1, '暑期师德网络研修', countyId);
  projectId = p.projectId;
  classId = p.classId;
  otherClassId = await insertSecondClass(t.db, projectId, tree.K1, '面授班');
  await t.db.insertInto('training_class_trainer').values({ class_id: classId, user_id: trainerId }).execute();

  const link = async (schoolKey: keyof Tree, username: string) => {
    const id = await seedTeacher(t.db, t.env, tree[schoolKey]);
    const userId = await addUser(t.db, tree[schoolKey], 'teacher', username);
    await t.db.updateTable('teacher').set({ user_id: userId }).where('id', '=', id).execute();
    return id;
  };
  teacherId = await link('S1', 'st-teacher');
  await enrol(t.db, classId, teacherId, countyId);
  await enrol(t.db, classId, await link('S1', 'st-teacher-waiting'), countyId, 'waitlisted');
  await enrol(t.db, otherClassId, await link('S2', 'st-teacher-f2f'), countyId);

  app = await buildTestApp(t);
  county = await login(app, 'st-county');
  school = await login(app, 'st-school');
  otherCounty = await login(app, 'st-k2');
  trainer = await login(app, 'st-trainer');
  otherTrainer = await login(app, 'st-trainer-2');
  teacher = await login(app, 'st-teacher');
  teacherWaiting = await login(app, 'st-teacher-waiting');
  teacherElsewhere = await login(app, 'st-teacher-f2f');
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

describe('an online class', () => {
  it('needs a course with content, on the project’s line, not archived, and a window in order', async () => {
    const window = { studyOpensOn: '2027-05-01', studyClosesOn: '2027-06-30' };
    const empty = await setOnline(county, classId, { courseId: emptyCourseId, ...window });
    expect(empty.statusCode).toBe(409);
    expect(codeOf(empty)).toBe('ONLINE_COURSE_EMPTY');
    const offLine = await insertCourse(t.db, tree.K2, '蛟河的课程');
    const archived = await insertCourse(t.db, tree.K1, '已归档的课程', true);
    for (const [body, field] of [
      [{ courseId: offLine, ...window }, 'courseId'],
      [{ courseId: archived, ...window }, 'courseId'],
      [{ courseId: 999_999, ...window }, 'courseId'],
      [{ courseId, studyOpensOn: '2027-06-30', studyClosesOn: '2027-05-01' }, 'studyClosesOn'],
      [{ courseId, studyOpensOn: '2027-02-30', studyClosesOn: '2027-05-01' }, 'studyOpensOn'],
      [{ courseId, studyOpensOn: '2027-05-01' }, 'studyClosesOn'],
    ] as const) {
      const res = await setOnline(county, classId, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.details.issues[0].path).toBe(field);
    }
    expect(
      (await t.db.selectFrom('training_class').select('course_id').where('id', '=', classId).executeTakeFirst())
        ?.course_id,
    ).toBeNull();
  });

  it('is set by who runs the project, shown on the class, and told to its enrolled teachers', async () => {
    expect(codeOf(await setOnline(teacher, classId, null))).toBe('FORBIDDEN');
    expect((await setOnline(school, classId, null)).statusCode).toBe(404);
    expect((await setOnline(otherCounty, classId, null)).statusCode).toBe(404);
    const res = await setOnline(county, classId, {
      courseId,
      studyOpensOn: '2027-05-01',
      studyClosesOn: '2027-06-30',
    });
    expect(res.statusCode).toBe(200);
    const online = {
      courseId,
      courseTitle: '师德修养网络课程',
      studyOpensOn: '2027-05-01',
      studyClosesOn: '2027-06-30',
    };
    expect(res.json()).toMatchObject({ id: classId, online });
    const detail = (await req(county)({ method: 'GET', url: `/api/training/projects/${projectId}` })).json();
    const byId = (id: number) => detail.classes.find((c: { id: number }) => c.id === id);
    expect(byId(classId).online).toEqual(online);
    expect(byId(otherClassId).online).toBeNull();
    const messages = (await req(teacher)({ method: 'GET', url: '/api/messages' })).json().items;
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      kind: 'study_opened',
      link: `/me/study/${classId}`,
      params: { course: '师德修养网络课程', opensOn: '2027-05-01', closesOn: '2027-06-30' },
    });
    // the teacher of the other class, and the one waiting, are not told
    expect((await req(teacherElsewhere)({ method: 'GET', url: '/api/messages' })).json().items).toHaveLength(0);
    expect((await req(teacherWaiting)({ method: 'GET', url: '/api/messages' })).json().items).toHaveLength(0);
  });

  it('keeps its course once a teacher has begun studying; its dates may still move', async () => {
    const session = await t.db
      .insertInto('study_session')
      .values({
        province_id: tree.K1.provinceId,
        class_id: classId,
        item_id: items['intro']!,
        teacher_id: teacherId,
        org_path: tree.S1.path,
        rule: JSON.stringify({}),
        presence_key: crypto.randomBytes(32),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const other = await insertCourse(t.db, tree.K1, '另一门课');
    await t.db
      .insertInto('course_chapter')
      .values({ course_id: other, title: '一', position: 0 })
      .returning('id')
      .executeTakeFirstOrThrow()
      .then((ch) =>
        t.db
          .insertInto('course_item')
          .values({
            course_id: other,
            chapter_id: ch.id,
            position: 0,
            kind: 'text',
            title: '页',
            required_minutes: 1,
            body: '正文',
          })
          .execute(),
      );
    expect(codeOf(await setOnline(county, classId, null))).toBe('CLASS_HAS_STUDY');
    expect(
      codeOf(
        await setOnline(county, classId, { courseId: other, studyOpensOn: '2027-05-01', studyClosesOn: '2027-06-30' }),
      ),
    ).toBe('CLASS_HAS_STUDY');
    const moved = await setOnline(county, classId, {
      courseId,
      studyOpensOn: '2027-05-01',
      studyClosesOn: '2027-07-15',
    });
    expect(moved.json().online.studyClosesOn).toBe('2027-07-15');
    await t.db.deleteFrom('study_session').where('id', '=', session.id).execute();
    // face-to-face again, then online again, while nobody has studied
    expect(
      (await setOnline(county, otherClassId, { courseId, studyOpensOn: '2027-05-01', studyClosesOn: '2027-05-31' }))
        .statusCode,
    ).toBe(200);
    const back = await setOnline(county, otherClassId, null);
    expect(back.json().online).toBeNull();
  });
});

describe("a teacher's online study", () => {
  it('lists the online classes the teacher holds a place in, with the window as it stands today', async () => {
    const mine = await req(teacher)({ method: 'GET', url: '/api/me/study' });
    expect(mine.statusCode).toBe(200);
    expect(mine.json().items).toEqual([
      {
        classId,
        className: '暑期师德网络研修一班',
        classStatus: 'open',
        projectId,
        projectTitle: '暑期师德网络研修',
        courseId,
        courseTitle: '师德修养网络课程',
        studyOpensOn: '2027-05-01',
        studyClosesOn: '2027-07-15',
        openNow: true,
        opened: true,
        itemCount: 2,
        requiredMinutes: 45,
      },
    ]);
    expect((await req(teacherWaiting)({ method: 'GET', url: '/api/me/study' })).json().items).toEqual([]);
    expect((await req(teacherElsewhere)({ method: 'GET', url: '/api/me/study' })).json().items).toEqual([]);
    expect(codeOf(await req(county)({ method: 'GET', url: '/api/me/study' }))).toBe('FORBIDDEN');
    expect(codeOf(await req(trainer)({ method: 'GET', url: '/api/me/study' }))).toBe('FORBIDDEN');
  });

  it('shows the outline without archived items or empty chapters, and no progress', async () => {
    const res = await req(teacher)({ method: 'GET', url: `/api/study/classes/${classId}/outline` });
    expect(res.statusCode).toBe(200);
    const o = res.json();
    expect(o.viewer).toBe('teacher');
    expect(o.class).toMatchObject({ classId, courseTitle: '师德修养网络课程', openNow: true });
    expect(o.chapters).toEqual([
      {
        id: expect.any(Number),
        title: '第一章 师德规范',
        items: [
          { id: items['intro'], kind: 'text', title: '导读', requiredMinutes: 20, fileId: null, durationSeconds: null },
          {
            id: items['code'],
            kind: 'text',
            title: '规范全文',
            requiredMinutes: 25,
            fileId: null,
            durationSeconds: null,
          },
        ],
      },
    ]);
    expect(o).toMatchObject({ itemCount: 2, requiredMinutes: 45 });
    expect(JSON.stringify(o)).not.toContain('旧版规范');
    expect(JSON.stringify(o)).not.toContain('的正文');
  });

  it('opens to the class’s teachers, its trainers and the organiser’s admins; everyone else gets 404', async () => {
    const outline = (s: Session, id = classId) => req(s)({ method: 'GET', url: `/api/study/classes/${id}/outline` });
    expect((await outline(trainer)).json().viewer).toBe('trainer');
    expect((await outline(county)).json().viewer).toBe('admin');
    for (const s of [teacherWaiting, teacherElsewhere, otherTrainer, school, otherCounty]) {
      const res = await outline(s);
      expect(res.statusCode).toBe(404);
      expect(res.body).toBe((await outline(s, 999_999)).body);
    }
    // a face-to-face class has no outline
    const f2f = await outline(county, otherClassId);
    expect(f2f.statusCode).toBe(404);
  });

  it('gives a text page’s body to a teacher once the window has opened', async () => {
    const item = (s: Session, id: number) =>
      req(s)({ method: 'GET', url: `/api/study/classes/${classId}/items/${id}` });
    const page = await item(teacher, items['code']!);
    expect(page.json()).toMatchObject({ kind: 'text', title: '规范全文', body: '规范全文的正文' });
    expect((await item(teacher, items['old']!)).statusCode).toBe(404);
    expect((await item(teacherElsewhere, items['code']!)).statusCode).toBe(404);
    // not open yet: the teacher is told when; the trainer preparing the class may read it already
    await t.db.updateTable('training_class').set({ study_opens_on: '2027-06-01' }).where('id', '=', classId).execute();
    const early = await item(teacher, items['code']!);
    expect(early.statusCode).toBe(409);
    expect(early.json().error).toMatchObject({ code: 'STUDY_NOT_OPEN' });
    expect(early.json().error.message).toContain('2027-06-01');
    expect((await item(trainer, items['code']!)).statusCode).toBe(200);
    const mine = (await req(teacher)({ method: 'GET', url: '/api/me/study' })).json().items[0];
    expect(mine).toMatchObject({ openNow: false, opened: false });
  });
});
