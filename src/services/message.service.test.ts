import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { seedTeacher } from '../../test/support/ledger.js';
import { actorAt, buildTree, type Tree } from '../../test/support/fixtures.js';
import { runJobsUntilIdle } from '../jobs/job-runner.js';
import { AppError } from '../errors/app-error.js';
import { createTeacherRepository } from '../repositories/teacher.repository.js';
import type { RequestContext } from './context.js';
import { notify } from './notify.js';
import { createServices, type Services } from './services.js';

let t: TestDatabase;
let tree: Tree;
let s: Services;
let province: RequestContext;
let county: RequestContext;
let otherCounty: RequestContext;
let school: RequestContext;
let school2: RequestContext;
let village: RequestContext;
let otherSchool: RequestContext;
let teacher: RequestContext;
let teacherId: number;
let cycleId: number;

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: unknown) => (e instanceof AppError ? e.code : String(e)),
  );
const inbox = async (ctx: RequestContext) =>
  (await s.messages.list(ctx, { page: 1, pageSize: 50 })).items.map((m) => ({ kind: m.kind, params: m.params }));
const kinds = async (ctx: RequestContext) => (await inbox(ctx)).map((m) => m.kind);

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_TODAY: '2027-03-01' });
  tree = await buildTree(t.db);
  s = createServices({ db: t.db, env: t.env });
  province = await actorAt(t.db, tree.P1, 'province_admin', 'msg-p1');
  county = await actorAt(t.db, tree.K1, 'county_admin', 'msg-k1');
  otherCounty = await actorAt(t.db, tree.K2, 'county_admin', 'msg-k2');
  school = await actorAt(t.db, tree.S1, 'school_admin', 'msg-s1');
  school2 = await actorAt(t.db, tree.S2, 'school_admin', 'msg-s2');
  village = await actorAt(t.db, tree.S4, 'school_admin', 'msg-s4');
  otherSchool = await actorAt(t.db, tree.S3, 'school_admin', 'msg-s3');
  teacherId = await seedTeacher(t.db, t.env, tree.S1, { seed: 401 });
  teacher = await actorAt(t.db, tree.S1, 'teacher', 'msg-teacher');
  await createTeacherRepository(t.db).linkUser(teacherId, teacher.actor!.userId);
  cycleId = (await s.cycles.create(province, { name: '2026—2030年', startYear: 2026, endYear: 2030 })).id;
  await runJobsUntilIdle(t.db);
});
afterAll(() => t?.close());

describe('message centre', () => {
  it("a submitted verification reaches the county's inbox in the same transaction; a refused one leaves nothing", async () => {
    const v = await s.verifications.open(school, { orgUnitId: tree.S1.id, cycleId, year: 2026 });
    expect(await kinds(county)).toEqual([]);
    await s.verifications.submit(school, v.id);
    expect(await inbox(county)).toEqual([
      { kind: 'verification_submitted', params: { unit: tree.S1.name, year: 2026 } },
    ]);
    // the sibling county and the school itself are told nothing
    expect(await kinds(otherCounty)).toEqual([]);
    expect(await kinds(school)).toEqual([]);
    expect(await s.messages.unreadCount(county)).toEqual({ messages: 1, notices: 0 });

    // submitted twice: refused, and no second message
    expect(await codeOf(s.verifications.submit(school, v.id))).toBe('VERIFICATION_STATE');
    expect(await kinds(county)).toEqual(['verification_submitted']);

    // the county returns it: the school's admins are told, with the note
    await s.verifications.decide(county, v.id, 'return', '请补充学习笔记');
    expect(await inbox(school)).toEqual([
      { kind: 'verification_returned', params: { unit: tree.S1.name, year: 2026, note: '请补充学习笔记' } },
    ]);
    expect(await kinds(school2)).toEqual([]);
  });

  it("writes nothing when the event's transaction rolls back", async () => {
    await expect(
      t.db.transaction().execute(async (trx) => {
        const n = await notify(trx, { to: { adminsAt: [tree.S2.id] }, kind: 'reminder', params: { topic: 'general' } });
        expect(n).toBe(1);
        throw new Error('the event failed');
      }),
    ).rejects.toThrow('the event failed');
    expect(await kinds(school2)).toEqual([]);
  });

  it("a reminder (催办) reaches the chosen schools' admins only, within the sender's subtree", async () => {
    const before = await kinds(otherSchool);
    const sent = await s.messages.remind(county, {
      orgUnitIds: [tree.S1.id, tree.S4.id],
      topic: 'verification',
      cycleId,
      year: 2026,
      deadline: '2027-03-15',
      note: '请尽快提交',
    });
    expect(sent).toEqual({ units: 2, recipients: 2 });
    expect((await inbox(village))[0]).toEqual({
      kind: 'reminder',
      params: { topic: 'verification', fromUnit: tree.K1.name, year: 2026, deadline: '2027-03-15', note: '请尽快提交' },
    });
    expect(await kinds(school)).toContain('reminder');
    expect(await kinds(school2)).toEqual([]);
    const [m] = (await s.messages.list(village, { page: 1, pageSize: 1 })).items;
    expect(m!.link).toBe(`/verifications?cycle=${cycleId}&year=2026`);
    expect(m!.senderName).toBe('msg-k1');

    // a school of the sibling county: not found, and nobody is reminded
    expect(
      await codeOf(s.messages.remind(county, { orgUnitIds: [tree.S2.id, tree.S3.id], topic: 'general', note: '越界' })),
    ).toBe('NOT_FOUND');
    expect(await kinds(otherSchool)).toEqual(before);
    expect(await kinds(school2)).toEqual([]);
    // the own unit and a school admin's reminders are refused
    expect(await codeOf(s.messages.remind(county, { orgUnitIds: [tree.K1.id], topic: 'general', note: '自己' }))).toBe(
      'FORBIDDEN',
    );
    expect(await codeOf(s.messages.remind(school, { orgUnitIds: [tree.S2.id], topic: 'general', note: '同级' }))).toBe(
      'NOT_FOUND',
    );
    expect(await codeOf(s.messages.remind(teacher, { orgUnitIds: [tree.S1.id], topic: 'general', note: 'x' }))).toBe(
      'FORBIDDEN',
    );
  });

  it('lists the schools below that have not submitted, for a reminder', async () => {
    const { items: pending, total } = await s.messages.verificationPending(county, { cycleId, year: 2026 });
    expect(total).toBe(3);
    // S1 was returned; S2 and the village school S4 never opened their year; the sibling county's S3 is not listed
    expect(pending.map((p) => [p.orgUnitName, p.status, p.admins])).toEqual(
      [
        [tree.S1.name, 'returned', 1],
        [tree.S2.name, 'not_started', 1],
        [tree.S4.name, 'not_started', 1],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]), 'en')),
    );
    // beyond what one reminder takes, the list is cut and says how many there are in all
    const cut = await s.messages.verificationPending(county, { cycleId, year: 2026 }, 2);
    expect([cut.items.length, cut.total]).toEqual([2, 3]);
  });

  it('a notice reaches the subtree of the bureau that published it, not a sibling county or the units above', async () => {
    expect(await codeOf(s.messages.publishNotice(school, { title: '学校通知', body: '不可' }))).toBe('FORBIDDEN');
    const n = await s.messages.publishNotice(county, { title: '关于暑期培训的通知', body: '7月10日起集中培训。' });
    expect(n).toMatchObject({ title: '关于暑期培训的通知', orgUnitName: tree.K1.name, readAt: null });
    for (const reader of [county, school, village, teacher])
      expect((await s.messages.notices(reader, { page: 1, pageSize: 20 })).items.map((i) => i.id)).toEqual([n.id]);
    for (const outsider of [otherCounty, otherSchool, province])
      expect((await s.messages.notices(outsider, { page: 1, pageSize: 20 })).items).toEqual([]);
    expect((await s.messages.unreadCount(teacher)).notices).toBe(1);
    expect(await codeOf(s.messages.readNotice(otherSchool, n.id))).toBe('NOT_FOUND');
    await s.messages.readNotice(teacher, n.id);
    expect((await s.messages.unreadCount(teacher)).notices).toBe(0);
    // a province notice reaches everyone in the province, read by joining, not copied per reader
    await s.messages.publishNotice(province, { title: '全省通知', body: '全省教师。' });
    expect((await s.messages.notices(otherSchool, { page: 1, pageSize: 20 })).items.map((i) => i.title)).toEqual([
      '全省通知',
    ]);
    expect(
      Number(
        (
          await t.db
            .selectFrom('notice_read')
            .select((e) => e.fn.countAll().as('n'))
            .executeTakeFirst()
        )?.n,
      ),
    ).toBe(1);
  });

  it('marks one message read, then all, and never another account’s', async () => {
    const [first] = (await s.messages.list(school, { page: 1, pageSize: 50 })).items;
    expect(await codeOf(s.messages.markRead(school2, first!.id))).toBe('NOT_FOUND');
    await s.messages.markRead(school, first!.id);
    const after = await s.messages.list(school, { page: 1, pageSize: 50, unread: true });
    expect(after.items.map((m) => m.id)).not.toContain(first!.id);
    expect(await s.messages.markAllRead(school)).toMatchObject({ messages: after.total });
    expect(await s.messages.unreadCount(school)).toEqual({ messages: 0, notices: 0 });
    // the read ones stay listed, after any unread
    expect((await s.messages.list(school, { page: 1, pageSize: 50 })).total).toBeGreaterThan(0);
  });

  it("tells the school of a plan's submission's outcome and the teacher of a correction's", async () => {
    await s.plans.save(school2, {
      year: 2027,
      title: '校本培训计划',
      summary: null,
      items: [
        {
          month: 3,
          title: '读书',
          form: null,
          responsibleUnitId: null,
          responsible: null,
          projectId: null,
          notes: null,
        },
      ],
    });
    const plan = (await s.plans.forUnit(school2, { year: 2027 })).plan!;
    await s.plans.submit(school2, plan.id);
    expect(await kinds(county)).toContain('plan_submitted');
    await s.plans.return(county, plan.id, '请补充三月安排');
    expect((await inbox(school2)).find((m) => m.kind === 'plan_returned')?.params).toMatchObject({
      comment: '请补充三月安排',
      year: 2027,
    });

    const c = await s.teacherAccounts.requestCorrection(teacher, 'teachingStartYear', '2011', '参加工作年份有误');
    expect((await inbox(school)).find((m) => m.kind === 'correction_requested')?.params).toMatchObject({
      field: 'teachingStartYear',
    });
    await s.teacherAccounts.decideCorrection(school, c.id, true, null);
    expect((await inbox(teacher)).find((m) => m.kind === 'correction_decided')?.params).toMatchObject({
      field: 'teachingStartYear',
      accept: true,
    });
  });
  it('tells the school of a review request and the teacher of its answer; the county of a reversal and the school of its decision', async () => {
    const rq = await s.credits.requestReview(teacher, { topic: '2026 年学时', message: '暑期培训应为 60 学时' });
    expect((await inbox(school)).find((m) => m.kind === 'review_requested')?.params).toEqual({
      teacher: (await s.teachers.get(school, teacherId)).teacher.name,
      topic: '2026 年学时',
    });
    await s.credits.answerReview(school, rq.id, '已核实');
    expect(await kinds(teacher)).toContain('review_answered');

    // an entry of 2026, then the year signed off: taking it back waits for the county
    const { entries } = await s.credits.register(school, [
      { teacherId, hours: 20, occurredOn: '2026-05-05', title: '误登记的讲座', categories: [] },
    ]);
    const v = await s.verifications.open(school, { orgUnitId: tree.S1.id, cycleId, year: 2026 });
    await s.verifications.submit(school, v.id);
    await s.verifications.decide(county, v.id, 'sign_off', null);
    expect(await kinds(school)).toContain('verification_signed_off');
    const { requestId } = await s.credits.reverse(school, entries[0]!.id, '重复登记');
    expect((await inbox(county)).find((m) => m.kind === 'reversal_requested')?.params).toEqual({
      title: '误登记的讲座',
      unit: tree.S1.name,
      year: 2026,
    });
    expect((await inbox(otherCounty)).map((m) => m.kind)).not.toContain('reversal_requested');
    await s.verifications.decideReversal(county, requestId!, false, '证据充分，不予冲销');
    expect((await inbox(school)).find((m) => m.kind === 'reversal_decided')?.params).toEqual({
      title: '误登记的讲座',
      unit: tree.S1.name,
      approve: false,
      note: '证据充分，不予冲销',
    });
  });
});
