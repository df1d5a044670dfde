import path from 'node:path';
import type { CellValue } from 'exceljs';
import { foldFullWidth, normaliseText } from '../domain/text.js';
import { AppError } from '../errors/app-error.js';
import ExcelJS from './excel.js';
import { checkZip, decodeText, parseCsv } from './roster-file.js';

/** A cell of an uploaded sheet: what exceljs or the CSV parser gives, reduced to plain values. */
export type Cell = string | number | Date | null;

export function cellValue(v: CellValue): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || v instanceof Date) return v;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'object' && 'richText' in v) return v.richText.map((r: { text: string }) => r.text).join('');
  if (typeof v === 'object' && 'result' in v) return cellValue(v.result as CellValue);
  if (typeof v === 'object' && 'text' in v) return String(v.text);
  return null;
}

/** A cell as typed text (full-width punctuation kept); the quote an export puts before a formula-like text is taken off again. */
export function words(c: Cell): string {
  const s =
    c === null
      ? ''
      : c instanceof Date
        ? c.toISOString().slice(0, 10)
        : normaliseText(String(c).replace(/\r\n?/g, '\n'));
  return /^'[=+\-@]/.test(s) ? s.slice(1) : s;
}

/** A cell of digits and codes (ID numbers, hours, dates, header labels): full-width forms folded. */
export const codeText = (c: Cell) => foldFullWidth(words(c));

export interface SheetColumn<K extends string> {
  key: K;
  zh: string;
  en: string;
  required: boolean;
}

/**
 * The rows of the first sheet of an .xlsx (zip bombs refused first) or of a CSV, found by a header
 * in its first 10 rows: a header row is the first one that has every column of `identifying`;
 * columns are matched by their Chinese or English label (a note in brackets after the Chinese is
 * allowed). Blank rows are skipped; more than `maxRows` is refused.
 *
 * @returns null when no header row was found
 */
export async function readSheetRows<K extends string>(
  buf: Buffer,
  fileName: string,
  opts: { columns: readonly SheetColumn<K>[]; identifying: readonly K[]; maxRows: number; maxUnpacked: number },
): Promise<Array<{ row: number; cells: Partial<Record<K, Cell>> }> | null> {
  let grid: Cell[][];
  if (path.extname(fileName).toLowerCase() === '.csv') grid = parseCsv(decodeText(buf));
  else {
    checkZip(buf, opts.maxUnpacked);
    const wb = new ExcelJS.Workbook();
    try {
      await wb.xlsx.load(buf as unknown as ArrayBuffer);
    } catch (e) {
      throw new AppError('IMPORT_FILE_UNREADABLE', { cause: e });
    }
    const ws = wb.worksheets[0];
    if (!ws) throw new AppError('IMPORT_FILE_UNREADABLE');
    grid = [];
    ws.eachRow({ includeEmpty: true }, (r, n) => {
      grid[n - 1] = (r.values as CellValue[]).slice(1).map(cellValue);
    });
  }
  for (let h = 0; h < Math.min(10, grid.length); h++) {
    const labels = (grid[h] ?? []).map((c) => codeText(c).toLowerCase());
    const at = new Map<K, number>();
    for (const c of opts.columns) {
      // labels are compared in lower case: a header such as 选项A is found as typed or as 选项a
      const zh = c.zh.toLowerCase();
      const i = labels.findIndex(
        (l) => l === zh || l === c.en.toLowerCase() || l.startsWith(`${zh}（`) || l.startsWith(`${zh}(`),
      );
      if (i >= 0) at.set(c.key, i);
    }
    if (!opts.identifying.every((k) => at.has(k))) continue;
    const missing = opts.columns.filter((c) => c.required && !at.has(c.key)).map((c) => c.zh);
    if (missing.length)
      throw new AppError('IMPORT_MISSING_COLUMNS', { params: { columns: missing.join('、') }, details: { missing } });
    const rows: Array<{ row: number; cells: Partial<Record<K, Cell>> }> = [];
    for (let r = h + 1; r < grid.length; r++) {
      const line = grid[r] ?? [];
      if (line.every((c) => words(c) === '')) continue;
      rows.push({
        row: r + 1,
        cells: Object.fromEntries([...at].map(([k, i]) => [k, line[i] ?? null])) as Partial<Record<K, Cell>>,
      });
      if (rows.length > opts.maxRows)
        throw new AppError('IMPORT_TOO_MANY_ROWS', { params: { max: opts.maxRows }, details: { max: opts.maxRows } });
    }
    return rows;
  }
  return null;
}
