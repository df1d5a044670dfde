/**
 * Programmes benchmark: a province competition's judging and a judge's queue.
 *
 *   npm run bench:programmes                       county scale: 2,000 entries, 50 judges (under a minute)
 *   npm run bench:programmes -- --scale province   20,000 entries, 500 judges, 5 scores per entry
 *
 * 1. Data: an org tree (bench/ledger-data.ts buildTree), a competition of the province with one round held by the
 *    province, ENTRIES entries from its schools, JUDGES judges (trainers of the province) seated five to a panel,
 *    each entry assigned to a panel and scored by its five judges (submitted rubric totals), written with SQL in a
 *    fresh embedded PostgreSQL. Entries carry no entrant teachers (aggregation never reads them).
 * 2. aggregate_20k_s: the organiser's aggregation as the product runs it (services/competition.service.ts
 *    `aggregate`: every submitted score read, per-judge normalisation, trimmed mean, ranking with the tie-break,
 *    scorecards and results written for every entry, disagreements flagged, the advancement plan per unit) plus
 *    the advancement within quotas per city (domain `advance`), in one process against the database; the limit:
 *    one SQL statement computing the same trimmed means and ranks from the same scores (nothing written), and
 *    the ratio of the two.
 * 3. judge_queue_p95_ms: GET /api/judging/queue pages of a judge with ENTRIES×5/JUDGES entries in the queue,
 *    through the real server (`peixun serve` from the bundle), QUEUE_REQUESTS requests from one keep-alive
 *    client; the limit: the queue's own query (repository) run directly against the database.
 * 4. archive_pdfs_per_s: bench/programmes-archive.ts `archivePdfFigures({scale})`: a teacher's archive PDF
 *    through the product's own path on both cores, against the same document rendered from memory.
 * Prints readable lines, then one JSON object as the last line, also written to
 * bench/results/programmes-<scale>.json.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { bundleIsCurrent } from '../scripts/server-bundle.mjs';
import { loadEnv } from '../src/config/env.js';
import { createPool } from '../src/db/database.js';
import { type EmbeddedCluster, startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { migrate } from '../src/db/migrate.js';
import type { DB } from '../src/db/schema.js';
import { advance } from '../src/domain/judging.js';
import { createCompetitionRepository } from '../src/repositories/competition.repository.js';
import { createUserRepository } from '../src/repositories/user.repository.js';
import { createCompetitionService, quotaUnitFor } from '../src/services/competition.service.js';
import { hashPassword } from '../src/services/password-hasher.js';
import { freePort, killServer, login, ROOT, type ServerProcess, waitHealthy } from '../test/support/server-process.js';
import { buildTree, SCALES, TODAY } from './ledger-data.js';
import { spawnLedgerServer } from './ledger-server.js';
import { archivePdfFigures } from './programmes-archive.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const SCALE = arg('scale') === 'province' ? 'province' : 'county';
const FULL = SCALE === 'province';
const ENTRIES = FULL ? 20_000 : 2_000;
const JUDGES = FULL ? 500 : 50;
const PER_ENTRY = 5;
const PANELS = JUDGES / PER_ENTRY;
const QUEUE_REQUESTS = FULL ? 400 : 200;
const PAGE_SIZE = 20;
const PASSWORD = 'Bench-judge-2027';
const TARGETS = { aggregateS: 10, queueP95Ms: 50, archivePdfsPerS: 10 };

const say = (s: string) => console.log(s);
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const p95 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] ?? 0;
};

async function seed(pool: pg.Pool, db: Kysely<DB>) {
  const tree = await buildTree(db, {
    ...SCALES[SCALE],
    schools: FULL ? 2_000 : 100,
    cities: FULL ? 16 : 1,
    counties: FULL ? 100 : 1,
    teachers: 0,
    entries: 0,
  });
  const p = tree.province;
  const hash = await hashPassword(PASSWORD);
  const users = createUserRepository(db);
  const admin = await users.insert({
    username: 'bench-province',
    displayName: '省管理员',
    role: 'province_admin',
    orgUnitId: p.id,
    orgPath: p.path,
    provinceId: p.provinceId,
    passwordHash: hash,
    mustChangePassword: false,
  });
  const judgeIds: number[] = [];
  for (let j = 0; j < JUDGES; j++)
    judgeIds.push(
      await users.insert({
        username: `bench-judge-${j}`,
        displayName: `评委${j}`,
        role: 'trainer',
        orgUnitId: p.id,
        orgPath: p.path,
        provinceId: p.provinceId,
        passwordHash: hash,
        mustChangePassword: false,
      }),
    );
  const q = (text: string, values: unknown[] = []) => pool.query(text, values);
  const comp = (
    await q(
      `INSERT INTO competition (province_id, org_unit_id, org_path, title, kind, year, categories, rubric, trim_at, normalise,
         normalise_min, spread_threshold)
       VALUES ($1, $2, $3, '全省中小学优秀教学案例评比', 'case', 2027, '[]',
         '[{"key":"content","label":"内容","weight":4,"max":40},{"key":"method","label":"方法","weight":3,"max":30},
           {"key":"effect","label":"效果","weight":3,"max":30}]', 5, true, 10, 20) RETURNING id`,
      [p.provinceId, p.id, p.path],
    )
  ).rows[0].id as string;
  const roundId = Number(
    (
      await q(
        `INSERT INTO competition_round (competition_id, province_id, level, position, org_unit_id, org_path, deadline,
           quota_default, status) VALUES ($1, $2, 'province', 0, $3, $4, '2027-12-31', 10000, 'judging') RETURNING id`,
        [comp, p.provinceId, p.id, p.path],
      )
    ).rows[0].id,
  );
  const schools = tree.schools;
  const sIds = schools.map((s) => s.id);
  const sPaths = schools.map((s) => s.path);
  await q(
    `INSERT INTO competition_entry (competition_id, province_id, school_unit_id, org_path, title, body, blind_code, submitted_by,
       submitted_at)
     SELECT $1, $2, ($3::bigint[])[1 + (i % $5)], ($4::text[])[1 + (i % $5)], '教学案例 ' || i, '案例正文', 'B' || lpad(i::text, 7, '0'),
       $6, now() - (i || ' seconds')::interval
     FROM generate_series(1, $7) AS i`,
    [comp, p.provinceId, sIds, sPaths, schools.length, admin, ENTRIES],
  );
  const panelIds: number[] = [];
  for (let k = 0; k < PANELS; k++) {
    const id = Number(
      (
        await q(`INSERT INTO competition_panel (round_id, name, lead_user_id) VALUES ($1, $2, $3) RETURNING id`, [
          roundId,
          `第${k + 1}组`,
          judgeIds[k * PER_ENTRY],
        ])
      ).rows[0].id,
    );
    panelIds.push(id);
    for (let s = 0; s < PER_ENTRY; s++)
      await q(`INSERT INTO competition_judge (panel_id, user_id, seat) VALUES ($1, $2, $3)`, [
        id,
        judgeIds[k * PER_ENTRY + s],
        s + 1,
      ]);
  }
  // the quota unit of the province's round: the city above the school
  const depth = p.path.split('/').filter(Boolean).length;
  await q(
    `INSERT INTO competition_entry_round (round_id, entry_id, quota_unit_id, panel_id)
     SELECT $1, e.id, split_part(trim(both '/' from e.org_path), '/', $2)::bigint, ($3::bigint[])[1 + (e.id % $4)]
     FROM competition_entry e WHERE e.competition_id = $5`,
    [roundId, depth + 1, panelIds, PANELS, comp],
  );
  // five judges a panel: each judge scores every entry of their panel; harsh and lenient judges, some disagreement
  await q(
    `INSERT INTO competition_score (round_id, entry_id, judge_id, items, total, status)
     SELECT er.round_id, er.entry_id, j.user_id, '{}',
            round(least(100, greatest(0, 60 + (hashint4(er.entry_id::int) % 25) + (j.seat - 3) * 3
              + (hashint4((er.entry_id * 7 + j.seat)::int) % 9)))::numeric, 3), 'submitted'
     FROM competition_entry_round er JOIN competition_judge j ON j.panel_id = er.panel_id
     WHERE er.round_id = $1`,
    [roundId],
  );
  await q('ANALYZE');
  return { tree, roundId, admin, judgeIds, provinceId: p.provinceId, provincePath: p.path, provinceUnit: p.id };
}

async function main(): Promise<void> {
  const load0 = round(os.loadavg()[0] ?? 0, 2);
  const dir = fs.mkdtempSync('/tmp/comp-bench-');
  fs.chmodSync(dir, 0o755);
  let cluster: EmbeddedCluster | undefined;
  let db: Kysely<DB> | undefined;
  let server: ServerProcess | undefined;
  const cleanUp = async () => {
    if (server) await killServer(server).catch(() => undefined);
    await db?.destroy().catch(() => undefined);
    if (cluster) await cluster.stop().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
  const started = performance.now();
  try {
    say(
      `Peixun programmes benchmark, ${SCALE} scale — ${os.cpus().length} cores, node ${process.version}, load ${load0}`,
    );
    if (!FULL)
      say(
        `   County scale: ${ENTRIES} entries and ${JUDGES} judges (the province run has 20,000 and 500); the field keeps its name.`,
      );
    cluster = await startEmbeddedPostgres({ dataDir: dir });
    const admin = new pg.Client({ connectionString: cluster.connectionString('postgres') });
    await admin.connect();
    await admin.query(`CREATE DATABASE peixun ENCODING 'UTF8' TEMPLATE template0`);
    await admin.end();
    const url = cluster.connectionString('peixun');
    const pool = createPool(url, 10, 'peixun-programmes-bench');
    await migrate(pool);
    db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    const g0 = performance.now();
    const s = await seed(pool, db);
    say(
      `1. Data: ${ENTRIES} entries, ${JUDGES} judges in ${PANELS} panels, ${ENTRIES * PER_ENTRY} scores; ${round((performance.now() - g0) / 1000, 1)} s`,
    );

    // ------------------------------------------------------------ 2. aggregation
    const env = loadEnv({ ...process.env, PEIXUN_DATA_DIR: dir, PEIXUN_TODAY: TODAY });
    const svc = createCompetitionService({ db, env });
    const ctx = {
      actor: {
        userId: s.admin,
        username: 'bench-province',
        role: 'province_admin' as const,
        orgUnitId: s.provinceUnit,
        orgPath: s.provincePath,
        provinceId: s.provinceId,
      },
      ip: '127.0.0.1',
    };
    const a0 = performance.now();
    const summary = await svc.aggregate(ctx, s.roundId);
    const entries = await createCompetitionRepository(db).entryRoundsLean(s.roundId);
    const quotas = new Map(s.tree.cities.map((c) => [c.id, 50]));
    const plan = advance(
      entries.map((e) => ({
        entryId: e.entryId,
        unitId: quotaUnitFor(s.provincePath, e.orgPath),
        rank: e.rank,
        final: e.finalScore,
      })),
      quotas,
    );
    const aggregateS = (performance.now() - a0) / 1000;
    const r0 = performance.now();
    const raw = await pool.query(
      `SELECT entry_id, (sum(total) - CASE WHEN count(*) >= 5 THEN max(total) + min(total) ELSE 0 END)
                / (count(*) - CASE WHEN count(*) >= 5 THEN 2 ELSE 0 END) AS final,
              rank() OVER (ORDER BY (sum(total) - CASE WHEN count(*) >= 5 THEN max(total) + min(total) ELSE 0 END)
                / (count(*) - CASE WHEN count(*) >= 5 THEN 2 ELSE 0 END) DESC, avg(total) DESC, entry_id) AS rank
       FROM competition_score WHERE round_id = $1 AND status = 'submitted' GROUP BY entry_id`,
      [s.roundId],
    );
    const limitS = (performance.now() - r0) / 1000;
    say(
      `2. Aggregation: ${summary.scored} entries ranked, normalisation ${summary.normalisation.applied ? 'applied' : 'not applied'}, ` +
        `${summary.disagreements.length} disagreements, ${plan.advanced.length} advancing within quotas: ${round(aggregateS, 2)} s ` +
        `(target ≤ ${TARGETS.aggregateS} s); raw SQL trimmed mean + rank of ${raw.rowCount} entries ${round(limitS, 3)} s, ratio ${round(aggregateS / limitS, 1)}`,
    );

    // ------------------------------------------------------------ 3. a judge's queue through the server
    if (process.env['PEIXUN_FROM_SOURCE'] !== '1' && !bundleIsCurrent())
      execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-server.mjs'), '--if-stale'], { stdio: 'inherit' });
    await pool.query(`UPDATE competition_round SET status = 'judging' WHERE id = $1`, [s.roundId]);
    const port = await freePort();
    server = spawnLedgerServer({ dataDir: dir, port, env: { PEIXUN_TODAY: TODAY, PEIXUN_SEED_DEMO: 'never' } });
    await waitHealthy(server, 120_000, 20);
    const judgeIndex = 7;
    const session = (await login(port, `bench-judge-${judgeIndex}`, PASSWORD)).session;
    if (!session) throw new Error('judge login failed');
    const inQueue = Math.round((ENTRIES * PER_ENTRY) / JUDGES);
    const pages = Math.max(1, Math.ceil(inQueue / PAGE_SIZE));
    const times: number[] = [];
    let total = -1;
    for (let i = 0; i < QUEUE_REQUESTS + 20; i++) {
      const t0 = performance.now();
      const res = await fetch(
        `http://127.0.0.1:${port}/api/judging/queue?page=${1 + (i % pages)}&pageSize=${PAGE_SIZE}`,
        {
          headers: { cookie: session.cookie },
        },
      );
      const body = (await res.json()) as { total: number };
      if (res.status !== 200) throw new Error(`queue answered ${res.status}`);
      total = body.total;
      if (i >= 20) times.push(performance.now() - t0);
    }
    const queueP95 = p95(times);
    const repo = createCompetitionRepository(db);
    const rawTimes: number[] = [];
    for (let i = 0; i < QUEUE_REQUESTS + 20; i++) {
      const t0 = performance.now();
      await repo.queue(s.judgeIds[judgeIndex] as number, { limit: PAGE_SIZE, offset: (i % pages) * PAGE_SIZE });
      if (i >= 20) rawTimes.push(performance.now() - t0);
    }
    const queueLimit = p95(rawTimes);
    say(
      `3. Judge's queue (${total} entries, pages of ${PAGE_SIZE}): p95 ${round(queueP95, 1)} ms through the server ` +
        `(target ≤ ${TARGETS.queueP95Ms} ms); the bare query p95 ${round(queueLimit, 1)} ms, ratio ${round(queueP95 / queueLimit, 1)}`,
    );
    await killServer(server);
    server = undefined;

    // ------------------------------------------------------------ 4. archive PDFs (the archive's part)
    const archive = await archivePdfFigures({ scale: SCALE });
    say(
      `4. Archive PDFs: ${round(archive.archivePdfsPerS, 1)}/s (target ≥ ${TARGETS.archivePdfsPerS}/s); ` +
        `from memory ${round(archive.limitPdfsPerS, 1)}/s, ratio ${round(archive.archivePdfsPerS / archive.limitPdfsPerS, 2)}`,
    );

    const result: Record<string, unknown> = {
      bench: 'programmes',
      scale: SCALE,
      entries: ENTRIES,
      judges: JUDGES,
      scores_per_entry: PER_ENTRY,
      aggregate_20k_s: round(aggregateS, 3),
      aggregate_target_s: TARGETS.aggregateS,
      aggregate_limit_s: round(limitS, 3),
      aggregate_ratio_to_limit: round(aggregateS / limitS, 2),
      judge_queue_p95_ms: round(queueP95, 2),
      judge_queue_target_ms: TARGETS.queueP95Ms,
      judge_queue_limit_p95_ms: round(queueLimit, 2),
      judge_queue_ratio_to_limit: round(queueP95 / queueLimit, 2),
      archive_pdfs_per_s: round(archive.archivePdfsPerS, 2),
      archive_pdfs_target_per_s: TARGETS.archivePdfsPerS,
      archive_pdfs_limit_per_s: round(archive.limitPdfsPerS, 2),
      archive_pdfs_ratio_to_limit: round(archive.archivePdfsPerS / archive.limitPdfsPerS, 2),
      seconds: round((performance.now() - started) / 1000, 1),
      load_average_start: load0,
    };
    fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
    fs.writeFileSync(path.join(ROOT, `bench/results/programmes-${SCALE}.json`), `${JSON.stringify(result, null, 2)}\n`);
    await cleanUp();
    console.log(JSON.stringify(result));
  } catch (e) {
    await cleanUp();
    throw e;
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
