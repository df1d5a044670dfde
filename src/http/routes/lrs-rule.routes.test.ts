import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, login, type Session } from '../../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { addUser, buildTree, type Tree } from '../../../test/support/fixtures.js';

let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let county: Session;

const definition = {
  verbId: 'http://adlnet.gov/expapi/verbs/completed',
  activityType: null,
  activityPattern: 'https://edu.example/course/*',
  clientId: null,
  completion: true,
  success: false,
  minScaled: null,
  minDurationMinutes: null,
  hours: { kind: 'per_duration', tenths: 10, perMinutes: 45, maxTenths: 40 },
  categories: [],
  titleTemplate: '{platform}：{activity}',
};

beforeAll(async () => {
  t = await createTestDatabase();
  tree = await buildTree(t.db);
  await addUser(t.db, tree.K1, 'county_admin', 'lrr-county');
  app = await buildTestApp(t);
  county = await login(app, 'lrr-county');
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

describe('mapping rule routes', () => {
  it('preview a draft, save it, list it and turn it off', async () => {
    const preview = await as(app, county)({ method: 'POST', url: '/api/lrs/rules/preview', payload: { definition } });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json()).toMatchObject({ lines: [], totals: { matched: 0, credit: 0, hours: 0 }, capped: false });

    const created = await as(
      app,
      county,
    )({
      method: 'POST',
      url: '/api/lrs/rules',
      payload: { name: '国家平台课程', enabled: true, priority: 0, definition },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ orgUnitId: tree.K1.id, enabled: true, definition, credited: { hours: 0 } });
    const id = created.json().id as number;

    const list = await as(app, county)({ method: 'GET', url: '/api/lrs/rules' });
    expect(list.json().items.map((r: { id: number }) => r.id)).toEqual([id]);

    const off = await as(app, county)({ method: 'PATCH', url: `/api/lrs/rules/${id}`, payload: { enabled: false } });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json()).toMatchObject({ enabled: false, version: 2 });
  });

  it('refuse a definition the ledger could not take, saying which part', async () => {
    const bad = await as(
      app,
      county,
    )({
      method: 'POST',
      url: '/api/lrs/rules',
      payload: { name: 'x', enabled: true, priority: 0, definition: { ...definition, categories: ['no_such'] } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'LRS_RULE_INVALID' });
    const shape = await as(
      app,
      county,
    )({
      method: 'POST',
      url: '/api/lrs/rules/preview',
      payload: { definition: { ...definition, hours: { kind: 'fixed', tenths: 0 } } },
    });
    expect(shape.statusCode).toBe(400);
  });
});
