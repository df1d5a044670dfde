import type { Env } from '../config/env.js';
import type { Database } from '../db/database.js';
import {
  createAuthThrottleRepository,
  type ThrottleKey,
  type ThrottleKind,
} from '../repositories/auth-throttle.repository.js';
import type { RequestContext } from './context.js';
import { personalDataCipher } from './personal-data.js';

/** Failed activations of one teacher from one address within the window before further tries are refused. */
export const ACTIVATION_MAX_FAILURES = 5;
export const ACTIVATION_WINDOW_MINUTES = 15;

/**
 * Locks after repeated failures, per (account, source address): a stranger elsewhere cannot lock an
 * account out, and a name or ID number no account has is counted and locked the same way, so the
 * answers do not tell whether an account exists. Failures are recorded outside the use case's
 * transaction (they must survive its rollback).
 */
export function signInThrottle(db: Database, env: Env) {
  const repo = createAuthThrottleRepository(db);
  const limits = (kind: ThrottleKind) =>
    kind === 'login'
      ? {
          maxFailures: env.PEIXUN_LOGIN_MAX_FAILURES,
          windowMinutes: env.PEIXUN_LOCKOUT_MINUTES,
          lockMinutes: env.PEIXUN_LOCKOUT_MINUTES,
        }
      : {
          maxFailures: ACTIVATION_MAX_FAILURES,
          windowMinutes: ACTIVATION_WINDOW_MINUTES,
          lockMinutes: ACTIVATION_WINDOW_MINUTES,
        };
  return {
    /** The key of an account (`user:<id>`, `teacher:<id>`) as seen from the request's address. */
    key(kind: ThrottleKind, subject: string, ctx: RequestContext): ThrottleKey {
      return { kind, subject, source: ctx.ip ?? '-' };
    },
    /** The subject of a typed name that matches no account: a keyed hash, so no ID number is kept in clear. */
    unknownSubject(normalised: string): string {
      return `name:${personalDataCipher(env).lookupHash(`throttle:${normalised}`).toString('hex')}`;
    },
    lockedUntil: (k: ThrottleKey) => repo.lockedUntil(k),
    fail: (k: ThrottleKey) => repo.recordFailure(k, limits(k.kind)),
    succeed: (k: ThrottleKey) => repo.clear(k),
    /** Unlocks an account from every address (an administrator's unlock, a new password). */
    clearAccount: (kind: ThrottleKind, subject: string) => repo.clearSubject(kind, subject),
  };
}

export type SignInThrottle = ReturnType<typeof signInThrottle>;
