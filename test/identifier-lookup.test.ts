import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, login, type Session } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/db.js';
import { addUser, buildTree, type Tree } from './support/fixtures.js';
import { makeIdNumber } from './support/roster.js';

/**
 * City and province admins see ID numbers masked (region, last four, birth year). Searching by a
 * full number would confirm a guess of the hidden birth date in a few dozen tries, so their
 * searches by identifier are audited without the number and pause after a run of them.
 */

let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
const sessions: Record<string, Session> = {};
const idNumber = makeIdNumber('220282', new Date('1979-04-17T00:00:00Z'), 513, 'female');
const wrongGuess = makeIdNumber('220282', new Date('1979-04-18T00:00:00Z'), 513, 'female');

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_ID_LOOKUPS_PER_HOUR: '3' });
  tree = await buildTree(t.db);
  await addUser(t.db, tree.S1, 'school_admin', 'look-school');
  await addUser(t.db, tree.K1, 'county_admin', 'look-county');
  await addUser(t.db, tree.C1, 'city_admin', 'look-city');
  app = await buildTestApp(t);
  for (const role of ['school', 'county', 'city']) sessions[role] = await login(app, `look-${role}`);
  const res = await as(
    app,
    sessions['school']!,
  )({
    method: 'POST',
    url: '/api/teachers',
    payload: { orgUnitId: tree.S1.id, stage: 'primary', employment: 'staff', name: '孙晓雯', idNumber },
  });
  expect(res.statusCode, res.body).toBe(201);
});

afterAll(async () => {
  await app?.close();
  await t?.close();
});

const search = (role: string, q: string) =>
  as(app, sessions[role]!)({ method: 'GET', url: `/api/teachers?orgUnitId=${tree.K1.id}&q=${q}` });

describe('searching by a full ID number', () => {
  it('pauses for a city admin after the configured run of searches, audited without the number', async () => {
    for (const q of [wrongGuess, wrongGuess, idNumber]) {
      const res = await search('city', q);
      expect(res.statusCode, res.body).toBe(200);
    }
    const refused = await search('city', idNumber);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('IDENTIFIER_LOOKUP_LIMIT');
    // a search by name still works
    expect((await search('city', encodeURIComponent('孙'))).statusCode).toBe(200);

    const rows = await t.db
      .selectFrom('audit_log')
      .select(['action', 'outcome', 'details', 'target_label'])
      .where('action', '=', 'teacher.lookup_identifier')
      .orderBy('id')
      .execute();
    expect(rows.map((r) => r.outcome)).toEqual(['success', 'success', 'success', 'failure']);
    expect(JSON.stringify(rows)).not.toContain(idNumber.slice(6, 14));
    expect(JSON.stringify(rows)).not.toContain(wrongGuess.slice(6, 14));
  });

  it('leaves county and school admins, who may see numbers in full, unlimited and unaudited', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await search('county', idNumber);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().items).toHaveLength(1);
    }
    const rows = await t.db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'teacher.lookup_identifier')
      .where('actor_username', '=', 'look-county')
      .execute();
    expect(rows).toHaveLength(0);
  });
});
