import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { escapeLike } from './org-unit.repository.js';

type Q = Kysely<DB>;

export const FEE_KINDS = ['registration', 'textbook', 'other'] as const;
export type FeeKind = (typeof FEE_KINDS)[number];

export interface FeeItemFields {
  name: string;
  kind: FeeKind;
  /** per enrolled teacher */
  amountFen: number;
}

export interface FeeItemRow extends FeeItemFields {
  id: number;
  projectId: number;
  provinceId: number;
  orgPath: string;
  archived: boolean;
  /** payments recorded against the item (then it can only be archived, never deleted) */
  paymentCount: number;
  createdAt: Date;
  updatedAt: Date;
}

/** One fee of one paying unit, as the sums stand. */
export interface DueLineRow {
  itemId: number;
  unitId: number;
  unitName: string;
  unitKind: string;
  unitPath: string;
  unitCode: string | null;
  divisionCode: string | null;
  /** distinct teachers enrolled (not waitlisted, not withdrawn) in any class of the project, in the unit's subtree */
  teachers: number;
  overrideFen: number | null;
  overrideReason: string | null;
  paidFen: number;
  payments: number;
}

/** One fee a unit owes for a project run by the unit above it (or by itself, for a school). */
export interface OwnDueLineRow {
  projectId: number;
  projectTitle: string;
  projectYear: number;
  organiserName: string;
  itemId: number;
  itemName: string;
  kind: FeeKind;
  amountFen: number;
  teachers: number;
  overrideFen: number | null;
  overrideReason: string | null;
  paidFen: number;
}

export interface PaymentRow {
  id: number;
  feeItemId: number;
  orgUnitId: number;
  amountFen: number;
  paidOn: string;
  receiptNo: string | null;
  note: string | null;
  createdBy: number | null;
  createdByName: string | null;
  createdAt: Date;
}

export interface OverrideRow {
  feeItemId: number;
  orgUnitId: number;
  dueFen: number;
  reason: string;
}

const ITEM_COLUMNS = [
  'i.id',
  'i.project_id as projectId',
  'i.province_id as provinceId',
  'i.org_path as orgPath',
  'i.name',
  'i.kind',
  'i.amount_fen as amountFen',
  'i.archived',
  'i.created_at as createdAt',
  'i.updated_at as updatedAt',
] as const;

/**
 * Fee items, dues set by hand and payments (R-50). Dues are summed per paying unit in one
 * statement: an enrolment's paying unit is the id at the organiser's depth + 1 on its path.
 */
export function createFeeRepository(db: Q) {
  const items = () =>
    db
      .selectFrom('fee_item as i')
      .select(ITEM_COLUMNS)
      .select((eb) =>
        eb
          .selectFrom('fee_payment as p')
          .whereRef('p.fee_item_id', '=', 'i.id')
          .select((e) => e.fn.countAll<number>().as('n'))
          .as('paymentCount'),
      );

  const item = async (id: number) =>
    (await items().where('i.id', '=', id).executeTakeFirst()) as FeeItemRow | undefined;

  return {
    item,

    /** Locks an item's row: payments and corrections of one item are decided one at a time. */
    async lockItem(id: number): Promise<FeeItemRow | undefined> {
      await db.selectFrom('fee_item').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
      return item(id);
    },

    async items(projectId: number, includeArchived = true): Promise<FeeItemRow[]> {
      let q = items().where('i.project_id', '=', projectId);
      if (!includeArchived) q = q.where('i.archived', '=', false);
      return (await q.orderBy('i.archived').orderBy('i.id').execute()) as FeeItemRow[];
    },

    async insertItem(
      f: FeeItemFields & { projectId: number; provinceId: number; orgPath: string; createdBy: number },
    ): Promise<number> {
      const r = await db
        .insertInto('fee_item')
        .values({
          project_id: f.projectId,
          province_id: f.provinceId,
          org_path: f.orgPath,
          name: f.name,
          kind: f.kind,
          amount_fen: f.amountFen,
          created_by: f.createdBy,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    },

    async updateItem(id: number, f: Partial<FeeItemFields>): Promise<void> {
      await db
        .updateTable('fee_item')
        .set({
          ...(f.name !== undefined ? { name: f.name } : {}),
          ...(f.kind !== undefined ? { kind: f.kind } : {}),
          ...(f.amountFen !== undefined ? { amount_fen: f.amountFen } : {}),
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .execute();
    },

    async setArchived(id: number, archived: boolean): Promise<void> {
      await db.updateTable('fee_item').set({ archived, updated_at: new Date() }).where('id', '=', id).execute();
    },

    /** Deletes an item without payments, with the dues set by hand for it. */
    async deleteItem(id: number): Promise<void> {
      await db.deleteFrom('fee_due_override').where('fee_item_id', '=', id).execute();
      await db.deleteFrom('fee_item').where('id', '=', id).execute();
    },

    /**
     * The dues of a project's items per paying unit: the units below the organiser with enrolled
     * teachers, and any unit with a payment or an amount set by hand. `onlyUnitPath` keeps the
     * lines of the paying units inside that subtree (what an admin below the organiser may see).
     */
    async dueLines(
      project: { id: number; orgUnitId: number; orgPath: string },
      itemIds: number[],
      onlyUnitPath?: string,
    ): Promise<DueLineRow[]> {
      if (itemIds.length === 0) return [];
      const depth = project.orgPath.split('/').filter(Boolean).length;
      // '/1/7/42/100/'.split('/') = ['', '1', '7', '42', '100', '']: the child of a depth-3 organiser is part 5
      const part = depth + 2;
      const enrolPrefix = `${escapeLike(onlyUnitPath?.startsWith(project.orgPath) ? onlyUnitPath : project.orgPath)}%`;
      const unitFilter = onlyUnitPath ? sql`AND u.path LIKE ${`${escapeLike(onlyUnitPath)}%`}` : sql``;
      const ids = sql.join(itemIds.map((id) => sql`${id}::bigint`));
      const r = await sql<DueLineRow>`
        WITH counts AS (
          SELECT CASE WHEN e.org_path = ${project.orgPath} THEN ${project.orgUnitId}::bigint
                      ELSE split_part(e.org_path, '/', ${part}::int)::bigint END AS unit_id,
                 count(DISTINCT e.teacher_id) AS teachers
          FROM enrolment e
          JOIN training_class c ON c.id = e.class_id
          WHERE c.project_id = ${project.id} AND e.status = 'enrolled' AND e.org_path LIKE ${enrolPrefix}
          GROUP BY 1
        ), paid AS (
          SELECT fee_item_id, org_unit_id, sum(amount_fen)::bigint AS paid, count(*) AS payments
          FROM fee_payment WHERE fee_item_id IN (${ids}) GROUP BY 1, 2
        ), units AS (
          SELECT unit_id FROM counts
          UNION SELECT org_unit_id FROM paid
          UNION SELECT org_unit_id FROM fee_due_override WHERE fee_item_id IN (${ids})
        )
        SELECT i.id AS "itemId", u.id AS "unitId", u.name AS "unitName", u.kind AS "unitKind", u.path AS "unitPath", u.code AS "unitCode",
               u.division_code AS "divisionCode", coalesce(cn.teachers, 0) AS teachers, o.due_fen AS "overrideFen", o.reason AS "overrideReason",
               coalesce(p.paid, 0) AS "paidFen", coalesce(p.payments, 0) AS payments
        FROM fee_item i
        CROSS JOIN units x
        JOIN org_unit u ON u.id = x.unit_id
        LEFT JOIN counts cn ON cn.unit_id = x.unit_id
        LEFT JOIN fee_due_override o ON o.fee_item_id = i.id AND o.org_unit_id = x.unit_id
        LEFT JOIN paid p ON p.fee_item_id = i.id AND p.org_unit_id = x.unit_id
        WHERE i.id IN (${ids}) ${unitFilter}
        ORDER BY u.division_code NULLS LAST, u.code NULLS LAST, u.name, u.id, i.id
      `.execute(db);
      return r.rows;
    },

    /**
     * What one unit owes for the fees of the projects run by `organiserIds` (its parent, and itself
     * for a school), leaving out drafts and archived items: one statement for every project.
     */
    async ownDueLines(
      unit: { id: number; path: string },
      organiserIds: number[],
      year?: number,
    ): Promise<OwnDueLineRow[]> {
      if (organiserIds.length === 0) return [];
      const orgs = sql.join(organiserIds.map((id) => sql`${id}::bigint`));
      const yearFilter = year ? sql`AND p.year = ${year}` : sql``;
      const r = await sql<OwnDueLineRow>`
        WITH items AS (
          SELECT i.id, i.project_id, i.name, i.kind, i.amount_fen
          FROM fee_item i JOIN training_project p ON p.id = i.project_id
          WHERE p.org_unit_id IN (${orgs}) AND p.status <> 'draft' AND NOT i.archived ${yearFilter}
        ), counts AS (
          SELECT c.project_id, count(DISTINCT e.teacher_id) AS teachers
          FROM enrolment e JOIN training_class c ON c.id = e.class_id
          WHERE c.project_id IN (SELECT project_id FROM items) AND e.status = 'enrolled' AND e.org_path LIKE ${`${escapeLike(unit.path)}%`}
          GROUP BY 1
        ), paid AS (
          SELECT fee_item_id, sum(amount_fen)::bigint AS paid FROM fee_payment
          WHERE org_unit_id = ${unit.id} AND fee_item_id IN (SELECT id FROM items) GROUP BY 1
        )
        SELECT p.id AS "projectId", p.title AS "projectTitle", p.year AS "projectYear", ou.name AS "organiserName",
               i.id AS "itemId", i.name AS "itemName", i.kind, i.amount_fen AS "amountFen", coalesce(cn.teachers, 0) AS teachers,
               o.due_fen AS "overrideFen", o.reason AS "overrideReason", coalesce(pd.paid, 0) AS "paidFen"
        FROM items i
        JOIN training_project p ON p.id = i.project_id
        JOIN org_unit ou ON ou.id = p.org_unit_id
        LEFT JOIN counts cn ON cn.project_id = i.project_id
        LEFT JOIN fee_due_override o ON o.fee_item_id = i.id AND o.org_unit_id = ${unit.id}
        LEFT JOIN paid pd ON pd.fee_item_id = i.id
        WHERE cn.teachers > 0 OR o.due_fen IS NOT NULL OR pd.paid IS NOT NULL
        ORDER BY p.year DESC, p.id DESC, i.id
      `.execute(db);
      return r.rows;
    },

    async override(itemId: number, unitId: number): Promise<OverrideRow | undefined> {
      return db
        .selectFrom('fee_due_override')
        .select(['fee_item_id as feeItemId', 'org_unit_id as orgUnitId', 'due_fen as dueFen', 'reason'])
        .where('fee_item_id', '=', itemId)
        .where('org_unit_id', '=', unitId)
        .executeTakeFirst();
    },

    async setOverride(o: OverrideRow & { orgPath: string; updatedBy: number }): Promise<void> {
      await db
        .insertInto('fee_due_override')
        .values({
          fee_item_id: o.feeItemId,
          org_unit_id: o.orgUnitId,
          org_path: o.orgPath,
          due_fen: o.dueFen,
          reason: o.reason,
          updated_by: o.updatedBy,
        })
        .onConflict((oc) =>
          oc
            .columns(['fee_item_id', 'org_unit_id'])
            .doUpdateSet({ due_fen: o.dueFen, reason: o.reason, updated_by: o.updatedBy, updated_at: new Date() }),
        )
        .execute();
    },

    async clearOverride(itemId: number, unitId: number): Promise<boolean> {
      const r = await db
        .deleteFrom('fee_due_override')
        .where('fee_item_id', '=', itemId)
        .where('org_unit_id', '=', unitId)
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },

    async paidSum(itemId: number, unitId: number): Promise<number> {
      const r = await db
        .selectFrom('fee_payment')
        .select(sql<number>`coalesce(sum(amount_fen), 0)::bigint`.as('paid'))
        .where('fee_item_id', '=', itemId)
        .where('org_unit_id', '=', unitId)
        .executeTakeFirstOrThrow();
      return Number(r.paid);
    },

    async insertPayment(p: {
      feeItemId: number;
      orgUnitId: number;
      orgPath: string;
      amountFen: number;
      paidOn: string;
      receiptNo: string | null;
      note: string | null;
      createdBy: number;
    }): Promise<number> {
      const r = await db
        .insertInto('fee_payment')
        .values({
          fee_item_id: p.feeItemId,
          org_unit_id: p.orgUnitId,
          org_path: p.orgPath,
          amount_fen: p.amountFen,
          paid_on: p.paidOn,
          receipt_no: p.receiptNo,
          note: p.note,
          created_by: p.createdBy,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    },

    /** The payments and corrections of one unit for one fee, newest first. */
    async payments(itemId: number, unitId: number): Promise<PaymentRow[]> {
      return db
        .selectFrom('fee_payment as p')
        .leftJoin('app_user as a', 'a.id', 'p.created_by')
        .select([
          'p.id',
          'p.fee_item_id as feeItemId',
          'p.org_unit_id as orgUnitId',
          'p.amount_fen as amountFen',
          'p.paid_on as paidOn',
          'p.receipt_no as receiptNo',
          'p.note',
          'p.created_by as createdBy',
          'a.display_name as createdByName',
          'p.created_at as createdAt',
        ])
        .where('p.fee_item_id', '=', itemId)
        .where('p.org_unit_id', '=', unitId)
        .orderBy('p.id', 'desc')
        .limit(1_000)
        .execute();
    },
  };
}

export type FeeRepository = ReturnType<typeof createFeeRepository>;
