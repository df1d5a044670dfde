import { apiDownload, apiRequest } from './client';
import type { ApiQuery, ApiResponse } from './schema.gen';

export type ExamStats = ApiResponse<'/api/exams/{id}/stats', 'get'>;
export type ExamStatsLine = ExamStats['units'][number];
export type ExamQuestionLine = ExamStats['questions'][number];
export type ExamStatsQuery = ApiQuery<'/api/exams/{id}/stats', 'get'>;
export type ExamResults = ApiResponse<'/api/exams/{id}/results', 'get'>;
export type ExamResultRow = ExamResults['items'][number];
export type ExamResultsQuery = ApiQuery<'/api/exams/{id}/results', 'get'>;
export type ExamLevel = NonNullable<ExamResultRow['level']>;
export const EXAM_LEVELS: readonly ExamLevel[] = ['excellent', 'good', 'pass', 'basic', 'fail'];

/** An exam's results and statistics (成绩与统计). */
export const examStatsApi = {
  stats: (examId: number, query: ExamStatsQuery) =>
    apiRequest<ExamStats>(`/api/exams/${examId}/stats`, { query: { ...query } }),
  exportStats: (examId: number, query: ExamStatsQuery) =>
    apiDownload(`/api/exams/${examId}/stats.xlsx`, { query: { ...query } }),
  results: (examId: number, query: ExamResultsQuery) =>
    apiRequest<ExamResults>(`/api/exams/${examId}/results`, { query: { ...query } }),
  exportResults: (examId: number, query: Omit<ExamResultsQuery, 'page' | 'pageSize'>) =>
    apiDownload(`/api/exams/${examId}/results.xlsx`, { query: { ...query } }),
};

export const examStatsKeys = {
  all: ['exam-stats'] as const,
  stats: (examId: number, q: ExamStatsQuery) => ['exam-stats', examId, 'stats', q] as const,
  results: (examId: number, q: ExamResultsQuery) => ['exam-stats', examId, 'results', q] as const,
};
