/**
 * Commendations: a bureau's criteria for advanced units (先进单位), outstanding administrators
 * (优秀管理员) and outstanding trainees (优秀学员) as thresholds over the statistics of a year the
 * product already keeps — completion of hours, the annual verification, exam results, attendance of
 * training classes. Pure: which units and teachers qualify, in which order, within an optional cap.
 */
export const COMMENDATION_KINDS = ['advanced_unit', 'outstanding_admin', 'outstanding_trainee'] as const;
export type CommendationKind = (typeof COMMENDATION_KINDS)[number];

/** Thresholds over a unit's figures (an advanced unit, or the unit an outstanding administrator runs). */
export interface UnitCriteria {
  enabled: boolean;
  /** teachers who completed the cycle's hours, of those the cycle applies to (0–100) */
  minCompletionPercent: number | null;
  /** the unit's annual verification of the year signed off by the county */
  requireSignedOff: boolean;
  /** exam results of the year that passed (0–100); a unit without any result does not meet it */
  minExamPassPercent: number | null;
  /** enrolments of classes closed in the year that were completed (0–100) */
  minParticipationPercent: number | null;
  /** at most this many, best first; null: all who qualify */
  maxCount: number | null;
}

/** Thresholds over a teacher's figures. */
export interface TraineeCriteria {
  enabled: boolean;
  /** the cycle's hours complete */
  requireComplete: boolean;
  /** hours counted in the year */
  minYearHours: number | null;
  /** exams of the year passed */
  minExamsPassed: number | null;
  /** at least one exam of the year at the level 'excellent' */
  requireExcellent: boolean;
  /** training classes of the year completed */
  minClassesCompleted: number | null;
  maxCount: number | null;
}

export interface CommendationCriteria {
  advancedUnit: UnitCriteria;
  outstandingAdmin: UnitCriteria;
  outstandingTrainee: TraineeCriteria;
}

export interface UnitFigures {
  /** teachers the cycle applies to, and those complete */
  teachers: number;
  complete: number;
  completionPercent: number | null;
  signedOff: boolean;
  examResults: number;
  examPassed: number;
  examPassPercent: number | null;
  enrolments: number;
  completed: number;
  participationPercent: number | null;
}

export interface TraineeFigures {
  status: string | null;
  /** hours counted in the year (tenths of an hour, as the ledger keeps them) */
  yearTenths: number;
  examsTaken: number;
  examsPassed: number;
  excellent: number;
  classesCompleted: number;
  classesNotCompleted: number;
}

export const DEFAULT_CRITERIA: CommendationCriteria = {
  advancedUnit: {
    enabled: true,
    minCompletionPercent: 95,
    requireSignedOff: true,
    minExamPassPercent: 90,
    minParticipationPercent: 90,
    maxCount: null,
  },
  outstandingAdmin: {
    enabled: true,
    minCompletionPercent: 95,
    requireSignedOff: true,
    minExamPassPercent: null,
    minParticipationPercent: null,
    maxCount: null,
  },
  outstandingTrainee: {
    enabled: true,
    requireComplete: true,
    minYearHours: 72,
    minExamsPassed: 1,
    requireExcellent: true,
    minClassesCompleted: null,
    maxCount: null,
  },
};

/** A share in whole percent with one decimal, or null when there is nothing to share. */
export function percent(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 1000) / 10 : null;
}

const atLeast = (value: number | null, min: number | null) => min === null || (value !== null && value >= min);

export function unitQualifies(c: UnitCriteria, f: UnitFigures): boolean {
  return (
    c.enabled &&
    f.teachers > 0 &&
    atLeast(f.completionPercent, c.minCompletionPercent) &&
    (!c.requireSignedOff || f.signedOff) &&
    atLeast(f.examPassPercent, c.minExamPassPercent) &&
    atLeast(f.participationPercent, c.minParticipationPercent)
  );
}

export function traineeQualifies(c: TraineeCriteria, f: TraineeFigures): boolean {
  return (
    c.enabled &&
    (!c.requireComplete || f.status === 'complete') &&
    atLeast(f.yearTenths, c.minYearHours === null ? null : Math.round(c.minYearHours * 10)) &&
    atLeast(f.examsPassed, c.minExamsPassed) &&
    (!c.requireExcellent || f.excellent > 0) &&
    atLeast(f.classesCompleted, c.minClassesCompleted)
  );
}

/** Best first: completion, then exam pass rate, then participation; ties by name. */
export function compareUnits(a: { name: string; figures: UnitFigures }, b: { name: string; figures: UnitFigures }) {
  return (
    (b.figures.completionPercent ?? -1) - (a.figures.completionPercent ?? -1) ||
    (b.figures.examPassPercent ?? -1) - (a.figures.examPassPercent ?? -1) ||
    (b.figures.participationPercent ?? -1) - (a.figures.participationPercent ?? -1) ||
    a.name.localeCompare(b.name, 'zh-CN')
  );
}

/** Best first: excellent results, exams passed, hours of the year, classes completed; ties by name. */
export function compareTrainees(
  a: { name: string; figures: TraineeFigures },
  b: { name: string; figures: TraineeFigures },
) {
  return (
    b.figures.excellent - a.figures.excellent ||
    b.figures.examsPassed - a.figures.examsPassed ||
    b.figures.yearTenths - a.figures.yearTenths ||
    b.figures.classesCompleted - a.figures.classesCompleted ||
    a.name.localeCompare(b.name, 'zh-CN')
  );
}

/**
 * Those who qualify, best first, at most `maxCount`.
 *
 * @example propose(units, (u) => unitQualifies(c, u.figures), compareUnits, c.maxCount)
 */
export function propose<T>(
  all: readonly T[],
  qualifies: (x: T) => boolean,
  compare: (a: T, b: T) => number,
  maxCount: number | null,
): T[] {
  const picked = all.filter(qualifies).sort(compare);
  return maxCount === null ? picked : picked.slice(0, maxCount);
}

/** What is wrong with criteria as sent (paths of the fields), or nothing. */
export function criteriaProblems(c: CommendationCriteria): string[] {
  const out: string[] = [];
  const pct = (path: string, v: number | null) => {
    if (v !== null && !(v >= 0 && v <= 100)) out.push(path);
  };
  for (const key of ['advancedUnit', 'outstandingAdmin'] as const) {
    pct(`${key}.minCompletionPercent`, c[key].minCompletionPercent);
    pct(`${key}.minExamPassPercent`, c[key].minExamPassPercent);
    pct(`${key}.minParticipationPercent`, c[key].minParticipationPercent);
  }
  if (!c.advancedUnit.enabled && !c.outstandingAdmin.enabled && !c.outstandingTrainee.enabled) out.push('enabled');
  return out;
}
