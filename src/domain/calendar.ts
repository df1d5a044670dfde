/**
 * A calendar day `n` days after `day` (both 'YYYY-MM-DD'; `n` may be negative).
 *
 * @example addDays('2026-12-30', 3) // '2027-01-02'
 */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The day on which a period of `n` working days (Monday to Friday) starting on `day` ends: `day` itself
 * counts when it is a working day. Public holidays and make-up days are not known here; a bureau that
 * needs them sets a longer period.
 *
 * @example addWorkingDays('2026-12-04', 5) // Friday → '2026-12-10' (Fri, Mon, Tue, Wed, Thu)
 */
export function addWorkingDays(day: string, n: number): string {
  let d = day;
  let left = Math.max(1, Math.floor(n));
  for (;;) {
    const weekday = new Date(`${d}T00:00:00Z`).getUTCDay();
    if (weekday !== 0 && weekday !== 6) left -= 1;
    if (left === 0) return d;
    d = addDays(d, 1);
  }
}
