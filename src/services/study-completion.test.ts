import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { actorAt, buildTree, type Tree } from '../../test/support/fixtures.js';
import { type OnlineClass, seedOnlineClass } from '../../test/support/study-session.js';
import { runJobsUntilIdle } from '../jobs/job-runner.js';
import ExcelJS from './excel.js';
import type { RequestContext } from './context.js';
import { createServices, type Services } from './services.js';
import { createStudySessionService } from './study-session.service.js';

let t: TestDatabase;
let tree: Tree;
let s: Services;
let oc: OnlineClass;
let county: RequestContext;
let otherCounty: RequestContext;
const teacherCtx: RequestContext[] = [];

/**
 * A page that studied `seconds` of an item honestly: a session and a heartbeat every 30 s, the media
 * (or the reading clock) moving with the clock, as the server would have received them.
 */
async function studied(teacherId: number, itemId: number, seconds: number, startAt = Date.now() - 86_400_000) {
  const session = await t.db
    .insertInto('study_session')
    .values({
      province_id: tree.P1.provinceId,
      class_id: oc.classId,
      item_id: itemId,
      teacher_id: teacherId,
      org_path: tree.S1.path,
      rule: JSON.stringify({}),
      presence_key: crypto.randomBytes(32),
      started_at: new Date(startAt),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const beats = Math.ceil(seconds / 30);
  for (let i = 0; i < beats; i++)
    await t.db
      .insertInto('study_heartbeat')
      .values({
        session_id: session.id,
        seq: i,
        received_at: new Date(startAt + (i + 1) * 30_000),
        position_from: i * 30,
        position_to: (i + 1) * 30,
        rate: 1,
        visible: true,
        focused: true,
        playing: true,
      })
      .execute();
}

const entriesOf = (teacherId: number) =>
  t.db.selectFrom('credit_entry').select(['id', 'hours', 'idem_key']).where('teacher_id', '=', teacherId).execute();

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_TODAY: '2027-11-20' });
  tree = await buildTree(t.db);
  s = createServices({ db: t.db, env: t.env });
  const province = await actorAt(t.db, tree.P1, 'province_admin', 'sc-province');
  county = await actorAt(t.db, tree.K1, 'county_admin', 'sc-county');
  otherCounty = await actorAt(t.db, tree.K2, 'county_admin', 'sc-k2');
  await s.cycles.create(province, { name: '2026—2030年', startYear: 2026, endYear: 2030 });
  await runJobsUntilIdle(t.db);
  oc = await seedOnlineClass(t.db, t.env, {
    county: tree.K1,
    school: tree.S1,
    prefix: 'sc',
    teacherCount: 2,
    completionRule: { homeworkRequired: true, postsRequired: 0, reflectionsRequired: 0 },
  });
  for (const teacher of oc.teachers)
    teacherCtx.push({
      actor: {
        userId: teacher.userId,
        username: teacher.username,
        role: 'teacher',
        orgUnitId: tree.S1.id,
        orgPath: tree.S1.path,
        provinceId: tree.S1.provinceId,
      },
      ip: '127.0.0.1',
    });
  // the first teacher studies everything; the second half of the video only
  const [a, b] = oc.teachers;
  await studied(a!.id, oc.videoId, 600);
  await studied(a!.id, oc.documentId, 300);
  await studied(a!.id, oc.textId, 60);
  await studied(b!.id, oc.videoId, 300);
});
afterAll(() => t?.close());

describe('completing an online class', () => {
  it('shows a teacher what still counts toward the course and what is missing', async () => {
    const mine = await s.studySessions.myProgress(teacherCtx[1]!, oc.classId);
    expect(mine.rows).toHaveLength(1);
    expect(mine.rows[0]!.shortfalls).toEqual([
      {
        code: 'study_minutes',
        itemId: oc.videoId,
        title: '第一讲 信息技术与课堂',
        countedMinutes: 5,
        requiredMinutes: 10,
      },
      { code: 'study_minutes', itemId: oc.documentId, title: '讲义', countedMinutes: 0, requiredMinutes: 5 },
      { code: 'study_minutes', itemId: oc.textId, title: '学习指南', countedMinutes: 0, requiredMinutes: 1 },
    ]);
    expect((await s.studySessions.myProgress(teacherCtx[0]!, oc.classId)).rows[0]!.shortfalls).toEqual([]);
    // another class's teacher: as if it did not exist
    const other = await seedOnlineClass(t.db, t.env, {
      county: tree.K1,
      school: tree.S1,
      prefix: 'sc2',
      teacherCount: 0,
    });
    await expect(s.studySessions.myProgress(teacherCtx[0]!, other.classId)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it("counts homework, posts and reflections from their parts, and lists each teacher's shortfalls for the tutor", async () => {
    const study = createStudySessionService(
      { db: t.db, env: t.env },
      {
        homeworkPassed: async () => new Map([[oc.teachers[0]!.id, true]]),
        posts: async () => new Map([[oc.teachers[0]!.id, 1]]),
        reflections: async () => new Map(),
      },
    );
    await t.db
      .updateTable('course_online')
      .set({ completion_rule: JSON.stringify({ homeworkRequired: true, postsRequired: 1, reflectionsRequired: 1 }) })
      .where('course_id', '=', oc.courseId)
      .execute();
    try {
      const report = await study.progressReport(county, oc.classId);
      const [a, b] = report.rows.sort((x, y) => x.teacherId - y.teacherId);
      expect(a!.shortfalls).toEqual([{ code: 'reflections', counted: 0, required: 1 }]);
      expect(b!.shortfalls.map((x) => x.code)).toEqual([
        'study_minutes',
        'study_minutes',
        'study_minutes',
        'homework',
        'posts',
        'reflections',
      ]);
      await expect(study.progressReport(otherCounty, oc.classId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(study.progressReport(teacherCtx[0]!, oc.classId)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    } finally {
      await t.db
        .updateTable('course_online')
        .set({ completion_rule: JSON.stringify({ homeworkRequired: true, postsRequired: 0, reflectionsRequired: 0 }) })
        .where('course_id', '=', oc.courseId)
        .execute();
    }
  });

  it('gives the tutor the table as a sheet and reminds only the teachers not complete', async () => {
    const sheet = await s.studySessions.progressSheet(county, oc.classId);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(sheet.buffer as unknown as ArrayBuffer);
    const rows = wb.worksheets[0]!.getSheetValues().filter(Boolean) as unknown[][];
    expect(rows).toHaveLength(3);
    expect(JSON.stringify(rows)).toContain('未完成');
    const r = await s.studySessions.remind(county, oc.classId, {});
    expect(r).toEqual({ teachers: 1, recipients: 1 });
    const inbox = await t.db
      .selectFrom('message')
      .select(['recipient_id', 'params', 'link'])
      .where('kind', '=', 'study_reminder')
      .execute();
    expect(inbox.map((m) => m.recipient_id)).toEqual([oc.teachers[1]!.userId]);
    expect(JSON.stringify(inbox[0]!.params)).toContain('讲义');
    expect(inbox[0]!.link).toBe(`/me/study/${oc.classId}`);
  });

  it('closes the class with the online requirements as its completion rule, posting once', async () => {
    const preview = await s.attendance.previewClose(county, oc.classId);
    expect(preview.completing.map((c) => c.teacherId)).toEqual([oc.teachers[0]!.id]);
    expect(preview.notCompleting[0]!.reasons[0]).toMatchObject({ code: 'study_minutes', countedMinutes: 5 });
    const closed = await s.attendance.close(county, oc.classId);
    expect(closed).toMatchObject({ completed: 1, notCompleted: 1, posted: 1 });
    expect(await entriesOf(oc.teachers[0]!.id)).toHaveLength(1);
    expect(await entriesOf(oc.teachers[1]!.id)).toHaveLength(0);
    // the second teacher finishes late; the class is reopened and closed again: one more posting, none twice
    await s.attendance.reopen(county, oc.classId, '补学后重新结班');
    await studied(oc.teachers[1]!.id, oc.videoId, 600, Date.now() - 3 * 3_600_000);
    await studied(oc.teachers[1]!.id, oc.documentId, 300, Date.now() - 2 * 3_600_000);
    await studied(oc.teachers[1]!.id, oc.textId, 60, Date.now() - 3_600_000);
    const again = await s.attendance.close(county, oc.classId);
    expect(again).toMatchObject({ completed: 2, posted: 1 });
    expect(await entriesOf(oc.teachers[0]!.id)).toHaveLength(1);
    expect(await entriesOf(oc.teachers[1]!.id)).toHaveLength(1);
  });
});
