import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, login, type Session } from '../../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { addUser, buildTree, type Tree } from '../../../test/support/fixtures.js';
import { seedTeacher } from '../../../test/support/ledger.js';
import { drawSample, seedSha256 } from '../../domain/spot-check-draw.js';
import ExcelJS from '../../services/excel.js';

let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let county: Session;
let school: Session;
let otherCounty: Session;

beforeAll(async () => {
  t = await createTestDatabase();
  tree = await buildTree(t.db);
  await addUser(t.db, tree.K1, 'county_admin', 'scr-county');
  await addUser(t.db, tree.S2, 'school_admin', 'scr-school');
  await addUser(t.db, tree.K2, 'county_admin', 'scr-county2');
  for (let i = 0; i < 15; i++) await seedTeacher(t.db, t.env, tree.S1);
  for (let i = 0; i < 6; i++) await seedTeacher(t.db, t.env, tree.S2);
  app = await buildTestApp(t);
  county = await login(app, 'scr-county');
  school = await login(app, 'scr-school');
  otherCounty = await login(app, 'scr-county2');
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

describe('spot-check routes', () => {
  it('carry a spot-check through its steps and hand out a list file the draw can be checked against', async () => {
    const bad = await as(app, county)({ method: 'POST', url: '/api/spot-checks', payload: { title: '', year: 2027 } });
    expect(bad.statusCode).toBe(400);

    const created = await as(
      app,
      county,
    )({
      method: 'POST',
      url: '/api/spot-checks',
      payload: { title: '县级抽测', year: 2027, ratePercent: 10, criteria: { stages: ['primary'] } },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().spotCheck.id as number;
    expect(created.json().spotCheck).toMatchObject({ status: 'draft', minPerUnit: 1, manage: true, seed: null });
    expect(created.json().spotCheck.verifyCommand).toContain('npx peixun draw verify --list');

    const committed = await as(app, county)({ method: 'POST', url: `/api/spot-checks/${id}/commit` });
    expect(committed.statusCode, committed.body).toBe(200);
    expect(committed.json().spotCheck.seed).toBeNull();
    expect(committed.json().spotCheck.seedSha256).toMatch(/^[0-9a-f]{64}$/);

    // the school sees the published list: masked names, no ID numbers, the hashes, no seed yet
    const list = await as(app, school)({ method: 'GET', url: `/api/spot-checks/${id}/list.json` });
    expect(list.statusCode).toBe(200);
    expect(list.headers['content-disposition']).toContain(`spot-check-${id}-list.json`);
    const file = list.json();
    expect(file).not.toHaveProperty('seed');
    expect(file.units.map((u: { eligible: number; sampleSize: number }) => [u.eligible, u.sampleSize])).toEqual(
      expect.arrayContaining([
        [15, 2],
        [6, 1],
      ]),
    );
    const numbers = await t.db.selectFrom('teacher').select('id_number_masked').execute();
    for (const n of numbers) expect(list.body).not.toContain(n.id_number_masked);

    const drawn = await as(app, county)({ method: 'POST', url: `/api/spot-checks/${id}/draw` });
    expect(drawn.statusCode).toBe(200);
    const seed = drawn.json().spotCheck.seed as string;
    expect(seedSha256(seed)).toBe(committed.json().spotCheck.seedSha256);
    expect((await as(app, county)({ method: 'POST', url: `/api/spot-checks/${id}/draw` })).json().error.code).toBe(
      'SPOT_CHECK_STATE',
    );
    // the school reads, but the steps are the county's
    expect((await as(app, school)({ method: 'POST', url: `/api/spot-checks/${id}/publish-results` })).statusCode).toBe(
      403,
    );

    const detail = (await as(app, school)({ method: 'GET', url: `/api/spot-checks/${id}` })).json();
    const after = (await as(app, school)({ method: 'GET', url: `/api/spot-checks/${id}/list.json` })).json();
    const recomputed = drawSample(seed, {
      rateBp: after.rateBp,
      minPerUnit: after.minPerUnit,
      units: after.units.map((u: { unitId: number; teachers: { key: string }[] }) => ({
        unitId: u.unitId,
        keys: u.teachers.map((x) => x.key),
      })),
    });
    for (const u of detail.units as { unitId: number; drawn: { listKey: string }[] }[])
      expect(u.drawn.map((d) => d.listKey).sort()).toEqual(
        [...(recomputed.find((r) => r.unitId === u.unitId)?.drawn ?? [])].sort(),
      );

    const sheet = await as(app, school)({ method: 'GET', url: `/api/spot-checks/${id}/list.xlsx` });
    expect(sheet.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(sheet.rawPayload as unknown as ArrayBuffer);
    expect(wb.getWorksheet('说明')?.getRow(9).getCell(2).value).toBe(seed);
    expect(wb.getWorksheet('名单')?.rowCount).toBe(22);

    // another county does not learn the spot-check exists
    const hidden = await as(app, otherCounty)({ method: 'GET', url: `/api/spot-checks/${id}` });
    expect(hidden.statusCode).toBe(404);
    expect(hidden.body).not.toContain('县级抽测');
    const listed = (await as(app, otherCounty)({ method: 'GET', url: '/api/spot-checks' })).json();
    expect(listed.items).toEqual([]);
    expect(
      (await as(app, school)({ method: 'GET', url: '/api/spot-checks' })).json().items.map((s: { id: number }) => s.id),
    ).toEqual([id]);
  });
});
