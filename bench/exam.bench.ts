/**
 * Exam benchmark: candidates starting one exam and saving answers with think time, the answer save
 * against bare single-row upserts, bulk auto-grading, and the spot-check draw of a province.
 *
 *   npm run bench:exam                       county scale: 2,000 candidates (under a minute of load)
 *   npm run bench:exam -- --scale province   20,000 candidates starting within 5 minutes, 100k papers graded
 *   npm run bench:exam -- --quick            county scale, shorter (for bench:quick)
 *
 * 1. Data: bench/ledger-data.ts (org tree and teachers of one county) loaded with COPY into a fresh
 *    embedded PostgreSQL (or DATABASE_URL, an empty database), restarted with the product's own
 *    settings (fsync and synchronous_commit on); a published course exam of the county with a fixed
 *    paper of 50 objective questions (bench/exam-data.ts); CANDIDATES teachers logged in.
 * 2. Server: `peixun serve` from the bundle.
 * 3. Measured:
 *    - exam_starts_per_s: POST /api/exams/:id/attempts for every candidate, 50 at a time (the paper
 *      built from the seed, the attempt written); "20,000 within 5 minutes" needs ≥ 67/s;
 *    - answer_save_p50/p99_ms, answers_refused, answers_lost: every candidate answers the next
 *      question after a think time (uniform, mean THINK_S), each PUT /api/exam-attempts/:id/answers
 *      timed; candidates arrive spread over the start window; lost = acknowledged saves whose answer
 *      is not in exam_answer at that sequence number or a later one afterwards;
 *    - answer_ratio_to_raw: the capacity of the save, in turns with its physical limit: saves from 50
 *      keep-alive connections in a closed loop against single-row INSERT … ON CONFLICT DO UPDATE into
 *      exam_answer straight through `pg` from 50 connections, each its own durable transaction (median of
 *      the turns, product ÷ raw);
 *    - grade_papers_per_s: PAPERS submitted papers of 50 answers (written with SQL) graded by the
 *      product's grading (services/exam-grading.ts gradeAttempts: objective answers scored, totals
 *      written), in batches of 1,000, against the bare read and write of the same answer rows
 *      (grade_ratio_to_raw = raw time ÷ product time);
 *    - draw_province_s: bench/draw.bench.ts in its own process (a 1M-teacher province).
 * Prints readable lines, then one JSON object as the last line, also written to
 * bench/results/exam-<scale>.json (exam-county-quick.json with --quick).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { bundleIsCurrent } from '../scripts/server-bundle.mjs';
import { createPool } from '../src/db/database.js';
import { startEmbeddedPostgres, type EmbeddedCluster } from '../src/db/embedded-postgres.js';
import { migrate } from '../src/db/migrate.js';
import type { DB } from '../src/db/schema.js';
import { createExamRepository } from '../src/repositories/exam.repository.js';
import { gradeAttempts } from '../src/services/exam-grading.js';
import { freePort, killServer, ROOT, waitHealthy, type ServerProcess } from '../test/support/server-process.js';
import { seedExam } from './exam-data.js';
import { buildTree, createCycle, loadLedger, SCALES, TODAY, type ScaleSpec } from './ledger-data.js';
import { spawnLedgerServer } from './ledger-server.js';
import { openRawLoad } from './raw-load.js';
import { type TeacherPhone, teacherPhones } from './training-storm.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const QUICK = process.argv.includes('--quick');
const SCALE = arg('scale') === 'province' ? 'province' : 'county';
const FULL = SCALE === 'province';
const DATABASE_URL = process.env['DATABASE_URL'];
/** one county's teachers: enough for the candidates */
const SPEC: ScaleSpec = {
  ...SCALES.county,
  teachers: FULL ? 20_000 : 10_000,
  schools: FULL ? 200 : 100,
  entries: 20_000,
};
const CANDIDATES = FULL ? 20_000 : QUICK ? 1_000 : 2_000;
const QUESTIONS = 50;
/** candidates arrive spread over this window, then answer for ANSWER_S */
const START_WINDOW_S = FULL ? 300 : QUICK ? 3 : 10;
const ANSWER_S = FULL ? 120 : QUICK ? 6 : 25;
/** mean think time between two answers of one candidate (uniform from half to one and a half times) */
const THINK_S = FULL ? 30 : 3;
const PAPERS = FULL ? 100_000 : QUICK ? 5_000 : 10_000;
const CONNECTIONS = 50;
const TURNS = 3;
const TURN_SECONDS = QUICK ? 2 : 3;
const TARGETS = {
  answer_save_p99_ms: 300,
  answers_lost: 0,
  answers_refused: 0,
  exam_starts_per_s: 67,
  draw_province_s: 10,
};
const LOAD_SETTINGS: Record<string, string> = {
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  wal_level: 'minimal',
  max_wal_senders: '0',
  autovacuum: 'off',
};

const say = (l: string) => console.log(l);
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
};
const median = (xs: number[]) => percentile(xs, 50);

interface Answer {
  status: number;
  body: string;
  ms: number;
}

function request(agent: http.Agent, port: number, phone: TeacherPhone, method: string, url: string, payload?: unknown) {
  const body = payload === undefined ? '' : JSON.stringify(payload);
  const t0 = performance.now();
  return new Promise<Answer>((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: url,
        method,
        agent,
        headers: {
          cookie: `peixun_session=${phone.cookie}`,
          'x-csrf-token': phone.csrf,
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, ms: performance.now() - t0 }));
      },
    );
    req.on('error', (e) => resolve({ status: 0, body: String(e), ms: performance.now() - t0 }));
    req.end(body);
  });
}

interface Candidate {
  phone: TeacherPhone;
  attempt: number;
  seq: number;
}

const answerOf = (position: number, seq: number) =>
  position % 3 === 2 ? seq % 2 === 0 : position % 3 === 1 ? ['A', 'C'].slice(0, 1 + (seq % 2)) : 'ABCD'[seq % 4]!;

async function main(): Promise<void> {
  const load0 = round(os.loadavg()[0]!, 2);
  let dir: string | undefined;
  let cluster: EmbeddedCluster | undefined;
  let pool: pg.Pool | undefined;
  let db: Kysely<DB> | undefined;
  let server: ServerProcess | undefined;
  const cleanUp = async () => {
    if (server) await killServer(server).catch(() => undefined);
    await db?.destroy().catch(() => undefined);
    if (cluster) await cluster.stop().catch(() => undefined);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
  const started = performance.now();
  try {
    say(
      `Peixun exam benchmark, ${SCALE} scale${QUICK ? ' (quick)' : ''} — ${os.cpus().length} cores, node ${process.version}, load average (1 min) ${load0}`,
    );
    // ------------------------------------------------------------ 1. data
    let url: string;
    if (DATABASE_URL) url = DATABASE_URL;
    else {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peixun-exam-bench-'));
      fs.chmodSync(dir, 0o755);
      cluster = await startEmbeddedPostgres({ dataDir: dir, settings: LOAD_SETTINGS });
      const admin = new pg.Client({ connectionString: cluster.connectionString('postgres') });
      await admin.connect();
      await admin.query(`CREATE DATABASE peixun ENCODING 'UTF8' TEMPLATE template0`);
      await admin.end();
      url = cluster.connectionString('peixun');
    }
    pool = createPool(url, 10, 'peixun-exam-bench');
    await migrate(pool);
    db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    const g0 = performance.now();
    const tree = await buildTree(db, SPEC);
    const { cycle, rules } = await createCycle(db, tree.province);
    const loaded = await loadLedger(pool, SPEC, tree, cycle, rules, () => undefined);
    if (cluster) {
      await db.destroy();
      await cluster.stop();
      cluster = await startEmbeddedPostgres({ dataDir: dir! });
      pool = createPool(url, 10, 'peixun-exam-bench');
      db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    }
    const exam = await seedExam(pool, { questions: QUESTIONS, durationMinutes: 180 });
    const countyPath = (
      await pool.query<{ path: string }>(`SELECT path FROM org_unit WHERE kind = 'county' ORDER BY id LIMIT 1`)
    ).rows[0]!.path;
    const teachers = (
      await pool.query<{ id: string }>(
        `SELECT id FROM teacher WHERE org_path LIKE $1 ORDER BY md5(id::text) LIMIT $2`,
        [`${countyPath}%`, CANDIDATES],
      )
    ).rows.map((r) => Number(r.id));
    const phones = await teacherPhones(pool, teachers);
    say(
      `1. Data: ${fmt(loaded.teachers)} teachers; exam ${exam.examId} (${QUESTIONS} objective questions, fixed paper); ` +
        `${fmt(phones.length)} candidates logged in; ${round((performance.now() - g0) / 1000, 2)} s`,
    );

    // ------------------------------------------------------------ 2. server
    if (process.env['PEIXUN_FROM_SOURCE'] !== '1' && !bundleIsCurrent())
      execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-server.mjs'), '--if-stale'], { stdio: 'inherit' });
    const port = await freePort();
    const serverDir = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'peixun-exam-server-'));
    server = spawnLedgerServer({
      dataDir: serverDir,
      port,
      databaseUrl: DATABASE_URL,
      env: { PEIXUN_TODAY: TODAY, PEIXUN_SEED_DEMO: 'never' },
    });
    await waitHealthy(server, 120_000, 20);
    say(`2. Server: pid ${server.pid}`);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 200 });

    // ------------------------------------------------------------ 3. starts (capacity, 50 at a time)
    let startsPerS = 0;
    let answerSeconds = 0;
    let savesPerS = 0;
    const candidates: Candidate[] = [];
    const startLatencies: number[] = [];
    const startFailures: string[] = [];
    {
      const queue = [...phones];
      const s0 = performance.now();
      await Promise.all(
        Array.from({ length: CONNECTIONS }, async () => {
          for (let p = queue.pop(); p; p = queue.pop()) {
            const a = await request(agent, port, p, 'POST', `/api/exams/${exam.examId}/attempts`);
            startLatencies.push(a.ms);
            if (a.status !== 200) startFailures.push(`${a.status} ${a.body.slice(0, 200)}`);
            else
              candidates.push({ phone: p, attempt: (JSON.parse(a.body) as { attemptId: number }).attemptId, seq: 0 });
          }
        }),
      );
      const s = (performance.now() - s0) / 1000;
      if (startFailures.length) throw new Error(`starts refused: ${startFailures[0]}`);
      startsPerS = candidates.length / s;
      say(
        `3. ${fmt(candidates.length)} attempts started in ${round(s, 2)} s → ${fmt(startsPerS)} /s, p99 ${round(percentile(startLatencies, 99), 1)} ms ` +
          `(≥ ${TARGETS.exam_starts_per_s}/s starts 20,000 within 5 minutes: ${mark(startsPerS >= TARGETS.exam_starts_per_s)})`,
      );
    }

    // ------------------------------------------------------------ 4. answering with think time
    const acked: Array<[number, number, number]> = [];
    const saveLatencies: number[] = [];
    const refused: Record<string, number> = {};
    {
      const t0 = performance.now();
      const until = t0 + (START_WINDOW_S + ANSWER_S) * 1000;
      let saves = 0;
      await Promise.all(
        candidates.map(async (c, i) => {
          // arrival spread over the start window, as a school's teachers come in
          await sleep((((i * 7919) % candidates.length) / candidates.length) * START_WINDOW_S * 1000);
          while (performance.now() < until) {
            const seq = ++c.seq;
            const position = (seq - 1) % QUESTIONS;
            const a = await request(agent, port, c.phone, 'PUT', `/api/exam-attempts/${c.attempt}/answers`, {
              answers: [{ position, answer: answerOf(position, seq), clientSeq: seq }],
            });
            saves++;
            saveLatencies.push(a.ms);
            if (a.status === 200) acked.push([c.attempt, position, seq]);
            else
              refused[`${a.status} ${a.body.slice(0, 80)}`] = (refused[`${a.status} ${a.body.slice(0, 80)}`] ?? 0) + 1;
            await sleep(THINK_S * 1000 * (0.5 + Math.random()));
          }
        }),
      );
      answerSeconds = (performance.now() - t0) / 1000;
      savesPerS = saves / answerSeconds;
    }
    const newest = new Map<string, [number, number, number]>();
    for (const a of acked) {
      const k = `${a[0]}:${a[1]}`;
      if ((newest.get(k)?.[2] ?? -1) < a[2]) newest.set(k, a);
    }
    const want = [...newest.values()];
    const found = Number(
      (
        await pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM exam_answer e
             JOIN unnest($1::bigint[], $2::int[], $3::int[]) AS a(att, pos, seq)
               ON e.attempt_id = a.att AND e.position = a.pos AND e.client_seq >= a.seq`,
          [want.map((x) => x[0]), want.map((x) => x[1]), want.map((x) => x[2])],
        )
      ).rows[0]!.n,
    );
    const lost = want.length - found;
    const refusedN = Object.values(refused).reduce((s, n) => s + n, 0);
    const saveP50 = round(percentile(saveLatencies, 50), 1);
    const saveP99 = round(percentile(saveLatencies, 99), 1);
    say(
      `4. ${fmt(candidates.length)} candidates arriving over ${START_WINDOW_S} s, answering every ${THINK_S} s on average for ` +
        `${round(answerSeconds, 1)} s: ${fmt(saveLatencies.length)} saves (${fmt(savesPerS)} /s), p50 ${saveP50} ms, ` +
        `p99 ${saveP99} ms (target ≤ ${TARGETS.answer_save_p99_ms}: ${mark(saveP99 <= TARGETS.answer_save_p99_ms)}); ` +
        `refused ${refusedN} ${refusedN ? JSON.stringify(refused) : ''}; lost ${lost} of ${fmt(want.length)} answers ` +
        `(target 0: ${mark(lost === 0 && refusedN === 0)})`,
    );

    // ------------------------------------------------------------ 5. capacity against bare upserts
    const turns: Array<{ product: number; raw: number }> = [];
    {
      const closed = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
      let next = 0;
      let count = 0;
      const save = async () => {
        const c = candidates[next++ % candidates.length]!;
        const seq = ++c.seq;
        const position = (seq - 1) % QUESTIONS;
        const a = await request(closed, port, c.phone, 'PUT', `/api/exam-attempts/${c.attempt}/answers`, {
          answers: [{ position, answer: answerOf(position, seq), clientSeq: seq }],
        });
        if (a.status === 200) count++;
      };
      // the limit writes into attempts of its own (another exam's), each upsert a newer answer
      const rawExam = await seedExam(pool!, { questions: QUESTIONS, title: '写入基准' });
      const rawAttempts = (
        await pool!.query<{ id: string }>(
          `INSERT INTO exam_attempt (province_id, exam_id, teacher_id, org_path, attempt_no, seed, paper, anon_code,
                                     status, deadline_at, max_score)
           SELECT province_id, $1, id, org_path, 1, md5(id::text), '[]', lpad((row_number() OVER ())::text, 6, '0'),
                  'open', now() + interval '1 day', 100
           FROM teacher WHERE id = ANY($2::bigint[]) RETURNING id`,
          [rawExam.examId, teachers],
        )
      ).rows.map((r) => Number(r.id));
      let rawSeq = 1;
      const raw = await openRawLoad(
        url,
        () => {
          const seq = rawSeq++;
          return {
            name: 'raw_answer',
            text:
              'INSERT INTO exam_answer (attempt_id, position, answer, client_seq) VALUES ($1, $2, $3::jsonb, $4) ' +
              'ON CONFLICT (attempt_id, position) DO UPDATE SET answer = EXCLUDED.answer, client_seq = EXCLUDED.client_seq, ' +
              'saved_at = clock_timestamp() WHERE exam_answer.client_seq < EXCLUDED.client_seq RETURNING position',
            values: [
              rawAttempts[seq % rawAttempts.length],
              Math.floor(seq / rawAttempts.length) % QUESTIONS,
              JSON.stringify('B'),
              seq,
            ],
          };
        },
        CONNECTIONS,
      );
      try {
        const loop = async (seconds: number) => {
          const until = performance.now() + seconds * 1000;
          const t0 = performance.now();
          const before = count;
          await Promise.all(
            Array.from({ length: CONNECTIONS }, async () => {
              while (performance.now() < until) await save();
            }),
          );
          return (count - before) / ((performance.now() - t0) / 1000);
        };
        await loop(1);
        for (let turn = 0; turn < TURNS; turn++) {
          const product = await loop(TURN_SECONDS);
          const r = await raw.measure(TURN_SECONDS);
          turns.push({ product: Math.round(product), raw: Math.round(r.perS) });
        }
      } finally {
        await raw.close();
        closed.destroy();
      }
    }
    agent.destroy();
    const answerRatio = round(median(turns.map((x) => x.product / x.raw)), 3);
    say(
      `5. answer saves at capacity from ${CONNECTIONS} connections against single-row durable upserts through pg, in turns: ` +
        `${turns.map((x) => `${fmt(x.product)} vs ${fmt(x.raw)}`).join('; ')} /s → answer_ratio_to_raw ${answerRatio}`,
    );
    await killServer(server);
    server = undefined;

    // ------------------------------------------------------------ 6. bulk grading
    // an exam of its own, so its six-digit codes never meet the candidates'
    const g = await gradeBench(
      pool,
      db,
      (await seedExam(pool, { questions: QUESTIONS, title: '批改基准' })).examId,
      teachers,
    );
    say(
      `6. grading ${fmt(PAPERS)} submitted papers of ${QUESTIONS} answers: ${round(g.seconds, 2)} s → ${fmt(g.perS)} papers/s ` +
        `(100k within 60 s needs ≥ 1,667/s: ${mark(g.perS >= 1_667)}); bare read and write of the same rows ${round(g.rawSeconds, 2)} s ` +
        `→ grade_ratio_to_raw ${g.ratio}`,
    );

    // ------------------------------------------------------------ 7. the draw of a province (its own process)
    let draw: Record<string, unknown> = {};
    if (fs.existsSync(path.join(ROOT, 'bench/draw.bench.ts'))) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/draw.bench.ts', '--no-db'], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      try {
        draw = JSON.parse((r.stdout ?? '').trim().split('\n').pop() ?? '') as Record<string, unknown>;
      } catch {
        throw new Error(`bench/draw.bench.ts gave no figures (exit ${r.status}): ${(r.stderr ?? '').slice(-500)}`);
      }
      say(
        `7. spot-check draw over a 1M-teacher province: ${draw['draw_province_s']} s (target ≤ ${TARGETS.draw_province_s}: ` +
          `${mark(Number(draw['draw_province_s']) <= TARGETS.draw_province_s)}); the bare HMAC of every teacher ${draw['hmac_s']} s ` +
          `→ draw_ratio_to_hmac ${round(Number(draw['hmac_s']) / Number(draw['draw_province_s']), 3)}`,
      );
    }

    const result = {
      scale: SCALE,
      quick: QUICK,
      candidates: candidates.length,
      questions: QUESTIONS,
      exam_starts_per_s: Math.round(startsPerS),
      exam_start_p99_ms: round(percentile(startLatencies, 99), 1),
      answer_saves: saveLatencies.length,
      answer_saves_per_s: Math.round(savesPerS),
      answer_save_p50_ms: saveP50,
      answer_save_p99_ms: saveP99,
      answers_refused: refusedN,
      answers_lost: lost,
      answer_raw_per_s: Math.round(median(turns.map((x) => x.raw))),
      answer_capacity_per_s: Math.round(median(turns.map((x) => x.product))),
      answer_ratio_to_raw: answerRatio,
      answer_turns: turns,
      papers_graded: PAPERS,
      grade_s: round(g.seconds, 2),
      grade_papers_per_s: Math.round(g.perS),
      grade_raw_s: round(g.rawSeconds, 2),
      grade_ratio_to_raw: g.ratio,
      draw_province_s: (draw['draw_province_s'] as number | undefined) ?? null,
      draw_hmac_s: (draw['hmac_s'] as number | undefined) ?? null,
      // the share of the limit reached, as every other ratio: the bare HMAC's time ÷ the draw's
      draw_ratio_to_hmac: draw['hmac_s'] ? round(Number(draw['hmac_s']) / Number(draw['draw_province_s']), 3) : null,
      targets: TARGETS,
      run_s: round((performance.now() - started) / 1000, 1),
      machine: {
        cores: os.cpus().length,
        node: process.version,
        loadavg_1m_at_start: load0,
        loadavg_1m_at_end: round(os.loadavg()[0]!, 2),
      },
      at: new Date().toISOString(),
    };
    const out = path.join(ROOT, 'bench/results', QUICK ? `exam-${SCALE}-quick.json` : `exam-${SCALE}.json`);
    fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result));
  } finally {
    await cleanUp();
  }
}

/**
 * PAPERS submitted attempts (the candidates' teachers, several attempts each) with every answer given,
 * graded as the product grades them, then the bare read and write of the same rows.
 */
async function gradeBench(pool: pg.Pool, db: Kysely<DB>, examId: number, teachers: number[]) {
  type PoolItem = { questionVersionId: number; points: number; optionKeys: string[] };
  const paper = (
    await pool.query<{ paper_pool: { items: PoolItem[] } }>(`SELECT paper_pool FROM exam WHERE id = $1`, [examId])
  ).rows[0]!.paper_pool.items.map((it, position) => ({ ...it, position }));
  const perTeacher = Math.ceil(PAPERS / teachers.length);
  // attempt numbers above the live ones, so the bench's papers never meet the candidates' attempts
  await pool.query(
    `INSERT INTO exam_attempt (province_id, exam_id, teacher_id, org_path, attempt_no, seed, paper, anon_code, status,
                               deadline_at, submitted_at, submitted_how, max_score)
     SELECT t.province_id, $1, t.id, t.org_path, 100 + k, md5(t.id::text || k), $2::jsonb,
            lpad(((row_number() OVER ()) + 500000)::text, 6, '0'), 'submitted', now(), now(), 'candidate', $5
     FROM (SELECT * FROM teacher WHERE id = ANY($3::bigint[])) t, generate_series(1, $4::int) k
     LIMIT $6`,
    [
      examId,
      JSON.stringify(paper.map(({ optionKeys, ...p }) => ({ ...p, optionOrder: optionKeys }))),
      teachers,
      perTeacher,
      paper.length * 2,
      PAPERS,
    ],
  );
  const ids = (
    await pool.query<{ id: string }>(
      `SELECT id FROM exam_attempt WHERE exam_id = $1 AND attempt_no > 100 ORDER BY id`,
      [examId],
    )
  ).rows.map((r) => Number(r.id));
  await pool.query(
    `INSERT INTO exam_answer (attempt_id, position, answer, client_seq)
     SELECT a, p, CASE p % 3 WHEN 0 THEN to_jsonb(substr('ABCD', 1 + ((a + p) % 4)::int, 1))
                             WHEN 1 THEN '["A","C"]'::jsonb ELSE to_jsonb((a + p) % 2 = 0) END, 1
     FROM unnest($1::bigint[]) a, generate_series(0, $2::int - 1) p`,
    [ids, QUESTIONS],
  );
  await pool.query('VACUUM ANALYZE exam_answer');
  await pool.query('VACUUM ANALYZE exam_attempt');
  const e = (await createExamRepository(db).exam(examId))!;
  const batch = 1_000;
  const t0 = performance.now();
  for (let i = 0; i < ids.length; i += batch) await gradeAttempts(db, e, ids.slice(i, i + batch));
  const seconds = (performance.now() - t0) / 1000;
  const graded = Number(
    (
      await pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM exam_attempt WHERE exam_id = $1 AND attempt_no > 100 AND status = 'graded'`,
        [examId],
      )
    ).rows[0]!.n,
  );
  if (graded !== ids.length) throw new Error(`graded ${graded} of ${ids.length} papers`);
  // the limit: the same answers read, and the same rows written, with nothing computed
  const r0 = performance.now();
  for (let i = 0; i < ids.length; i += batch) {
    const part = ids.slice(i, i + batch);
    await pool.query(`SELECT attempt_id, position, answer FROM exam_answer WHERE attempt_id = ANY($1::bigint[])`, [
      part,
    ]);
    await pool.query(`UPDATE exam_answer SET auto_score = auto_score + 0 WHERE attempt_id = ANY($1::bigint[])`, [part]);
    await pool.query(`UPDATE exam_attempt SET score = score WHERE id = ANY($1::bigint[])`, [part]);
  }
  const rawSeconds = (performance.now() - r0) / 1000;
  return { seconds, perS: ids.length / seconds, rawSeconds, ratio: round(rawSeconds / seconds, 3) };
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
