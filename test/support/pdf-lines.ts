import zlib from 'node:zlib';

/**
 * The lines of a printed form's PDF, page by page, top to bottom (pieces on one line joined by a
 * space, left to right), so tests read a form as a person would. Reads the fonts' ToUnicode maps to
 * turn glyph codes back into characters. Only what pdfkit writes is understood: one content stream
 * per page, text drawn with `Tm`, `Tf` and `TJ`; stream bytes are taken by their `/Length`.
 */
export function pdfPageLines(pdf: Buffer): string[][] {
  const raw = pdf.toString('latin1');
  const objects = new Map<number, { dict: string; stream: Buffer | null }>();
  const re = /(\d+) 0 obj\s*/g;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    const from = m.index + m[0].length;
    const endobj = raw.indexOf('endobj', from);
    const s = raw.indexOf('stream', from);
    if (s === -1 || s > endobj) {
      objects.set(Number(m[1]), { dict: raw.slice(from, endobj), stream: null });
      re.lastIndex = endobj;
      continue;
    }
    // a stream's bytes are read by its length, never searched (they may hold anything)
    const dict = raw.slice(from, s);
    const start = s + 'stream'.length + (raw[s + 6] === '\r' ? 2 : 1);
    const length = Number(/\/Length (\d+)/.exec(dict)?.[1] ?? 0);
    let stream = pdf.subarray(start, start + length);
    if (/\/FlateDecode/.test(dict)) {
      try {
        stream = zlib.inflateSync(stream);
      } catch {
        stream = Buffer.alloc(0);
      }
    }
    objects.set(Number(m[1]), { dict, stream });
    re.lastIndex = start + length;
  }

  // font resource names (/F1) → glyph code → text
  const cmaps = new Map<string, Map<number, string>>();
  for (const { dict } of objects.values()) {
    const fonts = /\/Font\s*<<([\s\S]*?)>>/.exec(dict);
    if (!fonts) continue;
    for (const f of fonts[1]!.matchAll(/\/(\w+)\s+(\d+) 0 R/g)) {
      if (cmaps.has(f[1]!)) continue;
      const font = objects.get(Number(f[2]));
      const toUnicode = font && /\/ToUnicode (\d+) 0 R/.exec(font.dict);
      const stream = toUnicode && objects.get(Number(toUnicode[1]))?.stream;
      cmaps.set(f[1]!, stream ? parseCmap(stream.toString('latin1')) : new Map());
    }
  }

  const pagesRoot = [...objects.values()].find((o) => /\/Type \/Pages\b/.test(o.dict));
  const kids = [...(/\/Kids \[([^\]]*)\]/.exec(pagesRoot?.dict ?? '')?.[1] ?? '').matchAll(/(\d+) 0 R/g)].map((k) =>
    Number(k[1]),
  );
  return kids.map((id) => {
    const page = objects.get(id)!;
    const contents = /\/Contents (\d+) 0 R/.exec(page.dict);
    const stream = contents ? objects.get(Number(contents[1]))?.stream : null;
    return stream ? pageLines(stream.toString('latin1'), cmaps) : [];
  });
}

/** Every line of every page, in order. */
export function pdfLines(pdf: Buffer): string[] {
  return pdfPageLines(pdf).flat();
}

function parseCmap(text: string): Map<number, string> {
  const map = new Map<number, string>();
  const hexText = (h: string) => {
    const codes: number[] = [];
    for (const u of h.trim().split(/\s+/).filter(Boolean))
      for (let i = 0; i < u.length; i += 4) codes.push(Number.parseInt(u.slice(i, i + 4), 16));
    return String.fromCharCode(...codes);
  };
  for (const block of text.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const r of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[^>]*>)/g)) {
      const lo = Number.parseInt(r[1]!, 16);
      const hi = Number.parseInt(r[2]!, 16);
      if (r[3]!.startsWith('[')) {
        const items = [...r[3]!.matchAll(/<([^>]*)>/g)].map((x) => hexText(x[1]!));
        for (let c = lo; c <= hi; c++) map.set(c, items[c - lo] ?? '');
      } else {
        const base = hexText(r[3]!.slice(1, -1));
        for (let c = lo; c <= hi; c++)
          map.set(c, base.slice(0, -1) + String.fromCharCode(base.charCodeAt(base.length - 1) + (c - lo)));
      }
    }
  }
  for (const block of text.matchAll(/beginbfchar([\s\S]*?)endbfchar/g))
    for (const r of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F\s]+)>/g))
      map.set(Number.parseInt(r[1]!, 16), hexText(r[2]!));
  return map;
}

function pageLines(content: string, cmaps: Map<string, Map<number, string>>): string[] {
  const pieces: Array<{ x: number; y: number; text: string }> = [];
  let font = new Map<number, string>();
  let x = 0;
  let y = 0;
  const decode = (hex: string) => {
    let s = '';
    for (let i = 0; i < hex.length; i += 4) s += font.get(Number.parseInt(hex.slice(i, i + 4), 16)) ?? '';
    return s;
  };
  const ops =
    /([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) Tm|\/(\w+) [-\d.]+ Tf|\[([^\]]*)\] TJ|<([0-9a-fA-F]*)> Tj/g;
  for (let m = ops.exec(content); m; m = ops.exec(content)) {
    if (m[1] !== undefined) {
      x = Number(m[5]);
      y = Number(m[6]);
    } else if (m[7] !== undefined) {
      font = cmaps.get(m[7]) ?? new Map();
    } else {
      const hexes = m[8] !== undefined ? [...m[8].matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1]!) : [m[9]!];
      const text = hexes.map(decode).join('');
      if (text) pieces.push({ x, y, text });
    }
  }
  // pieces a little apart vertically (a fallback font's baseline) still share the line
  pieces.sort((a, b) => b.y - a.y || a.x - b.x);
  const lines: Array<{ y: number; parts: Array<{ x: number; text: string }> }> = [];
  for (const p of pieces) {
    const line = lines.find((l) => Math.abs(l.y - p.y) < 2.5);
    if (line) line.parts.push(p);
    else lines.push({ y: p.y, parts: [p] });
  }
  return lines.map((l) =>
    l.parts
      .sort((a, b) => a.x - b.x)
      .map((p) => p.text)
      .join(' '),
  );
}
