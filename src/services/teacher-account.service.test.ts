import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { AppError } from '../errors/app-error.js';
import { createTeacherRepository } from '../repositories/teacher.repository.js';
import { as, buildTestApp, login } from '../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { actorAt, buildTree, type Tree } from '../../test/support/fixtures.js';
import { seedTeacher } from '../../test/support/ledger.js';
import type { RequestContext } from './context.js';
import {
  ACTIVATION_BATCH,
  createTeacherAccountService,
  type TeacherAccountService,
} from './teacher-account.service.js';

let t: TestDatabase;
let tree: Tree;
let accounts: TeacherAccountService;
let county: RequestContext;
let otherCounty: RequestContext;

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: unknown) => (e instanceof AppError ? e.code : String(e)),
  );

/** `n` more teachers of a school, copies of one seeded teacher with their own names and ID hashes. */
async function manyTeachers(school: Tree['S1'], n: number, prefix: string): Promise<number> {
  const model = await seedTeacher(t.db, t.env, school, { seed: 900 });
  await t.db
    .updateTable('teacher')
    .set({ name: `${prefix}00000` })
    .where('id', '=', model)
    .execute();
  await sql`INSERT INTO teacher (province_id, org_unit_id, org_path, name, id_type, id_number_enc, id_number_hash,
      id_number_masked, stage, employment)
    SELECT province_id, org_unit_id, org_path, ${prefix} || lpad(g::text, 5, '0'), id_type, id_number_enc,
      sha256(id_number_hash || int4send(g)), id_number_masked, stage, employment
    FROM teacher, generate_series(1, ${n - 1}) AS g WHERE id = ${model}`.execute(t.db);
  return model;
}

beforeAll(async () => {
  t = await createTestDatabase();
  tree = await buildTree(t.db);
  accounts = createTeacherAccountService({ db: t.db, env: t.env });
  county = await actorAt(t.db, tree.K2, 'county_admin', 'ta-k2');
  otherCounty = await actorAt(t.db, tree.K1, 'county_admin', 'ta-k1');
});
afterAll(async () => {
  await t?.close();
});

describe('activation slips of a unit with more teachers than one print', () => {
  const size = ACTIVATION_BATCH.toLocaleString('en');
  it(`come in batches of ${size} teachers, every teacher without an account in exactly one`, async () => {
    const total = ACTIVATION_BATCH + 7;
    const model = await manyTeachers(tree.S3, total, '教师');
    // one teacher of the first batch has an account: no slip for them, and the batches stay where they were
    const withAccount = await actorAt(t.db, tree.S3, 'teacher', 'ta-has-account');
    await createTeacherRepository(t.db).linkUser(model, withAccount.actor!.userId);

    expect(await accounts.activationBatches(county, tree.K2.id)).toEqual({
      teachers: total,
      withoutAccount: total - 1,
      batchSize: ACTIVATION_BATCH,
      batches: 2,
    });
    const first = await accounts.issueCodes(county, tree.K2.id, undefined, 1);
    expect(first.batch).toEqual({ batch: 1, batches: 2, from: 1, to: ACTIVATION_BATCH, teachers: total });
    expect(first.items.length).toBe(ACTIVATION_BATCH - 1);
    const second = await accounts.issueCodes(county, tree.K2.id, undefined, 2);
    expect(second.batch).toEqual({ batch: 2, batches: 2, from: ACTIVATION_BATCH + 1, to: total, teachers: total });
    expect(second.items.length).toBe(7);
    const ids = new Set([...first.items, ...second.items].map((c) => c.teacherId));
    expect(ids.size).toBe(total - 1);
    expect(ids.has(model)).toBe(false);
    // in print order: by school, then name
    expect(first.items.slice(0, 2).map((c) => c.name)).toEqual(['教师00001', '教师00002']);
    expect(first.items.some((c) => c.teacherId === model)).toBe(false);
    expect(second.items.at(-1)!.name).toBe(`教师${String(total - 1).padStart(5, '0')}`);
    // every slip's code works: its hash is stored
    const stored = await t.db
      .selectFrom('teacher')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('org_unit_id', '=', tree.S3.id)
      .where('activation_hash', 'is not', null)
      .executeTakeFirstOrThrow();
    expect(stored.n).toBe(total - 1);

    expect(await codeOf(accounts.issueCodes(county, tree.K2.id, undefined, 3))).toBe('VALIDATION_FAILED');
    expect(await codeOf(accounts.activationBatches(otherCounty, tree.K2.id))).toBe('NOT_FOUND');
    const audit = await t.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'teacher.issue_activation')
      .where('actor_username', '=', 'ta-k2')
      .where('outcome', '=', 'success')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.details)).toEqual([
      { count: ACTIVATION_BATCH - 1, named: 0, batch: 1, from: 1, to: ACTIVATION_BATCH },
      { count: 7, named: 0, batch: 2, from: ACTIVATION_BATCH + 1, to: total },
    ]);
  }, 120_000);
});

describe('the correction requests of a unit', () => {
  it('come one page at a time with their total, beyond 500', async () => {
    const teacherId = await seedTeacher(t.db, t.env, tree.S1, { seed: 901 });
    await sql`INSERT INTO teacher_correction (teacher_id, province_id, org_path, field, proposed, reason)
      SELECT ${teacherId}, ${tree.S1.provinceId}, ${tree.S1.path}, 'subject', '数学' || g, '第' || g || '次申请'
      FROM generate_series(1, 523) AS g`.execute(t.db);
    const page1 = await accounts.listCorrections(otherCounty, { orgUnitId: tree.K1.id, page: 1, pageSize: 200 });
    expect(page1.total).toBe(523);
    expect(page1.items.length).toBe(200);
    expect(page1.items[0]!.reason).toBe('第523次申请');
    const page3 = await accounts.listCorrections(otherCounty, { orgUnitId: tree.K1.id, page: 3, pageSize: 200 });
    expect(page3.items.length).toBe(123);
    expect(page3.items.at(-1)!.reason).toBe('第1次申请');
    const seen = new Set<number>();
    for (let page = 1; page <= 3; page++) {
      const r = await accounts.listCorrections(otherCounty, { orgUnitId: tree.K1.id, page, pageSize: 200 });
      for (const c of r.items) seen.add(c.id);
    }
    expect(seen.size).toBe(523);
    expect((await accounts.listCorrections(otherCounty, { orgUnitId: tree.K1.id, status: 'accepted' })).total).toBe(0);
    expect(await codeOf(accounts.listCorrections(county, { orgUnitId: tree.K1.id }))).toBe('NOT_FOUND');
  });
});

describe('over HTTP', () => {
  let app: FastifyInstance;
  afterAll(async () => {
    await app?.close();
  });

  it('pages and batches answer with their totals; a page or batch out of range is a clear 400', async () => {
    app = await buildTestApp(t);
    const k2 = as(app, await login(app, 'ta-k2'));
    const batches = await k2({ method: 'GET', url: `/api/org-units/${tree.K2.id}/activation-codes/batches` });
    expect(batches.statusCode, batches.body).toBe(200);
    expect(batches.json()).toMatchObject({ batchSize: ACTIVATION_BATCH, batches: 2 });
    const codesUrl = `/api/org-units/${tree.K2.id}/activation-codes`;
    for (const batch of [0, 1.5, 'x']) {
      const res = await k2({ method: 'POST', url: codesUrl, payload: { batch } });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
    const beyond = await k2({ method: 'POST', url: codesUrl, payload: { batch: 3 } });
    expect(beyond.statusCode).toBe(400);
    expect(beyond.json().error.details.issues[0]).toMatchObject({ path: 'batch' });

    const k1 = as(app, await login(app, 'ta-k1'));
    const page = await k1({
      method: 'GET',
      url: `/api/teacher-corrections?orgUnitId=${tree.K1.id}&page=2&pageSize=100`,
    });
    expect(page.statusCode, page.body).toBe(200);
    expect(page.json()).toMatchObject({ total: 523, page: 2, pageSize: 100 });
    expect(page.json().items).toHaveLength(100);
    expect((await k1({ method: 'GET', url: '/api/teacher-corrections?pageSize=201' })).statusCode).toBe(400);
  });
});
