import { describe, expect, it } from 'vitest';
import { byteRange } from './byte-range.js';

describe('the Range header of a file download', () => {
  it('serves one range, open-ended or the last bytes, clamped to the file', () => {
    expect(byteRange('bytes=0-99', 1000)).toEqual({ kind: 'part', start: 0, end: 99 });
    expect(byteRange('bytes=500-', 1000)).toEqual({ kind: 'part', start: 500, end: 999 });
    expect(byteRange('bytes=-100', 1000)).toEqual({ kind: 'part', start: 900, end: 999 });
    expect(byteRange('bytes=-5000', 1000)).toEqual({ kind: 'part', start: 0, end: 999 });
    expect(byteRange('bytes=990-5000', 1000)).toEqual({ kind: 'part', start: 990, end: 999 });
    expect(byteRange('bytes=999-999', 1000)).toEqual({ kind: 'part', start: 999, end: 999 });
    expect(byteRange('BYTES = 1 - 2', 1000)).toEqual({ kind: 'part', start: 1, end: 2 });
  });

  it('answers 416 when no byte of the file lies in the range', () => {
    expect(byteRange('bytes=1000-', 1000)).toEqual({ kind: 'unsatisfiable' });
    expect(byteRange('bytes=1000-2000', 1000)).toEqual({ kind: 'unsatisfiable' });
    expect(byteRange('bytes=-0', 1000)).toEqual({ kind: 'unsatisfiable' });
    expect(byteRange('bytes=99999999999999999999-', 1000)).toEqual({ kind: 'unsatisfiable' });
  });

  it('sends the whole file for what it does not serve', () => {
    for (const h of [undefined, '', 'bytes=', 'bytes=-', 'items=0-9', 'bytes=0-9,20-29', 'bytes=9-0', 'bytes=a-b'])
      expect(byteRange(h, 1000), String(h)).toEqual({ kind: 'whole' });
  });
});
