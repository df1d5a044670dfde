import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, login, type Session } from '../../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { addUser, buildTree, type Tree } from '../../../test/support/fixtures.js';
import { makeRoster, type RosterPerson } from '../../../test/support/roster.js';
import { currentYear, today } from '../../config/env.js';
import type { OrgUnitRow } from '../../repositories/org-unit.repository.js';
import { createTeacherRepository } from '../../repositories/teacher.repository.js';
import { personalDataCipher } from '../../services/personal-data.js';
import { toColumns } from '../../services/teacher.service.js';

let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let year: number;
let day: string;
let cycleId: number;
const s: Record<string, Session> = {};
// S1 and S2 of county A (桦甸市); S3 of its sibling county B (蛟河市)
const [ann, bo, other] = makeRoster(3, { seed: 93, offset: 930_000 }) as [RosterPerson, RosterPerson, RosterPerson];
const ids: Record<string, number> = {};

async function addTeacher(school: OrgUnitRow, p: RosterPerson): Promise<number> {
  const repo = createTeacherRepository(t.db);
  return repo.insert({
    ...toColumns(
      {
        name: p.name,
        idType: 'resident',
        idNumber: p.idNumber,
        gender: p.gender,
        birthDate: p.birthDate,
        phone: null,
        stage: 'primary',
        subject: p.subject,
        title: null,
        teachingStartYear: 2010,
        employment: 'staff',
        headTeacher: false,
        backboneLevel: null,
        subjectLeader: false,
        masterTeacher: false,
        newTeacher: false,
      },
      personalDataCipher(t.env),
    ),
    orgUnitId: school.id,
    orgPath: school.path,
    provinceId: school.provinceId,
  });
}

const addDays = (d: string, n: number) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

async function project(unit: OrgUnitRow, title: string, closes: string | null, status = 'open'): Promise<number> {
  const r = await t.db
    .insertInto('training_project')
    .values({
      province_id: unit.provinceId,
      org_unit_id: unit.id,
      org_path: unit.path,
      level: 'county',
      title,
      year,
      status,
      registration_closes: closes,
      hours: 10,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

beforeAll(async () => {
  t = await createTestDatabase();
  year = currentYear(t.env);
  day = today(t.env);
  tree = await buildTree(t.db);
  const users: Array<[keyof Tree, Parameters<typeof addUser>[2], string]> = [
    ['P1', 'province_admin', 'h-province'],
    ['C1', 'city_admin', 'h-city'],
    ['K1', 'county_admin', 'h-county-a'],
    ['K2', 'county_admin', 'h-county-b'],
    ['S1', 'school_admin', 'h-school'],
    ['I1', 'trainer', 'h-trainer'],
    ['S1', 'teacher', 'h-teacher'],
  ];
  const userIds: Record<string, number> = {};
  for (const [unit, role, name] of users) userIds[name] = await addUser(t.db, tree[unit], role, name);
  app = await buildTestApp(t);
  for (const [, , name] of users) s[name] = await login(app, name);

  ids.ann = await addTeacher(tree.S1, ann);
  ids.bo = await addTeacher(tree.S2, bo);
  ids.other = await addTeacher(tree.S3, other);
  await createTeacherRepository(t.db).linkUser(ids.ann, userIds['h-teacher']!);

  const created = await as(
    app,
    s['h-province']!,
  )({ method: 'POST', url: '/api/cycles', payload: { name: '十四五', startYear: year - 1, endYear: year + 3 } });
  expect(created.statusCode).toBe(201);
  cycleId = created.json().cycle.id;

  // verification: S1's last year submitted, S2 not opened; county B's school submitted too
  for (const unit of [tree.S1, tree.S3])
    await t.db
      .insertInto('credit_verification')
      .values({
        province_id: unit.provinceId,
        cycle_id: cycleId,
        year: year - 1,
        org_unit_id: unit.id,
        org_path: unit.path,
        status: 'submitted',
      })
      .execute();
  // correction requests: two of A's teachers, one of B's
  for (const [teacherId, unit] of [
    [ids.ann, tree.S1],
    [ids.bo, tree.S2],
    [ids.other, tree.S3],
  ] as const)
    await t.db
      .insertInto('teacher_correction')
      .values({
        teacher_id: teacherId!,
        province_id: unit.provinceId,
        org_path: unit.path,
        field: 'subject',
        proposed: '数学',
        reason: '任教学科有误',
      })
      .execute();
  // review requests: one at S1, one at S3
  for (const [teacherId, unit] of [
    [ids.ann, tree.S1],
    [ids.other, tree.S3],
  ] as const)
    await t.db
      .insertInto('credit_review_request')
      .values({
        teacher_id: teacherId!,
        province_id: unit.provinceId,
        org_path: unit.path,
        cycle_id: cycleId,
        topic: '学时',
        message: '请核对',
        status: 'open',
      })
      .execute();
  // plans: S1 submitted, S3 submitted
  for (const unit of [tree.S1, tree.S3])
    await t.db
      .insertInto('training_plan')
      .values({
        province_id: unit.provinceId,
        org_unit_id: unit.id,
        org_path: unit.path,
        year,
        title: '年度计划',
        status: 'submitted',
      })
      .execute();
  // registrations: A's closes in 3 days, another in 30 days, B's in 2 days
  await project(tree.K1, '桦甸市班主任培训', addDays(day, 3));
  await project(tree.K1, '桦甸市骨干教师研修', addDays(day, 30));
  await project(tree.K2, '蛟河市新教师培训', addDays(day, 2));

  // the trainer's classes: a session today at 09:00 and one tomorrow (China time)
  const pid = await project(tree.K1, '桦甸市信息技术培训', null);
  const cls = await t.db
    .insertInto('training_class')
    .values({
      project_id: pid,
      province_id: tree.K1.provinceId,
      org_path: tree.K1.path,
      name: '一班',
      capacity: 40,
      status: 'open',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await t.db
    .insertInto('training_class_trainer')
    .values({ class_id: cls.id, user_id: userIds['h-trainer']! })
    .execute();
  for (const [d, place] of [
    [day, '进修学校301'],
    [addDays(day, 1), '进修学校302'],
  ] as const) {
    const start = new Date(`${d}T09:00:00+08:00`);
    await t.db
      .insertInto('training_session')
      .values({
        class_id: cls.id,
        starts_at: start,
        ends_at: new Date(start.getTime() + 2 * 3_600_000),
        place,
        checkin_opens_at: new Date(start.getTime() - 1_800_000),
        checkin_closes_at: new Date(start.getTime() + 1_800_000),
        token_secret: crypto.randomBytes(32),
      })
      .execute();
  }
}, 60_000);

afterAll(async () => {
  await app?.close();
  await t?.close();
});

type Todo = { kind: string; count: number; year: number | null; cycleId: number | null };
const home = async (who: string) => {
  const res = await as(app, s[who]!)({ method: 'GET', url: '/api/home' });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const todos = async (who: string): Promise<Record<string, Todo>> => {
  const h = await home(who);
  expect(h.kind).toBe('admin');
  return Object.fromEntries((h.todos as Todo[]).map((x) => [x.kind, x]));
};

describe('GET /api/home', () => {
  it("a county admin's to-dos count what waits in the county, nothing of the sibling county", async () => {
    const a = await todos('h-county-a');
    expect(a.verification_review).toEqual({ kind: 'verification_review', count: 1, year: year - 1, cycleId });
    // S2 and the village school S4 have not opened theirs (the township centre school keeps no teachers)
    expect(a.verification_not_opened).toEqual({ kind: 'verification_not_opened', count: 2, year: year - 1, cycleId });
    expect(a.plan_review?.count).toBe(1);
    expect(a.correction?.count).toBe(2);
    expect(a.review_request?.count).toBe(1);
    expect(a.registration_closing?.count).toBe(1);
    // nothing waits: no line at all
    expect(a.reversal_request).toBeUndefined();

    const b = await todos('h-county-b');
    expect(b.verification_review?.count).toBe(1);
    expect(b.correction?.count).toBe(1);
    expect(b.registration_closing?.count).toBe(1);
    expect(b.verification_not_opened).toBeUndefined();
  });

  it("a school admin sees their own school's requests, not the county's decisions", async () => {
    const school = await todos('h-school');
    expect(school.correction?.count).toBe(1);
    expect(school.review_request?.count).toBe(1);
    // the county's project is open to the school's teachers
    expect(school.registration_closing?.count).toBe(1);
    expect(school.verification_review).toBeUndefined();
    expect(school.plan_review).toBeUndefined();
    // S1's year is open (submitted): nothing to open
    expect(school.verification_not_opened).toBeUndefined();
    expect(school.verification_to_submit).toBeUndefined();
  });

  it('a school whose year was returned (or opened and not submitted) is asked to submit it', async () => {
    const setS1 = (status: 'submitted' | 'returned' | 'open') =>
      t.db
        .updateTable('credit_verification')
        .set({ status })
        .where('org_unit_id', '=', tree.S1.id)
        .where('cycle_id', '=', cycleId)
        .execute();
    try {
      for (const status of ['returned', 'open'] as const) {
        await setS1(status);
        expect((await todos('h-school')).verification_to_submit).toEqual({
          kind: 'verification_to_submit',
          count: 1,
          year: year - 1,
          cycleId,
        });
        // the county waits for the school, it has nothing to submit itself
        expect((await todos('h-county-a')).verification_to_submit).toBeUndefined();
      }
    } finally {
      await setS1('submitted');
    }
  });

  it('a city admin counts both counties; a province admin the whole province', async () => {
    const city = await todos('h-city');
    expect(city.correction?.count).toBe(3);
    expect(city.registration_closing?.count).toBe(2);
    // signing off is the county's: not a to-do of the city
    expect(city.verification_review).toBeUndefined();
    expect((await todos('h-province')).correction?.count).toBe(3);
  });

  it('a teacher sees their hours against the requirement, as on their progress page', async () => {
    const h = await home('h-teacher');
    expect(h.kind).toBe('teacher');
    expect(h.linked).toBe(true);
    const progress = (await as(app, s['h-teacher']!)({ method: 'GET', url: '/api/credits/progress' })).json();
    expect(h.hours).toMatchObject({
      cycleId,
      counted: progress.counted,
      required: progress.required,
      status: progress.status,
    });
    expect(h.hours.year).toBe(year);
    expect(h.surveysPending).toBe(0);
    expect(h.nextSession).toBeNull();
  });

  it("a trainer sees today's sessions and the next one after today", async () => {
    const h = await home('h-trainer');
    expect(h.kind).toBe('trainer');
    expect(h.sessions.map((x: { place: string }) => x.place)).toEqual(['进修学校301']);
    expect(h.next.place).toBe('进修学校302');
  });
});

describe('GET /api/search', () => {
  const search = (who: string, q: string) =>
    as(app, s[who]!)({ method: 'GET', url: `/api/search?q=${encodeURIComponent(q)}` });

  beforeAll(async () => {
    for (const [teacherId, unit, code] of [
      [ids.ann!, tree.S1, 'HMQ7RT2KXW4B9C'],
      [ids.other!, tree.S3, 'PZ3V8N6YDJ2A5E'],
    ] as const)
      await t.db
        .insertInto('credit_certificate')
        .values({
          province_id: unit.provinceId,
          code,
          teacher_id: teacherId,
          cycle_id: cycleId,
          kind: 'cycle',
          year: null,
          org_unit_id: unit.id,
          org_path: unit.path,
          status: 'valid',
          snapshot: JSON.stringify({ teacherName: teacherId === ids.ann ? ann.name : other.name, totalHours: 2400 }),
        })
        .execute();
  });

  it("finds the county's teachers, projects and certificates, and nothing of the sibling county", async () => {
    const mine = (await search('h-county-a', ann.name)).json();
    expect(mine.teachers.items.map((x: { id: number }) => x.id)).toContain(ids.ann);
    expect((await search('h-county-a', other.name)).json().teachers.items).toEqual([]);
    expect((await search('h-county-b', other.name)).json().teachers.items.map((x: { id: number }) => x.id)).toEqual([
      ids.other,
    ]);

    const projects = (await search('h-county-a', '培训')).json().projects.items.map((p: { title: string }) => p.title);
    expect(projects).toContain('桦甸市班主任培训');
    expect(projects).not.toContain('蛟河市新教师培训');

    // a certificate by its number, typed in lower case
    const cert = (await search('h-county-a', 'hmq7rt2kxw4b9c')).json();
    expect(cert.certificates.items.map((c: { code: string }) => c.code)).toEqual(['HMQ7RT2KXW4B9C']);
    expect((await search('h-county-a', 'PZ3V8N6YDJ2A5E')).json().certificates.items).toEqual([]);
  });

  it('the project and certificate lists take the same search text', async () => {
    const projects = await as(
      app,
      s['h-county-a']!,
    )({ method: 'GET', url: `/api/training/projects?q=${encodeURIComponent('班主任')}` });
    expect(projects.statusCode).toBe(200);
    expect(projects.json().items.map((p: { title: string }) => p.title)).toEqual(['桦甸市班主任培训']);
    // the 工作台's link: open projects whose registration closes within 7 days, as it counted them
    const closing = await as(
      app,
      s['h-county-a']!,
    )({ method: 'GET', url: '/api/training/projects?status=open&closingWithinDays=7' });
    expect(closing.json().items.map((p: { title: string }) => p.title)).toEqual(['桦甸市班主任培训']);
    const list = (q: string) =>
      as(
        app,
        s['h-county-a']!,
      )({
        method: 'GET',
        url: `/api/certificates/unit?orgUnitId=${tree.K1.id}&cycleId=${cycleId}&q=${encodeURIComponent(q)}`,
      });
    const first = await list(ann.name);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().items.map((c: { code: string }) => c.code)).toEqual(['HMQ7RT2KXW4B9C']);
    expect((await list('hmq7rt2kxw4b9c')).json().items).toHaveLength(1);
    expect((await list(other.name)).json().items).toEqual([]);
  });

  it('shows ID numbers masked, without the birth date', async () => {
    const body = (await search('h-county-a', ann.name)).body;
    expect(body).not.toContain(ann.idNumber);
    expect(body).not.toContain(ann.birthDate.replaceAll('-', ''));
    const found = (await search('h-county-a', ann.name)).json().teachers.items[0];
    expect(found.idNumberMasked).toMatch(/\*/);
  });

  it("a city admin's search by full ID number is audited without the number, like the teacher list's", async () => {
    const res = await search('h-city', ann.idNumber);
    expect(res.statusCode).toBe(200);
    expect(res.json().teachers.items.map((x: { id: number }) => x.id)).toEqual([ids.ann]);
    const rows = await t.db
      .selectFrom('audit_log')
      .select(['action', 'details', 'actor_username'])
      .where('action', '=', 'teacher.lookup_identifier')
      .where('actor_username', '=', 'h-city')
      .execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(ann.idNumber);
  });

  it('is for administrators: a teacher or a trainer is refused, an empty query is bad input', async () => {
    expect((await search('h-teacher', ann.name)).statusCode).toBe(403);
    expect((await search('h-trainer', ann.name)).statusCode).toBe(403);
    const empty = await search('h-county-a', '  ');
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('VALIDATION_FAILED');
  });
});
