import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compositeScore,
  compositeValid,
  countingAttempt,
  DEFAULT_LEVEL_CUTS,
  EXAM_LEVELS,
  levelCutsValid,
  levelOf,
  levelPasses,
  markOutcome,
  outOf100,
  rate,
  targetStanding,
} from './exam-score.js';

const W = [
  { key: 'exam', label: '考试', weight: 70 },
  { key: 'process', label: '过程', weight: 30 },
];

describe('levels (R-33)', () => {
  it('cut at the configured marks, inclusive', () => {
    expect([90, 89.99, 80, 60, 59.99, 50, 49.99].map((x) => levelOf(x, DEFAULT_LEVEL_CUTS))).toEqual([
      'excellent',
      'good',
      'good',
      'pass',
      'basic',
      'basic',
      'fail',
    ]);
  });

  it('never rank a higher composite lower', () => {
    fc.assert(
      fc.property(fc.float({ min: 0, max: 100, noNaN: true }), fc.float({ min: 0, max: 100, noNaN: true }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        return (
          EXAM_LEVELS.indexOf(levelOf(hi, DEFAULT_LEVEL_CUTS)) <= EXAM_LEVELS.indexOf(levelOf(lo, DEFAULT_LEVEL_CUTS))
        );
      }),
    );
  });

  it('refuse cut-offs that rise or leave 0–100', () => {
    expect(levelCutsValid(DEFAULT_LEVEL_CUTS)).toBe(true);
    expect(levelCutsValid({ excellent: 80, good: 85, pass: 60, basic: 50 })).toBe(false);
    expect(levelCutsValid({ excellent: 101, good: 85, pass: 60, basic: 50 })).toBe(false);
  });

  it('pass from the exam’s pass level', () => {
    expect(levelPasses('basic', 'pass')).toBe(false);
    expect(levelPasses('basic', 'basic')).toBe(true);
    expect(levelPasses('fail', 'basic')).toBe(false);
  });
});

describe('composite (R-32)', () => {
  it('weights the components and waits for every one', () => {
    expect(compositeScore(W, { exam: 80, process: 90 })).toBe(83);
    expect(compositeScore(W, { exam: 80 })).toBeNull();
    expect(compositeValid(W)).toBe(true);
    expect(compositeValid([{ key: 'process', label: 'x', weight: 100 }])).toBe(false);
    expect(compositeValid([{ key: 'exam', label: 'x', weight: 60 }])).toBe(false);
  });

  it('lies between its lowest and highest component', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 1, max: 99 }),
        (a, b, w) => {
          const c = compositeScore(
            [
              { key: 'exam', label: '', weight: w },
              { key: 'p', label: '', weight: 100 - w },
            ],
            { exam: a, p: b },
          )!;
          return c >= Math.min(a, b) - 0.01 && c <= Math.max(a, b) + 0.01;
        },
      ),
    );
  });

  it('turns a score into a mark out of 100', () => {
    expect(outOf100(37, 50)).toBe(74);
    expect(outOf100(1, 3)).toBe(33.33);
  });
});

describe('countingAttempt', () => {
  const a = [
    { attemptNo: 1, score: 70 },
    { attemptNo: 2, score: 90 },
    { attemptNo: 3, score: 60 },
  ];
  it('takes the highest (the earlier of equals) or the last', () => {
    expect(countingAttempt(a, 'highest')).toEqual({ attemptNo: 2, score: 90 });
    expect(countingAttempt(a, 'last')).toEqual({ attemptNo: 3, score: 60 });
    expect(
      countingAttempt(
        [
          { attemptNo: 1, score: 5 },
          { attemptNo: 2, score: 5 },
        ],
        'highest',
      )?.attemptNo,
    ).toBe(1);
    expect(countingAttempt([], 'highest')).toBeNull();
  });
});

describe('markOutcome', () => {
  it('single marking: the first mark stands', () => {
    expect(markOutcome(new Map(), false, 3)).toEqual({ state: 'pending' });
    expect(markOutcome(new Map([[1, 7]]), false, 3)).toEqual({ state: 'marked', score: 7 });
  });
  it('double marking: the mean of close marks, disputed beyond the threshold until the arbiter', () => {
    expect(markOutcome(new Map([[1, 7]]), true, 3)).toEqual({ state: 'pending' });
    expect(
      markOutcome(
        new Map([
          [1, 7],
          [2, 10],
        ]),
        true,
        3,
      ),
    ).toEqual({ state: 'marked', score: 8.5 });
    expect(
      markOutcome(
        new Map([
          [1, 6],
          [2, 10],
        ]),
        true,
        3,
      ),
    ).toEqual({ state: 'disputed', marks: [6, 10] });
    expect(
      markOutcome(
        new Map([
          [1, 6],
          [2, 10],
          [3, 9],
        ]),
        true,
        3,
      ),
    ).toEqual({ state: 'marked', score: 9 });
  });
});

describe('rates and targets (R-37)', () => {
  it('shows an empty denominator as no rate, never 0 % or NaN', () => {
    expect(rate(0, 0)).toBeNull();
    expect(rate(1, 3)).toBe(33.3);
    expect(
      targetStanding({ assessed: 0, excellent: 0, passed: 0 }, { excellentShare: 15, competentShare: 100 }),
    ).toEqual({
      excellentRate: null,
      passRate: null,
      excellentMet: null,
      competentMet: null,
    });
  });
  it('compares a unit with its targets', () => {
    expect(
      targetStanding({ assessed: 20, excellent: 3, passed: 20 }, { excellentShare: 15, competentShare: 100 }),
    ).toEqual({
      excellentRate: 15,
      passRate: 100,
      excellentMet: true,
      competentMet: true,
    });
    expect(
      targetStanding({ assessed: 20, excellent: 2, passed: 19 }, { excellentShare: 15, competentShare: 100 }),
    ).toMatchObject({
      excellentMet: false,
      competentMet: false,
    });
  });
});
