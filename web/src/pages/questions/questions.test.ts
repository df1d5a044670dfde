import { describe, expect, test } from 'vitest';
import {
  QUESTION_KINDS,
  QUESTION_PROBLEMS,
  QUESTION_SHEET_COLUMNS,
  QUESTION_SHEET_PROBLEM_CODES,
  QUESTION_STATUSES,
} from '../../api/questions.api';
import en from '../../i18n/en.json';
import zhCN from '../../i18n/zh-CN.json';
import { blanksForStem, draftProblems, emptyDraft, toInput } from './question-draft';

type Tree = { [key: string]: string | Tree };

function has(tree: Tree, path: string): boolean {
  let node: string | Tree | undefined = tree;
  for (const part of path.split('.')) {
    if (typeof node !== 'object') return false;
    node = node[part] ?? node[`${part}_other`];
  }
  return typeof node === 'string' && node.length > 0;
}

describe('the question bank is worded in both languages', () => {
  test('every kind, status, live problem, sheet column and sheet problem has a label', () => {
    const wanted = [
      'questions.nav',
      'questions.title',
      ...QUESTION_KINDS.map((k) => `questions.kinds.${k}`),
      ...QUESTION_STATUSES.map((s) => `questions.statuses.${s}`),
      ...[...QUESTION_PROBLEMS, 'stem_missing'].map((p) => `questions.problems.${p}`),
      ...QUESTION_SHEET_COLUMNS.map((c) => `questions.import.columns.${c}`),
      ...QUESTION_SHEET_PROBLEM_CODES.map((c) => `questions.import.problems.${c}`),
      'errors.QUESTION_INVALID',
      'errors.QUESTION_SHEET_INVALID',
      'errors.QUESTION_EDITOR_INVALID',
    ];
    for (const locale of [zhCN, en] as unknown as Tree[]) expect(wanted.filter((k) => !has(locale, k))).toEqual([]);
  });

  test('the Chinese column labels are the sheet headers the server reads and writes', () => {
    const columns = (zhCN as unknown as { questions: { import: { columns: Record<string, string> } } }).questions.import
      .columns;
    expect(QUESTION_SHEET_COLUMNS.map((c) => columns[c])).toEqual([
      '题型',
      '题干',
      ...'ABCDEFGHIJ'.split('').map((k) => `选项${k}`),
      '答案',
      '解析',
      '模块',
      '学科',
      '学段',
      '难度',
    ]);
  });
});

describe('the editor draft', () => {
  test('a single-choice draft needs its key among the options, shown before saving', () => {
    const d = { ...emptyDraft(), stem: '师德的核心是（  ）', options: ['爱国', '爱生'] };
    expect(draftProblems(d)).toEqual(['answer_missing']);
    expect(draftProblems({ ...d, single: 'B' })).toEqual([]);
    expect(toInput({ ...d, single: 'B' })).toMatchObject({ options: [{ key: 'A' }, { key: 'B' }], answer: 'B' });
    expect(draftProblems({ ...d, options: ['爱国', ''], single: 'A' })).toEqual(['option_empty']);
  });

  test('switching the kind keeps each kind’s answer, and sends only the one chosen', () => {
    const d = { ...emptyDraft(), stem: '对吗', single: 'A', trueFalse: true };
    expect(toInput({ ...d, kind: 'true_false' })).toMatchObject({ options: [], answer: true });
    expect(toInput({ ...d, kind: 'essay' })).toMatchObject({ options: [], answer: null });
  });

  test('fill-in: one answer list per blank of the stem', () => {
    const d = { ...emptyDraft(), kind: 'fill_in' as const, stem: '新中国成立于____年，首都是（ ）。' };
    const blanks = blanksForStem(d);
    expect(blanks).toEqual([[], []]);
    expect(draftProblems({ ...d, blanks })).toEqual(['blank_empty']);
    expect(draftProblems({ ...d, blanks: [['1949'], ['北京', '北京市']] })).toEqual([]);
    expect(draftProblems({ ...d, blanks: [['1949']] })).toEqual(['blanks_mismatch']);
    expect(draftProblems({ ...d, stem: '', blanks: [] })).toEqual(['stem_missing', 'answer_missing']);
  });
});
