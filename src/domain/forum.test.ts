import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { postCounts } from './forum.js';
import { countedChars } from './online-course.js';

const base = { minChars: 8, similarity: null, threshold: 0.5, hidden: false };

describe('whether a forum post counts', () => {
  it('counts a post long enough in Chinese characters: "谢谢！你总是帮助我" is 8', () => {
    const chars = countedChars('谢谢！你总是帮助我');
    expect(chars).toBe(8);
    expect(postCounts({ ...base, chars })).toEqual({ counts: true, whyNot: null });
    expect(postCounts({ ...base, chars, minChars: 9 })).toEqual({ counts: false, whyNot: 'too_short' });
  });

  it('does not count a post at or above the similarity threshold, nor a hidden one', () => {
    expect(postCounts({ ...base, chars: 20, similarity: 0.5 })).toEqual({ counts: false, whyNot: 'not_original' });
    expect(postCounts({ ...base, chars: 20, similarity: 0.49 })).toEqual({ counts: true, whyNot: null });
    expect(postCounts({ ...base, chars: 20, hidden: true })).toEqual({ counts: false, whyNot: 'hidden' });
  });

  it('names the first reason: hidden, then too short, then not original', () => {
    expect(postCounts({ ...base, chars: 2, similarity: 0.9, hidden: true }).whyNot).toBe('hidden');
    expect(postCounts({ ...base, chars: 2, similarity: 0.9 }).whyNot).toBe('too_short');
  });

  it('counts exactly when long enough, original and shown', () => {
    fc.assert(
      fc.property(
        fc.nat(200),
        fc.nat(200),
        fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        (chars, minChars, similarity, threshold, hidden) => {
          const r = postCounts({ chars, minChars, similarity, threshold, hidden });
          const expected = !hidden && chars >= minChars && (similarity === null || similarity < threshold);
          return r.counts === expected && (r.whyNot === null) === expected;
        },
      ),
    );
  });
});
