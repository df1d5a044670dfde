/**
 * Mapping accepted xAPI statements to ledger entries (issue 15's `mapping_per_s`, target ≥ 10k/s).
 *
 *   npx tsx bench/lrs-mapping.ts --count 100000 [--check]
 *
 * Alone, it builds the ledger benchmark's county (10k teachers, 200k entries; bench/ledger-data.ts)
 * in a fresh embedded PostgreSQL, COPYs `--count` matched statements about its teachers into
 * `xapi_statement`, one rule that credits most of them, and runs the mapping job's code over all of
 * them (services/lrs-mapping.ts `runMapping`), then prints statements/s as the last line (JSON).
 * `--check` then recomputes every summary from the ledger (`peixun ledger check`) and says whether they agree.
 *
 * For bench:lrs: `mappingBench({ count })` runs it all in its own cluster and returns the figure;
 * `insertMatchedStatements` (the generator) and `measureMapping` (the run) work on any database that
 * holds the ledger benchmark's data.
 *
 * The statements are laid out as they arrive: in time order, a teacher's study session sending a
 * few statements together (a completion per item, with its duration), 9 in 10 of them completions
 * of the platform's courses that the rule credits, the rest other verbs it does not.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { loadEnv } from '../src/config/env.js';
import { createPool } from '../src/db/database.js';
import { startEmbeddedPostgres, type EmbeddedCluster } from '../src/db/embedded-postgres.js';
import { migrate } from '../src/db/migrate.js';
import type { DB } from '../src/db/schema.js';
import type { LrsRuleDef } from '../src/domain/lrs-rule.js';
import { checkLedger } from '../src/services/ledger-maintenance.js';
import { runMapping } from '../src/services/lrs-mapping.js';
import { buildTree, createCycle, loadLedger, prng, SCALES, TODAY } from './ledger-data.js';

export const BENCH_VERB = 'http://adlnet.gov/expapi/verbs/completed';
export const BENCH_RULE: LrsRuleDef = {
  verbId: BENCH_VERB,
  activityType: null,
  activityPattern: 'https://study.example.cn/course/*',
  clientId: null,
  completion: true,
  success: false,
  minScaled: null,
  minDurationMinutes: null,
  hours: { kind: 'per_duration', tenths: 10, perMinutes: 45, maxTenths: 40 },
  categories: ['online'],
  titleTemplate: '{platform}：{activity}',
};

const OTHER_VERBS = ['http://adlnet.gov/expapi/verbs/experienced', 'http://adlnet.gov/expapi/verbs/attempted'];

/**
 * COPYs `count` statements of an LRS client into `xapi_statement`, matched to the given teachers,
 * and one enabled rule at the province crediting the platform's course completions (created when
 * missing). Returns the client's id.
 */
export async function insertMatchedStatements(
  pool: pg.Pool,
  o: { provinceId: number; provincePath: string; count: number; seed?: number },
): Promise<{ clientId: number; statements: number }> {
  const client = await pool.connect();
  try {
    const key = `benchmap${o.provinceId}`;
    const c = await client.query<{ id: string }>(
      `INSERT INTO lrs_client (province_id, org_unit_id, org_path, name, api_key, secret_hash)
       VALUES ($1, (SELECT id FROM org_unit WHERE path = $2), $2, '国家智慧教育平台', $3, '\\x00')
       ON CONFLICT (api_key) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
      [o.provinceId, o.provincePath, key],
    );
    const clientId = Number(c.rows[0]!.id);
    await client.query(
      `INSERT INTO lrs_rule (province_id, org_unit_id, org_path, name, definition)
       SELECT $1, (SELECT id FROM org_unit WHERE path = $2), $2, '国家平台课程完成', $3::jsonb
       WHERE NOT EXISTS (SELECT 1 FROM lrs_rule WHERE province_id = $1 AND name = '国家平台课程完成')`,
      [o.provinceId, o.provincePath, JSON.stringify(BENCH_RULE)],
    );
    const teachers = (
      await client.query<{ id: string; org_path: string }>(
        'SELECT id, org_path FROM teacher WHERE province_id = $1 ORDER BY id',
        [o.provinceId],
      )
    ).rows.map((r) => ({ id: Number(r.id), path: r.org_path }));
    if (teachers.length === 0) throw new Error('no teachers to report about');
    const rand = prng(o.seed ?? 15);
    const start = Date.parse('2026-03-01T00:00:00Z');
    const span = Date.parse(`${TODAY}T00:00:00Z`) - 86_400_000 - start;
    const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
    function* rows(): Generator<string> {
      let made = 0;
      let at = 0;
      while (made < o.count) {
        const t = teachers[Math.floor(rand() * teachers.length)]!;
        const session = 1 + Math.floor(rand() * 6);
        at = start + Math.floor((made / o.count) * span);
        for (let k = 0; k < session && made < o.count; k++, made++) {
          const id = crypto.randomUUID();
          const credited = rand() < 0.9;
          const verb = credited ? BENCH_VERB : OTHER_VERBS[made % 2]!;
          const course = 1 + Math.floor(rand() * 400);
          const object = `https://study.example.cn/course/${course}/item/${k}`;
          const ts = new Date(at + k * 60_000).toISOString();
          const body = JSON.stringify({
            id,
            actor: { objectType: 'Agent', account: { homePage: 'https://study.example.cn', name: `t${t.id}` } },
            verb: { id: verb, display: { 'zh-CN': '完成' } },
            object: {
              objectType: 'Activity',
              id: object,
              definition: { name: { 'zh-CN': `课程 ${course} 第 ${k + 1} 讲` } },
            },
            result: { completion: true, duration: `PT${20 + Math.floor(rand() * 160)}M` },
            timestamp: ts,
            stored: ts,
            authority: { objectType: 'Agent', account: { homePage: 'https://peixun.example', name: key } },
            version: '2.0.0',
          });
          yield `${o.provinceId}\t${id}\t${clientId}\t${o.provincePath}\t${t.id}\t${t.path}\tmatched\t${ts}\t${ts}\t${verb}\tA:account:https://study.example.cn t${t.id}\tActivity\t${object}\t${esc(body)}\n`;
        }
      }
    }
    const batched = function* (): Generator<string> {
      let buf = '';
      for (const r of rows()) {
        buf += r;
        if (buf.length > 1 << 20) {
          yield buf;
          buf = '';
        }
      }
      if (buf) yield buf;
    };
    await pipeline(
      Readable.from(batched()),
      client.query(
        copyFrom(
          `COPY xapi_statement (province_id, id, client_id, client_path, teacher_id, teacher_path, match_status,
             stored, ts, verb_id, actor_ifi, object_kind, object_id, body) FROM STDIN`,
        ),
      ),
    );
    await client.query('ANALYZE xapi_statement');
    return { clientId, statements: o.count };
  } finally {
    client.release();
  }
}

/**
 * Runs the mapping over every statement of the province (from the start) and returns the rate.
 * `db` must hold the statements (see insertMatchedStatements) and a cycle for their years.
 */
export async function measureMapping(
  db: Kysely<DB>,
  provinceId: number,
  envOverrides: Record<string, string> = { PEIXUN_TODAY: TODAY },
): Promise<{ statements: number; credited: number; refused: number; seconds: number; mapping_per_s: number }> {
  const env = loadEnv({ ...process.env, ...envOverrides });
  await db.deleteFrom('lrs_mapping_state').where('province_id', '=', provinceId).execute();
  const t0 = performance.now();
  const r = await runMapping(db, env, provinceId);
  const seconds = (performance.now() - t0) / 1000;
  return {
    statements: r.statements,
    credited: r.credited,
    refused: r.refused,
    seconds: Math.round(seconds * 100) / 100,
    mapping_per_s: Math.round(r.statements / seconds),
  };
}

const LOAD_SETTINGS: Record<string, string> = {
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  wal_level: 'minimal',
  max_wal_senders: '0',
  autovacuum: 'off',
};

export interface MappingBenchResult {
  statements: number;
  credited: number;
  refused: number;
  seconds: number;
  mapping_per_s: number;
  /** the limit, in the same run: the same entry rows written again with one INSERT … SELECT (rolled back) */
  raw_seconds: number;
  raw_per_s: number;
  /** raw time ÷ mapping time */
  mapping_ratio_to_raw: number;
  ledger_ok?: boolean;
}

/**
 * The whole benchmark in its own embedded PostgreSQL (removed after): the ledger benchmark's county,
 * `count` matched statements about its teachers, the mapping over all of them. For bench:lrs.
 * @example const { mapping_per_s } = await mappingBench({ count: 1_000_000 });
 */
export async function mappingBench(o: {
  count: number;
  check?: boolean;
  log?: (line: string) => void;
}): Promise<MappingBenchResult> {
  const say = o.log ?? (() => undefined);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peixun-lrs-mapping-'));
  fs.chmodSync(dir, 0o755);
  let cluster: EmbeddedCluster | undefined;
  let db: Kysely<DB> | undefined;
  try {
    cluster = await startEmbeddedPostgres({ dataDir: dir, settings: LOAD_SETTINGS });
    const admin = new pg.Client({ connectionString: cluster.connectionString('postgres') });
    await admin.connect();
    await admin.query(`CREATE DATABASE peixun ENCODING 'UTF8' TEMPLATE template0`);
    await admin.end();
    const pool = createPool(cluster.connectionString('peixun'), 10, 'peixun-lrs-mapping-bench');
    await migrate(pool);
    db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    const spec = SCALES.county;
    const tree = await buildTree(db, spec);
    const { cycle, rules } = await createCycle(db, tree.province);
    const loaded = await loadLedger(pool, spec, tree, cycle, rules, () => undefined);
    const g0 = performance.now();
    await insertMatchedStatements(pool, {
      provinceId: tree.province.provinceId,
      provincePath: tree.province.path,
      count: o.count,
    });
    say(
      `data: ${loaded.teachers} teachers, ${loaded.entries} entries; ${o.count} statements copied in ` +
        `${Math.round(performance.now() - g0) / 1000} s`,
    );
    const mapped = await measureMapping(db, tree.province.provinceId);
    say(
      `mapped ${mapped.statements} statements (${mapped.credited} credited, ${mapped.refused} refused) in ${mapped.seconds} s`,
    );
    // the limit: the rows the mapping wrote, written again by one statement with the same indexes and keys
    const raw = await pool.connect();
    let rawSeconds = 0;
    try {
      await raw.query('BEGIN');
      const r0 = performance.now();
      await raw.query(`INSERT INTO credit_entry (province_id, teacher_id, org_unit_id, org_path, cycle_id, year, hours,
          categories, source_type, source_ref, title, occurred_on, evidence_ref, after_lock, idem_key, content_hash)
        SELECT province_id, teacher_id, org_unit_id, org_path, cycle_id, year, hours, categories, source_type,
          source_ref, title, occurred_on, evidence_ref, after_lock, 'raw:' || idem_key, content_hash
        FROM credit_entry WHERE source_ref LIKE 'xapi:%' AND reverses_id IS NULL`);
      rawSeconds = (performance.now() - r0) / 1000;
      await raw.query('ROLLBACK');
    } finally {
      raw.release();
    }
    const round = (n: number, d = 3) => Math.round(n * 10 ** d) / 10 ** d;
    const r: MappingBenchResult = {
      ...mapped,
      raw_seconds: round(rawSeconds),
      raw_per_s: Math.round(mapped.credited / Math.max(rawSeconds, 1e-6)),
      mapping_ratio_to_raw: round(rawSeconds / Math.max(mapped.seconds, 1e-6)),
    };
    say(
      `limit: the same ${mapped.credited} entries by one INSERT … SELECT in ${r.raw_seconds} s (ratio ${r.mapping_ratio_to_raw})`,
    );
    if (o.check) {
      // the summaries the batches kept (two at a time) against a recomputation from the ledger
      r.ledger_ok = (await checkLedger(db, loadEnv({ ...process.env, PEIXUN_TODAY: TODAY }))).ok;
      say(`ledger check: ${r.ledger_ok ? 'ok' : 'MISMATCH'}`);
    }
    return r;
  } finally {
    await db?.destroy().catch(() => undefined);
    await cluster?.stop().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--count');
  const count = Number(i >= 0 ? process.argv[i + 1] : 100_000);
  const r = await mappingBench({
    count,
    check: process.argv.includes('--check'),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  console.log(JSON.stringify(r));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
