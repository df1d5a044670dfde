import type { FormInstance } from 'antd';
import { ApiError } from '../api/client';
import { validationIssues } from './error-message';

export interface FieldError {
  name: string;
  errors: string[];
}

/** `details.problems` ({ field: problem code }) of an error such as TEACHER_INVALID, or nothing. */
export function fieldProblems(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError)) return {};
  const problems = err.details?.['problems'];
  if (typeof problems !== 'object' || problems === null || Array.isArray(problems)) return {};
  return Object.fromEntries(
    Object.entries(problems as Record<string, unknown>).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

/**
 * Which form fields a server error concerns: VALIDATION_FAILED issues by path, problem
 * codes by field (`details.problems`, worded by `problemText`), plus codes that belong to
 * one field (`codeFields`, e.g. USERNAME_TAKEN → username).
 */
export function fieldErrorsFrom(
  err: unknown,
  fields: readonly string[],
  codeFields: Record<string, string> = {},
  message?: string,
  problemText?: (code: string) => string,
): FieldError[] {
  if (!(err instanceof ApiError)) return [];
  const known = new Set(fields);
  const byField = new Map<string, string[]>();
  const add = (field: string, text: string) => byField.set(field, [...(byField.get(field) ?? []), text]);
  for (const issue of validationIssues(err)) {
    const field = issue.path.split(/[./[\]]+/).find((segment) => known.has(segment));
    if (field) add(field, issue.message);
  }
  if (problemText) {
    for (const [field, code] of Object.entries(fieldProblems(err))) {
      if (known.has(field)) add(field, problemText(code));
    }
  }
  const codeField = codeFields[err.code];
  if (codeField && known.has(codeField)) add(codeField, message ?? err.message);
  return [...byField.entries()].map(([name, errors]) => ({ name, errors }));
}

/**
 * Puts server-side problems next to the fields they concern. Returns true when at
 * least one landed on a field, so the caller need not show it again elsewhere.
 */
export function showErrorsOnFields<T>(
  form: FormInstance<T>,
  err: unknown,
  fields: readonly string[],
  codeFields: Record<string, string> = {},
  message?: string,
  problemText?: (code: string) => string,
): boolean {
  const fieldErrors = fieldErrorsFrom(err, fields, codeFields, message, problemText);
  if (fieldErrors.length === 0) return false;
  // antd types field names per form; these come from the same form's field list.
  form.setFields(fieldErrors.map(({ name, errors }) => ({ name: name as never, errors })));
  return true;
}
