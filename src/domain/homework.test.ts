import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  anonCode,
  checkScheme,
  countsAsPassed,
  decideMark,
  gradePasses,
  isLate,
  maySubmit,
  teacherStatus,
} from './homework.js';

const SCORE = { grading: 'score', maxScore: 100, passScore: 60 } as const;
const GRADE = { grading: 'grade', maxScore: null, passScore: null } as const;
const due = new Date('2027-05-10T15:59:59Z');

describe('homework marks', () => {
  it('passes a score from the pass mark and a grade from 合格 up', () => {
    expect(decideMark(SCORE, { score: 60 })).toEqual({ score: 60, grade: null, passed: true });
    expect(decideMark(SCORE, { score: 59 })).toEqual({ score: 59, grade: null, passed: false });
    expect(decideMark(SCORE, { score: 100 })).toMatchObject({ passed: true });
    expect(decideMark(GRADE, { grade: 'good' })).toEqual({ score: null, grade: 'good', passed: true });
    expect(decideMark(GRADE, { grade: 'pass' })).toMatchObject({ passed: true });
    expect(decideMark(GRADE, { grade: 'fail' })).toMatchObject({ passed: false });
    expect(['excellent', 'good', 'pass', 'fail'].map((g) => gradePasses(g as 'pass'))).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });

  it('refuses a mark that does not fit the assignment', () => {
    expect(decideMark(SCORE, { score: 101 })).toEqual({ problem: 'score_out_of_range' });
    expect(decideMark(SCORE, { score: -1 })).toEqual({ problem: 'score_out_of_range' });
    expect(decideMark(SCORE, { score: 80.5 })).toEqual({ problem: 'score_out_of_range' });
    expect(decideMark(SCORE, { grade: 'good' })).toEqual({ problem: 'score_needed' });
    expect(decideMark(SCORE, {})).toEqual({ problem: 'score_needed' });
    expect(decideMark(GRADE, { score: 90 })).toEqual({ problem: 'grade_needed' });
    expect(decideMark(GRADE, { grade: 'good', score: 90 })).toEqual({ problem: 'grade_needed' });
  });

  it('a score passes exactly when it reaches the pass mark', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.nat(), fc.nat(), (max, p, s) => {
        const pass = p % (max + 1);
        const score = s % (max + 1);
        const m = decideMark({ grading: 'score', maxScore: max, passScore: pass }, { score });
        return 'passed' in m && m.passed === score >= pass;
      }),
    );
  });

  it('checks the scheme of an assignment form', () => {
    expect(checkScheme(SCORE)).toBeNull();
    expect(checkScheme(GRADE)).toBeNull();
    expect(checkScheme({ grading: 'score', maxScore: 100, passScore: null })).toBe('max_needed');
    expect(checkScheme({ grading: 'score', maxScore: 50, passScore: 60 })).toBe('pass_above_max');
    expect(checkScheme({ grading: 'grade', maxScore: 100, passScore: null })).toBe('grade_has_scores');
  });
});

describe('where an assignment stands for its teacher', () => {
  const open = { dueAt: due, blind: false, releasedAt: null };
  const before = new Date(due.getTime() - 1000);
  const after = new Date(due.getTime() + 1000);

  it('is 未提交 before the due moment and 逾期 after it, while nothing was sent', () => {
    expect(teacherStatus(null, open, before)).toBe('not_submitted');
    expect(teacherStatus(null, open, after)).toBe('overdue');
  });

  it('follows the tutor: submitted, returned, passed or failed', () => {
    expect(teacherStatus({ status: 'submitted', passed: null }, open, after)).toBe('submitted');
    expect(teacherStatus({ status: 'returned', passed: null }, open, after)).toBe('returned');
    expect(teacherStatus({ status: 'graded', passed: true }, open, after)).toBe('passed');
    expect(teacherStatus({ status: 'graded', passed: false }, open, after)).toBe('failed');
  });

  it('under blind marking shows a grade only once released, and counts it only then', () => {
    const blind = { dueAt: due, blind: true, releasedAt: null };
    const released = { ...blind, releasedAt: after };
    const graded = { status: 'graded', passed: true } as const;
    expect(teacherStatus(graded, blind, after)).toBe('submitted');
    expect(countsAsPassed(graded, blind)).toBe(false);
    expect(teacherStatus(graded, released, after)).toBe('passed');
    expect(countsAsPassed(graded, released)).toBe(true);
    expect(countsAsPassed({ status: 'graded', passed: false }, released)).toBe(false);
  });

  it('takes a new version unless the work has passed', () => {
    expect(maySubmit(null)).toBe(true);
    expect(maySubmit({ status: 'submitted', passed: null })).toBe(true);
    expect(maySubmit({ status: 'returned', passed: null })).toBe(true);
    expect(maySubmit({ status: 'graded', passed: false })).toBe(true);
    expect(maySubmit({ status: 'graded', passed: true })).toBe(false);
  });

  it('is late only after the due moment', () => {
    expect(isLate(due, due)).toBe(false);
    expect(isLate(after, due)).toBe(true);
  });
});

describe('anonymous codes', () => {
  it('takes the next free 4-digit code, wrapping round', () => {
    expect(anonCode(new Set(), 42)).toBe('0042');
    expect(anonCode(new Set(['0042', '0043']), 42)).toBe('0044');
    expect(anonCode(new Set(['9999']), 9999)).toBe('0000');
  });

  it('never gives a taken one', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 9999 }), { maxLength: 300 }), fc.nat(), (taken, start) => {
        const set = new Set(taken.map((n) => String(n).padStart(4, '0')));
        const code = anonCode(set, start);
        return /^\d{4}$/.test(code) && !set.has(code);
      }),
    );
  });
});
