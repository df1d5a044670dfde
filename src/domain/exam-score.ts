/**
 * Scores of an exam: which attempt counts, the composite of weighted components,
 * the grade level from the cut-offs, whether it passes, what double marking settles on, and how a
 * unit stands against its skill targets. Pure.
 */

/** 优秀 / 良好 / 合格 / 基本合格 / 不合格, best first. */
export const EXAM_LEVELS = ['excellent', 'good', 'pass', 'basic', 'fail'] as const;
export type ExamLevel = (typeof EXAM_LEVELS)[number];
export type PassLevel = Exclude<ExamLevel, 'fail'>;

export const EXAM_LEVEL_LABELS: Record<ExamLevel, string> = {
  excellent: '优秀',
  good: '良好',
  pass: '合格',
  basic: '基本合格',
  fail: '不合格',
};

/** The lowest composite (0–100) of each level; a composite below `basic` is 不合格. */
export interface LevelCuts {
  excellent: number;
  good: number;
  pass: number;
  basic: number;
}

export const DEFAULT_LEVEL_CUTS: LevelCuts = { excellent: 90, good: 80, pass: 60, basic: 50 };

/** Cut-offs must fall from 优秀 to 基本合格 (equal means the lower level is skipped), within 0–100. */
export function levelCutsValid(c: LevelCuts): boolean {
  const v = [c.excellent, c.good, c.pass, c.basic];
  return (
    v.every((x) => Number.isFinite(x) && x >= 0 && x <= 100) && v.every((x, i) => i === 0 || x <= (v[i - 1] as number))
  );
}

export function levelOf(composite: number, cuts: LevelCuts): ExamLevel {
  if (composite >= cuts.excellent) return 'excellent';
  if (composite >= cuts.good) return 'good';
  if (composite >= cuts.pass) return 'pass';
  if (composite >= cuts.basic) return 'basic';
  return 'fail';
}

/** Whether a level reaches the exam's pass level. */
export function levelPasses(level: ExamLevel, passLevel: PassLevel): boolean {
  return EXAM_LEVELS.indexOf(level) <= EXAM_LEVELS.indexOf(passLevel);
}

export interface CompositeComponent {
  /** 'exam' is the exam's own score; any other key is entered or imported per teacher */
  key: string;
  label: string;
  /** percent; the weights of a composite add up to 100 */
  weight: number;
}

export function compositeValid(components: readonly CompositeComponent[]): boolean {
  const keys = new Set(components.map((c) => c.key));
  const sum = components.reduce((s, c) => s + c.weight, 0);
  return (
    components.length > 0 &&
    keys.size === components.length &&
    keys.has('exam') &&
    components.every((c) => c.weight > 0 && c.weight <= 100) &&
    Math.abs(sum - 100) < 1e-9
  );
}

/**
 * The composite out of 100, rounded to two decimals; `null` while any component has no score yet
 * (a composite is never shown from part of its components).
 */
export function compositeScore(
  components: readonly CompositeComponent[],
  scores: Readonly<Record<string, number | null | undefined>>,
): number | null {
  let total = 0;
  for (const c of components) {
    const s = scores[c.key];
    if (s === null || s === undefined || !Number.isFinite(s)) return null;
    total += (s * c.weight) / 100;
  }
  return Math.round(total * 100) / 100;
}

/** An attempt's score out of 100 (two decimals). */
export function outOf100(score: number, maxScore: number): number {
  return maxScore > 0 ? Math.round((score / maxScore) * 10000) / 100 : 0;
}

export type GradePolicy = 'highest' | 'last';

/** The attempt that counts among the graded ones: the highest (the earlier of equals) or the last. */
export function countingAttempt<T extends { attemptNo: number; score: number }>(
  graded: readonly T[],
  policy: GradePolicy,
): T | null {
  let best: T | null = null;
  for (const a of graded) {
    if (best === null) best = a;
    else if (
      policy === 'last'
        ? a.attemptNo > best.attemptNo
        : a.score > best.score || (a.score === best.score && a.attemptNo < best.attemptNo)
    )
      best = a;
  }
  return best;
}

export type MarkOutcome =
  | { state: 'pending' }
  | { state: 'disputed'; marks: [number, number] }
  | { state: 'marked'; score: number };

/**
 * Where an essay answer stands from its marks (round → score). Single marking: the first mark. Double
 * marking: the mean of two marks no further apart than the threshold, else disputed until the
 * arbiter's mark (round 3), which then stands.
 */
export function markOutcome(marks: ReadonlyMap<number, number>, double: boolean, threshold: number): MarkOutcome {
  const arbiter = marks.get(3);
  if (arbiter !== undefined) return { state: 'marked', score: arbiter };
  const a = marks.get(1);
  if (a === undefined) return { state: 'pending' };
  if (!double) return { state: 'marked', score: a };
  const b = marks.get(2);
  if (b === undefined) return { state: 'pending' };
  if (Math.abs(a - b) > threshold + 1e-9) return { state: 'disputed', marks: [a, b] };
  return { state: 'marked', score: Math.round(((a + b) / 2) * 100) / 100 };
}

/** the share of excellent and of competent (passing) teachers a unit should reach, in percent. */
export interface SkillTargets {
  excellentShare?: number;
  competentShare?: number;
}

export interface UnitLevels {
  /** candidates with a result */
  assessed: number;
  excellent: number;
  passed: number;
}

/** A rate in percent with one decimal, or null for an empty denominator (shown as "—"). */
export function rate(numerator: number, denominator: number): number | null {
  return denominator > 0 ? Math.round((numerator / denominator) * 1000) / 10 : null;
}

export function targetStanding(u: UnitLevels, t: SkillTargets) {
  const excellentRate = rate(u.excellent, u.assessed);
  const passRate = rate(u.passed, u.assessed);
  const meets = (r: number | null, target: number | undefined) =>
    target === undefined ? null : r === null ? null : r + 1e-9 >= target;
  return {
    excellentRate,
    passRate,
    excellentMet: meets(excellentRate, t.excellentShare),
    competentMet: meets(passRate, t.competentShare),
  };
}
