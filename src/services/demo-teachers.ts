import { checkCharacter } from '../domain/id-number.js';
import type { Stage } from '../domain/org-tree.js';
import type { BackboneLevel, Employment, Gender, TeacherFields } from '../domain/teacher.js';

/**
 * The demo county's teachers: plausible names, valid ID numbers of 桦甸市 (220282), stages and
 * subjects that fit each school. Deterministic, so every demo looks the same.
 */
const SURNAMES =
  '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶金崔朴';
const GIVEN = [
  '丽娜',
  '秀英',
  '海燕',
  '晓梅',
  '建华',
  '志刚',
  '玉兰',
  '春梅',
  '红霞',
  '国庆',
  '淑珍',
  '立新',
  '婷婷',
  '雪',
  '静',
  '敏',
  '磊',
  '洋',
  '丹',
  '鑫',
  '佳怡',
  '子涵',
  '雨欣',
  '明轩',
  '文博',
  '宏伟',
  '桂芝',
  '凤霞',
  '永刚',
  '晶',
];
const SUBJECTS: Record<Stage, string[]> = {
  kindergarten: ['学前教育'],
  primary: ['语文', '语文', '数学', '数学', '英语', '科学', '道德与法治', '音乐', '美术', '体育与健康', '信息技术'],
  junior: ['语文', '数学', '英语', '物理', '化学', '生物', '历史', '地理', '道德与法治', '体育与健康', '信息技术'],
  senior: ['语文', '数学', '英语', '物理', '化学', '生物', '历史', '地理', '思想政治', '体育与健康', '信息技术'],
  vocational: ['语文', '数学', '英语', '专业课', '专业课', '专业课'],
};
const TITLES = ['高级教师', '一级教师', '一级教师', '二级教师', '二级教师', '三级教师', '未定级'];

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** `count` teachers for a school of the given stages; `taken` keeps ID numbers distinct across schools. */
export function demoTeachers(
  stages: readonly Stage[],
  count: number,
  index: number,
  taken: Set<string>,
): TeacherFields[] {
  const rnd = prng(2_202_820 + index);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const out: TeacherFields[] = [];
  for (let i = 0; i < count; i++) {
    const stage = stages[i % stages.length]!;
    const gender: Gender = rnd() < (stage === 'kindergarten' ? 0.95 : 0.7) ? 'female' : 'male';
    const year = 1966 + Math.floor(rnd() * 34);
    const birth = new Date(Date.UTC(year, Math.floor(rnd() * 12), 1 + Math.floor(rnd() * 28)));
    // sequence: school index and position, odd for men and even for women
    let seq = ((index * 40 + i) % 500) * 2 + (gender === 'male' ? 1 : 0);
    const day = birth.toISOString().slice(0, 10).replace(/-/g, '');
    while (taken.has(`${day}${seq}`)) seq = (seq + 2) % 1000;
    taken.add(`${day}${seq}`);
    const first17 = `220282${day}${String(seq).padStart(3, '0')}`;
    const started = Math.min(year + 21 + Math.floor(rnd() * 4), 2026);
    const employment: Employment = rnd() < 0.85 ? 'staff' : rnd() < 0.6 ? 'special_post' : 'substitute';
    const backbone: BackboneLevel | null = rnd() < 0.12 ? pick(['school', 'county', 'county', 'city'] as const) : null;
    out.push({
      name: pick([...SURNAMES]) + pick(GIVEN),
      idType: 'resident',
      idNumber: first17 + checkCharacter(first17),
      gender,
      birthDate: birth.toISOString().slice(0, 10),
      phone: `13${4 + Math.floor(rnd() * 6)}${String(Math.floor(rnd() * 1e8)).padStart(8, '0')}`,
      stage,
      subject: pick(SUBJECTS[stage]),
      title: started > 2022 ? '未定级' : pick(TITLES),
      teachingStartYear: started,
      employment,
      headTeacher: stage !== 'kindergarten' && rnd() < 0.3,
      backboneLevel: backbone,
      subjectLeader: backbone !== null && rnd() < 0.3,
      masterTeacher: backbone === 'city' && rnd() < 0.5,
      newTeacher: started >= 2025,
    });
  }
  return out;
}
