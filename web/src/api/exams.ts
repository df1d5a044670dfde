import type { ExamAnswer, ExamEventKind, SeqAnswer } from '../pages/exams/answer-queue';
import { apiRequest } from './client';
import type { ApiResponse } from './schema.gen';

/** A teacher's exams: upcoming, open and closed, with the attempts used and the result. */
export type MyExam = ApiResponse<'/api/me/exams', 'get'>['items'][number];
export type ExamLevelCode = NonNullable<NonNullable<MyExam['result']>['level']>;

type EntryResponse = ApiResponse<'/api/exams/{id}/entry', 'get'>;

/**
 * One thing a teacher still lacks before starting (src/domain/exam-gate.ts `EntryMissing`), with the
 * figures to name it; the response types it loosely (a code and its values).
 */
export interface ExamMissing {
  code:
    | 'not_open'
    | 'closed'
    | 'no_attempts_left'
    | 'not_a_candidate'
    | 'study_minutes'
    | 'homework'
    | 'posts'
    | 'reflections'
    | 'ledger_hours'
    | (string & {});
  title?: string | null;
  countedMinutes?: number;
  requiredMinutes?: number;
  counted?: number;
  required?: number;
  allowed?: number;
  opensAt?: string;
  closesAt?: string;
  category?: string | null;
}

export type ExamEntry = Omit<EntryResponse, 'missing'> & { missing: ExamMissing[] };

type AttemptResponse = ApiResponse<'/api/exam-attempts/{id}', 'get'>;
export type AttemptQuestion = AttemptResponse['questions'][number];
/** The paper with the answers saved, typed as the answers the page gives (the response says `unknown`). */
export type AttemptView = Omit<AttemptResponse, 'answers'> & { answers: SeqAnswer[] };
export type SaveAnswersAck = ApiResponse<'/api/exam-attempts/{id}/answers', 'put'>;

type ResultResponse = ApiResponse<'/api/exam-attempts/{id}/result', 'get'>;
export type ResultQuestion = Omit<ResultResponse['questions'][number], 'yourAnswer' | 'key'> & {
  yourAnswer: ExamAnswer;
  /** a fill-in's key lists the accepted texts of each blank */
  key: ExamAnswer | string[][];
};
export type AttemptResult = Omit<ResultResponse, 'questions'> & { questions: ResultQuestion[] };

export const examKeys = {
  all: ['exams'] as const,
  mine: ['exams', 'mine'] as const,
  entry: (examId: number) => ['exams', 'entry', examId] as const,
  attempt: (attemptId: number) => ['exams', 'attempt', attemptId] as const,
  result: (attemptId: number) => ['exams', 'result', attemptId] as const,
};

/** A teacher's side of online exams: the list, the entry, sitting an attempt and its result. */
export const examsApi = {
  mine: () => apiRequest<ApiResponse<'/api/me/exams', 'get'>>('/api/me/exams'),
  entry: (examId: number) => apiRequest<ExamEntry>(`/api/exams/${examId}/entry`),
  /** starts an attempt, or resumes the one in progress (from any device) */
  start: (examId: number) =>
    apiRequest<ApiResponse<'/api/exams/{id}/attempts', 'post'>>(`/api/exams/${examId}/attempts`, { method: 'POST' }),
  attempt: (attemptId: number) => apiRequest<AttemptView>(`/api/exam-attempts/${attemptId}`),
  saveAnswers: (attemptId: number, answers: SeqAnswer[]) =>
    apiRequest<SaveAnswersAck>(`/api/exam-attempts/${attemptId}/answers`, { method: 'PUT', body: { answers } }),
  event: (attemptId: number, kind: ExamEventKind, clientAt: string) =>
    apiRequest<void>(`/api/exam-attempts/${attemptId}/events`, {
      method: 'POST',
      body: { kind, clientAt },
      // a 'left' is sent as the page is hidden, perhaps about to be closed
      keepalive: true,
    }),
  submit: (attemptId: number, answers: SeqAnswer[]) =>
    apiRequest<ApiResponse<'/api/exam-attempts/{id}/submit', 'post'>>(`/api/exam-attempts/${attemptId}/submit`, {
      method: 'POST',
      body: { answers },
    }),
  result: (attemptId: number) => apiRequest<AttemptResult>(`/api/exam-attempts/${attemptId}/result`),
};
