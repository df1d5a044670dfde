import { describe, expect, it } from 'vitest';
import { linePaths, reminderLink } from './message.js';

describe('message centre rules', () => {
  it('finds the units whose notices reach a reader: their own and every one above', () => {
    expect(linePaths('/1/7/42/')).toEqual(['/1/', '/1/7/', '/1/7/42/']);
    expect(linePaths('/1/')).toEqual(['/1/']);
  });

  it('opens the page a reminder is about', () => {
    expect(reminderLink('verification', { cycleId: 3, year: 2025 })).toBe('/verifications?cycle=3&year=2025');
    expect(reminderLink('verification', {})).toBe('/verifications');
    expect(reminderLink('plan', { year: 2025 })).toBe('/plans');
    expect(reminderLink('general', {})).toBeNull();
  });
});
