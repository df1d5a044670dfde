import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { today } from '../config/env.js';
import { DEFAULT_QUESTIONS, MIN_ANSWERS_FOR_DETAIL } from '../domain/survey.js';
import type { Role } from '../domain/org-tree.js';
import { AppError } from '../errors/app-error.js';
import type { OrgUnitRow } from '../repositories/org-unit.repository.js';
import { createTeacherRepository } from '../repositories/teacher.repository.js';
import { createTrainingRepository } from '../repositories/training.repository.js';
import { as, buildTestApp, login } from '../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { actorAt, buildTree, type Tree } from '../../test/support/fixtures.js';
import { seedTeacher } from '../../test/support/ledger.js';
import type { RequestContext } from './context.js';
import { createSurveyService, type SurveyService } from './survey.service.js';

let t: TestDatabase;
let tree: Tree;
let surveys: SurveyService;
let county: RequestContext;
let otherCounty: RequestContext;
let schoolAdmin: RequestContext;
let trainerA: RequestContext;
let trainerB: RequestContext;
/** teacher accounts of S1, their registry ids beside */
const teachers: Array<{ ctx: RequestContext; id: number }> = [];
const clock = Date.now();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const ctxAt = (unit: OrgUnitRow, role: Role, name: string): Promise<RequestContext> => actorAt(t.db, unit, role, name);
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: unknown) => (e instanceof AppError ? e.code : String(e)),
  );

let projectSeq = 0;
async function project(): Promise<number> {
  const repo = createTrainingRepository(t.db);
  const id = await repo.insertProject({
    level: 'county',
    title: `满意度项目${++projectSeq}`,
    description: null,
    year: 2027,
    registrationOpens: null,
    registrationCloses: null,
    eligibility: {},
    completionRule: { minAttendancePct: 80, assessmentRequired: false },
    hours: 120,
    creditCategories: [],
    provinceId: tree.K1.provinceId,
    orgUnitId: tree.K1.id,
    orgPath: tree.K1.path,
    createdBy: county.actor!.userId,
  });
  await repo.moveProject(id, 'draft', 'open');
  return id;
}
/** A class of the project whose first session starts at `startsAt`, with these teachers enrolled. */
async function classOf(
  projectId: number,
  enrolled: number[],
  startsAt = new Date(clock - HOUR),
  trainer?: RequestContext,
): Promise<number> {
  const repo = createTrainingRepository(t.db);
  const classId = await repo.insertClass({
    projectId,
    provinceId: tree.K1.provinceId,
    orgPath: tree.K1.path,
    name: `班${projectId}-${enrolled.length}-${startsAt.getTime() % 1000}`,
    capacity: 100,
  });
  await repo.insertSession(classId, {
    startsAt,
    endsAt: new Date(startsAt.getTime() + 3 * HOUR),
    place: '报告厅',
    onlineUrl: null,
    checkinOpensAt: new Date(startsAt.getTime() - HOUR),
    checkinClosesAt: new Date(startsAt.getTime() + HOUR),
  });
  for (const i of enrolled) {
    await t.db
      .insertInto('enrolment')
      .values({
        class_id: classId,
        teacher_id: teachers[i]!.id,
        province_id: tree.S1.provinceId,
        org_unit_id: tree.S1.id,
        org_path: tree.S1.path,
        status: 'enrolled',
        source: 'nominated',
        created_by: county.actor!.userId,
      })
      .execute();
  }
  await t.db.updateTable('training_class').set({ enrolled: enrolled.length }).where('id', '=', classId).execute();
  if (trainer) await repo.setTrainers(classId, [trainer.actor!.userId]);
  return classId;
}
const rate = (overall: number, suggestions?: string) => ({
  content: 4,
  trainer: 5,
  organisation: 4,
  venue: 3,
  overall,
  ...(suggestions === undefined ? {} : { suggestions }),
});

beforeAll(async () => {
  t = await createTestDatabase();
  tree = await buildTree(t.db);
  surveys = createSurveyService({ db: t.db, env: t.env }, () => clock);
  county = await ctxAt(tree.K1, 'county_admin', 'sv-k1');
  otherCounty = await ctxAt(tree.K2, 'county_admin', 'sv-k2');
  schoolAdmin = await ctxAt(tree.S1, 'school_admin', 'sv-s1');
  trainerA = await ctxAt(tree.I1, 'trainer', 'sv-trainer-a');
  trainerB = await ctxAt(tree.I1, 'trainer', 'sv-trainer-b');
  for (let i = 0; i < 10; i++) {
    const id = await seedTeacher(t.db, t.env, tree.S1, { seed: 400 + i });
    const ctx = await ctxAt(tree.S1, 'teacher', `sv-teacher-${i}`);
    await createTeacherRepository(t.db).linkUser(id, ctx.actor!.userId);
    teachers.push({ ctx, id });
  }
});
afterAll(async () => {
  await t?.close();
});

describe('the questionnaire of a project', () => {
  it("is the default one until the organiser sets questions; only the organiser's subtree reads or edits it", async () => {
    const p = await project();
    expect(await surveys.form(county, p)).toMatchObject({
      isDefault: true,
      locked: false,
      canEdit: true,
      questions: DEFAULT_QUESTIONS,
    });
    const questions = [
      { key: 'useful', kind: 'rating' as const, zh: '对教学有帮助', en: 'Helps my teaching' },
      { key: 'wish', kind: 'text' as const, zh: '下次希望学什么', en: 'What next' },
    ];
    expect(await surveys.saveForm(county, p, questions)).toMatchObject({ isDefault: false, questions });
    expect((await surveys.form(county, p)).questions).toEqual(questions);
    expect(await codeOf(surveys.form(otherCounty, p))).toBe('NOT_FOUND');
    expect(await codeOf(surveys.saveForm(otherCounty, p, questions))).toBe('NOT_FOUND');
    // the school reads the county's project but does not run it
    expect(await codeOf(surveys.form(schoolAdmin, p))).toBe('NOT_FOUND');
    expect(await codeOf(surveys.saveForm(teachers[0]!.ctx, p, questions))).toBe('FORBIDDEN');
    const denied = await t.db
      .selectFrom('audit_log')
      .select(['outcome', 'error_code'])
      .where('action', '=', 'survey.save_form')
      .where('actor_username', '=', 'sv-k2')
      .executeTakeFirstOrThrow();
    expect(denied).toEqual({ outcome: 'denied', error_code: 'NOT_FOUND' });
  });

  it('refuses bad questionnaires with the field named, and changes nothing', async () => {
    const p = await project();
    const bad = async (questions: unknown) => {
      const e = await surveys.saveForm(county, p, questions).then(
        () => null,
        (x: unknown) => x as AppError,
      );
      return e?.code === 'VALIDATION_FAILED'
        ? (e.details!['issues'] as Array<{ path: string; kind: string }>).map((i) => `${i.path}:${i.kind}`)
        : (e?.code ?? 'OK');
    };
    expect(await bad([])).toEqual(['questions:too_few']);
    expect(await bad([{ key: 'x', kind: 'choice', zh: '甲', en: 'A' }])).toEqual(['questions.0.kind:invalid']);
    expect(
      await bad([
        { key: 'x', kind: 'rating', zh: '甲', en: 'A' },
        { key: 'x', kind: 'text', zh: '乙', en: 'B' },
      ]),
    ).toEqual(['questions.1.key:duplicate']);
    expect(
      await bad(Array.from({ length: 13 }, (_, i) => ({ key: `q${i}`, kind: 'rating', zh: '甲', en: 'A' }))),
    ).toEqual(['questions:too_many']);
    expect((await surveys.form(county, p)).isDefault).toBe(true);
  });

  it('can no longer change once a teacher answered: SURVEY_LOCKED', async () => {
    const p = await project();
    const c = await classOf(p, [0]);
    await surveys.answer(teachers[0]!.ctx, c, rate(5));
    expect(await surveys.form(county, p)).toMatchObject({ locked: true, canEdit: false });
    expect(await codeOf(surveys.saveForm(county, p, [{ key: 'x', kind: 'rating', zh: '甲', en: 'A' }]))).toBe(
      'SURVEY_LOCKED',
    );
    expect((await surveys.form(county, p)).isDefault).toBe(true);
  });
});

describe('answering', () => {
  it('an enrolled teacher answers once; the answer carries neither the teacher nor the time; the audit row names only the class', async () => {
    const p = await project();
    const c = await classOf(p, [0, 1]);
    const me = teachers[0]!;
    expect(await surveys.classForm(me.ctx, c)).toMatchObject({
      classId: c,
      answered: false,
      window: 'open',
      questions: DEFAULT_QUESTIONS,
    });
    expect((await surveys.pending(me.ctx)).map((x) => x.classId)).toContain(c);
    const secret = '培训者讲得太快，独一无二的意见';
    expect(await surveys.answer(me.ctx, c, rate(2, secret))).toEqual({ classId: c, answered: true });
    expect(await surveys.classForm(me.ctx, c)).toMatchObject({ answered: true });
    expect((await surveys.pending(me.ctx)).map((x) => x.classId)).not.toContain(c);
    expect(await codeOf(surveys.answer(me.ctx, c, rate(5)))).toBe('SURVEY_ALREADY_ANSWERED');

    const stored = await t.db.selectFrom('survey_response').selectAll().where('class_id', '=', c).execute();
    expect(stored).toHaveLength(1);
    // the row has no column that could name the teacher, and the day only
    expect(Object.keys(stored[0]!).sort()).toEqual(['answers', 'class_id', 'id', 'project_id', 'submitted_on']);
    expect(stored[0]!.answers).toEqual(rate(2, secret));
    expect(stored[0]!.submitted_on).toBe(today(t.env));
    expect(await t.db.selectFrom('survey_submission').selectAll().where('class_id', '=', c).execute()).toEqual([
      { class_id: c, teacher_id: me.id },
    ]);

    const audit = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'survey.answer')
      .where('target_id', '=', String(c))
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.outcome)).toEqual(['success', 'failure']);
    expect(audit[1]!.error_code).toBe('SURVEY_ALREADY_ANSWERED');
    for (const a of audit) {
      expect(a.actor_username).toBe('sv-teacher-0');
      expect(JSON.stringify(a)).not.toContain(secret);
      expect(JSON.stringify(a.details ?? {})).not.toMatch(/overall|content|"2"|suggestions/);
    }
  });

  it('two answers sent at once store one', async () => {
    const p = await project();
    const c = await classOf(p, [1]);
    const codes = await Promise.all(
      [surveys.answer(teachers[1]!.ctx, c, rate(4)), surveys.answer(teachers[1]!.ctx, c, rate(3))].map(codeOf),
    );
    expect(codes.sort()).toEqual(['OK', 'SURVEY_ALREADY_ANSWERED']);
    expect(await t.db.selectFrom('survey_response').select('id').where('class_id', '=', c).execute()).toHaveLength(1);
  });

  it('a teacher not enrolled gets "not found"; administrators and trainers are no respondents', async () => {
    const p = await project();
    const c = await classOf(p, [0]);
    expect(await codeOf(surveys.classForm(teachers[2]!.ctx, c))).toBe('NOT_FOUND');
    expect(await codeOf(surveys.answer(teachers[2]!.ctx, c, rate(5)))).toBe('NOT_FOUND');
    await t.db.updateTable('enrolment').set({ status: 'withdrawn' }).where('class_id', '=', c).execute();
    expect(await codeOf(surveys.answer(teachers[0]!.ctx, c, rate(5)))).toBe('NOT_FOUND');
    expect(await codeOf(surveys.answer(county, c, rate(5)))).toBe('FORBIDDEN');
    expect(await codeOf(surveys.answer(trainerA, c, rate(5)))).toBe('FORBIDDEN');
    expect(await codeOf(surveys.pending(county))).toBe('FORBIDDEN');
    expect(await codeOf(surveys.answer(teachers[0]!.ctx, 999_999_999, rate(5)))).toBe('NOT_FOUND');
    expect(await t.db.selectFrom('survey_response').select('id').where('class_id', '=', c).execute()).toEqual([]);
    const denied = await t.db
      .selectFrom('audit_log')
      .select(['outcome', 'error_code'])
      .where('action', '=', 'survey.answer')
      .where('actor_username', '=', 'sv-teacher-2')
      .executeTakeFirstOrThrow();
    expect(denied).toEqual({ outcome: 'denied', error_code: 'NOT_FOUND' });
  });

  it('opens when the first session starts and closes 30 days after the class closed', async () => {
    const p = await project();
    const c = await classOf(p, [3], new Date(clock + DAY));
    expect(await surveys.classForm(teachers[3]!.ctx, c)).toMatchObject({ window: 'not_yet' });
    expect((await surveys.pending(teachers[3]!.ctx)).map((x) => x.classId)).not.toContain(c);
    expect(await codeOf(surveys.answer(teachers[3]!.ctx, c, rate(5)))).toBe('SURVEY_NOT_OPEN');
    await t.db
      .updateTable('training_class')
      .set({ status: 'closed', closed_at: new Date(clock - 31 * DAY) })
      .where('id', '=', c)
      .execute();
    expect(await codeOf(surveys.answer(teachers[3]!.ctx, c, rate(5)))).toBe('SURVEY_NOT_OPEN');
    await t.db
      .updateTable('training_class')
      .set({ closed_at: new Date(clock - 29 * DAY) })
      .where('id', '=', c)
      .execute();
    expect((await surveys.pending(teachers[3]!.ctx)).map((x) => x.classId)).toContain(c);
    expect(await codeOf(surveys.answer(teachers[3]!.ctx, c, rate(5)))).toBe('OK');
  });

  it('refuses ratings 0 or 6, a missing rating, unknown keys and text over 1000 characters, storing nothing and auditing no answer', async () => {
    const p = await project();
    const c = await classOf(p, [4]);
    const me = teachers[4]!.ctx;
    const issues = async (answers: unknown) => {
      const e = await surveys.answer(me, c, answers).then(
        () => null,
        (x: unknown) => x as AppError,
      );
      return e?.code === 'VALIDATION_FAILED'
        ? (e.details!['issues'] as Array<{ path: string; kind: string }>).map((i) => `${i.path}:${i.kind}`)
        : (e?.code ?? 'OK');
    };
    expect(await issues(rate(0))).toEqual(['answers.overall:out_of_range']);
    expect(await issues(rate(6))).toEqual(['answers.overall:out_of_range']);
    const { venue: _, ...noVenue } = rate(4);
    expect(await issues(noVenue)).toEqual(['answers.venue:required']);
    expect(await issues({ ...rate(4), mood: 3 })).toEqual(['answers.mood:unknown']);
    const long = '长'.repeat(1001);
    expect(await issues(rate(4, long))).toEqual(['answers.suggestions:too_long']);
    expect(await t.db.selectFrom('survey_response').select('id').where('class_id', '=', c).execute()).toEqual([]);
    expect(await t.db.selectFrom('survey_submission').select('teacher_id').where('class_id', '=', c).execute()).toEqual(
      [],
    );
    const rows = await t.db
      .selectFrom('audit_log')
      .select(['outcome', 'error_code', 'details'])
      .where('action', '=', 'survey.answer')
      .where('target_id', '=', String(c))
      .execute();
    expect(rows).toHaveLength(5);
    expect(
      rows.every(
        (r) =>
          r.outcome === 'failure' &&
          r.error_code === 'VALIDATION_FAILED' &&
          !JSON.stringify(r.details ?? {}).includes('长'),
      ),
    ).toBe(true);
    // and the teacher may still answer properly
    expect(await issues(rate(4, '长'.repeat(1000)))).toBe('OK');
  });
});

describe('results', () => {
  let p: number;
  let small: number;
  let big: number;
  beforeAll(async () => {
    p = await project();
    small = await classOf(p, [0, 1, 2], new Date(clock - HOUR), trainerA);
    big = await classOf(p, [3, 4, 5, 6, 7, 8], new Date(clock - HOUR), trainerB);
    await surveys.answer(teachers[0]!.ctx, small, rate(1, '小班唯一的意见'));
    await surveys.answer(teachers[1]!.ctx, small, rate(2));
    for (const [i, overall, s] of [
      [5, 5, '乙：多些案例'],
      [3, 3, '甲：时间太紧'],
      [4, 4, undefined],
      [6, 1, '丙：很好'],
    ] as Array<[number, number, string | undefined]>) {
      await surveys.answer(teachers[i]!.ctx, big, rate(overall, s));
    }
    // the answer windows are over: the figures show
    await t.db
      .updateTable('training_class')
      .set({ status: 'closed', closed_at: new Date(clock - 31 * DAY) })
      .where('id', 'in', [small, big])
      .execute();
  });

  it(`below ${MIN_ANSWERS_FOR_DETAIL} answers a class shows counts only, and says so`, async () => {
    const r = await surveys.classResults(trainerA, small);
    expect(r).toMatchObject({
      classId: small,
      minAnswersForDetail: 3,
      results: { answers: 2, enrolled: 3, responseRate: 0.667, detailShown: false },
    });
    expect(r.results.questions.every((q) => q.mean === null && q.distribution === null)).toBe(true);
    expect(JSON.stringify(r)).not.toContain('小班唯一');
  });

  it('a trainer reads their own class: means, distributions and texts ordered by text, nothing identifying', async () => {
    const r = await surveys.classResults(trainerB, big);
    expect(r.results).toMatchObject({ answers: 4, enrolled: 6, responseRate: 0.667, detailShown: true });
    expect(r.results.questions.find((q) => q.key === 'overall')).toMatchObject({
      answered: 4,
      mean: 3.25,
      distribution: [1, 0, 1, 1, 1],
    });
    expect(r.results.texts).toEqual([
      { key: 'suggestions', items: ['丙：很好', '乙：多些案例', '甲：时间太紧'].sort() },
    ]);
    const body = JSON.stringify(r);
    expect(body).not.toMatch(/teacher|submitted|"id"/i);
    expect(body).not.toContain(today(t.env));
  });

  it('a trainer of another class gets "not found"; a teacher is refused; admins need survey.results where the project runs', async () => {
    expect(await codeOf(surveys.classResults(trainerA, big))).toBe('NOT_FOUND');
    expect(await codeOf(surveys.classResults(teachers[3]!.ctx, big))).toBe('FORBIDDEN');
    expect(await codeOf(surveys.classResults(otherCounty, big))).toBe('NOT_FOUND');
    expect(await codeOf(surveys.classResults(schoolAdmin, big))).toBe('NOT_FOUND');
    expect(await codeOf(surveys.classResults(county, big))).toBe('OK');
    expect(await codeOf(surveys.projectResults(trainerB, p))).toBe('FORBIDDEN');
    expect(await codeOf(surveys.projectResults(otherCounty, p))).toBe('NOT_FOUND');
    const denied = await t.db
      .selectFrom('audit_log')
      .select(['outcome', 'error_code'])
      .where('action', '=', 'survey.class_results')
      .where('actor_username', '=', 'sv-trainer-a')
      .executeTakeFirstOrThrow();
    expect(denied).toEqual({ outcome: 'denied', error_code: 'NOT_FOUND' });
  });

  it('per project: every answer counted, figures over the classes with enough answers, and a sheet of them', async () => {
    const r = await surveys.projectResults(county, p);
    expect(r.results).toMatchObject({ answers: 6, enrolled: 9, responseRate: 0.667, classesHidden: 1 });
    expect(r.results.overall).toMatchObject({ answers: 4, detailShown: true });
    expect(r.results.overall.questions.find((q) => q.key === 'overall')!.mean).toBe(3.25);
    expect(r.results.classes.map((c) => [c.classId, c.results.answers, c.results.detailShown])).toEqual([
      [small, 2, false],
      [big, 4, true],
    ]);
    expect(JSON.stringify(r)).not.toContain('小班唯一');

    const file = await surveys.exportProject(county, p);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.buffer as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('满意度汇总')!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 5)).toEqual(['班次', '状态', '报名人数', '答卷数', '答卷率']);
    // the answer rate is a number shown as a percentage, not the text '75%'
    for (const r of [2, 3]) {
      const rate = sheet.getRow(r).getCell(5);
      expect(rate.type).toBe(ExcelJS.ValueType.Number);
      const answers = Number(sheet.getRow(r).getCell(4).value);
      expect(rate.value).toBeCloseTo(answers / Number(sheet.getRow(r).getCell(3).value), 3);
      expect(rate.numFmt).toBe('0.0%');
    }
    const overallCol = header.indexOf('总体满意度（均分）') + 1;
    expect(sheet.getRow(3).getCell(overallCol).value).toBe(3.25);
    expect(String(sheet.getRow(2).getCell(overallCol).value)).toContain('不足 3 份');
    const texts = wb.getWorksheet('意见和建议')!;
    const listed = Array.from({ length: texts.rowCount - 1 }, (_, i) => String(texts.getRow(i + 2).getCell(3).value));
    expect(listed).toEqual(['丙：很好', '乙：多些案例', '甲：时间太紧'].sort());
    const audit = await t.db
      .selectFrom('audit_log')
      .select('outcome')
      .where('action', '=', 'survey.export_results')
      .where('target_id', '=', String(p))
      .execute();
    expect(audit).toEqual([{ outcome: 'success' }]);
  });

  it("sums up a unit's projects of a year, one line each, for its next plan; only within the unit's subtree", async () => {
    const r = await surveys.unitSummary(county, tree.K1.id, 2027);
    expect(r.unit).toEqual({ id: tree.K1.id, name: tree.K1.name });
    const line = r.projects.find((x) => x.projectId === p)!;
    expect(line).toMatchObject({ answers: 6, enrolled: 9, responseRate: 0.667, classesHidden: 1 });
    expect(line.means.find((m) => m.key === 'overall')).toEqual({
      key: 'overall',
      zh: '总体满意度',
      en: 'Overall satisfaction',
      mean: 3.25,
    });
    expect(JSON.stringify(r)).not.toContain('小班唯一');
    expect((await surveys.unitSummary(county, tree.K1.id, 2026)).projects).toEqual([]);
    expect(await codeOf(surveys.unitSummary(otherCounty, tree.K1.id, 2027))).toBe('NOT_FOUND');
    expect(await codeOf(surveys.unitSummary(schoolAdmin, tree.K1.id, 2027))).toBe('NOT_FOUND');
    expect(await codeOf(surveys.unitSummary(trainerA, tree.K1.id, 2027))).toBe('FORBIDDEN');
  });
});

describe('figures wait for the answer window to close', () => {
  const overallMean = (r: { results: { questions: Array<{ key: string; mean: number | null }> } }) =>
    r.results.questions.find((q) => q.key === 'overall')!.mean;

  it('answers within the window are shown to nobody, only how many came in; after it they are', async () => {
    const p = await project();
    const c = await classOf(p, [0, 1, 2, 3, 4], new Date(clock - HOUR), trainerA);
    for (const i of [0, 1, 2, 3]) await surveys.answer(teachers[i]!.ctx, c, rate(i + 1, `留言甲${i}`));
    const during = await surveys.classResults(county, c);
    expect(during).toMatchObject({
      released: false,
      windowClosesAt: null,
      release: { after: 'window_closed', minAnswers: null },
    });
    expect(during.results).toMatchObject({ answers: 4, enrolled: 5, detailShown: false });
    expect(overallMean(during)).toBeNull();
    expect(during.results.questions.every((q) => q.answered === 0)).toBe(true);
    expect(JSON.stringify(during)).not.toContain('留言甲');
    expect((await surveys.classResults(trainerA, c)).released).toBe(false);
    const project1 = await surveys.projectResults(county, p);
    expect(project1.results).toMatchObject({ answers: 4, classesWithheld: 1, classesHidden: 0 });
    expect(project1.results.overall.answers).toBe(0);
    expect(JSON.stringify(project1)).not.toContain('留言甲');
    const sheet = await surveys.exportProject(county, p);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(sheet.buffer as unknown as ArrayBuffer);
    expect(String(wb.getWorksheet('满意度汇总')!.getRow(2).getCell(6).value)).toContain('结果将在答题截止后公布');
    expect(wb.getWorksheet('意见和建议')!.rowCount).toBe(1);

    // the class closes: the window runs 30 more days, and the date is given
    const closedAt = new Date(clock - DAY);
    await t.db
      .updateTable('training_class')
      .set({ status: 'closed', closed_at: closedAt })
      .where('id', '=', c)
      .execute();
    const closing = await surveys.classResults(county, c);
    expect(closing).toMatchObject({ released: false, windowClosesAt: new Date(closedAt.getTime() + 30 * DAY) });
    await surveys.answer(teachers[4]!.ctx, c, rate(5));
    expect(overallMean(await surveys.classResults(county, c))).toBeNull();

    // 30 days after the class closed nothing moves any more
    const later = createSurveyService({ db: t.db, env: t.env }, () => closedAt.getTime() + 30 * DAY + 1);
    const after = await later.classResults(county, c);
    expect(after).toMatchObject({ released: true, results: { answers: 5, detailShown: true } });
    expect(overallMean(after)).toBe(3);
    expect(after.results.texts[0]!.items).toEqual(['留言甲0', '留言甲1', '留言甲2', '留言甲3']);
    expect((await later.projectResults(county, p)).results).toMatchObject({
      classesWithheld: 0,
      overall: { answers: 5 },
    });
  });

  it("the organiser may show a class's figures from a number of answers on, until anyone answered", async () => {
    const p = await project();
    const questions = DEFAULT_QUESTIONS.map((q) => ({ ...q }));
    const bad = await surveys.saveForm(county, p, questions, { after: 'min_answers', minAnswers: 2 }).then(
      () => null,
      (e: AppError) => e,
    );
    expect(bad?.details?.['issues']).toEqual([{ path: 'release.minAnswers', kind: 'out_of_range' }]);
    expect((await surveys.form(county, p)).release).toEqual({ after: 'window_closed', minAnswers: null });
    const saved = await surveys.saveForm(county, p, questions, { after: 'min_answers', minAnswers: 3 });
    expect(saved.release).toEqual({ after: 'min_answers', minAnswers: 3 });
    expect((await surveys.form(county, p)).release).toEqual({ after: 'min_answers', minAnswers: 3 });
    const c = await classOf(p, [5, 6, 7]);
    await surveys.answer(teachers[5]!.ctx, c, rate(2));
    await surveys.answer(teachers[6]!.ctx, c, rate(4));
    expect((await surveys.classResults(county, c)).released).toBe(false);
    expect(await codeOf(surveys.saveForm(county, p, questions))).toBe('SURVEY_LOCKED');
    await surveys.answer(teachers[7]!.ctx, c, rate(3));
    const r = await surveys.classResults(county, c);
    expect(r).toMatchObject({ released: true, results: { answers: 3, detailShown: true } });
    expect(overallMean(r)).toBe(3);
  });

  it('the audit row of an answer keeps the day only, not the time of day', async () => {
    const p = await project();
    const c = await classOf(p, [8]);
    await surveys.answer(teachers[8]!.ctx, c, rate(4));
    await surveys.answer(teachers[8]!.ctx, c, rate(4)).catch(() => undefined);
    const rows = await t.db
      .selectFrom('audit_log')
      .select(['at', 'outcome'])
      .where('action', '=', 'survey.answer')
      .where('target_id', '=', String(c))
      .orderBy('id')
      .execute();
    expect(rows.map((r) => r.outcome)).toEqual(['success', 'failure']);
    const midnight = new Date(`${today(t.env)}T00:00:00+08:00`);
    for (const r of rows) expect(r.at).toEqual(midnight);
  });
});

describe('over HTTP', () => {
  let app: FastifyInstance;
  afterAll(async () => {
    await app?.close();
  });

  it('a teacher answers, a second answer is refused with a message in their language, the organiser downloads the sheet', async () => {
    app = await buildTestApp(t);
    const p = await project();
    const c = await classOf(p, [5]);
    const teacher = as(app, await login(app, 'sv-teacher-5'));
    const pending = await teacher({ method: 'GET', url: '/api/surveys/pending' });
    expect(pending.json().items.map((x: { classId: number }) => x.classId)).toContain(c);
    const first = await teacher({
      method: 'POST',
      url: `/api/surveys/classes/${c}/answers`,
      payload: { answers: rate(5, '') },
    });
    expect(first.statusCode, first.body).toBe(201);
    const again = await teacher({
      method: 'POST',
      url: `/api/surveys/classes/${c}/answers`,
      payload: { answers: rate(5) },
      headers: { 'accept-language': 'en' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({
      code: 'SURVEY_ALREADY_ANSWERED',
      message: 'You have already answered the satisfaction survey of this class; each class is answered once',
    });
    const bad = await teacher({
      method: 'POST',
      url: `/api/surveys/classes/${c}/answers`,
      payload: { answers: rate(5), teacherId: 1 },
    });
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    const organiser = as(app, await login(app, 'sv-k1'));
    const sheet = await organiser({ method: 'GET', url: `/api/training/projects/${p}/survey/results.xlsx` });
    expect(sheet.statusCode).toBe(200);
    expect(String(sheet.headers['content-type'])).toContain('spreadsheetml');
    const results = await organiser({ method: 'GET', url: `/api/training/projects/${p}/survey/results` });
    expect(results.json().results).toMatchObject({ answers: 1, enrolled: 1, responseRate: 1 });
  });
});
