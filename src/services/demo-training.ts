import type { Kysely } from 'kysely';
import { currentYear, today, type Env } from '../config/env.js';
import type { DB } from '../db/schema.js';
import { createCourseRepository, type CourseFields } from '../repositories/course.repository.js';
import { createEnrolmentRepository } from '../repositories/enrolment.repository.js';
import { createTrainingRepository } from '../repositories/training.repository.js';

type Unit = { id: number; path: string; provinceId: number };

/** Catalogue courses of the province and of the county, hours in tenths. */
const PROVINCE_COURSES: CourseFields[] = [
  course('师德师风建设专题', 'required', '师德', 'online', 200, ['ethics', 'online']),
  course('信息技术应用能力提升工程 2.0', 'required', '教育技术', 'online', 500, ['edu_tech', 'online']),
  course('义务教育新课程标准解读', 'research', '学科与专业标准', 'online', 150, ['new_curriculum', 'online']),
];
const COUNTY_COURSES: CourseFields[] = [
  course('中小学心理健康教育', 'required', '心理健康', 'centralised', 120, ['mental_health']),
  course('班主任工作实务', 'required', '学生教育', 'centralised', 100, ['student_education']),
  course('校本研修：同课异构', 'research', '学科与专业标准', 'school_based', 60, ['subject']),
  course('教学能手送教下乡观摩', 'elective', '学科与专业标准', 'practice', 60, ['subject']),
];

function course(
  title: string,
  category: CourseFields['category'],
  module: string,
  form: CourseFields['form'],
  hours: number,
  creditCategories: string[],
): CourseFields {
  return {
    title,
    category,
    module,
    form,
    hours,
    creditCategories,
    stages: [],
    subjects: [],
    description: null,
    materials: [],
  };
}

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** A moment on a China calendar day, e.g. at(day, '08:30'). */
const at = (day: string, hm: string) => new Date(`${day}T${hm}:00+08:00`);

export interface DemoTrainingResult {
  projectIds: number[];
  classIds: number[];
}

/**
 * The demo county's training this year: the two catalogues, a mental-health project whose first
 * class meets today (so the trainer's rotating QR code and a teacher's check-in can be tried at once)
 * with demo-teacher enrolled, and a head-teacher project still open for enrolment.
 */
export async function seedDemoTraining(
  trx: Kysely<DB>,
  env: Pick<Env, 'PEIXUN_TODAY'>,
  units: { province: Unit; county: Unit; institutionName: string },
  teachers: Array<{ id: number; orgUnitId: number; orgPath: string }>,
  users: { county: number; trainer: number },
  demoTeacherId: number,
): Promise<DemoTrainingResult> {
  const { province, county } = units;
  const courses = createCourseRepository(trx);
  const training = createTrainingRepository(trx);
  const enrolments = createEnrolmentRepository(trx);
  const day = today(env);
  const year = currentYear(env);
  for (const c of PROVINCE_COURSES)
    await courses.insert({
      ...c,
      provinceId: province.provinceId,
      orgUnitId: province.id,
      orgPath: province.path,
      createdBy: null,
    });
  const countyCourseIds: number[] = [];
  for (const c of COUNTY_COURSES)
    countyCourseIds.push(
      await courses.insert({
        ...c,
        provinceId: county.provinceId,
        orgUnitId: county.id,
        orgPath: county.path,
        createdBy: null,
      }),
    );

  const base = {
    provinceId: county.provinceId,
    orgUnitId: county.id,
    orgPath: county.path,
    createdBy: users.county,
    level: 'county' as const,
    year,
    registrationOpens: addDays(day, -10),
    registrationCloses: addDays(day, 20),
  };
  const mental = await training.insertProject({
    ...base,
    title: `桦甸市${year}年中小学心理健康教育专题培训`,
    description: '面向全市中小学教师的心理健康教育集中培训，两期，每期两次集中面授。',
    eligibility: { minServiceYears: 1 },
    completionRule: { minAttendancePct: 80, assessmentRequired: false },
    hours: 120,
    creditCategories: ['mental_health'],
  });
  const headTeacher = await training.insertProject({
    ...base,
    title: `桦甸市${year}年班主任能力提升培训`,
    description: '班主任工作实务、家校沟通与学生心理支持。',
    eligibility: { minServiceYears: 1 },
    completionRule: { minAttendancePct: 80, assessmentRequired: true },
    hours: 100,
    creditCategories: ['student_education'],
  });
  for (const id of [mental, headTeacher]) await training.moveProject(id, 'draft', 'open');
  await training.setCourses(mental, [countyCourseIds[0]!]);
  await training.setCourses(headTeacher, [countyCourseIds[1]!]);

  const place = `${units.institutionName} 报告厅`;
  const classIds: number[] = [];
  const addClass = async (projectId: number, name: string, capacity: number, days: number[]) => {
    const id = await training.insertClass({
      projectId,
      provinceId: county.provinceId,
      orgPath: county.path,
      name,
      capacity,
    });
    await training.setTrainers(id, [users.trainer]);
    for (const n of days) {
      const d = addDays(day, n);
      // today's session takes check-ins all day, so that the demo can be tried at any hour
      const window =
        n === 0
          ? { checkinOpensAt: at(d, '00:00'), checkinClosesAt: at(addDays(d, 1), '00:00') }
          : { checkinOpensAt: at(d, '07:30'), checkinClosesAt: at(d, '17:30') };
      await training.insertSession(id, {
        startsAt: at(d, '08:30'),
        endsAt: at(d, '16:30'),
        place,
        onlineUrl: null,
        ...window,
      });
    }
    classIds.push(id);
    return id;
  };
  const first = await addClass(mental, '第一期', 60, [0, 7]);
  await addClass(mental, '第二期', 60, [14, 21]);
  await addClass(headTeacher, '第一期', 80, [24, 25]);

  // demo-teacher and the colleagues of three schools fill most of the first class
  const picked = [
    teachers.find((t) => t.id === demoTeacherId)!,
    ...teachers
      .filter((t) => t.id !== demoTeacherId)
      .filter((_, i) => i % 19 === 0)
      .slice(0, 44),
  ];
  await enrolments.insert(
    picked.map((t) => ({
      classId: first,
      teacherId: t.id,
      provinceId: county.provinceId,
      orgUnitId: t.orgUnitId,
      orgPath: t.orgPath,
      status: 'enrolled' as const,
      source: t.id === demoTeacherId ? ('self' as const) : ('bulk' as const),
      quotaUnitId: null,
      createdBy: users.county,
    })),
  );
  await enrolments.addToCounters(first, picked.length, 0);
  return { projectIds: [mental, headTeacher], classIds };
}
