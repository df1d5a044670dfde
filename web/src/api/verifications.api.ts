import { apiDownload, apiRequest } from './client';
import type { ApiQuery } from './schema.gen';
import type {
  Items,
  ReversalRequest,
  ReversalRequestStatus,
  SchoolYearList,
  Verification,
  VerificationDetail,
} from './types';

export type VerificationQuery = ApiQuery<'/api/verifications', 'get'>;
export type SchoolYearQuery = ApiQuery<'/api/verifications/schools', 'get'>;

/** Annual verification (年度验证, R-16) and changes to signed-off years. */
export const verificationsApi = {
  list: (query: VerificationQuery) => apiRequest<Items<Verification>>('/api/verifications', { query: { ...query } }),
  /** Every school of a unit with its year, those not started included, and the count of each status. */
  schools: (query: SchoolYearQuery) =>
    apiRequest<SchoolYearList>('/api/verifications/schools', { query: { ...query } }),
  /** The same list as an .xlsx sheet (every matching school). */
  exportSchools: (query: Omit<SchoolYearQuery, 'page' | 'pageSize'>) =>
    apiDownload('/api/verifications/schools/export', { query: { ...query } }),
  /** Opens a school's year, or recomputes an open or returned one. */
  open: (input: { orgUnitId: number; cycleId: number; year: number }) =>
    apiRequest<{ verification: Verification }>('/api/verifications', { method: 'POST', body: input }),
  get: (id: number) => apiRequest<VerificationDetail>(`/api/verifications/${id}`),
  /** Marks (exception set) or clears (null) the school's exception for one teacher. */
  mark: (id: number, teacherId: number, exception: 'exempt' | 'failed' | null, reason: string | null) =>
    apiRequest<void>(`/api/verifications/${id}/items/${teacherId}`, {
      method: 'PUT',
      body: reason ? { exception, reason } : { exception },
    }),
  submit: (id: number) =>
    apiRequest<{ verification: Verification }>(`/api/verifications/${id}/submit`, { method: 'POST' }),
  decide: (id: number, decision: 'sign_off' | 'return', note: string | null) =>
    apiRequest<{ verification: Verification }>(`/api/verifications/${id}/decision`, {
      method: 'POST',
      body: note ? { decision, note } : { decision },
    }),
  reversalRequests: (query: { orgUnitId?: number; status?: ReversalRequestStatus }) =>
    apiRequest<Items<ReversalRequest>>('/api/reversal-requests', { query: { ...query } }),
  decideReversal: (id: number, approve: boolean, note: string | null) =>
    apiRequest<{ reversalId: number | null }>(`/api/reversal-requests/${id}/decision`, {
      method: 'POST',
      body: note ? { approve, note } : { approve },
    }),
};
