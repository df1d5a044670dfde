import type { Database } from '../../src/db/database.js';
import type { OrgUnitRow } from '../../src/repositories/org-unit.repository.js';
import { createCourseRepository } from '../../src/repositories/course.repository.js';
import { createEnrolmentRepository } from '../../src/repositories/enrolment.repository.js';
import { createTrainingRepository } from '../../src/repositories/training.repository.js';

/** What online-study tests stand on, written straight to the tables (the catalogue and training have their own tests). */

export async function insertCourse(db: Database, unit: OrgUnitRow, title: string, archived = false): Promise<number> {
  const id = await createCourseRepository(db).insert({
    title,
    category: 'required',
    module: '师德',
    form: 'online',
    hours: 150,
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
  if (archived) await db.updateTable('course').set({ archived: true }).where('id', '=', id).execute();
  return id;
}

/** An open project of the unit with one class; its id and the class's. */
export async function insertClass(
  db: Database,
  unit: OrgUnitRow,
  title: string,
  by: number,
  year = 2027,
): Promise<{ projectId: number; classId: number }> {
  const repo = createTrainingRepository(db);
  const projectId = await repo.insertProject({
    level: unit.kind === 'county' ? 'county' : unit.kind === 'city' ? 'city' : 'province',
    title,
    description: null,
    year,
    registrationOpens: null,
    registrationCloses: null,
    eligibility: {},
    completionRule: { minAttendancePct: 0, assessmentRequired: false },
    hours: 150,
    creditCategories: [],
    provinceId: unit.provinceId,
    orgUnitId: unit.id,
    orgPath: unit.path,
    createdBy: by,
  });
  await db.updateTable('training_project').set({ status: 'open' }).where('id', '=', projectId).execute();
  const classId = await repo.insertClass({
    projectId,
    provinceId: unit.provinceId,
    orgPath: unit.path,
    name: `${title}一班`,
    capacity: 100,
  });
  return { projectId, classId };
}

/** A class of an existing project (a teacher holds one place per project). */
export async function insertSecondClass(db: Database, projectId: number, unit: OrgUnitRow, name: string) {
  return createTrainingRepository(db).insertClass({
    projectId,
    provinceId: unit.provinceId,
    orgPath: unit.path,
    name,
    capacity: 100,
  });
}

/** A teacher's place in a class, as the enrolment use cases leave it. */
export async function enrol(
  db: Database,
  classId: number,
  teacherId: number,
  by: number,
  status: 'enrolled' | 'waitlisted' = 'enrolled',
): Promise<void> {
  const tr = await db
    .selectFrom('teacher')
    .select(['province_id', 'org_unit_id', 'org_path'])
    .where('id', '=', teacherId)
    .executeTakeFirstOrThrow();
  const repo = createEnrolmentRepository(db);
  await repo.insert([
    {
      classId,
      teacherId,
      provinceId: tr.province_id,
      orgUnitId: tr.org_unit_id,
      orgPath: tr.org_path,
      status,
      source: 'nominated',
      quotaUnitId: null,
      createdBy: by,
    },
  ]);
  await repo.addToCounters(classId, status === 'enrolled' ? 1 : 0, status === 'waitlisted' ? 1 : 0);
}

/** A class made online straight in its row (the route's own rules are tested apart). */
export async function makeOnline(
  db: Database,
  classId: number,
  courseId: number,
  opensOn: string,
  closesOn: string,
): Promise<void> {
  await createTrainingRepository(db).setOnline(classId, { courseId, opensOn, closesOn });
}
