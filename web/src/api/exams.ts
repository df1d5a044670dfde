import type { ExamAnswer, ExamEventKind, QuestionKind, SeqAnswer } from '../pages/exams/answer-queue';
import { apiRequest } from './client';

/** A teacher's exams: upcoming, open and closed, with the attempts used and the result. */
export interface MyExam {
  id: number;
  title: string;
  target: 'course' | 'class' | 'project' | 'spot_check';
  opensAt: string;
  closesAt: string;
  durationMinutes: number;
  attemptsAllowed: number;
  attemptsUsed: number;
  openAttemptId: number | null;
  state: 'upcoming' | 'open' | 'closed';
  result: ExamResultLine | null;
}

export interface ExamResultLine {
  examScore: number | null;
  composite: number | null;
  level: ExamLevelCode | null;
  passed: boolean | null;
  pendingMarks: number;
}

export type ExamLevelCode = 'excellent' | 'good' | 'pass' | 'basic' | 'fail';

/** One thing a teacher still lacks before starting, with the figures to name it. */
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
    | 'ledger_hours';
  title?: string | null;
  countedMinutes?: number;
  requiredMinutes?: number;
  counted?: number;
  required?: number;
  hours?: number;
  opensAt?: string;
  closesAt?: string;
  category?: string | null;
}

export interface ExamEntry {
  exam: {
    id: number;
    title: string;
    instructions: string | null;
    opensAt: string;
    closesAt: string;
    durationMinutes: number;
    attemptsAllowed: number;
    questionCount: number;
    maxScore: number;
  };
  canStart: boolean;
  missing: ExamMissing[];
  attemptsUsed: number;
  openAttemptId: number | null;
  serverNow: string;
}

export interface ExamOption {
  key: string;
  text: string;
}

export interface AttemptQuestion {
  position: number;
  kind: QuestionKind;
  stem: string;
  options: ExamOption[];
  blanks: number;
  points: number;
}

export interface AttemptView {
  attempt: {
    id: number;
    examId: number;
    title: string;
    status: 'open' | 'submitted' | 'graded';
    attemptNo: number;
    startedAt: string;
    deadlineAt: string;
    serverNow: string;
  };
  questions: AttemptQuestion[];
  answers: SeqAnswer[];
}

export interface SaveAnswersAck {
  saved: { position: number; clientSeq: number }[];
  serverNow: string;
  deadlineAt: string;
}

export interface AttemptResult {
  attempt: {
    id: number;
    examId: number;
    title: string;
    status: 'open' | 'submitted' | 'graded';
    score: number | null;
    maxScore: number;
    examScore: number | null;
    pendingMarks: number;
    submittedAt: string | null;
    submittedHow: 'candidate' | 'time_up' | null;
  };
  result: { composite: number | null; level: ExamLevelCode | null; passed: boolean | null; credited: boolean } | null;
  questions: {
    position: number;
    kind: QuestionKind;
    stem: string;
    options: ExamOption[];
    points: number;
    earned: number | null;
    yourAnswer: ExamAnswer;
    key?: ExamAnswer | string[][];
    explanation?: string | null;
  }[];
}

export const examKeys = {
  all: ['exams'] as const,
  mine: ['exams', 'mine'] as const,
  entry: (examId: number) => ['exams', 'entry', examId] as const,
  attempt: (attemptId: number) => ['exams', 'attempt', attemptId] as const,
  result: (attemptId: number) => ['exams', 'result', attemptId] as const,
};

/** A teacher's side of online exams: the list, the entry, sitting an attempt and its result. */
export const examsApi = {
  mine: () => apiRequest<{ items: MyExam[] }>('/api/me/exams'),
  entry: (examId: number) => apiRequest<ExamEntry>(`/api/exams/${examId}/entry`),
  /** starts an attempt, or resumes the one in progress */
  start: (examId: number) => apiRequest<{ attemptId: number }>(`/api/exams/${examId}/attempts`, { method: 'POST' }),
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
    apiRequest<{ status: 'submitted' | 'graded' }>(`/api/exam-attempts/${attemptId}/submit`, {
      method: 'POST',
      body: answers.length > 0 ? { answers } : {},
    }),
  result: (attemptId: number) => apiRequest<AttemptResult>(`/api/exam-attempts/${attemptId}/result`),
};
