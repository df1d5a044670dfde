/**
 * Statistics of an exam: how the scores spread, how hard each question was and how well
 * it told strong candidates from weak ones, and how a unit stands against its participation, pass,
 * excellence and skill targets. Pure; an empty denominator gives `null` (shown "—"), never 0 % or NaN.
 */
import { EXAM_LEVELS, type ExamLevel, rate, type SkillTargets, targetStanding } from './exam-score.js';

/** A score band on the 0–100 scale: `from` inclusive, `to` inclusive of the whole points below the next band. */
export interface Band {
  from: number;
  to: number;
}

/** 0–59, 60–69, 70–79, 80–89, 90–100: the bands a bureau's report uses. */
export const DEFAULT_BANDS: readonly Band[] = [
  { from: 0, to: 59 },
  { from: 60, to: 69 },
  { from: 70, to: 79 },
  { from: 80, to: 89 },
  { from: 90, to: 100 },
];

/** 0–9, 10–19, …, 90–100. */
export const TEN_POINT_BANDS: readonly Band[] = Array.from({ length: 10 }, (_, i) => ({
  from: i * 10,
  to: i === 9 ? 100 : i * 10 + 9,
}));

export interface BandCount extends Band {
  count: number;
  /** share of the scores, percent with one decimal; null without scores */
  share: number | null;
}

/**
 * Counts scores (0–100, decimals allowed) per band. A score belongs to the last band whose `from` it
 * reaches, so 59.5 is in 0–59 and 100 in 90–100; scores outside 0–100 are clamped.
 *
 * @example distribution([58, 60, 95]) // counts 1, 1, 0, 0, 1
 */
export function distribution(scores: readonly number[], bands: readonly Band[] = DEFAULT_BANDS): BandCount[] {
  const counts = bands.map(() => 0);
  for (const raw of scores) {
    const s = Math.min(100, Math.max(0, raw));
    let i = bands.length - 1;
    while (i > 0 && s < (bands[i] as Band).from) i--;
    counts[i] = (counts[i] as number) + 1;
  }
  return bands.map((b, i) => ({
    from: b.from,
    to: b.to,
    count: counts[i] as number,
    share: rate(counts[i] as number, scores.length),
  }));
}

export interface ScoreSummary {
  count: number;
  mean: number | null;
  median: number | null;
  max: number | null;
  min: number | null;
  /** population standard deviation */
  sd: number | null;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Mean, median, extremes and (population) standard deviation, two decimals; nulls without scores. */
export function summarise(scores: readonly number[]): ScoreSummary {
  const n = scores.length;
  if (n === 0) return { count: 0, mean: null, median: null, max: null, min: null, sd: null };
  const sorted = [...scores].sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / n;
  const mid = Math.floor(n / 2);
  const median = n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  const variance = sorted.reduce((s, x) => s + (x - mean) ** 2, 0) / n;
  return {
    count: n,
    mean: round2(mean),
    median: round2(median),
    max: sorted[n - 1] as number,
    min: sorted[0] as number,
    sd: round2(Math.sqrt(variance)),
  };
}

/** One question on one graded paper. */
export interface PaperItem {
  /** the question version: a question is analysed wherever it stood on the papers */
  questionVersionId: number;
  points: number;
  earned: number;
  answered: boolean;
}

export interface GradedPaper {
  /** the paper's score out of 100 (ranks the papers for discrimination) */
  total: number;
  items: readonly PaperItem[];
}

/** Fewer graded papers than this and discrimination is not computed (the 27 % groups would be two or three papers). */
export const DISCRIMINATION_MIN_PAPERS = 10;

export interface QuestionFigures {
  questionVersionId: number;
  /** papers the question stood on */
  papers: number;
  /** of them, the papers with an answer to it */
  answered: number;
  /** P = points earned ÷ points possible over the papers it stood on, two decimals; null on no paper */
  difficulty: number | null;
  /** D = P of the upper 27 % by total − P of the lower 27 %, two decimals; null with fewer than 10 papers or when a group lacks the question */
  discrimination: number | null;
}

/** The size of the upper and of the lower group among `n` papers (Kelley's 27 %): round(27 % of n), at least one. */
export function groupSize(n: number): number {
  return Math.max(1, Math.round((n * 27) / 100));
}

/**
 * What one question's figures are computed from, summed over the papers it stood on: all of them, the
 * upper group's and the lower group's (earned points are capped at the question's points).
 */
export interface QuestionSums {
  questionVersionId: number;
  papers: number;
  answered: number;
  earned: number;
  possible: number;
  upperEarned: number;
  upperPossible: number;
  lowerEarned: number;
  lowerPossible: number;
}

const ratio = (earned: number, possible: number) => (possible > 0 ? earned / possible : null);

/**
 * Difficulty and discrimination of one question from its sums, `paperCount` being the number of graded
 * papers analysed (discrimination needs DISCRIMINATION_MIN_PAPERS of them).
 */
export function questionFigures(s: QuestionSums, paperCount: number): QuestionFigures {
  const p = ratio(s.earned, s.possible);
  const pu = ratio(s.upperEarned, s.upperPossible);
  const pl = ratio(s.lowerEarned, s.lowerPossible);
  return {
    questionVersionId: s.questionVersionId,
    papers: s.papers,
    answered: s.answered,
    difficulty: p === null ? null : round2(p),
    discrimination: paperCount < DISCRIMINATION_MIN_PAPERS || pu === null || pl === null ? null : round2(pu - pl),
  };
}

/**
 * Difficulty and discrimination of every question over the graded papers. The upper and lower groups
 * are the round(27 %) best and worst papers by total (at least one each); papers of equal total keep
 * their given order, so the same input always gives the same figures. (The statistics service has the
 * database add up the same sums; this is the rule they follow.)
 */
export function analyseQuestions(papers: readonly GradedPaper[]): QuestionFigures[] {
  const n = papers.length;
  const ranked = papers.map((p, i) => ({ p, i })).sort((a, b) => b.p.total - a.p.total || a.i - b.i);
  const k = groupSize(n);
  const upper = new Set(ranked.slice(0, k).map((x) => x.i));
  const lower = new Set(ranked.slice(n - k).map((x) => x.i));
  const sums = new Map<number, QuestionSums>();
  papers.forEach((paper, i) => {
    for (const item of paper.items) {
      let q = sums.get(item.questionVersionId);
      if (!q) {
        q = {
          questionVersionId: item.questionVersionId,
          papers: 0,
          answered: 0,
          earned: 0,
          possible: 0,
          upperEarned: 0,
          upperPossible: 0,
          lowerEarned: 0,
          lowerPossible: 0,
        };
        sums.set(item.questionVersionId, q);
      }
      const earned = Math.min(item.earned, item.points);
      q.papers++;
      if (item.answered) q.answered++;
      q.earned += earned;
      q.possible += item.points;
      if (upper.has(i)) {
        q.upperEarned += earned;
        q.upperPossible += item.points;
      }
      if (lower.has(i)) {
        q.lowerEarned += earned;
        q.lowerPossible += item.points;
      }
    }
  });
  return [...sums.values()].map((q) => questionFigures(q, n));
}

export type QuestionFlag = 'too_easy' | 'too_hard' | 'poor_discrimination';

/** Questions to look at again: P > 0.9 too easy, P < 0.3 too hard, D < 0.2 tells the groups apart poorly. */
export function questionFlags(q: Pick<QuestionFigures, 'difficulty' | 'discrimination'>): QuestionFlag[] {
  const flags: QuestionFlag[] = [];
  if (q.difficulty !== null && q.difficulty > 0.9) flags.push('too_easy');
  if (q.difficulty !== null && q.difficulty < 0.3) flags.push('too_hard');
  if (q.discrimination !== null && q.discrimination < 0.2) flags.push('poor_discrimination');
  return flags;
}

/** What a unit's lines are counted from. */
export interface UnitCounts {
  /** expected to sit (参考人数): see the exam's target for who that is */
  candidates: number;
  /** handed in at least one attempt (实考人数) */
  sat: number;
  /** with a level (有成绩人数): the denominator of the pass and excellence rates */
  assessed: number;
  passed: number;
  levels: Record<ExamLevel, number>;
}

export const noLevels = (): Record<ExamLevel, number> =>
  Object.fromEntries(EXAM_LEVELS.map((l) => [l, 0])) as Record<ExamLevel, number>;

export interface UnitRates {
  /** sat ÷ candidates */
  participationRate: number | null;
  /** passed ÷ assessed */
  passRate: number | null;
  excellent: number;
  /** excellent ÷ assessed */
  excellentRate: number | null;
  /** whether the unit reaches each target; null with no target or no result */
  excellentMet: boolean | null;
  competentMet: boolean | null;
}

/** The rates of a unit and its standing against the exam's skill targets. */
export function unitRates(u: UnitCounts, targets: SkillTargets): UnitRates {
  const excellent = u.levels.excellent;
  const s = targetStanding({ assessed: u.assessed, excellent, passed: u.passed }, targets);
  return {
    participationRate: rate(u.sat, u.candidates),
    passRate: s.passRate,
    excellent,
    excellentRate: s.excellentRate,
    excellentMet: s.excellentMet,
    competentMet: s.competentMet,
  };
}

/** The sum of units' counts (a total line). */
export function addCounts(lines: readonly UnitCounts[]): UnitCounts {
  const levels = noLevels();
  for (const l of lines) for (const k of EXAM_LEVELS) levels[k] += l.levels[k];
  const sum = (k: 'candidates' | 'sat' | 'assessed' | 'passed') => lines.reduce((s, l) => s + l[k], 0);
  return { candidates: sum('candidates'), sat: sum('sat'), assessed: sum('assessed'), passed: sum('passed'), levels };
}
