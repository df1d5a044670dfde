import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { useErrorMessage } from '../../lib/error-message';
import { useCycles } from '../credits/use-cycles';

/** Codes whose server message names the particulars (the reasons, the quota, the class): shown as the server words them. */
const SERVER_WORDED = new Set(['ENROLMENT_NOT_ELIGIBLE', 'QUOTA_EXHAUSTED', 'ALREADY_ENROLLED', 'CAPACITY_BELOW_ENROLLED', 'QUOTA_INVALID', 'PROJECT_STATE']);

export function useTrainingError(): (err: unknown) => string {
  const errorMessage = useErrorMessage();
  return useCallback((err: unknown) => (err instanceof ApiError && SERVER_WORDED.has(err.code) ? err.message : errorMessage(err)), [errorMessage]);
}

/** Tenths of an hour as 学时 text: 150 → "15". */
export const hoursText = (tenths: number) => (tenths / 10).toFixed(tenths % 10 ? 1 : 0);

/**
 * The ledger categories of the cycle that holds `year`, as select options, and a code's name in
 * the UI language (a code the rules do not know shows as itself).
 */
export function useCreditCategories(year: number | undefined): { options: Array<{ value: string; label: string }>; nameOf: (code: string) => string } {
  const { i18n } = useTranslation();
  const { cycles } = useCycles();
  const cycle = year === undefined ? undefined : cycles.find((c) => c.startYear <= year && year <= c.endYear);
  const categories = cycle?.rules.categories ?? [];
  const label = (c: (typeof categories)[number]) => (i18n.language === 'en' && c.nameEn ? c.nameEn : c.name);
  return {
    options: categories.map((c) => ({ value: c.code, label: label(c) })),
    nameOf: (code) => {
      const c = categories.find((x) => x.code === code);
      return c ? label(c) : code;
    },
  };
}
