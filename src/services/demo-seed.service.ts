import { sql } from 'kysely';
import { oneTimePassword } from '../domain/password.js';
import type { Role, Stage } from '../domain/org-tree.js';
import { createOrgUnitRepository, type OrgUnitRow } from '../repositories/org-unit.repository.js';
import { createTeacherRepository } from '../repositories/teacher.repository.js';
import { createUserRepository } from '../repositories/user.repository.js';
import { appendAudit } from './audit.js';
import type { RequestContext, ServiceDeps } from './context.js';
import { ensureDivisionUnit } from './division-import.service.js';
import { seedDemoLedger } from './demo-ledger.js';
import { seedDemoProgramme } from './demo-programme.js';
import { seedDemoExam } from './demo-exam.js';
import { seedDemoStudy } from './demo-study.js';
import { seedDemoTraining } from './demo-training.js';
import { demoTeachers } from './demo-teachers.js';
import { hashPassword } from './password-hasher.js';
import { personalDataCipher } from './personal-data.js';
import { toColumns } from './teacher.service.js';

/**
 * Demo data: 吉林省 吉林市 桦甸市 (220282) with its teacher-training school, nine township centre
 * schools and about forty schools of every stage with their teachers, and one account per level
 * (demo-teacher is one of the teachers), their credit ledger of the last and the current cycle, and
 * this year's training (catalogues, projects, a class meeting today, an online class with homework and a
 * forum, plans, the trainer pool, a fee). Every unit, teacher and account is marked `is_demo`; the
 * accounts share one one-time password that must be changed.
 */
const DIRECT_SCHOOLS: Array<[string, Stage[]]> = [
  ['桦甸市第一中学', ['senior']],
  ['桦甸市第四中学', ['senior']],
  ['桦甸市职业教育中心', ['vocational']],
  ['桦甸市第二中学', ['junior']],
  ['桦甸市第三中学', ['junior']],
  ['桦甸市第五中学', ['junior']],
  ['桦甸市第六中学', ['junior']],
  ['桦甸市实验中学', ['junior']],
  ['桦甸市朝鲜族学校', ['primary', 'junior']],
  ['桦甸市第一实验小学', ['primary']],
  ['桦甸市第二实验小学', ['primary']],
  ['桦甸市胜利小学', ['primary']],
  ['桦甸市永吉街小学', ['primary']],
  ['桦甸市明桦街小学', ['primary']],
  ['桦甸市新华街小学', ['primary']],
  ['桦甸市人民街小学', ['primary']],
  ['桦甸市特殊教育学校', ['primary', 'junior']],
  ['桦甸市第一幼儿园', ['kindergarten']],
  ['桦甸市第二幼儿园', ['kindergarten']],
  ['桦甸市实验幼儿园', ['kindergarten']],
];
const TOWNSHIPS = [
  '夹皮沟镇',
  '二道甸子镇',
  '红石砬子镇',
  '八道河子镇',
  '常山镇',
  '金沙镇',
  '横道河子乡',
  '公吉乡',
  '桦郊乡',
];

export const DEMO_ACCOUNTS: Array<{
  username: string;
  displayName: string;
  role: Role;
  unit: 'province' | 'city' | 'county' | 'school' | 'institution';
}> = [
  { username: 'demo-province', displayName: '王建国', role: 'province_admin', unit: 'province' },
  { username: 'demo-city', displayName: '李秀梅', role: 'city_admin', unit: 'city' },
  { username: 'demo-county', displayName: '张志强', role: 'county_admin', unit: 'county' },
  { username: 'demo-school', displayName: '刘海燕', role: 'school_admin', unit: 'school' },
  { username: 'demo-trainer', displayName: '陈立军', role: 'trainer', unit: 'institution' },
  { username: 'demo-teacher', displayName: '赵雪', role: 'teacher', unit: 'school' },
];

export interface DemoSeedResult {
  created: boolean;
  password?: string;
  usernames: string[];
  schools: number;
}

export function createDemoSeedService({ db, env }: ServiceDeps) {
  return {
    async seed(ctx: RequestContext): Promise<DemoSeedResult> {
      const password = oneTimePassword();
      const passwordHash = await hashPassword(password);
      return db.transaction().execute(async (trx) => {
        await sql`SELECT pg_advisory_xact_lock(727003)`.execute(trx);
        const users = createUserRepository(trx);
        if (await users.findByUsername('demo-county'))
          return { created: false, usernames: DEMO_ACCOUNTS.map((a) => a.username), schools: 0 };
        const repo = createOrgUnitRepository(trx);
        const province = (await ensureDivisionUnit(trx, null, 'province', '220000', '吉林省', true)).unit;
        const city = (await ensureDivisionUnit(trx, province, 'city', '220200', '吉林市', true)).unit;
        const county = (await ensureDivisionUnit(trx, city, 'county', '220282', '桦甸市', true)).unit;
        let seq = 0;
        const nextCode = () => `2122${String(++seq).padStart(6, '0')}`;
        const add = (
          parent: OrgUnitRow,
          kind: 'school' | 'township' | 'institution',
          name: string,
          stages: Stage[] = [],
        ) =>
          repo.insert(
            {
              parentId: parent.id,
              kind,
              name,
              code: nextCode(),
              stages,
              isDemo: true,
              address: `吉林省桦甸市${name.startsWith('桦甸市') ? '' : name}`,
              contactName: null,
              contactPhone: null,
            },
            parent,
          );
        const institution = await add(county, 'institution', '桦甸市教师进修学校');
        const schools: OrgUnitRow[] = [];
        for (const [name, stages] of DIRECT_SCHOOLS) schools.push(await add(county, 'school', name, stages));
        for (const t of TOWNSHIPS) {
          const centre = await add(county, 'township', `${t}中心校`, ['primary']);
          schools.push(await add(centre, 'school', `${t}中心小学`, ['primary']));
          schools.push(
            await add(
              centre,
              'school',
              t.endsWith('乡') ? `${t}九年一贯制学校` : `${t}中学`,
              t.endsWith('乡') ? ['primary', 'junior'] : ['junior'],
            ),
          );
        }
        const unitFor = {
          province,
          city,
          county,
          institution,
          school: schools.find((s) => s.name === '桦甸市第一实验小学')!,
        };
        const userIds: Partial<Record<string, number>> = {};
        for (const a of DEMO_ACCOUNTS) {
          const unit = unitFor[a.unit];
          userIds[a.username] = await users.insert({
            username: a.username,
            displayName: a.displayName,
            role: a.role,
            orgUnitId: unit.id,
            orgPath: unit.path,
            provinceId: unit.provinceId,
            passwordHash,
            mustChangePassword: true,
            isDemo: true,
          });
        }
        // the registry: 8 to 40 teachers a school, by size; demo-teacher is the first of 第一实验小学
        const cipher = personalDataCipher(env);
        const taken = new Set<string>();
        const rows = schools.flatMap((school, i) => {
          const size = school.stages.includes('kindergarten')
            ? 8
            : school.parentId === county.id
              ? 24 + ((i * 7) % 17)
              : 12 + ((i * 5) % 9);
          return demoTeachers(school.stages.length ? school.stages : ['primary'], size, i, taken).map((f, k) => {
            const fields =
              school.id === unitFor.school.id && k === 0 ? { ...f, name: '赵雪', gender: 'female' as const } : f;
            return {
              ...toColumns(fields, cipher),
              orgUnitId: school.id,
              orgPath: school.path,
              provinceId: school.provinceId,
              isDemo: true,
            };
          });
        });
        const teachers = createTeacherRepository(trx);
        const created = await teachers.insertMany(rows, '2024-09-01');
        const zhaoXue = created.find((t) => t.orgUnitId === unitFor.school.id && t.name === '赵雪')!;
        await teachers.linkUser(zhaoXue.id, userIds['demo-teacher']!);
        const schoolOf = new Map(created.map((t) => [t.id, schools.find((s) => s.id === t.orgUnitId)!]));
        await seedDemoLedger(
          trx,
          env,
          province,
          created.map((t) => t.id),
          schoolOf,
        );
        const training = await seedDemoTraining(
          trx,
          env,
          { province, county, institutionName: institution.name },
          created.map((t) => ({ id: t.id, orgUnitId: t.orgUnitId, orgPath: schoolOf.get(t.id)!.path })),
          { county: userIds['demo-county']!, trainer: userIds['demo-trainer']! },
          zhaoXue.id,
        );
        const study = await seedDemoStudy(
          trx,
          env,
          { province, county },
          { county: userIds['demo-county']!, trainer: userIds['demo-trainer']! },
          created.map((t) => ({ id: t.id, orgUnitId: t.orgUnitId, orgPath: schoolOf.get(t.id)!.path })),
          zhaoXue.id,
        );
        await seedDemoExam(
          trx,
          { county },
          { county: userIds['demo-county']!, trainer: userIds['demo-trainer']! },
          study.classId,
        );
        await seedDemoProgramme(trx, env, {
          units: { province, city, county, institution },
          users: {
            province: userIds['demo-province']!,
            city: userIds['demo-city']!,
            county: userIds['demo-county']!,
            trainer: userIds['demo-trainer']!,
          },
          projects: { mentalHealth: training.projectIds[0]!, headTeacher: training.projectIds[1]! },
        });
        await appendAudit(
          trx,
          ctx,
          {
            action: 'demo.seed',
            targetType: 'org_unit',
            targetId: county.id,
            targetPath: county.path,
            targetLabel: county.name,
            details: { schools: schools.length, teachers: created.length },
          },
          'success',
        );
        return { created: true, password, usernames: DEMO_ACCOUNTS.map((a) => a.username), schools: schools.length };
      });
    },
  };
}
