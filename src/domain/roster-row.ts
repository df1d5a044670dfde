/**
 * One row of a teacher roster as people fill it in Excel, into a checked teacher record.
 * Every problem of the row is reported (not just the first), each with its column and a code
 * the UI translates. Pure: cells arrive as the spreadsheet reader gives them.
 */
import { maskEnds, maskTypedIdNumber } from './id-number.js';
import { STAGES, type Stage } from './org-tree.js';
import {
  BACKBONE_LEVELS,
  EMPLOYMENTS,
  ID_TYPES,
  checkIdNumber,
  nameProblem,
  normaliseName,
  normalisePhone,
  type BackboneLevel,
  type Employment,
  type Gender,
  type IdType,
  type TeacherFields,
} from './teacher.js';
import { foldFullWidth, hasForbiddenChars, looksLikeIdNumber, shownValue, unseenChars, type Withheld } from './text.js';

export { shownValue };

export type Cell = string | number | boolean | Date | null | undefined;

export const ROSTER_COLUMNS = [
  { key: 'name', zh: '姓名', en: 'Name', required: true, aliases: ['教师姓名', '名字'], width: 12 },
  { key: 'idType', zh: '证件类型', en: 'ID type', required: false, aliases: ['身份证件类型'], width: 14 },
  {
    key: 'idNumber',
    zh: '证件号码',
    en: 'ID number',
    required: true,
    aliases: ['身份证号', '身份证号码', '公民身份号码', '身份证件号码', '证件号'],
    width: 22,
  },
  { key: 'gender', zh: '性别', en: 'Gender', required: false, aliases: [], width: 8 },
  { key: 'birthDate', zh: '出生日期', en: 'Birth date', required: false, aliases: ['出生年月日', '生日'], width: 12 },
  {
    key: 'phone',
    zh: '手机号码',
    en: 'Phone',
    required: false,
    aliases: ['手机号', '手机', '联系电话', '电话'],
    width: 15,
  },
  {
    key: 'school',
    zh: '学校',
    en: 'School',
    required: false,
    aliases: ['学校名称', '所在学校', '任教学校', '单位', '学校代码'],
    width: 24,
  },
  { key: 'stage', zh: '学段', en: 'Stage', required: true, aliases: ['任教学段'], width: 10 },
  { key: 'subject', zh: '任教学科', en: 'Subject', required: false, aliases: ['学科'], width: 12 },
  { key: 'title', zh: '职称', en: 'Title', required: false, aliases: ['专业技术职务'], width: 12 },
  {
    key: 'teachingStartYear',
    zh: '任教起始年份',
    en: 'Teaching since',
    required: false,
    aliases: ['参加工作年份', '教龄起始年份', '从教年份'],
    width: 14,
  },
  {
    key: 'employment',
    zh: '用工类型',
    en: 'Employment',
    required: true,
    aliases: ['用工性质', '编制类型', '编制'],
    width: 10,
  },
  { key: 'headTeacher', zh: '班主任', en: 'Head teacher', required: false, aliases: ['是否班主任'], width: 8 },
  {
    key: 'backboneLevel',
    zh: '骨干教师',
    en: 'Backbone level',
    required: false,
    aliases: ['骨干教师级别', '骨干级别'],
    width: 10,
  },
  {
    key: 'subjectLeader',
    zh: '学科带头人',
    en: 'Subject leader',
    required: false,
    aliases: ['是否学科带头人'],
    width: 10,
  },
  { key: 'masterTeacher', zh: '名师', en: 'Master teacher', required: false, aliases: ['是否名师'], width: 8 },
  {
    key: 'newTeacher',
    zh: '新入职',
    en: 'New teacher',
    required: false,
    aliases: ['是否新入职', '新入职教师'],
    width: 8,
  },
] as const;

export type RosterColumnKey = (typeof ROSTER_COLUMNS)[number]['key'];
export type RawRosterRow = Partial<Record<RosterColumnKey, Cell>>;

export interface RowError {
  row: number;
  column: RosterColumnKey | 'file';
  code: string;
  /** the offending value, shortened, never an identifier in full; hidden characters written out as ⟨U+202E⟩ */
  value?: string;
  /** the value held something that looks like an ID number or a mobile number, shown masked */
  withheld?: Withheld;
  /** for an unknown school: the closest school names the uploader may mean */
  suggestions?: string[];
  /** for a repeated ID number: the row where it first appears */
  otherRow?: number;
}

/** A row's problems, with what the file-wide checks (school, repeated ID number) still need. */
export interface RowProblems {
  ok: false;
  errors: RowError[];
  /** the normalised ID number when it is valid, so a repeat in the file is found anyway */
  idNumber: string | null;
  school: string | null;
}

export interface CheckedRow {
  row: number;
  fields: TeacherFields;
  /** school name or code as written, when the column is there */
  school: string | null;
}

const headerKey = (h: string) =>
  foldFullWidth(h.normalize('NFC'))
    .replace(/[*＊\s:：()（）]/g, '')
    .toLowerCase();
const HEADERS = new Map<string, RosterColumnKey>();
for (const c of ROSTER_COLUMNS) for (const h of [c.zh, c.en, c.key, ...c.aliases]) HEADERS.set(headerKey(h), c.key);

/** The column a header cell names, if any (tolerates *, spaces, full width, English). */
export function columnOfHeader(header: string): RosterColumnKey | undefined {
  return HEADERS.get(headerKey(header));
}

function text(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  // a line break or tab inside a cell (Excel's _x000D_) reads as a space
  const s = foldFullWidth(String(v).normalize('NFC'))
    .replace(/[\t\r\n]+/g, ' ')
    .trim();
  // the quote our exports put before = + - @ so spreadsheets show it as text, not a formula
  return /^'[=+\-@]/.test(s) ? s.slice(1) : s;
}

const TRUE = new Set(['是', 'y', 'yes', 'true', '1', '√', '✓', '✔', '有']);
const FALSE = new Set(['否', 'n', 'no', 'false', '0', '×', '✗', '无', '不是', '']);

function yesNo(v: Cell): boolean | null {
  if (typeof v === 'boolean') return v;
  const t = text(v).toLowerCase();
  if (TRUE.has(t)) return true;
  if (FALSE.has(t)) return false;
  return null;
}

const STAGE_WORDS: Record<string, Stage> = {
  幼儿园: 'kindergarten',
  学前: 'kindergarten',
  学前教育: 'kindergarten',
  幼教: 'kindergarten',
  小学: 'primary',
  初中: 'junior',
  初级中学: 'junior',
  高中: 'senior',
  普通高中: 'senior',
  高级中学: 'senior',
  中职: 'vocational',
  职高: 'vocational',
  中专: 'vocational',
  职业高中: 'vocational',
  中等职业学校: 'vocational',
};
function stageOf(v: Cell): Stage | null {
  const t = text(v);
  if ((STAGES as readonly string[]).includes(t.toLowerCase())) return t.toLowerCase() as Stage;
  return STAGE_WORDS[t] ?? null;
}

const EMPLOYMENT_WORDS: Record<string, Employment> = {
  在编: 'staff',
  编制内: 'staff',
  在编教师: 'staff',
  正式: 'staff',
  公办: 'staff',
  特岗: 'special_post',
  特岗教师: 'special_post',
  特设岗位: 'special_post',
  代课: 'substitute',
  代课教师: 'substitute',
  临聘: 'substitute',
  临时代课: 'substitute',
};
function employmentOf(v: Cell): Employment | null {
  const t = text(v);
  if ((EMPLOYMENTS as readonly string[]).includes(t.toLowerCase())) return t.toLowerCase() as Employment;
  return EMPLOYMENT_WORDS[t] ?? null;
}

function idTypeOf(v: Cell): IdType | null {
  const t = text(v);
  if (t === '') return 'resident';
  if ((ID_TYPES as readonly string[]).includes(t.toLowerCase())) return t.toLowerCase() as IdType;
  if (/身份证/.test(t)) return 'resident';
  if (/港澳/.test(t)) return 'hk_macao';
  if (/台湾|台胞/.test(t)) return 'taiwan';
  if (/护照|passport/i.test(t)) return 'passport';
  if (/其他|其它/.test(t)) return 'other';
  return null;
}

function genderOf(v: Cell): Gender | null | 'invalid' {
  const t = text(v).toLowerCase();
  if (t === '') return null;
  if (t === '男' || t === 'm' || t === 'male') return 'male';
  if (t === '女' || t === 'f' || t === 'female') return 'female';
  return 'invalid';
}

function backboneOf(v: Cell): BackboneLevel | null | 'invalid' {
  const t = text(v);
  if (t === '' || FALSE.has(t.toLowerCase())) return null;
  if ((BACKBONE_LEVELS as readonly string[]).includes(t.toLowerCase())) return t.toLowerCase() as BackboneLevel;
  if (/省/.test(t)) return 'province';
  if (/[市州]/.test(t)) return 'city';
  if (/[县区旗]/.test(t)) return 'county';
  if (/校/.test(t)) return 'school';
  return 'invalid';
}

const realDate = (y: number, m: number, d: number) => {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
};
const iso = (y: number, m: number, d: number) =>
  `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

/**
 * A date as Excel gives it: a Date, a serial number (days since 1899-12-30), or text in the
 * forms people type (1985-03-12, 1985/3/12, 1985.3.12, 19850312, 1985年3月12日).
 */
export function parseDateCell(v: Cell): string | null | 'invalid' {
  if (v === null || v === undefined || v === '') return null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'invalid' : v.toISOString().slice(0, 10);
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= 19000101 && v <= 21001231) return parseDateCell(String(v));
    if (v < 1 || v > 80_000) return 'invalid';
    return new Date(Math.round((v - 25_569) * 86_400_000)).toISOString().slice(0, 10);
  }
  const t = text(v);
  const m = t.match(/^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/) ?? t.match(/^(\d{4})(\d{2})(\d{2})$/);
  if (!m) return 'invalid';
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return realDate(y, mo, d) && y >= 1900 ? iso(y, mo, d) : 'invalid';
}

function yearOf(v: Cell, today: Date): number | null | 'invalid' {
  if (v === null || v === undefined || v === '') return null;
  let y: number;
  if (v instanceof Date) y = v.getUTCFullYear();
  else {
    const t = text(v).replace(/年$/, '');
    if (!/^\d{4}$/.test(t)) return 'invalid';
    y = Number(t);
  }
  return y >= 1950 && y <= today.getUTCFullYear() ? y : 'invalid';
}

const shown = (v: Cell) => shownValue(typeof v === 'string' ? v : text(v));
/** Identifier columns never quote their cell back: only the characters that made it refused. */
const IDENTIFIERS: readonly RosterColumnKey[] = ['idNumber', 'phone'];

/** Columns of free text: an ID number written there is refused, never stored. */
const FREE_TEXT: readonly RosterColumnKey[] = ['name', 'subject', 'title', 'school'];

/**
 * Checks one roster row; `rowNo` is the spreadsheet row number users see. Every problem of the
 * row is reported: a cell with forbidden characters is reported once and its other checks
 * skipped, while the other cells are still checked.
 */
export function checkRosterRow(
  input: RawRosterRow,
  rowNo: number,
  today: Date = new Date(),
): { ok: true; row: CheckedRow } | RowProblems {
  const errors: RowError[] = [];
  const reported = new Set<RosterColumnKey>();
  const err = (column: RosterColumnKey, code: string, value?: Cell) => {
    if (reported.has(column)) return;
    errors.push({ row: rowNo, column, code, ...(value !== undefined && value !== null ? shown(value) : {}) });
  };
  /** An identifier cell is quoted back masked, never in clear; an empty one is not quoted. */
  const errMasked = (column: RosterColumnKey, code: string, typed: string, mask: (s: string) => string) => {
    if (reported.has(column)) return;
    const cell = typed.replace(/\s+/g, '');
    errors.push({ row: rowNo, column, code, ...(cell ? { value: mask(cell) } : {}) });
  };

  const raw: RawRosterRow = { ...input };
  for (const [k, v] of Object.entries(input) as Array<[RosterColumnKey, Cell]>) {
    if (typeof v !== 'string') continue;
    const typed = v.replace(/[\t\r\n]+/g, ' ');
    if (hasForbiddenChars(typed)) {
      if (IDENTIFIERS.includes(k)) errors.push({ row: rowNo, column: k, code: 'bad_chars', value: unseenChars(typed) });
      else err(k, 'bad_chars', v);
    } else if (FREE_TEXT.includes(k) && looksLikeIdNumber(foldFullWidth(v))) {
      // an identifier in a free text column: refused, and quoted back masked
      err(k, 'id_number_in_text', v);
    } else continue;
    reported.add(k);
    delete raw[k];
  }

  const name = normaliseName(text(raw.name));
  const np = nameProblem(name);
  if (np) err('name', np, raw.name);

  const idType = idTypeOf(raw.idType);
  let idNumber = '';
  let derived: { gender: Gender | null; birthDate: string | null } = { gender: null, birthDate: null };
  if (!idType) err('idType', 'invalid_choice', raw.idType);
  else if (typeof raw.idNumber === 'number' && raw.idNumber > 1e15) {
    // Excel kept an 18-digit number as a float: the last digits are already lost
    err('idNumber', 'id_stored_as_number');
  } else {
    const r = checkIdNumber(idType, text(raw.idNumber), today);
    if (!r.ok) errMasked('idNumber', r.problem, text(raw.idNumber), maskTypedIdNumber);
    else {
      idNumber = r.idNumber;
      derived = { gender: r.gender, birthDate: r.birthDate };
    }
  }

  let gender = genderOf(raw.gender);
  if (gender === 'invalid') {
    err('gender', 'invalid_choice', raw.gender);
    gender = null;
  }
  if (gender && derived.gender && gender !== derived.gender) err('gender', 'gender_mismatch', raw.gender);
  let birthDate = parseDateCell(raw.birthDate);
  if (birthDate === 'invalid') {
    err('birthDate', 'birth_date_invalid', raw.birthDate);
    birthDate = null;
  }
  if (birthDate && derived.birthDate && birthDate !== derived.birthDate)
    err('birthDate', 'birth_date_mismatch', raw.birthDate);

  let phone: string | null = null;
  const phoneText = text(raw.phone);
  if (phoneText) {
    phone = normalisePhone(phoneText);
    if (!phone) errMasked('phone', 'phone_invalid', phoneText, maskEnds);
  }

  const stage = stageOf(raw.stage);
  if (text(raw.stage) === '') err('stage', 'required');
  else if (!stage) err('stage', 'invalid_choice', raw.stage);

  const employment = employmentOf(raw.employment);
  if (text(raw.employment) === '') err('employment', 'required');
  else if (!employment) err('employment', 'invalid_choice', raw.employment);

  const subject = text(raw.subject) || null;
  if (subject && [...subject].length > 30) err('subject', 'text_too_long');
  const title = text(raw.title) || null;
  if (title && [...title].length > 30) err('title', 'text_too_long');

  const teachingStartYear = yearOf(raw.teachingStartYear, today);
  if (teachingStartYear === 'invalid') err('teachingStartYear', 'teaching_start_year_invalid', raw.teachingStartYear);

  const flags = {} as Record<'headTeacher' | 'subjectLeader' | 'masterTeacher' | 'newTeacher', boolean>;
  for (const f of ['headTeacher', 'subjectLeader', 'masterTeacher', 'newTeacher'] as const) {
    const b = yesNo(raw[f]);
    if (b === null) err(f, 'invalid_yes_no', raw[f]);
    flags[f] = b ?? false;
  }
  const backboneLevel = backboneOf(raw.backboneLevel);
  if (backboneLevel === 'invalid') err('backboneLevel', 'invalid_choice', raw.backboneLevel);

  const school = text(raw.school) || null;
  if (school && [...school].length > 100) err('school', 'text_too_long');

  if (errors.length) return { ok: false, errors, idNumber: idNumber || null, school };
  return {
    ok: true,
    row: {
      row: rowNo,
      school,
      fields: {
        name,
        idType: idType!,
        idNumber,
        gender: derived.gender ?? (gender as Gender | null),
        birthDate: derived.birthDate ?? birthDate,
        phone,
        stage: stage!,
        subject,
        title,
        teachingStartYear: teachingStartYear as number | null,
        employment: employment!,
        headTeacher: flags.headTeacher,
        backboneLevel: backboneLevel as BackboneLevel | null,
        subjectLeader: flags.subjectLeader,
        masterTeacher: flags.masterTeacher,
        newTeacher: flags.newTeacher,
      },
    },
  };
}
