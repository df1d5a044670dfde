import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { completionOf } from './enrolment.js';

describe('completion of a class (R-15)', () => {
  it('asks for the share of sessions rounded up: 80 % of 6 is 5', () => {
    const rule = { minAttendancePct: 80, assessmentRequired: false };
    expect(completionOf(rule, 5, 6, null)).toEqual({ completed: true });
    expect(completionOf(rule, 4, 6, null)).toEqual({
      completed: false,
      reasons: [{ code: 'attendance', attended: 4, sessions: 6, requiredPct: 80 }],
    });
  });

  it('requires a passed assessment only when the rule says so, and names both failures', () => {
    const rule = { minAttendancePct: 50, assessmentRequired: true };
    expect(completionOf(rule, 2, 4, true)).toEqual({ completed: true });
    expect(completionOf(rule, 2, 4, null)).toEqual({ completed: false, reasons: [{ code: 'assessment' }] });
    expect(completionOf(rule, 2, 4, false)).toEqual({ completed: false, reasons: [{ code: 'assessment' }] });
    expect(completionOf(rule, 1, 4, false)).toMatchObject({
      completed: false,
      reasons: [{ code: 'attendance' }, { code: 'assessment' }],
    });
    expect(completionOf({ minAttendancePct: 50, assessmentRequired: false }, 2, 4, false)).toEqual({ completed: true });
  });

  it('is monotone: attending more never undoes completion, and 100 % attendance always meets the attendance rule', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 60 }),
        fc.nat(60),
        fc.boolean(),
        (pct, sessions, a, passed) => {
          const attended = Math.min(a, sessions);
          const rule = { minAttendancePct: pct, assessmentRequired: false };
          const now = completionOf(rule, attended, sessions, passed);
          if (now.completed && attended < sessions)
            expect(completionOf(rule, attended + 1, sessions, passed).completed).toBe(true);
          expect(completionOf(rule, sessions, sessions, passed).completed).toBe(true);
          // the threshold is exactly ceil(pct × sessions / 100)
          expect(now.completed).toBe(attended * 100 >= pct * sessions || attended >= Math.ceil((pct * sessions) / 100));
        },
      ),
    );
  });
});
