import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** docs/manual beside the sources; the server bundle sits two folders below the root like this file. */
export const MANUAL_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/manual');

/**
 * The sections of the operator's manual, one Markdown file each in docs/manual, in the order the help
 * pages list them. The web UI links each page to its section (`/help/<slug>`).
 */
export const MANUAL_SECTIONS = [
  { slug: 'home', title: '工作台与消息', en: 'Home page and messages' },
  { slug: 'teachers', title: '教师名册', en: 'Teacher registry' },
  { slug: 'archive', title: '培训档案与个人发展规划', en: 'Training archive and development plan' },
  { slug: 'training', title: '培训项目', en: 'Training projects' },
  { slug: 'online', title: '在线学习', en: 'Online study' },
  { slug: 'online-study', title: '学习计时与进度', en: 'Study time and progress' },
  { slug: 'reflections', title: '研修心得', en: 'Reflections' },
  { slug: 'homework', title: '研修作业与班级研讨', en: 'Homework and class forums' },
  { slug: 'exams', title: '考试管理与阅卷', en: 'Exams and marking' },
  { slug: 'question-bank', title: '题库', en: 'Question banks' },
  { slug: 'exam-taking', title: '参加在线考试', en: 'Sitting an online exam' },
  { slug: 'credits', title: '学时登记', en: 'Registering hours' },
  { slug: 'verification', title: '年度验证', en: 'Annual verification' },
  { slug: 'certificates', title: '证书', en: 'Certificates' },
  { slug: 'reports', title: '统计报表', en: 'Statistics and reports' },
  { slug: 'spot-check', title: '抽测', en: 'Spot-checks' },
  { slug: 'pairs', title: '师徒结对与城乡帮扶', en: 'Mentoring pairs and school pairing' },
  { slug: 'backbone', title: '骨干教师', en: 'Backbone teachers' },
  { slug: 'publicity', title: '公示与评优表彰', en: 'Public notices, commendations and honours' },
  { slug: 'competitions', title: '评比与比赛', en: 'Competitions' },
  { slug: 'lrs-rules', title: '学时转换规则', en: 'Hour conversion rules' },
  { slug: 'lrs', title: '学习记录接口', en: 'Learning records from other platforms' },
  { slug: 'exam-results', title: '考试成绩与统计', en: 'Exam results and statistics' },
  { slug: 'accounts', title: '账号与安全', en: 'Accounts and security' },
] as const;

export type ManualSlug = (typeof MANUAL_SECTIONS)[number]['slug'];

export function isManualSlug(s: string): s is ManualSlug {
  return MANUAL_SECTIONS.some((x) => x.slug === s);
}

/** A section's Markdown, read when asked (the files are small and an edit shows at once). */
export function readManualSection(slug: ManualSlug, dir = MANUAL_DIR): string {
  return fs.readFileSync(path.join(dir, `${slug}.md`), 'utf8');
}

/** An image of the manual: only names like `teachers-list.png` in docs/manual/images, or null. */
export function manualImagePath(name: string, dir = MANUAL_DIR): string | null {
  if (!/^[a-z0-9][a-z0-9-]{0,80}\.png$/.test(name)) return null;
  const file = path.join(dir, 'images', name);
  return fs.existsSync(file) ? file : null;
}
