import { apiDownload, apiRequest } from './client';
import type { ApiBody, ApiResponse } from './schema.gen';

export type StudyStart = ApiResponse<'/api/study/sessions', 'post'>;
export type ItemState = ApiResponse<'/api/study/classes/{classId}/items/{itemId}/state', 'get'>;
export type StudyReceipt = ApiResponse<'/api/study/sessions/{id}/receipt', 'get'>;
export type HeartbeatBody = ApiBody<'/api/study/sessions/{id}/heartbeats', 'post'>;
export type HeartbeatAck = ApiResponse<'/api/study/sessions/{id}/heartbeats', 'post'>;

export type ClassProgress = ApiResponse<'/api/study/classes/{classId}/progress', 'get'>;
export type ProgressRow = ClassProgress['rows'][number];
export type Shortfall = ProgressRow['shortfalls'][number];

export const studySessionKeys = {
  all: ['study-session'] as const,
  state: (classId: number, itemId: number) => ['study-session', 'state', classId, itemId] as const,
  receipt: (sessionId: number) => ['study-session', 'receipt', sessionId] as const,
  myProgress: (classId: number) => ['study-session', 'my-progress', classId] as const,
  progress: (classId: number) => ['study-session', 'progress', classId] as const,
};

/** Online study: a session at an item, its heartbeats and its receipt (the server decides the minutes). */
export const studySessionApi = {
  start: (classId: number, itemId: number) =>
    apiRequest<StudyStart>('/api/study/sessions', { method: 'POST', body: { classId, itemId } }),
  heartbeat: (sessionId: number, body: HeartbeatBody, keepalive = false) =>
    apiRequest<HeartbeatAck>(`/api/study/sessions/${sessionId}/heartbeats`, { method: 'POST', body, keepalive }),
  end: (sessionId: number, keepalive = false) =>
    apiRequest<StudyReceipt>(`/api/study/sessions/${sessionId}/end`, { method: 'POST', keepalive }),
  receipt: (sessionId: number) => apiRequest<StudyReceipt>(`/api/study/sessions/${sessionId}/receipt`),
  myProgress: (classId: number) => apiRequest<ClassProgress>(`/api/study/classes/${classId}/my-progress`),
  progress: (classId: number) => apiRequest<ClassProgress>(`/api/study/classes/${classId}/progress`),
  progressSheet: (classId: number) => apiDownload(`/api/study/classes/${classId}/progress.xlsx`),
  remind: (classId: number, teacherIds?: number[]) =>
    apiRequest<{ teachers: number; recipients: number }>(`/api/study/classes/${classId}/reminders`, {
      method: 'POST',
      body: teacherIds ? { teacherIds } : {},
    }),
  state: (classId: number, itemId: number) =>
    apiRequest<ItemState>(`/api/study/classes/${classId}/items/${itemId}/state`),
};
