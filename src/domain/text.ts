/**
 * Text normalisation shared by forms and imports: NFC, trimmed, full-width ASCII folded
 * where asked, and a refusal of control characters, broken surrogates and hidden characters.
 */
// C0 and C1 controls (tab, CR and LF included), lone surrogates, and the non-characters U+FFFE/U+FFFF
const FORBIDDEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
  /[\u0000-\u001f\u007f-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/*
 * Hidden characters: they change how text reads or compares without showing. Direction marks,
 * embeddings, overrides and isolates (U+202E makes "exe.txt" read as "txt.exe"); zero-width
 * space, non-joiner, word joiner and byte-order mark; invisible operators; the soft hyphen; the
 * blank Hangul fillers used as "empty" names. The zero-width joiner is kept inside emoji
 * sequences (👩‍🏫), where it is the only way to write them. The Mongolian vowel separator
 * (U+180E) is kept: traditional Mongolian script needs it.
 */
const HIDDEN_CLASS =
  '\\u00ad\\u061c\\u115f\\u1160\\u200b\\u200c\\u200e\\u200f\\u202a-\\u202e\\u2060-\\u2064' +
  '\\u2066-\\u206f\\u3164\\ufeff\\uffa0\\ufff9-\\ufffb';
const EMOJI = '\\p{Extended_Pictographic}\\u{fe0f}\\u{1f3fb}-\\u{1f3ff}';
const LONE_JOINER = `(?<![${EMOJI}])\\u200d|\\u200d(?![\\p{Extended_Pictographic}])`;
const HIDDEN = new RegExp(`[${HIDDEN_CLASS}]|${LONE_JOINER}`, 'u');
const HIDDEN_ALL = new RegExp(HIDDEN.source, 'gu');

export function hasForbiddenChars(s: string): boolean {
  return FORBIDDEN.test(s) || HIDDEN.test(s);
}

/** Whether `s` holds a hidden character (see above); control characters are not counted here. */
export function hasHiddenChars(s: string): boolean {
  return HIDDEN.test(s);
}

export function normaliseText(s: string): string {
  return s.normalize('NFC').trim();
}

/** Full-width digits, letters and punctuation (Ｕ+FF01…FF5E) and the ideographic space to ASCII. */
export function foldFullWidth(s: string): string {
  return s.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

const FORBIDDEN_ALL = new RegExp(FORBIDDEN.source, 'g');
const codePoint = (c: string) => `⟨U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`;

/**
 * Text safe to quote back and to store anywhere (jsonb refuses NUL and lone surrogates): control,
 * hidden and broken characters are written out visibly as ⟨U+202E⟩, and the length is cut on whole
 * characters (of the original text).
 *
 * @example quotable('王\u200b芳', 40) === '王⟨U+200B⟩芳'
 */
export function quotable(s: string, max: number): string {
  return [...s].slice(0, max).join('').replace(HIDDEN_ALL, codePoint).replace(FORBIDDEN_ALL, codePoint);
}

/** `s` with its control, hidden and broken characters written out visibly (⟨U+200B⟩), for tables and messages. */
export function showUnseen(s: string): string {
  return s.replace(HIDDEN_ALL, codePoint).replace(FORBIDDEN_ALL, codePoint);
}

/** `s` without its control, hidden and broken characters. */
export function withoutUnseen(s: string): string {
  return s.replace(HIDDEN_ALL, '').replace(FORBIDDEN_ALL, '');
}

/** The control, hidden and broken characters of `s`, each written out once: '⟨U+200B⟩ ⟨U+202E⟩'. */
export function unseenChars(s: string): string {
  const found = [...(s.match(HIDDEN_ALL) ?? []), ...(s.match(FORBIDDEN_ALL) ?? [])].map(codePoint);
  return [...new Set(found)].join(' ');
}

/**
 * Decodes the `_xHHHH_` escapes of Office Open XML strings (ECMA-376 ST_Xstring): Excel writes a
 * carriage return as `_x000D_`, a tab as `_x0009_`, and `_x005F_` escapes the underscore of a
 * literal `_x…_`.
 *
 * @example decodeXmlEscapes('a_x000D_b') === 'a\rb'; decodeXmlEscapes('_x005F_x0041_') === '_x0041_'
 */
export function decodeXmlEscapes(s: string): string {
  if (!s.includes('_x')) return s;
  return s.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/*
 * Identifiers in the wrong place. A resident ID number (18 characters: a 6-digit region, birth
 * date, sequence, a digit or X), an old 15-digit one, or a mainland mobile number, anywhere in a
 * text, not touching other digits.
 */
const MONTH_DAY = '(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])';
const ID_LIKE = new RegExp(
  '(?<![0-9A-Za-z])([1-9]\\d{5})' +
    `(?:(?:18|19|20)\\d{2}${MONTH_DAY}\\d{3}[0-9Xx]|\\d{2}${MONTH_DAY}\\d{3})(?![0-9A-Za-z])`,
  'g',
);
const MOBILE_LIKE = /(?<![0-9])(?:\+?86[ -]?)?(1[3-9]\d)[ -]?\d{4}[ -]?(\d{4})(?![0-9])/g;

export type Withheld = 'id_number' | 'phone';

/**
 * `s` with every number that looks like an ID number shown as its region and last four
 * (`220283********0119`: the birth date never shows) and every mobile number as `139****5678`;
 * `withheld` says what was found (an ID number first), so a report can say why it is masked.
 */
export function withholdIdentifiers(s: string): { text: string; withheld: Withheld | null } {
  let withheld: Withheld | null = null;
  let text = s.replace(ID_LIKE, (m: string, region: string) => {
    withheld = 'id_number';
    return `${region}${'*'.repeat(m.length - 10)}${m.slice(-4)}`;
  });
  text = text.replace(MOBILE_LIKE, (_m: string, head: string, tail: string) => {
    withheld ??= 'phone';
    return `${head}****${tail}`;
  });
  return { text, withheld };
}

/** Whether `s` holds something that looks like an ID number (see withholdIdentifiers). */
export function looksLikeIdNumber(s: string): boolean {
  ID_LIKE.lastIndex = 0;
  const found = ID_LIKE.test(s);
  ID_LIKE.lastIndex = 0;
  return found;
}

/**
 * A cell or field quoted back in a report: shortened to `max` characters, hidden characters
 * visible, and anything that looks like an ID number or a mobile number masked (a misplaced
 * identifier must not leak through an error report), with `withheld` saying so.
 */
export function shownValue(v: string, max = 40): { value: string; withheld?: Withheld } {
  const typed = foldFullWidth(v.normalize('NFC'));
  // an identifier split by a hidden character is still one
  const { text: masked, withheld } = withholdIdentifiers(withoutUnseen(typed));
  if (withheld) return { value: quotable(masked, max), withheld };
  return { value: quotable(typed, max) };
}
