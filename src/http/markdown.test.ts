import { describe, expect, it } from 'vitest';
import { headingId, markdownHeadings, markdownTitle, renderInline, renderMarkdown } from './markdown.js';

const o = {
  image: (src: string) => (/^images\/[a-z-]+\.png$/.test(src) ? `/help/${src}` : null),
  link: (href: string) => href.replace(/^([a-z]+)\.md/, '/help/$1'),
};

describe('the manual as HTML', () => {
  it('renders headings with ids to link to, paragraphs, lists, quotes and tables', () => {
    const html = renderMarkdown(
      [
        '# 账号与安全',
        '',
        '第一段，',
        '续写的一行。',
        '',
        '## 密码 规则',
        '- 甲',
        '- **乙**',
        '',
        '1. 打印',
        '',
        '   ![小条](images/slips.png)',
        '',
        '2. 扫码',
        '',
        '> **为什么？** 因为',
        '',
        '| 账号 | 规则 |',
        '|---|---|',
        '| 教师 | 8 位 |',
      ].join('\n'),
      o,
    );
    expect(html).toContain('<h1 id="账号与安全">账号与安全</h1>');
    expect(html).toContain('<p>第一段， 续写的一行。</p>');
    expect(html).toContain('<h2 id="密码-规则">密码 规则</h2>');
    expect(html).toContain('<ul><li>甲</li><li><strong>乙</strong></li></ul>');
    expect(html).toContain(
      '<figure><img src="/help/images/slips.png" alt="小条" loading="lazy"><figcaption>小条</figcaption></figure>',
    );
    // the numbered list goes on counting after the picture
    expect(html).toContain('<ol start="2"><li>扫码</li></ol>');
    expect(html).toContain('<blockquote><p><strong>为什么？</strong> 因为</p></blockquote>');
    expect(html).toContain(
      '<table><thead><tr><th>账号</th><th>规则</th></tr></thead><tbody><tr><td>教师</td><td>8 位</td></tr></tbody></table>',
    );
  });

  it('escapes every character of the text: nothing becomes markup it did not ask for', () => {
    expect(renderMarkdown('<script>alert(1)</script> & "x"', o)).toBe(
      '<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;</p>',
    );
    expect(renderInline('`<b>` **a** `**b**`', o)).toBe('<code>&lt;b&gt;</code> <strong>a</strong> <code>**b**</code>');
    expect(renderInline('[x](javascript:alert(1))', o)).toBe('x)');
    expect(renderInline('[x](javascript:void)', o)).toBe('x');
    expect(renderInline('[x](data:text/html,1)', o)).toBe('x');
    expect(renderInline('[x](//evil.example)', o)).toBe('x');
    expect(renderInline('[年度验证](verification.md#提交)', o)).toBe('<a href="/help/verification#提交">年度验证</a>');
    expect(renderInline('[NIST](https://pages.nist.gov/800-63-3/)', o)).toContain(
      'href="https://pages.nist.gov/800-63-3/"',
    );
    // an image from elsewhere is left out, not fetched
    expect(renderInline('![x](https://evil.example/a.png)', o)).toBe('');
    expect(renderInline('![x"onerror="y](images/ok.png)', o)).toBe(
      '<img src="/help/images/ok.png" alt="x&quot;onerror=&quot;y" loading="lazy">',
    );
  });

  it('reads the title and the sections of a page', () => {
    const md = '# 年度验证\n\n## 学校：开启、核对、提交\n\n## 打印验证汇总表\n';
    expect(markdownTitle(md)).toBe('年度验证');
    expect(markdownHeadings(md)).toEqual([
      { id: '学校开启核对提交', text: '学校：开启、核对、提交' },
      { id: '打印验证汇总表', text: '打印验证汇总表' },
    ]);
    expect(headingId(' A b ')).toBe('a-b');
  });
});
