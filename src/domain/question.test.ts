import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  candidateView,
  countBlanks,
  gradeAnswer,
  normaliseBlank,
  OPTION_KEYS,
  questionProblems,
  toBankAnswer,
  toPaperKey,
  type QuestionContent,
} from './question.js';

const opts = (n: number) => OPTION_KEYS.slice(0, n).map((key) => ({ key, text: `选项${key}` }));
const q = (over: Partial<QuestionContent>): QuestionContent => ({
  kind: 'single',
  stem: '题干',
  options: opts(4),
  answer: 'B',
  explanation: '',
  ...over,
});

describe('questionProblems', () => {
  it('accepts a sound question of every kind', () => {
    expect(questionProblems(q({}))).toEqual([]);
    expect(questionProblems(q({ kind: 'multiple', answer: ['A', 'C'] }))).toEqual([]);
    expect(questionProblems(q({ kind: 'true_false', options: [], answer: false }))).toEqual([]);
    expect(
      questionProblems(q({ kind: 'fill_in', stem: '＿＿年和____年', options: [], answer: [['1949'], ['1978']] })),
    ).toEqual([]);
    expect(questionProblems(q({ kind: 'essay', options: [], answer: null }))).toEqual([]);
  });

  it('names each thing to fix', () => {
    expect(questionProblems(q({ answer: 'E' }))).toEqual(['answer_not_an_option']);
    expect(questionProblems(q({ options: opts(1) }))).toContain('options_count');
    expect(questionProblems(q({ kind: 'multiple', answer: ['A'] }))).toEqual(['multiple_needs_two']);
    expect(questionProblems(q({ kind: 'true_false', options: [], answer: 'A' }))).toEqual(['true_false_answer']);
    expect(questionProblems(q({ kind: 'fill_in', stem: '＿＿', options: [], answer: [['a'], ['b']] }))).toEqual([
      'blanks_mismatch',
    ]);
    expect(questionProblems(q({ kind: 'fill_in', stem: '＿＿', options: [], answer: [['  ']] }))).toEqual([
      'blank_empty',
    ]);
    expect(questionProblems(q({ kind: 'essay', answer: null }))).toEqual(['essay_options']);
    expect(
      questionProblems(
        q({
          options: [
            { key: 'A', text: 'x' },
            { key: 'C', text: 'y' },
          ],
          answer: 'A',
        }),
      ),
    ).toEqual(['option_keys']);
  });

  it('counts blanks written with half- or full-width underscores or brackets', () => {
    expect(countBlanks('甲＿＿乙____丙（ ）丁()')).toBe(4);
    expect(countBlanks('没有空')).toBe(0);
  });
});

describe('gradeAnswer', () => {
  it('grades each kind, and a wrong shape earns nothing', () => {
    expect(gradeAnswer(q({}), 'B', 2)).toBe(2);
    expect(gradeAnswer(q({}), 'A', 2)).toBe(0);
    expect(gradeAnswer(q({}), ['B'], 2)).toBe(0);
    expect(gradeAnswer(q({ kind: 'true_false', answer: true }), true, 1)).toBe(1);
    expect(gradeAnswer(q({ kind: 'true_false', answer: true }), 'true', 1)).toBe(0);
    expect(gradeAnswer(q({ kind: 'essay' }), '长文', 10)).toBeNull();
    expect(gradeAnswer(q({ kind: 'single' }), undefined, 3)).toBe(0);
  });

  it('multiple choice: all right earns all; a subset earns half only when partial credit is on; any wrong letter nothing', () => {
    const m = q({ kind: 'multiple', answer: ['A', 'C', 'D'] });
    expect(gradeAnswer(m, ['D', 'A', 'C'], 4)).toBe(4);
    expect(gradeAnswer(m, ['A', 'C'], 4)).toBe(0);
    expect(gradeAnswer(m, ['A', 'C'], 4, { multiplePartial: true })).toBe(2);
    expect(gradeAnswer(m, ['A', 'B'], 4, { multiplePartial: true })).toBe(0);
    expect(gradeAnswer(m, [], 4, { multiplePartial: true })).toBe(0);
  });

  it('fill-in: any accepted text, whatever the width, case and spaces; points shared by blanks', () => {
    const f = q({ kind: 'fill_in', stem: '＿＿，＿＿，＿＿', answer: [['北京', '北京市'], ['1949'], ['Mao Zedong']] });
    expect(gradeAnswer(f, ['北京市', '１９４９', 'mao  zedong'], 3)).toBe(3);
    expect(gradeAnswer(f, ['北京', '1950', ''], 3)).toBe(1);
    expect(gradeAnswer(f, ['北京', '1949', 'x'], 10)).toBe(6.66);
    expect(normaliseBlank(' Ａ Ｂ ')).toBe('ab');
  });

  it('never gives more than the points or less than 0', () => {
    const m = q({ kind: 'multiple', answer: ['A', 'C'] });
    fc.assert(
      fc.property(
        fc.subarray(['A', 'B', 'C', 'D']),
        fc.integer({ min: 1, max: 20 }),
        fc.boolean(),
        (given, points, partial) => {
          const s = gradeAnswer(m, given, points, { multiplePartial: partial })!;
          return s >= 0 && s <= points;
        },
      ),
    );
  });
});

describe('shuffled options', () => {
  it('the letter a candidate picks under any order grades as the bank key it shows', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(['A', 'B', 'C', 'D', 'E'], { minLength: 5, maxLength: 5 }), (order) => {
        const single = q({ options: opts(5), answer: 'D' });
        const paperKey = toPaperKey('single', 'D', order) as string;
        const view = candidateView(single, order);
        // the option shown under the paper's key is the bank's D
        expect(view.options.find((o) => o.key === paperKey)?.text).toBe('选项D');
        return gradeAnswer(single, toBankAnswer('single', paperKey, order), 1) === 1;
      }),
    );
  });

  it('the candidate view carries no key and no explanation', () => {
    const v = candidateView(q({ explanation: '秘密解析' }), ['A', 'B', 'C', 'D']);
    expect(JSON.stringify(v)).not.toContain('秘密解析');
    expect(Object.keys(v).sort()).toEqual(['blanks', 'kind', 'options', 'stem']);
  });
});
