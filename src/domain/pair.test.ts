import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACTIVITY_KINDS,
  activityHours,
  agreementGaps,
  APPLIED_AS,
  awardable,
  initialStatus,
  isFinal,
  nextStatus,
  PAIR_STATUSES,
  PAIR_STEPS,
  type PairHoursRule,
  reviewScore,
  stepsFrom,
  termValid,
} from './pair.js';

const rule = (over: Partial<PairHoursRule> = {}): PairHoursRule => ({
  enabled: true,
  tenths: { observation: 10, guidance: 15, coteaching: 20, other: 5 },
  capTenths: 60,
  category: null,
  ...over,
});

describe('the states of a pair', () => {
  it('goes from application to a working pair only through the school and the county', () => {
    expect(nextStatus('applied', 'recommend')).toBe('recommended');
    expect(nextStatus('recommended', 'register')).toBe('registered');
    expect(nextStatus('registered', 'sign')).toBe('active');
    expect(nextStatus('active', 'end')).toBe('ended');
    // the county cannot register what the school has not recommended
    expect(nextStatus('applied', 'register')).toBeNull();
    // nothing is signed before registration
    expect(nextStatus('recommended', 'sign')).toBeNull();
  });

  it('lets a returned application be sent again, and nothing follows a refusal or an end', () => {
    expect(nextStatus('applied', 'return')).toBe('returned');
    expect(nextStatus('returned', 'resubmit')).toBe('applied');
    expect(stepsFrom('refused')).toEqual([]);
    expect(stepsFrom('ended')).toEqual([]);
  });

  it('starts a teacher’s application at the school, a school’s pairing at the county, a county’s registered', () => {
    expect(initialStatus('mentor')).toBe('applied');
    expect(initialStatus('mentee')).toBe('applied');
    expect(initialStatus('school')).toBe('recommended');
    expect(initialStatus('county')).toBe('registered');
  });

  it('never leaves a final state and every step lands on a known state (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...APPLIED_AS),
        fc.array(fc.constantFrom(...PAIR_STEPS), { maxLength: 30 }),
        (appliedAs, steps) => {
          let s = initialStatus(appliedAs);
          for (const step of steps) {
            const n = nextStatus(s, step);
            if (isFinal(s)) expect(n).toBeNull();
            if (n !== null) {
              expect(PAIR_STATUSES).toContain(n);
              // no step goes back before registration once a pair is registered
              if (s === 'registered' || s === 'active') expect(['active', 'ended']).toContain(n);
              s = n;
            }
          }
        },
      ),
    );
  });

  it('awards working pairs and pairs ended as completed only', () => {
    expect(awardable('active', null)).toBe(true);
    expect(awardable('ended', 'completed')).toBe(true);
    expect(awardable('ended', 'not_fulfilled')).toBe(false);
    expect(awardable('registered', null)).toBe(false);
  });
});

describe('the agreement', () => {
  it('names what is missing before it may be confirmed', () => {
    expect(agreementGaps({ goals: ' ', plan: '每月听课两节', termStart: '2026-09-01', termEnd: null })).toEqual([
      'goals',
      'termEnd',
    ]);
    expect(
      agreementGaps({ goals: '站稳讲台', plan: '每月听课', termStart: '2026-09-01', termEnd: '2027-07-01' }),
    ).toEqual([]);
  });

  it('takes a term of at most three years that ends after it starts', () => {
    expect(termValid('2026-09-01', '2027-07-15')).toBe(true);
    expect(termValid('2026-09-01', '2029-09-01')).toBe(true);
    expect(termValid('2026-09-01', '2029-09-02')).toBe(false);
    expect(termValid('2026-09-01', '2026-09-01')).toBe(false);
    expect(termValid('2026-13-01', '2027-01-01')).toBe(false);
  });
});

describe('hours of pair activities', () => {
  it('gives the kind’s hours, cut to what is left under the yearly cap', () => {
    expect(activityHours(rule(), 'coteaching', 0)).toBe(20);
    expect(activityHours(rule(), 'coteaching', 50)).toBe(10);
    expect(activityHours(rule(), 'observation', 60)).toBe(0);
    expect(activityHours(rule({ enabled: false }), 'guidance', 0)).toBe(0);
    expect(activityHours(null, 'guidance', 0)).toBe(0);
  });

  it('never lets a teacher’s year exceed the cap, whatever the activities (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          observation: fc.integer({ min: 0, max: 200 }),
          guidance: fc.integer({ min: 0, max: 200 }),
          coteaching: fc.integer({ min: 0, max: 200 }),
          other: fc.integer({ min: 0, max: 200 }),
        }),
        fc.integer({ min: 0, max: 2000 }),
        fc.array(fc.constantFrom(...ACTIVITY_KINDS), { maxLength: 80 }),
        (tenths, capTenths, kinds) => {
          const r = rule({ tenths, capTenths });
          let used = 0;
          for (const k of kinds) {
            const h = activityHours(r, k, used);
            expect(h).toBeGreaterThanOrEqual(0);
            expect(h).toBeLessThanOrEqual(tenths[k]);
            used += h;
            expect(used).toBeLessThanOrEqual(capTenths);
          }
          // until the cap is reached, nothing is cut
          const uncut = kinds.reduce((n, k) => n + tenths[k], 0);
          if (uncut <= capTenths) expect(used).toBe(uncut);
          else expect(used).toBe(capTenths);
        },
      ),
    );
  });
});

describe('review scores', () => {
  it('ends with the county’s score once it scored, else the school’s', () => {
    expect(reviewScore({ schoolScore: 80, countyScore: null })).toBe(80);
    expect(reviewScore({ schoolScore: 80, countyScore: 92 })).toBe(92);
    expect(reviewScore({ schoolScore: null, countyScore: null })).toBeNull();
  });
});
