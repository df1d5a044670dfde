import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { actorAt, buildTree, type Tree } from '../../test/support/fixtures.js';
import { seedTeacher } from '../../test/support/ledger.js';
import { runJobsUntilIdle } from '../jobs/job-runner.js';
import type { RequestContext } from './context.js';
import { REFRESH_JOB } from './credit-jobs.js';
import { createCreditReportService } from './credit-report.service.js';
import ExcelJS from './excel.js';
import { queueStaleRefreshes, refreshCycle } from './ledger-maintenance.js';
import { createServices, type Services } from './services.js';

let t: TestDatabase;
let tree: Tree;
let s: Services;
let county: RequestContext;
let cycleId: number;

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_TODAY: '2027-11-20' });
  tree = await buildTree(t.db);
  s = createServices({ db: t.db, env: t.env });
  const province = await actorAt(t.db, tree.P1, 'province_admin', 'cr-p1');
  county = await actorAt(t.db, tree.K1, 'county_admin', 'cr-k1');
  for (const seed of [1, 2, 3]) await seedTeacher(t.db, t.env, tree.S1, { seed: 700 + seed });
  await seedTeacher(t.db, t.env, tree.S2, { seed: 704 });
  cycleId = (await s.cycles.create(province, { name: '2026—2030年', startYear: 2026, endYear: 2030 })).id;
  await runJobsUntilIdle(t.db);
});
afterAll(async () => {
  await t?.close();
});

describe("how current a report's figures are", () => {
  it('says when they were read and when the statuses were last refreshed; none is stale', async () => {
    const before = Date.now();
    const r = await s.creditReports.rollup(county, { orgUnitId: tree.K1.id, cycleId });
    expect(r.freshness).toMatchObject({ refresh: null, staleTeachers: 0 });
    expect(r.freshness.computedAt.getTime()).toBeGreaterThanOrEqual(before);
    const done = await t.db
      .selectFrom('job')
      .select('finished_at')
      .where('kind', '=', REFRESH_JOB)
      .where('status', '=', 'done')
      .orderBy('finished_at', 'desc')
      .executeTakeFirstOrThrow();
    expect(r.freshness.lastRefreshAt).toEqual(done.finished_at);
  });

  it('after a new year began, tells how many statuses are from before and how far the refresh has come', async () => {
    // 2 January: every status was computed for 2027
    const env = { ...t.env, PEIXUN_TODAY: '2028-01-02' };
    const reports = createCreditReportService({ db: t.db, env });
    const stale = await reports.rollup(county, { orgUnitId: tree.K1.id, cycleId });
    expect(stale.freshness).toMatchObject({ refresh: null, staleTeachers: 4 });
    expect((await reports.rollup(county, { orgUnitId: tree.S2.id, cycleId })).freshness.staleTeachers).toBe(1);

    expect(await queueStaleRefreshes(t.db, env)).toBe(1);
    expect((await reports.rollup(county, { orgUnitId: tree.K1.id, cycleId })).freshness.refresh).toEqual({
      status: 'queued',
      progress: 0,
      total: 0,
      startedAt: null,
    });
    const teachersList = await reports.teachers(county, { orgUnitId: tree.K1.id, cycleId, limit: 10, offset: 0 });
    expect(teachersList.freshness.refresh?.status).toBe('queued');

    // halfway through: the report says so, with the progress
    let during: Awaited<ReturnType<typeof reports.rollup>> | undefined;
    await runJobsUntilIdle(t.db, undefined, {
      [REFRESH_JOB]: async (job, ctl) => {
        await t.db.updateTable('job').set({ progress: 2, total: 4 }).where('id', '=', job.id).execute();
        during = await reports.rollup(county, { orgUnitId: tree.K1.id, cycleId });
        return refreshCycle(t.db, env, Number(job.params['cycleId']), ctl.progress, ctl.signal);
      },
    });
    expect(during!.freshness.refresh).toMatchObject({ status: 'running', progress: 2, total: 4 });
    expect(during!.freshness.refresh!.startedAt).toBeInstanceOf(Date);

    const after = await reports.rollup(county, { orgUnitId: tree.K1.id, cycleId });
    expect(after.freshness).toMatchObject({ refresh: null, staleTeachers: 0 });
    expect(after.freshness.lastRefreshAt!.getTime()).toBeGreaterThan(stale.freshness.lastRefreshAt!.getTime());
  });
});

describe('the completion sheet', () => {
  it('writes the completion rate as a number shown as a percentage, and leaves a rate without teachers empty', async () => {
    const r = await s.creditReports.rollup(county, { orgUnitId: tree.K1.id, cycleId });
    const file = await s.creditReports.exportRollup(county, { orgUnitId: tree.K1.id, cycleId }, 'zh-CN');
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    await file.write(out);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('完成情况')!;
    expect(sheet.getRow(1).getCell(8).value).toBe('完成率');
    expect(sheet.getRow(1).getCell(14).value).toBe('验证通过率');
    const total = sheet.getRow(sheet.rowCount);
    expect(total.getCell(1).value).toBe('合计');
    const completion = total.getCell(8);
    expect(completion.type).toBe(ExcelJS.ValueType.Number);
    expect(completion.value).toBe(r.total.complete / r.total.inScope);
    expect(completion.numFmt).toBe('0.0%');
    // nobody was verified yet: no rate rather than a made-up 0%
    expect(r.total.verificationTeachers).toBe(0);
    expect(total.getCell(14).type).toBe(ExcelJS.ValueType.Null);
  });
});
