/**
 * Renders a continuing-education certificate (继续教育证书) or yearly record sheet (年度学时登记表)
 * as an A4 PDF with pdfkit: title, holder, summary, category table, the entries table flowing over
 * as many pages as it needs (header repeated, "第 n 页 / 共 m 页"), issuer, issue date and a vector
 * QR code of the verification URL.
 *
 * Font: Noto Serif SC (思源宋体) Regular and Bold from the npm package `@expo-google-fonts/noto-serif-sc`
 * (the fonts are SIL OFL 1.1, the package's code MIT), so a fresh `npm install` is all a machine needs.
 * These are Google Fonts' static instances with TrueType (glyf) outlines, 30,900 characters: all of
 * GB 2312, all of GBK but one, CJK Extension A (㛃, 䶮) and pinyin tone letters, but nothing of
 * Extension B (𠮷) and not Latin Extended-A (ś, ł).
 * A Song (serif) face is what formal Chinese certificates use. Each character is checked against
 * the font; one it lacks is drawn in the first fallback font that has it (FALLBACK_FONT_CANDIDATES:
 * system fonts, used only where installed, looked for where the distributions put them; Debian's
 * fonts-hanazono, which `.ci/run` installs, covers CJK Extensions A to F, e.g. 𠮷 and 𪚥), and where
 * none has it, as a visible box with its code point (like a last-resort font), never as a blank; such
 * characters are reported with the PDF (`renderCertificate`'s `missingGlyphs`).
 *
 * Speed: what costs is opening and parsing a 15 MB font for every PDF. The fonts are read and
 * parsed by fontkit once per process (thread) and the same fontkit Font object is handed to every
 * pdfkit document (pdfkit ≥ 0.16 accepts one), so each PDF only lays out its text and subsets the
 * glyphs it uses (TrueType subsetting copies glyf records; no CFF re-encoding). Measured with
 * bench/certificate-pdf.bench.ts on this 2-core machine (200 certificates of 30 entries with QR,
 * 2 pages, mean 67 KB; on a quiet machine, about a third less while other work shared it):
 *   pdfkit given the font file's buffer per document   ≈ 25 ms/PDF, 40 PDFs/s on one thread
 *   shared fontkit Font objects (this file)            ≈ 12–14 ms/PDF, 72–84 PDFs/s on one thread
 *   the same through pool.ts (2 workers, warm)         ≈ 140 PDFs/s (76/s counting worker start from source)
 *   WenQuanYi Micro Hei (Debian) shared the same way    ≈ 17.6 ms/PDF, 43 KB: no faster, no bold, not on npm
 * (DESIGN.md's 222 ms for the CFF `@embedpdf/fonts-sc` and 120 ms for WenQuanYi look like font
 * loads per PDF.) Pre-subsetting the font to GB 2312 was not needed: with the parse shared, a PDF costs
 * only its own glyphs. What remains is mostly deflate (pdfkit compresses streams) and glyph decoding.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import type { CertificateDocument } from './document.js';

// ---------------------------------------------------------------------------------------------
// Pure helpers
// ---------------------------------------------------------------------------------------------

/**
 * Hours held in tenths (integers) as the decimal string printed on certificates, computed with
 * integer arithmetic so no float rounding creeps in.
 * @example formatTenths(2415) // '241.5'
 * @example formatTenths(2400) // '240.0'
 */
export function formatTenths(tenths: number): string {
  if (!Number.isSafeInteger(tenths)) throw new TypeError(`hours must be an integer number of tenths, got ${tenths}`);
  const sign = tenths < 0 ? '-' : '';
  const abs = Math.abs(tenths);
  return `${sign}${Math.trunc(abs / 10)}.${abs % 10}`;
}

/** A stretch of text drawn with one font: `font` indexes the coverage list, null means no font has it. */
export interface GlyphRun {
  font: number | null;
  text: string;
}

/**
 * Splits text into runs per font: each character goes to the first font in `hasGlyph` that has a
 * glyph for it, or to `null` (drawn as a visible replacement) when none has. Adjacent characters
 * of the same font form one run. Works on code points, so 𠮷 (a surrogate pair) is one character.
 * @example glyphRuns('吉𠮷', [(cp) => cp < 0x10000]) // [{ font: 0, text: '吉' }, { font: null, text: '𠮷' }]
 */
export function glyphRuns(text: string, hasGlyph: ReadonlyArray<(codePoint: number) => boolean>): GlyphRun[] {
  const runs: GlyphRun[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    let font: number | null = null;
    for (let i = 0; i < hasGlyph.length; i++) {
      if (hasGlyph[i]!(cp)) {
        font = i;
        break;
      }
    }
    const last = runs[runs.length - 1];
    if (last && last.font === font) last.text += ch;
    else runs.push({ font, text: ch });
  }
  return runs;
}

// control characters become spaces; zero-width characters and variation selectors (which the
// fonts have no glyphs for and which would otherwise show as boxes) are dropped
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this drops
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
// biome-ignore lint/suspicious/noMisleadingCharacterClass: tag characters are matched as their surrogate pairs on purpose
const INVISIBLE = /[\u200b-\u200d\u2060\ufeff\ufe00-\ufe0f]|\udb40[\udd00-\uddef]/g;

/** Text as it is printed: one line, no invisible characters. */
export function printable(text: string): string {
  return text.replace(CONTROL, ' ').replace(INVISIBLE, '');
}

function formatDate(iso: string, locale: CertificateDocument['locale']): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  const [, y, mo, d] = m;
  if (locale === 'en') return `${EN_MONTHS[Number(mo) - 1] ?? mo} ${Number(d)}, ${y}`;
  return `${y}年${Number(mo)}月${Number(d)}日`;
}
const EN_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

// ---------------------------------------------------------------------------------------------
// Labels (the PDF is the only place they are used; names and other data are printed as given)
// ---------------------------------------------------------------------------------------------

interface Labels {
  title(doc: CertificateDocument): string;
  subtitle: string | null;
  certificateNo: string;
  name: string;
  idNumber: string;
  unit: string;
  cycle: string;
  year: string;
  yearValue(year: number, cycleName: string): string;
  statement(doc: CertificateDocument, total: string, required: string): string;
  totalHours: string;
  requiredHours: string;
  credits: string;
  status: string;
  statusValue: Record<CertificateDocument['status'], string>;
  /** the summary's last cell on a record of hours so far, instead of a result */
  asOf: string;
  hoursUnit: string;
  categoryHead: [string, string, string, string];
  met: string;
  notMet: string;
  /** on a record of hours so far, a minimum not reached yet */
  toGo(hours: string): string;
  issuer: string;
  issuedOn: string;
  scanToVerify: string;
  entriesHead: [string, string, string, string, string, string];
  noEntries: string;
  entriesHeading(n: number): string;
  entriesContinued: string;
  colon: string;
  continued: string;
  page(n: number, m: number): string;
}

const LABELS: Record<CertificateDocument['locale'], Labels> = {
  'zh-CN': {
    title: (d) =>
      d.kind === 'cycle'
        ? '中小学教师继续教育证书'
        : d.kind === 'record'
          ? '中小学教师继续教育学时证明'
          : `${d.year ?? ''}年度继续教育学时登记表`,
    subtitle: null,
    certificateNo: '证书编号',
    name: '姓　　名',
    idNumber: '身份证号',
    unit: '工作单位',
    cycle: '培训周期',
    year: '登记年度',
    yearValue: (y, cycle) => `${y}年（${cycle}周期）`,
    statement: (d, total, required) => {
      const name = printable(d.teacherName);
      if (d.kind === 'cycle') {
        return (
          `兹证明 ${name} 同志在 ${d.cycleName} 继续教育周期内参加继续教育，累计完成 ${total} 学时（规定 ${required} 学时），` +
          `折合 ${d.credits} 学分，${d.status === 'complete' ? '经审核，已达到规定要求。' : '尚未达到规定要求。'}`
        );
      }
      if (d.kind === 'record') {
        return (
          `兹证明 ${name} 同志在 ${d.cycleName} 继续教育周期内，截至 ${formatDate(d.issuedOn, 'zh-CN')} 累计完成 ${total} 学时` +
          `（周期规定 ${required} 学时），折合 ${d.credits} 学分。本周期尚未结束，本证明只载明截至该日的学时，不作周期达标认定。`
        );
      }
      return (
        `${name} 同志 ${d.year ?? ''} 年度（${d.cycleName}周期）参加继续教育共 ${total} 学时（年度要求 ${required} 学时），` +
        `折合 ${d.credits} 学分，${d.status === 'complete' ? '已达到年度要求。' : '尚未达到年度要求。'}`
      );
    },
    totalHours: '累计学时',
    requiredHours: '规定学时',
    credits: '折合学分',
    status: '认定结论',
    statusValue: { complete: '已达标', incomplete: '未达标' },
    asOf: '数据截至',
    hoursUnit: '学时',
    categoryHead: ['学时类别', '已获学时', '最低要求', '是否达标'],
    met: '达标',
    notMet: '未达标',
    toGo: (h) => `尚差 ${h} 学时`,
    issuer: '发证单位',
    issuedOn: '发证日期',
    scanToVerify: '扫码验证真伪',
    entriesHead: ['序号', '日期', '培训项目', '主办单位', '学时类别', '学时'],
    noEntries: '（无学时记录）',
    entriesHeading: (n) => `学时明细（共 ${n} 条记录）`,
    entriesContinued: '学时明细（续）',
    colon: '：',
    continued: '（续）',
    page: (n, m) => `第 ${n} 页 / 共 ${m} 页`,
  },
  en: {
    title: (d) =>
      d.kind === 'cycle'
        ? 'Continuing Education Certificate'
        : d.kind === 'record'
          ? 'Record of Continuing Education Hours'
          : `Continuing Education Record ${d.year ?? ''}`.trim(),
    subtitle: 'Primary and Secondary School Teachers',
    certificateNo: 'Certificate No.',
    name: 'Name',
    idNumber: 'ID number',
    unit: 'School',
    cycle: 'Cycle',
    year: 'Year',
    yearValue: (y, cycle) => `${y} (cycle ${cycle})`,
    statement: (d, total, required) => {
      const name = printable(d.teacherName);
      if (d.kind === 'cycle') {
        return (
          `This is to certify that ${name} completed ${total} hours of continuing education in the cycle ${d.cycleName} ` +
          `(${required} hours required), equal to ${d.credits} credits, and ${d.status === 'complete' ? 'has met the requirement.' : 'has not yet met the requirement.'}`
        );
      }
      if (d.kind === 'record') {
        return (
          `This is to certify that ${name} had completed ${total} hours of continuing education in the cycle ${d.cycleName} ` +
          `as of ${formatDate(d.issuedOn, 'en')} (${required} hours required in the cycle), equal to ${d.credits} credits. ` +
          'The cycle has not ended: this record states the hours up to that day and does not decide whether the requirement is met.'
        );
      }
      return (
        `${name} completed ${total} hours of continuing education in ${d.year ?? ''} (cycle ${d.cycleName}; ${required} hours required for the year), ` +
        `equal to ${d.credits} credits, and ${d.status === 'complete' ? 'has met the yearly requirement.' : 'has not yet met the yearly requirement.'}`
      );
    },
    totalHours: 'Total hours',
    requiredHours: 'Required hours',
    credits: 'Credits',
    status: 'Result',
    statusValue: { complete: 'Complete', incomplete: 'Incomplete' },
    asOf: 'As of',
    hoursUnit: 'h',
    categoryHead: ['Category', 'Hours', 'Minimum', 'Result'],
    met: 'Met',
    notMet: 'Not met',
    toGo: (h) => `${h} h to go`,
    issuer: 'Issued by',
    issuedOn: 'Date of issue',
    scanToVerify: 'Scan to verify',
    entriesHead: ['No.', 'Date', 'Course / project', 'Organiser', 'Category', 'Hours'],
    noEntries: '(no entries)',
    entriesHeading: (n) => `Record of training (${n} ${n === 1 ? 'entry' : 'entries'})`,
    entriesContinued: 'Record of training (continued)',
    colon: ': ',
    continued: ' (continued)',
    page: (n, m) => `Page ${n} of ${m}`,
  },
};

// ---------------------------------------------------------------------------------------------
// Fonts: loaded and parsed once per process (per worker thread), shared by every document
// ---------------------------------------------------------------------------------------------

const requireHere = createRequire(import.meta.url);

/** The main fonts, resolved from node_modules (works from the sources and from the server bundle). */
export const MAIN_FONT_FILES = {
  regular: '@expo-google-fonts/noto-serif-sc/400Regular/NotoSerifSC_400Regular.ttf',
  bold: '@expo-google-fonts/noto-serif-sc/700Bold/NotoSerifSC_700Bold.ttf',
} as const;

/**
 * Fonts tried, in order, for characters the main font lacks; each used only if the file exists.
 * TrueType outlines first (faster to subset). The main font has pinyin tone letters but not Latin
 * Extended-A (ś, ł, ő). Debian packages: fonts-dejavu-core (Latin, Greek, Cyrillic), fonts-hanazono
 * (CJK Extensions A–F, e.g. 𠮷), fonts-wqy-microhei (Hangul, compatibility ideographs), fonts-noto-cjk.
 */
export const FALLBACK_FONT_CANDIDATES: ReadonlyArray<{ file: string; postscriptName?: string }> = [
  { file: '/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf' }, // Latin Extended (ś, ł, ő), Greek, Cyrillic
  { file: '/usr/share/fonts/truetype/hanazono/HanaMinA.ttf' },
  { file: '/usr/share/fonts/truetype/hanazono/HanaMinB.ttf' },
  { file: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', postscriptName: 'WenQuanYiMicroHei' },
  { file: '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc', postscriptName: 'NotoSerifCJKsc-Regular' },
  { file: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', postscriptName: 'NotoSansCJKsc-Regular' },
];

/**
 * Where a fallback font is also looked for (by its file name) when it is not at the path its
 * candidate names: Fedora and Arch put fonts elsewhere, and an administrator without the package can
 * copy the files (e.g. HanaMinA.ttf and HanaMinB.ttf) to /usr/local/share/fonts.
 */
export const FONT_SEARCH_DIRS: readonly string[] = [
  '/usr/share/fonts/truetype/hanazono',
  '/usr/share/fonts/hanazono',
  '/usr/share/fonts/TTF',
  '/usr/share/fonts/truetype',
  '/usr/local/share/fonts',
  '/usr/local/share/fonts/hanazono',
  '/usr/local/share/fonts/truetype',
];

/** The path of an installed font file: where the candidate says, or a file of that name in `FONT_SEARCH_DIRS`. */
export function locateFont(file: string, dirs: readonly string[] = FONT_SEARCH_DIRS): string | null {
  if (fs.existsSync(file)) return file;
  for (const dir of dirs) {
    const p = path.join(dir, path.basename(file));
    if (fs.existsSync(p)) return p;
  }
  return null;
}

class Face {
  /** advance widths in 1/1000 em by code point; null where the font has no glyph */
  private readonly widths = new Map<number, number | null>();

  constructor(
    readonly key: string,
    readonly font: fontkit.Font,
  ) {}

  get name(): string {
    return this.font.postscriptName;
  }

  /** Advance width in 1/1000 em, or null when the font has no glyph for the code point. */
  advance(cp: number): number | null {
    let w = this.widths.get(cp);
    if (w === undefined) {
      w = this.font.hasGlyphForCodePoint(cp)
        ? (this.font.glyphForCodePoint(cp).advanceWidth * 1000) / this.font.unitsPerEm
        : null;
      this.widths.set(cp, w);
    }
    return w;
  }

  has(cp: number): boolean {
    return this.advance(cp) !== null;
  }
}

function openFont(file: string, postscriptName?: string): fontkit.Font {
  const f = fontkit.create(fs.readFileSync(file), postscriptName) as fontkit.Font | fontkit.FontCollection | null;
  // a collection without the named member: take its first font
  const font = f && 'fonts' in f ? f.fonts[0] : f;
  if (!font) throw new Error(`no font ${postscriptName ?? ''} in ${file}`);
  return font;
}

let mainFaces: { regular: Face; bold: Face } | undefined;
/** per installed candidate: its face once opened (undefined: not yet; null: could not be read) */
let fallbackSlots: Array<{ key: string; file: string; postscriptName?: string; face?: Face | null }> | undefined;

function faces(): { regular: Face; bold: Face } {
  mainFaces ??= {
    regular: new Face('main', openFont(requireHere.resolve(MAIN_FONT_FILES.regular))),
    bold: new Face('main-bold', openFont(requireHere.resolve(MAIN_FONT_FILES.bold))),
  };
  return mainFaces;
}

/**
 * The installed fallback fonts, in order. Each is opened only when a character gets to it (none of
 * the fonts before it has the character), so ordinary certificates never load one.
 */
function fallbacks(): Array<() => Face | null> {
  fallbackSlots ??= FALLBACK_FONT_CANDIDATES.flatMap((c, i) => {
    const file = locateFont(c.file);
    return file ? [{ key: `fallback-${i}`, ...c, file }] : [];
  });
  return fallbackSlots.map((slot) => () => {
    if (slot.face === undefined) {
      try {
        slot.face = new Face(slot.key, openFont(slot.file, slot.postscriptName));
      } catch {
        slot.face = null; // unreadable or unsupported: skipped, the replacement box still shows the character
      }
    }
    return slot.face;
  });
}

/** Reads and parses the fonts now (a worker does so at start, before its first job). */
export function preloadCertificateFonts(): void {
  const f = faces();
  // touch the tables every PDF uses, so the first PDF is not slower than the rest
  for (const ch of '中小学教师继续教育证书0123456789.') {
    f.regular.advance(ch.codePointAt(0)!);
    f.bold.advance(ch.codePointAt(0)!);
  }
}

/** Face per run: the main face (regular or bold), a fallback face, or null (replacement box). */
function faceRuns(text: string, bold: boolean): Array<{ face: Face | null; text: string }> {
  const main = bold ? faces().bold : faces().regular;
  let allMain = true;
  for (const ch of text) {
    if (!main.has(ch.codePointAt(0)!)) {
      allMain = false;
      break;
    }
  }
  if (allMain) return [{ face: main, text }];
  const chain = [() => main, ...fallbacks()];
  const runs = glyphRuns(
    text,
    chain.map((face) => (cp: number) => face()?.has(cp) ?? false),
  ).map((r) => ({ face: r.font === null ? null : chain[r.font]!(), text: r.text }));
  if (missingNow) for (const r of runs) if (!r.face) for (const ch of r.text) missingNow.add(codePointLabel(ch));
  return runs;
}

/** The characters of the document being drawn that no font has (drawn as boxes), while it is drawn. */
let missingNow: Set<string> | undefined;

/** 'U+20BB7 𠮷': how a character no font has is reported. */
const codePointLabel = (ch: string) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} ${ch}`;

/**
 * How the renderer splits text over its fonts: the PostScript name of the font per run, or null
 * for characters that no available font has (drawn as a box showing the code point).
 * @example certificateFontRuns('吉𠮷') // [{ font: 'NotoSerifSC-Regular', text: '吉' }, { font: null, text: '𠮷' }] where no fallback font is installed
 */
export function certificateFontRuns(
  text: string,
  opts: { bold?: boolean } = {},
): Array<{ font: string | null; text: string }> {
  return faceRuns(printable(text), opts.bold ?? false).map((r) => ({ font: r.face?.name ?? null, text: r.text }));
}

// ---------------------------------------------------------------------------------------------
// Drawing text with per-character font fallback
// ---------------------------------------------------------------------------------------------

type Align = 'left' | 'center' | 'right';

const INK = '#1f1f1f';
const RED = '#8b1a1a';
const MUTED = '#5b5b5b';
const RULE = '#6b6b6b';
const HEAD_FILL = '#f3ece0';
const LABEL_FILL = '#faf6ef';
const GREEN = '#1d5b2c';

// a line is not begun with closing punctuation: it hangs at the end of the line before
const NO_LINE_START = new Set([...'，。、；：？！）」』》〉】〕…—,.;:!?)]}%']);
const WORD_OR_CHAR = /[^\s\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff00-\uffef]+|[\s\S]/gu;

/** Draws text with per-character font fallback on one pdfkit document (the printed forms use it too). */
export class Writer {
  private readonly registered = new Set<string>();

  constructor(readonly pdf: PDFKit.PDFDocument) {}

  private use(face: Face, size: number): void {
    if (!this.registered.has(face.key)) {
      // pdfkit ≥ 0.16 takes a fontkit Font as a font source (PDFFontFactory.open checks for
      // `layout`), which lets every document share one parsed font; @types/pdfkit does not list it
      this.pdf.registerFont(face.key, face.font as unknown as Buffer);
      this.registered.add(face.key);
    }
    this.pdf.font(face.key).fontSize(size);
  }

  /** Width of one line as drawn (pdfkit's own layout, kerning included), in points. */
  width(text: string, size: number, bold = false, spacing = 0): number {
    let w = 0;
    let runs = 0;
    for (const run of faceRuns(printable(text), bold)) {
      if (run.face) {
        this.use(run.face, size);
        w += this.pdf.widthOfString(run.text, { characterSpacing: spacing });
      } else {
        w += [...run.text].length * (size + spacing) - spacing;
      }
      runs++;
    }
    return w + spacing * Math.max(0, runs - 1);
  }

  /** The largest size, from `size` down to `min`, at which the line fits into `maxWidth`. */
  fit(text: string, maxWidth: number, size: number, min = size * 0.6, bold = false): number {
    let s = size;
    while (s > min && this.width(text, s, bold) > maxWidth) s = Math.max(min, s - 0.5);
    return s;
  }

  /** Width of text from the advance widths alone (no kerning, so never narrower than drawn): quick, for line breaking. */
  measure(text: string, size: number, bold = false, spacing = 0): number {
    let units = 0;
    let n = 0;
    for (const run of faceRuns(text, bold)) {
      for (const ch of run.text) {
        units += run.face ? (run.face.advance(ch.codePointAt(0)!) ?? 1000) : 1000;
        n++;
      }
    }
    return (units * size) / 1000 + spacing * Math.max(0, n - 1);
  }

  /** Draws one line with its baseline at `baseline`; x is the left, centre or right edge per `align`. */
  line(
    text: string,
    x: number,
    baseline: number,
    size: number,
    o: { bold?: boolean; color?: string; align?: Align; spacing?: number } = {},
  ): void {
    const clean = printable(text);
    if (clean === '') return;
    const bold = o.bold ?? false;
    const spacing = o.spacing ?? 0;
    const align = o.align ?? 'left';
    if (align !== 'left') {
      const w = this.width(clean, size, bold, spacing);
      x -= align === 'center' ? w / 2 : w;
    }
    const color = o.color ?? INK;
    for (const run of faceRuns(clean, bold)) {
      if (run.face) {
        this.use(run.face, size);
        // a fallback font has no bold: embolden its outline with a thin stroke of the same colour
        const fakeBold = bold && run.face !== faces().bold;
        if (fakeBold)
          this.pdf
            .save()
            .lineWidth(size * 0.035)
            .strokeColor(color);
        this.pdf.fillColor(color).text(run.text, x, baseline, {
          lineBreak: false,
          baseline: 'alphabetic',
          characterSpacing: spacing,
          ...(fakeBold ? { fill: true, stroke: true } : {}),
        });
        if (fakeBold) this.pdf.restore();
        x += this.pdf.widthOfString(run.text, { characterSpacing: spacing }) + spacing;
      } else {
        for (const ch of run.text) {
          this.replacement(ch.codePointAt(0)!, x, baseline, size, color);
          x += size + spacing;
        }
      }
    }
  }

  /** A character no font has: a box with its code point in it, as last-resort fonts draw it. */
  private replacement(cp: number, x: number, baseline: number, size: number, color: string): void {
    const top = baseline - size * 0.8;
    const w = size * 0.86;
    const h = size * 0.96;
    this.pdf
      .save()
      .lineWidth(Math.max(0.4, size / 20))
      .strokeColor(color)
      .rect(x + size * 0.07, top, w, h)
      .stroke()
      .restore();
    const hex = cp.toString(16).toUpperCase().padStart(4, '0');
    const rows = hex.length > 4 ? [hex.slice(0, 3), hex.slice(3)] : [hex.slice(0, 2), hex.slice(2)];
    const s = size * 0.3;
    const cx = x + size * 0.5;
    this.line(rows[0]!, cx, top + h * 0.45, s, { color, align: 'center' });
    this.line(rows[1]!, cx, top + h * 0.85, s, { color, align: 'center' });
  }

  /** Breaks text into lines no wider than `width` (CJK anywhere, Latin words whole where they fit). */
  wrap(text: string, width: number, size: number, bold = false): string[] {
    const clean = printable(text).trim();
    if (clean === '') return [''];
    if (this.measure(clean, size, bold) <= width) return [clean];
    // a token is a word of a spaced script (Latin, Cyrillic, digits, a URL) or one character
    const tokens = clean.match(WORD_OR_CHAR) ?? [];
    const lines: string[] = [];
    let line = '';
    let lineW = 0;
    const push = () => {
      lines.push(line.trimEnd());
      line = '';
      lineW = 0;
    };
    for (const tok of tokens) {
      const w = this.measure(tok, size, bold);
      if (/^\s$/.test(tok)) {
        if (line === '') continue;
        if (lineW + w > width) push();
        else {
          line += tok;
          lineW += w;
        }
        continue;
      }
      if (lineW + w <= width) {
        line += tok;
        lineW += w;
      } else if (NO_LINE_START.has(tok) && line !== '') {
        line += tok; // hangs past the edge by one mark
        lineW += w;
      } else if (w > width || (/[/:?&=]/.test(tok) && w > width / 2 && width - lineW > width / 4)) {
        // a word longer than the line, or a long URL: break it wherever the line is full
        for (const ch of tok) {
          const cw = this.measure(ch, size, bold);
          if (lineW + cw > width && line !== '') push();
          line += ch;
          lineW += cw;
        }
      } else {
        push();
        line = tok;
        lineW = w;
      }
    }
    if (line.trim() !== '') push();
    return lines.length > 0 ? lines : [''];
  }
}

// ---------------------------------------------------------------------------------------------
// Layout
// ---------------------------------------------------------------------------------------------

const PAGE_W = 595.28;
const PAGE_H = 841.89;
const X0 = 50;
const X1 = PAGE_W - 50;
const CONTENT_W = X1 - X0;
const TOP = 52;
const BOTTOM = PAGE_H - 62; // content ends here; the footer sits below

interface Cell {
  text: string;
  width: number;
  align?: Align;
  bold?: boolean;
  fill?: string;
  color?: string;
}

interface LaidRow {
  cells: Cell[];
  lines: string[][];
  height: number;
  size: number;
  /** line height as a multiple of the size */
  leading: number;
}

class Layout {
  y = TOP;
  page = 1;
  readonly w: Writer;

  constructor(
    readonly pdf: PDFKit.PDFDocument,
    readonly d: CertificateDocument,
    readonly l: Labels,
  ) {
    this.w = new Writer(pdf);
    this.frame();
  }

  /** Double border of every page. */
  private frame(): void {
    this.pdf.save();
    this.pdf
      .lineWidth(2.2)
      .strokeColor(RED)
      .rect(22, 22, PAGE_W - 44, PAGE_H - 44)
      .stroke();
    this.pdf
      .lineWidth(0.6)
      .rect(27, 27, PAGE_W - 54, PAGE_H - 54)
      .stroke();
    this.pdf.restore();
  }

  newPage(): void {
    this.pdf.addPage({ size: 'A4', margin: 0 });
    this.page++;
    this.frame();
    this.y = TOP;
    const title = `${this.l.title(this.d)}${this.l.continued}`;
    this.w.line(title, X0, this.y + 10, 10, { bold: true, color: RED });
    const who = `${this.d.teacherName}　${this.l.certificateNo}${this.l.colon}${this.d.code}`;
    this.w.line(who, X1, this.y + 10, this.w.fit(who, CONTENT_W / 2, 8.5, 5), { color: MUTED, align: 'right' });
    this.y += 16;
    this.pdf.save().lineWidth(0.6).strokeColor(RED).moveTo(X0, this.y).lineTo(X1, this.y).stroke().restore();
    this.y += 10;
  }

  /** Starts a new page unless `h` more points fit on this one. */
  ensure(h: number): boolean {
    if (this.y + h <= BOTTOM) return false;
    this.newPage();
    return true;
  }

  layRow(cells: Cell[], size: number, padX = 4, leading = 1.45, padY = 0.9): LaidRow {
    const lines = cells.map((c) => this.w.wrap(c.text, c.width - 2 * padX, size, c.bold));
    const lh = size * leading;
    const height = Math.max(...lines.map((ls) => ls.length)) * lh + size * padY;
    return { cells, lines, height, size, leading };
  }

  drawRow(row: LaidRow, x = X0, padX = 4): void {
    const { size } = row;
    const lh = size * row.leading;
    let cx = x;
    for (const [i, c] of row.cells.entries()) {
      if (c.fill) this.pdf.save().rect(cx, this.y, c.width, row.height).fill(c.fill).restore();
      const ls = row.lines[i]!;
      const top = this.y + (row.height - ls.length * lh) / 2;
      for (const [k, text] of ls.entries()) {
        const baseline = top + k * lh + size * 1.08;
        const align = c.align ?? 'left';
        const ax = align === 'left' ? cx + padX : align === 'center' ? cx + c.width / 2 : cx + c.width - padX;
        this.w.line(text, ax, baseline, size, { bold: c.bold, color: c.color, align });
      }
      cx += c.width;
    }
    // grid lines: the row's box and the cell separators
    this.pdf.save().lineWidth(0.5).strokeColor(RULE);
    this.pdf.rect(x, this.y, cx - x, row.height);
    let sx = x;
    for (const c of row.cells.slice(0, -1)) {
      sx += c.width;
      this.pdf.moveTo(sx, this.y).lineTo(sx, this.y + row.height);
    }
    this.pdf.stroke().restore();
    this.y += row.height;
  }

  heading(text: string, keepOnPage = false): void {
    if (!keepOnPage) this.ensure(40);
    this.y += 8;
    this.pdf
      .save()
      .rect(X0, this.y + 1, 3, 12)
      .fill(RED)
      .restore();
    this.w.line(text, X0 + 8, this.y + 11.5, 11.5, { bold: true, color: RED });
    this.y += 19;
  }
}

function titleBlock(L: Layout): void {
  const { w, d, l } = L;
  const title = l.title(d);
  const zh = d.locale !== 'en';
  let size = zh ? 26 : 22;
  const spacing = zh ? (d.kind === 'cycle' ? 5 : 2) : 0;
  while (size > 12 && w.width(title, size, true, spacing) > CONTENT_W) size -= 1;
  L.y += 8;
  w.line(title, PAGE_W / 2, L.y + size, size, { bold: true, color: RED, align: 'center', spacing });
  L.y += size + 10;
  if (l.subtitle) {
    w.line(l.subtitle, PAGE_W / 2, L.y + 11, 11, { color: RED, align: 'center' });
    L.y += 17;
  }
  // ornamental rule
  L.pdf
    .save()
    .lineWidth(1.2)
    .strokeColor(RED)
    .moveTo(X0 + 60, L.y)
    .lineTo(X1 - 60, L.y)
    .stroke();
  L.pdf
    .lineWidth(0.5)
    .moveTo(X0 + 60, L.y + 2.5)
    .lineTo(X1 - 60, L.y + 2.5)
    .stroke()
    .restore();
  L.y += 16;
  w.line(`${l.certificateNo}${l.colon}${d.code}`, X1, L.y, 9.5, { color: MUTED, align: 'right' });
  L.y += 8;
}

function holderBlock(L: Layout): void {
  const { d, l } = L;
  const lw = 70;
  const vw = CONTENT_W / 2 - lw;
  const periodLabel = d.kind === 'year' ? l.year : l.cycle;
  const periodValue = d.kind === 'year' && d.year !== null ? l.yearValue(d.year, d.cycleName) : d.cycleName;
  const label = (text: string): Cell => ({ text, width: lw, align: 'center', fill: LABEL_FILL, color: MUTED });
  const rows: Cell[][] = [
    [
      label(l.name),
      { text: d.teacherName, width: vw, bold: true },
      label(l.idNumber),
      { text: d.idNumberMasked, width: vw },
    ],
    [label(l.unit), { text: d.unitName, width: CONTENT_W - lw }],
    [label(periodLabel), { text: periodValue, width: CONTENT_W - lw }],
  ];
  for (const cells of rows) {
    const row = L.layRow(cells, 10.5);
    row.height = Math.max(row.height, 24);
    L.ensure(row.height);
    L.drawRow(row);
  }
  L.y += 12;
}

function statementBlock(L: Layout): void {
  const { w, d, l } = L;
  const size = d.locale === 'en' ? 10.5 : 11;
  const text = l.statement(d, formatTenths(d.totalHours), formatTenths(d.requiredHours));
  const indent = d.locale === 'en' ? 0 : size * 2; // 首行缩进两字
  const first = w.wrap(text, CONTENT_W - indent, size);
  const lines =
    first.length > 1 ? [first[0]!, ...w.wrap(text.slice(first[0]!.length).trimStart(), CONTENT_W, size)] : first;
  const lh = size * 1.75;
  L.ensure(lines.length * lh);
  for (const [i, line] of lines.entries()) {
    w.line(line, X0 + (i === 0 ? indent : 0), L.y + size + i * lh, size);
  }
  L.y += lines.length * lh + 6;
}

function summaryBlock(L: Layout): void {
  const { w, d, l } = L;
  const items: Array<{ label: string; value: string; unit: string; color?: string }> = [
    { label: l.totalHours, value: formatTenths(d.totalHours), unit: l.hoursUnit },
    { label: l.requiredHours, value: formatTenths(d.requiredHours), unit: l.hoursUnit },
    { label: l.credits, value: d.credits, unit: '' },
    d.kind === 'record'
      ? { label: l.asOf, value: formatDate(d.issuedOn, d.locale), unit: '' }
      : { label: l.status, value: l.statusValue[d.status], unit: '', color: d.status === 'complete' ? GREEN : RED },
  ];
  const h = 50;
  L.ensure(h + 10);
  const cw = CONTENT_W / items.length;
  L.pdf.save().lineWidth(0.8).strokeColor(RED).rect(X0, L.y, CONTENT_W, h).stroke();
  for (let i = 1; i < items.length; i++)
    L.pdf
      .lineWidth(0.4)
      .moveTo(X0 + i * cw, L.y + 8)
      .lineTo(X0 + i * cw, L.y + h - 8)
      .stroke();
  L.pdf.restore();
  for (const [i, it] of items.entries()) {
    const cx = X0 + cw * i + cw / 2;
    w.line(it.label, cx, L.y + 16, 9, { color: MUTED, align: 'center' });
    const valueSize = w.fit(it.value, cw - 12, 16, 9, true);
    const unitSize = 9;
    const vw = w.width(it.value, valueSize, true);
    const uw = it.unit ? w.width(it.unit, unitSize) + 3 : 0;
    const left = cx - (vw + uw) / 2;
    w.line(it.value, left, L.y + 39, valueSize, { bold: true, color: it.color ?? INK });
    if (it.unit) w.line(it.unit, left + vw + 3, L.y + 39, unitSize, { color: MUTED });
  }
  L.y += h + 6;
}

function categoryBlock(L: Layout): void {
  const { d, l } = L;
  if (d.categories.length === 0) return;
  const widths = [CONTENT_W * 0.4, CONTENT_W * 0.2, CONTENT_W * 0.2, CONTENT_W * 0.2];
  const head = (): LaidRow =>
    L.layRow(
      l.categoryHead.map((text, i) => ({
        text,
        width: widths[i]!,
        align: 'center' as Align,
        bold: true,
        fill: HEAD_FILL,
      })),
      9.5,
    );
  L.y += 6;
  let header = head();
  L.ensure(header.height * 2);
  L.drawRow(header);
  for (const c of d.categories) {
    // a record of hours so far decides nothing: a minimum not reached yet says how much is still to go
    const toGo = d.kind === 'record' && c.met === false && c.minimum !== null;
    const verdict = c.met === null ? '—' : toGo ? l.toGo(formatTenths(c.minimum! - c.hours)) : c.met ? l.met : l.notMet;
    const row = L.layRow(
      [
        { text: c.name, width: widths[0]! },
        { text: formatTenths(c.hours), width: widths[1]!, align: 'right' },
        { text: c.minimum === null ? '—' : formatTenths(c.minimum), width: widths[2]!, align: 'right' },
        {
          text: verdict,
          width: widths[3]!,
          align: 'center',
          color: toGo ? MUTED : c.met === false ? RED : c.met ? GREEN : MUTED,
          bold: c.met === false && !toGo,
        },
      ],
      9.5,
    );
    if (L.ensure(row.height)) {
      header = head();
      L.drawRow(header);
    }
    L.drawRow(row);
  }
  L.y += 10;
}

const QR_SIZE = 76;
const URL_SIZE = 5.2;

/** The height of the issuer, date and QR code block (with its top margin). */
function issueBlockHeight(L: Layout): number {
  const urlLines = L.w.wrap(L.d.verifyUrl, QR_SIZE + 30, URL_SIZE);
  return QR_SIZE + 34 + Math.max(0, urlLines.length - 2) * URL_SIZE * 1.3 + 4;
}

function issueBlock(L: Layout): void {
  const { w, d, l, pdf } = L;
  const qrSize = QR_SIZE;
  const urlSize = URL_SIZE;
  const urlLines = w.wrap(d.verifyUrl, qrSize + 30, urlSize);
  const h = issueBlockHeight(L) - 4;
  L.ensure(h + 4);
  const top = L.y + 4;
  // left: issuer and date, right-aligned against the QR code as a signature block
  const textRight = X1 - qrSize - 24;
  const issuer = `${l.issuer}${l.colon}${d.issuerName}`;
  w.line(issuer, textRight, top + 26, w.fit(issuer, textRight - X0, 11.5), { align: 'right' });
  w.line(`${l.issuedOn}${l.colon}${formatDate(d.issuedOn, d.locale)}`, textRight, top + 50, 11.5, { align: 'right' });
  // right: QR code with caption and the URL in small print
  const qx = X1 - qrSize;
  drawQr(pdf, d.verifyUrl, qx, top, qrSize);
  w.line(l.scanToVerify, qx + qrSize / 2, top + qrSize + 9, 7.5, { align: 'center', color: INK });
  for (const [i, line] of urlLines.entries()) {
    w.line(line, qx + qrSize / 2, top + qrSize + 16 + i * urlSize * 1.3, urlSize, { align: 'center', color: MUTED });
  }
  L.y = top + h;
}

/**
 * Splits the rows of a table over pages so that the block after it (the issuer and the QR code,
 * `tail` points high) ends the last page after at least `keep` rows (all of them when fewer), never
 * alone on a page of its own. `first` points are free for rows on the current page, `next` on each
 * further page. Returns the number of rows on each page; a first count of 0 starts the table on a
 * new page.
 * @example planTablePages([10, 10, 10], { first: 45, next: 100, tail: 20, keep: 2 }) // [0, 3]: the table starts on the next page
 */
export function planTablePages(
  heights: readonly number[],
  o: { first: number; next: number; tail: number; keep: number },
): number[] {
  const keep = Math.min(o.keep, heights.length);
  const pages = [0];
  let free = o.first;
  const place = (h: number) => {
    const last = pages.length - 1;
    // a row taller than a whole page still goes on a page of its own rather than nowhere
    if (h > free && !(pages[last] === 0 && free === o.next)) {
      pages.push(0);
      free = o.next;
    }
    free -= h;
    pages[pages.length - 1]!++;
  };
  for (const h of heights.slice(0, heights.length - keep)) place(h);
  // the last rows go with the tail: on this page when both fit, else together on the next
  const lastRows = heights.slice(heights.length - keep);
  const together = lastRows.reduce((a, h) => a + h, 0) + o.tail;
  if (together > free && !(pages[pages.length - 1] === 0 && free === o.next)) {
    pages.push(0);
    free = o.next;
  }
  for (const h of lastRows) {
    free -= h;
    pages[pages.length - 1]!++;
  }
  // a first page with a single row (more following) starts the table on the next page instead
  if (pages.length > 1 && pages[0] === 1 && keep > 1) return [0, ...planTablePages(heights, { ...o, first: o.next })];
  return pages;
}

/** Row styles of the entries table: the usual one, and a tighter one that lets a table overflowing by a little fit. */
const ENTRY_STYLES = [
  { size: 8, leading: 1.45, padY: 0.9 },
  { size: 7, leading: 1.25, padY: 0.6 },
] as const;
/** Rows kept on the last page with the issuer block. */
const KEEP_WITH_ISSUER = 2;
const HEADING_H = 27;
/** Where rows start on a continuation page: its running head, then the heading. */
const CONTINUED_TOP = TOP + 26 + HEADING_H;

/**
 * The entries table, then the issuer, date and QR code block after its last row. A table that
 * would overflow the page by a little is set in tighter rows to fit; a longer one continues on
 * further pages, each with the running head "（续）", the heading and the table header again, and
 * the issuer block ends the last page after at least two rows.
 */
function entriesAndIssueBlock(L: Layout): void {
  const { d, l } = L;
  const fr = [0.05, 0.115, 0.4, 0.21, 0.145, 0.08];
  const widths = fr.map((f) => CONTENT_W * f);
  const tail = issueBlockHeight(L);
  const lay = (style: (typeof ENTRY_STYLES)[number]) => {
    const row = (cells: Cell[]) => L.layRow(cells, style.size, 4, style.leading, style.padY);
    const header = row(
      l.entriesHead.map((text, i) => ({
        text,
        width: widths[i]!,
        align: 'center' as Align,
        bold: true,
        fill: HEAD_FILL,
      })),
    );
    const rows =
      d.entries.length === 0
        ? [row([{ text: l.noEntries, width: CONTENT_W, align: 'center', color: MUTED }])]
        : d.entries.map((e, i) =>
            row([
              { text: String(i + 1), width: widths[0]!, align: 'center', color: MUTED },
              { text: e.date, width: widths[1]!, align: 'center' },
              { text: e.title, width: widths[2]! },
              { text: e.organiser, width: widths[3]! },
              { text: e.categories, width: widths[4]! },
              { text: formatTenths(e.hours), width: widths[5]!, align: 'right' },
            ]),
          );
    const plan = planTablePages(
      rows.map((r) => r.height),
      {
        first: BOTTOM - L.y - HEADING_H - header.height,
        next: BOTTOM - CONTINUED_TOP - header.height,
        tail,
        keep: KEEP_WITH_ISSUER,
      },
    );
    return { header, rows, plan };
  };
  let table = lay(ENTRY_STYLES[0]);
  if (table.plan.length > 1) {
    const tight = lay(ENTRY_STYLES[1]);
    if (tight.plan.length === 1) table = tight;
  }
  const { header, rows, plan } = table;
  let next = 0;
  for (const [p, count] of plan.entries()) {
    if (p > 0) L.newPage();
    if (p === 0 && count === 0) continue;
    L.heading(p === 0 || next === 0 ? l.entriesHeading(d.entries.length) : l.entriesContinued, true);
    L.drawRow(header);
    for (let k = 0; k < count; k++) L.drawRow(rows[next++]!);
  }
  issueBlock(L);
}

function footers(L: Layout): void {
  const { pdf, w, d, l } = L;
  const range = pdf.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    pdf.switchToPage(range.start + i);
    const y = PAGE_H - 40;
    w.line(`${l.certificateNo}${l.colon}${d.code}`, X0, y, 7.5, { color: MUTED });
    w.line(l.page(i + 1, range.count), PAGE_W / 2, y, 8, { color: INK, align: 'center' });
    w.line(d.issuerName, X1, y, w.fit(d.issuerName, X1 - PAGE_W / 2 - 50, 7.5, 4), { color: MUTED, align: 'right' });
  }
}

/** The QR code as vector squares (one rectangle per horizontal run of dark modules). */
export function drawQr(pdf: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const data = qr.modules.data;
  const m = size / n;
  pdf.save();
  for (let r = 0; r < n; r++) {
    let c = 0;
    while (c < n) {
      if (!data[r * n + c]) {
        c++;
        continue;
      }
      const start = c;
      while (c < n && data[r * n + c]) c++;
      // a hair of overlap so that viewers show no seams between rows
      pdf.rect(x + start * m, y + r * m, (c - start) * m + 0.05, m + 0.05);
    }
  }
  pdf.fill('#000000').restore();
}

// ---------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------

/**
 * Renders the certificate as an A4 PDF. Throws on malformed data (hours not integer tenths).
 * @example const pdf = await renderCertificatePdf(doc); reply.type('application/pdf').send(pdf);
 */
export async function renderCertificatePdf(doc: CertificateDocument): Promise<Buffer> {
  return (await renderCertificate(doc)).pdf;
}

/**
 * Renders the certificate, and reports the characters no available font has, which it drew as
 * boxes with their code points ('U+2FFFD …'): empty when every character was printed in a font.
 */
export async function renderCertificate(doc: CertificateDocument): Promise<{ pdf: Buffer; missingGlyphs: string[] }> {
  const missing = new Set<string>();
  // the layout below draws synchronously: nothing else runs between setting and clearing the collector
  missingNow = missing;
  try {
    return { pdf: await drawCertificate(doc), missingGlyphs: [...missing].sort() };
  } finally {
    if (missingNow === missing) missingNow = undefined;
  }
}

function drawCertificate(doc: CertificateDocument): Promise<Buffer> {
  const l = LABELS[doc.locale] ?? LABELS['zh-CN'];
  const title = l.title(doc);
  const pdf = new PDFDocument({
    size: 'A4',
    margin: 0,
    bufferPages: true,
    // no default font: the standard Helvetica would be parsed for nothing
    font: null as unknown as string,
    info: {
      Title: `${title} ${doc.code}`,
      Author: doc.issuerName,
      Subject: `${printable(doc.teacherName)} ${title}`,
      Creator: 'peixun',
      Producer: 'peixun (pdfkit)',
    },
    lang: doc.locale,
    displayTitle: true,
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const L = new Layout(pdf, doc, l);
  titleBlock(L);
  holderBlock(L);
  statementBlock(L);
  summaryBlock(L);
  categoryBlock(L);
  entriesAndIssueBlock(L);
  footers(L);
  missingNow = undefined;
  pdf.end();
  return done;
}
