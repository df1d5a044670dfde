/**
 * Spot-check draw benchmark: the draw over a 1M-teacher province (target ≤ 10 s).
 *
 *   npm run bench:draw              1M teachers: 100 counties × 50 schools, school sizes 20–380
 *   npm run bench:draw -- --quick   100k teachers
 *
 * In memory, the product's own rule (`domain/spot-check-draw.ts`): a province organising one draw over
 * all its schools (5,000 units, the worst case: every teacher ranked), the list hash of the same list,
 * each the median of 3 runs. The physical limit in the same run: the bare HMAC-SHA256 of one message
 * per teacher with the same key and no sorting; `draw_ratio_to_hmac` = draw / bare HMAC.
 * Then against a fresh embedded PostgreSQL with the product's settings (left out with --no-db): a county
 * of 20k teachers in 100 schools; `commit_county_s` is the service's commit (freeze the eligible list in
 * one INSERT … SELECT, count and size the units, hash the list, store the seed's hash, audited), median
 * of 3 spot-checks; its physical limit the bare INSERT … SELECT of the same 20k candidate rows
 * (`commit_ratio_to_insert`); `draw_county_s` the service's draw (re-hash, rank, mark, notify).
 * Prints readable lines, then one JSON object as the last line, also written to bench/results/draw.json.
 */
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import pg from 'pg';
import { loadEnv } from '../src/config/env.js';
import { createKysely, createPool } from '../src/db/database.js';
import { type EmbeddedCluster, startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { migrate } from '../src/db/migrate.js';
import { type DrawList, drawSample, listSha256, newSeed } from '../src/domain/spot-check-draw.js';
import { createOrgUnitRepository } from '../src/repositories/org-unit.repository.js';
import type { RequestContext } from '../src/services/context.js';
import { createSpotCheckService } from '../src/services/spot-check.service.js';

const QUICK = process.argv.includes('--quick');
const COUNTIES = QUICK ? 10 : 100;
const SCHOOLS_PER_COUNTY = 50;
const TARGET = QUICK ? 100_000 : 1_000_000;
const RUNS = 3;

/** A seeded PRNG (mulberry32), so the province is the same on every run. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Schools of realistic sizes: most between 20 and 200 teachers, a few large ones up to 380 (a county of
 * 50 schools then holds about 10k teachers, a province 1M), scaled so the total is exactly TARGET.
 */
function buildProvince(): DrawList {
  const rnd = prng(2027);
  const units = COUNTIES * SCHOOLS_PER_COUNTY;
  const raw = Array.from({ length: units }, () => (rnd() < 0.1 ? 200 + rnd() * 180 : 20 + rnd() * 180));
  const sum = raw.reduce((t, x) => t + x, 0);
  const sizes = raw.map((x) => Math.max(1, Math.floor((x / sum) * TARGET)));
  let rest = TARGET - sizes.reduce((t, x) => t + x, 0);
  for (let i = 0; rest > 0; i = (i + 1) % units, rest--) sizes[i] = (sizes[i] as number) + 1;
  let teacherId = 1_000_000;
  return {
    rateBp: 1000,
    minPerUnit: 1,
    units: sizes.map((n, i) => ({
      unitId: 10_000 + i,
      keys: Array.from({ length: n }, () => String(teacherId++)),
    })),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) / 1000;
}

const list = buildProvince();
const teachers = list.units.reduce((t, u) => t + u.keys.length, 0);
console.log(`Province: ${list.units.length} schools, ${teachers.toLocaleString('en')} teachers, rate 10 %, at least 1`);

const seed = newSeed();
// the physical limit: one HMAC per teacher, same key and messages, nothing kept
const key = Buffer.from(seed, 'hex');
const messages = list.units.flatMap((u) => u.keys.map((k) => `${u.unitId}:${k}`));
let drawn = 0;
const drawTimes: number[] = [];
const hmacTimes: number[] = [];
const hashTimes: number[] = [];
// interleaved, so a load from elsewhere on the machine falls on both alike
for (let i = 0; i < RUNS; i++) {
  drawTimes.push(
    time(() => {
      drawn = drawSample(seed, list).reduce((t, u) => t + u.drawn.length, 0);
    }),
  );
  hmacTimes.push(
    time(() => {
      for (const m of messages) createHmac('sha256', key).update(m, 'utf8').digest('hex');
    }),
  );
  hashTimes.push(time(() => listSha256(list)));
}

const draw = median(drawTimes);
const hmac = median(hmacTimes);
const hash = median(hashTimes);
console.log(
  `Draw (rank, sort, take per unit): median ${draw.toFixed(2)} s of ${drawTimes.map((x) => x.toFixed(2)).join(', ')}; ${drawn.toLocaleString('en')} drawn`,
);
console.log(`List hash (canonical text + SHA-256): median ${hash.toFixed(2)} s`);
console.log(`Bare HMAC-SHA256 of ${messages.length.toLocaleString('en')} messages: median ${hmac.toFixed(2)} s`);
console.log(`Draw / bare HMAC: ${(draw / hmac).toFixed(2)}  (target: draw ≤ 10 s)`);

const round2 = (x: number) => Math.round(x * 100) / 100;
const county = process.argv.includes('--no-db') ? null : await countyCommit();
const result = {
  teachers,
  units: list.units.length,
  drawn,
  draw_province_s: round2(draw),
  list_hash_s: round2(hash),
  hmac_s: round2(hmac),
  draw_ratio_to_hmac: round2(draw / hmac),
  ...(county ?? {}),
};
const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', QUICK ? 'draw-quick.json' : 'draw.json');
fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result));

/** The commit and the draw of a 20k-teacher county against a real PostgreSQL (see the header). */
async function countyCommit() {
  const COUNTY_TEACHERS = 20_000;
  const SCHOOLS = 100;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peixun-draw-bench-'));
  fs.chmodSync(dir, 0o755); // PostgreSQL runs as the postgres user when we are root
  let cluster: EmbeddedCluster | undefined;
  let pool: pg.Pool | undefined;
  try {
    cluster = await startEmbeddedPostgres({ dataDir: dir });
    const admin = new pg.Client({ connectionString: cluster.connectionString('postgres') });
    await admin.connect();
    await admin.query(`CREATE DATABASE peixun ENCODING 'UTF8' TEMPLATE template0`);
    await admin.end();
    const url = cluster.connectionString('peixun');
    pool = createPool(url, 4, 'peixun-draw-bench');
    await migrate(pool);
    const db = createKysely(pool);
    const env = loadEnv({ NODE_ENV: 'test', DATABASE_URL: url, PEIXUN_SECRET_KEY: 'a'.repeat(64) });
    const units = createOrgUnitRepository(db);
    const province = await units.insert(
      { parentId: null, kind: 'province', name: '吉林省', divisionCode: '220000', code: '220000' },
      null,
    );
    const city = await units.insert(
      { parentId: province.id, kind: 'city', name: '吉林市', divisionCode: '220200', code: '220200' },
      province,
    );
    const countyUnit = await units.insert(
      { parentId: city.id, kind: 'county', name: '桦甸市', divisionCode: '220282', code: '220282' },
      city,
    );
    const schools = [];
    for (let i = 0; i < SCHOOLS; i++)
      schools.push(
        await units.insert(
          { parentId: countyUnit.id, kind: 'school', name: `桦甸市第${i + 1}学校`, divisionCode: null, code: null },
          countyUnit,
        ),
      );
    const bounds = cumulativeSizes(COUNTY_TEACHERS, SCHOOLS);
    // 20k teachers, 50–350 a school (the registry's encrypted columns filled with stand-in bytes)
    await pool.query(
      `INSERT INTO teacher (province_id, org_unit_id, org_path, name, id_type, id_number_enc, id_number_hash,
                            id_number_masked, stage, employment)
       SELECT $1, s.id, s.path, '教师' || g, 'resident', decode(md5(g::text), 'hex'), decode(md5('h' || g), 'hex'),
              '2202**********' || lpad((g % 10000)::text, 4, '0'), 'primary', 'staff'
       FROM generate_series(1, $2::int) g
       JOIN unnest($3::bigint[], $4::text[], $5::int[], $6::int[]) AS s(id, path, lo, hi) ON g > s.lo AND g <= s.hi`,
      [
        province.provinceId,
        COUNTY_TEACHERS,
        schools.map((x) => x.id),
        schools.map((x) => x.path),
        [0, ...bounds.slice(0, -1)],
        bounds,
      ],
    );
    await pool.query('VACUUM ANALYZE teacher');
    const user = await pool.query<{ id: number }>(
      `INSERT INTO app_user (username, display_name, role, org_unit_id, org_path, province_id, password_hash)
       VALUES ('bench-county', 'bench-county', 'county_admin', $1, $2, $3, 'x') RETURNING id`,
      [countyUnit.id, countyUnit.path, countyUnit.provinceId],
    );
    const ctx: RequestContext = {
      actor: {
        userId: user.rows[0]!.id,
        username: 'bench-county',
        role: 'county_admin',
        orgUnitId: countyUnit.id,
        orgPath: countyUnit.path,
        provinceId: countyUnit.provinceId,
      },
      ip: null,
    };
    const service = createSpotCheckService({ db, env });
    const commits: number[] = [];
    const inserts: number[] = [];
    const draws: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const s = await service.create(ctx, {
        title: `抽测 ${i}`,
        year: 2027,
        ratePercent: 10,
        minPerUnit: 1,
        criteria: {},
      });
      let t0 = performance.now();
      await service.commit(ctx, s.id);
      commits.push((performance.now() - t0) / 1000);
      t0 = performance.now();
      await service.draw(ctx, s.id);
      draws.push((performance.now() - t0) / 1000);
      // the physical limit: the same rows written by one bare statement (another draft, durable commit)
      const bare = await service.create(ctx, {
        title: `裸写 ${i}`,
        year: 2027,
        ratePercent: 10,
        minPerUnit: 1,
        criteria: {},
      });
      t0 = performance.now();
      await pool.query(
        `INSERT INTO spot_check_candidate (spot_check_id, teacher_id, org_unit_id, org_path, list_key)
         SELECT $1, t.id, t.org_unit_id, t.org_path, t.id::text FROM teacher t WHERE t.org_path LIKE $2`,
        [bare.id, `${countyUnit.path}%`],
      );
      inserts.push((performance.now() - t0) / 1000);
    }
    const commit = median(commits);
    const insert = median(inserts);
    console.log(
      `County of ${COUNTY_TEACHERS.toLocaleString('en')} teachers in ${SCHOOLS} schools (PostgreSQL, durable): commit median ` +
        `${commit.toFixed(2)} s of ${commits.map((x) => x.toFixed(2)).join(', ')}; bare INSERT … SELECT of the same rows ` +
        `${insert.toFixed(2)} s; ratio ${(commit / insert).toFixed(2)}; draw median ${median(draws).toFixed(2)} s`,
    );
    return {
      commit_county_s: Math.round(commit * 100) / 100,
      commit_insert_s: Math.round(insert * 100) / 100,
      commit_ratio_to_insert: Math.round((commit / insert) * 100) / 100,
      draw_county_s: Math.round(median(draws) * 100) / 100,
    };
  } finally {
    await pool?.end().catch(() => undefined);
    await cluster?.stop().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Running totals of school sizes between 50 and 350 that add up to `total`. */
function cumulativeSizes(total: number, schools: number): number[] {
  const rnd = prng(20_000);
  const raw = Array.from({ length: schools }, () => 50 + rnd() * 300);
  const sum = raw.reduce((t, x) => t + x, 0);
  const sizes = raw.map((x) => Math.floor((x / sum) * total));
  sizes[0] = (sizes[0] as number) + total - sizes.reduce((t, x) => t + x, 0);
  let run = 0;
  return sizes.map((n) => (run += n));
}
