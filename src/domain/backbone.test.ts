import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  acceptWithinQuotas,
  BACKBONE_LEVELS,
  checkNominee,
  dutyYearStatus,
  fitsQuota,
  highestLevel,
  levelOfUnit,
  nextRoundStatus,
  ROUND_EVENTS,
  type ROUND_STATUSES,
  roundProblems,
  termEnd,
} from './backbone.js';

describe('round state machine', () => {
  it('walks nominating → scoring → publicised → finalised', () => {
    expect(nextRoundStatus('nominating', 'close')).toBe('scoring');
    expect(nextRoundStatus('scoring', 'publish')).toBe('publicised');
    expect(nextRoundStatus('publicised', 'finalise')).toBe('finalised');
  });
  it('a withdrawn notice goes back to scoring; nominations reopen from scoring', () => {
    expect(nextRoundStatus('publicised', 'withdraw')).toBe('scoring');
    expect(nextRoundStatus('scoring', 'reopen')).toBe('nominating');
  });
  it('refuses steps out of order and anything after the end', () => {
    expect(nextRoundStatus('nominating', 'publish')).toBeNull();
    expect(nextRoundStatus('publicised', 'cancel')).toBeNull();
    for (const e of ROUND_EVENTS) {
      expect(nextRoundStatus('finalised', e)).toBeNull();
      expect(nextRoundStatus('cancelled', e)).toBeNull();
    }
  });
  it('never leaves finalised or cancelled, whatever the events', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ROUND_EVENTS), { maxLength: 30 }), (events) => {
        let s: (typeof ROUND_STATUSES)[number] = 'nominating';
        let ended = false;
        for (const e of events) {
          const n = nextRoundStatus(s, e);
          if (n === null) continue;
          expect(ended).toBe(false);
          s = n;
          if (s === 'finalised' || s === 'cancelled') ended = true;
        }
      }),
    );
  });
});

describe('quotas', () => {
  it('one more fits only below the quota', () => {
    expect(fitsQuota(2, 1)).toBe(true);
    expect(fitsQuota(2, 2)).toBe(false);
    expect(fitsQuota(0, 0)).toBe(false);
  });
  it('nominations accepted never exceed a unit quota, and every refused one found its unit full', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.integer({ min: 1, max: 6 }).map(String), fc.integer({ min: 0, max: 5 })),
        fc.array(fc.record({ unitId: fc.integer({ min: 1, max: 8 }) }), { maxLength: 60 }),
        (q, requests) => {
          const quotas = new Map(Object.entries(q).map(([k, v]) => [Number(k), v]));
          const accepted = acceptWithinQuotas(quotas, requests);
          const per = new Map<number, number>();
          for (const i of accepted) per.set(requests[i]!.unitId, (per.get(requests[i]!.unitId) ?? 0) + 1);
          for (const [unit, n] of per) expect(n).toBeLessThanOrEqual(quotas.get(unit) ?? 0);
          const set = new Set(accepted);
          requests.forEach((r, i) => {
            if (!set.has(i)) expect(per.get(r.unitId) ?? 0).toBe(quotas.get(r.unitId) ?? 0);
          });
        },
      ),
    );
  });
});

describe('the level a teacher is known by', () => {
  it('is the highest active title', () => {
    expect(
      highestLevel([
        { level: 'school', status: 'active' },
        { level: 'city', status: 'revoked' },
        { level: 'county', status: 'active' },
      ]),
    ).toBe('county');
    expect(highestLevel([{ level: 'province', status: 'expired' }])).toBeNull();
    expect(highestLevel([])).toBeNull();
  });
  it('does not depend on the order of the titles', () => {
    const title = fc.record({
      level: fc.constantFrom(...BACKBONE_LEVELS),
      status: fc.constantFrom('active', 'expired', 'revoked'),
    });
    fc.assert(
      fc.property(fc.array(title, { maxLength: 8 }), (ts) => {
        expect(highestLevel([...ts].reverse())).toBe(highestLevel(ts));
      }),
    );
  });
  it('a unit certifies at its own level', () => {
    expect(levelOfUnit('county')).toBe('county');
    expect(levelOfUnit('school')).toBe('school');
    expect(levelOfUnit('institution')).toBeNull();
  });
});

describe('duties of a year', () => {
  const term = { termStart: '2025-01-10', termEnd: '2028-01-09' };
  const need = { openLessons: 1, papers: 1 };
  it('done when both counts are met', () => {
    expect(dutyYearStatus(need, { openLessons: 2, papers: 1 }, 2026, '2026-03-01', term)).toBe('done');
  });
  it('pending early in the year, due soon from November, missed once the year is over', () => {
    expect(dutyYearStatus(need, { openLessons: 1, papers: 0 }, 2026, '2026-03-01', term)).toBe('pending');
    expect(dutyYearStatus(need, { openLessons: 1, papers: 0 }, 2026, '2026-11-01', term)).toBe('due_soon');
    expect(dutyYearStatus(need, { openLessons: 1, papers: 0 }, 2026, '2027-01-01', term)).toBe('missed');
  });
  it('a year outside the term needs nothing; zero duties are always done', () => {
    expect(dutyYearStatus(need, { openLessons: 0, papers: 0 }, 2024, '2026-03-01', term)).toBe('not_required');
    expect(dutyYearStatus({ openLessons: 0, papers: 0 }, { openLessons: 0, papers: 0 }, 2026, '2027-03-01', term)).toBe(
      'done',
    );
  });
});

describe('nominee checks and terms', () => {
  it('service years, stage and subject', () => {
    const t = { teachingStartYear: 2020, stage: 'primary', subject: '语文' };
    expect(checkNominee({}, t, 2026)).toEqual([]);
    expect(checkNominee({ minServiceYears: 8, stages: ['junior'], subjects: ['数学'] }, t, 2026)).toEqual([
      'service_years',
      'stage',
      'subject',
    ]);
    expect(checkNominee({ minServiceYears: 6 }, t, 2026)).toEqual([]);
  });
  it('a term ends the day before its anniversary', () => {
    expect(termEnd('2026-01-15', 3)).toBe('2029-01-14');
    expect(termEnd('2024-02-29', 1)).toBe('2025-02-28');
    expect(termEnd('2026-03-01', 1)).toBe('2027-02-28');
  });
  it('round fields', () => {
    const ok = {
      title: '县级骨干教师评选',
      criteria: '师德良好',
      nominationDeadline: '2026-05-01',
      termYears: 3,
      duties: { openLessons: 1, papers: 1 },
      checks: {},
      quotas: [{ quota: 2 }],
    };
    expect(roundProblems(ok)).toEqual({});
    expect(roundProblems({ ...ok, termYears: 0, quotas: [{ quota: 0 }], title: ' ' })).toEqual({
      termYears: 'invalid',
      quotas: 'empty',
      title: 'invalid',
    });
  });
});
