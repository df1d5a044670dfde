import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { actorAt, buildTree, type Tree } from '../../test/support/fixtures.js';
import { seedTeacher } from '../../test/support/ledger.js';
import { flagsOf } from '../domain/credit-progress.js';
import { ineligibility, type Eligibility } from '../domain/enrolment.js';
import type { Role } from '../domain/org-tree.js';
import { AppError } from '../errors/app-error.js';
import { errorMessage } from '../i18n/messages.js';
import type { OrgUnitRow } from '../repositories/org-unit.repository.js';
import { createEnrolmentRepository } from '../repositories/enrolment.repository.js';
import { createTeacherRepository } from '../repositories/teacher.repository.js';
import type { RequestContext } from './context.js';
import ExcelJS from './excel.js';
import { createServices, type Services } from './services.js';

let t: TestDatabase;
let tree: Tree;
let s: Services;
let county: RequestContext;
let school1: RequestContext;
let school3: RequestContext;

const ctxAt = (unit: OrgUnitRow, role: Role, name: string): Promise<RequestContext> => actorAt(t.db, unit, role, name);
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: unknown) => (e instanceof AppError ? e.code : String(e)),
  );
const errOf = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e as AppError,
  );

let teacherSeq = 0;
/** A teacher with an account, at a school; facts as given. */
async function teacherAt(
  school: OrgUnitRow,
  name: string,
  facts: { startYear?: number; stage?: string; subject?: string; headTeacher?: boolean } = {},
): Promise<{ id: number; ctx: RequestContext }> {
  const n = ++teacherSeq;
  const id = await seedTeacher(t.db, t.env, school, { teachingStartYear: facts.startYear ?? 2010, seed: 500 + n });
  await t.db
    .updateTable('teacher')
    .set({
      ...(facts.stage ? { stage: facts.stage } : {}),
      subject: facts.subject ?? '语文',
      head_teacher: facts.headTeacher ?? false,
    })
    .where('id', '=', id)
    .execute();
  await t.db.updateTable('teacher').set({ name }).where('id', '=', id).execute();
  const ctx = await ctxAt(school, 'teacher', `teacher-${n}`);
  await t.db.updateTable('teacher').set({ user_id: ctx.actor!.userId }).where('id', '=', id).execute();
  return { id, ctx };
}

async function openProject(
  opts: {
    eligibility?: Eligibility;
    opens?: string | null;
    closes?: string | null;
    capacity?: number;
    title?: string;
  } = {},
): Promise<{ projectId: number; classId: number }> {
  const d = await s.training.create(county, {
    orgUnitId: tree.K1.id,
    level: 'county',
    title: opts.title ?? `县级培训 ${Math.random()}`,
    description: null,
    year: 2027,
    registrationOpens: opts.opens === undefined ? '2027-03-01' : opts.opens,
    registrationCloses: opts.closes === undefined ? '2027-03-31' : opts.closes,
    eligibility: opts.eligibility ?? {},
    completionRule: { minAttendancePct: 80, assessmentRequired: false },
    hours: 150,
    creditCategories: [],
  });
  const c = await s.training.createClass(county, d.project.id, { name: '一班', capacity: opts.capacity ?? 2 });
  await s.training.setStatus(county, d.project.id, 'open');
  return { projectId: d.project.id, classId: c.id };
}

async function classCounters(classId: number) {
  const c = await t.db
    .selectFrom('training_class')
    .select(['enrolled', 'waitlisted'])
    .where('id', '=', classId)
    .executeTakeFirstOrThrow();
  const r = await createEnrolmentRepository(t.db).recount(classId);
  return { ...c, recount: { enrolled: r.enrolled, waitlisted: r.waitlisted } };
}

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_TODAY: '2027-03-10' });
  tree = await buildTree(t.db);
  s = createServices({ db: t.db, env: t.env });
  county = await ctxAt(tree.K1, 'county_admin', 'k1-admin');
  school1 = await ctxAt(tree.S1, 'school_admin', 's1-admin');
  school3 = await ctxAt(tree.S3, 'school_admin', 's3-admin');
});
afterAll(async () => {
  await t?.close();
});

describe('a teacher enrols themselves', () => {
  it('is told every condition they fail, in Chinese and in English', async () => {
    const { classId } = await openProject({
      eligibility: { minServiceYears: 1, stages: ['junior'], subjects: ['数学'], flags: ['headTeacher'] },
    });
    const novice = await teacherAt(tree.S1, '新老师', { startYear: 2027 });
    const e = await errOf(s.enrolments.enrolSelf(novice.ctx, classId));
    expect(e.code).toBe('ENROLMENT_NOT_ELIGIBLE');
    expect((e.details!['reasons'] as Array<{ code: string }>).map((r) => r.code)).toEqual([
      'service_years',
      'stage',
      'subject',
      'flag',
    ]);
    const zh = errorMessage(e.code, 'zh-CN', e.params);
    expect(zh).toContain('教龄须满 1 年（您的教龄为 0 年）');
    expect(zh).toContain('学段须为初中（您的学段为小学）');
    expect(zh).toContain('学科须为数学（您的学科为语文）');
    expect(zh).toContain('须为班主任');
    const en = errorMessage(e.code, 'en', e.params);
    expect(en).toMatch(
      /^Not eligible to enrol: at least 1 year\(s\) of service required \(you have 0\); stage must be junior secondary/,
    );
    // nothing was written, and the refusal is in the audit log
    expect(await classCounters(classId)).toMatchObject({ enrolled: 0, waitlisted: 0 });
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['outcome', 'error_code'])
      .where('action', '=', 'enrolment.enrol')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit).toEqual({ outcome: 'failure', error_code: 'ENROLMENT_NOT_ELIGIBLE' });
  });

  it('gets a place while there is one, then the waitlist; a second try is refused naming the class', async () => {
    const { projectId, classId } = await openProject({ capacity: 2 });
    const a = await teacherAt(tree.S1, '甲老师');
    const b = await teacherAt(tree.S2, '乙老师');
    const c = await teacherAt(tree.S4, '丙老师');
    expect((await s.enrolments.enrolSelf(a.ctx, classId)).status).toBe('enrolled');
    expect((await s.enrolments.enrolSelf(b.ctx, classId)).status).toBe('enrolled');
    expect((await s.enrolments.enrolSelf(c.ctx, classId)).status).toBe('waitlisted');
    const again = await errOf(s.enrolments.enrolSelf(a.ctx, classId));
    expect(again.code).toBe('ALREADY_ENROLLED');
    expect(again.params).toEqual({ className: '一班' });
    // a second class of the same project: still one class per project
    const other = await s.training.createClass(county, projectId, { name: '二班', capacity: 5 });
    expect(await codeOf(s.enrolments.enrolSelf(a.ctx, other.id))).toBe('ALREADY_ENROLLED');
    expect(await classCounters(classId)).toEqual({
      enrolled: 2,
      waitlisted: 1,
      recount: { enrolled: 2, waitlisted: 1 },
    });
    // the teacher sees the class as theirs, the waiting one their place in line
    const avail = await s.enrolments.available(c.ctx);
    const mine = avail.find((x) => x.project.id === projectId)!;
    expect(mine.enrolment).toMatchObject({ status: 'waitlisted', waitlistPosition: 1, className: '一班' });
    expect(mine.reasons).toEqual([]);
    expect(mine.registrationOpen).toBe(true);
  });

  it('withdrawal frees the place and promotes the first waiting teacher at once', async () => {
    const { classId } = await openProject({ capacity: 1 });
    const a = await teacherAt(tree.S1, '丁老师');
    const b = await teacherAt(tree.S2, '戊老师');
    const c = await teacherAt(tree.S2, '己老师');
    const ea = await s.enrolments.enrolSelf(a.ctx, classId);
    const eb = await s.enrolments.enrolSelf(b.ctx, classId);
    await s.enrolments.enrolSelf(c.ctx, classId);
    // another teacher cannot withdraw a's enrolment
    expect(await codeOf(s.enrolments.withdraw(b.ctx, ea.enrolmentId))).toBe('NOT_FOUND');
    const r = await s.enrolments.withdraw(a.ctx, ea.enrolmentId);
    expect(r.promoted).toEqual([eb.enrolmentId]);
    const rows = await t.db
      .selectFrom('enrolment')
      .select(['teacher_id', 'status'])
      .where('class_id', '=', classId)
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { teacher_id: a.id, status: 'withdrawn' },
      { teacher_id: b.id, status: 'enrolled' },
      { teacher_id: c.id, status: 'waitlisted' },
    ]);
    expect(await classCounters(classId)).toEqual({
      enrolled: 1,
      waitlisted: 1,
      recount: { enrolled: 1, waitlisted: 1 },
    });
    // a's withdrawal is final; enrolling again puts them behind c
    expect(await codeOf(s.enrolments.withdraw(a.ctx, ea.enrolmentId))).toBe('CONFLICT');
    expect((await s.enrolments.enrolSelf(a.ctx, classId)).status).toBe('waitlisted');
    expect(
      (await s.enrolments.list(county, classId, { limit: 10, offset: 0 })).items.map((e) => [
        e.teacherId,
        e.waitlistPosition,
      ]),
    ).toEqual([
      [b.id, null],
      [c.id, 1],
      [a.id, 2],
    ]);
  });

  it('is refused outside the registration window and when the project is not open', async () => {
    const early = await openProject({ opens: '2027-04-01', closes: '2027-04-30' });
    const late = await openProject({ opens: '2027-02-01', closes: '2027-03-09' });
    const x = await teacherAt(tree.S1, '庚老师');
    expect(await codeOf(s.enrolments.enrolSelf(x.ctx, early.classId))).toBe('REGISTRATION_CLOSED');
    expect(await codeOf(s.enrolments.enrolSelf(x.ctx, late.classId))).toBe('REGISTRATION_CLOSED');
    const open = await openProject({ opens: null, closes: null });
    await s.training.setStatus(county, open.projectId, 'closed');
    expect(await codeOf(s.enrolments.enrolSelf(x.ctx, open.classId))).toBe('REGISTRATION_CLOSED');
  });

  it('does not see a project of another county: "not found", audited as denied', async () => {
    const { classId } = await openProject();
    const far = await teacherAt(tree.S3, '辛老师');
    expect(await codeOf(s.enrolments.enrolSelf(far.ctx, classId))).toBe('NOT_FOUND');
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['outcome'])
      .where('action', '=', 'enrolment.enrol')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit.outcome).toBe('denied');
    expect((await s.enrolments.available(far.ctx)).map((a) => a.project.orgUnitId)).not.toContain(tree.K1.id);
  });
});

describe('a school nominates its teachers', () => {
  it('within its quota, a county-level quota counting for its schools; QUOTA_EXHAUSTED beyond it', async () => {
    const { classId } = await openProject({ capacity: 10 });
    await s.training.setQuotas(county, classId, [
      { orgUnitId: tree.S1.id, quota: 2 },
      { orgUnitId: tree.T1.id, quota: 1 },
    ]);
    const t1 = await teacherAt(tree.S1, '一号老师');
    const t2 = await teacherAt(tree.S1, '二号老师');
    const t3 = await teacherAt(tree.S1, '三号老师');
    const r = await s.enrolments.nominate(school1, classId, { teacherIds: [t1.id, t2.id] });
    expect(r.map((x) => x.status)).toEqual(['enrolled', 'enrolled']);
    const e = await errOf(s.enrolments.nominate(school1, classId, { teacherIds: [t3.id] }));
    expect(e.code).toBe('QUOTA_EXHAUSTED');
    expect(errorMessage(e.code, 'zh-CN', e.params)).toBe('本单位的名额已用完（2 个）');
    // S4 lies under the township centre T1: T1's quota holds for it
    const s4admin = await ctxAt(tree.S4, 'school_admin', 's4-admin');
    const u1 = await teacherAt(tree.S4, '四号老师');
    const u2 = await teacherAt(tree.S4, '五号老师');
    expect((await s.enrolments.nominate(s4admin, classId, { teacherIds: [u1.id] }))[0]!.status).toBe('enrolled');
    expect(await codeOf(s.enrolments.nominate(s4admin, classId, { teacherIds: [u2.id] }))).toBe('QUOTA_EXHAUSTED');
    const quotas = await t.db
      .selectFrom('training_class_quota')
      .select(['org_unit_id', 'used'])
      .where('class_id', '=', classId)
      .orderBy('org_unit_id')
      .execute();
    expect(quotas).toEqual(
      [
        { org_unit_id: tree.S1.id, used: 2 },
        { org_unit_id: tree.T1.id, used: 1 },
      ].sort((a, b) => a.org_unit_id - b.org_unit_id),
    );
  });

  it('may nominate only its own teachers, and the whole batch or none', async () => {
    const { classId } = await openProject({ capacity: 10, eligibility: { stages: ['primary'] } });
    const own = await teacherAt(tree.S1, '本校老师');
    const foreign = await teacherAt(tree.S2, '外校老师');
    const junior = await teacherAt(tree.S1, '初中老师', { stage: 'junior' });
    expect(await codeOf(s.enrolments.nominate(school1, classId, { teacherIds: [own.id, foreign.id] }))).toBe(
      'NOT_FOUND',
    );
    const e = await errOf(s.enrolments.nominate(school1, classId, { teacherIds: [own.id, junior.id] }));
    expect(e.code).toBe('ENROLMENT_NOT_ELIGIBLE');
    expect(e.details!['teacherId']).toBe(junior.id);
    expect(await classCounters(classId)).toMatchObject({ enrolled: 0, waitlisted: 0 });
    // a county admin organises; nominating is the school's
    expect(await codeOf(s.enrolments.nominate(county, classId, { teacherIds: [own.id] }))).toBe('FORBIDDEN');
  });

  it('nominates all teachers matching the picker filters, less those left out, without sending their ids', async () => {
    const { classId } = await openProject({ capacity: 50 });
    const art = [];
    for (let i = 0; i < 4; i++) art.push(await teacherAt(tree.S1, `美术老师${i}号`, { subject: '美术' }));
    await teacherAt(tree.S1, '音乐老师', { subject: '音乐' });
    const r = await s.enrolments.nominate(school1, classId, {
      matching: { orgUnitId: tree.S1.id, subject: '美术' },
      except: [art[3]!.id],
    });
    expect(r.map((x) => x.teacherId).sort()).toEqual(
      art
        .slice(0, 3)
        .map((x) => x.id)
        .sort(),
    );
    expect(await classCounters(classId)).toMatchObject({ enrolled: 3, waitlisted: 0 });
    const audit = await t.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'enrolment.nominate')
      .where('target_id', '=', String(classId))
      .where('outcome', '=', 'success')
      .executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ teachers: 3, matching: { subject: '美术' } });
    // the filters of another school are "not found", like its teachers
    expect(await codeOf(s.enrolments.nominate(school1, classId, { matching: { orgUnitId: tree.S2.id } }))).toBe(
      'NOT_FOUND',
    );
    // nothing left to nominate once everyone matching is left out
    expect(
      await codeOf(
        s.enrolments.nominate(school1, classId, {
          matching: { orgUnitId: tree.S1.id, subject: '美术' },
          except: art.map((x) => x.id),
        }),
      ),
    ).toBe('VALIDATION_FAILED');
  });

  it('refuses a filter matching more teachers than one request takes, saying how many it takes', async () => {
    for (let i = 0; i < 3; i++) await teacherAt(tree.S1, `书法老师${i}号`, { subject: '书法' });
    const e = await errOf(
      s.teachers.matching(school1, { orgUnitId: tree.S1.id, subject: '书法' }, { action: 'test.pick', max: 2 }),
    );
    expect(e.code).toBe('SELECTION_TOO_LARGE');
    expect(errorMessage(e.code, 'zh-CN', e.params)).toContain('2 名');
  });
});

describe('the organiser enrols whole units', () => {
  it('takes every eligible teacher, exactly those `ineligibility` accepts, places first then the waitlist', async () => {
    const eligibility: Eligibility = { minServiceYears: 3, stages: ['primary', 'junior'], flags: ['headTeacher'] };
    const { classId, projectId } = await openProject({ capacity: 3, eligibility });
    const made: number[] = [];
    for (let i = 0; i < 12; i++) {
      const x = await teacherAt(i % 2 ? tree.S2 : tree.S4, `批量老师${i}号`, {
        startYear: 2020 + (i % 8),
        stage: i % 3 ? 'primary' : 'senior',
        headTeacher: i % 4 !== 1,
      });
      made.push(x.id);
    }
    await s.training.setQuotas(county, classId, [{ orgUnitId: tree.S2.id, quota: 1 }]);
    // the confirmation's numbers come from the same statement, rolled back: nobody is enrolled by it
    const preview = await s.enrolments.bulkEnrol(county, classId, [tree.S2.id, tree.T1.id], { dryRun: true });
    expect(await classCounters(classId)).toMatchObject({ enrolled: 0, waitlisted: 0 });
    expect(
      await t.db.selectFrom('enrolment').select('id').where('class_id', '=', classId).executeTakeFirst(),
    ).toBeUndefined();
    const r = await s.enrolments.bulkEnrol(county, classId, [tree.S2.id, tree.T1.id]);
    expect(r).toEqual(preview);
    expect(preview.enrolled + preview.waitlisted).toBeGreaterThan(0);
    const rows = await t.db
      .selectFrom('enrolment')
      .select(['teacher_id', 'status', 'quota_unit_id'])
      .where('class_id', '=', classId)
      .execute();
    // the set-based statement and the pure rule agree, teacher by teacher (those already in this project's other classes aside)
    const repo = createTeacherRepository(t.db);
    const expected: number[] = [];
    for (const id of made) {
      const x = (await repo.findById(id))!;
      if (
        ineligibility(
          eligibility,
          { stage: x.stage, subject: x.subject, teachingStartYear: x.teachingStartYear, flags: flagsOf(x) },
          2027,
        ).length === 0
      )
        expected.push(id);
    }
    const others = await t.db
      .selectFrom('enrolment')
      .innerJoin('teacher', 'teacher.id', 'enrolment.teacher_id')
      .select('enrolment.teacher_id')
      .where('teacher.org_path', 'like', `${tree.K1.path}%`)
      .where('enrolment.class_id', '=', classId)
      .execute();
    expect(others.map((o) => o.teacher_id).sort()).toEqual(rows.map((x) => x.teacher_id).sort());
    expect(
      rows
        .filter((x) => made.includes(x.teacher_id))
        .map((x) => x.teacher_id)
        .sort(),
    ).toEqual(expected.sort());
    expect(r.enrolled).toBe(Math.min(3, rows.length));
    expect(r.enrolled + r.waitlisted).toBe(rows.length);
    // S2's quota of one: at most one S2 teacher holds a place
    const s2 = new Set(
      (await t.db.selectFrom('teacher').select('id').where('org_unit_id', '=', tree.S2.id).execute()).map((x) => x.id),
    );
    expect(rows.filter((x) => x.status === 'enrolled' && s2.has(x.teacher_id)).length).toBeLessThanOrEqual(1);
    expect(await classCounters(classId)).toEqual({
      enrolled: r.enrolled,
      waitlisted: r.waitlisted,
      recount: { enrolled: r.enrolled, waitlisted: r.waitlisted },
    });
    // a second run adds nobody
    expect(await s.enrolments.bulkEnrol(county, classId, [tree.S2.id, tree.T1.id])).toEqual({
      enrolled: 0,
      waitlisted: 0,
    });
    void projectId;
  });

  it("only inside the project's area and by its organiser", async () => {
    const { classId } = await openProject();
    expect(await codeOf(s.enrolments.bulkEnrol(county, classId, [tree.S3.id]))).toBe('NOT_FOUND');
    expect(await codeOf(s.enrolments.bulkEnrol(school1, classId, [tree.S1.id]))).toBe('NOT_FOUND');
    expect(await codeOf(s.enrolments.bulkEnrol(county, classId, [tree.S3.id], { dryRun: true }))).toBe('NOT_FOUND');
    expect(await codeOf(s.enrolments.bulkEnrol(school3, classId, [tree.S3.id]))).toBe('NOT_FOUND');
  });
});

describe('what teachers and admins see', () => {
  it("a teacher's timetable lists the sessions of the classes they hold a place in", async () => {
    const { classId } = await openProject({ capacity: 1 });
    await s.training.createSession(county, classId, {
      startsAt: new Date('2027-04-01T01:00:00Z'),
      endsAt: new Date('2027-04-01T04:00:00Z'),
      place: '桦甸市教师进修学校 301',
      onlineUrl: null,
      checkinOpensAt: new Date('2027-04-01T00:30:00Z'),
      checkinClosesAt: new Date('2027-04-01T01:30:00Z'),
    });
    const a = await teacherAt(tree.S1, '课表老师');
    const w = await teacherAt(tree.S1, '候补老师');
    await s.enrolments.enrolSelf(a.ctx, classId);
    await s.enrolments.enrolSelf(w.ctx, classId);
    const tt = await s.enrolments.timetable(a.ctx);
    expect(tt.map((x) => [x.className, x.place])).toEqual([['一班', '桦甸市教师进修学校 301']]);
    expect(await s.enrolments.timetable(w.ctx)).toEqual([]);
    expect(await codeOf(s.enrolments.timetable(county))).toBe('FORBIDDEN');
  });

  it('admins list and export the enrolments of their own subtree only', async () => {
    const { classId } = await openProject({ capacity: 5 });
    const a = await teacherAt(tree.S1, '名单甲');
    const b = await teacherAt(tree.S2, '名单乙');
    await s.enrolments.enrolSelf(a.ctx, classId);
    await s.enrolments.enrolSelf(b.ctx, classId);
    expect((await s.enrolments.list(county, classId, { limit: 20, offset: 0 })).total).toBe(2);
    const mine = await s.enrolments.list(school1, classId, { limit: 20, offset: 0 });
    expect(mine.items.map((e) => e.teacherId)).toEqual([a.id]);
    expect(await codeOf(s.enrolments.list(school3, classId, { limit: 20, offset: 0 }))).toBe('NOT_FOUND');
    const x = await s.enrolments.export(school1, classId);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.buffer as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.rowCount).toBe(2);
    expect(ws.getRow(2).getCell(4).value).toBe(tree.S1.name);
    expect(ws.getRow(2).getCell(7).value).toBe('已录取');
  });
});
