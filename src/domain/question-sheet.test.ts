import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAnswerCell, optionsFromCells, parseAnswerCell, parseKindCell } from './question-sheet.js';

const ABCD = ['A', 'B', 'C', 'D'];

describe('the 题型 cell', () => {
  it('reads the short and long Chinese names, with or without 题, full-width or spaced', () => {
    expect(parseKindCell('单选')).toBe('single');
    expect(parseKindCell(' 多选题 ')).toBe('multiple');
    expect(parseKindCell('判断题')).toBe('true_false');
    expect(parseKindCell('填 空')).toBe('fill_in');
    expect(parseKindCell('论述题')).toBe('essay');
    expect(parseKindCell('essay')).toBe('essay');
    expect(parseKindCell('选择')).toBeNull();
  });
});

describe('the 答案 cell', () => {
  it('single choice: one letter of the options, any case or width', () => {
    expect(parseAnswerCell('single', 'b', ABCD)).toEqual({ ok: true, answer: 'B' });
    expect(parseAnswerCell('single', 'Ｃ', ABCD)).toEqual({ ok: true, answer: 'C' });
    expect(parseAnswerCell('single', '', ABCD)).toEqual({ ok: false, problem: 'answer_missing' });
    expect(parseAnswerCell('single', 'AB', ABCD)).toEqual({ ok: false, problem: 'answer_format' });
    expect(parseAnswerCell('single', 'E', ABCD)).toEqual({ ok: false, problem: 'answer_not_an_option' });
  });

  it('multiple choice: letters together or separated, sorted, each once', () => {
    for (const cell of ['ACD', 'A,C,D', 'a、c、d', 'D C A', 'A，C，D', 'ACDA'])
      expect(parseAnswerCell('multiple', cell, ABCD)).toEqual({ ok: true, answer: ['A', 'C', 'D'] });
    expect(parseAnswerCell('multiple', 'A', ABCD)).toEqual({ ok: false, problem: 'multiple_needs_two' });
    expect(parseAnswerCell('multiple', 'AF', ABCD)).toEqual({ ok: false, problem: 'answer_not_an_option' });
    expect(parseAnswerCell('multiple', 'A和B', ABCD)).toEqual({ ok: false, problem: 'answer_format' });
  });

  it('true/false: 对 错 正确 错误 √ × T F', () => {
    for (const yes of ['对', '正确', '√', 'T', 't', 'TRUE'])
      expect(parseAnswerCell('true_false', yes, [])).toEqual({ ok: true, answer: true });
    for (const no of ['错', '错误', '×', 'F', 'false'])
      expect(parseAnswerCell('true_false', no, [])).toEqual({ ok: true, answer: false });
    expect(parseAnswerCell('true_false', '不一定', [])).toEqual({ ok: false, problem: 'true_false_answer' });
  });

  it('fill-in: blanks by "|", alternatives by "/", a backslash keeps either literally', () => {
    expect(parseAnswerCell('fill_in', '北京/北京市|1949', [])).toEqual({
      ok: true,
      answer: [['北京', '北京市'], ['1949']],
    });
    expect(parseAnswerCell('fill_in', '1\\/2 / 0.5 ｜ 二', [])).toEqual({ ok: true, answer: [['1/2', '0.5'], ['二']] });
    expect(parseAnswerCell('fill_in', '北京||1949', [])).toEqual({ ok: false, problem: 'blank_empty' });
    expect(parseAnswerCell('fill_in', '北京/', [])).toEqual({ ok: false, problem: 'blank_empty' });
    expect(parseAnswerCell('fill_in', ' ', [])).toEqual({ ok: false, problem: 'answer_missing' });
  });

  it('essay: the reference text, or none', () => {
    expect(parseAnswerCell('essay', '  要点：一、二 ', [])).toEqual({ ok: true, answer: '要点：一、二' });
    expect(parseAnswerCell('essay', '', [])).toEqual({ ok: true, answer: null });
  });

  it('every key written by the export reads back the same (property)', () => {
    const text = fc
      .string({ minLength: 1, maxLength: 12, unit: fc.constantFrom('a', '北', ' ', '/', '|', '\\', '1', '京', '½') })
      .filter((s) => s.trim() !== '' && s === s.trim());
    fc.assert(
      fc.property(fc.array(fc.array(text, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 }), (key) => {
        const cell = formatAnswerCell('fill_in', key);
        expect(parseAnswerCell('fill_in', cell, [])).toEqual({ ok: true, answer: key });
      }),
    );
    fc.assert(
      fc.property(fc.subarray(['A', 'B', 'C', 'D', 'E'], { minLength: 2 }), (keys) => {
        const cell = formatAnswerCell('multiple', keys);
        expect(parseAnswerCell('multiple', cell, ['A', 'B', 'C', 'D', 'E'])).toEqual({ ok: true, answer: keys });
      }),
    );
    for (const b of [true, false])
      expect(parseAnswerCell('true_false', formatAnswerCell('true_false', b), [])).toEqual({ ok: true, answer: b });
  });
});

describe('the 选项 cells', () => {
  it('run from A without a gap; trailing blanks are fine', () => {
    expect(optionsFromCells(['甲', '乙', '', ''])).toEqual({
      ok: true,
      options: [
        { key: 'A', text: '甲' },
        { key: 'B', text: '乙' },
      ],
    });
    expect(optionsFromCells(['甲', '', '丙'])).toEqual({ ok: false, gapAt: 'B' });
    expect(optionsFromCells([])).toEqual({ ok: true, options: [] });
  });
});
