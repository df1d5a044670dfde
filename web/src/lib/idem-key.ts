/**
 * A random key for one submission, so a double click or a retry is one entry on the server.
 * `crypto.randomUUID` exists only in secure contexts (https, localhost); a school's intranet
 * address over plain http still has `getRandomValues`.
 */
export function newIdemKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
