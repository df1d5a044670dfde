/**
 * The teacher record: its fields, their Chinese labels, and the rules a value must meet.
 * Pure: used by the form API and by the roster import alike, so both refuse the same things
 * with the same problem codes.
 */
import { STAGES, type Stage } from './org-tree.js';
import { maskBirthDate, normaliseIdNumber, validateIdNumber, type IdNumberProblem } from './id-number.js';
import { foldFullWidth, hasForbiddenChars } from './text.js';

export const ID_TYPES = ['resident', 'hk_macao', 'taiwan', 'passport', 'other'] as const;
export type IdType = (typeof ID_TYPES)[number];
export const ID_TYPE_LABELS: Record<IdType, string> = {
  resident: '居民身份证',
  hk_macao: '港澳居民来往内地通行证',
  taiwan: '台湾居民来往大陆通行证',
  passport: '护照',
  other: '其他证件',
};

export const EMPLOYMENTS = ['staff', 'special_post', 'substitute'] as const;
export type Employment = (typeof EMPLOYMENTS)[number];
export const EMPLOYMENT_LABELS: Record<Employment, string> = {
  staff: '在编',
  special_post: '特岗',
  substitute: '代课',
};

export const BACKBONE_LEVELS = ['school', 'county', 'city', 'province'] as const;
export type BackboneLevel = (typeof BACKBONE_LEVELS)[number];
export const BACKBONE_LABELS: Record<BackboneLevel, string> = {
  school: '校级',
  county: '县级',
  city: '市级',
  province: '省级',
};

export const STAGE_LABELS: Record<Stage, string> = {
  kindergarten: '幼儿园',
  primary: '小学',
  junior: '初中',
  senior: '高中',
  vocational: '中职',
};

export const GENDERS = ['male', 'female'] as const;
export type Gender = (typeof GENDERS)[number];
export const GENDER_LABELS: Record<Gender, string> = { male: '男', female: '女' };

/** Titles (职称) offered in forms and the template; other values are accepted as typed. */
export const TITLE_SUGGESTIONS = ['正高级教师', '高级教师', '一级教师', '二级教师', '三级教师', '未定级'] as const;
export const SUBJECT_SUGGESTIONS = [
  '语文',
  '数学',
  '英语',
  '物理',
  '化学',
  '生物',
  '历史',
  '地理',
  '道德与法治',
  '思想政治',
  '科学',
  '信息技术',
  '音乐',
  '美术',
  '体育与健康',
  '心理健康',
  '劳动',
  '综合实践',
  '学前教育',
  '特殊教育',
  '专业课',
] as const;

export const FLAGS = ['headTeacher', 'subjectLeader', 'masterTeacher', 'newTeacher'] as const;
export type Flag = (typeof FLAGS)[number];

/** Everything a teacher record holds apart from where and who created it. */
export interface TeacherFields {
  name: string;
  idType: IdType;
  /** normalised: upper case, half-width */
  idNumber: string;
  gender: Gender | null;
  birthDate: string | null; // YYYY-MM-DD
  phone: string | null;
  stage: Stage;
  subject: string | null;
  title: string | null;
  teachingStartYear: number | null;
  employment: Employment;
  headTeacher: boolean;
  backboneLevel: BackboneLevel | null;
  subjectLeader: boolean;
  masterTeacher: boolean;
  newTeacher: boolean;
}

/** Problem codes, translated in the UI and in import reports. */
export type TeacherProblem =
  | `id_${IdNumberProblem}`
  | 'id_blank'
  | 'id_too_long'
  | 'id_characters_other'
  | 'name_blank'
  | 'name_too_long'
  | 'name_characters'
  | 'gender_mismatch'
  | 'birth_date_mismatch'
  | 'birth_date_invalid'
  | 'phone_invalid'
  | 'teaching_start_year_invalid'
  | 'text_too_long'
  | 'bad_chars';

/*
 * Names: Chinese characters of every CJK block (𠮷 is in Extension B), Latin letters for names
 * written in them, spaces, and the middle dot of minority and foreign names. The look-alike dots
 * people type (・ • ‧ ． ﹒ ･ ·) are folded to U+00B7.
 */
const DOTS = /[\u30fb\u2022\u2027\uff0e\ufe52\uff65\u0387\u2219\u22c5]/g;
const NAME = /^[\p{Script=Han}\p{Script=Latin}\u00b7 '-]+$/u;

export function normaliseName(raw: string): string {
  return foldFullWidth(raw.normalize('NFC')).replace(DOTS, '·').replace(/\s+/g, ' ').replace(/ ?· ?/g, '·').trim();
}

export function nameProblem(name: string): TeacherProblem | null {
  if (hasForbiddenChars(name)) return 'bad_chars';
  if (name.length === 0) return 'name_blank';
  if ([...name].length > 50) return 'name_too_long';
  if (!NAME.test(name) || /^[·'\- ]|[·'\- ]$/.test(name)) return 'name_characters';
  return null;
}

/** An identity document number checked by its type; for resident ID cards the GB 11643 facts too. */
export function checkIdNumber(
  idType: IdType,
  raw: string,
  today: Date = new Date(),
):
  | { ok: true; idNumber: string; gender: Gender | null; birthDate: string | null }
  | { ok: false; problem: TeacherProblem } {
  const id =
    idType === 'resident'
      ? normaliseIdNumber(raw)
      : foldFullWidth(raw.normalize('NFC')).replace(/\s+/g, '').toUpperCase();
  if (id.length === 0) return { ok: false, problem: 'id_blank' };
  if (idType === 'resident') {
    const r = validateIdNumber(id, today);
    if (!r.ok) return { ok: false, problem: `id_${r.problem}` };
    return { ok: true, idNumber: id, gender: r.facts.gender, birthDate: r.facts.birthDate };
  }
  if (id.length > 30) return { ok: false, problem: 'id_too_long' };
  if (!/^[A-Z0-9()-]{5,30}$/.test(id)) return { ok: false, problem: 'id_characters_other' };
  return { ok: true, idNumber: id, gender: null, birthDate: null };
}

/** Mobile (1xxxxxxxxxx, optional +86) or landline with area code; returns the stored form. */
export function normalisePhone(raw: string): string | null {
  const s = foldFullWidth(raw.normalize('NFC'))
    .trim()
    .replace(/[\s\u00a0]/g, '');
  const mobile = s.replace(/^(\+?86)/, '').replace(/-/g, '');
  if (/^1[3-9][0-9]{9}$/.test(mobile)) return mobile;
  if (/^0[0-9]{2,3}-?[0-9]{7,8}(-[0-9]{1,6})?$/.test(s)) return s;
  return null;
}

/** Whole years between the start of teaching and `on` (R-14: all-staff training needs at least one). */
export function yearsOfService(teachingStartYear: number | null, on: Date): number | null {
  return teachingStartYear === null ? null : on.getUTCFullYear() - teachingStartYear;
}

export function isStage(s: string): s is Stage {
  return (STAGES as readonly string[]).includes(s);
}

/** What is compared to tell "unchanged" from "update": identifiers by their lookup hash, shown masked. */
export type ComparableTeacher = Omit<TeacherFields, 'idNumber' | 'phone'> & {
  phoneHash: string | null;
  phoneMasked: string | null;
};

export const COMPARED_FIELDS = [
  'name',
  'idType',
  'gender',
  'birthDate',
  'stage',
  'subject',
  'title',
  'teachingStartYear',
  'employment',
  'headTeacher',
  'backboneLevel',
  'subjectLeader',
  'masterTeacher',
  'newTeacher',
] as const satisfies ReadonlyArray<keyof ComparableTeacher>;

/**
 * Field-by-field changes between two records; a phone change is reported masked and a birth date
 * by its year only (`maskBirthDate`), as the audit log and import reports show them beside the
 * masked ID number.
 */
export function diffTeacher(
  before: ComparableTeacher,
  after: ComparableTeacher,
): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const f of COMPARED_FIELDS) if (before[f] !== after[f]) out[f] = { from: before[f], to: after[f] };
  if (out['birthDate']) {
    out['birthDate'] = { from: maskBirthDate(before.birthDate), to: maskBirthDate(after.birthDate) };
  }
  if (before.phoneHash !== after.phoneHash) out['phone'] = { from: before.phoneMasked, to: after.phoneMasked };
  return out;
}
