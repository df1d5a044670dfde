/**
 * Online-study benchmark: heartbeats of teachers studying at once, written durably before they are
 * acknowledged, against the same number of bare durable inserts.
 *
 *   npm run bench:study                     county scale: 10k teachers in an online class (under a minute)
 *   npm run bench:study -- --quick          shorter turns (for bench:quick)
 *
 * 1. Data: bench/ledger-data.ts at county scale (org tree, 10k teachers, a cycle, the ledger) loaded
 *    with COPY into a fresh embedded PostgreSQL (or DATABASE_URL, an empty database), restarted with
 *    the product's own settings (fsync and synchronous_commit on). An online class of the county's
 *    project opens a course with a one-hour video to every teacher of the county (SQL, as the
 *    organiser's pages would leave it); SESSIONS of them get an account and a logged-in cookie session
 *    (bench/training-storm.ts).
 * 2. Server: `peixun serve` from the bundle (bench/ledger-server.ts).
 * 3. Measured:
 *    - study_start_per_s: POST /api/study/sessions for each of those teachers, 50 at a time;
 *    - heartbeats_per_s / heartbeat_p99_ms: POST /api/study/sessions/:id/heartbeats from 50 keep-alive
 *      connections in a closed loop (each sends its next heartbeat when the last is answered), the
 *      sessions taken in turn, each heartbeat the next number of its session; in turns with the physical
 *      limit: single-row INSERTs into study_heartbeat straight through `pg` from 50 connections, each
 *      committed (durable) on its own (heartbeat_ratio_to_raw = median over the turns of product ÷ raw);
 *    - heartbeats_lost: acknowledged heartbeats (200, not a repeat) missing from study_heartbeat after
 *      the run (must be 0);
 *    - study_close_s: POST /api/classes/:id/close of the online class by the county admin: every
 *      session settled from its heartbeats, each of the 10k teachers judged by the course's online
 *      requirements, the completing teachers' hours posted to the ledger (checked: one entry each);
 *    - originality_p95_ms: bench/originality.bench.ts in its own process (100k stored reflections; 10k
 *      with --quick): the check of a 1,000-character reflection, against the bare band lookup through pg.
 * Prints readable lines, then one JSON object as the last line, also written to
 * bench/results/study-county.json (study-county-quick.json with --quick).
 */
import crypto from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { bundleIsCurrent } from '../scripts/server-bundle.mjs';
import { createApiTokenRepository } from '../src/repositories/api-token.repository.js';
import { sha256 } from '../src/services/auth.service.js';
import { addUser } from '../test/support/fixtures.js';
import { createPool } from '../src/db/database.js';
import { startEmbeddedPostgres, type EmbeddedCluster } from '../src/db/embedded-postgres.js';
import { migrate } from '../src/db/migrate.js';
import type { DB } from '../src/db/schema.js';
import {
  freePort,
  killServer,
  ROOT,
  stopServer,
  waitHealthy,
  type ServerProcess,
} from '../test/support/server-process.js';
import { buildTree, createCycle, loadLedger, SCALES, TODAY } from './ledger-data.js';
import { spawnLedgerServer } from './ledger-server.js';
import { openRawLoad } from './raw-load.js';
import { type TeacherPhone, teacherPhones } from './training-storm.js';

const QUICK = process.argv.includes('--quick');
const SPEC = SCALES.county;
const DATABASE_URL = process.env['DATABASE_URL'];
/** BENCH_CPU_PROF=<dir>: the server writes a CPU profile there when it stops */
const CPU_PROF = process.env['BENCH_CPU_PROF'];
const CONNECTIONS = 50;
/** teachers studying at once (each with a session) */
const SESSIONS = QUICK ? 2_000 : 5_000;
/** turns of product then limit, seconds each */
const TURNS = 3;
const TURN_SECONDS = QUICK ? 2 : 4;
const TARGETS = { heartbeats_per_s: 2_000, heartbeat_ratio_to_raw: 0.5, heartbeats_lost: 0 } as const;
const SESSION_COOKIE = 'peixun_session';
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
const sec = (ms: number) => round(ms / 1000, 2);
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');
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

function post(agent: http.Agent, port: number, phone: TeacherPhone, url: string, payload: unknown): Promise<Answer> {
  const body = JSON.stringify(payload);
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: url,
        method: 'POST',
        agent,
        headers: {
          cookie: `${SESSION_COOKIE}=${phone.cookie}`,
          'x-csrf-token': phone.csrf,
          'content-type': 'application/json',
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

/** Runs `work` from `connections` workers in a closed loop for `seconds`. */
async function closedLoop(connections: number, seconds: number, work: () => Promise<void>): Promise<number> {
  const until = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < until) await work();
    }),
  );
  return (performance.now() - t0) / 1000;
}

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
      `Peixun online-study benchmark, county scale${QUICK ? ' (quick)' : ''} — ${os.cpus().length} cores, node ${process.version}, load average (1 min) ${load0}`,
    );
    // ------------------------------------------------------------ 1. data
    let url: string;
    if (DATABASE_URL) url = DATABASE_URL;
    else {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peixun-study-bench-'));
      fs.chmodSync(dir, 0o755);
      cluster = await startEmbeddedPostgres({ dataDir: dir, settings: LOAD_SETTINGS });
      const admin = new pg.Client({ connectionString: cluster.connectionString('postgres') });
      await admin.connect();
      await admin.query(`CREATE DATABASE peixun ENCODING 'UTF8' TEMPLATE template0`);
      await admin.end();
      url = cluster.connectionString('peixun');
    }
    pool = createPool(url, 10, 'peixun-study-bench');
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
      pool = createPool(url, 10, 'peixun-study-bench');
      db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    }
    const county = tree.counties[0]!;
    const online = await onlineClass(pool, county, TODAY);
    const teachers = (
      await pool.query<{ id: string }>(
        `SELECT teacher_id AS id FROM enrolment WHERE class_id = $1 ORDER BY md5(teacher_id::text) LIMIT $2`,
        [online.classId, SESSIONS],
      )
    ).rows.map((r) => Number(r.id));
    const phones = await teacherPhones(pool, teachers);
    say(
      `1. Data: ${fmt(loaded.teachers)} teachers, ${fmt(loaded.entries)} ledger entries; online class ${online.classId} ` +
        `(${fmt(online.enrolled)} enrolled, a 60-minute video); ${fmt(phones.length)} teachers logged in; ${sec(performance.now() - g0)} s`,
    );

    // ------------------------------------------------------------ 2. server
    if (process.env['PEIXUN_FROM_SOURCE'] !== '1' && !bundleIsCurrent())
      execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-server.mjs'), '--if-stale'], { stdio: 'inherit' });
    const port = await freePort();
    const serverDir = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'peixun-study-server-'));
    server = spawnLedgerServer({
      dataDir: serverDir,
      port,
      databaseUrl: DATABASE_URL,
      env: { PEIXUN_TODAY: TODAY, PEIXUN_SEED_DEMO: 'never' },
      nodeArgs: CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF] : [],
    });
    await waitHealthy(server, 120_000, 20);
    say(`2. Server: pid ${server.pid}, today ${TODAY}${CPU_PROF ? `, CPU profile to ${CPU_PROF}` : ''}`);

    // ------------------------------------------------------------ 3. sessions
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    const sessions: Array<{ phone: TeacherPhone; id: number; seq: number; pos: number }> = [];
    const queue = [...phones];
    const s0 = performance.now();
    const startFailures: string[] = [];
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        for (let p = queue.pop(); p; p = queue.pop()) {
          const a = await post(agent, port, p, '/api/study/sessions', {
            classId: online.classId,
            itemId: online.itemId,
          });
          if (a.status !== 201) startFailures.push(`${a.status} ${a.body.slice(0, 200)}`);
          else sessions.push({ phone: p, id: (JSON.parse(a.body) as { sessionId: number }).sessionId, seq: 0, pos: 0 });
        }
      }),
    );
    const startS = (performance.now() - s0) / 1000;
    if (startFailures.length) throw new Error(`study sessions refused: ${startFailures[0]}`);
    const startPerS = sessions.length / startS;
    say(
      `3. ${fmt(sessions.length)} study sessions opened in ${round(startS, 2)} s → ${fmt(startPerS)} /s (${CONNECTIONS} at a time)`,
    );

    // ------------------------------------------------------------ 4. heartbeats, in turns with the limit
    const acked: Array<[number, number]> = [];
    const latencies: number[] = [];
    const failures: Record<string, number> = {};
    let next = 0;
    const beat = async () => {
      const s = sessions[next++ % sessions.length]!;
      const seq = s.seq++;
      const from = s.pos;
      s.pos += 30;
      const a = await post(agent, port, s.phone, `/api/study/sessions/${s.id}/heartbeats`, {
        seq,
        from,
        to: s.pos,
        rate: 1,
        visible: true,
        focused: true,
        playing: true,
      });
      latencies.push(a.ms);
      if (a.status === 200 && !(JSON.parse(a.body) as { repeated: boolean }).repeated) acked.push([s.id, seq]);
      else failures[`${a.status}`] = (failures[`${a.status}`] ?? 0) + 1;
    };
    // the limit: a bare single-row durable insert per heartbeat, each its own transaction
    let rawSeq = 500_000;
    const raw = await openRawLoad(
      url,
      () => ({
        name: 'raw_heartbeat',
        text:
          'INSERT INTO study_heartbeat (session_id, seq, position_from, position_to, rate, visible, focused, playing) ' +
          'VALUES ($1, $2, 0, 30, 1, true, true, true) RETURNING received_at',
        values: [sessions[rawSeq % sessions.length]!.id, rawSeq++],
      }),
      CONNECTIONS,
    );
    const turns: Array<{ product: number; raw: number }> = [];
    let productCount = 0;
    let productSeconds = 0;
    try {
      await closedLoop(CONNECTIONS, 1, beat); // warm-up: each session known to the server
      acked.length = 0;
      latencies.length = 0;
      for (const k of Object.keys(failures)) delete failures[k];
      for (let turn = 0; turn < TURNS; turn++) {
        const before = latencies.length;
        const seconds = await closedLoop(CONNECTIONS, TURN_SECONDS, beat);
        const product = (latencies.length - before) / seconds;
        productCount += latencies.length - before;
        productSeconds += seconds;
        const r = await raw.measure(TURN_SECONDS);
        turns.push({ product: Math.round(product), raw: Math.round(r.perS) });
      }
    } finally {
      await raw.close();
    }
    agent.destroy();
    const perS = productCount / productSeconds;
    const ratio = round(median(turns.map((x) => x.product / x.raw)), 3);
    const p50 = round(percentile(latencies, 50), 2);
    const p99 = round(percentile(latencies, 99), 2);
    // durability: every acknowledged heartbeat is in the table
    const found = Number(
      (
        await pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM study_heartbeat h
             JOIN unnest($1::bigint[], $2::int[]) AS a(s, q) ON h.session_id = a.s AND h.seq = a.q`,
          [acked.map((a) => a[0]), acked.map((a) => a[1])],
        )
      ).rows[0]!.n,
    );
    const lost = acked.length - found;
    say(
      `4. heartbeats from ${CONNECTIONS} connections (${TURNS} turns of ${TURN_SECONDS} s): ${fmt(perS)} /s ` +
        `(target ≥ ${fmt(TARGETS.heartbeats_per_s)}: ${mark(perS >= TARGETS.heartbeats_per_s)}), p50 ${p50} ms, p99 ${p99} ms; ` +
        `${fmt(acked.length)} acknowledged, not acknowledged ${JSON.stringify(failures)}`,
    );
    say(
      `   limit: single-row durable INSERTs into study_heartbeat through pg from ${CONNECTIONS} connections, in turns: ` +
        `${turns.map((x) => `${fmt(x.product)} vs ${fmt(x.raw)}`).join('; ')} /s → heartbeat_ratio_to_raw ${ratio} ` +
        `(target ≥ ${TARGETS.heartbeat_ratio_to_raw}: ${mark(ratio >= TARGETS.heartbeat_ratio_to_raw)})`,
    );
    say(
      `   lost: ${lost} of ${fmt(acked.length)} acknowledged heartbeats missing from the table (target 0: ${mark(lost === 0)})`,
    );

    // ------------------------------------------------------------ 5. closing the class
    const admin = await addUser(db, county as never, 'county_admin', 'bench-study-organiser');
    const prefix = crypto.randomBytes(4).toString('hex');
    const token = `px_${prefix}_${crypto.randomBytes(24).toString('base64url')}`;
    await createApiTokenRepository(db).insert({
      userId: admin,
      name: 'study-bench',
      prefix,
      tokenHash: sha256(token),
      expiresAt: null,
    });
    // every teacher of the class has studied the first minute of the video a day ago (two heartbeats),
    // the requirement is that minute, and nothing else is asked: everyone completes, 10k postings
    await pool.query(`UPDATE course_item SET required_minutes = 1 WHERE id = $1`, [online.itemId]);
    await pool.query(
      `UPDATE course_online SET completion_rule = '{"homeworkRequired": false, "postsRequired": 0, "reflectionsRequired": 0}'
       WHERE course_id = (SELECT course_id FROM training_class WHERE id = $1)`,
      [online.classId],
    );
    await pool.query(
      `WITH s AS (
         INSERT INTO study_session (province_id, class_id, item_id, teacher_id, org_path, rule, presence_key, started_at)
         SELECT province_id, class_id, $2, teacher_id, org_path, '{}', decode(md5(random()::text) || md5(random()::text), 'hex'),
           now() - interval '1 day'
         FROM enrolment WHERE class_id = $1 RETURNING id, started_at)
       INSERT INTO study_heartbeat (session_id, seq, received_at, position_from, position_to, rate, visible, focused, playing)
       SELECT s.id, g, s.started_at + (g + 1) * interval '30 s', g * 30, g * 30 + 30, 1, true, true, true
       FROM s, generate_series(0, 1) g`,
      [online.classId, online.itemId],
    );
    const c0 = performance.now();
    const closeRes = await fetch(`http://127.0.0.1:${port}/api/classes/${online.classId}/close`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({}),
    });
    const closeS = (performance.now() - c0) / 1000;
    const closeBody = (await closeRes.json()) as { completed?: number; notCompleted?: number; posted?: number };
    if (closeRes.status !== 200) throw new Error(`close answered ${closeRes.status}: ${JSON.stringify(closeBody)}`);
    const posted = Number(
      (
        await pool.query<{ n: string }>(`SELECT count(*) AS n FROM credit_entry WHERE idem_key LIKE $1`, [
          `class:${online.classId}:teacher:%`,
        ])
      ).rows[0]!.n,
    );
    const stored = Number(
      (await pool.query<{ n: string }>(`SELECT count(*) AS n FROM study_session WHERE class_id = $1`, [online.classId]))
        .rows[0]!.n,
    );
    say(
      `5. closing the online class (${fmt(online.enrolled)} teachers, ${fmt(stored)} study sessions settled from their heartbeats): ` +
        `${round(closeS, 2)} s; ${fmt(closeBody.completed ?? 0)} complete, ${fmt(closeBody.notCompleted ?? 0)} not; ` +
        `${fmt(posted)} ledger entries of the class (posted now ${fmt(closeBody.posted ?? 0)})`,
    );

    // ------------------------------------------------------------ 6. originality (its own process and database)
    const orig = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'bench/originality.bench.ts', ...(QUICK ? ['--quick'] : [])],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: process.env,
      },
    );
    const lastLine = (orig.stdout ?? '').trim().split('\n').pop() ?? '';
    let originality: Record<string, unknown> = {};
    try {
      originality = JSON.parse(lastLine) as Record<string, unknown>;
    } catch {
      throw new Error(
        `bench/originality.bench.ts gave no figures (exit ${orig.status}): ${(orig.stderr ?? '').slice(-500)}`,
      );
    }
    say(
      `6. originality of a 1,000-character reflection against ${fmt(Number(originality['originality_stored']))} stored: ` +
        `p50 ${originality['originality_p50_ms']} ms, p95 ${originality['originality_p95_ms']} ms (target ≤ 50: ` +
        `${mark(Number(originality['originality_p95_ms']) <= 50)}); bare band lookup p95 ${originality['originality_raw_p95_ms']} ms ` +
        `→ ratio ${originality['originality_ratio_to_raw']}`,
    );

    const result = {
      scale: 'county',
      quick: QUICK,
      teachers: loaded.teachers,
      sessions: sessions.length,
      study_start_per_s: Math.round(startPerS),
      heartbeats_per_s: Math.round(perS),
      heartbeat_p50_ms: p50,
      heartbeat_p99_ms: p99,
      heartbeat_raw_per_s: Math.round(median(turns.map((x) => x.raw))),
      heartbeat_ratio_to_raw: ratio,
      heartbeat_turns: turns,
      heartbeats_acknowledged: acked.length,
      heartbeats_lost: lost,
      study_close_s: round(closeS, 2),
      study_close_completed: closeBody.completed ?? 0,
      study_close_posted: posted,
      originality_stored: originality['originality_stored'],
      originality_p50_ms: originality['originality_p50_ms'],
      originality_p95_ms: originality['originality_p95_ms'],
      originality_raw_p95_ms: originality['originality_raw_p95_ms'],
      originality_ratio_to_raw: originality['originality_ratio_to_raw'],
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
    if (CPU_PROF) {
      await stopServer(server);
      server = undefined;
    }
    const out = path.join(ROOT, 'bench/results', QUICK ? 'study-county-quick.json' : 'study-county.json');
    fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result));
  } finally {
    await cleanUp();
  }
}

/** An online class of a county project, its course a chapter with a one-hour video, every teacher of the county enrolled. */
async function onlineClass(
  pool: pg.Pool,
  county: { id: number; path: string; provinceId: number },
  today: string,
): Promise<{ classId: number; itemId: number; enrolled: number }> {
  const day = (d: number) => new Date(Date.parse(`${today}T00:00:00Z`) + d * 86_400_000).toISOString().slice(0, 10);
  const one = async (text: string, values: unknown[]) =>
    Number((await pool.query<{ id: string }>(text, values)).rows[0]!.id);
  const course = await one(
    `INSERT INTO course (province_id, org_unit_id, org_path, title, category, module, form, hours)
     VALUES ($1, $2, $3, '信息技术应用能力提升', 'required', '教育技术', 'online', 100) RETURNING id`,
    [county.provinceId, county.id, county.path],
  );
  await pool.query(`INSERT INTO course_online (course_id) VALUES ($1)`, [course]);
  const chapter = await one(
    `INSERT INTO course_chapter (course_id, position, title) VALUES ($1, 0, '第一章') RETURNING id`,
    [course],
  );
  const file = await one(
    `INSERT INTO study_file (province_id, course_id, kind, file_name, mime_type, size_bytes, sha256, duration_seconds)
     VALUES ($1, $2, 'video', '第一讲.mp4', 'video/mp4', 1000000, $3, 3600) RETURNING id`,
    [county.provinceId, course, crypto.randomBytes(32).toString('hex')],
  );
  const itemId = await one(
    `INSERT INTO course_item (course_id, chapter_id, position, kind, title, required_minutes, file_id)
     VALUES ($1, $2, 0, 'video', '第一讲', 60, $3) RETURNING id`,
    [course, chapter, file],
  );
  const project = await one(
    `INSERT INTO training_project (province_id, org_unit_id, org_path, level, title, year, status, hours,
       completion_rule)
     VALUES ($1, $2, $3, 'county', '网络研修', $4, 'open', 100, '{"minAttendancePct": 0, "assessmentRequired": false}')
     RETURNING id`,
    [county.provinceId, county.id, county.path, Number(today.slice(0, 4))],
  );
  const classId = await one(
    `INSERT INTO training_class (project_id, province_id, org_path, name, capacity, status, course_id,
       study_opens_on, study_closes_on)
     VALUES ($1, $2, $3, '网络研修一班', 1000000, 'open', $4, $5, $6) RETURNING id`,
    [project, county.provinceId, county.path, course, day(-30), day(30)],
  );
  const enrolled = await pool.query(
    `INSERT INTO enrolment (class_id, teacher_id, province_id, org_unit_id, org_path, status, source)
     SELECT $1, id, province_id, org_unit_id, org_path, 'enrolled', 'bulk' FROM teacher WHERE org_path LIKE $2`,
    [classId, `${county.path}%`],
  );
  await pool.query(`UPDATE training_class SET enrolled = $2 WHERE id = $1`, [classId, enrolled.rowCount]);
  return { classId, itemId, enrolled: enrolled.rowCount ?? 0 };
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
