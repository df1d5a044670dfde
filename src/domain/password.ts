/** Minimum length and number of character classes, set by PEIXUN_PASSWORD_MIN_LENGTH and _MIN_CLASSES. */
export interface PasswordPolicy {
  minLength: number;
  /** how many of lower case, upper case, digits and symbols a password must mix (1–4) */
  minClasses: number;
}

export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = { minLength: 10, minClasses: 3 };

/**
 * The teachers' rule: 8 characters or more of any kind, no mix of classes demanded. A teacher sets the
 * password on a phone, often once a year; a mix of upper case, digits and symbols on a phone keyboard
 * is what makes people write passwords down or give up. Length and the refusal of common passwords,
 * of the ID number's last six characters and of the birth date it holds are what protect an account
 * (NIST SP 800-63B drops composition rules for the same reason); sign-in locks stop guessing online.
 * A passphrase of four words in pinyin ("chun tian hua kai") meets it. Administrators, who reach
 * thousands of teachers' records, keep the configured, stricter rule.
 */
export const TEACHER_PASSWORD_POLICY: PasswordPolicy = { minLength: 8, minClasses: 1 };

/**
 * The rule for a role: teachers have their own (`TEACHER_PASSWORD_POLICY`, never stricter than the
 * configured one), everyone else the configured policy.
 * @example passwordPolicyFor('teacher', { minLength: 12, minClasses: 3 }) // { minLength: 8, minClasses: 1 }
 */
export function passwordPolicyFor(role: string | null | undefined, configured: PasswordPolicy): PasswordPolicy {
  if (role !== 'teacher') return configured;
  return {
    minLength: Math.min(TEACHER_PASSWORD_POLICY.minLength, configured.minLength),
    minClasses: Math.min(TEACHER_PASSWORD_POLICY.minClasses, configured.minClasses),
  };
}
export const PASSWORD_MAX_LENGTH = 128;

export type PasswordProblem =
  | 'too_short'
  | 'too_long'
  | 'too_simple'
  | 'common'
  | 'contains_username'
  | 'contains_id_number';

/** What the password must not be built from: the account's own names, and a list of common passwords. */
export interface PasswordContext {
  username?: string;
  /** the ID number a teacher logs in with: neither its last six characters nor its birth date may be in the password */
  idNumber?: string;
  /** whether a lower-cased password is a common one (the list is the server's; the web form leaves it out) */
  isCommon?: (lowered: string) => boolean;
}

/** How many of the four classes (lower case, upper case, digit, anything else) a password mixes. */
export function characterClasses(password: string): number {
  return [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u].filter((re) => re.test(password)).length;
}

/**
 * What is wrong with a new password, or null when it is acceptable. A common password with digits or
 * symbols added at its end ("Password12!") counts as common.
 *
 * @example passwordProblem('Password12', DEFAULT_PASSWORD_POLICY, { isCommon }) // 'common'
 */
export function passwordProblem(
  password: string,
  policy: PasswordPolicy,
  about: PasswordContext = {},
): PasswordProblem | null {
  if (password.length < policy.minLength) return 'too_short';
  if (password.length > PASSWORD_MAX_LENGTH) return 'too_long';
  if (characterClasses(password) < policy.minClasses) return 'too_simple';
  const lowered = password.toLowerCase();
  const username = about.username?.trim().toLowerCase() ?? '';
  if (username.length >= 3 && lowered.includes(username)) return 'contains_username';
  const id = about.idNumber?.replace(/\s+/g, '').toLowerCase() ?? '';
  if (id.length >= 6 && lowered.includes(id.slice(-6))) return 'contains_id_number';
  // the birth date of an 18-character ID number (19750312), the first thing a guesser tries
  if (id.length === 18 && /^\d{8}$/.test(id.slice(6, 14)) && lowered.includes(id.slice(6, 14)))
    return 'contains_id_number';
  if (about.isCommon) {
    const stem = lowered.replace(/[^\p{L}]+$/u, '');
    if (about.isCommon(lowered) || (stem.length >= 4 && about.isCommon(stem))) return 'common';
  }
  return null;
}

// no 0/O, 1/l/I: one-time passwords are read off paper
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789';

/** A uniform random index below `n` (the Web Crypto source, so this module also runs in the browser). */
function randomIndex(n: number): number {
  const limit = Math.floor(0x1_0000_0000 / n) * n;
  const buf = new Uint32Array(1);
  for (;;) {
    globalThis.crypto.getRandomValues(buf);
    if (buf[0]! < limit) return buf[0]! % n;
  }
}

/** A one-time password: 12 characters, always with lower case, upper case and digits. */
export function oneTimePassword(): string {
  for (;;) {
    const pw = Array.from({ length: 12 }, () => ALPHABET[randomIndex(ALPHABET.length)]).join('');
    if (characterClasses(pw) === 3) return pw;
  }
}
