import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, login, type Session } from '../../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { actorAt, addUser, buildTree, type Tree } from '../../../test/support/fixtures.js';
import { seedTeacher } from '../../../test/support/ledger.js';
import { runJobsUntilIdle } from '../../jobs/job-runner.js';
import { createServices } from '../../services/services.js';

/**
 * "All N matching" in the teacher pickers: the browser sends the list's filters, not the ids, and
 * the server registers hours for (or nominates) every teacher they match, less those left out.
 */
let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let school: Session;
let maths: number[];
let chinese: number[];

const entry = { hours: 30, occurredOn: '2027-05-10', title: '数学组教研活动', categories: [] };

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_TODAY: '2027-11-20' });
  tree = await buildTree(t.db);
  const s = createServices({ db: t.db, env: t.env });
  const province = await actorAt(t.db, tree.P1, 'province_admin', 'pk-province');
  await s.cycles.create(province, { name: '2026—2030年', startYear: 2026, endYear: 2030 });
  await runJobsUntilIdle(t.db);
  const at = async (subject: string, n: number, seed: number) => {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) {
      const id = await seedTeacher(t.db, t.env, tree.S1, { seed: seed + i });
      await t.db.updateTable('teacher').set({ subject }).where('id', '=', id).execute();
      ids.push(id);
    }
    return ids;
  };
  maths = await at('数学', 5, 900);
  chinese = await at('语文', 2, 950);
  await addUser(t.db, tree.S1, 'school_admin', 'pk-s1');
  await addUser(t.db, tree.S3, 'school_admin', 'pk-s3');
  app = await buildTestApp(t);
  school = await login(app, 'pk-s1');
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

const hoursOf = async (ids: number[]) =>
  (
    await t.db
      .selectFrom('credit_entry')
      .select(['teacher_id', 'hours'])
      .where('teacher_id', 'in', ids)
      .where('title', '=', entry.title)
      .execute()
  ).map((r) => r.teacher_id);

describe('registering hours for all teachers matching the filters', () => {
  it('registers one entry for each matching teacher but those left out, once however often it is sent', async () => {
    const body = {
      matching: { orgUnitId: tree.S1.id, subject: '数学' },
      except: [maths[4]],
      entry,
      idemKey: 'pick-test-1',
    };
    const res = await as(app, school)({ method: 'POST', url: '/api/credits/entries/matching', payload: body });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ teachers: 4, created: 4, replayed: 0 });
    expect((await hoursOf([...maths, ...chinese])).sort()).toEqual(maths.slice(0, 4).sort());
    const again = await as(app, school)({ method: 'POST', url: '/api/credits/entries/matching', payload: body });
    expect(again.json()).toMatchObject({ teachers: 4, created: 0, replayed: 4 });
    const audit = await t.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'credit.register_bulk')
      .where('outcome', '=', 'success')
      .executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ rows: 4, created: 4, matching: { subject: '数学' } });
  });

  it('names the teacher of each problem, and writes nothing', async () => {
    const res = await as(
      app,
      school,
    )({
      method: 'POST',
      url: '/api/credits/entries/matching',
      payload: {
        matching: { orgUnitId: tree.S1.id, subject: '语文' },
        entry: { ...entry, title: '周期之外', occurredOn: '2019-05-10' },
        idemKey: 'pick-test-2',
      },
    });
    expect(res.statusCode).toBe(400);
    const problems = res.json().error.details.problems as Array<{ teacherName: string; code: string }>;
    expect(problems).toHaveLength(2);
    expect(problems.every((p) => p.code === 'no_cycle' && p.teacherName.length > 0)).toBe(true);
    expect(await hoursOf(chinese)).toEqual([]);
  });

  it("does not reach another school's teachers, and says so when nothing matches", async () => {
    const other = await login(app, 'pk-s3');
    const foreign = await as(
      app,
      other,
    )({
      method: 'POST',
      url: '/api/credits/entries/matching',
      payload: { matching: { orgUnitId: tree.S1.id }, entry, idemKey: 'pick-test-3' },
    });
    expect(foreign.statusCode).toBe(404);
    const none = await as(
      app,
      school,
    )({
      method: 'POST',
      url: '/api/credits/entries/matching',
      payload: { matching: { orgUnitId: tree.S1.id, subject: '地理' }, entry, idemKey: 'pick-test-4' },
    });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.code).toBe('VALIDATION_FAILED');
  });
});

describe('nominating all teachers matching the filters', () => {
  it('enrols every matching teacher of the school in the class, by filters alone', async () => {
    const s = createServices({ db: t.db, env: t.env });
    const county = await actorAt(t.db, tree.K1, 'county_admin', 'pk-county');
    const d = await s.training.create(county, {
      orgUnitId: tree.K1.id,
      level: 'county',
      title: '数学教师培训',
      description: null,
      year: 2027,
      registrationOpens: null,
      registrationCloses: null,
      eligibility: {},
      completionRule: { minAttendancePct: 80, assessmentRequired: false },
      hours: 120,
      creditCategories: [],
    });
    const c = await s.training.createClass(county, d.project.id, { name: '一班', capacity: 30 });
    await s.training.setStatus(county, d.project.id, 'open');
    const res = await as(
      app,
      school,
    )({
      method: 'POST',
      url: '/api/enrolments/nominate',
      payload: { classId: c.id, matching: { orgUnitId: tree.S1.id, subject: '数学' } },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(
      res
        .json()
        .items.map((i: { teacherId: number }) => i.teacherId)
        .sort(),
    ).toEqual([...maths].sort());
    // ids or filters, not both, not neither
    const both = await as(
      app,
      school,
    )({
      method: 'POST',
      url: '/api/enrolments/nominate',
      payload: { classId: c.id, teacherIds: [chinese[0]], matching: { orgUnitId: tree.S1.id } },
    });
    expect(both.statusCode).toBe(400);
    const neither = await as(
      app,
      school,
    )({ method: 'POST', url: '/api/enrolments/nominate', payload: { classId: c.id } });
    expect(neither.statusCode).toBe(400);
  });
});
