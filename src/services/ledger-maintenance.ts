import type { Kysely } from 'kysely';
import { currentYear, type Env } from '../config/env.js';
import type { DB } from '../db/schema.js';
import { evaluateProgress, type ProgressStatus } from '../domain/credit-progress.js';
import type { CycleRules } from '../domain/cycle-rules.js';
import { createCreditLedgerRepository, type SummaryCounts } from '../repositories/credit-ledger.repository.js';
import { createJobRepository } from '../repositories/job.repository.js';
import { REFRESH_JOB } from './credit-jobs.js';
import { addCounts, countsOf, rulesOf, statusRowOf, syncTeachers, ZERO_COUNTS } from './credit-summary.js';

const CHUNK = 1_000;

/**
 * Brings every teacher's status in a cycle up to date: teachers without a status row, and rows
 * computed for an earlier year or rule version. One transaction per chunk, so a long refresh never
 * holds locks for long and a crash keeps the chunks already done.
 */
export async function refreshCycle(
  db: Kysely<DB>,
  env: Pick<Env, 'PEIXUN_TODAY'>,
  cycleId: number,
  onProgress: (done: number, total: number) => Promise<void> = async () => undefined,
  signal?: AbortSignal,
): Promise<{ updated: number }> {
  const repo = createCreditLedgerRepository(db);
  const cycle = await repo.cycle(cycleId);
  if (!cycle) return { updated: 0 };
  const year = currentYear(env);
  let updated = 0;
  // first the teachers that have no row at all, then the stale rows
  for (const pass of ['missing', 'stale'] as const) {
    for (let after = 0; ; ) {
      signal?.throwIfAborted();
      const ids =
        pass === 'missing'
          ? await repo.teachersWithoutStatus(cycle.provinceId, cycle.id, after, CHUNK)
          : await repo.staleStatusTeachers(cycle.id, year, cycle.currentVersion, after, CHUNK);
      if (ids.length === 0) break;
      after = ids[ids.length - 1]!;
      await db.transaction().execute((trx) => syncTeachers(trx, cycle, ids, year));
      updated += ids.length;
      await onProgress(updated, Math.max(updated, updated + (ids.length === CHUNK ? CHUNK : 0)));
    }
  }
  return { updated };
}

/** Every cycle of every province brought up to date; returns the rows rewritten. */
export async function refreshAllCycles(db: Kysely<DB>, env: Pick<Env, 'PEIXUN_TODAY'>): Promise<number> {
  let n = 0;
  for (const c of await createCreditLedgerRepository(db).allCycles()) n += (await refreshCycle(db, env, c.id)).updated;
  return n;
}

/**
 * Queues a refresh for each cycle with teachers whose status is missing or was computed for an
 * earlier year or rule version (a new year began, a refresh was interrupted), unless one is queued.
 */
export async function queueStaleRefreshes(db: Kysely<DB>, env: Pick<Env, 'PEIXUN_TODAY'>): Promise<number> {
  const repo = createCreditLedgerRepository(db);
  const jobs = createJobRepository(db);
  const year = currentYear(env);
  let queued = 0;
  for (const c of await repo.allCycles()) {
    const stale =
      (await repo.staleStatusTeachers(c.id, year, c.currentVersion, 0, 1)).length > 0 ||
      (await repo.teachersWithoutStatus(c.provinceId, c.id, 0, 1)).length > 0;
    if (!stale || (await jobs.activeFor(REFRESH_JOB, { cycleId: c.id }))) continue;
    await jobs.enqueue({
      kind: REFRESH_JOB,
      provinceId: c.provinceId,
      orgPath: c.orgPath,
      params: { cycleId: c.id },
      createdBy: null,
    });
    queued++;
  }
  return queued;
}

export interface StatusChange {
  teacherId: number;
  name: string;
  orgUnitId: number;
  from: ProgressStatus;
  to: ProgressStatus;
  countedFrom: number;
  countedTo: number;
}

/**
 * The dry run of a rule change: each teacher's status under the rules in force and under the
 * proposed ones. Returns how many move between which statuses and the first `sample` of them.
 */
export async function previewRules(
  db: Kysely<DB>,
  env: Pick<Env, 'PEIXUN_TODAY'>,
  cycleId: number,
  proposed: CycleRules,
  onProgress: (done: number, total: number) => Promise<void> = async () => undefined,
  signal?: AbortSignal,
  sample = 200,
) {
  const repo = createCreditLedgerRepository(db);
  const cycle = (await repo.cycle(cycleId))!;
  const current = await rulesOf(db, cycle);
  const year = currentYear(env);
  const transitions = new Map<string, number>();
  const changes: StatusChange[] = [];
  let teachers = 0;
  let changed = 0;
  for (let after = 0; ; ) {
    signal?.throwIfAborted();
    const facts = await repo.teacherFactsUnder(cycle.provinceId, cycle.orgPath, after, CHUNK);
    if (facts.length === 0) break;
    after = facts[facts.length - 1]!.id;
    const entries = await repo.engineEntries(
      cycle.id,
      facts.map((t) => t.id),
    );
    for (const t of facts) {
      const list = entries.get(t.id) ?? [];
      const a = evaluateProgress(current, cycle, t, list, year);
      const b = evaluateProgress(proposed, cycle, t, list, year);
      teachers++;
      if (a.status !== b.status || a.counted !== b.counted) {
        changed++;
        const key = `${a.status}>${b.status}`;
        transitions.set(key, (transitions.get(key) ?? 0) + 1);
        if (changes.length < sample)
          changes.push({
            teacherId: t.id,
            name: t.name,
            orgUnitId: t.orgUnitId,
            from: a.status,
            to: b.status,
            countedFrom: a.counted,
            countedTo: b.counted,
          });
      }
    }
    await onProgress(teachers, teachers + (facts.length === CHUNK ? CHUNK : 0));
  }
  return {
    teachers,
    changed,
    transitions: [...transitions]
      .map(([k, n]) => ({ from: k.split('>')[0] as ProgressStatus, to: k.split('>')[1] as ProgressStatus, count: n }))
      .sort((x, y) => y.count - x.count),
    sample: changes,
  };
}

export interface CheckReport {
  cycles: number;
  teachers: number;
  entries: number;
  /** status rows that differ from a recomputation from the ledger (same year and rule version) */
  statusDifferences: Array<{ cycleId: number; teacherId: number; field: string; stored: unknown; recomputed: unknown }>;
  missingStatus: number;
  /** rows computed for an earlier year or rule version: a refresh is due, not an error */
  staleStatus: number;
  schoolDifferences: Array<{ cycleId: number; orgUnitId: number; field: string; stored: number; recomputed: number }>;
  ok: boolean;
}

/**
 * `peixun ledger check`: recomputes every teacher's status and every school's counters from the
 * ledger alone and lists any difference from what is stored. Read-only.
 */
export async function checkLedger(
  db: Kysely<DB>,
  env: Pick<Env, 'PEIXUN_TODAY'>,
  onProgress: (line: string) => void = () => undefined,
): Promise<CheckReport> {
  const year = currentYear(env);
  const repo = createCreditLedgerRepository(db);
  const report: CheckReport = {
    cycles: 0,
    teachers: 0,
    entries: 0,
    statusDifferences: [],
    missingStatus: 0,
    staleStatus: 0,
    schoolDifferences: [],
    ok: true,
  };
  for (const cycle of await repo.allCycles()) {
    report.cycles++;
    const schools = new Map<number, SummaryCounts>();
    for (let after = 0; ; ) {
      const facts = await repo.teacherFactsUnder(cycle.provinceId, '/', after, CHUNK);
      if (facts.length === 0) break;
      after = facts[facts.length - 1]!.id;
      const ids = facts.map((t) => t.id);
      const [entries, stored] = await Promise.all([repo.engineEntries(cycle.id, ids), repo.statuses(cycle.id, ids)]);
      for (const t of facts) {
        report.teachers++;
        const list = entries.get(t.id) ?? [];
        report.entries += list.length;
        const s = stored.get(t.id);
        if (!s) {
          report.missingStatus++;
          continue;
        }
        const stale = s.ruleVersion !== cycle.currentVersion || s.asOfYear !== year;
        if (stale) report.staleStatus++;
        const rules = await rulesOf(db, cycle, s.ruleVersion);
        const again = statusRowOf(
          cycle,
          s.ruleVersion,
          t,
          evaluateProgress(rules, cycle, t, list, s.asOfYear),
          list.length,
        );
        for (const f of [
          'orgUnitId',
          'orgPath',
          'inScope',
          'status',
          'rawHours',
          'countedHours',
          'entryCount',
          'minimaUnmet',
          'yearHours',
        ] as const) {
          if (JSON.stringify(s[f]) !== JSON.stringify(again[f]))
            report.statusDifferences.push({
              cycleId: cycle.id,
              teacherId: t.id,
              field: f,
              stored: s[f],
              recomputed: again[f],
            });
        }
        schools.set(again.orgUnitId, addCounts(schools.get(again.orgUnitId) ?? ZERO_COUNTS, countsOf(again)));
      }
      onProgress(`cycle ${cycle.name}: ${report.teachers} teachers checked`);
    }
    const storedSchools = await repo.schoolSummaries(cycle.id);
    for (const [orgUnitId, have] of storedSchools) {
      const want = schools.get(orgUnitId) ?? ZERO_COUNTS;
      for (const f of Object.keys(want) as Array<keyof SummaryCounts>) {
        if (have[f] !== want[f])
          report.schoolDifferences.push({
            cycleId: cycle.id,
            orgUnitId,
            field: f,
            stored: have[f],
            recomputed: want[f],
          });
      }
    }
    for (const [orgUnitId, want] of schools) {
      if (!storedSchools.has(orgUnitId) && want.teachers > 0)
        report.schoolDifferences.push({
          cycleId: cycle.id,
          orgUnitId,
          field: 'teachers',
          stored: 0,
          recomputed: want.teachers,
        });
    }
  }
  report.ok =
    report.statusDifferences.length === 0 && report.schoolDifferences.length === 0 && report.missingStatus === 0;
  return report;
}
