import crypto from 'node:crypto';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { formatTenths } from '../../domain/cycle-rules.js';
import { pickLocale, type Locale } from '../../i18n/messages.js';
import type { PublicVerification } from '../../services/certificate.service.js';
import { BACKBONE_TITLE_CODE, type PublicBackboneTitle } from '../../services/backbone.service.js';
import { HONOUR_CODE, type PublicHonour } from '../../services/honour.service.js';
import type { Services } from '../../services/services.js';

/** 'YYYY-MM-DD' as the page prints it: 2027年11月20日 / 2027-11-20. */
const zhDate = (iso: string) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : iso;
};

const TEXT = {
  'zh-CN': {
    title: '继续教育证书验证',
    valid: { cycle: '证书有效', year: '登记表有效', record: '学时证明有效' },
    revoked: '证书已作废',
    superseded: '证书已被新证书替换',
    unknown: '未找到该证书',
    unknownHint: '请核对证书编号；如有疑问，请联系发证单位。',
    name: '姓名',
    unit: '单位',
    cycle: '周期',
    kind: '类型',
    total: '计入学时',
    required: '规定学时',
    result: '结论',
    asOf: '数据截至',
    issued: '发证日期',
    code: '证书编号',
    cycleKind: '继续教育证书（周期）',
    recordKind: '继续教育学时证明（周期未结束）',
    yearKind: (y: number) => `${y} 年度学时登记`,
    conclusion: (v: PublicVerification) =>
      v.result === null
        ? `学时证明：截至 ${zhDate(v.asOf)} 累计 ${formatTenths(v.totalHours)} 学时`
        : `${v.result === 'complete' ? '达标' : '未达标'}（${formatTenths(v.totalHours)} / ${formatTenths(v.requiredHours)} 学时）`,
    asOfLine: (iso: string) => `数据截至 ${zhDate(iso)}`,
    date: zhDate,
    newer: '新证书编号',
    note: '本页只显示核验所需信息，不含证件号码等个人信息。',
    hours: '学时',
  },
  en: {
    title: 'Certificate verification',
    valid: { cycle: 'Valid certificate', year: 'Valid record of the year', record: 'Valid record of hours' },
    revoked: 'This certificate was revoked',
    superseded: 'This certificate was replaced by a newer one',
    unknown: 'No such certificate',
    unknownHint: 'Check the certificate number; if in doubt, contact the issuing office.',
    name: 'Name',
    unit: 'Unit',
    cycle: 'Cycle',
    kind: 'Type',
    total: 'Hours counted',
    required: 'Hours required',
    result: 'Result',
    asOf: 'Figures as of',
    issued: 'Issued on',
    code: 'Certificate number',
    cycleKind: 'Cycle certificate',
    recordKind: 'Record of hours (cycle not finished)',
    yearKind: (y: number) => `Record of ${y}`,
    conclusion: (v: PublicVerification) =>
      v.result === null
        ? `Record of hours: ${formatTenths(v.totalHours)} hours as of ${v.asOf}`
        : `${v.result === 'complete' ? 'Requirement met' : 'Requirement not met'} (${formatTenths(v.totalHours)} of ${formatTenths(v.requiredHours)} hours)`,
    asOfLine: (iso: string) => `Figures as of ${iso}`,
    date: (iso: string) => iso,
    newer: 'Newer certificate',
    note: 'This page shows only what verification needs; no ID number or other personal data.',
    hours: 'hours',
  },
} as const;

/** The page's one stylesheet: the same bytes on every page, so the page policy can name it by its hash. */
const STYLE = `
body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;
margin:0;background:#f5f5f5;color:#262626}
main{max-width:480px;margin:0 auto;padding:24px 16px}h1{font-size:18px;margin:0 0 16px}
.status{border-radius:8px;padding:16px;color:#fff;background:#8c8c8c;font-size:20px;font-weight:600;margin-bottom:16px}
.status[data-status=valid][data-result=complete]{background:#389e0d}
.status[data-status=valid][data-result=incomplete]{background:#d46b08}
.status[data-status=valid][data-result=record]{background:#0958d9}
.status[data-status=valid][data-result=honour]{background:#389e0d}
.status span{display:block;font-size:15px;font-weight:400;margin-top:6px}
.status[data-status=revoked],.status[data-status=superseded]{background:#cf1322}
table{width:100%;background:#fff;border-radius:8px;border-collapse:collapse}
th,td{padding:10px 12px;border-bottom:1px solid #f0f0f0;text-align:left;font-size:15px}
th{color:#8c8c8c;font-weight:400;width:36%}p{font-size:14px;color:#595959}
small{display:block;margin-top:16px;color:#8c8c8c}
`;

/** The verify page's policy: nothing but its own stylesheet; no script, image, frame or form of any kind. */
export const VERIFY_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${crypto.createHash('sha256').update(STYLE).digest('base64')}'`,
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * The public page a certificate's QR code opens: plain HTML that works on any phone, no script, no login.
 * A valid document is never a bare "valid": the box says what it concludes (met, not met, or only the
 * hours so far for a record of hours) and the day its figures were frozen.
 */
export function verifyPageHtml(v: PublicVerification | null, code: string, locale: Locale): string {
  const t = TEXT[locale];
  const row = (k: string, val: string) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(val)}</td></tr>`;
  if (!v) {
    const body = `<p>${escapeHtml(t.unknownHint)}</p><table>${row(t.code, code.slice(0, 40))}</table>`;
    return page(
      t.title,
      locale,
      `<div class="status" data-status="unknown">${escapeHtml(t.unknown)}</div>${body}`,
      t.note,
    );
  }
  const headline = v.status === 'valid' ? t.valid[v.kind] : t[v.status];
  const result = v.result ?? 'record';
  const kind = v.kind === 'cycle' ? t.cycleKind : v.kind === 'record' ? t.recordKind : t.yearKind(v.year ?? 0);
  const box =
    `<div class="status" data-status="${v.status}" data-result="${result}">${escapeHtml(headline)}` +
    `<span data-testid="conclusion">${escapeHtml(t.conclusion(v))}</span>` +
    `<span data-testid="as-of">${escapeHtml(t.asOfLine(v.asOf))}</span></div>`;
  const table =
    `<table>${row(t.name, v.nameMasked)}${row(t.unit, v.unitName)}${row(t.cycle, v.cycleName)}${row(t.kind, kind)}` +
    `${row(t.result, t.conclusion(v))}${row(t.total, `${formatTenths(v.totalHours)} ${t.hours}`)}` +
    `${row(t.required, `${formatTenths(v.requiredHours)} ${t.hours}`)}${row(t.asOf, t.date(v.asOf))}` +
    `${row(t.issued, v.issuedOn)}${row(t.code, v.code)}${v.supersededByCode ? row(t.newer, v.supersededByCode) : ''}</table>`;
  return page(t.title, locale, box + table, t.note);
}

const HONOUR_TEXT = {
  'zh-CN': {
    title: '荣誉证书验证',
    valid: '荣誉有效',
    revoked: (day: string) => `该荣誉已于 ${zhDate(day)} 撤销`,
    unknown: '未找到该荣誉',
    unknownHint: '请核对荣誉编号；如有疑问，请联系授予单位。',
    recipient: '获得者',
    unit: '所在单位',
    honour: '荣誉名称',
    grade: '等次',
    year: '年度',
    awardedBy: '授予单位',
    awardedOn: '授予日期',
    code: '荣誉编号',
    grades: { first: '一等奖', second: '二等奖', third: '三等奖', excellent: '优秀奖', organisation: '优秀组织奖' },
    date: zhDate,
    note: '本页只显示核验所需信息，个人姓名已隐去部分。',
  },
  en: {
    title: 'Honour verification',
    valid: 'Valid honour',
    revoked: (day: string) => `This honour was revoked on ${day}`,
    unknown: 'No such honour',
    unknownHint: 'Check the number; if in doubt, contact the awarding office.',
    recipient: 'Awarded to',
    unit: 'Unit',
    honour: 'Honour',
    grade: 'Grade',
    year: 'Year',
    awardedBy: 'Awarded by',
    awardedOn: 'Awarded on',
    code: 'Number',
    grades: {
      first: 'First prize',
      second: 'Second prize',
      third: 'Third prize',
      excellent: 'Excellence award',
      organisation: 'Organisation award',
    },
    date: (iso: string) => iso,
    note: "This page shows only what verification needs; a person's name is partly hidden.",
  },
} as const;

/** The verify page of an honour (its code starts with 'H'): valid, or revoked and when; 404 text when unknown. */
export function honourPageHtml(h: PublicHonour | null, code: string, locale: Locale): string {
  const t = HONOUR_TEXT[locale];
  const grade = h?.grade ? (t.grades[h.grade as keyof typeof t.grades] ?? '') : null;
  return recordPageHtml(
    t,
    locale,
    code,
    h && {
      status: h.status,
      headline: h.status === 'revoked' && h.revokedOn ? t.revoked(h.revokedOn) : t.valid,
      conclusion: `${h.title}${grade ? ` · ${grade}` : ''}`,
      rows: [
        [t.recipient, h.recipient],
        [t.unit, h.unitName],
        [t.honour, h.title],
        ...(grade !== null ? [[t.grade, grade] as [string, string]] : []),
        [t.year, String(h.year)],
        [t.awardedBy, h.awardedBy],
        [t.awardedOn, t.date(h.awardedOn)],
        [t.code, h.code],
      ],
    },
  );
}

/**
 * The page of a record checked by its number (an honour, a backbone title): a status box with its headline
 * and conclusion, then the rows the page may show; the unknown-number text when there is no such record.
 */
function recordPageHtml(
  t: { title: string; unknown: string; unknownHint: string; code: string; note: string },
  locale: Locale,
  code: string,
  found: { status: 'valid' | 'revoked'; headline: string; conclusion: string; rows: Array<[string, string]> } | null,
): string {
  const row = (k: string, val: string) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(val)}</td></tr>`;
  if (!found) {
    const body = `<p>${escapeHtml(t.unknownHint)}</p><table>${row(t.code, code.slice(0, 40))}</table>`;
    return page(
      t.title,
      locale,
      `<div class="status" data-status="unknown">${escapeHtml(t.unknown)}</div>${body}`,
      t.note,
    );
  }
  const box =
    `<div class="status" data-status="${found.status}" data-result="honour">${escapeHtml(found.headline)}` +
    `<span data-testid="conclusion">${escapeHtml(found.conclusion)}</span></div>`;
  return page(t.title, locale, `${box}<table>${found.rows.map(([k, v]) => row(k, v)).join('')}</table>`, t.note);
}

const TITLE_TEXT = {
  'zh-CN': {
    title: '骨干教师称号验证',
    active: '称号有效',
    expired: (day: string) => `该称号已于 ${zhDate(day)} 任期届满`,
    revoked: (day: string) => `该称号已于 ${zhDate(day)} 撤销`,
    unknown: '未找到该称号',
    unknownHint: '请核对编号；如有疑问，请联系认定单位。',
    holder: '称号持有人',
    school: '所在学校',
    level: '称号',
    levels: { school: '校级骨干教师', county: '县级骨干教师', city: '市级骨干教师', province: '省级骨干教师' },
    grantedBy: '认定单位',
    term: '任期',
    code: '称号编号',
    date: zhDate,
    note: '本页只显示核验所需信息，个人姓名已隐去部分。',
  },
  en: {
    title: 'Backbone teacher title verification',
    active: 'Active title',
    expired: (day: string) => `This title's term ended on ${day}`,
    revoked: (day: string) => `This title was revoked on ${day}`,
    unknown: 'No such title',
    unknownHint: 'Check the number; if in doubt, contact the certifying office.',
    holder: 'Holder',
    school: 'School',
    level: 'Title',
    levels: {
      school: 'School-level backbone teacher',
      county: 'County-level backbone teacher',
      city: 'City-level backbone teacher',
      province: 'Province-level backbone teacher',
    },
    grantedBy: 'Certified by',
    term: 'Term',
    code: 'Number',
    date: (iso: string) => iso,
    note: "This page shows only what verification needs; a person's name is partly hidden.",
  },
} as const;

/** The verify page of a backbone title (its number starts with 'B'): active, expired or revoked and when. */
export function backboneTitlePageHtml(v: PublicBackboneTitle | null, code: string, locale: Locale): string {
  const t = TITLE_TEXT[locale];
  return recordPageHtml(
    t,
    locale,
    code,
    v && {
      // the page's colours know valid and revoked: an expired title reads as no longer valid
      status: v.status === 'active' ? 'valid' : 'revoked',
      headline:
        v.status === 'revoked' && v.revokedOn
          ? t.revoked(v.revokedOn)
          : v.status === 'expired'
            ? t.expired(v.termEnd)
            : t.active,
      conclusion: t.levels[v.level],
      rows: [
        [t.holder, v.holder],
        [t.school, v.schoolName],
        [t.level, t.levels[v.level]],
        [t.grantedBy, v.grantedBy],
        [t.term, `${t.date(v.termStart)} – ${t.date(v.termEnd)}`],
        [t.code, v.code],
      ],
    },
  );
}

function page(title: string, locale: Locale, body: string, note: string): string {
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main><h1>${escapeHtml(title)}</h1>${body}<small>${escapeHtml(note)}</small></main></body></html>`;
}

/** `/verify/<code>`: the only page without login. HTML for people, JSON for `Accept: application/json`. */
export const verifyPageRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/verify/:code',
    {
      config: { auth: 'public', action: 'certificate.verify' },
      schema: { hide: true, params: z.object({ code: z.string().max(100) }) },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      reply.header('x-robots-tag', 'noindex');
      reply.header('content-security-policy', VERIFY_PAGE_CSP);
      // a backbone title's number: 'B' and 14 characters
      if (BACKBONE_TITLE_CODE.test(req.params.code.trim().toUpperCase())) {
        const v = await services.backbone.verify(req.params.code);
        if ((req.headers.accept ?? '').includes('application/json'))
          return reply.status(v ? 200 : 404).send(v ? { backboneTitle: v } : { error: { code: 'NOT_FOUND' } });
        return reply
          .status(v ? 200 : 404)
          .type('text/html; charset=utf-8')
          .send(backboneTitlePageHtml(v, req.params.code, pickLocale(req.headers['accept-language'])));
      }
      // an honour's code: 'H' and 14 characters (a certificate's has 14)
      if (HONOUR_CODE.test(req.params.code.trim().toUpperCase())) {
        const h = await services.honours.verify(req.params.code);
        if ((req.headers.accept ?? '').includes('application/json'))
          return reply.status(h ? 200 : 404).send(h ? { honour: h } : { error: { code: 'NOT_FOUND' } });
        return reply
          .status(h ? 200 : 404)
          .type('text/html; charset=utf-8')
          .send(honourPageHtml(h, req.params.code, pickLocale(req.headers['accept-language'])));
      }
      const v = await services.certificates.verify(req.params.code);
      if ((req.headers.accept ?? '').includes('application/json'))
        return reply.status(v ? 200 : 404).send(v ? { certificate: v } : { error: { code: 'NOT_FOUND' } });
      const locale = pickLocale(req.headers['accept-language']);
      return reply
        .status(v ? 200 : 404)
        .type('text/html; charset=utf-8')
        .send(verifyPageHtml(v, req.params.code, locale));
    },
  );
};
