import { apiRequest } from './client';
import type { ApiResponse } from './schema.gen';

/** Which code a screen shows: check-in (签到) or check-out (签退). */
export type AttendanceCodeKind = 'in' | 'out';

export type AttendanceSession = ApiResponse<'/api/attendance/my-sessions', 'get'>['items'][number];

export type CheckinCode = ApiResponse<'/api/sessions/{id}/checkin-code', 'get'>;

export type ScanResult = ApiResponse<'/api/attendance/scan', 'post'>;

export type AttendanceLine = ApiResponse<'/api/sessions/{id}/attendance', 'get'>['items'][number];

export type NotCompletedReason = CloseResult['teachersNotCompleted'][number]['reasons'][number];

export type CloseResult = ApiResponse<'/api/classes/{id}/close', 'post'>;

/** What closing a class would do now: who completes, who does not and why, and whether its last session has ended. */
export type ClosePreview = ApiResponse<'/api/classes/{id}/close-preview', 'get'>;

export const attendanceQueryKeys = {
  code: (sessionId: number, kind: AttendanceCodeKind) => ['attendance', 'code', sessionId, kind] as const,
  list: (sessionId: number) => ['attendance', 'list', sessionId] as const,
  closePreview: (classId: number) => ['attendance', 'close-preview', classId] as const,
};

/** QR attendance and closing a class. */
export const attendanceApi = {
  code: (sessionId: number, kind: AttendanceCodeKind) =>
    apiRequest<CheckinCode>(`/api/sessions/${sessionId}/checkin-code`, { query: { kind } }),
  mySessions: () => apiRequest<{ items: AttendanceSession[] }>('/api/attendance/my-sessions'),
  scan: (token: string) => apiRequest<ScanResult>('/api/attendance/scan', { method: 'POST', body: { token } }),
  list: (sessionId: number) =>
    apiRequest<{ session: AttendanceSession; items: AttendanceLine[] }>(`/api/sessions/${sessionId}/attendance`),
  correct: (sessionId: number, teacherId: number, input: { present: boolean; reason: string }) =>
    apiRequest<{ line: AttendanceLine }>(`/api/sessions/${sessionId}/attendance/${teacherId}`, {
      method: 'PUT',
      body: input,
    }),
  setAssessment: (classId: number, teacherId: number, passed: boolean | null) =>
    apiRequest<{ classId: number; teacherId: number; assessmentPassed: boolean | null }>(
      `/api/classes/${classId}/enrolments/${teacherId}/assessment`,
      { method: 'PUT', body: { passed } },
    ),
  closePreview: (classId: number) => apiRequest<ClosePreview>(`/api/classes/${classId}/close-preview`),
  /** `earlyCloseReason`: needed while the class's last session has not ended */
  close: (classId: number, earlyCloseReason?: string) =>
    apiRequest<CloseResult>(`/api/classes/${classId}/close`, {
      method: 'POST',
      body: earlyCloseReason === undefined ? {} : { earlyCloseReason },
    }),
  reopen: (classId: number, reason: string) =>
    apiRequest<{ classId: number; status: 'open' }>(`/api/classes/${classId}/reopen`, {
      method: 'POST',
      body: { reason },
    }),
};
