import type { Kysely } from 'kysely';
import { currentYear, today, type Env } from '../config/env.js';
import type { DB } from '../db/schema.js';
import { createFeeRepository } from '../repositories/fee.repository.js';
import { createTrainerRepository } from '../repositories/trainer.repository.js';
import { createTrainingPlanRepository, type PlanItemFields } from '../repositories/training-plan.repository.js';

type Unit = { id: number; path: string; provinceId: number; name: string };
type Line = [
  month: number,
  title: string,
  form: PlanItemFields['form'],
  responsible: string | number | null,
  projectId?: number,
];

export interface DemoProgrammeInput {
  units: { province: Unit; city: Unit; county: Unit; institution: Unit };
  users: { province: number; city: number; county: number; trainer: number };
  projects: { mentalHealth: number; headTeacher: number };
}

/**
 * Around the demo county's training: this year's plans of the province, the city and the county
 * (published; demo-school writes its own and submits it to the county), the trainer and expert pool with
 * demo-trainer's own training, and the textbook fee of the mental-health project, paid by some units.
 */
export async function seedDemoProgramme(
  trx: Kysely<DB>,
  env: Pick<Env, 'PEIXUN_TODAY'>,
  a: DemoProgrammeInput,
): Promise<void> {
  const year = currentYear(env);
  const { province, city, county, institution } = a.units;
  const plans = createTrainingPlanRepository(trx);

  const plan = async (unit: Unit, by: number, title: string, summary: string, lines: Line[]) => {
    const { plan: p } = await plans.lockOrCreate({
      provinceId: unit.provinceId,
      orgUnitId: unit.id,
      orgPath: unit.path,
      year,
      title,
      createdBy: by,
    });
    await plans.replaceItems(
      p.id,
      lines.map(([month, t, form, responsible, projectId]) => ({
        month,
        title: t,
        form,
        responsibleUnitId: typeof responsible === 'number' ? responsible : null,
        responsible: typeof responsible === 'string' ? responsible : null,
        projectId: projectId ?? null,
        notes: null,
      })),
    );
    await plans.setContent(p.id, { title, summary, status: 'draft' });
    const items = (await plans.items([p.id])).map(({ planId: _, ...i }) => i);
    await plans.move(p.id, 'draft', 'published', { version: 1 });
    await plans.insertVersion({
      planId: p.id,
      version: 1,
      event: 'published',
      content: { title, summary, items },
      comment: null,
      actorId: by,
    });
  };

  await plan(
    province,
    a.users.province,
    `${province.name}${year}年中小学教师继续教育工作计划`,
    '全员培训、信息技术应用能力提升和师德师风建设三条主线。',
    [
      [3, '全省中小学教师继续教育工作会议', 'centralised', '省教育厅教师工作处'],
      [5, '信息技术应用能力提升工程 2.0 省级线上研修', 'online', '省电化教育馆'],
      [7, '省级骨干教师暑期高级研修班', 'centralised', '省教育学院'],
      [11, '年度学时验证工作部署', null, '省教育厅教师工作处'],
    ],
  );
  await plan(
    city,
    a.users.city,
    `${city.name}${year}年教师培训计划`,
    '落实省计划，组织市级班主任和心理健康专题培训。',
    [
      [4, '市级班主任能力提升示范培训', 'centralised', '市教育学院'],
      [8, '新课程标准市级解读与送教下乡', 'practice', '市教育学院'],
      [10, '市级优秀教学案例评选', 'practice', '市教育局师资科'],
    ],
  );
  await plan(
    county,
    a.users.county,
    `${county.name}${year}年教师继续教育行事历`,
    '全员培训以心理健康和班主任工作为重点，校本研修每月一次。',
    [
      [3, '各校报送校本研修计划', 'school_based', county.id],
      [6, '中小学心理健康教育专题培训（第一期）', 'centralised', institution.id, a.projects.mentalHealth],
      [7, '中小学心理健康教育专题培训（第二期）', 'centralised', institution.id, a.projects.mentalHealth],
      [9, '班主任能力提升培训', 'centralised', institution.id, a.projects.headTeacher],
      [10, '教学能手送教下乡', 'practice', institution.id],
      [12, '年度学时登记与验证', null, county.id],
    ],
  );

  // the pool: demo-trainer at the county with her own training, and experts of the three levels
  const pool = createTrainerRepository(trx);
  const entry = (
    unit: Unit,
    by: number,
    f: {
      kind: 'trainer' | 'expert';
      name: string;
      title: string;
      employer: string;
      level: 'county' | 'city' | 'province';
      subjects: string[];
      stages: string[];
      specialties: string;
      userId?: number;
    },
  ) =>
    pool.insert({
      ...f,
      active: true,
      userId: f.userId ?? null,
      teacherId: null,
      provinceId: unit.provinceId,
      orgUnitId: unit.id,
      orgPath: unit.path,
      createdBy: by,
    });
  const chen = await entry(county, a.users.county, {
    kind: 'trainer',
    name: '陈立军',
    title: '中学高级教师',
    employer: institution.name,
    level: 'county',
    subjects: ['心理健康'],
    stages: ['primary', 'junior'],
    specialties: '学生心理辅导、班主任工作',
    userId: a.users.trainer,
  });
  await entry(county, a.users.county, {
    kind: 'expert',
    name: '孙丽华',
    title: '正高级教师',
    employer: `${county.name}实验小学`,
    level: 'county',
    subjects: ['语文'],
    stages: ['primary'],
    specialties: '小学语文阅读教学、校本研修指导',
  });
  await entry(city, a.users.city, {
    kind: 'expert',
    name: '周文博',
    title: '教授',
    employer: '北华大学教育学院',
    level: 'city',
    subjects: ['教育学'],
    stages: ['primary', 'junior', 'senior'],
    specialties: '课程与教学论、新课程标准',
  });
  await entry(province, a.users.province, {
    kind: 'expert',
    name: '吴振宇',
    title: '研究员',
    employer: '吉林省教育学院',
    level: 'province',
    subjects: ['信息技术'],
    stages: [],
    specialties: '信息技术与学科教学融合',
  });
  const day = today(env);
  await pool.insertEntry(
    chen,
    {
      title: '全省中小学心理健康教育骨干培训者研修班',
      organiser: '吉林省教育学院',
      startsOn: `${year - 1}-07-10`,
      endsOn: `${year - 1}-07-16`,
      hours: 400,
      notes: null,
    },
    a.users.county,
  );
  const spring =
    `${year}-04-08` <= day
      ? { startsOn: `${year}-04-08`, endsOn: `${year}-04-09` }
      : { startsOn: `${year - 1}-11-20`, endsOn: `${year - 1}-11-21` };
  await pool.insertEntry(
    chen,
    { title: '市级培训者教学能力提升工作坊', organiser: '吉林市教育学院', ...spring, hours: 160, notes: null },
    a.users.county,
  );

  // the textbook of the mental-health project: ¥35 a teacher, collected by school
  const fees = createFeeRepository(trx);
  const feeId = await fees.insertItem({
    name: '教材费',
    kind: 'textbook',
    amountFen: 3500,
    projectId: a.projects.mentalHealth,
    provinceId: county.provinceId,
    orgPath: county.path,
    createdBy: a.users.county,
  });
  const lines = await fees.dueLines({ id: a.projects.mentalHealth, orgUnitId: county.id, orgPath: county.path }, [
    feeId,
  ]);
  // two units paid in full, a third half
  const owing = lines.filter((l) => l.teachers > 0).slice(0, 3);
  for (const [i, l] of owing.entries()) {
    const amountFen = i < 2 ? l.teachers * 3500 : Math.ceil(l.teachers / 2) * 3500;
    await fees.insertPayment({
      feeItemId: feeId,
      orgUnitId: l.unitId,
      orgPath: l.unitPath,
      amountFen,
      paidOn: day,
      receiptNo: `HD${year}${101 + i}`,
      note: null,
      createdBy: a.users.county,
    });
  }
}
