import { describe, expect, it } from 'vitest';
import { box, ftyp, largeBox, mvhd, tinyMp4, tinyPdf, windowsProgram } from '../../test/support/study-files.js';
import { readMp4Info, sniffStudyFile, type ByteReader } from './study-file.js';

/** Reads a buffer as the service reads a file on disk, counting what it asked for. */
function reader(buf: Buffer): ByteReader & { asked: number } {
  const r = Object.assign(
    (offset: number, length: number) => {
      r.asked += Math.min(length, Math.max(0, buf.length - offset));
      return buf.subarray(offset, offset + length);
    },
    { asked: 0 },
  );
  return r;
}
const info = (buf: Buffer) => readMp4Info(reader(buf), buf.length);

describe('what a course file is, by its bytes', () => {
  it('knows an MP4 by its ftyp box and a PDF by its header', () => {
    expect(sniffStudyFile(tinyMp4())).toBe('video');
    expect(sniffStudyFile(tinyPdf())).toBe('document');
    // Apple's M4V major brand, and a major brand we do not know with mp42 among the compatible ones
    expect(sniffStudyFile(ftyp('M4V ', ['M4V ', 'M4A ']))).toBe('video');
    expect(sniffStudyFile(ftyp('abcd', ['abcd', 'mp42']))).toBe('video');
  });

  it('refuses a renamed program, a QuickTime movie, a 3GPP file, a picture and text', () => {
    expect(sniffStudyFile(windowsProgram())).toBeNull();
    expect(sniffStudyFile(ftyp('qt  ', ['qt  ']))).toBeNull();
    expect(sniffStudyFile(ftyp('3gp4', ['3gp4', '3gp5']))).toBeNull();
    expect(sniffStudyFile(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]))).toBeNull();
    expect(sniffStudyFile(Buffer.from('just some notes about the course, typed as text'))).toBeNull();
    // "ftyp" not at the start: an MP4 inside something else is not an MP4
    expect(sniffStudyFile(Buffer.concat([Buffer.alloc(8), ftyp()]))).toBeNull();
    expect(sniffStudyFile(Buffer.from('%PD'))).toBeNull();
  });
});

describe('the length of an MP4 video', () => {
  it('reads the movie header before the media data', () => {
    expect(info(tinyMp4({ seconds: 12.5 }))).toEqual({ ok: true, durationSeconds: 12.5 });
  });

  it('reads it after the media data, as cameras write it, without reading the media', () => {
    const buf = tinyMp4({ seconds: 3600, moovAtEnd: true, mediaBytes: 2_000_000 });
    const r = reader(buf);
    expect(readMp4Info(r, buf.length)).toEqual({ ok: true, durationSeconds: 3600 });
    expect(r.asked).toBeLessThan(1_000);
  });

  it('reads a version 1 header with 64-bit fields and a 64-bit media box', () => {
    const buf = Buffer.concat([
      ftyp('mp42', ['mp42', 'isom']),
      largeBox('mdat', Buffer.alloc(1000)),
      box('moov', mvhd(90_000, 90_000n * 754n + 45_000n, 1)),
    ]);
    expect(info(buf)).toEqual({ ok: true, durationSeconds: 754.5 });
  });

  it('takes a last box of size 0 as running to the end of the file', () => {
    const moov = box('moov', mvhd(600, 600 * 42));
    const tail = Buffer.concat([Buffer.from([0, 0, 0, 0]), Buffer.from('mdat'), Buffer.alloc(300)]);
    expect(info(Buffer.concat([ftyp(), moov, tail]))).toEqual({ ok: true, durationSeconds: 42 });
  });

  it('reads a fragmented file from its movie extends header when mvhd leaves the length out', () => {
    const mehd = box('mehd', Buffer.from([0, 0, 0, 0]), Buffer.from([0, 0, 0x75, 0x30])); // 30000 units
    const moov = box('moov', mvhd(1000, 0), box('mvex', mehd));
    expect(info(Buffer.concat([ftyp('iso5', ['iso5', 'dash']), moov, box('moof'), box('mdat')]))).toEqual({
      ok: true,
      durationSeconds: 30,
    });
    // no length anywhere: still a video, of unknown length
    expect(info(Buffer.concat([ftyp(), box('moov', mvhd(1000, 0)), box('mdat')]))).toEqual({
      ok: true,
      durationSeconds: null,
    });
  });

  it('refuses a file with no movie header, a cut-off file and one that is no MP4', () => {
    expect(info(Buffer.concat([ftyp(), box('mdat', Buffer.alloc(100))]))).toEqual({
      ok: false,
      reason: 'no_movie_header',
    });
    const whole = tinyMp4({ moovAtEnd: true });
    expect(info(whole.subarray(0, whole.length - 40))).toEqual({ ok: false, reason: 'truncated' });
    expect(info(Buffer.concat([ftyp(), box('moov', box('mvhd', Buffer.alloc(6)))]))).toEqual({
      ok: false,
      reason: 'truncated',
    });
    expect(info(windowsProgram())).toEqual({ ok: false, reason: 'not_mp4' });
    expect(info(tinyPdf())).toEqual({ ok: false, reason: 'not_mp4' });
  });
});
