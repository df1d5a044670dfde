import type { FormInstance } from 'antd';
import { ApiError } from '../api/client';
import { validationIssues } from './error-message';

export interface FieldError {
  name: string;
  errors: string[];
}

/**
 * Which form fields a server error concerns: VALIDATION_FAILED issues by path,
 * plus codes that belong to one field (`codeFields`, e.g. USERNAME_TAKEN → username).
 */
export function fieldErrorsFrom(
  err: unknown,
  fields: readonly string[],
  codeFields: Record<string, string> = {},
  message?: string,
): FieldError[] {
  if (!(err instanceof ApiError)) return [];
  const known = new Set(fields);
  const byField = new Map<string, string[]>();
  for (const issue of validationIssues(err)) {
    const field = issue.path.split(/[./[\]]+/).find((segment) => known.has(segment));
    if (!field) continue;
    byField.set(field, [...(byField.get(field) ?? []), issue.message]);
  }
  const codeField = codeFields[err.code];
  if (codeField && known.has(codeField)) {
    byField.set(codeField, [...(byField.get(codeField) ?? []), message ?? err.message]);
  }
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
): boolean {
  const fieldErrors = fieldErrorsFrom(err, fields, codeFields, message);
  if (fieldErrors.length === 0) return false;
  // antd types field names per form; these come from the same form's field list.
  form.setFields(fieldErrors.map(({ name, errors }) => ({ name: name as never, errors })));
  return true;
}
