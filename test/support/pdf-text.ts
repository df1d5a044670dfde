import zlib from 'node:zlib';

/** One stretch of text drawn at one place: `y` grows down the page (points from its top). */
export interface PdfRun {
  x: number;
  y: number;
  text: string;
}

/**
 * The text of a PDF as pdfkit writes it (Identity-H fonts with a ToUnicode map, one `Tm … TJ` per
 * run), page by page: each run with its place, and the lines (runs at the same height, left to
 * right, joined by a space). Enough to read back what a certificate or a form prints, not a
 * general PDF reader.
 */
export function pdfPageTexts(pdf: Buffer): Array<{ runs: PdfRun[]; lines: string[] }> {
  const raw = pdf.toString('latin1');
  const objects = new Map<number, { dict: string; stream: Buffer | null }>();
  const re = /(\d+) 0 obj\s([\s\S]*?)endobj/g;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    const body = m[2]!;
    const at = body.search(/>>\s*stream\r?\n/);
    if (at === -1) {
      objects.set(Number(m[1]), { dict: body, stream: null });
      continue;
    }
    const head = /^[\s\S]*?>>\s*stream\r?\n/.exec(body.slice(at))![0];
    const start = m.index + m[0].indexOf(body) + at + head.length;
    const end = raw.indexOf('endstream', start);
    let data = pdf.subarray(start, end);
    if (body.slice(0, at).includes('/FlateDecode')) data = zlib.inflateSync(data);
    objects.set(Number(m[1]), { dict: body.slice(0, at + 2), stream: data });
  }
  const ref = (dict: string, key: string) => {
    const r = new RegExp(`/${key} (\\d+) 0 R`).exec(dict);
    return r ? Number(r[1]) : null;
  };
  const root = [...objects.values()].find((o) => /\/Type \/Pages\b/.test(o.dict))!;
  const kids = [.../\/Kids \[([^\]]*)\]/.exec(root.dict)![1]!.matchAll(/(\d+) 0 R/g)].map((k) => Number(k[1]));
  const cmaps = new Map<number, Map<number, string>>();
  const cmapOf = (fontObj: number) => {
    let map = cmaps.get(fontObj);
    if (!map) {
      map = parseToUnicode(objects.get(ref(objects.get(fontObj)!.dict, 'ToUnicode')!)!.stream!.toString('latin1'));
      cmaps.set(fontObj, map);
    }
    return map;
  };
  return kids.map((id) => {
    const page = objects.get(id)!.dict;
    const resources = objects.get(ref(page, 'Resources')!)!.dict;
    const fonts = new Map(
      [...(/\/Font <<([^>]*)>>/.exec(resources)?.[1] ?? '').matchAll(/\/(\w+) (\d+) 0 R/g)].map((f) => [
        f[1]!,
        Number(f[2]),
      ]),
    );
    const content = objects.get(ref(page, 'Contents')!)!.stream!.toString('latin1');
    const runs: PdfRun[] = [];
    let font = '';
    let x = 0;
    let y = 0;
    const tokens = content.matchAll(/\[(?:[^\]]*)\]\s*TJ|<[0-9a-fA-F]*>\s*Tj|\/(\w+) [\d.]+ Tf|([-\d. ]+) Tm/g);
    for (const t of tokens) {
      if (t[1]) font = t[1];
      else if (t[2]) {
        const n = t[2].trim().split(/\s+/).map(Number);
        x = n[4]!;
        y = Math.round((841.89 - n[5]!) * 100) / 100;
      } else {
        const map = cmapOf(fonts.get(font)!);
        let text = '';
        for (const hex of t[0].matchAll(/<([0-9a-fA-F]*)>/g))
          for (let i = 0; i < hex[1]!.length; i += 4) text += map.get(parseInt(hex[1]!.slice(i, i + 4), 16)) ?? '';
        runs.push({ x, y, text });
      }
    }
    const byLine = new Map<number, PdfRun[]>();
    for (const r of runs) byLine.set(r.y, [...(byLine.get(r.y) ?? []), r]);
    const lines = [...byLine.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([, rs]) =>
        rs
          .sort((a, b) => a.x - b.x)
          .map((r) => r.text)
          .join(' '),
      );
    return { runs, lines };
  });
}

/** The lines of each page, top to bottom. */
export function pdfPages(pdf: Buffer): string[][] {
  return pdfPageTexts(pdf).map((p) => p.lines);
}

/** The lines of every page, top to bottom, one page after the other. */
export function pdfText(pdf: Buffer): string[] {
  return pdfPages(pdf).flat();
}

/** A ToUnicode CMap (bfchar and bfrange, ranges given as a start or as a list) as glyph id → text. */
function parseToUnicode(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  const utf16 = (hex: string) => {
    const units: number[] = [];
    for (let i = 0; i < hex.length; i += 4) units.push(parseInt(hex.slice(i, i + 4), 16));
    return String.fromCharCode(...units);
  };
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g))
    for (const p of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F\s]+)>/g))
      map.set(parseInt(p[1]!, 16), utf16(p[2]!.replace(/\s/g, '')));
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const r of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[0-9a-fA-F\s]+>)/g)) {
      const lo = parseInt(r[1]!, 16);
      const hi = parseInt(r[2]!, 16);
      if (r[3]!.startsWith('[')) {
        // an entry of several characters (a ligature such as ﬁ) is written '<0066 0069>'
        const list = [...r[3]!.matchAll(/<([0-9a-fA-F\s]+)>/g)].map((h) => utf16(h[1]!.replace(/\s/g, '')));
        list.forEach((text, i) => {
          if (lo + i <= hi) map.set(lo + i, text);
        });
      } else {
        const first = parseInt(r[3]!.slice(1, -1), 16);
        for (let g = lo; g <= hi; g++) map.set(g, String.fromCodePoint(first + g - lo));
      }
    }
  }
  return map;
}
