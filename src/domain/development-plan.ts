/**
 * A teacher's personal professional development plan (个人专业发展规划, R-52): three-year goals and,
 * per year, the actions, the training planned and the hours aimed at. Pure rules: what a plan must
 * hold, which moves its status allows, and when a year's self-review may be written.
 *
 *   draft ──submit──▶ submitted ──approve──▶ approved (self-reviews per year from its December)
 *     ▲                   │
 *     └──── returned ◀────┘ return (with a comment); the teacher revises and submits again
 */

/** A plan covers this many calendar years, starting with `startYear`. */
export const PLAN_YEARS = 3;
/** Longest goals text and longest text of one year's field (characters). */
export const GOALS_MAX = 5000;
export const YEAR_TEXT_MAX = 2000;
export const SELF_REVIEW_MAX = 2000;
export const REVIEW_COMMENT_MAX = 2000;
/** The most hours a year may aim at, in tenths (500 hours). */
export const TARGET_TENTHS_MAX = 5000;

export type PlanStatus = 'draft' | 'submitted' | 'approved' | 'returned';
export const PLAN_STATUSES: readonly PlanStatus[] = ['draft', 'submitted', 'approved', 'returned'];

export interface PlanYear {
  year: number;
  /** what the teacher will do (研修行动) */
  actions: string;
  /** the training planned (计划参加的培训) */
  training: string;
  /** hours aimed at, in tenths */
  targetTenths: number;
  /** written at the year's end, once the plan is approved */
  selfReview: string | null;
  selfReviewedAt: string | null;
}

export interface PlanDraft {
  startYear: number;
  goals: string;
  years: Array<Pick<PlanYear, 'year' | 'actions' | 'training' | 'targetTenths'>>;
}

export type PlanProblem =
  | { field: 'startYear'; reason: 'range' }
  | { field: 'goals'; reason: 'too_long' | 'empty' }
  | { field: 'years'; reason: 'count' | 'order' }
  | { field: 'actions' | 'training'; year: number; reason: 'too_long' | 'empty' }
  | { field: 'targetTenths'; year: number; reason: 'range' };

/** The years a plan starting in `startYear` covers. @example planYears(2026) // [2026, 2027, 2028] */
export function planYears(startYear: number): number[] {
  return Array.from({ length: PLAN_YEARS }, (_, i) => startYear + i);
}

/** A plan may start from two years back (one being written late) to next year. */
export function startYearAllowed(startYear: number, currentYear: number): boolean {
  return Number.isInteger(startYear) && startYear >= currentYear - 2 && startYear <= currentYear + 1;
}

/**
 * What is wrong with a plan: for saving a draft (`forSubmit` false) only lengths, ranges and the
 * years; for submitting also that the goals and every year's actions are written. The starting year
 * is checked when a plan is started (`currentYear` given); a plan being revised keeps its years.
 */
export function planProblems(d: PlanDraft, currentYear: number | null, forSubmit: boolean): PlanProblem[] {
  const out: PlanProblem[] = [];
  if (currentYear !== null && !startYearAllowed(d.startYear, currentYear))
    out.push({ field: 'startYear', reason: 'range' });
  if (d.goals.length > GOALS_MAX) out.push({ field: 'goals', reason: 'too_long' });
  else if (forSubmit && d.goals.trim() === '') out.push({ field: 'goals', reason: 'empty' });
  const want = planYears(d.startYear);
  if (d.years.length !== PLAN_YEARS) out.push({ field: 'years', reason: 'count' });
  else if (d.years.some((y, i) => y.year !== want[i])) out.push({ field: 'years', reason: 'order' });
  for (const y of d.years) {
    for (const field of ['actions', 'training'] as const) {
      if (y[field].length > YEAR_TEXT_MAX) out.push({ field, year: y.year, reason: 'too_long' });
      else if (forSubmit && field === 'actions' && y[field].trim() === '')
        out.push({ field, year: y.year, reason: 'empty' });
    }
    if (!Number.isInteger(y.targetTenths) || y.targetTenths < 0 || y.targetTenths > TARGET_TENTHS_MAX)
      out.push({ field: 'targetTenths', year: y.year, reason: 'range' });
  }
  return out;
}

/** The teacher may change the plan (and submit it) while it is a draft or was returned. */
export function editable(status: PlanStatus): boolean {
  return status === 'draft' || status === 'returned';
}

/** Only a submitted plan waits for the school's decision. */
export function reviewable(status: PlanStatus): boolean {
  return status === 'submitted';
}

export type PlanMove = 'save' | 'submit' | 'approve' | 'return' | 'self_review';

/** The status after a move, or null when the move is not allowed from `status`. */
export function nextStatus(status: PlanStatus, move: PlanMove): PlanStatus | null {
  switch (move) {
    case 'save':
      return editable(status) ? status : null;
    case 'submit':
      return editable(status) ? 'submitted' : null;
    case 'approve':
      return reviewable(status) ? 'approved' : null;
    case 'return':
      return reviewable(status) ? 'returned' : null;
    case 'self_review':
      return status === 'approved' ? 'approved' : null;
    default: {
      const never: never = move;
      return never;
    }
  }
}

/** The first day a year's self-review may be written: 1 December of that year (年终自评). */
export function selfReviewOpensOn(year: number): string {
  return `${year}-12-01`;
}

/**
 * Whether the self-review of `year` may be written on `day` ('YYYY-MM-DD'): the plan is approved,
 * covers the year, and the year's December has come (any later day too, for a review written late).
 */
export function selfReviewOpen(plan: { status: PlanStatus; startYear: number }, year: number, day: string): boolean {
  return plan.status === 'approved' && planYears(plan.startYear).includes(year) && day >= selfReviewOpensOn(year);
}

/** The years of a stored plan in order, filled to the plan's three years (missing ones empty). */
export function normaliseYears(startYear: number, stored: unknown): PlanYear[] {
  const list = Array.isArray(stored) ? (stored as Array<Partial<PlanYear>>) : [];
  return planYears(startYear).map((year) => {
    const y = list.find((x) => x && x.year === year) ?? {};
    return {
      year,
      actions: typeof y.actions === 'string' ? y.actions : '',
      training: typeof y.training === 'string' ? y.training : '',
      targetTenths: typeof y.targetTenths === 'number' ? y.targetTenths : 0,
      selfReview: typeof y.selfReview === 'string' ? y.selfReview : null,
      selfReviewedAt: typeof y.selfReviewedAt === 'string' ? y.selfReviewedAt : null,
    };
  });
}
