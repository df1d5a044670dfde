/**
 * A teacher's training archive (domain/archive.ts) as an A4 PDF: the unit and title, the identity
 * block, then each section as a titled table flowing over pages (its header repeated on a new page),
 * a note under a table where it has one, "第 N 页 共 M 页" and the teacher's name on every page.
 * Text goes through the certificate renderer's Writer: the same embedded Chinese font and per-glyph
 * fallback as certificates and printed forms. Rendered in the certificate worker pool (pool.ts).
 */
import PDFDocument from 'pdfkit';
import { archiveLabel, type ArchiveDocument, type ArchiveTable } from '../../domain/archive.js';
import { printable, Writer } from '../certificate-pdf/render.js';

const PAGE_W = 595.28;
const PAGE_H = 841.89;
const X0 = 40;
const X1 = PAGE_W - 40;
const CONTENT_W = X1 - X0;
const TOP = 44;
const BOTTOM = PAGE_H - 56;
const INK = '#1f1f1f';
const MUTED = '#5b5b5b';
const RULE = '#6b6b6b';
const HEAD_FILL = '#eeeeee';
const SIZE = 8.5;
const PAD = 3;
const LEADING = SIZE * 1.4;

const FRAME = {
  'zh-CN': {
    continued: '（续）',
    page: (n: number, m: number) => `第 ${n} 页 共 ${m} 页`,
    printed: '打印日期：',
    none: '（无）',
  },
  en: {
    continued: ' (continued)',
    page: (n: number, m: number) => `Page ${n} of ${m}`,
    printed: 'Printed on ',
    none: '(none)',
  },
} as const;

/**
 * Column widths: each column's longest text (header or the first rows) decides what it wants; short
 * columns (dates, hours, statuses) keep theirs whole, and the long ones share the rest in proportion.
 */
function widthsOf(w: Writer, s: ArchiveTable): number[] {
  const n = s.columns.length || 1;
  const want = s.columns.map((c, i) => {
    let m = Math.min(w.measure(c, SIZE, true), 4 * SIZE); // a header wraps before a short column widens
    for (const r of s.rows.slice(0, 60)) m = Math.max(m, w.measure(cellText(r[i] ?? null), SIZE));
    return Math.max(m + 2 * PAD + 1, 30);
  });
  const total = want.reduce((a, b) => a + b, 0);
  if (total <= CONTENT_W) return want.map((x) => x + (CONTENT_W - total) / n);
  const SHORT = 80;
  const short = want.reduce((a, x) => a + (x <= SHORT ? x : 0), 0);
  const long = total - short;
  if (long === 0 || short > CONTENT_W * 0.7) return want.map((x) => (x * CONTENT_W) / total);
  return want.map((x) => (x <= SHORT ? x : (x * (CONTENT_W - short)) / long));
}

const cellText = (v: string | number | null): string =>
  v === null ? '' : typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(1)) : v;

class Layout {
  y = TOP;
  readonly w: Writer;
  readonly f: (typeof FRAME)['zh-CN'] | (typeof FRAME)['en'];

  constructor(
    readonly pdf: PDFKit.PDFDocument,
    readonly d: ArchiveDocument,
  ) {
    this.w = new Writer(pdf);
    this.f = FRAME[d.locale] ?? FRAME['zh-CN'];
  }

  newPage(): void {
    this.pdf.addPage({ size: 'A4', margin: 0 });
    this.y = TOP;
    const head = `${this.d.teacherName}　${this.d.title}${this.f.continued}`;
    this.w.line(head, X0, this.y + 10, this.w.fit(head, CONTENT_W, 9, 6), { color: MUTED });
    this.y += 20;
  }

  titleBlock(): void {
    const { w, d } = this;
    w.line(d.unitName, PAGE_W / 2, this.y + 12, w.fit(d.unitName, CONTENT_W, 12, 8), { align: 'center' });
    this.y += 20;
    const title = `${d.teacherName}　${d.title}`;
    const size = w.fit(title, CONTENT_W, 19, 11, true);
    w.line(title, PAGE_W / 2, this.y + size, size, { bold: true, align: 'center', spacing: d.locale === 'en' ? 0 : 2 });
    this.y += size + 14;
    // the identity, two facts to a line
    const colon = d.locale === 'en' ? ': ' : '：';
    const half = CONTENT_W / 2;
    for (let i = 0; i < d.identity.length; i += 2) {
      for (const k of [0, 1]) {
        const f = d.identity[i + k];
        if (!f) continue;
        const text = `${f[0]}${colon}${f[1]}`;
        w.line(text, X0 + k * half, this.y + 10, w.fit(text, half - 8, 10, 6));
      }
      this.y += 17;
    }
    this.y += 4;
  }

  lay(cells: string[], widths: number[], bold = false): { lines: string[][]; height: number } {
    const lines = cells.map((text, i) => this.w.wrap(text, widths[i]! - 2 * PAD, SIZE, bold));
    return { lines, height: Math.max(17, Math.max(...lines.map((l) => l.length)) * LEADING + SIZE * 0.8) };
  }

  draw(row: { lines: string[][]; height: number }, widths: number[], o: { bold?: boolean; fill?: string } = {}): void {
    const { pdf } = this;
    if (o.fill) pdf.save().rect(X0, this.y, CONTENT_W, row.height).fill(o.fill).restore();
    let x = X0;
    for (const [i, ls] of row.lines.entries()) {
      const top = this.y + (row.height - ls.length * LEADING) / 2;
      for (const [k, text] of ls.entries())
        this.w.line(text, x + PAD, top + k * LEADING + SIZE * 1.02, SIZE, { bold: o.bold, color: INK });
      x += widths[i]!;
    }
    pdf.save().lineWidth(0.5).strokeColor(RULE).rect(X0, this.y, CONTENT_W, row.height);
    let sx = X0;
    for (const cw of widths.slice(0, -1)) {
      sx += cw;
      pdf.moveTo(sx, this.y).lineTo(sx, this.y + row.height);
    }
    pdf.stroke().restore();
    this.y += row.height;
  }

  section(s: ArchiveTable): void {
    const widths = widthsOf(this.w, s);
    const header = this.lay(s.columns, widths, true);
    const first = s.rows[0] ? this.lay(s.rows[0].map(cellText), widths) : this.lay([this.f.none], [CONTENT_W]);
    // the heading stays with the table's header and first row
    if (this.y + 24 + header.height + first.height > BOTTOM) this.newPage();
    this.y += 8;
    this.w.line(s.title, X0, this.y + 11, 11, { bold: true });
    this.y += 17;
    this.draw(header, widths, { bold: true, fill: HEAD_FILL });
    if (s.rows.length === 0) this.draw(first, [CONTENT_W]);
    for (const [i, r] of s.rows.entries()) {
      const row = i === 0 ? first : this.lay(r.map(cellText), widths);
      if (this.y + row.height > BOTTOM) {
        this.newPage();
        this.draw(header, widths, { bold: true, fill: HEAD_FILL });
      }
      this.draw(row, widths);
    }
    if (s.note) {
      for (const line of this.w.wrap(s.note, CONTENT_W, 8)) {
        if (this.y + 13 > BOTTOM) this.newPage();
        this.w.line(line, X0, this.y + 11, 8, { color: MUTED });
        this.y += 12;
      }
    }
    this.y += 4;
  }

  footers(): void {
    const { pdf, w, d, f } = this;
    const range = pdf.bufferedPageRange();
    for (let i = 0; i < range.count; i++) {
      pdf.switchToPage(range.start + i);
      const y = PAGE_H - 32;
      w.line(`${f.printed}${d.printedOn}`, X0, y, 7.5, { color: MUTED });
      w.line(f.page(i + 1, range.count), PAGE_W / 2, y, 8.5, { align: 'center' });
      const right = `${d.teacherName} ${d.title}`;
      w.line(right, X1, y, w.fit(right, PAGE_W / 2 - X0 - 60, 7.5, 4), { color: MUTED, align: 'right' });
    }
  }
}

/** Draws the archive as an A4 PDF. */
export function renderArchivePdf(d: ArchiveDocument): Promise<Buffer> {
  const pdf = new PDFDocument({
    size: 'A4',
    margin: 0,
    bufferPages: true,
    // no default font: the standard Helvetica would be parsed for nothing
    font: null as unknown as string,
    info: {
      Title: printable(`${d.teacherName} ${d.title}`),
      Author: printable(d.unitName),
      Subject: archiveLabel('title', d.locale),
      Creator: 'peixun',
    },
    lang: d.locale,
    displayTitle: true,
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const L = new Layout(pdf, d);
  L.titleBlock();
  for (const s of d.sections) L.section(s);
  L.footers();
  pdf.end();
  return done;
}
