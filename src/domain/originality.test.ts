import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  bandKeys,
  clusters,
  compareWith,
  containment,
  estimatedJaccard,
  fingerprint,
  jaccard,
  LSH_BANDS,
  LshIndex,
  matchedRanges,
  minhash,
  normalise,
  shingles,
  shingleSet,
  signatureBytes,
  signatureOf,
  similarity,
} from './originality.js';
import { paraphrase, reflectionText, shuffleParagraphs } from '../../test/support/reflection-corpus.js';

const sim = (a: string, b: string) => similarity(shingleSet(a), shingleSet(b));

/** Text as teachers type it: Chinese characters, some Latin letters and digits, punctuation, spaces, line breaks. */
const CHARS = [...'教学学生课堂老师研修反思体会收获成长发展合作探究评价设计的了在是我和也都'];
const MIXED = [...CHARS, ...'abcXYZ0123', ...'，。！？、；：“”（） \n'];
const textOf = (pool: string[], min: number, max: number) =>
  fc.array(fc.constantFrom(...pool), { minLength: min, maxLength: max }).map((cs) => cs.join(''));
const hasLetter = (s: string) => /[\p{L}\p{N}]/u.test(s);
const seed = fc.integer({ min: 1, max: 1_000_000 });

describe('normalising', () => {
  it('keeps letters and digits only, folded, each with its place in the original', () => {
    const n = normalise('Ａ，b 豈1！');
    expect(String.fromCodePoint(...n.cps)).toBe('ab豈1');
    expect([...n.from]).toEqual([0, 2, 4, 5]);
    expect([...n.to]).toEqual([1, 3, 5, 6]);
    // a compatibility ideograph reads as the unified one; full-width and upper case as plain letters
    expect(sim('ＡＢＣ教学', 'abc教学')).toBe(1);
    expect(String.fromCodePoint(...normalise('\uf900').cps)).toBe('\u8c48');
    // characters outside the basic plane keep both halves in the range
    const astral = normalise('𠀀学');
    expect([...astral.from]).toEqual([0, 2]);
    expect([...astral.to]).toEqual([2, 3]);
  });
});

describe('similarity', () => {
  it('is 1 for identical texts', () => {
    fc.assert(
      fc.property(
        textOf(MIXED, 1, 400).filter(hasLetter),
        (t) => sim(t, t) === 1 && jaccard(shingleSet(t), shingleSet(t)) === 1,
      ),
    );
  });

  it('is low between unrelated reflections on the same course', () => {
    fc.assert(
      fc.property(seed, seed, (a, b) => {
        fc.pre(a !== b);
        return sim(reflectionText(a, 600), reflectionText(b, 600)) < 0.25;
      }),
      { numRuns: 60 },
    );
  });

  it('is symmetric as Jaccard, and never below it as containment', () => {
    fc.assert(
      fc.property(textOf(MIXED, 0, 200), textOf(MIXED, 0, 200), (a, b) => {
        const [sa, sb] = [shingleSet(a), shingleSet(b)];
        const j = jaccard(sa, sb);
        return j === jaccard(sb, sa) && j >= 0 && j <= 1 && containment(sa, sb) >= j;
      }),
    );
  });

  it('does not move when only punctuation, spaces or letter case change', () => {
    fc.assert(
      fc.property(seed, fc.integer({ min: 0, max: 1000 }), (s, k) => {
        const text = reflectionText(s, 400);
        const edited = text
          .replace(/。/g, k % 2 ? '. ' : '！')
          .replace(/，/g, ' , ')
          .replace(/\n\n/g, '\n');
        return sim(edited, text) === 1;
      }),
      { numRuns: 40 },
    );
  });

  it('stays high after a few inserted characters', () => {
    fc.assert(
      fc.property(
        seed,
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(...CHARS)), { minLength: 1, maxLength: 5 }),
        (s, inserts) => {
          let text = reflectionText(s, 400);
          const original = text;
          for (const [at, ch] of inserts) {
            const i = at % (text.length + 1);
            text = text.slice(0, i) + ch + text.slice(i);
          }
          return sim(text, original) >= 0.9;
        },
      ),
      { numRuns: 60 },
    );
  });

  it('stays high when the paragraphs are shuffled', () => {
    fc.assert(
      fc.property(
        seed,
        seed,
        (s, order) => sim(shuffleParagraphs(reflectionText(s, 800), order), reflectionText(s, 800)) >= 0.9,
      ),
      { numRuns: 40 },
    );
  });

  it('is 1 for an excerpt of a longer text, and about a half for a copy padded with as much again', () => {
    const other = reflectionText(7, 1000);
    expect(sim(other.slice(200, 600), other)).toBe(1);
    const padded = `${other}\n\n${reflectionText(8, 1000)}`;
    expect(sim(padded, other)).toBeGreaterThan(0.4);
    expect(sim(padded, other)).toBeLessThan(0.6);
  });
});

describe('matched passages', () => {
  it('lie inside the checked text, sorted and apart, each long enough', () => {
    fc.assert(
      fc.property(textOf(MIXED, 0, 300), textOf(MIXED, 0, 300), (a, b) => {
        const ranges = matchedRanges(shingles(a), [shingleSet(b)]);
        let last = 0;
        for (const r of ranges) {
          if (r.start < last || r.end <= r.start || r.end > a.length) return false;
          if (normalise(a.slice(r.start, r.end)).cps.length < Math.min(8, normalise(a).cps.length)) return false;
          last = r.end;
        }
        return true;
      }),
    );
  });

  it('are the copied passage of the checked text, not its own words', () => {
    const source = reflectionText(11, 600);
    const own1 = reflectionText(12, 300);
    const own2 = reflectionText(13, 300);
    const copied = source.slice(100, 400);
    const text = `${own1}\n\n${copied}\n\n${own2}`;
    const ranges = matchedRanges(shingles(text), [shingleSet(source)]);
    const start = own1.length + 2;
    // the copied passage is covered from its first letter to its last …
    const inCopy = ranges.filter((r) => r.end > start && r.start < start + copied.length);
    expect(inCopy.length).toBe(1);
    const covered = text.slice(inCopy[0]!.start, inCopy[0]!.end);
    expect(normalise(covered).cps.length).toBeGreaterThanOrEqual(normalise(copied).cps.length - 2);
    // … and what lies outside it is little (common phrases of the same course, at most)
    const outside = ranges.filter((r) => r !== inCopy[0]).reduce((n, r) => n + r.end - r.start, 0);
    expect(outside).toBeLessThan((own1.length + own2.length) * 0.15);
  });

  it('come only from texts that are similar enough', () => {
    const text = reflectionText(21, 500);
    const r = compareWith(shingles(text), [
      { id: 'unrelated', set: shingleSet(reflectionText(22, 500)) },
      { id: 'copy', set: shingleSet(paraphrase(text, 0.05, 3)) },
    ]);
    expect(r.best?.id).toBe('copy');
    expect(r.similarity).toBeGreaterThan(0.7);
    expect(r.matchedRanges.length).toBeGreaterThan(0);
    const none = compareWith(shingles(text), [{ id: 'unrelated', set: shingleSet(reflectionText(22, 500)) }]);
    expect(none.similarity).toBeLessThan(0.2);
    expect(none.matchedRanges).toEqual([]);
  });
});

describe('signatures and bands', () => {
  it('are the same on every run and every server (stored ones must keep matching)', () => {
    const fp = fingerprint('在本次研修中，我深刻体会到教师专业发展的重要性。');
    expect(fp.bands.length).toBe(LSH_BANDS);
    expect(fp.signature.slice(0, 3)).toEqual(
      fingerprint('在本次研修中，我深刻体会到教师专业发展的重要性。').signature.slice(0, 3),
    );
    expect([fp.signature[0], fp.signature[1], fp.bands[0], fp.bands[31]]).toMatchInlineSnapshot(`
      [
        778674608,
        176355394,
        3814301564,
        134625156024,
      ]
    `);
    expect(signatureOf(signatureBytes(fp.signature))).toEqual(fp.signature);
    expect(bandKeys(minhash(new Set()))).toEqual([]);
  });

  it('estimate Jaccard similarity', () => {
    const a = reflectionText(31, 1000);
    for (const rate of [0.02, 0.1, 0.3]) {
      const b = paraphrase(a, rate, 5);
      const exact = jaccard(shingleSet(a), shingleSet(b));
      expect(Math.abs(estimatedJaccard(minhash(shingleSet(a)), minhash(shingleSet(b))) - exact)).toBeLessThan(0.15);
    }
  });

  it('find paraphrases among many texts, and not unrelated ones (precision and recall on a built corpus)', () => {
    const N = 300;
    const threshold = 0.5;
    const stored = Array.from({ length: N }, (_, i) => reflectionText(1000 + i, 1000));
    const sets = stored.map((t) => shingleSet(t));
    const index = new LshIndex<number>();
    stored.forEach((t, i) => index.add(i, fingerprint(t).bands));
    // positives: paraphrases with 5–10 % of the characters inserted or deleted, some with their paragraphs shuffled
    const queries = [
      ...Array.from({ length: 60 }, (_, i) => ({ text: paraphrase(stored[i]!, 0.05 + (i % 6) * 0.01, i), source: i })),
      ...Array.from({ length: 30 }, (_, i) => ({
        text: shuffleParagraphs(paraphrase(stored[i + 60]!, 0.08, i), i),
        source: i + 60,
      })),
      // negatives: new texts on the same course
      ...Array.from({ length: 90 }, (_, i) => ({ text: reflectionText(50_000 + i, 1000), source: -1 })),
    ];
    let tp = 0;
    let fp = 0;
    let fn = 0;
    let candidates = 0;
    for (const q of queries) {
      const f = fingerprint(q.text);
      const found = [...index.candidates(f.bands)];
      candidates += found.length;
      const flagged = found.filter((id) => similarity(f.shingles.set, sets[id]!) >= threshold);
      if (q.source >= 0 && flagged.includes(q.source)) tp++;
      else if (q.source >= 0) fn++;
      fp += flagged.filter((id) => id !== q.source).length;
    }
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    console.log(
      `originality on ${N} stored texts: precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}, ` +
        `${(candidates / queries.length).toFixed(2)} candidates per check`,
    );
    expect(precision).toBeGreaterThanOrEqual(0.98);
    expect(recall).toBeGreaterThanOrEqual(0.95);
    // LSH reads few texts: a check looks at candidates, not at the corpus
    expect(candidates / queries.length).toBeLessThan(3);
  });
});

describe('clusters', () => {
  it('join every pair at or above the threshold, and nothing else', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 19 }),
            fc.integer({ min: 0, max: 19 }),
            fc.double({ min: 0, max: 1, noNaN: true }),
          ),
        ),
        (pairs) => {
          const ids = Array.from({ length: 20 }, (_, i) => i);
          const groups = clusters(ids, pairs, 0.5);
          const groupOf = new Map<number, number>();
          groups.forEach((g, gi) => {
            for (const id of g) groupOf.set(id, gi);
          });
          // disjoint, at least two each, largest first
          if (groupOf.size !== groups.reduce((n, g) => n + g.length, 0)) return false;
          if (groups.some((g, i) => g.length < 2 || (i > 0 && g.length > groups[i - 1]!.length))) return false;
          // every similar pair together
          for (const [a, b, s] of pairs) if (s >= 0.5 && a !== b && groupOf.get(a) !== groupOf.get(b)) return false;
          // every member reached from another through similar pairs
          for (const g of groups)
            for (const id of g)
              if (!pairs.some(([a, b, s]) => s >= 0.5 && a !== b && (a === id || b === id))) return false;
          return true;
        },
      ),
    );
  });
});
