/**
 * The certificate of a competition award (荣誉证书): an A4 landscape page with the recipient, the competition,
 * the award, the awarding unit and date, and the honour's code with a QR code to the public /verify/<code>
 * page. Text goes through the credit certificate's Writer, so the same embedded Chinese font and per-character
 * fallback print rare characters in names.
 */
import PDFDocument from 'pdfkit';
import { drawQr, printable, Writer } from './certificate-pdf/render.js';

export interface AwardCertificate {
  code: string;
  verifyUrl: string;
  recipientName: string;
  /** e.g. '2026年小学语文优秀教学案例评比（某县）一等奖' */
  title: string;
  gradeLabel: string;
  awardedBy: string;
  awardedOn: string;
  unit: boolean;
}

const W = 841.89;
const H = 595.28;
const RED = '#8b1a1a';
const INK = '#1f1f1f';
const MUTED = '#5b5b5b';

export function renderAwardCertificatePdf(d: AwardCertificate): Promise<Buffer> {
  const pdf = new PDFDocument({
    size: [W, H],
    margin: 0,
    font: null as unknown as string,
    info: { Title: printable(`荣誉证书 ${d.code}`), Author: printable(d.awardedBy), Creator: 'peixun' },
    lang: 'zh-CN',
    displayTitle: true,
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const w = new Writer(pdf);
  pdf
    .save()
    .lineWidth(6)
    .strokeColor(RED)
    .rect(24, 24, W - 48, H - 48)
    .stroke()
    .restore();
  pdf
    .save()
    .lineWidth(1)
    .strokeColor(RED)
    .rect(36, 36, W - 72, H - 72)
    .stroke()
    .restore();
  w.line('荣 誉 证 书', W / 2, 120, 40, { bold: true, color: RED, align: 'center', spacing: 4 });
  const name = printable(d.recipientName);
  w.line(d.unit ? `${name}：` : `${name} 老师：`, 90, 200, w.fit(name, W - 200, 22, 12), { bold: true, color: INK });
  const body = `在${d.title.replace(/(一等奖|二等奖|三等奖|优秀组织奖)$/, '')}中，荣获`;
  w.line(body, 130, 252, w.fit(body, W - 240, 18, 9), { color: INK });
  w.line(d.gradeLabel, W / 2, 318, 34, { bold: true, color: RED, align: 'center', spacing: 6 });
  w.line('特发此证，以资鼓励。', 130, 370, 18, { color: INK });
  w.line(d.awardedBy, W - 110, 450, w.fit(d.awardedBy, 300, 18, 10), { color: INK, align: 'right' });
  w.line(
    d.awardedOn.replace(/^(\d{4})-(\d{2})-(\d{2})$/, (_, y, m, dd) => `${y}年${Number(m)}月${Number(dd)}日`),
    W - 110,
    480,
    16,
    {
      color: INK,
      align: 'right',
    },
  );
  drawQr(pdf, d.verifyUrl, 70, H - 170, 90);
  w.line(`证书编号：${d.code}`, 170, H - 100, 10, { color: MUTED });
  w.line('扫码或访问核验页面查验真伪', 170, H - 84, 10, { color: MUTED });
  w.line(d.verifyUrl, 170, H - 68, w.fit(d.verifyUrl, 360, 9, 6), { color: MUTED });
  pdf.end();
  return done;
}
