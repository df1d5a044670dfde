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
 * Prints readable lines, then one JSON object as the last line, also written to bench/results/draw.json.
 */
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { type DrawList, drawSample, listSha256, newSeed } from '../src/domain/spot-check-draw.js';

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

const result = {
  teachers,
  units: list.units.length,
  drawn,
  draw_province_s: Math.round(draw * 100) / 100,
  list_hash_s: Math.round(hash * 100) / 100,
  hmac_s: Math.round(hmac * 100) / 100,
  draw_ratio_to_hmac: Math.round((draw / hmac) * 100) / 100,
};
const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', QUICK ? 'draw-quick.json' : 'draw.json');
fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result));
