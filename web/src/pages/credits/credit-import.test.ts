import { describe, expect, test } from 'vitest';
import { SHEET_COLUMNS, SHEET_PROBLEM_CODES } from '../../api/credits.api';
import { REGISTRATION_PROBLEM_CODES } from '../../api/types';
import en from '../../i18n/en.json';
import zhCN from '../../i18n/zh-CN.json';

type Tree = { [key: string]: string | Tree };

function has(tree: Tree, path: string): boolean {
  let node: string | Tree | undefined = tree;
  for (const part of path.split('.')) {
    if (typeof node !== 'object') return false;
    node = node[part] ?? node[`${part}_other`];
  }
  return typeof node === 'string' && node.length > 0;
}

describe('the registration sheet is worded in both languages', () => {
  test('every column and every problem code of a sheet has a label', () => {
    const wanted = [
      ...SHEET_COLUMNS.map((c) => `creditRegister.import.columns.${c}`),
      ...SHEET_PROBLEM_CODES.map((c) => `creditRegister.import.problems.${c}`),
      'creditRegister.import.problems.unknown',
      // problems of the cycle rules are worded like those of the form
      ...REGISTRATION_PROBLEM_CODES.map((c) => `creditRegister.problems.${c}`),
    ];
    for (const locale of [zhCN, en] as Tree[]) expect(wanted.filter((k) => !has(locale, k))).toEqual([]);
  });

  test('the Chinese column labels are the sheet headers the server reads', () => {
    const columns = (zhCN as unknown as { creditRegister: { import: { columns: Record<string, string> } } })
      .creditRegister.import.columns;
    expect(SHEET_COLUMNS.map((c) => columns[c])).toEqual([
      '姓名',
      '证件号码',
      '学时',
      '日期',
      '培训内容',
      '类别',
      '来源',
      '佐证材料',
    ]);
  });
});
