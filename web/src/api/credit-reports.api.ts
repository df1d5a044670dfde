import { apiDownload, apiRequest } from './client';
import type { ApiQuery } from './schema.gen';
import type { CreditRollup, ReportThisYear, TeacherStatusRow } from './types';

export type RollupQuery = ApiQuery<'/api/reports/credits', 'get'>;

export type TeacherStatusQuery = ApiQuery<'/api/reports/credits/teachers', 'get'>;

/** Unit reports: completion and verification by child unit, teachers by status, exports. */
export const creditReportsApi = {
  rollup: (query: RollupQuery) => apiRequest<CreditRollup>('/api/reports/credits', { query: { ...query } }),
  teachers: (query: TeacherStatusQuery) =>
    apiRequest<{
      total: number;
      items: TeacherStatusRow[];
      freshness: CreditRollup['freshness'];
      thisYear: ReportThisYear;
    }>('/api/reports/credits/teachers', { query: { ...query } }),
  exportRollup: (query: RollupQuery) => apiDownload('/api/reports/credits/export', { query: { ...query } }),
  exportTeachers: (query: Omit<TeacherStatusQuery, 'page' | 'pageSize'>) =>
    apiDownload('/api/reports/credits/teachers/export', { query: { ...query } }),
};
