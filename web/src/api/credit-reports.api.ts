import { apiDownload, apiRequest } from './client';
import type { CreditRollup, ProgressStatus, TeacherStatusRow } from './types';

export interface RollupQuery {
  orgUnitId: number;
  cycleId?: number;
  year?: number;
}

export interface TeacherStatusQuery {
  orgUnitId: number;
  cycleId?: number;
  status?: readonly ProgressStatus[];
  page?: number;
  pageSize?: number;
}

/** Unit reports: completion and verification by child unit, teachers by status, exports. */
export const creditReportsApi = {
  rollup: (query: RollupQuery) => apiRequest<CreditRollup>('/api/reports/credits', { query: { ...query } }),
  teachers: (query: TeacherStatusQuery) =>
    apiRequest<{ total: number; items: TeacherStatusRow[] }>('/api/reports/credits/teachers', { query: { ...query } }),
  exportRollup: (query: RollupQuery) => apiDownload('/api/reports/credits/export', { query: { ...query } }),
  exportTeachers: (query: Omit<TeacherStatusQuery, 'page' | 'pageSize'>) =>
    apiDownload('/api/reports/credits/teachers/export', { query: { ...query } }),
};
