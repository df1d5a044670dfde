import { apiDownload, apiRequest } from './client';
import type { ApiBody, ApiResponse } from './schema.gen';

export type QuestionKind = SurveyQuestion['kind'];

export type SurveyQuestion = SurveyForm['questions'][number];

/** When a class's figures show: after its answer window closed, or from `minAnswers` answers on. */
export type ResultsRelease = SurveyForm['release'];

/** Whether a class's figures show yet; until then only the number of answers is given. */
export type ClassRelease = Pick<ClassSurveyResults, 'released' | 'windowClosesAt'>;

export type SurveyForm = ApiResponse<'/api/training/projects/{id}/survey', 'get'>;

export type SurveyClassRef = ApiResponse<'/api/surveys/pending', 'get'>['items'][number];

export type TeacherSurvey = ApiResponse<'/api/surveys/classes/{classId}', 'get'>;

export type QuestionResult = SurveyResults['questions'][number];

export type SurveyResults = ClassSurveyResults['results'];

export type ClassSurveyResults = ApiResponse<'/api/surveys/classes/{classId}/results', 'get'>;

export type ProjectSurveyResults = ApiResponse<'/api/training/projects/{id}/survey/results', 'get'>;

/** A teacher's answers by question key: 1–5 for ratings, text (or nothing) for free text. */
export type SurveyAnswers = ApiBody<'/api/surveys/classes/{classId}/answers', 'post'>['answers'];

export const surveyKeys = {
  all: ['surveys'] as const,
  form: (projectId: number) => ['surveys', 'form', projectId] as const,
  projectResults: (projectId: number) => ['surveys', 'project-results', projectId] as const,
  classResults: (classId: number) => ['surveys', 'class-results', classId] as const,
  classForm: (classId: number) => ['surveys', 'class-form', classId] as const,
  pending: ['surveys', 'pending'] as const,
  unitSummary: (orgUnitId: number, year: number) => ['surveys', 'unit-summary', orgUnitId, year] as const,
};

/** The survey figures of the projects a unit ran in a year (GET /api/surveys/summary). */
export type UnitSurveySummary = ApiResponse<'/api/surveys/summary', 'get'>;

/** The satisfaction survey after each class (满意度调查, R-43). */
export const surveysApi = {
  form: (projectId: number) => apiRequest<SurveyForm>(`/api/training/projects/${projectId}/survey`),
  saveForm: (projectId: number, questions: SurveyQuestion[], release: ResultsRelease) =>
    apiRequest<SurveyForm>(`/api/training/projects/${projectId}/survey`, {
      method: 'PUT',
      body: { questions, release },
    }),
  projectResults: (projectId: number) =>
    apiRequest<ProjectSurveyResults>(`/api/training/projects/${projectId}/survey/results`),
  exportProject: (projectId: number) => apiDownload(`/api/training/projects/${projectId}/survey/results.xlsx`),
  pending: () => apiRequest<{ items: SurveyClassRef[] }>('/api/surveys/pending'),
  classForm: (classId: number) => apiRequest<TeacherSurvey>(`/api/surveys/classes/${classId}`),
  answer: (classId: number, answers: SurveyAnswers) =>
    apiRequest<{ classId: number; answered: true }>(`/api/surveys/classes/${classId}/answers`, {
      method: 'POST',
      body: { answers },
    }),
  classResults: (classId: number) => apiRequest<ClassSurveyResults>(`/api/surveys/classes/${classId}/results`),
  unitSummary: (orgUnitId: number, year: number) =>
    apiRequest<UnitSurveySummary>('/api/surveys/summary', { query: { orgUnitId, year } }),
};
