import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { PublicityKind } from '../services/publicity.js';
import { escapeLike } from './org-unit.repository.js';

type Q = Kysely<DB>;

export type PublicityStatus = 'open' | 'finalised' | 'withdrawn';
export type ObjectionStatus = 'open' | 'upheld' | 'dismissed';

export interface PublicityRow {
  id: number;
  provinceId: number;
  orgUnitId: number;
  orgUnitName: string;
  orgPath: string;
  scopePath: string;
  scopeName: string;
  kind: PublicityKind;
  sourceId: number;
  title: string;
  body: string | null;
  startsAt: Date;
  endsAt: Date;
  status: PublicityStatus;
  finalisedAt: Date | null;
  withdrawnReason: string | null;
  createdAt: Date;
  items: number;
  openObjections: number;
}

export interface PublicityItemRow {
  id: number;
  position: number;
  refId: number;
  title: string;
  subtitle: string | null;
  scorecard: unknown;
  outcome: 'kept' | 'removed' | null;
}

export interface ObjectionRow {
  id: number;
  publicityId: number;
  itemId: number;
  authorId: number;
  authorName: string;
  authorUnitName: string;
  step: string | null;
  body: string;
  status: ObjectionStatus;
  answer: string | null;
  answeredAt: Date | null;
  createdAt: Date;
}

const under = (path: string) => `${escapeLike(path)}%`;

/** Lists under public notice (公示), their lines and the objections to them. */
export function createPublicityRepository(db: Q) {
  function lists() {
    return db
      .selectFrom('publicity as p')
      .innerJoin('org_unit as o', 'o.id', 'p.org_unit_id')
      .leftJoin('org_unit as s', 's.path', 'p.scope_path')
      .select([
        'p.id',
        'p.province_id',
        'p.org_unit_id',
        'o.name as org_name',
        'p.org_path',
        'p.scope_path',
        's.name as scope_name',
        'p.kind',
        'p.source_id',
        'p.title',
        'p.body',
        'p.starts_at',
        'p.ends_at',
        'p.status',
        'p.finalised_at',
        'p.withdrawn_reason',
        'p.created_at',
      ])
      .select((eb) => [
        eb
          .selectFrom('publicity_item as i')
          .select(eb.fn.countAll<string>().as('n'))
          .whereRef('i.publicity_id', '=', 'p.id')
          .as('items'),
        eb
          .selectFrom('publicity_objection as x')
          .select(eb.fn.countAll<string>().as('n'))
          .whereRef('x.publicity_id', '=', 'p.id')
          .where('x.status', '=', 'open')
          .as('open_objections'),
      ]);
  }
  type Raw = Awaited<ReturnType<ReturnType<typeof lists>['executeTakeFirstOrThrow']>>;
  const toRow = (r: Raw): PublicityRow => ({
    id: Number(r.id),
    provinceId: Number(r.province_id),
    orgUnitId: Number(r.org_unit_id),
    orgUnitName: r.org_name,
    orgPath: r.org_path,
    scopePath: r.scope_path,
    scopeName: r.scope_name ?? '',
    kind: r.kind as PublicityKind,
    sourceId: Number(r.source_id),
    title: r.title,
    body: r.body,
    startsAt: r.starts_at as Date,
    endsAt: r.ends_at as Date,
    status: r.status as PublicityStatus,
    finalisedAt: (r.finalised_at as Date | null) ?? null,
    withdrawnReason: r.withdrawn_reason,
    createdAt: r.created_at as Date,
    items: Number(r.items ?? 0),
    openObjections: Number(r.open_objections ?? 0),
  });

  return {
    async find(id: number): Promise<PublicityRow | null> {
      const r = await lists().where('p.id', '=', id).executeTakeFirst();
      return r ? toRow(r) : null;
    },

    /**
     * The lists a person reads: those published to a scope their unit lies under, and (for an
     * administrator) those organised in their subtree. `statuses` narrows; newest first.
     */
    async readable(q: {
      provinceId: number;
      actorPath: string;
      admin: boolean;
      statuses: readonly PublicityStatus[];
      kind?: PublicityKind;
      offset: number;
      limit: number;
    }): Promise<{ rows: PublicityRow[]; total: number }> {
      let base = lists()
        .where('p.province_id', '=', q.provinceId)
        .where('p.status', 'in', [...q.statuses])
        .where((eb) =>
          eb.or([
            sql<boolean>`starts_with(${q.actorPath}::text, p.scope_path)`,
            ...(q.admin ? [eb('p.org_path', 'like', under(q.actorPath))] : []),
          ]),
        );
      if (q.kind) base = base.where('p.kind', '=', q.kind);
      const [rows, total] = await Promise.all([
        base.orderBy('p.id', 'desc').offset(q.offset).limit(q.limit).execute(),
        db
          .selectFrom(base.as('b'))
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow(),
      ]);
      return { rows: rows.map(toRow), total: Number(total.n) };
    },

    async items(publicityId: number): Promise<PublicityItemRow[]> {
      const rows = await db
        .selectFrom('publicity_item')
        .select(['id', 'position', 'ref_id', 'title', 'subtitle', 'scorecard', 'outcome'])
        .where('publicity_id', '=', publicityId)
        .orderBy('position')
        .execute();
      return rows.map((r) => ({
        id: Number(r.id),
        position: r.position,
        refId: Number(r.ref_id),
        title: r.title,
        subtitle: r.subtitle,
        scorecard: r.scorecard ?? null,
        outcome: (r.outcome as 'kept' | 'removed' | null) ?? null,
      }));
    },

    /** Objections of a list, oldest first; only one author's when `authorId` is given. */
    async objections(publicityId: number, authorId?: number): Promise<ObjectionRow[]> {
      let q = db
        .selectFrom('publicity_objection as x')
        .innerJoin('app_user as u', 'u.id', 'x.author_id')
        .leftJoin('org_unit as o', 'o.id', 'u.org_unit_id')
        .select([
          'x.id',
          'x.publicity_id',
          'x.item_id',
          'x.author_id',
          'u.display_name',
          'u.username',
          'o.name as unit_name',
          'x.step',
          'x.body',
          'x.status',
          'x.answer',
          'x.answered_at',
          'x.created_at',
        ])
        .where('x.publicity_id', '=', publicityId);
      if (authorId !== undefined) q = q.where('x.author_id', '=', authorId);
      const rows = await q.orderBy('x.id').execute();
      return rows.map((r) => ({
        id: Number(r.id),
        publicityId: Number(r.publicity_id),
        itemId: Number(r.item_id),
        authorId: Number(r.author_id),
        authorName: r.display_name || r.username,
        authorUnitName: r.unit_name ?? '',
        step: r.step,
        body: r.body,
        status: r.status as ObjectionStatus,
        answer: r.answer,
        answeredAt: (r.answered_at as Date | null) ?? null,
        createdAt: r.created_at as Date,
      }));
    },

    async objection(id: number): Promise<ObjectionRow | null> {
      const r = await db
        .selectFrom('publicity_objection')
        .select('publicity_id')
        .where('id', '=', id)
        .executeTakeFirst();
      if (!r) return null;
      return (await this.objections(Number(r.publicity_id))).find((x) => x.id === id) ?? null;
    },

    /** Locks the list's row for a change of its state (answers its status then). */
    async lock(id: number): Promise<PublicityStatus | null> {
      const r = await db.selectFrom('publicity').select('status').where('id', '=', id).forUpdate().executeTakeFirst();
      return (r?.status as PublicityStatus | undefined) ?? null;
    },

    async insertObjection(o: {
      provinceId: number;
      publicityId: number;
      itemId: number;
      authorId: number;
      authorPath: string;
      step: string | null;
      body: string;
    }): Promise<number> {
      const r = await db
        .insertInto('publicity_objection')
        .values({
          province_id: o.provinceId,
          publicity_id: o.publicityId,
          item_id: o.itemId,
          author_id: o.authorId,
          author_path: o.authorPath,
          step: o.step,
          body: o.body,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(r.id);
    },

    /** Answers an open objection; false when it was answered already. */
    async answer(id: number, a: { status: 'upheld' | 'dismissed'; answer: string; by: number }): Promise<boolean> {
      const r = await db
        .updateTable('publicity_objection')
        .set({ status: a.status, answer: a.answer, answered_by: a.by, answered_at: new Date() })
        .where('id', '=', id)
        .where('status', '=', 'open')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    /** The lines an upheld objection removes. */
    async removedItems(publicityId: number): Promise<Set<number>> {
      const rows = await db
        .selectFrom('publicity_objection')
        .select('item_id')
        .distinct()
        .where('publicity_id', '=', publicityId)
        .where('status', '=', 'upheld')
        .execute();
      return new Set(rows.map((r) => Number(r.item_id)));
    },

    async openObjectionCount(publicityId: number): Promise<number> {
      const r = await db
        .selectFrom('publicity_objection')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('publicity_id', '=', publicityId)
        .where('status', '=', 'open')
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },

    async setOutcomes(publicityId: number, removed: readonly number[]): Promise<void> {
      await db.updateTable('publicity_item').set({ outcome: 'kept' }).where('publicity_id', '=', publicityId).execute();
      if (removed.length)
        await db
          .updateTable('publicity_item')
          .set({ outcome: 'removed' })
          .where('publicity_id', '=', publicityId)
          .where('id', 'in', [...removed])
          .execute();
    },

    async finalise(id: number, by: number): Promise<boolean> {
      const r = await db
        .updateTable('publicity')
        .set({ status: 'finalised', finalised_at: new Date(), finalised_by: by })
        .where('id', '=', id)
        .where('status', '=', 'open')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    async withdraw(id: number, reason: string): Promise<boolean> {
      const r = await db
        .updateTable('publicity')
        .set({ status: 'withdrawn', withdrawn_reason: reason })
        .where('id', '=', id)
        .where('status', '=', 'open')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    /** Open objections to the lists a unit organises (its admins answer them). */
    async openObjectionsAtUnit(orgUnitId: number): Promise<number> {
      const r = await db
        .selectFrom('publicity_objection as x')
        .innerJoin('publicity as p', 'p.id', 'x.publicity_id')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('p.org_unit_id', '=', orgUnitId)
        .where('p.status', '=', 'open')
        .where('x.status', '=', 'open')
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },

    /** Open lists of a unit whose period is over and that no open objection holds up. */
    async readyToFinaliseAtUnit(orgUnitId: number, now: Date): Promise<number> {
      const r = await db
        .selectFrom('publicity as p')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('p.org_unit_id', '=', orgUnitId)
        .where('p.status', '=', 'open')
        .where('p.ends_at', '<=', now)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('publicity_objection as x')
                .select('x.id')
                .whereRef('x.publicity_id', '=', 'p.id')
                .where('x.status', '=', 'open'),
            ),
          ),
        )
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },

    /** Open lists in a person's scope whose period is running: what a teacher's menu shows. */
    async runningInScope(provinceId: number, actorPath: string, now: Date): Promise<number> {
      const r = await db
        .selectFrom('publicity as p')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('p.province_id', '=', provinceId)
        .where('p.status', '=', 'open')
        .where('p.starts_at', '<=', now)
        .where('p.ends_at', '>', now)
        .where(sql<boolean>`starts_with(${actorPath}::text, p.scope_path)`)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
  };
}
