import { apiDownload, apiRequest, apiUpload, type DownloadedFile, type UploadOptions } from './client';
import type { ApiBody, ApiQuery, ApiResponse } from './schema.gen';
import type { Stage } from './types';

export const COURSE_CATEGORIES = ['required', 'research', 'elective'] as const;
export type CourseCategory = (typeof COURSE_CATEGORIES)[number];
export const COURSE_FORMS = ['centralised', 'online', 'school_based', 'practice'] as const;
export type CourseForm = (typeof COURSE_FORMS)[number];
export const COURSE_ORIGINS = ['above', 'own', 'below'] as const;
export type CourseOrigin = (typeof COURSE_ORIGINS)[number];
export const COURSE_STATUSES = ['active', 'archived', 'all'] as const;
export type CourseStatus = (typeof COURSE_STATUSES)[number];

export type CourseMaterial = Course['materials'][number];

/** A course as GET /api/courses answers it; hours in tenths of an hour. */
type CourseOut = ApiResponse<'/api/courses', 'get'>['items'][number];
/** The server's schema gives the stages as text; they are stage codes. */
export type Course = Omit<CourseOut, 'stages'> & { stages: Stage[] };

export type CourseQuery = ApiQuery<'/api/courses', 'get'>;

export type CourseList = Omit<ApiResponse<'/api/courses', 'get'>, 'items'> & { items: Course[] };

export type CourseInput = Omit<ApiBody<'/api/courses', 'post'>, 'orgUnitId'>;

export type CourseImportResult = ApiResponse<'/api/courses/import', 'post'>;

/** The columns of a course sheet, in order (course.service.ts COURSE_COLUMNS). */
export const COURSE_SHEET_COLUMNS = [
  'unit',
  'title',
  'category',
  'module',
  'form',
  'hours',
  'creditCategories',
  'stages',
  'subjects',
  'description',
  'materials',
] as const;
export type CourseSheetColumn = (typeof COURSE_SHEET_COLUMNS)[number];
/** What can be wrong with a row of a course sheet (course.service.ts CourseSheetProblem). */
export const COURSE_SHEET_PROBLEM_CODES = [
  'required',
  'too_long',
  'bad_chars',
  'unknown_category',
  'unknown_form',
  'bad_hours',
  'unknown_credit_category',
  'unknown_stage',
  'too_many',
  'bad_link',
  'unit_unknown',
  'unit_ambiguous',
  'unit_not_manageable',
  'duplicate_in_file',
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
  create: (orgUnitId: number, input: CourseInput) =>
    apiRequest<{ course: Course }>('/api/courses', { method: 'POST', body: { ...input, orgUnitId } }),
  update: (id: number, input: Partial<CourseInput>) =>
    apiRequest<{ course: Course }>(`/api/courses/${id}`, { method: 'PATCH', body: input }),
  archive: (id: number) => apiRequest<{ course: Course }>(`/api/courses/${id}/archive`, { method: 'POST' }),
  unarchive: (id: number) => apiRequest<{ course: Course }>(`/api/courses/${id}/unarchive`, { method: 'POST' }),
  downloadTemplate: (orgUnitId: number): Promise<DownloadedFile> =>
    apiDownload('/api/courses/template', { query: { orgUnitId } }),
  exportSheet: (query: Omit<CourseQuery, 'page' | 'pageSize'>): Promise<DownloadedFile> =>
    apiDownload('/api/courses/export', { query: { ...query } }),
  importSheet: (orgUnitId: number, file: File, options: UploadOptions = {}) =>
    apiUpload<CourseImportResult>(`/api/courses/import?orgUnitId=${orgUnitId}`, file, options),
  materialUrl: (courseId: number, evidenceId: number) => `/api/courses/${courseId}/materials/${evidenceId}`,
};
