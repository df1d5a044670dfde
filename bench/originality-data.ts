/**
 * The corpus of the originality benchmark, deterministic: stored reflection i is a text of about
 * 1,000 characters from the word list of test/support/reflection-corpus.ts (seeded by i), and one in
 * twenty is a paraphrase of another stored one (6 % of the characters changed), as copies are in a
 * real course. The checked texts alternate between a paraphrase of a stored text (8 %) and a new one.
 * Also the COPY lines of `reflection` and `reflection_band`, made with the product's own fingerprint.
 */
import { countedChars } from '../src/domain/online-course.js';
import { fingerprint, signatureBytes } from '../src/domain/originality.js';
import { paraphrase, reflectionText } from '../test/support/reflection-corpus.js';

export const TEXT_CHARS = 1_000;
const STORED_SEED = 1_000_000;
const CHECK_SEED = 9_000_000;

/** Whether stored reflection i is a paraphrase of another (and of which). */
const copyOf = (i: number): number | null => (i % 20 === 19 && i >= 20 ? i - 7 : null);

/** The text of stored reflection i (0-based). */
export function storedText(i: number): string {
  const source = copyOf(i);
  return source === null ? reflectionText(STORED_SEED + i, TEXT_CHARS) : paraphrase(storedText(source), 0.06, i);
}

/** The k-th checked text: even k a paraphrase of a stored original, odd k a new text. */
export function checkText(k: number, stored: number): { text: string; copies: number | null } {
  if (k % 2 === 1) return { text: reflectionText(CHECK_SEED + k, TEXT_CHARS), copies: null };
  let i = (k * 7919) % stored;
  if (copyOf(i) !== null) i -= 1;
  return { text: paraphrase(storedText(i), 0.08, CHECK_SEED + k), copies: i };
}

/** A value for COPY's text format: backslash, tab, newline and carriage return escaped. */
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const esc = (s: string) => s.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!);

export interface CorpusPlace {
  provinceId: number;
  courseId: number;
  classIds: number[];
  teachers: Array<{ id: number; orgPath: string }>;
}

export const REFLECTION_COPY_SQL =
  'COPY reflection (id, province_id, class_id, course_id, teacher_id, org_path, title, body, chars, similarity, ' +
  'counts, matched_ranges, signature, created_at, updated_at) FROM STDIN';
export const BAND_COPY_SQL = 'COPY reflection_band (course_id, band_key, reflection_id) FROM STDIN';

/** The COPY lines of stored reflections [from, to): the reflection rows (id = i + 1) and their band rows. */
export function corpusLines(place: CorpusPlace, from: number, to: number): { reflections: string; bands: string } {
  let reflections = '';
  let bands = '';
  const day = Date.UTC(2025, 0, 1);
  for (let i = from; i < to; i++) {
    const id = i + 1;
    const body = storedText(i);
    const fp = fingerprint(body);
    const teacher = place.teachers[i % place.teachers.length]!;
    const at = new Date(day + (i % 500) * 3_600_000).toISOString();
    reflections += `${[
      id,
      place.provinceId,
      place.classIds[i % place.classIds.length],
      place.courseId,
      teacher.id,
      teacher.orgPath,
      `研修心得 ${id}`,
      esc(body),
      countedChars(body),
      0,
      't',
      '[]',
      `\\\\x${signatureBytes(fp.signature).toString('hex')}`,
      at,
      at,
    ].join('\t')}\n`;
    for (const k of fp.bands) bands += `${place.courseId}\t${k}\t${id}\n`;
  }
  return { reflections, bands };
}
