/**
 * Papers: fixed, or drawn per candidate from tagged pools, with options shuffled where the
 * question allows. A candidate's paper is a pure function of the exam's frozen pool and the attempt's
 * recorded seed, so anyone can rebuild it: `buildPaper(pool, seed)` gives the same paper every time.
 *
 * Randomness: SHA-256 of `<seed>:<counter>` read as 32-bit words, each turned into a uniform integer
 * below n by rejection (no modulo bias).
 */
import crypto from 'node:crypto';
import type { QuestionKind } from './question.js';

export interface FixedItem {
  questionId: number;
  points: number;
}

export interface PoolSpec {
  kind: QuestionKind;
  module?: string | null;
  subject?: string | null;
  stage?: string | null;
  difficultyMin: number;
  difficultyMax: number;
  count: number;
  points: number;
}

export type PaperSpec = { mode: 'fixed'; items: FixedItem[] } | { mode: 'drawn'; pools: PoolSpec[] };

/** A question version as a paper needs it. */
export interface PoolQuestion {
  questionVersionId: number;
  kind: QuestionKind;
  /** the bank's option keys in order (A, B, …); empty for other kinds */
  optionKeys: string[];
  shuffleOptions: boolean;
}

/** What publication freezes: the fixed items, or each pool's candidates (sorted by version id). */
export type FrozenPaper =
  | { mode: 'fixed'; items: Array<PoolQuestion & { points: number }> }
  | { mode: 'drawn'; sections: Array<{ count: number; points: number; questions: PoolQuestion[] }> };

export interface PaperItem {
  position: number;
  questionVersionId: number;
  points: number;
  /** the bank's keys in the order the candidate sees them as A, B, … */
  optionOrder: string[];
}

export const MAX_PAPER_QUESTIONS = 300;

/** A deterministic stream of uniform integers from a seed. */
export function seededStream(seed: string) {
  let counter = 0;
  const words: number[] = [];
  const nextWord = () => {
    if (words.length === 0) {
      const h = crypto.createHash('sha256').update(`${seed}:${counter++}`).digest();
      for (let i = h.length - 4; i >= 0; i -= 4) words.push(h.readUInt32BE(i));
    }
    return words.pop() as number;
  };
  return {
    /** uniform in [0, n) */
    below(n: number): number {
      if (!Number.isInteger(n) || n <= 0) throw new RangeError('n must be a positive integer');
      const limit = Math.floor(0x1_0000_0000 / n) * n;
      for (;;) {
        const w = nextWord();
        if (w < limit) return w % n;
      }
    },
  };
}

/** Fisher–Yates on a copy, driven by the stream. */
function shuffled<T>(xs: readonly T[], rnd: ReturnType<typeof seededStream>): T[] {
  const a = xs.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = rnd.below(i + 1);
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}

/** The first `k` of a uniformly shuffled copy (a partial Fisher–Yates). */
function sample<T>(xs: readonly T[], k: number, rnd: ReturnType<typeof seededStream>): T[] {
  const a = xs.slice();
  for (let i = 0; i < k; i++) {
    const j = i + rnd.below(a.length - i);
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a.slice(0, k);
}

/** Whether the options of a question are shuffled on a paper. True/false, fill-in and essays have none. */
const shuffles = (q: PoolQuestion) => q.shuffleOptions && (q.kind === 'single' || q.kind === 'multiple');

/**
 * One candidate's paper. Drawn sections keep their order (a paper reads 单选, 多选, … as set); with
 * `shuffleQuestions` the questions are shuffled within each section (a fixed paper is one section).
 */
export function buildPaper(frozen: FrozenPaper, seed: string, shuffleQuestions: boolean): PaperItem[] {
  const rnd = seededStream(seed);
  const sections: Array<Array<PoolQuestion & { points: number }>> =
    frozen.mode === 'fixed'
      ? [frozen.items]
      : frozen.sections.map((s) => sample(s.questions, s.count, rnd).map((q) => ({ ...q, points: s.points })));
  const items: PaperItem[] = [];
  for (const section of sections) {
    const ordered = shuffleQuestions ? shuffled(section, rnd) : section;
    for (const q of ordered)
      items.push({
        position: items.length,
        questionVersionId: q.questionVersionId,
        points: q.points,
        optionOrder: shuffles(q) ? shuffled(q.optionKeys, rnd) : q.optionKeys.slice(),
      });
  }
  return items;
}

export const paperMaxScore = (items: readonly { points: number }[]) =>
  Math.round(items.reduce((s, i) => s + i.points, 0) * 100) / 100;

/** The most a paper of this spec scores (the same for every candidate). */
export function specMaxScore(spec: PaperSpec): number {
  return spec.mode === 'fixed'
    ? paperMaxScore(spec.items)
    : paperMaxScore(spec.pools.map((p) => ({ points: p.points * p.count })));
}

export type PaperProblem =
  | { code: 'empty' }
  | { code: 'too_many'; max: number }
  | { code: 'points'; index: number }
  | { code: 'duplicate_question'; questionId: number }
  | { code: 'difficulty_range'; index: number }
  | { code: 'pool_short'; index: number; wanted: number; available: number }
  | { code: 'question_unavailable'; questionId: number };

/** Problems of a spec by itself (before looking at the banks). */
export function specProblems(spec: PaperSpec): PaperProblem[] {
  const out: PaperProblem[] = [];
  const n = spec.mode === 'fixed' ? spec.items.length : spec.pools.reduce((s, p) => s + p.count, 0);
  if (n === 0) out.push({ code: 'empty' });
  if (n > MAX_PAPER_QUESTIONS) out.push({ code: 'too_many', max: MAX_PAPER_QUESTIONS });
  const okPoints = (p: number) => Number.isFinite(p) && p > 0 && p <= 100 && Math.round(p * 100) === p * 100;
  if (spec.mode === 'fixed') {
    const seen = new Set<number>();
    spec.items.forEach((it, index) => {
      if (!okPoints(it.points)) out.push({ code: 'points', index });
      if (seen.has(it.questionId)) out.push({ code: 'duplicate_question', questionId: it.questionId });
      seen.add(it.questionId);
    });
  } else
    spec.pools.forEach((p, index) => {
      if (!okPoints(p.points)) out.push({ code: 'points', index });
      if (p.difficultyMin > p.difficultyMax) out.push({ code: 'difficulty_range', index });
    });
  return out;
}

export interface TaggedQuestion extends PoolQuestion {
  module: string;
  subject: string;
  stage: string;
  difficulty: number;
}

export const poolMatches = (p: PoolSpec, q: TaggedQuestion) =>
  q.kind === p.kind &&
  (!p.module || q.module === p.module) &&
  (!p.subject || q.subject === p.subject) &&
  (!p.stage || q.stage === p.stage) &&
  q.difficulty >= p.difficultyMin &&
  q.difficulty <= p.difficultyMax;

/**
 * Freezes drawn pools over the bank's current questions: a question goes to the first pool it matches
 * (so two pools never give one candidate the same question), each pool's list sorted by version id.
 */
export function freezePools(
  pools: readonly PoolSpec[],
  bank: readonly TaggedQuestion[],
): { frozen: FrozenPaper; problems: PaperProblem[] } {
  const lists: PoolQuestion[][] = pools.map(() => []);
  const sorted = bank.slice().sort((a, b) => a.questionVersionId - b.questionVersionId);
  for (const q of sorted) {
    const i = pools.findIndex((p) => poolMatches(p, q));
    if (i >= 0)
      lists[i]?.push({
        questionVersionId: q.questionVersionId,
        kind: q.kind,
        optionKeys: q.optionKeys,
        shuffleOptions: q.shuffleOptions,
      });
  }
  const problems: PaperProblem[] = [];
  pools.forEach((p, index) => {
    const available = lists[index]?.length ?? 0;
    if (available < p.count) problems.push({ code: 'pool_short', index, wanted: p.count, available });
  });
  return {
    frozen: {
      mode: 'drawn',
      sections: pools.map((p, i) => ({ count: p.count, points: p.points, questions: lists[i] ?? [] })),
    },
    problems,
  };
}

/** Every question version a frozen paper can give. */
export function poolVersionIds(f: FrozenPaper): number[] {
  return f.mode === 'fixed'
    ? f.items.map((i) => i.questionVersionId)
    : f.sections.flatMap((s) => s.questions.map((q) => q.questionVersionId));
}

/** The frozen paper with these versions replaced by another (a corrected key). */
export function replaceVersions(f: FrozenPaper, from: ReadonlySet<number>, to: number): FrozenPaper {
  const swap = <T extends { questionVersionId: number }>(q: T): T =>
    from.has(q.questionVersionId) ? { ...q, questionVersionId: to } : q;
  return f.mode === 'fixed'
    ? { mode: 'fixed', items: f.items.map(swap) }
    : { mode: 'drawn', sections: f.sections.map((s) => ({ ...s, questions: s.questions.map(swap) })) };
}
