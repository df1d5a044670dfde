import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dueFen,
  fenToInput,
  feeStatus,
  formatFen,
  formatYuan,
  MAX_ITEM_FEN,
  MAX_TOTAL_FEN,
  parseYuan,
} from './money.js';

const fen = (s: string, opts?: Parameters<typeof parseYuan>[1]) => {
  const r = parseYuan(s, opts);
  return r.ok ? r.fen : r.problem;
};

describe('parseYuan', () => {
  it('reads whole yuan, one or two decimals, into fen', () => {
    expect(fen('12')).toBe(1200);
    expect(fen('12.5')).toBe(1250);
    expect(fen('12.50')).toBe(1250);
    expect(fen('12.05')).toBe(1205);
    expect(fen('0.01')).toBe(1);
    expect(fen('.5')).toBe(50);
    expect(fen('12.')).toBe(1200);
    expect(fen('0')).toBe(0);
    expect(fen('007')).toBe(700);
    expect(fen('  80  ')).toBe(8000);
  });

  it('reads what people type on Chinese keyboards and what the pages show', () => {
    expect(fen('０.５')).toBe(50);
    expect(fen('１２３')).toBe(12300);
    expect(fen('12。5')).toBe(1250);
    expect(fen('¥1,234.50')).toBe(123450);
    expect(fen('￥80')).toBe(8000);
    expect(fen('80元')).toBe(8000);
    expect(fen('１，２３４．５０')).toBe(123450);
    expect(fen('-¥12.00', { allowNegative: true })).toBe(-1200);
    expect(fen('¥-12', { allowNegative: true })).toBe(-1200);
  });

  it('refuses what is not an amount of money', () => {
    expect(fen('')).toBe('blank');
    expect(fen('   ')).toBe('blank');
    expect(fen('abc')).toBe('invalid');
    expect(fen('12a')).toBe('invalid');
    expect(fen('1e3')).toBe('invalid');
    expect(fen('0x10')).toBe('invalid');
    expect(fen('.')).toBe('invalid');
    expect(fen('1.2.3')).toBe('invalid');
    expect(fen('12,34')).toBe('invalid');
    expect(fen('1,2345')).toBe('invalid');
    expect(fen('--12')).toBe('invalid');
    expect(fen('+12')).toBe('invalid');
    expect(fen('Infinity')).toBe('invalid');
    expect(fen('NaN')).toBe('invalid');
  });

  it('refuses a third decimal, negatives unless asked, and amounts above the limit', () => {
    expect(fen('12.555')).toBe('too_many_decimals');
    expect(fen('12.500')).toBe('too_many_decimals');
    expect(fen('-12')).toBe('negative');
    expect(fen('-0.01')).toBe('negative');
    expect(fen('-0')).toBe(0);
    expect(fen('1000000')).toBe(MAX_ITEM_FEN);
    expect(fen('1000000.01')).toBe('too_large');
    expect(fen('1,000,001')).toBe('too_large');
    expect(fen('9'.repeat(40))).toBe('too_large');
    expect(fen('20000000', { maxFen: MAX_TOTAL_FEN })).toBe(MAX_TOTAL_FEN);
    expect(fen('-20000000.01', { maxFen: MAX_TOTAL_FEN, allowNegative: true })).toBe('too_large');
  });
});

describe('formatting', () => {
  it('shows fen as yuan with separators and two decimals', () => {
    expect(formatFen(123450)).toBe('¥1,234.50');
    expect(formatFen(0)).toBe('¥0.00');
    expect(formatFen(5)).toBe('¥0.05');
    expect(formatFen(-1200)).toBe('-¥12.00');
    expect(formatFen(100_000_000_000)).toBe('¥1,000,000,000.00');
    expect(formatYuan(99_999)).toBe('999.99');
    expect(() => formatFen(1.5)).toThrow(RangeError);
  });

  it('gives form fields the shortest text', () => {
    expect(fenToInput(123450)).toBe('1234.5');
    expect(fenToInput(1200)).toBe('12');
    expect(fenToInput(1205)).toBe('12.05');
    expect(fenToInput(-50)).toBe('-0.5');
  });

  it('parses back whatever it shows (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -MAX_TOTAL_FEN, max: MAX_TOTAL_FEN }), (n) => {
        const opts = { allowNegative: true, maxFen: MAX_TOTAL_FEN };
        expect(parseYuan(formatFen(n), opts)).toEqual({ ok: true, fen: n });
        expect(parseYuan(formatYuan(n), opts)).toEqual({ ok: true, fen: n });
        expect(parseYuan(fenToInput(n), opts)).toEqual({ ok: true, fen: n });
      }),
      { numRuns: 2_000 },
    );
  });

  it('never reads a third decimal or a float artefact (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999 }), fc.integer({ min: 0, max: 999 }), (yuan, frac) => {
        const r = parseYuan(`${yuan}.${String(frac).padStart(3, '0')}`);
        expect(r).toEqual({ ok: false, problem: 'too_many_decimals' });
      }),
      { numRuns: 500 },
    );
  });
});

describe('dues and statuses', () => {
  it('counts teachers × amount unless an amount is set by hand', () => {
    expect(dueFen(12, 8000, null)).toBe(96_000);
    expect(dueFen(12, 8000, 50_000)).toBe(50_000);
    expect(dueFen(12, 8000, 0)).toBe(0);
    expect(dueFen(0, 8000, null)).toBe(0);
  });

  it('tells unpaid, partial, paid and overpaid apart', () => {
    expect(feeStatus(10_000, 0)).toBe('unpaid');
    expect(feeStatus(10_000, 1)).toBe('partial');
    expect(feeStatus(10_000, 10_000)).toBe('paid');
    expect(feeStatus(10_000, 10_001)).toBe('overpaid');
    expect(feeStatus(0, 0)).toBe('paid');
    expect(feeStatus(0, 100)).toBe('overpaid');
  });
});
