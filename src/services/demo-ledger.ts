import type { Kysely } from 'kysely';
import { currentYear, today, type Env } from '../config/env.js';
import type { DB } from '../db/schema.js';
import { defaultRules, type SourceType } from '../domain/cycle-rules.js';
import { createCreditLedgerRepository, type NewEntry } from '../repositories/credit-ledger.repository.js';
import { contentHash } from './credit-ledger.service.js';
import { syncTeachers } from './credit-summary.js';

/** Training a county's teachers really attend (seeds 000–004), with the category each counts toward. */
const ACTIVITIES: Array<{ title: string; hours: number; categories: string[]; source: SourceType }> = [
  { title: '暑期全员集中培训', hours: 240, categories: ['subject'], source: 'project' },
  { title: '师德师风专题培训', hours: 120, categories: ['ethics'], source: 'project' },
  { title: '信息技术应用能力提升工程 2.0', hours: 250, categories: ['edu_tech', 'online'], source: 'course' },
  { title: '校本研修：同课异构', hours: 60, categories: ['subject'], source: 'school_activity' },
  { title: '新课程标准解读（网络研修）', hours: 150, categories: ['new_curriculum', 'online'], source: 'course' },
  { title: '中小学心理健康教育专题', hours: 80, categories: ['mental_health'], source: 'project' },
  { title: '班主任能力提升培训', hours: 100, categories: ['student_education'], source: 'project' },
  { title: '校本研修：集体备课与说课', hours: 40, categories: ['subject'], source: 'school_activity' },
  { title: '教学能手送教下乡观摩', hours: 60, categories: ['subject'], source: 'school_activity' },
];

/**
 * The demo county's ledger: the finished 2021–2025 cycle (most teachers complete, imported from
 * the old records) and the current cycle with this year's training, so progress pages, reports and
 * certificates have something real to show. Deterministic: the same teachers get the same hours.
 */
export async function seedDemoLedger(
  trx: Kysely<DB>,
  env: Pick<Env, 'PEIXUN_TODAY'>,
  province: { id: number; path: string; provinceId: number },
  teacherIds: number[],
  schoolOf: Map<number, { id: number; path: string }>,
): Promise<void> {
  const repo = createCreditLedgerRepository(trx);
  const year = currentYear(env);
  const now = today(env);
  const startCurrent = year - ((year - 2021) % 5);
  const spans = [
    { startYear: startCurrent - 5, endYear: startCurrent - 1 },
    { startYear: startCurrent, endYear: startCurrent + 4 },
  ];
  for (const span of spans) {
    if (await repo.overlapping(province.provinceId, span.startYear, span.endYear)) continue;
    const cycleId = await repo.insertCycle({
      provinceId: province.provinceId,
      orgUnitId: province.id,
      orgPath: province.path,
      name: `${span.startYear}—${span.endYear}年`,
      ...span,
      createdBy: null,
    });
    await repo.insertRuleVersion({ cycleId, version: 1, rules: defaultRules(span), note: '演示数据', createdBy: null });
    const past = span.endYear < year;
    const rows: NewEntry[] = [];
    teacherIds.forEach((teacherId, i) => {
      const school = schoolOf.get(teacherId)!;
      // a finished cycle: 9 in 10 teachers complete; the current one: this year's training, with a few behind
      const perYear = past ? (i % 10 === 3 ? 3 : 6) : i % 7 === 0 ? 1 : 3 + (i % 3);
      for (let y = span.startYear; y <= Math.min(span.endYear, year); y++) {
        for (let k = 0; k < perYear; k++) {
          const a = ACTIVITIES[(i + k * 2 + y) % ACTIVITIES.length]!;
          const month = 1 + ((i + k * 3) % 11);
          const occurredOn = `${y}-${String(month).padStart(2, '0')}-${String(1 + ((i + k) % 27)).padStart(2, '0')}`;
          if (occurredOn > now) continue;
          const e = {
            teacherId,
            cycleId,
            year: y,
            hours: a.hours,
            categories: a.categories,
            sourceType: past ? ('import' as const) : a.source,
            sourceRef: past ? '2021—2025 继续教育登记册' : null,
            title: a.title,
            occurredOn,
            evidenceId: null,
            evidenceRef: past ? '纸质登记册存档' : null,
            reversesId: null,
            reason: null,
          };
          rows.push({
            ...e,
            provinceId: province.provinceId,
            orgUnitId: school.id,
            orgPath: school.path,
            afterLock: false,
            idemKey: `demo:${cycleId}:${teacherId}:${y}:${k}`,
            contentHash: contentHash(e),
            createdBy: null,
          });
        }
      }
    });
    for (let i = 0; i < rows.length; i += 2_000) await repo.insertEntries(rows.slice(i, i + 2_000));
    const cycle = (await repo.cycle(cycleId))!;
    for (let i = 0; i < teacherIds.length; i += 2_000)
      await syncTeachers(trx, cycle, teacherIds.slice(i, i + 2_000), year);
  }
}
