import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeXmlEscapes,
  foldFullWidth,
  hasForbiddenChars,
  looksLikeIdNumber,
  normaliseText,
  quotable,
  showUnseen,
  withholdIdentifiers,
} from './text.js';

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
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(normaliseText(normaliseText(s))).toBe(normaliseText(s));
      }),
    );
  });
});

describe('hidden characters', () => {
  it('refuses direction overrides, zero-width and other invisible characters', () => {
    const hidden = [
      '\u202e',
      '\u202a',
      '\u2066',
      '\u200b',
      '\u200c',
      '\u200e',
      '\u200f',
      '\u2060',
      '\ufeff',
      '\u00ad',
      '\u3164',
    ];
    for (const c of hidden) {
      expect(hasForbiddenChars(`第一${c}小学`), `U+${c.charCodeAt(0).toString(16)}`).toBe(true);
    }
    expect(hasForbiddenChars('王\u200d芳')).toBe(true);
  });

  it('keeps the joiner inside an emoji sequence and the Mongolian vowel separator', () => {
    expect(hasForbiddenChars('谢谢老师👩\u200d🏫')).toBe(false);
    expect(hasForbiddenChars('👨🏽\u200d💻')).toBe(false);
    expect(hasForbiddenChars('ᠨᠠ\u180eᠠ')).toBe(false);
  });

  it('writes hidden and control characters out visibly when quoting a value back', () => {
    expect(quotable('王\u200b芳', 40)).toBe('王⟨U+200B⟩芳');
    expect(quotable('exe.\u202etxt', 40)).toBe('exe.⟨U+202E⟩txt');
    expect(quotable('a\u0000b\ud800', 40)).toBe('a⟨U+0000⟩b⟨U+D800⟩');
    expect(quotable('𠮷'.repeat(10), 3)).toBe('𠮷𠮷𠮷');
    expect(showUnseen('\ufeff张\u2066三\u2069')).toBe('⟨U+FEFF⟩张⟨U+2066⟩三⟨U+2069⟩');
  });
});

describe('Excel escapes', () => {
  it('decodes _xHHHH_ and keeps an escaped underscore literal', () => {
    expect(decodeXmlEscapes('第一行_x000D_第二行')).toBe('第一行\r第二行');
    expect(decodeXmlEscapes('a_x0009_b_x202E_c')).toBe('a\tb\u202ec');
    expect(decodeXmlEscapes('_x005F_x000D_')).toBe('_x000D_');
    expect(decodeXmlEscapes('my_xylophone_')).toBe('my_xylophone_');
  });
});

describe('identifiers in the wrong place', () => {
  it('masks ID numbers to region and last four, and mobile numbers, wherever they are', () => {
    expect(withholdIdentifiers('220283198501120119')).toEqual({ text: '220283********0119', withheld: 'id_number' });
    expect(withholdIdentifiers('见22028319850112011x号')).toEqual({
      text: '见220283********011x号',
      withheld: 'id_number',
    });
    expect(withholdIdentifiers('电话 139-1234-5678')).toEqual({ text: '电话 139****5678', withheld: 'phone' });
    expect(withholdIdentifiers('语文')).toEqual({ text: '语文', withheld: null });
    expect(withholdIdentifiers('2122000099').withheld).toBeNull();
    expect(looksLikeIdNumber('备注220283198501120119')).toBe(true);
    expect(looksLikeIdNumber('2025 年 3 月')).toBe(false);
  });
});
