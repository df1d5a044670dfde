import { apiRequest } from './client';
import type { ApiBody, ApiResponse } from './schema.gen';

export type StudyStart = ApiResponse<'/api/study/sessions', 'post'>;
export type ItemState = ApiResponse<'/api/study/classes/{classId}/items/{itemId}/state', 'get'>;
export type StudyReceipt = ApiResponse<'/api/study/sessions/{id}/receipt', 'get'>;
export type HeartbeatBody = ApiBody<'/api/study/sessions/{id}/heartbeats', 'post'>;
export type HeartbeatAck = ApiResponse<'/api/study/sessions/{id}/heartbeats', 'post'>;

export const studyKeys = {
  all: ['study'] as const,
  state: (classId: number, itemId: number) => ['study', 'state', classId, itemId] as const,
  receipt: (sessionId: number) => ['study', 'receipt', sessionId] as const,
};

/** Online study: a session at an item, its heartbeats and its receipt (the server decides the minutes). */
export const studyApi = {
  start: (classId: number, itemId: number) =>
    apiRequest<StudyStart>('/api/study/sessions', { method: 'POST', body: { classId, itemId } }),
  heartbeat: (sessionId: number, body: HeartbeatBody, keepalive = false) =>
    apiRequest<HeartbeatAck>(`/api/study/sessions/${sessionId}/heartbeats`, { method: 'POST', body, keepalive }),
  end: (sessionId: number, keepalive = false) =>
    apiRequest<StudyReceipt>(`/api/study/sessions/${sessionId}/end`, { method: 'POST', keepalive }),
  receipt: (sessionId: number) => apiRequest<StudyReceipt>(`/api/study/sessions/${sessionId}/receipt`),
  state: (classId: number, itemId: number) =>
    apiRequest<ItemState>(`/api/study/classes/${classId}/items/${itemId}/state`),
};
