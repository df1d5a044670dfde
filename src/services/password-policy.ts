import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Env } from '../config/env.js';
import { AppError } from '../errors/app-error.js';
import {
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

/** The configured length and complexity (PEIXUN_PASSWORD_MIN_LENGTH, PEIXUN_PASSWORD_MIN_CLASSES). */
export function passwordPolicy(
  env: Pick<Env, 'PEIXUN_PASSWORD_MIN_LENGTH' | 'PEIXUN_PASSWORD_MIN_CLASSES'>,
): PasswordPolicy {
  return { minLength: env.PEIXUN_PASSWORD_MIN_LENGTH, minClasses: env.PEIXUN_PASSWORD_MIN_CLASSES };
}

/** The domain rule with the configured policy and the common-password list. */
export function checkNewPassword(
  env: Env,
  password: string,
  about: Omit<PasswordContext, 'isCommon'>,
): PasswordProblem | null {
  return passwordProblem(password, passwordPolicy(env), { ...about, isCommon: isCommonPassword });
}

/** The refusal of a weak new password: the message states the configured rule, `details.rule` what was wrong. */
export function weakPassword(env: Env, rule: PasswordProblem | 'same_as_current'): AppError {
  return new AppError('PASSWORD_TOO_WEAK', {
    params: { min: env.PEIXUN_PASSWORD_MIN_LENGTH, classes: env.PEIXUN_PASSWORD_MIN_CLASSES },
    details: { rule },
  });
}
