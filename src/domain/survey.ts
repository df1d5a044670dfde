import { hasForbiddenChars, normaliseText } from './text.js';

/**
 * The satisfaction survey after each class: the questionnaire of a project, the check of a
 * teacher's answers, and the figures the organiser and the trainers read. Pure: no clock, no I/O.
 *
 * Anonymity rules kept here so every reader applies the same ones:
 * - answers are stored without the teacher and with the day only (see migration 0006);
 * - a class with fewer than `MIN_ANSWERS_FOR_DETAIL` answers shows its counts only: no means, no
 *   distribution, no free text (one or two answers would be recognisable);
 * - free-text answers are listed in the order of their text, never in the order they came in;
 * - a class's figures are withheld until its answer window closes, or until the number of answers
 *   the organiser chose came in (`resultsReleased`): figures that move with every answer, read beside
 *   the moment a teacher answered, would tell who gave which answer.
 */

export const QUESTION_KINDS = ['rating', 'text'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

export interface SurveyQuestion {
  /** stable key of the answer in `survey_response.answers` */
  key: string;
  kind: QuestionKind;
  zh: string;
  en: string;
}

/** Ratings run from 1 (very dissatisfied) to 5 (very satisfied). */
export const RATING_MIN = 1;
export const RATING_MAX = 5;
export const MIN_QUESTIONS = 1;
export const MAX_QUESTIONS = 12;
export const LABEL_MAX = 100;
export const TEXT_ANSWER_MAX = 1000;
export const QUESTION_KEY = /^[a-z][a-z0-9_]{0,29}$/;
/** Below this many answers a class shows counts only (means, distributions and texts are hidden). */
export const MIN_ANSWERS_FOR_DETAIL = 3;
/** A teacher may answer from the start of the class's first session until this many days after the class closed. */
export const ANSWER_DAYS_AFTER_CLOSE = 30;

/** The questionnaire a project has while its organiser has set none. */
export const DEFAULT_QUESTIONS: readonly SurveyQuestion[] = Object.freeze(
  [
    { key: 'content', kind: 'rating', zh: '内容实用性', en: 'Usefulness of the content' },
    { key: 'trainer', kind: 'rating', zh: '培训者水平', en: 'Quality of the trainers' },
    { key: 'organisation', kind: 'rating', zh: '组织与安排', en: 'Organisation and arrangements' },
    { key: 'venue', kind: 'rating', zh: '场地或平台', en: 'Venue or online platform' },
    { key: 'overall', kind: 'rating', zh: '总体满意度', en: 'Overall satisfaction' },
    { key: 'suggestions', kind: 'text', zh: '意见和建议', en: 'Comments and suggestions' },
  ].map((q) => Object.freeze(q as SurveyQuestion)),
);

/** When a class's figures are shown: after its answer window closed, or from a number of answers on. */
export const RESULTS_AFTER = ['window_closed', 'min_answers'] as const;
export type ResultsAfter = (typeof RESULTS_AFTER)[number];
export interface ResultsRelease {
  after: ResultsAfter;
  /** with 'min_answers': how many answers a class needs before its figures show; null otherwise */
  minAnswers: number | null;
}
/** The most private rule, and the one a project has until its organiser chooses. */
export const DEFAULT_RELEASE: Readonly<ResultsRelease> = Object.freeze({ after: 'window_closed', minAnswers: null });
export const RELEASE_MIN_ANSWERS_MIN = MIN_ANSWERS_FOR_DETAIL;
export const RELEASE_MIN_ANSWERS_MAX = 10_000;

/** One problem of a questionnaire or of an answer, reported as a form issue (`path` names the field). */
export interface SurveyIssue {
  path: string;
  kind:
    | 'required'
    | 'invalid'
    | 'duplicate'
    | 'too_long'
    | 'too_many'
    | 'too_few'
    | 'blank'
    | 'bad_chars'
    | 'unknown'
    | 'out_of_range';
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkLabel(v: unknown, path: string, issues: SurveyIssue[]): string {
  if (typeof v !== 'string') {
    issues.push({ path, kind: 'required' });
    return '';
  }
  if (hasForbiddenChars(v)) {
    issues.push({ path, kind: 'bad_chars' });
    return '';
  }
  const s = normaliseText(v);
  if (!s) issues.push({ path, kind: 'blank' });
  else if ([...s].length > LABEL_MAX) issues.push({ path, kind: 'too_long' });
  return s;
}

/**
 * Checks a questionnaire as sent by the organiser: 1–12 questions, each with a unique key
 * (lower-case letters, digits, '_'), a known kind and both labels (1–100 characters).
 * Returns the questions normalised (labels NFC and trimmed, nothing else kept), or the issues.
 *
 * @example checkQuestions([{ key: 'overall', kind: 'rating', zh: '总体', en: 'Overall' }]).issues // []
 */
export function checkQuestions(input: unknown): { questions: SurveyQuestion[]; issues: SurveyIssue[] } {
  const issues: SurveyIssue[] = [];
  if (!Array.isArray(input)) return { questions: [], issues: [{ path: 'questions', kind: 'required' }] };
  if (input.length < MIN_QUESTIONS) issues.push({ path: 'questions', kind: 'too_few' });
  if (input.length > MAX_QUESTIONS) return { questions: [], issues: [{ path: 'questions', kind: 'too_many' }] };
  const seen = new Set<string>();
  const questions: SurveyQuestion[] = [];
  input.forEach((q: unknown, i) => {
    const at = `questions.${i}`;
    if (!isRecord(q)) {
      issues.push({ path: at, kind: 'invalid' });
      return;
    }
    const unknownField = Object.keys(q).find((k) => !['key', 'kind', 'zh', 'en'].includes(k));
    if (unknownField) issues.push({ path: `${at}.${unknownField}`, kind: 'unknown' });
    const key = q['key'];
    if (typeof key !== 'string' || !QUESTION_KEY.test(key)) issues.push({ path: `${at}.key`, kind: 'invalid' });
    else if (seen.has(key)) issues.push({ path: `${at}.key`, kind: 'duplicate' });
    else seen.add(key);
    const kind = q['kind'];
    if (typeof kind !== 'string' || !(QUESTION_KINDS as readonly string[]).includes(kind))
      issues.push({ path: `${at}.kind`, kind: 'invalid' });
    const zh = checkLabel(q['zh'], `${at}.zh`, issues);
    const en = checkLabel(q['en'], `${at}.en`, issues);
    questions.push({ key: String(key), kind: kind as QuestionKind, zh, en });
  });
  return issues.length ? { questions: [], issues } : { questions, issues };
}

/** An answer as stored: a rating per rating question, text only where given. */
export type SurveyAnswers = Record<string, number | string>;

/**
 * Checks a teacher's answers against the questionnaire: every rating question answered with an
 * integer 1–5, free text optional (up to 1000 characters, line breaks kept, other control
 * characters refused), no key the questionnaire does not have. Empty text is left out.
 *
 * @example checkAnswers(DEFAULT_QUESTIONS, { content: 5, trainer: 4, organisation: 4, venue: 3, overall: 5 }).issues // []
 */
export function checkAnswers(
  questions: readonly SurveyQuestion[],
  input: unknown,
): { answers: SurveyAnswers; issues: SurveyIssue[] } {
  if (!isRecord(input)) return { answers: {}, issues: [{ path: 'answers', kind: 'required' }] };
  const issues: SurveyIssue[] = [];
  const answers: SurveyAnswers = {};
  const byKey = new Map(questions.map((q) => [q.key, q]));
  for (const key of Object.keys(input)) if (!byKey.has(key)) issues.push({ path: `answers.${key}`, kind: 'unknown' });
  for (const q of questions) {
    const path = `answers.${q.key}`;
    const v = Object.hasOwn(input, q.key) ? input[q.key] : undefined;
    if (q.kind === 'rating') {
      if (v === undefined || v === null) issues.push({ path, kind: 'required' });
      else if (typeof v !== 'number' || !Number.isInteger(v)) issues.push({ path, kind: 'invalid' });
      else if (v < RATING_MIN || v > RATING_MAX) issues.push({ path, kind: 'out_of_range' });
      else answers[q.key] = v;
    } else {
      if (v === undefined || v === null) continue;
      if (typeof v !== 'string') {
        issues.push({ path, kind: 'invalid' });
        continue;
      }
      const s = v.replace(/\r\n?/g, '\n');
      if (hasForbiddenChars(s.replace(/\n/g, ''))) {
        issues.push({ path, kind: 'bad_chars' });
        continue;
      }
      const text = normaliseText(s);
      if ([...text].length > TEXT_ANSWER_MAX) {
        issues.push({ path, kind: 'too_long' });
        continue;
      }
      if (text) answers[q.key] = text;
    }
  }
  return issues.length ? { answers: {}, issues } : { answers, issues };
}

/**
 * Whether a teacher may answer now: from the start of the class's first session (or its closing,
 * for a class without sessions) until `ANSWER_DAYS_AFTER_CLOSE` days after it closed.
 * Returns 'not_yet', 'open' or 'over'.
 */
export function answerWindow(
  c: { firstSessionStartsAt: Date | null; closedAt: Date | null; status: 'open' | 'closed' },
  now: number,
): 'not_yet' | 'open' | 'over' {
  if (c.status === 'closed' && c.closedAt) {
    return now - c.closedAt.getTime() > ANSWER_DAYS_AFTER_CLOSE * 86_400_000 ? 'over' : 'open';
  }
  if (c.firstSessionStartsAt && c.firstSessionStartsAt.getTime() <= now) return 'open';
  return 'not_yet';
}

/**
 * Checks the organiser's choice of when figures show: 'window_closed' (no number), or 'min_answers'
 * with a whole number from 3 to 10,000. Nothing given: the default (window closed).
 *
 * @example checkRelease({ after: 'min_answers', minAnswers: 10 }).release // { after: 'min_answers', minAnswers: 10 }
 */
export function checkRelease(input: unknown): { release: ResultsRelease; issues: SurveyIssue[] } {
  if (input === undefined || input === null) return { release: { ...DEFAULT_RELEASE }, issues: [] };
  const refused = (path: string, kind: SurveyIssue['kind']) => ({
    release: { ...DEFAULT_RELEASE },
    issues: [{ path, kind }],
  });
  if (!isRecord(input)) return refused('release.after', 'invalid');
  const after = input['after'];
  const n = input['minAnswers'];
  if (after === 'window_closed') {
    if (n !== undefined && n !== null) return refused('release.minAnswers', 'invalid');
    return { release: { after, minAnswers: null }, issues: [] };
  }
  if (after !== 'min_answers') return refused('release.after', 'invalid');
  if (n === undefined || n === null) return refused('release.minAnswers', 'required');
  if (typeof n !== 'number' || !Number.isInteger(n)) return refused('release.minAnswers', 'invalid');
  if (n < RELEASE_MIN_ANSWERS_MIN || n > RELEASE_MIN_ANSWERS_MAX) return refused('release.minAnswers', 'out_of_range');
  return { release: { after, minAnswers: n }, issues: [] };
}

/** The moment a class's answer window closes: `ANSWER_DAYS_AFTER_CLOSE` days after it closed; null while it is open. */
export function answerWindowClosesAt(c: { closedAt: Date | null; status: 'open' | 'closed' }): Date | null {
  if (c.status !== 'closed' || !c.closedAt) return null;
  return new Date(c.closedAt.getTime() + ANSWER_DAYS_AFTER_CLOSE * 86_400_000);
}

/**
 * Whether a class's figures may be shown now: always once its answer window closed (nothing moves any
 * more); before that only under 'min_answers', from that many answers on.
 *
 * @example resultsReleased(DEFAULT_RELEASE, { status: 'open', closedAt: null }, 40, Date.now()) // false
 */
export function resultsReleased(
  release: ResultsRelease,
  c: { closedAt: Date | null; status: 'open' | 'closed' },
  answers: number,
  now: number,
): boolean {
  const closes = answerWindowClosesAt(c);
  if (closes && now > closes.getTime()) return true;
  return release.after === 'min_answers' && release.minAnswers !== null && answers >= release.minAnswers;
}

export interface QuestionResult {
  key: string;
  kind: QuestionKind;
  zh: string;
  en: string;
  /** answers given to this question */
  answered: number;
  /** rating questions: the mean, to two decimals; null when hidden or unanswered */
  mean: number | null;
  /** rating questions: how many gave 1, 2, 3, 4, 5; null when hidden or for text */
  distribution: number[] | null;
}

export interface SurveyResults {
  /** answers received */
  answers: number;
  /** teachers holding a place in the class(es) */
  enrolled: number;
  /** answers / enrolled, 0–1 to three decimals; null without enrolled teachers */
  responseRate: number | null;
  /** false: fewer than MIN_ANSWERS_FOR_DETAIL answers, so only the counts are shown */
  detailShown: boolean;
  questions: QuestionResult[];
  /** free-text answers per text question, ordered by their text; empty when hidden */
  texts: Array<{ key: string; items: string[] }>;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * The figures of a set of answers: per rating question its mean and the count of each rating,
 * per text question the texts ordered by text (never the order they came in). With fewer than
 * `MIN_ANSWERS_FOR_DETAIL` answers only the counts are given.
 *
 * @example aggregate(DEFAULT_QUESTIONS, [{ overall: 5 }, { overall: 4 }, { overall: 3 }], 6).questions[4].mean // 4
 */
export function aggregate(
  questions: readonly SurveyQuestion[],
  responses: readonly SurveyAnswers[],
  enrolled: number,
): SurveyResults {
  const n = responses.length;
  const detailShown = n >= MIN_ANSWERS_FOR_DETAIL;
  const out: QuestionResult[] = questions.map((q) => {
    const values = responses.map((r) => r[q.key]).filter((v) => v !== undefined);
    if (q.kind === 'rating') {
      const ratings = values.filter(
        (v): v is number => typeof v === 'number' && Number.isInteger(v) && v >= RATING_MIN && v <= RATING_MAX,
      );
      const distribution = [0, 0, 0, 0, 0];
      for (const r of ratings) distribution[r - RATING_MIN]!++;
      const mean = ratings.length ? round(ratings.reduce((s, r) => s + r, 0) / ratings.length, 2) : null;
      return {
        key: q.key,
        kind: q.kind,
        zh: q.zh,
        en: q.en,
        answered: ratings.length,
        mean: detailShown ? mean : null,
        distribution: detailShown ? distribution : null,
      };
    }
    const texts = values.filter((v): v is string => typeof v === 'string' && v !== '');
    return { key: q.key, kind: q.kind, zh: q.zh, en: q.en, answered: texts.length, mean: null, distribution: null };
  });
  const texts = questions
    .filter((q) => q.kind === 'text')
    .map((q) => ({
      key: q.key,
      items: detailShown
        ? responses
            .map((r) => r[q.key])
            .filter((v): v is string => typeof v === 'string' && v !== '')
            .sort(byText)
        : [],
    }));
  return {
    answers: n,
    enrolled,
    responseRate: enrolled > 0 ? round(Math.min(1, n / enrolled), 3) : null,
    detailShown,
    questions: out,
    texts,
  };
}

/**
 * The figures of a class whose results are not shown yet: how many answered, nothing else (no
 * figure per question, no text), so nothing moves as single answers come in.
 */
export function withheldResults(
  questions: readonly SurveyQuestion[],
  answers: number,
  enrolled: number,
): SurveyResults {
  const empty = aggregate(questions, [], enrolled);
  return { ...empty, answers, responseRate: enrolled > 0 ? round(Math.min(1, answers / enrolled), 3) : null };
}

/** Code-point order: the same on every machine, and unrelated to when an answer came in. */
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface ProjectSurveyResults<C> {
  /** every answer and every enrolled teacher of the project */
  answers: number;
  enrolled: number;
  responseRate: number | null;
  /**
   * the figures over the classes that show their detail: a class with fewer answers is left out,
   * or its answers could be worked out by subtracting the other classes from the project's total
   */
  overall: SurveyResults;
  /** classes counted but left out of `overall` */
  classesHidden: number;
  /** classes with answers whose figures are withheld until their answer window closes (or enough answers came) */
  classesWithheld: number;
  classes: Array<C & { results: SurveyResults }>;
}

/**
 * The figures of a project: each class on its own (hidden below `MIN_ANSWERS_FOR_DETAIL` answers,
 * withheld while `released` is false), and over the project the classes that show their detail.
 *
 * @example projectResults(DEFAULT_QUESTIONS, [{ enrolled: 30, released: true, responses: [] }]).responseRate // 0
 */
export function projectResults<C extends { enrolled: number; released: boolean; responses: readonly SurveyAnswers[] }>(
  questions: readonly SurveyQuestion[],
  classes: readonly C[],
): ProjectSurveyResults<Omit<C, 'responses'>> {
  const answers = classes.reduce((s, c) => s + c.responses.length, 0);
  const enrolled = classes.reduce((s, c) => s + c.enrolled, 0);
  const released = classes.filter((c) => c.released);
  const shown = released.filter((c) => c.responses.length >= MIN_ANSWERS_FOR_DETAIL);
  return {
    answers,
    enrolled,
    responseRate: enrolled > 0 ? round(Math.min(1, answers / enrolled), 3) : null,
    overall: aggregate(
      questions,
      shown.flatMap((c) => c.responses),
      shown.reduce((s, c) => s + c.enrolled, 0),
    ),
    classesHidden: released.filter((c) => c.responses.length > 0 && c.responses.length < MIN_ANSWERS_FOR_DETAIL).length,
    classesWithheld: classes.filter((c) => !c.released && c.responses.length > 0).length,
    classes: classes.map(({ responses, ...c }) => ({
      ...c,
      results: c.released
        ? aggregate(questions, responses, c.enrolled)
        : withheldResults(questions, responses.length, c.enrolled),
    })),
  };
}
