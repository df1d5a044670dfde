import crypto from 'node:crypto';
import { currentYear } from '../config/env.js';
import { normaliseIdNumber } from '../domain/id-number.js';
import { parseDateCell } from '../domain/roster-row.js';
import { parseHours, SOURCE_LABELS, SOURCE_TYPES, type SourceType } from '../domain/cycle-rules.js';
import { hasForbiddenChars, looksLikeIdNumber, shownValue, unseenChars, type Withheld } from '../domain/text.js';
import { AppError } from '../errors/app-error.js';
import { createCreditLedgerRepository } from '../repositories/credit-ledger.repository.js';
import { createTeacherRepository } from '../repositories/teacher.repository.js';
import type { RequestContext, ServiceDeps } from './context.js';
import type { CreditLedgerService, RegisterResult, Registration } from './credit-ledger.service.js';
import { rulesOf } from './credit-summary.js';
import ExcelJS from './excel.js';
import { personalDataCipher } from './personal-data.js';
import { requireAdminAtUnit } from './registry-access.js';
import { codeText, readSheetRows, words, type Cell } from './sheet-file.js';

/** The columns of a registration sheet: Chinese header, English alias, required. */
const COLUMNS = [
  { key: 'name', zh: '姓名', en: 'name', required: true },
  { key: 'idNumber', zh: '证件号码', en: 'id number', required: true },
  { key: 'hours', zh: '学时', en: 'hours', required: true },
  { key: 'date', zh: '日期', en: 'date', required: true },
  { key: 'title', zh: '培训内容', en: 'title', required: true },
  { key: 'categories', zh: '类别', en: 'categories', required: false },
  { key: 'source', zh: '来源', en: 'source', required: false },
  { key: 'evidence', zh: '佐证材料', en: 'evidence', required: false },
] as const;
type ColumnKey = (typeof COLUMNS)[number]['key'];
const MAX_ROWS = 10_000;

export interface SheetProblem {
  /** the row number in the sheet, as Excel shows it */
  row: number;
  column: string;
  code:
    | 'required'
    | 'teacher_not_found'
    | 'name_mismatch'
    | 'bad_hours'
    | 'bad_date'
    | 'unknown_category'
    | 'unknown_source'
    | 'bad_chars'
    | 'id_number_in_text'
    | string;
  /** as written, shortened; hidden characters written out (⟨U+202E⟩), anything like an ID number or a mobile masked */
  value?: string;
  withheld?: Withheld;
}

/** Columns of free text: an ID number written there is refused rather than registered. */
const FREE_TEXT: readonly ColumnKey[] = ['title', 'evidence', 'categories', 'source'];

/** The registration sheet's rows, found by its header (ID number and hours). */
async function readSheet(
  buf: Buffer,
  fileName: string,
  maxUnpacked: number,
): Promise<{ rows: Array<{ row: number; cells: Partial<Record<ColumnKey, Cell>> }> }> {
  const rows = await readSheetRows(buf, fileName, {
    columns: COLUMNS,
    identifying: ['idNumber', 'hours'],
    maxRows: MAX_ROWS,
    maxUnpacked,
  });
  if (rows === null) throw new AppError('REGISTRATION_SHEET_INVALID');
  return { rows };
}

const text = codeText;

/**
 * Registration of hours from a sheet: one row per teacher and activity, matched to the
 * registry by ID number (and the name must agree). Every row is checked; the sheet is registered
 * whole or not at all, and uploading the same file again registers nothing twice.
 */
export function createCreditImportService(deps: ServiceDeps, credits: CreditLedgerService) {
  const { db, env } = deps;

  return {
    /** The sheet to fill in, with the categories of the current cycle in a drop-down. */
    async template(ctx: RequestContext, orgUnitId: number): Promise<Buffer> {
      const unit = await requireAdminAtUnit(db, ctx, orgUnitId, 'credit.import_template', 'credit.register');
      const cycle = await createCreditLedgerRepository(db).cycleForYear(unit.provinceId, currentYear(env));
      const categories = cycle ? (await rulesOf(db, cycle)).categories.map((c) => c.name) : [];
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('学时登记');
      ws.columns = COLUMNS.map((c) => ({
        header: c.zh,
        key: c.key,
        width: c.key === 'title' ? 36 : c.key === 'idNumber' ? 22 : 14,
      }));
      ws.getRow(1).font = { bold: true };
      ws.views = [{ state: 'frozen', ySplit: 1 }];
      for (let r = 2; r <= 2_000; r++) {
        ws.getCell(r, 2).numFmt = '@';
        if (categories.length)
          ws.getCell(r, 6).dataValidation = {
            type: 'list',
            allowBlank: true,
            formulae: [`"${categories.join(',').slice(0, 250)}"`],
          };
        ws.getCell(r, 7).dataValidation = {
          type: 'list',
          allowBlank: true,
          formulae: [`"${SOURCE_TYPES.map((s) => SOURCE_LABELS[s]['zh-CN']).join(',')}"`],
        };
      }
      const notes = wb.addWorksheet('填写说明');
      for (const line of [
        '每行登记一位教师的一次培训；学时可含一位小数（如 2.5）。',
        `示例：赵雪 | 220282198001011234 | 2.5 | 2026-09-10 | 校本研修：同课异构 | ${categories[0] ?? ''} | ${SOURCE_LABELS.school_activity['zh-CN']} | 教研活动记录第 12 页`,
        '日期格式 2026-09-10；类别可填多个，用顿号分隔，须为本周期规则中的类别。',
        '证件号码须与教师名册一致，姓名须与名册相同。',
        '同一文件重复上传不会重复登记；有任何一行错误时整个文件都不登记，请按提示修改后重新上传。',
      ])
        notes.addRow([line]);
      notes.getColumn(1).width = 90;
      return Buffer.from(await wb.xlsx.writeBuffer());
    },

    async import(
      ctx: RequestContext,
      orgUnitId: number,
      file: { name: string; data: Buffer },
    ): Promise<RegisterResult & { rows: number }> {
      const unit = await requireAdminAtUnit(db, ctx, orgUnitId, 'credit.import_entries', 'credit.register');
      const { rows } = await readSheet(file.data, file.name, env.PEIXUN_IMPORT_MAX_UNPACKED_MB * 1_048_576);
      const cycle = await createCreditLedgerRepository(db).cycleForYear(unit.provinceId, currentYear(env));
      const rules = cycle ? await rulesOf(db, cycle) : null;
      const categoryCode = new Map<string, string>();
      for (const c of rules?.categories ?? []) {
        categoryCode.set(c.name, c.code);
        categoryCode.set(c.code, c.code);
        if (c.nameEn) categoryCode.set(c.nameEn.toLowerCase(), c.code);
      }
      const sourceOf = new Map<string, SourceType>(
        SOURCE_TYPES.flatMap(
          (s) =>
            [
              [SOURCE_LABELS[s]['zh-CN'], s],
              [SOURCE_LABELS[s].en.toLowerCase(), s],
              [s, s],
            ] as Array<[string, SourceType]>,
        ),
      );
      const cipher = personalDataCipher(env);
      const hashes = rows.map((r) => cipher.lookupHash(normaliseIdNumber(text(r.cells.idNumber ?? null))));
      const found = await createTeacherRepository(db).findByIdHashes(hashes);
      const byHash = new Map(
        found.filter((t) => t.org_path.startsWith(unit.path)).map((t) => [t.id_number_hash.toString('hex'), t]),
      );
      const fileKey = crypto.createHash('sha256').update(file.data).digest('hex').slice(0, 24);
      const problems: SheetProblem[] = [];
      const batch: Registration[] = [];
      const rowOf: number[] = [];
      rows.forEach((r, i) => {
        const c = r.cells;
        const bad = (column: string, code: SheetProblem['code'], value?: Cell) =>
          problems.push({
            row: r.row,
            column,
            code,
            ...(value !== undefined && value !== null ? shownValue(text(value), 50) : {}),
          });
        const before = problems.length;
        for (const col of COLUMNS) {
          const cell = c[col.key];
          if (typeof cell !== 'string') continue;
          const typed = cell.replace(/[\t\r\n]+/g, ' ');
          if (hasForbiddenChars(typed)) {
            // the cell as written, hidden characters visible; an identifier column shows only those characters
            const shown = col.key === 'idNumber' ? { value: unseenChars(typed) } : shownValue(typed, 50);
            problems.push({ row: r.row, column: col.zh, code: 'bad_chars', ...shown });
          } else if (FREE_TEXT.includes(col.key) && looksLikeIdNumber(text(cell))) {
            bad(col.zh, 'id_number_in_text', cell);
          }
        }
        for (const col of COLUMNS) if (col.required && text(c[col.key] ?? null) === '') bad(col.zh, 'required');
        if (problems.length > before) return;
        const t = byHash.get(hashes[i]!.toString('hex'));
        if (!t) return bad('证件号码', 'teacher_not_found');
        if (t.name !== text(c.name ?? null)) return bad('姓名', 'name_mismatch', c.name ?? null);
        const hours = parseHours(text(c.hours ?? null));
        if (hours === null || hours === 0) bad('学时', 'bad_hours', c.hours ?? null);
        const date = parseDateCell(c.date ?? null);
        if (date === null || date === 'invalid') bad('日期', 'bad_date', c.date ?? null);
        const cats = text(c.categories ?? null)
          .split(/[、,，;；\s]+/)
          .filter(Boolean)
          .map((n) => categoryCode.get(n) ?? categoryCode.get(n.toLowerCase()) ?? `?${n}`);
        for (const x of cats.filter((x) => x.startsWith('?'))) bad('类别', 'unknown_category', x.slice(1));
        const sourceText = text(c.source ?? null);
        const source =
          sourceText === '' ? 'school_activity' : (sourceOf.get(sourceText) ?? sourceOf.get(sourceText.toLowerCase()));
        if (!source) bad('来源', 'unknown_source', sourceText);
        if (problems.length > before) return;
        const evidence = words(c.evidence ?? null);
        // the content must not depend on the file's name: the same sheet renamed is the same registration
        batch.push({
          teacherId: t.id,
          hours: hours!,
          occurredOn: date as string,
          title: words(c.title ?? null).slice(0, 200),
          categories: cats,
          sourceType: source!,
          evidenceRef: evidence ? evidence.slice(0, 200) : null,
          sourceRef: null,
          idemKey: `xlsx:${fileKey}:${r.row}`,
        });
        rowOf.push(r.row);
      });
      if (problems.length)
        throw new AppError('ENTRY_INVALID', {
          details: { problems: problems.slice(0, 1_000), problemCount: problems.length, sheet: true },
        });
      if (batch.length === 0) throw new AppError('REGISTRATION_SHEET_INVALID');
      try {
        const r = await credits.register(ctx, batch, { file: file.name });
        return { ...r, rows: batch.length };
      } catch (e) {
        // the rules' refusals name the sheet's rows, not the batch's positions
        // (changed in place: the refusal was audited already)
        if (e instanceof AppError && e.code === 'ENTRY_INVALID' && e.details) {
          for (const p of e.details['problems'] as Array<{ index: number; row?: number }>) p.row = rowOf[p.index];
          e.details['sheet'] = true;
        }
        if (e instanceof AppError && e.details && typeof e.details['index'] === 'number')
          e.details['row'] = rowOf[e.details['index']];
        throw e;
      }
    },
  };
}
