import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { addUser, buildTree, type Tree } from '../../test/support/fixtures.js';
import { seedTeacher } from '../../test/support/ledger.js';
import type { Role } from '../domain/org-tree.js';
import { AppError } from '../errors/app-error.js';
import type { OrgUnitRow } from '../repositories/org-unit.repository.js';
import { createTrainingRepository } from '../repositories/training.repository.js';
import type { RequestContext } from './context.js';
import ExcelJS from './excel.js';
import { createServices, type Services } from './services.js';
import type { TrainerInput } from './trainer.service.js';

let t: TestDatabase;
let tree: Tree;
let s: Services;
let province: RequestContext;
let city: RequestContext;
let county: RequestContext;
let otherCounty: RequestContext;
let school: RequestContext;
let teacher: RequestContext;

async function ctxAt(
  unit: OrgUnitRow,
  role: Role,
  name: string,
): Promise<RequestContext & { actor: NonNullable<RequestContext['actor']> }> {
  const userId = await addUser(t.db, unit, role, name);
  return {
    actor: { userId, username: name, role, orgUnitId: unit.id, orgPath: unit.path, provinceId: unit.provinceId },
    ip: '127.0.0.1',
  };
}
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: unknown) => (e instanceof AppError ? e.code : String(e)),
  );
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as AppError,
  );
const entry = (name: string, extra: Partial<TrainerInput> = {}): TrainerInput => ({
  kind: 'trainer',
  name,
  level: 'county',
  ...extra,
});
const names = async (ctx: RequestContext, q: Parameters<Services['trainers']['list']>[1] = {}) =>
  (await s.trainers.list(ctx, q, { limit: 100, offset: 0 })).items.map((x) => x.name).sort();
const lastAudit = (action: string) =>
  t.db
    .selectFrom('audit_log')
    .select(['outcome', 'error_code', 'details'])
    .where('action', '=', action)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
const profileCount = async () =>
  (await t.db.selectFrom('trainer_profile').select(t.db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n;

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_TODAY: '2027-03-01' });
  tree = await buildTree(t.db);
  s = createServices({ db: t.db, env: t.env });
  province = await ctxAt(tree.P1, 'province_admin', 'tp-province');
  city = await ctxAt(tree.C1, 'city_admin', 'tp-city');
  county = await ctxAt(tree.K1, 'county_admin', 'tp-county');
  otherCounty = await ctxAt(tree.K2, 'county_admin', 'tp-county2');
  school = await ctxAt(tree.S1, 'school_admin', 'tp-school');
  teacher = await ctxAt(tree.S1, 'teacher', 'tp-teacher');
});
afterAll(async () => {
  await t?.close();
});

describe('who sees which pool entries', () => {
  let provinceExpert: number;
  let siblingEntry: number;
  beforeAll(async () => {
    provinceExpert = (
      await s.trainers.create(
        province,
        entry('省级专家王', { kind: 'expert', level: 'province', subjects: ['语文'], stages: ['senior', 'junior'] }),
      )
    ).id;
    await s.trainers.create(city, entry('市级培训者李', { level: 'city', subjects: ['数学'], stages: ['primary'] }));
    await s.trainers.create(
      county,
      entry('县级培训者张', {
        subjects: ['语文', '数学'],
        stages: ['primary'],
        employer: '桦甸市教师进修学校',
        title: '高级教师',
      }),
    );
    await s.trainers.create(school, entry('校级培训者赵', { level: 'school', subjects: ['英语'] }));
    siblingEntry = (await s.trainers.create(otherCounty, entry('蛟河培训者刘'))).id;
  });

  it("a county sees the entries of the units above (inherited, read-only), its own and those below, not a sibling county's", async () => {
    expect(await names(county)).toEqual(['县级培训者张', '市级培训者李', '校级培训者赵', '省级专家王'].sort());
    const byName = new Map((await s.trainers.list(county, {}, { limit: 10, offset: 0 })).items.map((x) => [x.name, x]));
    expect(byName.get('省级专家王')).toMatchObject({ inherited: true, canManage: false });
    expect(byName.get('县级培训者张')).toMatchObject({
      inherited: false,
      canManage: true,
      employer: '桦甸市教师进修学校',
      title: '高级教师',
    });
    expect(byName.get('校级培训者赵')).toMatchObject({ inherited: false, canManage: true });
    expect(await names(county, { origin: 'above' })).toEqual(['市级培训者李', '省级专家王'].sort());
    expect(await names(county, { origin: 'below' })).toEqual(['校级培训者赵']);
    expect(await names(city)).toContain('蛟河培训者刘');
  });

  it('filters by subject, stage, level, kind and name', async () => {
    expect(await names(city, { subject: '语文' })).toEqual(['县级培训者张', '省级专家王'].sort());
    expect(await names(city, { stage: 'primary' })).toEqual(['县级培训者张', '市级培训者李'].sort());
    expect(await names(city, { level: 'province' })).toEqual(['省级专家王']);
    expect(await names(city, { kind: 'expert' })).toEqual(['省级专家王']);
    expect(await names(city, { q: '张' })).toEqual(['县级培训者张']);
    expect(await names(city, { q: '进修学校' })).toEqual(['县级培训者张']);
    expect(await names(city, { q: '%' })).toEqual([]);
  });

  it('a sibling county\'s entry is "not found" (audited as denied); an inherited one is read but refused on edit with 403', async () => {
    expect(await codeOf(s.trainers.get(county, siblingEntry))).toBe('NOT_FOUND');
    expect(await lastAudit('trainer.read')).toMatchObject({ outcome: 'denied', error_code: 'NOT_FOUND' });
    expect(await codeOf(s.trainers.update(county, siblingEntry, { name: '改名' }))).toBe('NOT_FOUND');
    expect(await codeOf(s.trainers.classes(county, siblingEntry))).toBe('NOT_FOUND');
    expect(await codeOf(s.trainers.training(county, siblingEntry))).toBe('NOT_FOUND');
    expect((await s.trainers.get(county, provinceExpert)).inherited).toBe(true);
    expect(await codeOf(s.trainers.update(county, provinceExpert, { name: '改名' }))).toBe('FORBIDDEN');
    expect(await lastAudit('trainer.update')).toMatchObject({ outcome: 'denied', error_code: 'FORBIDDEN' });
    expect(
      await codeOf(
        s.trainers.addTraining(county, provinceExpert, {
          title: '研修',
          organiser: null,
          startsOn: '2026-07-01',
          endsOn: '2026-07-02',
          hours: 120,
          notes: null,
        }),
      ),
    ).toBe('FORBIDDEN');
    expect((await s.trainers.get(province, provinceExpert)).name).toBe('省级专家王');
    expect(await codeOf(s.trainers.list(county, { orgUnitId: tree.K2.id }, { limit: 10, offset: 0 }))).toBe(
      'NOT_FOUND',
    );
    expect(await codeOf(s.trainers.list(teacher, {}, { limit: 10, offset: 0 }))).toBe('FORBIDDEN');
  });

  it("creates entries only in the admin's subtree", async () => {
    const before = await profileCount();
    expect(await codeOf(s.trainers.create(county, { ...entry('越界'), orgUnitId: tree.K2.id }))).toBe('NOT_FOUND');
    expect(await codeOf(s.trainers.create(school, { ...entry('越级'), orgUnitId: tree.K1.id }))).toBe('NOT_FOUND');
    expect(await codeOf(s.trainers.create(teacher, entry('教师建的')))).toBe('FORBIDDEN');
    expect(await profileCount()).toBe(before);
    const below = await s.trainers.create(county, {
      ...entry('县里为学校建的', { level: 'school' }),
      orgUnitId: tree.S2.id,
    });
    expect(below).toMatchObject({ orgUnitId: tree.S2.id, canManage: true, inherited: false });
  });

  it('deactivating takes an entry out of the default list; edits change only what is given', async () => {
    const { id } = await s.trainers.create(
      county,
      entry('将停用的培训者', { subjects: ['物理'], specialties: '实验教学' }),
    );
    const off = await s.trainers.update(county, id, { active: false });
    expect(off).toMatchObject({ active: false, subjects: ['物理'], specialties: '实验教学', name: '将停用的培训者' });
    expect(await names(county)).not.toContain('将停用的培训者');
    expect(await names(county, { status: 'inactive' })).toEqual(['将停用的培训者']);
    const cleared = await s.trainers.update(county, id, { specialties: null, active: true });
    expect(cleared).toMatchObject({ specialties: null, active: true });
    expect(await lastAudit('trainer.update')).toMatchObject({
      outcome: 'success',
      details: { changed: ['specialties', 'active'] },
    });
  });
});

describe('linking accounts and registry teachers', () => {
  let trainerK1: number;
  let trainerK2: number;
  let adminS1: number;
  let teacherS1: number;
  let teacherS3: number;
  beforeAll(async () => {
    trainerK1 = await addUser(t.db, tree.I1, 'trainer', 'tp-trainer-k1');
    trainerK2 = await addUser(t.db, tree.S3, 'trainer', 'tp-trainer-k2');
    adminS1 = await addUser(t.db, tree.S1, 'school_admin', 'tp-school-2');
    teacherS1 = await seedTeacher(t.db, t.env, tree.S1);
    teacherS3 = await seedTeacher(t.db, t.env, tree.S3);
  });

  it('refuses an account of another county, a non-trainer account and an unknown one, storing nothing', async () => {
    const before = await profileCount();
    const other = await errorOf(s.trainers.create(county, entry('链接外县账号', { userId: trainerK2 })));
    expect(other?.code).toBe('TRAINER_INVALID');
    expect(other?.details).toEqual({ problems: { userId: 'not_found' } });
    expect((await errorOf(s.trainers.create(county, entry('链接管理员', { userId: adminS1 }))))?.details).toEqual({
      problems: { userId: 'not_trainer' },
    });
    expect((await errorOf(s.trainers.create(county, entry('链接不存在', { userId: 2_000_000_000 }))))?.details).toEqual(
      { problems: { userId: 'not_found' } },
    );
    expect(
      (await errorOf(s.trainers.create(county, entry('链接外县教师', { teacherId: teacherS3 }))))?.details,
    ).toEqual({ problems: { teacherId: 'not_found' } });
    expect(await profileCount()).toBe(before);
    expect(await lastAudit('trainer.create')).toMatchObject({ outcome: 'failure', error_code: 'TRAINER_INVALID' });
  });

  it('links an account and a teacher once: a second entry naming them is refused with a clear 409', async () => {
    const first = await s.trainers.create(county, entry('链接的培训者', { userId: trainerK1, teacherId: teacherS1 }));
    expect(first.user).toMatchObject({ id: trainerK1, username: 'tp-trainer-k1' });
    expect(first.teacher?.id).toBe(teacherS1);
    expect(await codeOf(s.trainers.create(city, entry('重复链接账号', { userId: trainerK1 })))).toBe(
      'TRAINER_ACCOUNT_TAKEN',
    );
    expect(await codeOf(s.trainers.create(county, entry('重复链接教师', { teacherId: teacherS1 })))).toBe(
      'TRAINER_TEACHER_TAKEN',
    );
    const other = await s.trainers.create(county, entry('另一位培训者'));
    expect(await codeOf(s.trainers.update(county, other.id, { userId: trainerK1 }))).toBe('TRAINER_ACCOUNT_TAKEN');
    expect((await s.trainers.get(county, other.id)).userId).toBeNull();
    // the account picker shows which account is taken
    const accounts = await s.trainers.accounts(county, 'tp-trainer');
    expect(accounts.map((a) => [a.username, a.trainerId])).toEqual([['tp-trainer-k1', first.id]]);
    // unlinking frees the account
    await s.trainers.update(county, first.id, { userId: null });
    expect((await s.trainers.update(county, other.id, { userId: trainerK1 })).user?.id).toBe(trainerK1);
  });
});

describe("classes and the trainer's own training record", () => {
  let trainerUser: RequestContext & { actor: NonNullable<RequestContext['actor']> };
  let profileId: number;
  let k1Class: number;
  let k2Class: number;
  let teacherId: number;
  beforeAll(async () => {
    trainerUser = await ctxAt(tree.I1, 'trainer', 'tp-trainer-own');
    teacherId = await seedTeacher(t.db, t.env, tree.S2);
    profileId = (
      await s.trainers.create(
        county,
        entry('有班次的培训者', { userId: trainerUser.actor.userId, teacherId, subjects: ['语文'] }),
      )
    ).id;
    const repo = createTrainingRepository(t.db);
    const project = async (unit: OrgUnitRow, title: string) => {
      const id = await repo.insertProject({
        level: 'county',
        title,
        description: null,
        year: 2027,
        registrationOpens: null,
        registrationCloses: null,
        eligibility: {},
        completionRule: { minAttendancePct: 80, assessmentRequired: false },
        hours: 120,
        creditCategories: [],
        provinceId: unit.provinceId,
        orgUnitId: unit.id,
        orgPath: unit.path,
        createdBy: null as unknown as number,
      });
      await repo.moveProject(id, 'draft', 'open');
      return id;
    };
    const p1 = await project(tree.K1, '桦甸市班主任培训');
    k1Class = await repo.insertClass({
      projectId: p1,
      provinceId: tree.K1.provinceId,
      orgPath: tree.K1.path,
      name: '一班',
      capacity: 40,
    });
    await repo.insertSession(k1Class, {
      startsAt: new Date('2027-04-01T01:00:00Z'),
      endsAt: new Date('2027-04-01T04:00:00Z'),
      place: '报告厅',
      onlineUrl: null,
      checkinOpensAt: new Date('2027-04-01T00:30:00Z'),
      checkinClosesAt: new Date('2027-04-01T02:00:00Z'),
    });
    await repo.insertSession(k1Class, {
      startsAt: new Date('2027-04-08T01:00:00Z'),
      endsAt: new Date('2027-04-08T04:00:00Z'),
      place: '报告厅',
      onlineUrl: null,
      checkinOpensAt: new Date('2027-04-08T00:30:00Z'),
      checkinClosesAt: new Date('2027-04-08T02:00:00Z'),
    });
    await repo.setTrainers(k1Class, [trainerUser.actor.userId]);
    const p2 = await project(tree.K2, '蛟河市骨干培训');
    k2Class = await repo.insertClass({
      projectId: p2,
      provinceId: tree.K2.provinceId,
      orgPath: tree.K2.path,
      name: '二班',
      capacity: 40,
    });
    await repo.setTrainers(k2Class, [trainerUser.actor.userId]);
    // the linked teacher is enrolled in the K1 class
    await t.db
      .insertInto('enrolment')
      .values({
        class_id: k1Class,
        teacher_id: teacherId,
        province_id: tree.S2.provinceId,
        org_unit_id: tree.S2.id,
        org_path: tree.S2.path,
        status: 'enrolled',
        source: 'nominated',
      })
      .execute();
  });

  it('lists the classes the trainer teaches, scoped to what the reader may see', async () => {
    const mine = await s.trainers.classes(county, profileId);
    expect(mine.map((c) => c.classId)).toEqual([k1Class]);
    expect(mine[0]).toMatchObject({
      projectTitle: '桦甸市班主任培训',
      className: '一班',
      sessionCount: 2,
      classStatus: 'open',
    });
    expect(new Date(mine[0]!.firstSession!).toISOString()).toBe('2027-04-01T01:00:00.000Z');
    expect(new Date(mine[0]!.lastSession!).toISOString()).toBe('2027-04-08T04:00:00.000Z');
    expect((await s.trainers.classes(city, profileId)).map((c) => c.classId).sort()).toEqual([k1Class, k2Class].sort());
  });

  it('adds lines to the record, sums the hours per year, and deletes a line with an audit row that keeps it', async () => {
    const a = await s.trainers.addTraining(county, profileId, {
      title: '省级培训者高级研修班',
      organiser: '吉林省教师培训中心',
      startsOn: '2026-07-10',
      endsOn: '2026-07-15',
      hours: 125,
      notes: null,
    });
    await s.trainers.addTraining(county, profileId, {
      title: '国培计划示范项目',
      organiser: null,
      startsOn: '2026-11-01',
      endsOn: '2026-11-01',
      hours: 30,
      notes: '线上',
    });
    await s.trainers.addTraining(county, profileId, {
      title: '新课标研修',
      organiser: null,
      startsOn: '2027-01-05',
      endsOn: '2027-01-06',
      hours: 80,
      notes: null,
    });
    let rec = await s.trainers.training(county, profileId);
    expect(rec.items.map((x) => x.title)).toEqual(['新课标研修', '国培计划示范项目', '省级培训者高级研修班']);
    expect(rec.years).toEqual([
      { year: 2026, hours: 155, count: 2 },
      { year: 2027, hours: 80, count: 1 },
    ]);
    expect(rec.totalHours).toBe(235);
    // the linked teacher's enrolments come with the record
    expect(rec.teacher?.enrolments.map((e) => [e.projectTitle, e.status])).toEqual([['桦甸市班主任培训', 'enrolled']]);
    expect(
      await codeOf(
        s.trainers.addTraining(county, profileId, {
          title: '倒序',
          organiser: null,
          startsOn: '2026-07-10',
          endsOn: '2026-07-09',
          hours: 10,
          notes: null,
        }),
      ),
    ).toBe('VALIDATION_FAILED');
    expect(await codeOf(s.trainers.deleteTraining(county, profileId, 2_000_000_000))).toBe('NOT_FOUND');
    await s.trainers.deleteTraining(county, profileId, a.id);
    rec = await s.trainers.training(county, profileId);
    expect(rec.years).toEqual([
      { year: 2026, hours: 30, count: 1 },
      { year: 2027, hours: 80, count: 1 },
    ]);
    expect(await lastAudit('trainer.delete_training')).toMatchObject({
      outcome: 'success',
      details: { entryId: a.id, title: '省级培训者高级研修班', hours: 125 },
    });
  });

  it('a trainer sees only their own entry and record; the admin routes are refused to them', async () => {
    const me = await s.trainers.mine(trainerUser);
    expect(me.profile).toMatchObject({ id: profileId, name: '有班次的培训者', canManage: false });
    expect(me.record?.items.length).toBe(2);
    expect(me.classes.map((c) => c.classId).sort()).toEqual([k1Class, k2Class].sort());
    expect(await codeOf(s.trainers.get(trainerUser, profileId))).toBe('FORBIDDEN');
    expect(await codeOf(s.trainers.training(trainerUser, profileId))).toBe('FORBIDDEN');
    expect(await codeOf(s.trainers.list(trainerUser, {}, { limit: 10, offset: 0 }))).toBe('FORBIDDEN');
    const stranger = await ctxAt(tree.I1, 'trainer', 'tp-trainer-none');
    expect(await s.trainers.mine(stranger)).toEqual({ profile: null, record: null, classes: [] });
    expect(await codeOf(s.trainers.mine(county))).toBe('FORBIDDEN');
  });

  it("exports the pool of a unit as a sheet with each one's own training hours", async () => {
    const { data, unitName } = await s.trainers.export(county, {});
    expect(unitName).toBe('桦甸市');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(data as unknown as ArrayBuffer);
    const rows: string[][] = [];
    wb.worksheets[0]!.eachRow((r) =>
      rows.push(Array.from((r.values as unknown[]).slice(1), (v) => (v === null || v === undefined ? '' : String(v)))),
    );
    expect(rows[0]).toEqual([
      '所属单位',
      '类别',
      '姓名',
      '职称',
      '工作单位',
      '入库级别',
      '学科',
      '学段',
      '专长',
      '培训者账号',
      '状态',
      '本人培训学时',
    ]);
    const row = rows.find((r) => r[2] === '有班次的培训者')!;
    expect(row).toEqual([
      '桦甸市',
      '培训者',
      '有班次的培训者',
      '',
      '',
      '县级',
      '语文',
      '',
      '',
      'tp-trainer-own',
      '在库',
      '11',
    ]);
    expect(rows.some((r) => r[2] === '蛟河培训者刘')).toBe(false);
  });
});

describe('importing a pool sheet', () => {
  const HEADER = [
    '所属单位',
    '类别',
    '姓名',
    '职称',
    '工作单位',
    '入库级别',
    '学科',
    '学段',
    '专长',
    '培训者账号',
    '状态',
    '本人培训学时',
  ];
  async function sheet(rows: Array<Array<string | number | null>>, header = HEADER): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('培训者专家库');
    ws.addRow(header);
    for (const r of rows) ws.addRow(r);
    return Buffer.from(await wb.xlsx.writeBuffer());
  }
  let importer: RequestContext;
  beforeAll(async () => {
    importer = await ctxAt(tree.K4, 'county_admin', 'tp-import-county');
    await addUser(t.db, tree.S6, 'trainer', 'tp-import-trainer');
  });

  it('creates and updates entries from a sheet, all rows or none; the export imports back unchanged', async () => {
    const first = await sheet([
      [
        '',
        '专家',
        '导入专家甲',
        '正高级教师',
        '南关区教师进修学校',
        '市级',
        '语文、历史',
        '初中、高中',
        '群文阅读',
        'tp-import-trainer',
        '在库',
        '',
      ],
      ['南关区小学', '培训者', '导入培训者乙', '', '', '校级', '数学', '小学', '', '', '停用', 12],
    ]);
    expect(await s.trainers.import(importer, tree.K4.id, { name: 'pool.xlsx', data: first })).toEqual({
      rows: 2,
      created: 2,
      updated: 0,
      unchanged: 0,
    });
    const items = (await s.trainers.list(importer, { status: 'all' }, { limit: 50, offset: 0 })).items.filter((x) =>
      x.name.startsWith('导入'),
    );
    expect(
      items
        .map((x) => [
          x.name,
          x.orgUnitId,
          x.kind,
          x.level,
          x.subjects.join(),
          x.stages.join(),
          x.user?.username ?? null,
          x.active,
        ])
        .sort(),
    ).toEqual(
      [
        ['导入培训者乙', tree.S6.id, 'trainer', 'school', '数学', 'primary', null, false],
        ['导入专家甲', tree.K4.id, 'expert', 'city', '语文,历史', 'junior,senior', 'tp-import-trainer', true],
      ].sort(),
    );
    // the export of the unit's own and lower entries goes back in without a change
    const exported = await s.trainers.export(importer, { status: 'all' });
    // (with the entries inherited from above, which are left alone)
    const back = await s.trainers.import(importer, tree.K4.id, { name: 'export.xlsx', data: exported.data });
    expect(back).toMatchObject({ created: 0, updated: 0 });
    expect(back.unchanged).toBe(back.rows);
    expect(back.rows).toBeGreaterThanOrEqual(3);
    // a changed row updates its entry
    const changed = await sheet([
      [
        '',
        '专家',
        '导入专家甲',
        '正高级教师',
        '南关区教师进修学校',
        '省级',
        '语文',
        '',
        '',
        'tp-import-trainer',
        '',
        '',
      ],
    ]);
    expect(await s.trainers.import(importer, tree.K4.id, { name: 'changed.xlsx', data: changed })).toEqual({
      rows: 1,
      created: 0,
      updated: 1,
      unchanged: 0,
    });
    expect((await s.trainers.list(importer, { q: '导入专家甲' }, { limit: 5, offset: 0 })).items[0]).toMatchObject({
      level: 'province',
      subjects: ['语文'],
      stages: [],
    });
  });

  it('reports every bad row by row and column and stores nothing', async () => {
    const before = await profileCount();
    const bad = await sheet([
      ['', '讲师', '坏行一', '', '', '县级', '', '', '', '', '', ''],
      ['', '专家', '', '', '', '国家级', '', '', '', '', '', ''],
      ['', '专家', '坏行三', '', '', '宇宙级', '', '大学', '', 'tp-trainer-k2', '休眠', ''],
      ['蛟河市', '专家', '坏行四', '', '', '县级', '', '', '专'.repeat(501), '', '', ''],
      ['', '专家', '导入新人', '', '', '县级', '', '', '', 'tp-import-trainer', '', ''],
      ['', '专家', '导入新人', '', '', '县级', '', '', '', '', '', ''],
    ]);
    const err = await errorOf(s.trainers.import(importer, tree.K4.id, { name: 'bad.xlsx', data: bad }));
    expect(err?.code).toBe('TRAINER_SHEET_INVALID');
    const problems = (
      (err?.details ?? { problems: [] }) as { problems: Array<{ row: number; column: string; code: string }> }
    ).problems.map((p) => [p.row, p.column, p.code]);
    expect(problems).toEqual([
      [2, '类别', 'unknown_kind'],
      [3, '姓名', 'required'],
      [4, '入库级别', 'unknown_level'],
      [4, '学段', 'unknown_stage'],
      [4, '培训者账号', 'account_unknown'],
      [4, '状态', 'unknown_status'],
      [5, '所属单位', 'unit_unknown'],
      [5, '专长', 'too_long'],
      [6, '培训者账号', 'account_taken'],
      [7, '姓名', 'duplicate_in_file'],
    ]);
    expect(await profileCount()).toBe(before);
    expect(await lastAudit('trainer.import')).toMatchObject({
      outcome: 'failure',
      error_code: 'TRAINER_SHEET_INVALID',
    });
    expect(
      await codeOf(
        s.trainers.import(importer, tree.K4.id, { name: 'x.xlsx', data: await sheet([], ['姓名', '入库级别']) }),
      ),
    ).toBe('IMPORT_MISSING_COLUMNS');
    expect(await codeOf(s.trainers.import(county, tree.K4.id, { name: 'x.xlsx', data: bad }))).toBe('NOT_FOUND');
  });
});
