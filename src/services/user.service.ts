import { AppError, notFoundDenied } from '../errors/app-error.js';
import { roleFitsUnit, type OrgUnitKind, type Role } from '../domain/org-tree.js';
import { oneTimePassword } from '../domain/password.js';
import { can } from '../policies/access.policy.js';
import { createApiTokenRepository } from '../repositories/api-token.repository.js';
import { createOrgUnitRepository } from '../repositories/org-unit.repository.js';
import { createSessionRepository } from '../repositories/session.repository.js';
import { createUserRepository, type UserRow } from '../repositories/user.repository.js';
import { auditedWrite, auditRefusal } from './audit.js';
import { lookupCaches } from './lookup-cache.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import { hashPassword } from './password-hasher.js';
import { checkNewPassword, weakPassword } from './password-policy.js';
import { translatePgError } from './pg-errors.js';
import { signInThrottle } from './sign-in-throttle.js';

const UNIQUE = { app_user_username_idx: 'USERNAME_TAKEN' } as const;

export interface CreateUserInput {
  username: string;
  displayName: string;
  role: Role;
  orgUnitId: number;
}

export function createUserService({ db, env }: ServiceDeps) {
  const users = createUserRepository(db);
  const units = createOrgUnitRepository(db);
  const { credentials } = lookupCaches(db);

  /** The target account when the actor may manage it; "not found" outside what the actor can see, "forbidden" for a peer or superior. */
  async function loadManageable(ctx: RequestContext, id: number, action: string): Promise<UserRow> {
    const actor = requireActor(ctx);
    const target = await users.findById(id);
    if (!target) throw new AppError('NOT_FOUND');
    const meta = { action, targetType: 'user', targetId: id, targetPath: target.orgPath, targetLabel: target.username };
    // the row keeps the target's place, so the target's admins see the attempt; the actor's log does not name it
    if (!can(actor, 'org.read', { path: target.orgPath })) return auditRefusal(db, ctx, meta, notFoundDenied());
    if (!can(actor, 'user.manage', { path: target.orgPath, role: target.role }))
      return auditRefusal(db, ctx, meta, new AppError('FORBIDDEN'));
    return target;
  }

  async function insertUser(
    trx: Parameters<Parameters<typeof auditedWrite>[3]>[0],
    input: CreateUserInput & { password: string; mustChangePassword: boolean; isDemo?: boolean },
  ): Promise<UserRow> {
    const unit = await createOrgUnitRepository(trx).findById(input.orgUnitId);
    if (!unit) throw new AppError('NOT_FOUND');
    if (!roleFitsUnit(input.role, unit.kind as OrgUnitKind)) {
      throw new AppError('ROLE_NOT_ALLOWED_AT_UNIT', { details: { role: input.role, unitKind: unit.kind } });
    }
    try {
      const id = await createUserRepository(trx).insert({
        username: input.username,
        displayName: input.displayName,
        role: input.role,
        orgUnitId: unit.id,
        orgPath: unit.path,
        provinceId: unit.provinceId,
        passwordHash: await hashPassword(input.password),
        mustChangePassword: input.mustChangePassword,
        isDemo: input.isDemo,
      });
      return (await createUserRepository(trx).findById(id))!;
    } catch (e) {
      throw translatePgError(e, UNIQUE);
    }
  }

  return {
    async list(
      ctx: RequestContext,
      q: { orgUnitId?: number; includeDescendants: boolean; q?: string; role?: Role; page: number; pageSize: number },
    ) {
      const actor = requireActor(ctx);
      const unit = await units.findById(q.orgUnitId ?? actor.orgUnitId);
      if (!unit) throw new AppError('NOT_FOUND');
      if (!can(actor, 'user.read', { path: unit.path })) {
        return auditRefusal(
          db,
          ctx,
          { action: 'user.list', targetType: 'org_unit', targetId: unit.id },
          can(actor, 'org.read', { path: unit.path }) ? new AppError('FORBIDDEN') : notFoundDenied(),
        );
      }
      return users.list({
        scopePath: unit.path,
        orgUnitId: unit.id,
        includeDescendants: q.includeDescendants,
        q: q.q,
        role: q.role,
        limit: q.pageSize,
        offset: (q.page - 1) * q.pageSize,
      });
    },

    async create(ctx: RequestContext, input: CreateUserInput): Promise<{ user: UserRow; oneTimePassword: string }> {
      const actor = requireActor(ctx);
      const unit = await units.findById(input.orgUnitId);
      if (!unit) throw new AppError('NOT_FOUND');
      const meta = {
        action: 'user.create',
        targetType: 'user',
        targetLabel: input.username,
        targetPath: unit.path,
        details: { role: input.role, orgUnitId: unit.id },
      };
      if (!can(actor, 'org.read', { path: unit.path }))
        return auditRefusal(db, ctx, { ...meta, targetPath: null }, notFoundDenied());
      if (!can(actor, 'user.manage', { path: unit.path, role: input.role }))
        return auditRefusal(db, ctx, meta, new AppError('FORBIDDEN'));
      const password = oneTimePassword();
      return auditedWrite(db, ctx, meta, async (trx, m) => {
        const user = await insertUser(trx, { ...input, password, mustChangePassword: true });
        m.targetId = user.id;
        return { user, oneTimePassword: password };
      });
    },

    async update(
      ctx: RequestContext,
      id: number,
      patch: { displayName?: string; disabled?: boolean },
    ): Promise<UserRow> {
      const target = await loadManageable(ctx, id, 'user.update');
      const changes = Object.fromEntries(
        Object.entries(patch)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => [k, { from: target[k as keyof UserRow], to: v }]),
      );
      const updated = await auditedWrite(
        db,
        ctx,
        {
          action: 'user.update',
          targetType: 'user',
          targetId: id,
          targetPath: target.orgPath,
          targetLabel: target.username,
          details: { changes },
        },
        async (trx) => {
          await createUserRepository(trx).update(id, patch);
          if (patch.disabled) await createSessionRepository(trx).deleteForUser(id);
          return (await createUserRepository(trx).findById(id))!;
        },
      );
      // sessions and tokens resolved before the change carry the old account state
      credentials.deleteOwner(id);
      return updated;
    },

    async resetPassword(ctx: RequestContext, id: number): Promise<{ oneTimePassword: string }> {
      const target = await loadManageable(ctx, id, 'user.reset_password');
      const password = oneTimePassword();
      const result = await auditedWrite(
        db,
        ctx,
        {
          action: 'user.reset_password',
          targetType: 'user',
          targetId: id,
          targetPath: target.orgPath,
          targetLabel: target.username,
        },
        async (trx) => {
          await createUserRepository(trx).setPassword(id, await hashPassword(password), true);
          // whoever knew the old password loses every way in: sessions, API tokens, and the locks are lifted
          await createSessionRepository(trx).deleteForUser(id);
          await createApiTokenRepository(trx).revokeAllForUser(id);
          await signInThrottle(trx, env).clearAccount('login', `user:${id}`);
          return { oneTimePassword: password };
        },
      );
      credentials.deleteOwner(id);
      return result;
    },

    async unlock(ctx: RequestContext, id: number): Promise<void> {
      const target = await loadManageable(ctx, id, 'user.unlock');
      await auditedWrite(
        db,
        ctx,
        {
          action: 'user.unlock',
          targetType: 'user',
          targetId: id,
          targetPath: target.orgPath,
          targetLabel: target.username,
        },
        async (trx) => {
          await createUserRepository(trx).unlock(id);
          await signInThrottle(trx, env).clearAccount('login', `user:${id}`);
        },
      );
    },

    /**
     * The first administrator, from the command line (`peixun admin create`): no acting user,
     * a password chosen by the operator, which must pass the password rules.
     */
    async createFromCli(
      ctx: RequestContext,
      input: CreateUserInput & { password: string; mustChangePassword?: boolean; isDemo?: boolean },
    ): Promise<UserRow> {
      const problem = checkNewPassword(env, input.password, { username: input.username, role: input.role });
      if (problem && !input.mustChangePassword) throw weakPassword(env, problem, input.role);
      return auditedWrite(
        db,
        ctx,
        {
          action: 'user.create',
          targetType: 'user',
          targetLabel: input.username,
          details: { role: input.role, orgUnitId: input.orgUnitId },
        },
        async (trx, m) => {
          const user = await insertUser(trx, { ...input, mustChangePassword: input.mustChangePassword ?? false });
          m.targetId = user.id;
          m.targetPath = user.orgPath;
          return user;
        },
      );
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
