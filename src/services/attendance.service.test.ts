import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { actorAt, buildTree, type Tree } from '../../test/support/fixtures.js';
import { seedTeacher } from '../../test/support/ledger.js';
import type { Role } from '../domain/org-tree.js';
import { AppError } from '../errors/app-error.js';
import { runJobsUntilIdle } from '../jobs/job-runner.js';
import type { OrgUnitRow } from '../repositories/org-unit.repository.js';
import { createAttendanceService } from './attendance.service.js';
import type { RequestContext } from './context.js';
import { checkLedger } from './ledger-maintenance.js';
import { createServices, type Services } from './services.js';

let t: TestDatabase;
let tree: Tree;
let s: Services;
let att: ReturnType<typeof createAttendanceService>;
/** the service's clock */
let clock = 0;

/** 2027-11-0d hh:mm in China time */
const cn = (day: number, hh: number, mm = 0) => new Date(Date.UTC(2027, 10, day, hh - 8, mm));
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: unknown) => (e instanceof AppError ? e.code : String(e)),
  );
const errOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as AppError,
  );

const ctxAt = (unit: OrgUnitRow, role: Role, name: string): Promise<RequestContext> => actorAt(t.db, unit, role, name);

let county: RequestContext;
let otherCounty: RequestContext;
let trainer: RequestContext;
const teachers: number[] = [];
const teacherCtx: RequestContext[] = [];
let classA: number;
let classB: number;
const sessionsA: number[] = [];
let sessionB: number;

async function addSession(classId: number, day: number): Promise<number> {
  const r = await t.db
    .insertInto('training_session')
    .values({
      class_id: classId,
      starts_at: cn(day, 9),
      ends_at: cn(day, 12),
      place: '进修学校报告厅',
      checkin_opens_at: cn(day, 8, 30),
      checkin_closes_at: cn(day, 9, 30),
      token_secret: crypto.randomBytes(32),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

const present = (sessionId: number, teacherId: number) =>
  t.db
    .insertInto('attendance')
    .values({ session_id: sessionId, teacher_id: teacherId, checked_in_at: new Date(), present: true, method: 'qr' })
    .execute();

const entriesOf = (teacherId: number) =>
  t.db
    .selectFrom('credit_entry')
    .select(['id', 'hours', 'idem_key', 'reverses_id', 'source_ref', 'title', 'occurred_on', 'categories'])
    .where('teacher_id', '=', teacherId)
    .orderBy('id')
    .execute();
const sumOf = async (teacherId: number) => (await entriesOf(teacherId)).reduce((a, e) => a + e.hours, 0);

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_TODAY: '2027-11-20' });
  tree = await buildTree(t.db);
  s = createServices({ db: t.db, env: t.env });
  att = createAttendanceService({ db: t.db, env: t.env }, s.credits, () => clock);
  const province = await ctxAt(tree.P1, 'province_admin', 'p1-admin');
  county = await ctxAt(tree.K1, 'county_admin', 'k1-admin');
  otherCounty = await ctxAt(tree.K2, 'county_admin', 'k2-admin');
  trainer = await ctxAt(tree.I1, 'trainer', 'i1-trainer');
  for (let i = 0; i < 4; i++) {
    const id = await seedTeacher(t.db, t.env, tree.S1);
    teachers.push(id);
    const ctx = await ctxAt(tree.S1, 'teacher', `teacher-${i}`);
    await t.db.updateTable('teacher').set({ user_id: ctx.actor!.userId }).where('id', '=', id).execute();
    teacherCtx.push(ctx);
  }
  await s.cycles.create(province, { name: '2026—2030年', startYear: 2026, endYear: 2030 });
  await runJobsUntilIdle(t.db);

  // a county project (the training school teaches it) with two classes; 80 % attendance completes
  const project = await t.db
    .insertInto('training_project')
    .values({
      province_id: tree.K1.provinceId,
      org_unit_id: tree.K1.id,
      org_path: tree.K1.path,
      level: 'county',
      title: '2027年桦甸市师德专题培训',
      year: 2027,
      status: 'open',
      completion_rule: JSON.stringify({ minAttendancePct: 80, assessmentRequired: false }),
      hours: 240,
      credit_categories: ['ethics'],
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const addClass = async (name: string) =>
    (
      await t.db
        .insertInto('training_class')
        .values({
          project_id: project.id,
          province_id: tree.K1.provinceId,
          org_path: tree.K1.path,
          name,
          capacity: 50,
          status: 'open',
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  classA = await addClass('一班');
  classB = await addClass('二班');
  await t.db
    .insertInto('training_class_trainer')
    .values({ class_id: classA, user_id: trainer.actor!.userId })
    .execute();
  for (let d = 1; d <= 5; d++) sessionsA.push(await addSession(classA, d));
  sessionB = await addSession(classB, 1);
  // teachers 0–2 are enrolled in class A; teacher 3 in no class
  for (const teacherId of teachers.slice(0, 3)) {
    await t.db
      .insertInto('enrolment')
      .values({
        class_id: classA,
        teacher_id: teacherId,
        province_id: tree.S1.provinceId,
        org_unit_id: tree.S1.id,
        org_path: tree.S1.path,
        status: 'enrolled',
        source: 'bulk',
      })
      .execute();
  }
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('QR check-in', () => {
  it("checks an enrolled teacher in with the code on the trainer's screen; a second scan changes nothing", async () => {
    clock = cn(1, 9, 2).getTime();
    const code = await att.checkinCode(trainer, sessionsA[0]!, 'in', 'https://peixun.test');
    expect(code.url).toBe(`https://peixun.test/checkin?t=${encodeURIComponent(code.token)}`);
    expect(code.rotatesAt.getTime()).toBeGreaterThan(clock);
    const first = await att.scan(teacherCtx[0]!, code.token);
    expect(first).toMatchObject({ kind: 'in', checkedInAt: new Date(clock), checkedOutAt: null });
    clock += 10_000;
    const again = await att.scan(teacherCtx[0]!, code.token);
    expect(again.checkedInAt).toEqual(first.checkedInAt);
    const list = await att.sessionAttendance(trainer, sessionsA[0]!);
    expect(list.items.map((l) => [l.teacherId, l.present])).toEqual(
      expect.arrayContaining([
        [teachers[0], true],
        [teachers[1], null],
        [teachers[2], null],
      ]),
    );
  });

  it('checks out with the check-out code, which never checks anyone in', async () => {
    clock = cn(1, 11, 55).getTime();
    const out = await att.checkinCode(county, sessionsA[0]!, 'out', 'https://peixun.test');
    expect(await att.scan(teacherCtx[0]!, out.token)).toMatchObject({ kind: 'out', checkedOutAt: new Date(clock) });
    expect(await codeOf(att.scan(teacherCtx[0]!, out.token.slice(1)))).toBe('CHECKIN_TOKEN_INVALID');
  });

  it('refuses a code a minute old, a forged one, and one of another session', async () => {
    clock = cn(1, 9, 5).getTime();
    const code = await att.checkinCode(trainer, sessionsA[0]!, 'in', 'https://peixun.test');
    clock += 60_000;
    expect(await codeOf(att.scan(teacherCtx[1]!, code.token))).toBe('CHECKIN_TOKEN_EXPIRED');
    const fresh = await att.checkinCode(trainer, sessionsA[0]!, 'in', 'https://peixun.test');
    const forged = fresh.token.slice(0, -3) + (fresh.token.endsWith('AAA') ? 'BBA' : 'AAA');
    expect(await codeOf(att.scan(teacherCtx[1]!, forged))).toBe('CHECKIN_TOKEN_INVALID');
    expect(await codeOf(att.scan(teacherCtx[1]!, 'not-a-token'))).toBe('CHECKIN_TOKEN_INVALID');
    // class B's room next door: the teacher's own session is open, so they are told it is the wrong code
    const other = await att.checkinCode(county, sessionB, 'in', 'https://peixun.test');
    expect(await codeOf(att.scan(teacherCtx[1]!, other.token))).toBe('CHECKIN_WRONG_SESSION');
    expect(await codeOf(att.scan(teacherCtx[1]!, fresh.token, sessionB))).toBe('CHECKIN_WRONG_SESSION');
    expect(
      (await att.sessionAttendance(trainer, sessionsA[0]!)).items.find((l) => l.teacherId === teachers[1])?.present,
    ).toBeNull();
  });

  it('refuses scans outside the check-in window, naming the window in China time', async () => {
    clock = cn(2, 10, 0).getTime();
    const code = await att.checkinCode(trainer, sessionsA[1]!, 'in', 'https://peixun.test');
    const e = await errOf(att.scan(teacherCtx[1]!, code.token));
    expect(e?.code).toBe('CHECKIN_OUTSIDE_WINDOW');
    expect(e?.params).toEqual({ opens: '2027-11-02 08:30', closes: '2027-11-02 09:30' });
  });

  it("refuses a teacher who is not enrolled in the class, and lets only the class's runners show the code", async () => {
    clock = cn(1, 9, 10).getTime();
    const code = await att.checkinCode(trainer, sessionsA[0]!, 'in', 'https://peixun.test');
    expect(await codeOf(att.scan(teacherCtx[3]!, code.token))).toBe('NOT_ENROLLED');
    expect(await codeOf(att.scan(trainer, code.token))).toBe('FORBIDDEN');
    expect(await codeOf(att.checkinCode(teacherCtx[0]!, sessionsA[0]!, 'in', 'x'))).toBe('FORBIDDEN');
    expect(await codeOf(att.checkinCode(otherCounty, sessionsA[0]!, 'in', 'x'))).toBe('NOT_FOUND');
    // the trainer of class A is not a trainer of class B
    expect(await codeOf(att.checkinCode(trainer, sessionB, 'in', 'x'))).toBe('NOT_FOUND');
  });
});

describe('closing a class', () => {
  it('posts the hours of those who completed exactly once and lists the others with the reason', async () => {
    const [t0, t1, t2] = teachers as [number, number, number];
    // teacher 0 came to all five sessions (the first by QR above), teacher 1 to four (80 %), teacher 2 to two
    for (const sid of sessionsA.slice(1)) await present(sid, t0);
    for (const sid of sessionsA.slice(1)) await present(sid, t1);
    for (const sid of sessionsA.slice(0, 2)) await present(sid, t2);

    expect(await codeOf(att.close(trainer, classA))).toBe('FORBIDDEN');
    expect(await codeOf(att.close(otherCounty, classA))).toBe('NOT_FOUND');
    expect(await codeOf(att.previewClose(trainer, classA))).toBe('FORBIDDEN');
    // the last session (day 5) has ended: the preview tells what the close then does
    clock = cn(5, 12, 30).getTime();
    const preview = await att.previewClose(county, classA);
    expect(preview).toMatchObject({
      ended: true,
      lastSessionEndsAt: cn(5, 12),
      enrolled: 3,
      toPost: 2,
      toReverse: 0,
      notCompleting: [{ teacherId: t2, attended: 2, sessions: 5, reasons: [{ code: 'attendance' }] }],
    });
    expect(preview.completing.map((c) => c.teacherId)).toEqual([t0, t1]);
    const r = await att.close(county, classA);
    expect(r).toMatchObject({
      enrolled: 3,
      completed: 2,
      notCompleted: 1,
      posted: 2,
      reversed: 0,
      problems: [],
      earlyCloseReason: null,
      // class B is still open, so the project is too
      projectClosed: false,
    });
    expect(r.teachersNotCompleted).toEqual([
      {
        teacherId: t2,
        teacherName: expect.any(String),
        attended: 2,
        sessions: 5,
        reasons: [{ code: 'attendance', attended: 2, sessions: 5, requiredPct: 80 }],
      },
    ]);
    const [e0] = await entriesOf(t0);
    expect(e0).toMatchObject({
      hours: 240,
      idem_key: `class:${classA}:teacher:${t0}`,
      source_ref: expect.stringMatching(/^project:\d+$/),
      title: '2027年桦甸市师德专题培训 一班',
      occurred_on: '2027-11-05',
      categories: ['ethics'],
    });
    expect(await entriesOf(t2)).toEqual([]);

    // a second close is refused and posts nothing
    expect(await codeOf(att.close(county, classA))).toBe('CLASS_CLOSED');
    expect((await entriesOf(t0)).length).toBe(1);
    expect((await entriesOf(t1)).length).toBe(1);
    const outcomes = await t.db
      .selectFrom('enrolment')
      .select(['teacher_id', 'outcome', 'outcome_reason'])
      .where('class_id', '=', classA)
      .orderBy('teacher_id')
      .execute();
    expect(outcomes.map((o) => o.outcome)).toEqual(['completed', 'completed', 'not_completed']);
    expect(JSON.parse(outcomes[2]!.outcome_reason!)).toEqual([
      { code: 'attendance', attended: 2, sessions: 5, requiredPct: 80 },
    ]);
    const cls = await t.db
      .selectFrom('training_class')
      .select(['status', 'closed_at'])
      .where('id', '=', classA)
      .executeTakeFirstOrThrow();
    expect(cls.status).toBe('closed');
    expect((await checkLedger(t.db, t.env)).ok).toBe(true);
  });

  it('refuses scans and corrections while the class is closed', async () => {
    clock = cn(1, 9, 15).getTime();
    const code = await att.checkinCode(trainer, sessionsA[0]!, 'in', 'x');
    expect(code.session.classStatus).toBe('closed');
    expect(await codeOf(att.scan(teacherCtx[2]!, code.token))).toBe('CHECKIN_CLASS_CLOSED');
    expect(await codeOf(att.correct(trainer, sessionsA[2]!, teachers[2]!, { present: true, reason: '签到漏扫' }))).toBe(
      'CLASS_CLOSED',
    );
    expect(await codeOf(att.setAssessment(trainer, classA, teachers[2]!, true))).toBe('CLASS_CLOSED');
  });

  it('after reopening and correcting, posts for the newly completed and reverses the no longer completed', async () => {
    const [t0, t1, t2] = teachers as [number, number, number];
    clock = cn(6, 9).getTime();
    expect(await codeOf(att.reopen(trainer, classA, '补录考勤'))).toBe('FORBIDDEN');
    await att.reopen(county, classA, '补录考勤');
    expect(await codeOf(att.reopen(county, classA, '再次'))).toBe('CONFLICT');
    // teacher 2 was there on days 3 and 4 (paper sign-in sheet); teacher 1 left before day 5 began
    await att.correct(trainer, sessionsA[2]!, t2, { present: true, reason: '纸质签到表补录' });
    await att.correct(trainer, sessionsA[3]!, t2, { present: true, reason: '纸质签到表补录' });
    const line = await att.correct(trainer, sessionsA[4]!, t1, { present: false, reason: '当日未到场，误签' });
    expect(line).toMatchObject({
      present: false,
      method: 'manual',
      reason: '当日未到场，误签',
      correctedByName: 'i1-trainer',
    });
    expect(await codeOf(att.correct(trainer, sessionsA[4]!, teachers[3]!, { present: true, reason: 'x' }))).toBe(
      'NOT_ENROLLED',
    );

    const r = await att.close(county, classA);
    expect(r).toMatchObject({ completed: 2, notCompleted: 1, posted: 1, reversed: 1, problems: [] });
    expect(r.teachersNotCompleted.map((x) => x.teacherId)).toEqual([t1]);
    expect(await sumOf(t0)).toBe(240);
    expect(await sumOf(t1)).toBe(0);
    expect((await entriesOf(t1)).map((e) => e.hours)).toEqual([240, -240]);
    expect(await sumOf(t2)).toBe(240);
    expect((await checkLedger(t.db, t.env)).ok).toBe(true);

    // corrected back: teacher 1 completes again and gets a new posting (the first one stays reversed)
    await att.reopen(county, classA, '复核');
    await att.correct(trainer, sessionsA[4]!, t1, { present: true, reason: '复核后确认到场' });
    const again = await att.close(county, classA);
    expect(again).toMatchObject({ completed: 3, posted: 1, reversed: 0 });
    expect((await entriesOf(t1)).map((e) => [e.hours, e.idem_key])).toEqual([
      [240, `class:${classA}:teacher:${t1}`],
      [-240, expect.any(String)],
      [240, `class:${classA}:teacher:${t1}:2`],
    ]);
    expect(await sumOf(t0)).toBe(240);
    expect((await checkLedger(t.db, t.env)).ok).toBe(true);
  });

  it('in a year the county signed off, files a reversal request instead of reversing, and still closes', async () => {
    const [, t1] = teachers as [number, number];
    await att.reopen(county, classA, '复核');
    await att.correct(trainer, sessionsA[4]!, t1, { present: false, reason: '复核：当日缺席' });
    const cycleId = (await t.db.selectFrom('credit_cycle').select('id').executeTakeFirstOrThrow()).id;
    const v = await t.db
      .insertInto('credit_verification')
      .values({
        province_id: tree.S1.provinceId,
        cycle_id: cycleId,
        year: 2027,
        org_unit_id: tree.S1.id,
        org_path: tree.S1.path,
        status: 'signed_off',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const r = await att.close(county, classA);
    expect(r).toMatchObject({
      reversed: 0,
      posted: 0,
      problems: [{ teacherId: t1, code: 'reversal_requested', requestId: expect.any(Number) }],
    });
    expect(await sumOf(t1)).toBe(240);
    expect(
      await t.db
        .selectFrom('credit_reversal_request')
        .select('status')
        .where('id', '=', r.problems[0]!.requestId!)
        .executeTakeFirstOrThrow(),
    ).toEqual({ status: 'pending' });
    // closing again while the request waits does not file a second one
    await att.reopen(county, classA, '再次复核');
    expect((await att.close(county, classA)).problems).toEqual([
      expect.objectContaining({ teacherId: t1, code: 'reversal_pending' }),
    ]);
    // put things back for the next test: the county rejects, the year is reopened, teacher 1 was there after all
    await t.db
      .updateTable('credit_reversal_request')
      .set({ status: 'rejected' })
      .where('id', '=', r.problems[0]!.requestId!)
      .execute();
    await t.db.deleteFrom('credit_verification').where('id', '=', v.id).execute();
    await att.reopen(county, classA, '复核后确认到场');
    await att.correct(trainer, sessionsA[4]!, t1, { present: true, reason: '复核后确认到场' });
    expect((await checkLedger(t.db, t.env)).ok).toBe(true);
  });

  it('requires a passed assessment when the rule says so', async () => {
    const [t0] = teachers as [number];
    await t.db
      .updateTable('training_project')
      .set({ completion_rule: JSON.stringify({ minAttendancePct: 80, assessmentRequired: true }) })
      .where(
        'id',
        '=',
        (
          await t.db
            .selectFrom('training_class')
            .select('project_id')
            .where('id', '=', classA)
            .executeTakeFirstOrThrow()
        ).project_id,
      )
      .execute();
    for (const id of teachers.slice(1, 3)) await att.setAssessment(trainer, classA, id, true);
    expect(await codeOf(att.setAssessment(trainer, classA, teachers[3]!, true))).toBe('NOT_ENROLLED');
    const r = await att.close(county, classA);
    expect(r).toMatchObject({ completed: 2, notCompleted: 1, posted: 0, reversed: 1 });
    expect(r.teachersNotCompleted).toEqual([
      expect.objectContaining({ teacherId: t0, reasons: [{ code: 'assessment' }] }),
    ]);
    expect(await sumOf(t0)).toBe(0);
    expect((await checkLedger(t.db, t.env)).ok).toBe(true);
  });
});

describe('closing before the last session has ended', () => {
  let projectId: number;
  let classC: number;
  let pastSession: number;
  let futureSession: number;
  let absent: number;
  let attended: number;
  let attendedCtx: RequestContext;
  let absentEnrolment: number;

  beforeAll(async () => {
    // a second county project of one class: a session on the 18th (held) and one on the 25th (to come); half the sessions complete
    projectId = (
      await t.db
        .insertInto('training_project')
        .values({
          province_id: tree.K1.provinceId,
          org_unit_id: tree.K1.id,
          org_path: tree.K1.path,
          level: 'county',
          title: '2027年桦甸市班主任专题培训',
          year: 2027,
          status: 'open',
          completion_rule: JSON.stringify({ minAttendancePct: 50, assessmentRequired: false }),
          hours: 120,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    classC = (
      await t.db
        .insertInto('training_class')
        .values({
          project_id: projectId,
          province_id: tree.K1.provinceId,
          org_path: tree.K1.path,
          name: '班主任一班',
          capacity: 50,
          status: 'open',
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    pastSession = await addSession(classC, 18);
    futureSession = await addSession(classC, 25);
    absent = teachers[3]!;
    attended = await seedTeacher(t.db, t.env, tree.S1);
    attendedCtx = await ctxAt(tree.S1, 'teacher', 'teacher-c');
    await t.db.updateTable('teacher').set({ user_id: attendedCtx.actor!.userId }).where('id', '=', attended).execute();
    for (const teacherId of [absent, attended]) {
      const e = await t.db
        .insertInto('enrolment')
        .values({
          class_id: classC,
          teacher_id: teacherId,
          province_id: tree.S1.provinceId,
          org_unit_id: tree.S1.id,
          org_path: tree.S1.path,
          status: 'enrolled',
          source: 'bulk',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (teacherId === absent) absentEnrolment = e.id;
    }
    await present(pastSession, attended);
    clock = cn(20, 14).getTime();
  });

  const projectStatus = async () =>
    (await t.db.selectFrom('training_project').select('status').where('id', '=', projectId).executeTakeFirstOrThrow())
      .status;

  it('shows who completes and who does not, and refuses the close without a reason, writing nothing', async () => {
    const preview = await att.previewClose(county, classC);
    expect(preview).toMatchObject({
      ended: false,
      lastSessionEndsAt: cn(25, 12),
      sessions: 2,
      enrolled: 2,
      toPost: 1,
      toReverse: 0,
      completing: [{ teacherId: attended, attended: 1, sessions: 2 }],
      notCompleting: [
        {
          teacherId: absent,
          attended: 0,
          reasons: [{ code: 'attendance', attended: 0, sessions: 2, requiredPct: 50 }],
        },
      ],
    });
    const e = await errOf(att.close(county, classC));
    expect(e?.code).toBe('CLASS_NOT_ENDED');
    expect(e?.params).toEqual({ endsAt: '2027-11-25 12:00' });
    expect(await entriesOf(attended)).toEqual([]);
    const cls = await t.db
      .selectFrom('training_class')
      .select(['status', 'early_close_reason'])
      .where('id', '=', classC)
      .executeTakeFirstOrThrow();
    expect(cls).toEqual({ status: 'open', early_close_reason: null });
    // meanwhile the teacher sees the session to come and may still withdraw
    expect((await s.enrolments.timetable(attendedCtx)).map((x) => x.sessionId)).toEqual([futureSession]);
  });

  it('closes early with the reason: kept on the class and in the audit log; the project closes with its last class', async () => {
    const reason = '受台风影响，第二次集中培训取消';
    const r = await att.close(county, classC, { earlyCloseReason: reason });
    expect(r).toMatchObject({
      earlyCloseReason: reason,
      projectClosed: true,
      completed: 1,
      notCompleted: 1,
      posted: 1,
    });
    expect((await entriesOf(attended)).map((x) => x.hours)).toEqual([120]);
    const detail = await s.training.get(county, projectId);
    expect(detail.project.status).toBe('closed');
    expect(detail.classes[0]).toMatchObject({ status: 'closed', earlyCloseReason: reason });
    const audit = await t.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'training.close_class')
      .where('target_id', '=', String(classC))
      .where('outcome', '=', 'success')
      .executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ earlyCloseReason: reason, projectClosed: true, posted: 1 });
  });

  it('after closing: its codes stop working, the teacher cannot withdraw, and the timetable has nothing to come', async () => {
    clock = cn(25, 8, 45).getTime();
    const code = await att.checkinCode(county, futureSession, 'in', 'x');
    expect(code.session.classStatus).toBe('closed');
    const e = await errOf(att.scan(attendedCtx, code.token));
    expect(e?.code).toBe('CHECKIN_CLASS_CLOSED');
    expect(await codeOf(att.scan(teacherCtx[3]!, code.token))).toBe('CHECKIN_CLASS_CLOSED');
    expect(await codeOf(s.enrolments.withdraw(teacherCtx[3]!, absentEnrolment))).toBe('CLASS_CLOSED');
    expect(await s.enrolments.timetable(attendedCtx)).toEqual([]);
    // the whole timetable still lists what was held
    expect((await s.enrolments.timetable(attendedCtx, true)).map((x) => x.sessionId)).toEqual([
      pastSession,
      futureSession,
    ]);
    // the project is no longer offered to teachers
    expect((await s.enrolments.available(attendedCtx)).map((a) => a.project.id)).not.toContain(projectId);
    clock = cn(20, 14).getTime();
  });

  it('reopening a class opens its project again and clears the reason; closing after the end needs none', async () => {
    await att.reopen(county, classC, '补录考勤');
    expect(await projectStatus()).toBe('open');
    expect((await s.training.get(county, projectId)).classes[0]?.earlyCloseReason).toBeNull();
    expect((await s.enrolments.timetable(attendedCtx)).map((x) => x.sessionId)).toEqual([futureSession]);
    clock = cn(25, 12, 1).getTime();
    expect((await att.previewClose(county, classC)).ended).toBe(true);
    const r = await att.close(county, classC, { earlyCloseReason: '无需' });
    // a reason given after the end is not an early close
    expect(r).toMatchObject({ earlyCloseReason: null, projectClosed: true, posted: 0 });
    expect(await projectStatus()).toBe('closed');
    expect((await checkLedger(t.db, t.env)).ok).toBe(true);
  });
});
