import { apiRequest } from './client';
import type { ApiBody, ApiQuery, ApiResponse } from './schema.gen';

/**
 * 考试管理: the organiser's side of exams (settings, paper, publication), markers, invigilation events,
 * marking by question, key-correction regrades and component scores. Typed from the OpenAPI document
 * (schema.gen.ts); the bank's list and the spot-checks, served by their own routes, are written here.
 */

export const EXAM_TARGETS = ['course', 'class', 'project', 'spot_check'] as const;
export type ExamTarget = (typeof EXAM_TARGETS)[number];
export const EXAM_STATUSES = ['draft', 'published', 'closed'] as const;
export type ExamStatus = (typeof EXAM_STATUSES)[number];
export const GRADE_POLICIES = ['highest', 'last'] as const;
export type GradePolicy = (typeof GRADE_POLICIES)[number];
export const SHOW_ANSWERS = ['never', 'after_submit', 'after_close'] as const;
export type ShowAnswers = (typeof SHOW_ANSWERS)[number];
export const QUESTION_KINDS = ['single', 'multiple', 'true_false', 'fill_in', 'essay'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];
export const PASS_LEVELS = ['excellent', 'good', 'pass', 'basic'] as const;
export type PassLevel = (typeof PASS_LEVELS)[number];
export const EXAM_LEVELS = ['excellent', 'good', 'pass', 'basic', 'fail'] as const;
export type ExamLevel = (typeof EXAM_LEVELS)[number];
export const MARK_STATES = ['pending', 'disputed', 'marked'] as const;
export type MarkState = (typeof MARK_STATES)[number];
export const EVENT_KINDS = ['left', 'returned', 'offline', 'online', 'resumed', 'time_up'] as const;
export type ExamEventKind = (typeof EVENT_KINDS)[number];

export type ExamInput = ApiBody<'/api/exams', 'post'>;
export type Paper = ExamInput['paper'];
export type FixedItem = Extract<Paper, { mode: 'fixed' }>['items'][number];
/** A pool of a drawn paper: "10 single choice of 师德, difficulty 2–3, 2 points each". */
export type PaperPool = Omit<
  Extract<Paper, { mode: 'drawn' }>['pools'][number],
  'kind' | 'module' | 'subject' | 'stage'
> & {
  kind: QuestionKind;
  module?: string;
  subject?: string;
  stage?: string;
};
export type CompositeComponent = NonNullable<ExamInput['composite']>['components'][number];
export type LevelCuts = NonNullable<ExamInput['levelCuts']>;

type ExamOut = ApiResponse<'/api/exams/{id}', 'get'>['exam'];
/**
 * An exam as stored. The route's answer names its heading and passes the rest through; that rest is the
 * exam's settings as the body sets them, each present.
 */
export type Exam = ExamOut &
  Required<Omit<ExamInput, 'courseId' | 'classId' | 'projectId' | 'spotCheckId' | 'hours'>> & {
    courseId: number | null;
    classId: number | null;
    projectId: number | null;
    spotCheckId: number | null;
    hours: number | null;
    publishedAt: string | null;
    closedAt: string | null;
  };
export type ExamDetail = ApiResponse<'/api/exams/{id}', 'get'>;
export type ExamCounts = ExamDetail['counts'];

export type ExamQuery = ApiQuery<'/api/exams', 'get'>;
/** A line of the list; the settings pass through beside the heading. */
export type ExamSummary = ApiResponse<'/api/exams', 'get'>['items'][number] & {
  durationMinutes: number;
  attemptsAllowed: number;
  maxScore: number;
};

export type PaperPreview = ApiResponse<'/api/exams/{id}/paper-preview', 'post'>;
export type PaperQuestionWithKey = PaperPreview['questions'][number];

export type Marker = ApiResponse<'/api/exams/{id}/markers', 'get'>['markers'][number];
export type ExamEvent = ApiResponse<'/api/exams/{id}/events', 'get'>['items'][number];

export type MarkingQueue = ApiResponse<'/api/exams/{id}/marking', 'get'>;
export type MarkingQuestion = MarkingQueue['questions'][number];
export type MarkingAnswers = ApiResponse<'/api/exams/{id}/marking/{position}', 'get'>;
export type MarkingAnswer = MarkingAnswers['items'][number];
export type MarkRound = MarkingAnswer['marks'][number];
export type MarkInput = ApiBody<'/api/exams/{id}/marks', 'post'>;
export type MarkResult = ApiResponse<'/api/exams/{id}/marks', 'post'>;

export type RegradeSummary = ApiResponse<'/api/exams/{id}/regrade/preview', 'post'>;
export type RegradeRow = RegradeSummary['rows'][number];

export type ComponentRow = ApiBody<'/api/exams/{id}/components', 'put'>['rows'][number];
/** A candidate with a result, as the results list gives them. */
export type ResultLine = ApiResponse<'/api/exams/{id}/results', 'get'>['items'][number];

/** A question of the bank as the paper builder lists it (GET /api/questions). */
export type BankQuestion = Omit<ApiResponse<'/api/questions', 'get'>['items'][number], 'kind'> & { kind: QuestionKind };
export type BankQuery = ApiQuery<'/api/questions', 'get'>;
export type BankTags = ApiResponse<'/api/questions/tags', 'get'>;

/** A spot-check as the exam form offers it (GET /api/spot-checks, where the server has it). */
export interface SpotCheckOption {
  id: number;
  title: string;
  year?: number;
  status?: string;
}

/** answers a marker's page fetches at once */
export const MARKING_PAGE = 20;

export const examAdminKeys = {
  all: ['exam-admin'] as const,
  list: (query: ExamQuery) => ['exam-admin', 'list', query] as const,
  exam: (id: number) => ['exam-admin', 'exam', id] as const,
  events: (id: number, attemptId?: number) => ['exam-admin', 'events', id, attemptId ?? null] as const,
  marking: (id: number) => ['exam-admin', 'marking', id] as const,
  answers: (id: number, position: number, state: MarkState, page: number) =>
    ['exam-admin', 'answers', id, position, state, page] as const,
  bank: (query: BankQuery) => ['exam-admin', 'bank', query] as const,
  myMarking: ['exam-admin', 'my-marking'] as const,
  spotChecks: ['exam-admin', 'spot-checks'] as const,
  markers: (id: number) => ['exam-admin', 'markers', id] as const,
  tags: (unitId?: number) => ['exam-admin', 'tags', unitId ?? null] as const,
};

/** An exam with its counts and full marks, as every exam route answers it. */
type Detail = Omit<ExamDetail, 'exam'> & { exam: Exam };

export type MyMarking = ApiResponse<'/api/me/marking', 'get'>['items'][number];

export const examAdminApi = {
  /** the exams with essays waiting for the caller's mark */
  myMarking: () => apiRequest<{ items: MyMarking[] }>('/api/me/marking'),
  list: (query: ExamQuery) =>
    apiRequest<{ items: ExamSummary[]; total: number }>('/api/exams', { query: { ...query } }),
  get: (id: number) => apiRequest<Detail>(`/api/exams/${id}`),
  create: (input: ExamInput) => apiRequest<Detail>('/api/exams', { method: 'POST', body: input }),
  update: (id: number, input: ApiBody<'/api/exams/{id}', 'patch'>) =>
    apiRequest<Detail>(`/api/exams/${id}`, { method: 'PATCH', body: input }),
  publish: (id: number) => apiRequest<Detail>(`/api/exams/${id}/publish`, { method: 'POST' }),
  close: (id: number) => apiRequest<Detail>(`/api/exams/${id}/close`, { method: 'POST' }),
  paperPreview: (id: number, seed?: string) =>
    apiRequest<{ seed: string; maxScore: number; questions: PaperQuestionWithKey[] }>(
      `/api/exams/${id}/paper-preview`,
      {
        method: 'POST',
        body: seed ? { seed } : {},
      },
    ),
  markers: (id: number) => apiRequest<{ markers: Marker[] }>(`/api/exams/${id}/markers`),
  setMarkers: (id: number, userIds: number[]) =>
    apiRequest<{ markers: Marker[] }>(`/api/exams/${id}/markers`, { method: 'PUT', body: { userIds } }),
  events: (id: number, attemptId?: number) =>
    apiRequest<{ items: ExamEvent[] }>(`/api/exams/${id}/events`, { query: { attemptId } }),
  marking: (id: number) => apiRequest<MarkingQueue>(`/api/exams/${id}/marking`),
  answers: (id: number, position: number, state: MarkState, page: number) =>
    apiRequest<MarkingAnswers>(`/api/exams/${id}/marking/${position}`, {
      query: { state, page, pageSize: MARKING_PAGE },
    }),
  mark: (id: number, input: MarkInput) =>
    apiRequest<MarkResult>(`/api/exams/${id}/marks`, {
      method: 'POST',
      body: input,
    }),
  regradePreview: (id: number, questionId: number) =>
    apiRequest<RegradeSummary>(`/api/exams/${id}/regrade/preview`, { method: 'POST', body: { questionId } }),
  regrade: (id: number, questionId: number) =>
    apiRequest<RegradeSummary>(`/api/exams/${id}/regrade`, { method: 'POST', body: { questionId } }),
  /** every candidate with a result (pages of 200 read one after another, 5,000 at most) */
  candidates: async (id: number): Promise<ResultLine[]> => {
    const out: ResultLine[] = [];
    for (let page = 1; page <= 25; page++) {
      const r = await apiRequest<{ items: ResultLine[]; total: number }>(`/api/exams/${id}/results`, {
        query: { page, pageSize: 200 },
      });
      out.push(...r.items);
      if (out.length >= r.total || r.items.length === 0) break;
    }
    return out;
  },
  setComponents: (id: number, rows: ComponentRow[]) =>
    apiRequest<{ updated: number }>(`/api/exams/${id}/components`, { method: 'PUT', body: { rows } }),

  bank: (query: BankQuery) =>
    apiRequest<{ items: BankQuestion[]; total: number }>('/api/questions', { query: { ...query } }),
  bankTags: (unitId?: number) =>
    apiRequest<BankTags>('/api/questions/tags', {
      query: { unitId },
    }),
  spotChecks: () => apiRequest<{ items: SpotCheckOption[] }>('/api/spot-checks', { query: { pageSize: 200 } }),
};
