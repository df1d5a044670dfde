import { describe, expect, it } from 'vitest';
import { entryMissing, type EntryFacts } from './exam-gate.js';

const T = Date.parse('2027-05-01T02:00:00Z');
const f = (over: Partial<EntryFacts> = {}): EntryFacts => ({
  now: T,
  status: 'published',
  opensAt: T - 1000,
  closesAt: T + 3_600_000,
  isCandidate: true,
  attemptsUsed: 0,
  attemptsAllowed: 1,
  hasOpenAttempt: false,
  gates: {},
  study: null,
  ledgerTenths: null,
  ...over,
});

describe('entryMissing (R-31)', () => {
  it('lets a candidate start inside the window with attempts left', () => {
    expect(entryMissing(f())).toEqual([]);
  });

  it('lists every missing item at once', () => {
    const m = entryMissing(
      f({
        opensAt: T + 1000,
        attemptsUsed: 1,
        gates: { studyComplete: true, minLedgerHours: 10, ledgerCategory: '师德' },
        study: [{ code: 'homework' }, { code: 'posts', counted: 1, required: 3 }],
        ledgerTenths: 45,
      }),
    );
    expect(m).toEqual([
      { code: 'not_open', opensAt: new Date(T + 1000).toISOString() },
      { code: 'no_attempts_left', allowed: 1 },
      { code: 'homework' },
      { code: 'posts', counted: 1, required: 3 },
      { code: 'ledger_hours', required: 10, counted: 4.5, category: '师德' },
    ]);
  });

  it('always resumes an attempt in progress while the exam is open', () => {
    expect(
      entryMissing(f({ hasOpenAttempt: true, attemptsUsed: 1, gates: { minLedgerHours: 99 }, ledgerTenths: 0 })),
    ).toEqual([]);
  });

  it('says closed after the window, and nothing else matters to someone not a candidate', () => {
    expect(entryMissing(f({ now: T + 3_600_000 }))[0]).toMatchObject({ code: 'closed' });
    expect(entryMissing(f({ isCandidate: false, attemptsUsed: 5 }))).toEqual([{ code: 'not_a_candidate' }]);
  });
});
