import { apiDownload, apiRequest, apiUpload } from './client';
import type {
  CreateTeacherInput,
  FormerTeacher,
  FormerTeacherQuery,
  CappedPage,
  Items,
  Page,
  Teacher,
  TeacherDetail,
  TeacherImportReport,
  TeacherQuery,
  TeacherTrainingRecord,
  TransferTeacherInput,
  UnmaskedIdentifiers,
  UpdateTeacherInput,
} from './types';

export const teachersApi = {
  /** Sent as a POST: a searched ID number or phone stays out of URLs and access logs. */
  list: (query: TeacherQuery) =>
    apiRequest<CappedPage<Teacher>>('/api/teachers/search', {
      method: 'POST',
      body: Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined && v !== '')),
    }),
  former: (query: FormerTeacherQuery) =>
    apiRequest<Page<FormerTeacher>>('/api/teachers/former', { query: { ...query } }),
  /** The filtered list as .xlsx; `full` (identifiers in full) only for the roles allowed to. */
  exportXlsx: (query: Omit<TeacherQuery, 'page' | 'pageSize'>, full: boolean) =>
    apiDownload('/api/teachers/export', { query: { ...query, full: full ? 1 : 0 } }),
  get: (id: number) => apiRequest<TeacherDetail>(`/api/teachers/${id}`),
  /** The teacher's training record: every class enrolled in, with the outcome and attendance. */
  training: (id: number) => apiRequest<Items<TeacherTrainingRecord>>(`/api/teachers/${id}/training`),
  create: (input: CreateTeacherInput) =>
    apiRequest<{ teacher: Teacher }>('/api/teachers', { method: 'POST', body: input }),
  update: (id: number, input: UpdateTeacherInput) =>
    apiRequest<{ teacher: Teacher }>(`/api/teachers/${id}`, { method: 'PATCH', body: input }),
  /** The ID number and phone in full; the server records every call. */
  unmask: (id: number) => apiRequest<UnmaskedIdentifiers>(`/api/teachers/${id}/unmask`, { method: 'POST' }),
  transfer: (id: number, input: TransferTeacherInput) =>
    apiRequest<{ teacher: Teacher }>(`/api/teachers/${id}/transfer`, { method: 'POST', body: input }),
};

export const teacherImportsApi = {
  downloadTemplate: (orgUnitId: number) => apiDownload(`/api/org-units/${orgUnitId}/teacher-import-template`),
  /** Uploads a roster to be checked; nothing is imported until {@link teacherImportsApi.commit}. */
  upload: (
    orgUnitId: number,
    file: Blob,
    options: { onProgress?: (percent: number) => void; signal?: AbortSignal } = {},
  ) => apiUpload<TeacherImportReport>(`/api/org-units/${orgUnitId}/teacher-imports`, file, options),
  get: (id: number) => apiRequest<TeacherImportReport>(`/api/teacher-imports/${id}`),
  commit: (id: number, confirmTransfers: boolean) =>
    apiRequest<TeacherImportReport>(`/api/teacher-imports/${id}/commit`, {
      method: 'POST',
      body: { confirmTransfers },
    }),
  discard: (id: number) => apiRequest<void>(`/api/teacher-imports/${id}/discard`, { method: 'POST' }),
};
