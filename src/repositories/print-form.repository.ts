import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { TEACHER_UNIT_KINDS } from '../domain/org-tree.js';
import { attendedIn } from './attendance.repository.js';
import { escapeLike } from './org-unit.repository.js';

type Q = Kysely<DB>;

export interface SignInLine {
  teacherName: string;
  idNumberMasked: string;
  orgUnitName: string;
  checkedInAt: Date | null;
  checkedOutAt: Date | null;
  present: boolean | null;
}

export interface CompletionLine {
  teacherName: string;
  idNumberMasked: string;
  orgUnitName: string;
  attended: number;
  assessmentPassed: boolean | null;
  outcome: 'completed' | 'not_completed' | null;
}

export interface UnopenedSchool {
  orgUnitName: string;
  teachers: number;
}

/** What the printed forms (签到表, 结业名单, 验证汇总表) list, in print order. */
export function createPrintFormRepository(db: Q) {
  return {
    async unitName(id: number): Promise<string> {
      return (await db.selectFrom('org_unit').select('name').where('id', '=', id).executeTakeFirst())?.name ?? '';
    },

    /** A session's enrolled teachers with their check-in and check-out, by school then name. */
    async signInLines(sessionId: number, classId: number): Promise<SignInLine[]> {
      return db
        .selectFrom('enrolment as e')
        .innerJoin('teacher as t', 't.id', 'e.teacher_id')
        .innerJoin('org_unit as o', 'o.id', 't.org_unit_id')
        .leftJoin('attendance as a', (j) =>
          j.onRef('a.teacher_id', '=', 'e.teacher_id').on('a.session_id', '=', sessionId),
        )
        .select([
          't.name as teacherName',
          't.id_number_masked as idNumberMasked',
          'o.name as orgUnitName',
          'a.checked_in_at as checkedInAt',
          'a.checked_out_at as checkedOutAt',
          'a.present',
        ])
        .where('e.class_id', '=', classId)
        .where('e.status', '=', 'enrolled')
        .orderBy('o.name')
        .orderBy('t.name')
        .orderBy('t.id')
        .execute();
    },

    /** A class's enrolled teachers with the sessions attended, the assessment and the stored outcome. */
    async completionLines(classId: number): Promise<CompletionLine[]> {
      const rows = await db
        .selectFrom('enrolment as e')
        .innerJoin('teacher as t', 't.id', 'e.teacher_id')
        .innerJoin('org_unit as o', 'o.id', 't.org_unit_id')
        .select([
          't.name as teacherName',
          't.id_number_masked as idNumberMasked',
          'o.name as orgUnitName',
          'e.assessment_passed as assessmentPassed',
          'e.outcome',
          attendedIn(classId).as('attended'),
        ])
        .where('e.class_id', '=', classId)
        .where('e.status', '=', 'enrolled')
        .orderBy('o.name')
        .orderBy('t.name')
        .orderBy('t.id')
        .execute();
      return rows.map((r) => ({
        ...r,
        attended: Number(r.attended ?? 0),
        outcome: r.outcome as CompletionLine['outcome'],
      }));
    },

    /** Units of the subtree that keep teachers but have not opened the year of the cycle. */
    async unopenedSchools(path: string, cycleId: number, year: number): Promise<UnopenedSchool[]> {
      const rows = await db
        .selectFrom('org_unit as o')
        .select((eb) => [
          'o.name as orgUnitName',
          eb
            .selectFrom('teacher as t')
            .select(eb.fn.countAll<string>().as('n'))
            .whereRef('t.org_unit_id', '=', 'o.id')
            .as('teachers'),
        ])
        .where('o.path', 'like', `${escapeLike(path)}%`)
        .where('o.kind', 'in', [...TEACHER_UNIT_KINDS])
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('credit_verification as v')
                .select(sql<number>`1`.as('one'))
                .whereRef('v.org_unit_id', '=', 'o.id')
                .where('v.cycle_id', '=', cycleId)
                .where('v.year', '=', year),
            ),
          ),
        )
        .orderBy('o.name')
        .orderBy('o.id')
        .execute();
      return rows
        .map((r) => ({ orgUnitName: r.orgUnitName, teachers: Number(r.teachers ?? 0) }))
        .filter((r) => r.teachers > 0);
    },
  };
}

export type PrintFormRepository = ReturnType<typeof createPrintFormRepository>;
