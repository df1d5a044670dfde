import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { actorAt, addUser, buildTree, type Tree } from '../../test/support/fixtures.js';
import { seedTeacher } from '../../test/support/ledger.js';
import type { Database } from '../db/database.js';
import { drawSample, listSha256, maskName, seedSha256 } from '../domain/spot-check-draw.js';
import { AppError } from '../errors/app-error.js';
import type { RequestContext } from './context.js';
import ExcelJS from './excel.js';
import { createServices } from './services.js';
import type { SpotCheckService } from './spot-check.service.js';

let t: TestDatabase;
let tree: Tree;
let sc: SpotCheckService;
let county: RequestContext;
let otherCounty: RequestContext;
let city: RequestContext;
let school1: RequestContext;
let school2: RequestContext;
/** teachers by school: S1 25, S2 4, S4 (under the township T1) 3, and 2 senior teachers at S1 */
const at: Record<'S1' | 'S2' | 'S4', number[]> = { S1: [], S2: [], S4: [] };
let teacherUser: number;

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: unknown) => (e instanceof AppError ? e.code : String(e)),
  );

const input = { title: '2027 年桦甸市教师全员培训抽测', year: 2027, ratePercent: 10, minPerUnit: 1, criteria: {} };

/** The unified exam of a spot-check with a result for each given teacher, written as the exam core writes them. */
async function examWithResults(
  db: Database,
  spotCheckId: number,
  unit: { id: number; path: string; provinceId: number },
  results: { teacherId: number; composite: number | null; level: string | null; passed: boolean }[],
) {
  const exam = await db
    .insertInto('exam')
    .values({
      province_id: unit.provinceId,
      org_unit_id: unit.id,
      org_path: unit.path,
      title: '抽测统一考试',
      target: 'spot_check',
      spot_check_id: spotCheckId,
      status: 'closed',
      opens_at: new Date('2027-06-01T00:00:00Z'),
      closes_at: new Date('2027-06-02T00:00:00Z'),
      duration_minutes: 60,
      paper: JSON.stringify({ mode: 'fixed', items: [] }),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const r of results) {
    const teacher = await db
      .selectFrom('teacher')
      .select('org_path')
      .where('id', '=', r.teacherId)
      .executeTakeFirstOrThrow();
    await db
      .insertInto('exam_result')
      .values({
        exam_id: exam.id,
        teacher_id: r.teacherId,
        org_path: teacher.org_path,
        exam_score: r.composite,
        composite: r.composite,
        level: r.level,
        passed: r.passed,
      })
      .execute();
  }
  return exam.id;
}

beforeAll(async () => {
  t = await createTestDatabase();
  tree = await buildTree(t.db);
  sc = createServices({ db: t.db, env: t.env }).spotChecks;
  county = await actorAt(t.db, tree.K1, 'county_admin', 'sc-county');
  otherCounty = await actorAt(t.db, tree.K2, 'county_admin', 'sc-county2');
  city = await actorAt(t.db, tree.C1, 'city_admin', 'sc-city');
  school1 = await actorAt(t.db, tree.S1, 'school_admin', 'sc-school1');
  school2 = await actorAt(t.db, tree.S2, 'school_admin', 'sc-school2');
  for (const [key, n] of [
    ['S1', 25],
    ['S2', 4],
    ['S4', 3],
  ] as const) {
    for (let i = 0; i < n; i++) at[key].push(await seedTeacher(t.db, t.env, tree[key]));
  }
  // two senior-school teachers at S1 (left out by a criterion on stage)
  for (let i = 0; i < 2; i++) {
    const id = await seedTeacher(t.db, t.env, tree.S1);
    await t.db.updateTable('teacher').set({ stage: 'senior' }).where('id', '=', id).execute();
  }
  // every S1 teacher has an account, to receive the message of the draw
  for (const [i, id] of at.S1.entries()) {
    const userId = await addUser(t.db, tree.S1, 'teacher', `sc-t${i}`);
    await t.db.updateTable('teacher').set({ user_id: userId }).where('id', '=', id).execute();
    if (i === 0) teacherUser = userId;
  }
});
afterAll(async () => {
  await t?.close();
});

describe('spot-check draw', () => {
  it('runs from draft to published results, with a draw anyone can recompute from the published list', async () => {
    const draft = await sc.create(county, { ...input, criteria: { stages: ['primary'] } });
    expect(draft).toMatchObject({ status: 'draft', seedSha256: null, seed: null, manage: true, orgUnitName: '桦甸市' });
    // a draft is the organiser's: the schools do not see it yet
    expect(await codeOf(sc.get(school1, draft.id))).toBe('NOT_FOUND');
    expect((await sc.list(school1, { page: 1, pageSize: 20 })).items).toEqual([]);

    const committed = await sc.commit(county, draft.id);
    expect(committed.status).toBe('committed');
    expect(committed.listSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(committed.seedSha256).toMatch(/^[0-9a-f]{64}$/);
    // the seed stays secret until the draw, in the page and in the list file
    expect(committed.seed).toBeNull();
    const listBefore = await sc.listFile(school1, draft.id);
    expect(listBefore.seed).toBeUndefined();
    expect(listBefore.sample).toBeUndefined();
    expect(JSON.stringify(listBefore)).not.toContain(
      (await t.db.selectFrom('spot_check').select('seed').where('id', '=', draft.id).executeTakeFirstOrThrow()).seed,
    );

    // units are the county's direct children: S1, S2 and the township (its school S4 inside)
    const detail = await sc.get(county, draft.id);
    expect(detail.units.map((u) => [u.name, u.eligible, u.sampleSize])).toEqual(
      expect.arrayContaining([
        ['桦甸市第一实验小学', 25, 3],
        ['桦甸市第一中学', 4, 1],
        ['夹皮沟镇中心校', 3, 1],
      ]),
    );
    expect(detail.units).toHaveLength(3);
    // the list names teachers by their id and a masked name, never an ID number
    const s1 = listBefore.units.find((u) => u.unitId === tree.S1.id);
    expect(s1?.teachers).toHaveLength(25);
    expect(s1?.teachers.map((x) => x.key).sort()).toEqual(at.S1.map(String).sort());
    for (const x of s1?.teachers ?? []) expect(x.name).toMatch(/^.\*+.?$|^\*$/u);
    expect(
      listSha256({
        rateBp: listBefore.rateBp,
        minPerUnit: listBefore.minPerUnit,
        units: listBefore.units.map((u) => ({ unitId: u.unitId, keys: u.teachers.map((x) => x.key) })),
      }),
    ).toBe(committed.listSha256);

    expect(await codeOf(sc.update(county, draft.id, input))).toBe('SPOT_CHECK_STATE');
    expect(await codeOf(sc.results(county, draft.id))).toBe('SPOT_CHECK_STATE');

    const drawn = await sc.draw(county, draft.id);
    expect(drawn.status).toBe('drawn');
    expect(drawn.seed).toMatch(/^[0-9a-f]{64}$/);
    expect(seedSha256(drawn.seed as string)).toBe(committed.seedSha256);
    expect(await codeOf(sc.draw(county, draft.id))).toBe('SPOT_CHECK_STATE');

    // the published list now carries the seed and the sample, and the sample is the one recomputed
    const list = await sc.listFile(school1, draft.id);
    expect(list.seed).toBe(drawn.seed);
    const recomputed = drawSample(list.seed as string, {
      rateBp: list.rateBp,
      minPerUnit: list.minPerUnit,
      units: list.units.map((u) => ({ unitId: u.unitId, keys: u.teachers.map((x) => x.key) })),
    });
    expect(
      list.sample?.map((u) => [u.unitId, [...u.drawn].sort()]).sort((a, b) => Number(a[0]) - Number(b[0])),
    ).toEqual(recomputed.map((u) => [u.unitId, [...u.drawn].sort()]));
    const drawnS1 = recomputed.find((u) => u.unitId === tree.S1.id)?.drawn ?? [];
    expect(drawnS1).toHaveLength(3);

    // the drawn teachers (with an account) and the admins of their schools are told
    const messages = await t.db
      .selectFrom('message')
      .select(['recipient_id', 'kind'])
      .where('kind', 'in', ['spot_check_drawn', 'spot_check_unit_drawn'])
      .execute();
    const drawnUsers = await t.db
      .selectFrom('teacher')
      .select('user_id')
      .where('id', 'in', drawnS1.map(Number))
      .execute();
    expect(
      messages
        .filter((m) => m.kind === 'spot_check_drawn')
        .map((m) => m.recipient_id)
        .sort(),
    ).toEqual(drawnUsers.map((u) => u.user_id).sort());
    expect(messages.some((m) => m.kind === 'spot_check_unit_drawn' && m.recipient_id === school1.actor?.userId)).toBe(
      true,
    );
    expect(messages.some((m) => m.kind === 'spot_check_drawn' && m.recipient_id === teacherUser)).toBe(
      drawnS1.includes(String(at.S1[0])),
    );

    // the draw is audited with the seed it revealed
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['outcome', 'details'])
      .where('action', '=', 'spotcheck.draw')
      .executeTakeFirstOrThrow();
    expect(audit.outcome).toBe('success');
    expect(audit.details).toMatchObject({ seed: drawn.seed, seedSha256: committed.seedSha256 });

    // the school sees the drawn teachers: its own by name, the others masked
    const seen = await sc.get(school1, draft.id);
    const names = new Map(
      (await t.db.selectFrom('teacher').select(['id', 'name']).execute()).map((r) => [String(r.id), r.name]),
    );
    for (const u of seen.units)
      for (const d of u.drawn) {
        const name = names.get(d.listKey) as string;
        expect(d.name).toBe(u.unitId === tree.S1.id ? name : maskName(name));
      }

    // results: none to publish before the exam has any
    expect(await codeOf(sc.publishResults(county, draft.id))).toBe('SPOT_CHECK_NO_RESULTS');
    const drawnS2 = recomputed.find((u) => u.unitId === tree.S2.id)?.drawn ?? [];
    await examWithResults(t.db, draft.id, tree.K1, [
      { teacherId: Number(drawnS1[0]), composite: 95, level: 'excellent', passed: true },
      { teacherId: Number(drawnS1[1]), composite: 72, level: 'pass', passed: true },
      { teacherId: Number(drawnS1[2]), composite: 40, level: 'fail', passed: false },
      { teacherId: Number(drawnS2[0]), composite: 88, level: 'good', passed: true },
    ]);
    // the units drawn from wait for the publication; the organiser checks first
    expect(await codeOf(sc.results(school1, draft.id))).toBe('SPOT_CHECK_STATE');
    const preview = await sc.results(county, draft.id);
    expect(preview.published).toBe(false);

    await sc.publishResults(county, draft.id);
    const r = await sc.results(school2, draft.id);
    expect(r.published).toBe(true);
    // per person, best first; the township's teacher sat nothing and comes last without a rank
    expect(r.people.map((p) => [p.rank, p.composite])).toEqual([
      [1, 95],
      [2, 88],
      [3, 72],
      [4, 40],
      [null, null],
    ]);
    // school 2 sees its own teacher by name, the others masked
    const own = r.people.find((p) => p.listKey === drawnS2[0]);
    expect(own?.name).toBe(names.get(drawnS2[0] as string));
    expect(r.people.find((p) => p.listKey === drawnS1[0])?.name).toContain('*');
    // per unit, best mean first, with rates over the assessed; no one assessed → no rate
    expect(r.units.map((u) => [u.unitName, u.meanComposite, u.passRate, u.excellentRate, u.absent])).toEqual([
      ['桦甸市第一中学', 88, 100, 0, 0],
      ['桦甸市第一实验小学', 69, 66.7, 33.3, 0],
      ['夹皮沟镇中心校', null, null, null, 1],
    ]);
    expect(r.overall).toEqual({ drawn: 5, assessed: 4, passRate: 75, excellentRate: 25 });

    const sheet = await sc.resultsXlsx(school2, draft.id);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(sheet.buffer as unknown as ArrayBuffer);
    const units = wb.getWorksheet('单位成绩');
    expect(units?.getRow(2).getCell(2).value).toBe('桦甸市第一中学');
    expect(units?.getRow(4).getCell(8).value).toBe('—');
    const people = wb.getWorksheet('个人成绩');
    expect(people?.getRow(2).getCell(7).value).toBe(95);
  });

  it('keeps spot-checks inside their subtree and the steps to the bureau that organises them', async () => {
    const s = await sc.create(county, { ...input, title: '另一次抽测' });
    expect(await codeOf(sc.get(otherCounty, s.id))).toBe('NOT_FOUND');
    expect(await codeOf(sc.commit(otherCounty, s.id))).toBe('NOT_FOUND');
    expect(await codeOf(sc.commit(school1, s.id))).toBe('NOT_FOUND');
    await sc.commit(county, s.id);
    expect((await sc.get(school1, s.id)).spotCheck.manage).toBe(false);
    expect(await codeOf(sc.draw(school1, s.id))).toBe('FORBIDDEN');
    expect(await codeOf(sc.listFile(otherCounty, s.id))).toBe('NOT_FOUND');
    // the city above reads and may act; a school cannot organise one
    expect((await sc.get(city, s.id)).spotCheck.manage).toBe(true);
    expect(await codeOf(sc.create(school1, input))).toBe('FORBIDDEN');
    // a county organises its own; a city for a county below it
    expect(await codeOf(sc.create(county, { ...input, orgUnitId: tree.S1.id }))).toBe('SPOT_CHECK_INVALID');
    expect((await sc.create(city, { ...input, orgUnitId: tree.K2.id })).orgUnitId).toBe(tree.K2.id);
    expect(await codeOf(sc.create(county, { ...input, orgUnitId: tree.K2.id }))).toBe('NOT_FOUND');
  });

  it('refuses a bad rate and an empty list', async () => {
    expect(await codeOf(sc.create(county, { ...input, ratePercent: 10.005 }))).toBe('SPOT_CHECK_INVALID');
    expect(await codeOf(sc.create(county, { ...input, ratePercent: 0 }))).toBe('SPOT_CHECK_INVALID');
    const s = await sc.create(county, { ...input, criteria: { stages: ['vocational'] } });
    expect(await codeOf(sc.commit(county, s.id))).toBe('SPOT_CHECK_EMPTY');
    // nothing half written
    expect((await sc.get(county, s.id)).spotCheck.status).toBe('draft');
    const n = await t.db
      .selectFrom('spot_check_candidate')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('spot_check_id', '=', s.id)
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(0);
  });
});
