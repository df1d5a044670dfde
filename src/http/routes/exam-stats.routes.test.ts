import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, login, type Session } from '../../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { seedExam, seedQuestion, seedSitting } from '../../../test/support/exam-stats.js';
import { addUser, buildTree, type Tree } from '../../../test/support/fixtures.js';
import { seedTeacher } from '../../../test/support/ledger.js';
import ExcelJS from '../../services/excel.js';

let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let county: Session;
let school: Session;
let teacher: Session;
let examId: number;
let idMasks: string[];

beforeAll(async () => {
  t = await createTestDatabase();
  tree = await buildTree(t.db);
  await addUser(t.db, tree.K1, 'county_admin', 'esr-county');
  await addUser(t.db, tree.S2, 'school_admin', 'esr-school');
  await addUser(t.db, tree.S1, 'teacher', 'esr-teacher');
  const course = (
    await t.db
      .insertInto('course')
      .values({
        province_id: tree.K1.provinceId,
        org_unit_id: tree.K1.id,
        org_path: tree.K1.path,
        title: '信息技术应用能力',
        category: 'required',
        module: '教育技术',
        form: 'online',
        hours: 15,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  const { versionId } = await seedQuestion(t.db, tree.K1, 'true_false', '多媒体课件应当替代板书。');
  examId = await seedExam(t.db, tree.K1, { target: 'course', courseId: course }, { targets: { excellentShare: 15 } });
  // 第一实验小学: 90 and 70; 第一中学: 40, then 80 at the second attempt
  const sit = async (unit: typeof tree.S1, ...earned: number[]) => {
    const teacherId = await seedTeacher(t.db, t.env, unit);
    for (const e of earned) await seedSitting(t.db, examId, teacherId, unit, [{ versionId, points: 100, earned: e }]);
  };
  await sit(tree.S1, 90);
  await sit(tree.S1, 70);
  await sit(tree.S2, 40, 80);
  idMasks = (await t.db.selectFrom('teacher').select('id_number_masked').execute()).map((r) => r.id_number_masked);
  app = await buildTestApp(t);
  county = await login(app, 'esr-county');
  school = await login(app, 'esr-school');
  teacher = await login(app, 'esr-teacher');
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

describe('exam statistics routes', () => {
  it('give the organiser its schools’ rates, a distribution and the question analysis', async () => {
    const res = await as(app, county)({ method: 'GET', url: `/api/exams/${examId}/stats` });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.base.id).toBe(tree.K1.id);
    expect(body.units.map((u: { unitName: string; passRate: number }) => [u.unitName, u.passRate])).toEqual(
      expect.arrayContaining([
        [tree.S1.name, 100],
        [tree.S2.name, 100],
      ]),
    );
    expect(body.overall).toMatchObject({ candidates: 3, sat: 3, participationRate: 100, excellentRate: 33.3 });
    expect(body.overall.excellentMet).toBe(true);
    expect(body.distribution.map((b: { count: number }) => b.count)).toEqual([0, 0, 1, 1, 1]);
    expect(body.questions).toHaveLength(1);
    expect(body.questions[0]).toMatchObject({ kind: 'true_false', discrimination: null });
    expect(body.definitions).toContain('candidates.course');

    const tens = await as(app, county)({ method: 'GET', url: `/api/exams/${examId}/stats?bins=tens` });
    expect(tens.json().distribution).toHaveLength(10);
  });

  it('list results best first with attempts and never an ID number; a school sees its own', async () => {
    const res = await as(app, county)({ method: 'GET', url: `/api/exams/${examId}/results?pageSize=10` });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.items.map((x: { composite: number }) => x.composite)).toEqual([90, 80, 70]);
    expect(body.items[1]).toMatchObject({ attempts: 2, schoolName: tree.S2.name, level: 'good', passed: true });
    for (const mask of idMasks) expect(res.body).not.toContain(mask);

    const own = await as(app, school)({ method: 'GET', url: `/api/exams/${examId}/results` });
    expect(own.json().items.map((x: { composite: number }) => x.composite)).toEqual([80]);
    const filtered = await as(
      app,
      county,
    )({
      method: 'GET',
      url: `/api/exams/${examId}/results?level=excellent&passed=true`,
    });
    expect(filtered.json().total).toBe(1);
    const bad = await as(app, county)({ method: 'GET', url: `/api/exams/${examId}/results?level=great` });
    expect(bad.statusCode).toBe(400);
  });

  it('export both as sheets', async () => {
    const stats = await as(app, county)({ method: 'GET', url: `/api/exams/${examId}/stats.xlsx` });
    expect(stats.statusCode).toBe(200);
    expect(String(stats.headers['content-type'])).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(stats.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['单位统计', '成绩分布', '试题分析']);

    const list = await as(app, school)({ method: 'GET', url: `/api/exams/${examId}/results.xlsx` });
    expect(list.statusCode).toBe(200);
    const wl = new ExcelJS.Workbook();
    await wl.xlsx.load(list.rawPayload as unknown as ArrayBuffer);
    expect(wl.getWorksheet('成绩名单')!.rowCount).toBe(4);
  });

  it('refuse a teacher, and answer "not found" for an exam out of reach', async () => {
    expect((await as(app, teacher)({ method: 'GET', url: `/api/exams/${examId}/stats` })).statusCode).toBe(403);
    expect((await as(app, county)({ method: 'GET', url: '/api/exams/999999/stats' })).statusCode).toBe(404);
    const other = await seedExam(
      t.db,
      tree.K2,
      { target: 'course', courseId: (await t.db.selectFrom('course').select('id').executeTakeFirstOrThrow()).id },
      {},
    );
    expect((await as(app, county)({ method: 'GET', url: `/api/exams/${other}/results` })).statusCode).toBe(404);
    expect(
      (await as(app, county)({ method: 'GET', url: `/api/exams/${examId}/stats?unitId=${tree.K2.id}` })).statusCode,
    ).toBe(404);
  });
});
