/**
 * Teacher roster benchmark: imports and name search on a real, durable embedded PostgreSQL.
 *
 *   npm run bench:roster              full run (a few minutes on 2 cores)
 *   npm run bench:roster -- --quick   10k imports only, 100k-teacher search province (about a minute)
 *
 * 1. Roster import end to end through the real services (validate, then commit) for rosters
 *    of 10k rows (three runs, median) and 100k rows, as .xlsx files with valid ID numbers.
 * 2. The commit stage alone for the same number of validated rows (toColumns encryption and
 *    keyed hashes, registry look-up, staging, the commit SQL with postings and audit), against a
 *    raw `COPY teacher … FROM STDIN` of the same column values into the same table: both start
 *    from an emptied registry (TRUNCATE) after a CHECKPOINT, with every index in place.
 * 3. Name-prefix search (teachers.list) in a province of 16 cities, 100 counties, 10k schools and
 *    1M teachers (100k with --quick) loaded with COPY, as a province and as a county admin, and
 *    the same SQL run directly for comparison, with the plan of the slowest case.
 * 4. Peak RSS of this process during the largest import (VmHWM, and VmRSS sampled every 100 ms); it also
 *    holds the generated data, so it is reported as bench_process_peak_rss_mb only.
 * 5. Last, once this process's PostgreSQL has stopped: the import as users run it. `peixun serve` in its
 *    own process on a fresh data dir (dist/server/peixun.mjs when current), demo-school logs in over
 *    HTTP, uploads the 100k .xlsx (10k with --quick) and commits it, while the server process's VmRSS
 *    is sampled every 100 ms from /proc/<pid>/status (and VmHWM read at the end): peak_rss_mb and the
 *    ≤ 400 MB target are this server figure.
 *
 * PostgreSQL runs with the product's embedded settings (fsync and synchronous_commit on), in a
 * temporary data dir that is removed at the end. Prints readable lines, then one JSON object as
 * the last line, also written to bench/results/roster.json (roster-quick.json with --quick).
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Worker } from 'node:worker_threads';
// The test roster helpers import exceljs directly, and must load before the services: those load it
// through src/services/excel.ts, which reloads it with require(), and a later ESM import of
// exceljs then stops at start-up with ERR_INTERNAL_ASSERTION under tsx on Node 20.
import { makeRoster, rosterXlsx, type RosterPerson } from '../test/support/roster.js';
import { COMMON_GIVEN, COMMON_SURNAMES, TEACHER_COPY_SQL, teacherCopyLine } from './roster-data.js';
import {
  changePassword,
  cleanUp as cleanUpProcesses,
  freePort,
  killServer,
  login,
  makeDataDir,
  oneTimePassword,
  spawnServer,
  waitHealthy,
  type HttpSession,
  type ServerProcess,
} from '../test/support/server-process.js';
import { bundleIsCurrent } from '../scripts/server-bundle.mjs';
import { Kysely, PostgresDialect, type LogEvent } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { loadEnv } from '../src/config/env.js';
import { createPool, type Database } from '../src/db/database.js';
import { startEmbeddedPostgres, type EmbeddedCluster } from '../src/db/embedded-postgres.js';
import { migrate } from '../src/db/migrate.js';
import type { DB } from '../src/db/schema.js';
import type { Role } from '../src/domain/org-tree.js';
import { checkRosterRow, type RawRosterRow } from '../src/domain/roster-row.js';
import { createOrgUnitRepository, type OrgUnitRow } from '../src/repositories/org-unit.repository.js';
import { createTeacherImportRepository, type StagedRow } from '../src/repositories/teacher-import.repository.js';
import { createTeacherRepository } from '../src/repositories/teacher.repository.js';
import { auditedWrite } from '../src/services/audit.js';
import type { RequestContext } from '../src/services/context.js';
import { createPersonalDataCipher } from '../src/services/personal-data.js';
import { readRoster } from '../src/services/roster-file.js';
import { createServices } from '../src/services/services.js';
import { toColumns } from '../src/services/teacher.service.js';
import { addUser } from '../test/support/fixtures.js';
import type { LoadWorkerData } from './roster-load.worker.js';

const QUICK = process.argv.includes('--quick');
const TARGETS = { import_100k_s: 10, ratio_to_copy: 0.25, search_p95_ms: 50, peak_rss_mb: 400 } as const;
const SMALL = 10_000;
const LARGE = 100_000;
const SMALL_RUNS = 3;
/** rows of the commit-stage versus COPY comparison, and how often it is repeated */
const STAGE_ROWS = QUICK ? SMALL : LARGE;
const STAGE_RUNS = 3;
const SEARCH_TEACHERS = QUICK ? 100_000 : 1_000_000;
const CITIES = 16;
const COUNTIES = 100;
const SCHOOLS = 10_000;
const SEARCH_ROUNDS = 5;
const LOOKUP_CHUNK = 10_000; // as the import service looks up the registry
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};
const say = (l: string) => console.log(l);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (bytes: number) => round(bytes / 1_048_576);

v8.setFlagsFromString('--expose-gc');
/** A full garbage collection, so memory figures start from what is live. */
const gc = vm.runInNewContext('gc') as () => void;
const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');
const sec = (ms: number) => round(ms / 1000, 2);

// ---------------------------------------------------------------- memory (/proc/self)

/** A field of /proc/<pid>/status in kB (this process by default); 0 once the process is gone. */
function statusKb(field: 'VmRSS' | 'VmHWM', pid: number | 'self' = 'self'): number {
  try {
    const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Samples VmRSS every 100 ms; the kernel's high-water mark (VmHWM, reset at start) catches what the samples miss while the event loop is busy. */
class RssSampler {
  peakKb = 0;
  maxGapMs = 0;
  private last = 0;
  private timer?: NodeJS.Timeout;
  hwmResettable = true;
  start(): void {
    try {
      fs.writeFileSync('/proc/self/clear_refs', '5');
    } catch {
      this.hwmResettable = false;
    }
    this.peakKb = statusKb('VmRSS');
    this.last = performance.now();
    this.timer = setInterval(() => {
      const now = performance.now();
      this.maxGapMs = Math.max(this.maxGapMs, now - this.last);
      this.last = now;
      this.peakKb = Math.max(this.peakKb, statusKb('VmRSS'));
    }, 100);
  }
  stop(): { sampledMb: number; hwmMb: number | null; maxGapMs: number } {
    clearInterval(this.timer);
    this.peakKb = Math.max(this.peakKb, statusKb('VmRSS'));
    this.maxGapMs = Math.max(this.maxGapMs, performance.now() - this.last);
    return {
      sampledMb: this.peakKb / 1024,
      hwmMb: this.hwmResettable ? statusKb('VmHWM') / 1024 : null,
      maxGapMs: this.maxGapMs,
    };
  }
}

// ---------------------------------------------------------------- SQL statements seen by Kysely

const STATEMENTS: Array<[RegExp, string]> = [
  [/^begin/i, 'BEGIN'],
  [/^commit/i, 'COMMIT (WAL flush)'],
  [/INSERT INTO teacher_import_row/, 'stage rows: INSERT … SELECT FROM unnest(arrays)'],
  [/from "teacher" where "id_number_hash" = ANY/, 'registry look-up by ID-number hash'],
  [/insert into "teacher_import"/, 'insert teacher_import'],
  [/pg_advisory_xact_lock/, 'advisory lock'],
  [/SELECT EXISTS \(\s*SELECT 1 FROM teacher_import_row/, 'staleness check (join on hash)'],
  [/INSERT INTO teacher \(/, 'commit: INSERT teacher … SELECT FROM staged rows'],
  [/INSERT INTO teacher_posting/, 'commit: INSERT teacher_posting'],
  [/UPDATE teacher t SET/, 'commit: UPDATE teacher (updates)'],
  [/INSERT INTO audit_log/, 'commit: audit rows per changed teacher'],
  [/update "teacher_import" set/, 'mark committed'],
  [/delete from "teacher_import_row"/, 'delete staged rows'],
  [/insert into "audit_log"/, 'audit row of the use case'],
  [/from "teacher_import_row" as "r"/, 'staged transfers for the report'],
  [/from "teacher_import"/, 'read teacher_import'],
  [/from "org_unit"/, 'org unit look-ups'],
];

function statementOf(sqlText: string): string {
  for (const [re, label] of STATEMENTS) if (re.test(sqlText)) return label;
  return sqlText.replace(/\s+/g, ' ').slice(0, 60);
}

/** Durations of the statements Kysely runs (BEGIN and COMMIT included), by statement. */
class QueryRecorder {
  private byStatement = new Map<string, { n: number; ms: number }>();
  /** the last teacher list query, to replay it directly */
  lastList: { sql: string; params: readonly unknown[] } | null = null;
  /** and its capped count, sent beside it */
  lastCount: { sql: string; params: readonly unknown[] } | null = null;
  log = (e: LogEvent): void => {
    if (e.level !== 'query') return;
    const text = e.query.sql;
    if (/AS capped/.test(text) && /from "teacher" as "t"/.test(text)) {
      this.lastCount = { sql: text, params: e.query.parameters };
      return;
    }
    if (/from "teacher" as "t" inner join "org_unit" as "o"/.test(text) && /USING ~<~/.test(text)) {
      this.lastList = { sql: text, params: e.query.parameters };
      return;
    }
    const label = statementOf(text);
    const s = this.byStatement.get(label) ?? { n: 0, ms: 0 };
    s.n++;
    s.ms += e.queryDurationMillis;
    this.byStatement.set(label, s);
  };
  reset(): void {
    this.byStatement.clear();
  }
  take(): Array<{ statement: string; n: number; ms: number }> {
    const out = [...this.byStatement]
      .map(([statement, s]) => ({ statement, n: s.n, ms: round(s.ms, 0) }))
      .sort((a, b) => b.ms - a.ms);
    this.reset();
    return out;
  }
}

function printStatements(rows: Array<{ statement: string; n: number; ms: number }>, minMs = 20): void {
  for (const r of rows.filter((x) => x.ms >= minMs))
    say(`      ${String(r.ms).padStart(6)} ms  ${r.n > 1 ? `${r.n}× ` : ''}${r.statement}`);
}

// ---------------------------------------------------------------- setup

interface Bench {
  dir: string;
  cluster: EmbeddedCluster;
  adminUrl: string;
  url: string;
  pool: pg.Pool;
  db: Database;
  rec: QueryRecorder;
  env: ReturnType<typeof loadEnv>;
  secretHex: string;
  services: ReturnType<typeof createServices>;
}

async function setUp(dir: string): Promise<Bench> {
  // the product's embedded settings: durable commits (fsync, synchronous_commit and full_page_writes on)
  const cluster = await startEmbeddedPostgres({ dataDir: dir });
  const adminUrl = cluster.connectionString('postgres');
  const url = cluster.connectionString('peixun');
  const pool = createPool(url, 10, 'peixun-roster-bench');
  try {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE peixun ENCODING 'UTF8' TEMPLATE template0`);
    await admin.end();
    await migrate(pool);
  } catch (e) {
    await pool.end().catch(() => undefined);
    await cluster.stop();
    throw e;
  }
  const rec = new QueryRecorder();
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), log: rec.log });
  const secretHex = crypto.randomBytes(32).toString('hex');
  const env = loadEnv({
    NODE_ENV: 'production',
    DATABASE_URL: url,
    PEIXUN_DATA_DIR: dir,
    PEIXUN_LOG_LEVEL: 'silent',
    PEIXUN_SECRET_KEY: secretHex,
  });
  return { dir, cluster, adminUrl, url, pool, db, rec, env, secretHex, services: createServices({ db, env }) };
}

async function ctxAt(b: Bench, unit: OrgUnitRow, role: Role, username: string): Promise<RequestContext> {
  const userId = await addUser(b.db, unit, role, username);
  return {
    actor: { userId, username, role, orgUnitId: unit.id, orgPath: unit.path, provinceId: unit.provinceId },
    ip: '127.0.0.1',
    userAgent: 'roster-bench',
  };
}

async function checkpoint(b: Bench): Promise<void> {
  await b.pool.query('CHECKPOINT');
}

/** The current WAL position; `walSince` gives the bytes written since. */
async function walLsn(b: Bench): Promise<string> {
  return (await b.pool.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]!.lsn;
}
async function walSince(b: Bench, lsn: string): Promise<number> {
  return Number(
    (await b.pool.query<{ n: string }>('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn) AS n', [lsn])).rows[0]!
      .n,
  );
}

// ---------------------------------------------------------------- 1. import end to end

interface ImportRun {
  rows: number;
  fileMb: number;
  validateMs: number;
  commitMs: number;
  totalMs: number;
  created: number;
  rejected: number;
  errorSample: Array<{ row: number; column: string; code: string; value?: string }>;
  validateSql: Array<{ statement: string; n: number; ms: number }>;
  commitSql: Array<{ statement: string; n: number; ms: number }>;
  validateWal: number;
  commitWal: number;
}

async function rosterFile(count: number, seed: number, offset: number): Promise<Buffer> {
  return rosterXlsx(makeRoster(count, { seed, offset }));
}

async function importRoster(
  b: Bench,
  ctx: RequestContext,
  unit: OrgUnitRow,
  data: Buffer,
  rows: number,
): Promise<ImportRun> {
  await checkpoint(b);
  const lsn0 = await walLsn(b);
  b.rec.reset();
  const t0 = performance.now();
  const v = await b.services.teacherImports.validate(ctx, unit.id, { name: `教师名册-${rows}.xlsx`, data });
  const t1 = performance.now();
  const validateSql = b.rec.take();
  const validateWal = await walSince(b, lsn0);
  const lsn1 = await walLsn(b);
  const t1b = performance.now();
  const c = await b.services.teacherImports.commit(ctx, v.importId, { confirmTransfers: false });
  const t2 = performance.now();
  const commitSql = b.rec.take();
  const commitWal = await walSince(b, lsn1);
  if (c.status !== 'committed') throw new Error(`import ${v.importId} ended ${c.status}`);
  if (v.summary.total !== rows) throw new Error(`the file had ${v.summary.total} rows, expected ${rows}`);
  return {
    rows,
    fileMb: data.length / 1_048_576,
    validateMs: t1 - t0,
    commitMs: t2 - t1b,
    totalMs: t1 - t0 + (t2 - t1b),
    created: c.result?.['created'] ?? 0,
    rejected: v.summary.error,
    errorSample: v.errors.slice(0, 3),
    validateSql,
    commitSql,
    validateWal,
    commitWal,
  };
}

function describeImport(r: ImportRun, label: string): void {
  say(
    `  ${label}: ${sec(r.totalMs)} s end to end = validate (parse + check + encrypt + stage) ${sec(r.validateMs)} s + commit ${sec(r.commitMs)} s → ${round(r.rows / (r.totalMs / 1000), 0)} rows/s; ` +
      `file ${round(r.fileMb)} MB; created ${r.created}, rejected ${r.rejected}; WAL ${mb(r.validateWal)} + ${mb(r.commitWal)} MB`,
  );
  if (r.rejected > 0) say(`    rejected rows of a valid roster, e.g. ${JSON.stringify(r.errorSample)}`);
}

/**
 * The Node side of validate, step by step as the service runs it (parse the file, check each
 * row, encrypt and hash), with the time of each step and the heap each result keeps alive.
 */
async function validateBreakdown(b: Bench, data: Buffer) {
  const heap = () => {
    gc();
    return process.memoryUsage().heapUsed;
  };
  const h0 = heap();
  const t0 = performance.now();
  const parsed = await readRoster(data, 'roster.xlsx', {
    maxRows: 200_000,
    maxUnpacked: b.env.PEIXUN_IMPORT_MAX_UNPACKED_MB * 1_048_576,
    needSchool: false,
  });
  const parseMs = performance.now() - t0;
  const h1 = heap();
  const now = new Date();
  const t1 = performance.now();
  const firstRowOfId = new Map<string, number>();
  const good = [];
  for (const { rowNo, raw } of parsed.rows) {
    const r = checkRosterRow(raw, rowNo, now);
    if (!r.ok || firstRowOfId.has(r.row.fields.idNumber)) continue;
    firstRowOfId.set(r.row.fields.idNumber, rowNo);
    good.push(r.row);
  }
  const checkMs = performance.now() - t1;
  const h2 = heap();
  const cipher = createPersonalDataCipher(Buffer.from(b.secretHex, 'hex'));
  const t2 = performance.now();
  const staged = good.map((g) => ({ ...toColumns(g.fields, cipher), row_no: g.row }));
  const toColumnsMs = performance.now() - t2;
  const h3 = heap();
  const t3 = performance.now();
  const hex = new Set(staged.map((r) => r.id_number_hash.toString('hex')));
  const hexMs = performance.now() - t3;
  const keep = [parsed.rows.length, good.length, staged.length, hex.size]; // alive until here
  return {
    rows: keep[0]!,
    parseMs,
    checkMs,
    toColumnsMs,
    hexMs,
    parsedMb: mb(h1 - h0),
    checkedMb: mb(h2 - h1),
    stagedMb: mb(h3 - h2),
  };
}

// ---------------------------------------------------------------- 2. commit stage vs COPY

function rawRow(p: RosterPerson): RawRosterRow {
  return {
    name: p.name,
    idNumber: p.idNumber,
    gender: p.gender === 'male' ? '男' : '女',
    birthDate: p.birthDate,
    phone: p.phone,
    stage: p.stage,
    subject: p.subject,
    title: p.title,
    teachingStartYear: p.teachingStartYear,
    employment: p.employment,
    headTeacher: p.headTeacher,
    backboneLevel: p.backbone,
  };
}

/** Empties the registry and every table that refers to a teacher (ledger, training, …), whatever the schema adds. */
async function emptyRegistry(b: Bench): Promise<void> {
  await b.pool.query(
    'TRUNCATE teacher_import_row, teacher_posting, teacher_correction, teacher, teacher_import CASCADE',
  );
  await checkpoint(b);
}

interface StageRun {
  toColumnsMs: number;
  lookupMs: number;
  stageMs: number;
  commitMs: number;
  totalMs: number;
  copyEncodeMs: number;
  copyMs: number;
  commitSql: Array<{ statement: string; n: number; ms: number }>;
  stageWal: number;
  copyWal: number;
}

async function commitStageVersusCopy(
  b: Bench,
  ctx: RequestContext,
  school: OrgUnitRow,
  people: RosterPerson[],
): Promise<StageRun> {
  // validated rows, as the import's checks leave them (not timed)
  const now = new Date();
  const good = people.map((p, i) => {
    const r = checkRosterRow(rawRow(p), i + 2, now);
    if (!r.ok) throw new Error(`generated row ${i} does not pass: ${JSON.stringify(r.errors)}`);
    return r.row;
  });
  await emptyRegistry(b);
  const lsn0 = await walLsn(b);
  b.rec.reset();

  // (a) encryption, keyed hashes and masks of every row, as the import service does
  const cipher = createPersonalDataCipher(Buffer.from(b.secretHex, 'hex'));
  const t0 = performance.now();
  const staged: StagedRow[] = good.map((g) => ({
    ...toColumns(g.fields, cipher),
    row_no: g.row,
    action: 'create',
    teacher_id: null,
    org_unit_id: school.id,
    org_path: school.path,
    changes: null,
  }));
  const t1 = performance.now();
  // (b) de-duplication against the registry by hash, in the service's chunks
  const teachers = createTeacherRepository(b.db);
  let existing = 0;
  for (let i = 0; i < staged.length; i += LOOKUP_CHUNK)
    existing += (await teachers.findByIdHashes(staged.slice(i, i + LOOKUP_CHUNK).map((s) => s.id_number_hash))).length;
  if (existing) throw new Error(`${existing} teachers already in an emptied registry`);
  const t2 = performance.now();
  // (c) the import record and its staged rows in one audited transaction, as validate does
  const summary = { total: staged.length, create: staged.length, update: 0, unchanged: 0, transfer: 0, error: 0 };
  const importId = await auditedWrite(
    b.db,
    ctx,
    {
      action: 'teacher_import.validate',
      targetType: 'teacher_import',
      targetPath: school.path,
      targetLabel: school.name,
      details: { summary },
    },
    async (trx, m) => {
      const repo = createTeacherImportRepository(trx);
      const id = await repo.insert({
        provinceId: school.provinceId,
        orgUnitId: school.id,
        orgPath: school.path,
        createdBy: ctx.actor!.userId,
        fileName: 'commit-stage.xlsx',
        fileSha256: crypto.createHash('sha256').update(String(staged.length)).digest(),
        totalRows: staged.length,
        summary,
        errors: [],
      });
      await repo.stageRows(id, staged);
      m.targetId = id;
      return id;
    },
  );
  const t3 = performance.now();
  // (d) the real commit use case
  b.rec.reset();
  const done = await b.services.teacherImports.commit(ctx, importId, { confirmTransfers: false });
  const t4 = performance.now();
  const commitSql = b.rec.take();
  const stageWal = await walSince(b, lsn0);
  if (done.result?.['created'] !== staged.length)
    throw new Error(`commit created ${done.result?.['created']} of ${staged.length}`);

  // the same column values with one COPY into the emptied teacher table
  await b.pool.query('TRUNCATE teacher_posting, teacher_correction, teacher CASCADE');
  await checkpoint(b);
  const lsn1 = await walLsn(b);
  const client = await b.pool.connect();
  let copyEncodeMs = 0;
  const c0 = performance.now();
  try {
    const at = { provinceId: school.provinceId, orgUnitId: school.id, orgPath: school.path, importId };
    async function* lines() {
      for (let i = 0; i < staged.length; i += 2_000) {
        const e0 = performance.now();
        let text = '';
        for (const s of staged.slice(i, i + 2_000)) text += teacherCopyLine(s, at);
        copyEncodeMs += performance.now() - e0;
        yield Buffer.from(text, 'utf8');
      }
    }
    await pipeline(Readable.from(lines()), client.query(copyFrom(TEACHER_COPY_SQL)));
  } finally {
    client.release();
  }
  const c1 = performance.now();
  const copied = Number((await b.pool.query<{ n: string }>('SELECT count(*) AS n FROM teacher')).rows[0]!.n);
  if (copied !== staged.length) throw new Error(`COPY left ${copied} rows, expected ${staged.length}`);
  const copyWal = await walSince(b, lsn1);
  return {
    toColumnsMs: t1 - t0,
    lookupMs: t2 - t1,
    stageMs: t3 - t2,
    commitMs: t4 - t3,
    totalMs: t4 - t0,
    copyEncodeMs,
    copyMs: c1 - c0,
    commitSql,
    stageWal,
    copyWal,
  };
}

// ---------------------------------------------------------------- 3. search province

async function buildSearchProvince(
  b: Bench,
): Promise<{ province: OrgUnitRow; counties: OrgUnitRow[]; schools: Array<{ id: number; path: string }> }> {
  const units = createOrgUnitRepository(b.db);
  const province = await units.insert(
    { parentId: null, kind: 'province', name: '黑龙江省', divisionCode: '230000', code: '230000' },
    null,
  );
  const cities: OrgUnitRow[] = [];
  for (let c = 0; c < CITIES; c++)
    cities.push(
      await units.insert({ parentId: province.id, kind: 'city', name: `第${c + 1}市`, code: `C${c + 1}` }, province),
    );
  const counties: OrgUnitRow[] = [];
  for (let k = 0; k < COUNTIES; k++) {
    const city = cities[k % CITIES]!;
    counties.push(
      await units.insert(
        { parentId: city.id, kind: 'county', name: `${city.name}第${Math.floor(k / CITIES) + 1}县`, code: `K${k + 1}` },
        city,
      ),
    );
  }
  // the schools in one statement: each takes its id from the sequence and its path from its county
  const parent: number[] = [];
  const parentPath: string[] = [];
  const names: string[] = [];
  const codes: string[] = [];
  for (let s = 0; s < SCHOOLS; s++) {
    const county = counties[s % COUNTIES]!;
    const n = Math.floor(s / COUNTIES) + 1;
    parent.push(county.id);
    parentPath.push(county.path);
    names.push(`${county.name}第${n}${['小学', '中学', '幼儿园', '实验学校'][n % 4]}`);
    codes.push(`S${s + 1}`);
  }
  await b.pool.query(
    `
    WITH u AS (SELECT nextval(pg_get_serial_sequence('org_unit', 'id')) AS id, u.* FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS u(parent_id, parent_path, name, code))
    INSERT INTO org_unit (id, parent_id, path, depth, province_id, kind, name, code)
    SELECT id, parent_id, parent_path || id || '/', $5, $6, 'school', name, code FROM u`,
    [parent, parentPath, names, codes, counties[0]!.depth + 1, province.id],
  );
  const { rows } = await b.pool.query<{ id: string; path: string }>(
    `SELECT id, path FROM org_unit WHERE province_id = $1 AND kind = 'school' ORDER BY id`,
    [province.id],
  );
  return { province, counties, schools: rows.map((r) => ({ id: Number(r.id), path: r.path })) };
}

/** Chunks of COPY text from workers (one per core), interleaved as they come. */
async function* workerChunks(
  b: Bench,
  provinceId: number,
  schools: Array<{ id: number; path: string }>,
  total: number,
  workers: Worker[],
): AsyncGenerator<Buffer> {
  const n = Math.max(1, os.cpus().length);
  const code = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(new URL('./roster-load.worker.ts', import.meta.url).href)}); })`;
  type Msg = { done?: boolean; rows?: number; data?: ArrayBuffer };
  const waiting: Array<Promise<{ w: Worker; m: Msg }>> = [];
  const reply = new Map<Worker, { resolve: (m: Msg) => void; reject: (e: unknown) => void }>();
  const ask = (w: Worker) =>
    new Promise<{ w: Worker; m: Msg }>((resolve, reject) => {
      reply.set(w, { resolve: (m) => resolve({ w, m }), reject });
      w.postMessage('next');
    });
  for (let i = 0; i < n; i++) {
    const data: LoadWorkerData = {
      secretHex: b.secretHex,
      provinceId,
      schools,
      perSchool: Math.ceil(total / schools.length),
      from: Math.floor((i * total) / n),
      to: Math.floor(((i + 1) * total) / n),
      chunk: 5_000,
    };
    const w = new Worker(code, { eval: true, workerData: data });
    w.on('message', (m: Msg) => reply.get(w)?.resolve(m));
    w.on('error', (e) => reply.get(w)?.reject(e));
    workers.push(w);
    waiting.push(ask(w));
  }
  let live = waiting.length;
  const pending = new Set(waiting);
  while (live > 0) {
    const tagged = [...pending].map((p) => p.then((r) => ({ p, r })));
    const { p, r } = await Promise.race(tagged);
    pending.delete(p);
    if (r.m.done) {
      live--;
      continue;
    }
    pending.add(ask(r.w)); // the worker encrypts the next chunk while this one is sent
    yield Buffer.from(r.m.data!);
  }
}

async function loadSearchTeachers(
  b: Bench,
  provinceId: number,
  schools: Array<{ id: number; path: string }>,
  total: number,
) {
  const client = await b.pool.connect();
  const workers: Worker[] = [];
  try {
    await client.query(`SET maintenance_work_mem = '256MB'`);
    // secondary indexes are dropped for the load and rebuilt from their own definitions
    const { rows: indexes } = await client.query<{ name: string; def: string }>(`
      SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'teacher'
         AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'teacher'::regclass)`);
    for (const ix of indexes) await client.query(`DROP INDEX ${ix.name}`);
    const t0 = performance.now();
    await pipeline(
      Readable.from(workerChunks(b, provinceId, schools, total, workers)),
      client.query(copyFrom(TEACHER_COPY_SQL)),
    );
    const t1 = performance.now();
    for (const ix of indexes) await client.query(ix.def);
    const t2 = performance.now();
    await client.query('ANALYZE teacher');
    await client.query('ANALYZE org_unit');
    await client.query('CHECKPOINT');
    const t3 = performance.now();
    const size = (
      await client.query<{ heap: string; idx: string }>(
        `SELECT pg_size_pretty(pg_table_size('teacher')) AS heap, pg_size_pretty(pg_indexes_size('teacher')) AS idx`,
      )
    ).rows[0]!;
    return {
      copyMs: t1 - t0,
      indexMs: t2 - t1,
      analyzeMs: t3 - t2,
      indexes: indexes.map((i) => i.name),
      heap: size.heap,
      idx: size.idx,
    };
  } finally {
    client.release();
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

interface SearchStats {
  p50: number;
  p95: number;
  max: number;
  n: number;
}
const stats = (xs: number[]): SearchStats => ({
  p50: round(percentile(xs, 50), 2),
  p95: round(percentile(xs, 95), 2),
  max: round(Math.max(...xs), 2),
  n: xs.length,
});

async function searchLatencies(b: Bench, ctx: RequestContext, prefixes: string[]) {
  type Sql = { sql: string; params: readonly unknown[] };
  const captured = new Map<string, { page: Sql; count: Sql; total: number }>();
  for (const q of prefixes) {
    b.rec.lastList = null;
    b.rec.lastCount = null;
    const r = await b.services.teachers.list(ctx, { q }, { page: 1, pageSize: 20 }); // warm-up, and the SQL to replay
    if (!b.rec.lastList || !b.rec.lastCount) throw new Error('the list queries (page and capped count) were not seen');
    captured.set(q, { page: b.rec.lastList, count: b.rec.lastCount, total: r.total });
  }
  // the service call and the same SQL sent directly, one after the other for each prefix
  const service: number[] = [];
  const raw: number[] = [];
  const byPrefix = new Map<string, number[]>();
  for (let round_ = 0; round_ < SEARCH_ROUNDS; round_++) {
    for (const q of prefixes) {
      const t0 = performance.now();
      await b.services.teachers.list(ctx, { q }, { page: 1, pageSize: 20 });
      const ms = performance.now() - t0;
      service.push(ms);
      byPrefix.set(q, [...(byPrefix.get(q) ?? []), ms]);
      const c = captured.get(q)!;
      const t1 = performance.now();
      await Promise.all([
        b.pool.query(c.page.sql, c.page.params as unknown[]),
        b.pool.query(c.count.sql, c.count.params as unknown[]),
      ]);
      raw.push(performance.now() - t1);
    }
  }
  const slowest = [...byPrefix]
    .map(([q, xs]) => ({ q, ms: median(xs), total: captured.get(q)!.total }))
    .sort((a, c) => c.ms - a.ms);
  return { service: stats(service), raw: stats(raw), slowest, captured };
}

async function explain(b: Bench, sqlText: string, params: readonly unknown[]): Promise<string[]> {
  const { rows } = await b.pool.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (ANALYZE, BUFFERS) ${sqlText}`,
    params as unknown[],
  );
  return rows.map((r) => r['QUERY PLAN']);
}

// ---------------------------------------------------------------- 5. import through the real server

/** VmRSS of another process every 100 ms; its VmHWM is reset at the start when the kernel allows it (clear_refs), so it covers the import alone. */
class ProcessRssSampler {
  peakKb = 0;
  samples = 0;
  hwmReset = false;
  private timer?: NodeJS.Timeout;
  constructor(private readonly pid: number) {}
  private sample(): void {
    this.peakKb = Math.max(this.peakKb, statusKb('VmRSS', this.pid));
    this.samples++;
  }
  start(): void {
    try {
      fs.writeFileSync(`/proc/${this.pid}/clear_refs`, '5');
      this.hwmReset = true;
    } catch {
      this.hwmReset = false; // VmHWM then covers the whole life of the process, start-up included
    }
    this.sample();
    this.timer = setInterval(() => this.sample(), 100);
  }
  stop(): { sampledMb: number; hwmMb: number; hwmReset: boolean; samples: number } {
    clearInterval(this.timer);
    this.sample();
    return {
      sampledMb: this.peakKb / 1024,
      hwmMb: statusKb('VmHWM', this.pid) / 1024,
      hwmReset: this.hwmReset,
      samples: this.samples,
    };
  }
}

interface ServerImport {
  rows: number;
  fileMb: number;
  serverCode: string;
  startMs: number;
  schoolId: number;
  schoolName: string;
  uploadMs: number;
  commitMs: number;
  totalMs: number;
  /** the check's counts (create, update, unchanged, transfer, error) and the commit's result */
  summary: Record<string, number>;
  result: Record<string, number>;
  demoTeachers: number;
  idleMb: number;
  peakMb: number;
  sampledMb: number;
  hwmMb: number;
  hwmReset: boolean;
  samples: number;
  afterMb: number;
}

const SERVER_SCHOOL_PASSWORD = 'Bench-school-2024';
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A JSON request with the session cookie and CSRF token, as the web UI sends it; throws unless the answer is 200. */
async function apiJson<T>(
  port: number,
  s: HttpSession,
  method: 'GET' | 'POST',
  url: string,
  body?: FormData | object,
): Promise<T> {
  const headers: Record<string, string> = { cookie: s.cookie, 'x-csrf-token': s.csrf };
  let payload: FormData | string | undefined;
  if (body instanceof FormData)
    payload = body; // fetch sets the multipart boundary
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(`http://127.0.0.1:${port}${url}`, {
    method,
    headers,
    body: payload,
    signal: AbortSignal.timeout(600_000),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${method} ${url} answered ${res.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

type ImportAnswer = {
  importId: number;
  status: string;
  summary: { total: number; create: number; error: number } & Record<string, number>;
  errors: unknown[];
  result: Record<string, number> | null;
};

/**
 * The roster import as users run it: `peixun serve` in its own process on a fresh data dir (its own
 * embedded PostgreSQL and demo seed), `demo-school` logged in over HTTP, the .xlsx uploaded as
 * multipart/form-data, then committed; the server process's VmRSS is sampled meanwhile.
 * `dirs` receives the data dir at once, so a signal handler can remove it too.
 */
async function serverImport(file: Buffer, rows: number, dirs: string[]): Promise<ServerImport> {
  const fromSource = process.env['PEIXUN_FROM_SOURCE'] === '1';
  // the server runs from dist/server/peixun.mjs when it is current, as `npm start` runs it: rebuild it if a source is newer
  if (!fromSource && !bundleIsCurrent())
    execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-server.mjs'), '--if-stale'], { stdio: 'inherit' });
  const serverCode =
    !fromSource && bundleIsCurrent() ? 'bundle (dist/server/peixun.mjs)' : 'TypeScript sources through tsx';
  const dataDir = makeDataDir('peixun-roster-server-');
  dirs.push(dataDir);
  let server: ServerProcess | undefined;
  try {
    const port = await freePort();
    const t0 = performance.now();
    server = spawnServer(dataDir, port);
    await waitHealthy(server, 120_000);
    const startMs = performance.now() - t0;
    await server.waitFor(/One-time password[^\n]*\n/, 10_000);
    const password = oneTimePassword(server.output());
    if (!password) throw new Error(`the server printed no one-time password:\n${server.output()}`);
    const first = await login(port, 'demo-school', password);
    if (!first.session) throw new Error(`demo-school login answered ${first.status}: ${JSON.stringify(first.body)}`);
    const changed = await changePassword(port, first.session, password, SERVER_SCHOOL_PASSWORD);
    if (changed !== 204) throw new Error(`change-password answered ${changed}`);
    const me = await apiJson<{ user: { orgUnit: { id: number; name: string } }; csrfToken: string }>(
      port,
      first.session,
      'GET',
      '/api/auth/me',
    );
    const session: HttpSession = { cookie: first.session.cookie, csrf: me.csrfToken || first.session.csrf };
    const school = me.user.orgUnit;
    // the demo seed's registry (its teachers share the generated roster's region, so a few ID numbers meet)
    const demo = await apiJson<{ total: number }>(
      port,
      session,
      'GET',
      `/api/teachers?orgUnitId=${school.id}&page=1&pageSize=1`,
    );

    await sleep(1_000); // let the log-in settle (argon2 hashing, first queries)
    const idleMb = statusKb('VmRSS', server.pid) / 1024;
    const sampler = new ProcessRssSampler(server.pid);
    sampler.start();
    const u0 = performance.now();
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(file)], { type: XLSX_TYPE }), `roster-${rows}.xlsx`);
    const checked = await apiJson<ImportAnswer>(
      port,
      session,
      'POST',
      `/api/org-units/${school.id}/teacher-imports`,
      form,
    );
    const u1 = performance.now();
    const committed = await apiJson<ImportAnswer>(
      port,
      session,
      'POST',
      `/api/teacher-imports/${checked.importId}/commit`,
      {},
    );
    const u2 = performance.now();
    const mem = sampler.stop();
    const afterMb = statusKb('VmRSS', server.pid) / 1024;
    if (checked.summary.total !== rows)
      throw new Error(`the server read ${checked.summary.total} rows, expected ${rows}`);
    if (committed.status !== 'committed') throw new Error(`import ${checked.importId} ended ${committed.status}`);
    return {
      rows,
      fileMb: file.length / 1_048_576,
      serverCode,
      startMs,
      schoolId: school.id,
      schoolName: school.name,
      uploadMs: u1 - u0,
      commitMs: u2 - u1,
      totalMs: u2 - u0,
      summary: checked.summary,
      result: committed.result ?? {},
      demoTeachers: demo.total,
      idleMb,
      peakMb: Math.max(mem.sampledMb, mem.hwmMb),
      sampledMb: mem.sampledMb,
      hwmMb: mem.hwmMb,
      hwmReset: mem.hwmReset,
      samples: mem.samples,
      afterMb,
    };
  } catch (e) {
    if (server) say(`  server output (last 2000 characters):\n${server.output().slice(-2000)}`);
    throw e;
  } finally {
    if (server) await killServer(server).catch(() => undefined);
    await cleanUpProcesses([dataDir]);
  }
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const started = performance.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peixun-roster-bench-'));
  fs.chmodSync(dir, 0o755); // PostgreSQL runs as the postgres user when we are root
  let bench: Bench | undefined;
  let cleaning: Promise<void> | undefined;
  // one clean-up of this process's PostgreSQL, however it is reached (before section 5, error, signal); every caller waits for it to finish
  const cleanUp = () =>
    (cleaning ??= (async () => {
      await bench?.db.destroy().catch(() => undefined);
      await bench?.cluster.stop().catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    })());
  // the data dirs of servers started by section 5: the server, its PostgreSQL and the dir go too
  const serverDirs: string[] = [];
  const cleanUpAll = async () => {
    await cleanUp();
    await cleanUpProcesses(serverDirs.splice(0));
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void cleanUpAll().finally(() => process.exit(130));
    });
  }
  try {
    say(
      `Peixun roster benchmark${QUICK ? ' (--quick)' : ''} — ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${round(os.totalmem() / 2 ** 30, 0)} GiB, node ${process.version}`,
    );
    const b = (bench = await setUp(dir));
    const pgInfo = (
      await b.pool.query<{ v: string; fsync: string; sc: string; sb: string; wm: string }>(
        `SELECT current_setting('server_version') AS v, current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sc,
              current_setting('shared_buffers') AS sb, current_setting('work_mem') AS wm`,
      )
    ).rows[0]!;
    say(
      `PostgreSQL ${pgInfo.v} (embedded, data dir ${dir}): fsync=${pgInfo.fsync}, synchronous_commit=${pgInfo.sc}, shared_buffers=${pgInfo.sb}, work_mem=${pgInfo.wm}`,
    );

    // org tree of the imports, and the admins who act
    const units = createOrgUnitRepository(b.db);
    const add = (parent: OrgUnitRow | null, kind: OrgUnitRow['kind'], name: string, code?: string) =>
      units.insert(
        { parentId: parent?.id ?? null, kind, name, divisionCode: code ?? null, code: code ?? null },
        parent,
      );
    const P = await add(null, 'province', '吉林省', '220000');
    const C = await add(P, 'city', '吉林市', '220200');
    const K = await add(C, 'county', '桦甸市', '220282');
    const schools = [];
    for (const name of ['桦甸市第一实验小学', '桦甸市第一中学', '桦甸市第二中学', '桦甸市实验中学', '桦甸市第三小学'])
      schools.push(await add(K, 'school', name));
    const schoolAdmins = [];
    for (const [i, s] of schools.entries())
      schoolAdmins.push(await ctxAt(b, s, 'school_admin', `bench-school-${i + 1}`));

    // ------------------------------------------------------------ 1. imports
    say('');
    say(`1. Roster import end to end (teacherImports.validate → commit as a school admin; durable commits)`);
    const smallRuns: ImportRun[] = [];
    let peak: ReturnType<RssSampler['stop']> & { during: string; baselineMb: number } = {
      sampledMb: 0,
      hwmMb: null,
      maxGapMs: 0,
      during: '',
      baselineMb: 0,
    };
    for (let r = 0; r < SMALL_RUNS; r++) {
      const file = await rosterFile(SMALL, 101 + r, r * SMALL);
      gc();
      const sampler = new RssSampler();
      const baselineMb = statusKb('VmRSS') / 1024;
      sampler.start();
      const run = await importRoster(b, schoolAdmins[r]!, schools[r]!, file, SMALL);
      const p = sampler.stop();
      if (r === 0) peak = { ...p, during: `${SMALL / 1000}k import`, baselineMb };
      smallRuns.push(run);
      describeImport(run, `10k run ${r + 1}`);
    }
    const small = [...smallRuns].sort((a, c) => a.totalMs - c.totalMs)[Math.floor(SMALL_RUNS / 2)]!;
    const smallS = median(smallRuns.map((r) => r.totalMs)) / 1000;
    say(
      `  10k: median ${round(smallS, 2)} s → ${round(SMALL / smallS, 0)} rows/s (validate ${sec(median(smallRuns.map((r) => r.validateMs)))} s, commit ${sec(median(smallRuns.map((r) => r.commitMs)))} s)`,
    );
    say('    statements of the median run, validate:');
    printStatements(small.validateSql);
    say('    commit:');
    printStatements(small.commitSql);

    let large: ImportRun | null = null;
    let largestFile: Buffer = await rosterFile(SMALL, 101, 0);
    if (!QUICK) {
      const file = (largestFile = await rosterFile(LARGE, 9, SMALL_RUNS * SMALL));
      gc();
      const sampler = new RssSampler();
      const baselineMb = statusKb('VmRSS') / 1024;
      sampler.start();
      large = await importRoster(b, schoolAdmins[3]!, schools[3]!, file, LARGE);
      peak = { ...sampler.stop(), during: '100k import', baselineMb };
      describeImport(large, '100k');
      say(
        `  100k end to end: ${sec(large.totalMs)} s (target ≤ ${TARGETS.import_100k_s} s: ${mark(large.totalMs / 1000 <= TARGETS.import_100k_s)})`,
      );
      say('    statements, validate:');
      printStatements(large.validateSql);
      say('    commit:');
      printStatements(large.commitSql);
    }
    const peakMb = Math.max(peak.sampledMb, peak.hwmMb ?? 0);
    say(
      `  peak RSS of this bench process during the ${peak.during}: ${round(peakMb)} MB (it also holds the generated data; the ≤ ${TARGETS.peak_rss_mb} MB target is checked on the server process, section 5); ` +
        `VmHWM ${peak.hwmMb === null ? 'n/a' : round(peak.hwmMb)} MB, highest 100 ms VmRSS sample ${round(peak.sampledMb)} MB, ${round(peak.baselineMb)} MB before the import; ` +
        `longest event-loop stall ${round(peak.maxGapMs, 0)} ms`,
    );
    const vb = await validateBreakdown(b, largestFile);
    say(
      `  validate's Node steps on the ${vb.rows / 1000}k file, run on their own: read .xlsx ${sec(vb.parseMs)} s (keeps ${vb.parsedMb} MB of heap), ` +
        `check rows ${sec(vb.checkMs)} s (+${vb.checkedMb} MB), toColumns ${sec(vb.toColumnsMs)} s (+${vb.stagedMb} MB), hash → hex map ${sec(vb.hexMs)} s`,
    );
    const garbled = Number(
      (
        await b.pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM teacher WHERE name || coalesce(subject, '') || coalesce(title, '') LIKE '%' || chr(65533) || '%'`,
        )
      ).rows[0]!.n,
    );
    const rejectedTotal = smallRuns.reduce((n, r) => n + r.rejected, 0) + (large?.rejected ?? 0);
    if (rejectedTotal || garbled)
      say(
        `  of ${SMALL_RUNS * SMALL + (large ? LARGE : 0)} valid generated rows ${rejectedTotal} were rejected and ${garbled} committed with U+FFFD in a text column`,
      );

    // ------------------------------------------------------------ 2. commit stage vs COPY
    say('');
    say(`2. Commit stage alone for ${STAGE_ROWS / 1000}k validated rows vs raw COPY of the same column values`);
    say(
      `   (each run: TRUNCATE the registry tables + CHECKPOINT, then the stage; TRUNCATE teacher + CHECKPOINT, then COPY; all indexes in place)`,
    );
    const stageRuns: StageRun[] = [];
    const stagePeople = makeRoster(STAGE_ROWS, { seed: 77, offset: 500_000 });
    for (let r = 0; r < STAGE_RUNS; r++) {
      const s = await commitStageVersusCopy(b, schoolAdmins[4]!, schools[4]!, stagePeople);
      stageRuns.push(s);
      say(
        `  run ${r + 1}: commit stage ${sec(s.totalMs)} s = toColumns ${sec(s.toColumnsMs)} s + registry look-up ${sec(s.lookupMs)} s + staging ${sec(s.stageMs)} s + commit use case ${sec(s.commitMs)} s → ${round(STAGE_ROWS / (s.totalMs / 1000), 0)} rows/s; ` +
          `COPY ${sec(s.copyMs)} s (of which encoding the text ${sec(s.copyEncodeMs)} s) → ${round(STAGE_ROWS / (s.copyMs / 1000), 0)} rows/s; ` +
          `WAL ${mb(s.stageWal)} MB vs ${mb(s.copyWal)} MB`,
      );
    }
    const stageMed = (k: Exclude<keyof StageRun, 'commitSql'>) => median(stageRuns.map((s) => s[k]));
    const stageRowsPerS = STAGE_ROWS / (stageMed('totalMs') / 1000);
    const copyRowsPerS = STAGE_ROWS / (stageMed('copyMs') / 1000);
    const ratio = stageRowsPerS / copyRowsPerS;
    say(
      `  median: commit stage ${round(stageRowsPerS, 0)} rows/s, COPY ${round(copyRowsPerS, 0)} rows/s → ratio_to_copy ${round(ratio, 3)} (target ≥ ${TARGETS.ratio_to_copy}: ${mark(ratio >= TARGETS.ratio_to_copy)})`,
    );
    say('    statements of the commit use case (last run):');
    printStatements(stageRuns[stageRuns.length - 1]!.commitSql);

    // ------------------------------------------------------------ 3. search
    say('');
    say(
      `3. Name-prefix search in a province of ${CITIES} cities, ${COUNTIES} counties, ${SCHOOLS} schools, ${SEARCH_TEACHERS.toLocaleString('en')} teachers`,
    );
    const tree = await buildSearchProvince(b);
    const load = await loadSearchTeachers(b, tree.province.id, tree.schools, SEARCH_TEACHERS);
    say(
      `  load: COPY ${sec(load.copyMs)} s (${round(SEARCH_TEACHERS / (load.copyMs / 1000), 0)} rows/s, encrypted by ${os.cpus().length} workers, secondary indexes dropped), ` +
        `rebuilding ${load.indexes.length} indexes ${sec(load.indexMs)} s, ANALYZE + CHECKPOINT ${sec(load.analyzeMs)} s; teacher heap ${load.heap}, indexes ${load.idx}`,
    );
    const provinceAdmin = await ctxAt(b, tree.province, 'province_admin', 'bench-province');
    const county = tree.counties[0]!;
    const searchCountyAdmin = await ctxAt(b, county, 'county_admin', 'bench-search-county');
    const prefixes = [
      ...COMMON_SURNAMES.slice(0, 10),
      ...COMMON_SURNAMES.slice(0, 10).map((s, i) => s + COMMON_GIVEN[i]!),
    ];
    const asProvince = await searchLatencies(b, provinceAdmin, prefixes);
    const asCounty = await searchLatencies(b, searchCountyAdmin, prefixes);
    const show = (label: string, s: Awaited<ReturnType<typeof searchLatencies>>) => {
      say(
        `  ${label}: service p50 ${s.service.p50} ms, p95 ${s.service.p95} ms, max ${s.service.max} ms (${s.service.n} calls); same SQL directly p50 ${s.raw.p50} ms, p95 ${s.raw.p95} ms`,
      );
      say(
        `    slowest prefixes (median ms / matches): ${s.slowest
          .slice(0, 5)
          .map((x) => `${x.q} ${round(x.ms, 1)}/${x.total}`)
          .join(', ')}; fastest: ${s.slowest
          .slice(-3)
          .map((x) => `${x.q} ${round(x.ms, 1)}/${x.total}`)
          .join(', ')}`,
      );
    };
    show('as province admin', asProvince);
    show(`as county admin (${county.name})`, asCounty);
    const searchP95 = Math.max(asProvince.service.p95, asCounty.service.p95);
    say(
      `  search_p95_ms ${searchP95} (the worse role; target ≤ ${TARGETS.search_p95_ms} ms: ${mark(searchP95 <= TARGETS.search_p95_ms)})`,
    );
    const plans: Record<string, string[]> = {};
    for (const [role, s] of [
      ['province', asProvince],
      ['county', asCounty],
    ] as const) {
      const worst = s.slowest[0]!;
      const c = s.captured.get(worst.q)!;
      plans[`${role}:${worst.q}`] = await explain(b, c.page.sql, c.page.params);
      say(`  plan as ${role} admin for "${worst.q}" (${worst.total} matches):`);
      for (const line of plans[`${role}:${worst.q}`]!) say(`    ${line}`);
    }

    // ------------------------------------------------------------ 4. an import into the loaded province
    say('');
    const loadedCounty = tree.counties[1]!;
    const countySchools = (
      await b.pool.query<{ name: string }>(
        `SELECT name FROM org_unit WHERE parent_id = $1 AND kind = 'school' ORDER BY id`,
        [loadedCounty.id],
      )
    ).rows.map((r) => r.name);
    const registrySize = Number((await b.pool.query<{ n: string }>('SELECT count(*) AS n FROM teacher')).rows[0]!.n);
    say(
      `4. 10k import into the loaded registry (${registrySize.toLocaleString('en')} teachers) as the county admin of ${loadedCounty.name}, a school column over its ${countySchools.length} schools`,
    );
    const loadedAdmin = await ctxAt(b, loadedCounty, 'county_admin', 'bench-loaded-county');
    const loadedFile = await rosterXlsx(
      makeRoster(SMALL, { seed: 55, offset: 3_000_000, school: (i) => countySchools[i % countySchools.length]! }),
    );
    const loaded = await importRoster(b, loadedAdmin, loadedCounty, loadedFile, SMALL);
    describeImport(loaded, '10k into the loaded registry');
    say('    statements, validate:');
    printStatements(loaded.validateSql);
    say('    commit:');
    printStatements(loaded.commitSql);

    // ------------------------------------------------------------ 5. the import through the real server
    // Run last, once this process's own PostgreSQL has stopped and its data dir is gone, so the two clusters do not compete.
    await cleanUp();
    gc();
    say('');
    const serverRows = QUICK ? SMALL : LARGE;
    say(
      `5. ${serverRows / 1000}k import through the real server (peixun serve in its own process, own data dir and embedded PostgreSQL; ` +
        `demo-school uploads the .xlsx to POST /api/org-units/<school>/teacher-imports, then POST /api/teacher-imports/<id>/commit)`,
    );
    say(
      `   run after sections 1–4, with this bench's PostgreSQL stopped; the server's VmRSS sampled every 100 ms from /proc/<pid>/status, VmHWM read at the end`,
    );
    const srv = await serverImport(largestFile, serverRows, serverDirs);
    say(
      `  server code: ${srv.serverCode}; up in ${round(srv.startMs, 0)} ms (initdb + migrate + demo seed); demo-school's school ${srv.schoolId} (${srv.schoolName}, ${srv.demoTeachers} demo teachers)`,
    );
    say(
      `  ${srv.rows / 1000}k over HTTP: ${sec(srv.totalMs)} s = upload + check ${sec(srv.uploadMs)} s + commit ${sec(srv.commitMs)} s → ${round(srv.rows / (srv.totalMs / 1000), 0)} rows/s; ` +
        `file ${round(srv.fileMb)} MB; check ${JSON.stringify(srv.summary)}, commit ${JSON.stringify(srv.result)}` +
        (QUICK ? '' : ` (target ≤ ${TARGETS.import_100k_s} s: ${mark(srv.totalMs / 1000 <= TARGETS.import_100k_s)})`),
    );
    say(
      `  server process RSS: idle ${round(srv.idleMb)} MB before the upload, peak ${round(srv.peakMb)} MB during the import (target ≤ ${TARGETS.peak_rss_mb} MB: ${mark(srv.peakMb <= TARGETS.peak_rss_mb)}); ` +
        `VmHWM ${round(srv.hwmMb)} MB (${srv.hwmReset ? 'reset before the upload' : 'since start-up: could not be reset'}), highest 100 ms VmRSS sample ${round(srv.sampledMb)} MB of ${srv.samples}, ${round(srv.afterMb)} MB after the commit`,
    );

    const importRowsPerS = large ? LARGE / (large.totalMs / 1000) : SMALL / smallS;
    const result = {
      mode: QUICK ? 'quick' : 'full',
      import_10k_s: round(smallS, 2),
      import_10k_rows_per_s: round(SMALL / smallS, 0),
      import_10k_validate_s: sec(median(smallRuns.map((r) => r.validateMs))),
      import_10k_commit_s: sec(median(smallRuns.map((r) => r.commitMs))),
      import_100k_s: large ? sec(large.totalMs) : null,
      import_100k_validate_s: large ? sec(large.validateMs) : null,
      import_100k_commit_s: large ? sec(large.commitMs) : null,
      import_100k_file_mb: large ? round(large.fileMb) : null,
      import_100k_wal_mb: large ? { validate: mb(large.validateWal), commit: mb(large.commitWal) } : null,
      validate_node_steps: {
        rows: vb.rows,
        read_xlsx_s: sec(vb.parseMs),
        check_rows_s: sec(vb.checkMs),
        to_columns_s: sec(vb.toColumnsMs),
        heap_mb: { parsed: vb.parsedMb, checked: vb.checkedMb, encrypted: vb.stagedMb },
      },
      import_rows_per_s: round(importRowsPerS, 0),
      import_rows_per_s_of: large ? '100k import' : '10k import',
      import_rejected_rows: rejectedTotal,
      import_garbled_rows_committed: garbled,
      import_10k_loaded_registry_s: sec(loaded.totalMs),
      import_10k_loaded_registry_split_s: { validate: sec(loaded.validateMs), commit: sec(loaded.commitMs) },
      loaded_registry_teachers: registrySize,
      commit_stage_rows: STAGE_ROWS,
      commit_stage_s: sec(stageMed('totalMs')),
      commit_stage_split_s: {
        to_columns: sec(stageMed('toColumnsMs')),
        registry_lookup: sec(stageMed('lookupMs')),
        staging: sec(stageMed('stageMs')),
        commit_use_case: sec(stageMed('commitMs')),
      },
      commit_stage_rows_per_s: round(stageRowsPerS, 0),
      commit_stage_wal_mb: mb(stageMed('stageWal')),
      copy_s: sec(stageMed('copyMs')),
      copy_wal_mb: mb(stageMed('copyWal')),
      copy_rows_per_s: round(copyRowsPerS, 0),
      ratio_to_copy: round(ratio, 3),
      ratio_method:
        'median of runs; each side starts from TRUNCATEd registry tables after a CHECKPOINT, all indexes in place; COPY time includes encoding the COPY text, not encryption',
      search_teachers: SEARCH_TEACHERS,
      search_p95_ms: searchP95,
      search_province_admin_ms: asProvince.service,
      search_county_admin_ms: asCounty.service,
      search_raw_sql_province_ms: asProvince.raw,
      search_raw_sql_county_ms: asCounty.raw,
      search_slowest: { province: asProvince.slowest.slice(0, 3), county: asCounty.slowest.slice(0, 3) },
      search_load: { copy_s: sec(load.copyMs), index_rebuild_s: sec(load.indexMs), heap: load.heap, indexes: load.idx },
      server_import_rows: srv.rows,
      server_import_100k_s: QUICK ? null : sec(srv.totalMs),
      server_import_10k_s: QUICK ? sec(srv.totalMs) : null,
      server_import_split_s: { upload_check: sec(srv.uploadMs), commit: sec(srv.commitMs) },
      server_import_summary: srv.summary,
      server_import_result: srv.result,
      server_idle_rss_mb: round(srv.idleMb),
      server_peak_rss_mb: round(srv.peakMb),
      server_peak_rss_vmhwm_mb: round(srv.hwmMb),
      server_vmhwm_reset_before_upload: srv.hwmReset,
      server_peak_rss_sampled_mb: round(srv.sampledMb),
      server_rss_after_import_mb: round(srv.afterMb),
      server_start_ms: round(srv.startMs, 0),
      server_code: srv.serverCode,
      peak_rss_mb: round(srv.peakMb),
      peak_rss_during: `server process (peixun serve), ${srv.rows / 1000}k import over HTTP`,
      bench_process_peak_rss_mb: round(peakMb),
      bench_process_peak_rss_during: peak.during,
      bench_process_peak_rss_vmhwm_mb: peak.hwmMb === null ? null : round(peak.hwmMb),
      bench_process_peak_rss_sampled_mb: round(peak.sampledMb),
      bench_process_rss_before_import_mb: round(peak.baselineMb),
      event_loop_max_stall_ms: round(peak.maxGapMs, 0),
      targets: TARGETS,
      met: {
        import_100k_s: large ? large.totalMs / 1000 <= TARGETS.import_100k_s : null,
        ratio_to_copy: ratio >= TARGETS.ratio_to_copy,
        search_p95_ms: searchP95 <= TARGETS.search_p95_ms,
        peak_rss_mb: srv.peakMb <= TARGETS.peak_rss_mb,
      },
      runs: {
        import_10k_s: smallRuns.map((r) => sec(r.totalMs)),
        commit_stage_s: stageRuns.map((s) => sec(s.totalMs)),
        copy_s: stageRuns.map((s) => sec(s.copyMs)),
      },
      machine: {
        cores: os.cpus().length,
        cpu: os.cpus()[0]?.model.trim(),
        mem_gib: round(os.totalmem() / 2 ** 30, 0),
        node: process.version,
        postgres: pgInfo.v,
        fsync: pgInfo.fsync,
        synchronous_commit: pgInfo.sc,
        shared_buffers: pgInfo.sb,
        loadavg_1m_at_end: round(os.loadavg()[0]!, 2),
      },
      bench_s: round((performance.now() - started) / 1000, 0),
      at: new Date().toISOString(),
    };
    const outDir = path.join(ROOT, 'bench/results');
    fs.mkdirSync(outDir, { recursive: true });
    // a quick run leaves the full run's figures alone
    const file = QUICK ? 'roster-quick.json' : 'roster.json';
    fs.writeFileSync(path.join(outDir, file), `${JSON.stringify(result, null, 2)}\n`);
    say('');
    console.log(JSON.stringify(result));
  } finally {
    await cleanUpAll();
  }
}

export {
  setUp,
  buildSearchProvince,
  loadSearchTeachers,
  importRoster,
  commitStageVersusCopy,
  validateBreakdown,
  ctxAt,
  type Bench,
};

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
