/**
 * A form (form-document.ts) as an A4 PDF: the unit's name, the title, the facts, the table flowing
 * over as many pages as it needs (its header repeated), "第 N 页 共 M 页" on every page, and on the
 * last page the closing line, a space for the unit's seal (盖章) and the signature of the person in
 * charge with the date. Text goes through the certificate renderer's Writer, so the same embedded
 * Chinese font (Noto Serif SC) and per-character fallback print rare characters in names.
 */
import PDFDocument from 'pdfkit';
import { printable, Writer } from '../certificate-pdf/render.js';
import {
  cellText,
  FORM_FRAME_LABELS,
  type FormColumn,
  type FormDocument,
  type FormFrameLabels,
} from './form-document.js';

const PAGE_W = 595.28;
const PAGE_H = 841.89;
const X0 = 40;
const X1 = PAGE_W - 40;
const CONTENT_W = X1 - X0;
const TOP = 44;
const BOTTOM = PAGE_H - 56; // the footer sits below
const SEAL_BLOCK_H = 128;
const INK = '#1f1f1f';
const MUTED = '#5b5b5b';
const RULE = '#6b6b6b';
const HEAD_FILL = '#eeeeee';

interface LaidRow {
  lines: string[][];
  height: number;
}

class FormLayout {
  y = TOP;
  readonly w: Writer;
  readonly widths: number[];
  readonly l: FormFrameLabels;

  constructor(
    readonly pdf: PDFKit.PDFDocument,
    readonly d: FormDocument,
  ) {
    this.w = new Writer(pdf);
    this.l = FORM_FRAME_LABELS[d.locale] ?? FORM_FRAME_LABELS['zh-CN'];
    const total = d.columns.reduce((s, c) => s + c.width, 0) || 1;
    this.widths = d.columns.map((c) => (CONTENT_W * c.width) / total);
  }

  private readonly size = 9;
  private readonly pad = 3.5;

  lay(cells: string[], bold = false): LaidRow {
    const lines = cells.map((text, i) => this.w.wrap(text, this.widths[i]! - 2 * this.pad, this.size, bold));
    const lh = this.size * 1.4;
    return { lines, height: Math.max(20, Math.max(...lines.map((ls) => ls.length)) * lh + this.size * 0.9) };
  }

  draw(row: LaidRow, aligns: Array<FormColumn['align']>, opts: { bold?: boolean; fill?: string } = {}): void {
    const lh = this.size * 1.4;
    let x = X0;
    if (opts.fill) this.pdf.save().rect(X0, this.y, CONTENT_W, row.height).fill(opts.fill).restore();
    for (const [i, ls] of row.lines.entries()) {
      const cw = this.widths[i]!;
      const top = this.y + (row.height - ls.length * lh) / 2;
      const align = aligns[i] ?? 'left';
      const ax = align === 'left' ? x + this.pad : align === 'center' ? x + cw / 2 : x + cw - this.pad;
      for (const [k, text] of ls.entries())
        this.w.line(text, ax, top + k * lh + this.size * 1.05, this.size, { align, bold: opts.bold, color: INK });
      x += cw;
    }
    this.pdf.save().lineWidth(0.5).strokeColor(RULE).rect(X0, this.y, CONTENT_W, row.height);
    let sx = X0;
    for (const cw of this.widths.slice(0, -1)) {
      sx += cw;
      this.pdf.moveTo(sx, this.y).lineTo(sx, this.y + row.height);
    }
    this.pdf.stroke().restore();
    this.y += row.height;
  }

  header(): void {
    const row = this.lay(
      this.d.columns.map((c) => c.header),
      true,
    );
    this.draw(
      row,
      this.d.columns.map(() => 'center' as const),
      { bold: true, fill: HEAD_FILL },
    );
  }

  newPage(): void {
    this.pdf.addPage({ size: 'A4', margin: 0 });
    this.y = TOP;
    const title = `${this.d.unitName}　${this.d.title}${this.l.continued}`;
    this.w.line(title, X0, this.y + 10, this.w.fit(title, CONTENT_W, 10, 6), { bold: true, color: MUTED });
    this.y += 20;
  }

  titleBlock(): void {
    const { w, d, l } = this;
    w.line(d.unitName, PAGE_W / 2, this.y + 13, w.fit(d.unitName, CONTENT_W, 13, 8), { align: 'center' });
    this.y += 22;
    const size = w.fit(d.title, CONTENT_W, 20, 12, true);
    w.line(d.title, PAGE_W / 2, this.y + size, size, {
      bold: true,
      align: 'center',
      spacing: d.locale === 'en' ? 0 : 3,
    });
    this.y += size + 14;
    // the facts, two to a line where they fit
    const half = CONTENT_W / 2;
    const facts = d.facts.map(([k, v]) => `${k}${l.colon}${v}`);
    for (let i = 0; i < facts.length; ) {
      const a = facts[i]!;
      const b = facts[i + 1];
      const size = 10;
      if (b !== undefined && w.measure(a, size) < half - 8 && w.measure(b, size) < half - 8) {
        w.line(a, X0, this.y + size, size);
        w.line(b, X0 + half, this.y + size, size);
        i += 2;
        this.y += size * 1.7;
      } else {
        for (const line of w.wrap(a, CONTENT_W, size)) {
          w.line(line, X0, this.y + size, size);
          this.y += size * 1.7;
        }
        i += 1;
      }
    }
    this.y += 6;
  }

  table(): void {
    const aligns = this.d.columns.map((c) => c.align ?? (c.numeric ? 'right' : 'left'));
    this.header();
    if (this.d.rows.length === 0) {
      const row = this.lay([this.l.none, ...this.d.columns.slice(1).map(() => '')]);
      this.draw(row, aligns);
      return;
    }
    for (const cells of this.d.rows) {
      const row = this.lay(cells.map((v, i) => cellText(v, this.d.columns[i]!)));
      if (this.y + row.height > BOTTOM) {
        this.newPage();
        this.header();
      }
      this.draw(row, aligns);
    }
  }

  /** The closing line, then the seal and signature block: on this page when it fits, else on a new one. */
  closing(): void {
    const { w, d, l, pdf } = this;
    const summary = w.wrap(d.summary, CONTENT_W, 10);
    if (this.y + 10 + summary.length * 17 + SEAL_BLOCK_H > BOTTOM) this.newPage();
    this.y += 10;
    for (const line of summary) {
      w.line(line, X0, this.y + 10, 10);
      this.y += 17;
    }
    const top = this.y + 12;
    // left: unit, signature, date, each on a line to write on
    const lineY = (k: number) => top + 22 + k * 34;
    const labelW = Math.max(w.width(`${l.seal}${l.colon}`, 11), w.width(`${l.signature}${l.colon}`, 11));
    const rows: Array<[string, string]> = [
      [`${l.seal}${l.colon}`, d.unitName],
      [`${l.signature}${l.colon}`, ''],
      [`${l.date}${l.colon}`, l.dateBlank],
    ];
    const right = X1 - 150;
    for (const [k, [label, value]] of rows.entries()) {
      w.line(label, X0, lineY(k), 11);
      if (value) w.line(value, X0 + labelW + 4, lineY(k), w.fit(value, right - X0 - labelW - 10, 11, 7));
      pdf
        .save()
        .lineWidth(0.5)
        .strokeColor(RULE)
        .moveTo(X0 + labelW, lineY(k) + 4)
        .lineTo(right - 10, lineY(k) + 4)
        .stroke()
        .restore();
    }
    // right: a dashed circle where the seal goes
    const cx = X1 - 70;
    const cy = top + 52;
    pdf.save().lineWidth(0.6).strokeColor('#b0b0b0').dash(3, { space: 3 }).circle(cx, cy, 48).stroke().restore();
    w.line(l.sealHint, cx, cy + 4, 9, { align: 'center', color: '#a0a0a0' });
    this.y = top + SEAL_BLOCK_H - 12;
  }

  footers(): void {
    const { pdf, w, d, l } = this;
    const range = pdf.bufferedPageRange();
    for (let i = 0; i < range.count; i++) {
      pdf.switchToPage(range.start + i);
      const y = PAGE_H - 32;
      w.line(`${l.printedOn}${l.colon}${d.printedOn}`, X0, y, 7.5, { color: MUTED });
      w.line(l.page(i + 1, range.count), PAGE_W / 2, y, 8.5, { align: 'center' });
      w.line(d.title, X1, y, w.fit(d.title, PAGE_W / 2 - X0 - 60, 7.5, 4), { color: MUTED, align: 'right' });
    }
  }
}

/** Draws the form as an A4 PDF. */
export function renderFormPdf(d: FormDocument): Promise<Buffer> {
  const pdf = new PDFDocument({
    size: 'A4',
    margin: 0,
    bufferPages: true,
    // no default font: the standard Helvetica would be parsed for nothing
    font: null as unknown as string,
    info: { Title: printable(`${d.unitName} ${d.title}`), Author: printable(d.unitName), Creator: 'peixun' },
    lang: d.locale,
    displayTitle: true,
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const L = new FormLayout(pdf, d);
  L.titleBlock();
  L.table();
  L.closing();
  L.footers();
  pdf.end();
  return done;
}
