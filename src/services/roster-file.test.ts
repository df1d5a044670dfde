import zlib from 'node:zlib';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { makeRoster, rosterCsv, rosterXlsx } from '../../test/support/roster.js';
import { AppError } from '../errors/app-error.js';
import { checkZip, neutraliseCell, readRoster } from './roster-file.js';
import { readSheetRows } from './sheet-file.js';

const OPTS = { maxRows: 1_000, maxUnpacked: 50 * 1_048_576, needSchool: false };
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: unknown) => (e instanceof AppError ? e.code : String(e)),
  );

/** GBK bytes of a text, from the inverse of the platform's GB18030 decoder over the two-byte range. */
function encodeGbk(text: string): Buffer {
  const table = new Map<string, number[]>();
  const dec = new TextDecoder('gb18030');
  for (let hi = 0x81; hi <= 0xfe; hi++)
    for (let lo = 0x40; lo <= 0xfe; lo++) if (lo !== 0x7f) table.set(dec.decode(Uint8Array.of(hi, lo)), [hi, lo]);
  const out: number[] = [];
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) out.push(ch.charCodeAt(0));
    else
      out.push(
        ...(table.get(ch) ??
          (() => {
            throw new Error(`no GBK code for ${ch}`);
          })()),
      );
  }
  return Buffer.from(out);
}

/** A one-entry zip whose content inflates to `size` zero bytes: a small file, a huge unpacked size. */
function zipBomb(size: number): Buffer {
  const name = Buffer.from('xl/worksheets/sheet1.xml');
  const data = zlib.deflateRawSync(Buffer.alloc(size));
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(size, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(size, 24);
  central.writeUInt16LE(name.length, 28);
  central.writeUInt32LE(0, 42);
  const cdOffset = local.length + name.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, name, data, central, name, end]);
}

async function workbook(build: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('reading a roster file', () => {
  it('refuses a zip bomb from its directory, before inflating anything', async () => {
    const bomb = zipBomb(64 * 1_048_576);
    expect(bomb.length).toBeLessThan(200_000);
    expect(await codeOf(readRoster(bomb, 'bomb.xlsx', OPTS))).toBe('IMPORT_UNPACKED_TOO_LARGE');
    expect(() => checkZip(bomb, 100 * 1_048_576)).not.toThrow();
  });

  it('refuses a truncated or fake .xlsx as unreadable', async () => {
    const good = await rosterXlsx(makeRoster(50));
    expect(await codeOf(readRoster(good.subarray(0, Math.floor(good.length / 2)), 'half.xlsx', OPTS))).toBe(
      'IMPORT_FILE_UNREADABLE',
    );
    expect(await codeOf(readRoster(Buffer.from('PK\u0003\u0004 not really'), 'fake.xlsx', OPTS))).toBe(
      'IMPORT_FILE_UNREADABLE',
    );
  });

  it('finds the roster on a later sheet, below a title row, and lists columns it ignores', async () => {
    const buf = await workbook((wb) => {
      wb.addWorksheet('说明').addRow(['请在第二个工作表填写']);
      const ws = wb.addWorksheet('名册');
      ws.addRow(['桦甸市第一实验小学 2026 年教师名册']);
      ws.addRow(['姓名', '证件号码', '学段', '用工类型', '备注']);
      ws.addRow(['王芳', '220282198503120024', '小学', '在编', '无']);
    });
    const r = await readRoster(buf, 'x.xlsx', OPTS);
    expect(r.sheetName).toBe('名册');
    expect(r.rows).toEqual([
      { rowNo: 3, raw: { name: '王芳', idNumber: '220282198503120024', stage: '小学', employment: '在编' } },
    ]);
    expect(r.extraColumns).toEqual(['备注']);
  });

  it('names the required columns a sheet lacks, and a sheet with no roster at all', async () => {
    const missing = await workbook((wb) => wb.addWorksheet('a').addRow(['姓名', '身份证号']));
    await expect(readRoster(missing, 'm.xlsx', { ...OPTS, needSchool: true })).rejects.toMatchObject({
      code: 'IMPORT_MISSING_COLUMNS',
      details: { missing: ['stage', 'employment', 'school'] },
    });
    const none = await workbook((wb) => wb.addWorksheet('a').addRow(['学号', '成绩']));
    expect(await codeOf(readRoster(none, 'n.xlsx', OPTS))).toBe('IMPORT_NO_ROSTER_SHEET');
  });

  it('reads merged cells as what Excel shows in the first cell only, so the other rows are reported', async () => {
    const buf = await workbook((wb) => {
      const ws = wb.addWorksheet('名册');
      ws.addRow(['姓名', '证件号码', '学段', '用工类型']);
      ws.addRow(['王芳', '220282198503120024', '小学', '在编']);
      ws.addRow(['李强', '110105197901090016', '', '在编']);
      ws.mergeCells('C2:C3');
    });
    const r = await readRoster(buf, 'merged.xlsx', OPTS);
    expect(r.rows.map((x) => x.raw.stage ?? null)).toEqual(['小学', null]);
  });

  it('keeps dates typed as Excel dates and as serial numbers', async () => {
    const buf = await workbook((wb) => {
      const ws = wb.addWorksheet('名册');
      ws.addRow(['姓名', '证件号码', '学段', '用工类型', '出生日期']);
      ws.addRow(['王芳', '220282198503120024', '小学', '在编', new Date(Date.UTC(1985, 2, 12))]);
      ws.addRow(['王芳', '220282198503120024', '小学', '在编', 31118]);
    });
    const r = await readRoster(buf, 'd.xlsx', OPTS);
    expect(r.rows[0]!.raw.birthDate).toBeInstanceOf(Date);
    expect(r.rows[1]!.raw.birthDate).toBe(31118);
  });

  it('reads CSV in UTF-8 with and without a BOM, and in GBK as Chinese Excel saves it', async () => {
    const people = makeRoster(3, { seed: 4 });
    const text = rosterCsv(people);
    for (const [label, bytes] of [
      ['utf8', Buffer.from(text, 'utf8')],
      ['bom', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])],
      ['gbk', encodeGbk(text)],
    ] as const) {
      const r = await readRoster(bytes, `${label}.csv`, OPTS);
      expect(
        r.rows.map((x) => x.raw.name),
        label,
      ).toEqual(people.map((p) => p.name));
    }
  });

  it('reads every Chinese character of a large roster intact, whatever the chunking of the file', async () => {
    const people = makeRoster(20_000, { seed: 5 });
    const r = await readRoster(await rosterXlsx(people), 'large.xlsx', { ...OPTS, maxRows: 30_000 });
    const garbled = r.rows.filter((row) =>
      Object.values(row.raw).some((v) => typeof v === 'string' && v.includes('\uFFFD')),
    );
    expect(garbled).toEqual([]);
    expect(r.rows.map((row) => row.raw.name)).toEqual(people.map((p) => p.name));
  }, 60_000);

  it("decodes Excel's _xHHHH_ escapes in shared and inline strings, whole even where a chunk splits them", async () => {
    const written = ['语文_x000D_数学', '高级_x0009_教师', '_x005F_x000D_', 'exe._x202E_txt'];
    const people = makeRoster(3_000, { seed: 41 }).map((p, i) => ({
      ...p,
      subject: written[i % 4]!,
      title: `第${i}行_x000A_`,
    }));
    const inline = await rosterXlsx(people);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('名册');
    ws.addRow(['姓名', '证件号码', '学段', '用工类型', '任教学科']);
    people.slice(0, 8).forEach((p) => ws.addRow([p.name, p.idNumber, p.stage, p.employment, p.subject]));
    const shared = Buffer.from(await wb.xlsx.writeBuffer());
    expect(shared.includes(Buffer.from('sharedStrings'))).toBe(true);
    const decoded = ['语文\r数学', '高级\t教师', '_x000D_', 'exe.\u202etxt'];
    const a = await readRoster(inline, 'a.xlsx', { ...OPTS, maxRows: 5_000 });
    a.rows.forEach((r, i) => {
      expect(r.raw.subject).toBe(decoded[i % 4]);
      expect(r.raw.title).toBe(`第${i}行\n`);
    });
    const b = await readRoster(shared, 'b.xlsx', OPTS);
    expect(b.rows.map((r) => r.raw.subject)).toEqual([...decoded, ...decoded]);
    // the sheets read whole (credit hours, schools, courses) see the same
    const grid = await readSheetRows(shared, 'b.xlsx', {
      columns: [
        { key: 'name', zh: '姓名', en: 'name', required: true },
        { key: 'subject', zh: '任教学科', en: 'subject', required: true },
      ],
      identifying: ['name'],
      maxRows: 100,
      maxUnpacked: OPTS.maxUnpacked,
    });
    expect(grid!.map((r) => r.cells.subject)).toEqual([...decoded, ...decoded]);
    // CSV has no such escapes: kept as written
    const text = '姓名,证件号码,学段,用工类型,任教学科\n王芳,220282198503120024,小学,在编,a_x000D_b\n';
    const csv = await readRoster(Buffer.from(text), 'c.csv', OPTS);
    expect(csv.rows[0]!.raw.subject).toBe('a_x000D_b');
  });

  it('keeps an ignored header masked when it holds an ID number, and its hidden characters visible', async () => {
    const text =
      '姓名,证件号码,学段,用工类型,身份证220283198501120119,备\u200b注\n王芳,220282198503120024,小学,在编,,\n';
    const r = await readRoster(Buffer.from(text), 'h.csv', OPTS);
    expect(r.extraColumns).toEqual(['身份证220283********0119', '备⟨U+200B⟩注']);
  });

  it('stops at the row limit with a clear error', async () => {
    expect(await codeOf(readRoster(await rosterXlsx(makeRoster(12)), 'big.xlsx', { ...OPTS, maxRows: 10 }))).toBe(
      'IMPORT_TOO_MANY_ROWS',
    );
  });
});

describe('export cells', () => {
  it('neutralises what a spreadsheet would run as a formula', () => {
    expect(['=HYPERLINK("x")', '+1', '-2', '@SUM(A1)', '\tx', '\rx', '张三'].map(neutraliseCell)).toEqual([
      '\'=HYPERLINK("x")',
      "'+1",
      "'-2",
      "'@SUM(A1)",
      "'\tx",
      "'\rx",
      '张三',
    ]);
  });
});
