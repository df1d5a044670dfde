import { useCallback } from 'react';
import { ApiError } from '../../api/client';
import { useErrorMessage } from '../../lib/error-message';

/** Codes whose server message names the particulars (the reasons, the quota, the class): shown as the server words them. */
const SERVER_WORDED = new Set(['ENROLMENT_NOT_ELIGIBLE', 'QUOTA_EXHAUSTED', 'ALREADY_ENROLLED', 'CAPACITY_BELOW_ENROLLED', 'QUOTA_INVALID', 'PROJECT_STATE']);

export function useTrainingError(): (err: unknown) => string {
  const errorMessage = useErrorMessage();
  return useCallback((err: unknown) => (err instanceof ApiError && SERVER_WORDED.has(err.code) ? err.message : errorMessage(err)), [errorMessage]);
}

/** Tenths of an hour as 学时 text: 150 → "15". */
export const hoursText = (tenths: number) => (tenths / 10).toFixed(tenths % 10 ? 1 : 0);
