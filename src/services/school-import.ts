import type * as XL from 'exceljs';
import ExcelJS from './excel.js';
import { AppError } from '../errors/app-error.js';
import { STAGES, type Stage } from '../domain/org-tree.js';
import {
  foldFullWidth,
  hasForbiddenChars,
  looksLikeIdNumber,
  normaliseText,
  shownValue,
  type Withheld,
} from '../domain/text.js';

/** One problem in an uploaded sheet; `code` is translated by the presenter. */
export interface ImportRowError {
  row: number;
  column: string;
  code: string;
  /** as written, shortened; hidden characters written out (⟨U+202E⟩), anything like an ID number or a mobile masked */
  value?: string;
  withheld?: Withheld;
}

/** Columns of free text: an ID number written there is refused, never stored. */
const FREE_TEXT: readonly string[] = ['name', 'township', 'address', 'contactName'];

export interface SchoolRow {
  row: number;
  name: string;
  code: string | null;
  stages: Stage[];
  township: string | null;
  address: string | null;
  contactName: string | null;
  contactPhone: string | null;
}

export const MAX_IMPORT_ROWS = 5_000;

const COLUMNS = [
  { key: 'name', zh: '学校名称', en: 'School name', required: true, max: 100, width: 30 },
  { key: 'code', zh: '学校代码', en: 'School code', required: false, max: 40, width: 16 },
  { key: 'stages', zh: '学段', en: 'Stages', required: false, max: 60, width: 18 },
  { key: 'township', zh: '所属乡镇中心校', en: 'Township centre school', required: false, max: 100, width: 20 },
  { key: 'address', zh: '地址', en: 'Address', required: false, max: 200, width: 30 },
  { key: 'contactName', zh: '联系人', en: 'Contact', required: false, max: 50, width: 12 },
  { key: 'contactPhone', zh: '联系电话', en: 'Contact phone', required: false, max: 30, width: 16 },
] as const;

type ColumnKey = (typeof COLUMNS)[number]['key'];

export const STAGE_LABELS: Record<Stage, string> = {
  kindergarten: '幼儿园',
  primary: '小学',
  junior: '初中',
  senior: '高中',
  vocational: '中职',
};
const STAGE_ALIASES: Record<string, Stage[]> = {
  ...Object.fromEntries(STAGES.map((s) => [s, [s]])),
  ...Object.fromEntries(Object.entries(STAGE_LABELS).map(([k, v]) => [v, [k as Stage]])),
  九年一贯制: ['primary', 'junior'],
  完全中学: ['junior', 'senior'],
  十二年一贯制: ['primary', 'junior', 'senior'],
  职高: ['vocational'],
  中专: ['vocational'],
  幼: ['kindergarten'],
};

/** The template users download: Chinese headers, an example row, and a drop-down for the stage column. */
export async function schoolImportTemplate(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Peixun';
  const ws = wb.addWorksheet('学校');
  ws.columns = COLUMNS.map((c) => ({ header: c.required ? `${c.zh}*` : c.zh, key: c.key, width: c.width }));
  ws.getRow(1).font = { bold: true };
  ws.addRow({
    name: '示例：桦甸市第九小学（请删除此行）',
    code: '2122000099',
    stages: '小学',
    township: '',
    address: '桦甸市××路 1 号',
    contactName: '张老师',
    contactPhone: '0432-66000000',
  });
  const options = [...Object.values(STAGE_LABELS), '九年一贯制', '完全中学'];
  for (let r = 2; r <= 2000; r++) {
    ws.getCell(`C${r}`).dataValidation = {
      type: 'list',
      allowBlank: true,
      formulae: [`"${options.join(',')}"`],
      showErrorMessage: false,
      promptTitle: '学段',
      prompt: '可选多个，用顿号分隔，如：小学、初中',
      showInputMessage: true,
    };
  }
  const help = wb.addWorksheet('说明');
  help.addRows([
    ['填写说明'],
    ['1. 带 * 的列必填；每行一所学校，第一行为表头，请勿修改表头。'],
    ['2. 学段可填：幼儿园、小学、初中、高中、中职、九年一贯制、完全中学；多个学段用顿号（、）或逗号分隔。'],
    ['3. 学校属于乡镇中心校时，在“所属乡镇中心校”填写中心校全称；否则留空，学校直属于本区县。'],
    ['4. 文件中任何一行有误时，整个文件都不会导入；请按错误提示修改后重新上传。'],
  ]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function cellText(v: XL.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('text' in v && typeof v.text === 'string') return v.text;
    if ('result' in v) return cellText(v.result as XL.CellValue);
    if ('error' in v) return '';
  }
  return String(v);
}

function headerKey(text: string): ColumnKey | undefined {
  const t = normaliseText(text).replace(/\*$/, '').trim().toLowerCase();
  return COLUMNS.find((c) => c.zh === t || c.en.toLowerCase() === t)?.key;
}

/** Reads the first worksheet; every problem is reported, nothing is thrown for bad content. */
export async function parseSchoolSheet(
  file: Buffer,
  maxBytes: number,
): Promise<{ rows: SchoolRow[]; errors: ImportRowError[] }> {
  if (file.length > maxBytes)
    throw new AppError('FILE_TOO_LARGE', { params: { max: Math.round(maxBytes / 1_048_576) } });
  const wb = new ExcelJS.Workbook();
  try {
    // exceljs' own Buffer type lags behind @types/node's
    await wb.xlsx.load(file as unknown as ArrayBuffer);
  } catch {
    return { rows: [], errors: [{ row: 0, column: '', code: 'not_xlsx' }] };
  }
  const ws = wb.worksheets[0];
  if (!ws) return { rows: [], errors: [{ row: 0, column: '', code: 'no_sheet' }] };
  const errors: ImportRowError[] = [];
  const colOf = new Map<ColumnKey, number>();
  ws.getRow(1).eachCell((cell, col) => {
    const key = headerKey(cellText(cell.value));
    if (key && !colOf.has(key)) colOf.set(key, col);
  });
  if (!colOf.has('name')) return { rows: [], errors: [{ row: 1, column: 'name', code: 'missing_header' }] };
  if (ws.rowCount - 1 > MAX_IMPORT_ROWS)
    return { rows: [], errors: [{ row: 0, column: '', code: 'too_many_rows', value: String(MAX_IMPORT_ROWS) }] };

  const rows: SchoolRow[] = [];
  const seenNames = new Map<string, number>();
  const seenCodes = new Map<string, number>();
  for (let r = 2; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const raw = {} as Record<ColumnKey, string>;
    let empty = true;
    for (const c of COLUMNS) {
      const col = colOf.get(c.key);
      const text = col ? cellText(row.getCell(col).value) : '';
      if (hasForbiddenChars(text.trim())) {
        errors.push({ row: r, column: c.key, code: 'bad_chars', ...shownValue(text.trim()) });
      } else if (FREE_TEXT.includes(c.key) && looksLikeIdNumber(foldFullWidth(text))) {
        errors.push({ row: r, column: c.key, code: 'id_number_in_text', ...shownValue(text.trim()) });
      }
      raw[c.key] = normaliseText(text);
      if (raw[c.key]) empty = false;
    }
    if (empty) continue;
    let ok = true;
    for (const c of COLUMNS) {
      if (c.required && !raw[c.key]) {
        errors.push({ row: r, column: c.key, code: 'required' });
        ok = false;
      }
      if (raw[c.key].length > c.max) {
        errors.push({ row: r, column: c.key, code: 'too_long', value: String(c.max) });
        ok = false;
      }
    }
    const code = foldFullWidth(raw.code).replace(/\s+/g, '') || null;
    const phone = foldFullWidth(raw.contactPhone) || null;
    if (phone && !/^[0-9+\-() ]{5,30}$/.test(phone)) {
      errors.push({ row: r, column: 'contactPhone', code: 'invalid_phone', ...shownValue(phone) });
      ok = false;
    }
    const stages = new Set<Stage>();
    for (const part of raw.stages.split(/[、,，;；/\s]+/).filter(Boolean)) {
      const found = STAGE_ALIASES[part] ?? STAGE_ALIASES[part.toLowerCase()];
      if (!found) {
        errors.push({ row: r, column: 'stages', code: 'unknown_stage', ...shownValue(part) });
        ok = false;
      } else found.forEach((s) => stages.add(s));
    }
    const nameKey = `${raw.township}\u0000${raw.name}`;
    if (raw.name && seenNames.has(nameKey)) {
      errors.push({ row: r, column: 'name', code: 'duplicate_in_file', value: String(seenNames.get(nameKey)) });
      ok = false;
    }
    if (code && seenCodes.has(code)) {
      errors.push({ row: r, column: 'code', code: 'duplicate_in_file', value: String(seenCodes.get(code)) });
      ok = false;
    }
    seenNames.set(nameKey, r);
    if (code) seenCodes.set(code, r);
    if (ok) {
      rows.push({
        row: r,
        name: raw.name,
        code,
        stages: STAGES.filter((s) => stages.has(s)),
        township: raw.township || null,
        address: raw.address || null,
        contactName: raw.contactName || null,
        contactPhone: phone,
      });
    }
  }
  if (rows.length === 0 && errors.length === 0) errors.push({ row: 0, column: '', code: 'empty_sheet' });
  return { rows, errors };
}
