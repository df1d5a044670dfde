/**
 * The credit ledger under concurrent writers: 8 writers, each a service instance on
 * a pool of its own, post 10,000 entries for ~200 teachers of three schools in batches of 50,
 * while a fifth of the calls are retries of an earlier batch (same idemKeys, same content) sent at
 * the same moment as the original. Afterwards every key is one row, every teacher's and school's
 * summary equals the ledger, and `checkLedger` finds nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKysely, createPool, type Database } from '../src/db/database.js';
import type { Role } from '../src/domain/org-tree.js';
import { runJobsUntilIdle } from '../src/jobs/job-runner.js';
import type { OrgUnitRow } from '../src/repositories/org-unit.repository.js';
import type { RequestContext } from '../src/services/context.js';
import type { Registration, RegisterResult } from '../src/services/credit-ledger.service.js';
import { checkLedger } from '../src/services/ledger-maintenance.js';
import { createServices, type Services } from '../src/services/services.js';
import { createTestDatabase, type TestDatabase } from './support/db.js';
import { actorAt, buildTree, type Tree } from './support/fixtures.js';
import { seedTeacher } from './support/ledger.js';
import { prng } from './support/roster.js';

const WRITERS = 8;
const ENTRIES = 10_000;
const BATCH = 50;
const BATCHES = ENTRIES / BATCH;
/** duplicate calls: 20 % of all calls (50 of 250) */
const DUPLICATES = BATCHES / 4;
const TEACHERS = 201;

let t: TestDatabase;
let tree: Tree;
let schools: OrgUnitRow[];
const teacherIds: number[] = [];
const schoolOfTeacher = new Map<number, number>();
let county: RequestContext;
let cycleId: number;
const pools: Array<{ db: Database; end(): Promise<void> }> = [];
let writers: Services[];

const ctxAt = (unit: OrgUnitRow, role: Role, name: string): Promise<RequestContext> => actorAt(t.db, unit, role, name);

beforeAll(async () => {
  t = await createTestDatabase({ PEIXUN_TODAY: '2027-11-20' });
  tree = await buildTree(t.db);
  // three schools of one county: S1 and S2 directly under K1, S4 under the township centre T1
  schools = [tree.S1, tree.S2, tree.S4];
  for (let i = 0; i < TEACHERS; i++) {
    const school = schools[i % schools.length]!;
    const id = await seedTeacher(t.db, t.env, school, { seed: 1000 + i });
    teacherIds.push(id);
    schoolOfTeacher.set(id, school.id);
  }
  const province = await ctxAt(tree.P1, 'province_admin', 'conc-province');
  county = await ctxAt(tree.K1, 'county_admin', 'conc-county');
  const setup = createServices({ db: t.db, env: t.env });
  cycleId = (await setup.cycles.create(province, { name: '2026—2030年', startYear: 2026, endYear: 2030 })).id;
  await runJobsUntilIdle(t.db);
  // every writer a service instance of its own, on a pool of its own
  writers = [];
  for (let w = 0; w < WRITERS; w++) {
    const pool = createPool(t.url, 3, `conc-writer-${w}`);
    const db = createKysely(pool);
    pools.push({ db, end: () => db.destroy() });
    writers.push(createServices({ db, env: t.env }));
  }
}, 120_000);

afterAll(async () => {
  for (const p of pools) await p.end().catch(() => undefined);
  await t?.close();
});

/** The 10,000 distinct entries, deterministic: random teacher, hours, date and categories. */
function makeEntries(): Registration[] {
  const rnd = prng(20_270_101);
  const start = Date.UTC(2026, 0, 1);
  const end = Date.UTC(2027, 10, 20);
  const cats = ['ethics', 'edu_tech', 'subject', 'mental_health', 'student_education'];
  return Array.from({ length: ENTRIES }, (_, i) => {
    const day = new Date(start + Math.floor(rnd() * ((end - start) / 86_400_000 + 1)) * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const categories = cats.filter(() => rnd() < 0.3);
    return {
      teacherId: teacherIds[Math.floor(rnd() * teacherIds.length)]!,
      hours: 1 + Math.floor(rnd() * 120),
      occurredOn: day,
      title: `并发登记 ${i}`,
      categories,
      sourceType: rnd() < 0.5 ? 'project' : 'school_activity',
      idemKey: `conc-${String(i).padStart(5, '0')}`,
    } satisfies Registration;
  });
}

describe('the credit ledger under 8 concurrent writers', () => {
  it('keeps one row per key and summaries equal to the ledger, duplicates sent alongside their originals', async () => {
    const entries = makeEntries();
    const batches = Array.from({ length: BATCHES }, (_, b) => entries.slice(b * BATCH, (b + 1) * BATCH));
    // every 4th batch is sent twice, the retry queued right behind the original so that the next
    // free writer takes it while the original is still running
    const calls: Array<{ batch: number; duplicate: boolean }> = [];
    for (let b = 0; b < BATCHES; b++) {
      calls.push({ batch: b, duplicate: false });
      if (b % 4 === 1) calls.push({ batch: b, duplicate: true });
    }
    expect(calls.filter((c) => c.duplicate)).toHaveLength(DUPLICATES);

    const results = new Map<string, RegisterResult>();
    const failures: string[] = [];
    let next = 0;
    let overlapping = 0;
    const running = new Set<number>();
    const started = performance.now();
    await Promise.all(
      writers.map(async (svc, w) => {
        for (;;) {
          const i = next++;
          if (i >= calls.length) return;
          const call = calls[i]!;
          if (call.duplicate && running.has(call.batch)) overlapping++;
          running.add(call.batch);
          try {
            // a copy of the rows: the retry is another request with the same content
            const r = await svc.credits.register(
              county,
              batches[call.batch]!.map((e) => ({ ...e, categories: [...e.categories] })),
            );
            results.set(`${call.batch}:${call.duplicate}`, r);
          } catch (e) {
            failures.push(
              `writer ${w}, batch ${call.batch}${call.duplicate ? ' (duplicate)' : ''}: ${(e as { code?: string }).code ?? ''} ${(e as Error).message}`,
            );
          } finally {
            if (!call.duplicate) running.delete(call.batch);
          }
        }
      }),
    );
    const elapsed = performance.now() - started;
    const retriedFailures = await t.db
      .selectFrom('audit_log')
      .select(['error_code', (eb) => eb.fn.countAll<number>().as('n')])
      .where('action', '=', 'credit.register_bulk')
      .where('outcome', '<>', 'success')
      .groupBy('error_code')
      .execute();
    console.log(
      `ledger concurrency: ${calls.length} calls (${DUPLICATES} duplicates, ${overlapping} sent while their original ran) of ${BATCH} entries by ${WRITERS} writers in ${(elapsed / 1000).toFixed(2)} s ` +
        `(${Math.round((ENTRIES / elapsed) * 1000)} distinct entries/s); failed attempts retried inside the service: ${JSON.stringify(retriedFailures)}`,
    );

    expect(failures, 'calls that failed').toEqual([]);
    // the duplicates really ran alongside their originals for most pairs
    expect(overlapping).toBeGreaterThan(DUPLICATES / 2);

    // each pair: one call wrote the 50 rows, the other replayed them, with the same ids
    for (let b = 1; b < BATCHES; b += 4) {
      const a = results.get(`${b}:false`)!;
      const d = results.get(`${b}:true`)!;
      expect(a.created + d.created, `batch ${b}`).toBe(BATCH);
      expect(a.replayed + d.replayed, `batch ${b}`).toBe(BATCH);
      expect([a.created, d.created].sort(), `batch ${b}: all or nothing`).toEqual([0, BATCH]);
      expect(d.entries.map((e) => e.id)).toEqual(a.entries.map((e) => e.id));
    }
    for (let b = 0; b < BATCHES; b++) {
      if (b % 4 === 1) continue;
      expect(results.get(`${b}:false`)).toMatchObject({ created: BATCH, replayed: 0 });
    }

    // exactly one row per key
    const keys = await t.db
      .selectFrom('credit_entry')
      .select([
        (eb) => eb.fn.countAll<number>().as('rows'),
        (eb) => eb.fn.count<number>('idem_key').distinct().as('keys'),
      ])
      .where('idem_key', 'like', 'conc-%')
      .executeTakeFirstOrThrow();
    expect(keys).toEqual({ rows: ENTRIES, keys: ENTRIES });
    const stored = await t.db
      .selectFrom('credit_entry')
      .select(['idem_key', 'teacher_id', 'hours', 'occurred_on'])
      .where('idem_key', 'like', 'conc-%')
      .execute();
    const byKey = new Map(stored.map((r) => [r.idem_key, r]));
    const wrong = entries.filter((e) => {
      const r = byKey.get(e.idemKey!);
      return !r || r.teacher_id !== e.teacherId || r.hours !== e.hours || r.occurred_on !== e.occurredOn;
    });
    expect(wrong.map((e) => e.idemKey)).toEqual([]);

    // every teacher's total equals the sum of their distinct entries; the schools' counters too
    const want = new Map<number, { hours: number; count: number }>(
      teacherIds.map((id) => [id, { hours: 0, count: 0 }]),
    );
    for (const e of entries) {
      const w = want.get(e.teacherId)!;
      w.hours += e.hours;
      w.count++;
    }
    const statuses = await t.db
      .selectFrom('credit_teacher_status')
      .select(['teacher_id', 'raw_hours', 'counted_hours', 'entry_count', 'year_hours'])
      .where('cycle_id', '=', cycleId)
      .execute();
    expect(statuses).toHaveLength(TEACHERS);
    const statusProblems = statuses.flatMap((s) => {
      const w = want.get(s.teacher_id)!;
      const yearSum = s.year_hours.reduce((a, b) => a + b, 0);
      return s.raw_hours === w.hours && s.counted_hours === w.hours && s.entry_count === w.count && yearSum === w.hours
        ? []
        : [
            `teacher ${s.teacher_id}: stored ${s.raw_hours} h / ${s.entry_count} entries (years ${yearSum}), ledger ${w.hours} h / ${w.count}`,
          ];
    });
    expect(statusProblems).toEqual([]);
    const ledgerSums = await t.db
      .selectFrom('credit_entry')
      .select(['teacher_id', (eb) => eb.fn.sum<number>('hours').as('h')])
      .where('cycle_id', '=', cycleId)
      .groupBy('teacher_id')
      .execute();
    for (const r of ledgerSums) expect(Number(r.h), `teacher ${r.teacher_id}`).toBe(want.get(r.teacher_id)!.hours);

    const summaries = await t.db
      .selectFrom('credit_school_summary')
      .selectAll()
      .where('cycle_id', '=', cycleId)
      .execute();
    for (const school of schools) {
      const row = summaries.find((s) => s.org_unit_id === school.id)!;
      const mine = teacherIds.filter((id) => schoolOfTeacher.get(id) === school.id);
      expect(row.teachers, school.name).toBe(mine.length);
      expect(Number(row.raw_hours), school.name).toBe(mine.reduce((s, id) => s + want.get(id)!.hours, 0));
      expect(Number(row.entry_count), school.name).toBe(mine.reduce((s, id) => s + want.get(id)!.count, 0));
    }

    const check = await checkLedger(t.db, t.env);
    expect({
      ok: check.ok,
      statusDifferences: check.statusDifferences.slice(0, 5),
      schoolDifferences: check.schoolDifferences.slice(0, 5),
      missing: check.missingStatus,
    }).toEqual({ ok: true, statusDifferences: [], schoolDifferences: [], missing: 0 });
    expect(check.entries).toBe(ENTRIES);

    // a late retry of any batch is a pure replay
    const late = await writers[0]!.credits.register(county, batches[7]!);
    expect(late).toMatchObject({ created: 0, replayed: BATCH });
  }, 180_000);
});
