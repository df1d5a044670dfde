import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { isAdmin } from '../domain/org-tree.js';
import { AppError, notFoundDenied } from '../errors/app-error.js';
import type { Actor } from '../policies/access.policy.js';
import { createAttendanceRepository, type ClassRow } from '../repositories/attendance.repository.js';
import { auditRefusal } from './audit.js';
import { requireActor, type RequestContext } from './context.js';
import { requireAdminAction } from './registry-access.js';

/**
 * A class the actor runs: one of its trainers, or an admin allowed to manage training at the
 * organiser's unit. Anyone else is refused (audited): a teacher with 403, others as if the class did
 * not exist. One check for every use case of a class's running (sessions, check-in codes, closing,
 * printed forms).
 */
export async function requireClassRunner(
  db: Kysely<DB>,
  ctx: RequestContext,
  action: string,
  cls: ClassRow,
  target: { type: string; id: number },
): Promise<Actor> {
  const actor = requireActor(ctx);
  if (await createAttendanceRepository(db).isTrainer(cls.id, actor.userId)) return actor;
  if (isAdmin(actor.role))
    return requireAdminAction(db, ctx, action, 'training.manage', {
      path: cls.projectPath,
      type: target.type,
      id: target.id,
      label: cls.name,
    });
  return auditRefusal(
    db,
    ctx,
    { action, targetType: target.type, targetId: target.id },
    actor.role === 'teacher' ? new AppError('FORBIDDEN') : notFoundDenied(),
  );
}
