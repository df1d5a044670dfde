import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { onlineCompletionOf, type OnlineCompletionRule } from '../domain/online-course.js';

type Q = Kysely<DB>;

/** A class with what its homework and forum need: its project (who runs it) and its course's rule. */
export interface OnlineClassRow {
  id: number;
  name: string;
  status: 'open' | 'closed';
  provinceId: number;
  projectId: number;
  projectTitle: string;
  projectStatus: string;
  /** the organiser's path: admins of its subtree run the class */
  projectPath: string;
  projectOrgUnitId: number;
  /** null: a face-to-face class, which has no homework or forum */
  courseId: number | null;
  courseTitle: string | null;
  studyOpensOn: string | null;
  studyClosesOn: string | null;
  completion: OnlineCompletionRule;
}

export interface MemberTeacher {
  id: number;
  name: string;
  orgUnitId: number;
  orgPath: string;
}

/** Who is who in an online class: its trainers (tutors), its enrolled teachers, its forum's moderators. */
export function createOnlineClassRepository(db: Q) {
  return {
    async classById(id: number): Promise<OnlineClassRow | undefined> {
      const r = await db
        .selectFrom('training_class as c')
        .innerJoin('training_project as p', 'p.id', 'c.project_id')
        .leftJoin('course as co', 'co.id', 'c.course_id')
        .leftJoin('course_online as ol', 'ol.course_id', 'c.course_id')
        .select([
          'c.id',
          'c.name',
          'c.status',
          'c.province_id as provinceId',
          'p.id as projectId',
          'p.title as projectTitle',
          'p.status as projectStatus',
          'p.org_path as projectPath',
          'p.org_unit_id as projectOrgUnitId',
          'c.course_id as courseId',
          'co.title as courseTitle',
          'c.study_opens_on as studyOpensOn',
          'c.study_closes_on as studyClosesOn',
          'ol.completion_rule as completionRule',
        ])
        .where('c.id', '=', id)
        .executeTakeFirst();
      if (!r) return undefined;
      const { completionRule, ...rest } = r;
      return { ...rest, status: r.status as OnlineClassRow['status'], completion: onlineCompletionOf(completionRule) };
    },

    async isTrainer(classId: number, userId: number): Promise<boolean> {
      const r = await db
        .selectFrom('training_class_trainer')
        .select('user_id')
        .where('class_id', '=', classId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return r !== undefined;
    },

    /** The accounts of the class's trainers (its tutors), enabled ones only. */
    async trainerUserIds(classId: number): Promise<number[]> {
      const rows = await db
        .selectFrom('training_class_trainer as ct')
        .innerJoin('app_user as u', 'u.id', 'ct.user_id')
        .select('u.id')
        .where('ct.class_id', '=', classId)
        .where('u.disabled', '=', false)
        .execute();
      return rows.map((r) => r.id);
    },

    async teacherOfUser(userId: number): Promise<MemberTeacher | undefined> {
      return db
        .selectFrom('teacher')
        .select(['id', 'name', 'org_unit_id as orgUnitId', 'org_path as orgPath'])
        .where('user_id', '=', userId)
        .executeTakeFirst();
    },

    /** The name and school of a teacher. */
    async teacherLabel(teacherId: number): Promise<{ name: string; orgUnitName: string } | undefined> {
      return db
        .selectFrom('teacher as t')
        .innerJoin('org_unit as o', 'o.id', 't.org_unit_id')
        .select(['t.name', 'o.name as orgUnitName'])
        .where('t.id', '=', teacherId)
        .executeTakeFirst();
    },

    async isEnrolled(classId: number, teacherId: number): Promise<boolean> {
      const r = await db
        .selectFrom('enrolment')
        .select('id')
        .where('class_id', '=', classId)
        .where('teacher_id', '=', teacherId)
        .where('status', '=', 'enrolled')
        .executeTakeFirst();
      return r !== undefined;
    },

    async isModerator(classId: number, teacherId: number): Promise<boolean> {
      const r = await db
        .selectFrom('forum_moderator')
        .select('teacher_id')
        .where('class_id', '=', classId)
        .where('teacher_id', '=', teacherId)
        .executeTakeFirst();
      return r !== undefined;
    },

    /** Everyone who moderates the forum: the trainers and the chosen teachers with an account. */
    async moderatorUserIds(classId: number): Promise<number[]> {
      const rows = await db
        .selectFrom('app_user as u')
        .select('u.id')
        .where('u.disabled', '=', false)
        .where((eb) =>
          eb.or([
            eb(
              'u.id',
              'in',
              eb.selectFrom('training_class_trainer as ct').select('ct.user_id').where('ct.class_id', '=', classId),
            ),
            eb(
              'u.id',
              'in',
              eb
                .selectFrom('forum_moderator as m')
                .innerJoin('teacher as t', 't.id', 'm.teacher_id')
                .select(sql<number>`t.user_id`.as('user_id'))
                .where('m.class_id', '=', classId),
            ),
          ]),
        )
        .execute();
      return rows.map((r) => r.id);
    },

    /** The online classes a trainer teaches, newest first. */
    async taughtBy(userId: number, limit = 500): Promise<number[]> {
      const rows = await db
        .selectFrom('training_class_trainer as ct')
        .innerJoin('training_class as c', 'c.id', 'ct.class_id')
        .select('c.id')
        .where('ct.user_id', '=', userId)
        .where('c.course_id', 'is not', null)
        .orderBy('c.id', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    },

    /** The online classes of the projects a unit organises, newest first. */
    async organisedAt(orgUnitId: number, limit = 500): Promise<number[]> {
      const rows = await db
        .selectFrom('training_class as c')
        .innerJoin('training_project as p', 'p.id', 'c.project_id')
        .select('c.id')
        .where('p.org_unit_id', '=', orgUnitId)
        .where('c.course_id', 'is not', null)
        .orderBy('c.id', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    },

    /** The online classes a teacher holds a place in (projects past their draft), newest first. */
    async enrolledIn(teacherId: number, limit = 200): Promise<number[]> {
      const rows = await db
        .selectFrom('enrolment as e')
        .innerJoin('training_class as c', 'c.id', 'e.class_id')
        .innerJoin('training_project as p', 'p.id', 'c.project_id')
        .select('c.id')
        .where('e.teacher_id', '=', teacherId)
        .where('e.status', '=', 'enrolled')
        .where('c.course_id', 'is not', null)
        .where('p.status', '!=', 'draft')
        .orderBy('c.id', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    },

    /** The summary line of each class: project, course, window, places. */
    async summaries(classIds: number[]): Promise<ClassSummaryRow[]> {
      if (!classIds.length) return [];
      const rows = await db
        .selectFrom('training_class as c')
        .innerJoin('training_project as p', 'p.id', 'c.project_id')
        .innerJoin('org_unit as o', 'o.id', 'p.org_unit_id')
        .leftJoin('course as co', 'co.id', 'c.course_id')
        .select([
          'c.id as classId',
          'c.name as className',
          'c.status',
          'c.enrolled',
          'p.id as projectId',
          'p.title as projectTitle',
          'o.name as orgUnitName',
          'co.title as courseTitle',
          'c.study_opens_on as studyOpensOn',
          'c.study_closes_on as studyClosesOn',
        ])
        .where('c.id', 'in', classIds)
        .orderBy('c.id', 'desc')
        .execute();
      return rows.map((r) => ({ ...r, status: r.status as 'open' | 'closed', courseTitle: r.courseTitle ?? '' }));
    },
  };
}

export interface ClassSummaryRow {
  classId: number;
  className: string;
  status: 'open' | 'closed';
  enrolled: number;
  projectId: number;
  projectTitle: string;
  orgUnitName: string;
  courseTitle: string;
  studyOpensOn: string | null;
  studyClosesOn: string | null;
}
