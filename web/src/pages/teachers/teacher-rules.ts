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
