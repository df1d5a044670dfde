import { apiDownload, apiRequest, apiUpload, type DownloadedFile } from './client';
import type { ApiBody, ApiResponse } from './schema.gen';
import type { OrgUnitKind } from './types';

export const PLAN_STATUSES = ['draft', 'submitted', 'approved', 'returned', 'published'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];
export const PLAN_FORMS = ['centralised', 'online', 'school_based', 'practice', 'degree'] as const;
export type PlanForm = (typeof PLAN_FORMS)[number];
export type PlanEvent = 'submitted' | 'approved' | 'returned' | 'published';
/** review: a school's plan, approved by the county; publish: the province's, a city's or a county's own */
export type PlanTrack = 'review' | 'publish' | 'none';

/** One line of the month calendar (月份行事表). */
export type PlanItemInput = ApiBody<'/api/plans', 'put'>['items'][number];

export type PlanItem = Plan['items'][number];

export type PlanSummary = ReviewQueue['submitted'][number];

export type Plan = ApiResponse<'/api/plans/{id}', 'get'>['plan'];

export type UnitRef = PlanOfUnit['unit'];

export type PlanOfUnit = ApiResponse<'/api/plans', 'get'>;

export type PlanVersion = ApiResponse<'/api/plans/{id}/versions', 'get'>['items'][number];

type CalendarOut = ApiResponse<'/api/plans/calendar', 'get'>;
/** The server's schema gives the unit kinds as text; they are org unit kinds. */
export type CalendarItem = Omit<CalendarOut['items'][number], 'unitKind'> & { unitKind: OrgUnitKind };

export type PlanCalendar = Omit<CalendarOut, 'items' | 'plans'> & {
  items: CalendarItem[];
  plans: Array<Omit<CalendarOut['plans'][number], 'unitKind'> & { unitKind: OrgUnitKind }>;
};

export type ReviewQueue = ApiResponse<'/api/plans/review-queue', 'get'>;

export type PlanItemProblem = ApiResponse<'/api/plans/sheet', 'post'>['problems'][number];

/** Annual training plans (年度培训计划), the county's approval and the month calendar. */
export const plansApi = {
  ofUnit: (year: number, orgUnitId?: number) => apiRequest<PlanOfUnit>('/api/plans', { query: { year, orgUnitId } }),
  get: (id: number) => apiRequest<{ plan: Plan }>(`/api/plans/${id}`),
  save: (input: { year: number; title: string; summary: string | null; items: PlanItemInput[] }) =>
    apiRequest<{ plan: Plan }>('/api/plans', { method: 'PUT', body: input }),
  submit: (id: number) => apiRequest<{ plan: Plan }>(`/api/plans/${id}/submit`, { method: 'POST' }),
  publish: (id: number) => apiRequest<{ plan: Plan }>(`/api/plans/${id}/publish`, { method: 'POST' }),
  reopen: (id: number) => apiRequest<{ plan: Plan }>(`/api/plans/${id}/reopen`, { method: 'POST' }),
  approve: (id: number, comment: string | null) =>
    apiRequest<{ plan: Plan }>(`/api/plans/${id}/approve`, { method: 'POST', body: { comment } }),
  return: (id: number, comment: string) =>
    apiRequest<{ plan: Plan }>(`/api/plans/${id}/return`, { method: 'POST', body: { comment } }),
  versions: (id: number) => apiRequest<{ items: PlanVersion[] }>(`/api/plans/${id}/versions`),
  version: (versionId: number) =>
    apiRequest<{ version: PlanVersion & { content: { title: string; summary: string | null; items: PlanItem[] } } }>(
      `/api/plans/versions/${versionId}`,
    ),
  reviewQueue: (year: number) => apiRequest<ReviewQueue>('/api/plans/review-queue', { query: { year } }),
  calendar: (year: number, orgUnitId?: number) =>
    apiRequest<PlanCalendar>('/api/plans/calendar', { query: { year, orgUnitId } }),
  exportSheet: (id: number): Promise<DownloadedFile> => apiDownload(`/api/plans/${id}/export.xlsx`),
  readSheet: (year: number, file: File) =>
    apiUpload<{ items: PlanItem[]; problems: PlanItemProblem[] }>(`/api/plans/sheet?year=${year}`, file),
};

/** Query keys of this module. */
export const planKeys = {
  all: ['plans'] as const,
  ofUnit: (year: number, orgUnitId?: number) => ['plans', 'unit', year, orgUnitId ?? null] as const,
  plan: (id: number) => ['plans', 'detail', id] as const,
  versions: (id: number) => ['plans', 'versions', id] as const,
  version: (id: number) => ['plans', 'version', id] as const,
  queue: (year: number) => ['plans', 'queue', year] as const,
  calendar: (year: number, orgUnitId?: number) => ['plans', 'calendar', year, orgUnitId ?? null] as const,
};
