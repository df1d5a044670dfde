/**
 * A calendar day `n` days after `day` (both 'YYYY-MM-DD'; `n` may be negative).
 *
 * @example addDays('2026-12-30', 3) // '2027-01-02'
 */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}
