import { AppError, notFoundDenied } from '../errors/app-error.js';
import { MAX_REMINDER_UNITS, reminderLink, type ReminderTopic } from '../domain/message.js';
import { can } from '../policies/access.policy.js';
import { createCreditLedgerRepository } from '../repositories/credit-ledger.repository.js';
import {
  createMessageRepository,
  type MessageRow,
  type NoticeRow,
  type PendingUnitRow,
} from '../repositories/message.repository.js';
import { createOrgUnitRepository } from '../repositories/org-unit.repository.js';
import { auditedWrite, auditRefusal } from './audit.js';
import { requireActor, type RequestContext, type ServiceDeps } from './context.js';
import { notify } from './notify.js';
import { requireRegistryRole } from './registry-access.js';

export interface ReminderInput {
  orgUnitIds: number[];
  topic: ReminderTopic;
  cycleId?: number | null;
  year?: number | null;
  deadline?: string | null;
  note?: string | null;
}

const invalid = (path: string, kind: string) =>
  new AppError('VALIDATION_FAILED', { details: { issues: [{ path, kind }] } });

/**
 * The message centre (消息): every account's own inbox and the notices of the units on its line of
 * the tree; reminders (催办) from an admin to the admins of units below; notices a bureau publishes
 * to its subtree. Messages of other use cases are written by them through `notify`.
 */
export function createMessageService(deps: ServiceDeps) {
  const { db } = deps;
  const repo = createMessageRepository(db);
  const units = createOrgUnitRepository(db);

  return {
    /** One page of the actor's messages, the unread first. */
    async list(
      ctx: RequestContext,
      q: { unread?: boolean; page: number; pageSize: number },
    ): Promise<{ items: MessageRow[]; total: number }> {
      const actor = requireActor(ctx);
      return repo.list(actor.userId, { unread: q.unread, limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
    },

    /** What the bell in the header shows: unread messages and unread notices. */
    async unreadCount(ctx: RequestContext): Promise<{ messages: number; notices: number }> {
      const actor = requireActor(ctx);
      const [messages, notices] = await Promise.all([
        repo.unreadCount(actor.userId),
        repo.unreadNotices(actor.orgPath, actor.userId),
      ]);
      return { messages, notices };
    },

    /** Marks one of the actor's own messages read; another account's reads as not found. */
    async markRead(ctx: RequestContext, id: number): Promise<void> {
      const actor = requireActor(ctx);
      await auditedWrite(
        db,
        ctx,
        { action: 'message.read', targetType: 'message', targetId: id, targetPath: actor.orgPath },
        async (trx) => {
          if (!(await createMessageRepository(trx).markRead(actor.userId, id))) throw new AppError('NOT_FOUND');
        },
      );
    },

    /** Marks every message and notice of the actor read. */
    async markAllRead(ctx: RequestContext): Promise<{ messages: number; notices: number }> {
      const actor = requireActor(ctx);
      return auditedWrite(
        db,
        ctx,
        { action: 'message.read_all', targetType: 'app_user', targetId: actor.userId, targetPath: actor.orgPath },
        async (trx, meta) => {
          const r = createMessageRepository(trx);
          const counts = {
            messages: await r.markAllRead(actor.userId),
            notices: await r.markAllNoticesRead(actor.orgPath, actor.userId),
          };
          meta.details = counts;
          return counts;
        },
      );
    },

    /**
     * The schools below the actor's unit whose year of a cycle has not been submitted (not opened,
     * open or returned), for a reminder: at most `limit` (what one reminder takes) in name order, and
     * how many there are in all.
     */
    async verificationPending(
      ctx: RequestContext,
      q: { cycleId: number; year: number },
      limit = MAX_REMINDER_UNITS,
    ): Promise<{ items: PendingUnitRow[]; total: number }> {
      const action = 'message.list_pending';
      const actor = await requireRegistryRole(db, ctx, action);
      const cycle = await createCreditLedgerRepository(db).cycle(q.cycleId);
      if (!cycle || cycle.provinceId !== actor.provinceId)
        return auditRefusal(db, ctx, { action, targetType: 'credit_cycle', targetId: q.cycleId }, notFoundDenied());
      return repo.verificationPending({
        provinceId: actor.provinceId,
        path: actor.orgPath,
        cycleId: cycle.id,
        year: q.year,
        limit,
      });
    },

    /**
     * 催办: a message to the admins of each chosen unit below the actor's own. A unit outside the
     * actor's subtree is "not found", the actor's own unit "forbidden"; nothing is sent then.
     */
    async remind(ctx: RequestContext, input: ReminderInput): Promise<{ units: number; recipients: number }> {
      const action = 'message.remind';
      const actor = await requireRegistryRole(db, ctx, action);
      const ids = [...new Set(input.orgUnitIds)];
      const found = await units.findByIds(ids);
      const meta = {
        action,
        targetType: 'org_unit',
        targetId: ids.length === 1 ? ids[0]! : null,
        targetPath: actor.orgPath,
        details: { topic: input.topic, units: ids.length, year: input.year ?? null },
      };
      const outside = ids.find((id) => {
        const u = found.find((f) => f.id === id);
        return !u || !can(actor, 'org.read', { path: u.path });
      });
      if (outside !== undefined)
        return auditRefusal(db, ctx, { action, targetType: 'org_unit', targetId: outside }, notFoundDenied());
      const refused = found.find((u) => !can(actor, 'message.remind', { path: u.path }));
      if (refused)
        return auditRefusal(
          db,
          ctx,
          { ...meta, targetId: refused.id, targetPath: refused.path, targetLabel: refused.name },
          new AppError('FORBIDDEN'),
        );
      if (input.topic !== 'general' && !input.year) return auditRefusal(db, ctx, meta, invalid('year', 'required'));
      if (input.topic === 'general' && !input.note) return auditRefusal(db, ctx, meta, invalid('note', 'required'));
      const from = (await units.findById(actor.orgUnitId))!;
      return auditedWrite(db, ctx, meta, async (trx, m) => {
        const recipients = await notify(trx, {
          to: { adminsAt: ids },
          kind: 'reminder',
          params: {
            topic: input.topic,
            fromUnit: from.name,
            year: input.year ?? null,
            deadline: input.deadline ?? null,
            note: input.note ?? null,
          },
          link: reminderLink(input.topic, { cycleId: input.cycleId, year: input.year }),
          senderId: actor.userId,
        });
        m.details = { ...m.details, recipients };
        return { units: ids.length, recipients };
      });
    },

    /** A bureau (county and above) publishes a notice to everyone in its subtree. */
    async publishNotice(ctx: RequestContext, input: { title: string; body: string }): Promise<NoticeRow> {
      const action = 'notice.publish';
      const actor = requireActor(ctx);
      const meta = {
        action,
        targetType: 'notice',
        targetPath: actor.orgPath,
        targetLabel: input.title,
      };
      if (!can(actor, 'notice.publish', { path: actor.orgPath }))
        return auditRefusal(db, ctx, meta, new AppError('FORBIDDEN'));
      const id = await auditedWrite(db, ctx, meta, async (trx, m) => {
        const noticeId = await createMessageRepository(trx).insertNotice({
          provinceId: actor.provinceId,
          orgUnitId: actor.orgUnitId,
          orgPath: actor.orgPath,
          title: input.title,
          body: input.body,
          publishedBy: actor.userId,
        });
        m.targetId = noticeId;
        return noticeId;
      });
      return (await repo.notices(actor.orgPath, actor.userId, { id, limit: 1, offset: 0 })).items[0]!;
    },

    /** The notices of the units at and above the actor's, newest first. */
    async notices(
      ctx: RequestContext,
      q: { unread?: boolean; page: number; pageSize: number },
    ): Promise<{ items: NoticeRow[]; total: number }> {
      const actor = requireActor(ctx);
      return repo.notices(actor.orgPath, actor.userId, {
        unread: q.unread,
        limit: q.pageSize,
        offset: (q.page - 1) * q.pageSize,
      });
    },

    /** Marks a notice read; one that does not reach the actor is not found. */
    async readNotice(ctx: RequestContext, id: number): Promise<void> {
      const actor = requireActor(ctx);
      const action = 'notice.read';
      const n = (await repo.notices(actor.orgPath, actor.userId, { id, limit: 1, offset: 0 })).items[0];
      if (!n) return auditRefusal(db, ctx, { action, targetType: 'notice', targetId: id }, notFoundDenied());
      await auditedWrite(
        db,
        ctx,
        { action, targetType: 'notice', targetId: id, targetPath: actor.orgPath, targetLabel: n.title },
        (trx) => createMessageRepository(trx).markNoticeRead(id, actor.userId),
      );
    },
  };
}

export type MessageService = ReturnType<typeof createMessageService>;
