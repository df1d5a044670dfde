import crypto from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import { can } from '../policies/access.policy.js';
import { createApiTokenRepository, type ApiTokenRow } from '../repositories/api-token.repository.js';
import { auditedWrite, auditRefusal } from './audit.js';
import { sha256 } from './auth.service.js';
import { lookupCaches } from './lookup-cache.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';

/** API tokens let an integration act as an administrator: `Authorization: Bearer px_…`. */
export function createApiTokenService({ db }: ServiceDeps) {
  const tokens = createApiTokenRepository(db);

  async function requireTokenRight(ctx: RequestContext, action: string) {
    const actor = requireActor(ctx);
    if (!can(actor, 'token.manage', { path: actor.orgPath })) {
      return auditRefusal(
        db,
        ctx,
        { action, targetType: 'api_token', targetPath: actor.orgPath },
        new AppError('FORBIDDEN'),
      );
    }
    return actor;
  }

  return {
    async list(ctx: RequestContext): Promise<ApiTokenRow[]> {
      const actor = await requireTokenRight(ctx, 'api_token.list');
      return tokens.listForUser(actor.userId);
    },

    async create(
      ctx: RequestContext,
      input: { name: string; expiresInDays?: number },
    ): Promise<{ token: string; apiToken: ApiTokenRow }> {
      const actor = await requireTokenRight(ctx, 'api_token.create');
      const prefix = crypto.randomBytes(4).toString('hex');
      const token = `px_${prefix}_${crypto.randomBytes(24).toString('base64url')}`;
      const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null;
      return auditedWrite(
        db,
        ctx,
        { action: 'api_token.create', targetType: 'api_token', targetLabel: input.name, targetPath: actor.orgPath },
        async (trx, meta) => {
          const apiToken = await createApiTokenRepository(trx).insert({
            userId: actor.userId,
            name: input.name,
            prefix,
            tokenHash: sha256(token),
            expiresAt,
          });
          meta.targetId = apiToken.id;
          return { token, apiToken };
        },
      );
    },

    async revoke(ctx: RequestContext, id: number): Promise<void> {
      const actor = await requireTokenRight(ctx, 'api_token.revoke');
      await auditedWrite(
        db,
        ctx,
        { action: 'api_token.revoke', targetType: 'api_token', targetId: id, targetPath: actor.orgPath },
        async (trx) => {
          // another user's token is "not found": ids reveal nothing
          if (!(await createApiTokenRepository(trx).revoke(actor.userId, id))) throw new AppError('NOT_FOUND');
        },
      );
      lookupCaches(db).credentials.deleteOwner(actor.userId);
    },
  };
}

export type ApiTokenService = ReturnType<typeof createApiTokenService>;
