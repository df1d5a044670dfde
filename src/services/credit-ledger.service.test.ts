import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { actorAt, addUser, buildTree, type Tree } from '../../test/support/fixtures.js';
import { seedTeacher } from '../../test/support/ledger.js';
import type { Role } from '../domain/org-tree.js';
import { AppError } from '../errors/app-error.js';
import { runJobsUntilIdle } from '../jobs/job-runner.js';
import type { OrgUnitRow } from '../repositories/org-unit.repository.js';
import type { RequestContext } from './context.js';
import { checkLedger } from './ledger-maintenance.js';
import { createServices, type Services } from './services.js';
import { explainLine } from '../domain/credit-progress.js';
import ExcelJS from './excel.js';
import { personalDataCipher } from './personal-data.js';
import { createTeacherRepository } from '../repositories/teacher.repository.js';

let t: TestDatabase;
let tree: Tree;
let s: Services;
let cycleId: number;

const ctxAt = (unit: OrgUnitRow, role: Role, name: string): Promise<RequestContext> => actorAt(t.db, unit, role, name);
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: unknown) => (e instanceof AppError ? e.code : String(e)),
  );
const problemsOf = (p: Promise<unknown>) =>
  p.then(
    () => [],
    (e: unknown) => (((e as AppError).details?.['problems'] ?? []) as Array<{ code: string }>).map((x) => x.code),
  );
const sumOfEntries = async (teacherId: number) =>
  Number(
    (
      await t.db
        .selectFrom('credit_entry')
        .select(t.db.fn.sum<string>('hours').as('h'))
        .where('teacher_id', '=', teacherId)
        .executeTakeFirstOrThrow()
    ).h ?? 0,
  );

let province: RequestContext;
let school: RequestContext;
let otherSchool: RequestContext;
let county: RequestContext;
let teacherCtx: RequestContext;
let zhang: number;
let li: number;

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_TODAY: '2027-11-20' });
  tree = await buildTree(t.db);
  s = createServices({ db: t.db, env: t.env });
  province = await ctxAt(tree.P1, 'province_admin', 'p1-admin');
  school = await ctxAt(tree.S1, 'school_admin', 's1-admin');
  otherSchool = await ctxAt(tree.S3, 'school_admin', 's3-admin');
  county = await ctxAt(tree.K1, 'county_admin', 'k1-admin');
  // 张: a man of 50 at the end of 2030, so the educational-technology minimum applies to him
  zhang = await seedTeacher(t.db, t.env, tree.S1, { gender: 'male', birthDate: '1980-05-01' });
  // 李: a woman who turns 50 on 2030-12-31, the rules' date: it does not apply to her
  li = await seedTeacher(t.db, t.env, tree.S1, { gender: 'female', birthDate: '1980-12-31' });
  const cycle = await s.cycles.create(province, { name: '2026—2030年', startYear: 2026, endYear: 2030 });
  cycleId = cycle.id;
  await runJobsUntilIdle(t.db);
  const teacherUser = await addUser(t.db, tree.S1, 'teacher', 'zhang-teacher');
  await t.db.updateTable('teacher').set({ user_id: teacherUser }).where('id', '=', zhang).execute();
  teacherCtx = {
    actor: {
      userId: teacherUser,
      username: 'zhang-teacher',
      role: 'teacher',
      orgUnitId: tree.S1.id,
      orgPath: tree.S1.path,
      provinceId: tree.S1.provinceId,
    },
    ip: '127.0.0.1',
  };
});
afterAll(async () => {
  await t?.close();
});

describe('cycles and rules', () => {
  it('only a province admin sets a cycle; overlapping years are refused with the clashing cycle named', async () => {
    expect(await codeOf(s.cycles.create(county, { name: 'x', startYear: 2031, endYear: 2035 }))).toBe('FORBIDDEN');
    const e = await s.cycles
      .create(province, { name: '重叠', startYear: 2030, endYear: 2034 })
      .catch((x: unknown) => x as AppError);
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('CYCLE_OVERLAP');
    expect((e as AppError).params).toEqual({ name: '2026—2030年' });
  });

  it('refuses rules that contradict themselves, naming the field', async () => {
    const rules = s.cycles.defaults(2026, 2030);
    const bad = { ...rules, minima: [{ ...rules.minima[0]!, category: 'nope' }] };
    const e = await s.cycles.save(province, cycleId, bad, null).catch((x: unknown) => x as AppError);
    expect((e as AppError).code).toBe('CYCLE_RULES_INVALID');
    expect((e as AppError).details?.['problems']).toContainEqual({
      path: 'minima.0.category',
      code: 'unknown_category',
      params: { value: 'nope' },
    });
  });

  it("computes every teacher's status when the cycle is created", async () => {
    const rows = await t.db
      .selectFrom('credit_teacher_status')
      .select(['teacher_id', 'status'])
      .where('cycle_id', '=', cycleId)
      .execute();
    expect(rows.map((r) => r.teacher_id).sort()).toEqual([zhang, li].sort());
    // two full years (2026 and the current 2027 is not finished): behind after 2026 with nothing registered
    expect(rows.every((r) => r.status === 'behind')).toBe(true);
  });
});

describe('registering hours', () => {
  it('writes an entry once per key: a retry is a replay, another content under the same key is refused', async () => {
    const entry = {
      teacherId: zhang,
      hours: 125,
      occurredOn: '2027-03-10',
      title: '信息技术应用能力提升',
      categories: ['edu_tech'],
      idemKey: 'S1-2027-001',
    };
    const a = await s.credits.register(school, [entry]);
    const b = await s.credits.register(school, [entry]);
    expect(a.created).toBe(1);
    expect(b).toMatchObject({ created: 0, replayed: 1, entries: [{ id: a.entries[0]!.id, replayed: true }] });
    expect(await codeOf(s.credits.register(school, [{ ...entry, hours: 130 }]))).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await sumOfEntries(zhang)).toBe(125);
  });

  it('refuses a batch with any bad row, naming the rule, and writes none of it', async () => {
    const before = await sumOfEntries(li);
    const problems = await problemsOf(
      s.credits.register(school, [
        { teacherId: li, hours: 100, occurredOn: '2027-04-01', title: '校本研修', categories: [] },
        { teacherId: li, hours: 1201, occurredOn: '2027-04-02', title: '超过单条上限', categories: [] },
        { teacherId: li, hours: 10, occurredOn: '2019-04-02', title: '周期之外', categories: [] },
        { teacherId: li, hours: 10, occurredOn: '2027-12-30', title: '未来日期', categories: [] },
        { teacherId: li, hours: 10, occurredOn: '2027-04-03', title: '未知类别', categories: ['astrology'] },
      ]),
    );
    expect(problems).toEqual(['above_limit', 'no_cycle', 'future_date', 'unknown_category']);
    expect(await sumOfEntries(li)).toBe(before);
  });

  it("does not reach teachers outside the actor's subtree, nor let province or city admins register", async () => {
    expect(
      await codeOf(
        s.credits.register(otherSchool, [
          { teacherId: zhang, hours: 10, occurredOn: '2027-04-01', title: 'x', categories: [] },
        ]),
      ),
    ).toBe('NOT_FOUND');
    expect(
      await codeOf(
        s.credits.register(province, [
          { teacherId: zhang, hours: 10, occurredOn: '2027-04-01', title: 'x', categories: [] },
        ]),
      ),
    ).toBe('FORBIDDEN');
  });

  it("keeps the teacher's and the school's summaries equal to the ledger in the same transaction", async () => {
    await s.credits.register(county, [
      {
        teacherId: li,
        hours: 480,
        occurredOn: '2026-08-01',
        title: '暑期集中培训',
        categories: ['ethics'],
        sourceType: 'project',
      },
      {
        teacherId: zhang,
        hours: 480,
        occurredOn: '2026-08-01',
        title: '暑期集中培训',
        categories: ['ethics'],
        sourceType: 'project',
      },
    ]);
    const st = await t.db
      .selectFrom('credit_teacher_status')
      .selectAll()
      .where('teacher_id', '=', li)
      .executeTakeFirstOrThrow();
    expect(st.raw_hours).toBe(await sumOfEntries(li));
    // 2026's 48 h are what the finished year asks, but 2027 (the current year) has nothing yet
    expect(st.status).toBe('below_yearly');
    const summary = await t.db
      .selectFrom('credit_school_summary')
      .selectAll()
      .where('org_unit_id', '=', tree.S1.id)
      .executeTakeFirstOrThrow();
    expect(Number(summary.raw_hours)).toBe((await sumOfEntries(li)) + (await sumOfEntries(zhang)));
    expect(summary.teachers).toBe(2);
    expect(summary.below_yearly).toBe(2);
    expect((await checkLedger(t.db, t.env)).ok).toBe(true);
  });
});

describe('progress that explains itself', () => {
  it('shows the teacher their own totals, the minima that apply and why, and lines traced to entries', async () => {
    const r = await s.credits.progress(teacherCtx, {});
    const zh = r.progress.lines.map((l) => ({ key: l.key, text: explainLine(l, 'zh-CN') }));
    expect(r.teacher.id).toBe(zhang);
    expect(r.progress.counted).toBe(await sumOfEntries(zhang));
    const eduTech = r.progress.minima.find((m) => m.id === 'edu_tech_50')!;
    expect(eduTech).toMatchObject({ applies: true, counted: 125, met: false });
    expect(zh.find((l) => l.key === 'total.counted')!.text).toContain('60.5');
    expect(zh.some((l) => l.key === 'minimum.applies_condition' && l.text.includes('未满 55 周岁'))).toBe(true);
    const li_ = await s.credits.progress(school, { teacherId: li });
    expect(li_.progress.minima.find((m) => m.id === 'edu_tech_50')).toMatchObject({ applies: false });
    expect(li_.progress.lines.some((l) => explainLine(l, 'en').startsWith('Does not apply'))).toBe(true);
  });

  it("refuses a teacher another teacher's progress, and an admin a teacher outside their area", async () => {
    expect(await codeOf(s.credits.progress(teacherCtx, { teacherId: li }))).toBe('NOT_FOUND');
    expect(await codeOf(s.credits.progress(otherSchool, { teacherId: li }))).toBe('NOT_FOUND');
  });

  it("a teacher's request for a human review reaches the school admin, who answers it", async () => {
    const rq = await s.credits.requestReview(teacherCtx, { topic: '2026 年学时', message: '暑期培训应为 60 学时' });
    const open = await s.credits.listReviews(school, { status: 'open', limit: 20, offset: 0 });
    expect(open.map((x) => x.id)).toContain(rq.id);
    expect(await s.credits.listReviews(otherSchool, { status: 'open', limit: 20, offset: 0 })).toEqual([]);
    const answered = await s.credits.answerReview(school, rq.id, '已核实，按证书登记 48 学时');
    expect(answered.status).toBe('answered');
  });
});

describe('reversal and annual verification', () => {
  it('a reversal cancels an entry and restores the previous total; reversing twice is refused', async () => {
    const before = (await s.credits.progress(school, { teacherId: li })).progress.counted;
    const { entries } = await s.credits.register(school, [
      { teacherId: li, hours: 35, occurredOn: '2027-05-05', title: '误登记', categories: [] },
    ]);
    const r = await s.credits.reverse(school, entries[0]!.id, '重复登记');
    expect(r.reversalId).not.toBeNull();
    expect((await s.credits.progress(school, { teacherId: li })).progress.counted).toBe(before);
    expect(await codeOf(s.credits.reverse(school, entries[0]!.id, '再次'))).toBe('ENTRY_ALREADY_REVERSED');
  });

  it("school submits, county signs off; the year is locked and changes need the county's approval", async () => {
    const v = await s.verifications.open(school, { orgUnitId: tree.S1.id, cycleId, year: 2026 });
    const { items } = await s.verifications.get(school, v.id);
    // 480 of 480 a year: both pass 2026
    expect(items.map((i) => i.result).sort()).toEqual(['verified', 'verified']);
    await s.verifications.mark(school, v.id, li, 'failed', '未提交学习笔记');
    expect(await codeOf(s.verifications.decide(county, v.id, 'sign_off', null))).toBe('VERIFICATION_STATE');
    await s.verifications.submit(school, v.id);
    expect(await codeOf(s.verifications.decide(school, v.id, 'sign_off', null))).toBe('FORBIDDEN');
    const signed = await s.verifications.decide(county, v.id, 'sign_off', '同意');
    expect(signed).toMatchObject({ status: 'signed_off', teachers: 2, verified: 1 });

    expect(
      await codeOf(
        s.credits.register(school, [
          { teacherId: li, hours: 10, occurredOn: '2026-10-01', title: '补登', categories: [] },
        ]),
      ),
    ).toBe('YEAR_LOCKED');
    const entry = (await s.credits.entriesUnder(school, tree.S1.id, cycleId, { limit: 50, offset: 0 }, li)).find(
      (e) => e.year === 2026,
    )!;
    const req = await s.credits.reverse(school, entry.id, '证书有误');
    expect(req).toMatchObject({ reversalId: null });
    expect(await codeOf(s.verifications.decideReversal(school, req.requestId!, true, null))).toBe('FORBIDDEN');
    const ok = await s.verifications.decideReversal(county, req.requestId!, true, '核实无误');
    const reversal = (await s.credits.entriesUnder(county, tree.S1.id, cycleId, { limit: 50, offset: 0 }, li)).find(
      (e) => e.id === ok.reversalId,
    )!;
    expect(reversal).toMatchObject({ afterLock: true, reversesId: entry.id, hours: -entry.hours });
    expect((await checkLedger(t.db, t.env)).ok).toBe(true);
  });
});

describe('registration from a sheet', () => {
  async function sheet(rows: Array<Array<string | number>>): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('学时登记');
    ws.addRow(['姓名', '证件号码', '学时', '日期', '培训内容', '类别', '来源']);
    for (const r of rows) ws.addRow(r);
    return Buffer.from(await wb.xlsx.writeBuffer());
  }
  const idOf = async (id: number) =>
    personalDataCipher(t.env).decrypt((await createTeacherRepository(t.db).secrets(id))!.idNumberEnc);
  const nameOf = async (id: number) => (await createTeacherRepository(t.db).findById(id))!.name;

  it('registers every row matched by ID number once, however often the file is uploaded', async () => {
    const before = await sumOfEntries(zhang);
    const file = await sheet([
      [await nameOf(zhang), await idOf(zhang), 2.5, '2027-09-10', '校本研修：同课异构', '学科与专业标准', '校本研修'],
      [await nameOf(zhang), await idOf(zhang), '3', '2027/9/17', '校本研修：集体备课', '学科与专业标准、教育技术', ''],
    ]);
    const a = await s.creditImports.import(school, tree.S1.id, { name: '九月校本研修.xlsx', data: file });
    const b = await s.creditImports.import(school, tree.S1.id, { name: '九月校本研修.xlsx', data: file });
    const renamed = await s.creditImports.import(school, tree.S1.id, { name: '九月校本研修（副本）.xlsx', data: file });
    expect([a.created, b.created, b.replayed, renamed.created, renamed.replayed]).toEqual([2, 0, 2, 0, 2]);
    expect(await sumOfEntries(zhang)).toBe(before + 55);
    // titles keep their full-width punctuation, as typed
    const titles = (await s.credits.entriesUnder(school, tree.S1.id, cycleId, { limit: 10, offset: 0 }, zhang)).map(
      (e) => e.title,
    );
    expect(titles).toContain('校本研修：同课异构');
  });

  it('reports each bad row by its row number and registers none of the file', async () => {
    const before = await sumOfEntries(zhang);
    const e = await s.creditImports
      .import(school, tree.S1.id, {
        name: 'bad.xlsx',
        data: await sheet([
          [await nameOf(zhang), await idOf(zhang), 1, '2027-09-11', '正确的一行', '', ''],
          ['王五', await idOf(zhang), 1, '2027-09-11', '姓名不符', '', ''],
          [await nameOf(zhang), await idOf(zhang), 'abc', '2027-02-30', '学时与日期有误', '占星术', ''],
        ]),
      })
      .catch((x: unknown) => x as AppError);
    expect((e as AppError).code).toBe('ENTRY_INVALID');
    expect(
      ((e as AppError).details!['problems'] as Array<{ row: number; code: string }>).map((p) => `${p.row}:${p.code}`),
    ).toEqual(['3:name_mismatch', '4:bad_hours', '4:bad_date', '4:unknown_category']);
    expect(await sumOfEntries(zhang)).toBe(before);
  });

  it('refuses hidden characters, also as Excel escapes, and an ID number in a text column, quoting none', async () => {
    const before = await sumOfEntries(zhang);
    const name = await nameOf(zhang);
    const id = await idOf(zhang);
    const e = await s.creditImports
      .import(school, tree.S1.id, {
        name: 'hidden.xlsx',
        data: await sheet([
          [name, id, 1, '2027-09-11', '校本研修_x202E_txt.exe', '', ''],
          [name, id, 1, '2027-09-11', `听课记录 ${id}`, '', ''],
          [`${name}\u200b`, id, 1, '2027-09-11', '正常', '', ''],
        ]),
      })
      .catch((x: unknown) => x as AppError);
    expect((e as AppError).code).toBe('ENTRY_INVALID');
    type Problem = { row: number; column: string; code: string; value?: string; withheld?: string };
    const problems = (e as AppError).details!['problems'] as Problem[];
    expect(problems).toEqual([
      { row: 2, column: '培训内容', code: 'bad_chars', value: '校本研修⟨U+202E⟩txt.exe' },
      {
        row: 3,
        column: '培训内容',
        code: 'id_number_in_text',
        value: `听课记录 ${id.slice(0, 6)}********${id.slice(-4)}`,
        withheld: 'id_number',
      },
      { row: 4, column: '姓名', code: 'bad_chars', value: `${name}⟨U+200B⟩` },
    ]);
    expect(JSON.stringify(problems)).not.toContain(id);
    expect(await sumOfEntries(zhang)).toBe(before);
  });
});

describe('certificates', () => {
  it('issues a numbered certificate the public page confirms; reissuing supersedes, revoking keeps the number answering', async () => {
    const c1 = await s.certificates.issue(school, { teacherId: zhang, cycleId, kind: 'cycle', year: null });
    const pub = await s.certificates.verify(c1.code);
    expect(pub).toMatchObject({
      status: 'valid',
      cycleName: '2026—2030年',
      unitName: tree.S1.name,
      totalHours: await sumOfEntries(zhang),
    });
    expect(pub!.nameMasked).toMatch(/^.\*+$/u);
    expect(JSON.stringify(pub)).not.toMatch(/\d{17}[\dX]/);
    const c2 = await s.certificates.issue(school, { teacherId: zhang, cycleId, kind: 'cycle', year: null });
    expect(await s.certificates.verify(c1.code)).toMatchObject({ status: 'superseded', supersededByCode: c2.code });
    await s.certificates.revoke(county, c2.id, '信息有误');
    expect(await s.certificates.verify(c2.code.toLowerCase())).toMatchObject({ status: 'revoked' });
    expect(await s.certificates.verify('NOSUCHCODE42')).toBeNull();
    const { pdf } = await s.certificates.pdf(teacherCtx, c1.id, 'http://localhost', 'zh-CN');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  });
});

describe('unit reports', () => {
  it('the county rollup by school equals the sum of the ledger entries', async () => {
    const r = await s.creditReports.rollup(county, { orgUnitId: tree.K1.id, cycleId });
    const s1 = r.rows.find((x) => x.orgUnitId === tree.S1.id)!;
    expect(s1.rawHours).toBe((await sumOfEntries(zhang)) + (await sumOfEntries(li)));
    expect(s1.teachers).toBe(2);
    expect(r.total.rawHours).toBe(s1.rawHours);
    expect(await codeOf(s.creditReports.rollup(otherSchool, { orgUnitId: tree.K1.id, cycleId }))).toBe('NOT_FOUND');
  });
});

// last: its entries under the county would change the rollup figures above
describe('annual verification at a township centre school', () => {
  it("a township centre school verifies the teachers it keeps itself, not its village schools'", async () => {
    const atTownship = await seedTeacher(t.db, t.env, tree.T1, { gender: 'female', birthDate: '1985-03-01' });
    const atVillage = await seedTeacher(t.db, t.env, tree.S4, { gender: 'male', birthDate: '1986-04-01' });
    const township = await ctxAt(tree.T1, 'school_admin', 't1-admin');
    const v = await s.verifications.open(township, { orgUnitId: tree.T1.id, cycleId, year: 2026 });
    const { items } = await s.verifications.get(township, v.id);
    expect(items.map((i) => i.teacherId)).toEqual([atTownship]);
    const village = await s.verifications.open(township, { orgUnitId: tree.S4.id, cycleId, year: 2026 });
    expect((await s.verifications.get(township, village.id)).items.map((i) => i.teacherId)).toEqual([atVillage]);
    await s.verifications.submit(township, v.id);
    await s.verifications.decide(county, v.id, 'sign_off', '同意');
    const late = { teacherId: atTownship, hours: 10, occurredOn: '2026-10-01', title: '补登', categories: [] };
    expect(await codeOf(s.credits.register(township, [late]))).toBe('YEAR_LOCKED');
    const villageLate = { ...late, teacherId: atVillage };
    expect(await codeOf(s.credits.register(township, [villageLate]))).toBe('OK');
  });
});
