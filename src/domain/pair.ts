/**
 * Mentoring pairs (师徒结对 / 青蓝工程) and urban–rural school pairing (城乡对口帮扶), R-40: the states
 * of a pair and the steps between them, who acts at each step, and the hours a confirmed activity earns
 * under the county's rule. Pure: the service checks access and writes.
 */

export const PAIR_KINDS = ['mentoring', 'school'] as const;
export type PairKind = (typeof PAIR_KINDS)[number];

export const PAIR_STATUSES = [
  'applied',
  'returned',
  'recommended',
  'refused',
  'registered',
  'active',
  'ended',
] as const;
export type PairStatus = (typeof PAIR_STATUSES)[number];

/** Who started the pair: a teacher as mentor or mentee, a school pairing its teachers, a county pairing schools. */
export const APPLIED_AS = ['mentor', 'mentee', 'school', 'county'] as const;
export type AppliedAs = (typeof APPLIED_AS)[number];

export const ACTIVITY_KINDS = ['observation', 'guidance', 'coteaching', 'other'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export const END_KINDS = ['completed', 'not_fulfilled', 'other'] as const;
export type EndKind = (typeof END_KINDS)[number];

export const REVIEW_STAGES = ['midterm', 'yearend'] as const;
export type ReviewStage = (typeof REVIEW_STAGES)[number];

export type Side = 'mentor' | 'mentee';

/** The steps that move a pair from one state to another. */
export const PAIR_STEPS = ['resubmit', 'recommend', 'return', 'register', 'refuse', 'sign', 'end'] as const;
export type PairStep = (typeof PAIR_STEPS)[number];

/** Who takes a step: the applicant, the school (recommends), the county (registers, ends), both members (sign). */
export type StepActor = 'applicant' | 'school' | 'county' | 'members';

const TRANSITIONS: Record<PairStep, { from: readonly PairStatus[]; to: PairStatus; by: StepActor }> = {
  // the applicant sends a returned application again (after changing it)
  resubmit: { from: ['returned'], to: 'applied', by: 'applicant' },
  // the school recommends an application to the county, or returns it with a reason
  recommend: { from: ['applied'], to: 'recommended', by: 'school' },
  return: { from: ['applied'], to: 'returned', by: 'school' },
  // the county's training department registers the pair or refuses it with a reason
  register: { from: ['recommended'], to: 'registered', by: 'county' },
  refuse: { from: ['recommended'], to: 'refused', by: 'county' },
  // both sides confirmed the agreement: the pair works from now on
  sign: { from: ['registered'], to: 'active', by: 'members' },
  // the county ends a registered or working pair with a reason
  end: { from: ['registered', 'active'], to: 'ended', by: 'county' },
};

/**
 * The state after a step, or null when the step is not allowed from `from`.
 * @example nextStatus('applied', 'recommend') // 'recommended'
 * @example nextStatus('ended', 'register') // null
 */
export function nextStatus(from: PairStatus, step: PairStep): PairStatus | null {
  const t = TRANSITIONS[step];
  return t.from.includes(from) ? t.to : null;
}

/** Who takes a step. */
export function stepActor(step: PairStep): StepActor {
  return TRANSITIONS[step].by;
}

/** The steps allowed from a state. */
export function stepsFrom(from: PairStatus): PairStep[] {
  return PAIR_STEPS.filter((s) => nextStatus(from, s) !== null);
}

/** The states a pair starts in: a teacher's application waits for the school; a school's pairing for the county; a county's is registered. */
export function initialStatus(appliedAs: AppliedAs): PairStatus {
  switch (appliedAs) {
    case 'mentor':
    case 'mentee':
      return 'applied';
    case 'school':
      return 'recommended';
    case 'county':
      return 'registered';
    default: {
      const never: never = appliedAs;
      return never;
    }
  }
}

/** States in which nothing more happens. */
export function isFinal(s: PairStatus): boolean {
  return s === 'refused' || s === 'ended';
}

/** The agreement may be changed while registered and not yet signed (a change clears both confirmations). */
export const agreementEditable = (s: PairStatus): boolean => s === 'registered';
/** Activities are logged and reviews scored while the pair works. */
export const pairWorks = (s: PairStatus): boolean => s === 'active';
/** An award goes to a working pair or one ended as completed. */
export const awardable = (s: PairStatus, endKind: EndKind | null): boolean =>
  s === 'active' || (s === 'ended' && endKind === 'completed');

export interface AgreementFields {
  goals: string | null;
  plan: string | null;
  termStart: string | null;
  termEnd: string | null;
}

/** What the agreement still lacks before it may be confirmed (empty: complete). */
export function agreementGaps(a: AgreementFields): Array<keyof AgreementFields> {
  const gaps: Array<keyof AgreementFields> = [];
  if (!a.goals?.trim()) gaps.push('goals');
  if (!a.plan?.trim()) gaps.push('plan');
  if (!a.termStart) gaps.push('termStart');
  if (!a.termEnd) gaps.push('termEnd');
  return gaps;
}

/** The term is at most this many years (a 青蓝工程 pairing runs one to three years). */
export const MAX_TERM_YEARS = 3;

/** Whether a term is well formed: end after start, at most three years. */
export function termValid(start: string, end: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(start) || !/^\d{4}-\d{2}-\d{2}$/.test(end)) return false;
  const s = Date.parse(`${start}T00:00:00Z`);
  const e = Date.parse(`${end}T00:00:00Z`);
  if (Number.isNaN(s) || Number.isNaN(e) || e <= s) return false;
  const limit = new Date(s);
  limit.setUTCFullYear(limit.getUTCFullYear() + MAX_TERM_YEARS);
  return e <= limit.getTime();
}

/** The county's hours rule: tenths of an hour per activity kind, a cap per teacher and calendar year. */
export interface PairHoursRule {
  enabled: boolean;
  tenths: Record<ActivityKind, number>;
  capTenths: number;
  category: string | null;
}

/**
 * The hours (tenths) a confirmed activity earns, given what the teacher's pair activities already earned
 * in the same calendar year: the kind's hours, cut to what is left under the cap, never negative.
 * @example activityHours({ enabled: true, tenths: { observation: 10, … }, capTenths: 25, category: null }, 'observation', 20) // 5
 */
export function activityHours(rule: PairHoursRule | null, kind: ActivityKind, usedThisYear: number): number {
  if (!rule?.enabled) return 0;
  const left = Math.max(0, rule.capTenths - Math.max(0, usedThisYear));
  return Math.max(0, Math.min(rule.tenths[kind], left));
}

/** The score a review ends with: the county's once it scored, else the school's, else none. */
export function reviewScore(r: { schoolScore: number | null; countyScore: number | null }): number | null {
  return r.countyScore ?? r.schoolScore;
}

/** Whether a score is one a review takes: a whole number 0–100. */
export const scoreValid = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 100;
