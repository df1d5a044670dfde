/**
 * Errors that say the database cannot be reached (rather than that a statement was wrong): the server
 * answers them with 503 and `Retry-After`, and the database supervisor checks the connection.
 */

/** PostgreSQL codes of a server shutting down, crashed, starting up or full (the 08xxx class is checked below). */
const PG_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '53300']);
/** Socket errors of a server that is gone, or a host that cannot be reached. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
]);
/** What `pg` and `pg-pool` say when a connection ends under them or cannot be made in time. */
const MESSAGES = [
  /^Connection terminated/,
  /timeout exceeded when trying to connect/,
  /is not queryable/,
  /^Client was closed and is not queryable/,
  /the database system is (starting up|shutting down|in recovery mode)/,
];

/**
 * @example isConnectionError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })) // true
 * @example isConnectionError({ code: '23505' }) // false: a unique violation is the statement's fault
 */
export function isConnectionError(e: unknown, depth = 0): boolean {
  if (!e || typeof e !== 'object' || depth > 4) return false;
  const err = e as { code?: unknown; message?: unknown; errors?: unknown; cause?: unknown };
  if (typeof err.code === 'string') {
    if (PG_UNAVAILABLE.has(err.code) || SOCKET_CODES.has(err.code)) return true;
    if (/^08[0-9A-Z]{3}$/.test(err.code)) return true;
  }
  if (typeof err.message === 'string' && MESSAGES.some((re) => re.test(err.message as string))) return true;
  // a connection to a name with several addresses fails with an AggregateError of the attempts
  const all = Array.isArray(err.errors) ? (err.errors as unknown[]) : [];
  if (all.length && all.every((x) => isConnectionError(x, depth + 1))) return true;
  return err.cause !== undefined && err.cause !== e && isConnectionError(err.cause, depth + 1);
}
