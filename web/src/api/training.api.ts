import { apiDownload, apiRequest } from './client';
import type { Stage } from './types';

export type ProjectLevel = 'national' | 'province' | 'city' | 'county' | 'school';
export type ProjectStatus = 'draft' | 'open' | 'closed';
export type EnrolmentStatus = 'enrolled' | 'waitlisted' | 'withdrawn';
export type TeacherFlag = 'headTeacher' | 'newTeacher' | 'backbone' | 'subjectLeader' | 'masterTeacher';
export const PROJECT_LEVELS: readonly ProjectLevel[] = ['national', 'province', 'city', 'county', 'school'];
export const TEACHER_FLAGS: readonly TeacherFlag[] = ['headTeacher', 'newTeacher', 'backbone', 'subjectLeader', 'masterTeacher'];

export interface Eligibility {
  minServiceYears?: number;
  stages?: Stage[];
  subjects?: string[];
  flags?: TeacherFlag[];
}

export interface ProjectInput {
  level: ProjectLevel;
  title: string;
  description: string | null;
  year: number;
  registrationOpens: string | null;
  registrationCloses: string | null;
  eligibility: Eligibility;
  completionRule: { minAttendancePct: number; assessmentRequired: boolean };
  /** tenths of an hour */
  hours: number;
  creditCategories: string[];
}

export interface Project extends ProjectInput {
  id: number;
  orgUnitId: number;
  orgUnitName: string;
  status: ProjectStatus;
  createdAt: string;
  updatedAt: string;
}

export interface TrainingClass {
  id: number;
  projectId: number;
  name: string;
  capacity: number;
  enrolled: number;
  waitlisted: number;
  status: 'open' | 'closed';
}
export interface Quota { orgUnitId: number; orgUnitName: string; quota: number; used: number }
export interface Trainer { userId: number; displayName: string; username: string; orgUnitName: string }
export interface TrainingSession {
  id: number;
  classId: number;
  startsAt: string;
  endsAt: string;
  place: string | null;
  onlineUrl: string | null;
  checkinOpensAt: string;
  checkinClosesAt: string;
}
export type SessionInput = Omit<TrainingSession, 'id' | 'classId'>;
export interface ClassDetail extends TrainingClass { quotas: Quota[]; trainers: Trainer[]; sessions: TrainingSession[] }
export interface ProjectDetail {
  project: Project;
  canManage: boolean;
  canNominate: boolean;
  classes: ClassDetail[];
  courses: Array<{ id: number; title: string; category: string; hours: number }>;
}

export interface AvailableProject {
  project: Project;
  classes: TrainingClass[];
  registrationOpen: boolean;
  eligible: boolean;
  reasons: Array<{ code: string; text: string }>;
  enrolment: { id: number; classId: number; className: string; status: EnrolmentStatus; waitlistPosition: number | null } | null;
}

export interface Place { teacherId: number; enrolmentId: number; status: 'enrolled' | 'waitlisted' }

export interface Enrolment {
  id: number;
  teacherId: number;
  teacherName: string;
  idNumberMasked: string;
  orgUnitName: string;
  stage: string;
  subject: string | null;
  status: EnrolmentStatus;
  source: 'self' | 'nominated' | 'bulk';
  waitlistPosition: number | null;
  createdAt: string;
}

export interface TimetableItem {
  sessionId: number;
  classId: number;
  className: string;
  projectId: number;
  projectTitle: string;
  startsAt: string;
  endsAt: string;
  place: string | null;
  onlineUrl: string | null;
  checkinOpensAt: string;
  checkinClosesAt: string;
}

/** Participation of a project in one unit (GET /api/training/projects/:id/stats). */
export interface UnitStats {
  unitId: number;
  unitName: string;
  enrolled: number;
  waitlisted: number;
  withdrawn: number;
  completed: number;
  notCompleted: number;
  sessionsExpected: number;
  sessionsAttended: number;
  completionPct: number | null;
  attendancePct: number | null;
}
export interface ProjectStats { base: { id: number; name: string }; lines: UnitStats[]; total: UnitStats }

export interface ProjectQuery { year?: number; status?: ProjectStatus; page?: number; pageSize?: number }

/** Training projects, classes and enrolment (培训项目、班次、报名). */
export const trainingApi = {
  projects: (query: ProjectQuery) =>
    apiRequest<{ items: Array<Project & { canManage: boolean }>; total: number }>('/api/training/projects', { query: { ...query } }),
  project: (id: number) => apiRequest<ProjectDetail>(`/api/training/projects/${id}`),
  createProject: (input: ProjectInput & { orgUnitId: number }) => apiRequest<ProjectDetail>('/api/training/projects', { method: 'POST', body: input }),
  updateProject: (id: number, input: ProjectInput) => apiRequest<ProjectDetail>(`/api/training/projects/${id}`, { method: 'PUT', body: input }),
  setStatus: (id: number, status: 'open' | 'closed') => apiRequest<ProjectDetail>(`/api/training/projects/${id}/status`, { method: 'POST', body: { status } }),
  setCourses: (id: number, courseIds: number[]) => apiRequest<ProjectDetail>(`/api/training/projects/${id}/courses`, { method: 'PUT', body: { courseIds } }),
  trainerCandidates: (projectId: number, q?: string) => apiRequest<{ items: Trainer[] }>(`/api/training/projects/${projectId}/trainer-candidates`, { query: { q } }),
  createClass: (projectId: number, input: { name: string; capacity: number }) =>
    apiRequest<ClassDetail>(`/api/training/projects/${projectId}/classes`, { method: 'POST', body: input }),
  updateClass: (id: number, patch: { name?: string; capacity?: number }) =>
    apiRequest<TrainingClass & { promoted: number }>(`/api/training/classes/${id}`, { method: 'PATCH', body: patch }),
  setTrainers: (classId: number, userIds: number[]) => apiRequest<{ items: Trainer[] }>(`/api/training/classes/${classId}/trainers`, { method: 'PUT', body: { userIds } }),
  setQuotas: (classId: number, quotas: Array<{ orgUnitId: number; quota: number }>) =>
    apiRequest<{ items: Quota[] }>(`/api/training/classes/${classId}/quotas`, { method: 'PUT', body: { quotas } }),
  createSession: (classId: number, input: SessionInput) => apiRequest<TrainingSession>(`/api/training/classes/${classId}/sessions`, { method: 'POST', body: input }),
  deleteSession: (id: number) => apiRequest<void>(`/api/training/sessions/${id}`, { method: 'DELETE' }),

  available: () => apiRequest<{ items: AvailableProject[] }>('/api/enrolments/available'),
  enrol: (classId: number) => apiRequest<Place>('/api/enrolments', { method: 'POST', body: { classId } }),
  nominate: (classId: number, teacherIds: number[]) => apiRequest<{ items: Place[] }>('/api/enrolments/nominate', { method: 'POST', body: { classId, teacherIds } }),
  bulk: (classId: number, orgUnitIds: number[]) =>
    apiRequest<{ enrolled: number; waitlisted: number }>('/api/enrolments/bulk', { method: 'POST', body: { classId, orgUnitIds } }),
  withdraw: (enrolmentId: number) => apiRequest<{ promoted: number }>(`/api/enrolments/${enrolmentId}/withdraw`, { method: 'POST', body: {} }),
  timetable: (all = false) => apiRequest<{ items: TimetableItem[] }>('/api/enrolments/timetable', { query: { all: all || undefined } }),
  enrolments: (query: { classId: number; status?: EnrolmentStatus; page?: number; pageSize?: number }) =>
    apiRequest<{ items: Enrolment[]; total: number }>('/api/enrolments', { query: { ...query } }),
  exportEnrolments: (classId: number) => apiDownload('/api/enrolments/export', { query: { classId } }),
  stats: (projectId: number) => apiRequest<ProjectStats>(`/api/training/projects/${projectId}/stats`),
  exportStats: (projectId: number) => apiDownload(`/api/training/projects/${projectId}/stats/export`),
};

/** Query keys of this module (kept here: the shared key list belongs to others mid-edit). */
export const trainingKeys = {
  all: ['training'] as const,
  projects: (q: ProjectQuery) => ['training', 'projects', q] as const,
  project: (id: number) => ['training', 'project', id] as const,
  enrolments: (classId: number, q: object) => ['training', 'enrolments', classId, q] as const,
  available: ['training', 'available'] as const,
  timetable: (all: boolean) => ['training', 'timetable', all] as const,
};
