import { AppError, notFoundDenied } from '../errors/app-error.js';
import type { Database } from '../db/database.js';
import { createOrgUnitRepository, type OrgUnitRow } from '../repositories/org-unit.repository.js';
import { isAdmin } from '../domain/org-tree.js';
import { can, type Action, type Actor } from '../policies/access.policy.js';
import { auditRefusal } from './audit.js';
import { requireActor, type RequestContext } from './context.js';

/**
 * The checks every teacher-registry use case starts with. The registry is for administrators:
 * trainers and teachers are refused before anything is looked up (no existence is revealed).
 */
export async function requireRegistryRole(db: Database, ctx: RequestContext, action: string): Promise<Actor> {
  const actor = requireActor(ctx);
  if (!isAdmin(actor.role))
    return auditRefusal(db, ctx, { action, targetPath: actor.orgPath }, new AppError('FORBIDDEN'));
  return actor;
}

/** An administrator who may manage the registry at `target.path`: "not found" outside their subtree, "forbidden" inside without the right. */
export function requireRegistryManage(
  db: Database,
  ctx: RequestContext,
  action: string,
  target: AccessTarget,
): Promise<Actor> {
  return requireAdminAction(db, ctx, action, 'teacher.manage', target);
}

export interface AccessTarget {
  path: string;
  type: string;
  id: number | string;
  label?: string;
}

/**
 * An administrator allowed `policy` at `target.path`; trainers and teachers get "forbidden"
 * before anything is looked up, anyone outside the subtree "not found", an admin inside it
 * without the right "forbidden". Every refusal is audited under `action`.
 */
export async function requireAdminAction(
  db: Database,
  ctx: RequestContext,
  action: string,
  policy: Action,
  target: AccessTarget,
): Promise<Actor> {
  const actor = await requireRegistryRole(db, ctx, action);
  if (!can(actor, 'org.read', { path: target.path }))
    return auditRefusal(db, ctx, { action, targetType: target.type, targetId: target.id }, notFoundDenied());
  if (!can(actor, policy, { path: target.path })) {
    return auditRefusal(
      db,
      ctx,
      {
        action,
        targetType: target.type,
        targetId: target.id,
        targetPath: target.path,
        targetLabel: target.label ?? null,
      },
      new AppError('FORBIDDEN'),
    );
  }
  return actor;
}

/** A unit the actor may act on under `policy`: missing or outside the subtree reads as "not found". */
export async function requireAdminAtUnit(
  db: Database,
  ctx: RequestContext,
  orgUnitId: number,
  action: string,
  policy: Action,
): Promise<OrgUnitRow> {
  const unit = await createOrgUnitRepository(db).findById(orgUnitId);
  if (!unit) throw new AppError('NOT_FOUND');
  await requireAdminAction(db, ctx, action, policy, {
    path: unit.path,
    type: 'org_unit',
    id: unit.id,
    label: unit.name,
  });
  return unit;
}
