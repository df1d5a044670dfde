import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  birthYearOf,
  checkCharacter,
  maskBirthDate,
  maskBirthDatesIn,
  maskIdNumber,
  maskPhone,
  normaliseIdNumber,
  validateIdNumber,
} from './id-number.js';

const TODAY = new Date('2026-11-23T00:00:00Z');

/** Valid numbers from a real region, a real date and a sequence. */
const validIdNumber = fc
  .record({
    region: fc.constantFrom('220282', '110105', '440305', '650102', '510104'),
    date: fc.date({
      min: new Date('1940-01-01T00:00:00Z'),
      max: new Date('2008-12-31T00:00:00Z'),
      noInvalidDate: true,
    }),
    seq: fc.integer({ min: 0, max: 999 }),
  })
  .map(({ region, date, seq }) => {
    const first17 = `${region}${date.toISOString().slice(0, 10).replace(/-/g, '')}${String(seq).padStart(3, '0')}`;
    return first17 + checkCharacter(first17);
  });

describe('national ID number (GB 11643)', () => {
  it('accepts the standard example and reads birth date and gender from it', () => {
    expect(validateIdNumber('11010519491231002X', TODAY)).toEqual({
      ok: true,
      facts: { birthDate: '1949-12-31', gender: 'female', regionCode: '110105' },
    });
  });

  it('names the rule a wrong number breaks', () => {
    expect(validateIdNumber('1101051949123100', TODAY)).toEqual({ ok: false, problem: 'length' });
    expect(validateIdNumber('11010519491231002Y', TODAY)).toEqual({ ok: false, problem: 'characters' });
    expect(validateIdNumber('99010519491231002X', TODAY)).toEqual({ ok: false, problem: 'region' });
    expect(validateIdNumber('110105194902300021', TODAY)).toEqual({ ok: false, problem: 'birth_date' });
    expect(validateIdNumber('110105194912310021', TODAY)).toEqual({ ok: false, problem: 'check_digit' });
  });

  it('accepts every number generated from region, date and sequence', () => {
    fc.assert(
      fc.property(validIdNumber, (id) => {
        expect(validateIdNumber(id, TODAY).ok).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses any single-character change of a valid number', () => {
    fc.assert(
      fc.property(validIdNumber, fc.nat(17), fc.constantFrom(...'0123456789X'), (id, pos, ch) => {
        fc.pre(id[pos] !== ch);
        const changed = id.slice(0, pos) + ch + id.slice(pos + 1);
        expect(validateIdNumber(changed, TODAY).ok).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });

  it('normalises a lower-case x and full-width digits', () => {
    expect(normaliseIdNumber('１１０１０５１９４９１２３１００２x')).toBe('11010519491231002X');
  });

  it('masks identifiers for display', () => {
    expect(maskIdNumber('22028219800101123X')).toBe('220282********123X');
    expect(maskPhone('13812345678')).toBe('138****5678');
  });

  it('leaves beside a masked ID number only the birth year, the one part of the hidden digits it keeps', () => {
    const id = '11010519491231002X';
    const facts = (validateIdNumber(id, TODAY) as { ok: true; facts: { birthDate: string } }).facts;
    const shown = `${maskIdNumber(id)} ${maskBirthDate(facts.birthDate)} ${birthYearOf(facts.birthDate)}`;
    expect(shown).toBe('110105********002X 1949 1949');
    expect(shown).not.toContain('1231');
    expect(maskBirthDate(null)).toBeNull();
  });

  it('cuts every birth date in stored details to its year, at any depth, and nothing else', () => {
    const details = {
      changes: { birthDate: { from: '1980-01-01', to: '1981-02-03' }, name: { from: '甲', to: '乙' } },
      rows: [{ birth_date: '19900315' }],
      occurredOn: '2026-05-01',
    };
    expect(maskBirthDatesIn(details)).toEqual({
      changes: { birthDate: { from: '1980', to: '1981' }, name: { from: '甲', to: '乙' } },
      rows: [{ birth_date: '1990' }],
      occurredOn: '2026-05-01',
    });
    expect(maskBirthDatesIn(null)).toBeNull();
  });
});
