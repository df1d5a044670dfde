/**
 * Worker thread of the certificate PDF pool (pool.ts): loads the fonts once, then renders one
 * certificate per message. Started from the sources (through tsx) or, in the server bundle, as
 * dist/server/certificate-pdf.worker.mjs (scripts/build-server.mjs builds it).
 */
import { parentPort } from 'node:worker_threads';
import type { ArchiveDocument } from '../../domain/archive.js';
import type { CertificateDocument } from './document.js';
import { preloadCertificateFonts, renderCertificate } from './render.js';

/** How a test makes the worker fail in the middle of a job: exit, throw an uncaught error, or hang. */
export type WorkerCrashMode = 'exit' | 'throw' | 'hang';

export type ToWorker =
  | { type: 'render'; id: number; doc: CertificateDocument; crash?: WorkerCrashMode }
  | { type: 'render_archive'; id: number; doc: ArchiveDocument };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; id: number; pdf: ArrayBuffer; missingGlyphs: string[] }
  | { type: 'failed'; id: number; message: string; stack?: string };

const port = parentPort;
if (!port) throw new Error('certificate-pdf/worker runs only as a worker thread');

preloadCertificateFonts();
port.postMessage({ type: 'ready' } satisfies FromWorker);

/** Hands the bytes over without a copy when the buffer owns its memory. */
function transferable(pdf: Buffer): ArrayBuffer {
  return pdf.byteOffset === 0 && pdf.byteLength === pdf.buffer.byteLength
    ? (pdf.buffer as ArrayBuffer)
    : (pdf.buffer.slice(pdf.byteOffset, pdf.byteOffset + pdf.byteLength) as ArrayBuffer);
}

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'render_archive') {
    // loaded on the first archive, so a worker that only prints certificates starts as before
    import('../archive-pdf/archive-pdf.js')
      .then((m) => m.renderArchivePdf(msg.doc))
      .then(
        (pdf) => {
          const ab = transferable(pdf);
          port.postMessage({ type: 'done', id: msg.id, pdf: ab, missingGlyphs: [] } satisfies FromWorker, [ab]);
        },
        (err: unknown) => {
          const e = err instanceof Error ? err : new Error(String(err));
          port.postMessage({ type: 'failed', id: msg.id, message: e.message, stack: e.stack } satisfies FromWorker);
        },
      );
    return;
  }
  if (msg.type !== 'render') return;
  if (msg.crash === 'exit') process.exit(70); // ends this thread only
  if (msg.crash === 'hang') {
    for (;;); // a job that never ends: the pool's time-out must end the worker
  }
  if (msg.crash === 'throw') {
    setImmediate(() => {
      throw new Error('certificate PDF worker crashed on purpose (test)');
    });
    return;
  }
  renderCertificate(msg.doc).then(
    ({ pdf, missingGlyphs }) => {
      // hand the bytes over without a copy when the buffer owns its memory
      const ab =
        pdf.byteOffset === 0 && pdf.byteLength === pdf.buffer.byteLength
          ? (pdf.buffer as ArrayBuffer)
          : (pdf.buffer.slice(pdf.byteOffset, pdf.byteOffset + pdf.byteLength) as ArrayBuffer);
      port.postMessage({ type: 'done', id: msg.id, pdf: ab, missingGlyphs } satisfies FromWorker, [ab]);
    },
    (err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      port.postMessage({ type: 'failed', id: msg.id, message: e.message, stack: e.stack } satisfies FromWorker);
    },
  );
});
