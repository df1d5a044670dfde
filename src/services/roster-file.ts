import { Readable, type Writable } from 'node:stream';
import type * as XL from 'exceljs';
import ExcelJS from './excel.js';
import { AppError } from '../errors/app-error.js';
import { shownValue } from '../domain/text.js';
import {
  ROSTER_COLUMNS,
  columnOfHeader,
  type Cell,
  type RawRosterRow,
  type RosterColumnKey,
} from '../domain/roster-row.js';
import {
  BACKBONE_LABELS,
  EMPLOYMENT_LABELS,
  GENDER_LABELS,
  ID_TYPE_LABELS,
  STAGE_LABELS,
  SUBJECT_SUGGESTIONS,
  TITLE_SUGGESTIONS,
} from '../domain/teacher.js';

/**
 * Roster files: reading .xlsx (streamed) and .csv (UTF-8 with or without BOM, GBK/GB18030 as
 * Chinese Excel saves it), the downloadable template, and .xlsx export. No database here.
 */

export interface RosterFile {
  sheetName: string | null;
  /** spreadsheet row number → the recognised cells of that row; blank rows are left out */
  rows: Array<{ rowNo: number; raw: RawRosterRow }>;
  /** headers that name no known column (ignored) */
  extraColumns: string[];
}

const REQUIRED: RosterColumnKey[] = ROSTER_COLUMNS.filter((c) => c.required).map((c) => c.key);

/**
 * Reads the central directory of a zip (an .xlsx) and refuses a file whose content would unpack
 * beyond `maxUnpacked` bytes, or that is cut short: both are known before anything is inflated.
 */
export function checkZip(buf: Buffer, maxUnpacked: number): void {
  const unreadable = (reason: string) => new AppError('IMPORT_FILE_UNREADABLE', { details: { reason } });
  if (buf.length < 22 || buf.readUInt32LE(0) !== 0x04034b50) throw unreadable('not_a_zip');
  // the end-of-central-directory record sits in the last 22 + 65535 bytes
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65_535); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw unreadable('truncated');
  const entries = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (cdOffset + cdSize > eocd || entries === 0xffff || cdOffset === 0xffffffff) throw unreadable('truncated');
  let total = 0;
  let p = cdOffset;
  for (let n = 0; n < entries; n++) {
    if (p + 46 > eocd || buf.readUInt32LE(p) !== 0x02014b50) throw unreadable('truncated');
    const compressed = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const localOffset = buf.readUInt32LE(p + 42);
    if (localOffset + compressed > buf.length) throw unreadable('truncated');
    total += size;
    if (total > maxUnpacked) {
      throw new AppError('IMPORT_UNPACKED_TOO_LARGE', {
        params: { mb: Math.round(maxUnpacked / 1_048_576) },
        details: { limitBytes: maxUnpacked },
      });
    }
    p += 46 + buf.readUInt16LE(p + 28) + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
}

function cellValue(v: XL.CellValue): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'object') {
    if ('richText' in v && Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return cellValue(v.result as XL.CellValue);
    if ('text' in v && typeof v.text === 'string') return v.text;
    if ('error' in v) return null;
  }
  return null;
}

/** Maps a header row to column keys; null when it is not a roster header. */
function headerMap(values: Cell[]): { map: Map<number, RosterColumnKey>; extra: string[] } | null {
  const map = new Map<number, RosterColumnKey>();
  const extra: string[] = [];
  values.forEach((v, i) => {
    if (v === null || v === undefined || v === '') return;
    const key = columnOfHeader(String(v));
    if (key && ![...map.values()].includes(key)) map.set(i, key);
    // an ignored header is kept with the upload and shown back: masked and visible like any quoted value
    else extra.push(shownValue(String(v)).value);
  });
  const keys = new Set(map.values());
  return keys.has('name') && keys.has('idNumber') ? { map, extra } : null;
}

function missingColumns(map: Map<number, RosterColumnKey>, needSchool: boolean): RosterColumnKey[] {
  const keys = new Set(map.values());
  return [...REQUIRED, ...(needSchool ? ['school' as const] : [])].filter((k) => !keys.has(k));
}

function rowOf(values: Cell[], map: Map<number, RosterColumnKey>): RawRosterRow | null {
  const raw: RawRosterRow = {};
  let any = false;
  for (const [i, key] of map) {
    const v = values[i];
    if (v !== null && v !== undefined && !(typeof v === 'string' && v.trim() === '')) any = true;
    raw[key] = v;
  }
  return any ? raw : null;
}

export interface RosterReadOptions {
  maxRows: number;
  maxUnpacked: number;
  needSchool: boolean;
  /** rows handed to the consumer at a time */
  chunkSize?: number;
}

type Rows = RosterFile['rows'];

function tooMany(max: number): AppError {
  return new AppError('IMPORT_TOO_MANY_ROWS', { params: { max }, details: { max } });
}

function missingError(sheet: string | null, missing: RosterColumnKey[]): AppError {
  return new AppError('IMPORT_MISSING_COLUMNS', {
    details: { sheet, missing },
    params: { columns: missing.map((k) => ROSTER_COLUMNS.find((c) => c.key === k)!.zh).join('、') },
  });
}

/**
 * Reads a roster from an .xlsx (first sheet with a roster header in its first 10 rows) or a
 * .csv, handing the rows to `onRows` in chunks as they are read, so a large file is never held
 * as rows all at once. `needSchool`: the upload is above school level, so each row must name its
 * school. Errors thrown by `onRows` pass through unchanged.
 */
export async function readRosterInChunks(
  buf: Buffer,
  fileName: string,
  opts: RosterReadOptions,
  onRows: (rows: Rows) => Promise<void>,
): Promise<Omit<RosterFile, 'rows'> & { total: number }> {
  const chunkSize = opts.chunkSize ?? 5_000;
  const isCsv =
    /\.(csv|txt)$/i.test(fileName) ||
    (buf.length > 0 && buf.readUInt32LE(0) !== 0x04034b50 && !/\.xlsx$/i.test(fileName));
  if (isCsv) return readCsv(buf, opts, chunkSize, onRows);
  checkZip(buf, opts.maxUnpacked);
  const sheetsSeen: string[] = [];
  const consumerFailed = new WeakSet<object>();
  const deliver = async (rows: Rows) => {
    try {
      await onRows(rows);
    } catch (e) {
      if (typeof e === 'object' && e !== null) consumerFailed.add(e);
      throw e;
    }
  };
  try {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(buf), {
      sharedStrings: 'cache',
      hyperlinks: 'ignore',
      styles: 'cache',
      worksheets: 'emit',
      entries: 'emit',
    });
    for await (const ws of reader) {
      const name = (ws as unknown as { name?: string }).name ?? `Sheet${sheetsSeen.length + 1}`;
      sheetsSeen.push(name);
      let header: ReturnType<typeof headerMap> = null;
      let chunk: Rows = [];
      let total = 0;
      for await (const row of ws as unknown as AsyncIterable<XL.Row>) {
        const values = (row.values as XL.CellValue[]).map(cellValue);
        if (!header) {
          if (row.number > 10) break;
          header = headerMap(values);
          if (header) {
            const missing = missingColumns(header.map, opts.needSchool);
            if (missing.length) throw missingError(name, missing);
          }
          continue;
        }
        const raw = rowOf(values, header.map);
        if (!raw) continue;
        if (++total > opts.maxRows) throw tooMany(opts.maxRows);
        chunk.push({ rowNo: row.number, raw });
        if (chunk.length >= chunkSize) {
          await deliver(chunk);
          chunk = [];
        }
      }
      if (header) {
        if (chunk.length) await deliver(chunk);
        return { sheetName: name, extraColumns: header.extra, total };
      }
    }
  } catch (e) {
    if (e instanceof AppError || (typeof e === 'object' && e !== null && consumerFailed.has(e))) throw e;
    throw new AppError('IMPORT_FILE_UNREADABLE', { details: { reason: 'corrupt' }, cause: e });
  }
  throw new AppError('IMPORT_NO_ROSTER_SHEET', { details: { sheets: sheetsSeen.slice(0, 20) } });
}

/** The whole roster at once (small files, tests). */
export async function readRoster(buf: Buffer, fileName: string, opts: RosterReadOptions): Promise<RosterFile> {
  const rows: Rows = [];
  const info = await readRosterInChunks(buf, fileName, opts, async (chunk) => {
    rows.push(...chunk);
  });
  return { sheetName: info.sheetName, rows, extraColumns: info.extraColumns };
}

/** UTF-8 (with or without BOM), UTF-16 with BOM, or else GB18030 (a superset of GBK and GB2312). */
export function decodeText(buf: Buffer): string {
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return buf.subarray(3).toString('utf8');
  if (buf[0] === 0xff && buf[1] === 0xfe) return new TextDecoder('utf-16le').decode(buf.subarray(2));
  if (buf[0] === 0xfe && buf[1] === 0xff) return new TextDecoder('utf-16be').decode(buf.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return new TextDecoder('gb18030').decode(buf);
  }
}

/** RFC 4180 rows: quoted fields with doubled quotes, CRLF or LF; the delimiter is guessed from the first line. */
export function parseCsv(text: string): string[][] {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = [',', '\t', ';']
    .map((d) => [d, firstLine.split(d).length] as const)
    .sort((a, b) => b[1] - a[1])[0]![0];
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

async function readCsv(
  buf: Buffer,
  opts: { maxRows: number; needSchool: boolean },
  chunkSize: number,
  onRows: (rows: Rows) => Promise<void>,
): Promise<Omit<RosterFile, 'rows'> & { total: number }> {
  const rows = parseCsv(decodeText(buf));
  for (let h = 0; h < Math.min(10, rows.length); h++) {
    const header = headerMap(rows[h]!);
    if (!header) continue;
    const missing = missingColumns(header.map, opts.needSchool);
    if (missing.length) throw missingError(null, missing);
    let chunk: Rows = [];
    let total = 0;
    for (let r = h + 1; r < rows.length; r++) {
      const raw = rowOf(rows[r]!, header.map);
      if (!raw) continue;
      if (++total > opts.maxRows) throw tooMany(opts.maxRows);
      chunk.push({ rowNo: r + 1, raw });
      if (chunk.length >= chunkSize) {
        await onRows(chunk);
        chunk = [];
      }
    }
    if (chunk.length) await onRows(chunk);
    return { sheetName: null, extraColumns: header.extra, total };
  }
  throw new AppError('IMPORT_NO_ROSTER_SHEET', { details: { sheets: [] } });
}

const YES_NO = ['是', '否'];

/** The template: Chinese headers (required ones starred), drop-downs, an example row and instructions. */
export async function rosterTemplate(opts: { withSchoolColumn: boolean; schoolRequired?: boolean }): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Peixun';
  const ws = wb.addWorksheet('教师名册');
  const cols = ROSTER_COLUMNS.filter((c) => c.key !== 'school' || opts.withSchoolColumn);
  const starred = (c: (typeof cols)[number]) =>
    c.required || (c.key === 'school' && opts.withSchoolColumn && opts.schoolRequired !== false);
  ws.columns = cols.map((c) => ({ header: starred(c) ? `${c.zh}*` : c.zh, key: c.key, width: c.width }));
  ws.getRow(1).font = { bold: true };
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  // identifiers and phones as text, so Excel does not turn them into numbers
  for (const key of ['idNumber', 'phone'] as const) ws.getColumn(key).numFmt = '@';
  ws.addRow({
    name: '示例：张晓梅（请删除此行）',
    idType: ID_TYPE_LABELS.resident,
    idNumber: '220282198503120024',
    gender: '女',
    birthDate: '1985-03-12',
    phone: '13800000000',
    school: '桦甸市第一实验小学',
    stage: '小学',
    subject: '语文',
    title: '一级教师',
    teachingStartYear: 2007,
    employment: '在编',
    headTeacher: '是',
    backboneLevel: '县级',
    subjectLeader: '否',
    masterTeacher: '否',
    newTeacher: '否',
  });
  const lists: Partial<Record<RosterColumnKey, string[]>> = {
    idType: Object.values(ID_TYPE_LABELS),
    gender: Object.values(GENDER_LABELS),
    stage: Object.values(STAGE_LABELS),
    employment: Object.values(EMPLOYMENT_LABELS),
    backboneLevel: ['无', ...Object.values(BACKBONE_LABELS)],
    headTeacher: YES_NO,
    subjectLeader: YES_NO,
    masterTeacher: YES_NO,
    newTeacher: YES_NO,
    subject: [...SUBJECT_SUGGESTIONS],
    title: [...TITLE_SUGGESTIONS],
  };
  // the choices live on a hidden sheet: long lists do not fit in a validation formula
  const listSheet = wb.addWorksheet('选项', { state: 'hidden' });
  let li = 1;
  for (const [key, options] of Object.entries(lists) as Array<[RosterColumnKey, string[]]>) {
    const colIndex = cols.findIndex((c) => c.key === key);
    if (colIndex < 0) continue;
    const letter = listSheet.getColumn(li).letter;
    options.forEach((o, i) => {
      listSheet.getCell(i + 1, li).value = o;
    });
    const strict = key !== 'subject' && key !== 'title';
    const target = ws.getColumn(colIndex + 1).letter;
    for (let r = 2; r <= 3000; r++) {
      ws.getCell(`${target}${r}`).dataValidation = {
        type: 'list',
        allowBlank: true,
        formulae: [`选项!$${letter}$1:$${letter}$${options.length}`],
        showErrorMessage: strict,
        errorStyle: 'stop',
        errorTitle: '请从下拉列表中选择',
        error: `可选：${options.join('、')}`,
      };
    }
    li++;
  }
  const help = wb.addWorksheet('填写说明');
  help.getColumn(1).width = 100;
  help.addRows([
    ['填写说明 / Instructions'],
    ['1. 带 * 的列必填；每行一位教师；第一行为表头，请勿修改表头文字（列的顺序可以调整，多余的列会被忽略）。'],
    [
      '2. 证件号码请按文本填写（本模板已设为文本格式）；若 Excel 显示为 2.20282E+17，说明已被存成数字，末几位已丢失，须重新填写。',
    ],
    [
      '3. 证件类型默认为居民身份证，系统会校验校验位、出生日期和地区码，并据此填写性别和出生日期；港澳台及外籍教师请选择对应证件类型。',
    ],
    ['4. 出生日期可写 1985-03-12、1985/3/12 或 1985年3月12日；班主任、学科带头人、名师、新入职填“是”或“否”。'],
    [
      '5. 同一证件号码再次导入时：内容相同不做改动；内容不同则更新并逐项记录；若该教师已在其他学校，会列为“调动待确认”，确认后才调入。',
    ],
    ['6. 任何一行有误时可先修改后重新上传；确认导入时，所有无误的行在一次操作中全部导入。'],
    ...(opts.withSchoolColumn
      ? [
          [
            '7. “学校”列填写学校全称或学校代码，须为本单位所辖学校或乡镇中心校' +
              (opts.schoolRequired === false ? '；留空表示本单位（中心校）自己的教师。' : '。'),
          ],
        ]
      : []),
  ]);
  help.getRow(1).font = { bold: true, size: 14 };
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * A spreadsheet cell that Excel or WPS would run as a formula (= + - @, or a leading tab or CR)
 * gets a leading single quote, so it stays text.
 */
export function neutraliseCell(v: string): string {
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

/** The number format of a rate cell: the value is a fraction (0.123), Excel shows 12.3%. */
export const PERCENT_FORMAT = '0.0%';

/**
 * Streams rows into an .xlsx on `out` with a bold frozen header; every text cell is neutralised.
 * A column with `numFmt` shows its numbers in that format (a rate: the fraction with PERCENT_FORMAT).
 */
export async function writeXlsx(
  out: Writable,
  sheetName: string,
  headers: Array<{ header: string; width?: number; numFmt?: string }>,
  rows: AsyncIterable<Array<string | number | null>>,
): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = headers.map((h, i) => ({ header: h.header, key: String(i), width: h.width ?? 14 }));
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).commit();
  const formats = headers.flatMap((h, i) => (h.numFmt ? [{ column: i + 1, numFmt: h.numFmt }] : []));
  for await (const r of rows) {
    const row = ws.addRow(r.map((v) => (typeof v === 'string' ? neutraliseCell(v) : v)));
    for (const f of formats) if (typeof r[f.column - 1] === 'number') row.getCell(f.column).numFmt = f.numFmt;
    row.commit();
  }
  ws.commit();
  await wb.commit();
}
