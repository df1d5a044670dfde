import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, login, type Session } from '../../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { addUser, buildTree, type Tree } from '../../../test/support/fixtures.js';
import { seedTeacher } from '../../../test/support/ledger.js';
import { flushLrsTraffic } from '../../services/lrs-traffic.js';

let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let county: Session;

beforeAll(async () => {
  t = await createTestDatabase();
  tree = await buildTree(t.db);
  await addUser(t.db, tree.K1, 'county_admin', 'lr-county');
  app = await buildTestApp(t);
  county = await login(app, 'lr-county');
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

describe('LRS client routes', () => {
  it('create a client whose credentials work at /xapi once, count its requests, and refuse them after revocation', async () => {
    const res = await as(
      app,
      county,
    )({
      method: 'POST',
      url: '/api/lrs/clients',
      payload: { orgUnitId: tree.K1.id, name: '省级研修平台', identity: 'account', homePage: 'https://yx.example.cn' },
    });
    expect(res.statusCode).toBe(201);
    const { key, secret, client } = res.json();
    expect(client).toMatchObject({ name: '省级研修平台', identity: 'account', homePage: 'https://yx.example.cn' });
    const auth = `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
    const headers = { authorization: auth, 'x-experience-api-version': '2.0.0' };
    // any authenticated request counts (an unknown resource too); a wrong secret does not
    for (let i = 0; i < 3; i++)
      expect((await app.inject({ method: 'GET', url: '/xapi/nothing-here', headers })).statusCode).toBe(404);
    const wrong = `Basic ${Buffer.from(`${key}:nope`).toString('base64')}`;
    expect(
      (await app.inject({ method: 'GET', url: '/xapi/nothing-here', headers: { ...headers, authorization: wrong } }))
        .statusCode,
    ).toBe(401);
    await flushLrsTraffic(t.db);
    const list = (await as(app, county)({ method: 'GET', url: '/api/lrs/clients' })).json();
    expect(list.items[0]).toMatchObject({ id: client.id, requests: 3, statementsStored: 0 });
    expect(JSON.stringify(list)).not.toContain(secret);

    const revoked = await as(app, county)({ method: 'POST', url: `/api/lrs/clients/${client.id}/revoke` });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().client.revokedAt).not.toBeNull();
    expect((await app.inject({ method: 'GET', url: '/xapi/nothing-here', headers })).statusCode).toBe(401);
  });

  it('match the statements a platform posts to the teachers of its unit; the others wait in the review queue', async () => {
    const teacherId = await seedTeacher(t.db, t.env, tree.S1);
    const userId = await addUser(t.db, tree.S1, 'teacher', 'lr-teacher');
    await t.db.updateTable('teacher').set({ user_id: userId }).where('id', '=', teacherId).execute();
    const outsider = await seedTeacher(t.db, t.env, tree.S3);
    const outsiderUser = await addUser(t.db, tree.S3, 'teacher', 'lr-outsider');
    await t.db.updateTable('teacher').set({ user_id: outsiderUser }).where('id', '=', outsider).execute();
    const res = await as(
      app,
      county,
    )({
      method: 'POST',
      url: '/api/lrs/clients',
      payload: { orgUnitId: tree.K1.id, name: '研修网', identity: 'account', homePage: 'https://yxw.example.cn' },
    });
    const { key, secret, client } = res.json();
    const statement = (name: string) => ({
      actor: { objectType: 'Agent', account: { homePage: 'https://yxw.example.cn', name } },
      verb: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { 'zh-CN': '完成' } },
      object: { objectType: 'Activity', id: 'https://yxw.example.cn/course/42' },
    });
    const posted = await app.inject({
      method: 'POST',
      url: '/xapi/statements',
      headers: {
        authorization: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`,
        'x-experience-api-version': '2.0.0',
        'content-type': 'application/json',
      },
      payload: JSON.stringify([statement('LR-Teacher'), statement('lr-outsider'), statement('nobody')]),
    });
    expect(posted.statusCode, posted.body).toBe(200);
    const rows = await t.db
      .selectFrom('xapi_statement')
      .select(['match_status', 'teacher_id'])
      .where('client_id', '=', client.id)
      .orderBy('seq')
      .execute();
    // a teacher of another county is "nobody" to this platform
    expect(rows).toEqual([
      { match_status: 'matched', teacher_id: teacherId },
      { match_status: 'unmatched', teacher_id: null },
      { match_status: 'unmatched', teacher_id: null },
    ]);
    const queue = (await as(app, county)({ method: 'GET', url: '/api/lrs/review' })).json();
    expect(queue.items.filter((x: { clientId: number }) => x.clientId === client.id)).toHaveLength(2);
  });

  it('refuse bad input with 400 and store nothing', async () => {
    const before = await t.db.selectFrom('lrs_client').select('id').execute();
    const bodies: Array<[unknown, string]> = [
      [{ orgUnitId: tree.K1.id, name: '', identity: 'mbox' }, 'VALIDATION_FAILED'],
      [{ orgUnitId: tree.K1.id, name: 'x'.repeat(101), identity: 'mbox' }, 'VALIDATION_FAILED'],
      [{ orgUnitId: tree.K1.id, name: '平台', identity: 'email' }, 'VALIDATION_FAILED'],
      [{ orgUnitId: String(tree.K1.id), name: '平台', identity: 'mbox' }, 'VALIDATION_FAILED'],
      [{ orgUnitId: tree.K1.id, name: '平台', identity: 'mbox', extra: 1 }, 'VALIDATION_FAILED'],
      [{ orgUnitId: tree.K1.id, name: '平\u202e台', identity: 'mbox' }, 'VALIDATION_FAILED'],
      [{ orgUnitId: tree.K1.id, name: '平台', identity: 'account' }, 'LRS_CLIENT_INVALID'],
      [
        { orgUnitId: tree.K1.id, name: '平台', identity: 'account', homePage: 'javascript:alert(1)' },
        'LRS_CLIENT_INVALID',
      ],
      [{ orgUnitId: tree.K1.id, name: '平台', identity: 'id_hash', homePage: 'https://x.cn' }, 'LRS_CLIENT_INVALID'],
    ];
    for (const [payload, code] of bodies) {
      const res = await as(app, county)({ method: 'POST', url: '/api/lrs/clients', payload: payload as object });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code, JSON.stringify(payload)).toBe(code);
    }
    const invalid = await as(
      app,
      county,
    )({
      method: 'POST',
      url: '/api/lrs/clients',
      payload: { orgUnitId: tree.K1.id, name: '平台', identity: 'account' },
    });
    expect(invalid.json().error.message).toContain('平台主页');
    expect(await t.db.selectFrom('lrs_client').select('id').execute()).toEqual(before);
    for (const payload of [{ clientId: 1 }, { clientId: 1, actorIfi: 'x', teacherId: 'a' }, { actorIfi: 'x' }]) {
      const res = await as(app, county)({ method: 'POST', url: '/api/lrs/review/map', payload });
      expect(res.statusCode).toBe(400);
    }
  });
});
