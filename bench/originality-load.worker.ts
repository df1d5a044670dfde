/**
 * Worker of the originality benchmark: turns a range of stored reflections into COPY text (texts
 * generated, fingerprinted with the product's own code). Sends one chunk per 'next' message, so at
 * most one chunk per worker waits in memory, then { done: true }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { corpusLines, type CorpusPlace } from './originality-data.js';

export interface OriginalityWorkerData {
  place: CorpusPlace;
  from: number;
  to: number;
  chunk: number;
}

const d = workerData as OriginalityWorkerData;
let next = d.from;

parentPort!.on('message', () => {
  if (next >= d.to) {
    parentPort!.postMessage({ done: true });
    return;
  }
  const end = Math.min(d.to, next + d.chunk);
  const lines = corpusLines(d.place, next, end);
  parentPort!.postMessage({ rows: end - next, ...lines });
  next = end;
});
