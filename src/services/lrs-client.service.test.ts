import crypto from 'node:crypto';
import { agentKey } from '../domain/xapi-statement.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { actorAt, buildTree, type Tree } from '../../test/support/fixtures.js';
import { seedTeacher } from '../../test/support/ledger.js';
import { AppError } from '../errors/app-error.js';
import type { RequestContext } from './context.js';
import { authenticateLrsClient, type LrsClient } from './lrs-client-auth.js';
import { matchActors, saltedIdHash } from './lrs-match.js';
import { countLrsTraffic, flushLrsTraffic } from './lrs-traffic.js';
import { personalDataCipher } from './personal-data.js';
import { createServices, type Services } from './services.js';

let t: TestDatabase;
let tree: Tree;
let s: Services;
let county: RequestContext;
let otherCounty: RequestContext;
let city: RequestContext;
let school: RequestContext;
let teacherS1: number;
let teacherS2: number;
let teacherK2: number;
let statementSeq = 0;

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: unknown) => (e instanceof AppError ? e.code : String(e)),
  );
const basic = (key: string, secret: string) => `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;

async function idNumberOf(teacherId: number): Promise<string> {
  const r = await t.db
    .selectFrom('teacher')
    .select('id_number_enc')
    .where('id', '=', teacherId)
    .executeTakeFirstOrThrow();
  return personalDataCipher(t.env).decrypt(r.id_number_enc);
}

async function clientOf(key: string, secret: string): Promise<LrsClient> {
  return (await authenticateLrsClient(t.db, basic(key, secret)))!;
}

/** the statement store's identity string of an actor (domain/xapi-statement.ts agentKey) */
const ifiOf = (actor: Record<string, unknown>) => agentKey(actor);

/** Stores statements as the statement store does: inserted, matched in the same transaction, marked. */
async function store(client: LrsClient, actors: Array<Record<string, unknown>>) {
  return t.db.transaction().execute(async (trx) => {
    const seqs: number[] = [];
    for (const actor of actors) {
      const id = crypto.randomUUID();
      const now = new Date();
      const body = {
        id,
        actor,
        verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
        object: { id: 'https://x.cn/c/1' },
      };
      const r = await trx
        .insertInto('xapi_statement')
        .values({
          province_id: client.provinceId,
          id,
          client_id: client.id,
          client_path: client.orgPath,
          stored: now,
          ts: now,
          verb_id: 'http://adlnet.gov/expapi/verbs/completed',
          actor_ifi: ifiOf(actor),
          object_kind: 'Activity',
          object_id: `https://x.cn/c/${++statementSeq}`,
          body: JSON.stringify(body),
        })
        .returning('seq')
        .executeTakeFirstOrThrow();
      seqs.push(Number(r.seq));
    }
    const matches = await matchActors(
      trx,
      client,
      seqs.map((seq, i) => ({ seq, actor: actors[i]! })),
    );
    for (const [i, m] of matches.entries())
      await trx
        .updateTable('xapi_statement')
        .set(
          m
            ? { match_status: 'matched', teacher_id: m.teacherId, teacher_path: m.teacherPath }
            : { match_status: 'unmatched' },
        )
        .where('seq', '=', seqs[i]!)
        .execute();
    return matches.map((m) => m?.teacherId ?? null);
  });
}

beforeAll(async () => {
  t = await createTestDatabase();
  tree = await buildTree(t.db);
  s = createServices({ db: t.db, env: t.env });
  county = await actorAt(t.db, tree.K1, 'county_admin', 'lrs-county');
  otherCounty = await actorAt(t.db, tree.K2, 'county_admin', 'lrs-county2');
  city = await actorAt(t.db, tree.C1, 'city_admin', 'lrs-city');
  school = await actorAt(t.db, tree.S1, 'school_admin', 'lrs-school');
  teacherS1 = await seedTeacher(t.db, t.env, tree.S1);
  teacherS2 = await seedTeacher(t.db, t.env, tree.S2);
  teacherK2 = await seedTeacher(t.db, t.env, tree.S3);
});

afterAll(async () => {
  await t.close();
});

describe('LRS clients', () => {
  it('creates credentials for a unit of the subtree, shown once and stored as a hash', async () => {
    const r = await s.lrsClients.create(county, { orgUnitId: tree.K1.id, name: '国家智慧教育平台', identity: 'mbox' });
    expect(r.key).toMatch(/^[a-z0-9]{20}$/);
    expect(r.secret.length).toBeGreaterThanOrEqual(40);
    const row = await t.db.selectFrom('lrs_client').selectAll().where('id', '=', r.client.id).executeTakeFirstOrThrow();
    expect(row.secret_hash.equals(crypto.createHash('sha256').update(r.secret).digest())).toBe(true);
    expect(JSON.stringify(row)).not.toContain(r.secret);
    expect((await clientOf(r.key, r.secret)).orgPath).toBe(tree.K1.path);
    expect(await authenticateLrsClient(t.db, basic(r.key, 'wrong'))).toBeNull();
    // a unit below is fine; the list shows it, never the secret
    await s.lrsClients.create(county, { orgUnitId: tree.S1.id, name: '学校平台', identity: 'mbox' });
    const list = await s.lrsClients.list(county);
    expect(list.map((c) => c.name)).toEqual(expect.arrayContaining(['国家智慧教育平台', '学校平台']));
    expect(JSON.stringify(list)).not.toContain(r.secret);
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['action', 'outcome'])
      .where('action', '=', 'lrs_client.create')
      .execute();
    expect(audit).toContainEqual({ action: 'lrs_client.create', outcome: 'success' });
  });

  it('refuses schools, outsiders and bad settings, storing nothing', async () => {
    const before = await t.db.selectFrom('lrs_client').select('id').execute();
    expect(await codeOf(s.lrsClients.create(school, { orgUnitId: tree.S1.id, name: 'x', identity: 'mbox' }))).toBe(
      'FORBIDDEN',
    );
    expect(await codeOf(s.lrsClients.create(otherCounty, { orgUnitId: tree.K1.id, name: 'x', identity: 'mbox' }))).toBe(
      'NOT_FOUND',
    );
    expect(await codeOf(s.lrsClients.list(school))).toBe('FORBIDDEN');
    const bad = [
      { identity: 'account' as const },
      { identity: 'account' as const, homePage: 'ftp://x.cn' },
      { identity: 'account' as const, homePage: 'not a url' },
      { identity: 'id_hash' as const, homePage: 'https://x.cn' },
      { identity: 'id_hash' as const, homePage: 'https://x.cn', salt: 'short' },
      { identity: 'mbox' as const, homePage: 'https://x.cn' },
      { identity: 'mbox' as const, salt: 'abcdefghij' },
    ];
    for (const b of bad)
      expect(
        await codeOf(s.lrsClients.create(county, { orgUnitId: tree.K1.id, name: 'x', ...b })),
        JSON.stringify(b),
      ).toBe('LRS_CLIENT_INVALID');
    expect(await t.db.selectFrom('lrs_client').select('id').execute()).toEqual(before);
  });

  it('revokes a client: the next request is refused', async () => {
    const r = await s.lrsClients.create(county, { orgUnitId: tree.K1.id, name: '将撤销', identity: 'mbox' });
    expect(await clientOf(r.key, r.secret)).not.toBeNull();
    expect(await codeOf(s.lrsClients.revoke(otherCounty, r.client.id))).toBe('NOT_FOUND');
    // the county's client lies above a school: not found there
    expect(await codeOf(s.lrsClients.revoke(school, r.client.id))).toBe('NOT_FOUND');
    const revoked = await s.lrsClients.revoke(county, r.client.id);
    expect(revoked.revokedAt).not.toBeNull();
    expect(await authenticateLrsClient(t.db, basic(r.key, r.secret))).toBeNull();
    expect(await codeOf(s.lrsClients.revoke(city, r.client.id))).toBe('CONFLICT');
  });

  it('counts traffic in memory and adds it to the table in one write', async () => {
    const r = await s.lrsClients.create(county, { orgUnitId: tree.K1.id, name: '计数', identity: 'mbox' });
    for (let i = 0; i < 50; i++) countLrsTraffic(t.db, r.client.id, { requests: 1 });
    countLrsTraffic(t.db, r.client.id, { stored: 100 });
    countLrsTraffic(t.db, r.client.id, { read: 7 });
    // nothing written yet
    expect(
      await t.db.selectFrom('lrs_client_traffic').select('requests').where('client_id', '=', r.client.id).execute(),
    ).toEqual([]);
    await flushLrsTraffic(t.db);
    countLrsTraffic(t.db, r.client.id, { requests: 2 });
    const got = await s.lrsClients.get(county, r.client.id);
    expect([got.requests, got.statementsStored, got.statementsRead]).toEqual([52, 100, 7]);
    expect(got.lastUsedAt).not.toBeNull();
  });
});

describe('matching actors to teachers', () => {
  it('account: the login name or the ID number, only inside the unit, with the platform home page', async () => {
    const r = await s.lrsClients.create(county, {
      orgUnitId: tree.K1.id,
      name: '账号平台',
      identity: 'account',
      homePage: 'https://study.example.cn',
    });
    const client = await clientOf(r.key, r.secret);
    const user = await t.db
      .insertInto('app_user')
      .values({
        username: 'zhang.s1',
        display_name: '张',
        role: 'teacher',
        org_unit_id: tree.S1.id,
        org_path: tree.S1.path,
        province_id: tree.S1.provinceId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.db.updateTable('teacher').set({ user_id: user.id }).where('id', '=', teacherS1).execute();
    const acc = (name: string, homePage = 'https://study.example.cn/') => ({
      objectType: 'Agent',
      account: { homePage, name },
    });
    const got = await store(client, [
      acc('Zhang.S1'),
      acc(await idNumberOf(teacherS2)),
      acc(await idNumberOf(teacherK2)), // a teacher of another county: no match, nothing revealed
      acc('zhang.s1', 'https://other.example.cn'),
      { mbox: 'mailto:zhang@example.cn' },
    ]);
    expect(got).toEqual([teacherS1, teacherS2, null, null, null]);
  });

  it('id_hash: SHA-256 of salt and ID number, for teachers added after the client too', async () => {
    const salt = 'peixun-2027-salt';
    const r = await s.lrsClients.create(city, {
      orgUnitId: tree.K1.id,
      name: '哈希平台',
      identity: 'id_hash',
      homePage: 'https://hash.example.cn',
      salt,
    });
    const client = await clientOf(r.key, r.secret);
    const hashed = await t.db
      .selectFrom('lrs_client_id_hash')
      .select('teacher_id')
      .where('client_id', '=', client.id)
      .execute();
    expect(hashed.map((h) => h.teacher_id).sort()).toEqual([teacherS1, teacherS2].sort());
    const late = await seedTeacher(t.db, t.env, tree.S4);
    const acc = (name: string) => ({ account: { homePage: 'https://hash.example.cn', name } });
    const got = await store(client, [
      acc(saltedIdHash(salt, await idNumberOf(teacherS2)).toUpperCase()),
      acc(saltedIdHash(salt, await idNumberOf(late))),
      acc(saltedIdHash(salt, await idNumberOf(teacherK2))),
      acc(saltedIdHash('another-salt!', await idNumberOf(teacherS1))),
    ]);
    expect(got).toEqual([teacherS2, late, null, null]);
  });

  it('a batch of 300 statements is matched in a few queries', async () => {
    const r = await s.lrsClients.create(county, {
      orgUnitId: tree.K1.id,
      name: '批量',
      identity: 'account',
      homePage: 'https://batch.example.cn',
    });
    const client = await clientOf(r.key, r.secret);
    const id = await idNumberOf(teacherS1);
    const actors = Array.from({ length: 300 }, (_, i) => ({
      account: { homePage: 'https://batch.example.cn', name: i % 2 ? id : `nobody${i}` },
    }));
    const started = Date.now();
    const got = await store(client, actors);
    expect(got.filter((x) => x === teacherS1)).toHaveLength(150);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('the review queue', () => {
  it('groups unmatched actors, maps one to a teacher (remembered) and rejects another', async () => {
    const r = await s.lrsClients.create(county, { orgUnitId: tree.K1.id, name: '邮箱平台', identity: 'mbox' });
    const client = await clientOf(r.key, r.secret);
    const li = { mbox: 'mailto:li@example.cn', name: '李老师' };
    const stranger = { mbox: 'mailto:who@example.cn' };
    expect(await store(client, [li, li, stranger])).toEqual([null, null, null]);
    const q = await s.lrsReview.queue(county);
    const liRow = q.items.find((x) => x.actorIfi === 'A|mbox|mailto:li@example.cn' && x.clientId === client.id)!;
    expect(liRow).toMatchObject({ count: 2, clientName: '邮箱平台', actor: li });
    expect(liRow.sampleVerb).toBe('http://adlnet.gov/expapi/verbs/completed');
    expect(liRow).toMatchObject({ mappable: true, sampleVerbName: null, sampleActivityName: null });
    // another county sees none of it, a school keeps no queue, and the home page counts what waits
    expect((await s.lrsReview.queue(otherCounty)).items.filter((x) => x.clientId === client.id)).toEqual([]);
    expect(await codeOf(s.lrsReview.queue(school))).toBe('FORBIDDEN');
    expect(await s.lrsReview.waiting(county)).toBeGreaterThanOrEqual(3);
    const home = await s.home.get(county);
    expect(home.kind === 'admin' && home.todos.find((x) => x.kind === 'lrs_review')?.count).toBeGreaterThanOrEqual(3);

    const decision = { clientId: client.id, actorIfi: liRow.actorIfi };
    expect(await codeOf(s.lrsReview.map(otherCounty, { ...decision, teacherId: teacherK2, remember: true }))).toBe(
      'NOT_FOUND',
    );
    // a teacher outside the admin's subtree is "not found"
    expect(await codeOf(s.lrsReview.map(county, { ...decision, teacherId: teacherK2, remember: true }))).toBe(
      'NOT_FOUND',
    );
    expect(await s.lrsReview.map(county, { ...decision, teacherId: teacherS2, remember: true })).toEqual({
      matched: 2,
    });
    const rows = await t.db
      .selectFrom('xapi_statement')
      .select(['match_status', 'teacher_id', 'teacher_path'])
      .where('client_id', '=', client.id)
      .where('actor_ifi', '=', liRow.actorIfi)
      .execute();
    expect(rows).toEqual([
      { match_status: 'matched', teacher_id: teacherS2, teacher_path: tree.S2.path },
      { match_status: 'matched', teacher_id: teacherS2, teacher_path: tree.S2.path },
    ]);
    // remembered: the next statement about that actor matches by itself
    expect(await store(client, [li])).toEqual([teacherS2]);

    expect(await s.lrsReview.reject(county, { clientId: client.id, actorIfi: 'A|mbox|mailto:who@example.cn' })).toEqual(
      {
        rejected: 1,
      },
    );
    expect(
      await codeOf(s.lrsReview.reject(county, { clientId: client.id, actorIfi: 'A|mbox|mailto:who@example.cn' })),
    ).toBe('NOT_FOUND');
    expect((await s.lrsReview.queue(county)).items.filter((x) => x.clientId === client.id)).toEqual([]);
    const audit = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'in', ['lrs_review.map', 'lrs_review.reject'])
      .where('outcome', '=', 'success')
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['lrs_review.map', 'lrs_review.reject']);
  });

  it("maps only to a teacher of the platform's unit", async () => {
    const r = await s.lrsClients.create(county, { orgUnitId: tree.S1.id, name: '校级平台', identity: 'mbox' });
    const client = await clientOf(r.key, r.secret);
    await store(client, [{ mbox: 'mailto:wang@example.cn' }]);
    expect(
      await codeOf(
        s.lrsReview.map(county, {
          clientId: client.id,
          actorIfi: 'A|mbox|mailto:wang@example.cn',
          teacherId: teacherS2,
          remember: false,
        }),
      ),
    ).toBe('LRS_CLIENT_INVALID');
  });
});

describe('a group in the review queue', () => {
  it('cannot be mapped to one teacher, only rejected', async () => {
    const r = await s.lrsClients.create(county, { orgUnitId: tree.K1.id, name: '群组平台', identity: 'mbox' });
    const client = await clientOf(r.key, r.secret);
    const team = { objectType: 'Group', name: '三年级组', mbox: 'mailto:grade3@example.cn' };
    await store(client, [team]);
    const row = (await s.lrsReview.queue(county)).items.find((x) => x.clientId === client.id)!;
    expect(row.mappable).toBe(false);
    const decision = { clientId: client.id, actorIfi: row.actorIfi };
    expect(await codeOf(s.lrsReview.map(county, { ...decision, teacherId: teacherS2, remember: true }))).toBe(
      'LRS_CLIENT_INVALID',
    );
    expect(await s.lrsReview.reject(county, decision)).toEqual({ rejected: 1 });
  });
});
