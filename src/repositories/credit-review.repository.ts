import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { escapeLike } from './org-unit.repository.js';

type Q = Kysely<DB>;

export interface ReviewRow {
  id: number;
  teacherId: number;
  teacherName: string;
  orgUnitName: string;
  orgPath: string;
  cycleId: number;
  topic: string;
  message: string;
  status: 'open' | 'answered';
  answer: string | null;
  answeredByName: string | null;
  answeredAt: Date | null;
  createdAt: Date;
}

export function selectReviews(db: Q) {
  return db
    .selectFrom('credit_review_request as r')
    .innerJoin('teacher as t', 't.id', 'r.teacher_id')
    .innerJoin('org_unit as o', 'o.id', 't.org_unit_id')
    .leftJoin('app_user as u', 'u.id', 'r.answered_by')
    .select([
      'r.id',
      'r.teacher_id as teacherId',
      't.name as teacherName',
      'o.name as orgUnitName',
      'r.org_path as orgPath',
      'r.cycle_id as cycleId',
      'r.topic',
      'r.message',
      'r.status',
      'r.answer',
      'u.display_name as answeredByName',
      'r.answered_at as answeredAt',
      'r.created_at as createdAt',
    ]);
}

/** A teacher's requests for a person to review a number of their progress (PIPL Art. 24). */
export function createCreditReviewRepository(db: Q) {
  return {
    async insert(r: {
      provinceId: number;
      teacherId: number;
      orgPath: string;
      cycleId: number;
      topic: string;
      message: string;
    }): Promise<number> {
      const row = await db
        .insertInto('credit_review_request')
        .values({
          province_id: r.provinceId,
          teacher_id: r.teacherId,
          org_path: r.orgPath,
          cycle_id: r.cycleId,
          topic: r.topic,
          message: r.message,
          status: 'open',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },

    async find(id: number): Promise<ReviewRow | undefined> {
      return (await selectReviews(db).where('r.id', '=', id).executeTakeFirst()) as ReviewRow | undefined;
    },

    async under(
      path: string,
      status: 'open' | 'answered' | undefined,
      page: { limit: number; offset: number },
    ): Promise<ReviewRow[]> {
      let q = selectReviews(db).where('r.org_path', 'like', `${escapeLike(path)}%`);
      if (status) q = q.where('r.status', '=', status);
      return (await q.orderBy('r.id', 'desc').limit(page.limit).offset(page.offset).execute()) as ReviewRow[];
    },

    /** Answers an open request; false when it was answered meanwhile. */
    async answer(id: number, answer: string, by: number): Promise<boolean> {
      const r = await db
        .updateTable('credit_review_request')
        .set({ status: 'answered', answer, answered_by: by, answered_at: new Date() })
        .where('id', '=', id)
        .where('status', '=', 'open')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
  };
}
