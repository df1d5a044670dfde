import crypto from 'node:crypto';
import fs from 'node:fs';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { pickLocale, type Locale } from '../../i18n/messages.js';
import {
  isManualSlug,
  MANUAL_SECTIONS,
  manualImagePath,
  readManualSection,
  type ManualSlug,
} from '../../services/manual.js';
import { escapeHtml, markdownHeadings, markdownTitle, renderMarkdown } from '../markdown.js';

const TEXT = {
  'zh-CN': {
    manual: '操作手册',
    back: '返回系统',
    contents: '本节内容',
    sections: '手册目录',
    notFound: '没有这一节',
    intro: '按业务分节，每个页面右上角的“帮助”都会打开对应的一节。截图来自系统本身。',
    chineseOnly: null as string | null,
  },
  en: {
    manual: "Operator's manual",
    back: 'Back to the system',
    contents: 'In this section',
    sections: 'Sections',
    notFound: 'No such section',
    intro:
      'One section per area; the Help link at the top of each page opens its section. The screenshots come from the system itself.',
    chineseOnly: 'The manual is written in Chinese, the language of the bureaus and schools that use it.',
  },
} as const;

/** The help pages' one stylesheet (named by its hash in the page policy). */
const STYLE = `
body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;
margin:0;background:#f5f5f5;color:#262626;line-height:1.75}
.wrap{display:flex;gap:24px;max-width:1080px;margin:0 auto;padding:16px}
nav{flex:none;width:200px;position:sticky;top:16px;align-self:flex-start}
nav a{display:block;padding:6px 10px;border-radius:6px;color:#262626;text-decoration:none}
nav a[aria-current=page]{background:#e6f4ff;color:#0958d9;font-weight:600}
nav .back{color:#0958d9;margin-bottom:12px}
main{flex:1;min-width:0;background:#fff;border-radius:8px;padding:24px 32px}
h1{font-size:24px;margin:0 0 12px}h2{font-size:19px;margin:28px 0 8px;padding-top:8px;border-top:1px solid #f0f0f0}
h3{font-size:16px;margin:20px 0 6px}
figure{margin:16px 0}img{max-width:100%;border:1px solid #e8e8e8;border-radius:6px}
figcaption{font-size:13px;color:#8c8c8c}
blockquote{margin:12px 0;padding:8px 16px;background:#fffbe6;border-left:4px solid #faad14;border-radius:4px}
table{border-collapse:collapse;margin:12px 0;width:100%}th,td{border:1px solid #e8e8e8;padding:6px 10px;text-align:left}
th{background:#fafafa}code{background:#f5f5f5;padding:1px 5px;border-radius:4px;font-size:90%}
.toc{font-size:14px;background:#fafafa;border-radius:6px;padding:8px 16px;margin:8px 0 16px}
.note{color:#8c8c8c;font-size:14px}
@media (max-width:720px){.wrap{flex-direction:column;padding:8px}nav{position:static;width:auto}
main{padding:16px}}
`;

/** The help pages' policy: their stylesheet and the manual's images, nothing else. */
export const HELP_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${crypto.createHash('sha256').update(STYLE).digest('base64')}'`,
  "img-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** `teachers.md#导入` (a link between manual pages) as the help page's address. */
const manualLink = (href: string) =>
  href.replace(/^\.?\/?([a-z]+)\.md(#.*)?$/, (_m, s: string, a = '') => `/help/${s}${a}`);
const imageUrl = (src: string) => {
  const m = /^\.?\/?images\/([a-z0-9][a-z0-9-]*\.png)$/.exec(src);
  return m ? `/help/images/${m[1]}` : null;
};

/** One help page: the sections beside, the manual's text (or the list of sections) in the middle. */
export function helpPageHtml(slug: ManualSlug | null, locale: Locale): string {
  const t = TEXT[locale];
  const nav =
    `<nav><a class="back" href="/">← ${escapeHtml(t.back)}</a>` +
    MANUAL_SECTIONS.map(
      (s) =>
        `<a href="/help/${s.slug}"${s.slug === slug ? ' aria-current="page"' : ''}>${escapeHtml(locale === 'en' ? `${s.en} · ${s.title}` : s.title)}</a>`,
    ).join('') +
    '</nav>';
  const note = t.chineseOnly ? `<p class="note">${escapeHtml(t.chineseOnly)}</p>` : '';
  let title: string = t.manual;
  let body: string;
  if (slug === null) {
    body =
      `<h1>${escapeHtml(t.manual)}</h1>${note}<p>${escapeHtml(t.intro)}</p><ul>` +
      MANUAL_SECTIONS.map((s) => `<li><a href="/help/${s.slug}">${escapeHtml(s.title)}</a></li>`).join('') +
      '</ul>';
  } else {
    const md = readManualSection(slug);
    title = `${markdownTitle(md) ?? slug} · ${t.manual}`;
    const headings = markdownHeadings(md);
    const toc = headings.length
      ? `<div class="toc" data-testid="help-toc"><strong>${escapeHtml(t.contents)}</strong><ul>${headings
          .map((h) => `<li><a href="#${escapeHtml(h.id)}">${escapeHtml(h.text)}</a></li>`)
          .join('')}</ul></div>`
      : '';
    const html = renderMarkdown(md, { image: imageUrl, link: manualLink });
    // the table of contents goes after the title and its first paragraph
    const cut = html.indexOf('<h2');
    body = note + (cut === -1 ? html + toc : html.slice(0, cut) + toc + html.slice(cut));
  }
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><div class="wrap">${nav}<main data-testid="help-page">${body}</main></div></body></html>`;
}

/**
 * `/help` and `/help/<section>`: the operator's manual (docs/manual, in Chinese), rendered from its
 * Markdown when asked, with its screenshots at `/help/images/<name>.png`. Public like the activation
 * page, so a teacher who cannot sign in yet can read how to.
 */
export const helpPageRoutes: FastifyPluginAsyncZod = async (app) => {
  const send = (reply: FastifyReply, status: number, html: string) => {
    reply.header('content-security-policy', HELP_PAGE_CSP);
    reply.header('cache-control', 'no-cache');
    return reply.status(status).type('text/html; charset=utf-8').send(html);
  };

  app.get('/help', { config: { auth: 'public', action: 'help.read' }, schema: { hide: true } }, async (req, reply) =>
    send(reply, 200, helpPageHtml(null, pickLocale(req.headers['accept-language']))),
  );

  app.get(
    '/help/:section',
    {
      config: { auth: 'public', action: 'help.read' },
      schema: { hide: true, params: z.object({ section: z.string().max(40) }) },
    },
    async (req, reply) => {
      const locale = pickLocale(req.headers['accept-language']);
      const { section } = req.params;
      if (!isManualSlug(section)) {
        const html = helpPageHtml(null, locale).replace(
          '<main data-testid="help-page">',
          `<main data-testid="help-page"><p><strong>${escapeHtml(TEXT[locale].notFound)}</strong></p>`,
        );
        return send(reply, 404, html);
      }
      return send(reply, 200, helpPageHtml(section, locale));
    },
  );

  app.get(
    '/help/images/:file',
    {
      config: { auth: 'public', action: 'help.read' },
      schema: { hide: true, params: z.object({ file: z.string().max(100) }) },
    },
    async (req, reply) => {
      const file = manualImagePath(req.params.file);
      if (!file) return reply.status(404).type('text/plain; charset=utf-8').send('not found');
      reply.header('cache-control', 'public, max-age=3600');
      return reply.type('image/png').send(fs.createReadStream(file));
    },
  );
};
