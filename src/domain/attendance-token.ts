/**
 * The rotating QR code of a training session: a token that names the session and a 30-second
 * window, signed with the session's secret. A token is accepted only for its own session, only
 * during the window it was made in or the one before (a scan that takes a few seconds still works),
 * and only inside the session's check-in time: a screenshot stops working within a minute.
 * Check-out codes are a second kind: signed under another prefix and written with a leading `o`,
 * so a check-in code never checks anyone out and the other way round.
 * Pure: the caller passes the clock and the secret.
 */
import crypto from 'node:crypto';

export const TOKEN_WINDOW_MS = 30_000;

export type TokenKind = 'in' | 'out';

export type TokenProblem = 'malformed' | 'forged' | 'other_session' | 'expired' | 'not_yet' | 'outside_checkin';

const b64url = (b: Buffer) => b.toString('base64url');

const PREFIX: Record<TokenKind, string> = { in: 'checkin', out: 'checkout' };
const LEAD: Record<TokenKind, string> = { in: '', out: 'o' };
const TOKEN_RE = /^(o?)(\d{1,15})\.(\d{1,15})\.([A-Za-z0-9_-]{22})$/;

function mac(secret: Buffer, sessionId: number, window: number, kind: TokenKind): Buffer {
  return crypto.createHmac('sha256', secret).update(`${PREFIX[kind]}:${sessionId}:${window}`).digest().subarray(0, 16);
}

export const windowOf = (nowMs: number) => Math.floor(nowMs / TOKEN_WINDOW_MS);

/** The token shown at `nowMs`, and until when it is shown before the next one replaces it. */
export function issueToken(
  secret: Buffer,
  sessionId: number,
  nowMs: number,
  kind: TokenKind = 'in',
): { token: string; rotatesAt: number } {
  const w = windowOf(nowMs);
  return {
    token: `${LEAD[kind]}${sessionId}.${w}.${b64url(mac(secret, sessionId, w, kind))}`,
    rotatesAt: (w + 1) * TOKEN_WINDOW_MS,
  };
}

/** What a token claims (before its secret is known): its session and kind, or null when it is not a token. */
export function parseToken(token: string): { sessionId: number; window: number; kind: TokenKind } | null {
  const m = TOKEN_RE.exec(token);
  return m ? { sessionId: Number(m[2]), window: Number(m[3]), kind: m[1] === 'o' ? 'out' : 'in' } : null;
}

/** The session a token claims to be for (before its secret is known), or null when it is not a token. */
export function tokenSession(token: string): number | null {
  return parseToken(token)?.sessionId ?? null;
}

/**
 * Checks a scanned token of `kind` for `sessionId` at `nowMs`; `checkin` is the time in which
 * scans of that kind are accepted. A token of the other kind is refused as forged.
 *
 * @example checkToken(secret, 7, issueToken(secret, 7, t).token, t + 45_000, { opensAt: t - 1, closesAt: t + 3_600_000 }) // null: one window later is still fine
 */
export function checkToken(
  secret: Buffer,
  sessionId: number,
  token: string,
  nowMs: number,
  checkin: { opensAt: number; closesAt: number },
  kind: TokenKind = 'in',
): TokenProblem | null {
  const m = TOKEN_RE.exec(token);
  if (!m) return 'malformed';
  const [sid, w] = [Number(m[2]), Number(m[3])];
  const given = Buffer.from(m[4]!, 'base64url');
  if (sid !== sessionId) return 'other_session';
  if (m[1] !== LEAD[kind]) return 'forged';
  // base64url of 16 bytes leaves 4 spare bits in the last character: only the canonical spelling counts
  if (given.length !== 16 || b64url(given) !== m[4] || !crypto.timingSafeEqual(given, mac(secret, sid, w, kind)))
    return 'forged';
  const now = windowOf(nowMs);
  if (w > now) return 'not_yet';
  if (w < now - 1) return 'expired';
  if (nowMs < checkin.opensAt || nowMs > checkin.closesAt) return 'outside_checkin';
  return null;
}
