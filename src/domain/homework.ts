/**
 * Homework of an online class (研修作业, R-31): how an assignment is graded, when a submission passes,
 * what a teacher sees of their own work, and what blind marking withholds.
 */

/** How an assignment is graded: a score out of its maximum, or a grade level. */
export const GRADING_KINDS = ['score', 'grade'] as const;
export type GradingKind = (typeof GRADING_KINDS)[number];

/** 优秀 / 良好 / 合格 / 不合格, best first. */
export const HOMEWORK_GRADES = ['excellent', 'good', 'pass', 'fail'] as const;
export type HomeworkGrade = (typeof HOMEWORK_GRADES)[number];

export const GRADE_LABELS: Record<HomeworkGrade, string> = {
  excellent: '优秀',
  good: '良好',
  pass: '合格',
  fail: '不合格',
};

/** Where a submission stands: waiting for its tutor, sent back for another version, or graded. */
export const SUBMISSION_STATUSES = ['submitted', 'returned', 'graded'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

/** What a teacher sees of an assignment: 未提交 / 逾期 / 已提交 / 已退回 / 已通过 / 未通过. */
export const TEACHER_HOMEWORK_STATUSES = [
  'not_submitted',
  'overdue',
  'submitted',
  'returned',
  'passed',
  'failed',
] as const;
export type TeacherHomeworkStatus = (typeof TEACHER_HOMEWORK_STATUSES)[number];

/** The filters of a tutor's submissions table: a waiting, returned, passed or failed submission, or none yet. */
export const TUTOR_FILTERS = ['waiting', 'returned', 'passed', 'failed', 'not_submitted'] as const;
export type TutorFilter = (typeof TUTOR_FILTERS)[number];

/** At most this many files per version, each at most this large. */
export const HOMEWORK_MAX_FILES = 10;
export const HOMEWORK_FILE_MAX_BYTES = 20 * 1_048_576;

export interface GradingScheme {
  grading: GradingKind;
  /** for a score: the highest score and the lowest that passes */
  maxScore: number | null;
  passScore: number | null;
}

/** A grade passes from 合格 up. */
export function gradePasses(grade: HomeworkGrade): boolean {
  return grade !== 'fail';
}

export type Mark =
  | { score: number; grade: null; passed: boolean }
  | { score: null; grade: HomeworkGrade; passed: boolean };

/**
 * A tutor's mark checked against the assignment's scheme: a whole score from 0 to the maximum (passed
 * from the pass mark), or a grade (passed from 合格). Answers the problem instead when the mark does
 * not fit the scheme.
 *
 * @example decideMark({ grading: 'score', maxScore: 100, passScore: 60 }, { score: 59 }) // { score: 59, grade: null, passed: false }
 */
export function decideMark(
  scheme: GradingScheme,
  mark: { score?: number | null; grade?: HomeworkGrade | null },
): Mark | { problem: 'score_needed' | 'grade_needed' | 'score_out_of_range' } {
  if (scheme.grading === 'grade') {
    if (!mark.grade || (mark.score !== undefined && mark.score !== null)) return { problem: 'grade_needed' };
    return { score: null, grade: mark.grade, passed: gradePasses(mark.grade) };
  }
  const score = mark.score;
  if (score === undefined || score === null || (mark.grade !== undefined && mark.grade !== null))
    return { problem: 'score_needed' };
  const max = scheme.maxScore ?? 0;
  if (!Number.isInteger(score) || score < 0 || score > max) return { problem: 'score_out_of_range' };
  return { score, grade: null, passed: score >= (scheme.passScore ?? max) };
}

/** The scheme an assignment form asks for, or the problem with it. */
export function checkScheme(s: GradingScheme): 'max_needed' | 'pass_above_max' | 'grade_has_scores' | null {
  if (s.grading === 'grade') return s.maxScore !== null || s.passScore !== null ? 'grade_has_scores' : null;
  if (s.maxScore === null || s.passScore === null) return 'max_needed';
  return s.passScore > s.maxScore ? 'pass_above_max' : null;
}

/** Under blind marking, until the grades are released, tutors see no names and teachers no grades. */
export function isBlindNow(a: { blind: boolean; releasedAt: Date | null }): boolean {
  return a.blind && a.releasedAt === null;
}

/** A version is late when it arrives after the due moment (it is accepted all the same). */
export function isLate(submittedAt: Date, dueAt: Date): boolean {
  return submittedAt.getTime() > dueAt.getTime();
}

/** A teacher may send a (new) version unless the work has passed. */
export function maySubmit(s: { status: SubmissionStatus; passed: boolean | null } | null): boolean {
  if (!s) return true;
  return s.status !== 'graded' || s.passed === false;
}

/**
 * Where an assignment stands for its teacher. A grade withheld by blind marking reads as 已提交 until
 * the release; a missing submission is 逾期 once the due moment has passed.
 */
export function teacherStatus(
  s: { status: SubmissionStatus; passed: boolean | null } | null,
  a: { dueAt: Date; blind: boolean; releasedAt: Date | null },
  now: Date,
): TeacherHomeworkStatus {
  if (!s) return now.getTime() > a.dueAt.getTime() ? 'overdue' : 'not_submitted';
  switch (s.status) {
    case 'submitted':
      return 'submitted';
    case 'returned':
      return 'returned';
    case 'graded':
      if (isBlindNow(a)) return 'submitted';
      return s.passed ? 'passed' : 'failed';
    default: {
      const never: never = s.status;
      return never;
    }
  }
}

/** Whether a submission counts as passed for completion: graded, passing, and not withheld by blind marking. */
export function countsAsPassed(
  s: { status: SubmissionStatus; passed: boolean | null },
  a: { blind: boolean; releasedAt: Date | null },
): boolean {
  return s.status === 'graded' && s.passed === true && !isBlindNow(a);
}

/**
 * A 4-digit anonymous code not yet taken in the assignment, from a random start.
 * @example anonCode(new Set(['0417']), 417) // '0418'
 */
export function anonCode(taken: ReadonlySet<string>, start: number): string {
  for (let i = 0; i < 10_000; i++) {
    const code = String((start + i) % 10_000).padStart(4, '0');
    if (!taken.has(code)) return code;
  }
  throw new Error('no anonymous code left');
}
