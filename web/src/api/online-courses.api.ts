import { apiRequest, apiUpload, type UploadOptions } from './client';
import type { ApiBody, ApiResponse } from './schema.gen';

/** A course's study rule and online completion rule (GET /api/courses/:id/online). */
export type CourseOnlineSettings = ApiBody<'/api/courses/{id}/online', 'put'>;
export type CourseOnlineAnswer = ApiResponse<'/api/courses/{id}/online', 'get'>;
export type CourseContent = ApiResponse<'/api/courses/{id}/content', 'get'>;
export type ContentChapter = CourseContent['chapters'][number];
export type ContentItem = ContentChapter['items'][number];
export type StudyFile = CourseContent['files'][number];
export type ItemKind = ContentItem['kind'];
export type NewItem = ApiBody<'/api/courses/{id}/items', 'post'>;
export type ItemPatch = ApiBody<'/api/courses/{id}/items/{itemId}', 'patch'>;
export type ContentOrder = ApiBody<'/api/courses/{id}/content/order', 'put'>['chapters'];

export const ITEM_KINDS: readonly ItemKind[] = ['video', 'document', 'text'];

/** Query keys of a course's online content. */
export const onlineCourseKeys = {
  all: ['online-courses'] as const,
  settings: (courseId: number) => ['online-courses', 'settings', courseId] as const,
  content: (courseId: number) => ['online-courses', 'content', courseId] as const,
};

/** A course's online content (在线内容): rules, chapters, items and files, kept by whoever keeps the course. */
export const onlineCoursesApi = {
  settings: (courseId: number) => apiRequest<CourseOnlineAnswer>(`/api/courses/${courseId}/online`),
  saveSettings: (courseId: number, s: CourseOnlineSettings) =>
    apiRequest<CourseOnlineSettings>(`/api/courses/${courseId}/online`, { method: 'PUT', body: s }),
  content: (courseId: number) => apiRequest<CourseContent>(`/api/courses/${courseId}/content`),
  order: (courseId: number, chapters: ContentOrder) =>
    apiRequest<CourseContent>(`/api/courses/${courseId}/content/order`, { method: 'PUT', body: { chapters } }),
  createChapter: (courseId: number, title: string) =>
    apiRequest<ContentChapter>(`/api/courses/${courseId}/chapters`, { method: 'POST', body: { title } }),
  renameChapter: (courseId: number, chapterId: number, title: string) =>
    apiRequest<unknown>(`/api/courses/${courseId}/chapters/${chapterId}`, { method: 'PATCH', body: { title } }),
  deleteChapter: (courseId: number, chapterId: number) =>
    apiRequest<void>(`/api/courses/${courseId}/chapters/${chapterId}`, { method: 'DELETE' }),
  createItem: (courseId: number, item: NewItem) =>
    apiRequest<ContentItem>(`/api/courses/${courseId}/items`, { method: 'POST', body: item }),
  updateItem: (courseId: number, itemId: number, patch: ItemPatch) =>
    apiRequest<ContentItem>(`/api/courses/${courseId}/items/${itemId}`, { method: 'PATCH', body: patch }),
  archiveItem: (courseId: number, itemId: number) =>
    apiRequest<ContentItem>(`/api/courses/${courseId}/items/${itemId}/archive`, { method: 'POST' }),
  upload: (courseId: number, file: File, options: UploadOptions = {}) =>
    apiUpload<{ file: StudyFile }>(`/api/courses/${courseId}/files`, file, options),
  /** Where a course file streams from (a <video> or a new tab asks for it with the session cookie). */
  fileUrl: (fileId: number) => `/api/study-files/${fileId}`,
};
