import crypto from 'node:crypto';
import ExcelJS from 'exceljs';

/** A multipart/form-data body with one file part, ready for `inject({ payload, headers })`. */
export function multipartFile(
  content: Buffer | string,
  opts: { field?: string; filename?: string; contentType?: string } = {},
) {
  const boundary = `----peixun-${crypto.randomBytes(8).toString('hex')}`;
  const head =
    `--${boundary}\r\nContent-Disposition: form-data; name="${opts.field ?? 'file'}"; filename="${opts.filename ?? 'schools.xlsx'}"\r\n` +
    `Content-Type: ${opts.contentType ?? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'}\r\n\r\n`;
  const payload = Buffer.concat([
    Buffer.from(head),
    Buffer.isBuffer(content) ? content : Buffer.from(content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export interface SheetRow {
  name?: string;
  code?: string;
  stages?: string;
  township?: string;
  address?: string;
  contactName?: string;
  contactPhone?: string;
}

/** An .xlsx school list with the template's Chinese headers, one school per row. */
export async function schoolSheet(rows: SheetRow[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('学校');
  ws.addRow(['学校名称*', '学校代码', '学段', '所属乡镇中心校', '地址', '联系人', '联系电话']);
  for (const r of rows)
    ws.addRow([
      r.name ?? '',
      r.code ?? '',
      r.stages ?? '',
      r.township ?? '',
      r.address ?? '',
      r.contactName ?? '',
      r.contactPhone ?? '',
    ]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
