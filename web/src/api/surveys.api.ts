import { apiDownload, apiRequest } from './client';

export type QuestionKind = 'rating' | 'text';

export interface SurveyQuestion {
  key: string;
  kind: QuestionKind;
  zh: string;
  en: string;
}

/** When a class's figures show: after its answer window closed, or from `minAnswers` answers on. */
export interface ResultsRelease {
  after: 'window_closed' | 'min_answers';
  minAnswers: number | null;
}

/** Whether a class's figures show yet; until then only the number of answers is given. */
export interface ClassRelease {
  released: boolean;
  /** ISO time the answer window closes; null while the class is open */
  windowClosesAt: string | null;
}

export interface SurveyForm {
  projectId: number;
  questions: SurveyQuestion[];
  /** the organiser set no questions: the default questionnaire applies */
  isDefault: boolean;
  /** teachers answered already: the questions can no longer change */
  locked: boolean;
  canEdit: boolean;
  release: ResultsRelease;
}

export interface SurveyClassRef {
  classId: number;
  className: string;
  projectId: number;
  projectTitle: string;
}

export interface TeacherSurvey extends SurveyClassRef {
  questions: SurveyQuestion[];
  answered: boolean;
  window: 'not_yet' | 'open' | 'over';
}

export interface QuestionResult extends SurveyQuestion {
  answered: number;
  /** null when hidden (too few answers) or for text */
  mean: number | null;
  /** how many gave 1…5; null when hidden or for text */
  distribution: number[] | null;
}

export interface SurveyResults {
  answers: number;
  enrolled: number;
  /** 0–1 */
  responseRate: number | null;
  /** false: too few answers, only counts are shown */
  detailShown: boolean;
  questions: QuestionResult[];
  texts: Array<{ key: string; items: string[] }>;
}

export interface ClassSurveyResults extends SurveyClassRef, ClassRelease {
  classStatus: 'open' | 'closed';
  minAnswersForDetail: number;
  release: ResultsRelease;
  results: SurveyResults;
}

export interface ProjectSurveyResults {
  projectId: number;
  projectTitle: string;
  minAnswersForDetail: number;
  release: ResultsRelease;
  results: {
    answers: number;
    enrolled: number;
    responseRate: number | null;
    /** over the classes with enough answers */
    overall: SurveyResults;
    /** classes with answers but too few to show */
    classesHidden: number;
    /** classes with answers whose figures wait for their answer window to close */
    classesWithheld: number;
    classes: Array<{ classId: number; className: string; classStatus: 'open' | 'closed'; enrolled: number; results: SurveyResults } & ClassRelease>;
  };
}

/** A teacher's answers by question key: 1–5 for ratings, text (or nothing) for free text. */
export type SurveyAnswers = Record<string, number | string | null>;

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
export interface UnitSurveySummary {
  unit: { id: number; name: string };
  year: number;
  minAnswersForDetail: number;
  projects: Array<{
    projectId: number;
    projectTitle: string;
    answers: number;
    enrolled: number;
    responseRate: number | null;
    classesHidden: number;
    classesWithheld: number;
    means: Array<{ key: string; zh: string; en: string; mean: number | null }>;
  }>;
}

/** The satisfaction survey after each class (满意度调查, R-43). */
export const surveysApi = {
  form: (projectId: number) => apiRequest<SurveyForm>(`/api/training/projects/${projectId}/survey`),
  saveForm: (projectId: number, questions: SurveyQuestion[], release: ResultsRelease) =>
    apiRequest<SurveyForm>(`/api/training/projects/${projectId}/survey`, { method: 'PUT', body: { questions, release } }),
  projectResults: (projectId: number) => apiRequest<ProjectSurveyResults>(`/api/training/projects/${projectId}/survey/results`),
  exportProject: (projectId: number) => apiDownload(`/api/training/projects/${projectId}/survey/results.xlsx`),
  pending: () => apiRequest<{ items: SurveyClassRef[] }>('/api/surveys/pending'),
  classForm: (classId: number) => apiRequest<TeacherSurvey>(`/api/surveys/classes/${classId}`),
  answer: (classId: number, answers: SurveyAnswers) => apiRequest<{ classId: number; answered: true }>(`/api/surveys/classes/${classId}/answers`, { method: 'POST', body: { answers } }),
  classResults: (classId: number) => apiRequest<ClassSurveyResults>(`/api/surveys/classes/${classId}/results`),
  unitSummary: (orgUnitId: number, year: number) => apiRequest<UnitSurveySummary>('/api/surveys/summary', { query: { orgUnitId, year } }),
};
