import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { actorAt, buildTree, type Tree } from '../../test/support/fixtures.js';
import type { Role } from '../domain/org-tree.js';
import { AppError } from '../errors/app-error.js';
import type { OrgUnitRow } from '../repositories/org-unit.repository.js';
import type { RequestContext } from './context.js';
import ExcelJS from './excel.js';
import type { QuestionInput } from './question-bank.service.js';
import { createServices, type Services } from './services.js';

let t: TestDatabase;
let tree: Tree;
let s: Services;
let province: RequestContext;
let county: RequestContext;
let otherCounty: RequestContext;
let school: RequestContext;
let trainer: RequestContext;
let teacher: RequestContext;

const ctxAt = (unit: OrgUnitRow, role: Role, name: string): Promise<RequestContext> => actorAt(t.db, unit, role, name);
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
const single = (stem: string, extra: Partial<QuestionInput> = {}): QuestionInput => ({
  kind: 'single',
  stem,
  options: [
    { key: 'A', text: '爱国守法' },
    { key: 'B', text: '爱岗敬业' },
    { key: 'C', text: '关爱学生' },
  ],
  answer: 'C',
  module: '师德',
  ...extra,
});
const questionCount = async () =>
  Number((await t.db.selectFrom('question').select(t.db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
const freeze = (id: number) =>
  t.db.updateTable('question_version').set({ frozen: true }).where('question_id', '=', id).execute();

const HEADER = [
  '题型',
  '题干',
  ...'ABCDEFGHIJ'.split('').map((k) => `选项${k}`),
  '答案',
  '解析',
  '模块',
  '学科',
  '学段',
  '难度',
];
/** A sheet row: kind, stem, options, answer, then explanation, module, subject, stage, difficulty. */
const row = (kind: string, stem: string, options: string[], answer: string, ...rest: Array<string | number>) => [
  kind,
  stem,
  ...options,
  ...Array(10 - options.length).fill(''),
  answer,
  ...rest,
];
async function sheet(rows: Array<Array<string | number>>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('题库');
  ws.addRow(HEADER);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

beforeAll(async () => {
  t = await createTestDatabase();
  tree = await buildTree(t.db);
  s = createServices({ db: t.db, env: t.env });
  province = await ctxAt(tree.P1, 'province_admin', 'qb-province');
  county = await ctxAt(tree.K1, 'county_admin', 'qb-county');
  otherCounty = await ctxAt(tree.K2, 'county_admin', 'qb-county2');
  school = await ctxAt(tree.S1, 'school_admin', 'qb-school');
  trainer = await ctxAt(tree.I1, 'trainer', 'qb-trainer');
  teacher = await ctxAt(tree.S1, 'teacher', 'qb-teacher');
});
afterAll(async () => {
  await t?.close();
});

describe('who reads and keeps which bank', () => {
  let provinceQ: number;
  let countyQ: number;
  beforeAll(async () => {
    provinceQ = (await s.questionBank.create(province, single('省级：教师职业道德规范的核心是（  ）。'))).id;
    countyQ = (await s.questionBank.create(county, single('桦甸：师德的灵魂是（  ）。'))).id;
  });

  it('a county reads the province bank, read-only, but cannot edit it', async () => {
    const list = await s.questionBank.list(county, { includeInherited: true }, { limit: 50, offset: 0 });
    const fromProvince = list.items.find((q) => q.id === provinceQ);
    expect(fromProvince).toMatchObject({ inherited: true, canManage: false, orgUnitName: '吉林省' });
    expect(list.items.find((q) => q.id === countyQ)).toMatchObject({ inherited: false, canManage: true });
    expect(list.canCreate).toBe(true);
    // without the banks above: only its own
    const own = await s.questionBank.list(county, {}, { limit: 50, offset: 0 });
    expect(own.items.map((q) => q.id)).toEqual([countyQ]);
    expect(await codeOf(s.questionBank.get(county, provinceQ))).toBe('OK');
    expect(await codeOf(s.questionBank.update(county, provinceQ, single('改不了')))).toBe('FORBIDDEN');
    expect(await codeOf(s.questionBank.setArchived(county, provinceQ, true))).toBe('FORBIDDEN');
  });

  it("another county's bank is not found, and so is its question", async () => {
    expect(await codeOf(s.questionBank.get(otherCounty, countyQ))).toBe('NOT_FOUND');
    expect(await codeOf(s.questionBank.list(otherCounty, { unitId: tree.K1.id }, { limit: 10, offset: 0 }))).toBe(
      'NOT_FOUND',
    );
    expect(await codeOf(s.questionBank.update(otherCounty, countyQ, single('越界')))).toBe('NOT_FOUND');
  });

  it('the province reads the banks below; a school reads those above and keeps none', async () => {
    expect(await codeOf(s.questionBank.get(province, countyQ))).toBe('OK');
    const view = await s.questionBank.list(school, { includeInherited: true }, { limit: 50, offset: 0 });
    expect(view.items.map((q) => q.id).sort()).toEqual([provinceQ, countyQ].sort());
    expect(view.canCreate).toBe(false);
    expect(await codeOf(s.questionBank.create(school, single('学校出题')))).toBe('FORBIDDEN');
  });

  it('teachers are refused; a trainer keeps a bank only once named for it', async () => {
    expect(await codeOf(s.questionBank.list(teacher, {}, { limit: 10, offset: 0 }))).toBe('FORBIDDEN');
    expect(await codeOf(s.questionBank.list(trainer, {}, { limit: 10, offset: 0 }))).toBe('FORBIDDEN');
    expect(await codeOf(s.questionBank.setEditors(otherCounty, tree.K1.id, [trainer.actor!.userId]))).toBe('NOT_FOUND');
    // only trainer accounts of the unit's subtree may be named
    const wrong = await errorOf(s.questionBank.setEditors(county, tree.K1.id, [school.actor!.userId]));
    expect(wrong?.code).toBe('QUESTION_EDITOR_INVALID');
    const named = await s.questionBank.setEditors(county, tree.K1.id, [trainer.actor!.userId]);
    expect(named.map((e) => e.userId)).toEqual([trainer.actor!.userId]);

    // the named trainer's bank is the county's, and the banks above it are read-only
    const list = await s.questionBank.list(trainer, { includeInherited: true }, { limit: 50, offset: 0 });
    expect(list.unit.id).toBe(tree.K1.id);
    expect(list.items.find((q) => q.id === countyQ)?.canManage).toBe(true);
    expect(list.items.find((q) => q.id === provinceQ)?.canManage).toBe(false);
    const edited = await s.questionBank.update(
      trainer,
      countyQ,
      single('桦甸：师德的灵魂是（  ）。', { answer: 'C', difficulty: 2 }),
    );
    expect(edited.question.difficulty).toBe(2);
    expect(await codeOf(s.questionBank.create(trainer, { ...single('培训者出题'), unitId: tree.K1.id }))).toBe('OK');
    expect(await codeOf(s.questionBank.update(trainer, provinceQ, single('改省里的')))).toBe('FORBIDDEN');
    expect(await codeOf(s.questionBank.list(trainer, { unitId: tree.K2.id }, { limit: 10, offset: 0 }))).toBe(
      'NOT_FOUND',
    );
    // a trainer never names others
    expect(await codeOf(s.questionBank.setEditors(trainer, tree.K1.id, []))).toBe('FORBIDDEN');
    await s.questionBank.setEditors(county, tree.K1.id, []);
    expect(await codeOf(s.questionBank.get(trainer, countyQ))).toBe('FORBIDDEN');
  });
});

describe('versions', () => {
  it('editing a question no exam has used rewrites it in place', async () => {
    const q = await s.questionBank.create(county, single('版本一：在用前修改'));
    const r = await s.questionBank.update(county, q.id, single('版本一：在用前修改（改）', { answer: 'B' }));
    expect(r.newVersion).toBe(false);
    expect(r.question).toMatchObject({ version: 1, stem: '版本一：在用前修改（改）', answer: 'B' });
    expect((await s.questionBank.get(county, q.id)).versions).toHaveLength(1);
  });

  it('editing a frozen question writes version 2; version 1 stays readable as it was', async () => {
    const q = await s.questionBank.create(county, single('冻结后修改'));
    await freeze(q.id);
    const r = await s.questionBank.update(county, q.id, single('冻结后修改', { answer: 'A', explanation: '更正答案' }));
    expect(r.newVersion).toBe(true);
    expect(r.question).toMatchObject({ version: 2, answer: 'A', frozen: false });
    const { versions } = await s.questionBank.get(county, q.id);
    expect(versions.map((v) => [v.version, v.answer, v.frozen])).toEqual([
      [2, 'A', false],
      [1, 'C', true],
    ]);
    // version 2 is not used yet: the next edit rewrites it
    const again = await s.questionBank.update(county, q.id, single('冻结后修改', { answer: 'B' }));
    expect(again).toMatchObject({ newVersion: false, question: { version: 2, answer: 'B' } });
  });

  it('an unchanged edit writes nothing; an unsound question is refused with its problems', async () => {
    const q = await s.questionBank.create(county, single('不改'));
    await freeze(q.id);
    expect((await s.questionBank.update(county, q.id, single('不改'))).newVersion).toBe(false);
    expect((await s.questionBank.get(county, q.id)).versions).toHaveLength(1);
    const bad = await errorOf(
      s.questionBank.create(county, { kind: 'fill_in', stem: '两个空：____和____', answer: [['一']] }),
    );
    expect(bad?.code).toBe('QUESTION_INVALID');
    expect(bad?.details).toMatchObject({ problems: ['blanks_mismatch'], blanks: 2 });
    const choice = await errorOf(s.questionBank.create(county, single('答案不在选项中', { answer: 'E' })));
    expect(choice?.details?.['problems']).toEqual(['answer_not_an_option']);
  });

  it('archiving takes a question out of the list; restoring brings it back', async () => {
    const q = await s.questionBank.create(county, single('归档的题'));
    await s.questionBank.setArchived(county, q.id, true);
    const stems = async (status?: 'active' | 'archived') =>
      (await s.questionBank.list(county, { q: '归档的题', status }, { limit: 10, offset: 0 })).items.map((x) => x.stem);
    expect(await stems()).toEqual([]);
    expect(await stems('archived')).toEqual(['归档的题']);
    await s.questionBank.setArchived(county, q.id, false);
    expect(await stems()).toEqual(['归档的题']);
  });
});

describe('sheets', () => {
  it('import reports every bad row with its column, and writes nothing', async () => {
    const before = await questionCount();
    const buf = await sheet([
      row('单选', '好的一行（  ）', ['甲', '乙'], 'A'),
      row('选择', '题型错', ['甲', '乙'], 'A'),
      row('多选', '多选只有一个答案', ['甲', '乙', '丙'], 'B'),
      row('判断', '判断答案不对', [], '也许'),
      row('填空', '一个空____', [], '甲|乙'),
      row('单选', '选项中间空', ['甲', '', '丙'], 'A'),
      row('简答', '', [], ''),
      row('单选', '难度越界', ['甲', '乙'], 'B', '', '', '', '大学', 9),
      row('单选', '好的一行（  ）', ['甲', '乙'], 'B'),
    ]);
    const err = await errorOf(s.questionBank.import(county, undefined, { name: 'bad.xlsx', data: buf }));
    expect(err?.code).toBe('QUESTION_SHEET_INVALID');
    const problems = (err?.details?.['problems'] ?? []) as Array<{ row: number; column: string; code: string }>;
    expect(problems.map((p) => [p.row, p.column, p.code])).toEqual([
      [3, '题型', 'unknown_kind'],
      [4, '答案', 'multiple_needs_two'],
      [5, '答案', 'true_false_answer'],
      [6, '答案', 'blanks_mismatch'],
      [7, '选项B', 'option_gap'],
      [8, '题干', 'required'],
      [9, '学段', 'unknown_stage'],
      [9, '难度', 'bad_difficulty'],
      [10, '题干', 'duplicate_in_file'],
    ]);
    expect(await questionCount()).toBe(before);
  });

  it('a good sheet imports whole; exported, it imports again unchanged, and into another bank the same', async () => {
    const buf = await sheet([
      row('单选题', '导入：师德的核心（  ）', ['爱国守法', '关爱学生'], 'b', '关爱学生是灵魂', '师德', '', '小学', 2),
      row('多选', '导入：下列属于教师义务的有（  ）', ['遵守宪法', '关心学生', '随意停课'], 'A,B'),
      row('判断', '导入：教师可以体罚学生。', [], '×', '', '师德', '', '', 1),
      row('填空', '导入：新中国成立于____年，首都是____。', [], '1949|北京/北京市', '', '', '历史', '初中', 3),
      row('简答', '导入：谈谈你对“立德树人”的理解。', [], '要点：一、二、三', '', '', '', '高中', 5),
    ]);
    const r = await s.questionBank.import(province, undefined, { name: 'good.xlsx', data: buf });
    expect(r).toEqual({ rows: 5, created: 5, updated: 0, unchanged: 0 });
    const { items } = await s.questionBank.list(province, { q: '导入：' }, { limit: 10, offset: 0 });
    const byKind = Object.fromEntries(items.map((q) => [q.kind, q]));
    expect(byKind['single']).toMatchObject({
      answer: 'B',
      stage: 'primary',
      difficulty: 2,
      explanation: '关爱学生是灵魂',
    });
    expect(byKind['multiple']?.answer).toEqual(['A', 'B']);
    expect(byKind['true_false']?.answer).toBe(false);
    expect(byKind['fill_in']?.answer).toEqual([['1949'], ['北京', '北京市']]);
    expect(byKind['essay']).toMatchObject({ answer: '要点：一、二、三', stage: 'senior', difficulty: 5 });

    const exported = await s.questionBank.export(province, { q: '导入：' });
    // the same bank again: nothing new
    expect(await s.questionBank.import(province, undefined, { name: 'again.xlsx', data: exported.data })).toEqual({
      rows: 5,
      created: 0,
      updated: 0,
      unchanged: 5,
    });
    // another bank: the same questions
    expect(await s.questionBank.import(county, undefined, { name: 'copy.xlsx', data: exported.data })).toMatchObject({
      created: 5,
    });
    const copies = await s.questionBank.list(county, { q: '导入：' }, { limit: 10, offset: 0 });
    const pick = (q: (typeof items)[number]) => [
      q.kind,
      q.stem,
      q.options,
      q.answer,
      q.explanation,
      q.module,
      q.subject,
      q.stage,
      q.difficulty,
    ];
    expect(copies.items.map(pick).sort()).toEqual(items.map(pick).sort());
  });

  it('the template has the columns and a sheet 说明, and its examples import', async () => {
    const { data } = await s.questionBank.template(county, undefined);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(data as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['题库', '说明']);
    expect((wb.worksheets[0]!.getRow(1).values as unknown[]).slice(1)).toEqual(HEADER);
    expect(await s.questionBank.import(county, undefined, { name: 'template.xlsx', data })).toMatchObject({
      created: 2,
    });
  });

  it('the tags of a bank and those above feed the filters', async () => {
    const tags = await s.questionBank.tags(county, undefined);
    expect(tags.modules).toContain('师德');
    expect(tags.subjects).toContain('历史');
    expect(tags.stages).toEqual(expect.arrayContaining(['primary', 'junior']));
  });
});
