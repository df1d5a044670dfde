import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  characterClasses,
  DEFAULT_PASSWORD_POLICY,
  oneTimePassword,
  passwordPolicyFor,
  passwordProblem,
  TEACHER_PASSWORD_POLICY,
} from './password.js';

const policy = DEFAULT_PASSWORD_POLICY;
const common = new Set(['password12', 'qwerty', 'dragon']);
const isCommon = (p: string) => common.has(p);

describe('password rules', () => {
  it('names the rule a weak password breaks', () => {
    expect(passwordProblem('abc123', policy, { username: 'wang' })).toBe('too_short');
    expect(passwordProblem('abcdefghijkl', policy, { username: 'wang' })).toBe('too_simple');
    expect(passwordProblem('abcdefghij12', policy, { username: 'wang' })).toBe('too_simple');
    expect(passwordProblem('1234567890123', policy, { username: 'wang' })).toBe('too_simple');
    expect(passwordProblem('Wang-2026-secret', policy, { username: 'wang' })).toBe('contains_username');
    expect(passwordProblem('Sun-220282-pass', policy, { idNumber: '220282198001010121' })).toBeNull();
    expect(passwordProblem('Sun-010121-pass', policy, { idNumber: '220282198001010121' })).toBe('contains_id_number');
    expect(passwordProblem(`${'x'.repeat(200)}A1`, policy, { username: 'wang' })).toBe('too_long');
    expect(passwordProblem('Spring-2026-peach', policy, { username: 'wang', isCommon })).toBeNull();
  });

  it('refuses common passwords, also with digits or symbols added at the end', () => {
    expect(passwordProblem('Password12', policy, { isCommon })).toBe('common');
    expect(passwordProblem('Qwerty2026!', policy, { isCommon })).toBe('common');
    expect(passwordProblem('Dragon-fly-7', policy, { isCommon })).toBeNull();
    // without the list (the web form), only the rules of length and mix apply
    expect(passwordProblem('Password12', policy)).toBeNull();
  });

  it('takes the length and the mix of character classes from the configured policy', () => {
    expect(characterClasses('abc')).toBe(1);
    expect(characterClasses('aB3-')).toBe(4);
    expect(characterClasses('密码Ab1')).toBe(4);
    expect(passwordProblem('Abcdefgh12', { minLength: 12, minClasses: 3 })).toBe('too_short');
    expect(passwordProblem('Abcdefghij12', { minLength: 12, minClasses: 4 })).toBe('too_simple');
    expect(passwordProblem('Abcdefghij-12', { minLength: 12, minClasses: 4 })).toBeNull();
    expect(passwordProblem('abcdefghij', { minLength: 10, minClasses: 1 })).toBeNull();
  });

  it('makes one-time passwords that pass the rules and avoid look-alike characters', () => {
    fc.assert(
      fc.property(fc.constant(null), () => {
        const pw = oneTimePassword();
        expect(pw).toHaveLength(12);
        expect(pw).not.toMatch(/[0O1lI]/);
        expect(passwordProblem(pw, policy, { username: 'someone' })).toBeNull();
      }),
      { numRuns: 300 },
    );
  });
});

describe('the rule per role', () => {
  it('gives teachers 8 characters of any kind and everyone else the configured rule', () => {
    expect(passwordPolicyFor('teacher', DEFAULT_PASSWORD_POLICY)).toEqual(TEACHER_PASSWORD_POLICY);
    expect(passwordPolicyFor('county_admin', DEFAULT_PASSWORD_POLICY)).toEqual(DEFAULT_PASSWORD_POLICY);
    expect(passwordPolicyFor('trainer', { minLength: 12, minClasses: 4 })).toEqual({ minLength: 12, minClasses: 4 });
    const teacher = passwordPolicyFor('teacher', DEFAULT_PASSWORD_POLICY);
    expect(passwordProblem('chun tian hua kai', teacher, { isCommon })).toBeNull();
    expect(passwordProblem('chuntianhuakai', DEFAULT_PASSWORD_POLICY, { isCommon })).toBe('too_simple');
    expect(passwordProblem('huakai7', teacher)).toBe('too_short');
  });

  it("never makes the teachers' rule stricter than the configured one", () => {
    fc.assert(
      fc.property(fc.integer({ min: 8, max: 64 }), fc.integer({ min: 1, max: 4 }), (minLength, minClasses) => {
        const t = passwordPolicyFor('teacher', { minLength, minClasses });
        expect(t.minLength).toBeLessThanOrEqual(minLength);
        expect(t.minClasses).toBeLessThanOrEqual(minClasses);
      }),
    );
  });

  it('refuses the birth date held in the ID number, as well as its last six characters', () => {
    const teacher = passwordPolicyFor('teacher', DEFAULT_PASSWORD_POLICY);
    const idNumber = '220282197503120121';
    expect(passwordProblem('wang19750312', teacher, { idNumber })).toBe('contains_id_number');
    expect(passwordProblem('wang-120121', teacher, { idNumber })).toBe('contains_id_number');
    expect(passwordProblem('wang19750313', teacher, { idNumber })).toBeNull();
  });
});
