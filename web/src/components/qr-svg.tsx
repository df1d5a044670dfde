import QRCode from 'qrcode';

/** The modules of the QR code of `text` (error correction M): `dark[row * size + col]`. */
export function qrModules(text: string): { size: number; dark: boolean[] } {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  return { size: qr.modules.size, dark: Array.from(qr.modules.data, (v) => Boolean(v)) };
}

/** One SVG path of the dark modules, a rectangle per run of them in a row. */
function qrPath(size: number, dark: boolean[]): string {
  let d = '';
  for (let r = 0; r < size; r++) {
    let c = 0;
    while (c < size) {
      if (!dark[r * size + c]) {
        c++;
        continue;
      }
      const start = c;
      while (c < size && dark[r * size + c]) c++;
      d += `M${start + 4} ${r + 4}h${c - start}v1h-${c - start}z`;
    }
  }
  return d;
}

/**
 * A QR code drawn as vector SVG in the page (sharp when printed, nothing fetched, no canvas), with
 * the four-module quiet zone scanners need. `data-link` carries the text it encodes.
 */
export function QrSvg({ text, size, label, testId }: { text: string; size: number; label: string; testId?: string }) {
  const { size: n, dark } = qrModules(text);
  const box = n + 8;
  return (
    <svg
      width={size}
      height={size}
      viewBox={`0 0 ${box} ${box}`}
      role="img"
      aria-label={label}
      shapeRendering="crispEdges"
      data-testid={testId}
      data-link={text}
      style={{ flex: 'none', background: '#fff' }}
    >
      <path d={qrPath(n, dark)} fill="#000" />
    </svg>
  );
}
