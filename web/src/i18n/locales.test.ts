import { describe, expect, test } from 'vitest';
import { ERROR_STATUS } from '../../../src/errors/app-error';
import type { TeacherProblem } from '../../../src/domain/teacher';
import { PROGRESS_STATUSES as DOMAIN_PROGRESS_STATUSES } from '../../../src/domain/credit-progress';
import { SOURCE_TYPES as DOMAIN_SOURCE_TYPES } from '../../../src/domain/cycle-rules';
import {
  BACKBONE_LEVELS,
  EMPLOYMENTS,
  GENDERS,
  ID_TYPES,
  ORG_UNIT_KINDS,
  ROLES,
  ROSTER_COLUMNS,
  STAGES,
  TEACHER_FLAGS,
  TEACHER_PROBLEM_CODES,
  type TeacherProblemCode,
  PROGRESS_STATUSES,
  REGISTRATION_PROBLEM_CODES,
  RULE_PROBLEM_CODES,
  SOURCE_TYPES,
  VERIFICATION_RESULTS,
  VERIFICATION_STATUSES,
} from '../api/types';
import { SUBJECT_KEYS, SUBJECT_SUGGESTIONS, TITLE_KEYS, TITLE_SUGGESTIONS } from '../pages/teachers/teacher-rules';
import en from './en.json';
import zhCN from './zh-CN.json';

type Tree = { [key: string]: string | Tree };

/** Flattened keys; English plural forms (`x_one` beside `x_other`) count as `x`. */
function keys(tree: Tree, prefix = ''): Set<string> {
  const out = new Set<string>();
  for (const [key, value] of Object.entries(tree)) {
    const plural = /^(.*)_(one|other)$/.exec(key);
    const base = plural && `${plural[1]}_one` in tree && `${plural[1]}_other` in tree ? plural[1] : key;
    const path = `${prefix}${base}`;
    if (typeof value === 'string') out.add(path);
    else keys(value, `${path}.`).forEach((k) => out.add(k));
  }
  return out;
}

// Every problem code of the server's teacher rules is one the UI words (checked by the type checker).
const everyTeacherProblemListed: [Exclude<TeacherProblem, TeacherProblemCode>] extends [never] ? true : never = true;

const zhKeys = keys(zhCN as Tree);
const enKeys = keys(en as Tree);

describe('UI translations', () => {
  test('Chinese and English have the same keys', () => {
    expect([...zhKeys].filter((k) => !enKeys.has(k))).toEqual([]);
    expect([...enKeys].filter((k) => !zhKeys.has(k))).toEqual([]);
  });

  test('every server error code has a message in both languages', () => {
    const missing = Object.keys(ERROR_STATUS).filter(
      (code) => !zhKeys.has(`errors.${code}`) || !enKeys.has(`errors.${code}`),
    );
    expect(missing).toEqual([]);
  });

  test('every role, unit kind and stage has a label', () => {
    const wanted = [
      ...ROLES.map((r) => `roles.${r}`),
      ...ORG_UNIT_KINDS.map((k) => `kinds.${k}`),
      ...STAGES.map((s) => `stages.${s}`),
    ];
    expect(wanted.filter((k) => !zhKeys.has(k) || !enKeys.has(k))).toEqual([]);
  });

  test('every teacher enumeration, roster column and problem code has a label', () => {
    expect(everyTeacherProblemListed).toBe(true);
    const wanted = [
      ...GENDERS.map((v) => `teachers.genders.${v}`),
      ...ID_TYPES.map((v) => `teachers.idTypes.${v}`),
      ...EMPLOYMENTS.map((v) => `teachers.employments.${v}`),
      ...BACKBONE_LEVELS.map((v) => `teachers.backboneLevels.${v}`),
      ...TEACHER_FLAGS.map((v) => `teachers.flags.${v}`),
      ...ROSTER_COLUMNS.map((v) => `teachers.fields.${v}`),
      ...TEACHER_PROBLEM_CODES.map((v) => `teacherProblems.${v}`),
    ];
    expect(wanted.filter((k) => !zhKeys.has(k) || !enKeys.has(k))).toEqual([]);
  });

  test('every credit status, source, verification state and problem code has a label', () => {
    // the UI's lists are the server's own
    expect([...PROGRESS_STATUSES].sort()).toEqual([...DOMAIN_PROGRESS_STATUSES].sort());
    expect([...SOURCE_TYPES].sort()).toEqual([...DOMAIN_SOURCE_TYPES].sort());
    const wanted = [
      ...PROGRESS_STATUSES.map((v) => `credits.status.${v}`),
      ...SOURCE_TYPES.map((v) => `credits.sources.${v}`),
      ...VERIFICATION_STATUSES.map((v) => `verification.statuses.${v}`),
      ...VERIFICATION_RESULTS.map((v) => `verification.results.${v}`),
      ...REGISTRATION_PROBLEM_CODES.map((v) => `creditRegister.problems.${v}`),
      ...RULE_PROBLEM_CODES.map((v) => `cycles.problems.${v}`),
      ...PROGRESS_STATUSES.map((v) => `myCredits.statusHelp.${v}`),
    ];
    expect(wanted.filter((k) => !zhKeys.has(k) || !enKeys.has(k))).toEqual([]);
  });

  test('the subjects and titles the product knows read in English, and as themselves in Chinese', () => {
    const lookup = (tree: Tree, path: string) =>
      path
        .split('.')
        .reduce<string | Tree | undefined>((node, k) => (typeof node === 'object' ? node[k] : undefined), tree);
    const known = [
      ...SUBJECT_SUGGESTIONS.map((v) => [v, `teachers.subjects.${SUBJECT_KEYS[v]}`] as const),
      ...TITLE_SUGGESTIONS.map((v) => [v, `teachers.professionalTitles.${TITLE_KEYS[v]}`] as const),
    ];
    const wrong = known.filter(([value, key]) => {
      const zh = lookup(zhCN as Tree, key);
      const english = lookup(en as Tree, key);
      return zh !== value || typeof english !== 'string' || /[\u4e00-\u9fff]/.test(english);
    });
    expect(wrong).toEqual([]);
  });

  test('English labels use a plain colon, not a full-width one', () => {
    const strings = (tree: Tree): string[] =>
      Object.values(tree).flatMap((v) => (typeof v === 'string' ? [v] : strings(v)));
    expect(strings(en as Tree).filter((s) => s.includes('：'))).toEqual([]);
  });

  test('English learning-record words use ASCII brackets and quotes, not full-width or curly ones', () => {
    const strings = (tree: Tree): string[] =>
      Object.values(tree).flatMap((v) => (typeof v === 'string' ? [v] : strings(v)));
    const lrs = [...strings((en as Tree)['lrs'] as Tree), ...strings((en as Tree)['lrsRules'] as Tree)];
    expect(lrs.filter((s) => /[（）“”]/.test(s))).toEqual([]);
  });
});
