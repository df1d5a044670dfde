/**
 * Hours as people read them. The API carries hours as integers in tenths of an hour; these are
 * the server's own pure helpers, so the UI never does float arithmetic on them.
 *
 * @example formatHours(2415) // '241.5'
 * @example parseHours('2.5') // 25
 */
import { formatTenths } from '../../../src/domain/cycle-rules';

export { formatCredits, formatTenths as formatHours, parseHours } from '../../../src/domain/cycle-rules';

/** A share as a whole percentage for bars and rings (display only), capped at 100. */
export function percentOf(part: number, whole: number): number {
  if (whole <= 0) return part > 0 ? 100 : 0;
  return Math.max(0, Math.min(100, Math.floor((part * 100) / whole)));
}

/** `12.5%` for a rate column; an em dash when there is nothing to divide by. */
export function formatRate(part: number, whole: number): string {
  if (whole <= 0) return '—';
  const tenths = Math.round((part * 1000) / whole);
  return `${Math.floor(tenths / 10)}.${tenths % 10}%`;
}

/**
 * The values the messages about the current year take: its hours, the yearly minimum, what is
 * missing and the days left in the year (today included).
 */
export function thisYearParams(
  y: { year: number; counted: number; minimum: number | null; daysLeft: number } | null,
): Record<string, string | number> {
  if (!y) return {};
  return {
    year: y.year,
    counted: formatTenths(y.counted),
    minimum: formatTenths(y.minimum ?? 0),
    missing: formatTenths(Math.max(0, (y.minimum ?? 0) - y.counted)),
    days: y.daysLeft,
  };
}
