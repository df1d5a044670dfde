/**
 * Text normalisation shared by forms and imports: NFC, trimmed, full-width ASCII folded
 * where asked, and a refusal of control characters and broken surrogates.
 */
// C0 and C1 controls (tab, CR and LF included), lone surrogates, and the non-characters U+FFFE/U+FFFF
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function hasForbiddenChars(s: string): boolean {
  return FORBIDDEN.test(s);
}

export function normaliseText(s: string): string {
  return s.normalize('NFC').trim();
}

/** Full-width digits, letters and punctuation (Ｕ+FF01…FF5E) and the ideographic space to ASCII. */
export function foldFullWidth(s: string): string {
  return s.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

const FORBIDDEN_ALL = new RegExp(FORBIDDEN.source, 'g');

/**
 * Text safe to quote back and to store anywhere (jsonb refuses NUL and lone surrogates): control
 * characters and broken surrogates become U+FFFD, and the length is cut on whole characters.
 */
export function quotable(s: string, max: number): string {
  return [...s.replace(FORBIDDEN_ALL, '\ufffd')].slice(0, max).join('');
}
