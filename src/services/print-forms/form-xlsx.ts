/**
 * A form (form-document.ts) as an .xlsx sheet: the unit and title above, the facts, the table
 * (numbers as numbers, in the column's format), the closing line and the seal and signature lines,
 * set to print on A4 with the table's header repeated and "第 N 页 共 M 页" in the footer.
 */
import ExcelJS from '../excel.js';
import { neutraliseCell } from '../roster-file.js';
import { FORM_FRAME_LABELS, type FormDocument } from './form-document.js';

/** The row of the sheet where the table's header is (the rows above: unit, title, facts, a gap). */
export function headerRowOf(d: FormDocument): number {
  return 3 + d.facts.length + 1;
}

export async function renderFormXlsx(d: FormDocument): Promise<Buffer> {
  const l = FORM_FRAME_LABELS[d.locale] ?? FORM_FRAME_LABELS['zh-CN'];
  const wb = new ExcelJS.Workbook();
  wb.creator = 'peixun';
  const ws = wb.addWorksheet(d.title.slice(0, 31).replace(/[\\/?*[\]:]/g, ' '));
  const n = d.columns.length;
  const text = (v: string) => neutraliseCell(v);

  ws.getRow(1).getCell(1).value = text(d.unitName);
  ws.getRow(2).getCell(1).value = text(d.title);
  ws.getRow(2).font = { bold: true, size: 16 };
  ws.getRow(1).alignment = { horizontal: 'center' };
  ws.getRow(2).alignment = { horizontal: 'center' };
  if (n > 1) {
    ws.mergeCells(1, 1, 1, n);
    ws.mergeCells(2, 1, 2, n);
  }
  for (const [i, [k, v]] of d.facts.entries()) ws.getRow(3 + i).getCell(1).value = text(`${k}${l.colon}${v}`);

  const head = headerRowOf(d);
  const header = ws.getRow(head);
  for (const [i, c] of d.columns.entries()) {
    const cell = header.getCell(i + 1);
    cell.value = c.header;
    cell.font = { bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    ws.getColumn(i + 1).width = Math.max(6, Math.round(c.width * 110));
    if (c.numFmt) ws.getColumn(i + 1).numFmt = c.numFmt;
  }
  const thin = { style: 'thin' as const };
  const border = { top: thin, left: thin, bottom: thin, right: thin };
  for (const [r, cells] of d.rows.entries()) {
    const row = ws.getRow(head + 1 + r);
    for (const [i, v] of cells.entries()) {
      const cell = row.getCell(i + 1);
      if (v !== null && v !== '') cell.value = typeof v === 'string' ? text(v) : v;
      cell.border = border;
      cell.alignment = { vertical: 'middle', wrapText: true };
    }
  }
  for (let i = 1; i <= n; i++) header.getCell(i).border = border;

  let r = head + d.rows.length + 2;
  ws.getRow(r).getCell(1).value = text(d.summary);
  r += 2;
  ws.getRow(r).getCell(1).value = text(`${l.seal}${l.colon}${d.unitName}`);
  ws.getRow(r + 2).getCell(1).value = `${l.signature}${l.colon}`;
  ws.getRow(r + 4).getCell(1).value = `${l.date}${l.colon}${l.dateBlank}`;

  ws.pageSetup = {
    paperSize: 9, // A4
    orientation: 'portrait',
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    printTitlesRow: `${head}:${head}`,
    margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
  };
  ws.headerFooter = {
    oddFooter: d.locale === 'en' ? '&CPage &P of &N' : '&C第 &P 页 共 &N 页',
  };
  return Buffer.from(await wb.xlsx.writeBuffer());
}
