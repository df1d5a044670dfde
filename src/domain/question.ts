/**
 * Questions of a bank and how an answer to one is graded. Pure: the bank checks a question with
 * `questionProblems`, the exam grades a saved answer with `gradeAnswer`, and the candidate's page is
 * given `candidateView` (never the key).
 */
import { foldFullWidth } from './text.js';

export const QUESTION_KINDS = ['single', 'multiple', 'true_false', 'fill_in', 'essay'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

export const QUESTION_KIND_LABELS: Record<QuestionKind, string> = {
  single: '单选题',
  multiple: '多选题',
  true_false: '判断题',
  fill_in: '填空题',
  essay: '简答/论述题',
};

export interface QuestionOption {
  /** A, B, C … as written in the bank; shuffled papers show them under new letters */
  key: string;
  text: string;
}

/** The key: one letter, several letters, true/false, accepted texts per blank, or a reference text. */
export type QuestionKey = string | string[] | boolean | string[][] | null;

export interface QuestionContent {
  kind: QuestionKind;
  stem: string;
  options: QuestionOption[];
  answer: QuestionKey;
  explanation: string;
}

/** What a candidate gives: a letter, letters, true/false, a text per blank, or an essay's text. */
export type CandidateAnswer = string | string[] | boolean | null;

export const OPTION_KEYS = 'ABCDEFGHIJ'.split('');
export const MAX_OPTIONS = OPTION_KEYS.length;
export const MAX_BLANKS = 20;
/** A blank in a fill-in stem: two or more underscores (half- or full-width), or （ ） with spaces. */
export const BLANK_PATTERN = /_{2,}|＿{2,}|（\s*）|\(\s*\)/g;

export type QuestionProblem =
  | 'options_count'
  | 'option_keys'
  | 'option_empty'
  | 'answer_missing'
  | 'answer_not_an_option'
  | 'multiple_needs_two'
  | 'true_false_answer'
  | 'blanks_mismatch'
  | 'blank_empty'
  | 'essay_options';

/** Counts the blanks a fill-in stem marks. */
export function countBlanks(stem: string): number {
  return stem.match(BLANK_PATTERN)?.length ?? 0;
}

/** Every problem of a question, in the order a form shows them (empty: the question is sound). */
export function questionProblems(q: QuestionContent): QuestionProblem[] {
  const out: QuestionProblem[] = [];
  const choice = q.kind === 'single' || q.kind === 'multiple';
  if (choice) {
    if (q.options.length < 2 || q.options.length > MAX_OPTIONS) out.push('options_count');
    if (q.options.some((o, i) => o.key !== OPTION_KEYS[i])) out.push('option_keys');
    if (q.options.some((o) => o.text.trim() === '')) out.push('option_empty');
    const keys = new Set(q.options.map((o) => o.key));
    if (q.kind === 'single') {
      if (typeof q.answer !== 'string' || q.answer === '') out.push('answer_missing');
      else if (!keys.has(q.answer)) out.push('answer_not_an_option');
    } else {
      const a = q.answer as unknown;
      if (!Array.isArray(a) || a.length === 0) out.push('answer_missing');
      else if (a.some((k) => typeof k !== 'string' || !keys.has(k))) out.push('answer_not_an_option');
      else if (new Set(a as string[]).size < 2) out.push('multiple_needs_two');
    }
  } else if (q.options.length > 0) {
    out.push('essay_options');
  }
  if (q.kind === 'true_false' && typeof q.answer !== 'boolean') out.push('true_false_answer');
  if (q.kind === 'fill_in') {
    const a = q.answer;
    if (!Array.isArray(a) || a.length === 0 || !a.every(Array.isArray)) out.push('answer_missing');
    else {
      const blanks = a as string[][];
      if (blanks.length !== countBlanks(q.stem) || blanks.length > MAX_BLANKS) out.push('blanks_mismatch');
      if (blanks.some((b) => b.length === 0 || b.some((t) => normaliseBlank(t) === ''))) out.push('blank_empty');
    }
  }
  return out;
}

/** How a fill-in answer is compared: NFKC, full-width folded, spaces dropped, case ignored. */
export function normaliseBlank(s: string): string {
  return foldFullWidth(s.normalize('NFKC')).replace(/\s+/g, '').toLowerCase();
}

export interface GradingOptions {
  /** multiple choice: a correct subset with no wrong letter earns half the (whole) points */
  multiplePartial: boolean;
}

/** Whether a kind is graded by hand. */
export const isManual = (kind: QuestionKind) => kind === 'essay';

/**
 * The points an answer earns. `null` for an essay (marked by hand). An answer of the wrong shape, or
 * none, earns 0. Fill-in: the points are shared equally by the blanks (two decimals, rounded down,
 * all blanks right: all points).
 */
export function gradeAnswer(
  q: Pick<QuestionContent, 'kind' | 'answer'>,
  given: CandidateAnswer | undefined,
  points: number,
  opts: GradingOptions = { multiplePartial: false },
): number | null {
  switch (q.kind) {
    case 'essay':
      return null;
    case 'single':
      return typeof given === 'string' && given === q.answer ? points : 0;
    case 'true_false':
      return typeof given === 'boolean' && given === q.answer ? points : 0;
    case 'multiple': {
      if (!Array.isArray(given) || !Array.isArray(q.answer)) return 0;
      const key = new Set(q.answer as string[]);
      const chosen = new Set(given.filter((g): g is string => typeof g === 'string'));
      if (chosen.size === 0) return 0;
      for (const c of chosen) if (!key.has(c)) return 0;
      if (chosen.size === key.size) return points;
      return opts.multiplePartial ? Math.floor(points) / 2 : 0;
    }
    case 'fill_in': {
      const blanks = Array.isArray(q.answer) ? (q.answer as string[][]) : [];
      if (blanks.length === 0 || !Array.isArray(given)) return 0;
      let right = 0;
      blanks.forEach((accepted, i) => {
        const g = given[i];
        if (typeof g !== 'string') return;
        const n = normaliseBlank(g);
        if (n !== '' && accepted.some((a) => normaliseBlank(a) === n)) right++;
      });
      if (right === blanks.length) return points;
      return Math.floor(((points * right) / blanks.length) * 100) / 100;
    }
    default: {
      const never: never = q.kind;
      return never;
    }
  }
}

/**
 * The question as a candidate sees it: options under the letters of the paper's order, no key, no
 * explanation. `optionOrder[i]` is the bank key shown as the i-th letter.
 */
export function candidateView(
  q: Pick<QuestionContent, 'kind' | 'stem' | 'options'>,
  optionOrder: readonly string[],
): { kind: QuestionKind; stem: string; options: QuestionOption[]; blanks: number } {
  const byKey = new Map(q.options.map((o) => [o.key, o.text]));
  const options = optionOrder.map((k, i) => ({ key: OPTION_KEYS[i] as string, text: byKey.get(k) ?? '' }));
  return { kind: q.kind, stem: q.stem, options, blanks: q.kind === 'fill_in' ? countBlanks(q.stem) : 0 };
}

/** A candidate's answer given under the paper's letters, turned back into the bank's keys. */
export function toBankAnswer(
  kind: QuestionKind,
  given: CandidateAnswer,
  optionOrder: readonly string[],
): CandidateAnswer {
  const back = (letter: string) => {
    const i = OPTION_KEYS.indexOf(letter);
    return i >= 0 && i < optionOrder.length ? (optionOrder[i] as string) : `?${letter}`;
  };
  if (kind === 'single' && typeof given === 'string') return back(given);
  if (kind === 'multiple' && Array.isArray(given)) return given.map(back).sort();
  return given;
}

/** The bank's key written under the paper's letters (for showing a candidate the right answer). */
export function toPaperKey(kind: QuestionKind, key: QuestionKey, optionOrder: readonly string[]): QuestionKey {
  const to = (k: string) => OPTION_KEYS[optionOrder.indexOf(k)] ?? k;
  if (kind === 'single' && typeof key === 'string') return to(key);
  if (kind === 'multiple' && Array.isArray(key)) return (key as string[]).map(to).sort();
  return key;
}
