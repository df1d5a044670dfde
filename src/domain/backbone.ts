/**
 * Backbone teachers (骨干教师, R-41): the pure rules of a selection round, its quotas, a holder's yearly
 * duties and the level a teacher is known by. No I/O.
 */
import { BACKBONE_LEVELS, type BackboneLevel } from './teacher.js';
import type { OrgUnitKind } from './org-tree.js';

export { BACKBONE_LEVELS, type BackboneLevel };

export const ROUND_STATUSES = ['nominating', 'scoring', 'publicised', 'finalised', 'cancelled'] as const;
export type RoundStatus = (typeof ROUND_STATUSES)[number];

export const ROUND_KINDS = ['selection', 'review'] as const;
export type RoundKind = (typeof ROUND_KINDS)[number];

export const ROUND_EVENTS = ['close', 'reopen', 'publish', 'withdraw', 'finalise', 'cancel'] as const;
export type RoundEvent = (typeof ROUND_EVENTS)[number];

/**
 * The round's state machine: nominating → (close) scoring → (publish) publicised → (finalise) finalised;
 * scoring may reopen nominations; a withdrawn notice goes back to scoring; a round not yet published may
 * be cancelled. Answers the next status, or null when the event is not allowed in that status.
 *
 * @example nextRoundStatus('nominating', 'close') // 'scoring'
 */
export function nextRoundStatus(s: RoundStatus, e: RoundEvent): RoundStatus | null {
  switch (e) {
    case 'close':
      return s === 'nominating' ? 'scoring' : null;
    case 'reopen':
      return s === 'scoring' ? 'nominating' : null;
    case 'publish':
      return s === 'scoring' ? 'publicised' : null;
    case 'withdraw':
      return s === 'publicised' ? 'scoring' : null;
    case 'finalise':
      return s === 'publicised' ? 'finalised' : null;
    case 'cancel':
      return s === 'nominating' || s === 'scoring' ? 'cancelled' : null;
    default: {
      const never: never = e;
      return never;
    }
  }
}

/** The level of title a unit certifies: a school 校级, a county 县级, a city 市级, a province 省级; others none. */
export function levelOfUnit(kind: OrgUnitKind): BackboneLevel | null {
  switch (kind) {
    case 'school':
      return 'school';
    case 'county':
      return 'county';
    case 'city':
      return 'city';
    case 'province':
      return 'province';
    default:
      return null;
  }
}

const RANK: Record<BackboneLevel, number> = { school: 1, county: 2, city: 3, province: 4 };

/**
 * The level a teacher is known by (teacher.backbone_level): the highest of their active titles, null without one.
 *
 * @example highestLevel([{ level: 'school', status: 'active' }, { level: 'city', status: 'revoked' }]) // 'school'
 */
export function highestLevel(titles: readonly { level: BackboneLevel; status: string }[]): BackboneLevel | null {
  let best: BackboneLevel | null = null;
  for (const t of titles) if (t.status === 'active' && (best === null || RANK[t.level] > RANK[best])) best = t.level;
  return best;
}

/** Yearly duties of a holder (default: at least one open lesson and one paper a year). */
export interface Duties {
  openLessons: number;
  papers: number;
}
export const DEFAULT_DUTIES: Duties = { openLessons: 1, papers: 1 };
export const MAX_DUTY_COUNT = 20;

/** Optional checks a nominee must pass, besides the criteria text the panel reads. */
export interface RoundChecks {
  minServiceYears?: number;
  stages?: string[];
  subjects?: string[];
}

/** Why a teacher may not be nominated under the checks (empty when they may). */
export function checkNominee(
  checks: RoundChecks,
  t: { teachingStartYear: number | null; stage: string; subject: string | null },
  year: number,
): Array<'service_years' | 'stage' | 'subject'> {
  const out: Array<'service_years' | 'stage' | 'subject'> = [];
  if (checks.minServiceYears && checks.minServiceYears > 0) {
    const years = t.teachingStartYear === null ? 0 : year - t.teachingStartYear;
    if (years < checks.minServiceYears) out.push('service_years');
  }
  if (checks.stages?.length && !checks.stages.includes(t.stage)) out.push('stage');
  if (checks.subjects?.length && !(t.subject !== null && checks.subjects.includes(t.subject))) out.push('subject');
  return out;
}

/**
 * Whether one more nomination fits a unit's quota, given those it has already nominated.
 *
 * @example fitsQuota(2, 2) // false
 */
export function fitsQuota(quota: number, used: number): boolean {
  return used < quota;
}

/**
 * Takes nomination requests in order and accepts each that fits its unit's quota (a unit without a
 * quota accepts none). Accepted ones never exceed a unit's quota. Answers the accepted requests' indices.
 */
export function acceptWithinQuotas(
  quotas: ReadonlyMap<number, number>,
  requests: readonly { unitId: number }[],
): number[] {
  const used = new Map<number, number>();
  const out: number[] = [];
  requests.forEach((r, i) => {
    const n = used.get(r.unitId) ?? 0;
    if (fitsQuota(quotas.get(r.unitId) ?? 0, n)) {
      used.set(r.unitId, n + 1);
      out.push(i);
    }
  });
  return out;
}

export type DutyYearStatus = 'done' | 'pending' | 'due_soon' | 'missed' | 'not_required';

/** From this day of the year ('MM-DD') on, holders who have not done their duties are reminded. */
export const REMINDER_FROM = '11-01';

/**
 * The status of a holder's duties in a year, from the confirmed records: done when each count is met;
 * otherwise missed once the year is over, due soon from REMINDER_FROM, else pending. A year outside the
 * title's term needs nothing.
 *
 * @example dutyYearStatus({ openLessons: 1, papers: 1 }, { openLessons: 1, papers: 0 }, 2025, '2026-01-02', { termStart: '2024-09-01', termEnd: '2027-08-31' }) // 'missed'
 */
export function dutyYearStatus(
  duties: Duties,
  confirmed: { openLessons: number; papers: number },
  year: number,
  today: string,
  term: { termStart: string; termEnd: string },
): DutyYearStatus {
  if (year < Number(term.termStart.slice(0, 4)) || year > Number(term.termEnd.slice(0, 4))) return 'not_required';
  if (confirmed.openLessons >= duties.openLessons && confirmed.papers >= duties.papers) return 'done';
  const thisYear = Number(today.slice(0, 4));
  if (year < thisYear) return 'missed';
  if (year > thisYear) return 'pending';
  return today.slice(5) >= REMINDER_FROM ? 'due_soon' : 'pending';
}

/**
 * The last day of a term of `years` starting on `start` ('YYYY-MM-DD'): the day before the same date
 * `years` later.
 *
 * @example termEnd('2026-01-15', 3) // '2029-01-14'
 */
export function termEnd(start: string, years: number): string {
  const [y, m, d] = start.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y + years, m - 1, d));
  // 29 February → 28 February in a common year (Date rolls over to 1 March)
  if (t.getUTCMonth() !== m - 1) t.setUTCDate(0);
  else t.setUTCDate(t.getUTCDate() - 1);
  return t.toISOString().slice(0, 10);
}

/** Problems of a round's fields by field name (empty when fine). */
export function roundProblems(f: {
  title: string;
  criteria: string;
  nominationDeadline: string;
  termYears: number;
  duties: Duties;
  checks: RoundChecks;
  quotas: readonly { quota: number }[];
}): Record<string, string> {
  const p: Record<string, string> = {};
  if (!f.title.trim() || f.title.length > 200) p['title'] = 'invalid';
  if (!f.criteria.trim() || f.criteria.length > 5000) p['criteria'] = 'invalid';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(f.nominationDeadline) || Number.isNaN(Date.parse(f.nominationDeadline)))
    p['nominationDeadline'] = 'invalid';
  if (!Number.isInteger(f.termYears) || f.termYears < 1 || f.termYears > 10) p['termYears'] = 'invalid';
  for (const k of ['openLessons', 'papers'] as const)
    if (!Number.isInteger(f.duties[k]) || f.duties[k] < 0 || f.duties[k] > MAX_DUTY_COUNT) p[k] = 'invalid';
  const s = f.checks.minServiceYears;
  if (s !== undefined && (!Number.isInteger(s) || s < 0 || s > 60)) p['minServiceYears'] = 'invalid';
  if (f.quotas.length === 0 || f.quotas.every((q) => q.quota === 0)) p['quotas'] = 'empty';
  if (f.quotas.some((q) => !Number.isInteger(q.quota) || q.quota < 0 || q.quota > 10_000)) p['quotas'] = 'invalid';
  return p;
}
