import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldFullWidth, hasForbiddenChars, normaliseText } from './text.js';

describe('text normalisation', () => {
  it('refuses control characters and broken surrogates but keeps rare CJK and the middle dot', () => {
    expect(hasForbiddenChars('a\u0000b')).toBe(true);
    expect(hasForbiddenChars('line\nbreak')).toBe(true);
    expect(hasForbiddenChars('\ud800')).toBe(true);
    expect(hasForbiddenChars('𠮷野家')).toBe(false);
    expect(hasForbiddenChars('阿依古丽·买买提')).toBe(false);
  });

  it('folds full-width digits and letters', () => {
    expect(foldFullWidth('２１２２ＡＢ－０１')).toBe('2122AB-01');
  });

  it('is idempotent', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => {
      expect(normaliseText(normaliseText(s))).toBe(normaliseText(s));
    }));
  });
});
