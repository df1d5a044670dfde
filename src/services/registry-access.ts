import { AppError, notFoundDenied } from '../errors/app-error.js';
import type { Database } from '../db/database.js';
import { isAdmin } from '../domain/org-tree.js';
import { can, type Actor } from '../policies/access.policy.js';
import { auditRefusal } from './audit.js';
import { requireActor, type RequestContext } from './context.js';

/**
 * The checks every teacher-registry use case starts with. The registry is for administrators:
 * trainers and teachers are refused before anything is looked up (no existence is revealed).
 */
export async function requireRegistryRole(db: Database, ctx: RequestContext, action: string): Promise<Actor> {
  const actor = requireActor(ctx);
  if (!isAdmin(actor.role)) return auditRefusal(db, ctx, { action, targetPath: actor.orgPath }, new AppError('FORBIDDEN'));
  return actor;
}

/** An administrator who may manage the registry at `target.path`: "not found" outside their subtree, "forbidden" inside without the right. */
export async function requireRegistryManage(db: Database, ctx: RequestContext, action: string, target: { path: string; type: string; id: number; label?: string }): Promise<Actor> {
  const actor = await requireRegistryRole(db, ctx, action);
  if (!can(actor, 'org.read', { path: target.path })) return auditRefusal(db, ctx, { action, targetType: target.type, targetId: target.id }, notFoundDenied());
  if (!can(actor, 'teacher.manage', { path: target.path })) {
    return auditRefusal(db, ctx, { action, targetType: target.type, targetId: target.id, targetPath: target.path, targetLabel: target.label ?? null }, new AppError('FORBIDDEN'));
  }
  return actor;
}
