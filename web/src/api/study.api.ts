import { apiRequest } from './client';
import type { ApiResponse } from './schema.gen';

export type MyOnlineClass = ApiResponse<'/api/me/study', 'get'>['items'][number];
export type StudyOutline = ApiResponse<'/api/study/classes/{classId}/outline', 'get'>;
export type OutlineItem = StudyOutline['chapters'][number]['items'][number];

export const studyKeys = {
  all: ['study'] as const,
  mine: ['study', 'mine'] as const,
  outline: (classId: number) => ['study', 'outline', classId] as const,
};

/** Online study, the teacher's side (在线学习): the own online classes and a class's outline. */
export const studyApi = {
  mine: () => apiRequest<{ items: MyOnlineClass[] }>('/api/me/study'),
  outline: (classId: number) => apiRequest<StudyOutline>(`/api/study/classes/${classId}/outline`),
};

/** The page of one item of an online class (the study player). */
export const studyItemPath = (classId: number, itemId: number) => `/me/study/${classId}/items/${itemId}`;
