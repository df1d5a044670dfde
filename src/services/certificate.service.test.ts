/**
 * Certificates tell the truth about the cycle: before the cycle is finished for a teacher (not
 * completed, its end not passed) a request for the cycle certificate issues a record of hours so
 * far (学时证明) with its own title; the public check states the conclusion and the day the figures
 * were frozen; the 主办单位 column names the unit that organised the training.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { actorAt, buildTree, type Tree } from '../../test/support/fixtures.js';
import { seedTeacher } from '../../test/support/ledger.js';
import { pdfText } from '../../test/support/pdf-text.js';
import { createKysely, createPool } from '../db/database.js';
import { runJobsUntilIdle } from '../jobs/job-runner.js';
import { type CertificateSnapshot, closeCertificatePool, documentKindFor } from './certificate.service.js';
import type { RequestContext } from './context.js';
import { createServices, type Services } from './services.js';

let t: TestDatabase;
let tree: Tree;
let s: Services;
let province: RequestContext;
let school: RequestContext;
let county: RequestContext;
let cycleId: number;
let endedId: number;
let wu: number;
let zhou: number;

/** The PDF's text with its line breaks and spaces left out, so a sentence reads whole wherever it wraps. */
const pdfOf = async (id: number, locale: 'zh-CN' | 'en' = 'zh-CN') => {
  const { pdf } = await s.certificates.pdf(school, id, 'https://peixun.example.edu.cn', locale);
  const lines = pdfText(pdf);
  return { lines, flat: lines.join('').replace(/\s/g, '') };
};

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_TODAY: '2027-11-20' });
  tree = await buildTree(t.db);
  s = createServices({ db: t.db, env: t.env });
  province = await actorAt(t.db, tree.P1, 'province_admin', 'ct-p1');
  school = await actorAt(t.db, tree.S1, 'school_admin', 'ct-s1');
  county = await actorAt(t.db, tree.K1, 'county_admin', 'ct-k1');
  cycleId = (await s.cycles.create(province, { name: '2026—2030年', startYear: 2026, endYear: 2030 })).id;
  endedId = (await s.cycles.create(province, { name: '2021—2025年', startYear: 2021, endYear: 2025 })).id;
  await runJobsUntilIdle(t.db);
  wu = await seedTeacher(t.db, t.env, tree.S1, { seed: 901 });
  zhou = await seedTeacher(t.db, t.env, tree.S1, { seed: 902 });
  await s.credits.register(school, [
    { teacherId: wu, hours: 730, occurredOn: '2027-03-01', title: '新课标研读', categories: ['subject'] },
    { teacherId: wu, hours: 730, occurredOn: '2025-06-01', title: '师德专题', categories: ['ethics'] },
  ]);
});
afterAll(async () => {
  await closeCertificatePool();
  await t?.close();
});

describe('documentKindFor', () => {
  it('gives the cycle certificate once the cycle is finished for the teacher, before that a record of hours', () => {
    expect(documentKindFor('cycle', { complete: false, cycleEndYear: 2030, today: '2027-11-20' })).toBe('record');
    expect(documentKindFor('cycle', { complete: true, cycleEndYear: 2030, today: '2027-11-20' })).toBe('cycle');
    expect(documentKindFor('cycle', { complete: false, cycleEndYear: 2030, today: '2030-12-31' })).toBe('record');
    expect(documentKindFor('cycle', { complete: false, cycleEndYear: 2030, today: '2031-01-01' })).toBe('cycle');
    expect(documentKindFor('year', { complete: false, cycleEndYear: 2030, today: '2027-11-20' })).toBe('year');
  });
});

describe('a cycle certificate asked for mid-cycle', () => {
  it('is issued as a record of hours so far: its own kind and title, the date, no verdict of 未达标', async () => {
    const c = await s.certificates.issue(school, { teacherId: wu, cycleId, kind: 'cycle', year: null });
    expect(c.kind).toBe('record');
    expect(await s.certificates.verify(c.code)).toMatchObject({
      status: 'valid',
      kind: 'record',
      totalHours: 730,
      requiredHours: 2400,
      result: null,
      asOf: '2027-11-20',
    });
    const { lines, flat } = await pdfOf(c.id);
    expect(lines[0]).toBe('中小学教师继续教育学时证明');
    expect(flat).not.toContain('中小学教师继续教育证书');
    expect(flat).toContain('截至2027年11月20日累计完成73.0学时（周期规定240.0学时）');
    expect(flat).toContain('本周期尚未结束，本证明只载明截至该日的学时，不作周期达标认定。');
    expect(flat).toContain('数据截至');
    // minima not reached yet say how much is to go, not 未达标
    expect(flat).not.toContain('未达标');
    expect(flat).toContain('尚差20.0学时');
    const en = await pdfOf(c.id, 'en');
    expect(en.lines[0]).toBe('Record of Continuing Education Hours');
    expect(en.lines.join(' ')).toContain('as of November 20, 2027');
  });

  it('a cycle that has ended gives the certificate, and it says the requirement was not met', async () => {
    const c = await s.certificates.issue(school, { teacherId: wu, cycleId: endedId, kind: 'cycle', year: null });
    expect(c.kind).toBe('cycle');
    expect(await s.certificates.verify(c.code)).toMatchObject({ kind: 'cycle', result: 'incomplete', totalHours: 730 });
    const { lines, flat } = await pdfOf(c.id);
    expect(lines[0]).toBe('中小学教师继续教育证书');
    expect(flat).toContain('尚未达到规定要求。');
    expect(lines).toContain('累计学时 规定学时 折合学分 认定结论');
    expect(lines).toContain('73.0 学时 240.0 学时 7.3 未达标');
  });
});

describe('the 主办单位 column', () => {
  it('names the unit that organised the training: the project organiser, the school, the registering unit', async () => {
    const project = await t.db
      .insertInto('training_project')
      .values({
        province_id: tree.C1.provinceId,
        org_unit_id: tree.C1.id,
        org_path: tree.C1.path,
        level: 'city',
        title: '市级骨干教师研修',
        year: 2027,
        status: 'closed',
        hours: 120,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await s.credits.register(school, [
      { teacherId: zhou, hours: 30, occurredOn: '2027-04-01', title: '同课异构听评课', categories: [] },
    ]);
    await s.credits.register(county, [
      {
        teacherId: zhou,
        hours: 120,
        occurredOn: '2027-05-01',
        title: '市级骨干教师研修 第一期',
        categories: [],
        sourceType: 'project',
        sourceRef: `project:${project.id}`,
      },
      {
        teacherId: zhou,
        hours: 60,
        occurredOn: '2027-06-01',
        title: '省外跟岗学习',
        categories: [],
        sourceType: 'external',
      },
    ]);
    const c = await s.certificates.issue(school, { teacherId: zhou, cycleId, kind: 'cycle', year: null });
    const organisers = (c.snapshot as CertificateSnapshot).entries.map((e) => [e.title, e.organiser]);
    expect(organisers).toEqual(
      expect.arrayContaining([
        ['同课异构听评课', tree.S1.name],
        ['市级骨干教师研修 第一期', tree.C1.name],
        ['省外跟岗学习', tree.K1.name],
      ]),
    );
    const { lines } = await pdfOf(c.id);
    const row = (title: string) => lines.find((l) => l.includes(title)) ?? '';
    expect(row('同课异构听评课')).toContain(tree.S1.name);
    expect(row('市级骨干教师研修 第一期')).toContain(tree.C1.name);
    expect(row('省外跟岗学习')).toContain(tree.K1.name);
    for (const title of ['同课异构听评课', '市级骨干教师研修 第一期', '省外跟岗学习'])
      for (const kind of ['校本研修', '培训项目', '外部记录']) expect(row(title)).not.toContain(kind);
  });
});

// last: it changes the cycle's rules
describe('a teacher who completes the cycle', () => {
  it('gets the cycle certificate, which replaces the record of hours', async () => {
    const record = (await s.certificates.forTeacher(school, wu)).find(
      (c) => c.kind === 'record' && c.status === 'valid',
    );
    expect(record).toBeDefined();
    const rules = s.cycles.defaults(2026, 2030);
    await s.cycles.save(province, cycleId, { ...rules, totalHours: 500, yearlyMinimum: null, minima: [] }, null);
    await runJobsUntilIdle(t.db);
    const c = await s.certificates.issue(school, { teacherId: wu, cycleId, kind: 'cycle', year: null });
    expect(c.kind).toBe('cycle');
    expect(await s.certificates.verify(c.code)).toMatchObject({ kind: 'cycle', result: 'complete', status: 'valid' });
    expect(await s.certificates.verify(record!.code)).toMatchObject({ status: 'superseded', supersededByCode: c.code });
    const { flat } = await pdfOf(c.id);
    expect(flat).toContain('经审核，已达到规定要求。');
  });
});

describe('bulk certificates of a unit', () => {
  it("makes every teacher's document in one zip: records of hours mid-cycle, each numbered once", async () => {
    // hours of a project registered by hand carry the project's own reference number, not a project id
    await s.credits.register(school, [
      {
        teacherId: zhou,
        hours: 30,
        occurredOn: '2027-04-01',
        title: '县级骨干教师培训',
        categories: ['subject'],
        sourceType: 'project',
        sourceRef: '县教培〔2027〕12号',
      },
    ]);
    // a hash join (as on a large ledger) reads every entry's reference before any filter: forced here
    await sql`ALTER DATABASE ${sql.id(t.name)} SET enable_nestloop = off`.execute(t.db);
    await sql`ALTER DATABASE ${sql.id(t.name)} SET enable_mergejoin = off`.execute(t.db);
    const pool = createPool(t.url, 2);
    const db = createKysely(pool);
    const hashed = createServices({ db, env: t.env });
    onTestFinished(() => db.destroy());
    const queued = await hashed.certificates.bulk(
      school,
      { orgUnitId: tree.S1.id, cycleId, kind: 'cycle', year: null },
      'https://peixun.example.edu.cn',
    );
    const lines: string[] = [];
    expect(await runJobsUntilIdle(db, (l) => lines.push(l))).toMatchObject({ failed: 0 });
    const job = await t.db.selectFrom('job').selectAll().where('id', '=', queued.id).executeTakeFirstOrThrow();
    expect(job.status, lines.join('\n')).toBe('done');
    const result = job.result as { count: number; issued: number };
    expect(result.count).toBeGreaterThanOrEqual(2);
    // the teachers without a document of this cycle got one: a record of hours, the cycle running
    const kinds = await t.db
      .selectFrom('credit_certificate')
      .select(['teacher_id', 'kind'])
      .where('cycle_id', '=', cycleId)
      .where('status', '=', 'valid')
      .execute();
    expect(kinds.filter((k) => k.teacher_id === zhou)).toEqual([{ teacher_id: zhou, kind: 'record' }]);
  });
});
