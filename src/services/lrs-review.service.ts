import { AppError, notFoundDenied } from '../errors/app-error.js';
import { can } from '../policies/access.policy.js';
import { createLrsClientRepository } from '../repositories/lrs-client.repository.js';
import { createLrsReviewRepository, isPersonKey, type LrsReviewRow } from '../repositories/lrs-review.repository.js';
import { auditedWrite, auditRefusal } from './audit.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import { applyMappingRules } from './lrs-mapping.js';

/** The most actors the queue lists at once (the oldest wait for the next look). */
export const LRS_REVIEW_PAGE = 200;

/** An admin's answer about one actor of one client. */
export interface LrsReviewDecision {
  clientId: number;
  actorIfi: string;
}

/**
 * The review queue: statements from the subtree's clients whose actor matched no teacher, one row per
 * actor; an admin maps the actor to a teacher of the client's unit (optionally remembered for the
 * client's later statements) or rejects it.
 */
export function createLrsReviewService({ db }: ServiceDeps) {
  const clients = createLrsClientRepository(db);
  const review = createLrsReviewRepository(db);

  async function requireClient(ctx: RequestContext, action: string, clientId: number) {
    const actor = requireActor(ctx);
    const c = await clients.find(clientId);
    if (!c || !can(actor, 'org.read', { path: c.orgPath }))
      return auditRefusal(db, ctx, { action, targetType: 'lrs_client', targetId: clientId }, notFoundDenied());
    if (!can(actor, 'lrs.manage', { path: c.orgPath }))
      return auditRefusal(
        db,
        ctx,
        { action, targetType: 'lrs_client', targetId: clientId, targetPath: c.orgPath },
        new AppError('FORBIDDEN'),
      );
    return { actor, client: c };
  }

  return {
    async queue(ctx: RequestContext): Promise<{ items: LrsReviewRow[]; total: number }> {
      const actor = requireActor(ctx);
      if (!can(actor, 'lrs.manage', { path: actor.orgPath }))
        return auditRefusal(
          db,
          ctx,
          { action: 'lrs_review.list', targetType: 'org_unit', targetPath: actor.orgPath },
          new AppError('FORBIDDEN'),
        );
      const r = await review.queueUnder(actor.orgPath, LRS_REVIEW_PAGE);
      return { items: r.rows, total: r.total };
    },

    /** How many statements wait in the actor's queue (0 for those who keep none). */
    async waiting(ctx: RequestContext): Promise<number> {
      const actor = requireActor(ctx);
      if (!can(actor, 'lrs.manage', { path: actor.orgPath })) return 0;
      return review.waitingUnder(actor.orgPath);
    },

    /**
     * Maps an actor's waiting statements to a teacher of the client's unit (and of the admin's
     * subtree); they become matched and the mapping rules credit them. With `remember`, the client's
     * later statements about this actor match by themselves.
     */
    async map(
      ctx: RequestContext,
      d: LrsReviewDecision & { teacherId: number; remember: boolean },
    ): Promise<{ matched: number }> {
      const { actor, client } = await requireClient(ctx, 'lrs_review.map', d.clientId);
      if (!isPersonKey(d.actorIfi))
        throw new AppError('LRS_CLIENT_INVALID', {
          params: {
            reason: '只能把个人学员对应到教师；群组和无标识的学员只能驳回',
            reason_en:
              'only a person can be mapped to a teacher; groups and actors without an identifier can only be rejected',
          },
          details: { field: 'actorIfi' },
        });
      const teacher = await db
        .selectFrom('teacher')
        .select(['id', 'org_path', 'name'])
        .where('id', '=', d.teacherId)
        .executeTakeFirst();
      if (!teacher?.org_path.startsWith(actor.orgPath))
        return auditRefusal(
          db,
          ctx,
          { action: 'lrs_review.map', targetType: 'teacher', targetId: d.teacherId },
          notFoundDenied(),
        );
      if (!teacher.org_path.startsWith(client.orgPath))
        throw new AppError('LRS_CLIENT_INVALID', {
          params: {
            reason: '只能对应到该平台所属单位的教师',
            reason_en: "the teacher must belong to the platform's unit",
          },
          details: { field: 'teacherId' },
        });
      return auditedWrite(
        db,
        ctx,
        {
          action: 'lrs_review.map',
          targetType: 'teacher',
          targetId: teacher.id,
          targetLabel: teacher.name,
          targetPath: teacher.org_path,
          details: { clientId: client.id, clientName: client.name, actor: d.actorIfi, remember: d.remember },
        },
        async (trx, meta) => {
          const r = createLrsReviewRepository(trx);
          const seqs = await r.matchActor(client.id, d.actorIfi, teacher.id, teacher.org_path);
          if (d.remember && d.actorIfi !== '') await r.remember(client.id, d.actorIfi, teacher.id, actor.userId);
          if (seqs.length === 0 && !d.remember) throw new AppError('NOT_FOUND');
          if (seqs.length > 0) await applyMappingRules(trx, client.provinceId, seqs);
          meta.details = { ...meta.details, statements: seqs.length };
          return { matched: seqs.length };
        },
      );
    },

    /** Rejects an actor's waiting statements: nobody of ours; they are kept but never credited. */
    async reject(ctx: RequestContext, d: LrsReviewDecision): Promise<{ rejected: number }> {
      const { client } = await requireClient(ctx, 'lrs_review.reject', d.clientId);
      return auditedWrite(
        db,
        ctx,
        {
          action: 'lrs_review.reject',
          targetType: 'lrs_client',
          targetId: client.id,
          targetLabel: client.name,
          targetPath: client.orgPath,
          details: { actor: d.actorIfi },
        },
        async (trx, meta) => {
          const n = await createLrsReviewRepository(trx).rejectActor(client.id, d.actorIfi);
          if (n === 0) throw new AppError('NOT_FOUND');
          meta.details = { ...meta.details, statements: n };
          return { rejected: n };
        },
      );
    },
  };
}

export type LrsReviewService = ReturnType<typeof createLrsReviewService>;
