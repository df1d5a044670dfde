import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildPaper,
  freezePools,
  seededStream,
  specProblems,
  type FrozenPaper,
  type PoolSpec,
  type TaggedQuestion,
} from './exam-paper.js';

const bank = (n: number, over: Partial<TaggedQuestion> = {}): TaggedQuestion[] =>
  Array.from({ length: n }, (_, i) => ({
    questionVersionId: 100 + i,
    kind: 'single',
    optionKeys: ['A', 'B', 'C', 'D'],
    shuffleOptions: true,
    module: i % 2 ? '师德' : '心理健康',
    subject: '',
    stage: '',
    difficulty: (i % 5) + 1,
    ...over,
  }));
const pool = (over: Partial<PoolSpec> = {}): PoolSpec => ({
  kind: 'single',
  module: '师德',
  difficultyMin: 2,
  difficultyMax: 4,
  count: 5,
  points: 2,
  ...over,
});

describe('buildPaper', () => {
  const { frozen } = freezePools([pool()], bank(60));

  it('gives the same paper for the same seed and pool, every time', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 64 }), fc.boolean(), (seed, shuffle) => {
        expect(buildPaper(frozen, seed, shuffle)).toEqual(buildPaper(frozen, seed, shuffle));
      }),
    );
  });

  it('draws the asked number of distinct questions matching the tags, each option order a permutation', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (seed) => {
        const p = buildPaper(frozen, seed, true);
        const ids = p.map((x) => x.questionVersionId);
        const matching = new Set(
          bank(60)
            .filter((q) => q.module === '师德' && q.difficulty >= 2 && q.difficulty <= 4)
            .map((q) => q.questionVersionId),
        );
        return (
          p.length === 5 &&
          new Set(ids).size === 5 &&
          ids.every((id) => matching.has(id)) &&
          p.every((x, i) => x.position === i && x.points === 2 && [...x.optionOrder].sort().join('') === 'ABCD')
        );
      }),
    );
  });

  it('keeps the options of a question that may not be shuffled, and of true/false', () => {
    const fixed: FrozenPaper = {
      mode: 'fixed',
      items: [
        { questionVersionId: 1, kind: 'single', optionKeys: ['A', 'B', 'C'], shuffleOptions: false, points: 1 },
        { questionVersionId: 2, kind: 'true_false', optionKeys: [], shuffleOptions: true, points: 1 },
      ],
    };
    for (const seed of ['a', 'b', 'c'])
      expect(buildPaper(fixed, seed, false).map((x) => x.optionOrder)).toEqual([['A', 'B', 'C'], []]);
  });

  it('gives every question of a pool about the same chance', () => {
    const { frozen: f } = freezePools([pool({ module: null, difficultyMin: 1, difficultyMax: 5, count: 1 })], bank(10));
    const counts = new Map<number, number>();
    for (let i = 0; i < 5000; i++) {
      const id = buildPaper(f, `seed-${i}`, false)[0]!.questionVersionId;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    // 500 expected each; 5000 fixed seeds, so this cannot flake
    expect(counts.size).toBe(10);
    for (const c of counts.values()) expect(Math.abs(c - 500)).toBeLessThan(90);
  });
});

describe('freezePools', () => {
  it('gives a question to the first pool it matches, and reports a pool too small', () => {
    const r = freezePools(
      [pool({ count: 3 }), pool({ module: null, difficultyMin: 1, difficultyMax: 5, count: 100 })],
      bank(20),
    );
    if (r.frozen.mode !== 'drawn') throw new Error('drawn');
    const [a, b] = r.frozen.sections;
    const inA = new Set(a!.questions.map((q) => q.questionVersionId));
    expect(b!.questions.some((q) => inA.has(q.questionVersionId))).toBe(false);
    expect(r.problems).toEqual([{ code: 'pool_short', index: 1, wanted: 100, available: 20 - inA.size }]);
  });
});

describe('specProblems', () => {
  it('reports an empty paper, bad points, a repeated question and a reversed difficulty range', () => {
    expect(specProblems({ mode: 'fixed', items: [] })).toEqual([{ code: 'empty' }]);
    expect(
      specProblems({
        mode: 'fixed',
        items: [
          { questionId: 1, points: 0 },
          { questionId: 1, points: 1.234 },
        ],
      }),
    ).toEqual([
      { code: 'points', index: 0 },
      { code: 'points', index: 1 },
      { code: 'duplicate_question', questionId: 1 },
    ]);
    expect(specProblems({ mode: 'drawn', pools: [pool({ difficultyMin: 4, difficultyMax: 2 })] })).toEqual([
      { code: 'difficulty_range', index: 0 },
    ]);
  });
});

describe('seededStream', () => {
  it('stays below its bound', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 1_000_000 }), (seed, n) => {
        const r = seededStream(seed);
        for (let i = 0; i < 20; i++) {
          const x = r.below(n);
          if (x < 0 || x >= n || !Number.isInteger(x)) return false;
        }
        return true;
      }),
    );
  });
});
