import crypto from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkToken,
  issueToken,
  parseToken,
  TOKEN_WINDOW_MS,
  tokenSession,
  windowOf,
  type TokenKind,
} from './attendance-token.js';

const T0 = Date.UTC(2027, 5, 1, 1, 0, 0);
const secretArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((a) => Buffer.from(a));
const sessionArb = fc.integer({ min: 1, max: 1_000_000_000 });
/** a moment within a day after T0 */
const momentArb = fc.integer({ min: 0, max: 86_400_000 }).map((d) => T0 + d);
const kindArb = fc.constantFrom<TokenKind>('in', 'out');
const always = { opensAt: 0, closesAt: Number.MAX_SAFE_INTEGER };

describe('rotating check-in tokens', () => {
  it('are valid in the window they were made in and the next one only', () => {
    fc.assert(
      fc.property(
        secretArb,
        sessionArb,
        momentArb,
        fc.integer({ min: -3 * TOKEN_WINDOW_MS, max: 4 * TOKEN_WINDOW_MS }),
        kindArb,
        (secret, sid, issuedAt, delta, kind) => {
          const { token, rotatesAt } = issueToken(secret, sid, issuedAt, kind);
          expect(rotatesAt).toBe((windowOf(issuedAt) + 1) * TOKEN_WINDOW_MS);
          expect(rotatesAt).toBeGreaterThan(issuedAt);
          const at = issuedAt + delta;
          const lag = windowOf(at) - windowOf(issuedAt);
          const expected = lag === 0 || lag === 1 ? null : lag < 0 ? 'not_yet' : 'expired';
          expect(checkToken(secret, sid, token, at, always, kind)).toBe(expected);
        },
      ),
    );
  });

  it('are refused a minute after they were shown, whatever the moment', () => {
    fc.assert(
      fc.property(secretArb, sessionArb, momentArb, kindArb, (secret, sid, at, kind) => {
        expect(checkToken(secret, sid, issueToken(secret, sid, at, kind).token, at + 60_000, always, kind)).toBe(
          'expired',
        );
      }),
    );
  });

  it('are accepted inside the check-in window only', () => {
    fc.assert(
      fc.property(
        secretArb,
        sessionArb,
        momentArb,
        fc.integer({ min: -600_000, max: 600_000 }),
        fc.integer({ min: 1, max: 3_600_000 }),
        kindArb,
        (secret, sid, at, offset, length, kind) => {
          const opensAt = at + offset;
          const closesAt = opensAt + length;
          const got = checkToken(secret, sid, issueToken(secret, sid, at, kind).token, at, { opensAt, closesAt }, kind);
          expect(got).toBe(at >= opensAt && at <= closesAt ? null : 'outside_checkin');
        },
      ),
    );
  });

  it('are never valid for another session', () => {
    fc.assert(
      fc.property(secretArb, sessionArb, sessionArb, momentArb, kindArb, (secret, sid, other, at, kind) => {
        fc.pre(sid !== other);
        const { token } = issueToken(secret, sid, at, kind);
        expect(tokenSession(token)).toBe(sid);
        expect(checkToken(secret, other, token, at, always, kind)).toBe('other_session');
      }),
    );
  });

  it('refuse forged and tampered tokens: another secret, a changed window or signature, the other kind', () => {
    fc.assert(
      fc.property(
        secretArb,
        secretArb,
        sessionArb,
        momentArb,
        fc.nat(),
        kindArb,
        (secret, other, sid, at, pos, kind) => {
          fc.pre(!secret.equals(other));
          const { token } = issueToken(other, sid, at, kind);
          expect(checkToken(secret, sid, token, at, always, kind)).toBe('forged');

          const real = issueToken(secret, sid, at, kind).token;
          // a token made for the next window by someone who guessed the format
          const p = parseToken(real)!;
          const shifted = real.replace(`.${p.window}.`, `.${p.window - 1}.`);
          expect(checkToken(secret, sid, shifted, at, always, kind)).toBe('forged');
          // one character of the signature changed
          const sig = real.slice(real.lastIndexOf('.') + 1);
          const i = pos % sig.length;
          const swapped = sig[i] === 'A' ? 'B' : 'A';
          const tampered = real.slice(0, real.length - sig.length) + sig.slice(0, i) + swapped + sig.slice(i + 1);
          expect(checkToken(secret, sid, tampered, at, always, kind)).toBe('forged');
          // a check-in code does not check out, nor the other way round
          expect(checkToken(secret, sid, real, at, always, kind === 'in' ? 'out' : 'in')).toBe('forged');
        },
      ),
    );
  });

  it('refuse anything that is not a token', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        fc.pre(parseToken(s) === null);
        expect(checkToken(crypto.randomBytes(32), 1, s, T0, always)).toBe('malformed');
      }),
    );
    expect(checkToken(crypto.randomBytes(32), 1, '', T0, always)).toBe('malformed');
  });

  it('keep the check-in API unchanged: the default kind is check-in', () => {
    const secret = crypto.randomBytes(32);
    const { token } = issueToken(secret, 7, T0);
    expect(token).toMatch(/^7\.\d+\.[A-Za-z0-9_-]{22}$/);
    expect(parseToken(token)).toEqual({ sessionId: 7, window: windowOf(T0), kind: 'in' });
    expect(checkToken(secret, 7, token, T0 + 45_000, { opensAt: T0 - 1, closesAt: T0 + 3_600_000 })).toBeNull();
    expect(parseToken(issueToken(secret, 7, T0, 'out').token)?.kind).toBe('out');
  });
});
