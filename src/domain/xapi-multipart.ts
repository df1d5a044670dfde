/**
 * multipart/mixed bodies of the Statement resource (statements with their attachments): parsing a
 * request and writing an answer. Pure: no I/O.
 */

export interface Part {
  /** header names in lower case */
  headers: Record<string, string>;
  body: Buffer;
}

/** The boundary named by a multipart Content-Type header, or null. */
export function boundaryOf(contentType: string): string | null {
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2] ?? null) : null;
}

/**
 * The parts of a multipart body, or a sentence saying why it cannot be read (no boundary, no closing
 * delimiter, a part without its blank line after the headers).
 */
export function parseMultipart(body: Buffer, contentType: string): Part[] | string {
  const boundary = boundaryOf(contentType);
  if (!boundary) return 'the multipart Content-Type names no boundary';
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let at = body.indexOf(delimiter);
  if (at === -1) return 'the body holds no multipart boundary';
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString() === '--') return parts;
    // the rest of the delimiter line
    const lineEnd = body.indexOf('\r\n', at);
    if (lineEnd === -1) return 'a multipart boundary line does not end';
    const start = lineEnd + 2;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), start - 2);
    if (next === -1) return 'the multipart body has no closing boundary';
    const raw = body.subarray(start, next);
    const headerEnd = raw.indexOf('\r\n\r\n');
    let headerText: string;
    let content: Buffer;
    if (raw.subarray(0, 2).toString() === '\r\n') {
      headerText = '';
      content = raw.subarray(2);
    } else {
      if (headerEnd === -1) return 'a multipart part has no blank line after its headers';
      headerText = raw.subarray(0, headerEnd).toString('utf8');
      content = raw.subarray(headerEnd + 4);
    }
    const headers: Record<string, string> = {};
    for (const line of headerText.split('\r\n')) {
      if (!line) continue;
      const colon = line.indexOf(':');
      if (colon <= 0) return `a multipart part header cannot be read: ${line.slice(0, 60)}`;
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    parts.push({ headers, body: content });
    at = next + 2;
  }
}

/** A multipart/mixed body of parts, with its Content-Type. */
export function writeMultipart(parts: Part[]): { contentType: string; body: Buffer } {
  const boundary = `peixun-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const head = Object.entries(p.headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    chunks.push(Buffer.from(`--${boundary}\r\n${head}\r\n`), p.body, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/mixed; boundary=${boundary}`, body: Buffer.concat(chunks) };
}
