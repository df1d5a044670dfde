/**
 * The `Range` header of a file download (RFC 9110 §14): a video player asks for the part it is about
 * to play, or the end of a file to find its index. One range is served; a header this server does not
 * serve (several ranges, another unit, bad syntax) is ignored and the whole file sent, as the RFC allows.
 */
export type ByteRange =
  | { kind: 'whole' }
  /** bytes start…end, both included */
  | { kind: 'part'; start: number; end: number }
  /** no byte of the file lies in the range asked for: 416 */
  | { kind: 'unsatisfiable' };

/**
 * @example byteRange('bytes=0-99', 1000) // { kind: 'part', start: 0, end: 99 }
 * @example byteRange('bytes=-100', 1000) // { kind: 'part', start: 900, end: 999 }
 * @example byteRange('bytes=2000-', 1000) // { kind: 'unsatisfiable' }
 */
export function byteRange(header: string | undefined, size: number): ByteRange {
  if (!header) return { kind: 'whole' };
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m) return { kind: 'whole' };
  const [, first, last] = m as unknown as [string, string, string];
  if (first === '' && last === '') return { kind: 'whole' };
  // digits beyond what a number holds exactly: no file here is that large
  if (first.length > 15 || last.length > 15) return first === '' ? { kind: 'whole' } : { kind: 'unsatisfiable' };
  if (first === '') {
    // the last N bytes
    const n = Number(last);
    if (n === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'part', start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return { kind: 'whole' };
  if (start >= size) return { kind: 'unsatisfiable' };
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  return { kind: 'part', start, end };
}
