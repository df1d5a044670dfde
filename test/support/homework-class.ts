import type { Database } from '../../src/db/database.js';
import type { OnlineCompletionRule } from '../../src/domain/online-course.js';
import type { OrgUnitRow } from '../../src/repositories/org-unit.repository.js';

let seq = 0;

/**
 * An online class put straight into the tables: a course of the unit (with its completion rule when
 * given), an open project organised by the unit with one class opening the course for a study window,
 * its trainers, and the teachers enrolled.
 */
export async function seedOnlineClass(
  db: Database,
  unit: OrgUnitRow,
  opts: {
    trainers?: number[];
    teachers?: number[];
    completion?: Partial<OnlineCompletionRule>;
    title?: string;
    projectStatus?: 'draft' | 'open';
  } = {},
): Promise<{ classId: number; projectId: number; courseId: number }> {
  const n = ++seq;
  const course = await db
    .insertInto('course')
    .values({
      province_id: unit.provinceId,
      org_unit_id: unit.id,
      org_path: unit.path,
      title: `网络研修课程${n}-${unit.id}`,
      category: 'required',
      module: '师德',
      form: 'online',
      hours: 100,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (opts.completion)
    await db
      .insertInto('course_online')
      .values({ course_id: course.id, completion_rule: JSON.stringify(opts.completion) })
      .execute();
  const project = await db
    .insertInto('training_project')
    .values({
      province_id: unit.provinceId,
      org_unit_id: unit.id,
      org_path: unit.path,
      level: unit.kind === 'province' || unit.kind === 'city' || unit.kind === 'county' ? unit.kind : 'school',
      title: opts.title ?? `网络研修项目${n}`,
      year: 2027,
      status: opts.projectStatus ?? 'open',
      hours: 100,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const cls = await db
    .insertInto('training_class')
    .values({
      project_id: project.id,
      province_id: unit.provinceId,
      org_path: unit.path,
      name: `网络研修班${n}`,
      capacity: 1000,
      status: 'open',
      course_id: course.id,
      study_opens_on: '2027-03-01',
      study_closes_on: '2027-12-31',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (opts.trainers?.length)
    await db
      .insertInto('training_class_trainer')
      .values(opts.trainers.map((user_id) => ({ class_id: cls.id, user_id })))
      .execute();
  for (const teacherId of opts.teachers ?? []) await enrolInClass(db, cls.id, teacherId);
  return { classId: cls.id, projectId: project.id, courseId: course.id };
}

/** A teacher enrolled in a class, put straight into the table. */
export async function enrolInClass(db: Database, classId: number, teacherId: number): Promise<void> {
  const t = await db
    .selectFrom('teacher')
    .select(['province_id', 'org_unit_id', 'org_path'])
    .where('id', '=', teacherId)
    .executeTakeFirstOrThrow();
  await db
    .insertInto('enrolment')
    .values({
      class_id: classId,
      teacher_id: teacherId,
      province_id: t.province_id,
      org_unit_id: t.org_unit_id,
      org_path: t.org_path,
      status: 'enrolled',
      source: 'nominated',
    })
    .execute();
  await db
    .updateTable('training_class')
    .set((eb) => ({ enrolled: eb('enrolled', '+', 1) }))
    .where('id', '=', classId)
    .execute();
}
