import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import type { ValidationIssue } from '../api/types';

function isIssue(value: unknown): value is ValidationIssue {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { path?: unknown }).path === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/** `details.issues` of a VALIDATION_FAILED error, or nothing. */
export function validationIssues(err: unknown): ValidationIssue[] {
  if (!(err instanceof ApiError) || err.code !== 'VALIDATION_FAILED') return [];
  const issues = err.details?.['issues'];
  return Array.isArray(issues) ? issues.filter(isIssue) : [];
}

/**
 * Codes whose server message names the particulars (a year, a limit, a cycle, the reasons, the
 * quota, the status) that the code alone does not: the server's wording, already in the UI
 * language, says more.
 */
const SPECIFIC_SERVER_WORDING = new Set([
  'CYCLE_NOT_FOUND_FOR_YEAR',
  'ENTRY_ABOVE_LIMIT',
  'CYCLE_OVERLAP',
  'YEAR_LOCKED',
  'IDENTIFIER_LOOKUP_LIMIT',
  // training
  'ENROLMENT_NOT_ELIGIBLE',
  'QUOTA_EXHAUSTED',
  'ALREADY_ENROLLED',
  'CAPACITY_BELOW_ENROLLED',
  'QUOTA_INVALID',
  'PROJECT_STATE',
  // plans
  'PLAN_STATE',
  // fees
  'FEE_ITEM_ARCHIVED',
  'FEE_ITEM_HAS_PAYMENTS',
  'FEE_PAID_BELOW_ZERO',
  'FEE_UNIT_NOT_PAYING',
  // surveys
  'SURVEY_NOT_OPEN',
  'SURVEY_ALREADY_ANSWERED',
  // online study
  'STUDY_FILE_TOO_LARGE',
  'STUDY_NOT_OPEN',
  // reflections
  'REFLECTION_NOT_OPEN',
  'REFLECTION_LIMIT',
  // homework and forums
  'HOMEWORK_SCHEME_INVALID',
  'HOMEWORK_MARK_INVALID',
  'FORUM_MODERATOR_INVALID',
  // learning records from other platforms
  'LRS_CLIENT_INVALID',
]);

/**
 * Turns any error into a sentence for the user: the UI's own translation of the
 * code when there is one, otherwise the (already localized) server message.
 */
export function useErrorMessage(): (err: unknown) => string {
  const { t, i18n } = useTranslation();
  return useCallback(
    (err: unknown) => {
      if (err instanceof ApiError) {
        if (SPECIFIC_SERVER_WORDING.has(err.code) && err.message && err.message !== err.code) return err.message;
        const key = `errors.${err.code}`;
        if (i18n.exists(key)) return t(key);
        if (err.message) return err.message;
      }
      return t('errors.UNKNOWN');
    },
    [t, i18n],
  );
}
