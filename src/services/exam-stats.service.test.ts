import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { examInput, OPTIONS4, seedQuestions, teacherWithAccount } from '../../test/support/exam.js';
import { seedExam, seedQuestion, seedSitting } from '../../test/support/exam-stats.js';
import { actorAt, buildTree, type Tree } from '../../test/support/fixtures.js';
import { seedTeacher } from '../../test/support/ledger.js';
import type { PaperItem } from '../domain/exam-paper.js';
import { analyseQuestions, type GradedPaper } from '../domain/exam-stats.js';
import { toPaperKey } from '../domain/question.js';
import type { Role } from '../domain/org-tree.js';
import { AppError } from '../errors/app-error.js';
import type { OrgUnitRow } from '../repositories/org-unit.repository.js';
import type { RequestContext } from './context.js';
import { createServices, type Services } from './services.js';

let t: TestDatabase;
let tree: Tree;
let s: Services;
let examId: number;
let q1: number;
let q2: number;
let classId: number;
let projectId: number;
/** the teachers of 第一实验小学 who sat, best first */
const s1Sitters: number[] = [];

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: unknown) => (e instanceof AppError ? e.code : String(e)),
  );
const actors = new Map<string, Promise<RequestContext>>();
/** One account per name, made on first use. */
const ctxAt = (unit: OrgUnitRow, role: Role, name: string): Promise<RequestContext> => {
  if (!actors.has(name)) actors.set(name, actorAt(t.db, unit, role, name));
  return actors.get(name)!;
};

async function enrol(school: OrgUnitRow, status: 'enrolled' | 'withdrawn' = 'enrolled'): Promise<number> {
  const teacherId = await seedTeacher(t.db, t.env, school);
  await t.db
    .insertInto('enrolment')
    .values({
      class_id: classId,
      teacher_id: teacherId,
      province_id: school.provinceId,
      org_unit_id: school.id,
      org_path: school.path,
      status,
      source: 'bulk',
    })
    .execute();
  return teacherId;
}

/** Sitting i of 11: the five best answer the single-choice question right; the essay falls from 60 to 30. */
const ESSAY = [60, 55, 50, 45, 40, 60, 58, 55, 50, 40, 30];
const items = (i: number) => [
  { versionId: q1, points: 40, earned: i === 10 ? null : i < 5 ? 40 : 0 },
  { versionId: q2, points: 60, earned: ESSAY[i] as number, essay: true },
];

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_TODAY: '2027-07-20' });
  tree = await buildTree(t.db);
  s = createServices({ db: t.db, env: t.env });
  projectId = (
    await t.db
      .insertInto('training_project')
      .values({
        province_id: tree.C1.provinceId,
        org_unit_id: tree.C1.id,
        org_path: tree.C1.path,
        level: 'city',
        title: '2027年吉林市班主任培训',
        year: 2027,
        status: 'open',
        hours: 100,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  classId = (
    await t.db
      .insertInto('training_class')
      .values({
        project_id: projectId,
        province_id: tree.C1.provinceId,
        org_path: tree.C1.path,
        name: '一班',
        capacity: 50,
        status: 'open',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  ({ versionId: q1 } = await seedQuestion(t.db, tree.C1, 'single', '班主任工作的首要任务是什么？'));
  ({ versionId: q2 } = await seedQuestion(t.db, tree.C1, 'essay', '结合实际，谈谈如何与学生家长有效沟通。'.repeat(4)));
  examId = await seedExam(
    t.db,
    tree.C1,
    { target: 'project', projectId },
    { title: '班主任培训结业考核', targets: { excellentShare: 15, competentShare: 100 } },
  );
  // 桦甸市: ten enrolled at 第一实验小学 who all sat, two at 夹皮沟镇中心小学 of whom one sat;
  // 蛟河市: four enrolled, none sat, one withdrawn
  for (let i = 0; i < 10; i++) {
    const teacherId = await enrol(tree.S1);
    s1Sitters.push(teacherId);
    await seedSitting(t.db, examId, teacherId, tree.S1, items(i));
  }
  await seedSitting(t.db, examId, await enrol(tree.S4), tree.S4, items(10));
  await enrol(tree.S4);
  for (let i = 0; i < 4; i++) await enrol(tree.S3);
  await enrol(tree.S3, 'withdrawn');
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('exam statistics by unit', () => {
  it('shows the organising city its counties: participation, pass and excellence rates against the R-37 targets', async () => {
    const r = await s.examStats.stats(await ctxAt(tree.C1, 'city_admin', 'es-city'), examId);
    expect(r.base).toEqual({ id: tree.C1.id, name: '吉林市' });
    const k1 = r.units.find((u) => u.unitId === tree.K1.id)!;
    expect(k1).toMatchObject({
      unitName: '桦甸市',
      candidates: 12,
      sat: 11,
      participationRate: 91.7,
      assessed: 11,
      passed: 6,
      passRate: 54.5,
      excellent: 3,
      excellentRate: 27.3,
      excellentMet: true,
      competentMet: false,
    });
    expect(k1.levels).toEqual({ excellent: 3, good: 2, pass: 1, basic: 3, fail: 2 });
    // nobody of 蛟河市 sat: the rates over results are "—", not 0 %
    expect(r.units.find((u) => u.unitId === tree.K2.id)).toMatchObject({
      candidates: 4,
      sat: 0,
      participationRate: 0,
      passRate: null,
      excellentRate: null,
      excellentMet: null,
      competentMet: null,
      mean: null,
    });
    expect(r.overall).toMatchObject({ candidates: 16, sat: 11, participationRate: 68.8, passRate: 54.5 });
    expect(r.overall.summary).toMatchObject({ count: 11, max: 100, min: 30, median: 60 });
    expect(r.distribution.map((b) => b.count)).toEqual([5, 1, 0, 2, 3]);
    expect(r.definitions).toContain('candidates.project');
  });

  it('analyses each question: difficulty, and discrimination between the upper and lower 27 %', async () => {
    const r = await s.examStats.stats(await ctxAt(tree.C1, 'city_admin', 'es-city'), examId);
    expect(r.gradedPapers).toBe(11);
    const [single, essay] = r.questions;
    expect(single).toMatchObject({ kind: 'single', points: 40, papers: 11, answered: 10, difficulty: 0.45 });
    expect(single?.discrimination).toBe(1);
    expect(essay).toMatchObject({ kind: 'essay', difficulty: 0.82, discrimination: 0.25, flags: [] });
    expect(essay?.stem.length).toBeLessThanOrEqual(61);
  });

  it('adds up the same difficulty and discrimination in the database as the rule over the papers, ties included', async () => {
    const course = await t.db
      .insertInto('course')
      .values({
        province_id: tree.C1.provinceId,
        org_unit_id: tree.C1.id,
        org_path: tree.C1.path,
        title: '信息技术',
        category: 'required',
        module: '教育技术',
        form: 'online',
        hours: 10,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const examOf = await seedExam(t.db, tree.C1, { target: 'course', courseId: course.id });
    const q3 = (await seedQuestion(t.db, tree.C1, 'true_false', '判断题')).versionId;
    const papers: GradedPaper[] = [];
    for (let i = 0; i < 23; i++) {
      // scores repeat every five sittings: ties at every group boundary
      const a = (i * 7) % 5 === 0 ? null : ((i * 3) % 5) * 2;
      const b = (i * 11) % 13;
      const c = i % 2 === 0 ? 10 : 0;
      const items = [
        { versionId: q1, points: 10, earned: a },
        { versionId: q2, points: 12, earned: b, essay: true },
        { versionId: q3, points: 10, earned: c },
      ];
      await seedSitting(t.db, examOf, await seedTeacher(t.db, t.env, tree.S2), tree.S2, items);
      const total = items.reduce((x, y) => x + (y.earned ?? 0), 0);
      papers.push({
        total: (total / 32) * 100,
        items: items.map((x) => ({
          questionVersionId: x.versionId,
          points: x.points,
          earned: x.earned ?? 0,
          answered: x.earned !== null,
        })),
      });
    }
    const r = await s.examStats.stats(await ctxAt(tree.C1, 'city_admin', 'es-city'), examOf);
    const expected = analyseQuestions(papers);
    expect(r.gradedPapers).toBe(23);
    expect(r.questions.map((q) => [q.papers, q.answered, q.difficulty, q.discrimination])).toEqual(
      expected.map((q) => [q.papers, q.answered, q.difficulty, q.discrimination]),
    );
  });

  it('shows a school below the organiser its own teachers only', async () => {
    const ctx = await ctxAt(tree.S1, 'school_admin', 'es-school');
    const r = await s.examStats.stats(ctx, examId);
    expect(r.base.id).toBe(tree.S1.id);
    expect(r.units.map((u) => [u.unitId, u.candidates, u.sat])).toEqual([[tree.S1.id, 10, 10]]);
    expect(r.gradedPapers).toBe(10);
    const list = await s.examStats.results(ctx, examId, { page: 1, pageSize: 50 });
    expect(list.total).toBe(10);
    expect(list.items.every((x) => x.schoolName === tree.S1.name)).toBe(true);
  });

  it('lets the organiser look into one of its units, and nobody outside', async () => {
    const city = await ctxAt(tree.C1, 'city_admin', 'es-city');
    const r = await s.examStats.stats(city, examId, { unitId: tree.K1.id });
    expect(r.base.id).toBe(tree.K1.id);
    expect(r.units.map((u) => u.unitName).sort()).toEqual([tree.S1.name, tree.T1.name].sort());
    expect(await codeOf(s.examStats.stats(city, examId, { unitId: tree.K4.id }))).toBe('NOT_FOUND');
    const k1 = await ctxAt(tree.K1, 'county_admin', 'es-k1');
    expect(await codeOf(s.examStats.stats(k1, examId, { unitId: tree.K2.id }))).toBe('NOT_FOUND');
    expect(await codeOf(s.examStats.stats(await ctxAt(tree.K4, 'county_admin', 'es-k4'), examId))).toBe('NOT_FOUND');
    expect(await codeOf(s.examStats.stats(await ctxAt(tree.S1, 'teacher', 'es-teacher'), examId))).toBe('FORBIDDEN');
    expect(await codeOf(s.examStats.stats(city, 999_999))).toBe('NOT_FOUND');
  });

  it('counts the candidates each kind of exam expects: a class, a spot-check draw, a course’s sitters', async () => {
    const city = await ctxAt(tree.C1, 'city_admin', 'es-city');
    const classExam = await seedExam(t.db, tree.C1, { target: 'class', classId, projectId });
    expect((await s.examStats.stats(city, classExam)).overall).toMatchObject({
      candidates: 16,
      sat: 0,
      participationRate: 0,
    });

    const spot = (
      await t.db
        .insertInto('spot_check')
        .values({
          province_id: tree.K1.provinceId,
          org_unit_id: tree.K1.id,
          org_path: tree.K1.path,
          title: '2027年抽测',
          year: 2027,
          status: 'drawn',
          seed_sha256: 'a'.repeat(64),
          drawn_at: new Date(),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    for (const [i, teacherId] of s1Sitters.slice(0, 4).entries())
      await t.db
        .insertInto('spot_check_candidate')
        .values({
          spot_check_id: spot,
          teacher_id: teacherId,
          org_unit_id: tree.S1.id,
          org_path: tree.S1.path,
          list_key: `k${i}`,
          drawn: i < 3,
        })
        .execute();
    const spotExam = await seedExam(t.db, tree.K1, { target: 'spot_check', spotCheckId: spot });
    await seedSitting(t.db, spotExam, s1Sitters[0]!, tree.S1, items(0));
    const k1 = await ctxAt(tree.K1, 'county_admin', 'es-k1');
    expect((await s.examStats.stats(k1, spotExam)).overall).toMatchObject({
      candidates: 3,
      sat: 1,
      participationRate: 33.3,
    });

    const course = (
      await t.db
        .insertInto('course')
        .values({
          province_id: tree.C1.provinceId,
          org_unit_id: tree.C1.id,
          org_path: tree.C1.path,
          title: '师德修养',
          category: 'required',
          module: '师德',
          form: 'online',
          hours: 10,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const courseExam = await seedExam(t.db, tree.C1, { target: 'course', courseId: course });
    await seedSitting(t.db, courseExam, s1Sitters[1]!, tree.S1, items(1));
    await seedSitting(t.db, courseExam, s1Sitters[2]!, tree.S1, items(2));
    const r = await s.examStats.stats(city, courseExam);
    expect(r.overall).toMatchObject({ candidates: 2, sat: 2, participationRate: 100 });
    expect(r.definitions).toContain('candidates.course');
    // two papers: difficulty yes, discrimination no
    expect(r.questions.every((q) => q.difficulty !== null && q.discrimination === null)).toBe(true);
  });
});

describe('exam results list', () => {
  it('ranks by composite, filters by level, pass and name, and pages', async () => {
    const city = await ctxAt(tree.C1, 'city_admin', 'es-city');
    const all = await s.examStats.results(city, examId, { page: 1, pageSize: 4 });
    expect(all.total).toBe(11);
    expect(all.items.map((x) => x.composite)).toEqual([100, 95, 90, 85]);
    expect(all.items[0]).toMatchObject({ level: 'excellent', passed: true, attempts: 1, schoolName: tree.S1.name });
    expect(Object.keys(all.items[0]!)).not.toContain('idNumber');
    const page3 = await s.examStats.results(city, examId, { page: 3, pageSize: 4 });
    expect(page3.items.map((x) => x.composite)).toEqual([50, 40, 30]);
    const basic = await s.examStats.results(city, examId, { level: 'basic', page: 1, pageSize: 20 });
    expect(basic.items.map((x) => x.composite)).toEqual([58, 55, 50]);
    const failed = await s.examStats.results(city, examId, { passed: false, page: 1, pageSize: 20 });
    expect(failed.total).toBe(5);
    const name = all.items[0]!.name;
    const byName = await s.examStats.results(city, examId, { q: name.slice(0, 2), page: 1, pageSize: 20 });
    expect(byName.items.map((x) => x.name)).toContain(name);
  });
});

describe('exam statistics sheets', () => {
  it('exports 单位统计, 成绩分布 and 试题分析, and the ranked list, and audits both', async () => {
    const city = await ctxAt(tree.C1, 'city_admin', 'es-city');
    const { buffer } = await s.examStats.exportStats(city, examId);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buffer as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['单位统计', '成绩分布', '试题分析']);
    const units = wb.getWorksheet('单位统计')!;
    const rows: unknown[][] = [];
    units.eachRow((r) => {
      rows.push((r.values as unknown[]).slice(1));
    });
    const k2 = rows.find((r) => r[0] === '蛟河市')!;
    // 蛟河市: participation 0 %, pass rate empty ("—"), not 0
    expect(k2[3]).toBe(0);
    expect(k2[11]).toBeUndefined();
    expect(rows.some((r) => String(r[0]).startsWith('合格率 ='))).toBe(true);

    const list = await s.examStats.exportResults(city, examId, { passed: true });
    const wl = new ExcelJS.Workbook();
    await wl.xlsx.load(list.buffer as unknown as ArrayBuffer);
    const sheet = wl.getWorksheet('成绩名单')!;
    expect(sheet.getRow(3).getCell(2).value).toBe('姓名');
    // handed in, in China time to the minute
    expect(String(sheet.getRow(4).getCell(9).value)).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(sheet.rowCount).toBe(3 + 6);
    const audit = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'in', ['exam.export_stats', 'exam.export_results'])
      .where('outcome', '=', 'success')
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['exam.export_results', 'exam.export_stats']);
  });
});

describe('what the exam core writes', () => {
  it('is read as it stands: handed in and marked, handed in blank, still sitting', async () => {
    const county = await ctxAt(tree.K1, 'county_admin', 'es-k1');
    const [single, truth, essay] = await seedQuestions(t.db, tree.K1, [
      { kind: 'single', stem: '单选：教师职业道德的核心是', options: OPTIONS4, answer: 'B' },
      { kind: 'true_false', stem: '判断：教师应当关爱学生', answer: true },
      { kind: 'essay', stem: '简答：谈谈你对终身学习的理解', answer: '参考要点' },
    ]);
    // a county project (a course exam would post hours to the ledger, which is not what is read here)
    const project = await t.db
      .insertInto('training_project')
      .values({
        province_id: tree.K1.provinceId,
        org_unit_id: tree.K1.id,
        org_path: tree.K1.path,
        level: 'county',
        title: '2027年桦甸市师德专题培训',
        year: 2027,
        status: 'open',
        hours: 20,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const cls = await t.db
      .insertInto('training_class')
      .values({
        project_id: project.id,
        province_id: tree.K1.provinceId,
        org_path: tree.K1.path,
        name: '一班',
        capacity: 50,
        status: 'open',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const enrolled = async (school: OrgUnitRow, username: string) => {
      const teacher = await teacherWithAccount(t.db, t.env, school, username);
      await t.db
        .insertInto('enrolment')
        .values({
          class_id: cls.id,
          teacher_id: teacher.id,
          province_id: school.provinceId,
          org_unit_id: school.id,
          org_path: school.path,
          status: 'enrolled',
          source: 'bulk',
        })
        .execute();
      return teacher;
    };
    const good = await enrolled(tree.S1, 'es-core-good');
    const weak = await enrolled(tree.S2, 'es-core-weak');
    const late = await enrolled(tree.S1, 'es-core-late');
    const created = await s.exams.create(
      county,
      examInput(tree.K1, {
        target: 'project',
        projectId: project.id,
        paper: {
          mode: 'fixed',
          items: [
            { questionId: single!, points: 20 },
            { questionId: truth!, points: 20 },
            { questionId: essay!, points: 60 },
          ],
        },
      }),
    );
    const examId = created.exam.id;
    await s.exams.publish(county, examId);
    const singleKey = async (attemptId: number, right: boolean) => {
      const a = await t.db
        .selectFrom('exam_attempt')
        .select('paper')
        .where('id', '=', attemptId)
        .executeTakeFirstOrThrow();
      const order = (a.paper as PaperItem[])[0]!.optionOrder;
      const key = toPaperKey('single', 'B', order) as string;
      return right ? key : (['A', 'B', 'C', 'D'].find((k) => k !== key) as string);
    };
    // 第一实验小学: all right, the essay marked 50 of 60
    const g = (await s.examAttempts.start(good.ctx, examId)).attemptId;
    await s.examAttempts.submit(good.ctx, g, [
      { position: 0, answer: await singleKey(g, true), clientSeq: 1 },
      { position: 1, answer: true, clientSeq: 1 },
      { position: 2, answer: '终身学习是教师专业发展的基础。', clientSeq: 1 },
    ]);
    await s.examMarking.mark(county, examId, { attemptId: g, position: 2, score: 50, comment: null });
    // 第一中学: wrong choices and a blank essay
    const w = (await s.examAttempts.start(weak.ctx, examId)).attemptId;
    await s.examAttempts.submit(weak.ctx, w, [
      { position: 0, answer: await singleKey(w, false), clientSeq: 1 },
      { position: 1, answer: false, clientSeq: 1 },
    ]);
    // 第一实验小学: still sitting
    await s.examAttempts.start(late.ctx, examId);

    const r = await s.examStats.stats(county, examId);
    expect(r.overall).toMatchObject({ candidates: 3, sat: 2, participationRate: 66.7, assessed: 2, passed: 1 });
    expect(r.overall.levels).toMatchObject({ excellent: 1, fail: 1 });
    expect(r.units.find((u) => u.unitId === tree.S1.id)).toMatchObject({ candidates: 2, sat: 1, passRate: 100 });
    expect(r.questions.map((q) => [q.kind, q.papers, q.answered, q.difficulty])).toEqual([
      ['single', 2, 2, 0.5],
      ['true_false', 2, 2, 0.5],
      // the blank essay counts 0 and is no answer
      ['essay', 2, 1, 0.42],
    ]);
    const list = await s.examStats.results(county, examId, { page: 1, pageSize: 20 });
    expect(list.items.map((x) => [x.name, x.composite, x.level, x.attempts])).toEqual([
      [good.name, 90, 'excellent', 1],
      [weak.name, 0, 'fail', 1],
    ]);
  });
});
