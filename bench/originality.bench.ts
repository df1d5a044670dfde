/**
 * Originality benchmark (issue 13 (b)): the check of a 1,000-character reflection against 100k stored
 * ones of its course, on a real embedded PostgreSQL.
 *
 *   npm run bench:originality              100k stored reflections (about a minute on 2 cores)
 *   npm run bench:originality -- --quick   10k stored reflections
 *
 * 1. Quality, in memory: character 3-grams (the product's shingles) against ICU word segmentation
 *    (`Intl.Segmenter`) and other shingle sizes on a built corpus (400 stored texts, 300 paraphrases
 *    with 5–10 % of the characters changed or paragraphs shuffled, 200 new texts): precision and recall
 *    at the 0.5 threshold through the same MinHash LSH, and the time to shingle a text.
 * 2. Data: stored reflections of one course (bench/originality-data.ts: texts from a fixed word list
 *    with a seeded PRNG, one in twenty a paraphrase of another), generated and fingerprinted by the
 *    product's code in one worker per core and loaded with COPY together with their band rows (the
 *    band table's key and foreign key built after the load, as a restore does), then VACUUM ANALYZE;
 *    PostgreSQL restarted with the product's settings.
 * 3. Measured, one check at a time: `checkOriginality` (services/originality.service.ts: fingerprint,
 *    the band lookup, the candidates' texts, the exact comparison and the matched passages) for
 *    200 texts, half paraphrases of stored ones, half new: p50/p95 (target p95 ≤ 50 ms). The physical
 *    limit in the same run: the bare indexed lookup of the same band sets straight through `pg` (a
 *    prepared statement); `originality_ratio_to_raw` = its p95 / the product's p95.
 * Prints readable lines, then one JSON object as the last line, also written to
 * bench/results/originality.json (originality-quick.json with --quick).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { loadEnv } from '../src/config/env.js';
import { createPool } from '../src/db/database.js';
import { startEmbeddedPostgres, type EmbeddedCluster } from '../src/db/embedded-postgres.js';
import { migrate } from '../src/db/migrate.js';
import type { DB } from '../src/db/schema.js';
import {
  bandKeys,
  fingerprint,
  LshIndex,
  minhash,
  normalise,
  shingles,
  similarity,
} from '../src/domain/originality.js';
import { createOrgUnitRepository } from '../src/repositories/org-unit.repository.js';
import { checkOriginality } from '../src/services/originality.service.js';
import { addUser } from '../test/support/fixtures.js';
import { seedTeacher } from '../test/support/ledger.js';
import { onlineClass, onlineCourse } from '../test/support/online-class.js';
import { paraphrase, reflectionText, shuffleParagraphs } from '../test/support/reflection-corpus.js';
import { BAND_COPY_SQL, checkText, REFLECTION_COPY_SQL, type CorpusPlace } from './originality-data.js';
import type { OriginalityWorkerData } from './originality-load.worker.js';

const QUICK = process.argv.includes('--quick');
const STORED = QUICK ? 10_000 : 100_000;
const CHECKS = 200;
const WARM_UP = 20;
const CLASSES = 20;
const TEACHERS = 50;
const THRESHOLD = 0.5;
const TARGET_P95_MS = 50;
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

const LOAD_SETTINGS: Record<string, string> = {
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  wal_level: 'minimal',
  max_wal_senders: '0',
  max_wal_size: '16GB',
  checkpoint_timeout: '1h',
  autovacuum: 'off',
  shared_buffers: '512MB',
  maintenance_work_mem: '512MB',
  max_parallel_maintenance_workers: '2',
};

const say = (l: string) => console.log(l);
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const sec = (ms: number) => round(ms / 1000, 2);
const fmt = (n: number) => n.toLocaleString('en-US');
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
};

// ---------------------------------------------------------------- 1. quality

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
/** Word k-shingles of ICU's segmentation of the normalised text (the method not chosen), hashed like the product's. */
function wordSet(text: string, k: number): Set<number> {
  const n = normalise(text);
  const words = [...segmenter.segment(String.fromCodePoint(...n.cps))].map((x) => x.segment);
  const out = new Set<number>();
  for (let i = 0; i + k <= Math.max(words.length, k); i++) {
    const w = words.slice(i, i + k).join('\u0001');
    let h = 0x811c9dc5;
    for (let j = 0; j < w.length; j++) h = Math.imul(h ^ w.charCodeAt(j), 0x01000193);
    out.add(h >>> 0);
  }
  return out;
}

interface Quality {
  precision: number;
  recall: number;
  recall_at_10pct: number;
  shingle_ms_per_text: number;
  unrelated_max_similarity: number;
}

function quality(): Record<string, Quality> {
  const N = 400;
  const base = Array.from({ length: N }, (_, i) => reflectionText(1000 + i, 1000));
  const queries = [
    ...Array.from({ length: 100 }, (_, i) => ({ text: paraphrase(base[i]!, 0.05, 77 + i), src: i, heavy: false })),
    ...Array.from({ length: 100 }, (_, i) => ({ text: paraphrase(base[i]!, 0.1, 177 + i), src: i, heavy: true })),
    ...Array.from({ length: 100 }, (_, i) => ({
      text: shuffleParagraphs(paraphrase(base[i]!, 0.05, 277 + i), i),
      src: i,
      heavy: false,
    })),
    ...Array.from({ length: 200 }, (_, i) => ({ text: reflectionText(90_000 + i, 1000), src: -1, heavy: false })),
  ];
  const modes: Array<[string, (t: string) => Set<number>]> = [
    ['char3 (chosen)', (t) => shingles(t, 3).set],
    ['char2', (t) => shingles(t, 2).set],
    ['char4', (t) => shingles(t, 4).set],
    ['word1 (Intl.Segmenter)', (t) => wordSet(t, 1)],
    ['word2 (Intl.Segmenter)', (t) => wordSet(t, 2)],
  ];
  const out: Record<string, Quality> = {};
  for (const [name, setOf] of modes) {
    const t0 = performance.now();
    const sets = base.map(setOf);
    const shingleMs = (performance.now() - t0) / N;
    const index = new LshIndex<number>();
    sets.forEach((s, i) => index.add(i, bandKeys(minhash(s))));
    let tp = 0;
    let fn = 0;
    let fp = 0;
    let heavyTp = 0;
    let unrelatedMax = 0;
    for (const [k, q] of queries.entries()) {
      const s = setOf(q.text);
      const flagged = [...index.candidates(bandKeys(minhash(s)))].filter((id) => similarity(s, sets[id]!) >= THRESHOLD);
      if (q.src >= 0) {
        if (flagged.includes(q.src)) {
          tp++;
          if (q.heavy) heavyTp++;
        } else fn++;
      } else unrelatedMax = Math.max(unrelatedMax, similarity(s, sets[k % N]!));
      fp += flagged.filter((id) => id !== q.src).length;
    }
    out[name] = {
      precision: round(tp / Math.max(1, tp + fp), 3),
      recall: round(tp / (tp + fn), 3),
      recall_at_10pct: round(heavyTp / 100, 3),
      shingle_ms_per_text: round(shingleMs, 3),
      unrelated_max_similarity: round(unrelatedMax, 3),
    };
  }
  return out;
}

// ---------------------------------------------------------------- 2. data

type Chunk = { done?: boolean; rows?: number; reflections?: string; bands?: string };

/** Stored reflections generated in one worker per core, each chunk written to both COPY streams as it comes. */
async function loadCorpus(
  pool: pg.Pool,
  place: CorpusPlace,
): Promise<{ seconds: number; generatedS: number; bands: number }> {
  const t0 = performance.now();
  const reflectionClient = await pool.connect();
  const bandClient = await pool.connect();
  const workers: Worker[] = [];
  let bands = 0;
  let generated = 0;
  try {
    const reflectionsIn = reflectionClient.query(copyFrom(REFLECTION_COPY_SQL));
    const bandsIn = bandClient.query(copyFrom(BAND_COPY_SQL));
    const write = (stream: NodeJS.WritableStream, text: string) =>
      stream.write(text)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            const failed = (e: unknown) => {
              stream.off('drain', drained);
              reject(e);
            };
            const drained = () => {
              stream.off('error', failed);
              resolve();
            };
            stream.once('drain', drained);
            stream.once('error', failed);
          });
    const n = Math.max(1, os.cpus().length);
    const code = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(new URL('./originality-load.worker.ts', import.meta.url).href)}); })`;
    await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const data: OriginalityWorkerData = {
          place,
          from: Math.floor((i * STORED) / n),
          to: Math.floor(((i + 1) * STORED) / n),
          chunk: 1_000,
        };
        const w = new Worker(code, { eval: true, workerData: data });
        workers.push(w);
        let waiting: { resolve: (m: Chunk) => void; reject: (e: unknown) => void } | undefined;
        w.on('message', (m: Chunk) => waiting?.resolve(m));
        w.on('error', (e) => waiting?.reject(e));
        const next = () =>
          new Promise<Chunk>((resolve, reject) => {
            waiting = { resolve, reject };
            w.postMessage('next');
          });
        for (let m = await next(); !m.done; m = await next()) {
          await write(reflectionsIn, m.reflections!);
          await write(bandsIn, m.bands!);
          bands += (m.bands!.match(/\n/g) ?? []).length;
        }
      }),
    );
    generated = performance.now();
    const ended = (s: NodeJS.WritableStream) =>
      new Promise<void>((resolve, reject) => {
        s.once('finish', resolve);
        s.once('error', reject);
        s.end();
      });
    await Promise.all([ended(reflectionsIn), ended(bandsIn)]);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
    reflectionClient.release();
    bandClient.release();
  }
  return { seconds: sec(performance.now() - t0), generatedS: sec(generated - t0), bands };
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  let dir: string | undefined;
  let cluster: EmbeddedCluster | undefined;
  let pool: pg.Pool | undefined;
  let db: Kysely<DB> | undefined;
  let raw: pg.Client | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaning ??= (async () => {
      await raw?.end().catch(() => undefined);
      await db?.destroy().catch(() => undefined);
      if (cluster) await cluster.stop().catch(() => undefined);
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
  const started = performance.now();
  try {
    const load1 = round(os.loadavg()[0]!, 2);
    say(
      `Peixun originality benchmark${QUICK ? ' (--quick)' : ''} — ${os.cpus().length} cores, node ${process.version}; ` +
        `load average at start ${load1}${load1 > 1 ? ' (other work is running: figures will be slower)' : ''}`,
    );

    say('');
    say('1. Quality on a built corpus (400 stored, 300 paraphrases, 200 new texts; threshold 0.5, MinHash LSH 32×4)');
    const q = quality();
    for (const [name, r] of Object.entries(q))
      say(
        `  ${name.padEnd(24)} precision ${r.precision.toFixed(3)}  recall ${r.recall.toFixed(3)} ` +
          `(at 10 % edits ${r.recall_at_10pct.toFixed(2)})  unrelated up to ${r.unrelated_max_similarity.toFixed(2)}  ` +
          `${r.shingle_ms_per_text.toFixed(3)} ms a text`,
      );

    say('');
    say(`2. Data: ${fmt(STORED)} stored reflections of one course (about 1,000 characters each) and their band rows`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peixun-originality-bench-'));
    fs.chmodSync(dir, 0o755); // PostgreSQL runs as the postgres user when we are root
    cluster = await startEmbeddedPostgres({ dataDir: dir, settings: LOAD_SETTINGS });
    const admin = new pg.Client({ connectionString: cluster.connectionString('postgres') });
    await admin.connect();
    await admin.query(`CREATE DATABASE peixun ENCODING 'UTF8' TEMPLATE template0`);
    await admin.end();
    const url = cluster.connectionString('peixun');
    pool = createPool(url, 10, 'peixun-originality-bench');
    await migrate(pool);
    db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    // the registry's key of this throw-away database (the teachers' ID numbers are encrypted with it)
    const env = loadEnv({ NODE_ENV: 'test', DATABASE_URL: url, PEIXUN_SECRET_KEY: 'a'.repeat(64) });
    const units = createOrgUnitRepository(db);
    const province = await units.insert(
      { parentId: null, kind: 'province', name: '吉林省', divisionCode: '220000', code: '220000' },
      null,
    );
    const county = await units.insert(
      { parentId: province.id, kind: 'county', name: '桦甸市', divisionCode: '220282', code: '220282' },
      province,
    );
    const school = await units.insert(
      { parentId: county.id, kind: 'school', name: '桦甸市第一实验小学', divisionCode: null, code: null },
      county,
    );
    const organiser = await addUser(db, county, 'county_admin', 'bench-county');
    const teachers = [];
    for (let i = 0; i < TEACHERS; i++)
      teachers.push({ id: await seedTeacher(db, env, school, { seed: 5000 + i }), orgPath: school.path });
    const courseId = await onlineCourse(db, county, { similarityThreshold: THRESHOLD }, '新课标下的大单元教学设计');
    const classIds: number[] = [];
    for (let c = 0; c < CLASSES; c++)
      classIds.push(await onlineClass(db, county, courseId, { createdBy: organiser, name: `网络研修${c + 1}班` }));
    const place: CorpusPlace = { provinceId: province.id, courseId, classIds, teachers };

    const t0 = performance.now();
    // the band table's key and foreign key are built after the load, as a restore does
    await pool.query('ALTER TABLE reflection_band DROP CONSTRAINT reflection_band_pkey');
    await pool.query('ALTER TABLE reflection_band DROP CONSTRAINT reflection_band_reflection_id_fkey');
    const loaded = await loadCorpus(pool, place);
    const t1 = performance.now();
    await pool.query('ALTER TABLE reflection_band ADD PRIMARY KEY (course_id, band_key, reflection_id)');
    await pool.query(
      'ALTER TABLE reflection_band ADD CONSTRAINT reflection_band_reflection_id_fkey ' +
        'FOREIGN KEY (reflection_id) REFERENCES reflection(id)',
    );
    await pool.query(`SELECT setval('reflection_id_seq', ${STORED})`);
    const t2 = performance.now();
    await pool.query('VACUUM (ANALYZE) reflection');
    await pool.query('VACUUM (ANALYZE) reflection_band');
    const t3 = performance.now();
    const sizes = (
      await pool.query<{ heap: string; index: string }>(
        `SELECT pg_size_pretty(pg_table_size('reflection_band')) AS heap,
                pg_size_pretty(pg_indexes_size('reflection_band')) AS index`,
      )
    ).rows[0]!;
    say(
      `  generated, fingerprinted and copied in ${loaded.seconds} s (${os.cpus().length} workers, the last chunk sent ` +
        `after ${loaded.generatedS} s), key and foreign key ` +
        `built in ${sec(t2 - t1)} s, VACUUM ANALYZE ${sec(t3 - t2)} s; ${fmt(loaded.bands)} band rows ` +
        `(table ${sizes.heap}, index ${sizes.index})`,
    );
    await db.destroy();
    db = undefined;
    await cluster.stop();
    cluster = await startEmbeddedPostgres({ dataDir: dir });
    pool = createPool(url, 10, 'peixun-originality-bench');
    db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    const loadSeconds = sec(performance.now() - t0);
    say(`  PostgreSQL restarted with the product's settings; data ready in ${loadSeconds} s`);

    say('');
    say(`3. Checks of 1,000-character texts against the course, one at a time (${WARM_UP} to warm up, then ${CHECKS})`);
    const texts = Array.from({ length: WARM_UP + CHECKS }, (_, k) => checkText(k, STORED));
    const latencies: number[] = [];
    const compared: number[] = [];
    let copiesFound = 0;
    let newFlagged = 0;
    for (let k = 0; k < texts.length; k++) {
      const { text, copies } = texts[k]!;
      const s = performance.now();
      const r = await checkOriginality(db, { courseId, text });
      const ms = performance.now() - s;
      if (k < WARM_UP) continue;
      latencies.push(ms);
      compared.push(r.compared);
      if (copies !== null && r.match?.kind === 'reflection' && r.similarity >= THRESHOLD) copiesFound++;
      if (copies === null && r.similarity >= THRESHOLD) newFlagged++;
    }
    const p50 = round(percentile(latencies, 50), 2);
    const p95 = round(percentile(latencies, 95), 2);
    const copyChecks = texts.slice(WARM_UP).filter((x) => x.copies !== null).length;
    say(
      `  checkOriginality: p50 ${p50} ms, p95 ${p95} ms (target ≤ ${TARGET_P95_MS} ms: ${p95 <= TARGET_P95_MS ? 'met' : 'MISSED'}); ` +
        `${round(compared.reduce((a, b) => a + b, 0) / compared.length, 2)} texts compared a check on average (at most ${Math.max(...compared)})`,
    );
    say(
      `  found ${copiesFound} of ${copyChecks} paraphrased copies at or above ${THRESHOLD}; flagged ${newFlagged} of ` +
        `${CHECKS - copyChecks} new texts`,
    );

    // the physical limit: the bare indexed lookup of the same band sets through pg
    raw = new pg.Client({ connectionString: url, application_name: 'peixun-bench-raw' });
    await raw.connect();
    const lookup = 'SELECT reflection_id FROM reflection_band WHERE course_id = $1 AND band_key = ANY($2::bigint[])';
    const keys = texts.map((x) => fingerprint(x.text).bands);
    const rawLatencies: number[] = [];
    for (let k = 0; k < keys.length; k++) {
      const s = performance.now();
      await raw.query({ name: 'band-lookup', text: lookup, values: [courseId, keys[k]] });
      if (k >= WARM_UP) rawLatencies.push(performance.now() - s);
    }
    const rawP50 = round(percentile(rawLatencies, 50), 2);
    const rawP95 = round(percentile(rawLatencies, 95), 2);
    const ratio = round(rawP95 / p95, 3);
    say(
      `  the bare band lookup straight through pg: p50 ${rawP50} ms, p95 ${rawP95} ms; ratio (its p95 / the check's) ${ratio}`,
    );
    const plan = (
      await raw.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT reflection_id, count(*) FROM reflection_band
         WHERE course_id = $1 AND band_key = ANY($2::bigint[]) GROUP BY reflection_id`,
        [courseId, keys[WARM_UP]],
      )
    ).rows.map((r) => r['QUERY PLAN']);
    say('  plan of the candidate lookup of a copy:');
    for (const line of plan) say(`    ${line}`);

    const result = {
      benchmark: 'originality',
      quick: QUICK,
      originality_stored: STORED,
      originality_band_rows: loaded.bands,
      originality_checks: CHECKS,
      originality_p50_ms: p50,
      originality_p95_ms: p95,
      originality_p95_target_ms: TARGET_P95_MS,
      originality_p95_met: p95 <= TARGET_P95_MS,
      originality_raw_p50_ms: rawP50,
      originality_raw_p95_ms: rawP95,
      originality_ratio_to_raw: ratio,
      originality_compared_mean: round(compared.reduce((a, b) => a + b, 0) / compared.length, 2),
      originality_copies_found: copiesFound,
      originality_copy_checks: copyChecks,
      originality_new_flagged: newFlagged,
      originality_load_s: loadSeconds,
      originality_quality: q,
      load_average_at_start: load1,
      total_s: sec(performance.now() - started),
    };
    const outDir = path.join(ROOT, 'bench/results');
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(
      path.join(outDir, QUICK ? 'originality-quick.json' : 'originality.json'),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    say('');
    say(JSON.stringify(result));
  } finally {
    await cleanUp();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
