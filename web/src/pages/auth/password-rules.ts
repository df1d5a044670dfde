import { useQuery } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { authApi } from '../../api/auth.api';
import {
  DEFAULT_PASSWORD_POLICY,
  PASSWORD_MAX_LENGTH,
  passwordProblem,
  type PasswordPolicy,
  type PasswordProblem,
} from '../../../../src/domain/password';

/**
 * The server's password rule (src/domain/password.ts), so the forms answer before submitting. The
 * length and the mix of character classes are the server's configuration, read from
 * /api/auth/password-policy; the list of common passwords stays on the server, which names that
 * problem in `details.rule`.
 */
export { PASSWORD_MAX_LENGTH, passwordProblem };
export type { PasswordPolicy, PasswordProblem };

export function usePasswordPolicy(): PasswordPolicy {
  const policy = useQuery({ queryKey: ['password-policy'], queryFn: authApi.passwordPolicy, staleTime: Infinity });
  return policy.data ?? DEFAULT_PASSWORD_POLICY;
}

/** The rule in a sentence, for the hint under a new-password field. */
export function passwordRuleText(t: TFunction, policy: PasswordPolicy, withIdNumber = false): string {
  const params = { min: policy.minLength, max: PASSWORD_MAX_LENGTH, classes: policy.minClasses };
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
