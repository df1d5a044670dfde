function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * China Standard Time: UTC+8 all year, no daylight saving. Every date and time the product shows or
 * takes is in it, whatever the zone of the device the page runs on.
 */
const CHINA_OFFSET_MS = 8 * 3_600_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** `2025-03-07 14:05` in China Standard Time; `—` for nothing. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  // the wall clock in China, read through the UTC getters so the device's zone plays no part
  const cn = new Date(date.getTime() + CHINA_OFFSET_MS);
  return `${cn.getUTCFullYear()}-${pad(cn.getUTCMonth() + 1)}-${pad(cn.getUTCDate())} ${pad(
    cn.getUTCHours(),
  )}:${pad(cn.getUTCMinutes())}`;
}

/** `2025-03-07`: the day in China of an instant; a calendar day (`YYYY-MM-DD`) as it is. */
export function formatDate(iso: string | null | undefined): string {
  if (iso && DATE_ONLY.test(iso)) return iso;
  return formatDateTime(iso).slice(0, 10);
}

/** The fields of a wall-clock time as a date picker holds them (a dayjs value has these). */
interface WallClock {
  year(): number;
  month(): number;
  date(): number;
  hour(): number;
  minute(): number;
  second(): number;
}

/**
 * The instant (ISO, UTC) of a date and time picked in a form, read as China Standard Time: 08:30
 * picked is 08:30 in China (00:30Z) even when the device runs on another zone.
 */
export function chinaInstant(value: WallClock): string {
  const utc = Date.UTC(value.year(), value.month(), value.date(), value.hour(), value.minute(), value.second());
  return new Date(utc - CHINA_OFFSET_MS).toISOString();
}

/** The instant at which a China day (`YYYY-MM-DD`) starts, or the last millisecond of it (`end`). */
export function chinaDayBoundary(day: string, end: boolean): string | undefined {
  if (!DATE_ONLY.test(day)) return undefined;
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const start = Date.UTC(y, m - 1, d) - CHINA_OFFSET_MS;
  return new Date(end ? start + 86_400_000 - 1 : start).toISOString();
}

/** Shows empty values as a dash. */
export function orDash(value: string | null | undefined): string {
  return value === null || value === undefined || value === '' ? '—' : value;
}
