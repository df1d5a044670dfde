import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { actorAt, buildTree, type Tree } from '../../test/support/fixtures.js';
import { seedTeacher } from '../../test/support/ledger.js';
import { type CommendationCriteria, DEFAULT_CRITERIA } from '../domain/commendation.js';
import { AppError } from '../errors/app-error.js';
import type { RequestContext } from './context.js';
import ExcelJS from './excel.js';
import { createServices, type Services } from './services.js';

let t: TestDatabase;
let tree: Tree;
let s: Services;
let county: RequestContext;
let otherCounty: RequestContext;
let school1: RequestContext;
let school1Admin: number;
let teacher1: RequestContext;
const YEAR = 2026;
/** S1: 10 teachers, 10 complete, signed off, exams 10/10; S2: 10 teachers, 6 complete; S4: 4 of 4 but not signed off */
const people: Record<'S1' | 'S2' | 'S4', number[]> = { S1: [], S2: [], S4: [] };

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: unknown) => (e instanceof AppError ? e.code : String(e)),
  );

const criteria: CommendationCriteria = {
  advancedUnit: { ...DEFAULT_CRITERIA.advancedUnit, minParticipationPercent: null },
  outstandingAdmin: { ...DEFAULT_CRITERIA.outstandingAdmin },
  outstandingTrainee: { ...DEFAULT_CRITERIA.outstandingTrainee, minYearHours: 72 },
};

beforeAll(async () => {
  t = await createTestDatabase();
  tree = await buildTree(t.db);
  s = createServices({ db: t.db, env: t.env });
  county = await actorAt(t.db, tree.K1, 'county_admin', 'cm-county');
  otherCounty = await actorAt(t.db, tree.K2, 'county_admin', 'cm-county2');
  school1 = await actorAt(t.db, tree.S1, 'school_admin', 'cm-school1');
  school1Admin = school1.actor!.userId;
  teacher1 = await actorAt(t.db, tree.S1, 'teacher', 'cm-teacher1');
  const cycle = await t.db
    .insertInto('credit_cycle')
    .values({
      province_id: tree.P1.provinceId,
      org_unit_id: tree.P1.id,
      org_path: tree.P1.path,
      name: '2026—2030',
      start_year: 2026,
      end_year: 2030,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const spotCheck = await t.db
    .insertInto('spot_check')
    .values({
      province_id: tree.K1.provinceId,
      org_unit_id: tree.K1.id,
      org_path: tree.K1.path,
      title: '2026 年抽测',
      year: YEAR,
      status: 'draft',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const exam = await t.db
    .insertInto('exam')
    .values({
      province_id: tree.K1.provinceId,
      org_unit_id: tree.K1.id,
      org_path: tree.K1.path,
      title: '2026 年全员培训考核',
      target: 'spot_check',
      spot_check_id: spotCheck.id,
      status: 'closed',
      opens_at: new Date('2026-06-01T00:00:00Z'),
      closes_at: new Date('2026-06-02T00:00:00Z'),
      duration_minutes: 60,
      paper: JSON.stringify({ mode: 'fixed', items: [] }),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const plan = { S1: [10, 10, true], S2: [10, 6, true], S4: [4, 4, false] } as const;
  for (const key of ['S1', 'S2', 'S4'] as const) {
    const unit = tree[key];
    const [n, complete, signed] = plan[key];
    for (let i = 0; i < n; i++) {
      const id = await seedTeacher(t.db, t.env, unit);
      people[key].push(id);
      const done = i < complete;
      // S1's first teacher: 80 hours this year and an excellent result; the others 40 hours
      const yearTenths = key === 'S1' && i === 0 ? 800 : 400;
      await t.db
        .insertInto('credit_teacher_status')
        .values({
          teacher_id: id,
          cycle_id: cycle.id,
          province_id: unit.provinceId,
          org_unit_id: unit.id,
          org_path: unit.path,
          rule_version: 1,
          as_of_year: YEAR,
          in_scope: true,
          status: done ? 'complete' : 'behind',
          raw_hours: yearTenths,
          counted_hours: yearTenths,
          entry_count: 1,
          year_hours: [yearTenths, 0, 0, 0, 0],
          minima_unmet: 0,
        })
        .execute();
      if (key === 'S1')
        await t.db
          .insertInto('exam_result')
          .values({
            exam_id: exam.id,
            teacher_id: id,
            org_path: unit.path,
            exam_score: i === 0 ? 95 : 75,
            composite: i === 0 ? 95 : 75,
            level: i === 0 ? 'excellent' : 'pass',
            passed: true,
          })
          .execute();
    }
    await t.db
      .insertInto('credit_school_summary')
      .values({
        org_unit_id: unit.id,
        cycle_id: cycle.id,
        province_id: unit.provinceId,
        org_path: unit.path,
        teachers: n,
        in_scope: n,
        complete,
      })
      .execute();
    await t.db
      .insertInto('credit_verification')
      .values({
        province_id: unit.provinceId,
        cycle_id: cycle.id,
        year: YEAR,
        org_unit_id: unit.id,
        org_path: unit.path,
        status: signed ? 'signed_off' : 'submitted',
      })
      .execute();
  }
  await t.db.updateTable('teacher').set({ name: '王小明' }).where('id', '=', people.S1[0]!).execute();
  await t.db.updateTable('teacher').set({ user_id: teacher1.actor!.userId }).where('id', '=', people.S1[0]!).execute();
});
afterAll(async () => {
  await t?.close();
});

describe('commendations (R-44)', () => {
  it('proposes from the statistics, is reviewed, published for notice and, once final, records the honours', async () => {
    // only a bureau commends
    expect(await codeOf(s.commendations.create(school1, { year: YEAR, title: '表彰', criteria }))).toBe('FORBIDDEN');
    expect(
      await codeOf(s.commendations.create(county, { orgUnitId: tree.S1.id, year: YEAR, title: '表彰', criteria })),
    ).toBe('COMMENDATION_INVALID');

    const draft = await s.commendations.create(county, { year: YEAR, title: '2026 年度继续教育表彰', criteria });
    expect(draft).toMatchObject({ status: 'draft', orgUnitName: '桦甸市', candidatesList: [] });
    expect(await codeOf(s.commendations.get(otherCounty, draft.id))).toBe('NOT_FOUND');
    expect(await codeOf(s.commendations.get(school1, draft.id))).toBe('NOT_FOUND');

    const proposed = await s.commendations.propose(county, draft.id);
    const byKind = (kind: string) => proposed.candidatesList.filter((c) => c.kind === kind);
    // S1 meets every threshold; S2 completes 60 %; S4 is not signed off
    expect(byKind('advanced_unit').map((c) => c.name)).toEqual(['桦甸市第一实验小学']);
    expect(byKind('advanced_unit')[0]!.figures).toMatchObject({
      teachers: 10,
      complete: 10,
      completionPercent: 100,
      signedOff: true,
      examPassPercent: 100,
    });
    expect(byKind('outstanding_admin').map((c) => c.userId)).toEqual([school1Admin]);
    // one teacher has 80 hours this year and an excellent result
    expect(byKind('outstanding_trainee')).toMatchObject([
      { name: '王小明', unitName: '桦甸市第一实验小学', figures: { yearTenths: 800, excellent: 1, examsPassed: 1 } },
    ]);

    // the bureau takes the administrator off, and adds a teacher of S2 with a reason
    const admin = byKind('outstanding_admin')[0]!;
    await s.commendations.removeCandidate(county, draft.id, admin.id, '本年度已获其他表彰');
    const added = await s.commendations.addCandidate(county, draft.id, {
      kind: 'outstanding_trainee',
      teacherId: people.S2[0]!,
      reason: '送教下乡表现突出',
    });
    const addedLine = added.candidatesList.find((c) => c.teacherId === people.S2[0])!;
    expect(addedLine).toMatchObject({ origin: 'added', addedReason: '送教下乡表现突出' });
    expect(added.candidatesList.find((c) => c.id === admin.id)).toMatchObject({ removedReason: '本年度已获其他表彰' });
    // a teacher of another county cannot be added
    const outsider = await seedTeacher(t.db, t.env, tree.S3);
    expect(
      await codeOf(
        s.commendations.addCandidate(county, draft.id, {
          kind: 'outstanding_trainee',
          teacherId: outsider,
          reason: 'x',
        }),
      ),
    ).toBe('COMMENDATION_INVALID');

    const published = await s.commendations.publish(county, draft.id, { startsOn: '2020-01-01', endsOn: '2099-12-31' });
    expect(published.status).toBe('published');
    expect(published.publicity?.status).toBe('open');
    // the list carries the three lines kept, with the figures that qualified them
    const notice = await s.publicity.get(teacher1, published.publicity!.id);
    expect(notice.items.map((i) => i.title)).toEqual(['桦甸市第一实验小学', '王小明', addedLine.name]);
    expect((notice.items[0]!.scorecard as { lines: string[] }).lines[0]).toBe('学时达标 10/10 人（100%）');
    // once published the batch no longer changes
    expect(await codeOf(s.commendations.propose(county, draft.id))).toBe('COMMENDATION_STATE');

    // an objection to the added teacher is upheld; the period passes; the list is final
    await s.publicity.object(teacher1, notice.list.id, { itemId: notice.items[2]!.id, step: null, body: '未达标' });
    const objection = (await s.publicity.get(county, notice.list.id)).objections[0]!;
    await s.publicity.answer(county, objection.id, { decision: 'upheld', answer: '经核实，取消推荐。' });
    await t.db
      .updateTable('publicity')
      .set({ ends_at: new Date(Date.now() - 1000) })
      .where('id', '=', notice.list.id)
      .execute();
    await s.publicity.finalise(county, notice.list.id);

    const final = await s.commendations.get(county, draft.id);
    expect(final.status).toBe('finalised');
    const outcome = Object.fromEntries(final.candidatesList.map((c) => [c.name, [c.outcome, Boolean(c.honourCode)]]));
    expect(outcome).toEqual({
      桦甸市第一实验小学: ['kept', true],
      王小明: ['kept', true],
      [addedLine.name]: ['removed', false],
      [admin.name]: [null, false],
    });
    const honours = await s.honours.list(county, { page: 1, pageSize: 50 });
    expect(honours.items.map((h) => [h.kind, h.title, h.recipientName]).sort()).toEqual([
      ['advanced_unit', '2026年度继续教育先进单位', '桦甸市第一实验小学'],
      ['outstanding_trainee', '2026年度继续教育优秀学员', '王小明'],
    ]);
  });

  it('lists honours with filters and an export, revokes with a reason, and the verify check says so', async () => {
    const all = await s.honours.list(county, { page: 1, pageSize: 50 });
    const trainee = all.items.find((h) => h.kind === 'outstanding_trainee')!;
    expect(trainee.code).toMatch(/^H[A-Z0-9]{14}$/);
    expect((await s.honours.list(county, { kind: 'advanced_unit', page: 1, pageSize: 50 })).total).toBe(1);
    expect((await s.honours.list(county, { q: '王小', page: 1, pageSize: 50 })).items.map((h) => h.id)).toEqual([
      trainee.id,
    ]);
    // the school reads its own honours, not another county's
    expect((await s.honours.list(school1, { page: 1, pageSize: 50 })).total).toBe(2);
    expect((await s.honours.list(otherCounty, { page: 1, pageSize: 50 })).total).toBe(0);
    expect(await codeOf(s.honours.get(otherCounty, trainee.id))).toBe('NOT_FOUND');

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await s.honours.xlsx(county, {})) as never);
    const rows = wb.getWorksheet('荣誉')!.getSheetValues().slice(2) as unknown[][];
    expect(rows.map((r) => r[5]).sort()).toEqual(['桦甸市第一实验小学', '王小明']);

    expect(await s.honours.verify(trainee.code)).toMatchObject({
      status: 'valid',
      recipient: '王**',
      unitName: '桦甸市第一实验小学',
      awardedBy: '桦甸市',
      revokedOn: null,
    });
    // the recipient's school did not award it: refused
    expect(await codeOf(s.honours.revoke(school1, trainee.id, '撤销'))).toBe('FORBIDDEN');
    const revoked = await s.honours.revoke(county, trainee.id, '经查实存在学时造假');
    expect(revoked).toMatchObject({ revokeReason: '经查实存在学时造假' });
    expect(await codeOf(s.honours.revoke(county, trainee.id, '再次撤销'))).toBe('HONOUR_REVOKED');
    const v = await s.honours.verify(trainee.code.toLowerCase());
    expect(v?.status).toBe('revoked');
    expect(v?.revokedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect((await s.honours.list(county, { state: 'revoked', page: 1, pageSize: 50 })).total).toBe(1);
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('action', '=', 'honour.revoke')
      .where('outcome', '=', 'success')
      .execute();
    expect(audit).toMatchObject([{ details: { reason: '经查实存在学时造假', code: trainee.code } }]);
    expect(await s.honours.verify('HNOSUCHCODE0000')).toBeNull();
  });

  it('goes back to a draft when its notice is withdrawn', async () => {
    const b = await s.commendations.create(county, { year: YEAR, title: '补充表彰', criteria });
    await s.commendations.propose(county, b.id);
    const published = await s.commendations.publish(county, b.id, {});
    expect(published.publicity?.status).toBe('open');
    await s.publicity.withdraw(county, published.publicity!.id, { reason: '名单需要调整' });
    const back = await s.commendations.get(county, b.id);
    expect(back.status).toBe('draft');
    expect(back.publicity?.status).toBe('withdrawn');
    // nothing to publish once every candidate is taken off
    for (const c of back.candidatesList) await s.commendations.removeCandidate(county, b.id, c.id, '调整');
    expect(await codeOf(s.commendations.publish(county, b.id, {}))).toBe('COMMENDATION_EMPTY');
  });
});
