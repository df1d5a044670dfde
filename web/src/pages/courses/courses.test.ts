import { describe, expect, test } from 'vitest';
import {
  COURSE_CATEGORIES,
  COURSE_FORMS,
  COURSE_ORIGINS,
  COURSE_SHEET_COLUMNS,
  COURSE_SHEET_PROBLEM_CODES,
  COURSE_STATUSES,
  type Course,
} from '../../api/courses.api';
import en from '../../i18n/en.json';
import zhCN from '../../i18n/zh-CN.json';
import { formValuesOf, inputOf } from './course-form.modal';

type Tree = { [key: string]: string | Tree };

function has(tree: Tree, path: string): boolean {
  let node: string | Tree | undefined = tree;
  for (const part of path.split('.')) {
    if (typeof node !== 'object') return false;
    node = node[part] ?? node[`${part}_other`];
  }
  return typeof node === 'string' && node.length > 0;
}

describe('the course catalogue is worded in both languages', () => {
  test('every category, form, origin, status, sheet column and sheet problem has a label', () => {
    const wanted = [
      'courses.nav',
      'courses.title',
      ...COURSE_CATEGORIES.map((c) => `courses.categories.${c}`),
      ...COURSE_FORMS.map((f) => `courses.forms.${f}`),
      ...COURSE_ORIGINS.map((o) => `courses.origins.${o}`),
      ...COURSE_STATUSES.map((s) => `courses.statuses.${s}`),
      ...COURSE_SHEET_COLUMNS.map((c) => `courses.import.columns.${c}`),
      ...COURSE_SHEET_PROBLEM_CODES.map((c) => `courses.import.problems.${c}`),
      ...['unknown_category', 'evidence_not_found', 'unit_kind'].map((c) => `courses.form.problems.${c}`),
      // what SheetUpload reads under its prefix
      ...[
        'downloadTemplate',
        'templateHint',
        'oldExcel',
        'wrongType',
        'dropHint',
        'dropSubHint',
        'uploading',
        'cancelUpload',
        'working',
      ].map((k) => `courses.import.${k}`),
      'errors.COURSE_TITLE_TAKEN',
      'errors.COURSE_INVALID',
      'errors.COURSE_SHEET_INVALID',
    ];
    for (const locale of [zhCN, en] as unknown as Tree[]) expect(wanted.filter((k) => !has(locale, k))).toEqual([]);
  });

  test('the Chinese column labels are the sheet headers the server reads', () => {
    const columns = (zhCN as unknown as { courses: { import: { columns: Record<string, string> } } }).courses.import
      .columns;
    expect(COURSE_SHEET_COLUMNS.map((c) => columns[c])).toEqual([
      '所属单位',
      '课程名称',
      '课程类别',
      '课程模块',
      '培训形式',
      '学时',
      '计入学时类别',
      '适用学段',
      '适用学科',
      '课程简介',
      '资料链接',
    ]);
  });
});

describe('the course form', () => {
  const course: Course = {
    id: 1,
    orgUnitId: 2,
    orgUnitName: '桦甸市',
    title: '师德',
    category: 'required',
    module: '师德',
    form: 'online',
    hours: 25,
    creditCategories: ['ethics'],
    stages: ['primary'],
    subjects: [],
    description: null,
    materials: [
      { kind: 'file', title: '讲义.pdf', evidenceId: 9 },
      { kind: 'link', title: '', url: 'https://example.edu.cn' },
    ],
    archived: false,
    canManage: true,
    inherited: false,
    createdAt: '',
    updatedAt: '',
  };

  test('shows hours as decimals and sends them back in tenths', () => {
    const values = formValuesOf(course);
    expect(values.hours).toBe('2.5');
    expect(inputOf({ ...values, hours: '12.5' }).hours).toBe(125);
  });

  test('an empty description is sent as none, a link without title is named by its address', () => {
    const input = inputOf({ ...formValuesOf(course), description: '  ' });
    expect(input.description).toBeNull();
    expect(input.materials).toEqual([
      { kind: 'file', title: '讲义.pdf', evidenceId: 9 },
      { kind: 'link', title: 'https://example.edu.cn', url: 'https://example.edu.cn' },
    ]);
  });
});
