import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, login, type Session } from '../../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { addUser, buildTree, type Tree } from '../../../test/support/fixtures.js';
import { seedTeacher } from '../../../test/support/ledger.js';
import { multipartFile } from '../../../test/support/upload.js';
import { archiveSectionLoaders } from '../../services/archive-sections.js';
import ExcelJS from '../../services/excel.js';
import { publicityHook } from '../../services/publicity.js';

let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let city: Session;
let county: Session;
let county2: Session;
let school1: Session;
let school2: Session;
const judges: Session[] = [];
const judgeIds: number[] = [];
const teachers: { id: number; name: string }[] = [];

const rubric = [
  { key: 'content', label: '内容', weight: 4, max: 40 },
  { key: 'method', label: '方法', weight: 3, max: 30 },
  { key: 'effect', label: '效果', weight: 3, max: 30 },
];
const of = (pct: number) => ({ content: (40 * pct) / 100, method: (30 * pct) / 100, effect: (30 * pct) / 100 });

beforeAll(async () => {
  t = await createTestDatabase();
  tree = await buildTree(t.db);
  await addUser(t.db, tree.C1, 'city_admin', 'cmp-city');
  await addUser(t.db, tree.K1, 'county_admin', 'cmp-county');
  await addUser(t.db, tree.K2, 'county_admin', 'cmp-county2');
  await addUser(t.db, tree.S1, 'school_admin', 'cmp-school1');
  await addUser(t.db, tree.S2, 'school_admin', 'cmp-school2');
  // a trainer, the county's admin (the lead) and a teacher of a school: any account may judge
  for (const [i, unit] of [tree.I1, tree.K1, tree.S2].entries()) {
    const role = i === 0 ? 'trainer' : i === 1 ? 'county_admin' : 'teacher';
    judgeIds.push(await addUser(t.db, unit, role, `cmp-judge${i + 1}`));
  }
  for (const school of [tree.S1, tree.S1, tree.S2, tree.S2]) {
    const id = await seedTeacher(t.db, t.env, school);
    const row = await t.db.selectFrom('teacher').select('name').where('id', '=', id).executeTakeFirstOrThrow();
    teachers.push({ id, name: row.name });
  }
  app = await buildTestApp(t);
  city = await login(app, 'cmp-city');
  county = await login(app, 'cmp-county');
  county2 = await login(app, 'cmp-county2');
  school1 = await login(app, 'cmp-school1');
  school2 = await login(app, 'cmp-school2');
  for (let i = 1; i <= 3; i++) judges.push(await login(app, `cmp-judge${i}`));
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

describe('competitions and judging', () => {
  it('run a competition from entries through blind judging to advancement, awards and certificates', async () => {
    const bad = await as(app, city)({ method: 'POST', url: '/api/competitions', payload: { title: '', rubric: [] } });
    expect(bad.statusCode).toBe(400);
    const wrongLevels = await as(
      app,
      city,
    )({
      method: 'POST',
      url: '/api/competitions',
      payload: {
        title: '教学案例评比',
        kind: 'case',
        year: 2027,
        rubric,
        rounds: [{ level: 'county', deadline: '2099-06-30', quotaDefault: 2 }],
      },
    });
    expect(wrongLevels.json().error.code).toBe('COMPETITION_INVALID');

    const created = await as(
      app,
      city,
    )({
      method: 'POST',
      url: '/api/competitions',
      payload: {
        title: '2027年优秀教学案例评比',
        kind: 'case',
        year: 2027,
        categories: ['小学', '中学'],
        rubric,
        trimAt: 5,
        rounds: [
          { level: 'county', deadline: '2099-06-30', quotaDefault: 2, awardSpec: { by: 'ranks', counts: [1, 1, 1] } },
          { level: 'city', deadline: '2099-09-30', quotaDefault: 1 },
        ],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const compId = created.json().competition.id as number;
    // the schools of the counties are told
    const msgs = await t.db.selectFrom('message').select(['kind']).where('kind', '=', 'competition_opened').execute();
    expect(msgs.length).toBeGreaterThan(0);

    const detail = await as(app, school1)({ method: 'GET', url: `/api/competitions/${compId}` });
    expect(detail.statusCode, detail.body).toBe(200);
    const countyRound = detail.json().rounds.find((r: { orgUnitId: number }) => r.orgUnitId === tree.K1.id);
    expect(countyRound).toMatchObject({ level: 'county', submit: true });
    const cityRoundId = (await as(app, city)({ method: 'GET', url: `/api/competitions/${compId}` }))
      .json()
      .rounds.find((r: { level: string }) => r.level === 'city').id as number;
    // a county elsewhere does not see the round of K1
    expect(
      (await as(app, county2)({ method: 'GET', url: `/api/competitions/rounds/${countyRound.id}/entries` })).statusCode,
    ).toBe(404);

    const submit = (s: Session, i: number, title: string) =>
      as(
        app,
        s,
      )({
        method: 'POST',
        url: `/api/competitions/rounds/${countyRound.id}/entries`,
        payload: { title, category: '小学', body: '教学过程……', teacherIds: [teachers[i]?.id] },
      });
    const e1 = await submit(school1, 0, '分数的初步认识');
    expect(e1.statusCode, e1.body).toBe(201);
    expect((await submit(school1, 1, '认识钟表')).statusCode).toBe(201);
    const over = await submit(school1, 0, '第三件');
    expect(over.statusCode).toBe(409);
    expect(over.json().error.code).toBe('COMPETITION_QUOTA_FULL');
    expect(over.json().error.message).toContain('名额');
    // a teacher of another school cannot be named
    expect((await submit(school1, 2, '别校教师')).json().error.code).toBe('COMPETITION_INVALID');
    expect((await submit(school2, 2, '古诗教学')).statusCode).toBe(201);
    expect((await submit(school2, 3, '电路实验')).statusCode).toBe(201);

    const upload = await as(
      app,
      school1,
    )({
      method: 'POST',
      url: `/api/competitions/entries/${e1.json().entryId}/files`,
      ...multipartFile(Buffer.from('%PDF-1.4\n1 0 obj\n'), {
        filename: `${teachers[0]?.name}-教学设计.pdf`,
        contentType: 'application/pdf',
      }),
    });
    expect(upload.statusCode, upload.body).toBe(201);

    // panel: three judges, the second leads
    const panel = await as(
      app,
      county,
    )({
      method: 'POST',
      url: `/api/competitions/rounds/${countyRound.id}/panels`,
      payload: { name: '第一评审组', leadUserId: judgeIds[1], judgeUserIds: judgeIds },
    });
    expect(panel.statusCode, panel.body).toBe(201);
    const panelId = panel.json().panelId as number;
    // a school admin may not run the county's round
    expect(
      (await as(app, school1)({ method: 'POST', url: `/api/competitions/rounds/${countyRound.id}/start-judging` }))
        .statusCode,
    ).toBe(403);
    expect(
      (
        await as(app, county)({ method: 'POST', url: `/api/competitions/rounds/${countyRound.id}/start-judging` })
      ).json().error.code,
    ).toBe('COMPETITION_UNASSIGNED');
    expect(
      (
        await as(
          app,
          county,
        )({ method: 'POST', url: `/api/competitions/rounds/${countyRound.id}/assign`, payload: { panelId } })
      ).json(),
    ).toEqual({ assigned: 4 });
    expect(
      (await as(app, county)({ method: 'POST', url: `/api/competitions/rounds/${countyRound.id}/start-judging` }))
        .statusCode,
    ).toBe(200);

    // a teacher named a judge finds the entries waiting for a score on the home page
    const judgeHome = await as(app, judges[2] as Session)({ method: 'GET', url: '/api/home' });
    expect(judgeHome.json()).toMatchObject({ kind: 'teacher', toScore: { competitions: 4, backbone: 0 } });

    // the judges' work, every response kept to search it for names
    const bodies: string[] = [];
    const call = async (s: Session, opts: Parameters<ReturnType<typeof as>>[0]) => {
      const r = await as(app, s)(opts);
      bodies.push(r.body, JSON.stringify(r.headers));
      return r;
    };
    const queue = await call(judges[0] as Session, { method: 'GET', url: '/api/judging/queue' });
    expect(queue.statusCode, queue.body).toBe(200);
    const items = queue.json().items as { id: number; title: string }[];
    expect(items).toHaveLength(4);
    const byTitle = new Map(items.map((x) => [x.title, x.id]));
    const first = byTitle.get('分数的初步认识') as number;
    const entry = await call(judges[0] as Session, { method: 'GET', url: `/api/judging/entries/${first}` });
    expect(entry.json().entry.files[0].label).toBe('附件1.pdf');
    await call(judges[0] as Session, { method: 'GET', url: `/api/judging/entries/${first}/files/1` });
    // judge 1 knows the author of 古诗教学: recused, reason logged
    const recuse = await call(judges[0] as Session, {
      method: 'POST',
      url: `/api/judging/entries/${byTitle.get('古诗教学')}/recuse`,
      payload: { reason: '作者为本人同事' },
    });
    expect(recuse.statusCode, recuse.body).toBe(200);
    const audited = await t.db
      .selectFrom('audit_log')
      .select(['details'])
      .where('action', '=', 'judging.recuse')
      .execute();
    expect(JSON.stringify(audited)).toContain('作者为本人同事');
    expect(
      (
        await call(judges[0] as Session, {
          method: 'PUT',
          url: `/api/judging/entries/${byTitle.get('古诗教学')}/score`,
          payload: { items: of(100), submit: true },
        })
      ).json().error.code,
    ).toBe('COMPETITION_RECUSED');
    // an item above its maximum is refused; a draft may leave items out
    expect(
      (
        await call(judges[0] as Session, {
          method: 'PUT',
          url: `/api/judging/entries/${first}/score`,
          payload: { items: { content: 41 }, submit: false },
        })
      ).statusCode,
    ).toBe(400);
    expect(
      (
        await call(judges[0] as Session, {
          method: 'PUT',
          url: `/api/judging/entries/${first}/score`,
          payload: { items: { content: 30 }, comment: '结构清楚', submit: false },
        })
      ).json().status,
    ).toBe('draft');
    const plan: Record<string, number[]> = {
      分数的初步认识: [90, 88, 92],
      认识钟表: [60, 95, 62],
      古诗教学: [0, 85, 87],
      电路实验: [70, 72, 71],
    };
    for (const [title, pcts] of Object.entries(plan))
      for (const [j, pct] of pcts.entries()) {
        if (title === '古诗教学' && j === 0) continue;
        const r = await call(judges[j] as Session, {
          method: 'PUT',
          url: `/api/judging/entries/${byTitle.get(title)}/score`,
          payload: { items: of(pct), comment: '好', submit: true },
        });
        expect(r.statusCode, r.body).toBe(200);
      }
    const review = await call(judges[1] as Session, { method: 'GET', url: `/api/judging/panels/${panelId}` });
    expect(review.statusCode, review.body).toBe(200);
    expect(
      review.json().entries.find((x: { entryRoundId: number }) => x.entryRoundId === byTitle.get('认识钟表')).flagged,
    ).toBe(true);
    // only the lead reviews the panel
    expect(
      (await as(app, judges[0] as Session)({ method: 'GET', url: `/api/judging/panels/${panelId}` })).statusCode,
    ).toBe(404);

    // blindness: nothing a judge received names an entrant, a school, a unit or an uploaded file
    const revealing = [
      ...teachers.map((x) => x.name),
      tree.S1.name,
      tree.S2.name,
      tree.K1.name,
      '教学设计.pdf',
      'cmp-school1',
      'cmp-school2',
    ];
    for (const b of bodies) for (const word of revealing) expect(b).not.toContain(word);
    // a judge outside the panel does not reach the entry
    expect((await as(app, county)({ method: 'GET', url: `/api/judging/entries/${first}` })).statusCode).toBe(404);

    const agg = await as(app, county)({ method: 'POST', url: `/api/competitions/rounds/${countyRound.id}/aggregate` });
    expect(agg.statusCode, agg.body).toBe(200);
    const summary = agg.json().summary;
    expect(summary.normalisation.applied).toBe(false);
    expect(summary.normalisation.note).toContain('未采用');
    expect(summary.disagreements.map((d: { entryRoundId: number }) => d.entryRoundId)).toContain(
      byTitle.get('认识钟表'),
    );
    const lead = await t.db
      .selectFrom('message')
      .select('kind')
      .where('recipient_id', '=', judgeIds[1] as number)
      .where('kind', '=', 'competition_disagreement')
      .execute();
    expect(lead.length).toBeGreaterThan(0);

    const listed = await as(app, county)({ method: 'GET', url: `/api/competitions/rounds/${countyRound.id}/entries` });
    const entries = listed.json().entries as {
      id: number;
      title: string;
      rank: number;
      scorecard: { raw: { label: string }[] };
    }[];
    expect(entries.map((e) => e.title)).toEqual(['分数的初步认识', '古诗教学', '认识钟表', '电路实验']);
    const card = entries.find((e) => e.title === '古诗教学')?.scorecard;
    expect(card?.raw.map((r) => r.label)).toEqual(['评委2', '评委3']);
    expect(JSON.stringify(listed.json().entries.map((e: { scorecard: unknown }) => e.scorecard))).not.toContain(
      'cmp-judge',
    );
    // a school reads only its own entries, with its quota
    const mine = await as(app, school2)({ method: 'GET', url: `/api/competitions/rounds/${countyRound.id}/entries` });
    expect(mine.json().entries).toHaveLength(2);
    expect(mine.json().quota).toMatchObject({ quota: 2, used: 2 });

    // the best advance to the city within its quota of one per county
    const adv = await as(app, county)({ method: 'POST', url: `/api/competitions/rounds/${countyRound.id}/advance` });
    expect(adv.statusCode, adv.body).toBe(200);
    expect(adv.json()).toEqual({ nextRoundId: cityRoundId, advanced: 1 });
    const cityEntries = await as(app, city)({ method: 'GET', url: `/api/competitions/rounds/${cityRoundId}/entries` });
    expect(cityEntries.json().entries.map((e: { title: string }) => e.title)).toEqual(['分数的初步认识']);
    // the city's round is the last: advancing from it is refused as such
    const last = await as(app, city)({ method: 'POST', url: `/api/competitions/rounds/${cityRoundId}/advance` });
    expect([last.statusCode, last.json().error.code]).toEqual([409, 'COMPETITION_LAST_ROUND']);

    const xlsx = await as(
      app,
      county,
    )({ method: 'GET', url: `/api/competitions/rounds/${countyRound.id}/results.xlsx` });
    expect(xlsx.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(wb.getWorksheet('评审结果')?.getRow(2).getCell(3).value).toBe('分数的初步认识');

    const pub = await as(
      app,
      county,
    )({
      method: 'POST',
      url: `/api/competitions/rounds/${countyRound.id}/publish-awards`,
      payload: { startsOn: '2027-07-01', endsOn: '2027-07-07', organisationUnitIds: [tree.S1.id] },
    });
    expect(pub.statusCode, pub.body).toBe(200);
    expect(pub.json().awards).toBe(4);
    const lines = await t.db
      .selectFrom('publicity_item')
      .select(['ref_id', 'title', 'subtitle', 'scorecard'])
      .where('publicity_id', '=', pub.json().publicityId)
      .orderBy('position')
      .execute();
    expect(lines[0]?.subtitle).toContain('一等奖');
    expect(JSON.stringify(lines[0]?.scorecard)).toContain('评委1');
    // finalising the notice (the publicity part calls the hook) records the honours
    const hook = publicityHook('competition_round');
    const countyActor = await t.db
      .selectFrom('app_user')
      .select(['id'])
      .where('username', '=', 'cmp-county')
      .executeTakeFirstOrThrow();
    await t.db.transaction().execute((trx) =>
      (hook as NonNullable<typeof hook>).finalise(
        trx,
        {
          actor: {
            userId: countyActor.id,
            username: 'cmp-county',
            role: 'county_admin',
            orgUnitId: tree.K1.id,
            orgPath: tree.K1.path,
            provinceId: tree.P1.id,
          },
          publicityId: pub.json().publicityId,
          sourceId: countyRound.id,
        },
        {
          kept: lines
            .slice(0, 2)
            .map((i) => Number(i.ref_id))
            .concat(Number(lines.at(-1)?.ref_id)),
          removed: [Number(lines[2]?.ref_id)],
        },
      ),
    );
    const honours = await as(app, county)({ method: 'GET', url: `/api/competitions/rounds/${countyRound.id}/honours` });
    expect(honours.json().items).toHaveLength(3);
    const hon = honours.json().items[0];
    const pdf = await as(app, county)({ method: 'GET', url: `/api/competitions/honours/${hon.id}/certificate.pdf` });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect(
      (await as(app, county2)({ method: 'GET', url: `/api/competitions/honours/${hon.id}/certificate.pdf` }))
        .statusCode,
    ).toBe(404);

    // the teacher's archive shows the entry through both rounds
    const loader = archiveSectionLoaders().get('competitions');
    const section = await loader?.(t.db, {
      teacherId: teachers[0]?.id as number,
      provinceId: tree.P1.id,
      locale: 'zh-CN',
    });
    expect(section?.order).toBe(70);
    expect(section?.rows).toHaveLength(2);
    expect(section?.rows[0]).toContain('一等奖');
  });
});
