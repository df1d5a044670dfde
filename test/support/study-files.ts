/**
 * Bytes of the files an online course is made of, built here rather than shipped: an MP4 of boxes
 * (ftyp, moov with its mvhd, mdat) in the layouts real encoders write, and a small PDF.
 */

/** One ISO-BMFF box: 32-bit size, four-letter type, content. */
export function box(type: string, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
}

/** A box with a 64-bit size (size field 1, the real size after the type), as large `mdat`s are written. */
export function largeBox(type: string, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const head = Buffer.alloc(16);
  head.writeUInt32BE(1, 0);
  head.write(type, 4, 'latin1');
  head.writeBigUInt64BE(BigInt(16 + body.length), 8);
  return Buffer.concat([head, body]);
}

export function ftyp(major = 'isom', compatible: string[] = ['isom', 'iso2', 'avc1', 'mp41']): Buffer {
  const minor = Buffer.alloc(4);
  minor.writeUInt32BE(512, 0);
  return box('ftyp', Buffer.from(major, 'latin1'), minor, ...compatible.map((b) => Buffer.from(b, 'latin1')));
}

/** A movie header: version 0 (32-bit times) or 1 (64-bit), with its timescale and duration in its units. */
export function mvhd(timescale: number, duration: number | bigint, version: 0 | 1 = 0): Buffer {
  const rest = Buffer.alloc(80); // rate, volume, matrix, pre-defined, next track id: not read
  if (version === 1) {
    const b = Buffer.alloc(32);
    b.writeUInt8(1, 0);
    b.writeBigUInt64BE(3_800_000_000n, 4);
    b.writeBigUInt64BE(3_800_000_000n, 12);
    b.writeUInt32BE(timescale, 20);
    b.writeBigUInt64BE(BigInt(duration), 24);
    return box('mvhd', b, rest);
  }
  const b = Buffer.alloc(20);
  b.writeUInt32BE(3_800_000_000, 4);
  b.writeUInt32BE(3_800_000_000, 8);
  b.writeUInt32BE(timescale, 12);
  b.writeUInt32BE(Number(duration), 16);
  return box('mvhd', b, rest);
}

/**
 * A small MP4 a course can take: ftyp, then moov (its mvhd saying `seconds` at a 1000 timescale and an
 * empty track) before the media data, or after it as a camera writes it (`moovAtEnd`).
 */
export function tinyMp4(opts: { seconds?: number; moovAtEnd?: boolean; mediaBytes?: number } = {}): Buffer {
  const moov = box('moov', mvhd(1000, Math.round((opts.seconds ?? 12.5) * 1000)), box('trak', box('tkhd')));
  const media = Buffer.alloc(opts.mediaBytes ?? 4096);
  for (let i = 0; i < media.length; i++) media[i] = (i * 31 + 7) & 0xff;
  const mdat = box('mdat', media);
  return Buffer.concat(opts.moovAtEnd ? [ftyp(), mdat, moov] : [ftyp(), moov, mdat]);
}

/** A one-page PDF as a word processor writes its header. */
export function tinyPdf(text = 'course notes'): Buffer {
  return Buffer.from(
    `%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj << /Title (${text}) >> endobj\ntrailer << >>\n%%EOF\n`,
    'latin1',
  );
}

/** The start of a Windows program (an .exe): "MZ", then the DOS stub. */
export function windowsProgram(): Buffer {
  const b = Buffer.alloc(512);
  b.write('MZ', 0, 'latin1');
  b.write('This program cannot be run in DOS mode.', 78, 'latin1');
  return b;
}
