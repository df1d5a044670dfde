import { apiDownload, apiRequest, apiUpload, type DownloadedFile } from './client';
import type { OrgUnitKind } from './types';

export const PLAN_STATUSES = ['draft', 'submitted', 'approved', 'returned', 'published'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];
export const PLAN_FORMS = ['centralised', 'online', 'school_based', 'practice', 'degree'] as const;
export type PlanForm = (typeof PLAN_FORMS)[number];
export type PlanEvent = 'submitted' | 'approved' | 'returned' | 'published';
/** review: a school's plan, approved by the county; publish: the province's, a city's or a county's own */
export type PlanTrack = 'review' | 'publish' | 'none';

/** One line of the month calendar (月份行事表). */
export interface PlanItemInput {
  month: number;
  title: string;
  form: PlanForm | null;
  responsibleUnitId: number | null;
  responsible: string | null;
  projectId: number | null;
  notes: string | null;
}

export interface PlanItem extends PlanItemInput {
  responsibleUnitName: string | null;
  projectTitle: string | null;
}

export interface PlanSummary {
  id: number;
  orgUnitId: number;
  orgUnitName: string;
  orgUnitKind: OrgUnitKind;
  year: number;
  title: string;
  summary: string | null;
  status: PlanStatus;
  version: number;
  reviewComment: string | null;
  reviewedByName: string | null;
  reviewedAt: string | null;
  submittedAt: string | null;
  updatedAt: string;
}

export interface Plan extends PlanSummary {
  items: PlanItem[];
  track: PlanTrack;
  /** false: the reader sees the last approved or published version */
  workingCopy: boolean;
  finalVersion: number | null;
  canManage: boolean;
  canReview: boolean;
}

export interface UnitRef {
  id: number;
  name: string;
  kind: OrgUnitKind;
}

export interface PlanOfUnit {
  unit: UnitRef;
  year: number;
  plan: Plan | null;
  track: PlanTrack;
  canManage: boolean;
  choices: { units: UnitRef[]; projects: Array<{ id: number; title: string; orgUnitName: string; year: number }> } | null;
}

export interface PlanVersion {
  id: number;
  planId: number;
  version: number;
  event: PlanEvent;
  comment: string | null;
  actorName: string | null;
  createdAt: string;
}

export interface CalendarItem extends PlanItem {
  planId: number;
  unitId: number;
  unitName: string;
  unitKind: OrgUnitKind;
}

export interface PlanCalendar {
  unit: UnitRef;
  year: number;
  plans: Array<{ planId: number; unitId: number; unitName: string; unitKind: OrgUnitKind; title: string; status: PlanStatus; version: number; workingCopy: boolean }>;
  items: CalendarItem[];
}

export interface ReviewQueue {
  submitted: PlanSummary[];
  schools: Array<{ unit: UnitRef; planId: number | null; status: PlanStatus | null; submittedAt: string | null; reviewedAt: string | null }>;
}

export interface PlanItemProblem {
  item: number;
  row?: number;
  field: string;
  code: string;
  value?: string;
}

/** Annual training plans (年度培训计划), the county's approval and the month calendar. */
export const plansApi = {
  ofUnit: (year: number, orgUnitId?: number) => apiRequest<PlanOfUnit>('/api/plans', { query: { year, orgUnitId } }),
  get: (id: number) => apiRequest<{ plan: Plan }>(`/api/plans/${id}`),
  save: (input: { year: number; title: string; summary: string | null; items: PlanItemInput[] }) => apiRequest<{ plan: Plan }>('/api/plans', { method: 'PUT', body: input }),
  submit: (id: number) => apiRequest<{ plan: Plan }>(`/api/plans/${id}/submit`, { method: 'POST' }),
  publish: (id: number) => apiRequest<{ plan: Plan }>(`/api/plans/${id}/publish`, { method: 'POST' }),
  reopen: (id: number) => apiRequest<{ plan: Plan }>(`/api/plans/${id}/reopen`, { method: 'POST' }),
  approve: (id: number, comment: string | null) => apiRequest<{ plan: Plan }>(`/api/plans/${id}/approve`, { method: 'POST', body: { comment } }),
  return: (id: number, comment: string) => apiRequest<{ plan: Plan }>(`/api/plans/${id}/return`, { method: 'POST', body: { comment } }),
  versions: (id: number) => apiRequest<{ items: PlanVersion[] }>(`/api/plans/${id}/versions`),
  version: (versionId: number) => apiRequest<{ version: PlanVersion & { content: { title: string; summary: string | null; items: PlanItem[] } } }>(`/api/plans/versions/${versionId}`),
  reviewQueue: (year: number) => apiRequest<ReviewQueue>('/api/plans/review-queue', { query: { year } }),
  calendar: (year: number, orgUnitId?: number) => apiRequest<PlanCalendar>('/api/plans/calendar', { query: { year, orgUnitId } }),
  exportSheet: (id: number): Promise<DownloadedFile> => apiDownload(`/api/plans/${id}/export.xlsx`),
  readSheet: (year: number, file: File) => apiUpload<{ items: PlanItem[]; problems: PlanItemProblem[] }>(`/api/plans/sheet?year=${year}`, file),
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
