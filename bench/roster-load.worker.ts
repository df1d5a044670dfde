/**
 * Worker of the roster benchmark: turns a range of search-province teachers into COPY text,
 * identifiers encrypted and hashed with the product's own toColumns. Sends one chunk per
 * 'next' message (so at most a few chunks wait in memory), then { done: true }.
 */
import { parentPort, workerData } from 'node:worker_threads';
// roster-data (and through it exceljs) first: see the note in roster.bench.ts
import { provinceTeacher, teacherCopyLine } from './roster-data.js';
import { createPersonalDataCipher } from '../src/services/personal-data.js';
import { toColumns } from '../src/services/teacher.service.js';

export interface LoadWorkerData {
  secretHex: string;
  provinceId: number;
  /** school i of the province (id and path) */
  schools: Array<{ id: number; path: string }>;
  /** teachers per school: teacher i belongs to school floor(i / perSchool), so a school's rows lie together as its imports leave them */
  perSchool: number;
  from: number;
  to: number;
  chunk: number;
}

const d = workerData as LoadWorkerData;
const cipher = createPersonalDataCipher(Buffer.from(d.secretHex, 'hex'));
let next = d.from;

parentPort!.on('message', () => {
  if (next >= d.to) {
    parentPort!.postMessage({ done: true });
    return;
  }
  const end = Math.min(d.to, next + d.chunk);
  let text = '';
  for (let i = next; i < end; i++) {
    const school = d.schools[Math.min(d.schools.length - 1, Math.floor(i / d.perSchool))]!;
    text += teacherCopyLine(toColumns(provinceTeacher(i), cipher), {
      provinceId: d.provinceId,
      orgUnitId: school.id,
      orgPath: school.path,
      importId: null,
    });
  }
  const buf = Buffer.from(text, 'utf8');
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  parentPort!.postMessage({ rows: end - next, data: ab }, [ab as ArrayBuffer]);
  next = end;
});
