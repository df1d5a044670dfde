import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, login, type Session } from '../../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { actorAt, addUser, buildTree, type Tree } from '../../../test/support/fixtures.js';
import { seedTeacher } from '../../../test/support/ledger.js';
import { runJobsUntilIdle } from '../../jobs/job-runner.js';
import ExcelJS from '../../services/excel.js';
import { createServices } from '../../services/services.js';

let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let county: Session;
let otherCounty: Session;
let cycleId: number;

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_TODAY: '2027-11-20' });
  tree = await buildTree(t.db);
  const s = createServices({ db: t.db, env: t.env });
  const province = await actorAt(t.db, tree.P1, 'province_admin', 'vl-province');
  const school = await actorAt(t.db, tree.S1, 'school_admin', 'vl-s1');
  cycleId = (await s.cycles.create(province, { name: '2026—2030年', startYear: 2026, endYear: 2030 })).id;
  await runJobsUntilIdle(t.db);
  for (let i = 0; i < 3; i++) await seedTeacher(t.db, t.env, tree.S1, { seed: 700 + i });
  for (let i = 0; i < 2; i++) await seedTeacher(t.db, t.env, tree.S2, { seed: 710 + i });
  // the township centre school keeps one teacher of its own: it verifies that teacher itself
  await seedTeacher(t.db, t.env, tree.T1, { seed: 720 });
  // S1 has opened and submitted its year; S2, S4 and T1 have not started
  const v = await s.verifications.open(school, { orgUnitId: tree.S1.id, cycleId, year: 2026 });
  await s.verifications.submit(school, v.id);
  await addUser(t.db, tree.K1, 'county_admin', 'vl-county');
  await addUser(t.db, tree.K2, 'county_admin', 'vl-county2');
  app = await buildTestApp(t);
  county = await login(app, 'vl-county');
  otherCounty = await login(app, 'vl-county2');
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

const listUrl = (q: string) => `/api/verifications/schools?orgUnitId=${tree.K1.id}&cycleId=${cycleId}&year=2026${q}`;

describe("the county's verification list", () => {
  it('shows every school, those that have not started the year too, with the count of each status', async () => {
    const res = await as(app, county)({ method: 'GET', url: listUrl('') });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const bySchool = Object.fromEntries(body.items.map((i: { orgUnitName: string }) => [i.orgUnitName, i])) as Record<
      string,
      { status: string; teachers: number; verified: number | null; verificationId: number | null }
    >;
    expect(Object.keys(bySchool).sort()).toEqual([tree.S1.name, tree.S2.name, tree.S4.name, tree.T1.name].sort());
    expect(bySchool[tree.S1.name]).toMatchObject({ status: 'submitted', teachers: 3 });
    expect(bySchool[tree.S1.name]!.verificationId).toBeGreaterThan(0);
    // a school not started shows the teachers it keeps now, and nothing verified yet
    expect(bySchool[tree.S2.name]).toMatchObject({ status: 'not_started', teachers: 2, verified: null });
    expect(bySchool[tree.S4.name]).toMatchObject({ status: 'not_started', teachers: 0, verificationId: null });
    expect(body.total).toBe(4);
    expect(body.counts).toEqual({ not_started: 3, open: 0, returned: 0, submitted: 1, signed_off: 0 });
  });

  it('filters by status (未开始 included) and pages, the counts staying those of the whole year', async () => {
    const waiting = (await as(app, county)({ method: 'GET', url: listUrl('&status=not_started') })).json();
    expect(waiting.items.map((i: { orgUnitName: string }) => i.orgUnitName).sort()).toEqual(
      [tree.S2.name, tree.S4.name, tree.T1.name].sort(),
    );
    expect(waiting.total).toBe(3);
    expect(waiting.counts.submitted).toBe(1);
    const page2 = (
      await as(app, county)({ method: 'GET', url: listUrl('&status=not_started&page=2&pageSize=2') })
    ).json();
    expect(page2.items).toHaveLength(1);
    expect(page2.total).toBe(3);
    const submitted = (await as(app, county)({ method: 'GET', url: listUrl('&status=submitted') })).json();
    expect(submitted.items.map((i: { orgUnitName: string }) => i.orgUnitName)).toEqual([tree.S1.name]);
  });

  it('exports the filtered list as an .xlsx sheet with every matching school', async () => {
    const res = await as(
      app,
      county,
    )({
      method: 'GET',
      url: `/api/verifications/schools/export?orgUnitId=${tree.K1.id}&cycleId=${cycleId}&year=2026&status=not_started`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(1).getCell(2).value).toBe('学校');
    const rows = ws.getSheetValues().slice(2) as unknown[][];
    expect(rows.map((r) => r[2]).sort()).toEqual([tree.S2.name, tree.S4.name, tree.T1.name].sort());
    expect(rows.every((r) => r[4] === '未开始')).toBe(true);
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['details'])
      .where('action', '=', 'credit.export_verifications')
      .executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ year: 2026, rows: 3 });
  });

  it("is not found for another county's schools, and refuses a status it does not know", async () => {
    expect((await as(app, otherCounty)({ method: 'GET', url: listUrl('') })).statusCode).toBe(404);
    expect(
      (await as(app, otherCounty)({ method: 'GET', url: listUrl('').replace('/schools?', '/schools/export?') }))
        .statusCode,
    ).toBe(404);
    const bad = await as(app, county)({ method: 'GET', url: listUrl('&status=started') });
    expect(bad.statusCode).toBe(400);
  });
});
