import { apiRequest } from './client';

/** Which code a screen shows: check-in (签到) or check-out (签退). */
export type AttendanceCodeKind = 'in' | 'out';

export interface AttendanceSession {
  id: number;
  classId: number;
  className: string;
  projectTitle: string;
  classStatus: 'open' | 'closed';
  startsAt: string;
  endsAt: string;
  place: string | null;
  checkinOpensAt: string;
  checkinClosesAt: string;
}

export interface CheckinCode {
  token: string;
  kind: AttendanceCodeKind;
  /** when the screen must show the next code */
  rotatesAt: string;
  /** the address the QR code carries: `<origin>/checkin?t=<token>` */
  url: string;
  acceptedFrom: string;
  acceptedUntil: string;
  session: AttendanceSession;
}

export interface ScanResult {
  kind: AttendanceCodeKind;
  teacherName: string;
  checkedInAt: string | null;
  checkedOutAt: string | null;
  session: AttendanceSession;
}

export interface AttendanceLine {
  teacherId: number;
  teacherName: string;
  orgUnitName: string;
  checkedInAt: string | null;
  checkedOutAt: string | null;
  /** null: no record yet */
  present: boolean | null;
  method: 'qr' | 'manual' | null;
  reason: string | null;
  correctedByName: string | null;
}

export type NotCompletedReason = { code: 'attendance'; attended: number; sessions: number; requiredPct: number } | { code: 'assessment' };

export interface CloseResult {
  classId: number;
  enrolled: number;
  completed: number;
  notCompleted: number;
  posted: number;
  reversed: number;
  teachersNotCompleted: Array<{ teacherId: number; teacherName: string; attended: number; sessions: number; reasons: NotCompletedReason[] }>;
  problems: Array<{ teacherId: number; teacherName: string; code: 'reversal_requested' | 'reversal_pending'; entryId: number; requestId: number | null }>;
}

export const attendanceQueryKeys = {
  code: (sessionId: number, kind: AttendanceCodeKind) => ['attendance', 'code', sessionId, kind] as const,
  list: (sessionId: number) => ['attendance', 'list', sessionId] as const,
};

/** QR attendance and closing a class. */
export const attendanceApi = {
  code: (sessionId: number, kind: AttendanceCodeKind) => apiRequest<CheckinCode>(`/api/sessions/${sessionId}/checkin-code`, { query: { kind } }),
  mySessions: () => apiRequest<{ items: AttendanceSession[] }>('/api/attendance/my-sessions'),
  scan: (token: string) => apiRequest<ScanResult>('/api/attendance/scan', { method: 'POST', body: { token } }),
  list: (sessionId: number) => apiRequest<{ session: AttendanceSession; items: AttendanceLine[] }>(`/api/sessions/${sessionId}/attendance`),
  correct: (sessionId: number, teacherId: number, input: { present: boolean; reason: string }) =>
    apiRequest<{ line: AttendanceLine }>(`/api/sessions/${sessionId}/attendance/${teacherId}`, { method: 'PUT', body: input }),
  setAssessment: (classId: number, teacherId: number, passed: boolean | null) =>
    apiRequest<{ classId: number; teacherId: number; assessmentPassed: boolean | null }>(`/api/classes/${classId}/enrolments/${teacherId}/assessment`, { method: 'PUT', body: { passed } }),
  close: (classId: number) => apiRequest<CloseResult>(`/api/classes/${classId}/close`, { method: 'POST' }),
  reopen: (classId: number, reason: string) => apiRequest<{ classId: number; status: 'open' }>(`/api/classes/${classId}/reopen`, { method: 'POST', body: { reason } }),
};
