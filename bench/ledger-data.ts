/**
 * Data of the credit-ledger benchmark (bench/ledger.bench.ts): an org tree, teachers, one
 * 2026–2030 cycle with the product's default rules, a ledger of hours spread over 2026–2027, and
 * the summaries the reports read, all loaded with `COPY … FROM STDIN`.
 *
 * Everything is deterministic for a scale. The per-teacher summaries (`credit_teacher_status`) and
 * per-school counters (`credit_school_summary`) are computed with the product's own engine
 * (evaluateProgress → statusRowOf → countsOf), from the very entries that are copied, with the ids
 * they get, so they equal what `syncTeachers` / `refreshCycle` would store (`peixun ledger check`
 * agrees; the county scale asserts it).
 *
 * The ledger is laid out as it grows in use: entry ids (and so the heap) follow the date the
 * hours were earned, a school's registrations of a day together, so one teacher's entries lie
 * scattered over the table rather than side by side.
 */
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DB } from '../src/db/schema.js';
import { evaluateProgress, type LedgerEntry } from '../src/domain/credit-progress.js';
import { defaultRules, type CycleRules, type SourceType, type TeacherFlag } from '../src/domain/cycle-rules.js';
import { checkCharacter, maskIdNumber, maskPhone } from '../src/domain/id-number.js';
import type { CycleRow, SummaryCounts, TeacherFactsRow } from '../src/repositories/credit-ledger.repository.js';
import { createOrgUnitRepository, type OrgUnitRow } from '../src/repositories/org-unit.repository.js';
import { addCounts, countsOf, statusRowOf, ZERO_COUNTS } from '../src/services/credit-summary.js';

// ---------------------------------------------------------------- scales

export type ScaleName = 'county' | 'province';

export interface ScaleSpec {
  name: ScaleName;
  cities: number;
  counties: number;
  schools: number;
  teachers: number;
  entries: number;
  /** teachers of school 0 (the verification and certificate school) */
  bigSchoolTeachers: number;
}

export const SCALES: Record<ScaleName, ScaleSpec> = {
  county: {
    name: 'county',
    cities: 1,
    counties: 1,
    schools: 100,
    teachers: 10_000,
    entries: 200_000,
    bigSchoolTeachers: 500,
  },
  province: {
    name: 'province',
    cities: 16,
    counties: 100,
    schools: 10_000,
    teachers: 1_000_000,
    entries: 20_000_000,
    bigSchoolTeachers: 500,
  },
};

/** The day the server takes as today (PEIXUN_TODAY): 2026 is past, 2027 nearly over. */
export const TODAY = '2027-11-20';
export const AS_OF_YEAR = 2027;
export const CYCLE_SPAN = { startYear: 2026, endYear: 2030 } as const;
export const CYCLE_NAME = '2026—2030年继续教育周期';

const DAY_MS = 86_400_000;
const DAY0 = Date.UTC(CYCLE_SPAN.startYear, 0, 1);
/** index of TODAY counted from 2026-01-01 (688) */
export const LAST_DAY = Math.round((Date.parse(`${TODAY}T00:00:00Z`) - DAY0) / DAY_MS);
const DATES = Array.from({ length: LAST_DAY + 1 }, (_, d) => new Date(DAY0 + d * DAY_MS).toISOString().slice(0, 10));
const YEAR_OF_DAY = DATES.map((d) => Number(d.slice(0, 4)));

// ---------------------------------------------------------------- deterministic randomness

/** mulberry32: small, fast, deterministic */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A table of cumulative weights, and a pick from it for a uniform u in [0, 1). */
function weighted<T>(pairs: Array<[T, number]>): (u: number) => T {
  const total = pairs.reduce((n, [, w]) => n + w, 0);
  let acc = 0;
  const cum = pairs.map(([v, w]) => [v, (acc += w) / total] as const);
  return (u) => {
    for (const [v, c] of cum) if (u < c) return v;
    return cum[cum.length - 1]![0];
  };
}

// ---------------------------------------------------------------- org tree and cycle

export interface School {
  id: number;
  path: string;
  county: number;
}

export interface Tree {
  province: OrgUnitRow;
  cities: OrgUnitRow[];
  counties: OrgUnitRow[];
  /** school s belongs to county s % counties */
  schools: School[];
  /** school 0: exactly `bigSchoolTeachers` teachers */
  bigSchool: OrgUnitRow;
}

export async function buildTree(db: Kysely<DB>, spec: ScaleSpec): Promise<Tree> {
  const units = createOrgUnitRepository(db);
  const province = await units.insert(
    { parentId: null, kind: 'province', name: '黑龙江省', divisionCode: '230000', code: '230000' },
    null,
  );
  const cities: OrgUnitRow[] = [];
  for (let c = 0; c < spec.cities; c++)
    cities.push(
      await units.insert({ parentId: province.id, kind: 'city', name: `第${c + 1}市`, code: `C${c + 1}` }, province),
    );
  const counties: OrgUnitRow[] = [];
  for (let k = 0; k < spec.counties; k++) {
    const city = cities[k % spec.cities]!;
    counties.push(
      await units.insert(
        {
          parentId: city.id,
          kind: 'county',
          name: `${city.name}第${Math.floor(k / spec.cities) + 1}县`,
          code: `K${k + 1}`,
        },
        city,
      ),
    );
  }
  const parent: number[] = [];
  const parentPath: string[] = [];
  const names: string[] = [];
  const codes: string[] = [];
  for (let s = 0; s < spec.schools; s++) {
    const county = counties[s % spec.counties]!;
    const n = Math.floor(s / spec.counties) + 1;
    parent.push(county.id);
    parentPath.push(county.path);
    names.push(`${county.name}第${n}${['小学', '中学', '幼儿园', '实验学校'][n % 4]}`);
    codes.push(`S${s + 1}`);
  }
  // the schools in one statement, in school order: ids from the sequence, paths from their county
  await sql`
    WITH u AS (
      SELECT nextval(pg_get_serial_sequence('org_unit', 'id')) AS id, u.*
      FROM unnest(${parent}::bigint[], ${parentPath}::text[], ${names}::text[], ${codes}::text[]) WITH ORDINALITY AS u(parent_id, parent_path, name, code, n)
      ORDER BY n)
    INSERT INTO org_unit (id, parent_id, path, depth, province_id, kind, name, code)
    SELECT id, parent_id, parent_path || id || '/', ${counties[0]!.depth + 1}, ${province.id}, 'school', name, code FROM u ORDER BY n`.execute(
    db,
  );
  const rows = await db
    .selectFrom('org_unit')
    .select(['id', 'path', 'code'])
    .where('province_id', '=', province.id)
    .where('kind', '=', 'school')
    .execute();
  const byCode = new Map(rows.map((r) => [r.code!, r]));
  const schools = codes.map((code, s) => ({
    id: byCode.get(code)!.id,
    path: byCode.get(code)!.path,
    county: s % spec.counties,
  }));
  const bigSchool = (await units.findById(schools[0]!.id))!;
  return { province, cities, counties, schools, bigSchool };
}

/** The cycle as a province admin creates it: one credit_cycle row and version 1 of the default rules. */
export async function createCycle(
  db: Kysely<DB>,
  province: OrgUnitRow,
): Promise<{ cycle: CycleRow; rules: CycleRules }> {
  const rules = defaultRules(CYCLE_SPAN);
  const { id } = await db
    .insertInto('credit_cycle')
    .values({
      province_id: province.provinceId,
      org_unit_id: province.id,
      org_path: province.path,
      name: CYCLE_NAME,
      start_year: CYCLE_SPAN.startYear,
      end_year: CYCLE_SPAN.endYear,
      current_version: 1,
      created_by: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('credit_rule_version')
    .values({ cycle_id: id, version: 1, rules: JSON.stringify(rules), note: '默认规则（基准测试）', created_by: null })
    .execute();
  const cycle = await db
    .selectFrom('credit_cycle')
    .select([
      'id',
      'province_id as provinceId',
      'org_unit_id as orgUnitId',
      'org_path as orgPath',
      'name',
      'start_year as startYear',
      'end_year as endYear',
      'current_version as currentVersion',
      'created_at as createdAt',
    ])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return { cycle, rules };
}

// ---------------------------------------------------------------- teachers

/** Teacher i (id i + 1): the first `bigSchoolTeachers` in school 0, the rest spread evenly over the other schools, a school's teachers in one id range as an import leaves them. */
export function schoolOfTeacher(i: number, spec: ScaleSpec): number {
  const big = spec.bigSchoolTeachers;
  if (i < big) return 0;
  return 1 + Math.floor(((i - big) * (spec.schools - 1)) / (spec.teachers - big));
}

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN =
  '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬燕彩春菊凤洁梅琳素云莲真环雪荣爱妹香月媛瑞凡佳嘉琼勤珍贞莉娣叶璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓仪荷丹蓉眉君琴蕊薇菁梦岚婕馨琰韵融园艺咏卿聪澜纯悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹凝晓欢霄枫芸菲寒伊亚宜可舒影鑫斌鹏辉建国志新文利清飞彬富顺信子昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆民友裕河哲江浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋';
const STAGES = ['kindergarten', 'primary', 'primary', 'primary', 'junior', 'junior', 'senior', 'vocational'] as const;
const SUBJECTS = [
  '语文',
  '数学',
  '英语',
  '物理',
  '化学',
  '生物',
  '历史',
  '地理',
  '道德与法治',
  '音乐',
  '美术',
  '体育与健康',
  '信息技术',
  '科学',
];
const TITLES = ['高级教师', '一级教师', '一级教师', '二级教师', '二级教师', '三级教师', '未定级'];
const EMPLOYMENT = ['staff', 'staff', 'staff', 'staff', 'special_post', 'substitute'] as const;

export interface BenchTeacher {
  id: number;
  school: number;
  name: string;
  idNumber: string;
  gender: 'male' | 'female';
  birthDate: string;
  phone: string;
  stage: (typeof STAGES)[number];
  subject: string;
  title: string;
  teachingStartYear: number;
  employment: (typeof EMPLOYMENT)[number];
  headTeacher: boolean;
  backboneLevel: 'school' | 'county' | 'city' | 'province' | null;
  subjectLeader: boolean;
  masterTeacher: boolean;
  newTeacher: boolean;
}

/** Teacher i, deterministic: a valid resident ID number (unique for i < 6M), born 1966–1998. */
export function benchTeacher(i: number, spec: ScaleSpec): BenchTeacher {
  const rnd = prng(Math.imul(i, 2_654_435_761) ^ 0x5bd1e995);
  rnd();
  const gender = rnd() < 0.7 ? 'female' : 'male';
  const birthMs = Date.UTC(1966, 0, 1) + (i % 12_000) * DAY_MS;
  const birthDate = new Date(birthMs).toISOString().slice(0, 10);
  let seq = (Math.floor(i / 12_000) * 2) % 1000;
  if ((seq % 2 === 1) !== (gender === 'male')) seq = (seq + 1) % 1000;
  const first17 = `230102${birthDate.replace(/-/g, '')}${String(seq).padStart(3, '0')}`;
  const idNumber = first17 + checkCharacter(first17);
  const name =
    SURNAMES[Math.floor(rnd() * SURNAMES.length)]! +
    GIVEN[Math.floor(rnd() * GIVEN.length)]! +
    (rnd() < 0.65 ? GIVEN[Math.floor(rnd() * GIVEN.length)]! : '');
  const birthYear = Number(birthDate.slice(0, 4));
  // about 1 % started this year: outside this cycle's all-staff training until next year
  const teachingStartYear = rnd() < 0.01 ? AS_OF_YEAR : Math.min(birthYear + 22 + Math.floor(rnd() * 4), 2025);
  const backbone = rnd();
  return {
    id: i + 1,
    school: schoolOfTeacher(i, spec),
    name,
    idNumber,
    gender,
    birthDate,
    phone: `1${3 + (i % 7)}${i % 10}${String((i * 7_919 + 12_345) % 100_000_000).padStart(8, '0')}`,
    stage: STAGES[Math.floor(rnd() * STAGES.length)]!,
    subject: SUBJECTS[Math.floor(rnd() * SUBJECTS.length)]!,
    title: TITLES[Math.floor(rnd() * TITLES.length)]!,
    teachingStartYear,
    employment: EMPLOYMENT[Math.floor(rnd() * EMPLOYMENT.length)]!,
    headTeacher: rnd() < 0.3,
    backboneLevel: backbone < 0.06 ? 'county' : backbone < 0.08 ? 'city' : backbone < 0.085 ? 'province' : null,
    subjectLeader: rnd() < 0.03,
    masterTeacher: rnd() < 0.01,
    newTeacher: teachingStartYear >= 2024,
  };
}

/** The teacher as the engine sees it (the repository's toFacts, flag order included). */
export function factsOf(t: BenchTeacher, provinceId: number, school: School): TeacherFactsRow {
  const flags: TeacherFlag[] = [];
  if (t.headTeacher) flags.push('headTeacher');
  if (t.newTeacher) flags.push('newTeacher');
  if (t.backboneLevel) flags.push('backbone');
  if (t.subjectLeader) flags.push('subjectLeader');
  if (t.masterTeacher) flags.push('masterTeacher');
  return {
    id: t.id,
    provinceId,
    orgUnitId: school.id,
    orgPath: school.path,
    name: t.name,
    gender: t.gender,
    birthDate: t.birthDate,
    stage: t.stage,
    subject: t.subject,
    teachingStartYear: t.teachingStartYear,
    flags,
  };
}

// ---------------------------------------------------------------- entries

export const CATEGORY_CODES = [
  'ethics',
  'edu_tech',
  'student_education',
  'mental_health',
  'subject',
  'new_curriculum',
  'online',
] as const;
const pickCategory = weighted<number>([
  [0, 12],
  [1, 15],
  [2, 12],
  [3, 10],
  [4, 25],
  [5, 6],
  [6, 20],
]);
/** tenths of an hour: 2 h … 48 h, mostly a few hours (mean ≈ 9 h) */
const pickHours = weighted<number>([
  [20, 10],
  [30, 10],
  [40, 20],
  [60, 15],
  [80, 15],
  [120, 12],
  [160, 8],
  [240, 5],
  [320, 3],
  [480, 2],
]);
export const SOURCES: SourceType[] = ['project', 'course', 'school_activity', 'import', 'external'];
const pickSource = weighted<number>([
  [0, 35],
  [1, 15],
  [2, 40],
  [3, 5],
  [4, 5],
]);
const pickOnlineSource = weighted<number>([
  [1, 70],
  [4, 20],
  [0, 10],
]);

/** Sorted category codes of each bit mask (the product stores them de-duplicated and sorted). */
const CATS_OF_MASK: string[][] = Array.from({ length: 1 << CATEGORY_CODES.length }, (_, m) =>
  CATEGORY_CODES.filter((_, b) => m & (1 << b)).sort(),
);
const CATS_TEXT = CATS_OF_MASK.map((c) => `{${c.join(',')}}`);

const TITLES_BY_CATEGORY: string[][] = [
  [
    '师德师风建设专题讲座',
    '新时代中小学教师职业行为十项准则解读',
    '师德修养与教师职业道德专题培训',
    '师德典型案例研讨',
  ],
  [
    '中小学教师信息技术应用能力提升工程2.0',
    '信息技术与学科教学深度融合实践',
    '国家中小学智慧教育平台应用培训',
    '人工智能赋能课堂教学',
  ],
  ['班主任工作能力提升专题培训', '学生发展核心素养与教学评价', '家校共育与家庭教育指导', '安全教育与应急处置能力培训'],
  ['中小学心理健康教育基础', '学生心理危机识别与干预', '教师心理调适与压力管理', '心理健康教育课程设计'],
  [
    '义务教育课程方案和课程标准（2022年版）解读',
    '大单元教学设计与实施',
    '骨干教师示范课观摩与研讨',
    '教育科研方法与课题研究',
  ],
  ['新课程岗前培训', '新教师入职规范化培训', '新课标新教材岗前培训', '课堂教学基本功训练'],
  [
    '网络研修：作业设计与评价',
    '网络研修：“双减”背景下的课堂教学改革',
    '网络研修：跨学科主题学习',
    '网络研修：新时代劳动教育课程建设',
  ],
];
const SOURCE_PREFIX: Record<SourceType, string> = {
  project: 'XM',
  course: 'KC',
  school_activity: '',
  import: 'DR',
  external: 'WB',
};

/**
 * The ledger in compact form: slot k is an entry; a teacher's entries are slots
 * offsets[i] … offsets[i + 1] - 1. `order` lists the slots in id order (by day, stable), and
 * `idOf[slot]` is the entry's id.
 */
export interface Ledger {
  offsets: Int32Array;
  teacher: Int32Array;
  day: Uint16Array;
  hours: Int16Array;
  cats: Uint8Array;
  source: Uint8Array;
  title: Uint8Array;
  /** reversal slot → the slot it reverses */
  reverses: Map<number, number>;
  order: Int32Array;
  idOf: Int32Array;
}

/**
 * How many entries teacher i has: the mean (entries / teachers) ± up to 15, in pairs so the
 * total is exact. About 1.5 % of teachers have one entry reversed (its reversal is their last).
 */
export function planLedger(spec: ScaleSpec): Ledger {
  const T = spec.teachers;
  const mean = Math.floor(spec.entries / T);
  const extra = spec.entries - mean * T;
  const spread = Math.max(0, Math.min(15, mean - 1));
  const offsets = new Int32Array(T + 1);
  for (let i = 0; i < T; i++) {
    const pair = i >> 1;
    const d = (i | 1) < T ? Math.floor(prng(pair * 7_919 + 13)() * (2 * spread + 1)) - spread : 0;
    offsets[i + 1] = offsets[i]! + mean + (i < extra ? 1 : 0) + (i % 2 === 0 ? d : -d);
  }
  const E = offsets[T]!;
  if (E !== spec.entries) throw new Error(`planned ${E} entries, expected ${spec.entries}`);
  const teacher = new Int32Array(E);
  const day = new Uint16Array(E);
  const hours = new Int16Array(E);
  const cats = new Uint8Array(E);
  const source = new Uint8Array(E);
  const title = new Uint8Array(E);
  const reverses = new Map<number, number>();
  for (let i = 0; i < T; i++) {
    const rnd = prng(Math.imul(i + 1, 0x9e3779b1) ^ 0x1234567);
    const from = offsets[i]!;
    const n = offsets[i + 1]! - from;
    const withReversal = n >= 2 && rnd() < 0.015;
    const normal = withReversal ? n - 1 : n;
    for (let k = from; k < from + normal; k++) {
      teacher[k] = i;
      day[k] = Math.floor(rnd() * (LAST_DAY + 1));
      hours[k] = pickHours(rnd());
      const c = pickCategory(rnd());
      let mask = 1 << c;
      if (rnd() < 0.15) mask |= 1 << pickCategory(rnd());
      cats[k] = mask;
      source[k] = c === 6 ? pickOnlineSource(rnd()) : pickSource(rnd());
      title[k] = c * 4 + Math.floor(rnd() * 4);
    }
    if (withReversal) {
      const k = from + n - 1;
      const of = from + Math.floor(rnd() * normal);
      teacher[k] = i;
      day[k] = day[of]!;
      hours[k] = -hours[of]!;
      cats[k] = cats[of]!;
      source[k] = source[of]!;
      title[k] = title[of]!;
      reverses.set(k, of);
    }
  }
  // ids in the order of the days (a stable counting sort: within a day, school by school, and a
  // reversal after the entry it reverses)
  const perDay = new Int32Array(LAST_DAY + 2);
  for (let k = 0; k < E; k++) perDay[day[k]! + 1]!++;
  for (let d = 1; d < perDay.length; d++) perDay[d]! += perDay[d - 1]!;
  const order = new Int32Array(E);
  const idOf = new Int32Array(E);
  for (let k = 0; k < E; k++) {
    const p = perDay[day[k]!]!++;
    order[p] = k;
    idOf[k] = p + 1;
  }
  return { offsets, teacher, day, hours, cats, source, title, reverses, order, idOf };
}

/** The entries of teacher i as the engine reads them (engineEntries). */
export function engineEntriesOf(l: Ledger, i: number): LedgerEntry[] {
  const out: LedgerEntry[] = [];
  for (let k = l.offsets[i]!; k < l.offsets[i + 1]!; k++) {
    const of = l.reverses.get(k);
    out.push({
      id: l.idOf[k]!,
      year: YEAR_OF_DAY[l.day[k]!]!,
      hours: l.hours[k]!,
      categories: CATS_OF_MASK[l.cats[k]!]!,
      sourceType: SOURCES[l.source[k]!]!,
      occurredOn: DATES[l.day[k]!]!,
      reversesId: of === undefined ? null : l.idOf[of]!,
    });
  }
  return out;
}

// ---------------------------------------------------------------- COPY

const TEACHER_COLUMNS = [
  'id',
  'province_id',
  'org_unit_id',
  'org_path',
  'name',
  'id_type',
  'id_number_enc',
  'id_number_hash',
  'id_number_masked',
  'gender',
  'birth_date',
  'phone_enc',
  'phone_hash',
  'phone_masked',
  'stage',
  'subject',
  'title',
  'teaching_start_year',
  'employment',
  'head_teacher',
  'backbone_level',
  'subject_leader',
  'master_teacher',
  'new_teacher',
];
const POSTING_COLUMNS = ['id', 'teacher_id', 'province_id', 'org_unit_id', 'org_path', 'started_on'];
const ENTRY_COLUMNS = [
  'id',
  'province_id',
  'teacher_id',
  'org_unit_id',
  'org_path',
  'cycle_id',
  'year',
  'hours',
  'categories',
  'source_type',
  'source_ref',
  'title',
  'occurred_on',
  'reverses_id',
  'reason',
  'idem_key',
  'content_hash',
];
const STATUS_COLUMNS = [
  'teacher_id',
  'cycle_id',
  'province_id',
  'org_unit_id',
  'org_path',
  'rule_version',
  'as_of_year',
  'in_scope',
  'status',
  'raw_hours',
  'counted_hours',
  'entry_count',
  'year_hours',
  'minima_unmet',
];
const SUMMARY_COLUMNS = [
  'org_unit_id',
  'cycle_id',
  'province_id',
  'org_path',
  'teachers',
  'in_scope',
  'complete',
  'on_track',
  'behind',
  'at_risk',
  'raw_hours',
  'counted_hours',
  'entry_count',
  'below_yearly',
];

/** Tables the load fills; their secondary indexes are dropped for it and rebuilt from their own definitions. */
export const LOADED_TABLES = [
  'teacher',
  'teacher_posting',
  'credit_entry',
  'credit_teacher_status',
  'credit_school_summary',
] as const;

const copySql = (table: string, columns: string[], freeze: boolean) =>
  `COPY ${table} (${columns.join(', ')}) FROM STDIN${freeze ? ' WITH (FREEZE)' : ''}`;
const sha = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

/** Random bytes, handed out as hex from a pooled buffer. */
class HexPool {
  private hex = '';
  private pos = 0;
  take(bytes: number): string {
    const n = bytes * 2;
    if (this.pos + n > this.hex.length) {
      this.hex = crypto.randomBytes(1 << 20).toString('hex');
      this.pos = 0;
    }
    this.pos += n;
    return this.hex.slice(this.pos - n, this.pos);
  }
}

async function copyInto(
  client: pg.PoolClient,
  statement: string,
  chunks: () => AsyncGenerator<string> | Generator<string>,
): Promise<void> {
  async function* buffers() {
    for await (const text of chunks()) yield Buffer.from(text, 'utf8');
  }
  await pipeline(Readable.from(buffers()), client.query(copyFrom(statement)));
}

export interface LoadReport {
  teachers: number;
  entries: number;
  reversals: number;
  statusCounts: Record<string, number>;
  /** seconds of each step */
  steps: Record<string, number>;
  freeze: boolean;
  fkTriggersOff: boolean;
  indexes: string[];
  sizes: Record<string, string>;
}

/**
 * Loads teachers, postings, the ledger and both summaries with COPY, in one transaction that
 * first truncates the tables (so COPY can write the rows frozen: no hint-bit writes or vacuum of
 * 20M rows later, and no WAL on a wal_level=minimal cluster). Secondary indexes are dropped before
 * and rebuilt after; when the connection may (superuser), foreign-key triggers are off during the
 * COPY (session_replication_role = replica): the rows are valid by construction, and the county
 * scale checks the summaries with `ledger check`. Returns the time of each step.
 */
export async function loadLedger(
  pool: pg.Pool,
  spec: ScaleSpec,
  tree: Tree,
  cycle: CycleRow,
  rules: CycleRules,
  log: (line: string) => void,
): Promise<LoadReport> {
  const steps: Record<string, number> = {};
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const r = await fn();
    steps[name] = Math.round(performance.now() - t0) / 1000;
    log(`    ${name}: ${steps[name]} s`);
    return r;
  };
  const provinceId = tree.province.provinceId;
  const ledger = await timed('plan_ledger', async () => planLedger(spec));
  const client = await pool.connect();
  const statusCounts: Record<string, number> = {};
  let fkTriggersOff = false;
  let indexes: Array<{ name: string; def: string }> = [];
  try {
    await client.query(`SET maintenance_work_mem = '1GB'`);
    const schemaBefore = await indexDefinitions(client);
    const { rows } = await client.query<{ name: string; def: string }>(
      `
      SELECT indexname AS name, indexdef AS def FROM pg_indexes
       WHERE schemaname = current_schema() AND tablename = ANY($1)
         AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = ANY($2::regclass[]))
       ORDER BY tablename, indexname`,
      [LOADED_TABLES, LOADED_TABLES],
    );
    indexes = rows;
    await client.query('BEGIN');
    try {
      await client.query(`SET LOCAL session_replication_role = replica`);
      fkTriggersOff = true;
    } catch {
      await client.query('ROLLBACK');
      await client.query('BEGIN');
    }
    for (const ix of indexes) await client.query(`DROP INDEX ${ix.name}`);
    // every referencing table is empty in a fresh database (checked by the caller)
    await client.query(`TRUNCATE ${LOADED_TABLES.join(', ')} CASCADE`);
    const freeze = true;

    const hex = new HexPool();
    await timed('copy_teachers', () =>
      copyInto(client, copySql('teacher', TEACHER_COLUMNS, freeze), function* () {
        let text = '';
        for (let i = 0; i < spec.teachers; i++) {
          const t = benchTeacher(i, spec);
          const s = tree.schools[t.school]!;
          // ciphertext layout of personal-data.ts: version 1 ‖ nonce (12) ‖ ciphertext ‖ tag (16); the bench never decrypts
          text +=
            `${t.id}\t${provinceId}\t${s.id}\t${s.path}\t${t.name}\tresident\t\\\\x01${hex.take(12 + 18 + 16)}\t\\\\x${sha(`id:${t.idNumber}`)}\t${maskIdNumber(t.idNumber)}\t` +
            `${t.gender}\t${t.birthDate}\t\\\\x01${hex.take(12 + 11 + 16)}\t\\\\x${hex.take(32)}\t${maskPhone(t.phone)}\t${t.stage}\t${t.subject}\t${t.title}\t` +
            `${t.teachingStartYear}\t${t.employment}\t${t.headTeacher ? 't' : 'f'}\t${t.backboneLevel ?? '\\N'}\t${t.subjectLeader ? 't' : 'f'}\t` +
            `${t.masterTeacher ? 't' : 'f'}\t${t.newTeacher ? 't' : 'f'}\n`;
          if ((i & 4095) === 4095) {
            yield text;
            text = '';
          }
        }
        if (text) yield text;
      }),
    );

    await timed('copy_postings', () =>
      copyInto(client, copySql('teacher_posting', POSTING_COLUMNS, freeze), function* () {
        let text = '';
        for (let i = 0; i < spec.teachers; i++) {
          const t = benchTeacher(i, spec);
          const s = tree.schools[t.school]!;
          text += `${t.id}\t${t.id}\t${provinceId}\t${s.id}\t${s.path}\t${t.teachingStartYear}-09-01\n`;
          if ((i & 8191) === 8191) {
            yield text;
            text = '';
          }
        }
        if (text) yield text;
      }),
    );

    const schoolOf = new Int32Array(spec.teachers);
    for (let i = 0; i < spec.teachers; i++) schoolOf[i] = schoolOfTeacher(i, spec);
    await timed('copy_entries', () =>
      copyInto(client, copySql('credit_entry', ENTRY_COLUMNS, freeze), function* () {
        const E = ledger.order.length;
        const cycleId = cycle.id;
        let text = '';
        for (let p = 0; p < E; p++) {
          const k = ledger.order[p]!;
          const id = p + 1;
          const i = ledger.teacher[k]!;
          const s = tree.schools[schoolOf[i]!]!;
          const d = ledger.day[k]!;
          const src = SOURCES[ledger.source[k]!]!;
          const ti = ledger.title[k]!;
          const year = YEAR_OF_DAY[d]!;
          const prefix = SOURCE_PREFIX[src];
          const ref = prefix
            ? `${prefix}${year}-${String((ti * 97 + schoolOf[i]! * 13 + (d >> 3)) % 10_000).padStart(4, '0')}`
            : '\\N';
          const of = ledger.reverses.get(k);
          const rev = of === undefined ? '\\N' : String(ledger.idOf[of]!);
          text +=
            `${id}\t${provinceId}\t${i + 1}\t${s.id}\t${s.path}\t${cycleId}\t${year}\t${ledger.hours[k]!}\t${CATS_TEXT[ledger.cats[k]!]!}\t${src}\t${ref}\t` +
            `${TITLES_BY_CATEGORY[ti >> 2]![ti & 3]!}\t${DATES[d]!}\t${rev}\t${of === undefined ? '\\N' : '学时登记有误，予以冲销'}\t` +
            `${of === undefined ? `bench-${id}` : `reversal:${rev}`}\t\\\\x${hex.take(32)}\n`;
          if ((p & 8191) === 8191) {
            yield text;
            text = '';
          }
        }
        if (text) yield text;
      }),
    );

    // the summaries, by the product's engine, from the same entries and ids
    const schools = new Map<number, SummaryCounts>();
    await timed('engine_and_copy_statuses', () =>
      copyInto(client, copySql('credit_teacher_status', STATUS_COLUMNS, freeze), function* () {
        let text = '';
        for (let i = 0; i < spec.teachers; i++) {
          const t = benchTeacher(i, spec);
          const school = tree.schools[t.school]!;
          const facts = factsOf(t, provinceId, school);
          const list = engineEntriesOf(ledger, i);
          const row = statusRowOf(
            cycle,
            cycle.currentVersion,
            facts,
            evaluateProgress(rules, cycle, facts, list, AS_OF_YEAR),
            list.length,
          );
          statusCounts[row.status] = (statusCounts[row.status] ?? 0) + 1;
          schools.set(row.orgUnitId, addCounts(schools.get(row.orgUnitId) ?? ZERO_COUNTS, countsOf(row)));
          text +=
            `${row.teacherId}\t${row.cycleId}\t${row.provinceId}\t${row.orgUnitId}\t${row.orgPath}\t${row.ruleVersion}\t${row.asOfYear}\t${row.inScope ? 't' : 'f'}\t` +
            `${row.status}\t${row.rawHours}\t${row.countedHours}\t${row.entryCount}\t{${row.yearHours.join(',')}}\t${row.minimaUnmet}\n`;
          if ((i & 4095) === 4095) {
            yield text;
            text = '';
          }
        }
        if (text) yield text;
      }),
    );
    const pathOf = new Map(tree.schools.map((s) => [s.id, s.path]));
    await timed('copy_school_summaries', () =>
      copyInto(client, copySql('credit_school_summary', SUMMARY_COLUMNS, freeze), function* () {
        let text = '';
        for (const [id, c] of [...schools].sort((a, b) => a[0] - b[0])) {
          text += `${id}\t${cycle.id}\t${provinceId}\t${pathOf.get(id)!}\t${c.teachers}\t${c.inScope}\t${c.complete}\t${c.onTrack}\t${c.behind}\t${c.atRisk}\t${c.rawHours}\t${c.countedHours}\t${c.entryCount}\t${c.belowYearly}\n`;
        }
        yield text;
      }),
    );
    await timed('commit', async () => {
      await client.query('COMMIT');
    });

    await timed('create_indexes', async () => {
      for (const ix of indexes) {
        const t0 = performance.now();
        await client.query(ix.def);
        log(`      ${ix.name}: ${Math.round(performance.now() - t0) / 1000} s`);
      }
    });
    await timed('sequences_vacuum_analyze', async () => {
      for (const [table, n] of [
        ['teacher', spec.teachers],
        ['teacher_posting', spec.teachers],
        ['credit_entry', spec.entries],
      ] as const) {
        await client.query(`SELECT setval(pg_get_serial_sequence($1, 'id'), $2)`, [table, n]);
      }
      await client.query(`VACUUM (ANALYZE) ${LOADED_TABLES.join(', ')}, org_unit`);
      await client.query('CHECKPOINT');
    });
    // the schema is what it was: the same indexes with the same definitions
    const schemaAfter = await indexDefinitions(client);
    if (schemaAfter !== schemaBefore)
      throw new Error(`the indexes differ after the load:\nbefore ${schemaBefore}\nafter ${schemaAfter}`);
    const sizes: Record<string, string> = {};
    for (const table of LOADED_TABLES) {
      const r = await client.query<{ heap: string; idx: string }>(
        `SELECT pg_size_pretty(pg_table_size($1)) AS heap, pg_size_pretty(pg_indexes_size($1)) AS idx`,
        [table],
      );
      sizes[table] = `${r.rows[0]!.heap} + ${r.rows[0]!.idx} indexes`;
    }
    return {
      teachers: spec.teachers,
      entries: spec.entries,
      reversals: ledger.reverses.size,
      statusCounts,
      steps,
      freeze,
      fkTriggersOff,
      indexes: indexes.map((i) => i.name),
      sizes,
    };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

async function indexDefinitions(client: pg.PoolClient): Promise<string> {
  const { rows } = await client.query<{ d: string }>(
    `SELECT indexname || ' ' || indexdef AS d FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ANY($1) ORDER BY 1`,
    [LOADED_TABLES],
  );
  return rows.map((r) => r.d).join('\n');
}

/**
 * Every single-column foreign key of the loaded tables checked with one anti-join each (the COPY ran
 * with FK triggers off): returns the number of rows whose reference is missing, per constraint.
 */
export async function checkForeignKeys(pool: pg.Pool): Promise<Record<string, number>> {
  const { rows: fks } = await pool.query<{ name: string; tbl: string; col: string; ref: string; refcol: string }>(
    `
    SELECT c.conname AS name, c.conrelid::regclass::text AS tbl, a.attname AS col, c.confrelid::regclass::text AS ref, af.attname AS refcol
      FROM pg_constraint c
      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
      JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1]
     WHERE c.contype = 'f' AND c.conrelid = ANY($1::regclass[]) AND array_length(c.conkey, 1) = 1
     ORDER BY 1`,
    [LOADED_TABLES],
  );
  const out: Record<string, number> = {};
  for (const fk of fks) {
    const { rows } = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${fk.tbl} x WHERE x.${fk.col} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${fk.ref} r WHERE r.${fk.refcol} = x.${fk.col})`,
    );
    out[fk.name] = Number(rows[0]!.n);
  }
  return out;
}

/** Teacher indexes of a county (teacher i has id i + 1). */
export function teachersOfCounty(spec: ScaleSpec, county: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < spec.teachers; i++) if (schoolOfTeacher(i, spec) % spec.counties === county) out.push(i);
  return out;
}

/** The categories of the rules, for registrations. */
export function categoryOfIndex(k: number): string {
  return CATEGORY_CODES[k % CATEGORY_CODES.length]!;
}

export { DATES, TITLES_BY_CATEGORY };
