import { countBlanks, OPTION_KEYS, questionProblems, type QuestionProblem } from '../../../../src/domain/question';
import type { Question, QuestionInput, QuestionKind, QuestionVersion } from '../../api/questions.api';
import type { Stage } from '../../api/types';

type OptionKey = NonNullable<QuestionInput['options']>[number]['key'];

/**
 * What the question editor holds while one types: every kind's answer kept side by side, so switching
 * the kind and back loses nothing; `toInput` gives the body the server takes.
 */
export interface QuestionDraft {
  kind: QuestionKind;
  stem: string;
  /** option texts, A first */
  options: string[];
  single: string | null;
  multiple: string[];
  trueFalse: boolean | null;
  /** accepted texts per blank */
  blanks: string[][];
  reference: string;
  explanation: string;
  module: string;
  subject: string;
  stage: Stage | '';
  difficulty: number;
  shuffleOptions: boolean;
}

export const emptyDraft = (): QuestionDraft => ({
  kind: 'single',
  stem: '',
  options: ['', '', '', ''],
  single: null,
  multiple: [],
  trueFalse: null,
  blanks: [],
  reference: '',
  explanation: '',
  module: '',
  subject: '',
  stage: '',
  difficulty: 3,
  shuffleOptions: true,
});

/** The draft of a stored question (or one of its versions). */
export function draftOf(q: Question | QuestionVersion): QuestionDraft {
  const d = emptyDraft();
  const a = q.answer;
  return {
    ...d,
    kind: q.kind,
    stem: q.stem,
    options: q.options.length ? q.options.map((o) => o.text) : d.options,
    single: q.kind === 'single' && typeof a === 'string' ? a : null,
    multiple: q.kind === 'multiple' && Array.isArray(a) ? (a as string[]) : [],
    trueFalse: q.kind === 'true_false' && typeof a === 'boolean' ? a : null,
    blanks: q.kind === 'fill_in' && Array.isArray(a) ? (a as string[][]) : [],
    reference: q.kind === 'essay' && typeof a === 'string' ? a : '',
    explanation: q.explanation,
    module: q.module,
    subject: q.subject,
    stage: q.stage as Stage | '',
    difficulty: q.difficulty,
    shuffleOptions: q.shuffleOptions,
  };
}

/** The request body of a draft: options only for choice questions, the answer of the draft's kind. */
export function toInput(d: QuestionDraft): QuestionInput {
  const choice = d.kind === 'single' || d.kind === 'multiple';
  const options = choice ? d.options.map((text, i) => ({ key: OPTION_KEYS[i] as OptionKey, text: text.trim() })) : [];
  const answer =
    d.kind === 'single'
      ? (d.single ?? '')
      : d.kind === 'multiple'
        ? [...d.multiple].sort()
        : d.kind === 'true_false'
          ? d.trueFalse
          : d.kind === 'fill_in'
            ? d.blanks.map((b) => b.map((x) => x.trim()).filter(Boolean))
            : d.reference.trim() || null;
  return {
    kind: d.kind,
    stem: d.stem.trim(),
    options,
    answer: answer as QuestionInput['answer'],
    explanation: d.explanation.trim(),
    module: d.module.trim(),
    subject: d.subject.trim(),
    stage: d.stage,
    difficulty: d.difficulty,
    shuffleOptions: d.shuffleOptions,
  };
}

/** The problems the server would name, checked as one types (plus an empty stem). */
export function draftProblems(d: QuestionDraft): Array<QuestionProblem | 'stem_missing'> {
  const input = toInput(d);
  const out: Array<QuestionProblem | 'stem_missing'> = input.stem === '' ? ['stem_missing'] : [];
  return [
    ...out,
    ...questionProblems({
      kind: input.kind,
      stem: input.stem,
      options: input.options ?? [],
      answer: (input.answer ?? null) as never,
      explanation: input.explanation ?? '',
    }),
  ];
}

/** The blanks of a fill-in draft resized to the stem's blanks (kept texts stay). */
export function blanksForStem(d: QuestionDraft): string[][] {
  const n = countBlanks(d.stem);
  return Array.from({ length: n }, (_, i) => d.blanks[i] ?? []);
}
