import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, login, type Session } from '../../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { addUser, buildTree, type Tree } from '../../../test/support/fixtures.js';
import { seedTeacher } from '../../../test/support/ledger.js';
import { multipartFile } from '../../../test/support/upload.js';
import { createTeacherRepository } from '../../repositories/teacher.repository.js';
import { createBackboneService } from '../../services/backbone.service.js';
import { publicityHook } from '../../services/publicity.js';
import ExcelJS from '../../services/excel.js';

const TODAY = '2026-03-02';
let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let county: Session;
let school: Session;
let school2: Session;
let township: Session;
let village: Session;
let otherCounty: Session;
let judges: Session[];
let holder: Session;
const teachers: Record<string, number> = {};
let countyAdminId: number;

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_TODAY: TODAY });
  tree = await buildTree(t.db);
  countyAdminId = await addUser(t.db, tree.K1, 'county_admin', 'bb-county');
  await addUser(t.db, tree.S1, 'school_admin', 'bb-school');
  await addUser(t.db, tree.S2, 'school_admin', 'bb-school2');
  await addUser(t.db, tree.T1, 'school_admin', 'bb-township');
  await addUser(t.db, tree.S4, 'school_admin', 'bb-village');
  await addUser(t.db, tree.K2, 'county_admin', 'bb-county2');
  await addUser(t.db, tree.I1, 'trainer', 'bb-judge1');
  await addUser(t.db, tree.K1, 'county_admin', 'bb-judge2');
  const judge3 = await addUser(t.db, tree.S2, 'teacher', 'bb-judge3');
  const holderUser = await addUser(t.db, tree.S1, 'teacher', 'bb-holder');
  teachers['a'] = await seedTeacher(t.db, t.env, tree.S1, { teachingStartYear: 2012 });
  teachers['b'] = await seedTeacher(t.db, t.env, tree.S1, { teachingStartYear: 2012 });
  teachers['c'] = await seedTeacher(t.db, t.env, tree.S4, { teachingStartYear: 2012 });
  teachers['young'] = await seedTeacher(t.db, t.env, tree.S2, { teachingStartYear: 2024 });
  teachers['j3'] = await seedTeacher(t.db, t.env, tree.S2, { teachingStartYear: 2012 });
  await createTeacherRepository(t.db).linkUser(teachers['a']!, holderUser);
  await createTeacherRepository(t.db).linkUser(teachers['j3']!, judge3);
  app = await buildTestApp(t);
  county = await login(app, 'bb-county');
  school = await login(app, 'bb-school');
  school2 = await login(app, 'bb-school2');
  township = await login(app, 'bb-township');
  village = await login(app, 'bb-village');
  otherCounty = await login(app, 'bb-county2');
  judges = [await login(app, 'bb-judge1'), await login(app, 'bb-judge2'), await login(app, 'bb-judge3')];
  holder = await login(app, 'bb-holder');
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

const userId = async (username: string) =>
  Number(
    (await t.db.selectFrom('app_user').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id,
  );

describe('backbone routes', () => {
  let roundId: number;
  let nomA: number;
  let nomC: number;
  let titleId: number;
  let titleCode: string;

  it('a county opens a round with quotas; the schools are told and see it', async () => {
    const bad = await as(
      app,
      county,
    )({
      method: 'POST',
      url: '/api/backbone/rounds',
      payload: {
        title: '县级骨干教师评选',
        criteria: '师德良好',
        nominationDeadline: '2026-03-20',
        termYears: 3,
        quotas: [{ orgUnitId: tree.S3.id, quota: 1 }],
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('BACKBONE_ROUND_INVALID');

    const created = await as(
      app,
      county,
    )({
      method: 'POST',
      url: '/api/backbone/rounds',
      payload: {
        title: '2026年县级骨干教师评选',
        criteria: '师德良好，近三年承担公开课',
        checks: { minServiceYears: 5 },
        nominationDeadline: '2026-03-20',
        termYears: 3,
        quotas: [
          { orgUnitId: tree.S1.id, quota: 1 },
          { orgUnitId: tree.S2.id, quota: 1 },
          { orgUnitId: tree.T1.id, quota: 1 },
        ],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    roundId = created.json().round.id;
    expect(created.json().round).toMatchObject({
      level: 'county',
      status: 'nominating',
      duties: { openLessons: 1, papers: 1 },
    });

    const inbox = await as(app, school)({ method: 'GET', url: '/api/messages' });
    expect(inbox.body).toContain('backbone_round_opened');
    const list = await as(app, school)({ method: 'GET', url: '/api/backbone/rounds' });
    expect(list.json().items.map((r: { id: number }) => r.id)).toContain(roundId);
    const home = await as(app, school)({ method: 'GET', url: '/api/home' });
    expect(home.body).toContain('backbone_nominate');
    expect((await as(app, otherCounty)({ method: 'GET', url: `/api/backbone/rounds/${roundId}` })).statusCode).toBe(
      404,
    );
  });

  it('schools nominate within quota; over quota and ineligible teachers are refused with a clear error', async () => {
    const a = await as(
      app,
      school,
    )({
      method: 'POST',
      url: `/api/backbone/rounds/${roundId}/nominations`,
      payload: { teacherId: teachers['a'], statement: '主持县级课题一项' },
    });
    expect(a.statusCode, a.body).toBe(201);
    expect(a.json().status).toBe('nominated');
    nomA = a.json().id;
    const b = await as(
      app,
      school,
    )({
      method: 'POST',
      url: `/api/backbone/rounds/${roundId}/nominations`,
      payload: { teacherId: teachers['b'], statement: '优秀班主任' },
      headers: { 'accept-language': 'zh-CN' },
    });
    expect(b.statusCode).toBe(409);
    expect(b.json().error.code).toBe('BACKBONE_OVER_QUOTA');
    expect(b.json().error.message).toContain('名额 1 人');
    const young = await as(
      app,
      school2,
    )({
      method: 'POST',
      url: `/api/backbone/rounds/${roundId}/nominations`,
      payload: { teacherId: teachers['young'], statement: '新教师' },
    });
    expect(young.json().error.code).toBe('BACKBONE_NOT_ELIGIBLE');
    // a school's teacher outside its subtree is not found
    const foreign = await as(
      app,
      school2,
    )({
      method: 'POST',
      url: `/api/backbone/rounds/${roundId}/nominations`,
      payload: { teacherId: teachers['b'], statement: '跨校' },
    });
    expect(foreign.statusCode).toBe(404);
  });

  it('a school under a township proposes; the township passes it up within its quota', async () => {
    const c = await as(
      app,
      village,
    )({
      method: 'POST',
      url: `/api/backbone/rounds/${roundId}/nominations`,
      payload: { teacherId: teachers['c'], statement: '乡村教学能手' },
    });
    expect(c.statusCode, c.body).toBe(201);
    expect(c.json().status).toBe('proposed');
    nomC = c.json().id;
    expect(
      (await as(app, village)({ method: 'POST', url: `/api/backbone/nominations/${nomC}/forward` })).statusCode,
    ).toBe(403);
    const fwd = await as(app, township)({ method: 'POST', url: `/api/backbone/nominations/${nomC}/forward` });
    expect(fwd.statusCode, fwd.body).toBe(200);
    const file = multipartFile(Buffer.from('%PDF-1.7 evidence'), {
      filename: '获奖证书.pdf',
      contentType: 'application/pdf',
    });
    const up = await as(app, school)({ method: 'POST', url: `/api/backbone/nominations/${nomA}/files`, ...file });
    expect(up.statusCode, up.body).toBe(201);
    const exe = multipartFile(Buffer.from('MZ....'), { filename: 'x.pdf', contentType: 'application/pdf' });
    expect(
      (await as(app, school)({ method: 'POST', url: `/api/backbone/nominations/${nomA}/files`, ...exe })).statusCode,
    ).toBe(415);
  });

  it('a panel of three scores; the ranking shows anonymous scorecards', async () => {
    const ids = [await userId('bb-judge1'), await userId('bb-judge2'), await userId('bb-judge3')];
    const bad = await as(
      app,
      county,
    )({
      method: 'PUT',
      url: `/api/backbone/rounds/${roundId}/panel`,
      payload: { userIds: [await userId('bb-county2')] },
    });
    expect(bad.json().error.code).toBe('BACKBONE_PANEL_INVALID');
    const panel = await as(
      app,
      county,
    )({ method: 'PUT', url: `/api/backbone/rounds/${roundId}/panel`, payload: { userIds: ids } });
    expect(panel.statusCode, panel.body).toBe(200);
    // scoring waits for the nominations to close
    const early = await as(
      app,
      judges[0]!,
    )({ method: 'PUT', url: `/api/backbone/nominations/${nomA}/score`, payload: { score: 90 } });
    expect(early.json().error.code).toBe('BACKBONE_ROUND_STATE');
    expect((await as(app, county)({ method: 'POST', url: `/api/backbone/rounds/${roundId}/close` })).statusCode).toBe(
      200,
    );
    const scores = [
      [90, 80],
      [86, 70],
      [94, 75],
    ];
    for (const [i, j] of judges.entries()) {
      const seen = await as(app, j)({ method: 'GET', url: `/api/backbone/rounds/${roundId}` });
      expect(seen.statusCode, seen.body).toBe(200);
      expect(seen.json().nominations).toHaveLength(2);
      for (const [k, n] of [nomA, nomC].entries()) {
        const r = await as(
          app,
          j,
        )({
          method: 'PUT',
          url: `/api/backbone/nominations/${n}/score`,
          payload: { score: scores[i]![k], comment: '材料充分' },
        });
        expect(r.statusCode, r.body).toBe(200);
      }
    }
    expect(
      (
        await as(
          app,
          judges[0]!,
        )({ method: 'PUT', url: `/api/backbone/nominations/${nomA}/score`, payload: { score: 101 } })
      ).statusCode,
    ).toBe(400);
    expect(
      (await as(app, school)({ method: 'PUT', url: `/api/backbone/nominations/${nomA}/score`, payload: { score: 1 } }))
        .statusCode,
    ).toBe(403);
    const ranking = await as(app, county)({ method: 'GET', url: `/api/backbone/rounds/${roundId}/ranking` });
    expect(ranking.statusCode, ranking.body).toBe(200);
    const first = ranking.json().items[0];
    expect(first.nominationId).toBe(nomA);
    expect(first.scorecard.final).toBe(90);
    expect(first.scorecard.rank).toBe(1);
    expect(first.scorecard.raw.map((x: { label: string }) => x.label)).toEqual(['评委1', '评委2', '评委3']);
    expect(ranking.body).not.toContain('bb-judge');
  });

  it('publishes the list through the public notice; finalising certifies the title and sets the level', async () => {
    const pub = await as(
      app,
      county,
    )({
      method: 'POST',
      url: `/api/backbone/rounds/${roundId}/publish`,
      payload: { nominationIds: [nomA] },
    });
    expect(pub.statusCode, pub.body).toBe(200);
    const publicityId = pub.json().publicityId as number;
    const item = await t.db
      .selectFrom('publicity_item')
      .selectAll()
      .where('publicity_id', '=', publicityId)
      .executeTakeFirstOrThrow();
    expect(item.scorecard).toMatchObject({ final: 90, rank: 1 });
    const again = await as(
      app,
      county,
    )({ method: 'POST', url: `/api/backbone/rounds/${roundId}/publish`, payload: { nominationIds: [nomA] } });
    expect(again.json().error.code).toBe('BACKBONE_ROUND_STATE');

    await t.db.transaction().execute((trx) =>
      publicityHook('backbone_round')!.finalise(
        trx,
        {
          actor: {
            userId: countyAdminId,
            username: 'bb-county',
            role: 'county_admin',
            orgUnitId: tree.K1.id,
            orgPath: tree.K1.path,
            provinceId: tree.K1.provinceId,
          },
          publicityId,
          sourceId: roundId,
        },
        { kept: [nomA], removed: [] },
      ),
    );
    const teacher = await t.db
      .selectFrom('teacher')
      .select('backbone_level')
      .where('id', '=', teachers['a']!)
      .executeTakeFirstOrThrow();
    expect(teacher.backbone_level).toBe('county');
    const mine = await as(app, holder)({ method: 'GET', url: '/api/backbone/me' });
    expect(mine.statusCode, mine.body).toBe(200);
    const title = mine.json().titles[0];
    titleId = title.id;
    expect(title).toMatchObject({ level: 'county', status: 'active', termStart: TODAY, termEnd: '2029-03-01' });
    expect(title.events.map((e: { kind: string }) => e.kind)).toEqual(['granted']);
    // the title's number is checked on the public verify page, without a login, the name masked
    expect(title.code).toMatch(/^B[A-Z0-9]{14}$/);
    titleCode = title.code;
    const page = await app.inject({ method: 'GET', url: `/verify/${title.code}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('称号有效');
    expect(page.body).toContain('县级骨干教师');
    expect(page.body).not.toContain(title.teacherName);
    const round = await as(app, county)({ method: 'GET', url: `/api/backbone/rounds/${roundId}` });
    expect(round.json().round.status).toBe('finalised');
  });

  it('holders record duties, the school confirms; the sweep reminds, flags a missed year, and the county decides', async () => {
    const rec = await as(
      app,
      holder,
    )({
      method: 'POST',
      url: '/api/backbone/me/duties',
      payload: {
        titleId,
        year: 2026,
        kind: 'open_lesson',
        subject: '《圆的认识》公开课',
        heldOn: '2026-03-01',
        link: 'https://example.cn/v/1',
      },
    });
    expect(rec.statusCode, rec.body).toBe(201);
    const future = await as(
      app,
      holder,
    )({
      method: 'POST',
      url: '/api/backbone/me/duties',
      payload: { titleId, year: 2026, kind: 'paper', subject: '论文', heldOn: '2026-12-01' },
    });
    expect(future.json().error.code).toBe('BACKBONE_DUTY_INVALID');
    const waiting = await as(app, school)({ method: 'GET', url: '/api/backbone/duties' });
    expect(waiting.json().items).toHaveLength(1);
    expect(
      (
        await as(
          app,
          school2,
        )({ method: 'POST', url: `/api/backbone/duties/${rec.json().id}/decide`, payload: { confirm: true } })
      ).statusCode,
    ).toBe(404);
    const ok = await as(
      app,
      school,
    )({ method: 'POST', url: `/api/backbone/duties/${rec.json().id}/decide`, payload: { confirm: true } });
    expect(ok.json().status).toBe('confirmed');

    // November of 2026: the paper is still missing → one reminder; in January 2027 the year is missed → flagged
    const nov = createBackboneService({ db: t.db, env: { ...t.env, PEIXUN_TODAY: '2026-11-05' } });
    expect(await nov.sweep(null, null)).toEqual({ expired: 0, reminded: 1, flagged: 0 });
    expect(await nov.sweep(null, null)).toEqual({ expired: 0, reminded: 0, flagged: 0 });
    const jan = createBackboneService({ db: t.db, env: { ...t.env, PEIXUN_TODAY: '2027-01-04' } });
    expect(await jan.sweep(null, null)).toMatchObject({ flagged: 1 });
    expect((await as(app, holder)({ method: 'GET', url: '/api/messages' })).body).toContain('backbone_duty_reminder');
    const flagged = await as(app, county)({ method: 'GET', url: '/api/backbone/titles?flagged=true' });
    expect(flagged.json().items.map((x: { id: number }) => x.id)).toEqual([titleId]);
    expect((await as(app, county)({ method: 'GET', url: '/api/home' })).body).toContain('backbone_flagged');
    // the school reads the title but decides nothing: the county granted it
    expect(
      (
        await as(
          app,
          school,
        )({ method: 'POST', url: `/api/backbone/titles/${titleId}/keep`, payload: { reason: '已补交' } })
      ).statusCode,
    ).toBe(403);
    const kept = await as(
      app,
      county,
    )({ method: 'POST', url: `/api/backbone/titles/${titleId}/keep`, payload: { reason: '因病缺课，已补交论文' } });
    expect(kept.statusCode, kept.body).toBe(200);
    const revoked = await as(
      app,
      county,
    )({ method: 'POST', url: `/api/backbone/titles/${titleId}/revoke`, payload: { reason: '调离教学岗位' } });
    expect(revoked.statusCode).toBe(200);
    const detail = await as(app, holder)({ method: 'GET', url: `/api/backbone/titles/${titleId}` });
    expect(detail.json()).toMatchObject({ status: 'revoked', revokeReason: '调离教学岗位' });
    // the verify page says the title was revoked and when, never why
    const verified = await app.inject({
      method: 'GET',
      url: `/verify/${titleCode}`,
      headers: { accept: 'application/json' },
    });
    expect(verified.json().backboneTitle).toMatchObject({ status: 'revoked', level: 'county' });
    expect(verified.json().backboneTitle.revokedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(verified.body).not.toContain('调离教学岗位');
    const verifiedPage = await app.inject({ method: 'GET', url: `/verify/${titleCode}` });
    expect(verifiedPage.body).toContain('该称号已于');
    expect(detail.json().events.map((e: { kind: string }) => e.kind)).toEqual([
      'granted',
      'flagged',
      'flag_cleared',
      'revoked',
    ]);
    const teacher = await t.db
      .selectFrom('teacher')
      .select('backbone_level')
      .where('id', '=', teachers['a']!)
      .executeTakeFirstOrThrow();
    expect(teacher.backbone_level).toBeNull();
    const audit = await t.db.selectFrom('audit_log').select('action').where('action', 'like', 'backbone.%').execute();
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['backbone.round.create', 'backbone.title.revoke', 'backbone.score']),
    );
  });

  it('lists and exports the titles of the subtree', async () => {
    const xlsx = await as(app, county)({ method: 'GET', url: '/api/backbone/titles.xlsx?level=county' });
    expect(xlsx.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const rows = wb.getWorksheet('骨干教师')!.getSheetValues();
    expect(JSON.stringify(rows)).toContain('已撤销');
    const other = await as(app, otherCounty)({ method: 'GET', url: '/api/backbone/titles' });
    expect(other.json().items).toEqual([]);
  });
});

describe('re-review and the end of a term', () => {
  it('a re-review round renews a title it keeps; a title past its term without one expires', async () => {
    const insertTitle = async (teacherId: number, termEnd: string) =>
      Number(
        (
          await t.db
            .insertInto('backbone_title')
            .values({
              province_id: tree.K1.provinceId,
              teacher_id: teacherId,
              org_path: tree.S1.path,
              level: 'county',
              granted_by_unit_id: tree.K1.id,
              granted_path: tree.K1.path,
              term_start: '2023-03-02',
              term_end: termEnd,
            })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id,
      );
    const renewing = await insertTitle(teachers['b']!, '2026-03-01');
    const lapsing = await insertTitle(teachers['c']!, '2026-03-01');
    const created = await as(
      app,
      county,
    )({
      method: 'POST',
      url: '/api/backbone/rounds',
      payload: {
        kind: 'review',
        title: '县级骨干教师期满复评',
        criteria: '任期内职责完成情况',
        nominationDeadline: '2026-03-20',
        termYears: 3,
        quotas: [{ orgUnitId: tree.S1.id, quota: 2 }],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().round.id as number;
    // only holders of the level's title may be put forward for a re-review
    const none = await as(
      app,
      school,
    )({
      method: 'POST',
      url: `/api/backbone/rounds/${id}/nominations`,
      payload: { teacherId: teachers['a'], statement: '复评' },
    });
    expect(none.json().error.code).toBe('BACKBONE_NO_TITLE');
    const n = await as(
      app,
      school,
    )({
      method: 'POST',
      url: `/api/backbone/rounds/${id}/nominations`,
      payload: { teacherId: teachers['b'], statement: '任期内完成全部职责' },
    });
    expect(n.statusCode, n.body).toBe(201);
    await as(
      app,
      county,
    )({ method: 'PUT', url: `/api/backbone/rounds/${id}/panel`, payload: { userIds: [countyAdminId] } });
    await as(app, county)({ method: 'POST', url: `/api/backbone/rounds/${id}/close` });
    await as(
      app,
      county,
    )({ method: 'PUT', url: `/api/backbone/nominations/${n.json().id}/score`, payload: { score: 92 } });
    const pub = await as(
      app,
      county,
    )({
      method: 'POST',
      url: `/api/backbone/rounds/${id}/publish`,
      payload: { nominationIds: [n.json().id] },
    });
    expect(pub.statusCode, pub.body).toBe(200);
    const actor = {
      userId: countyAdminId,
      username: 'bb-county',
      role: 'county_admin' as const,
      orgUnitId: tree.K1.id,
      orgPath: tree.K1.path,
      provinceId: tree.K1.provinceId,
    };
    await t.db
      .transaction()
      .execute((trx) =>
        publicityHook('backbone_round')!.finalise(
          trx,
          { actor, publicityId: pub.json().publicityId, sourceId: id },
          { kept: [n.json().id], removed: [] },
        ),
      );
    const renewed = await as(app, county)({ method: 'GET', url: `/api/backbone/titles/${renewing}` });
    expect(renewed.json()).toMatchObject({ status: 'active', termEnd: '2029-03-01' });
    expect(renewed.json().events.map((e: { kind: string }) => e.kind)).toEqual(['renewed']);
    // the other holder's term ended without a re-review: the check ends it, and the level goes with it
    const later = createBackboneService({ db: t.db, env: { ...t.env, PEIXUN_TODAY: '2026-03-03' } });
    expect((await later.sweep(null, null)).expired).toBe(1);
    const lapsed = await as(app, county)({ method: 'GET', url: `/api/backbone/titles/${lapsing}` });
    expect(lapsed.json()).toMatchObject({ status: 'expired' });
    expect(lapsed.json().events.map((e: { kind: string }) => e.kind)).toEqual(['expired']);
  });
});
