import crypto from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import type { Role } from '../domain/org-tree.js';
import { PASSWORD_MAX_LENGTH, type PasswordPolicy } from '../domain/password.js';
import type { Actor } from '../policies/access.policy.js';
import { createSessionRepository } from '../repositories/session.repository.js';
import { createUserRepository, type UserRow } from '../repositories/user.repository.js';
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
import { checkNewPassword, passwordPolicy, weakPassword } from './password-policy.js';
import { signInThrottle } from './sign-in-throttle.js';

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
  /**
   * Session lookups that miss the cache and arrive together (many phones sending study heartbeats at
   * once) are read in one statement at the next turn of the event loop; each request still waits for
   * its own answer.
   */
  let waiting: Array<{ hash: Buffer; done: (s: SessionWithUser | undefined) => void; fail: (e: unknown) => void }> = [];
  const findSession = (hash: Buffer) =>
    new Promise<SessionWithUser | undefined>((done, fail) => {
      waiting.push({ hash, done, fail });
      if (waiting.length > 1) return;
      setImmediate(() => {
        const batch = waiting;
        waiting = [];
        sessions.findMany(batch.map((b) => b.hash)).then(
          (found) => {
            for (const b of batch) b.done(found.get(b.hash.toString('hex')));
          },
          (e: unknown) => {
            for (const b of batch) b.fail(e);
          },
        );
      });
    });
  const tokens = createApiTokenRepository(db);
  const { credentials } = lookupCaches(db);
  const idleMs = env.PEIXUN_SESSION_IDLE_MINUTES * 60_000;
  const throttle = signInThrottle(db, env);
  const actorOf = (u: UserRow): Actor => ({
    userId: u.id,
    username: u.username,
    role: u.role,
    orgUnitId: u.orgUnitId,
    orgPath: u.orgPath,
    provinceId: u.provinceId,
  });

  async function me(userId: number): Promise<Me> {
    const u = await users.findById(userId);
    if (!u) throw new AppError('AUTH_REQUIRED');
    return {
      id: u.id,
      username: u.username,
      displayName: u.displayName,
      role: u.role,
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

    /**
     * The rules a chosen password must meet, for the forms that ask for one (public): the configured
     * one for administrators and trainers, and the teachers' own (activation and a teacher's change).
     */
    passwordRules(): PasswordPolicy & { maxLength: number; teacher: PasswordPolicy } {
      return { ...passwordPolicy(env), maxLength: PASSWORD_MAX_LENGTH, teacher: passwordPolicy(env, 'teacher') };
    },

    async login(
      ctx: RequestContext,
      username: string,
      password: string,
    ): Promise<{ sessionToken: string; csrfToken: string; user: Me }> {
      // teachers log in with their ID number; it never reaches the audit log in clear
      // a resident ID number, or any other document number registered for a teacher (a username is tried first)
      const residentId = ID_NUMBER.test(username);
      const byName = residentId ? undefined : await users.findByUsername(username);
      // looked up even when the username matched, so a known name costs the same queries as an unknown one
      const byDocument = !DOCUMENT.test(documentKey(username)) ? undefined : await userOfIdNumber(username);
      const meta = {
        action: 'auth.login',
        targetType: 'user',
        targetLabel:
          residentId || (byDocument && !byName) ? maskIdNumber(documentKey(username)) : username.slice(0, 60),
      };
      const user = byName ?? byDocument;
      // Every path below costs one lookup of the lock, one argon2 verification and one count of a failure,
      // whether or not the account exists, is locked or has a password: the answer and its time tell nothing.
      const key = throttle.key(
        'login',
        user ? `user:${user.id}` : throttle.unknownSubject(documentKey(username).toLowerCase()),
        ctx,
      );
      const lockedUntil = await throttle.lockedUntil(key);
      const ok = user?.passwordHash
        ? await verifyPassword(user.passwordHash, password)
        : await verifyAgainstDummy(password).then(() => false);
      const who: RequestContext = user ? { ...ctx, actor: actorOf(user) } : ctx;
      const target = user ? { ...meta, targetId: user.id, targetPath: user.orgPath } : meta;
      const locked = (until: Date, details: Record<string, unknown> | null = null) =>
        auditRefusal(
          db,
          who,
          { ...target, details },
          new AppError('AUTH_ACCOUNT_LOCKED', { details: { lockedUntil: until.toISOString() } }),
        );
      if (lockedUntil) return locked(lockedUntil);
      if (!user || !ok || user.disabled) {
        if (!ok) {
          const lockedNow = await throttle.fail(key);
          if (lockedNow) return locked(lockedNow, { lockedNow: true });
        }
        return auditRefusal(
          db,
          who,
          { ...target, details: user?.disabled ? { reason: 'disabled' } : null },
          new AppError('AUTH_INVALID_CREDENTIALS'),
        );
      }
      const sessionToken = randomToken();
      const csrfToken = randomToken(24);
      await db.transaction().execute(async (trx) => {
        await createUserRepository(trx).recordLogin(user.id);
        await createSessionRepository(trx).insert({
          tokenHash: sha256(sessionToken),
          userId: user.id,
          csrfToken,
          expiresAt: new Date(Date.now() + env.PEIXUN_SESSION_MAX_HOURS * 3_600_000),
          ip: ctx.ip,
          userAgent: ctx.userAgent?.slice(0, 300) ?? null,
        });
        await appendAudit(trx, who, target, 'success');
      });
      await throttle.succeed(key);
      return { sessionToken, csrfToken, user: await me(user.id) };
    },

    async logout(ctx: RequestContext, sessionToken: string): Promise<void> {
      const actor = requireActor(ctx);
      await auditedWrite(
        db,
        ctx,
        {
          action: 'auth.logout',
          targetType: 'user',
          targetId: actor.userId,
          targetPath: actor.orgPath,
          targetLabel: actor.username,
        },
        async (trx) => {
          await createSessionRepository(trx).delete(sha256(sessionToken));
        },
      );
      credentials.delete(`s:${sha256(sessionToken).toString('hex')}`);
    },

    /**
     * Resolves a session cookie or an API token to the acting user; null when neither is valid.
     * A credential resolved in the last few seconds is served from memory (see lookup-cache.ts):
     * expiry and the idle clock are still checked on every request.
     */
    async authenticate(input: {
      sessionToken?: string;
      bearer?: string;
    }): Promise<Authenticated | { expired: true } | null> {
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
          actor: {
            userId: t.userId,
            username: t.username,
            role: t.role,
            orgUnitId: t.orgUnitId,
            orgPath: t.orgPath,
            provinceId: t.provinceId,
          },
          mustChangePassword: t.mustChangePassword,
          csrfToken: null,
          via: 'token',
        };
      }
      if (!input.sessionToken) return null;
      const hash = sha256(input.sessionToken);
      const key = `s:${hash.toString('hex')}`;
      const epoch = credentials.epoch();
      let s = credentials.get(key, now) as SessionWithUser | undefined;
      if (!s) {
        s = await findSession(hash);
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
        actor: {
          userId: s.userId,
          username: s.username,
          role: s.role,
          orgUnitId: s.orgUnitId,
          orgPath: s.orgPath,
          provinceId: s.provinceId,
        },
        mustChangePassword: s.mustChangePassword,
        csrfToken: s.csrfToken,
        via: 'session',
      };
    },

    /**
     * Changes the own password. Wrong current passwords count like failed logins from this address:
     * at the limit the session ends and logins from here are locked. A new password ends every other
     * session and every API token of the account.
     */
    async changePassword(
      ctx: RequestContext,
      sessionToken: string | null,
      currentPassword: string,
      newPassword: string,
    ): Promise<void> {
      const actor = requireActor(ctx);
      const meta = {
        action: 'auth.change_password',
        targetType: 'user',
        targetId: actor.userId,
        targetPath: actor.orgPath,
        targetLabel: actor.username,
      };
      const key = throttle.key('login', `user:${actor.userId}`, ctx);
      const lockedUntil = await throttle.lockedUntil(key);
      const u = await users.findById(actor.userId);
      const ok = u?.passwordHash
        ? await verifyPassword(u.passwordHash, currentPassword)
        : await verifyAgainstDummy(currentPassword).then(() => false);
      const lockedNow = lockedUntil ?? (ok ? null : await throttle.fail(key));
      if (lockedNow) {
        if (sessionToken) {
          await sessions.delete(sha256(sessionToken));
          credentials.delete(`s:${sha256(sessionToken).toString('hex')}`);
        }
        const e = new AppError('AUTH_ACCOUNT_LOCKED', { details: { lockedUntil: lockedNow.toISOString() } });
        return auditRefusal(
          db,
          ctx,
          { ...meta, details: { lockedNow: !lockedUntil, sessionEnded: sessionToken !== null } },
          e,
        );
      }
      if (!u || !ok) return auditRefusal(db, ctx, meta, new AppError('PASSWORD_WRONG'));
      await auditedWrite(db, ctx, meta, async (trx, m) => {
        const problem =
          checkNewPassword(env, newPassword, { username: u.username, role: u.role }) ??
          (newPassword === currentPassword ? 'same_as_current' : null);
        if (problem) throw weakPassword(env, problem, u.role);
        await createUserRepository(trx).setPassword(u.id, await hashPassword(newPassword), false);
        // other devices and programs must sign in again with the new password
        await createSessionRepository(trx).deleteForUser(u.id, sessionToken ? sha256(sessionToken) : undefined);
        const revoked = await createApiTokenRepository(trx).revokeAllForUser(u.id);
        await signInThrottle(trx, env).clearAccount('login', `user:${u.id}`);
        m.details = revoked ? { apiTokensRevoked: revoked } : null;
      });
      // other sessions and tokens are gone; this one no longer owes a password change
      credentials.deleteOwner(actor.userId);
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
