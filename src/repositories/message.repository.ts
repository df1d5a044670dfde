import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { ADMIN_ROLES, type Role } from '../domain/org-tree.js';
import { linePaths, type MessageParams } from '../domain/message.js';
import { escapeLike } from './org-unit.repository.js';

type Q = Kysely<DB>;

/** Whom a message goes to; disabled accounts receive nothing. */
export type Recipients =
  /** these accounts */
  | { users: readonly number[] }
  /** the administrators kept at exactly these units (a school's admins, not the county's) */
  | { adminsAt: readonly number[] }
  /** the accounts of one role at the units on the line of a path (the county admins above a school) */
  | { roleAbove: { path: string; role: Role } }
  /** the account of a registry teacher, when they have activated one */
  | { teacherOf: number }
  /** the administrators of every unit under a path, the unit at the path included (a public notice's scope) */
  | { adminsUnder: string };

export interface MessageRow {
  id: number;
  kind: string;
  params: MessageParams;
  link: string | null;
  senderName: string | null;
  createdAt: Date;
  readAt: Date | null;
}

export interface PendingUnitRow {
  orgUnitId: number;
  orgUnitName: string;
  status: 'not_started' | 'open' | 'returned';
  admins: number;
}

export interface NoticeRow {
  id: number;
  orgUnitId: number;
  orgUnitName: string;
  title: string;
  body: string;
  publishedByName: string | null;
  publishedAt: Date;
  readAt: Date | null;
}

/** Messages of each account (消息) and notices published to a subtree (通知). */
export function createMessageRepository(db: Q) {
  return {
    /**
     * Writes one message per recipient in one statement (a reminder to every school of a county is
     * one INSERT … SELECT); the sender is left out. Answers how many were written.
     */
    async insert(m: {
      to: Recipients;
      kind: string;
      params: MessageParams;
      link: string | null;
      senderId: number | null;
    }): Promise<number> {
      let who = db.selectFrom('app_user as u').where('u.disabled', '=', false);
      const to = m.to;
      if ('users' in to) {
        if (to.users.length === 0) return 0;
        who = who.where('u.id', 'in', [...to.users]);
      } else if ('adminsAt' in to) {
        if (to.adminsAt.length === 0) return 0;
        who = who.where('u.org_unit_id', 'in', [...to.adminsAt]).where('u.role', 'in', [...ADMIN_ROLES]);
      } else if ('adminsUnder' in to) {
        who = who.where('u.org_path', 'like', `${escapeLike(to.adminsUnder)}%`).where('u.role', 'in', [...ADMIN_ROLES]);
      } else if ('teacherOf' in to) {
        who = who.where('u.id', '=', (eb) =>
          eb.selectFrom('teacher as t').select('t.user_id').where('t.id', '=', to.teacherOf),
        );
      } else {
        who = who.where('u.role', '=', to.roleAbove.role).where('u.org_path', 'in', linePaths(to.roleAbove.path));
      }
      if (m.senderId !== null) who = who.where('u.id', '<>', m.senderId);
      const params = JSON.stringify(m.params);
      const r = await db
        .insertInto('message')
        .columns(['province_id', 'recipient_id', 'kind', 'params', 'link', 'sender_id'])
        .expression(
          who.select([
            'u.province_id',
            'u.id',
            sql<string>`${m.kind}::text`.as('kind'),
            sql<string>`${params}::jsonb`.as('params'),
            sql<string | null>`${m.link}::text`.as('link'),
            sql<number | null>`${m.senderId}::bigint`.as('sender_id'),
          ]),
        )
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0);
    },

    /** One page of an account's messages, the unread first, each part newest first. */
    async list(
      userId: number,
      q: { unread?: boolean; limit: number; offset: number },
    ): Promise<{ items: MessageRow[]; total: number }> {
      let base = db.selectFrom('message as m').where('m.recipient_id', '=', userId);
      if (q.unread) base = base.where('m.read_at', 'is', null);
      const [items, total] = await Promise.all([
        base
          .leftJoin('app_user as s', 's.id', 'm.sender_id')
          .select([
            'm.id',
            'm.kind',
            'm.params',
            'm.link',
            's.display_name as senderName',
            'm.created_at as createdAt',
            'm.read_at as readAt',
          ])
          .orderBy(sql`m.read_at IS NULL`, 'desc')
          .orderBy('m.id', 'desc')
          .limit(q.limit)
          .offset(q.offset)
          .execute(),
        base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: items as MessageRow[], total: Number(total.n) };
    },

    async unreadCount(userId: number): Promise<number> {
      const r = await db
        .selectFrom('message')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('recipient_id', '=', userId)
        .where('read_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },

    /** Marks one of the account's messages read: false when it is not theirs. */
    async markRead(userId: number, id: number): Promise<boolean> {
      await db
        .updateTable('message')
        .set({ read_at: new Date() })
        .where('id', '=', id)
        .where('recipient_id', '=', userId)
        .where('read_at', 'is', null)
        .execute();
      const row = await db
        .selectFrom('message')
        .select('id')
        .where('id', '=', id)
        .where('recipient_id', '=', userId)
        .executeTakeFirst();
      return row !== undefined;
    },

    async markAllRead(userId: number): Promise<number> {
      const r = await db
        .updateTable('message')
        .set({ read_at: new Date() })
        .where('recipient_id', '=', userId)
        .where('read_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },

    /**
     * The schools below `path` (not the unit itself) whose year has not reached the county: not
     * opened, open or returned; with the number of admins a reminder would reach there. A township
     * centre school counts when it keeps teachers itself. At most `limit` in name order, and how many
     * there are in all.
     */
    async verificationPending(q: {
      provinceId: number;
      path: string;
      cycleId: number;
      year: number;
      limit: number;
    }): Promise<{ items: PendingUnitRow[]; total: number }> {
      const pending = db
        .selectFrom('org_unit as o')
        .leftJoin('credit_verification as v', (j) =>
          j.onRef('v.org_unit_id', '=', 'o.id').on('v.cycle_id', '=', q.cycleId).on('v.year', '=', q.year),
        )
        .where('o.province_id', '=', q.provinceId)
        .where('o.path', 'like', `${escapeLike(q.path)}_%`)
        .where((eb) =>
          eb.or([
            eb('o.kind', '=', 'school'),
            eb.and([
              eb('o.kind', '=', 'township'),
              eb.exists(eb.selectFrom('teacher as t').select(sql`1`.as('one')).whereRef('t.org_unit_id', '=', 'o.id')),
            ]),
          ]),
        )
        .where((eb) => eb.or([eb('v.id', 'is', null), eb('v.status', 'in', ['open', 'returned'])]));
      const [rows, counted] = await Promise.all([
        pending
          .select((eb) => [
            'o.id as orgUnitId',
            'o.name as orgUnitName',
            sql<string | null>`v.status`.as('status'),
            eb
              .selectFrom('app_user as u')
              .select(sql<number>`count(*)::int`.as('n'))
              .whereRef('u.org_unit_id', '=', 'o.id')
              .where('u.role', 'in', [...ADMIN_ROLES])
              .where('u.disabled', '=', false)
              .as('admins'),
          ])
          .orderBy('o.name')
          .orderBy('o.id')
          .limit(q.limit)
          .execute(),
        pending.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      ]);
      return {
        items: rows.map((r) => ({
          orgUnitId: r.orgUnitId,
          orgUnitName: r.orgUnitName,
          status: r.status === 'open' || r.status === 'returned' ? r.status : 'not_started',
          admins: Number(r.admins ?? 0),
        })),
        total: counted.n,
      };
    },

    // ------------------------------------------------------------------ notices (通知)

    async insertNotice(n: {
      provinceId: number;
      orgUnitId: number;
      orgPath: string;
      title: string;
      body: string;
      publishedBy: number;
    }): Promise<number> {
      const r = await db
        .insertInto('notice')
        .values({
          province_id: n.provinceId,
          org_unit_id: n.orgUnitId,
          org_path: n.orgPath,
          title: n.title,
          body: n.body,
          published_by: n.publishedBy,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    },

    /** The notices a reader at `path` receives (published at their unit or above), newest first. */
    async notices(
      path: string,
      userId: number,
      q: { unread?: boolean; limit: number; offset: number; id?: number },
    ): Promise<{ items: NoticeRow[]; total: number }> {
      let base = db
        .selectFrom('notice as n')
        .leftJoin('notice_read as r', (j) => j.onRef('r.notice_id', '=', 'n.id').on('r.user_id', '=', userId))
        .where('n.org_path', 'in', linePaths(path));
      if (q.unread) base = base.where('r.notice_id', 'is', null);
      if (q.id !== undefined) base = base.where('n.id', '=', q.id);
      const [items, total] = await Promise.all([
        base
          .innerJoin('org_unit as o', 'o.id', 'n.org_unit_id')
          .leftJoin('app_user as p', 'p.id', 'n.published_by')
          .select([
            'n.id',
            'n.org_unit_id as orgUnitId',
            'o.name as orgUnitName',
            'n.title',
            'n.body',
            'p.display_name as publishedByName',
            'n.published_at as publishedAt',
            'r.read_at as readAt',
          ])
          .orderBy('n.published_at', 'desc')
          .orderBy('n.id', 'desc')
          .limit(q.limit)
          .offset(q.offset)
          .execute(),
        base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items, total: Number(total.n) };
    },

    async unreadNotices(path: string, userId: number): Promise<number> {
      return (await this.notices(path, userId, { unread: true, limit: 0, offset: 0 })).total;
    },

    async markNoticeRead(noticeId: number, userId: number): Promise<void> {
      await db
        .insertInto('notice_read')
        .values({ notice_id: noticeId, user_id: userId })
        .onConflict((oc) => oc.doNothing())
        .execute();
    },

    async markAllNoticesRead(path: string, userId: number): Promise<number> {
      const r = await db
        .insertInto('notice_read')
        .columns(['notice_id', 'user_id'])
        .expression(
          db
            .selectFrom('notice as n')
            .select(['n.id', sql<number>`${userId}::bigint`.as('user_id')])
            .where('n.org_path', 'in', linePaths(path))
            .where((eb) =>
              eb.not(
                eb.exists(
                  eb
                    .selectFrom('notice_read as r')
                    .select('r.notice_id')
                    .whereRef('r.notice_id', '=', 'n.id')
                    .where('r.user_id', '=', userId),
                ),
              ),
            ),
        )
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0);
    },
  };
}
