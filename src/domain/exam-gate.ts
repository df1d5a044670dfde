/**
 * Who may start an exam now, and everything still missing. Pure: the facts in, the list out
 * (empty: may start). A teacher who may not sit sees every item at once, never only the first.
 */
import type { OnlineShortfall } from './online-completion.js';

export interface ExamGates {
  /** the online class's minutes, homework, posts and reflections must be complete */
  studyComplete?: boolean;
  /** hours (whole hours) in the ledger for the current year, of one category if named */
  minLedgerHours?: number;
  ledgerCategory?: string;
}

export interface EntryFacts {
  now: number;
  status: 'draft' | 'published' | 'closed';
  opensAt: number;
  closesAt: number;
  isCandidate: boolean;
  attemptsUsed: number;
  attemptsAllowed: number;
  /** an attempt in progress is always resumed, whatever else */
  hasOpenAttempt: boolean;
  gates: ExamGates;
  /** the class's shortfalls for this teacher (null: no online class, or not asked) */
  study: readonly OnlineShortfall[] | null;
  /** tenths of an hour counted in the ledger for the gate (null: not asked) */
  ledgerTenths: number | null;
}

export type EntryMissing =
  | { code: 'not_a_candidate' }
  | { code: 'not_open'; opensAt: string }
  | { code: 'closed'; closesAt: string }
  | { code: 'no_attempts_left'; allowed: number }
  | OnlineShortfall
  | { code: 'ledger_hours'; required: number; counted: number; category: string | null };

export function entryMissing(f: EntryFacts): EntryMissing[] {
  if (!f.isCandidate) return [{ code: 'not_a_candidate' }];
  if (f.hasOpenAttempt && f.status === 'published' && f.now < f.closesAt) return [];
  const out: EntryMissing[] = [];
  if (f.status === 'closed' || f.now >= f.closesAt)
    out.push({ code: 'closed', closesAt: new Date(f.closesAt).toISOString() });
  else if (f.status !== 'published' || f.now < f.opensAt)
    out.push({ code: 'not_open', opensAt: new Date(f.opensAt).toISOString() });
  if (f.attemptsUsed >= f.attemptsAllowed) out.push({ code: 'no_attempts_left', allowed: f.attemptsAllowed });
  if (f.gates.studyComplete && f.study) out.push(...f.study);
  if (f.gates.minLedgerHours !== undefined && f.gates.minLedgerHours > 0) {
    const counted = (f.ledgerTenths ?? 0) / 10;
    if (counted + 1e-9 < f.gates.minLedgerHours)
      out.push({
        code: 'ledger_hours',
        required: f.gates.minLedgerHours,
        counted,
        category: f.gates.ledgerCategory ?? null,
      });
  }
  return out;
}
