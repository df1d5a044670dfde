/** The server's password rule, repeated here so the form can answer before submitting. */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

export type PasswordProblem = 'length' | 'letters_and_digits' | 'contains_username';

export function passwordProblem(password: string, username: string): PasswordProblem | null {
  if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) return 'length';
  if (!/[A-Za-z]/.test(password) || !/[0-9]/.test(password)) return 'letters_and_digits';
  if (username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) return 'contains_username';
  return null;
}

export type ActivationPasswordProblem = PasswordProblem | 'contains_id_number';

/**
 * The rule for the password chosen at activation: the same rule, and (as the server checks)
 * not containing the last six characters of the ID number, which the teacher logs in with.
 */
export function activationPasswordProblem(password: string, idNumber: string): ActivationPasswordProblem | null {
  const problem = passwordProblem(password, '');
  if (problem) return problem;
  const id = idNumber.trim().toUpperCase();
  return id.length >= 6 && password.includes(id.slice(-6)) ? 'contains_id_number' : null;
}
