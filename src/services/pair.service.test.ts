import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { actorAt, addUser, buildTree, type Tree } from '../../test/support/fixtures.js';
import { seedTeacher } from '../../test/support/ledger.js';
import { currentYear, today } from '../config/env.js';
import { addDays } from '../domain/calendar.js';
import { AppError } from '../errors/app-error.js';
import { createTeacherRepository } from '../repositories/teacher.repository.js';
import { archiveSectionLoaders } from './archive-sections.js';
import type { RequestContext } from './context.js';
import ExcelJS from './excel.js';
import { createServices, type Services } from './services.js';

let t: TestDatabase;
let tree: Tree;
let s: Services;
let county: RequestContext;
let otherCounty: RequestContext;
let school1: RequestContext;
let school2: RequestContext;
let city: RequestContext;
let trainer: RequestContext;
let day: string;
let year: number;
/** teachers: two at S1, one at S2 (same county K1), one at S3 (county K2) */
const tch: Record<'a' | 'b' | 'c' | 'far', { id: number; ctx: RequestContext }> = {} as never;

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: unknown) => (e instanceof AppError ? e.code : String(e)),
  );

async function teacherAt(school: Tree['S1'], name: string) {
  const id = await seedTeacher(t.db, t.env, school);
  const userId = await addUser(t.db, school, 'teacher', name);
  await createTeacherRepository(t.db).linkUser(id, userId);
  const ctx: RequestContext = {
    actor: {
      userId,
      username: name,
      role: 'teacher',
      orgUnitId: school.id,
      orgPath: school.path,
      provinceId: school.provinceId,
    },
    ip: '127.0.0.1',
  };
  return { id, ctx };
}

const inbox = async (userId: number) =>
  (await t.db.selectFrom('message').select('kind').where('recipient_id', '=', userId).execute()).map((r) => r.kind);

beforeAll(async () => {
  t = await createTestDatabase();
  tree = await buildTree(t.db);
  s = createServices({ db: t.db, env: t.env });
  day = today(t.env);
  year = currentYear(t.env);
  const province = await actorAt(t.db, tree.P1, 'province_admin', 'pp-province');
  await s.cycles.create(province, { name: '本周期', startYear: year - 1, endYear: year + 3 });
  county = await actorAt(t.db, tree.K1, 'county_admin', 'pp-county');
  otherCounty = await actorAt(t.db, tree.K2, 'county_admin', 'pp-county2');
  school1 = await actorAt(t.db, tree.S1, 'school_admin', 'pp-school1');
  school2 = await actorAt(t.db, tree.S2, 'school_admin', 'pp-school2');
  city = await actorAt(t.db, tree.C1, 'city_admin', 'pp-city');
  trainer = await actorAt(t.db, tree.I1, 'trainer', 'pp-trainer');
  tch.a = await teacherAt(tree.S1, 'pp-a');
  tch.b = await teacherAt(tree.S1, 'pp-b');
  tch.c = await teacherAt(tree.S2, 'pp-c');
  tch.far = await teacherAt(tree.S3, 'pp-far');
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('a teacher’s application through the school and the county', () => {
  let pairId: number;

  it('lets a teacher apply as mentee naming a mentor of another school of the county, never of another county', async () => {
    expect(
      await codeOf(s.pairs.create(tch.a.ctx, { kind: 'mentoring', as: 'mentee', partnerTeacherId: tch.far.id })),
    ).toBe('NOT_FOUND');
    const p = await s.pairs.create(tch.a.ctx, {
      kind: 'mentoring',
      as: 'mentee',
      partnerTeacherId: tch.c.id,
      note: '希望跟随师傅学习课堂教学',
    });
    pairId = p.id;
    expect(p.status).toBe('applied');
    expect(p.side).toBe('mentee');
    expect(p.menteeOrgUnitId).toBe(tree.S1.id);
    expect(p.orgUnitId).toBe(tree.S2.id);
    // the same two teachers cannot hold two open pairs
    expect(
      await codeOf(s.pairs.create(tch.a.ctx, { kind: 'mentoring', as: 'mentee', partnerTeacherId: tch.c.id })),
    ).toBe('PAIR_TAKEN');
    // the applicant's school hears of it and has it as a to-do
    expect(await inbox(school1.actor!.userId)).toContain('pair_applied');
    expect(await s.pairs.todos(school1.actor!)).toMatchObject({ school: 1 });
    const home = await s.home.get(school1);
    expect(home.kind === 'admin' && home.todos.find((x) => x.kind === 'pair_recommend')?.count).toBe(1);
  });

  it('lets the applicant’s school recommend it, and no one else take the county’s step', async () => {
    expect(await codeOf(s.pairs.register(county, pairId))).toBe('PAIR_STATE');
    expect(await codeOf(s.pairs.recommend(school2, pairId, null))).toBe('FORBIDDEN');
    expect(await codeOf(s.pairs.recommend(otherCounty, pairId, null))).toBe('NOT_FOUND');
    const d = await s.pairs.recommend(school1, pairId, null);
    expect(d.pair.status).toBe('recommended');
    expect(await inbox(county.actor!.userId)).toContain('pair_recommended');
    expect(await s.pairs.todos(county.actor!)).toMatchObject({ county: 1 });
  });

  it('lets only the county admin register it; members and schools see each state', async () => {
    expect(await codeOf(s.pairs.register(school1, pairId))).toBe('FORBIDDEN');
    expect(await codeOf(s.pairs.register(city, pairId))).toBe('FORBIDDEN');
    expect(await codeOf(s.pairs.detail(trainer, pairId))).toBe('FORBIDDEN');
    expect(await codeOf(s.pairs.detail(tch.b.ctx, pairId))).toBe('NOT_FOUND');
    const d = await s.pairs.register(county, pairId);
    expect(d.pair.status).toBe('registered');
    expect((await s.pairs.detail(tch.c.ctx, pairId)).pair.side).toBe('mentor');
    expect(await inbox(tch.a.ctx.actor!.userId)).toContain('pair_registered');
    expect(await inbox(school2.actor!.userId)).toContain('pair_registered');
  });

  it('signs the agreement once both members confirmed it; a change clears the confirmations', async () => {
    expect(await codeOf(s.pairs.confirmAgreement(tch.a.ctx, pairId))).toBe('PAIR_INVALID');
    const agreement = {
      goals: '一年内站稳讲台，能独立上好公开课',
      plan: '每月听课两节、共同备课一次',
      termStart: addDays(day, -30),
      termEnd: addDays(day, 300),
    };
    expect(await codeOf(s.pairs.saveAgreement(tch.a.ctx, pairId, { ...agreement, termEnd: addDays(day, 2000) }))).toBe(
      'PAIR_INVALID',
    );
    await s.pairs.saveAgreement(tch.a.ctx, pairId, agreement);
    expect(await s.pairs.todos(tch.c.ctx.actor!)).toMatchObject({ teacher: 1 });
    await s.pairs.confirmAgreement(tch.c.ctx, pairId);
    // changing it after one confirmation asks both again
    await s.pairs.saveAgreement(tch.a.ctx, pairId, { ...agreement, plan: '每月听课三节' });
    expect((await s.pairs.detail(tch.a.ctx, pairId)).pair.mentorConfirmedAt).toBeNull();
    await s.pairs.confirmAgreement(tch.c.ctx, pairId);
    expect(await codeOf(s.pairs.confirmAgreement(tch.c.ctx, pairId))).toBe('PAIR_STATE');
    const d = await s.pairs.confirmAgreement(tch.a.ctx, pairId);
    expect(d.pair.status).toBe('active');
    expect(d.pair.can.logActivity).toBe(true);
    const pdf = await s.pairs.agreementPdf(school1, pairId);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('lets the school confirm for a named mentor who has no account, and no one else', async () => {
    // a county pairs a teacher with an account (b) and a mentor who has none (the registry's, not yet activated)
    const mentorId = await seedTeacher(t.db, t.env, tree.S1);
    const made = await s.pairs.create(county, {
      kind: 'mentoring',
      mentorTeacherId: mentorId,
      menteeTeacherId: tch.b.id,
    });
    expect(made.status).toBe('registered');
    await s.pairs.saveAgreement(tch.b.ctx, made.id, {
      goals: '熟悉班主任工作',
      plan: '每周交流一次',
      termStart: addDays(day, -10),
      termEnd: addDays(day, 300),
    });
    await s.pairs.confirmAgreement(tch.b.ctx, made.id);
    // the mentee's school (also the mentor's) is offered to confirm for the mentor, named; another school is not
    const seen = await s.pairs.detail(school1, made.id);
    expect(seen.pair.can.confirm).toBe(true);
    expect(seen.pair.confirmsFor).toBe(seen.pair.mentorName);
    expect(await codeOf(s.pairs.confirmAgreement(school2, made.id))).toBe('NOT_FOUND');
    const signed = await s.pairs.confirmAgreement(school1, made.id);
    expect(signed.pair.status).toBe('active');
    const row = await t.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'pair.confirm')
      .where('target_id', '=', String(made.id))
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(row.details).toMatchObject({ side: 'mentor', onBehalfOfTeacher: true });
    // a mentor who has an account confirms for themselves: the school is not offered it
    const own = await s.pairs.create(county, {
      kind: 'mentoring',
      mentorTeacherId: tch.c.id,
      menteeTeacherId: mentorId,
    });
    expect((await s.pairs.detail(school2, own.id)).pair.confirmsFor).toBeNull();
  });

  it('posts a confirmed activity’s hours under the county rule, never beyond the yearly cap', async () => {
    // a school reads its county's rule but sets none; the city above sets none either
    expect(await codeOf(s.pairs.saveRule(school1, tree.K1.id, rule(10, 15)))).toBe('NOT_FOUND');
    expect(await codeOf(s.pairs.saveRule(city, tree.K1.id, rule(10, 15)))).toBe('FORBIDDEN');
    await s.pairs.saveRule(county, tree.K1.id, rule(10, 15));
    expect((await s.pairs.rule(school1, tree.K1.id))?.capTenths).toBe(15);
    const log = (kind: 'observation' | 'guidance') =>
      s.pairs.logActivity(tch.a.ctx, pairId, { kind, occurredOn: day, minutes: 45, note: '听师傅《分数的意义》一课' });
    expect(
      await codeOf(
        s.pairs.logActivity(tch.a.ctx, pairId, {
          kind: 'observation',
          occurredOn: addDays(day, 3),
          minutes: 45,
          note: '明天的课',
        }),
      ),
    ).toBe('PAIR_INVALID');
    const first = await log('observation');
    const file = await s.pairs.uploadFile(tch.a.ctx, first.activityId, {
      name: '听课记录.pdf',
      data: Buffer.from('%PDF-1.4\n听课记录\n%%EOF\n'),
    });
    expect(
      await codeOf(s.pairs.uploadFile(tch.a.ctx, first.activityId, { name: 'x.pdf', data: Buffer.from('MZ...') })),
    ).toBe('EVIDENCE_TYPE_NOT_ALLOWED');
    expect((await s.pairs.file(tch.c.ctx, file.id)).row.fileName).toBe('听课记录.pdf');
    expect(await inbox(tch.c.ctx.actor!.userId)).toContain('pair_activity_logged');
    // the logger does not confirm their own activity
    expect(await codeOf(s.pairs.decideActivity(tch.a.ctx, first.activityId, { decision: 'confirm' }))).toBe(
      'FORBIDDEN',
    );
    const d1 = await s.pairs.decideActivity(tch.c.ctx, first.activityId, { decision: 'confirm' });
    expect(d1.activities.find((a) => a.id === first.activityId)).toMatchObject({ status: 'confirmed', hours: 10 });
    const second = await log('observation');
    const d2 = await s.pairs.decideActivity(school1, second.activityId, { decision: 'confirm' });
    // the cap of 1.5 hours leaves 0.5 for the second
    expect(d2.activities.find((a) => a.id === second.activityId)?.hours).toBe(5);
    const third = await log('guidance');
    const d3 = await s.pairs.decideActivity(tch.c.ctx, third.activityId, { decision: 'confirm' });
    expect(d3.activities.find((a) => a.id === third.activityId)).toMatchObject({ hours: 0, entryId: null });
    expect(d3.postedTenths).toBe(15);
    const entries = await t.db
      .selectFrom('credit_entry')
      .select(['hours', 'title', 'idem_key'])
      .where('teacher_id', '=', tch.a.id)
      .orderBy('id')
      .execute();
    expect(entries.map((e) => e.hours)).toEqual([10, 5]);
    expect(entries[0]?.idem_key).toBe(`pair:${first.activityId}`);
    expect(entries[0]?.title).toContain('师徒结对·听课');
    const rejected = await log('guidance');
    expect(
      await codeOf(s.pairs.decideActivity(tch.c.ctx, rejected.activityId, { decision: 'reject', reason: ' ' })),
    ).toBe('PAIR_INVALID');
    const d4 = await s.pairs.decideActivity(tch.c.ctx, rejected.activityId, {
      decision: 'reject',
      reason: '未附听课记录',
    });
    expect(d4.activities.find((a) => a.id === rejected.activityId)?.status).toBe('rejected');
  });

  it('scores the reviews by the school first, then the county', async () => {
    expect(await codeOf(s.pairs.score(county, pairId, 'midterm', { score: 90, comment: null }))).toBe('PAIR_STATE');
    expect(await codeOf(s.pairs.score(school1, pairId, 'midterm', { score: 101, comment: null }))).toBe('PAIR_INVALID');
    await s.pairs.score(school1, pairId, 'midterm', { score: 85, comment: '交流扎实' });
    const d = await s.pairs.score(county, pairId, 'midterm', { score: 92, comment: '成效明显' });
    expect(d.pair.reviews).toMatchObject([{ stage: 'midterm', schoolScore: 85, countyScore: 92 }]);
    expect(await codeOf(s.pairs.score(school1, pairId, 'midterm', { score: 70, comment: null }))).toBe('PAIR_STATE');
  });

  it('awards the pair with an honour for each member, verifiable by its code, and only once', async () => {
    const d = await s.pairs.award(county, pairId, '县级优秀师徒结对');
    expect(d.pair.honourCode).toMatch(/^H/);
    const honours = await t.db
      .selectFrom('honour')
      .select(['teacher_id', 'kind', 'title'])
      .where('source_kind', '=', 'pair')
      .where('source_id', '=', pairId)
      .execute();
    expect(honours.map((h) => Number(h.teacher_id)).sort()).toEqual([tch.a.id, tch.c.id].sort());
    expect(honours.every((h) => h.kind === 'pair_award')).toBe(true);
    expect(await codeOf(s.pairs.award(county, pairId, null))).toBe('PAIR_STATE');
  });

  it('writes the archive section of each member: role, partner, scores, award', async () => {
    const loader = archiveSectionLoaders().get('pairs')!;
    const sec = await loader(t.db, { teacherId: tch.a.id, provinceId: tree.P1.provinceId, locale: 'zh-CN' });
    expect(sec).toMatchObject({ key: 'pairs', order: 60 });
    expect(sec?.rows[0]?.[0]).toBe('徒弟');
    expect(String(sec?.rows[0]?.[1])).toContain(tree.S2.name);
    expect(sec?.rows[0]?.[4]).toBe(92);
    expect(String(sec?.rows[0]?.[6])).toContain('已表彰');
    expect(await loader(t.db, { teacherId: tch.far.id, provinceId: tree.P1.provinceId, locale: 'en' })).toBeNull();
  });

  it('ends the pair as unfulfilled and flags the mentor’s active backbone title for its certifying unit', async () => {
    await t.db
      .insertInto('backbone_title')
      .values({
        province_id: tree.P1.provinceId,
        teacher_id: tch.c.id,
        org_path: tree.S2.path,
        level: 'county',
        granted_by_unit_id: tree.K1.id,
        granted_path: tree.K1.path,
        term_start: `${year - 1}-09-01`,
        term_end: `${year + 2}-08-31`,
      })
      .execute();
    expect(await codeOf(s.pairs.end(county, pairId, { endKind: 'not_fulfilled', reason: '' }))).toBe('PAIR_INVALID');
    const d = await s.pairs.end(county, pairId, { endKind: 'not_fulfilled', reason: '师傅全年未按协议听课指导' });
    expect(d.pair.status).toBe('ended');
    expect(d.flaggedTitles).toBe(1);
    const title = await t.db
      .selectFrom('backbone_title')
      .select(['flag_source_kind', 'flag_reason'])
      .where('teacher_id', '=', tch.c.id)
      .executeTakeFirstOrThrow();
    expect(title.flag_source_kind).toBe('pair');
    expect(title.flag_reason).toContain('未履行');
    const audit = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('target_type', '=', 'pair')
      .where('target_id', '=', String(pairId))
      .where('outcome', '=', 'success')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['pair.create', 'pair.recommend', 'pair.register', 'pair.confirm', 'pair.end']),
    );
  });
});

describe('returned and refused applications, pairings by the school and the county', () => {
  it('lets the school return an application with a reason and the applicant send it again', async () => {
    const p = await s.pairs.create(tch.b.ctx, { kind: 'mentoring', as: 'mentor', partnerTeacherId: null });
    expect(p.menteeTeacherId).toBeNull();
    expect(await codeOf(s.pairs.returnApplication(school1, p.id, ''))).toBe('PAIR_INVALID');
    const r = await s.pairs.returnApplication(school1, p.id, '请写明指导方向');
    expect(r.pair).toMatchObject({ status: 'returned', statusReason: '请写明指导方向' });
    expect(await inbox(tch.b.ctx.actor!.userId)).toContain('pair_returned');
    await s.pairs.resubmit(tch.b.ctx, p.id, '指导青年教师的课堂管理');
    // the school finds the mentee before recommending
    expect(await codeOf(s.pairs.recommend(school1, p.id, null))).toBe('PAIR_INVALID');
    const d = await s.pairs.recommend(school1, p.id, tch.a.id);
    expect(d.pair).toMatchObject({ status: 'recommended', menteeTeacherId: tch.a.id });
    const refused = await s.pairs.refuse(county, p.id, '名额已满');
    expect(refused.pair.status).toBe('refused');
    expect(await codeOf(s.pairs.register(county, p.id))).toBe('PAIR_STATE');
  });

  it('lets a school pair two of its own teachers (waiting for the county), never another school’s', async () => {
    expect(
      await codeOf(
        s.pairs.create(school1, { kind: 'mentoring', mentorTeacherId: tch.c.id, menteeTeacherId: tch.b.id }),
      ),
    ).toBe('NOT_FOUND');
    const p = await s.pairs.create(school1, {
      kind: 'mentoring',
      mentorTeacherId: tch.b.id,
      menteeTeacherId: tch.a.id,
    });
    expect(p.status).toBe('recommended');
    expect(
      await codeOf(s.pairs.create(school1, { kind: 'school', orgUnitId: tree.S1.id, menteeOrgUnitId: tree.S2.id })),
    ).toBe('FORBIDDEN');
  });

  it('lets the county pair two schools (urban–rural): registered at once, each school confirms for its side', async () => {
    expect(
      await codeOf(s.pairs.create(county, { kind: 'school', orgUnitId: tree.S1.id, menteeOrgUnitId: tree.S3.id })),
    ).toBe('NOT_FOUND');
    const p = await s.pairs.create(county, { kind: 'school', orgUnitId: tree.S2.id, menteeOrgUnitId: tree.S4.id });
    expect(p.status).toBe('registered');
    await s.pairs.saveAgreement(county, p.id, {
      goals: '城乡学校共建学科组',
      plan: '每学期送教下乡两次',
      termStart: addDays(day, -10),
      termEnd: addDays(day, 700),
    });
    const school4 = await actorAt(t.db, tree.S4, 'school_admin', 'pp-school4');
    await s.pairs.confirmAgreement(school2, p.id);
    const d = await s.pairs.confirmAgreement(school4, p.id);
    expect(d.pair.status).toBe('active');
    // a school admin of a third school reads nothing of it
    expect(await codeOf(s.pairs.detail(school1, p.id))).toBe('NOT_FOUND');
  });

  it('lists the county’s pairs with filters and exports them', async () => {
    const all = await s.pairs.list(county, {});
    expect(all.total).toBeGreaterThanOrEqual(4);
    expect((await s.pairs.list(county, { kind: 'school' })).items.every((p) => p.kind === 'school')).toBe(true);
    expect((await s.pairs.list(county, { status: 'refused' })).total).toBe(1);
    expect((await s.pairs.list(otherCounty, {})).total).toBe(0);
    expect(await codeOf(s.pairs.list(tch.a.ctx, {}))).toBe('FORBIDDEN');
    const buf = await s.pairs.exportXlsx(county, {}, 'zh-CN');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    expect(wb.worksheets[0]?.rowCount).toBe(all.total + 1);
    expect((await s.pairs.mine(tch.a.ctx)).length).toBeGreaterThanOrEqual(2);
  });
});

function rule(observation: number, capTenths: number) {
  return {
    enabled: true,
    tenths: { observation, guidance: 10, coteaching: 20, other: 5 },
    capTenths,
    category: null,
  };
}
