import { maskBirthDatesIn } from '../domain/id-number.js';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import { can } from '../policies/access.policy.js';
import { createAuditLogRepository, type AuditOutcome } from '../repositories/audit-log.repository.js';
import { createOrgUnitRepository } from '../repositories/org-unit.repository.js';
import { auditRefusal } from './audit.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';

export function createAuditLogService({ db }: ServiceDeps) {
  const log = createAuditLogRepository(db);
  const units = createOrgUnitRepository(db);
  return {
    /** Audit rows about the actor's subtree (or a unit inside it), newest first. */
    async list(
      ctx: RequestContext,
      q: {
        orgUnitId?: number;
        action?: string;
        outcome?: AuditOutcome;
        actor?: string;
        from?: Date;
        to?: Date;
        page: number;
        pageSize: number;
      },
    ) {
      const actor = requireActor(ctx);
      const unit = await units.findById(q.orgUnitId ?? actor.orgUnitId);
      if (!unit) throw new AppError('NOT_FOUND');
      if (!can(actor, 'audit.read', { path: unit.path })) {
        return auditRefusal(
          db,
          ctx,
          { action: 'audit_log.read', targetType: 'org_unit', targetId: unit.id },
          can(actor, 'org.read', { path: unit.path }) ? new AppError('FORBIDDEN') : notFoundDenied(),
        );
      }
      const page = await log.list({
        scopePath: unit.path,
        // failed logins with unknown usernames belong to no unit: the top level of the deployment sees them
        includeUnscoped: actor.role === 'province_admin' && unit.id === actor.orgUnitId,
        action: q.action,
        outcome: q.outcome,
        actor: q.actor,
        from: q.from,
        to: q.to,
        limit: q.pageSize,
        offset: (q.page - 1) * q.pageSize,
      });
      // rows written before birth dates were masked in changes still hold them in full
      return { ...page, items: page.items.map((r) => ({ ...r, details: maskBirthDatesIn(r.details) })) };
    },
  };
}

export type AuditLogService = ReturnType<typeof createAuditLogService>;
