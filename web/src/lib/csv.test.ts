import { describe, expect, test } from 'vitest';
import { toCsv } from './csv';

describe('toCsv', () => {
  test('starts with a byte order mark and ends every row with CRLF', () => {
    expect(
      toCsv([
        ['行号', '列'],
        [3, '证件号码'],
      ]),
    ).toBe('\uFEFF行号,列\r\n3,证件号码\r\n');
  });

  test('quotes commas, quotes and line breaks', () => {
    expect(toCsv([['a,b', 'say "hi"', 'two\nlines']])).toBe('\uFEFF"a,b","say ""hi""","two\nlines"\r\n');
  });

  test('keeps text that looks like a formula as text', () => {
    expect(toCsv([['=HYPERLINK("x")', '+1', '-2', '@SUM(A1)']])).toBe(
      '\uFEFF"\'=HYPERLINK(""x"")",\'+1,\'-2,\'@SUM(A1)\r\n',
    );
  });

  test('leaves numbers and empty cells alone', () => {
    expect(toCsv([[-5, null, undefined, 0]])).toBe('\uFEFF-5,,,0\r\n');
  });
});
