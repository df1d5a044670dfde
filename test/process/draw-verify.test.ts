import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestContext } from '../../src/services/context.js';
import { createServices } from '../../src/services/services.js';
import type { PublishedList } from '../../src/services/spot-check.service.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { actorAt, buildTree, type Tree } from '../support/fixtures.js';
import { seedTeacher } from '../support/ledger.js';
import { cleanUp, makeDataDir, runCli } from '../support/server-process.js';

/**
 * `npx peixun draw verify` run as a real process on the list file a spot-check publishes: the same
 * teachers come out, and any change to the seed, the list or the published sample is caught.
 */
const dir = makeDataDir('peixun-draw-verify-');
let t: TestDatabase;
let tree: Tree;
let county: RequestContext;
let before: PublishedList;
let after: PublishedList;

const write = (name: string, list: unknown) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(list, null, 2));
  return file;
};

beforeAll(async () => {
  t = await createTestDatabase();
  tree = await buildTree(t.db);
  county = await actorAt(t.db, tree.K1, 'county_admin', 'dv-county');
  for (const [school, n] of [
    [tree.S1, 31],
    [tree.S2, 12],
    [tree.S4, 5],
  ] as const)
    for (let i = 0; i < n; i++) await seedTeacher(t.db, t.env, school);
  const sc = createServices({ db: t.db, env: t.env }).spotChecks;
  const s = await sc.create(county, { title: '抽测核验', year: 2027, ratePercent: 10, minPerUnit: 1, criteria: {} });
  await sc.commit(county, s.id);
  before = await sc.listFile(county, s.id);
  await sc.draw(county, s.id);
  after = await sc.listFile(county, s.id);
}, 120_000);
afterAll(async () => {
  await t?.close();
  await cleanUp([dir]);
});

describe('draw verify', () => {
  it('recomputes the published sample from the list and the seed (exit 0)', async () => {
    const file = write('spot-check-list.json', after);
    const r = await runCli(dir, ['draw', 'verify', '--list', file, '--seed', after.seed as string]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('OK   seed hash');
    expect(r.stdout).toContain('OK   list hash');
    expect(r.stdout).toContain('identical');
    expect(r.stdout).toContain('VERIFIED');
    // every drawn teacher is printed under their unit: 31 → 3, 12 → 1, the township's 5 → 1
    for (const u of after.sample ?? []) for (const key of u.drawn) expect(r.stdout).toContain(key);
    expect(r.stdout).toMatch(/桦甸市第一实验小学 \[\d+\] 3\/31/);
    expect(r.stdout).toMatch(/夹皮沟镇中心校 \[\d+\] 1\/5/);
  });

  it('checks the list published before the draw against the seed revealed after it', async () => {
    const file = write('before.json', before);
    const r = await runCli(dir, ['draw', 'verify', '--list', file, '--seed', after.seed as string]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('no published sample');
  });

  it('exits 1 on another seed, a changed list or a changed sample', async () => {
    const other = 'f'.repeat(64);
    const wrongSeed = await runCli(dir, ['draw', 'verify', '--list', write('a.json', after), '--seed', other]);
    expect(wrongSeed.code).toBe(1);
    expect(wrongSeed.stdout).toContain('FAIL seed hash');

    const dropped = structuredClone(after);
    dropped.units[0]?.teachers.pop();
    const listChanged = await runCli(dir, ['draw', 'verify', '--list', write('b.json', dropped)]);
    expect(listChanged.code).toBe(1);
    expect(listChanged.stdout).toContain('FAIL list hash');

    const swapped = structuredClone(after);
    const unit = swapped.units.find((u) => u.unitId === tree.S1.id);
    const sample = swapped.sample?.find((u) => u.unitId === tree.S1.id);
    const notDrawn = unit?.teachers.find((x) => !sample?.drawn.includes(x.key));
    if (sample && notDrawn) sample.drawn[0] = notDrawn.key;
    const sampleChanged = await runCli(dir, ['draw', 'verify', '--list', write('c.json', swapped)]);
    expect(sampleChanged.code).toBe(1);
    expect(sampleChanged.stdout).toContain(
      `FAIL published sample / 公布的抽取结果: differs in unit(s) / 以下单位不一致 ${tree.S1.id}`,
    );

    const missing = await runCli(dir, ['draw', 'verify', '--list', path.join(dir, 'none.json')]);
    expect(missing.code).toBe(2);
  });
});
