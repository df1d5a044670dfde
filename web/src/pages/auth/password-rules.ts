import { useQuery } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { authApi } from '../../api/auth.api';
import {
  DEFAULT_PASSWORD_POLICY,
  PASSWORD_MAX_LENGTH,
  passwordPolicyFor,
  passwordProblem,
  type PasswordPolicy,
  type PasswordProblem,
} from '../../../../src/domain/password';

/**
 * The server's password rule (src/domain/password.ts), so the forms answer before submitting. The
 * length and the mix of character classes are the server's configuration, read from
 * /api/auth/password-policy, per role: teachers have their own rule (8 characters of any kind), everyone
 * else the configured one; the list of common passwords stays on the server, which names that problem
 * in `details.rule`.
 */
export { PASSWORD_MAX_LENGTH, passwordProblem };
export type { PasswordPolicy, PasswordProblem };

/** The rule for an account of `role` (a teacher's own, or the configured one). */
export function usePasswordPolicy(role?: string): PasswordPolicy {
  const policy = useQuery({ queryKey: ['password-policy'], queryFn: authApi.passwordPolicy, staleTime: Infinity });
  if (!policy.data) return passwordPolicyFor(role, DEFAULT_PASSWORD_POLICY);
  return role === 'teacher' ? policy.data.teacher : policy.data;
}

/** The rule in a sentence, for the hint under a new-password field; a rule without a mix of classes says so. */
export function passwordRuleText(t: TFunction, policy: PasswordPolicy, withIdNumber = false): string {
  const params = { min: policy.minLength, max: PASSWORD_MAX_LENGTH, classes: policy.minClasses };
  if (policy.minClasses <= 1)
    return withIdNumber ? t('activate.passwordRuleAnyKind', params) : t('password.ruleAnyKind', params);
  return withIdNumber ? t('activate.passwordRule', params) : t('password.rule', params);
}

/** What a broken rule (the form's own check, or the server's `details.rule`) is called in the form. */
export function passwordProblemText(t: TFunction, problem: string, policy: PasswordPolicy): string {
  switch (problem) {
    case 'too_simple':
      return t('password.tooSimple', { classes: policy.minClasses });
    case 'common':
      return t('password.common');
    case 'contains_username':
      return t('password.containsUsername');
    case 'contains_id_number':
      return t('activate.containsIdNumber');
    case 'same_as_current':
      return t('password.sameAsCurrent');
    default:
      return t('password.ruleViolated', { min: policy.minLength, max: PASSWORD_MAX_LENGTH });
  }
}
