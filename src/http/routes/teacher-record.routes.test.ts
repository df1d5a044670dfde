import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, login, type Session } from '../../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { actorAt, addUser, buildTree, type Tree } from '../../../test/support/fixtures.js';
import { seedTeacher } from '../../../test/support/ledger.js';
import { runJobsUntilIdle } from '../../jobs/job-runner.js';
import { createServices } from '../../services/services.js';

/**
 * 教师档案: the teacher's page shows the hours of the cycle (each year against the yearly minimum,
 * the total against the cycle's requirement), the training taken with its outcome, and the
 * certificates, to the administrators who may see the teacher.
 */
let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let county: Session;
let otherCounty: Session;
let formerSchool: Session;
let teacherId: number;
let cycleId: number;

async function classOf(title: string, year: number, status: 'open' | 'closed'): Promise<number> {
  const p = await t.db
    .insertInto('training_project')
    .values({
      province_id: tree.K1.provinceId,
      org_unit_id: tree.K1.id,
      org_path: tree.K1.path,
      level: 'county',
      title,
      year,
      status: 'open',
      hours: 150,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return (
    await t.db
      .insertInto('training_class')
      .values({
        project_id: p.id,
        province_id: tree.K1.provinceId,
        org_path: tree.K1.path,
        name: '一班',
        capacity: 10,
        status,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}

async function session(classId: number, daysAgo: number): Promise<number> {
  const at = Date.now() - daysAgo * 86_400_000;
  return (
    await t.db
      .insertInto('training_session')
      .values({
        class_id: classId,
        starts_at: new Date(at),
        ends_at: new Date(at + 3_600_000),
        checkin_opens_at: new Date(at - 600_000),
        checkin_closes_at: new Date(at + 600_000),
        token_secret: crypto.randomBytes(32),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_TODAY: '2027-11-20' });
  tree = await buildTree(t.db);
  const s = createServices({ db: t.db, env: t.env });
  const province = await actorAt(t.db, tree.P1, 'province_admin', 'tr-province');
  const school = await actorAt(t.db, tree.S1, 'school_admin', 'tr-s1');
  cycleId = (await s.cycles.create(province, { name: '2026—2030年', startYear: 2026, endYear: 2030 })).id;
  await runJobsUntilIdle(t.db);
  teacherId = await seedTeacher(t.db, t.env, tree.S1, { seed: 801 });
  await s.credits.register(school, [
    { teacherId, hours: 500, occurredOn: '2026-05-10', title: '校本研修', categories: [] },
    { teacherId, hours: 300, occurredOn: '2027-04-01', title: '师德专题', categories: [] },
  ]);
  // a completed class (attended 2 of 2 sessions) taken at S1, and a place still waiting at S1
  const done = await classOf('2026年县级骨干培训', 2026, 'closed');
  for (const days of [400, 399]) {
    const sid = await session(done, days);
    await t.db
      .insertInto('attendance')
      .values({ session_id: sid, teacher_id: teacherId, present: true, method: 'qr', checked_in_at: new Date() })
      .execute();
  }
  const enrol = (classId: number, status: string, outcome: string | null) =>
    t.db
      .insertInto('enrolment')
      .values({
        class_id: classId,
        teacher_id: teacherId,
        province_id: tree.S1.provinceId,
        org_unit_id: tree.S1.id,
        org_path: tree.S1.path,
        status,
        source: 'nominated',
        outcome,
        waitlisted_at: status === 'waitlisted' ? new Date() : null,
      })
      .execute();
  await enrol(done, 'enrolled', 'completed');
  const waiting = await classOf('2027年信息技术应用能力提升', 2027, 'open');
  await session(waiting, 2);
  await enrol(waiting, 'waitlisted', null);
  await t.db
    .insertInto('credit_certificate')
    .values({
      province_id: tree.S1.provinceId,
      code: 'TRTEST00000001',
      teacher_id: teacherId,
      cycle_id: cycleId,
      kind: 'year',
      year: 2026,
      org_unit_id: tree.S1.id,
      org_path: tree.S1.path,
      status: 'valid',
      snapshot: JSON.stringify({ teacherName: '测试', totalHours: 500 }),
    })
    .execute();
  // the teacher then moves to S2: S1 is now a former school
  await s.teachers.transfer(
    await actorAt(t.db, tree.K1, 'county_admin', 'tr-county-svc'),
    teacherId,
    tree.S2.id,
    '交流轮岗',
  );
  await addUser(t.db, tree.K1, 'county_admin', 'tr-county');
  await addUser(t.db, tree.K2, 'county_admin', 'tr-county2');
  app = await buildTestApp(t);
  county = await login(app, 'tr-county');
  otherCounty = await login(app, 'tr-county2');
  formerSchool = await login(app, 'tr-s1');
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

describe("a teacher's record (教师档案)", () => {
  it('lists the training taken with its outcome and the sessions attended, newest project first', async () => {
    const res = await as(app, county)({ method: 'GET', url: `/api/teachers/${teacherId}/training` });
    expect(res.statusCode).toBe(200);
    const items = res.json().items;
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({
      projectTitle: '2027年信息技术应用能力提升',
      status: 'waitlisted',
      outcome: null,
      sessionsHeld: 1,
      sessionsAttended: 0,
    });
    expect(items[1]).toMatchObject({
      projectTitle: '2026年县级骨干培训',
      organiserName: tree.K1.name,
      level: 'county',
      year: 2026,
      hours: 150,
      status: 'enrolled',
      outcome: 'completed',
      classStatus: 'closed',
      sessionsHeld: 2,
      sessionsAttended: 2,
    });
  });

  it('shows the hours of each year against the yearly minimum and the total against the cycle', async () => {
    const res = await as(
      app,
      county,
    )({
      method: 'GET',
      url: `/api/credits/progress?teacherId=${teacherId}&cycleId=${cycleId}`,
    });
    expect(res.statusCode).toBe(200);
    const p = res.json();
    expect(p.counted).toBe(800);
    expect(p.required).toBeGreaterThan(0);
    const byYear = Object.fromEntries(p.years.map((y: { year: number }) => [y.year, y]));
    expect(byYear[2026]).toMatchObject({ counted: 500 });
    expect(byYear[2027]).toMatchObject({ counted: 300 });
  });

  it('lists the certificates', async () => {
    const res = await as(app, county)({ method: 'GET', url: `/api/certificates?teacherId=${teacherId}` });
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toMatchObject([{ code: 'TRTEST00000001', kind: 'year', year: 2026 }]);
  });

  it('is not found for another county, and a former school sees only the places taken there', async () => {
    expect((await as(app, otherCounty)({ method: 'GET', url: `/api/teachers/${teacherId}/training` })).statusCode).toBe(
      404,
    );
    const former = await as(app, formerSchool)({ method: 'GET', url: `/api/teachers/${teacherId}/training` });
    expect(former.statusCode).toBe(200);
    expect(former.json().items).toHaveLength(2);
    await t.db
      .updateTable('enrolment')
      .set({ org_path: tree.S2.path, org_unit_id: tree.S2.id })
      .where('status', '=', 'waitlisted')
      .execute();
    const after = await as(app, formerSchool)({ method: 'GET', url: `/api/teachers/${teacherId}/training` });
    expect(after.json().items.map((i: { projectTitle: string }) => i.projectTitle)).toEqual(['2026年县级骨干培训']);
  });
});
