import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { build } from 'esbuild';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { CertificateDocument } from './document.js';
import {
  BUNDLED_WORKER_FILE,
  CertificatePdfWorkerError,
  createCertificatePdfPool,
  crashNextRenderForTests,
  defaultPoolSize,
  type CertificatePdfPool,
} from './pool.js';
import * as fontkit from 'fontkit';
import { pdfPages } from '../../../test/support/pdf-text.js';
import {
  certificateFontRuns,
  FALLBACK_FONT_CANDIDATES,
  formatTenths,
  glyphRuns,
  locateFont,
  planTablePages,
  printable,
  renderCertificate,
  renderCertificatePdf,
} from './render.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../../..');

function certificate(over: Partial<CertificateDocument> = {}, entries = 30): CertificateDocument {
  return {
    kind: 'cycle',
    code: 'PX2026-7K3M9Q2R4T',
    verifyUrl: 'https://peixun.example.edu.cn/verify/7K3M9Q2R4T',
    teacherName: '王芳',
    idNumberMasked: '2202**********1234',
    unitName: '蛟河市天岗镇中心小学校',
    issuerName: '蛟河市教师进修学校',
    cycleName: '2026—2030年',
    year: null,
    status: 'complete',
    totalHours: 2415,
    requiredHours: 2400,
    credits: '24.2',
    categories: [
      { name: '师德修养', hours: 240, minimum: 240, met: true },
      { name: '专业知识', hours: 905, minimum: 1200, met: false },
      { name: '其他', hours: 0, minimum: null, met: null },
    ],
    entries: Array.from({ length: entries }, (_, k) => ({
      date: `2026-${String((k % 12) + 1).padStart(2, '0')}-15`,
      title:
        k % 5 === 0
          ? '中小学教师信息技术应用能力提升工程2.0：大单元教学设计与实施（线上线下混合式研修）'
          : `义务教育课程标准（2022年版）解读 第${k + 1}讲`,
      organiser: k % 2 ? '蛟河市教师进修学校' : '国家中小学智慧教育平台',
      categories: k % 3 ? '专业能力' : '师德修养、专业知识',
      hours: 15 + (k % 9) * 5,
    })),
    issuedOn: '2030-12-31',
    locale: 'zh-CN',
    ...over,
  };
}

const latin1 = (pdf: Buffer) => pdf.toString('latin1');

/** Number of pages, from the page objects themselves. */
function pageCount(pdf: Buffer): number {
  return latin1(pdf).match(/\/Type \/Page\b(?!s)/g)?.length ?? 0;
}

function expectValidPdf(pdf: Buffer): void {
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(latin1(pdf).trimEnd().endsWith('%%EOF')).toBe(true);
}

/** The inflated page content streams (drawing operators), fonts and other binary streams left out. */
function contentStreams(pdf: Buffer): string[] {
  const text = latin1(pdf);
  const out: string[] = [];
  const re = /\/Filter \/FlateDecode[\s\S]*?>>\s*stream\r?\n/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index + m[0].length;
    const end = text.indexOf('endstream', start);
    try {
      const s = zlib.inflateSync(pdf.subarray(start, end)).toString('latin1');
      if (/\bBT\b/.test(s) && /\bTf\b/.test(s)) out.push(s);
    } catch {
      // not a deflated stream we can read on its own
    }
  }
  return out;
}

/** Rectangles stroked as boxes (`re` then `S`) in the content streams. */
function strokedRects(pdf: Buffer): number {
  return (
    contentStreams(pdf)
      .join('\n')
      .match(/ re\nS\n/g)?.length ?? 0
  );
}

describe('formatTenths', () => {
  it('prints tenths as a decimal with one digit', () => {
    expect(formatTenths(2415)).toBe('241.5');
    expect(formatTenths(2400)).toBe('240.0');
    expect(formatTenths(0)).toBe('0.0');
    expect(formatTenths(7)).toBe('0.7');
    expect(formatTenths(10)).toBe('1.0');
    expect(formatTenths(-15)).toBe('-1.5');
    expect(formatTenths(9_007_199_254_740_991)).toBe('900719925474099.1');
  });

  it('never shows float artefacts: the digits are the integer itself', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (n) => {
        const s = formatTenths(n);
        expect(s).toMatch(/^-?\d+\.\d$/);
        expect(BigInt(s.replace('.', ''))).toBe(BigInt(n));
      }),
    );
  });

  it('refuses hours that are not integer tenths', () => {
    expect(() => formatTenths(241.5)).toThrow(TypeError);
    expect(() => formatTenths(Number.NaN)).toThrow(TypeError);
  });
});

describe('glyphRuns', () => {
  const bmpOnly = (cp: number) => cp < 0x10000;
  const anything = () => true;

  it('gives each character to the first font that has it and merges neighbours', () => {
    expect(glyphRuns('王𠮷芳', [bmpOnly, anything])).toEqual([
      { font: 0, text: '王' },
      { font: 1, text: '𠮷' },
      { font: 0, text: '芳' },
    ]);
    expect(glyphRuns('张三', [bmpOnly, anything])).toEqual([{ font: 0, text: '张三' }]);
    expect(glyphRuns('', [bmpOnly])).toEqual([]);
  });

  it('marks characters that no font has, keeping surrogate pairs whole', () => {
    expect(glyphRuns('吉𠮷𠮷x', [bmpOnly])).toEqual([
      { font: 0, text: '吉' },
      { font: null, text: '𠮷𠮷' },
      { font: 0, text: 'x' },
    ]);
  });

  it('loses no character and picks the first font with a glyph (property)', () => {
    const fonts = [(cp: number) => cp % 3 !== 0, (cp: number) => cp % 2 === 0];
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (text) => {
        const runs = glyphRuns(text, fonts);
        expect(runs.map((r) => r.text).join('')).toBe(text);
        for (const [i, r] of runs.entries()) {
          if (i > 0) expect(r.font).not.toBe(runs[i - 1]!.font);
          for (const ch of r.text) {
            const cp = ch.codePointAt(0)!;
            const first = fonts.findIndex((has) => has(cp));
            expect(r.font).toBe(first === -1 ? null : first);
          }
        }
      }),
    );
  });
});

describe('certificate fonts', () => {
  it('sets Chinese, and rare CJK Extension A characters, in the main font', () => {
    expect(certificateFontRuns('王芳㛃䶮')).toEqual([{ font: 'NotoSerifSC-Regular', text: '王芳㛃䶮' }]);
    expect(certificateFontRuns('中小学教师继续教育证书', { bold: true })).toEqual([
      { font: 'NotoSerifSC-Bold', text: '中小学教师继续教育证书' },
    ]);
  });

  it('never sets 𠮷 in the main font, which lacks it: a fallback font or the replacement box', () => {
    const runs = certificateFontRuns('王𠮷');
    expect(runs[0]).toEqual({ font: 'NotoSerifSC-Regular', text: '王' });
    expect(runs[1]!.text).toBe('𠮷');
    expect(String(runs[1]!.font)).not.toMatch(/NotoSerifSC/); // null: no font has it
    const bold = certificateFontRuns('王𠮷', { bold: true });
    expect(String(bold[1]!.font)).not.toMatch(/NotoSerifSC/);
  });

  it('drops invisible characters that would print as boxes', () => {
    expect(printable('王\u200b芳\ufe0f\n')).toBe('王芳 ');
  });
});

describe('renderCertificatePdf', () => {
  it('writes a PDF that embeds the subset Chinese font', async () => {
    const pdf = await renderCertificatePdf(certificate());
    expectValidPdf(pdf);
    const text = latin1(pdf);
    expect(text).toMatch(/\/FontFile2|\/FontFile3/);
    expect(text).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSerifSC-Regular/);
    expect(text).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSerifSC-Bold/);
    expect(text).toContain('/MediaBox [0 0 595.28 841.89]'); // A4
  });

  it('flows the entries over further pages', async () => {
    const one = pageCount(await renderCertificatePdf(certificate({}, 1)));
    const thirty = pageCount(await renderCertificatePdf(certificate({}, 30)));
    const many = pageCount(await renderCertificatePdf(certificate({}, 300)));
    expect(one).toBe(1);
    expect(thirty).toBeGreaterThan(one);
    expect(many).toBeGreaterThan(thirty + 5);
  });

  it('renders a yearly record sheet in English and a certificate without entries', async () => {
    const year = await renderCertificatePdf(
      certificate({ kind: 'year', year: 2027, locale: 'en', status: 'incomplete', teacherName: 'Anna Wiśniewska' }),
    );
    expectValidPdf(year);
    const empty = await renderCertificatePdf(certificate({ categories: [] }, 0));
    expectValidPdf(empty);
    expect(pageCount(empty)).toBe(1);
  });

  it('renders a name with 𠮷 in a fallback font or as a visible box, never blank', async () => {
    const plain = await renderCertificatePdf(certificate({ teacherName: '王吉' }));
    const rare = await renderCertificatePdf(certificate({ teacherName: '王𠮷' }));
    expectValidPdf(rare);
    const font = certificateFontRuns('𠮷')[0]!.font;
    expect(String(font)).not.toMatch(/NotoSerifSC/);
    if (font) expect(latin1(rare)).toContain(`+${font.replaceAll(' ', '_')}`);
    // where no font has it, each place the name is printed gets a stroked box
    else expect(strokedRects(rare)).toBeGreaterThan(strokedRects(plain));
  });

  it('draws a replacement box for a character that no font can have', async () => {
    const plain = await renderCertificatePdf(certificate({ teacherName: '王芳' }, 1));
    const missing = await renderCertificatePdf(certificate({ teacherName: '王\u{2FFFD}' }, 1)); // a non-character
    expect(certificateFontRuns('\u{2FFFD}')).toEqual([{ font: null, text: '\u{2FFFD}' }]);
    // holder block and statement: two boxes more than with a name the font has
    expect(strokedRects(missing) - strokedRects(plain)).toBe(2);
  });

  it('prints 𠮷 and 𪚥 (CJK Extension B) in an installed font that has them, embedded in the PDF', async () => {
    // the fallback font is Debian's fonts-hanazono, which .ci/run installs (README: production servers)
    for (const ch of ['𠮷', '𪚥']) {
      const [run] = certificateFontRuns(ch);
      expect(run!.font, `no installed font has ${ch}: install fonts-hanazono`).not.toBeNull();
      const open = (file: string, name?: string) => fontkit.create(fs.readFileSync(file), name) as fontkit.Font;
      const candidate = FALLBACK_FONT_CANDIDATES.map((c) => ({ ...c, file: locateFont(c.file) })).find(
        (c) => c.file && open(c.file, c.postscriptName).postscriptName === run!.font,
      );
      const font = fontkit.create(fs.readFileSync(candidate!.file!), candidate!.postscriptName) as fontkit.Font;
      expect(font.hasGlyphForCodePoint(ch.codePointAt(0)!)).toBe(true);
    }
    const plain = await renderCertificatePdf(certificate({ teacherName: '王吉' }));
    const rare = await renderCertificate(certificate({ teacherName: '王𠮷𪚥' }));
    expect(rare.missingGlyphs).toEqual([]);
    // the name's glyphs come from the embedded subset of that font, and no replacement box is drawn
    expect(latin1(rare.pdf)).toMatch(new RegExp(`/BaseFont /[A-Z]{6}\\+${certificateFontRuns('𠮷')[0]!.font}`));
    expect(strokedRects(rare.pdf)).toBe(strokedRects(plain));
  });

  it('reports a character no font has instead of boxing it silently, also from the worker pool', async () => {
    const doc = certificate({ teacherName: '王\u{2FFFD}' }, 1);
    expect((await renderCertificate(doc)).missingGlyphs).toEqual(['U+2FFFD \u{2FFFD}']);
    expect((await renderCertificate(certificate({}, 1))).missingGlyphs).toEqual([]);
    const p = createCertificatePdfPool({ size: 1 });
    try {
      const r = await p.renderChecked(doc);
      expectValidPdf(r.pdf);
      expect(r.missingGlyphs).toEqual(['U+2FFFD \u{2FFFD}']);
    } finally {
      await p.close();
    }
  });

  it('refuses hours that are not integer tenths', async () => {
    await expect(renderCertificatePdf(certificate({ totalHours: 241.5 }))).rejects.toThrow(/tenths/);
  });
});

describe('planTablePages', () => {
  const o = { first: 100, next: 200, tail: 30, keep: 2 };

  it('keeps a table that fits, with the block after it, on one page', () => {
    expect(planTablePages([10, 10, 10], o)).toEqual([3]);
    expect(planTablePages([], o)).toEqual([0]);
  });

  it('moves the last rows to the next page with the block after the table rather than leaving it alone there', () => {
    // 9 rows of 10 fit the first page, but not with the 30 points of the block after them
    expect(planTablePages(Array(9).fill(10), o)).toEqual([7, 2]);
    expect(planTablePages(Array(40).fill(10), o)).toEqual([10, 20, 10]);
  });

  it('does not open a table with one row at the foot of a page', () => {
    expect(planTablePages([10, 10, 10], { ...o, first: 45 })).toEqual([0, 3]);
  });

  it('places every row once, in order, and ends with the block after at least `keep` rows (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 5, max: 60 }), { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 0, max: 300 }),
        (heights, first) => {
          const plan = planTablePages(heights, { first, next: 700, tail: 120, keep: 2 });
          expect(plan.reduce((a, n) => a + n, 0)).toBe(heights.length);
          expect(plan.at(-1)).toBeGreaterThanOrEqual(Math.min(2, heights.length));
          for (const n of plan.slice(1)) expect(n).toBeGreaterThan(0);
          // every page but the first holds what it was given, the last with the block after it
          let i = 0;
          for (const [p, n] of plan.entries()) {
            const used = heights.slice(i, i + n).reduce((a, h) => a + h, 0) + (p === plan.length - 1 ? 120 : 0);
            if (p > 0) expect(used).toBeLessThanOrEqual(700);
            else expect(n === 0 || used <= first).toBe(true);
            i += n;
          }
        },
      ),
    );
  });
});

describe('the entries table over pages', () => {
  /** n entries of one line each, like a teacher's many short courses */
  const rows = (n: number) =>
    Array.from({ length: n }, (_, k) => ({
      date: '2026-03-15',
      title: `义务教育课程标准（2022年版）解读 第${k + 1}讲`,
      organiser: '蛟河市教师进修学校',
      categories: '专业能力',
      hours: 20,
    }));
  const numbered = (lines: string[]) =>
    lines.filter((l) => /^\d+ 2026-03-15 /.test(l)).map((l) => Number(l.split(' ')[0]));
  const issuer = (lines: string[]) => lines.some((l) => l.startsWith('发证单位：'));

  it('fits a table that overflows the page by a little in tighter rows: one page, the seal block after the last row', async () => {
    const pages = pdfPages(await renderCertificatePdf(certificate({ entries: rows(14) })));
    expect(pages).toHaveLength(1);
    expect(numbered(pages[0]!)).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
    const lines = pages[0]!;
    expect(lines.findIndex((l) => l.startsWith('发证单位：'))).toBeGreaterThan(
      lines.findIndex((l) => l.startsWith('14 ')),
    );
    expect(lines.some((l) => l.includes('第 1 页 / 共 1 页'))).toBe(true);
  });

  it('continues a long table with the running head （续）, the heading and the header again, and the seal block on the last page after its rows', async () => {
    const pages = pdfPages(await renderCertificatePdf(certificate({ entries: rows(60) })));
    expect(pages.length).toBeGreaterThanOrEqual(3);
    const m = pages.length;
    expect(pages.flatMap(numbered)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    for (const [i, lines] of pages.entries()) {
      expect(lines.some((l) => l.includes(`第 ${i + 1} 页 / 共 ${m} 页`))).toBe(true);
      expect(lines).toContain('序号 日期 培训项目 主办单位 学时类别 学时');
      expect(issuer(lines)).toBe(i === m - 1);
      if (i > 0) {
        expect(lines[0]).toMatch(/^中小学教师继续教育证书（续） 王芳/);
        expect(lines).toContain('学时明细（续）');
      }
    }
    expect(numbered(pages[m - 1]!).length).toBeGreaterThanOrEqual(2);
  });

  it('never leaves the seal block alone on a page, whatever the number of rows', async () => {
    for (let n = 0; n <= 75; n += 3) {
      const pages = pdfPages(await renderCertificatePdf(certificate({ entries: rows(n) })));
      const last = pages.at(-1)!;
      expect(pages.filter(issuer), `${n} rows`).toHaveLength(1);
      expect(issuer(last), `${n} rows`).toBe(true);
      expect(numbered(last).length, `${n} rows`).toBeGreaterThanOrEqual(Math.min(2, n));
      expect(pages.flatMap(numbered), `${n} rows`).toHaveLength(n);
    }
  });

  it('prints the organising unit in the 主办单位 column', async () => {
    const doc = certificate({ entries: [{ ...rows(1)[0]!, organiser: '吉林市船营区教师进修学校' }] });
    const lines = pdfPages(await renderCertificatePdf(doc))[0]!;
    expect(lines).toContain(
      '1 2026-03-15 义务教育课程标准（2022年版）解读 第1讲 吉林市船营区教师进修学校 专业能力 2.0',
    );
  });
});

describe('createCertificatePdfPool', () => {
  const pools: CertificatePdfPool[] = [];
  const pool = (opts?: Parameters<typeof createCertificatePdfPool>[0]) => {
    const p = createCertificatePdfPool(opts);
    pools.push(p);
    return p;
  };
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });

  it('uses up to one worker per core', () => {
    expect(defaultPoolSize()).toBeGreaterThanOrEqual(1);
    expect(defaultPoolSize()).toBeLessThanOrEqual(4);
    expect(pool().size).toBe(defaultPoolSize());
    expect(() => createCertificatePdfPool({ size: 0 })).toThrow(RangeError);
  });

  it('renders 20 certificates in parallel, each the PDF of its own document', async () => {
    const p = pool({ size: 2 });
    const docs = Array.from({ length: 20 }, (_, i) => certificate({ code: `PX2026-${i}` }, i * 12));
    const pdfs = await Promise.all(docs.map((d) => p.render(d)));
    expect(pdfs).toHaveLength(20);
    const local = await Promise.all(docs.map((d) => renderCertificatePdf(d)));
    for (const [i, pdf] of pdfs.entries()) {
      expectValidPdf(pdf);
      expect(pageCount(pdf)).toBe(pageCount(local[i]!));
    }
    expect(pageCount(pdfs[19]!)).toBeGreaterThan(pageCount(pdfs[0]!));
  });

  it.each(['exit', 'throw'] as const)(
    'fails only the job of a worker that dies (%s) and replaces the worker',
    async (mode) => {
      const p = pool({ size: 1 });
      p[crashNextRenderForTests](mode);
      const crashed = p.render(certificate({ code: 'PX-CRASH' }));
      const after = [p.render(certificate({}, 3)), p.render(certificate({}, 40))];
      await expect(crashed).rejects.toThrow(CertificatePdfWorkerError);
      await expect(crashed).rejects.toThrow(/PX-CRASH/);
      for (const pdf of await Promise.all(after)) expectValidPdf(pdf);
    },
  );

  it('ends a worker that hangs after the time-out and goes on', async () => {
    const p = pool({ size: 1, timeoutMs: 3_000 });
    await p.render(certificate({}, 1)); // worker started, so the time-out measures the job alone
    p[crashNextRenderForTests]('hang');
    const hung = p.render(certificate({ code: 'PX-HANG' }));
    const next = p.render(certificate({}, 2));
    await expect(hung).rejects.toThrow(/longer than 3000 ms/);
    expectValidPdf(await next);
  });

  it('rejects a malformed document without losing the worker', async () => {
    const p = pool({ size: 1 });
    await expect(p.render(certificate({ requiredHours: 0.5 }))).rejects.toThrow(/tenths/);
    expectValidPdf(await p.render(certificate({}, 1)));
  });

  it('finishes queued work on close and refuses new work after', async () => {
    const p = pool({ size: 1 });
    const queued = [p.render(certificate({}, 1)), p.render(certificate({}, 1))];
    await p.close();
    for (const pdf of await Promise.all(queued)) expectValidPdf(pdf);
    await expect(p.render(certificate())).rejects.toThrow(/closed/);
  });
});

describe('the pool in the server bundle', () => {
  it('is built beside the bundle by scripts/build-server.mjs', () => {
    const script = fs.readFileSync(path.join(ROOT, 'scripts/build-server.mjs'), 'utf8');
    expect(script).toContain('src/services/certificate-pdf/worker.ts');
    expect(script).toContain(BUNDLED_WORKER_FILE);
  });

  it('starts its bundled worker when pool and worker are bundled as build-server.mjs does', async () => {
    // under node_modules/ so that the bundles' external packages resolve from the project
    const dir = fs.mkdtempSync(path.join(ROOT, 'node_modules/.cache-certificate-pdf-'));
    try {
      const options = {
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        packages: 'external',
        logLevel: 'warning',
      } as const;
      await build({ ...options, entryPoints: [path.join(HERE, 'pool.ts')], outfile: path.join(dir, 'peixun.mjs') });
      await build({
        ...options,
        entryPoints: [path.join(HERE, 'worker.ts')],
        outfile: path.join(dir, BUNDLED_WORKER_FILE),
      });
      const script = path.join(dir, 'run.mjs');
      fs.writeFileSync(
        script,
        `
        const { createCertificatePdfPool } = await import(${JSON.stringify(path.join(dir, 'peixun.mjs'))});
        const pool = createCertificatePdfPool({ size: 2 });
        const doc = JSON.parse(process.argv[2]);
        const pdfs = await Promise.all([pool.render(doc), pool.render(doc), pool.render(doc)]);
        await pool.close();
        console.log(pdfs.map((p) => p.subarray(0, 5).toString('latin1') + p.length).join(' '));`,
      );
      // a plain node process: no tsx, no vitest, exactly as the bundled server runs
      const out = execFileSync(process.execPath, [script, JSON.stringify(certificate())], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(out.trim().split(' ')).toHaveLength(3);
      for (const word of out.trim().split(' ')) expect(word).toMatch(/^%PDF-\d{4,}$/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
