/**
 * Places under concurrency: 200 teachers enrol themselves at the same moment, each a separate
 * service call on a pool of 12 connections, for the last 10 places of a class. Exactly 10 get a
 * place, 190 wait in line, nobody gets an error, and the class's counters equal a recount. Then the
 * same teachers enrol themselves in one class of a new project while the county enrols their schools
 * in bulk into another: nobody ends up with two places in the project.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKysely, createPool, type Database } from '../src/db/database.js';
import type { Role } from '../src/domain/org-tree.js';
import type { OrgUnitRow } from '../src/repositories/org-unit.repository.js';
import { createEnrolmentRepository } from '../src/repositories/enrolment.repository.js';
import type { RequestContext } from '../src/services/context.js';
import { createServices } from '../src/services/services.js';
import { createTestDatabase, type TestDatabase } from './support/db.js';
import { actorAt, buildTree, type Tree } from './support/fixtures.js';
import { seedTeacher } from './support/ledger.js';

const RACERS = 200;
const PLACES_LEFT = 10;
const CAPACITY = 50;

let t: TestDatabase;
let tree: Tree;
let db: Database;
let classId: number;
let county: RequestContext;
const racers: Array<{ id: number; ctx: RequestContext }> = [];

const ctxAt = (unit: OrgUnitRow, role: Role, name: string): Promise<RequestContext> => actorAt(t.db, unit, role, name);

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_TODAY: '2027-03-10' });
  tree = await buildTree(t.db);
  const setup = createServices({ db: t.db, env: t.env });
  county = await ctxAt(tree.K1, 'county_admin', 'race-county');
  const p = await setup.training.create(county, {
    orgUnitId: tree.K1.id,
    level: 'county',
    title: '暑期全员培训',
    description: null,
    year: 2027,
    registrationOpens: '2027-03-01',
    registrationCloses: '2027-03-31',
    eligibility: { minServiceYears: 1 },
    completionRule: { minAttendancePct: 80, assessmentRequired: false },
    hours: 150,
    creditCategories: [],
  });
  classId = (await setup.training.createClass(county, p.project.id, { name: '一班', capacity: CAPACITY })).id;
  await setup.training.setStatus(county, p.project.id, 'open');
  // the first 40 places go to the teachers of S2 in bulk
  for (let i = 0; i < CAPACITY - PLACES_LEFT; i++) await seedTeacher(t.db, t.env, tree.S2, { seed: 3000 + i });
  expect(await setup.enrolments.bulkEnrol(county, classId, [tree.S2.id])).toEqual({
    enrolled: CAPACITY - PLACES_LEFT,
    waitlisted: 0,
  });
  const schools = [tree.S1, tree.S4];
  for (let i = 0; i < RACERS; i++) {
    const school = schools[i % 2]!;
    const id = await seedTeacher(t.db, t.env, school, { seed: 4000 + i });
    const ctx = await ctxAt(school, 'teacher', `racer-${i}`);
    await t.db.updateTable('teacher').set({ user_id: ctx.actor!.userId }).where('id', '=', id).execute();
    racers.push({ id, ctx });
  }
  db = createKysely(createPool(t.url, 12, 'enrolment-race'));
}, 120_000);

afterAll(async () => {
  await db?.destroy().catch(() => undefined);
  await t?.close();
});

describe('200 teachers race for the last 10 places', () => {
  it('gives exactly 10 places, puts 190 on the waitlist in the order served, and fails nobody', async () => {
    const s = createServices({ db, env: t.env });
    const started = Date.now();
    const results = await Promise.allSettled(racers.map((r) => s.enrolments.enrolSelf(r.ctx, classId)));
    const ms = Date.now() - started;
    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed.map((f) => String((f as PromiseRejectedResult).reason))).toEqual([]);
    const statuses = results.map((r) => (r as PromiseFulfilledResult<{ status: string }>).value.status);
    expect(statuses.filter((x) => x === 'enrolled')).toHaveLength(PLACES_LEFT);
    expect(statuses.filter((x) => x === 'waitlisted')).toHaveLength(RACERS - PLACES_LEFT);

    const cls = await t.db
      .selectFrom('training_class')
      .select(['enrolled', 'waitlisted', 'capacity'])
      .where('id', '=', classId)
      .executeTakeFirstOrThrow();
    const recount = await createEnrolmentRepository(t.db).recount(classId);
    expect(cls).toEqual({ enrolled: CAPACITY, waitlisted: RACERS - PLACES_LEFT, capacity: CAPACITY });
    expect({ enrolled: recount.enrolled, waitlisted: recount.waitlisted }).toEqual({
      enrolled: CAPACITY,
      waitlisted: RACERS - PLACES_LEFT,
    });
    // each racer has one row; the waitlist order is strict (no two share a time)
    const waiting = await t.db
      .selectFrom('enrolment')
      .select(['waitlisted_at'])
      .where('class_id', '=', classId)
      .where('status', '=', 'waitlisted')
      .orderBy('waitlisted_at')
      .orderBy('id')
      .execute();
    expect(new Set(waiting.map((w) => w.waitlisted_at!.getTime())).size).toBe(RACERS - PLACES_LEFT);
    const rows = await t.db
      .selectFrom('enrolment')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('class_id', '=', classId)
      .executeTakeFirstOrThrow();
    expect(Number(rows.n)).toBe(CAPACITY + RACERS - PLACES_LEFT);
    console.info(`enrolment race: ${RACERS} self-enrolments in ${ms} ms`);
  });
});

describe('a bulk enrolment while the same teachers enrol themselves in another class of the project', () => {
  it('leaves every teacher with one place in the project at most, and fails nobody but with "already enrolled"', async () => {
    const s = createServices({ db, env: t.env });
    const p = await s.training.create(county, {
      orgUnitId: tree.K1.id,
      level: 'county',
      title: '班主任培训',
      description: null,
      year: 2027,
      registrationOpens: '2027-03-01',
      registrationCloses: '2027-03-31',
      eligibility: {},
      completionRule: { minAttendancePct: 80, assessmentRequired: false },
      hours: 100,
      creditCategories: [],
    });
    const selfClass = (await s.training.createClass(county, p.project.id, { name: '自主报名班', capacity: 500 })).id;
    const bulkClass = (await s.training.createClass(county, p.project.id, { name: '统一报名班', capacity: 500 })).id;
    await s.training.setStatus(county, p.project.id, 'open');
    const selves = racers.map((r) => s.enrolments.enrolSelf(r.ctx, selfClass));
    const bulk = new Promise((r) => setTimeout(r, 30)).then(() =>
      s.enrolments.bulkEnrol(county, bulkClass, [tree.S1.id, tree.S4.id]),
    );
    const [results, bulkResult] = await Promise.all([Promise.allSettled(selves), bulk]);
    const errors = results.flatMap((r) =>
      r.status === 'rejected' ? [(r.reason as { code?: string }).code ?? String(r.reason)] : [],
    );
    expect(errors.filter((c) => c !== 'ALREADY_ENROLLED')).toEqual([]);

    const places = await t.db
      .selectFrom('enrolment')
      .select(['teacher_id', 'class_id'])
      .where('project_id', '=', p.project.id)
      .where('status', '<>', 'withdrawn')
      .execute();
    const perTeacher = new Map<number, number>();
    for (const x of places) perTeacher.set(x.teacher_id, (perTeacher.get(x.teacher_id) ?? 0) + 1);
    expect([...perTeacher.values()].filter((n) => n > 1)).toEqual([]);
    // every racer is in exactly one of the two classes
    for (const r of racers) expect(perTeacher.get(r.id), `teacher ${r.id}`).toBe(1);
    expect(places.filter((x) => x.class_id === selfClass)).toHaveLength(results.length - errors.length);
    expect(bulkResult.enrolled).toBe(places.filter((x) => x.class_id === bulkClass).length);
    for (const c of [selfClass, bulkClass]) {
      const cls = await t.db
        .selectFrom('training_class')
        .select(['enrolled', 'waitlisted'])
        .where('id', '=', c)
        .executeTakeFirstOrThrow();
      const recount = await createEnrolmentRepository(t.db).recount(c);
      expect(cls).toEqual({ enrolled: recount.enrolled, waitlisted: recount.waitlisted });
    }
    console.info(
      `bulk beside self-enrolment: ${results.length - errors.length} enrolled themselves, ${bulkResult.enrolled} in bulk, ${errors.length} told "already enrolled"`,
    );
  });
});
