import { apiDownload, apiRequest, apiUpload, type DownloadedFile, type UploadOptions } from './client';
import type { Stage } from './types';

export const COURSE_CATEGORIES = ['required', 'research', 'elective'] as const;
export type CourseCategory = (typeof COURSE_CATEGORIES)[number];
export const COURSE_FORMS = ['centralised', 'online', 'school_based', 'practice'] as const;
export type CourseForm = (typeof COURSE_FORMS)[number];
export const COURSE_ORIGINS = ['above', 'own', 'below'] as const;
export type CourseOrigin = (typeof COURSE_ORIGINS)[number];
export const COURSE_STATUSES = ['active', 'archived', 'all'] as const;
export type CourseStatus = (typeof COURSE_STATUSES)[number];

export type CourseMaterial = { kind: 'link'; title: string; url: string } | { kind: 'file'; title: string; evidenceId: number };

/** A course as GET /api/courses answers it; hours in tenths of an hour. */
export interface Course {
  id: number;
  orgUnitId: number;
  orgUnitName: string;
  title: string;
  category: CourseCategory;
  module: string;
  form: CourseForm;
  hours: number;
  creditCategories: string[];
  stages: Stage[];
  subjects: string[];
  description: string | null;
  materials: CourseMaterial[];
  archived: boolean;
  /** the reader may edit and archive it */
  canManage: boolean;
  /** it comes from a unit above the reader */
  inherited: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface CourseQuery {
  orgUnitId?: number;
  q?: string;
  category?: CourseCategory;
  form?: CourseForm;
  module?: string;
  stage?: Stage;
  creditCategory?: string;
  origin?: CourseOrigin;
  status?: CourseStatus;
  page?: number;
  pageSize?: number;
}

export interface CourseList {
  items: Course[];
  total: number;
  canCreate: boolean;
  modules: string[];
  unit: { id: number; name: string; kind: string };
}

export interface CourseInput {
  title: string;
  category: CourseCategory;
  module: string;
  form: CourseForm;
  hours: number;
  creditCategories: string[];
  stages: Stage[];
  subjects: string[];
  description: string | null;
  materials: CourseMaterial[];
}

export interface CourseImportResult {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
}

/** The columns of a course sheet, in order (course.service.ts COURSE_COLUMNS). */
export const COURSE_SHEET_COLUMNS = ['unit', 'title', 'category', 'module', 'form', 'hours', 'creditCategories', 'stages', 'subjects', 'description', 'materials'] as const;
export type CourseSheetColumn = (typeof COURSE_SHEET_COLUMNS)[number];
/** What can be wrong with a row of a course sheet (course.service.ts CourseSheetProblem). */
export const COURSE_SHEET_PROBLEM_CODES = [
  'required', 'too_long', 'bad_chars', 'unknown_category', 'unknown_form', 'bad_hours', 'unknown_credit_category', 'unknown_stage', 'too_many', 'bad_link',
  'unit_unknown', 'unit_ambiguous', 'unit_not_manageable', 'duplicate_in_file',
] as const;
export interface CourseSheetProblem {
  row: number;
  /** the Chinese header of the column */
  column: string;
  code: string;
  value?: string;
}

export const courseKeys = {
  all: ['courses'] as const,
  list: (query: CourseQuery) => ['courses', 'list', query] as const,
};

export const coursesApi = {
  list: (query: CourseQuery) => apiRequest<CourseList>('/api/courses', { query: { ...query } }),
  get: (id: number) => apiRequest<{ course: Course }>(`/api/courses/${id}`),
  create: (orgUnitId: number, input: CourseInput) => apiRequest<{ course: Course }>('/api/courses', { method: 'POST', body: { ...input, orgUnitId } }),
  update: (id: number, input: Partial<CourseInput>) => apiRequest<{ course: Course }>(`/api/courses/${id}`, { method: 'PATCH', body: input }),
  archive: (id: number) => apiRequest<{ course: Course }>(`/api/courses/${id}/archive`, { method: 'POST' }),
  unarchive: (id: number) => apiRequest<{ course: Course }>(`/api/courses/${id}/unarchive`, { method: 'POST' }),
  downloadTemplate: (orgUnitId: number): Promise<DownloadedFile> => apiDownload('/api/courses/template', { query: { orgUnitId } }),
  exportSheet: (query: Omit<CourseQuery, 'page' | 'pageSize'>): Promise<DownloadedFile> => apiDownload('/api/courses/export', { query: { ...query } }),
  importSheet: (orgUnitId: number, file: File, options: UploadOptions = {}) =>
    apiUpload<CourseImportResult>(`/api/courses/import?orgUnitId=${orgUnitId}`, file, options),
  materialUrl: (courseId: number, evidenceId: number) => `/api/courses/${courseId}/materials/${evidenceId}`,
};
