import { describe, expect, test } from 'vitest';
import { formatHours, formatRate, parseHours, percentOf } from './hours';

describe('hours in tenths', () => {
  test('shows tenths as the decimal people read', () => {
    expect(formatHours(2415)).toBe('241.5');
    expect(formatHours(2400)).toBe('240');
    expect(formatHours(-25)).toBe('-2.5');
    expect(formatHours(0)).toBe('0');
  });

  test('reads typed decimals into tenths without float arithmetic', () => {
    expect(parseHours('2.5')).toBe(25);
    expect(parseHours(' 72 ')).toBe(720);
    expect(parseHours('0.1')).toBe(1);
    expect(parseHours('1.25')).toBeNull();
    expect(parseHours('abc')).toBeNull();
    expect(parseHours('-3')).toBeNull();
  });

  test('percentages for bars are whole, capped and safe with nothing to divide by', () => {
    expect(percentOf(1200, 2400)).toBe(50);
    expect(percentOf(3000, 2400)).toBe(100);
    expect(percentOf(0, 0)).toBe(0);
    expect(percentOf(5, 0)).toBe(100);
  });

  test('rates keep one decimal', () => {
    expect(formatRate(1, 3)).toBe('33.3%');
    expect(formatRate(2, 3)).toBe('66.7%');
    expect(formatRate(0, 0)).toBe('—');
  });
});
