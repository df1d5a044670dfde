import { chinaDay } from '../../src/config/env.js';
import type { Database } from '../../src/db/database.js';
import type { OnlineCompletionRule } from '../../src/domain/online-course.js';
import type { OrgUnitRow } from '../../src/repositories/org-unit.repository.js';
import { createCourseRepository } from '../../src/repositories/course.repository.js';
import { createTrainingRepository } from '../../src/repositories/training.repository.js';

const DAY = 86_400_000;
/** A China calendar day `days` from today ('YYYY-MM-DD'). */
export const dayFromToday = (days: number) => chinaDay(new Date(Date.now() + days * DAY));

let seq = 0;

/** An online course kept at `unit`, with its completion rule when given (otherwise the defaults apply). */
export async function onlineCourse(
  db: Database,
  unit: OrgUnitRow,
  rule?: Partial<OnlineCompletionRule>,
  title = `网络研修课程${++seq}`,
): Promise<number> {
  const id = await createCourseRepository(db).insert({
    title,
    category: 'research',
    module: '学科与专业标准',
    form: 'online',
    hours: 30,
    creditCategories: [],
    stages: [],
    subjects: [],
    description: null,
    materials: [],
    provinceId: unit.provinceId,
    orgUnitId: unit.id,
    orgPath: unit.path,
    createdBy: null,
  });
  if (rule)
    await db
      .insertInto('course_online')
      .values({ course_id: id, completion_rule: JSON.stringify(rule) })
      .execute();
  return id;
}

/**
 * An online class of an open project organised at `unit`: it opens `courseId` for a study window
 * (by default from ten days ago to ten days ahead), with these teachers enrolled and these trainers.
 */
export async function onlineClass(
  db: Database,
  unit: OrgUnitRow,
  courseId: number,
  opts: {
    teachers?: number[];
    trainers?: number[];
    opensIn?: number;
    closesIn?: number;
    createdBy: number;
    name?: string;
  },
): Promise<number> {
  const repo = createTrainingRepository(db);
  const n = ++seq;
  const projectId = await repo.insertProject({
    level:
      unit.kind === 'province'
        ? 'province'
        : unit.kind === 'city'
          ? 'city'
          : unit.kind === 'county'
            ? 'county'
            : 'school',
    title: `网络研修项目${n}`,
    description: null,
    year: Number(dayFromToday(0).slice(0, 4)),
    registrationOpens: null,
    registrationCloses: null,
    eligibility: {},
    completionRule: { minAttendancePct: 0, assessmentRequired: false },
    hours: 30,
    creditCategories: [],
    provinceId: unit.provinceId,
    orgUnitId: unit.id,
    orgPath: unit.path,
    createdBy: opts.createdBy,
  });
  await repo.moveProject(projectId, 'draft', 'open');
  const classId = await repo.insertClass({
    projectId,
    provinceId: unit.provinceId,
    orgPath: unit.path,
    name: opts.name ?? `网络研修${n}班`,
    capacity: 1000,
  });
  await db
    .updateTable('training_class')
    .set({
      course_id: courseId,
      study_opens_on: dayFromToday(opts.opensIn ?? -10),
      study_closes_on: dayFromToday(opts.closesIn ?? 10),
    })
    .where('id', '=', classId)
    .execute();
  for (const teacherId of opts.teachers ?? []) await enrol(db, classId, teacherId, opts.createdBy);
  if (opts.trainers?.length) await repo.setTrainers(classId, opts.trainers);
  return classId;
}

/** A teacher enrolled in a class, put straight into the table. */
export async function enrol(db: Database, classId: number, teacherId: number, by: number): Promise<void> {
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
      created_by: by,
    })
    .execute();
  await db
    .updateTable('training_class')
    .set((eb) => ({ enrolled: eb('enrolled', '+', 1) }))
    .where('id', '=', classId)
    .execute();
}
