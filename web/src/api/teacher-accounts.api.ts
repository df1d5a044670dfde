import { apiRequest } from './client';
import type { ApiResponse } from './schema.gen';
import type {
  ActivateInput,
  ActivationCode,
  CorrectionInput,
  CorrectionQuery,
  Items,
  MyTeacherRecord,
  TeacherCorrection,
} from './types';

/** Teacher accounts: activation codes, activation, the teacher's own record and correction requests. */
export const teacherAccountsApi = {
  /**
   * New one-time codes for the teachers of a unit (and below) without an account, or for the named
   * teachers. The answer is the only place the codes ever appear.
   */
  issueCodes: (orgUnitId: number, teacherIds?: number[], batch?: number) =>
    apiRequest<Items<ActivationCode> & { batch: ApiResponse<'/api/org-units/{id}/activation-codes', 'post'>['batch'] }>(
      `/api/org-units/${orgUnitId}/activation-codes`,
      { method: 'POST', body: teacherIds ? { teacherIds } : batch ? { batch } : {} },
    ),
  /** How the unit's teachers split into batches of slips (5,000 a batch), for the print chooser. */
  activationBatches: (orgUnitId: number) =>
    apiRequest<ApiResponse<'/api/org-units/{id}/activation-codes/batches', 'get'>>(
      `/api/org-units/${orgUnitId}/activation-codes/batches`,
    ),
  /** A new code for one teacher; an existing account must be activated again. */
  resetActivation: (teacherId: number) =>
    apiRequest<{ item: ActivationCode }>(`/api/teachers/${teacherId}/reset-activation`, { method: 'POST' }),
  /** Public, like logging in: no session and so no CSRF token. */
  activate: (input: ActivateInput) =>
    apiRequest<{ username: string }>('/api/auth/activate', { method: 'POST', body: input, expectUnauthorized: true }),
  me: () => apiRequest<MyTeacherRecord>('/api/me/teacher'),
  requestCorrection: (input: CorrectionInput) =>
    apiRequest<{ correction: TeacherCorrection }>('/api/me/teacher/corrections', { method: 'POST', body: input }),
  /** One page of a unit's correction requests, newest first, with the total. */
  listCorrections: (query: CorrectionQuery) =>
    apiRequest<ApiResponse<'/api/teacher-corrections', 'get'>>('/api/teacher-corrections', { query: { ...query } }),
  decideCorrection: (id: number, accept: boolean, note: string | null) =>
    apiRequest<{ correction: TeacherCorrection }>(`/api/teacher-corrections/${id}/decide`, {
      method: 'POST',
      body: note ? { accept, note } : { accept },
    }),
};
