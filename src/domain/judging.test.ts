import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  advance,
  awardLevels,
  disagreements,
  itemScoreProblems,
  type JudgeItemScores,
  normalise,
  rank,
  round2,
  rubricProblems,
  rubricTotal,
  type RubricItem,
  scorecard,
  scoreEntries,
  trimmedMean,
} from './judging.js';

const rubric: RubricItem[] = [
  { key: 'content', weight: 4, max: 40 },
  { key: 'method', weight: 3, max: 30 },
  { key: 'effect', weight: 3, max: 30 },
];

const scoreArb = fc.record({
  judgeId: fc.integer({ min: 1, max: 8 }),
  entryId: fc.integer({ min: 1, max: 12 }),
  items: fc.record({
    content: fc.integer({ min: 0, max: 40 }),
    method: fc.integer({ min: 0, max: 30 }),
    effect: fc.integer({ min: 0, max: 30 }),
  }),
});
const scoresArb = fc.uniqueArray(scoreArb, { selector: (s) => `${s.judgeId}:${s.entryId}`, maxLength: 60 });
const optsArb = fc.record({
  trimAt: fc.integer({ min: 3, max: 10 }),
  normalise: fc.record({ enabled: fc.boolean(), minPerJudge: fc.integer({ min: 1, max: 6 }) }),
});

describe('trimmedMean', () => {
  it('drops the highest and the lowest from five scores, not from three', () => {
    const five = trimmedMean([80, 90, 70, 85, 60]);
    expect(five.droppedHigh).toBe(90);
    expect(five.droppedLow).toBe(60);
    expect(five.value).toBeCloseTo(235 / 3, 10);
    const three = trimmedMean([80, 90, 70]);
    expect(three.value).toBe(80);
    expect(three.droppedHigh).toBeNull();
    expect(trimmedMean([80, 90, 70], { trimAt: 3 }).value).toBe(80);
    expect(trimmedMean([], {}).value).toBeNull();
  });

  it('does not depend on the order of the scores and stays within their range', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 3, max: 10 }),
        (xs, trimAt) => {
          const a = trimmedMean(xs, { trimAt });
          const b = trimmedMean([...xs].reverse(), { trimAt });
          expect(b).toEqual(a);
          expect(a.value as number).toBeGreaterThanOrEqual(Math.min(...xs) - 1e-9);
          expect(a.value as number).toBeLessThanOrEqual(Math.max(...xs) + 1e-9);
          expect(a.used.length).toBe(xs.length >= trimAt ? xs.length - 2 : xs.length);
        },
      ),
    );
  });
});

describe('rubric', () => {
  it('turns weighted item scores into a 0–100 total', () => {
    expect(rubricTotal(rubric, { content: 40, method: 30, effect: 30 })).toBeCloseTo(100, 10);
    expect(rubricTotal(rubric, { content: 20, method: 15, effect: 0 })).toBeCloseTo(35, 10);
    expect(rubricProblems(rubric)).toEqual([]);
    expect(rubricProblems([])).toContain('rubric_empty');
    expect(rubricProblems([{ key: 'a', weight: 0, max: 10 }])).toContain('rubric_weight');
    expect(itemScoreProblems(rubric, { content: 41, method: 1 })).toEqual(['range:content', 'missing:effect']);
  });
});

describe('normalise', () => {
  it('says why it was not applied when a judge has too few scores', () => {
    const totals = [
      ...Array.from({ length: 10 }, (_, i) => ({ judgeId: 1, entryId: i + 1, value: 60 + i })),
      ...Array.from({ length: 3 }, (_, i) => ({ judgeId: 2, entryId: i + 1, value: 80 + i })),
    ];
    const n = normalise(totals, { minPerJudge: 5 });
    expect(n.applied).toBe(false);
    expect(n.reason).toEqual({ code: 'too_few_scores', judges: 1, min: 5, fewest: 3 });
    expect(normalise(totals.slice(0, 10)).reason).toEqual({ code: 'single_judge' });
    expect(normalise(totals, { enabled: false }).reason).toEqual({ code: 'disabled' });
  });

  it('rescales a harsh and a lenient judge who agree on the order onto the same scale', () => {
    const totals = [1, 2, 3, 4, 5].flatMap((e) => [
      { judgeId: 1, entryId: e, value: 50 + e * 2 },
      { judgeId: 2, entryId: e, value: 80 + e * 4 },
    ]);
    const n = normalise(totals, { minPerJudge: 5 });
    expect(n.applied).toBe(true);
    for (const e of [1, 2, 3, 4, 5]) expect(n.values.get(`1:${e}`)).toBeCloseTo(n.values.get(`2:${e}`) as number, 9);
  });
});

describe('scoreEntries', () => {
  it('does not depend on the order of judges or scores', () => {
    fc.assert(
      fc.property(scoresArb, optsArb, fc.integer(), (scores, options, seed) => {
        const shuffled = [...scores].sort(
          (a, b) =>
            ((a.judgeId * 7919 + a.entryId * 31 + seed) % 13) - ((b.judgeId * 7919 + b.entryId * 31 + seed) % 13),
        );
        const a = scoreEntries({ rubric, scores, options });
        const b = scoreEntries({ rubric, scores: shuffled, options });
        expect(b.entries).toEqual(a.entries);
        expect(b.normalisation.applied).toBe(a.normalisation.applied);
      }),
    );
  });

  it('never counts a recused judge: changing or removing their score of that entry changes nothing', () => {
    fc.assert(
      fc.property(scoresArb, optsArb, fc.nat(), fc.integer({ min: 0, max: 40 }), (scores, options, pick, v) => {
        fc.pre(scores.length > 0);
        const target = scores[pick % scores.length] as JudgeItemScores;
        const recusals = [{ judgeId: target.judgeId, entryId: target.entryId }];
        const changed = scores.map((s) => (s === target ? { ...s, items: { ...s.items, content: v } } : s));
        const removed = scores.filter((s) => s !== target);
        const a = scoreEntries({ rubric, scores, recusals, options });
        const b = scoreEntries({ rubric, scores: changed, recusals, options });
        const c = scoreEntries({ rubric, scores: removed, options, entryIds: a.entries.map((e) => e.entryId) });
        expect(b.entries).toEqual(a.entries);
        expect(c.entries).toEqual(a.entries);
        const entry = a.entries.find((e) => e.entryId === target.entryId);
        expect(entry?.raw.some((r) => r.judgeId === target.judgeId) ?? false).toBe(false);
      }),
    );
  });

  it('marks the dropped judges and writes a scorecard with anonymous labels', () => {
    const scores = [90, 80, 70, 60, 50].map((v, i) => ({
      judgeId: 100 + i,
      entryId: 1,
      items: { content: (v * 40) / 100, method: (v * 30) / 100, effect: (v * 30) / 100 },
    }));
    const { entries, normalisation } = scoreEntries({ rubric, scores, options: { normalise: { enabled: false } } });
    const e = entries[0];
    if (!e) throw new Error('no entry');
    expect(round2(e.final as number)).toBe(70);
    expect(e.raw.find((r) => r.judgeId === 100)?.dropped).toBe('high');
    expect(e.raw.find((r) => r.judgeId === 104)?.dropped).toBe('low');
    const card = scorecard(e, normalisation, { labelOf: (j) => `评委${j - 99}`, rank: 1 });
    expect(card.raw.map((r) => r.label)).toEqual(['评委1', '评委2', '评委3', '评委4', '评委5']);
    expect(card.raw[0]).toEqual({ label: '评委1', value: 90, dropped: 'high' });
    expect(card.final).toBe(70);
    expect(card.normalisationNote).toContain('未采用');
    expect(JSON.stringify(card)).not.toContain('100');
  });

  it('flags large disagreements', () => {
    const { entries } = scoreEntries({
      rubric,
      scores: [
        { judgeId: 1, entryId: 1, items: { content: 40, method: 30, effect: 30 } },
        { judgeId: 2, entryId: 1, items: { content: 20, method: 15, effect: 15 } },
        { judgeId: 1, entryId: 2, items: { content: 30, method: 20, effect: 20 } },
        { judgeId: 2, entryId: 2, items: { content: 32, method: 21, effect: 20 } },
      ],
      options: { normalise: { enabled: false } },
    });
    expect(disagreements(entries, 20).map((d) => d.entryId)).toEqual([1]);
  });
});

describe('rank and advance', () => {
  const entryArb = fc.uniqueArray(
    fc.record({
      entryId: fc.integer({ min: 1, max: 500 }),
      unitId: fc.integer({ min: 1, max: 5 }),
      final: fc.option(
        fc.integer({ min: 0, max: 10000 }).map((x) => x / 100),
        { nil: null },
      ),
      rawMean: fc.integer({ min: 0, max: 10000 }).map((x) => x / 100),
      submittedAt: fc.integer({ min: 0, max: 1000 }),
    }),
    { selector: (e) => e.entryId, maxLength: 60 },
  );

  it('breaks ties by the untrimmed mean, then the earlier submission', () => {
    const r = rank([
      { entryId: 1, final: 80, rawMean: 79, submittedAt: 5 },
      { entryId: 2, final: 80, rawMean: 81, submittedAt: 9 },
      { entryId: 3, final: 80, rawMean: 79, submittedAt: 1 },
      { entryId: 4, final: null, rawMean: null, submittedAt: 0 },
    ]);
    expect(r.map((e) => [e.entryId, e.rank])).toEqual([
      [2, 1],
      [3, 2],
      [1, 3],
      [4, null],
    ]);
  });

  it('ranks independently of input order and never advances more than a quota', () => {
    fc.assert(
      fc.property(
        entryArb,
        fc.dictionary(fc.constantFrom('1', '2', '3', '4', '5'), fc.integer({ min: 0, max: 6 })),
        fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
        (entries, q, minFinal) => {
          const ranked = rank(entries);
          expect(rank([...entries].reverse())).toEqual(ranked);
          const quotas = new Map(Object.entries(q).map(([k, v]) => [Number(k), v]));
          const res = advance(ranked, quotas, { minFinal });
          const byId = new Map(ranked.map((e) => [e.entryId, e]));
          const count = new Map<number, number>();
          for (const id of res.advanced) {
            const u = byId.get(id)?.unitId as number;
            count.set(u, (count.get(u) ?? 0) + 1);
          }
          for (const [u, n] of count) expect(n).toBeLessThanOrEqual(quotas.get(u) ?? 0);
          // within a unit, no entry left out ranks better than one advanced (unless under the minimum)
          for (const id of res.advanced) {
            const a = byId.get(id) as (typeof ranked)[number];
            for (const o of ranked) {
              if (o.unitId !== a.unitId || res.advanced.includes(o.entryId) || o.rank === null) continue;
              const eligible = minFinal === null || round2(o.final as number) >= minFinal;
              if (eligible) expect(o.rank as number).toBeGreaterThan(a.rank as number);
            }
          }
        },
      ),
    );
  });

  it('gives award levels by ranks or by proportions', () => {
    const ranked = Array.from({ length: 10 }, (_, i) => ({ entryId: i + 1, rank: i + 1 }));
    const byRanks = awardLevels(ranked, { by: 'ranks', counts: [1, 2, 3] });
    expect([...byRanks.values()]).toEqual([1, 2, 2, 3, 3, 3]);
    const byShare = awardLevels(ranked, { by: 'proportions', percents: [10, 20, 30] });
    expect(byShare.get(1)).toBe(1);
    expect(byShare.get(3)).toBe(2);
    expect(byShare.get(6)).toBe(3);
    expect(byShare.get(7)).toBeUndefined();
    // one or a few entries: shares round to nothing, but the best still gets the first prize
    expect([...awardLevels(ranked.slice(0, 1), { by: 'proportions', percents: [10, 20, 30] })]).toEqual([[1, 1]]);
    expect(awardLevels([], { by: 'proportions', percents: [10, 20, 30] }).size).toBe(0);
  });
});
