/**
 * The files of an online course (R-20 网络): an MP4 video or a PDF document, recognised by their
 * bytes, never by their name, and the length of a video read from its MP4 header. Pure: the bytes are
 * read through a function, so a 1 GB video is read a few boxes at a time from disk.
 */

export type StudyFileKind = 'video' | 'document';

/** The MIME type each kind is served with. */
export const STUDY_FILE_MIME: Record<StudyFileKind, string> = {
  video: 'video/mp4',
  document: 'application/pdf',
};

/**
 * The ISO-BMFF brands of an MP4 a browser plays (ISO base media, MP4 v1/v2, AVC, Apple's M4V).
 * QuickTime (`qt  `) and 3GPP are other formats and are refused.
 */
const MP4_BRANDS = new Set([
  'isom',
  'iso2',
  'iso3',
  'iso4',
  'iso5',
  'iso6',
  'mp41',
  'mp42',
  'avc1',
  'M4V ',
  'M4VH',
  'M4VP',
]);

/** How many bytes of a file's start {@link sniffStudyFile} needs to decide. */
export const SNIFF_BYTES = 64;

const ascii = (b: Uint8Array, from: number, to: number) => String.fromCharCode(...b.subarray(from, to));

/**
 * What a file is by its first bytes: an MP4 (an `ftyp` box first, naming an MP4 brand as its major
 * brand or among its compatible ones), a PDF (`%PDF-`), or neither (null). A renamed program,
 * picture or QuickTime movie is neither.
 *
 * @example sniffStudyFile(Buffer.from('%PDF-1.7\n…')) // 'document'
 */
export function sniffStudyFile(head: Uint8Array): StudyFileKind | null {
  if (head.length >= 5 && ascii(head, 0, 5) === '%PDF-') return 'document';
  if (head.length < 16 || ascii(head, 4, 8) !== 'ftyp') return null;
  const size = readUint32(head, 0);
  if (size < 16) return null;
  if (MP4_BRANDS.has(ascii(head, 8, 12))) return 'video';
  // compatible brands follow the major brand and its minor version, four bytes each
  const end = Math.min(size, head.length);
  for (let at = 16; at + 4 <= end; at += 4) if (MP4_BRANDS.has(ascii(head, at, at + 4))) return 'video';
  return null;
}

/** Reads `length` bytes at `offset` (fewer at the end of the file). */
export type ByteReader = (offset: number, length: number) => Uint8Array;

export type Mp4Info =
  | {
      ok: true;
      /** the presentation's length in seconds (mvhd, or mehd for a fragmented file); null when the file does not say */
      durationSeconds: number | null;
    }
  | { ok: false; reason: 'not_mp4' | 'no_movie_header' | 'truncated' };

interface Box {
  type: string;
  /** where its content starts and ends */
  start: number;
  end: number;
}

function readUint32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) >>> 0) + (b[at + 1]! << 16) + (b[at + 2]! << 8) + b[at + 3]!;
}

function readUint64(b: Uint8Array, at: number): number {
  return readUint32(b, at) * 2 ** 32 + readUint32(b, at + 4);
}

/**
 * The boxes between `from` and `to`, read header by header. A box of size 1 carries a 64-bit size
 * after its type; size 0 runs to the end of its container. 'truncated' when a box claims more than
 * is there.
 */
function* boxes(read: ByteReader, from: number, to: number): Generator<Box | 'truncated'> {
  let at = from;
  while (at + 8 <= to) {
    const head = read(at, 16);
    if (head.length < 8) {
      yield 'truncated';
      return;
    }
    let size = readUint32(head, 0);
    const type = ascii(head, 4, 8);
    let headerSize = 8;
    if (size === 1) {
      if (head.length < 16) {
        yield 'truncated';
        return;
      }
      size = readUint64(head, 8);
      headerSize = 16;
    } else if (size === 0) size = to - at;
    if (size < headerSize || at + size > to) {
      yield 'truncated';
      return;
    }
    yield { type, start: at + headerSize, end: at + size };
    at += size;
  }
}

function findBox(read: ByteReader, from: number, to: number, type: string): Box | 'truncated' | null {
  for (const b of boxes(read, from, to)) {
    if (b === 'truncated') return b;
    if (b.type === type) return b;
  }
  return null;
}

/** A duration field that says nothing: zero, or all ones ("unknown") in 32 or 64 bits. */
const unknownDuration = (d: number, version: number) =>
  d === 0 || (version === 0 ? d === 0xffffffff : d >= 2 ** 64 - 2 ** 12);

/**
 * Checks that the file is an MP4 and reads the length of the presentation: the `moov` box (before or
 * after the media data), its `mvhd` timescale and duration (version 0: 32-bit fields, version 1:
 * 64-bit), or for a fragmented file `moov/mvex/mehd`.
 *
 * @example readMp4Info(reader, size) // { ok: true, durationSeconds: 12.5 }
 */
export function readMp4Info(read: ByteReader, size: number): Mp4Info {
  if (sniffStudyFile(read(0, SNIFF_BYTES)) !== 'video') return { ok: false, reason: 'not_mp4' };
  const moov = findBox(read, 0, size, 'moov');
  if (moov === 'truncated') return { ok: false, reason: 'truncated' };
  if (!moov) return { ok: false, reason: 'no_movie_header' };
  const mvhd = findBox(read, moov.start, moov.end, 'mvhd');
  if (mvhd === 'truncated') return { ok: false, reason: 'truncated' };
  if (!mvhd) return { ok: false, reason: 'no_movie_header' };
  const body = read(mvhd.start, 32);
  const version = body[0];
  const need = version === 1 ? 32 : 20;
  if (body.length < need || mvhd.end - mvhd.start < need) return { ok: false, reason: 'truncated' };
  // version 1: creation and modification times are 64-bit, so the timescale sits at 20 and the duration at 24
  const timescale = version === 1 ? readUint32(body, 20) : readUint32(body, 12);
  let duration = version === 1 ? readUint64(body, 24) : readUint32(body, 16);
  if (unknownDuration(duration, version ?? 0)) {
    duration = 0;
    const mvex = findBox(read, moov.start, moov.end, 'mvex');
    const mehd = mvex && mvex !== 'truncated' ? findBox(read, mvex.start, mvex.end, 'mehd') : null;
    if (mehd && mehd !== 'truncated') {
      const m = read(mehd.start, 12);
      if (m[0] === 1 && m.length >= 12) duration = readUint64(m, 4);
      else if (m.length >= 8) duration = readUint32(m, 4);
    }
  }
  if (timescale === 0 || duration === 0) return { ok: true, durationSeconds: null };
  const seconds = Math.round((duration / timescale) * 1000) / 1000;
  // the column holds numeric(10,3): a length beyond it (115 days) is nonsense, not a lecture
  return { ok: true, durationSeconds: seconds > 0 && seconds < 10_000_000 ? seconds : null };
}
