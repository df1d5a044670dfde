/**
 * Certificate PDF throughput: 200 realistic certificates (30 entries each, QR code, two pages)
 * rendered on this thread one after another, then through the worker pool (one worker per core,
 * at most 4). Prints PDFs per second for both and the mean size. Target: ≥ 20 PDFs/s through the
 * pool on 2 cores.
 *
 * The limit measured in the same run: a bare pdfkit document per certificate with the same text in
 * the same fonts (shared parsed fontkit fonts, as the renderer does), written line by line at fixed
 * places, with no layout, fallback fonts, tables or QR code, rendered in turns with the renderer (one
 * certificate each). pdf_ratio_to_bare = the renderer's warm single-thread rate / the bare rate on the
 * same thread, the figure to compare across days.
 * Prints readable lines, then one JSON object as the last line, also written to
 * bench/results/certificate-pdf.json (certificate-pdf-quick.json with --quick).
 *
 *   npm run bench:certificates -- [count] [entries] [--quick]   (--quick: 60 certificates)
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import type { CertificateDocument } from '../src/services/certificate-pdf/document.js';
import { createCertificatePdfPool } from '../src/services/certificate-pdf/pool.js';
import {
  MAIN_FONT_FILES,
  preloadCertificateFonts,
  renderCertificatePdf,
} from '../src/services/certificate-pdf/render.js';

const QUICK = process.argv.includes('--quick');
const ARGS = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const COUNT = Number(ARGS[0] ?? (QUICK ? 60 : 200));
const ENTRIES = Number(ARGS[1] ?? 30);
const TARGETS = { pool_per_s: 20 } as const;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const SURNAMES =
  '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段漕钱汤尹黎易常武乔贺赖龚文';
const GIVEN =
  '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英玉兰萍毅浩宇轩然梓涵子墨欣怡思彤雨桐语嫣晓东海燕建华志强国庆春梅红霞淑珍玉梅丽娟凤英㛃堃珺昳喆';
const SCHOOLS = [
  '蛟河市第一中学',
  '蛟河市实验小学',
  '蛟河市天岗镇中心小学校',
  '蛟河市新站镇中学',
  '蛟河市朝鲜族中学',
  '蛟河市第五中学',
  '蛟河市白石山镇中心校',
  '蛟河市职业教育中心',
];
const COURSES = [
  '义务教育课程方案和课程标准（2022年版）解读',
  '信息技术与学科教学深度融合实践',
  '班主任工作能力提升专题培训',
  '师德师风建设专题讲座',
  '中小学心理健康教育基础',
  '校本研修：作业设计与评价',
  '乡村教师素养提升工程（第三期）',
  '中小学教师信息技术应用能力提升工程2.0',
  '大单元教学设计与实施',
  '“双减”背景下的课堂教学改革',
  '新时代劳动教育课程建设',
  '学生发展核心素养与教学评价',
  '国家中小学智慧教育平台应用培训',
  '骨干教师示范课观摩与研讨',
  '教育科研方法与课题研究',
  '安全教育与应急处置能力培训',
];
const SOURCES = [
  '蛟河市教师进修学校',
  '吉林市教育学院',
  '吉林省教育学院',
  '国家中小学智慧教育平台',
  '校本研修',
  '东北师范大学继续教育学院',
];
const CATEGORIES = ['师德修养', '专业知识', '专业能力', '信息技术', '心理健康'];

/** A deterministic realistic certificate: i picks the name, school, courses and status. */
function sampleCertificate(i: number, entries = ENTRIES): CertificateDocument {
  const pick = <T>(list: readonly T[] | string, k: number): T =>
    (typeof list === 'string' ? [...list][k % [...list].length] : list[k % list.length]) as T;
  const name = `${pick<string>(SURNAMES, i * 7)}${pick<string>(GIVEN, i * 13)}${i % 3 === 0 ? pick<string>(GIVEN, i * 5 + 1) : ''}`;
  const rows = Array.from({ length: entries }, (_, k) => ({
    date: `20${26 + (k % 5)}-${String((k % 12) + 1).padStart(2, '0')}-${String(((i + k) % 28) + 1).padStart(2, '0')}`,
    title: pick<string>(COURSES, i + k * 3),
    organiser: pick<string>(SOURCES, i + k),
    categories:
      k % 4 === 0
        ? `${pick<string>(CATEGORIES, k)}、${pick<string>(CATEGORIES, k + 1)}`
        : pick<string>(CATEGORIES, k + i),
    hours: ((i * 31 + k * 17) % 40) * 5 + 20,
  }));
  const total = rows.reduce((s, r) => s + r.hours, 0);
  const required = 3600;
  const code = `PX2026-${((i * 2654435761) % 36 ** 10).toString(36).toUpperCase().padStart(10, '0')}`;
  return {
    kind: i % 5 === 4 ? 'year' : 'cycle',
    code,
    verifyUrl: `https://peixun.example.edu.cn/verify/${code.slice(7)}`,
    teacherName: name,
    idNumberMasked: `2202**********${String(1000 + (i % 9000)).padStart(4, '0')}`,
    unitName: pick(SCHOOLS, i),
    issuerName: '蛟河市教师进修学校',
    cycleName: '2026—2030年',
    year: i % 5 === 4 ? 2027 : null,
    status: total >= required ? 'complete' : 'incomplete',
    totalHours: total,
    requiredHours: required,
    credits: (Math.round(total / 10) / 10).toFixed(1),
    categories: CATEGORIES.map((c, k) => {
      const hours = rows.filter((r) => r.categories.includes(c)).reduce((s, r) => s + r.hours, 0);
      const minimum = k < 3 ? 240 + k * 120 : null;
      return { name: c, hours, minimum, met: minimum === null ? null : hours >= minimum };
    }),
    entries: rows,
    issuedOn: '2030-12-31',
    locale: 'zh-CN',
  };
}

/** The parsed main fonts, opened once like the renderer's, for the bare documents. */
function bareFonts(): { regular: fontkit.Font; bold: fontkit.Font } {
  const req = createRequire(import.meta.url);
  const open = (file: string) => fontkit.create(fs.readFileSync(req.resolve(file))) as fontkit.Font;
  return { regular: open(MAIN_FONT_FILES.regular), bold: open(MAIN_FONT_FILES.bold) };
}

/** The certificate's text in a bare pdfkit document: one line per field and per entry, 34 lines a page. */
function renderBare(d: CertificateDocument, fonts: { regular: fontkit.Font; bold: fontkit.Font }): Promise<Buffer> {
  const pdf = new PDFDocument({ size: 'A4', margin: 0, font: null as unknown as string });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  // pdfkit takes a fontkit Font as a font source (as the renderer uses it); @types/pdfkit does not list it
  pdf.registerFont('r', fonts.regular as unknown as Buffer);
  pdf.registerFont('b', fonts.bold as unknown as Buffer);
  const lines: Array<[string, boolean]> = [
    ['中小学教师继续教育证书', true],
    [d.teacherName, true],
    [d.idNumberMasked, false],
    [d.unitName, false],
    [`${d.cycleName} ${d.totalHours / 10} / ${d.requiredHours / 10} ${d.credits}`, false],
    ...d.categories.map((c): [string, boolean] => [`${c.name} ${c.hours / 10} ${c.minimum ?? ''}`, false]),
    [`${d.issuerName} ${d.issuedOn} ${d.code}`, false],
    [d.verifyUrl, false],
    ...d.entries.map((e): [string, boolean] => [
      `${e.date} ${e.title} ${e.organiser} ${e.categories} ${e.hours / 10}`,
      false,
    ]),
  ];
  lines.forEach(([text, bold], i) => {
    if (i > 0 && i % 34 === 0) pdf.addPage();
    pdf
      .font(bold ? 'b' : 'r')
      .fontSize(bold ? 16 : 10)
      .text(text, 50, 60 + (i % 34) * 22, { lineBreak: false });
  });
  pdf.end();
  return done;
}

async function main(): Promise<void> {
  const docs = Array.from({ length: COUNT }, (_, i) => sampleCertificate(i));
  console.log(
    `${COUNT} certificates, ${ENTRIES} entries each; node ${process.version}, ${os.availableParallelism()} cores`,
  );

  let t = performance.now();
  preloadCertificateFonts();
  const fontMs = performance.now() - t;
  console.log(`font load and parse (once per thread): ${fontMs.toFixed(0)} ms`);

  // single thread: a first pass from cold (JIT, font caches) of the renderer and of the bare documents
  const fonts = bareFonts();
  const coldPass = async (label: string, render: (d: CertificateDocument) => Promise<Buffer>) => {
    t = performance.now();
    let bytes = 0;
    for (const d of docs) bytes += (await render(d)).length;
    const s = (performance.now() - t) / 1000;
    const each = ((s * 1000) / COUNT).toFixed(1);
    const kb = (bytes / COUNT / 1024).toFixed(1);
    console.log(`${label}: ${(COUNT / s).toFixed(1)} PDFs/s (${each} ms each), mean ${kb} KB`);
    return COUNT / s;
  };
  const singleCold = await coldPass('single thread, cold', renderCertificatePdf);
  await coldPass('bare pdfkit, cold (same text and fonts, no layout, no QR code)', (d) => renderBare(d, fonts));
  // then as a long-lived process runs: each certificate by the renderer, then bare, so both see the same moment
  let productMs = 0;
  let bareMs = 0;
  let bytes = 0;
  let bareBytes = 0;
  for (const d of docs) {
    const t0 = performance.now();
    bytes += (await renderCertificatePdf(d)).length;
    const t1 = performance.now();
    bareBytes += (await renderBare(d, fonts)).length;
    productMs += t1 - t0;
    bareMs += performance.now() - t1;
  }
  const single = COUNT / (productMs / 1000);
  const bare = COUNT / (bareMs / 1000);
  const meanKb = bytes / COUNT / 1024;
  const bareKb = bareBytes / COUNT / 1024;
  const ratio = single / bare;
  const each = (productMs / COUNT).toFixed(1);
  console.log(
    `single thread, warm: ${single.toFixed(1)} PDFs/s (${each} ms each), mean ${meanKb.toFixed(1)} KB; ` +
      `bare pdfkit, in turns: ${bare.toFixed(1)} PDFs/s, mean ${bareKb.toFixed(1)} KB ` +
      `→ pdf_ratio_to_bare ${round(ratio, 3)}`,
  );

  // pool: the first pass includes starting the workers (from the TypeScript sources through tsx here)
  const pool = createCertificatePdfPool();
  const poolRates: number[] = [];
  let workers = 0;
  try {
    workers = pool.size;
    for (const label of ['pool, cold start', 'pool, warm', 'pool, warm']) {
      t = performance.now();
      const pdfs = await Promise.all(docs.map((d) => pool.render(d)));
      const s = (performance.now() - t) / 1000;
      const size = pdfs.reduce((n, p) => n + p.length, 0) / COUNT;
      poolRates.push(COUNT / s);
      console.log(
        `${label} (${pool.size} workers): ${(COUNT / s).toFixed(1)} PDFs/s, mean ${(size / 1024).toFixed(1)} KB`,
      );
    }
  } finally {
    await pool.close();
  }
  const poolWarm = median(poolRates.slice(1));
  const result = {
    mode: QUICK ? 'quick' : 'full',
    certificates: COUNT,
    entries_each: ENTRIES,
    pool_per_s: round(poolWarm),
    pool_workers: workers,
    pool_cold_per_s: round(poolRates[0]!),
    single_per_s: round(single),
    single_cold_per_s: round(singleCold),
    bare_per_s: round(bare),
    pdf_ratio_to_bare: round(ratio, 3),
    mean_kb: round(meanKb),
    bare_mean_kb: round(bareKb),
    font_load_ms: round(fontMs, 0),
    targets: TARGETS,
    met: { pool_per_s: poolWarm >= TARGETS.pool_per_s },
    machine: { cores: os.cpus().length, node: process.version, loadavg_1m_at_end: round(os.loadavg()[0]!, 2) },
    at: new Date().toISOString(),
  };
  const outDir = path.join(ROOT, 'bench/results');
  fs.mkdirSync(outDir, { recursive: true });
  const file = QUICK ? 'certificate-pdf-quick.json' : 'certificate-pdf.json';
  fs.writeFileSync(path.join(outDir, file), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result));
}

await main();
