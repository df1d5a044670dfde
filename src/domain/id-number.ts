/**
 * Chinese resident identity numbers (GB 11643-1999): 6-digit region code, 8-digit birth date,
 * 3-digit sequence (odd for men, even for women) and an ISO 7064 MOD 11-2 check character.
 * Pure; the list of province codes comes from GB/T 2260.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** GB/T 2260 province-level codes, plus 81/82/83 of the residence permits of Hong Kong, Macao and Taiwan residents. */
export const PROVINCE_CODES = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '81',
  '82',
  '83',
]);

export type IdNumberProblem = 'length' | 'characters' | 'region' | 'birth_date' | 'future_birth_date' | 'check_digit';

export interface IdNumberFacts {
  birthDate: string; // YYYY-MM-DD
  gender: 'male' | 'female';
  regionCode: string;
}

export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

/** Upper-cases a trailing x and folds full-width digits; nothing else is changed. */
export function normaliseIdNumber(raw: string): string {
  return raw
    .replace(/[\uff10-\uff19\uff38\uff58]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .trim()
    .toUpperCase();
}

function realDate(y: number, m: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/**
 * Validates a normalised ID number; answers the first rule it breaks, or the facts it carries.
 *
 * @example validateIdNumber('11010519491231002X') // { ok: true, facts: { birthDate: '1949-12-31', gender: 'female', … } }
 */
export function validateIdNumber(
  id: string,
  today: Date = new Date(),
): { ok: true; facts: IdNumberFacts } | { ok: false; problem: IdNumberProblem } {
  if (id.length !== 18) return { ok: false, problem: 'length' };
  if (!/^[0-9]{17}[0-9X]$/.test(id)) return { ok: false, problem: 'characters' };
  if (!PROVINCE_CODES.has(id.slice(0, 2))) return { ok: false, problem: 'region' };
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  if (y < 1900 || !realDate(y, m, d)) return { ok: false, problem: 'birth_date' };
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (birthDate > today.toISOString().slice(0, 10)) return { ok: false, problem: 'future_birth_date' };
  if (checkCharacter(id.slice(0, 17)) !== id[17]) return { ok: false, problem: 'check_digit' };
  return {
    ok: true,
    facts: { birthDate, gender: Number(id[16]) % 2 === 1 ? 'male' : 'female', regionCode: id.slice(0, 6) },
  };
}

/** Shown to everyone without the right to see it in full: region code and last four. */
export function maskIdNumber(id: string): string {
  if (id.length <= 8) return '*'.repeat(id.length);
  return id.length === 18
    ? `${id.slice(0, 6)}********${id.slice(14)}`
    : `${id.slice(0, 2)}${'*'.repeat(id.length - 4)}${id.slice(-2)}`;
}

/**
 * The one masking rule for a teacher shown with a masked ID number (lists, details, exports, reports,
 * audit rows, correction requests; for every role, school and county admins included until they
 * unmask): the ID number keeps its region (first 6) and last 4, and the 8 digits it hides are the
 * birth date, so no field beside it may carry more of the birth date than its year. Gender is the
 * 17th digit, already among the last 4. The full date goes only with the full ID number (unmask,
 * full export) and to the teacher's own record.
 *
 * @example maskBirthDate('1985-03-12') // '1985'
 */
export function maskBirthDate(date: string | null): string | null {
  return date === null ? null : date.slice(0, 4);
}

/** The year of a YYYY-MM-DD birth date: all of it a masked record shows. */
export function birthYearOf(date: string | null): number | null {
  return date === null || !/^\d{4}/.test(date) ? null : Number(date.slice(0, 4));
}

const BIRTH_KEYS = new Set(['birthDate', 'birth_date']);

/**
 * A copy of stored details (audit rows, staged import changes) with every birth date, at any depth
 * under a `birthDate` key, cut to its year by {@link maskBirthDate}; rows written before the rule
 * held the full date.
 *
 * @example maskBirthDatesIn({ changes: { birthDate: { from: '1985-03-12', to: '1985-03-21' } } })
 * // { changes: { birthDate: { from: '1985', to: '1985' } } }
 */
export function maskBirthDatesIn<T>(value: T): T {
  const walk = (v: unknown, under: boolean): unknown => {
    if (typeof v === 'string') return under && /^\d{4}-?\d{2}-?\d{2}/.test(v) ? v.slice(0, 4) : v;
    if (Array.isArray(v)) return v.map((x) => walk(x, under));
    if (v && typeof v === 'object' && !(v instanceof Date)) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, under || BIRTH_KEYS.has(k))]));
    }
    return v;
  };
  return walk(value, false) as T;
}

/** 13812345678 → 138****5678 */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return '*'.repeat(phone.length);
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

/**
 * A refused identifier quoted back so that its writer can find it in the sheet, never in clear:
 * at most a quarter of it kept at each end (3 characters at the start, 4 at the end), the rest as
 * stars (at most 30 of them, for a cell of other text); an empty value stays empty.
 *
 * @example maskEnds('1380000') // '1*****0'; maskEnds('22028219850312002') // '220**********2002'
 */
export function maskEnds(s: string): string {
  const chars = [...s];
  const keep = Math.floor(chars.length / 4);
  const head = Math.min(3, keep);
  const tail = Math.min(4, keep);
  const hidden = chars.length - head - tail;
  return chars.slice(0, head).join('') + '*'.repeat(Math.min(hidden, 30)) + chars.slice(chars.length - tail).join('');
}

/** A refused ID number quoted back: an 18-character one as {@link maskIdNumber} shows it, any other by {@link maskEnds}. */
export function maskTypedIdNumber(s: string): string {
  return s.length === 18 ? maskIdNumber(s) : maskEnds(s);
}
