import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { escapeLike } from './org-unit.repository.js';

type Q = Kysely<DB>;

export type CorrectionStatus = 'open' | 'accepted' | 'rejected';

export interface CorrectionListRow {
  id: number;
  teacherId: number;
  teacherName: string;
  orgUnitName: string;
  field: string;
  proposed: string | null;
  /** set for identifiers, which are stored encrypted */
  proposedEnc: Buffer | null;
  reason: string;
  status: CorrectionStatus;
  createdAt: Date;
  decidedAt: Date | null;
  decisionNote: string | null;
}

/** Teachers' requests to correct their records (PIPL), and the school's decisions. */
export function createTeacherCorrectionRepository(db: Q) {
  return {
    async insert(c: {
      teacherId: number;
      provinceId: number;
      orgPath: string;
      field: string;
      proposed: string | null;
      proposedEnc: Buffer | null;
      reason: string;
    }): Promise<number> {
      const r = await db
        .insertInto('teacher_correction')
        .values({
          teacher_id: c.teacherId,
          province_id: c.provinceId,
          org_path: c.orgPath,
          field: c.field,
          reason: c.reason,
          proposed: c.proposed,
          proposed_enc: c.proposedEnc,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    },

    async find(id: number) {
      return db.selectFrom('teacher_correction').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** The request's status, locking the row until the transaction ends. */
    async lockStatus(id: number): Promise<CorrectionStatus> {
      const r = await db
        .selectFrom('teacher_correction')
        .select('status')
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirstOrThrow();
      return r.status as CorrectionStatus;
    },

    async decide(id: number, d: { accept: boolean; by: number; note: string | null }): Promise<void> {
      await db
        .updateTable('teacher_correction')
        .set({
          status: d.accept ? 'accepted' : 'rejected',
          decided_by: d.by,
          decided_at: sql`now()`,
          decision_note: d.note,
        })
        .where('id', '=', id)
        .execute();
    },

    /**
     * Requests, newest first, one page of them (`page`; all of them when left out) with how many
     * match in all.
     */
    async list(
      f: { id?: number; teacherId?: number; scopePath?: string; status?: CorrectionStatus },
      page?: { limit: number; offset: number },
    ): Promise<{ items: CorrectionListRow[]; total: number }> {
      let q = db.selectFrom('teacher_correction as c');
      if (f.id !== undefined) q = q.where('c.id', '=', f.id);
      if (f.teacherId !== undefined) q = q.where('c.teacher_id', '=', f.teacherId);
      if (f.scopePath !== undefined) q = q.where('c.org_path', 'like', `${escapeLike(f.scopePath)}%`);
      if (f.status) q = q.where('c.status', '=', f.status);
      let rows = q
        .innerJoin('teacher as t', 't.id', 'c.teacher_id')
        .innerJoin('org_unit as o', 'o.id', 't.org_unit_id')
        .select([
          'c.id',
          'c.teacher_id as teacherId',
          't.name as teacherName',
          'o.name as orgUnitName',
          'c.field',
          'c.proposed',
          'c.proposed_enc as proposedEnc',
          'c.reason',
          'c.status',
          'c.created_at as createdAt',
          'c.decided_at as decidedAt',
          'c.decision_note as decisionNote',
        ])
        .orderBy('c.id', 'desc');
      if (page) rows = rows.limit(page.limit).offset(page.offset);
      const [items, n] = await Promise.all([
        rows.execute(),
        page ? q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow() : undefined,
      ]);
      return { items: items as CorrectionListRow[], total: n?.n ?? items.length };
    },
  };
}
