import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalListText,
  type DrawList,
  drawSample,
  isSeed,
  listProblems,
  listSha256,
  maskName,
  newSeed,
  rateToBp,
  sampleDifferences,
  sampleSize,
  seedSha256,
} from './spot-check-draw.js';

const seedArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));

/** Units with distinct ids and keys unique across the list (teacher ids). */
const listArb: fc.Arbitrary<DrawList> = fc
  .record({
    rateBp: fc.integer({ min: 1, max: 10000 }),
    minPerUnit: fc.integer({ min: 0, max: 3 }),
    sizes: fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 6 }),
    firstUnit: fc.integer({ min: 1, max: 1000 }),
  })
  .map(({ rateBp, minPerUnit, sizes, firstUnit }) => {
    let next = 1;
    return {
      rateBp,
      minPerUnit,
      units: sizes.map((n, i) => ({
        unitId: firstUnit + i * 7,
        keys: Array.from({ length: n }, () => String(next++ * 13)),
      })),
    };
  });

function shuffled<T>(xs: readonly T[], order: readonly number[]): T[] {
  return xs
    .map((x, i) => ({ x, o: order[i % Math.max(1, order.length)] ?? 0, i }))
    .sort((a, b) => a.o - b.o || a.i - b.i)
    .map((r) => r.x);
}

describe('spot-check sample size', () => {
  it('takes 10 % rounded half up, at least the minimum, never more than the unit has', () => {
    expect(sampleSize(25, 1000, 1)).toBe(3);
    expect(sampleSize(24, 1000, 1)).toBe(2);
    expect(sampleSize(4, 1000, 1)).toBe(1);
    expect(sampleSize(0, 1000, 1)).toBe(0);
    expect(sampleSize(2, 1000, 5)).toBe(2);
    expect(sampleSize(15, 1000, 0)).toBe(2);
    expect(sampleSize(14, 1000, 0)).toBe(1);
    expect(sampleSize(200, 1250, 1)).toBe(25);
    expect(sampleSize(10, 10000, 1)).toBe(10);
    expect(rateToBp(12.5)).toBe(1250);
    expect(rateToBp(10)).toBe(1000);
  });
});

describe('spot-check list hash', () => {
  it('covers a documented text and ignores the order units and keys come in', () => {
    const list: DrawList = {
      rateBp: 1000,
      minPerUnit: 1,
      units: [
        { unitId: 12, keys: ['9', '10'] },
        { unitId: 3, keys: ['7'] },
      ],
    };
    expect(canonicalListText(list)).toBe(
      'peixun-spot-check-list/1\nrate_bp:1000\nmin_per_unit:1\nunit:3\n7\nunit:12\n10\n9\n',
    );
    expect(listSha256(list)).toBe(createHash('sha256').update(canonicalListText(list)).digest('hex'));
    fc.assert(
      fc.property(listArb, fc.array(fc.integer()), (l, order) => {
        const moved = { ...l, units: shuffled(l.units, order).map((u) => ({ ...u, keys: shuffled(u.keys, order) })) };
        expect(listSha256(moved)).toBe(listSha256(l));
      }),
    );
  });

  it('changes when a teacher, the rate or the minimum changes', () => {
    const list: DrawList = { rateBp: 1000, minPerUnit: 1, units: [{ unitId: 3, keys: ['7', '8'] }] };
    const h = listSha256(list);
    expect(listSha256({ ...list, rateBp: 1001 })).not.toBe(h);
    expect(listSha256({ ...list, minPerUnit: 2 })).not.toBe(h);
    expect(listSha256({ ...list, units: [{ unitId: 3, keys: ['7'] }] })).not.toBe(h);
    expect(listSha256({ ...list, units: [{ unitId: 4, keys: ['7', '8'] }] })).not.toBe(h);
  });

  it('refuses keys with spaces or repeated, and repeated units', () => {
    expect(listProblems({ rateBp: 1000, minPerUnit: 1, units: [{ unitId: 1, keys: ['1', '2'] }] })).toEqual([]);
    expect(listProblems({ rateBp: 1000, minPerUnit: 1, units: [{ unitId: 1, keys: ['a b'] }] })).toHaveLength(1);
    expect(
      listProblems({
        rateBp: 0,
        minPerUnit: 1,
        units: [
          { unitId: 1, keys: ['1'] },
          { unitId: 1, keys: ['1'] },
        ],
      }),
    ).toEqual(['rate', 'unit 1', 'key 1']);
  });
});

describe('spot-check seed', () => {
  it('is 64 hex characters whose commitment is the SHA-256 of those characters', () => {
    const s = newSeed();
    expect(isSeed(s)).toBe(true);
    expect(newSeed()).not.toBe(s);
    expect(seedSha256('00'.repeat(32))).toBe(createHash('sha256').update('0'.repeat(64), 'ascii').digest('hex'));
    expect(() => drawSample('xyz', { rateBp: 1000, minPerUnit: 1, units: [] })).toThrow();
  });
});

describe('spot-check draw', () => {
  it('gives the same sample for the same seed and list, whatever their order', () => {
    fc.assert(
      fc.property(seedArb, listArb, fc.array(fc.integer()), (seed, list, order) => {
        const a = drawSample(seed, list);
        const moved = {
          ...list,
          units: shuffled(list.units, order).map((u) => ({ ...u, keys: shuffled(u.keys, order) })),
        };
        expect(drawSample(seed, moved)).toEqual(a);
        expect(drawSample(seed, list)).toEqual(a);
      }),
    );
  });

  it('draws exactly the sample size of each unit, distinct teachers of that unit', () => {
    fc.assert(
      fc.property(seedArb, listArb, (seed, list) => {
        const sample = drawSample(seed, list);
        expect(sample).toHaveLength(list.units.length);
        for (const s of sample) {
          const unit = list.units.find((u) => u.unitId === s.unitId);
          expect(unit).toBeDefined();
          const keys = new Set(unit?.keys);
          expect(s.eligible).toBe(keys.size);
          expect(s.sampleSize).toBe(sampleSize(keys.size, list.rateBp, list.minPerUnit));
          expect(s.drawn).toHaveLength(s.sampleSize);
          expect(new Set(s.drawn).size).toBe(s.drawn.length);
          for (const k of s.drawn) expect(keys.has(k)).toBe(true);
        }
      }),
    );
  });

  it('draws another sample with another seed', () => {
    const list: DrawList = {
      rateBp: 1000,
      minPerUnit: 1,
      units: [{ unitId: 5, keys: Array.from({ length: 200 }, (_, i) => String(i + 1)) }],
    };
    const a = drawSample('11'.repeat(32), list);
    const b = drawSample('12'.repeat(32), list);
    expect(sampleDifferences(a, b)).toEqual([5]);
    expect(sampleDifferences(a, a)).toEqual([]);
  });

  it('keeps the published test vector of docs/spot-check-draw.md', () => {
    const list: DrawList = {
      rateBp: 2500,
      minPerUnit: 1,
      units: [
        { unitId: 101, keys: Array.from({ length: 12 }, (_, i) => String(1001 + i)) },
        { unitId: 102, keys: ['2001', '2002', '2003'] },
      ],
    };
    const seed = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
    expect(listSha256(list)).toBe(TEST_VECTOR.listSha256);
    expect(seedSha256(seed)).toBe(TEST_VECTOR.seedSha256);
    expect(drawSample(seed, list).map((u) => u.drawn)).toEqual(TEST_VECTOR.drawn);
  });

  /**
   * Equal chance: over 4,000 fixed seeds each teacher of a unit is drawn about equally often. The seeds
   * are fixed (SHA-256 of "seed-<i>"), so the statistic is the same on every run and cannot flake; the
   * bound is the 99.9 % quantile of the chi-square distribution, so a fair draw passes it comfortably
   * and a biased one (e.g. favouring the first keys or a key's length) does not.
   */
  it('gives every teacher of a unit the same chance', () => {
    const cases = [
      // teachers, rate, critical chi-square (df = teachers − 1, p = 0.001)
      { teachers: 20, rateBp: 1000, critical: 43.82 },
      { teachers: 7, rateBp: 1000, critical: 22.46 },
      { teachers: 33, rateBp: 1500, critical: 62.49 },
    ];
    const seeds = Array.from({ length: 4000 }, (_, i) => createHash('sha256').update(`seed-${i}`).digest('hex'));
    for (const c of cases) {
      const keys = Array.from({ length: c.teachers }, (_, i) => String(i * 97 + 5));
      const list: DrawList = { rateBp: c.rateBp, minPerUnit: 1, units: [{ unitId: 42, keys }] };
      const counts = new Map(keys.map((k) => [k, 0]));
      let n = 0;
      for (const seed of seeds) {
        const [u] = drawSample(seed, list);
        n = u?.sampleSize ?? 0;
        for (const k of u?.drawn ?? []) counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      const expected = (seeds.length * n) / c.teachers;
      const chi2 = [...counts.values()].reduce((s, o) => s + (o - expected) ** 2 / expected, 0);
      expect(chi2).toBeLessThan(c.critical);
      // and the statistic is not suspiciously perfect either (a rotation would give 0)
      expect(chi2).toBeGreaterThan(0.5);
    }
  });
});

describe('masked names on the published list', () => {
  it('keeps the first and last characters', () => {
    expect(maskName('张小明')).toBe('张*明');
    expect(maskName('欧阳小锋')).toBe('欧**锋');
    expect(maskName('李四')).toBe('李*');
    expect(maskName('王')).toBe('*');
  });
});

const TEST_VECTOR = {
  listSha256: '9246122a2d74e28dbee32d3ea72e2a41816c65b73ea65983c956d115cb644a6d',
  seedSha256: '6c86c6aac5fb24bcf5d9939cb7d7d5645ce39418f449e03b262dd4fa14b4b92b',
  drawn: [['1008', '1007', '1010'], ['2002']],
};
