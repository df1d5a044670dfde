import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, login, type Session } from '../../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { actorAt, addUser, buildTree, type Tree } from '../../../test/support/fixtures.js';
import { createServices } from '../../services/services.js';

/**
 * A class's quotas for all child units in one table: every unit below the organiser listed with its
 * quota and places used, saved in one request that is checked (no negative quota, the total within
 * the class's capacity) and written as one audited change.
 */
let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let county: Session;
let classId: number;

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_TODAY: '2027-03-10' });
  tree = await buildTree(t.db);
  const s = createServices({ db: t.db, env: t.env });
  const k1 = await actorAt(t.db, tree.K1, 'county_admin', 'qt-county-svc');
  const d = await s.training.create(k1, {
    orgUnitId: tree.K1.id,
    level: 'county',
    title: '县级骨干教师培训',
    description: null,
    year: 2027,
    registrationOpens: null,
    registrationCloses: null,
    eligibility: {},
    completionRule: { minAttendancePct: 80, assessmentRequired: false },
    hours: 120,
    creditCategories: [],
  });
  classId = (await s.training.createClass(k1, d.project.id, { name: '一班', capacity: 30 })).id;
  await addUser(t.db, tree.K1, 'county_admin', 'qt-county');
  await addUser(t.db, tree.K2, 'county_admin', 'qt-county2');
  app = await buildTestApp(t);
  county = await login(app, 'qt-county');
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

const table = () => as(app, county)({ method: 'GET', url: `/api/training/classes/${classId}/quota-units` });
const save = (quotas: Array<{ orgUnitId: number; quota: number }>) =>
  as(app, county)({ method: 'PUT', url: `/api/training/classes/${classId}/quotas`, payload: { quotas } });

describe("a class's quota table", () => {
  it('lists every child unit of the organiser (not the training institution) with no quota yet', async () => {
    const res = await table();
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.capacity).toBe(30);
    expect(body.items.map((i: { orgUnitId: number }) => i.orgUnitId).sort()).toEqual(
      [tree.S1.id, tree.S2.id, tree.T1.id].sort(),
    );
    expect(body.items.every((i: { quota: number; used: number }) => i.quota === 0 && i.used === 0)).toBe(true);
  });

  it('saves the whole table in one request, written as one audited change', async () => {
    const res = await save([
      { orgUnitId: tree.S1.id, quota: 10 },
      { orgUnitId: tree.S2.id, quota: 12 },
      { orgUnitId: tree.T1.id, quota: 8 },
    ]);
    expect(res.statusCode, res.body).toBe(200);
    const body = (await table()).json();
    const byUnit = Object.fromEntries(
      body.items.map((i: { orgUnitId: number; quota: number }) => [i.orgUnitId, i.quota]),
    );
    expect(byUnit).toEqual({ [tree.S1.id]: 10, [tree.S2.id]: 12, [tree.T1.id]: 8 });
    const audits = await t.db
      .selectFrom('audit_log')
      .select(['details', 'outcome'])
      .where('action', '=', 'training.set_quotas')
      .where('target_id', '=', String(classId))
      .execute();
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ outcome: 'success' });
    expect((audits[0]!.details as { quotas: unknown[] }).quotas).toHaveLength(3);
  });

  it('refuses a negative quota and a total above the capacity, naming the numbers, and keeps the quotas', async () => {
    const negative = await save([{ orgUnitId: tree.S1.id, quota: -1 }]);
    expect(negative.statusCode).toBe(400);
    expect(negative.json().error.code).toBe('VALIDATION_FAILED');
    const above = await as(
      app,
      county,
    )({
      method: 'PUT',
      url: `/api/training/classes/${classId}/quotas`,
      payload: {
        quotas: [
          { orgUnitId: tree.S1.id, quota: 20 },
          { orgUnitId: tree.S2.id, quota: 11 },
        ],
      },
      headers: { 'accept-language': 'zh-CN' },
    });
    expect(above.statusCode).toBe(422);
    expect(above.json().error).toMatchObject({ code: 'QUOTA_INVALID', details: { reserved: 31, capacity: 30 } });
    expect(above.json().error.message).toContain('31');
    const body = (await table()).json();
    expect(body.items.find((i: { orgUnitId: number }) => i.orgUnitId === tree.S1.id).quota).toBe(10);
  });

  it("is not found for another county's admin", async () => {
    const other = await login(app, 'qt-county2');
    const res = await as(app, other)({ method: 'GET', url: `/api/training/classes/${classId}/quota-units` });
    expect(res.statusCode).toBe(404);
  });
});
