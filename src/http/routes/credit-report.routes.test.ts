import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, login, type Session } from '../../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { actorAt, addUser, buildTree, type Tree } from '../../../test/support/fixtures.js';
import { seedTeacher } from '../../../test/support/ledger.js';
import { ATTENTION_STATUSES } from '../../domain/credit-progress.js';
import { runJobsUntilIdle } from '../../jobs/job-runner.js';
import { createServices } from '../../services/services.js';

/**
 * The first year of a cycle (2026 of 2026–2030, 48 h a year), on 7 December: nobody can be behind
 * on finished years yet, but the school has verified 2026 and some teachers failed it. The report,
 * the verification and each teacher's page must tell the same story, teacher by teacher.
 */
let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let school: Session;
let county: Session;
let own: Session;
let cycleId: number;
let verificationId: number;
/** 2026 hours (tenths) of each teacher; the yearly minimum is 480 */
const HOURS = [0, 200, 479, 480, 600, 1000];
/** the school marks the one with 100 h as failed (another item of the year, R-16) */
const MARKED = 5;
const teachers: number[] = [];

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_TODAY: '2026-12-07' });
  tree = await buildTree(t.db);
  const s = createServices({ db: t.db, env: t.env });
  const province = await actorAt(t.db, tree.P1, 'province_admin', 'rv-province');
  const registrar = await actorAt(t.db, tree.S1, 'school_admin', 'rv-registrar');
  for (let i = 0; i < HOURS.length; i++) teachers.push(await seedTeacher(t.db, t.env, tree.S1, { seed: 40 + i }));
  cycleId = (await s.cycles.create(province, { name: '2026—2030年', startYear: 2026, endYear: 2030 })).id;
  await runJobsUntilIdle(t.db);
  await s.credits.register(
    registrar,
    HOURS.flatMap((hours, i) =>
      hours
        ? [{ teacherId: teachers[i]!, hours, occurredOn: '2026-07-01', title: '暑期集中培训', categories: [] }]
        : [],
    ),
  );
  await addUser(t.db, tree.S1, 'school_admin', 'rv-school');
  await addUser(t.db, tree.K1, 'county_admin', 'rv-county');
  const user = await addUser(t.db, tree.S1, 'teacher', 'rv-teacher');
  // the teacher with 20 h signs in to see their own page
  await t.db.updateTable('teacher').set({ user_id: user }).where('id', '=', teachers[1]!).execute();
  app = await buildTestApp(t);
  school = await login(app, 'rv-school');
  county = await login(app, 'rv-county');
  own = await login(app, 'rv-teacher');
  const opened = await as(
    app,
    school,
  )({
    method: 'POST',
    url: '/api/verifications',
    payload: { orgUnitId: tree.S1.id, cycleId, year: 2026 },
  });
  expect(opened.statusCode).toBe(200);
  verificationId = opened.json().verification.id;
  const marked = await as(
    app,
    school,
  )({
    method: 'PUT',
    url: `/api/verifications/${verificationId}/items/${teachers[MARKED]!}`,
    payload: { exception: 'failed', reason: '师德考核不合格' },
  });
  expect(marked.statusCode).toBe(204);
  expect(
    (await as(app, school)({ method: 'POST', url: `/api/verifications/${verificationId}/submit` })).statusCode,
  ).toBe(200);
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

type ReportTeacher = {
  teacherId: number;
  status: string;
  countedHours: number;
  yearHours: number[];
  verifications: Array<{ year: number; result: string; status: string }>;
};
type Progress = {
  status: string;
  counted: number;
  thisYear: { year: number; counted: number; minimum: number | null; below: boolean; daysLeft: number } | null;
  years: Array<{ year: number; counted: number; met: boolean | null; verification: string | null }>;
  explanation: Array<{ key: string; text: string }>;
};

const reportTeachers = async (statuses?: readonly string[], notVerifiedIn?: number) => {
  const q = new URLSearchParams({ orgUnitId: String(tree.S1.id), cycleId: String(cycleId), pageSize: '100' });
  for (const st of statuses ?? []) q.append('status', st);
  if (notVerifiedIn) q.append('notVerifiedIn', String(notVerifiedIn));
  const res = await as(app, county)({ method: 'GET', url: `/api/reports/credits/teachers?${q}` });
  expect(res.statusCode).toBe(200);
  return res.json() as { total: number; items: ReportTeacher[]; thisYear: { year: number; daysLeft: number } | null };
};

describe('reports agree with the annual verification in the first year of a cycle', () => {
  it('gives each teacher the same hours, verification result and status on the report, the verification and their page', async () => {
    const v = (await as(app, county)({ method: 'GET', url: `/api/verifications/${verificationId}` })).json() as {
      items: Array<{ teacherId: number; yearHours: number; computed: string; result: string }>;
    };
    const report = await reportTeachers();
    expect(report.thisYear).toEqual({ year: 2026, minimum: 480, daysLeft: 25 });
    for (let i = 0; i < HOURS.length; i++) {
      const id = teachers[i]!;
      const below = HOURS[i]! < 480;
      const verified = !below && i !== MARKED;
      const item = v.items.find((x) => x.teacherId === id)!;
      const row = report.items.find((x) => x.teacherId === id)!;
      const page = (
        await as(app, county)({ method: 'GET', url: `/api/credits/progress?teacherId=${id}&cycleId=${cycleId}` })
      ).json() as Progress;
      const who = `teacher ${i} with ${HOURS[i]! / 10} h`;
      // the verification: failed below 48 h
      expect(item, who).toMatchObject({
        yearHours: HOURS[i],
        computed: below ? 'failed' : 'passed',
        result: verified ? 'verified' : 'not_verified',
      });
      // the report: the same hours and result, and below the yearly minimum rather than on track
      expect(row, who).toMatchObject({
        status: below ? 'below_yearly' : 'on_track',
        countedHours: HOURS[i],
        verifications: [{ year: 2026, result: item.result, status: 'submitted' }],
      });
      expect(row.yearHours[0], who).toBe(item.yearHours);
      // the teacher's page: the same status, the year against its minimum with the days left, the same result
      expect(page.status, who).toBe(row.status);
      expect(page.counted, who).toBe(row.countedHours);
      expect(page.thisYear, who).toEqual({ year: 2026, counted: HOURS[i], minimum: 480, below, daysLeft: 25 });
      expect(page.years[0], who).toMatchObject({ year: 2026, counted: item.yearHours, met: !below });
      expect(page.years[0]!.verification, who).toBe(item.result);
      expect(page.explanation.at(-1)!.key, who).toBe(below ? 'status.below_yearly' : 'status.on_track');
    }
    // the teacher's own page says the same as the one their school reads
    const mine = (await as(app, own)({ method: 'GET', url: '/api/credits/progress' })).json() as Progress;
    expect(mine).toMatchObject({ status: 'below_yearly', thisYear: { counted: 200, below: true, daysLeft: 25 } });
    expect(mine.years[0]!.verification).toBe('not_verified');
  });

  it('lists the teachers below the yearly minimum, and those the year did not verify, as needing attention', async () => {
    const below = teachers.filter((_, i) => HOURS[i]! < 480);
    const attention = await reportTeachers(ATTENTION_STATUSES);
    expect(attention.items.map((x) => x.teacherId).sort()).toEqual([...below].sort());
    expect(attention.total).toBe(below.length);
    // with the year's verification: the teacher the school marked failed, on track by the hours, too
    const withYear = await reportTeachers(ATTENTION_STATUSES, 2026);
    expect(withYear.items.map((x) => x.teacherId).sort()).toEqual([...below, teachers[MARKED]!].sort());
    expect(withYear.total).toBe(below.length + 1);
    expect(withYear.items.find((x) => x.teacherId === teachers[MARKED])).toMatchObject({
      status: 'on_track',
      verifications: [{ year: 2026, result: 'not_verified', status: 'submitted' }],
    });
    // no verification of 2027: nobody more
    expect((await reportTeachers(ATTENTION_STATUSES, 2027)).total).toBe(below.length);
    const rollup = (
      await as(
        app,
        county,
      )({
        method: 'GET',
        url: `/api/reports/credits?orgUnitId=${tree.K1.id}&cycleId=${cycleId}&year=2026`,
      })
    ).json() as {
      rows: Array<{
        orgUnitId: number;
        belowYearly: number;
        onTrack: number;
        verified: number;
        verificationTeachers: number;
      }>;
    };
    expect(rollup.rows.find((r) => r.orgUnitId === tree.S1.id)).toMatchObject({
      belowYearly: below.length,
      onTrack: HOURS.length - below.length,
      verificationTeachers: HOURS.length,
      verified: HOURS.length - below.length - 1,
    });
  });
});
