/**
 * How a question's kind and key are written in a bank sheet (题库导入模板), and read back. Pure: the
 * import reads each cell with these, the export writes them, so an exported sheet imports unchanged.
 *
 * @example parseAnswerCell('multiple', 'A,C,D', ['A','B','C','D']) // { ok: true, answer: ['A','C','D'] }
 * @example parseAnswerCell('fill_in', '北京/北京市|1949', []) // { ok: true, answer: [['北京','北京市'],['1949']] }
 */
import { OPTION_KEYS, type QuestionKey, type QuestionKind } from './question.js';
import { foldFullWidth } from './text.js';

/** The kind as the sheet's 题型 column writes it. */
export const KIND_SHEET_LABELS: Record<QuestionKind, string> = {
  single: '单选',
  multiple: '多选',
  true_false: '判断',
  fill_in: '填空',
  essay: '简答',
};

const KIND_ALIASES: Record<string, QuestionKind> = {
  单选: 'single',
  单选题: 'single',
  单项选择: 'single',
  单项选择题: 'single',
  多选: 'multiple',
  多选题: 'multiple',
  多项选择: 'multiple',
  多项选择题: 'multiple',
  不定项选择: 'multiple',
  判断: 'true_false',
  判断题: 'true_false',
  是非题: 'true_false',
  填空: 'fill_in',
  填空题: 'fill_in',
  简答: 'essay',
  简答题: 'essay',
  论述: 'essay',
  论述题: 'essay',
  '简答/论述题': 'essay',
  主观题: 'essay',
  single: 'single',
  multiple: 'multiple',
  true_false: 'true_false',
  fill_in: 'fill_in',
  essay: 'essay',
};

/** The kind a 题型 cell names, or null. */
export function parseKindCell(text: string): QuestionKind | null {
  const t = foldFullWidth(text).replace(/\s+/g, '').toLowerCase();
  return KIND_ALIASES[t] ?? null;
}

const TRUE_WORDS = new Set(['对', '正确', '是', '√', '✓', '✔', 't', 'true', 'y', 'yes']);
const FALSE_WORDS = new Set(['错', '错误', '否', '×', '✗', '✘', 'x', 'f', 'false', 'n', 'no']);

export type AnswerCellProblem =
  | 'answer_missing'
  | 'answer_format'
  | 'answer_not_an_option'
  | 'multiple_needs_two'
  | 'true_false_answer'
  | 'blank_empty';

export type AnswerCellResult = { ok: true; answer: QuestionKey } | { ok: false; problem: AnswerCellProblem };

const fail = (problem: AnswerCellProblem): AnswerCellResult => ({ ok: false, problem });

/**
 * The key a 答案 cell gives for a question of `kind` whose options carry `optionKeys`.
 * single: one letter; multiple: letters together or separated by commas, 、 or spaces; 判断: 对/错,
 * 正确/错误, √/×, T/F; 填空: blanks separated by "|", accepted alternatives within a blank by "/"
 * (a "\" before "|", "/" or "\" takes it literally); 简答: the reference text (may be empty).
 */
export function parseAnswerCell(kind: QuestionKind, text: string, optionKeys: readonly string[]): AnswerCellResult {
  const raw = text.trim();
  switch (kind) {
    case 'single': {
      const t = foldFullWidth(raw).replace(/\s+/g, '').toUpperCase();
      if (t === '') return fail('answer_missing');
      if (!/^[A-Z]$/.test(t)) return fail('answer_format');
      if (!optionKeys.includes(t)) return fail('answer_not_an_option');
      return { ok: true, answer: t };
    }
    case 'multiple': {
      const t = foldFullWidth(raw).toUpperCase();
      const letters = t.replace(/[\s,，、;；]+/g, '');
      if (letters === '') return fail('answer_missing');
      if (!/^[A-Z]+$/.test(letters)) return fail('answer_format');
      const keys = [...new Set(letters.split(''))].sort();
      if (keys.some((k) => !optionKeys.includes(k))) return fail('answer_not_an_option');
      if (keys.length < 2) return fail('multiple_needs_two');
      return { ok: true, answer: keys };
    }
    case 'true_false': {
      const t = foldFullWidth(raw).replace(/\s+/g, '').toLowerCase();
      if (t === '') return fail('answer_missing');
      if (TRUE_WORDS.has(t)) return { ok: true, answer: true };
      if (FALSE_WORDS.has(t)) return { ok: true, answer: false };
      return fail('true_false_answer');
    }
    case 'fill_in': {
      if (raw === '') return fail('answer_missing');
      const blanks = splitEscaped(raw.replace(/｜/g, '|'), '|').map((b) =>
        splitEscaped(b.replace(/／/g, '/'), '/').map((a) => unescapeCell(a).trim()),
      );
      if (blanks.some((b) => b.length === 0 || b.some((a) => a === ''))) return fail('blank_empty');
      return { ok: true, answer: blanks };
    }
    case 'essay':
      return { ok: true, answer: raw === '' ? null : raw };
    default: {
      const never: never = kind;
      return never;
    }
  }
}

/** The 答案 cell for a key: the inverse of `parseAnswerCell`. */
export function formatAnswerCell(kind: QuestionKind, answer: QuestionKey): string {
  switch (kind) {
    case 'single':
      return typeof answer === 'string' ? answer : '';
    case 'multiple':
      return Array.isArray(answer) ? (answer as string[]).join('') : '';
    case 'true_false':
      return answer === true ? '对' : answer === false ? '错' : '';
    case 'fill_in':
      return Array.isArray(answer)
        ? (answer as string[][]).map((b) => b.map((a) => escapeCell(a)).join('/')).join('|')
        : '';
    case 'essay':
      return typeof answer === 'string' ? answer : '';
    default: {
      const never: never = kind;
      return never;
    }
  }
}

/** The options a sheet row gives: the filled 选项 cells must run from A without a gap. */
export function optionsFromCells(
  cells: readonly string[],
): { ok: true; options: Array<{ key: string; text: string }> } | { ok: false; gapAt: string } {
  const options: Array<{ key: string; text: string }> = [];
  let last = -1;
  cells.forEach((c, i) => {
    if (c.trim() !== '') last = i;
  });
  for (let i = 0; i <= last; i++) {
    const text = (cells[i] ?? '').trim();
    if (text === '') return { ok: false, gapAt: OPTION_KEYS[i] as string };
    options.push({ key: OPTION_KEYS[i] as string, text });
  }
  return { ok: true, options };
}

const escapeCell = (s: string) => s.replace(/[\\|/]/g, (c) => `\\${c}`);
const unescapeCell = (s: string) => s.replace(/\\([\\|/])/g, '$1');

/** Splits at `sep` where it is not escaped by a backslash; the escapes are kept for the next level. */
function splitEscaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '\\' && i + 1 < s.length) {
      cur += c + (s[i + 1] as string);
      i++;
    } else if (c === sep) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}
