import { apiDownload, apiRequest } from './client';
import type { ApiBody, ApiQuery, ApiResponse } from './schema.gen';
import type {} from './types';

export type ProjectLevel = Project['level'];
export type ProjectStatus = Project['status'];
export type EnrolmentStatus = Enrolment['status'];
export type TeacherFlag = 'headTeacher' | 'newTeacher' | 'backbone' | 'subjectLeader' | 'masterTeacher';
export const PROJECT_LEVELS: readonly ProjectLevel[] = ['national', 'province', 'city', 'county', 'school'];
export const TEACHER_FLAGS: readonly TeacherFlag[] = [
  'headTeacher',
  'newTeacher',
  'backbone',
  'subjectLeader',
  'masterTeacher',
];

export type Eligibility = Project['eligibility'];

export type ProjectInput = Omit<ApiBody<'/api/training/projects', 'post'>, 'orgUnitId'>;

export type Project = ProjectDetail['project'];

export type TrainingClass = AvailableProject['classes'][number];
export type Quota = ClassDetail['quotas'][number];
export type Trainer = ClassDetail['trainers'][number];
export type TrainingSession = ClassDetail['sessions'][number];
export type SessionInput = ApiBody<'/api/training/classes/{id}/sessions', 'post'>;
export type OnlineClassInput = NonNullable<ApiBody<'/api/training/classes/{id}/online', 'put'>>;
type NominateBody = ApiBody<'/api/enrolments/nominate', 'post'>;
export type ClassDetail = ProjectDetail['classes'][number];
export type ProjectDetail = ApiResponse<'/api/training/projects/{id}', 'get'>;

export type AvailableProject = ApiResponse<'/api/enrolments/available', 'get'>['items'][number];

export type Place = ApiResponse<'/api/enrolments', 'post'>;

export type Enrolment = ApiResponse<'/api/enrolments', 'get'>['items'][number];

export type TimetableItem = ApiResponse<'/api/enrolments/timetable', 'get'>['items'][number];

/** Participation of a project in one unit (GET /api/training/projects/:id/stats). */
export type UnitStats = ProjectStats['total'];
export type ProjectStats = ApiResponse<'/api/training/projects/{id}/stats', 'get'>;

export type ProjectQuery = ApiQuery<'/api/training/projects', 'get'>;

/** Training projects, classes and enrolment (培训项目、班次、报名). */
export const trainingApi = {
  projects: (query: ProjectQuery) =>
    apiRequest<{ items: Array<Project & { canManage: boolean }>; total: number }>('/api/training/projects', {
      query: { ...query },
    }),
  project: (id: number) => apiRequest<ProjectDetail>(`/api/training/projects/${id}`),
  createProject: (input: ProjectInput & { orgUnitId: number }) =>
    apiRequest<ProjectDetail>('/api/training/projects', { method: 'POST', body: input }),
  updateProject: (id: number, input: ProjectInput) =>
    apiRequest<ProjectDetail>(`/api/training/projects/${id}`, { method: 'PUT', body: input }),
  setStatus: (id: number, status: 'open' | 'closed') =>
    apiRequest<ProjectDetail>(`/api/training/projects/${id}/status`, { method: 'POST', body: { status } }),
  setCourses: (id: number, courseIds: number[]) =>
    apiRequest<ProjectDetail>(`/api/training/projects/${id}/courses`, { method: 'PUT', body: { courseIds } }),
  trainerCandidates: (projectId: number, q?: string) =>
    apiRequest<{ items: Trainer[] }>(`/api/training/projects/${projectId}/trainer-candidates`, { query: { q } }),
  createClass: (projectId: number, input: { name: string; capacity: number }) =>
    apiRequest<ClassDetail>(`/api/training/projects/${projectId}/classes`, { method: 'POST', body: input }),
  updateClass: (id: number, patch: { name?: string; capacity?: number }) =>
    apiRequest<TrainingClass & { promoted: number }>(`/api/training/classes/${id}`, { method: 'PATCH', body: patch }),
  /** Makes a class online for a course and a study window, or face-to-face again (null). */
  setOnline: (classId: number, online: OnlineClassInput | null) =>
    apiRequest<TrainingClass>(`/api/training/classes/${classId}/online`, { method: 'PUT', body: online }),
  setTrainers: (classId: number, userIds: number[]) =>
    apiRequest<{ items: Trainer[] }>(`/api/training/classes/${classId}/trainers`, { method: 'PUT', body: { userIds } }),
  /** The quota table: every unit below the organiser with its quota and places used, and the capacity. */
  quotaUnits: (classId: number) =>
    apiRequest<{ capacity: number; items: Quota[] }>(`/api/training/classes/${classId}/quota-units`),
  setQuotas: (classId: number, quotas: Array<{ orgUnitId: number; quota: number }>) =>
    apiRequest<{ items: Quota[] }>(`/api/training/classes/${classId}/quotas`, { method: 'PUT', body: { quotas } }),
  createSession: (classId: number, input: SessionInput) =>
    apiRequest<TrainingSession>(`/api/training/classes/${classId}/sessions`, { method: 'POST', body: input }),
  deleteSession: (id: number) => apiRequest<void>(`/api/training/sessions/${id}`, { method: 'DELETE' }),

  available: () => apiRequest<{ items: AvailableProject[] }>('/api/enrolments/available'),
  enrol: (classId: number) => apiRequest<Place>('/api/enrolments', { method: 'POST', body: { classId } }),
  /** Nominates teachers by id, or every teacher matching the registry filters less those left out. */
  nominate: (
    classId: number,
    who: { teacherIds: number[] } | { matching: NonNullable<NominateBody['matching']>; except?: number[] },
  ) => apiRequest<{ items: Place[] }>('/api/enrolments/nominate', { method: 'POST', body: { classId, ...who } }),
  /** How many `bulk` would place and put on the waitlist now; nothing is written. */
  bulkPreview: (classId: number, orgUnitIds: number[]) =>
    apiRequest<{ enrolled: number; waitlisted: number }>('/api/enrolments/bulk/preview', {
      method: 'POST',
      body: { classId, orgUnitIds },
    }),
  bulk: (classId: number, orgUnitIds: number[]) =>
    apiRequest<{ enrolled: number; waitlisted: number }>('/api/enrolments/bulk', {
      method: 'POST',
      body: { classId, orgUnitIds },
    }),
  withdraw: (enrolmentId: number) =>
    apiRequest<{ promoted: number }>(`/api/enrolments/${enrolmentId}/withdraw`, { method: 'POST', body: {} }),
  timetable: (all = false) =>
    apiRequest<{ items: TimetableItem[] }>('/api/enrolments/timetable', { query: { all: all || undefined } }),
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
