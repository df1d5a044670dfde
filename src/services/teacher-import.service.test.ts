import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { actorAt, buildTree, type Tree } from '../../test/support/fixtures.js';
import { makeRoster, rosterCsv, rosterXlsx } from '../../test/support/roster.js';
import { AppError } from '../errors/app-error.js';
import type { Role } from '../domain/org-tree.js';
import type { OrgUnitRow } from '../repositories/org-unit.repository.js';
import type { RequestContext } from './context.js';
import { createTeacherImportService } from './teacher-import.service.js';
import { createTeacherService } from './teacher.service.js';
import { createTeacherRepository } from '../repositories/teacher.repository.js';

let t: TestDatabase;
let tree: Tree;
let imports: ReturnType<typeof createTeacherImportService>;
let teachers: ReturnType<typeof createTeacherService>;

const ctxAt = (unit: OrgUnitRow, role: Role, name: string): Promise<RequestContext> => actorAt(t.db, unit, role, name);
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: unknown) => (e instanceof AppError ? e.code : String(e)),
  );
const count = async (table: 'teacher' | 'teacher_posting') =>
  Number((await t.db.selectFrom(table).select(t.db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

let s1Admin: RequestContext;
let s2Admin: RequestContext;
let k1Admin: RequestContext;
let k2Admin: RequestContext;

beforeAll(async () => {
  t = await createTestDatabase();
  tree = await buildTree(t.db);
  imports = createTeacherImportService({ db: t.db, env: t.env });
  teachers = createTeacherService({ db: t.db, env: t.env });
  s1Admin = await ctxAt(tree.S1, 'school_admin', 's1-admin');
  s2Admin = await ctxAt(tree.S2, 'school_admin', 's2-admin');
  k1Admin = await ctxAt(tree.K1, 'county_admin', 'k1-admin');
  k2Admin = await ctxAt(tree.K2, 'county_admin', 'k2-admin');
});
afterAll(async () => {
  await t.close();
});

describe('roster import: check first, then all good rows in one transaction', () => {
  const people = makeRoster(30, { seed: 7 });

  it('checks every row, reports each problem with row and column, and changes nothing yet', async () => {
    const broken = {
      ...people[3]!,
      idNumber: people[3]!.idNumber.slice(0, 17) + (people[3]!.idNumber[17] === '1' ? '2' : '1'),
    };
    const file = await rosterXlsx([...people.slice(0, 3), broken, ...people.slice(4, 10)], {
      extraRows: [
        ['', people[11]!.idNumber, '女', '', '', '', '小学', '', '', '', '在编', '', ''], // no name
        ['王芳', people[0]!.idNumber, '', '', '', '', '小学', '', '', '', '在编', '', ''], // the ID number of row 2 again
        ['李·阿依古丽', people[10]!.idNumber, '', '', '12345', '', '大学', '', '', '1899', '合同', '也许', ''],
      ],
    });
    const r = await imports.validate(s1Admin, tree.S1.id, { name: '名册.xlsx', data: file });
    expect(r.summary).toMatchObject({ total: 13, create: 9, error: 4 });
    const byRow = (row: number) => r.errors.filter((e) => e.row === row).map((e) => `${e.column}:${e.code}`);
    expect(byRow(5)).toEqual(['idNumber:id_check_digit']);
    // what was typed is quoted back masked (region and last four), never the birth date in the middle
    const typo = r.errors.find((e) => e.row === 5)!;
    expect(typo.value).toBe(`${broken.idNumber.slice(0, 6)}********${broken.idNumber.slice(14)}`);
    expect(typo.value).not.toContain(broken.idNumber.slice(6, 14));
    expect(byRow(12)).toEqual(['name:name_blank']);
    // a repeat quotes the ID number typed, masked, and names the row it repeats in its own field
    const first = people[0]!.idNumber;
    expect(r.errors.filter((e) => e.row === 13)).toEqual([
      {
        row: 13,
        column: 'idNumber',
        code: 'duplicate_in_file',
        value: `${first.slice(0, 6)}********${first.slice(14)}`,
        otherRow: 2,
      },
    ]);
    // a bad phone is quoted back masked too, not as an empty cell
    expect(r.errors.find((e) => e.row === 14 && e.column === 'phone')?.value).toBe('1***5');
    expect(byRow(14)).toEqual(
      expect.arrayContaining([
        'phone:phone_invalid',
        'stage:invalid_choice',
        'employment:invalid_choice',
        'teachingStartYear:teaching_start_year_invalid',
        'headTeacher:invalid_yes_no',
      ]),
    );
    expect(await count('teacher')).toBe(0);
  });

  it('commits the good rows with identifiers encrypted, masked and findable by hash', async () => {
    const r = await imports.validate(s1Admin, tree.S1.id, {
      name: '名册.xlsx',
      data: await rosterXlsx(people.slice(0, 20)),
    });
    const done = await imports.commit(s1Admin, r.importId, { confirmTransfers: false });
    expect(done.status).toBe('committed');
    expect(done.result).toMatchObject({ created: 20, updated: 0 });
    expect(await count('teacher')).toBe(20);
    expect(await count('teacher_posting')).toBe(20);
    const raw = await t.db.selectFrom('teacher').select(['id_number_enc', 'id_number_masked', 'phone_enc']).execute();
    for (const row of raw) {
      expect(row.id_number_enc.toString('latin1')).not.toMatch(/\d{17}/);
      expect(row.id_number_masked).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
    }
    const found = await teachers.list(s1Admin, { q: people[5]!.idNumber }, { page: 1, pageSize: 20 });
    expect(found.items.map((x) => x.name)).toEqual([people[5]!.name]);
    // the staged copies of the identifiers are gone once committed
    expect(
      await t.db.selectFrom('teacher_import_row').select('row_no').where('import_id', '=', r.importId).execute(),
    ).toEqual([]);
    expect(await codeOf(imports.commit(s1Admin, r.importId, { confirmTransfers: false }))).toBe('IMPORT_NOT_OPEN');
  });

  it('counts matches exactly up to the cap, and says when the total is only a lower bound', async () => {
    const repo = createTeacherRepository(t.db);
    const scope = { scopePath: tree.S1.path, provinceId: tree.S1.provinceId };
    const exact = await repo.list(scope, { limit: 5, offset: 0 });
    expect(exact).toMatchObject({ total: 20, totalCapped: false });
    expect(exact.items.map((x) => x.name)).toEqual(
      [...exact.items.map((x) => x.name)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    );
    expect(await repo.list(scope, { limit: 5, offset: 0 }, 12)).toMatchObject({ total: 12, totalCapped: true });
  });

  it('re-importing the same file changes nothing; a changed row updates and is audited field by field', async () => {
    const again = await imports.validate(s1Admin, tree.S1.id, {
      name: '名册.xlsx',
      data: await rosterXlsx(people.slice(0, 20)),
    });
    expect(again.summary).toMatchObject({ unchanged: 20, create: 0, update: 0 });
    const edited = people
      .slice(0, 20)
      .map((p, i) => (i === 2 ? { ...p, subject: '数学', title: '高级教师', phone: '13912345678' } : p));
    const r = await imports.validate(s1Admin, tree.S1.id, {
      name: '名册-改.csv',
      data: Buffer.from(rosterCsv(edited), 'utf8'),
    });
    expect(r.summary).toMatchObject({ unchanged: 19, update: 1 });
    await imports.commit(s1Admin, r.importId, { confirmTransfers: false });
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['details'])
      .where('action', '=', 'teacher.update')
      .execute();
    expect(audit).toHaveLength(1);
    const changes = (audit[0]!.details as { changes: Record<string, { from: unknown; to: unknown }> }).changes;
    expect(changes['subject']).toEqual({ from: people[2]!.subject, to: '数学' });
    expect(changes['phone']).toEqual({ from: expect.stringMatching(/^\d{3}\*{4}\d{4}$/), to: '139****5678' });
    expect(JSON.stringify(audit)).not.toContain('13912345678');
  });

  it('reports a teacher of another school as a transfer, and moves them only when confirmed', async () => {
    const mover = people[0]!;
    const r = await imports.validate(s2Admin, tree.S2.id, {
      name: 'yizhong.xlsx',
      data: await rosterXlsx([mover, ...people.slice(20, 22)]),
    });
    expect(r.summary).toMatchObject({ transfer: 1, create: 2 });
    expect(r.transfers).toEqual([expect.objectContaining({ name: mover.name, toUnitName: '桦甸市第一中学' })]);
    const kept = await imports.commit(s2Admin, r.importId, { confirmTransfers: false });
    expect(kept.result).toMatchObject({ created: 2, transferred: 0, transfersNotConfirmed: 1 });
    expect((await teachers.list(s1Admin, { q: mover.idNumber }, { page: 1, pageSize: 5 })).total).toBe(1);

    const again = await imports.validate(s2Admin, tree.S2.id, {
      name: 'yizhong.xlsx',
      data: await rosterXlsx([mover]),
    });
    await imports.commit(s2Admin, again.importId, { confirmTransfers: true });
    expect((await teachers.list(s1Admin, { q: mover.idNumber }, { page: 1, pageSize: 5 })).total).toBe(0);
    const [moved] = (await teachers.list(s2Admin, { q: mover.idNumber }, { page: 1, pageSize: 5 })).items;
    expect(moved?.orgUnitName).toBe('桦甸市第一中学');
    // the former school still reads the period the teacher was theirs, and sees the move in its audit log
    const view = await teachers.get(s1Admin, moved!.id);
    expect(view.former).toBe(true);
    expect(view.postings.map((p) => p.orgUnitName)).toEqual(['桦甸市第一实验小学']);
    expect(view.teacher.orgUnitName).toBe('');
    const former = await teachers.formerList(s1Admin, undefined, { page: 1, pageSize: 10 });
    expect(former.items.map((f) => f.name)).toEqual([mover.name]);
    const out = await t.db
      .selectFrom('audit_log')
      .select(['target_path'])
      .where('action', '=', 'teacher.transfer_out')
      .execute();
    expect(out.map((o) => o.target_path)).toEqual([tree.S1.path]);

    // two postings in the county, then out of it: the county lists the teacher once, with the last school
    const city = await ctxAt(tree.C1, 'city_admin', 'c1-admin');
    await teachers.transfer(city, moved!.id, tree.S3.id, '交流轮岗');
    const county = await teachers.formerList(k1Admin, undefined, { page: 1, pageSize: 10 });
    expect(county.items.filter((f) => f.id === moved!.id).map((f) => f.lastUnitName)).toEqual(['桦甸市第一中学']);
    expect(county.total).toBe(county.items.length);
  });

  it('refuses a commit when the registry changed since the check, and writes nothing', async () => {
    const fresh = makeRoster(3, { seed: 9, offset: 5_000 });
    const a = await imports.validate(k1Admin, tree.K1.id, {
      name: 'a.xlsx',
      data: await rosterXlsx(fresh.map((p) => ({ ...p, school: '桦甸市第一中学' }))),
    });
    const b = await imports.validate(k1Admin, tree.K1.id, {
      name: 'b.xlsx',
      data: await rosterXlsx(fresh.map((p) => ({ ...p, school: '桦甸市第一中学' }))),
    });
    const before = await count('teacher');
    await imports.commit(k1Admin, a.importId, { confirmTransfers: false });
    expect(await count('teacher')).toBe(before + 3);
    expect(await codeOf(imports.commit(k1Admin, b.importId, { confirmTransfers: false }))).toBe('IMPORT_STALE');
    expect(await count('teacher')).toBe(before + 3);
    expect((await imports.get(k1Admin, b.importId)).status).toBe('validated');
  });

  it('stores text with backslashes and quotes exactly as written (staged by COPY)', async () => {
    const p = { ...makeRoster(1, { seed: 17, offset: 30_000 })[0]!, subject: 'C:\\课件\\N "ab"', title: '\\x41' };
    const r = await imports.validate(s1Admin, tree.S1.id, { name: 'slash.xlsx', data: await rosterXlsx([p]) });
    await imports.commit(s1Admin, r.importId, { confirmTransfers: false });
    const [stored] = (await teachers.list(s1Admin, { q: p.idNumber }, { page: 1, pageSize: 1 })).items;
    expect([stored?.subject, stored?.title]).toEqual(['C:\\课件\\N "ab"', '\\x41']);
  });

  it('at county level, each row names a school of the county', async () => {
    const p = makeRoster(3, { seed: 11, offset: 9_000 });
    const file = await rosterXlsx([
      { ...p[0]!, school: '桦甸市第一中学' },
      { ...p[1]!, school: '蛟河市实验小学' },
      { ...p[2]!, school: '' },
    ]);
    const r = await imports.validate(k1Admin, tree.K1.id, { name: 'k.xlsx', data: file });
    expect(r.errors.map((e) => `${e.row}:${e.column}:${e.code}`)).toEqual([
      '3:school:school_unknown',
      '4:school:required',
    ]);
  });

  it('finds a repeated ID number across chunks of a large file, and keeps the ignored columns with the upload', async () => {
    const many = makeRoster(6_000, { seed: 13, offset: 20_000 });
    const file = await rosterXlsx(many, {
      extraRows: [['王芳', many[0]!.idNumber, '', '', '', '', '小学', '', '', '', '在编', '', '']],
    });
    const r = await imports.validate(s1Admin, tree.S1.id, { name: 'big.xlsx', data: file });
    expect(r.summary).toMatchObject({ total: 6_001, create: 6_000, error: 1 });
    const repeated = many[0]!.idNumber;
    expect(r.errors).toEqual([
      {
        row: 6_002,
        column: 'idNumber',
        code: 'duplicate_in_file',
        value: `${repeated.slice(0, 6)}********${repeated.slice(14)}`,
        otherRow: 2,
      },
    ]);
    await imports.discard(s1Admin, r.importId);

    const csv = Buffer.from('姓名,证件号码,学段,用工类型,备注\r\n王芳,220282198503120024,小学,在编,调入\r\n', 'utf8');
    const withExtra = await imports.validate(s1Admin, tree.S1.id, { name: 'extra.csv', data: csv });
    expect((await imports.get(s1Admin, withExtra.importId)).extraColumns).toEqual(['备注']);
  }, 60_000);

  it('keeps uploads of another county out of sight', async () => {
    const r = await imports.validate(k1Admin, tree.K1.id, {
      name: 'k.xlsx',
      data: await rosterXlsx([{ ...makeRoster(1, { offset: 7_000 })[0]!, school: '桦甸市第一中学' }]),
    });
    expect(await codeOf(imports.get(k2Admin, r.importId))).toBe('NOT_FOUND');
    expect(await codeOf(imports.commit(k2Admin, r.importId, { confirmTransfers: false }))).toBe('NOT_FOUND');
    expect(await codeOf(imports.validate(k2Admin, tree.S1.id, { name: 'x.xlsx', data: Buffer.from('x') }))).toBe(
      'NOT_FOUND',
    );
  });
});

describe('roster import with rosters as people really fill them in', () => {
  type Cells = { school?: string; stage?: string; title?: string; subject?: string };
  const row = (p: { name: string; idNumber: string }, over: Cells = {}) => [
    p.name,
    p.idNumber,
    '',
    '',
    '',
    over.school ?? '',
    over.stage ?? '小学',
    over.subject ?? '',
    over.title ?? '',
    '',
    '在编',
    '',
    '',
  ];
  const xlsx = (rows: Array<Array<string | number>>) => rosterXlsx([], { extraRows: rows });
  const stagedOf = (importId: number) =>
    t.db.selectFrom('teacher_import_row').select('row_no').where('import_id', '=', importId).execute();

  it('reports all problems of a row at once: its cells, its school with the closest names, a repeated ID', async () => {
    const [a, b] = makeRoster(2, { seed: 31, offset: 40_000 });
    const file = await xlsx([
      row(a!, { school: '桦甸市第一中学' }),
      row({ name: b!.name, idNumber: a!.idNumber }, { school: '桦甸第一中学', stage: '大学' }),
    ]);
    const r = await imports.validate(k1Admin, tree.K1.id, { name: 'all.xlsx', data: file });
    expect(r.errors).toEqual([
      { row: 3, column: 'stage', code: 'invalid_choice', value: '大学' },
      {
        row: 3,
        column: 'school',
        code: 'school_unknown',
        value: '桦甸第一中学',
        suggestions: expect.arrayContaining(['桦甸市第一中学']),
      },
      { row: 3, column: 'idNumber', code: 'duplicate_in_file', value: expect.stringMatching(/\*{8}/), otherRow: 2 },
    ]);
    expect(r.errors[1]!.suggestions![0]).toBe('桦甸市第一中学');
    expect(r.errors[1]!.suggestions!.length).toBeLessThanOrEqual(3);
    // schools of another county are never offered
    expect(JSON.stringify(r.errors)).not.toContain('蛟河');
    await imports.discard(k1Admin, r.importId);
  });

  it('names the other row of a repeated ID number also when that row has problems of its own', async () => {
    const [a] = makeRoster(1, { seed: 32, offset: 41_000 });
    const file = await xlsx([row(a!, { stage: '大学' }), row(a!)]);
    const r = await imports.validate(s1Admin, tree.S1.id, { name: 'dup.xlsx', data: file });
    expect(r.errors.map((e) => `${e.row}:${e.column}:${e.code}:${e.value}:${e.otherRow}`)).toEqual([
      '2:stage:invalid_choice:大学:undefined',
      `3:idNumber:duplicate_in_file:${a!.idNumber.slice(0, 6)}********${a!.idNumber.slice(14)}:2`,
    ]);
    expect(r.summary).toMatchObject({ total: 2, create: 0, error: 2 });
    await imports.discard(s1Admin, r.importId);
  });

  it('lets a township centre school hold teachers: its own import, a county roster naming it, the form', async () => {
    const t1Admin = await ctxAt(tree.T1, 'school_admin', 't1-admin');
    const [own, village, named, typed] = makeRoster(4, { seed: 33, offset: 42_000 });
    const file = await xlsx([row(own!), row(village!, { school: '夹皮沟镇中心小学' })]);
    const r = await imports.validate(t1Admin, tree.T1.id, { name: 't1.xlsx', data: file });
    expect(r.errors).toEqual([]);
    await imports.commit(t1Admin, r.importId, { confirmTransfers: false });
    const byCounty = await xlsx([row(named!, { school: '夹皮沟镇中心校' })]);
    const county = await imports.validate(k1Admin, tree.K1.id, { name: 'k1.xlsx', data: byCounty });
    expect(county.errors).toEqual([]);
    await imports.commit(k1Admin, county.importId, { confirmTransfers: false });
    const created = await teachers.create(t1Admin, tree.T1.id, {
      name: typed!.name,
      idType: 'resident',
      idNumber: typed!.idNumber,
      phone: null,
      stage: 'primary',
      subject: null,
      title: null,
      teachingStartYear: null,
      employment: 'staff',
      headTeacher: false,
      backboneLevel: null,
      subjectLeader: false,
      masterTeacher: false,
      newTeacher: false,
    });
    expect(created.orgUnitId).toBe(tree.T1.id);
    const units = await t.db
      .selectFrom('teacher')
      .select(['name', 'org_unit_id'])
      .where('name', 'in', [own!.name, village!.name, named!.name])
      .execute();
    expect(new Map(units.map((u) => [u.name, Number(u.org_unit_id)]))).toEqual(
      new Map([
        [own!.name, tree.T1.id],
        [village!.name, tree.S4.id],
        [named!.name, tree.T1.id],
      ]),
    );
  });

  it('refuses an ID number in a free text column and never quotes it in full', async () => {
    const [a] = makeRoster(1, { seed: 34, offset: 43_000 });
    const file = await xlsx([row(a!, { title: '220283198501120119' })]);
    const r = await imports.validate(s1Admin, tree.S1.id, { name: 'misplaced.xlsx', data: file });
    expect(r.errors).toEqual([
      { row: 2, column: 'title', code: 'id_number_in_text', value: '220283********0119', withheld: 'id_number' },
    ]);
    const stored = await t.db.selectFrom('teacher_import').selectAll().where('id', '=', r.importId).execute();
    expect(JSON.stringify(stored)).not.toContain('198501120119');
    expect(await stagedOf(r.importId)).toEqual([]);
    await imports.discard(s1Admin, r.importId);
  });

  it("checks Excel's escaped characters as the characters they stand for, and shows them visibly", async () => {
    const [a, b] = makeRoster(2, { seed: 37, offset: 46_000 });
    const file = await xlsx([
      row(a!, { subject: '语文_x202E_', title: '一级_x000D_教师' }),
      row(b!, { subject: '_x200B_' }),
    ]);
    const r = await imports.validate(s1Admin, tree.S1.id, { name: 'escaped.xlsx', data: file });
    expect(r.errors).toEqual([
      { row: 2, column: 'subject', code: 'bad_chars', value: '语文⟨U+202E⟩' },
      { row: 3, column: 'subject', code: 'bad_chars', value: '⟨U+200B⟩' },
    ]);
    await imports.discard(s1Admin, r.importId);
    const fixed = await xlsx([row(a!, { title: '一级_x000D_教师' })]);
    const ok = await imports.validate(s1Admin, tree.S1.id, { name: 'ok.xlsx', data: fixed });
    await imports.commit(s1Admin, ok.importId, { confirmTransfers: false });
    const [stored] = (await teachers.list(s1Admin, { q: a!.idNumber }, { page: 1, pageSize: 1 })).items;
    expect(stored?.title).toBe('一级 教师');
  });

  it('expires a checked upload nobody committed: a clear refusal, and its staged rows deleted', async () => {
    const people = makeRoster(2, { seed: 35, offset: 44_000 });
    const r = await imports.validate(s1Admin, tree.S1.id, { name: 'late.xlsx', data: await rosterXlsx(people) });
    expect(new Date(r.expiresAt!).getTime() - Date.now()).toBeGreaterThan(23 * 3_600_000);
    expect(await stagedOf(r.importId)).toHaveLength(2);
    await t.db
      .updateTable('teacher_import')
      .set({ created_at: new Date(Date.now() - 25 * 3_600_000) })
      .where('id', '=', r.importId)
      .execute();
    expect(await codeOf(imports.commit(s1Admin, r.importId, { confirmTransfers: false }))).toBe('IMPORT_EXPIRED');
    expect((await imports.get(s1Admin, r.importId)).status).toBe('expired');
    // the next check anywhere sweeps it
    const other = await rosterXlsx(makeRoster(1, { seed: 36, offset: 45_000 }));
    const next = await imports.validate(s2Admin, tree.S2.id, { name: 'other.xlsx', data: other });
    await imports.discard(s2Admin, next.importId);
    expect(await stagedOf(r.importId)).toEqual([]);
    const status = await t.db.selectFrom('teacher_import').select('status').where('id', '=', r.importId).execute();
    expect(status).toEqual([{ status: 'expired' }]);
    const audit = await t.db
      .selectFrom('audit_log')
      .select('target_id')
      .where('action', '=', 'teacher_import.expire')
      .execute();
    expect(audit).toEqual([{ target_id: String(r.importId) }]);
    expect((await teachers.list(s1Admin, { q: people[0]!.idNumber }, { page: 1, pageSize: 1 })).total).toBe(0);
  });
});
