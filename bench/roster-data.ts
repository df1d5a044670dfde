/**
 * Data for the roster benchmark (bench/roster.bench.ts): teachers of a large province with the
 * surname frequencies of China (so a search for 王 matches ~7 % of a province, as it would), and
 * the text format of `COPY teacher … FROM STDIN` for rows whose identifiers are already
 * encrypted and hashed (toColumns).
 */
import { makeIdNumber, prng } from '../test/support/roster.js';
import type { TeacherFields } from '../src/domain/teacher.js';
import type { TeacherColumns } from '../src/repositories/teacher.repository.js';

/** The most common surnames with their share of the population in per cent (census figures, rounded). */
const WEIGHTED_SURNAMES: Array<[string, number]> = [
  ['王', 7.12],
  ['李', 7.0],
  ['张', 6.68],
  ['刘', 5.38],
  ['陈', 4.53],
  ['杨', 3.08],
  ['黄', 2.24],
  ['赵', 2.21],
  ['吴', 2.05],
  ['周', 1.96],
  ['徐', 1.69],
  ['孙', 1.54],
  ['马', 1.49],
  ['朱', 1.46],
  ['胡', 1.29],
  ['郭', 1.23],
  ['何', 1.18],
  ['林', 1.13],
  ['高', 1.1],
  ['罗', 1.08],
  ['郑', 1.0],
  ['梁', 0.94],
  ['谢', 0.87],
  ['宋', 0.84],
  ['唐', 0.79],
  ['许', 0.75],
  ['韩', 0.74],
  ['冯', 0.69],
  ['邓', 0.66],
  ['曹', 0.66],
  ['彭', 0.63],
  ['曾', 0.62],
  ['肖', 0.6],
  ['田', 0.59],
  ['董', 0.56],
  ['袁', 0.55],
  ['潘', 0.55],
  ['于', 0.54],
  ['蒋', 0.53],
  ['蔡', 0.52],
  ['余', 0.51],
  ['杜', 0.5],
  ['叶', 0.48],
  ['程', 0.46],
  ['苏', 0.45],
  ['魏', 0.44],
  ['吕', 0.43],
  ['丁', 0.42],
  ['任', 0.41],
  ['沈', 0.4],
];
/** The long tail, sharing what the list above leaves (~15 %) evenly. */
const OTHER_SURNAMES =
  '姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝';
const GIVEN =
  '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬燕彩春菊凤洁梅琳素云莲真环雪荣爱妹香月媛瑞凡佳嘉琼勤珍贞莉娣叶璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓仪荷丹蓉眉君琴蕊薇菁梦岚婕馨琰韵融园艺咏卿聪澜纯悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹凝晓欢霄枫芸菲寒伊亚宜可舒影鑫磊斌鹏辉建国志新文利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋';
const STAGES: TeacherFields['stage'][] = [
  'kindergarten',
  'primary',
  'primary',
  'primary',
  'junior',
  'junior',
  'senior',
  'vocational',
];
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
const EMPLOYMENT: TeacherFields['employment'][] = ['staff', 'staff', 'staff', 'staff', 'special_post', 'substitute'];

/** Cumulative weights over all surnames: the weighted ones, then the tail evenly. */
const SURNAME_TABLE = (() => {
  const named = WEIGHTED_SURNAMES.reduce((n, [, w]) => n + w, 0);
  const tail = [...OTHER_SURNAMES].filter((c) => !WEIGHTED_SURNAMES.some(([s]) => s === c));
  const each = Math.max(0, 100 - named) / tail.length;
  const all: Array<[string, number]> = [...WEIGHTED_SURNAMES, ...tail.map((s): [string, number] => [s, each])];
  let acc = 0;
  const total = all.reduce((n, [, w]) => n + w, 0);
  return all.map(([s, w]) => [s, (acc += w) / total] as const);
})();

function surnameAt(u: number): string {
  let lo = 0;
  let hi = SURNAME_TABLE.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (SURNAME_TABLE[mid]![1] < u) lo = mid + 1;
    else hi = mid;
  }
  return SURNAME_TABLE[lo]![0];
}

/** Surnames in falling frequency, for choosing search prefixes. */
export const COMMON_SURNAMES = WEIGHTED_SURNAMES.map(([s]) => s);
export const COMMON_GIVEN = [...GIVEN.slice(0, 12)];

/**
 * Teacher `i` of a search province: checked fields as a roster row would give them. ID numbers
 * are distinct over i (region 230102, birth day and sequence spread over i) and never meet the
 * 220282 numbers of the import rosters.
 */
export function provinceTeacher(i: number, seed = 11): TeacherFields {
  const rnd = prng((seed * 2_654_435_761 + i) >>> 0);
  rnd();
  const gender = rnd() < 0.7 ? 'female' : 'male';
  const day = i % 12_000; // 1966-01-01 + up to ~33 years
  const slot = Math.floor(i / 12_000); // ≤ 499 for 6M teachers
  const birth = new Date(Date.UTC(1966, 0, 1) + day * 86_400_000);
  const idNumber = makeIdNumber('230102', birth, slot * 2, gender);
  const name =
    surnameAt(rnd()) +
    GIVEN[Math.floor(rnd() * GIVEN.length)]! +
    (rnd() < 0.65 ? GIVEN[Math.floor(rnd() * GIVEN.length)]! : '');
  const backbone = rnd();
  return {
    name,
    idType: 'resident',
    idNumber,
    gender,
    birthDate: birth.toISOString().slice(0, 10),
    phone: `1${3 + (i % 7)}${String(i % 10)}${String((i * 7_919 + 12_345) % 100_000_000).padStart(8, '0')}`,
    stage: STAGES[Math.floor(rnd() * STAGES.length)]!,
    subject: SUBJECTS[Math.floor(rnd() * SUBJECTS.length)]!,
    title: TITLES[Math.floor(rnd() * TITLES.length)]!,
    teachingStartYear: Math.min(birth.getUTCFullYear() + 22 + Math.floor(rnd() * 4), 2025),
    employment: EMPLOYMENT[Math.floor(rnd() * EMPLOYMENT.length)]!,
    headTeacher: rnd() < 0.3,
    backboneLevel: backbone < 0.06 ? 'county' : backbone < 0.08 ? 'city' : backbone < 0.085 ? 'province' : null,
    subjectLeader: rnd() < 0.03,
    masterTeacher: rnd() < 0.01,
    newTeacher: rnd() < 0.05,
  } as TeacherFields;
}

// ---------------------------------------------------------------- COPY text format

/** The teacher columns a COPY fills: everything an import writes (ids, timestamps and account links take their defaults). */
export const TEACHER_COPY_COLUMNS = [
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
  'import_id',
] as const;

export const TEACHER_COPY_SQL = `COPY teacher (${TEACHER_COPY_COLUMNS.join(', ')}) FROM STDIN`;

function field(v: string | number | boolean | Buffer | null | undefined): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'number') return String(v);
  if (Buffer.isBuffer(v)) return `\\\\x${v.toString('hex')}`;
  return v.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** One line of COPY text for a teacher row. */
export function teacherCopyLine(
  c: TeacherColumns,
  at: { provinceId: number; orgUnitId: number; orgPath: string; importId: number | null },
): string {
  return `${[
    at.provinceId,
    at.orgUnitId,
    at.orgPath,
    c.name,
    c.id_type,
    c.id_number_enc,
    c.id_number_hash,
    c.id_number_masked,
    c.gender,
    c.birth_date,
    c.phone_enc,
    c.phone_hash,
    c.phone_masked,
    c.stage,
    c.subject,
    c.title,
    c.teaching_start_year,
    c.employment,
    c.head_teacher,
    c.backbone_level,
    c.subject_leader,
    c.master_teacher,
    c.new_teacher,
    at.importId,
  ]
    .map(field)
    .join('\t')}\n`;
}
