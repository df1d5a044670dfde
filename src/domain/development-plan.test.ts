import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  nextStatus,
  normaliseYears,
  PLAN_STATUSES,
  planProblems,
  planYears,
  type PlanMove,
  type PlanStatus,
  selfReviewOpen,
} from './development-plan.js';

const MOVES: PlanMove[] = ['save', 'submit', 'approve', 'return', 'self_review'];
const draft = (startYear: number, actions = '上公开课') => ({
  startYear,
  goals: '成为县级骨干教师',
  years: planYears(startYear).map((year) => ({ year, actions, training: '', targetTenths: 720 })),
});

describe('development plan life cycle', () => {
  it('draft → submitted → returned → submitted → approved', () => {
    expect(nextStatus('draft', 'submit')).toBe('submitted');
    expect(nextStatus('submitted', 'return')).toBe('returned');
    expect(nextStatus('returned', 'save')).toBe('returned');
    expect(nextStatus('returned', 'submit')).toBe('submitted');
    expect(nextStatus('submitted', 'approve')).toBe('approved');
    expect(nextStatus('approved', 'self_review')).toBe('approved');
  });

  it('whatever the moves, a plan is approved only straight from submitted, and never edited once submitted or approved', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...MOVES), { maxLength: 30 }), (moves) => {
        let s: PlanStatus = 'draft';
        for (const m of moves) {
          const to = nextStatus(s, m);
          if (to === null) continue;
          if (to === 'approved' && s !== 'approved') expect(s).toBe('submitted');
          if (m === 'save') expect(['draft', 'returned']).toContain(s);
          expect(PLAN_STATUSES).toContain(to);
          s = to;
        }
      }),
    );
  });
});

describe('what a plan must hold', () => {
  it('a draft may be empty; a submission needs the goals and every year’s actions', () => {
    expect(planProblems(draft(2027, ''), 2027, false)).toEqual([]);
    expect(planProblems(draft(2027, ''), 2027, true).map((p) => p.field)).toEqual(['actions', 'actions', 'actions']);
    expect(planProblems(draft(2027), 2027, true)).toEqual([]);
  });

  it('a plan covers exactly the three years from its start, which lies from two years back to next year', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2100 }), fc.integer({ min: 2002, max: 2099 }), (start, now) => {
        const problems = planProblems(draft(start), now, true);
        const allowed = start >= now - 2 && start <= now + 1;
        expect(problems.some((p) => p.field === 'startYear')).toBe(!allowed);
      }),
    );
    const shifted = { ...draft(2027), years: draft(2028).years };
    expect(planProblems(shifted, 2027, false)).toContainEqual({ field: 'years', reason: 'order' });
  });
});

describe('the year-end self-review', () => {
  it('never opens before 1 December of its year, nor for a plan not approved', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PLAN_STATUSES),
        fc.integer({ min: 2020, max: 2030 }),
        fc.integer({ min: 0, max: 3 }),
        fc.date({ min: new Date('2019-01-01'), max: new Date('2035-12-31'), noInvalidDate: true }),
        (status, start, k, d) => {
          const day = d.toISOString().slice(0, 10);
          const year = start + k;
          const open = selfReviewOpen({ status, startYear: start }, year, day);
          if (open) {
            expect(status).toBe('approved');
            expect(k).toBeLessThan(3);
            expect(day >= `${year}-12-01`).toBe(true);
          }
        },
      ),
    );
  });

  it('stored years are read back in order, missing ones empty', () => {
    expect(
      normaliseYears(2027, [{ year: 2028, actions: 'b', training: '', targetTenths: 5 }]).map((y) => y.actions),
    ).toEqual(['', 'b', '']);
  });
});
