/**
 * The operator's manual (docs/manual/*.md) as HTML, for the help pages. The small part of Markdown
 * the manual is written in: headings (#, ##, ###, with an id to link to), paragraphs, lists (- and
 * 1.), block quotes (>), tables (| a | b |), horizontal rules, and inline **bold**, `code`,
 * [links](…) and ![images](images/…). Every character of the text is escaped: nothing in a manual
 * page becomes markup it did not ask for, and a link goes only to a relative address, an anchor or http(s).
 */

export interface MarkdownOptions {
  /** the address an image of the manual is served at, or null to leave it out */
  image(src: string): string | null;
  /** the address of a link to another manual page (`teachers.md#导入`), or the link as written */
  link?(href: string): string;
}

export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The id a heading gets: its text, spaces as hyphens (Chinese stays as it is). */
export function headingId(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[\s]+/g, '-')
    .replace(/[^\p{L}\p{N}-]/gu, '');
}

function safeHref(href: string): string | null {
  const h = href.trim();
  if (/^(https?:)?\/\//i.test(h)) return /^https?:\/\//i.test(h) ? h : null;
  if (/^[a-z][a-z0-9+.-]*:/i.test(h)) return null; // javascript:, data: and the like
  return h;
}

/** Inline markup of one line of text: escaped first, then bold, code, images and links. */
export function renderInline(text: string, o: MarkdownOptions): string {
  // code spans are taken out first, so nothing inside them is read as markup
  const codes: string[] = [];
  let s = text.replace(/`([^`]+)`/g, (_m, c: string) => {
    codes.push(`<code>${escapeHtml(c)}</code>`);
    return `\u0000${codes.length - 1}\u0000`;
  });
  const parts: string[] = [];
  // images and links, then the text between them
  const re = /(!?)\[([^\]]*)\]\(([^)\s]+)\)/g;
  let last = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    parts.push(emphasis(escapeHtml(s.slice(last, m.index))));
    const [, bang, label, target] = m;
    if (bang) {
      const src = o.image(target!);
      if (src) parts.push(`<img src="${escapeHtml(src)}" alt="${escapeHtml(label!)}" loading="lazy">`);
    } else {
      const href = safeHref(o.link ? o.link(target!) : target!);
      parts.push(
        href ? `<a href="${escapeHtml(href)}">${emphasis(escapeHtml(label!))}</a>` : emphasis(escapeHtml(label!)),
      );
    }
    last = m.index + m[0].length;
  }
  parts.push(emphasis(escapeHtml(s.slice(last))));
  s = parts.join('');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the placeholders of the code spans taken out above
  return s.replace(/\u0000(\d+)\u0000/g, (_m, i: string) => codes[Number(i)]!);
}

const emphasis = (escaped: string) => escaped.replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');

/** The manual page's title: its first heading. */
export function markdownTitle(md: string): string | null {
  return /^#\s+(.+)$/m.exec(md)?.[1]?.trim() ?? null;
}

/** The second-level headings of a page, for its table of contents. */
export function markdownHeadings(md: string): Array<{ id: string; text: string }> {
  return [...md.matchAll(/^##\s+(.+)$/gm)].map((m) => ({ id: headingId(m[1]!), text: m[1]!.trim() }));
}

const cells = (line: string) =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((c) => c.trim());

/** Markdown to HTML (see the file's comment for what is understood). */
export function renderMarkdown(md: string, o: MarkdownOptions): string {
  const lines = md.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let i = 0;
  const inline = (t: string) => renderInline(t, o);
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '') {
      i++;
      continue;
    }
    const h = /^(#{1,4})\s+(.+)$/.exec(line);
    if (h) {
      const level = h[1]!.length;
      out.push(`<h${level} id="${escapeHtml(headingId(h[2]!))}">${inline(h[2]!.trim())}</h${level}>`);
      i++;
      continue;
    }
    if (/^(-{3,}|\*{3,})\s*$/.test(line)) {
      out.push('<hr>');
      i++;
      continue;
    }
    if (/^\s*\|/.test(line) && i + 1 < lines.length && /^\s*\|?\s*:?-{3,}/.test(lines[i + 1]!)) {
      const head = cells(line);
      i += 2;
      const rows: string[][] = [];
      while (i < lines.length && /^\s*\|/.test(lines[i]!)) rows.push(cells(lines[i++]!));
      out.push(
        `<table><thead><tr>${head.map((c) => `<th>${inline(c)}</th>`).join('')}</tr></thead><tbody>` +
          rows.map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`).join('') +
          '</tbody></table>',
      );
      continue;
    }
    if (/^>\s?/.test(line)) {
      const quoted: string[] = [];
      while (i < lines.length && /^>\s?/.test(lines[i]!)) quoted.push(lines[i++]!.replace(/^>\s?/, ''));
      out.push(`<blockquote>${renderMarkdown(quoted.join('\n'), o)}</blockquote>`);
      continue;
    }
    const item = /^\s*([-*]|\d+\.)\s+(.*)$/.exec(line);
    if (item) {
      const ordered = /\d/.test(item[1]!);
      const items: string[] = [];
      while (i < lines.length) {
        const m = /^\s*([-*]|\d+\.)\s+(.*)$/.exec(lines[i]!);
        if (m && /\d/.test(m[1]!) === ordered) {
          items.push(m[2]!);
          i++;
        } else if (items.length && /^\s{2,}\S/.test(lines[i]!)) {
          items[items.length - 1] += ` ${lines[i++]!.trim()}`; // a wrapped item
        } else break;
      }
      // a numbered list broken by a picture goes on counting where it stopped
      const start = ordered ? Number.parseInt(item[1]!, 10) : 1;
      const open = ordered ? (start === 1 ? '<ol>' : `<ol start="${start}">`) : '<ul>';
      out.push(`${open}${items.map((t) => `<li>${inline(t)}</li>`).join('')}${ordered ? '</ol>' : '</ul>'}`);
      continue;
    }
    // a paragraph: the lines up to a blank line or another block; an image alone is a figure
    const para: string[] = [];
    while (
      i < lines.length &&
      lines[i]!.trim() !== '' &&
      !/^(#{1,4}\s|>|\s*([-*]|\d+\.)\s|\s*\||-{3,}\s*$)/.test(lines[i]!)
    )
      para.push(lines[i++]!.trim());
    const text = para.join(' ');
    const figure = /^!\[([^\]]*)\]\(([^)\s]+)\)$/.exec(text);
    if (figure) {
      const img = inline(text);
      if (img) out.push(`<figure>${img}<figcaption>${escapeHtml(figure[1]!)}</figcaption></figure>`);
    } else out.push(`<p>${inline(text)}</p>`);
  }
  return out.join('\n');
}
