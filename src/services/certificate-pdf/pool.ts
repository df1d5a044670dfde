/**
 * A pool of worker threads that render certificate PDFs (render.ts), so bulk issuing uses every
 * core. Each worker loads the fonts once and renders one certificate at a time; jobs wait in a
 * queue. A worker that dies (crash, out of memory, time-out) fails only the job it had, with an
 * error, and is replaced; no job is left hanging.
 *
 * The worker's entry file is found from this module's own location, so the pool works
 *  - from the TypeScript sources (tsx, vitest): worker.ts, loaded through tsx's loader;
 *  - compiled beside the sources (worker.js);
 *  - in the server bundle dist/server/peixun.mjs: dist/server/certificate-pdf.worker.mjs, which
 *    scripts/build-server.mjs bundles beside it.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ArchiveDocument } from '../../domain/archive.js';
import type { CertificateDocument } from './document.js';
import type { FromWorker, ToWorker, WorkerCrashMode } from './worker.js';

/** File name of the bundled worker, beside the server bundle (see scripts/build-server.mjs). */
export const BUNDLED_WORKER_FILE = 'certificate-pdf.worker.mjs';

/** Test hook: the next job sent to a worker makes it fail ('exit': process.exit, 'throw': uncaught error, 'hang': endless loop). */
export const crashNextRenderForTests: unique symbol = Symbol('certificate-pdf.crashNextRenderForTests');

export interface CertificatePdfPool {
  /** Renders one certificate in a worker; rejects if rendering fails or the worker dies. */
  render(doc: CertificateDocument): Promise<Buffer>;
  /** Like `render`, with the characters no font has (drawn as boxes), as 'U+2FFFD …'. */
  renderChecked(doc: CertificateDocument): Promise<{ pdf: Buffer; missingGlyphs: string[] }>;
  /** Renders a teacher's training archive (archive-pdf/archive-pdf.ts) in a worker. */
  renderArchive(doc: ArchiveDocument): Promise<Buffer>;
  /** Lets queued and running jobs finish, then ends the workers. Later renders are rejected. */
  close(): Promise<void>;
  /** Number of worker threads. */
  readonly size: number;
  /** @internal for tests only */
  [crashNextRenderForTests](mode: WorkerCrashMode): void;
}

export interface CertificatePdfPoolOptions {
  /** worker threads; default: one per core, at most 4 */
  size?: number;
  /** a job running longer is failed and its worker replaced; default 60 s */
  timeoutMs?: number;
}

export function defaultPoolSize(): number {
  return Math.max(1, Math.min(os.availableParallelism(), 4));
}

/** Why a job failed because its worker died or hung, not because the document was bad. */
export class CertificatePdfWorkerError extends Error {
  override name = 'CertificatePdfWorkerError';
}

/** How to start a worker from wherever this module runs (sources, compiled, or bundled). */
export function workerStarter(moduleUrl: string = import.meta.url): () => Worker {
  const resourceLimits = { maxOldGenerationSizeMb: 512 };
  if (moduleUrl.endsWith('.ts')) {
    // TypeScript sources (tsx, vitest): register tsx in the worker, then load worker.ts
    const workerUrl = new URL('./worker.ts', moduleUrl).href;
    // tsx's ESM entry (require.resolve finds the CommonJS one beside it, which fails in a worker)
    const cjs = createRequire(moduleUrl).resolve('tsx/esm/api');
    const mjs = cjs.replace(/\.cjs$/, '.mjs');
    const tsxApi = pathToFileURL(fs.existsSync(mjs) ? mjs : cjs).href;
    const code = `import(${JSON.stringify(tsxApi)}).then((m) => { (m.register ?? m.default.register)(); return import(${JSON.stringify(workerUrl)}); });`;
    return () => new Worker(code, { eval: true, resourceLimits });
  }
  for (const candidate of [new URL('./worker.js', moduleUrl), new URL(`./${BUNDLED_WORKER_FILE}`, moduleUrl)]) {
    if (fs.existsSync(candidate)) return () => new Worker(candidate, { resourceLimits });
  }
  throw new Error(
    `certificate PDF worker not found beside ${moduleUrl}: expected worker.js or ${BUNDLED_WORKER_FILE} (rebuild with node scripts/build-server.mjs)`,
  );
}

interface Job {
  id: number;
  doc: CertificateDocument;
  /** set for a training archive: rendered instead of `doc` */
  archive?: ArchiveDocument;
  crash?: WorkerCrashMode;
  resolve: (r: { pdf: Buffer; missingGlyphs: string[] }) => void;
  reject: (err: Error) => void;
  timer?: NodeJS.Timeout;
}

interface Slot {
  worker: Worker | null;
  /** the worker has loaded its fonts (so a replacement is worth starting at once) */
  ready: boolean;
  job: Job | null;
}

/**
 * @example
 * const pool = createCertificatePdfPool();
 * const pdfs = await Promise.all(docs.map((d) => pool.render(d)));
 * await pool.close();
 */
export function createCertificatePdfPool(opts: CertificatePdfPoolOptions = {}): CertificatePdfPool {
  const size = opts.size ?? defaultPoolSize();
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`pool size must be a positive integer, got ${size}`);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const start = workerStarter();
  const slots: Slot[] = Array.from({ length: size }, () => ({ worker: null, ready: false, job: null }));
  const queue: Job[] = [];
  let nextId = 1;
  let crashNext: WorkerCrashMode | undefined;
  let closing = false;
  let idle: Array<() => void> = [];

  function spawn(slot: Slot): Worker {
    const w = start();
    slot.worker = w;
    slot.ready = false;
    w.on('message', (m: FromWorker) => {
      if (slot.worker !== w) return;
      if (m.type === 'ready') {
        slot.ready = true;
        return;
      }
      const job = slot.job;
      if (!job || job.id !== m.id) return;
      finish(slot);
      if (m.type === 'done') job.resolve({ pdf: Buffer.from(m.pdf), missingGlyphs: m.missingGlyphs });
      else job.reject(Object.assign(new Error(m.message), { stack: m.stack ?? m.message }));
    });
    w.on('error', (err) => died(slot, w, err));
    w.on('exit', (code) => died(slot, w, new Error(`exited with code ${code}`)));
    w.unref(); // an idle pool keeps no process alive
    return w;
  }

  /** The slot's job is over: free the slot and send the next job. */
  function finish(slot: Slot): void {
    if (slot.job?.timer) clearTimeout(slot.job.timer);
    slot.job = null;
    slot.worker?.unref();
    pump();
  }

  function died(slot: Slot, w: Worker, err: Error): void {
    if (slot.worker !== w) return; // already handled ('error' is followed by 'exit')
    slot.worker = null;
    const wasReady = slot.ready;
    const job = slot.job;
    if (job) {
      if (job.timer) clearTimeout(job.timer);
      slot.job = null;
      job.reject(
        new CertificatePdfWorkerError(
          `certificate PDF worker died while rendering ${job.archive ? `the archive of ${job.archive.teacherName}` : job.doc.code}: ${err.message}`,
          {
            cause: err,
          },
        ),
      );
    }
    // a worker that had started fine is replaced at once (it loads its fonts while idle); one that
    // died on start is replaced only when a job needs it, so a broken install cannot spin
    if (!closing && wasReady) spawn(slot);
    pump();
  }

  function pump(): void {
    for (const slot of slots) {
      if (queue.length === 0) break;
      if (slot.job) continue;
      const job = queue.shift()!;
      const w = slot.worker ?? spawn(slot);
      slot.job = job;
      w.ref();
      job.timer = setTimeout(() => {
        if (slot.job !== job) return;
        slot.worker = null;
        slot.job = null;
        void w.terminate();
        job.reject(
          new CertificatePdfWorkerError(
            `certificate PDF worker took longer than ${timeoutMs} ms on ${job.archive ? `the archive of ${job.archive.teacherName}` : job.doc.code}`,
          ),
        );
        pump();
      }, timeoutMs);
      job.timer.unref();
      const msg: ToWorker = job.archive
        ? { type: 'render_archive', id: job.id, doc: job.archive }
        : { type: 'render', id: job.id, doc: job.doc, ...(job.crash ? { crash: job.crash } : {}) };
      try {
        w.postMessage(msg);
      } catch (err) {
        // a document that cannot be cloned (functions, symbols) fails alone
        clearTimeout(job.timer);
        slot.job = null;
        w.unref();
        job.reject(err instanceof Error ? err : new Error(String(err)));
        queueMicrotask(pump);
        return;
      }
    }
    if (queue.length === 0 && slots.every((s) => s.job === null)) {
      const waiting = idle;
      idle = [];
      for (const resolve of waiting) resolve();
    }
  }

  function renderChecked(doc: CertificateDocument): Promise<{ pdf: Buffer; missingGlyphs: string[] }> {
    if (closing) return Promise.reject(new Error('certificate PDF pool is closed'));
    return new Promise((resolve, reject) => {
      const job: Job = { id: nextId++, doc, resolve, reject };
      if (crashNext) {
        job.crash = crashNext;
        crashNext = undefined;
      }
      queue.push(job);
      pump();
    });
  }

  function renderArchive(archive: ArchiveDocument): Promise<Buffer> {
    if (closing) return Promise.reject(new Error('certificate PDF pool is closed'));
    return new Promise((resolve, reject) => {
      const job: Job = {
        id: nextId++,
        doc: null as unknown as CertificateDocument, // an archive job carries no certificate
        archive,
        resolve: (r) => resolve(r.pdf),
        reject,
      };
      queue.push(job);
      pump();
    });
  }

  return {
    size,
    renderChecked,
    renderArchive,
    render: async (doc) => (await renderChecked(doc)).pdf,
    async close() {
      closing = true;
      if (queue.length > 0 || slots.some((s) => s.job !== null))
        await new Promise<void>((resolve) => idle.push(resolve));
      await Promise.all(
        slots.map((s) => {
          const w = s.worker;
          s.worker = null;
          return w ? w.terminate() : undefined;
        }),
      );
    },
    [crashNextRenderForTests](mode) {
      crashNext = mode;
    },
  };
}
