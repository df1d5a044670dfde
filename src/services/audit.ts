import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import { isWithin } from '../domain/org-tree.js';
import { AppError } from '../errors/app-error.js';
import { createAuditLogRepository, type AuditOutcome } from '../repositories/audit-log.repository.js';
import type { RequestContext } from './context.js';

/** What a write is about; filled in further by the use case as it learns (e.g. the new id). */
export interface AuditMeta {
  action: string;
  targetType?: string | null;
  targetId?: string | number | null;
  targetLabel?: string | null;
  targetPath?: string | null;
  details?: Record<string, unknown> | null;
  /**
   * Keep only this day ('YYYY-MM-DD', China Standard Time) as the row's time, where the moment would
   * tell more than the product may know (which anonymous answer a teacher gave).
   */
  day?: string | null;
}

const AUDITED = Symbol.for('peixun.audited');

export function isAudited(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[AUDITED] === true;
}

function markAudited(e: unknown): void {
  if (typeof e === 'object' && e !== null) (e as Record<symbol, unknown>)[AUDITED] = true;
}

/**
 * Whether a refused or failed action's target lies outside what its actor may know of: its name
 * and details then stay out of the row (the actor's own log would otherwise tell them). A target
 * of unknown place counts as outside.
 */
export function withholdsTarget(ctx: RequestContext, meta: AuditMeta, outcome: AuditOutcome): boolean {
  const a = ctx.actor;
  if (outcome === 'success' || !a) return false;
  return !meta.targetPath || !isWithin(a.orgPath, meta.targetPath);
}

export async function appendAudit(
  db: Kysely<DB>,
  ctx: RequestContext,
  meta: AuditMeta,
  outcome: AuditOutcome,
  errorCode: string | null = null,
): Promise<void> {
  const a = ctx.actor;
  const withheld = withholdsTarget(ctx, meta, outcome);
  const details = {
    ...(withheld && meta.targetPath ? {} : (meta.details ?? {})),
    ...(ctx.via === 'cli' ? { via: 'cli' } : {}),
  };
  await createAuditLogRepository(db).append({
    actorUserId: a?.userId ?? null,
    actorUsername: a?.username ?? (ctx.via === 'cli' ? 'cli' : null),
    actorRole: a?.role ?? null,
    actorPath: a?.orgPath ?? null,
    targetPath: meta.targetPath ?? null,
    action: meta.action,
    targetType: meta.targetType ?? null,
    targetId: meta.targetId === undefined || meta.targetId === null ? null : String(meta.targetId),
    targetLabel: withheld ? null : (meta.targetLabel ?? null),
    ip: ctx.ip,
    outcome,
    errorCode,
    details: Object.keys(details).length ? details : null,
    at: meta.day ? new Date(`${meta.day}T00:00:00+08:00`) : null,
    dayOnly: Boolean(meta.day),
  });
}

/** Outcome of a refused or failed use case, for the audit log. */
export function outcomeOf(e: unknown): { outcome: AuditOutcome; code: string } {
  if (e instanceof AppError) return { outcome: e.isDenial ? 'denied' : 'failure', code: e.code };
  return { outcome: 'failure', code: 'INTERNAL' };
}

/**
 * Runs a write in one transaction and audits it: the success row commits with the change;
 * on failure the change rolls back and a failure (or denied) row is written on its own.
 */
export async function auditedWrite<T>(
  db: Kysely<DB>,
  ctx: RequestContext,
  meta: AuditMeta,
  fn: (trx: Transaction<DB>, meta: AuditMeta) => Promise<T>,
): Promise<T> {
  try {
    return await db.transaction().execute(async (trx) => {
      const result = await fn(trx, meta);
      await appendAudit(trx, ctx, meta, 'success');
      return result;
    });
  } catch (e) {
    const { outcome, code } = outcomeOf(e);
    await appendAudit(db, ctx, meta, outcome, code).catch(() => undefined);
    markAudited(e);
    throw e;
  }
}

/** Audits a refusal that happened outside a write (a denied read, a failed login) and rethrows it. */
export async function auditRefusal(db: Kysely<DB>, ctx: RequestContext, meta: AuditMeta, e: unknown): Promise<never> {
  const { outcome, code } = outcomeOf(e);
  await appendAudit(db, ctx, meta, outcome, code).catch(() => undefined);
  markAudited(e);
  throw e;
}
