/**
 * Money as integer fen (分), never floats. Forms take yuan with at most two decimals;
 * pages and sheets show ¥1,234.50. Pure: shared by the server and the web UI.
 */
import { foldFullWidth } from './text.js';

/** The largest fee per enrolled teacher: 1,000,000 yuan (the column's limit). */
export const MAX_ITEM_FEN = 100_000_000;
/** The largest single payment, correction or set amount due: 20,000,000 yuan (the columns' limit). */
export const MAX_TOTAL_FEN = 2_000_000_000;

export type MoneyProblem = 'blank' | 'invalid' | 'too_many_decimals' | 'negative' | 'too_large';
export type ParsedMoney = { ok: true; fen: number } | { ok: false; problem: MoneyProblem };

const SHAPE = /^(-)?(\d+|\d{1,3}(?:,\d{3})+)?(?:\.(\d*))?$/;

/**
 * Yuan as typed into a form, to fen. Accepts '12', '12.5', '12.50', '.5', full-width digits
 * ('０.５'), the ideographic full stop as decimal point, thousands separators placed as shown
 * ('1,234.50'), a leading ¥/￥ and a trailing 元 — so whatever `formatFen` shows parses back.
 * Refuses text that is not a number, a third decimal, negatives (unless allowed) and amounts
 * above `maxFen` in absolute value.
 *
 * @example parseYuan('12.5') // { ok: true, fen: 1250 }
 * @example parseYuan('12.555') // { ok: false, problem: 'too_many_decimals' }
 */
export function parseYuan(input: string, opts: { allowNegative?: boolean; maxFen?: number } = {}): ParsedMoney {
  const maxFen = opts.maxFen ?? MAX_ITEM_FEN;
  let s = foldFullWidth(input)
    .replace(/\uffe5/g, '¥')
    .replace(/。/g, '.')
    .replace(/\s+/g, '');
  if (s === '') return { ok: false, problem: 'blank' };
  if (s.endsWith('元')) s = s.slice(0, -1);
  let negative = false;
  if (s.startsWith('-')) {
    negative = true;
    s = s.slice(1);
  }
  if (s.startsWith('¥')) s = s.slice(1);
  if (!negative && s.startsWith('-')) {
    negative = true;
    s = s.slice(1);
  }
  const m = SHAPE.exec(s);
  if (!m || m[1] || (m[2] === undefined && !m[3])) return { ok: false, problem: 'invalid' };
  const whole = (m[2] ?? '0').replace(/,/g, '');
  const decimals = m[3] ?? '';
  if (decimals.length > 2) return { ok: false, problem: 'too_many_decimals' };
  // digits beyond the limit are refused before they can lose precision in a Number
  const trimmed = whole.replace(/^0+(?=\d)/, '');
  if (trimmed.length > 12) return { ok: false, problem: 'too_large' };
  const fen = Number(trimmed) * 100 + Number(decimals.padEnd(2, '0'));
  if (negative && fen !== 0 && !opts.allowNegative) return { ok: false, problem: 'negative' };
  if (fen > maxFen) return { ok: false, problem: 'too_large' };
  return { ok: true, fen: negative && fen > 0 ? -fen : fen };
}

/** Fen with thousands separators and two decimals, without the currency sign: 123450 → '1,234.50'. */
export function formatYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`not a whole number of fen: ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const a = Math.abs(fen);
  const whole = String(Math.floor(a / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${whole}.${String(a % 100).padStart(2, '0')}`;
}

/**
 * Fen as pages and sheets show it.
 *
 * @example formatFen(123450) // '¥1,234.50'
 * @example formatFen(-1200) // '-¥12.00'
 */
export function formatFen(fen: number): string {
  const text = formatYuan(fen);
  return text.startsWith('-') ? `-¥${text.slice(1)}` : `¥${text}`;
}

/** Fen as a form field's starting value: 123450 → '1234.5', 1200 → '12'. */
export function fenToInput(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const a = Math.abs(fen);
  const cents = a % 100;
  const frac = cents === 0 ? '' : cents % 10 === 0 ? `.${cents / 10}` : `.${String(cents).padStart(2, '0')}`;
  return `${sign}${Math.floor(a / 100)}${frac}`;
}

/** How a unit stands on a fee: 未缴 / 部分缴纳 / 已缴清 / 多缴. */
export const FEE_STATUSES = ['unpaid', 'partial', 'paid', 'overpaid'] as const;
export type FeeStatus = (typeof FEE_STATUSES)[number];
export const FEE_STATUS_LABELS: Record<FeeStatus, string> = {
  unpaid: '未缴',
  partial: '部分缴纳',
  paid: '已缴清',
  overpaid: '多缴',
};

/**
 * The standing of what was paid against what is due. Nothing due and nothing paid is "paid".
 *
 * @example feeStatus(5000, 2000) // 'partial'
 */
export function feeStatus(dueFen: number, paidFen: number): FeeStatus {
  if (paidFen > dueFen) return 'overpaid';
  if (paidFen === dueFen) return 'paid';
  return paidFen > 0 ? 'partial' : 'unpaid';
}

/** What a unit owes for a fee: the amount set by hand when there is one, else teachers × amount. */
export function dueFen(teachers: number, amountFen: number, overrideFen: number | null): number {
  return overrideFen ?? teachers * amountFen;
}
