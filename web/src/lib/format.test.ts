import dayjs from 'dayjs';
import { describe, expect, test } from 'vitest';
import { chinaDayBoundary, chinaInstant, formatDate, formatDateTime } from './format';

describe('times are shown in China Standard Time, whatever the device zone', () => {
  test('an instant shows as the wall clock in China', () => {
    expect(formatDateTime('2026-05-04T00:30:00Z')).toBe('2026-05-04 08:30');
    expect(formatDateTime('2026-05-04T08:30:00+08:00')).toBe('2026-05-04 08:30');
    // late in the UTC evening is already the next day in China
    expect(formatDateTime('2026-12-31T16:30:00Z')).toBe('2027-01-01 00:30');
    expect(formatDate('2026-12-31T16:30:00Z')).toBe('2027-01-01');
  });

  test('nothing shows as a dash, a calendar day as it is', () => {
    expect(formatDateTime(null)).toBe('—');
    expect(formatDate(undefined)).toBe('—');
    expect(formatDate('2026-05-04')).toBe('2026-05-04');
  });

  test('a time picked in a form is that time in China', () => {
    expect(chinaInstant(dayjs('2026-05-04 08:30'))).toBe('2026-05-04T00:30:00.000Z');
    expect(chinaInstant(dayjs('2026-05-04 03:00'))).toBe('2026-05-03T19:00:00.000Z');
  });

  test('a China day runs from its midnight to the next one', () => {
    expect(chinaDayBoundary('2026-12-07', false)).toBe('2026-12-06T16:00:00.000Z');
    expect(chinaDayBoundary('2026-12-07', true)).toBe('2026-12-07T15:59:59.999Z');
    expect(chinaDayBoundary('7 Dec', false)).toBeUndefined();
  });
});
