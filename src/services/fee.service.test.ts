import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { actorAt, buildTree, type Tree } from '../../test/support/fixtures.js';
import { seedTeacher } from '../../test/support/ledger.js';
import type { Role } from '../domain/org-tree.js';
import { AppError } from '../errors/app-error.js';
import type { OrgUnitRow } from '../repositories/org-unit.repository.js';
import type { RequestContext } from './context.js';
import ExcelJS from './excel.js';
import type { PaymentInput } from './fee.service.js';
import { createServices, type Services } from './services.js';

let t: TestDatabase;
let tree: Tree;
let s: Services;
let county: RequestContext;
let city: RequestContext;
let otherCounty: RequestContext;
let school: RequestContext;
let sibling: RequestContext;
let township: RequestContext;
let teacher: RequestContext;
let adminId: number;

const ctxAt = (unit: OrgUnitRow, role: Role, name: string): Promise<RequestContext> => actorAt(t.db, unit, role, name);
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: unknown) => (e instanceof AppError ? e.code : String(e)),
  );

async function project(unit: OrgUnitRow, title: string, status: 'draft' | 'open' = 'open'): Promise<number> {
  return (
    await t.db
      .insertInto('training_project')
      .values({
        province_id: unit.provinceId,
        org_unit_id: unit.id,
        org_path: unit.path,
        level: unit.kind === 'school' ? 'school' : unit.kind,
        title,
        year: 2027,
        status,
        completion_rule: JSON.stringify({ minAttendancePct: 80, assessmentRequired: false }),
        hours: 120,
        credit_categories: [],
        created_by: adminId,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}
async function klass(projectId: number, unit: OrgUnitRow, name: string): Promise<number> {
  return (
    await t.db
      .insertInto('training_class')
      .values({
        project_id: projectId,
        province_id: unit.provinceId,
        org_path: unit.path,
        name,
        capacity: 500,
        status: 'open',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}
async function enrol(
  classId: number,
  school: OrgUnitRow,
  status: 'enrolled' | 'waitlisted' | 'withdrawn',
  teacherId?: number,
): Promise<number> {
  const id = teacherId ?? (await seedTeacher(t.db, t.env, school));
  await t.db
    .insertInto('enrolment')
    .values({
      class_id: classId,
      teacher_id: id,
      province_id: school.provinceId,
      org_unit_id: school.id,
      org_path: school.path,
      status,
      source: 'bulk',
      created_by: adminId,
      waitlisted_at: status === 'waitlisted' ? new Date() : null,
    })
    .execute();
  return id;
}
const pay = (amountFen: number, more: Partial<PaymentInput> = {}): PaymentInput => ({
  amountFen,
  paidOn: '2027-03-01',
  receiptNo: null,
  note: null,
  ...more,
});

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_TODAY: '2027-03-10' });
  tree = await buildTree(t.db);
  s = createServices({ db: t.db, env: t.env });
  county = await ctxAt(tree.K1, 'county_admin', 'fee-k1');
  adminId = county.actor!.userId;
  city = await ctxAt(tree.C1, 'city_admin', 'fee-c1');
  otherCounty = await ctxAt(tree.K2, 'county_admin', 'fee-k2');
  school = await ctxAt(tree.S1, 'school_admin', 'fee-s1');
  sibling = await ctxAt(tree.S2, 'school_admin', 'fee-s2');
  township = await ctxAt(tree.T1, 'school_admin', 'fee-t1');
  teacher = await ctxAt(tree.S1, 'teacher', 'fee-teacher');
});
afterAll(async () => {
  await t?.close();
});

describe('a county project: dues per school', () => {
  let projectId: number;
  let registration: number;
  let textbook: number;

  beforeAll(async () => {
    projectId = await project(tree.K1, '新课标县级培训');
    const a = await klass(projectId, tree.K1, '一班');
    const b = await klass(projectId, tree.K1, '二班');
    // S1: three enrolled (one of them withdrawn from the other class first), one waitlisted, one withdrawn
    const moved = await enrol(b, tree.S1, 'withdrawn');
    await enrol(a, tree.S1, 'enrolled', moved);
    await enrol(a, tree.S1, 'enrolled');
    await enrol(b, tree.S1, 'enrolled');
    await enrol(a, tree.S1, 'waitlisted');
    await enrol(b, tree.S1, 'withdrawn');
    // S2: two enrolled; S4 (a school of the township T1): one enrolled, paid for by the township
    await enrol(a, tree.S2, 'enrolled');
    await enrol(b, tree.S2, 'enrolled');
    await enrol(a, tree.S4, 'enrolled');
    registration = (
      await s.fees.createItem(county, projectId, { name: '报名费', kind: 'registration', amountFen: 8_000 })
    ).id;
    textbook = (await s.fees.createItem(county, projectId, { name: '教材费', kind: 'textbook', amountFen: 3_550 })).id;
  });

  it('counts each enrolled teacher once per paying unit, leaving out the waitlisted and withdrawn', async () => {
    const d = await s.fees.dues(county, projectId);
    expect(d.scope).toBe('all');
    expect(d.canManage).toBe(true);
    const reg = d.lines
      .filter((l) => l.itemId === registration)
      .map((l) => [l.unitName, l.teachers, l.dueFen, l.paidFen, l.status]);
    expect(reg.sort()).toEqual(
      [
        [tree.S1.name, 3, 24_000, 0, 'unpaid'],
        [tree.S2.name, 2, 16_000, 0, 'unpaid'],
        [tree.T1.name, 1, 8_000, 0, 'unpaid'],
      ].sort(),
    );
    const tb = d.itemTotals.find((x) => x.itemId === textbook)!;
    expect(tb).toMatchObject({ teachers: 6, units: 3, dueFen: 6 * 3_550, paidFen: 0, balanceFen: 6 * 3_550 });
    expect(d.total).toEqual({ dueFen: 6 * 8_000 + 6 * 3_550, paidFen: 0, balanceFen: 6 * 8_000 + 6 * 3_550 });
    // the audit shows who set up the fee
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['outcome', 'target_id'])
      .where('action', '=', 'fee.create_item')
      .where('target_id', '=', String(registration))
      .executeTakeFirstOrThrow();
    expect(audit.outcome).toBe('success');
  });

  it('records payments and corrections, and moves the status from unpaid to paid and overpaid', async () => {
    const line = async (unit: OrgUnitRow) =>
      (await s.fees.dues(county, projectId)).lines.find((l) => l.itemId === registration && l.unitId === unit.id)!;
    const first = await s.fees.recordPayment(county, registration, tree.S1.id, pay(10_000, { receiptNo: 'NO.0001' }));
    expect(first.paidFen).toBe(10_000);
    expect(await line(tree.S1)).toMatchObject({ paidFen: 10_000, balanceFen: 14_000, status: 'partial', payments: 1 });
    await s.fees.recordPayment(county, registration, tree.S1.id, pay(14_000));
    expect(await line(tree.S1)).toMatchObject({ paidFen: 24_000, balanceFen: 0, status: 'paid' });
    await s.fees.recordPayment(county, registration, tree.S1.id, pay(1_000));
    expect(await line(tree.S1)).toMatchObject({ paidFen: 25_000, balanceFen: -1_000, status: 'overpaid' });
    // a correction is a negative payment with a note; it never takes the total below zero
    expect(await codeOf(s.fees.recordPayment(county, registration, tree.S1.id, pay(-1_000)))).toBe('VALIDATION_FAILED');
    expect(await codeOf(s.fees.recordPayment(county, registration, tree.S1.id, pay(-25_001, { note: '退款' })))).toBe(
      'FEE_PAID_BELOW_ZERO',
    );
    expect(
      await codeOf(s.fees.recordPayment(county, registration, tree.S1.id, pay(100, { paidOn: '2027-04-01' }))),
    ).toBe('VALIDATION_FAILED');
    const corrected = await s.fees.recordPayment(county, registration, tree.S1.id, pay(-1_000, { note: '多缴退回' }));
    expect(corrected.paidFen).toBe(24_000);
    expect(await line(tree.S1)).toMatchObject({ paidFen: 24_000, status: 'paid', payments: 4 });
    const list = await s.fees.payments(county, registration, tree.S1.id);
    expect(list.payments.map((p) => p.amountFen)).toEqual([-1_000, 1_000, 14_000, 10_000]);
    expect(list.payments[0]).toMatchObject({ note: '多缴退回', createdByName: 'fee-k1' });
    expect(list.payments[3]!.receiptNo).toBe('NO.0001');
    // every write audited, refusals as failures
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['outcome', 'error_code'])
      .where('action', '=', 'fee.record_payment')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.error_code ?? a.outcome)).toEqual([
      'success',
      'success',
      'success',
      'VALIDATION_FAILED',
      'FEE_PAID_BELOW_ZERO',
      'VALIDATION_FAILED',
      'success',
    ]);
  });

  it('an amount due set by hand replaces the count until it is cleared', async () => {
    await s.fees.setOverride(county, textbook, tree.S2.id, { dueFen: 5_000, reason: '一人自带教材' });
    let l = (await s.fees.dues(county, projectId)).lines.find((x) => x.itemId === textbook && x.unitId === tree.S2.id)!;
    expect(l).toMatchObject({
      teachers: 2,
      overrideFen: 5_000,
      overrideReason: '一人自带教材',
      dueFen: 5_000,
      status: 'unpaid',
    });
    await s.fees.setOverride(county, textbook, tree.S2.id, { dueFen: 3_550, reason: '一人退订' });
    await s.fees.recordPayment(county, textbook, tree.S2.id, pay(3_550));
    l = (await s.fees.dues(county, projectId)).lines.find((x) => x.itemId === textbook && x.unitId === tree.S2.id)!;
    expect(l).toMatchObject({ dueFen: 3_550, paidFen: 3_550, status: 'paid' });
    await s.fees.clearOverride(county, textbook, tree.S2.id);
    l = (await s.fees.dues(county, projectId)).lines.find((x) => x.itemId === textbook && x.unitId === tree.S2.id)!;
    expect(l).toMatchObject({ overrideFen: null, dueFen: 7_100, status: 'partial' });
    expect(await codeOf(s.fees.clearOverride(county, textbook, tree.S2.id))).toBe('NOT_FOUND');
    const audit = await t.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'fee.set_override')
      .where('outcome', '=', 'success')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({
      dueFen: 3_550,
      reason: '一人退订',
      before: { dueFen: 5_000, reason: '一人自带教材' },
    });
  });

  it("a school admin sees only their school's lines and cannot record payments; a sibling county sees nothing", async () => {
    const own = await s.fees.dues(school, projectId);
    expect(own.scope).toBe('own');
    expect(own.canManage).toBe(false);
    expect(new Set(own.lines.map((l) => l.unitId))).toEqual(new Set([tree.S1.id]));
    expect(own.total.paidFen).toBe(24_000);
    expect((await s.fees.payments(school, registration, tree.S1.id)).payments).toHaveLength(4);
    expect(await codeOf(s.fees.payments(school, registration, tree.S2.id))).toBe('NOT_FOUND');
    expect(await codeOf(s.fees.recordPayment(school, registration, tree.S1.id, pay(100)))).toBe('FORBIDDEN');
    expect(
      await codeOf(s.fees.createItem(school, projectId, { name: '学校加收', kind: 'other', amountFen: 100 })),
    ).toBe('FORBIDDEN');
    expect(await codeOf(s.fees.dues(otherCounty, projectId))).toBe('NOT_FOUND');
    expect(await codeOf(s.fees.recordPayment(otherCounty, registration, tree.S1.id, pay(100)))).toBe('NOT_FOUND');
    expect(await codeOf(s.fees.dues(teacher, projectId))).toBe('FORBIDDEN');
    // the township pays for its school S4; the school itself is not a paying unit of the county's project
    expect((await s.fees.dues(township, projectId)).lines.map((l) => [l.unitId, l.teachers])).toEqual([
      [tree.T1.id, 1],
      [tree.T1.id, 1],
    ]);
    // the city above the organiser reads everything but a county project is the county's to run… and the city's too
    expect((await s.fees.dues(city, projectId)).scope).toBe('all');
    const denied = await t.db
      .selectFrom('audit_log')
      .select(['outcome', 'error_code'])
      .where('actor_username', '=', 'fee-k2')
      .where('action', '=', 'fee.list_dues')
      .executeTakeFirstOrThrow();
    expect(denied).toEqual({ outcome: 'denied', error_code: 'NOT_FOUND' });
  });

  it("the school's own page lists what it owes across projects", async () => {
    const mine = await s.fees.myUnit(school);
    const here = mine.lines.filter((l) => l.projectId === projectId);
    expect(here.map((l) => [l.itemName, l.teachers, l.dueFen, l.paidFen, l.status])).toEqual([
      ['报名费', 3, 24_000, 24_000, 'paid'],
      ['教材费', 3, 3 * 3_550, 0, 'unpaid'],
    ]);
    expect(here[0]!.organiserName).toBe(tree.K1.name);
    const sib = await s.fees.myUnit(sibling);
    expect(sib.lines.filter((l) => l.projectId === projectId).map((l) => [l.itemName, l.dueFen, l.paidFen])).toEqual([
      ['报名费', 16_000, 0],
      ['教材费', 7_100, 3_550],
    ]);
    expect(await codeOf(s.fees.myUnit(teacher))).toBe('FORBIDDEN');
  });

  it('refuses units that do not pay for the project, and unknown ones', async () => {
    expect(await codeOf(s.fees.recordPayment(county, registration, tree.S4.id, pay(100)))).toBe('FEE_UNIT_NOT_PAYING');
    expect(await codeOf(s.fees.recordPayment(county, registration, tree.K1.id, pay(100)))).toBe('FEE_UNIT_NOT_PAYING');
    expect(await codeOf(s.fees.setOverride(county, registration, tree.S4.id, { dueFen: 1, reason: 'x' }))).toBe(
      'FEE_UNIT_NOT_PAYING',
    );
    expect(await codeOf(s.fees.recordPayment(county, registration, tree.S3.id, pay(100)))).toBe('NOT_FOUND');
    expect(await codeOf(s.fees.recordPayment(county, registration, 2_000_000_000, pay(100)))).toBe('NOT_FOUND');
    expect(await codeOf(s.fees.recordPayment(county, 2_000_000_000, tree.S1.id, pay(100)))).toBe('NOT_FOUND');
  });

  it('answers "not found" for a unit outside the reader\'s area, naming nothing, also where the reader sees the project', async () => {
    for (const [who, unit] of [
      [county, tree.S3],
      [county, tree.S5],
      [city, tree.S6],
      [city, tree.S5],
      [school, tree.S3],
    ] as const) {
      const e = await s.fees.payments(who, registration, unit.id).then(
        () => undefined,
        (x: unknown) => x as AppError,
      );
      expect(e?.code, `${who.actor!.username} → ${unit.name}`).toBe('NOT_FOUND');
      expect(JSON.stringify({ details: e?.details, params: e?.params })).not.toContain(unit.name);
    }
    const refusals = await t.db
      .selectFrom('audit_log')
      .select(['target_label', 'error_code'])
      .where('action', '=', 'fee.list_payments')
      .where('target_id', 'in', [tree.S3.id, tree.S5.id, tree.S6.id].map(String))
      .execute();
    expect(refusals.length).toBeGreaterThan(0);
    for (const r of refusals) expect(r).toEqual({ target_label: null, error_code: 'NOT_FOUND' });
  });

  it('a fee with payments is archived, never deleted; an archived fee takes no payments and leaves the dues', async () => {
    expect(await codeOf(s.fees.deleteItem(county, registration))).toBe('FEE_ITEM_HAS_PAYMENTS');
    const archived = await s.fees.setArchived(county, registration, true);
    expect(archived).toMatchObject({ archived: true, paymentCount: 4 });
    expect(await codeOf(s.fees.recordPayment(county, registration, tree.S1.id, pay(100)))).toBe('FEE_ITEM_ARCHIVED');
    expect(await codeOf(s.fees.updateItem(county, registration, { amountFen: 1 }))).toBe('FEE_ITEM_ARCHIVED');
    expect((await s.fees.dues(county, projectId)).items.map((i) => i.id)).toEqual([textbook]);
    expect((await s.fees.dues(county, projectId, { includeArchived: true })).items.map((i) => i.id).sort()).toEqual(
      [registration, textbook].sort(),
    );
    expect((await s.fees.myUnit(school)).lines.filter((l) => l.projectId === projectId).map((l) => l.itemName)).toEqual(
      ['教材费'],
    );
    // the name is free again; bringing the old one back then clashes
    const again = await s.fees.createItem(county, projectId, {
      name: '报名费',
      kind: 'registration',
      amountFen: 9_000,
    });
    expect(await codeOf(s.fees.setArchived(county, registration, false))).toBe('FEE_ITEM_NAME_TAKEN');
    expect(await codeOf(s.fees.createItem(county, projectId, { name: '报名费', kind: 'other', amountFen: 1 }))).toBe(
      'FEE_ITEM_NAME_TAKEN',
    );
    // a fee without payments can be deleted, with its amounts set by hand
    await s.fees.setOverride(county, again.id, tree.S1.id, { dueFen: 100, reason: '试' });
    await s.fees.deleteItem(county, again.id);
    expect(await t.db.selectFrom('fee_item').select('id').where('id', '=', again.id).execute()).toEqual([]);
    await s.fees.setArchived(county, registration, false);
    expect((await s.fees.dues(county, projectId)).items.map((i) => i.id).sort()).toEqual(
      [registration, textbook].sort(),
    );
  });

  it('exports the fee sheet with a row per unit and fee, subtotals and the total', async () => {
    const r = await s.fees.exportProject(county, projectId);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.buffer as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    const rows: unknown[][] = [];
    ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows[0]!.slice(0, 5)).toEqual(['缴费单位', '单位代码', '收费项目', '类别', '教师人数']);
    expect(rows).toHaveLength(1 + 6 + 2 + 1);
    const s1 = rows.find((x) => x[0] === tree.S1.name && x[2] === '报名费')!;
    expect(s1.slice(4, 10)).toEqual([3, 80, 240, 240, 0, '已缴清']);
    const total = rows.at(-1)!;
    expect(total[0]).toBe('合计');
    const d = await s.fees.dues(county, projectId);
    expect(total.slice(6, 9)).toEqual([d.total.dueFen / 100, d.total.paidFen / 100, d.total.balanceFen / 100]);
    const own = await s.fees.exportMyUnit(school);
    await new ExcelJS.Workbook().xlsx.load(own.buffer as unknown as ArrayBuffer);
    expect(
      await t.db
        .selectFrom('audit_log')
        .select('action')
        .where('action', 'in', ['fee.export', 'fee.export_my_unit'])
        .where('outcome', '=', 'success')
        .execute(),
    ).toHaveLength(2);
  });
});

describe('paying units at each level', () => {
  it('a city project is paid by its counties, a school project by the school itself; drafts stay hidden below', async () => {
    const cityProject = await project(tree.C1, '市级骨干培训');
    const c = await klass(cityProject, tree.C1, '市一班');
    await enrol(c, tree.S1, 'enrolled');
    await enrol(c, tree.S4, 'enrolled');
    await enrol(c, tree.S3, 'enrolled');
    const fee = await s.fees.createItem(city, cityProject, { name: '资料费', kind: 'other', amountFen: 123_450 });
    const d = await s.fees.dues(city, cityProject);
    expect(d.lines.map((l) => [l.unitId, l.teachers, l.dueFen])).toEqual(
      expect.arrayContaining([
        [tree.K1.id, 2, 246_900],
        [tree.K2.id, 1, 123_450],
      ]),
    );
    expect(d.lines).toHaveLength(2);
    expect(await codeOf(s.fees.recordPayment(city, fee.id, tree.S1.id, pay(100)))).toBe('FEE_UNIT_NOT_PAYING');
    // the county reads its own line of the city's project, and cannot record it
    expect((await s.fees.dues(county, cityProject)).lines.map((l) => l.unitId)).toEqual([tree.K1.id]);
    expect(await codeOf(s.fees.recordPayment(county, fee.id, tree.K1.id, pay(100)))).toBe('FORBIDDEN');
    expect((await s.fees.myUnit(county)).lines.map((l) => [l.projectId, l.teachers])).toEqual([[cityProject, 2]]);

    const schoolProject = await project(tree.S1, '校本研修');
    const k = await klass(schoolProject, tree.S1, '校本一班');
    await enrol(k, tree.S1, 'enrolled');
    await enrol(k, tree.S1, 'enrolled');
    const own = await s.fees.createItem(county, schoolProject, { name: '资料费', kind: 'other', amountFen: 500 });
    expect((await s.fees.dues(school, schoolProject)).lines.map((l) => [l.unitId, l.teachers, l.dueFen])).toEqual([
      [tree.S1.id, 2, 1_000],
    ]);
    await s.fees.recordPayment(county, own.id, tree.S1.id, pay(1_000));
    expect(
      (await s.fees.myUnit(school)).lines.filter((l) => l.projectId === schoolProject).map((l) => l.status),
    ).toEqual(['paid']);

    const draft = await project(tree.K1, '草稿项目', 'draft');
    await s.fees.createItem(county, draft, { name: '报名费', kind: 'registration', amountFen: 100 });
    expect(await codeOf(s.fees.dues(school, draft))).toBe('NOT_FOUND');
    expect((await s.fees.myUnit(school)).lines.some((l) => l.projectId === draft)).toBe(false);
  });
});
