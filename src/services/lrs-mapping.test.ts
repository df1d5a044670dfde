import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { actorAt, buildTree, type Tree } from '../../test/support/fixtures.js';
import { seedTeacher } from '../../test/support/ledger.js';
import type { LrsRuleDef } from '../domain/lrs-rule.js';
import { AppError } from '../errors/app-error.js';
import { runJobsUntilIdle } from '../jobs/job-runner.js';
import type { RequestContext } from './context.js';
import { checkLedger } from './ledger-maintenance.js';
import { applyMappingRules, runMapping } from './lrs-mapping.js';
import { createServices, type Services } from './services.js';

const COMPLETED = 'http://adlnet.gov/expapi/verbs/completed';
const PASSED = 'http://adlnet.gov/expapi/verbs/passed';
const rule: LrsRuleDef = {
  verbId: COMPLETED,
  activityType: null,
  activityPattern: 'https://edu.example/course/*',
  clientId: null,
  completion: true,
  success: false,
  minScaled: null,
  minDurationMinutes: null,
  hours: { kind: 'per_duration', tenths: 10, perMinutes: 45, maxTenths: 40 },
  categories: ['online'],
  titleTemplate: '{platform}：{activity}',
};

let t: TestDatabase;
let tree: Tree;
let s: Services;
let county: RequestContext;
let otherCounty: RequestContext;
let school: RequestContext;
let zhang: number;
let wang: number;
let clientId: number;

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: unknown) => (e instanceof AppError ? e.code : String(e)),
  );

async function store(
  teacherId: number | null,
  o: {
    verb?: string;
    object?: string;
    duration?: string;
    completion?: boolean;
    timestamp?: string;
    status?: 'matched' | 'unmatched' | 'own';
    voids?: string;
  } = {},
): Promise<{ id: string; seq: number }> {
  const id = crypto.randomUUID();
  const teacher = teacherId
    ? await t.db.selectFrom('teacher').select('org_path').where('id', '=', teacherId).executeTakeFirstOrThrow()
    : null;
  const ts = o.timestamp ?? '2027-05-01T02:00:00.000Z';
  const body = o.voids
    ? {
        id,
        actor: { mbox: 'mailto:platform@edu.example' },
        verb: { id: 'http://adlnet.gov/expapi/verbs/voided' },
        object: { objectType: 'StatementRef', id: o.voids },
        timestamp: ts,
        stored: ts,
      }
    : {
        id,
        actor: { account: { homePage: 'https://edu.example', name: `t${teacherId}` } },
        verb: { id: o.verb ?? COMPLETED, display: { 'zh-CN': '完成' } },
        object: {
          id: o.object ?? 'https://edu.example/course/1',
          definition: { name: { 'zh-CN': '课堂提问的艺术' } },
        },
        result: { completion: o.completion ?? true, duration: o.duration ?? 'PT1H40M' },
        timestamp: ts,
        stored: ts,
      };
  const r = await t.db
    .insertInto('xapi_statement')
    .values({
      province_id: tree.P1.id,
      id,
      client_id: o.status === 'own' ? null : clientId,
      client_path: tree.K1.path,
      teacher_id: teacherId,
      teacher_path: teacher?.org_path ?? null,
      match_status: o.voids ? 'matched' : (o.status ?? (teacherId ? 'matched' : 'unmatched')),
      stored: new Date(ts),
      ts: new Date(ts),
      verb_id: body.verb.id,
      object_kind: o.voids ? 'StatementRef' : 'Activity',
      object_id: o.voids ? null : body.object.id,
      ref_id: o.voids ?? null,
      is_voiding: Boolean(o.voids),
      body: JSON.stringify(body),
    })
    .returning('seq')
    .executeTakeFirstOrThrow();
  if (o.voids) await t.db.updateTable('xapi_statement').set({ voided: true }).where('id', '=', o.voids).execute();
  return { id, seq: r.seq };
}

const entriesOf = (teacherId: number) =>
  t.db
    .selectFrom('credit_entry')
    .select(['id', 'hours', 'source_type', 'source_ref', 'title', 'evidence_ref', 'categories', 'reverses_id'])
    .where('teacher_id', '=', teacherId)
    .orderBy('id')
    .execute();

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_TODAY: '2027-11-20' });
  tree = await buildTree(t.db);
  s = createServices({ db: t.db, env: t.env });
  const province = await actorAt(t.db, tree.P1, 'province_admin', 'p1-admin');
  county = await actorAt(t.db, tree.K1, 'county_admin', 'k1-admin');
  otherCounty = await actorAt(t.db, tree.K2, 'county_admin', 'k2-admin');
  school = await actorAt(t.db, tree.S1, 'school_admin', 's1-admin');
  await s.cycles.create(province, { name: '2026—2030年', startYear: 2026, endYear: 2030 });
  zhang = await seedTeacher(t.db, t.env, tree.S1, { seed: 1 });
  wang = await seedTeacher(t.db, t.env, tree.S2, { seed: 2 });
  clientId = (
    await t.db
      .insertInto('lrs_client')
      .values({
        province_id: tree.P1.id,
        org_unit_id: tree.K1.id,
        org_path: tree.K1.path,
        name: '国家智慧教育平台',
        api_key: 'mappingtest01',
        secret_hash: Buffer.alloc(32),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  await runJobsUntilIdle(t.db);
});
afterAll(() => t?.close());

describe('mapping rules', () => {
  it('are for county and higher admins of the subtree, and refuse bad definitions', async () => {
    expect(
      await codeOf(s.lrsRules.create(school, undefined, { name: 'x', enabled: true, priority: 0, definition: rule })),
    ).toBe('FORBIDDEN');
    expect(
      await codeOf(
        s.lrsRules.create(otherCounty, tree.K1.id, { name: 'x', enabled: true, priority: 0, definition: rule }),
      ),
    ).toBe('NOT_FOUND');
    expect(
      await codeOf(
        s.lrsRules.create(county, undefined, {
          name: 'x',
          enabled: true,
          priority: 0,
          definition: { ...rule, categories: ['no_such'] },
        }),
      ),
    ).toBe('LRS_RULE_INVALID');
  });

  it('preview shows what posting then does; a retried run posts once; voiding reverses', async () => {
    const a = await store(zhang, { duration: 'PT1H40M' }); // 2 × 45 min → 2 h
    const b = await store(wang, { duration: 'PT5H' }); // capped at 4 h
    const c = await store(zhang, { object: 'https://other.example/x' }); // another activity: nothing
    const d = await store(zhang, { verb: PASSED }); // another verb: nothing
    const e = await store(zhang, { completion: false }); // not completed: nothing
    const own = await store(zhang, { status: 'own' }); // Peixun's own: never posted again
    const future = await store(zhang, { timestamp: '2025-03-01T02:00:00.000Z' }); // no cycle for 2025
    const preview = await s.lrsRules.preview(county, { priority: 0, definition: rule }, { offset: 0, limit: 50 });
    expect(preview.totals).toMatchObject({ matched: 3, credit: 2, hours: 60, refused: 1, creditedOther: 0 });
    // in the order they were stored
    expect(preview.lines.map((l) => [l.statementId, l.hours, l.outcome])).toEqual([
      [future.id, 20, 'refused'],
      [a.id, 20, 'credit'],
      [b.id, 40, 'credit'],
    ]);
    expect(preview.lines[0]!.reason).toBe('no_cycle');

    const created = await s.lrsRules.create(county, undefined, {
      name: '国家平台课程',
      enabled: true,
      priority: 0,
      definition: rule,
    });
    await runJobsUntilIdle(t.db);
    await runMapping(t.db, t.env, tree.P1.id);
    await t.db.updateTable('lrs_mapping_state').set({ watermark: 0 }).execute();
    await runMapping(t.db, t.env, tree.P1.id);

    const zEntries = await entriesOf(zhang);
    expect(zEntries).toHaveLength(1);
    expect(zEntries[0]).toMatchObject({
      hours: 20,
      source_type: 'external',
      source_ref: `xapi:${a.id}`,
      title: '国家智慧教育平台：课堂提问的艺术',
      evidence_ref: `xAPI 学习记录 ${a.id} · 国家智慧教育平台`,
      categories: ['online'],
    });
    expect((await entriesOf(wang)).map((x) => x.hours)).toEqual([40]);
    // what posting did is what the preview said
    const credits = await t.db.selectFrom('lrs_credit').selectAll().orderBy('seq').execute();
    expect(credits.map((x) => [x.statement_id, x.hours, x.refused])).toEqual([
      [a.id, 20, null],
      [b.id, 40, null],
      [future.id, 20, 'no_cycle'],
    ]);
    expect(credits.some((x) => [c.id, d.id, e.id, own.id].includes(x.statement_id))).toBe(false);
    expect((await s.lrsRules.get(county, created.id)).credited).toEqual({ statements: 2, hours: 60 });

    // the preview of the saved rule now counts them as credited
    const again = await s.lrsRules.preview(
      county,
      { ruleId: created.id, priority: 0, definition: rule },
      { offset: 0, limit: 50 },
    );
    expect(again.totals).toMatchObject({ credit: 0, creditedOther: 2, refused: 1 });

    // the teacher's progress names the statement and the platform
    const progress = await s.credits.progress(county, { teacherId: zhang });
    expect(JSON.stringify(progress)).toContain(`xAPI 学习记录 ${a.id}`);

    // a voiding statement takes the entry back
    await store(null, { voids: a.id });
    await runMapping(t.db, t.env, tree.P1.id);
    const after = await entriesOf(zhang);
    expect(after.map((x) => [x.hours, x.reverses_id])).toEqual([
      [20, null],
      [-20, after[0]!.id],
    ]);
    await runMapping(t.db, t.env, tree.P1.id);
    expect(await entriesOf(zhang)).toHaveLength(2);
    expect((await checkLedger(t.db, t.env)).ok).toBe(true);
  });

  it('in a signed-off year refuses new statements and turns a void into a reversal request', async () => {
    const cycle = await t.db.selectFrom('credit_cycle').select('id').executeTakeFirstOrThrow();
    const credited = await t.db
      .selectFrom('lrs_credit')
      .select('statement_id')
      .where('teacher_id', '=', wang)
      .where('entry_id', 'is not', null)
      .executeTakeFirstOrThrow();
    await t.db
      .insertInto('credit_verification')
      .values({
        province_id: tree.P1.id,
        cycle_id: cycle.id,
        year: 2027,
        org_unit_id: tree.S2.id,
        org_path: tree.S2.path,
        status: 'signed_off',
      })
      .execute();
    const late = await store(wang, { duration: 'PT50M' });
    await store(null, { voids: credited.statement_id });
    await runMapping(t.db, t.env, tree.P1.id);
    const refused = await t.db
      .selectFrom('lrs_credit')
      .select('refused')
      .where('statement_id', '=', late.id)
      .executeTakeFirstOrThrow();
    expect(refused.refused).toBe('year_locked');
    // the entry stays until the county approves its reversal
    expect((await entriesOf(wang)).map((x) => x.hours)).toEqual([40]);
    const requests = await t.db.selectFrom('credit_reversal_request').select(['status', 'reason']).execute();
    expect(requests).toEqual([{ status: 'pending', reason: expect.stringContaining('xAPI') }]);
    await t.db.deleteFrom('credit_verification').execute();
  });

  it('maps statements a review matched later', async () => {
    const late = await store(null, { duration: 'PT50M' });
    await runMapping(t.db, t.env, tree.P1.id);
    const before = (await entriesOf(zhang)).length;
    const teacher = await t.db
      .selectFrom('teacher')
      .select('org_path')
      .where('id', '=', zhang)
      .executeTakeFirstOrThrow();
    await t.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('xapi_statement')
        .set({ match_status: 'matched', teacher_id: zhang, teacher_path: teacher.org_path })
        .where('seq', '=', late.seq)
        .execute();
      await applyMappingRules(trx, tree.P1.id, [late.seq]);
    });
    const now = await entriesOf(zhang);
    expect(now).toHaveLength(before + 1);
    expect(now[now.length - 1]).toMatchObject({ hours: 10, source_ref: `xapi:${late.id}` });
  });

  it('reads window after window, posting each statement once', async () => {
    const before = await t.db.selectFrom('lrs_credit').select('statement_id').execute();
    const many = [];
    for (let i = 0; i < 7; i++) many.push(await store(i % 2 ? zhang : wang, { duration: 'PT45M' }));
    // windows of 3 statements, batches of 2: the next window is read while one is written
    const r = await runMapping(t.db, t.env, tree.P1.id, undefined, 2, 3);
    expect(r).toMatchObject({ credited: 7, hours: 70 });
    const after = await t.db.selectFrom('lrs_credit').select(['statement_id', 'entry_id']).execute();
    expect(after.length - before.length).toBe(7);
    const keys = await t.db
      .selectFrom('credit_entry')
      .select('idem_key')
      .where(
        'idem_key',
        'in',
        many.map((m) => `xapi:${m.id}`),
      )
      .execute();
    expect(keys).toHaveLength(7);
    expect((await checkLedger(t.db, t.env)).ok).toBe(true);
  });

  it('lists the rules of the subtree and disables one', async () => {
    const list = await s.lrsRules.list(county, {});
    expect(list.map((r) => r.name)).toEqual(['国家平台课程']);
    expect(await s.lrsRules.list(otherCounty, {})).toEqual([]);
    const off = await s.lrsRules.update(county, list[0]!.id, { enabled: false });
    expect(off.enabled).toBe(false);
    expect(await codeOf(s.lrsRules.get(otherCounty, list[0]!.id))).toBe('NOT_FOUND');
  });
});
