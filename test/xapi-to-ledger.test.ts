/**
 * The whole way of a record from another platform: the platform posts a statement to /xapi about one
 * of the county's teachers (its account on the platform), the statement is matched to the teacher, the
 * county's mapping rule turns it into hours in the ledger without anyone running anything, the entry
 * names the statement and the platform, and the platform's voiding statement takes the hours back.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJobsUntilIdle } from '../src/jobs/job-runner.js';
import { createServices } from '../src/services/services.js';
import { buildTestApp } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/db.js';
import { actorAt, addUser, buildTree, type Tree } from './support/fixtures.js';
import { seedTeacher } from './support/ledger.js';
import { addLrsClient, asClient, type TestLrsClient } from './support/lrs.js';

let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let client: TestLrsClient;
let teacherId: number;
const HOME = 'https://basic.smartedu.example';

beforeAll(async () => {
  t = await createTestDatabase({
    PEIXUN_TODAY: '2027-11-20',
    PEIXUN_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'xapi-ledger-')),
  });
  tree = await buildTree(t.db);
  const s = createServices({ db: t.db, env: t.env });
  await s.cycles.create(await actorAt(t.db, tree.P1, 'province_admin', 'xl-province'), {
    name: '2026—2030年',
    startYear: 2026,
    endYear: 2030,
  });
  teacherId = await seedTeacher(t.db, t.env, tree.S1, { seed: 7 });
  const userId = await addUser(t.db, tree.S1, 'teacher', 'xl-zhang');
  await t.db.updateTable('teacher').set({ user_id: userId }).where('id', '=', teacherId).execute();
  client = await addLrsClient(t.db, tree.K1, {
    name: '国家智慧教育平台',
    identity: { kind: 'account', homePage: HOME },
  });
  await s.lrsRules.create(await actorAt(t.db, tree.K1, 'county_admin', 'xl-county'), undefined, {
    name: '国家平台课程',
    enabled: true,
    priority: 0,
    definition: {
      verbId: 'http://adlnet.gov/expapi/verbs/completed',
      activityType: null,
      activityPattern: `${HOME}/course/*`,
      clientId: null,
      completion: true,
      success: false,
      minScaled: null,
      minDurationMinutes: null,
      hours: { kind: 'per_duration', tenths: 10, perMinutes: 45, maxTenths: 40 },
      categories: ['online'],
      titleTemplate: '{platform}：{activity}',
    },
  });
  await runJobsUntilIdle(t.db);
  app = await buildTestApp(t);
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

const entries = () =>
  t.db
    .selectFrom('credit_entry')
    .select(['hours', 'evidence_ref', 'source_ref', 'reverses_id'])
    .where('teacher_id', '=', teacherId)
    .orderBy('id')
    .execute();

/** The mapping is woken by the store; its job runs in the server's runner, here by hand once the wake fired. */
async function mappingSettles(): Promise<void> {
  await new Promise((r) => setTimeout(r, 1_500));
  await runJobsUntilIdle(t.db);
}

describe('a platform reports, the ledger credits', () => {
  it('posts the hours of a completed course once, naming the statement and the platform, and takes them back on voiding', async () => {
    const id = crypto.randomUUID();
    const statement = {
      id,
      actor: { objectType: 'Agent', account: { homePage: HOME, name: 'xl-zhang' } },
      verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
      object: { id: `${HOME}/course/42`, definition: { name: { 'zh-CN': '课堂提问的艺术' } } },
      result: { completion: true, duration: 'PT1H40M' },
      timestamp: '2027-05-01T10:00:00+08:00',
    };
    const res = await asClient(app, client)({ method: 'POST', url: '/xapi/statements', payload: statement });
    expect(res.statusCode, res.body).toBe(200);
    const row = await t.db
      .selectFrom('xapi_statement')
      .select(['teacher_id', 'match_status'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ match_status: 'matched', teacher_id: teacherId });
    await mappingSettles();
    // a retry of the same statement is one statement and one entry
    await asClient(app, client)({ method: 'POST', url: '/xapi/statements', payload: statement });
    await mappingSettles();
    const credited = await entries();
    expect(credited).toHaveLength(1);
    // 100 minutes at one hour per 45 minutes: 2 hours (the ledger counts tenths)
    expect(credited[0]).toMatchObject({ hours: 20, source_ref: `xapi:${id}` });
    expect(credited[0]?.evidence_ref).toContain(id);
    expect(credited[0]?.evidence_ref).toContain('国家智慧教育平台');

    const voiding = await asClient(
      app,
      client,
    )({
      method: 'POST',
      url: '/xapi/statements',
      payload: {
        actor: { account: { homePage: HOME, name: 'platform-admin' } },
        verb: { id: 'http://adlnet.gov/expapi/verbs/voided' },
        object: { objectType: 'StatementRef', id },
      },
    });
    expect(voiding.statusCode).toBe(200);
    await mappingSettles();
    const after = await entries();
    expect(after).toHaveLength(2);
    expect(after[1]).toMatchObject({ hours: -20 });
  });
});
