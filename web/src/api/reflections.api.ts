import { apiDownload, apiRequest } from './client';
import type { ApiBody, ApiQuery, ApiResponse } from './schema.gen';

/** The teacher's online classes with their progress in reflections. */
export type MyReflectionClass = ApiResponse<'/api/study/reflections', 'get'>['items'][number];
/** The teacher's page of a class: its rule and prompts, their reflections, how many count. */
export type MyReflections = ApiResponse<'/api/study/classes/{id}/reflections', 'get'>;
export type MyReflection = MyReflections['items'][number];
export type ReflectionInput = ApiBody<'/api/study/classes/{id}/reflections', 'post'>;
export type ReflectionRule = MyReflections['rule'];
export type TextRange = MyReflection['matchedRanges'][number];
export type NotCountedReason = MyReflection['reasons'][number];

/** A class's reflections, for its tutors and the organiser's admins. */
export type ClassReflections = ApiResponse<'/api/classes/{id}/reflections', 'get'>;
export type ClassReflectionQuery = ApiQuery<'/api/classes/{id}/reflections', 'get'>;
export type ClassReflection = ClassReflections['items'][number];
export type ClassReflectionDetail = ApiResponse<'/api/classes/{id}/reflections/{reflectionId}', 'get'>;
export type ReflectionClusters = ApiResponse<'/api/classes/{id}/reflections/clusters', 'get'>;
export type CoursePrompts = ApiResponse<'/api/courses/{id}/reflection-prompts', 'get'>;

export const reflectionKeys = {
  all: ['reflections'] as const,
  myClasses: ['reflections', 'my-classes'] as const,
  mine: (classId: number) => ['reflections', 'mine', classId] as const,
  ofClass: (classId: number, q: ClassReflectionQuery) => ['reflections', 'class', classId, q] as const,
  one: (classId: number, id: number) => ['reflections', 'one', classId, id] as const,
  clusters: (classId: number) => ['reflections', 'clusters', classId] as const,
  prompts: (courseId: number) => ['reflections', 'prompts', courseId] as const,
};

/** Reflections (研修日志/心得, R-35) of online classes, checked for originality. */
export const reflectionsApi = {
  myClasses: () => apiRequest<{ items: MyReflectionClass[] }>('/api/study/reflections'),
  mine: (classId: number) => apiRequest<MyReflections>(`/api/study/classes/${classId}/reflections`),
  submit: (classId: number, body: ReflectionInput) =>
    apiRequest<MyReflection>(`/api/study/classes/${classId}/reflections`, { method: 'POST', body }),
  edit: (classId: number, id: number, body: ReflectionInput) =>
    apiRequest<MyReflection>(`/api/study/classes/${classId}/reflections/${id}`, { method: 'PUT', body }),
  withdraw: (classId: number, id: number) =>
    apiRequest<{ id: number; status: 'withdrawn' }>(`/api/study/classes/${classId}/reflections/${id}/withdraw`, {
      method: 'POST',
    }),
  ofClass: (classId: number, query: ClassReflectionQuery) =>
    apiRequest<ClassReflections>(`/api/classes/${classId}/reflections`, { query }),
  one: (classId: number, id: number) => apiRequest<ClassReflectionDetail>(`/api/classes/${classId}/reflections/${id}`),
  clusters: (classId: number) => apiRequest<ReflectionClusters>(`/api/classes/${classId}/reflections/clusters`),
  exportClass: (classId: number) => apiDownload(`/api/classes/${classId}/reflections.xlsx`),
  prompts: (courseId: number) => apiRequest<CoursePrompts>(`/api/courses/${courseId}/reflection-prompts`),
  setPrompts: (courseId: number, prompts: string[]) =>
    apiRequest<CoursePrompts>(`/api/courses/${courseId}/reflection-prompts`, { method: 'PUT', body: { prompts } }),
};
