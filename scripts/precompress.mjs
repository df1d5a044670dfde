// Writes a brotli (.br) and a gzip (.gz) copy beside every text file of the built web UI that is worth
// compressing, so the server sends them as they are (@fastify/static `preCompressed`) instead of
// compressing on every request. Phones on slow links receive a quarter of the bytes.
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** Text types worth compressing; images and fonts of the build are compressed already. */
const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|txt|map|webmanifest)$/;
/** Below this a compressed copy saves less than the headers it costs. */
export const MIN_BYTES = 1024;

function files(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p));
    else if (COMPRESSIBLE.test(e.name)) out.push(p);
  }
  return out;
}

/**
 * Compresses every compressible file of `dir` (recursively) at the highest levels: brotli 11 and gzip 9.
 * A copy that would not be smaller is not written (and an old one is removed), so the server sends the
 * original. Returns the bytes before and after, for the build's log.
 * @example
 * const { files, raw, br } = await precompressDir('web/dist');
 */
export async function precompressDir(dir) {
  const list = files(dir);
  let raw = 0;
  let br = 0;
  let gz = 0;
  // the thread pool compresses a few files at a time
  await Promise.all(
    list.map(async (file) => {
      const data = await fs.promises.readFile(file);
      raw += data.length;
      if (data.length < MIN_BYTES) {
        br += data.length;
        gz += data.length;
        return;
      }
      const [b, g] = await Promise.all([
        brotli(data, {
          params: {
            [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
            [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
            [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
          },
        }),
        gzip(data, { level: 9 }),
      ]);
      for (const [copy, ext] of [
        [b, '.br'],
        [g, '.gz'],
      ]) {
        if (copy.length < data.length) await fs.promises.writeFile(file + ext, copy);
        else await fs.promises.rm(file + ext, { force: true });
      }
      br += Math.min(b.length, data.length);
      gz += Math.min(g.length, data.length);
    }),
  );
  return { files: list.length, raw, br, gz };
}
