import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { actorAt, buildTree, type Tree } from '../../test/support/fixtures.js';
import { AppError } from '../errors/app-error.js';
import type { RequestContext } from './context.js';
import { publishList, registerPublicityKind } from './publicity.js';
import type { PublicityService } from './publicity.service.js';
import { createServices, type Services } from './services.js';

let t: TestDatabase;
let tree: Tree;
let services: Services;
let pub: PublicityService;
let county: RequestContext;
let city: RequestContext;
let school1: RequestContext;
let school3: RequestContext;
let teacher1: RequestContext;
let teacher2: RequestContext;
let teacher3: RequestContext;
/** what the programme's hook was called with */
const finalised: Array<{ publicityId: number; sourceId: number; kept: number[]; removed: number[] }> = [];
const withdrawn: number[] = [];
let failHook = false;

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: unknown) => (e instanceof AppError ? e.code : String(e)),
  );

const scorecard = (scores: number[], final: number, rank: number) => ({
  raw: scores.map((value, i) => ({
    label: `评委${i + 1}`,
    value,
    dropped: value === Math.max(...scores) ? 'high' : value === Math.min(...scores) ? 'low' : null,
  })),
  normalised: null,
  normalisationNote: '评委人数不足，未作标准化',
  final,
  rank,
});

let sourceSeq = 100;
/** A county list published to its schools through the shared `publishList`, as a programme does. */
async function publish(days: { startsOn: string; endsOn: string }, title = '2027 年县级骨干教师拟认定名单') {
  const sourceId = sourceSeq++;
  const { id } = await t.db.transaction().execute((trx) =>
    publishList(trx, county.actor!, {
      kind: 'backbone_round',
      sourceId,
      provinceId: tree.K1.provinceId,
      orgUnitId: tree.K1.id,
      orgPath: tree.K1.path,
      scopePath: tree.K1.path,
      title,
      body: '公示期内如有异议，请实名提出。',
      ...days,
      items: [
        {
          refId: 501,
          title: '张老师',
          subtitle: '桦甸市第一实验小学',
          scorecard: scorecard([88, 90, 92, 95, 80], 90, 1),
        },
        { refId: 502, title: '李老师', subtitle: '桦甸市第一中学', scorecard: scorecard([85, 86, 87, 70, 99], 86, 2) },
        {
          refId: 503,
          title: '王老师',
          subtitle: '夹皮沟镇中心小学',
          scorecard: scorecard([80, 81, 82, 83, 84], 82, 3),
        },
      ],
    }),
  );
  return { id, sourceId };
}

const running = { startsOn: '2020-01-01', endsOn: '2099-12-31' };
const setEnded = (id: number) =>
  t.db
    .updateTable('publicity')
    .set({ ends_at: new Date(Date.now() - 60_000) })
    .where('id', '=', id)
    .execute();

async function messagesOf(ctx: RequestContext, kind: string) {
  return t.db
    .selectFrom('message')
    .select(['params', 'link'])
    .where('recipient_id', '=', ctx.actor!.userId)
    .where('kind', '=', kind)
    .execute();
}

async function todos(ctx: RequestContext) {
  const h = await services.home.get(ctx);
  return h.kind === 'admin' ? Object.fromEntries(h.todos.map((x) => [x.kind, x.count])) : {};
}

beforeAll(async () => {
  t = await createTestDatabase();
  tree = await buildTree(t.db);
  services = createServices({ db: t.db, env: t.env });
  pub = services.publicity;
  county = await actorAt(t.db, tree.K1, 'county_admin', 'pub-county');
  city = await actorAt(t.db, tree.C1, 'city_admin', 'pub-city');
  school1 = await actorAt(t.db, tree.S1, 'school_admin', 'pub-school1');
  school3 = await actorAt(t.db, tree.S3, 'school_admin', 'pub-school3');
  teacher1 = await actorAt(t.db, tree.S1, 'teacher', 'pub-teacher1');
  teacher2 = await actorAt(t.db, tree.S4, 'teacher', 'pub-teacher2');
  teacher3 = await actorAt(t.db, tree.S3, 'teacher', 'pub-teacher3');
  registerPublicityKind('backbone_round', {
    async finalise(trx, ctx, outcome) {
      if (failHook) throw new AppError('CONFLICT');
      // the hook writes in the finalising transaction: a failure rolls the whole finalising back
      await trx.selectFrom('publicity').select('id').where('id', '=', ctx.publicityId).execute();
      finalised.push({ publicityId: ctx.publicityId, sourceId: ctx.sourceId, ...outcome });
    },
    async withdrawn(_trx, ctx) {
      withdrawn.push(ctx.sourceId);
    },
  });
});
afterAll(async () => {
  await t?.close();
});

describe('public notice (公示)', () => {
  it('is read by everyone in scope, teachers too, and by the organiser; nobody else learns it exists', async () => {
    const { id } = await publish(running);
    // the admins of the units in scope are told it is open; a school outside the scope is not
    expect(await messagesOf(school1, 'publicity_opened')).toEqual([
      {
        params: { title: '2027 年县级骨干教师拟认定名单', startsOn: '2020-01-01', endsOn: '2099-12-31' },
        link: `/publicity/${id}`,
      },
    ]);
    expect(await messagesOf(school3, 'publicity_opened')).toEqual([]);

    const v = await pub.get(teacher1, id);
    expect(v.list).toMatchObject({ status: 'open', phase: 'running', manage: false, inScope: true, items: 3 });
    expect(v.canObject).toBe(true);
    expect(v.items.map((i) => i.title)).toEqual(['张老师', '李老师', '王老师']);
    expect(v.items[0]!.scorecard).toMatchObject({ final: 90, rank: 1 });
    expect((v.items[0]!.scorecard as { raw: unknown[] }).raw[3]).toEqual({
      label: '评委4',
      value: 95,
      dropped: 'high',
    });
    expect((await pub.get(teacher2, id)).list.inScope).toBe(true);
    expect((await pub.get(county, id)).list.manage).toBe(true);
    // the city above reads it as an organiser of its subtree
    expect((await pub.get(city, id)).list.manage).toBe(true);
    for (const outsider of [teacher3, school3]) {
      expect(await codeOf(pub.get(outsider, id))).toBe('NOT_FOUND');
      expect((await pub.list(outsider, { page: 1, pageSize: 50 })).items.map((l) => l.id)).not.toContain(id);
    }
    expect((await pub.list(teacher1, { page: 1, pageSize: 50 })).items.map((l) => l.id)).toContain(id);
    expect(await pub.running(teacher1)).toBeGreaterThanOrEqual(1);
    expect(await pub.running(teacher3)).toBe(0);
  });

  it('takes objections to one line during the period, answered by the organiser, and finalises through the hook', async () => {
    const { id, sourceId } = await publish(running);
    const v = await pub.get(teacher1, id);
    const [zhang, li, wang] = v.items;
    const before = await todos(county);

    const after = await pub.object(teacher1, id, { itemId: li!.id, step: '评委5的分数', body: '评委5给分明显偏高。' });
    expect(after.objections).toMatchObject([{ itemId: li!.id, step: '评委5的分数', status: 'open', answer: null }]);
    expect(await codeOf(pub.object(teacher1, id, { itemId: li!.id, step: null, body: '再说一次' }))).toBe(
      'PUBLICITY_ALREADY_OBJECTED',
    );
    await pub.object(teacher2, id, { itemId: wang!.id, step: null, body: '该教师本年度未完成学时。' });
    // another reader does not see who objected to what
    expect((await pub.get(teacher2, id)).objections.map((o) => o.itemId)).toEqual([wang!.id]);
    // the organiser sees both, is told, and has them as a to-do
    const org = await pub.get(county, id);
    expect(org.objections).toHaveLength(2);
    expect(org.items.map((i) => i.openObjections)).toEqual([0, 1, 1]);
    expect(await messagesOf(county, 'publicity_objection')).toHaveLength(2);
    expect((await todos(county)).publicity_objections).toBe((before.publicity_objections ?? 0) + 2);

    // only the organiser's admins answer; a school admin in scope is refused
    const liObjection = org.objections.find((o) => o.itemId === li!.id)!;
    expect(await codeOf(pub.answer(school1, liObjection.id, { decision: 'upheld', answer: '成立' }))).toBe('FORBIDDEN');
    expect(await codeOf(pub.answer(school3, liObjection.id, { decision: 'upheld', answer: '成立' }))).toBe('NOT_FOUND');
    // not final while the period runs
    expect(await codeOf(pub.finalise(county, id))).toBe('PUBLICITY_NOT_OVER');

    const upheld = await pub.answer(county, liObjection.id, {
      decision: 'upheld',
      answer: '经复核，评委5的评分录入有误，取消该教师的认定。',
    });
    expect(upheld.items.find((i) => i.id === li!.id)!.removed).toBe(true);
    expect(await codeOf(pub.answer(county, liObjection.id, { decision: 'dismissed', answer: 'x' }))).toBe(
      'PUBLICITY_ANSWERED',
    );
    const mine = await pub.get(teacher1, id);
    expect(mine.objections).toMatchObject([
      { status: 'upheld', answer: '经复核，评委5的评分录入有误，取消该教师的认定。' },
    ]);
    expect(await messagesOf(teacher1, 'publicity_answered')).toMatchObject([
      { params: { title: '2027 年县级骨干教师拟认定名单', item: '李老师', decision: 'upheld' } },
    ]);
    // a removed line takes no further objection
    expect(await codeOf(pub.object(teacher2, id, { itemId: li!.id, step: null, body: '同意' }))).toBe(
      'PUBLICITY_ITEM_REMOVED',
    );
    // a line of another list is not a line of this one
    expect(await codeOf(pub.object(teacher2, id, { itemId: 999_999, step: null, body: '?' }))).toBe(
      'VALIDATION_FAILED',
    );

    // the period passes: no more objections; still an open one holds the finalising up
    await setEnded(id);
    expect(await codeOf(pub.object(teacher1, id, { itemId: zhang!.id, step: null, body: '晚了' }))).toBe(
      'PUBLICITY_NOT_RUNNING',
    );
    expect(await codeOf(pub.finalise(county, id))).toBe('PUBLICITY_OBJECTIONS_OPEN');
    const wangObjection = org.objections.find((o) => o.itemId === wang!.id)!;
    await pub.answer(county, wangObjection.id, { decision: 'dismissed', answer: '经核实，该教师学时已达标。' });
    expect((await todos(county)).publicity_to_finalise).toBeGreaterThanOrEqual(1);
    expect((await pub.get(county, id)).canFinalise).toBe(true);

    // a hook that fails rolls the finalising back
    failHook = true;
    expect(await codeOf(pub.finalise(county, id))).toBe('CONFLICT');
    failHook = false;
    expect((await pub.get(county, id)).list.status).toBe('open');

    const done = await pub.finalise(county, id);
    expect(done.list.status).toBe('finalised');
    expect(done.items.map((i) => i.outcome)).toEqual(['kept', 'removed', 'kept']);
    expect(finalised.filter((f) => f.publicityId === id)).toEqual([
      { publicityId: id, sourceId, kept: [501, 503], removed: [502] },
    ]);
    expect(await codeOf(pub.finalise(county, id))).toBe('PUBLICITY_CLOSED');
    expect(await codeOf(pub.withdraw(county, id, { reason: '撤回' }))).toBe('PUBLICITY_CLOSED');
    // a final list is still read in scope
    expect((await pub.get(teacher2, id)).list.status).toBe('finalised');

    const audit = await t.db
      .selectFrom('audit_log')
      .select(['action', 'outcome'])
      .where('target_type', '=', 'publicity')
      .where('target_id', '=', String(id))
      .where('outcome', '=', 'success')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'publicity.object',
      'publicity.object',
      'publicity.answer',
      'publicity.answer',
      'publicity.finalise',
    ]);
  });

  it('does not take objections before the period starts', async () => {
    const { id } = await publish({ startsOn: '2099-01-01', endsOn: '2099-01-07' });
    const v = await pub.get(teacher1, id);
    expect(v.list.phase).toBe('upcoming');
    expect(v.canObject).toBe(false);
    expect(await codeOf(pub.object(teacher1, id, { itemId: v.items[0]!.id, step: null, body: '早了' }))).toBe(
      'PUBLICITY_NOT_RUNNING',
    );
  });

  it('is withdrawn by the organiser with a reason; the programme is told and readers no longer see it', async () => {
    const { id, sourceId } = await publish(running);
    expect(await codeOf(pub.withdraw(school1, id, { reason: '名单有误' }))).toBe('FORBIDDEN');
    const v = await pub.withdraw(county, id, { reason: '名单有误，重新评审后再公示' });
    expect(v.list).toMatchObject({ status: 'withdrawn', withdrawnReason: '名单有误，重新评审后再公示' });
    expect(withdrawn).toContain(sourceId);
    expect(await codeOf(pub.get(teacher1, id))).toBe('NOT_FOUND');
    expect((await pub.list(county, { status: 'withdrawn', page: 1, pageSize: 50 })).items.map((l) => l.id)).toContain(
      id,
    );
    // the source may publish again once withdrawn
    await t.db.transaction().execute((trx) =>
      publishList(trx, county.actor!, {
        kind: 'backbone_round',
        sourceId,
        provinceId: tree.K1.provinceId,
        orgUnitId: tree.K1.id,
        orgPath: tree.K1.path,
        scopePath: tree.K1.path,
        title: '重新公示',
        ...running,
        items: [],
      }),
    );
  });
});
