import crypto from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import { passwordProblem } from '../domain/password.js';
import type { Role } from '../domain/org-tree.js';
import type { Actor } from '../policies/access.policy.js';
import { createSessionRepository } from '../repositories/session.repository.js';
import { createUserRepository } from '../repositories/user.repository.js';
import { createApiTokenRepository, type ActiveToken } from '../repositories/api-token.repository.js';
import type { SessionWithUser } from '../repositories/session.repository.js';
import { appendAudit, auditedWrite, auditRefusal } from './audit.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import { lookupCaches } from './lookup-cache.js';
import { personalDataCipher } from './personal-data.js';
import { maskIdNumber, normaliseIdNumber } from '../domain/id-number.js';
import { foldFullWidth } from '../domain/text.js';
import { createTeacherRepository } from '../repositories/teacher.repository.js';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './password-hasher.js';

const ID_NUMBER = /^[0-9０-９]{17}[0-9Xx０-９ｘＸ]$/;
const DOCUMENT = /^[A-Z0-9()-]{5,30}$/;
/** A typed document number as the registry stores it: half-width, upper case, no spaces. */
const documentKey = (typed: string) => normaliseIdNumber(foldFullWidth(typed.normalize('NFC')).replace(/\s+/g, ''));

export const sha256 = (s: string): Buffer => crypto.createHash('sha256').update(s).digest();
const randomToken = (bytes = 32): string => crypto.randomBytes(bytes).toString('base64url');

export interface Me {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  orgUnit: { id: number; name: string; kind: string; path: string };
  mustChangePassword: boolean;
}

export interface Authenticated {
  actor: Actor;
  mustChangePassword: boolean;
  /** set for cookie sessions; API tokens need no CSRF token */
  csrfToken: string | null;
  via: 'session' | 'token';
}

export function createAuthService({ db, env }: ServiceDeps) {
  const users = createUserRepository(db);
  const sessions = createSessionRepository(db);
  const tokens = createApiTokenRepository(db);
  const { credentials } = lookupCaches(db);
  const idleMs = env.PEIXUN_SESSION_IDLE_MINUTES * 60_000;

  async function me(userId: number): Promise<Me> {
    const u = await users.findById(userId);
    if (!u) throw new AppError('AUTH_REQUIRED');
    return {
      id: u.id, username: u.username, displayName: u.displayName, role: u.role,
      orgUnit: { id: u.orgUnitId, name: u.orgUnitName, kind: u.orgUnitKind, path: u.orgPath },
      mustChangePassword: u.mustChangePassword,
    };
  }

  async function userOfIdNumber(typed: string) {
    const t = await createTeacherRepository(db).findByIdHash(personalDataCipher(env).lookupHash(documentKey(typed)));
    return t?.userId ? users.findById(t.userId) : undefined;
  }

  return {
    me,

    async login(ctx: RequestContext, username: string, password: string): Promise<{ sessionToken: string; csrfToken: string; user: Me }> {
      // teachers log in with their ID number; it never reaches the audit log in clear
      // a resident ID number, or any other document number registered for a teacher (a username is tried first)
      const residentId = ID_NUMBER.test(username);
      const byName = residentId ? undefined : await users.findByUsername(username);
      const byDocument = byName || !DOCUMENT.test(documentKey(username)) ? undefined : await userOfIdNumber(username);
      const meta = { action: 'auth.login', targetType: 'user', targetLabel: residentId || byDocument ? maskIdNumber(documentKey(username)) : username.slice(0, 60) };
      const user = byName ?? byDocument;
      if (!user) {
        await verifyAgainstDummy(password);
        return auditRefusal(db, ctx, meta, new AppError('AUTH_INVALID_CREDENTIALS'));
      }
      const who: RequestContext = { ...ctx, actor: { userId: user.id, username: user.username, role: user.role, orgUnitId: user.orgUnitId, orgPath: user.orgPath, provinceId: user.provinceId } };
      const target = { ...meta, targetId: user.id, targetPath: user.orgPath };
      if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
        return auditRefusal(db, who, target, new AppError('AUTH_ACCOUNT_LOCKED', { details: { lockedUntil: user.lockedUntil.toISOString() } }));
      }
      const ok = user.passwordHash ? await verifyPassword(user.passwordHash, password) : (await verifyAgainstDummy(password), false);
      if (!ok || user.disabled) {
        if (!ok) {
          const lockedUntil = await users.recordFailedLogin(user.id, env.PEIXUN_LOGIN_MAX_FAILURES, env.PEIXUN_LOCKOUT_MINUTES);
          if (lockedUntil && lockedUntil.getTime() > Date.now()) {
            return auditRefusal(db, who, { ...target, details: { lockedNow: true } }, new AppError('AUTH_ACCOUNT_LOCKED', { details: { lockedUntil: lockedUntil.toISOString() } }));
          }
        }
        return auditRefusal(db, who, { ...target, details: user.disabled ? { reason: 'disabled' } : null }, new AppError('AUTH_INVALID_CREDENTIALS'));
      }
      const sessionToken = randomToken();
      const csrfToken = randomToken(24);
      await db.transaction().execute(async (trx) => {
        await createUserRepository(trx).recordLogin(user.id);
        await createSessionRepository(trx).insert({
          tokenHash: sha256(sessionToken), userId: user.id, csrfToken,
          expiresAt: new Date(Date.now() + env.PEIXUN_SESSION_MAX_HOURS * 3_600_000),
          ip: ctx.ip, userAgent: ctx.userAgent?.slice(0, 300) ?? null,
        });
        await appendAudit(trx, who, target, 'success');
      });
      return { sessionToken, csrfToken, user: await me(user.id) };
    },

    async logout(ctx: RequestContext, sessionToken: string): Promise<void> {
      const actor = requireActor(ctx);
      await auditedWrite(db, ctx, { action: 'auth.logout', targetType: 'user', targetId: actor.userId, targetPath: actor.orgPath, targetLabel: actor.username }, async (trx) => {
        await createSessionRepository(trx).delete(sha256(sessionToken));
      });
      credentials.delete(`s:${sha256(sessionToken).toString('hex')}`);
    },

    /**
     * Resolves a session cookie or an API token to the acting user; null when neither is valid.
     * A credential resolved in the last few seconds is served from memory (see lookup-cache.ts):
     * expiry and the idle clock are still checked on every request.
     */
    async authenticate(input: { sessionToken?: string; bearer?: string }): Promise<Authenticated | { expired: true } | null> {
      const now = Date.now();
      if (input.bearer) {
        const key = `t:${sha256(input.bearer).toString('hex')}`;
        const epoch = credentials.epoch();
        let t = credentials.get(key, now) as ActiveToken | undefined;
        if (!t) {
          t = await tokens.findActive(sha256(input.bearer));
          if (!t || t.disabled) return null;
          credentials.set(key, t, epoch, t.userId, now);
        }
        if (t.tokenExpiresAt && t.tokenExpiresAt.getTime() <= now) {
          credentials.delete(key);
          return null;
        }
        // the last-used date is kept to the minute
        if (!t.lastUsedAt || now - t.lastUsedAt.getTime() > 60_000) {
          await tokens.touch(t.tokenId);
          credentials.update(key, { ...t, lastUsedAt: new Date(now) });
        }
        return {
          actor: { userId: t.userId, username: t.username, role: t.role, orgUnitId: t.orgUnitId, orgPath: t.orgPath, provinceId: t.provinceId },
          mustChangePassword: t.mustChangePassword, csrfToken: null, via: 'token',
        };
      }
      if (!input.sessionToken) return null;
      const hash = sha256(input.sessionToken);
      const key = `s:${hash.toString('hex')}`;
      const epoch = credentials.epoch();
      let s = credentials.get(key, now) as SessionWithUser | undefined;
      if (!s) {
        s = await sessions.find(hash);
        if (!s) return null;
        credentials.set(key, s, epoch, s.userId, now);
      }
      if (s.disabled || s.expiresAt.getTime() < now || s.lastSeenAt.getTime() + idleMs < now) {
        await sessions.delete(hash);
        credentials.delete(key);
        return s.disabled ? null : { expired: true };
      }
      // one write a minute per session is enough to keep the idle clock
      if (now - s.lastSeenAt.getTime() > 60_000) {
        await sessions.touch(hash);
        credentials.update(key, { ...s, lastSeenAt: new Date(now) });
      }
      return {
        actor: { userId: s.userId, username: s.username, role: s.role, orgUnitId: s.orgUnitId, orgPath: s.orgPath, provinceId: s.provinceId },
        mustChangePassword: s.mustChangePassword, csrfToken: s.csrfToken, via: 'session',
      };
    },

    async changePassword(ctx: RequestContext, sessionToken: string | null, currentPassword: string, newPassword: string): Promise<void> {
      const actor = requireActor(ctx);
      await auditedWrite(db, ctx, { action: 'auth.change_password', targetType: 'user', targetId: actor.userId, targetPath: actor.orgPath, targetLabel: actor.username }, async (trx) => {
        const u = await createUserRepository(trx).findById(actor.userId);
        if (!u?.passwordHash || !(await verifyPassword(u.passwordHash, currentPassword))) throw new AppError('PASSWORD_WRONG');
        if (passwordProblem(newPassword, u.username) || newPassword === currentPassword) {
          throw new AppError('PASSWORD_TOO_WEAK', { details: { rule: passwordProblem(newPassword, u.username) ?? 'same_as_current' } });
        }
        await createUserRepository(trx).setPassword(u.id, await hashPassword(newPassword), false);
        // other devices must log in again with the new password
        await createSessionRepository(trx).deleteForUser(u.id, sessionToken ? sha256(sessionToken) : undefined);
      });
      // other sessions are gone; this one no longer owes a password change
      credentials.deleteOwner(actor.userId);
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
