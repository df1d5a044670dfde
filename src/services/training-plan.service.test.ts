import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { as, buildTestApp, login } from '../../test/support/app.js';
import { actorAt, buildTree, type Tree } from '../../test/support/fixtures.js';
import type { Role } from '../domain/org-tree.js';
import { AppError } from '../errors/app-error.js';
import type { OrgUnitRow } from '../repositories/org-unit.repository.js';
import { createTrainingRepository } from '../repositories/training.repository.js';
import type { PlanItemFields } from '../repositories/training-plan.repository.js';
import type { RequestContext } from './context.js';
import { createServices, type Services } from './services.js';

let t: TestDatabase;
let tree: Tree;
let s: Services;
let province: RequestContext;
let city: RequestContext;
let county: RequestContext;
let otherCounty: RequestContext;
let school: RequestContext;
let school2: RequestContext;
let teacher: RequestContext;
const YEAR = 2027;

const ctxAt = (unit: OrgUnitRow, role: Role, name: string): Promise<RequestContext> => actorAt(t.db, unit, role, name);
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: unknown) => (e instanceof AppError ? e.code : String(e)),
  );
const line = (month: number, title: string, over: Partial<PlanItemFields> = {}): PlanItemFields => ({
  month,
  title,
  form: null,
  responsibleUnitId: null,
  responsible: null,
  projectId: null,
  notes: null,
  ...over,
});
const plan = (title: string, items: PlanItemFields[], year = YEAR) => ({ year, title, summary: `${title}说明`, items });
async function project(unit: OrgUnitRow, title: string, status: 'draft' | 'open' = 'open'): Promise<number> {
  const repo = createTrainingRepository(t.db);
  const id = await repo.insertProject({
    level:
      unit.kind === 'county'
        ? 'county'
        : unit.kind === 'city'
          ? 'city'
          : unit.kind === 'province'
            ? 'province'
            : 'school',
    title,
    description: null,
    year: YEAR,
    registrationOpens: null,
    registrationCloses: null,
    eligibility: {},
    completionRule: { minAttendancePct: 80, assessmentRequired: false },
    hours: 100,
    creditCategories: [],
    provinceId: unit.provinceId,
    orgUnitId: unit.id,
    orgPath: unit.path,
    createdBy: county.actor!.userId,
  });
  if (status === 'open') await repo.moveProject(id, 'draft', 'open');
  return id;
}

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_TODAY: '2027-01-10' });
  tree = await buildTree(t.db);
  s = createServices({ db: t.db, env: t.env });
  province = await ctxAt(tree.P1, 'province_admin', 'p1-admin');
  city = await ctxAt(tree.C1, 'city_admin', 'c1-admin');
  county = await ctxAt(tree.K1, 'county_admin', 'k1-admin');
  otherCounty = await ctxAt(tree.K2, 'county_admin', 'k2-admin');
  school = await ctxAt(tree.S1, 'school_admin', 's1-admin');
  school2 = await ctxAt(tree.S2, 'school_admin', 's2-admin');
  teacher = await ctxAt(tree.S1, 'teacher', 's1-teacher');
});
afterAll(async () => {
  await t?.close();
});

describe('a school plan and the county approval', () => {
  it('goes draft → submitted → returned → resubmitted → approved, each step kept as a version', async () => {
    const p = await s.plans.save(
      school,
      plan('第一实验小学年度计划', [
        line(3, '新学期校本研修启动'),
        line(9, '青年教师汇报课', { form: 'practice', responsible: '教导处' }),
      ]),
    );
    expect(p).toMatchObject({
      status: 'draft',
      version: 0,
      track: 'review',
      canManage: true,
      canReview: false,
      orgUnitId: tree.S1.id,
    });
    expect(p.items.map((i) => [i.month, i.title])).toEqual([
      [3, '新学期校本研修启动'],
      [9, '青年教师汇报课'],
    ]);

    const submitted = await s.plans.submit(school, p.id);
    expect(submitted).toMatchObject({ status: 'submitted', version: 1 });
    const queue = await s.plans.reviewQueue(county, YEAR);
    expect(queue.submitted.map((x) => x.id)).toContain(p.id);
    expect(queue.schools.find((x) => x.unit.id === tree.S1.id)).toMatchObject({ status: 'submitted', planId: p.id });
    expect(queue.schools.find((x) => x.unit.id === tree.S2.id)).toMatchObject({ status: null, planId: null });
    expect(queue.schools.map((x) => x.unit.id)).toContain(tree.S4.id);

    expect(await codeOf(s.plans.return(county, p.id, '   '))).toBe('VALIDATION_FAILED');
    const returned = await s.plans.return(county, p.id, '请补充师德培训安排');
    expect(returned).toMatchObject({
      status: 'returned',
      reviewComment: '请补充师德培训安排',
      reviewedByName: 'k1-admin',
    });
    expect((await s.plans.reviewQueue(county, YEAR)).submitted.map((x) => x.id)).not.toContain(p.id);

    // the school sees the comment, edits and submits again
    expect((await s.plans.get(school, p.id)).reviewComment).toBe('请补充师德培训安排');
    await s.plans.save(
      school,
      plan('第一实验小学年度计划', [
        line(3, '新学期校本研修启动'),
        line(5, '师德专题学习', { form: 'school_based' }),
        line(9, '青年教师汇报课'),
      ]),
    );
    expect(await s.plans.submit(school, p.id)).toMatchObject({ status: 'submitted', version: 2, reviewComment: null });
    const approved = await s.plans.approve(county, p.id, null);
    expect(approved).toMatchObject({ status: 'approved', version: 2, finalVersion: 2 });

    const versions = await s.plans.versions(school, p.id);
    expect(versions.map((v) => [v.event, v.version, v.actorName, v.comment])).toEqual([
      ['approved', 2, 'k1-admin', null],
      ['submitted', 2, 's1-admin', null],
      ['returned', 1, 'k1-admin', '请补充师德培训安排'],
      ['submitted', 1, 's1-admin', null],
    ]);
    // any version opens with the plan as it stood
    const first = await s.plans.version(county, versions[3]!.id);
    expect(first.content.items.map((i) => i.title)).toEqual(['新学期校本研修启动', '青年教师汇报课']);
    const last = await s.plans.version(school, versions[0]!.id);
    expect(last.content.items.map((i) => i.title)).toEqual(['新学期校本研修启动', '师德专题学习', '青年教师汇报课']);
    const audit = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('target_id', '=', String(p.id))
      .where('outcome', '=', 'success')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'plan.save',
      'plan.submit',
      'plan.return',
      'plan.save',
      'plan.submit',
      'plan.approve',
    ]);
  });

  it('a submitted or approved plan is not edited; an approved one is reopened by its school and approved again', async () => {
    const p = await s.plans.save(school2, plan('第一中学年度计划', [line(4, '教研组长培训')]));
    await s.plans.submit(school2, p.id);
    expect(await codeOf(s.plans.save(school2, plan('改了', [line(4, '教研组长培训')])))).toBe('PLAN_IN_REVIEW');
    expect(await codeOf(s.plans.submit(school2, p.id))).toBe('PLAN_STATE');
    await s.plans.approve(county, p.id, '同意');
    expect(await codeOf(s.plans.save(school2, plan('改了', [line(4, '教研组长培训')])))).toBe('PLAN_APPROVED');
    expect((await s.plans.get(school2, p.id)).title).toBe('第一中学年度计划');
    // the county cannot reopen it; the school can
    expect(await codeOf(s.plans.reopen(county, p.id))).toBe('FORBIDDEN');
    const reopened = await s.plans.reopen(school2, p.id);
    expect(reopened).toMatchObject({ status: 'draft', finalVersion: 1 });
    await s.plans.save(school2, plan('第一中学年度计划（修订）', [line(4, '教研组长培训'), line(10, '课题开题')]));
    // while revised, the teachers and the calendar still see the approved version
    const teacherOf = await ctxAt(tree.S2, 'teacher', 's2-teacher');
    expect(await s.plans.get(teacherOf, p.id)).toMatchObject({
      title: '第一中学年度计划',
      status: 'approved',
      workingCopy: false,
    });
    await s.plans.submit(school2, p.id);
    await s.plans.approve(county, p.id, null);
    expect(await s.plans.get(teacherOf, p.id)).toMatchObject({ title: '第一中学年度计划（修订）', version: 2 });
    expect((await s.plans.versions(school2, p.id)).map((v) => v.event)).toEqual([
      'approved',
      'submitted',
      'approved',
      'submitted',
    ]);
  });

  it('only the county of the school decides: another county gets "not found", the school and the city "forbidden"', async () => {
    const s4 = await ctxAt(tree.S4, 'school_admin', 's4-admin');
    const p = await s.plans.save(s4, plan('中心小学计划', [line(6, '暑期培训')]));
    await s.plans.submit(s4, p.id);
    expect(await codeOf(s.plans.approve(otherCounty, p.id, null))).toBe('NOT_FOUND');
    expect(await codeOf(s.plans.get(otherCounty, p.id))).toBe('NOT_FOUND');
    expect(await codeOf(s.plans.approve(school, p.id, null))).toBe('NOT_FOUND');
    expect(await codeOf(s.plans.approve(s4, p.id, null))).toBe('FORBIDDEN');
    expect(await codeOf(s.plans.approve(city, p.id, null))).toBe('FORBIDDEN');
    expect(await codeOf(s.plans.reviewQueue(school, YEAR))).toBe('FORBIDDEN');
    expect((await s.plans.reviewQueue(otherCounty, YEAR)).submitted.map((x) => x.id)).not.toContain(p.id);
    const denied = await t.db
      .selectFrom('audit_log')
      .select(['outcome', 'error_code'])
      .where('action', '=', 'plan.approve')
      .where('actor_username', '=', 'k2-admin')
      .executeTakeFirstOrThrow();
    expect(denied).toEqual({ outcome: 'denied', error_code: 'NOT_FOUND' });
    // an approval of a plan not submitted is refused with the state named
    const draft = await s.plans.save(
      await ctxAt(tree.T1, 'school_admin', 't1-admin'),
      plan('中心校计划', [line(6, '送教下乡')]),
    );
    expect(await codeOf(s.plans.approve(county, draft.id, null))).toBe('PLAN_STATE');
    expect(await codeOf(s.plans.return(county, draft.id, '退回'))).toBe('PLAN_STATE');
    // an empty plan is not submitted
    const s3 = await ctxAt(tree.S3, 'school_admin', 's3-admin');
    const empty = await s.plans.save(s3, plan('空计划', []));
    expect(await codeOf(s.plans.submit(s3, empty.id))).toBe('PLAN_EMPTY');
  });
});

describe('plans of the province, cities and counties', () => {
  it('are published by their own admins, edited back to drafts and published again', async () => {
    const p = await s.plans.save(county, plan('桦甸市年度培训计划', [line(2, '寒假全员培训')]));
    expect(p.track).toBe('publish');
    expect(await codeOf(s.plans.submit(county, p.id))).toBe('PLAN_LEVEL_MISMATCH');
    expect(await codeOf(s.plans.publish(city, p.id))).toBe('FORBIDDEN');
    expect(await codeOf(s.plans.publish(school, p.id))).toBe('NOT_FOUND');
    expect(await s.plans.publish(county, p.id)).toMatchObject({ status: 'published', version: 1 });
    expect(await codeOf(s.plans.publish(county, p.id))).toBe('PLAN_STATE');
    expect(
      await s.plans.save(county, plan('桦甸市年度培训计划', [line(2, '寒假全员培训'), line(7, '暑期骨干研修')])),
    ).toMatchObject({ status: 'draft', finalVersion: 1 });
    // the school still reads the published version
    expect(await s.plans.get(school, p.id)).toMatchObject({
      status: 'published',
      workingCopy: false,
      items: [expect.objectContaining({ title: '寒假全员培训' })],
    });
    await s.plans.publish(county, p.id);
    expect((await s.plans.get(school, p.id)).items).toHaveLength(2);
    // a school plan is not published
    const own = (await s.plans.forUnit(school, { year: YEAR })).plan!;
    expect(await codeOf(s.plans.publish(school, own.id))).toBe('PLAN_LEVEL_MISMATCH');
  });

  it('only the unit itself writes its plan: below is "forbidden", beside and above "not found"', async () => {
    expect(await codeOf(s.plans.save(county, { ...plan('替学校写', []), orgUnitId: tree.S1.id }))).toBe('FORBIDDEN');
    expect(await codeOf(s.plans.save(school, { ...plan('替县里写', []), orgUnitId: tree.K1.id }))).toBe('NOT_FOUND');
    expect(await codeOf(s.plans.save(county, { ...plan('替邻县写', []), orgUnitId: tree.K2.id }))).toBe('NOT_FOUND');
    expect(await codeOf(s.plans.save(teacher, plan('教师', [])))).toBe('FORBIDDEN');
  });
});

describe('what a plan line may name', () => {
  it('links projects of the unit, above it or below it, and responsible units on its line of the tree', async () => {
    const countyProject = await project(tree.K1, '县级新课标培训');
    const cityDraft = await project(tree.C1, '市级草稿项目', 'draft');
    const siblingProject = await project(tree.K2, '蛟河项目');
    const schoolProject = await project(tree.S1, '校本项目');
    const ok = await s.plans.save(
      county,
      plan('桦甸市年度培训计划', [
        line(3, '新课标', { projectId: countyProject, responsibleUnitId: tree.I1.id }),
        line(4, '校本', { projectId: schoolProject, responsibleUnitId: tree.S1.id }),
      ]),
    );
    expect(ok.items.map((i) => [i.projectTitle, i.responsibleUnitName])).toEqual([
      ['县级新课标培训', tree.I1.name],
      ['校本项目', tree.S1.name],
    ]);
    // the school may name the county's institution and link the county's open project
    const schoolOk = await s.plans.forUnit(school, { year: YEAR });
    expect(schoolOk.choices!.units.map((u) => u.id)).toEqual(
      expect.arrayContaining([tree.P1.id, tree.C1.id, tree.K1.id, tree.I1.id, tree.S1.id]),
    );
    expect(schoolOk.choices!.units.map((u) => u.id)).not.toContain(tree.S2.id);
    expect(schoolOk.choices!.projects.map((p) => p.id)).toEqual(expect.arrayContaining([countyProject, schoolProject]));
    expect(schoolOk.choices!.projects.map((p) => p.id)).not.toContain(cityDraft);

    for (const [bad, field] of [
      [{ projectId: siblingProject }, 'projectId'],
      [{ projectId: cityDraft }, 'projectId'],
      [{ projectId: 987_654_321 }, 'projectId'],
      [{ responsibleUnitId: tree.K2.id }, 'responsibleUnitId'],
      [{ responsibleUnitId: tree.S5.id }, 'responsibleUnitId'],
      [{ responsibleUnitId: 987_654_321 }, 'responsibleUnitId'],
    ] as const) {
      const err = await s.plans
        .save(county, plan('桦甸市年度培训计划', [line(1, '好的'), line(3, '坏的', bad)]))
        .catch((e: unknown) => e);
      expect(err, JSON.stringify(bad)).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('PLAN_INVALID');
      expect((err as AppError).details).toEqual({ problems: [expect.objectContaining({ item: 1, field })] });
    }
    // nothing of the refused saves was stored
    expect((await s.plans.get(county, ok.id)).items.map((i) => i.title)).toEqual(['新课标', '校本']);
  });
});

describe('the calendar', () => {
  it("shows the unit's own plan and the published plans above it, not drafts above nor plans beside", async () => {
    const p1 = await s.plans.save(
      province,
      plan('吉林省年度计划', [line(1, '省级：国培启动'), line(11, '省级：年度总结')]),
    );
    await s.plans.publish(province, p1.id);
    await s.plans.save(city, plan('吉林市年度计划（草稿）', [line(5, '市级草稿活动')]));
    const k2 = await s.plans.save(otherCounty, plan('蛟河市计划', [line(5, '蛟河：邻县活动')]));
    await s.plans.publish(otherCounty, k2.id);

    // the school admin: its own approved plan (as it stands), the county's and the province's published ones
    const cal = await s.plans.calendar(school, { year: YEAR });
    const titles = cal.items.map((i) => i.title);
    expect(titles).toEqual(
      expect.arrayContaining(['省级：国培启动', '寒假全员培训', '新学期校本研修启动', '师德专题学习']),
    );
    expect(titles).not.toContain('市级草稿活动');
    expect(titles).not.toContain('蛟河：邻县活动');
    expect(titles).not.toContain('教研组长培训'); // the sibling school's plan
    expect(cal.items.map((i) => i.month)).toEqual([...cal.items.map((i) => i.month)].sort((a, b) => a - b));
    expect(cal.plans.map((p) => p.unitKind)).toEqual(['province', 'county', 'school']);
    expect(cal.items.find((i) => i.title === '省级：国培启动')).toMatchObject({
      unitName: tree.P1.name,
      unitKind: 'province',
      month: 1,
    });

    // a teacher reads the same calendar of their school, read-only
    const forTeacher = await s.plans.calendar(teacher, { year: YEAR });
    expect(forTeacher.items.map((i) => i.title).sort()).toEqual(titles.sort());
    expect(await codeOf(s.plans.calendar(teacher, { orgUnitId: tree.S2.id, year: YEAR }))).toBe('NOT_FOUND');
    expect(await codeOf(s.plans.save(teacher, plan('x', [])))).toBe('FORBIDDEN');

    // the county looks at a school's calendar, and at its own: its own draft edits, never a school's lines
    const ofS1 = await s.plans.calendar(county, { orgUnitId: tree.S1.id, year: YEAR });
    expect(ofS1.items.map((i) => i.title)).toContain('师德专题学习');
    const own = await s.plans.calendar(county, { year: YEAR });
    expect(own.items.map((i) => i.title)).not.toContain('师德专题学习');
    expect(own.items.map((i) => i.title)).toContain('省级：国培启动');
    expect(await codeOf(s.plans.calendar(county, { orgUnitId: tree.S3.id, year: YEAR }))).toBe('NOT_FOUND');

    // a school draft is its own admin's business: it shows in its own calendar, not to its teachers
    const t1 = await ctxAt(tree.T1, 'school_admin', 't1-admin-cal');
    expect((await s.plans.calendar(t1, { year: YEAR })).items.map((i) => i.title)).toContain('送教下乡');
    const t1Teacher = await ctxAt(tree.T1, 'teacher', 't1-teacher');
    expect((await s.plans.calendar(t1Teacher, { year: YEAR })).items.map((i) => i.title)).not.toContain('送教下乡');
  });
});

describe('the 月份行事表 sheet', () => {
  it('exports a plan and reads the same sheet back into the form', async () => {
    const { plan: own } = await s.plans.forUnit(county, { year: YEAR });
    const x = await s.plans.export(school, own!.id);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.data as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(String(ws.getCell(3, 1).value)).toBe('月份');
    expect(String(ws.getCell(4, 2).value)).toBe('寒假全员培训');
    expect(x.fileName).toBe(`${tree.K1.name}${YEAR}年度培训计划.xlsx`);

    const read = await s.plans.readSheet(county, YEAR, { name: 'plan.xlsx', data: x.data });
    expect(read.problems).toEqual([]);
    const published = await s.plans.get(school, own!.id);
    expect(read.items.map((i) => [i.month, i.title, i.form, i.responsibleUnitId, i.projectId])).toEqual(
      published.items.map((i) => [i.month, i.title, i.form, i.responsibleUnitId, i.projectId]),
    );

    // rows with a month 13, an unknown form or project are reported with their row
    ws.getCell(4, 1).value = '13月';
    ws.getCell(5, 3).value = '空中培训';
    const bad = Buffer.from(await wb.xlsx.writeBuffer());
    const r = await s.plans.readSheet(county, YEAR, { name: 'plan.xlsx', data: bad });
    expect(r.problems.map((p) => [p.row, p.field, p.code])).toEqual([
      [4, 'month', 'unknown_month'],
      [5, 'form', 'unknown_form'],
    ]);
  });
});

describe('over HTTP', () => {
  it('a bad line is refused with the line and field named; a submitted plan answers 409 with what to do', async () => {
    const app = await buildTestApp(t);
    try {
      const school3 = as(app, await login(app, 's3-admin'));
      const bad = await school3({
        method: 'PUT',
        url: '/api/plans',
        payload: { year: YEAR, title: '空计划', items: [{ month: 13, title: 'x' }] },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.code).toBe('VALIDATION_FAILED');
      const ok = await school3({
        method: 'PUT',
        url: '/api/plans',
        payload: { year: YEAR, title: '蛟河市实验小学计划', items: [{ month: 12, title: '年终考核' }] },
      });
      expect(ok.statusCode, ok.body).toBe(200);
      const id = ok.json().plan.id as number;
      expect((await school3({ method: 'POST', url: `/api/plans/${id}/submit` })).statusCode).toBe(200);
      const locked = await school3({
        method: 'PUT',
        url: '/api/plans',
        headers: { 'accept-language': 'en' },
        payload: { year: YEAR, title: '改', items: [] },
      });
      expect(locked.statusCode).toBe(409);
      expect(locked.json().error).toMatchObject({ code: 'PLAN_IN_REVIEW', message: expect.stringContaining('return') });
      const k2 = as(app, await login(app, 'k2-admin'));
      const noComment = await k2({ method: 'POST', url: `/api/plans/${id}/return`, payload: {} });
      expect(noComment.statusCode).toBe(400);
      expect(
        (await k2({ method: 'POST', url: `/api/plans/${id}/return`, payload: { comment: '请细化' } })).json().plan
          .status,
      ).toBe('returned');
      const xlsx = await school3({ method: 'GET', url: `/api/plans/${id}/export.xlsx` });
      expect(xlsx.statusCode).toBe(200);
      expect(String(xlsx.headers['content-type'])).toContain('spreadsheetml');
    } finally {
      await app.close();
    }
  });
});
