import type { Gender, IdType } from '../../api/types';
// The server's own pure rules (no I/O), shared so the forms refuse what the server refuses,
// with the same problem codes.
import {
  checkIdNumber,
  nameProblem,
  normaliseName,
  normalisePhone,
  SUBJECT_SUGGESTIONS,
  TITLE_SUGGESTIONS,
} from '../../../../src/domain/teacher';

export { SUBJECT_SUGGESTIONS, TITLE_SUGGESTIONS };

/** The label key (teachers.subjects.*) of each subject the product knows. */
export const SUBJECT_KEYS: Record<(typeof SUBJECT_SUGGESTIONS)[number], string> = {
  语文: 'chinese',
  数学: 'maths',
  英语: 'english',
  物理: 'physics',
  化学: 'chemistry',
  生物: 'biology',
  历史: 'history',
  地理: 'geography',
  道德与法治: 'moralityLaw',
  思想政治: 'politics',
  科学: 'science',
  信息技术: 'it',
  音乐: 'music',
  美术: 'art',
  体育与健康: 'pe',
  心理健康: 'mentalHealth',
  劳动: 'labour',
  综合实践: 'practice',
  学前教育: 'preschool',
  特殊教育: 'specialEd',
  专业课: 'vocational',
};
/** The label key (teachers.professionalTitles.*) of each title the product knows. */
export const TITLE_KEYS: Record<(typeof TITLE_SUGGESTIONS)[number], string> = {
  正高级教师: 'seniorPlus',
  高级教师: 'senior',
  一级教师: 'first',
  二级教师: 'second',
  三级教师: 'third',
  未定级: 'unrated',
};

/** Oldest teaching start year the registry accepts. */
export const FIRST_TEACHING_YEAR = 1950;
/** Longest subject or title, in characters. */
export const MAX_TEXT = 30;

/** The problem code of a typed name, or null when the server will take it. */
export function nameProblemOf(raw: string): string | null {
  return nameProblem(normaliseName(raw));
}

export type IdentityCheck =
  | { ok: true; gender: Gender | null; birthDate: string | null }
  | { ok: false; problem: string };

/** An ID number checked by its type; a resident ID number also yields gender and birth date. */
export function checkIdentity(idType: IdType, raw: string, today: Date = new Date()): IdentityCheck {
  const r = checkIdNumber(idType, raw, today);
  return r.ok ? { ok: true, gender: r.gender, birthDate: r.birthDate } : { ok: false, problem: r.problem };
}

/** 'phone_invalid' unless the text is a mobile number or a landline with area code. */
export function phoneProblemOf(raw: string): string | null {
  return raw.trim() === '' || normalisePhone(raw) !== null ? null : 'phone_invalid';
}

export function teachingStartYearProblemOf(year: number | null | undefined, today: Date = new Date()): string | null {
  if (year === null || year === undefined) return null;
  return Number.isInteger(year) && year >= FIRST_TEACHING_YEAR && year <= today.getFullYear()
    ? null
    : 'teaching_start_year_invalid';
}

/** Whole years of teaching up to this year, or null when the start is unknown. */
export function teachingYears(teachingStartYear: number | null, today: Date = new Date()): number | null {
  return teachingStartYear === null ? null : Math.max(0, today.getFullYear() - teachingStartYear);
}
