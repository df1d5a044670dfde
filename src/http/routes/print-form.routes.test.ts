import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, login, type Session } from '../../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { actorAt, addUser, buildTree, type Tree } from '../../../test/support/fixtures.js';
import { seedTeacher } from '../../../test/support/ledger.js';
import { pdfPages, pdfText } from '../../../test/support/pdf-text.js';
import { runJobsUntilIdle } from '../../jobs/job-runner.js';
import ExcelJS from '../../services/excel.js';
import { createServices } from '../../services/services.js';

let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let county: Session;
let neighbour: Session;
let farCounty: Session;
let teacherSession: Session;
let trainer: Session;
let school: Session;
let cycleId: number;
let classId: number;
let sessionId: number;
let bigSessionId: number;
let verificationId: number;
const names = new Map<number, { name: string; masked: string; school: string }>();
let attendedAll: number;
let absent: number;
let exempted: number;

async function teacherAt(unit: Tree[keyof Tree], seed: number): Promise<number> {
  const id = await seedTeacher(t.db, t.env, unit, { seed });
  const r = await t.db
    .selectFrom('teacher')
    .select(['name', 'id_number_masked'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  names.set(id, { name: r.name, masked: r.id_number_masked, school: unit.name });
  return id;
}

async function classOf(title: string, capacity: number): Promise<{ classId: number; sessionId: number }> {
  const p = await t.db
    .insertInto('training_project')
    .values({
      province_id: tree.K1.provinceId,
      org_unit_id: tree.K1.id,
      org_path: tree.K1.path,
      level: 'county',
      title,
      year: 2027,
      status: 'open',
      hours: 120,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const c = await t.db
    .insertInto('training_class')
    .values({
      project_id: p.id,
      province_id: tree.K1.provinceId,
      org_path: tree.K1.path,
      name: '一班',
      capacity,
      status: 'open',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const start = Date.parse('2026-11-18T01:00:00Z'); // 09:00 in China
  const s = await t.db
    .insertInto('training_session')
    .values({
      class_id: c.id,
      starts_at: new Date(start),
      ends_at: new Date(start + 3 * 3_600_000),
      checkin_opens_at: new Date(start - 1_800_000),
      checkin_closes_at: new Date(start + 1_800_000),
      place: '进修学校三楼报告厅',
      token_secret: crypto.randomBytes(32),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { classId: c.id, sessionId: s.id };
}

async function enrol(cls: number, teacherId: number): Promise<void> {
  const unit = await t.db
    .selectFrom('teacher')
    .select(['org_unit_id', 'org_path', 'province_id'])
    .where('id', '=', teacherId)
    .executeTakeFirstOrThrow();
  await t.db
    .insertInto('enrolment')
    .values({
      class_id: cls,
      teacher_id: teacherId,
      province_id: unit.province_id,
      org_unit_id: unit.org_unit_id,
      org_path: unit.org_path,
      status: 'enrolled',
      source: 'bulk',
    })
    .execute();
}

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_TODAY: '2027-11-20' });
  tree = await buildTree(t.db);
  const s = createServices({ db: t.db, env: t.env });
  const province = await actorAt(t.db, tree.P1, 'province_admin', 'pf-province');
  const schoolCtx = await actorAt(t.db, tree.S1, 'school_admin', 'pf-s1');
  cycleId = (await s.cycles.create(province, { name: '2026—2030年', startYear: 2026, endYear: 2030 })).id;
  await runJobsUntilIdle(t.db);

  attendedAll = await teacherAt(tree.S1, 801);
  absent = await teacherAt(tree.S1, 802);
  exempted = await teacherAt(tree.S1, 803);
  const other = await teacherAt(tree.S2, 804);

  ({ classId, sessionId } = await classOf('师德专题培训', 10));
  for (const id of [attendedAll, absent, other]) await enrol(classId, id);
  const checkIn = new Date(Date.parse('2026-11-18T00:52:00Z')); // 08:52 in China
  await t.db
    .insertInto('attendance')
    .values([
      {
        session_id: sessionId,
        teacher_id: attendedAll,
        checked_in_at: checkIn,
        checked_out_at: new Date(checkIn.getTime() + 3 * 3_600_000 + 600_000),
        present: true,
        method: 'qr',
      },
      { session_id: sessionId, teacher_id: other, checked_in_at: checkIn, present: true, method: 'qr' },
    ])
    .execute();

  // a class of 45: its sheet runs over two pages
  const big = await classOf('全员信息技术培训', 60);
  bigSessionId = big.sessionId;
  for (let i = 0; i < 45; i++) await enrol(big.classId, await teacherAt(tree.S2, 900 + i));

  const v = await s.verifications.open(schoolCtx, { orgUnitId: tree.S1.id, cycleId, year: 2026 });
  await s.verifications.mark(schoolCtx, v.id, exempted, 'exempt', '产假（2026年3月至9月）');
  verificationId = v.id;

  const trainerId = await addUser(t.db, tree.I1, 'trainer', 'pf-trainer');
  await t.db.insertInto('training_class_trainer').values({ class_id: classId, user_id: trainerId }).execute();
  await addUser(t.db, tree.K1, 'county_admin', 'pf-county');
  await addUser(t.db, tree.K2, 'county_admin', 'pf-county2');
  await addUser(t.db, tree.K3, 'county_admin', 'pf-county3');
  await addUser(t.db, tree.S1, 'school_admin', 'pf-school');
  await addUser(t.db, tree.S1, 'teacher', 'pf-teacher');
  app = await buildTestApp(t);
  county = await login(app, 'pf-county');
  neighbour = await login(app, 'pf-county2');
  farCounty = await login(app, 'pf-county3');
  trainer = await login(app, 'pf-trainer');
  school = await login(app, 'pf-school');
  teacherSession = await login(app, 'pf-teacher');
}, 240_000);
afterAll(async () => {
  await app?.close();
  await t?.close();
});

async function sheetRows(buffer: Buffer): Promise<unknown[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  const ws = wb.worksheets[0]!;
  const rows: unknown[][] = [];
  ws.eachRow({ includeEmpty: true }, (row) => {
    rows.push((row.values as unknown[]).slice(1));
  });
  return rows;
}

const lineWith = (lines: string[], ...parts: string[]) => lines.find((l) => parts.every((p) => l.includes(p)));

describe('the attendance sheet of a session (签到表)', () => {
  it('lists every enrolled teacher with the masked ID, the check-in and a column to sign, and ends with the seal block', async () => {
    const res = await as(app, county)({ method: 'GET', url: `/api/sessions/${sessionId}/sign-in-sheet` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(String(res.headers['content-disposition'])).toContain(encodeURIComponent('签到表'));
    const pages = pdfPages(res.rawPayload);
    expect(pages).toHaveLength(1);
    const lines = pages[0]!;
    expect(lines[0]).toBe(tree.K1.name);
    expect(lines).toContain('培训签到表');
    expect(lineWith(lines, '培训项目：师德专题培训')).toBeDefined();
    expect(lineWith(lines, '培训地点：进修学校三楼报告厅')).toBeDefined();
    expect(lineWith(lines, '序号', '姓名', '证件号码', '学校', '签到时间', '签退时间', '本人签名')).toBeDefined();
    const a = names.get(attendedAll)!;
    expect(lineWith(lines, a.name, a.masked, tree.S1.name, '08:52', '12:02')).toBeDefined();
    expect(lineWith(lines, names.get(absent)!.name, names.get(absent)!.masked)).toBeDefined();
    expect(lines.some((l) => l.includes(names.get(exempted)!.name))).toBe(false); // not enrolled
    expect(lineWith(lines, '应到 3 人，已签到 2 人。')).toBeDefined();
    expect(lineWith(lines, '单位（盖章）：', tree.K1.name)).toBeDefined();
    expect(lineWith(lines, '负责人签字：')).toBeDefined();
    expect(lineWith(lines, '日期：', '年', '月', '日')).toBeDefined();
    expect(lineWith(lines, '第 1 页 共 1 页')).toBeDefined();
    // masked: the birth date in the middle of an ID number never prints
    expect(a.masked).toMatch(/\*{8}/);
  });

  it('runs a long list over pages with "第 N 页 共 M 页", the header on each, and the seal block on the last page only', async () => {
    const res = await as(app, county)({ method: 'GET', url: `/api/sessions/${bigSessionId}/sign-in-sheet?format=pdf` });
    expect(res.statusCode).toBe(200);
    const pages = pdfPages(res.rawPayload);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    const m = pages.length;
    for (const [i, lines] of pages.entries()) {
      expect(lineWith(lines, `第 ${i + 1} 页 共 ${m} 页`)).toBeDefined();
      expect(lineWith(lines, '序号', '姓名', '证件号码')).toBeDefined();
      expect(Boolean(lineWith(lines, '单位（盖章）：'))).toBe(i === m - 1);
    }
    const numbered = pdfText(res.rawPayload).filter((l) => /^\d+ /.test(l) && l.includes(tree.S2.name));
    expect(numbered).toHaveLength(45);
    expect(lineWith(pages[m - 1]!, '应到 45 人，已签到 0 人。')).toBeDefined();
  });

  it('is an .xlsx with the same rows, the number column as numbers, and the seal lines', async () => {
    const res = await as(app, trainer)({ method: 'GET', url: `/api/sessions/${sessionId}/sign-in-sheet?format=xlsx` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const rows = await sheetRows(res.rawPayload);
    expect(rows[0]![0]).toBe(tree.K1.name);
    expect(rows[1]![0]).toBe('培训签到表');
    const head = rows.findIndex((r) => r[0] === '序号');
    expect(rows[head]).toEqual(['序号', '姓名', '证件号码', '学校', '签到时间', '签退时间', '本人签名']);
    const data = rows.slice(head + 1, head + 4);
    expect(data.map((r) => r[0])).toEqual([1, 2, 3]);
    const a = names.get(attendedAll)!;
    expect(data.find((r) => r[1] === a.name)).toEqual([
      expect.any(Number),
      a.name,
      a.masked,
      tree.S1.name,
      '08:52',
      '12:02',
    ]);
    const text = rows.flat().filter((v) => typeof v === 'string') as string[];
    expect(text).toContain(`单位（盖章）：${tree.K1.name}`);
    expect(text.some((v) => v.startsWith('负责人签字'))).toBe(true);
  });

  it('speaks English when asked', async () => {
    const res = await as(
      app,
      county,
    )({
      method: 'GET',
      url: `/api/sessions/${sessionId}/sign-in-sheet`,
      headers: { 'accept-language': 'en' },
    });
    const lines = pdfText(res.rawPayload);
    expect(lines).toContain('Attendance sheet');
    expect(lineWith(lines, 'Page 1 of 1')).toBeDefined();
    expect(lineWith(lines, 'Signature of the person in charge: ')).toBeDefined();
  });

  it("is another county's session to nobody: 404 outside the organiser's subtree, 403 for a teacher", async () => {
    for (const who of [neighbour, farCounty]) {
      const res = await as(app, who)({ method: 'GET', url: `/api/sessions/${sessionId}/sign-in-sheet` });
      expect(res.statusCode).toBe(404);
    }
    expect(
      (await as(app, teacherSession)({ method: 'GET', url: `/api/sessions/${sessionId}/sign-in-sheet` })).statusCode,
    ).toBe(403);
    const bad = await as(app, county)({ method: 'GET', url: `/api/sessions/${sessionId}/sign-in-sheet?format=doc` });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
  });
});

describe('the completion list of a class (结业名单)', () => {
  it("lists those who complete (of an open class: on today's attendance), with the hours, and says how many did", async () => {
    const res = await as(app, county)({ method: 'GET', url: `/api/classes/${classId}/completion-list` });
    expect(res.statusCode).toBe(200);
    const lines = pdfText(res.rawPayload);
    expect(lines).toContain('培训结业名单');
    const a = names.get(attendedAll)!;
    expect(lineWith(lines, a.name, a.masked, '1/1', '12.0')).toBeDefined();
    expect(lines.some((l) => l.includes(names.get(absent)!.name))).toBe(false);
    expect(lineWith(lines, '报名 3 人，按当前考勤可结业 2 人。')).toBeDefined();
    expect(lineWith(lines, '单位（盖章）：')).toBeDefined();

    const xlsx = await as(app, county)({ method: 'GET', url: `/api/classes/${classId}/completion-list?format=xlsx` });
    const rows = await sheetRows(xlsx.rawPayload);
    const head = rows.findIndex((r) => r[0] === '序号');
    const data = rows.slice(head + 1).filter((r) => typeof r[0] === 'number');
    expect(data).toHaveLength(2);
    expect(data.every((r) => r[6] === 12)).toBe(true); // hours as a number
  });

  it('follows the stored outcome once the class is closed', async () => {
    const closed = await as(app, county)({ method: 'POST', url: `/api/classes/${classId}/close` });
    expect(closed.statusCode, closed.body).toBe(200);
    const lines = pdfText(
      (await as(app, county)({ method: 'GET', url: `/api/classes/${classId}/completion-list` })).rawPayload,
    );
    expect(lineWith(lines, '班级状态：已结班')).toBeDefined();
    expect(lineWith(lines, '报名 3 人，结业 2 人。')).toBeDefined();
    expect(
      (await as(app, neighbour)({ method: 'GET', url: `/api/classes/${classId}/completion-list` })).statusCode,
    ).toBe(404);
  });
});

describe('the annual verification summary (验证汇总表)', () => {
  it("of a school: every teacher's hours and result, an exception with its reason", async () => {
    const res = await as(app, school)({ method: 'GET', url: `/api/verifications/${verificationId}/sheet` });
    expect(res.statusCode).toBe(200);
    const lines = pdfText(res.rawPayload);
    expect(lines[0]).toBe(tree.S1.name);
    expect(lines).toContain('2026年度继续教育学时验证汇总表');
    const e = names.get(exempted)!;
    expect(lineWith(lines, e.name, e.masked, '免验', '产假（2026年3月至9月）')).toBeDefined();
    expect(lineWith(lines, '共 3 人')).toBeDefined();
    expect(lineWith(lines, '单位（盖章）：', tree.S1.name)).toBeDefined();

    const xlsx = await as(
      app,
      county,
    )({ method: 'GET', url: `/api/verifications/${verificationId}/sheet?format=xlsx` });
    const rows = await sheetRows(xlsx.rawPayload);
    const head = rows.findIndex((r) => r[0] === '序号');
    expect(rows[head]).toEqual(['序号', '姓名', '证件号码', '年度学时', '验证结果', '说明']);
    const data = rows.slice(head + 1, head + 4);
    expect(data.every((r) => typeof r[3] === 'number')).toBe(true);
    expect(data.find((r) => r[1] === e.name)?.[5]).toBe('产假（2026年3月至9月）');
    expect(
      (await as(app, neighbour)({ method: 'GET', url: `/api/verifications/${verificationId}/sheet` })).statusCode,
    ).toBe(404);
  });

  it('of a county: one line per school, those that have not started too, with counts and rate as numbers', async () => {
    const url = `/api/verifications/summary-sheet?orgUnitId=${tree.K1.id}&cycleId=${cycleId}&year=2026`;
    const res = await as(app, county)({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
    const lines = pdfText(res.rawPayload);
    expect(lines[0]).toBe(tree.K1.name);
    expect(lineWith(lines, tree.S1.name, '3', '学校审核中')).toBeDefined();
    expect(lineWith(lines, tree.S2.name, '46', '未开始')).toBeDefined();
    expect(lineWith(lines, '单位（盖章）：', tree.K1.name)).toBeDefined();

    const rows = await sheetRows((await as(app, county)({ method: 'GET', url: `${url}&format=xlsx` })).rawPayload);
    const s1 = rows.find((r) => r[1] === tree.S1.name)!;
    expect(s1.slice(2, 4)).toEqual([3, expect.any(Number)]);
    const s2 = rows.find((r) => r[1] === tree.S2.name)!;
    expect(s2[2]).toBe(46);
    expect(s2[5]).toBe('未开始');
    const far = await as(app, farCounty)({ method: 'GET', url });
    expect(far.statusCode).toBe(404);
  });
});
