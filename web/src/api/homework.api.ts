import { apiDownload, apiRequest, apiUpload } from './client';
import type { ApiBody, ApiQuery, ApiResponse } from './schema.gen';

/** An online class's assignments as its tutors see them, with how their submissions stand. */
export type TutorAssignments = ApiResponse<'/api/classes/{id}/homework/assignments', 'get'>;
export type TutorAssignment = TutorAssignments['items'][number];
export type Assignment = ApiResponse<'/api/homework/assignments/{id}', 'put'>['assignment'];
export type AssignmentInput = ApiBody<'/api/classes/{id}/homework/assignments', 'post'>;
export type GradingKind = Assignment['grading'];
export type ClassInfo = TutorAssignments['class'];

export type SubmissionList = ApiResponse<'/api/homework/assignments/{id}/submissions', 'get'>;
export type SubmissionLine = SubmissionList['items'][number];
export type SubmissionQuery = ApiQuery<'/api/homework/assignments/{id}/submissions', 'get'>;
export type TutorFilter = NonNullable<SubmissionQuery['status']>;
export type SubmissionDetail = ApiResponse<'/api/homework/submissions/{id}', 'get'>;
export type TutorSubmission = SubmissionDetail['submission'];
export type HomeworkVersion = TutorSubmission['versions'][number];
export type HomeworkFile = HomeworkVersion['files'][number];
export type HomeworkGrade = NonNullable<TutorSubmission['grade']>;
export type GradeInput = ApiBody<'/api/homework/submissions/{id}/grade', 'post'>;

/** A teacher's assignments of a class with their own work. */
export type MyHomework = ApiResponse<'/api/classes/{id}/homework/mine', 'get'>;
export type MyAssignment = MyHomework['items'][number];
export type TeacherHomeworkStatus = MyAssignment['status'];
export type SubmitInput = ApiBody<'/api/homework/assignments/{id}/submission', 'post'>;
export type RecommendedWork = ApiResponse<'/api/classes/{id}/homework/recommended', 'get'>['items'][number];

export type TutoringClass = ApiResponse<'/api/study/tutoring', 'get'>['items'][number];
export type MyOnlineClass = ApiResponse<'/api/study/my-classes', 'get'>['items'][number];

export const HOMEWORK_GRADES: readonly HomeworkGrade[] = ['excellent', 'good', 'pass', 'fail'];
export const TUTOR_FILTERS: readonly TutorFilter[] = ['waiting', 'returned', 'passed', 'failed', 'not_submitted'];
export const HOMEWORK_ACCEPT = '.pdf,.jpg,.jpeg,.png,.doc,.docx,.xls,.xlsx,.zip';

export const homeworkKeys = {
  all: ['homework'] as const,
  assignments: (classId: number) => ['homework', 'assignments', classId] as const,
  submissions: (assignmentId: number, query: SubmissionQuery) =>
    ['homework', 'submissions', assignmentId, query] as const,
  submission: (id: number) => ['homework', 'submission', id] as const,
  mine: (classId: number) => ['homework', 'mine', classId] as const,
  recommended: (classId: number) => ['homework', 'recommended', classId] as const,
  tutoring: ['homework', 'tutoring'] as const,
  myClasses: ['homework', 'my-classes'] as const,
};

/** Homework of online classes (研修作业): assignments, versions handed in, grading, files. */
export const homeworkApi = {
  assignments: (classId: number) => apiRequest<TutorAssignments>(`/api/classes/${classId}/homework/assignments`),
  createAssignment: (classId: number, input: AssignmentInput) =>
    apiRequest<{ assignment: Assignment }>(`/api/classes/${classId}/homework/assignments`, {
      method: 'POST',
      body: input,
    }),
  updateAssignment: (id: number, input: AssignmentInput) =>
    apiRequest<{ assignment: Assignment }>(`/api/homework/assignments/${id}`, { method: 'PUT', body: input }),
  deleteAssignment: (id: number) => apiRequest<void>(`/api/homework/assignments/${id}`, { method: 'DELETE' }),
  release: (id: number) =>
    apiRequest<{ assignment: Assignment }>(`/api/homework/assignments/${id}/release`, { method: 'POST' }),
  submissions: (assignmentId: number, query: SubmissionQuery) =>
    apiRequest<SubmissionList>(`/api/homework/assignments/${assignmentId}/submissions`, { query: { ...query } }),
  exportGrades: (assignmentId: number) => apiDownload(`/api/homework/assignments/${assignmentId}/submissions.xlsx`),
  submission: (id: number) => apiRequest<SubmissionDetail>(`/api/homework/submissions/${id}`),
  grade: (id: number, input: GradeInput) =>
    apiRequest<{ submission: TutorSubmission }>(`/api/homework/submissions/${id}/grade`, {
      method: 'POST',
      body: input,
    }),
  returnIt: (id: number, input: { version: number; comment: string }) =>
    apiRequest<{ submission: TutorSubmission }>(`/api/homework/submissions/${id}/return`, {
      method: 'POST',
      body: input,
    }),
  recommend: (id: number, recommended: boolean) =>
    apiRequest<{ submission: TutorSubmission }>(`/api/homework/submissions/${id}/recommended`, {
      method: 'PUT',
      body: { recommended },
    }),

  mine: (classId: number) => apiRequest<MyHomework>(`/api/classes/${classId}/homework/mine`),
  uploadFile: (
    classId: number,
    file: Blob,
    options: { onProgress?: (percent: number) => void; signal?: AbortSignal } = {},
  ) => apiUpload<{ file: HomeworkFile }>(`/api/classes/${classId}/homework/files`, file, options),
  submit: (assignmentId: number, input: SubmitInput) =>
    apiRequest<{ item: MyAssignment }>(`/api/homework/assignments/${assignmentId}/submission`, {
      method: 'POST',
      body: input,
    }),
  recommended: (classId: number) =>
    apiRequest<{ items: RecommendedWork[] }>(`/api/classes/${classId}/homework/recommended`),
  downloadFile: (id: number) => apiDownload(`/api/homework/files/${id}`),

  tutoring: () => apiRequest<{ items: TutoringClass[] }>('/api/study/tutoring'),
  myClasses: () => apiRequest<{ items: MyOnlineClass[] }>('/api/study/my-classes'),
};
