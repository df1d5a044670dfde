/**
 * Every benchmark at county scale, one after another, in a few minutes: a check to run before and
 * after a change. Each benchmark measures its own physical limit in the same run (the same SQL
 * straight through `pg`, the same rows with one INSERT … SELECT or COPY, a bare pdfkit document), so
 * the ratios stay comparable when these shared machines are twice as slow one day as the next.
 *
 *   npm run bench:quick
 *
 * Runs, each in its own process (its own embedded PostgreSQL, removed at the end):
 *   platform --quick, roster --quick, ledger --scale county --quick, training --scale county, study --quick,
 *   exam --quick, lrs --quick, programmes --scale county, certificates --quick, web --quick (the built web UI in Chromium over a throttled 3G link)
 * and prints their lines indented, then one table (benchmark, figure, value, unit, limit, ratio), then
 * one JSON object as the last line, also written to bench/results/quick.json. The ratio is the share of
 * the limit the product reaches: its rate / the limit's rate, or the limit's time / its time.
 * Each benchmark also writes its own JSON under bench/results/ as when run alone.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** the whole run should stay under this on a 2-core machine */
const TARGET_S = 300;

type Figures = Record<string, unknown>;

interface Row {
  figure: string;
  /** key of the benchmark's JSON (a path with dots for nested objects) */
  value: string;
  unit: string;
  /** the limit measured in the same run, and the ratio: the benchmark's key, or the name of one computed here */
  limit?: string;
  ratio?: string;
  /** how a ratio the benchmark does not give is computed: for a time, limit / value; for a rate, value / limit */
  kind?: 'time' | 'rate';
}

interface Bench {
  name: string;
  file: string;
  args: string[];
  rows: Row[];
}

const BENCHES: Bench[] = [
  {
    name: 'platform',
    file: 'bench/platform.bench.ts',
    args: ['--quick'],
    rows: [
      { figure: 'authenticated reads (GET children), 50 conn.', value: 'children_rps', unit: 'req/s' },
      {
        figure: '  in turns with its SQL through pg (median)',
        value: 'children_turns_rps',
        unit: 'req/s',
        limit: 'children_raw_per_s',
        ratio: 'children_ratio_to_raw',
      },
      { figure: 'authenticated reads p99', value: 'children_p99_ms', unit: 'ms' },
      { figure: 'cold start (initdb, migrate, seed)', value: 'cold_start_ms', unit: 'ms' },
      { figure: 'restart after SIGTERM', value: 'restart_ms', unit: 'ms' },
      { figure: 'login (argon2id)', value: 'login_per_s', unit: '/s' },
      { figure: 'server RSS under load', value: 'rss_mb', unit: 'MB' },
    ],
  },
  {
    name: 'roster',
    file: 'bench/roster.bench.ts',
    args: ['--quick'],
    rows: [
      {
        figure: 'commit stage, 10k rows',
        value: 'commit_stage_rows_per_s',
        unit: 'rows/s',
        limit: 'copy_rows_per_s',
        ratio: 'ratio_to_copy',
      },
      { figure: 'import 10k end to end (median of 3)', value: 'import_10k_rows_per_s', unit: 'rows/s' },
      {
        figure: 'name search p95, 100k teachers',
        value: 'search_p95_ms',
        unit: 'ms',
        limit: 'search_raw_sql_province_ms.p95',
        ratio: 'search_ratio_to_raw',
        kind: 'time',
      },
      { figure: 'server peak RSS, 10k import', value: 'peak_rss_mb', unit: 'MB' },
    ],
  },
  {
    name: 'ledger',
    file: 'bench/ledger.bench.ts',
    args: ['--scale', 'county', '--quick'],
    rows: [
      { figure: 'progress API, 50 conn.', value: 'progress_rps', unit: 'req/s' },
      {
        figure: '  in turns with its statement through pg (median)',
        value: 'progress_turns_rps',
        unit: 'req/s',
        limit: 'progress_raw_per_s',
        ratio: 'progress_ratio_to_raw',
      },
      { figure: 'progress p95', value: 'progress_p95_ms', unit: 'ms' },
      {
        figure: 'bulk registration, 10 × 1,000',
        value: 'bulk_register_per_s',
        unit: 'entries/s',
        limit: 'register_raw_per_s',
        ratio: 'register_ratio_to_raw',
      },
      {
        figure: 'county rollup p95',
        value: 'county_school_rollup_p95_ms',
        unit: 'ms',
        limit: 'county_rollup_raw_p95_ms',
        ratio: 'rollup_ratio_to_raw',
        kind: 'time',
      },
      { figure: 'verification of a 500-teacher school', value: 'verify_school_s', unit: 's' },
      { figure: 'bulk certificates', value: 'certificates_per_s', unit: '/s' },
    ],
  },
  {
    name: 'training',
    file: 'bench/training.bench.ts',
    args: ['--scale', 'county'],
    rows: [
      {
        figure: 'bulk enrolment, 10k',
        value: 'bulk_enrol_per_s',
        unit: '/s',
        limit: 'enrol_raw_per_s',
        ratio: 'enrol_ratio_to_raw',
      },
      { figure: 'check-in storm p99', value: 'checkin_p99_ms', unit: 'ms' },
      { figure: 'check-ins lost', value: 'checkins_lost', unit: '' },
      { figure: 'close a 10k class', value: 'close_project_s', unit: 's' },
    ],
  },
  {
    name: 'study',
    file: 'bench/study.bench.ts',
    args: ['--quick'],
    rows: [
      {
        figure: 'study heartbeats, durable, 50 conn.',
        value: 'heartbeats_per_s',
        unit: '/s',
        limit: 'heartbeat_raw_per_s',
        ratio: 'heartbeat_ratio_to_raw',
      },
      { figure: '  heartbeat p99', value: 'heartbeat_p99_ms', unit: 'ms' },
      { figure: '  acknowledged heartbeats lost', value: 'heartbeats_lost', unit: '' },
      { figure: 'close a 10k online class', value: 'study_close_s', unit: 's' },
      {
        figure: 'originality check p95 (10k stored)',
        value: 'originality_p95_ms',
        unit: 'ms',
        limit: 'originality_raw_p95_ms',
        ratio: 'originality_ratio_to_raw',
      },
    ],
  },
  {
    name: 'exam',
    file: 'bench/exam.bench.ts',
    args: ['--quick'],
    rows: [
      { figure: 'exam attempts started, 50 conn.', value: 'exam_starts_per_s', unit: '/s' },
      { figure: '  answer save p99 (think time)', value: 'answer_save_p99_ms', unit: 'ms' },
      { figure: '  acknowledged answers lost', value: 'answers_lost', unit: '' },
      {
        figure: 'answer saves at capacity, 50 conn.',
        value: 'answer_capacity_per_s',
        unit: '/s',
        limit: 'answer_raw_per_s',
        ratio: 'answer_ratio_to_raw',
      },
      { figure: 'papers of 50 graded', value: 'grade_papers_per_s', unit: '/s', ratio: 'grade_ratio_to_raw' },
      { figure: 'spot-check draw, 1M teachers', value: 'draw_province_s', unit: 's', ratio: 'draw_ratio_to_hmac' },
    ],
  },
  {
    name: 'lrs',
    file: 'bench/lrs.bench.ts',
    args: ['--quick'],
    rows: [
      {
        figure: 'xAPI statements in batches of 100, 8 conn.',
        value: 'statements_batch_per_s',
        unit: '/s',
        limit: 'statements_batch_raw_per_s',
        ratio: 'lrs_batch_ratio_to_raw',
      },
      {
        figure: 'xAPI single statements, 50 conn.',
        value: 'statements_single_per_s',
        unit: '/s',
        limit: 'statements_single_raw_per_s',
        ratio: 'lrs_single_ratio_to_raw',
      },
      { figure: '  single statement p99', value: 'statement_p99_ms', unit: 'ms' },
      { figure: '  acknowledged statements lost', value: 'statements_lost', unit: '' },
      {
        figure: 'statements by agent and time range p95',
        value: 'query_p95_ms',
        unit: 'ms',
        limit: 'query_raw_p95_ms',
        ratio: 'query_ratio_to_raw',
        kind: 'time',
      },
      {
        figure: 'statements mapped to ledger entries',
        value: 'mapping_per_s',
        unit: '/s',
        limit: 'mapping_raw_per_s',
        ratio: 'mapping_ratio_to_raw',
      },
    ],
  },
  {
    name: 'programmes',
    file: 'bench/programmes.bench.ts',
    args: ['--scale', 'county'],
    rows: [
      {
        figure: 'competition aggregation + ranking + advancement',
        value: 'aggregate_20k_s',
        unit: 's',
        limit: 'aggregate_limit_s',
        kind: 'time',
      },
      {
        figure: "judge's queue page p95",
        value: 'judge_queue_p95_ms',
        unit: 'ms',
        limit: 'judge_queue_limit_p95_ms',
        kind: 'time',
      },
      {
        figure: 'archive PDFs',
        value: 'archive_pdfs_per_s',
        unit: '/s',
        limit: 'archive_pdfs_limit_per_s',
        kind: 'rate',
      },
    ],
  },
  {
    name: 'certificates',
    file: 'bench/certificate-pdf.bench.ts',
    args: ['--quick'],
    rows: [
      {
        figure: 'certificate PDFs, one thread',
        value: 'single_per_s',
        unit: '/s',
        limit: 'bare_per_s',
        ratio: 'pdf_ratio_to_bare',
      },
      { figure: 'certificate PDFs, worker pool', value: 'pool_per_s', unit: '/s' },
    ],
  },
  {
    name: 'web',
    file: 'bench/web.bench.ts',
    args: ['--quick'],
    rows: [
      {
        figure: "teacher's first page on 3G, cold",
        value: 'teacher_3g_load_ms',
        unit: 'ms',
        limit: 'raw_fetch_same_bytes_ms',
        ratio: 'ratio_to_raw',
      },
      { figure: "  bytes of the teacher's first page", value: 'teacher_transfer_kb', unit: 'KB' },
      { figure: "  the teacher's page again (cached)", value: 'teacher_3g_reload_ms', unit: 'ms' },
      { figure: "bytes of an admin's first page", value: 'admin_transfer_kb', unit: 'KB' },
    ],
  },
];

let interrupted = false;
const round = (n: number, d = 3) => Math.round(n * 10 ** d) / 10 ** d;

function pick(figures: Figures, key: string | undefined): number | null {
  if (!key) return null;
  let v: unknown = figures;
  for (const part of key.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Runs one benchmark in its own process, its lines indented; resolves with its last line's JSON. */
function run(b: Bench): Promise<{ figures: Figures | null; seconds: number; code: number | null }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', b.file, ...b.args], {
      cwd: ROOT,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let last = '';
    let partial = '';
    const onLine = (line: string) => {
      if (line.trim() !== '') last = line;
      // the JSON line is long: it is read here and shown in the table instead
      if (!line.startsWith('{')) console.log(`  ${line}`);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop()!;
      for (const l of lines) onLine(l);
    });
    child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    // the benchmark removes its PostgreSQL and data dir on SIGTERM; the benchmarks after it are not started
    const stop = () => {
      interrupted = true;
      child.kill('SIGTERM');
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    child.on('close', (code) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (partial) onLine(partial);
      let figures: Figures | null = null;
      try {
        figures = last.startsWith('{') ? (JSON.parse(last) as Figures) : null;
      } catch {
        figures = null;
      }
      resolve({ figures, seconds: (performance.now() - t0) / 1000, code });
    });
  });
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...r[i]!].length)));
  // numbers to the right, words to the left
  const cell = (c: string, i: number) => (i >= 2 && i !== 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!));
  const line = (r: string[]) => r.map(cell).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
}

async function main(): Promise<void> {
  const started = performance.now();
  const load0 = round(os.loadavg()[0]!, 2);
  console.log(
    `Peixun quick benchmarks — ${os.cpus().length} cores, node ${process.version}, ` + `load average (1 min) ${load0}`,
  );
  const out: Record<string, number | null> = {};
  const absolute: Record<string, Record<string, number | null>> = {};
  const limits: Record<string, Record<string, number | null>> = {};
  const seconds: Record<string, number> = {};
  const failed: string[] = [];
  const cells: string[][] = [['benchmark', 'figure', 'value', 'unit', 'limit', 'ratio']];
  const fmt = (n: number | null) => (n === null ? '—' : n >= 100 ? String(Math.round(n)) : String(round(n, 2)));
  for (const b of BENCHES) {
    if (interrupted) break;
    console.log('');
    console.log(`== ${b.name}: ${['tsx', b.file, ...b.args].join(' ')}`);
    const r = await run(b);
    seconds[b.name] = round(r.seconds, 1);
    if (r.code !== 0 || !r.figures) failed.push(`${b.name} (exit ${r.code}${r.figures ? '' : ', no JSON'})`);
    const f = r.figures ?? {};
    absolute[b.name] = {};
    limits[b.name] = {};
    for (const row of b.rows) {
      const value = pick(f, row.value);
      const limit = pick(f, row.limit);
      let ratio = pick(f, row.ratio);
      if (ratio === null && value !== null && limit !== null && value > 0 && limit > 0) {
        ratio = row.kind === 'time' ? limit / value : value / limit;
      }
      absolute[b.name]![row.value] = value;
      if (row.limit) limits[b.name]![row.limit] = limit;
      if (row.ratio) out[row.ratio] = ratio === null ? null : round(ratio);
      const ratioCell = ratio === null ? '' : round(ratio).toFixed(3);
      cells.push([b.name, row.figure, fmt(value), row.unit, row.limit ? fmt(limit) : '', ratioCell]);
    }
  }
  const totalS = round((performance.now() - started) / 1000, 1);
  console.log('');
  for (const l of table(cells)) console.log(l);
  console.log('');
  console.log(
    `seconds: ${Object.entries(seconds)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}; ` +
      `whole run ${totalS} s (target < ${TARGET_S} s: ${totalS < TARGET_S ? 'met' : 'MISSED'})` +
      `${failed.length ? `; FAILED: ${failed.join(', ')}` : ''}`,
  );
  const result = {
    ...out,
    absolute,
    limits,
    ratio_meaning: 'share of the limit measured in the same run: rate / limit rate, or limit time / time',
    seconds,
    total_s: totalS,
    target_s: TARGET_S,
    failed,
    machine: {
      cores: os.cpus().length,
      node: process.version,
      loadavg_1m_at_start: load0,
      loadavg_1m_at_end: round(os.loadavg()[0]!, 2),
    },
    at: new Date().toISOString(),
  };
  const outDir = path.join(ROOT, 'bench/results');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'quick.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result));
  if (failed.length || interrupted) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
