import { apiRequest } from './client';

/**
 * 考试管理: the organiser's side of exams (settings, paper, publication), markers, invigilation events,
 * marking by question, key-correction regrades and component scores. Written to the exam contract while
 * its routes are being built; to be typed from schema.gen.ts once they are in the OpenAPI document.
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

export interface FixedItem {
  questionId: number;
  points: number;
}
export interface PaperPool {
  kind: QuestionKind;
  module?: string;
  subject?: string;
  stage?: string;
  difficultyMin: number;
  difficultyMax: number;
  count: number;
  points: number;
}
export type Paper = ({ mode: 'fixed'; items: FixedItem[] } | { mode: 'drawn'; pools: PaperPool[] }) & {
  /** multiple choice: a correct subset with no wrong letter earns half the points */
  multiplePartial?: boolean;
};

export interface CompositeComponent {
  key: string;
  label: string;
  weight: number;
}
export interface LevelCuts {
  excellent: number;
  good: number;
  pass: number;
  basic: number;
}

export interface ExamInput {
  title: string;
  instructions?: string;
  target: ExamTarget;
  courseId?: number;
  classId?: number;
  projectId?: number;
  spotCheckId?: number;
  orgUnitId: number;
  opensAt: string;
  closesAt: string;
  durationMinutes: number;
  attemptsAllowed: number;
  gradePolicy: GradePolicy;
  paper: Paper;
  shuffleQuestions: boolean;
  showAnswers: ShowAnswers;
  gates: { studyComplete?: boolean; minLedgerHours?: number; ledgerCategory?: string };
  composite: { components: CompositeComponent[] };
  levelCuts: LevelCuts;
  passLevel: PassLevel;
  targets: { excellentShare?: number; competentShare?: number };
  hours?: number | null;
  creditCategories?: string[];
  blindMarking: boolean;
  doubleMarking: boolean;
  disputeThreshold: number;
}

export type Exam = ExamInput & {
  id: number;
  status: ExamStatus;
  orgUnitName?: string;
  publishedAt?: string | null;
  closedAt?: string | null;
  canManage?: boolean;
};

export interface ExamSummary {
  id: number;
  title: string;
  target: ExamTarget;
  status: ExamStatus;
  orgUnitId: number;
  orgUnitName?: string;
  opensAt: string;
  closesAt: string;
  durationMinutes: number;
  attemptsAllowed?: number;
  maxScore?: number;
}

export interface ExamCounts {
  /** null: a course exam, open to every teacher below the organiser */
  candidates: number | null;
  started: number;
  submitted: number;
  graded: number;
  pendingMarks: number;
}

export interface ExamDetail {
  exam: Exam;
  counts: ExamCounts;
  maxScore: number;
}

export interface ExamQuery {
  unitId?: number;
  status?: ExamStatus;
  q?: string;
  page?: number;
  pageSize?: number;
}

export interface PaperQuestionWithKey {
  position: number;
  questionId: number;
  version: number;
  kind: QuestionKind;
  stem: string;
  options: { key: string; text: string }[];
  blanks: number;
  points: number;
  /** the bank's key, in the bank's letters */
  key: unknown;
  /** the bank's letters in the order this paper shows them */
  optionOrder: string[];
  explanation: string;
}

export interface Marker {
  userId: number;
  name: string;
}

export interface ExamEvent {
  id: number;
  attemptId: number;
  teacherName: string;
  kind: string;
  at: string;
  clientAt: string | null;
}

export interface MarkingQuestion {
  position: number;
  questionId: number | null;
  stem: string;
  points: number;
  pending: number;
  disputed: number;
  marked: number;
}

export interface MarkRound {
  round: number;
  score: number;
  markerName: string;
  mine: boolean;
  comment: string | null;
}

export interface MarkingAnswer {
  attemptId: number;
  /** the name, or the 6-digit code under blind marking */
  candidate: string;
  anonCode: string;
  answer: unknown;
  marks: MarkRound[];
}

export interface MarkingAnswers {
  question: {
    position: number;
    points: number;
    kind: QuestionKind;
    stem: string;
    options: { key: string; text: string }[];
    blanks: number;
    reference: unknown;
    explanation: string;
  } | null;
  total: number;
  items: MarkingAnswer[];
}

export interface MarkInput {
  attemptId: number;
  position: number;
  score: number;
  comment?: string;
}

export interface RegradeRow {
  attemptId: number;
  teacherName: string;
  before: number | null;
  after: number | null;
  passedBefore: boolean;
  passedAfter: boolean;
}

export interface RegradeSummary {
  fromVersion: number;
  toVersion: number;
  attempts: number;
  changed: number;
  passedNow: number;
  failedNow: number;
  /** teachers whose hours are posted, and taken back */
  hoursPosted: number;
  hoursReversed: number;
  rows: RegradeRow[];
}

export interface ComponentRow {
  teacherId: number;
  component: string;
  score: number;
}

/** A question of the bank as the paper builder lists it (GET /api/questions). */
export interface BankQuestion {
  id: number;
  version: number;
  kind: QuestionKind;
  stem: string;
  module: string;
  subject: string;
  stage: string;
  difficulty: number;
  unitName?: string;
}

export interface BankQuery {
  unitId?: number;
  kind?: QuestionKind;
  module?: string;
  difficulty?: number;
  q?: string;
  includeInherited?: 'true' | 'false';
  page?: number;
  pageSize?: number;
}

/** A spot-check as the exam form offers it (GET /api/spot-checks). */
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
  spotChecks: ['exam-admin', 'spot-checks'] as const,
  markers: (id: number) => ['exam-admin', 'markers', id] as const,
  tags: (unitId?: number) => ['exam-admin', 'tags', unitId ?? null] as const,
};

export const examAdminApi = {
  list: (query: ExamQuery) =>
    apiRequest<{ items: ExamSummary[]; total: number }>('/api/exams', { query: { ...query } }),
  get: (id: number) => apiRequest<ExamDetail>(`/api/exams/${id}`),
  create: (input: ExamInput) => apiRequest<{ exam: Exam }>('/api/exams', { method: 'POST', body: input }),
  update: (id: number, input: Partial<ExamInput>) =>
    apiRequest<{ exam: Exam }>(`/api/exams/${id}`, { method: 'PATCH', body: input }),
  publish: (id: number) => apiRequest<{ exam: Exam }>(`/api/exams/${id}/publish`, { method: 'POST' }),
  close: (id: number) => apiRequest<{ exam: Exam }>(`/api/exams/${id}/close`, { method: 'POST' }),
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
  marking: (id: number) => apiRequest<{ questions: MarkingQuestion[] }>(`/api/exams/${id}/marking`),
  answers: (id: number, position: number, state: MarkState, page: number) =>
    apiRequest<MarkingAnswers>(`/api/exams/${id}/marking/${position}`, {
      query: { state, page, pageSize: MARKING_PAGE },
    }),
  mark: (id: number, input: MarkInput) =>
    apiRequest<{ round: number; state: MarkState; score: number | null }>(`/api/exams/${id}/marks`, {
      method: 'POST',
      body: input,
    }),
  regradePreview: (id: number, questionId: number) =>
    apiRequest<RegradeSummary>(`/api/exams/${id}/regrade/preview`, { method: 'POST', body: { questionId } }),
  regrade: (id: number, questionId: number) =>
    apiRequest<RegradeSummary>(`/api/exams/${id}/regrade`, { method: 'POST', body: { questionId } }),
  setComponents: (id: number, rows: ComponentRow[]) =>
    apiRequest<{ updated: number }>(`/api/exams/${id}/components`, { method: 'PUT', body: { rows } }),

  bank: (query: BankQuery) =>
    apiRequest<{ items: BankQuestion[]; total: number }>('/api/questions', { query: { ...query } }),
  bankTags: (unitId?: number) =>
    apiRequest<{ modules: string[]; subjects: string[]; stages: string[] }>('/api/questions/tags', {
      query: { unitId },
    }),
  spotChecks: () => apiRequest<{ items: SpotCheckOption[] }>('/api/spot-checks'),
};
