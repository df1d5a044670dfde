import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

type Q = Kysely<DB>;

/** An online class (网络研修) as the study pages show it. */
export interface OnlineClassRow {
  classId: number;
  className: string;
  classStatus: 'open' | 'closed';
  projectId: number;
  projectTitle: string;
  /** the organiser's path (who runs the class) */
  projectPath: string;
  provinceId: number;
  courseId: number;
  courseTitle: string;
  studyOpensOn: string;
  studyClosesOn: string;
}

/** The teacher's side of online study: the online classes they hold a place in. */
export function createStudyRepository(db: Q) {
  const classes = () =>
    db
      .selectFrom('training_class as c')
      .innerJoin('training_project as p', 'p.id', 'c.project_id')
      .innerJoin('course as k', 'k.id', 'c.course_id')
      .select([
        'c.id as classId',
        'c.name as className',
        'c.status as classStatus',
        'p.id as projectId',
        'p.title as projectTitle',
        'p.org_path as projectPath',
        'c.province_id as provinceId',
        'k.id as courseId',
        'k.title as courseTitle',
        'c.study_opens_on as studyOpensOn',
        'c.study_closes_on as studyClosesOn',
      ]);

  return {
    /** An online class, or undefined (missing, or face-to-face). */
    async onlineClass(classId: number): Promise<OnlineClassRow | undefined> {
      return (await classes().where('c.id', '=', classId).executeTakeFirst()) as OnlineClassRow | undefined;
    },

    /** The online classes in which the teacher holds a place (enrolled), the latest window first. */
    async enrolledClasses(teacherId: number): Promise<OnlineClassRow[]> {
      return (await classes()
        .innerJoin('enrolment as e', 'e.class_id', 'c.id')
        .where('e.teacher_id', '=', teacherId)
        .where('e.status', '=', 'enrolled')
        .orderBy('c.study_opens_on', 'desc')
        .orderBy('c.id', 'desc')
        .limit(200)
        .execute()) as OnlineClassRow[];
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
  };
}
