import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { oneTimePassword, passwordProblem } from './password.js';

describe('password rules', () => {
  it('names the rule a weak password breaks', () => {
    expect(passwordProblem('abc123', 'wang')).toBe('too_short');
    expect(passwordProblem('abcdefghijkl', 'wang')).toBe('needs_letter_and_digit');
    expect(passwordProblem('1234567890123', 'wang')).toBe('needs_letter_and_digit');
    expect(passwordProblem('Wang-2026-secret', 'wang')).toBe('contains_username');
    expect(passwordProblem('x'.repeat(200) + '1', 'wang')).toBe('too_long');
    expect(passwordProblem('Spring-2026-peach', 'wang')).toBeNull();
  });

  it('makes one-time passwords that pass the rules and avoid look-alike characters', () => {
    fc.assert(fc.property(fc.constant(null), () => {
      const pw = oneTimePassword();
      expect(pw).toHaveLength(12);
      expect(pw).not.toMatch(/[0O1lI]/);
      expect(passwordProblem(pw, 'someone')).toBeNull();
    }), { numRuns: 300 });
  });
});
