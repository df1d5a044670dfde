import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { escapeLike } from './org-unit.repository.js';

export interface UnitTrainingStats {
  unitId: number;
  unitName: string;
  enrolled: number;
  waitlisted: number;
  withdrawn: number;
  completed: number;
  notCompleted: number;
  /** sessions the enrolled teachers' classes held, summed over teachers, and how many of them they attended */
  sessionsExpected: number;
  sessionsAttended: number;
}

/**
 * Participation and completion of a project by unit (R-53): the teachers' places grouped by the
 * child of `base` their school lies under (the base unit itself when it is the school). One
 * statement over the project's places, so a province project costs one query.
 */
export function createTrainingStatsRepository(db: Kysely<DB>) {
  return {
    async byUnit(projectId: number, base: { id: number; path: string }): Promise<UnitTrainingStats[]> {
      const r = await sql<UnitTrainingStats>`
        WITH places AS (
          SELECT e.teacher_id, e.class_id, e.status, e.outcome,
                 CASE WHEN length(e.org_path) > ${base.path.length}
                      THEN split_part(substr(e.org_path, ${base.path.length + 1}), '/', 1)::bigint ELSE ${base.id}::bigint END AS unit_id
          FROM enrolment e
          WHERE e.project_id = ${projectId} AND e.org_path LIKE ${`${escapeLike(base.path)}%`}
        ), held AS (
          SELECT s.class_id, count(*)::int AS n
          FROM training_session s JOIN training_class c ON c.id = s.class_id
          WHERE c.project_id = ${projectId} AND s.starts_at <= now()
          GROUP BY s.class_id
        ), attended AS (
          SELECT a.teacher_id, s.class_id, count(*)::int AS n
          FROM attendance a JOIN training_session s ON s.id = a.session_id JOIN training_class c ON c.id = s.class_id
          WHERE c.project_id = ${projectId} AND a.present
          GROUP BY a.teacher_id, s.class_id
        )
        SELECT p.unit_id AS "unitId", u.name AS "unitName",
               count(*) FILTER (WHERE p.status = 'enrolled')::int AS enrolled,
               count(*) FILTER (WHERE p.status = 'waitlisted')::int AS waitlisted,
               count(*) FILTER (WHERE p.status = 'withdrawn')::int AS withdrawn,
               count(*) FILTER (WHERE p.status = 'enrolled' AND p.outcome = 'completed')::int AS completed,
               count(*) FILTER (WHERE p.status = 'enrolled' AND p.outcome = 'not_completed')::int AS "notCompleted",
               coalesce(sum(h.n) FILTER (WHERE p.status = 'enrolled'), 0)::int AS "sessionsExpected",
               coalesce(sum(a.n) FILTER (WHERE p.status = 'enrolled'), 0)::int AS "sessionsAttended"
        FROM places p
        JOIN org_unit u ON u.id = p.unit_id
        LEFT JOIN held h ON h.class_id = p.class_id
        LEFT JOIN attended a ON a.teacher_id = p.teacher_id AND a.class_id = p.class_id
        GROUP BY p.unit_id, u.name
        ORDER BY u.name, p.unit_id
      `.execute(db);
      return r.rows;
    },
  };
}
