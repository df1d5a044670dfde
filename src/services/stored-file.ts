import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Files people upload (credit evidence, homework): the kinds accepted, checked by their first bytes,
 * and kept under the data dir by their SHA-256, so the same file twice is stored once.
 */
export const UPLOAD_TYPES: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.doc': 'application/msword',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xls': 'application/vnd.ms-excel',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.zip': 'application/zip',
};

/**
 * The MIME type of an upload whose extension is accepted and whose first bytes match it (a renamed
 * executable is refused), or null.
 * @example uploadType('作业.pdf', Buffer.from('%PDF-1.7')) // 'application/pdf'
 */
export function uploadType(fileName: string, data: Buffer): string | null {
  const ext = path.extname(fileName).toLowerCase();
  const mime = UPLOAD_TYPES[ext];
  return mime && sniffMatches(ext, data) ? mime : null;
}

/** The first bytes must match the extension. */
export function sniffMatches(ext: string, data: Buffer): boolean {
  const head = data.subarray(0, 8);
  switch (ext) {
    case '.pdf':
      return head.subarray(0, 5).toString('latin1') === '%PDF-';
    case '.png':
      return head.equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    case '.jpg':
    case '.jpeg':
      return head[0] === 0xff && head[1] === 0xd8;
    case '.docx':
    case '.xlsx':
    case '.zip':
      return head[0] === 0x50 && head[1] === 0x4b;
    case '.doc':
    case '.xls':
      return head.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]));
    default:
      return false;
  }
}

/** Where a stored file lies: `<dir>/<first two hex digits>/<hex>`. */
export function storedPath(dir: string, sha256: Buffer): string {
  const hex = sha256.toString('hex');
  return path.join(dir, hex.slice(0, 2), hex);
}

/**
 * Writes the bytes under `dir` by their SHA-256 unless already there; written under a temporary name
 * and renamed, so a crash never leaves half a file under the real name.
 */
export function storeBySha256(dir: string, data: Buffer): { sha256: Buffer; hex: string } {
  const sha256 = crypto.createHash('sha256').update(data).digest();
  const dest = storedPath(dir, sha256);
  if (!fs.existsSync(dest)) {
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    const tmp = `${dest}.${process.pid}.${Date.now()}.tmp`;
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, dest);
  }
  return { sha256, hex: sha256.toString('hex') };
}

/** The name a file is kept and offered under: NFC, no path separators or control characters, at most 200 characters. */
export function cleanFileName(name: string, fallback: string): string {
  return (
    name
      .normalize('NFC')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this replaces
      .replace(/[\\/\u0000-\u001f]/g, '_')
      .slice(0, 200) || fallback
  );
}
