import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Env } from '../config/env.js';
import { AppError } from '../errors/app-error.js';
import {
  passwordPolicyFor,
  passwordProblem,
  type PasswordContext,
  type PasswordPolicy,
  type PasswordProblem,
} from '../domain/password.js';

/** The list beside this file; the server bundle sits two folders below the root like the sources. */
export const COMMON_PASSWORDS_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../src/services/common-passwords.txt',
);

let common: Set<string> | undefined;

/** Whether a lower-cased password is one of the 10,000 most common ones (the list is read once). */
export function isCommonPassword(lowered: string): boolean {
  common ??= new Set(
    fs
      .readFileSync(COMMON_PASSWORDS_FILE, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#')),
  );
  return common.has(lowered);
}

/**
 * The length and complexity for a role: the configured ones (PEIXUN_PASSWORD_MIN_LENGTH,
 * PEIXUN_PASSWORD_MIN_CLASSES) for administrators and trainers, the teachers' own rule for teachers
 * (domain/password.ts `passwordPolicyFor`). Without a role: the configured policy.
 */
export function passwordPolicy(
  env: Pick<Env, 'PEIXUN_PASSWORD_MIN_LENGTH' | 'PEIXUN_PASSWORD_MIN_CLASSES'>,
  role?: string | null,
): PasswordPolicy {
  return passwordPolicyFor(role, {
    minLength: env.PEIXUN_PASSWORD_MIN_LENGTH,
    minClasses: env.PEIXUN_PASSWORD_MIN_CLASSES,
  });
}

/** The domain rule with the policy of the account's role and the common-password list. */
export function checkNewPassword(
  env: Env,
  password: string,
  about: Omit<PasswordContext, 'isCommon'> & { role?: string | null },
): PasswordProblem | null {
  const { role, ...context } = about;
  return passwordProblem(password, passwordPolicy(env, role), { ...context, isCommon: isCommonPassword });
}

/** The refusal of a weak new password: the message states the role's rule, `details.rule` what was wrong. */
export function weakPassword(env: Env, rule: PasswordProblem | 'same_as_current', role?: string | null): AppError {
  const policy = passwordPolicy(env, role);
  // a rule of one kind of character (teachers) asks for no mix, and says none
  const mixed = policy.minClasses > 1;
  return new AppError('PASSWORD_TOO_WEAK', {
    params: {
      min: policy.minLength,
      classes: policy.minClasses,
      mix: mixed ? `，须包含小写字母、大写字母、数字、符号中的至少 ${policy.minClasses} 种` : '',
      mix_en: mixed ? ` mixing at least ${policy.minClasses} of lower case, upper case, digits and symbols` : '',
    },
    details: { rule, minLength: policy.minLength, minClasses: policy.minClasses },
  });
}
