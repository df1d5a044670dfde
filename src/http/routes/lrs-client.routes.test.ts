import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, login, type Session } from '../../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { addUser, buildTree, type Tree } from '../../../test/support/fixtures.js';
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
