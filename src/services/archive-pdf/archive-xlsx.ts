/**
 * A teacher's training archive (domain/archive.ts) as an .xlsx workbook: a first sheet with the
 * identity, then one sheet per section (its title, its table with numbers as numbers, its note).
 */
import type { ArchiveDocument } from '../../domain/archive.js';
import ExcelJS from '../excel.js';
import { neutraliseCell } from '../roster-file.js';

/** A sheet name Excel accepts (31 characters, none of \ / ? * [ ] :), unique in the workbook. */
function sheetName(title: string, taken: Set<string>): string {
  const base = title.replace(/[\\/?*[\]:]/g, ' ').slice(0, 28) || 'Sheet';
  let name = base;
  for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${base.slice(0, 27)}-${i}`;
  taken.add(name.toLowerCase());
  return name;
}

export async function renderArchiveXlsx(d: ArchiveDocument): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'peixun';
  const taken = new Set<string>();
  const text = (v: string) => neutraliseCell(v);

  const first = wb.addWorksheet(sheetName(d.title, taken));
  first.getRow(1).getCell(1).value = text(d.unitName);
  first.getRow(2).getCell(1).value = text(`${d.teacherName} ${d.title}`);
  first.getRow(2).font = { bold: true, size: 14 };
  for (const [i, [k, v]] of d.identity.entries()) {
    const row = first.getRow(4 + i);
    row.getCell(1).value = text(k);
    row.getCell(1).font = { bold: true };
    row.getCell(2).value = text(v);
  }
  first.getRow(5 + d.identity.length).getCell(1).value = text(d.locale === 'en' ? 'Printed on' : '打印日期');
  first.getRow(5 + d.identity.length).getCell(2).value = d.printedOn;
  first.getColumn(1).width = 18;
  first.getColumn(2).width = 40;

  const thin = { style: 'thin' as const };
  const border = { top: thin, left: thin, bottom: thin, right: thin };
  for (const s of d.sections) {
    const ws = wb.addWorksheet(sheetName(s.title, taken));
    ws.getRow(1).getCell(1).value = text(s.title);
    ws.getRow(1).font = { bold: true, size: 13 };
    const header = ws.getRow(3);
    for (const [i, c] of s.columns.entries()) {
      const cell = header.getCell(i + 1);
      cell.value = text(c);
      cell.font = { bold: true };
      cell.border = border;
      ws.getColumn(i + 1).width = Math.min(50, Math.max(10, c.length * 2 + 4));
    }
    for (const [r, cells] of s.rows.entries()) {
      const row = ws.getRow(4 + r);
      for (const [i, v] of cells.entries()) {
        const cell = row.getCell(i + 1);
        if (v !== null && v !== '') cell.value = typeof v === 'string' ? text(v) : v;
        cell.border = border;
        cell.alignment = { vertical: 'top', wrapText: true };
      }
    }
    if (s.note) ws.getRow(5 + s.rows.length).getCell(1).value = text(s.note);
    ws.views = [{ state: 'frozen', ySplit: 3 }];
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
