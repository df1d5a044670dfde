import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addCounts,
  analyseQuestions,
  DEFAULT_BANDS,
  distribution,
  type GradedPaper,
  groupSize,
  noLevels,
  questionFigures,
  questionFlags,
  summarise,
  TEN_POINT_BANDS,
  unitRates,
} from './exam-stats.js';

const score = fc.double({ min: 0, max: 100, noNaN: true });

describe('score distribution', () => {
  it('puts each score in its band: 59.5 is below 60, 100 is in the top band', () => {
    const d = distribution([0, 59.5, 60, 69.99, 75, 89, 90, 100]);
    expect(d.map((b) => `${b.from}–${b.to}:${b.count}`)).toEqual([
      '0–59:2',
      '60–69:2',
      '70–79:1',
      '80–89:1',
      '90–100:2',
    ]);
    expect(d[0]?.share).toBe(25);
  });

  it('gives ten bands of ten points on request, the last one 90–100', () => {
    const d = distribution([5, 15, 99, 100], TEN_POINT_BANDS);
    expect(d).toHaveLength(10);
    expect(d.map((b) => b.count)).toEqual([1, 1, 0, 0, 0, 0, 0, 0, 0, 2]);
  });

  it('shows no share without scores, never 0 % or NaN', () => {
    expect(distribution([]).every((b) => b.count === 0 && b.share === null)).toBe(true);
  });

  it('counts every score exactly once, whichever bands are used', () => {
    fc.assert(
      fc.property(fc.array(score, { maxLength: 60 }), fc.boolean(), (scores, ten) => {
        const d = distribution(scores, ten ? TEN_POINT_BANDS : DEFAULT_BANDS);
        expect(d.reduce((s, b) => s + b.count, 0)).toBe(scores.length);
      }),
    );
  });
});

describe('score summary', () => {
  it('gives mean, median, extremes and standard deviation', () => {
    expect(summarise([60, 70, 80, 90])).toEqual({ count: 4, mean: 75, median: 75, max: 90, min: 60, sd: 11.18 });
    expect(summarise([88])).toMatchObject({ mean: 88, median: 88, sd: 0 });
  });

  it('has nothing to say without scores', () => {
    expect(summarise([])).toEqual({ count: 0, mean: null, median: null, max: null, min: null, sd: null });
  });

  it('keeps the mean and the median between the lowest and the highest score', () => {
    fc.assert(
      fc.property(fc.array(score, { minLength: 1, maxLength: 50 }), (scores) => {
        const s = summarise(scores);
        for (const x of [s.mean!, s.median!]) {
          expect(x).toBeGreaterThanOrEqual(s.min! - 0.005);
          expect(x).toBeLessThanOrEqual(s.max! + 0.005);
        }
        expect(s.sd).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});

/** Papers of two questions: q1 answered right by the strong half only, q2 right by everybody. */
function papers(n: number): GradedPaper[] {
  return Array.from({ length: n }, (_, i) => {
    const strong = i < n / 2;
    return {
      total: strong ? 90 - i : 40 - i,
      items: [
        { questionVersionId: 1, points: 5, earned: strong ? 5 : 0, answered: true },
        { questionVersionId: 2, points: 5, earned: 5, answered: true },
      ],
    };
  });
}

describe('question analysis', () => {
  it('measures difficulty as points earned over points possible, and discrimination between the upper and lower 27 %', () => {
    const figures = analyseQuestions(papers(20));
    expect(figures.find((q) => q.questionVersionId === 1)).toEqual({
      questionVersionId: 1,
      papers: 20,
      answered: 20,
      difficulty: 0.5,
      discrimination: 1,
    });
    expect(figures.find((q) => q.questionVersionId === 2)).toMatchObject({ difficulty: 1, discrimination: 0 });
  });

  it('gives no discrimination with fewer than 10 graded papers, and says the difficulty all the same', () => {
    const figures = analyseQuestions(papers(9));
    expect(figures.every((q) => q.discrimination === null)).toBe(true);
    expect(figures.find((q) => q.questionVersionId === 2)?.difficulty).toBe(1);
  });

  it('analyses a question by version wherever it stood, counting an unanswered one as nothing earned', () => {
    const base = papers(10);
    base[0] = { total: 95, items: [{ questionVersionId: 7, points: 10, earned: 0, answered: false }] };
    base[1] = { total: 94, items: [{ questionVersionId: 7, points: 10, earned: 10, answered: true }] };
    const q7 = analyseQuestions(base).find((q) => q.questionVersionId === 7);
    expect(q7).toMatchObject({ papers: 2, answered: 1, difficulty: 0.5 });
  });

  it('keeps difficulty within 0…1 and discrimination within −1…1', () => {
    const item = fc.record({
      questionVersionId: fc.integer({ min: 1, max: 4 }),
      points: fc.integer({ min: 1, max: 10 }),
      earned: fc.integer({ min: 0, max: 10 }),
      answered: fc.boolean(),
    });
    const paper = fc.record({ total: score, items: fc.array(item, { maxLength: 4 }) });
    fc.assert(
      fc.property(fc.array(paper, { maxLength: 40 }), (ps) => {
        for (const q of analyseQuestions(ps)) {
          expect(q.difficulty).not.toBeNull();
          expect(q.difficulty!).toBeGreaterThanOrEqual(0);
          expect(q.difficulty!).toBeLessThanOrEqual(1);
          if (q.discrimination !== null) expect(Math.abs(q.discrimination)).toBeLessThanOrEqual(1);
          expect(q.answered).toBeLessThanOrEqual(q.papers);
        }
      }),
    );
  });

  it('takes 27 % of the papers, rounded, at least one, for each group', () => {
    expect([1, 3, 10, 11, 50, 100].map(groupSize)).toEqual([1, 1, 3, 3, 14, 27]);
  });

  it('gives the same figures from sums the database adds up', () => {
    const sums = {
      questionVersionId: 3,
      papers: 12,
      answered: 11,
      earned: 30,
      possible: 60,
      upperEarned: 15,
      upperPossible: 15,
      lowerEarned: 0,
      lowerPossible: 15,
    };
    expect(questionFigures(sums, 12)).toEqual({
      questionVersionId: 3,
      papers: 12,
      answered: 11,
      difficulty: 0.5,
      discrimination: 1,
    });
    expect(questionFigures(sums, 9).discrimination).toBeNull();
  });

  it('flags questions too easy, too hard or telling the groups apart poorly', () => {
    expect(questionFlags({ difficulty: 0.95, discrimination: 0.1 })).toEqual(['too_easy', 'poor_discrimination']);
    expect(questionFlags({ difficulty: 0.2, discrimination: null })).toEqual(['too_hard']);
    expect(questionFlags({ difficulty: 0.6, discrimination: 0.4 })).toEqual([]);
  });
});

describe('unit rates and skill targets (R-37)', () => {
  const levels = { ...noLevels(), excellent: 3, good: 7, pass: 8, fail: 2 };

  it('counts participation over candidates, pass and excellence over those with a result', () => {
    const r = unitRates({ candidates: 25, sat: 20, assessed: 20, passed: 18, levels }, { excellentShare: 15 });
    expect(r).toEqual({
      participationRate: 80,
      passRate: 90,
      excellent: 3,
      excellentRate: 15,
      excellentMet: true,
      competentMet: null,
    });
  });

  it('falls short of 100 % competent with one failure', () => {
    const r = unitRates({ candidates: 20, sat: 20, assessed: 20, passed: 18, levels }, { competentShare: 100 });
    expect(r.competentMet).toBe(false);
  });

  it('shows "—" for a unit with no candidates and no results, and no standing', () => {
    const r = unitRates(
      { candidates: 0, sat: 0, assessed: 0, passed: 0, levels: noLevels() },
      { excellentShare: 15, competentShare: 100 },
    );
    expect(r).toMatchObject({
      participationRate: null,
      passRate: null,
      excellentRate: null,
      excellentMet: null,
      competentMet: null,
    });
  });

  it('adds units into a total line', () => {
    const a = { candidates: 10, sat: 9, assessed: 9, passed: 8, levels };
    const total = addCounts([a, a]);
    expect(total).toMatchObject({ candidates: 20, sat: 18, assessed: 18, passed: 16 });
    expect(total.levels.excellent).toBe(6);
  });
});
