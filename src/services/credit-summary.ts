import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { evaluateProgress, type Progress } from '../domain/credit-progress.js';
import type { CycleRules } from '../domain/cycle-rules.js';
import {
  createCreditLedgerRepository,
  type CycleRow,
  type StatusRow,
  type SummaryCounts,
  type TeacherFactsRow,
} from '../repositories/credit-ledger.repository.js';

/**
 * The summaries the reports read (per teacher, per school) are kept in the transaction that
 * changes the ledger or a teacher: every writer ends by calling `syncTeachers` for the teachers
 * it touched. `peixun ledger check` recomputes them all from the ledger and compares.
 */

/** Rule versions never change once saved, so they are kept for the life of the process. */
const rulesCache = new Map<string, CycleRules>();

export async function rulesOf(
  db: Kysely<DB>,
  cycle: Pick<CycleRow, 'id' | 'currentVersion'>,
  version = cycle.currentVersion,
): Promise<CycleRules> {
  const key = `${cycle.id}:${version}`;
  let r = rulesCache.get(key);
  if (!r) {
    r = await createCreditLedgerRepository(db).rules(cycle.id, version);
    if (!r) throw new Error(`rules of cycle ${cycle.id} version ${version} are missing`);
    rulesCache.set(key, r);
  }
  return r;
}

export const ZERO_COUNTS: SummaryCounts = {
  teachers: 0,
  inScope: 0,
  complete: 0,
  onTrack: 0,
  behind: 0,
  belowYearly: 0,
  atRisk: 0,
  rawHours: 0,
  countedHours: 0,
  entryCount: 0,
};

/** What one teacher's status row adds to their school's counters. */
export function countsOf(s: StatusRow | undefined): SummaryCounts {
  if (!s) return ZERO_COUNTS;
  return {
    teachers: 1,
    inScope: s.inScope ? 1 : 0,
    complete: s.status === 'complete' ? 1 : 0,
    onTrack: s.status === 'on_track' ? 1 : 0,
    behind: s.status === 'behind' ? 1 : 0,
    belowYearly: s.status === 'below_yearly' ? 1 : 0,
    atRisk: s.status === 'at_risk' ? 1 : 0,
    rawHours: s.rawHours,
    countedHours: s.countedHours,
    entryCount: s.entryCount,
  };
}

export function addCounts(a: SummaryCounts, b: SummaryCounts, sign = 1): SummaryCounts {
  return {
    teachers: a.teachers + sign * b.teachers,
    inScope: a.inScope + sign * b.inScope,
    complete: a.complete + sign * b.complete,
    onTrack: a.onTrack + sign * b.onTrack,
    behind: a.behind + sign * b.behind,
    belowYearly: a.belowYearly + sign * b.belowYearly,
    atRisk: a.atRisk + sign * b.atRisk,
    rawHours: a.rawHours + sign * b.rawHours,
    countedHours: a.countedHours + sign * b.countedHours,
    entryCount: a.entryCount + sign * b.entryCount,
  };
}

export function statusRowOf(
  cycle: CycleRow,
  version: number,
  t: TeacherFactsRow,
  p: Progress,
  entryCount: number,
): StatusRow {
  return {
    teacherId: t.id,
    cycleId: cycle.id,
    provinceId: t.provinceId,
    orgUnitId: t.orgUnitId,
    orgPath: t.orgPath,
    ruleVersion: version,
    asOfYear: p.asOfYear,
    inScope: p.inScope,
    status: p.status,
    rawHours: p.raw,
    countedHours: p.counted,
    entryCount,
    yearHours: p.years.map((y) => y.counted),
    minimaUnmet: p.minima.filter((m) => !m.met).length,
  };
}

/**
 * Recomputes the status of the given teachers in one cycle and moves their schools' counters by
 * the difference. Call inside the writing transaction; the teachers' rows are locked first (in id
 * order) so two writers for the same teacher take turns. A caller that has locked them already in
 * this transaction passes their rows as `lockedFacts` (the same teachers, in id order).
 */
export async function syncTeachers(
  trx: Kysely<DB>,
  cycle: CycleRow,
  teacherIds: number[],
  asOfYear: number,
  opts: { rules?: CycleRules; version?: number; lockedFacts?: TeacherFactsRow[] } = {},
): Promise<StatusRow[]> {
  if (teacherIds.length === 0) return [];
  const repo = createCreditLedgerRepository(trx);
  const version = opts.version ?? cycle.currentVersion;
  const rules = opts.rules ?? (await rulesOf(trx, cycle, version));
  const ids = [...new Set(teacherIds)];
  const facts = opts.lockedFacts ?? (await repo.lockTeacherFacts(ids));
  const [entries, before] = await Promise.all([repo.engineEntries(cycle.id, ids), repo.statuses(cycle.id, ids)]);
  const after: StatusRow[] = [];
  const deltas = new Map<number, { orgUnitId: number; orgPath: string; provinceId: number; d: SummaryCounts }>();
  const move = (s: StatusRow, sign: number) => {
    const cur = deltas.get(s.orgUnitId) ?? {
      orgUnitId: s.orgUnitId,
      orgPath: s.orgPath,
      provinceId: s.provinceId,
      d: ZERO_COUNTS,
    };
    cur.d = addCounts(cur.d, countsOf(s), sign);
    if (sign > 0) cur.orgPath = s.orgPath;
    deltas.set(s.orgUnitId, cur);
  };
  for (const t of facts) {
    const list = entries.get(t.id) ?? [];
    const row = statusRowOf(cycle, version, t, evaluateProgress(rules, cycle, t, list, asOfYear), list.length);
    after.push(row);
    const old = before.get(t.id);
    if (old) move(old, -1);
    move(row, 1);
  }
  await repo.upsertStatuses(after);
  await repo.applySchoolDeltas(cycle.id, [...deltas.values()]);
  return after;
}

/** After teachers were created or changed (record, school): their status in every cycle of the province. */
export async function syncTeachersAllCycles(
  trx: Kysely<DB>,
  provinceId: number,
  teacherIds: number[],
  asOfYear: number,
): Promise<void> {
  if (teacherIds.length === 0) return;
  const cycles = await createCreditLedgerRepository(trx).cycles(provinceId);
  for (const c of cycles) {
    for (let i = 0; i < teacherIds.length; i += 2_000)
      await syncTeachers(trx, c, teacherIds.slice(i, i + 2_000), asOfYear);
  }
}
