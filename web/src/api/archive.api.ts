import { apiDownload, apiRequest, type DownloadedFile } from './client';
import type { ApiBody, ApiResponse } from './schema.gen';

export type ArchiveDocument = ApiResponse<'/api/archive/me', 'get'>;
export type ArchiveSection = ArchiveDocument['sections'][number];
export type DevelopmentPlan = ApiResponse<'/api/development-plans/{id}', 'get'>;
export type DevelopmentPlanRow = ApiResponse<'/api/development-plans', 'get'>['items'][number];
export type DevelopmentPlanStatus = DevelopmentPlan['status'];
export type DevelopmentPlanInput = ApiBody<'/api/development-plans', 'post'>;
export type DevelopmentPlanYearInput = DevelopmentPlanInput['years'][number];

/** 培训档案 (a teacher's whole training record) and 个人专业发展规划. */
export const archiveApi = {
  mine: () => apiRequest<ArchiveDocument>('/api/archive/me'),
  ofTeacher: (teacherId: number) => apiRequest<ArchiveDocument>(`/api/archive/teachers/${teacherId}`),
  minePdf: (): Promise<DownloadedFile> => apiDownload('/api/archive/me/archive.pdf'),
  file: (teacherId: number, format: 'pdf' | 'xlsx'): Promise<DownloadedFile> =>
    apiDownload(`/api/archive/teachers/${teacherId}/archive.${format}`),
};

export const developmentPlansApi = {
  mine: () => apiRequest<{ items: DevelopmentPlan[] }>('/api/development-plans/mine'),
  get: (id: number) => apiRequest<DevelopmentPlan>(`/api/development-plans/${id}`),
  list: (q: { orgUnitId?: number; status?: DevelopmentPlanStatus; page: number; pageSize: number }) =>
    apiRequest<{ items: DevelopmentPlanRow[]; total: number }>('/api/development-plans', { query: q }),
  create: (input: DevelopmentPlanInput) =>
    apiRequest<DevelopmentPlan>('/api/development-plans', { method: 'POST', body: input }),
  save: (id: number, input: Omit<DevelopmentPlanInput, 'startYear'>) =>
    apiRequest<DevelopmentPlan>(`/api/development-plans/${id}`, { method: 'PUT', body: input }),
  submit: (id: number) => apiRequest<DevelopmentPlan>(`/api/development-plans/${id}/submit`, { method: 'POST' }),
  review: (id: number, decision: 'approve' | 'return', comment: string | null) =>
    apiRequest<DevelopmentPlan>(`/api/development-plans/${id}/review`, {
      method: 'POST',
      body: { decision, comment },
    }),
  selfReview: (id: number, year: number, text: string) =>
    apiRequest<DevelopmentPlan>(`/api/development-plans/${id}/self-review`, { method: 'PUT', body: { year, text } }),
};

export const archiveKeys = {
  all: ['archive'] as const,
  mine: ['archive', 'mine'] as const,
  teacher: (id: number) => ['archive', 'teacher', id] as const,
  myPlans: ['development-plans', 'mine'] as const,
  plan: (id: number) => ['development-plans', id] as const,
  plans: (q: object) => ['development-plans', 'list', q] as const,
};
