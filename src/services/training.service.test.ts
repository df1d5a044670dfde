import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { as, buildTestApp, login } from '../../test/support/app.js';
import { actorAt, addUser, buildTree, type Tree } from '../../test/support/fixtures.js';
import { seedTeacher } from '../../test/support/ledger.js';
import type { Role } from '../domain/org-tree.js';
import { AppError } from '../errors/app-error.js';
import type { OrgUnitRow } from '../repositories/org-unit.repository.js';
import type { ProjectFields } from '../repositories/training.repository.js';
import type { RequestContext } from './context.js';
import { createServices, type Services } from './services.js';

let t: TestDatabase;
let tree: Tree;
let s: Services;
let county: RequestContext;
let otherCounty: RequestContext;
let school: RequestContext;
let teacher: RequestContext;

const ctxAt = (unit: OrgUnitRow, role: Role, name: string): Promise<RequestContext> => actorAt(t.db, unit, role, name);
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: unknown) => (e instanceof AppError ? e.code : String(e)),
  );
const fields = (over: Partial<ProjectFields> = {}): ProjectFields => ({
  level: 'county',
  title: '新课标培训',
  description: '县级集中培训',
  year: 2027,
  registrationOpens: '2027-03-01',
  registrationCloses: '2027-03-31',
  eligibility: { minServiceYears: 1 },
  completionRule: { minAttendancePct: 80, assessmentRequired: false },
  hours: 150,
  creditCategories: [],
  ...over,
});
const session = (day: string) => ({
  startsAt: new Date(`${day}T01:00:00Z`),
  endsAt: new Date(`${day}T04:00:00Z`),
  place: '进修学校报告厅',
  onlineUrl: null,
  checkinOpensAt: new Date(`${day}T00:30:00Z`),
  checkinClosesAt: new Date(`${day}T01:30:00Z`),
});

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_TODAY: '2027-03-10' });
  tree = await buildTree(t.db);
  s = createServices({ db: t.db, env: t.env });
  county = await ctxAt(tree.K1, 'county_admin', 'k1-admin');
  otherCounty = await ctxAt(tree.K2, 'county_admin', 'k2-admin');
  school = await ctxAt(tree.S1, 'school_admin', 's1-admin');
  teacher = await ctxAt(tree.S1, 'teacher', 's1-teacher');
});
afterAll(async () => {
  await t?.close();
});

describe('projects', () => {
  it('a county admin creates a draft county project; the level must fit the unit', async () => {
    const d = await s.training.create(county, { ...fields(), orgUnitId: tree.K1.id });
    expect(d.project).toMatchObject({
      status: 'draft',
      level: 'county',
      orgUnitName: tree.K1.name,
      eligibility: { minServiceYears: 1 },
    });
    expect(d.canManage).toBe(true);
    expect(await codeOf(s.training.create(county, { ...fields({ level: 'province' }), orgUnitId: tree.K1.id }))).toBe(
      'VALIDATION_FAILED',
    );
    expect(
      await codeOf(
        s.training.create(county, { ...fields({ registrationCloses: '2027-02-01' }), orgUnitId: tree.K1.id }),
      ),
    ).toBe('VALIDATION_FAILED');
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['outcome', 'target_id'])
      .where('action', '=', 'training.create_project')
      .where('outcome', '=', 'success')
      .executeTakeFirstOrThrow();
    expect(audit.target_id).toBe(String(d.project.id));
  });

  it('outside the subtree a project does not exist (audited as denied); a school reads it only once open', async () => {
    const d = await s.training.create(county, { ...fields({ title: '可见性' }), orgUnitId: tree.K1.id });
    expect(await codeOf(s.training.get(otherCounty, d.project.id))).toBe('NOT_FOUND');
    expect(await codeOf(s.training.update(otherCounty, d.project.id, fields()))).toBe('NOT_FOUND');
    const denied = await t.db
      .selectFrom('audit_log')
      .select('outcome')
      .where('action', '=', 'training.update_project')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(denied.outcome).toBe('denied');
    expect(await codeOf(s.training.create(otherCounty, { ...fields(), orgUnitId: tree.K1.id }))).toBe('NOT_FOUND');
    // a draft is the organiser's business
    expect(await codeOf(s.training.get(school, d.project.id))).toBe('NOT_FOUND');
    expect((await s.training.list(school, { limit: 50, offset: 0 })).items.map((p) => p.id)).not.toContain(
      d.project.id,
    );
    await s.training.setStatus(county, d.project.id, 'open');
    const seen = await s.training.get(school, d.project.id);
    expect(seen).toMatchObject({ canManage: false, canNominate: true });
    expect(await codeOf(s.training.get(teacher, d.project.id))).toBe('OK');
    // the school reads but does not run the county's project
    expect(await codeOf(s.training.createClass(school, d.project.id, { name: 'x', capacity: 5 }))).toBe('NOT_FOUND');
  });

  it('moves draft → open → closed only; a closed project is no longer changed', async () => {
    const d = await s.training.create(county, { ...fields({ title: '状态' }), orgUnitId: tree.K1.id });
    expect(await codeOf(s.training.setStatus(county, d.project.id, 'closed'))).toBe('PROJECT_STATE');
    await s.training.setStatus(county, d.project.id, 'open');
    await s.training.setStatus(county, d.project.id, 'closed');
    expect(await codeOf(s.training.setStatus(county, d.project.id, 'open'))).toBe('PROJECT_STATE');
    expect(await codeOf(s.training.update(county, d.project.id, fields()))).toBe('PROJECT_STATE');
    expect(await codeOf(s.training.createClass(county, d.project.id, { name: '晚班', capacity: 5 }))).toBe(
      'PROJECT_STATE',
    );
  });
});

describe('classes', () => {
  it('sessions get a server-made 32-byte key that no answer carries', async () => {
    const d = await s.training.create(county, { ...fields({ title: '场次' }), orgUnitId: tree.K1.id });
    const c = await s.training.createClass(county, d.project.id, { name: '一班', capacity: 30 });
    const a = await s.training.createSession(county, c.id, session('2027-04-01'));
    const b = await s.training.createSession(county, c.id, session('2027-04-02'));
    expect(Object.keys(a)).not.toContain('tokenSecret');
    expect(JSON.stringify(await s.training.get(county, d.project.id))).not.toMatch(/secret/i);
    const keys = await t.db
      .selectFrom('training_session')
      .select('token_secret')
      .where('id', 'in', [a.id, b.id])
      .execute();
    expect(keys.map((k) => k.token_secret.length)).toEqual([32, 32]);
    expect(keys[0]!.token_secret.equals(keys[1]!.token_secret)).toBe(false);
    expect(
      await codeOf(
        s.training.createSession(county, c.id, { ...session('2027-04-03'), endsAt: new Date('2027-04-03T00:00:00Z') }),
      ),
    ).toBe('VALIDATION_FAILED');
    expect(await codeOf(s.training.createSession(county, c.id, { ...session('2027-04-03'), place: null }))).toBe(
      'VALIDATION_FAILED',
    );
    await s.training.deleteSession(county, b.id);
    expect((await s.training.get(county, d.project.id)).classes[0]!.sessions.map((x) => x.id)).toEqual([a.id]);
  });

  it("trainers come from the organiser's subtree or the pools above it; quotas from the units below and within capacity", async () => {
    const d = await s.training.create(county, { ...fields({ title: '培训者' }), orgUnitId: tree.K1.id });
    const c = await s.training.createClass(county, d.project.id, { name: '一班', capacity: 10 });
    const inside = await addUser(t.db, tree.I1, 'trainer', 'i1-trainer');
    const outside = await addUser(t.db, tree.K2, 'trainer', 'k2-trainer');
    expect((await s.training.trainerCandidates(county, d.project.id)).map((x) => x.userId)).toEqual([inside]);
    expect((await s.training.setTrainers(county, c.id, [inside])).map((x) => x.userId)).toEqual([inside]);
    expect(await codeOf(s.training.setTrainers(county, c.id, [outside]))).toBe('VALIDATION_FAILED');
    const trainerCtx: RequestContext = {
      actor: {
        userId: inside,
        username: 'i1-trainer',
        role: 'trainer',
        orgUnitId: tree.I1.id,
        orgPath: tree.I1.path,
        provinceId: tree.I1.provinceId,
      },
      ip: null,
    };
    expect(await codeOf(s.training.get(trainerCtx, d.project.id))).toBe('OK');

    // an expert of the province's pool may teach the county's class though their account sits elsewhere;
    // a pool entry of a sibling county, or a deactivated one, does not make its account a candidate
    const expert = await addUser(t.db, tree.K4, 'trainer', 'k4-expert');
    const pooled = async (unit: typeof tree.P1, userId: number, active: boolean) =>
      t.db
        .insertInto('trainer_profile')
        .values({
          province_id: unit.provinceId,
          org_unit_id: unit.id,
          org_path: unit.path,
          kind: 'expert',
          name: `专家${userId}`,
          user_id: userId,
          level: 'province',
          active,
        })
        .execute();
    await pooled(tree.P1, expert, true);
    const sibling = await addUser(t.db, tree.K2, 'trainer', 'k2-pooled');
    await pooled(tree.K2, sibling, true);
    const retired = await addUser(t.db, tree.C1, 'trainer', 'c1-retired');
    await pooled(tree.C1, retired, false);
    expect((await s.training.trainerCandidates(county, d.project.id)).map((x) => x.userId).sort()).toEqual(
      [inside, expert].sort(),
    );
    expect((await s.training.setTrainers(county, c.id, [inside, expert])).map((x) => x.userId).sort()).toEqual(
      [inside, expert].sort(),
    );
    expect(await codeOf(s.training.setTrainers(county, c.id, [sibling]))).toBe('VALIDATION_FAILED');
    expect(await codeOf(s.training.setTrainers(county, c.id, [retired]))).toBe('VALIDATION_FAILED');

    expect(
      (
        await s.training.setQuotas(county, c.id, [
          { orgUnitId: tree.S1.id, quota: 4 },
          { orgUnitId: tree.T1.id, quota: 3 },
        ])
      ).map((q) => [q.orgUnitName, q.quota, q.used]),
    ).toEqual(
      expect.arrayContaining([
        [tree.S1.name, 4, 0],
        [tree.T1.name, 3, 0],
      ]),
    );
    expect(await codeOf(s.training.setQuotas(county, c.id, [{ orgUnitId: tree.S1.id, quota: 11 }]))).toBe(
      'QUOTA_INVALID',
    );
    expect(await codeOf(s.training.setQuotas(county, c.id, [{ orgUnitId: tree.S3.id, quota: 1 }]))).toBe('NOT_FOUND');
    expect(await codeOf(s.training.setQuotas(county, c.id, [{ orgUnitId: tree.K1.id, quota: 1 }]))).toBe(
      'VALIDATION_FAILED',
    );
    expect(await codeOf(s.training.updateClass(county, c.id, { capacity: 6 }))).toBe('QUOTA_INVALID');
    expect(await s.training.updateClass(county, c.id, { capacity: 8, name: '一班（扩）' })).toMatchObject({
      capacity: 8,
      name: '一班（扩）',
    });
  });
});

describe('over HTTP', () => {
  it('creates, opens and lists a project; a session answer carries no key; an ineligible teacher reads every reason', async () => {
    const app = await buildTestApp(t);
    await addUser(t.db, tree.K1, 'county_admin', 'http-county');
    const teacherUser = await addUser(t.db, tree.S1, 'teacher', 'http-teacher');
    const tid = await seedTeacher(t.db, t.env, tree.S1, { teachingStartYear: 2027 });
    await t.db.updateTable('teacher').set({ user_id: teacherUser }).where('id', '=', tid).execute();
    const c = as(app, await login(app, 'http-county'));
    const created = await c({
      method: 'POST',
      url: '/api/training/projects',
      payload: {
        orgUnitId: tree.K1.id,
        level: 'county',
        title: '  HTTP 项目 ',
        year: 2027,
        hours: 150,
        registrationOpens: '2027-03-01',
        registrationCloses: '2027-03-31',
        eligibility: { minServiceYears: 1, stages: ['junior'] },
      },
    });
    expect(created.statusCode).toBe(201);
    const pid = created.json().project.id as number;
    expect(created.json().project).toMatchObject({
      title: 'HTTP 项目',
      status: 'draft',
      completionRule: { minAttendancePct: 80, assessmentRequired: false },
    });
    const bad = await c({
      method: 'POST',
      url: '/api/training/projects',
      payload: { orgUnitId: tree.K1.id, level: 'county', title: '', year: 1999, hours: 0 },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    const cls = await c({
      method: 'POST',
      url: `/api/training/projects/${pid}/classes`,
      payload: { name: '一班', capacity: 3 },
    });
    expect(cls.statusCode).toBe(201);
    const sess = await c({
      method: 'POST',
      url: `/api/training/classes/${cls.json().id}/sessions`,
      payload: {
        startsAt: '2027-04-01T09:00:00+08:00',
        endsAt: '2027-04-01T12:00:00+08:00',
        place: '报告厅',
        checkinOpensAt: '2027-04-01T08:30:00+08:00',
        checkinClosesAt: '2027-04-01T09:30:00+08:00',
      },
    });
    expect(sess.statusCode).toBe(201);
    expect(sess.body).not.toMatch(/secret|token/i);
    expect(
      (await c({ method: 'POST', url: `/api/training/projects/${pid}/status`, payload: { status: 'open' } })).json()
        .project.status,
    ).toBe('open');
    expect(
      (await c({ method: 'GET', url: '/api/training/projects?status=open' }))
        .json()
        .items.map((p: { id: number }) => p.id),
    ).toContain(pid);
    const teacherHttp = as(app, await login(app, 'http-teacher'));
    const avail = await teacherHttp({
      method: 'GET',
      url: '/api/enrolments/available',
      headers: { 'accept-language': 'en' },
    });
    const item = avail.json().items.find((i: { project: { id: number } }) => i.project.id === pid);
    expect(item).toMatchObject({ eligible: false, registrationOpen: true });
    expect(item.reasons.map((r: { text: string }) => r.text)).toEqual([
      'at least 1 year(s) of service required (you have 0)',
      'stage must be junior secondary (yours is primary)',
    ]);
    const refused = await teacherHttp({
      method: 'POST',
      url: '/api/enrolments',
      payload: { classId: cls.json().id },
      headers: { 'accept-language': 'zh-CN' },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toMatchObject({
      code: 'ENROLMENT_NOT_ELIGIBLE',
      message: '不符合报名条件：教龄须满 1 年（您的教龄为 0 年）；学段须为初中（您的学段为小学）',
    });
    const tt = await teacherHttp({ method: 'GET', url: '/api/enrolments/timetable' });
    expect(tt.json()).toEqual({ items: [] });
    const x = await c({ method: 'GET', url: `/api/enrolments/export?classId=${cls.json().id}` });
    expect(x.statusCode).toBe(200);
    expect(x.headers['content-type']).toContain('spreadsheetml');
    await app.close();
  });
});
