import ExcelJS from '../../src/services/excel.js';
import { checkCharacter } from '../../src/domain/id-number.js';

/**
 * Realistic roster data for tests and benchmarks: valid resident ID numbers (GB 11643) and
 * Chinese names, deterministic for a seed.
 */

const SURNAMES =
  '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文';
const GIVEN =
  '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹香月莺媛瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽';
const STAGES = ['幼儿园', '小学', '小学', '小学', '初中', '初中', '高中', '中职'];
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
const EMPLOYMENT = ['在编', '在编', '在编', '在编', '特岗', '代课'];
const TITLES = ['高级教师', '一级教师', '一级教师', '二级教师', '二级教师', '三级教师', '未定级'];

/** A small fast deterministic PRNG (mulberry32). */
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

/** A valid resident ID number: region, birth date, a sequence whose parity is the gender, check character. */
export function makeIdNumber(region: string, birth: Date, sequence: number, gender: 'male' | 'female'): string {
  let seq = sequence % 1000;
  if ((seq % 2 === 1) !== (gender === 'male')) seq = (seq + 1) % 1000;
  const first17 = `${region}${birth.toISOString().slice(0, 10).replace(/-/g, '')}${String(seq).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
}

export interface RosterPerson {
  name: string;
  idNumber: string;
  gender: 'male' | 'female';
  birthDate: string;
  phone: string;
  stage: string;
  subject: string;
  title: string;
  teachingStartYear: number;
  employment: string;
  headTeacher: string;
  backbone: string;
  school?: string;
}

/**
 * `count` distinct people; the index makes each ID number unique (birth date and sequence are
 * spread over it), the seed makes names and attributes vary.
 */
export function makeRoster(
  count: number,
  opts: { seed?: number; region?: string; offset?: number; school?: (i: number) => string } = {},
): RosterPerson[] {
  const rnd = prng(opts.seed ?? 1);
  const region = opts.region ?? '220282';
  const out: RosterPerson[] = [];
  const start = opts.offset ?? 0;
  for (let k = 0; k < count; k++) {
    const i = start + k;
    const gender = rnd() < 0.7 ? 'female' : 'male';
    // 1960-01-01 + (i / 1000) days: 1000 sequences a day keep every number distinct
    const birth = new Date(Date.UTC(1972, 0, 1) + ((Math.floor(i / 500) * 86_400_000) % (40 * 365 * 86_400_000)));
    const seqBase = (i % 500) * 2;
    const idNumber = makeIdNumber(region, birth, seqBase, gender);
    const surname = SURNAMES[Math.floor(rnd() * SURNAMES.length)]!;
    const given =
      GIVEN[Math.floor(rnd() * GIVEN.length)]! + (rnd() < 0.6 ? GIVEN[Math.floor(rnd() * GIVEN.length)]! : '');
    const year = birth.getUTCFullYear() + 22 + Math.floor(rnd() * 4);
    out.push({
      name: surname + given,
      idNumber,
      gender,
      birthDate: birth.toISOString().slice(0, 10),
      phone: `13${String(Math.floor(rnd() * 10))}${String(10_000_000 + ((i * 7919) % 90_000_000)).padStart(8, '0')}`,
      stage: STAGES[Math.floor(rnd() * STAGES.length)]!,
      subject: SUBJECTS[Math.floor(rnd() * SUBJECTS.length)]!,
      title: TITLES[Math.floor(rnd() * TITLES.length)]!,
      teachingStartYear: Math.min(year, 2025),
      employment: EMPLOYMENT[Math.floor(rnd() * EMPLOYMENT.length)]!,
      headTeacher: rnd() < 0.3 ? '是' : '否',
      backbone: rnd() < 0.1 ? '县级' : '无',
      ...(opts.school ? { school: opts.school(i) } : {}),
    });
  }
  return out;
}

export const ROSTER_HEADERS = [
  '姓名',
  '证件号码',
  '性别',
  '出生日期',
  '手机号码',
  '学校',
  '学段',
  '任教学科',
  '职称',
  '任教起始年份',
  '用工类型',
  '班主任',
  '骨干教师',
];

function rowOf(p: RosterPerson): Array<string | number> {
  return [
    p.name,
    p.idNumber,
    p.gender === 'male' ? '男' : '女',
    p.birthDate,
    p.phone,
    p.school ?? '',
    p.stage,
    p.subject,
    p.title,
    p.teachingStartYear,
    p.employment,
    p.headTeacher,
    p.backbone,
  ];
}

/** The roster as an .xlsx file (streamed writer: fine for 100k rows). */
export async function rosterXlsx(
  people: RosterPerson[],
  opts: { extraRows?: Array<Array<string | number | Date | null>> } = {},
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const { PassThrough } = await import('node:stream');
  const out = new PassThrough();
  out.on('data', (c: Buffer) => chunks.push(c));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
  const ws = wb.addWorksheet('教师名册');
  ws.addRow(ROSTER_HEADERS).commit();
  for (const p of people) ws.addRow(rowOf(p)).commit();
  for (const r of opts.extraRows ?? []) ws.addRow(r).commit();
  ws.commit();
  await wb.commit();
  return Buffer.concat(chunks);
}

/** The roster as CSV text (for encoding tests). */
export function rosterCsv(people: RosterPerson[]): string {
  const esc = (v: string | number) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return `${[ROSTER_HEADERS, ...people.map(rowOf)].map((r) => r.map(esc).join(',')).join('\r\n')}\r\n`;
}
