import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { seedExam } from '../../bench/exam-data.js';
import { type TeacherPhone, teacherPhones } from '../../bench/training-storm.js';
import {
  cleanUp,
  embeddedClusterUrl,
  freePort,
  killServer,
  makeDataDir,
  startHealthy,
  type ServerProcess,
} from '../support/server-process.js';

/**
 * Answers are acknowledged only once written: a server killed with SIGKILL while 200 candidates answer
 * leaves every acknowledged answer (at its sequence number or a later one) after the restart; a page
 * that starts again resumes its one open attempt; answers after the time is up are refused.
 */
const CANDIDATES = 200;
const QUESTIONS = 20;
const dataDir = makeDataDir('peixun-exam-crash-');
let server: ServerProcess | undefined;
let pool: pg.Pool | undefined;

afterAll(async () => {
  if (server) await killServer(server).catch(() => undefined);
  await pool?.end().catch(() => undefined);
  await cleanUp([dataDir]);
}, 60_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const clusterUrl = () => embeddedClusterUrl(dataDir);

const start = (port: number) => startHealthy(dataDir, port);

const call = (port: number, phone: TeacherPhone, method: string, url: string, body?: unknown) =>
  fetch(`http://127.0.0.1:${port}${url}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: {
      cookie: `peixun_session=${phone.cookie}`,
      'x-csrf-token': phone.csrf,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    signal: AbortSignal.timeout(20_000),
  });

interface Saved {
  attempt: number;
  position: number;
  seq: number;
}

/** Every page answers its next question as soon as the last save was answered, until stopped. */
function storm(port: number, pages: Array<{ phone: TeacherPhone; attempt: number; seq: number }>) {
  const acked: Saved[] = [];
  let cut = 0;
  let stopped = false;
  const done = Promise.all(
    pages.map(async (p) => {
      while (!stopped) {
        const seq = ++p.seq;
        const position = seq % QUESTIONS;
        const answer = ['A', 'B', 'C', 'D'][seq % 4]!;
        try {
          const res = await call(port, p.phone, 'PUT', `/api/exam-attempts/${p.attempt}/answers`, {
            answers: [
              {
                position,
                answer: position % 3 === 2 ? seq % 2 === 0 : position % 3 === 1 ? [answer] : answer,
                clientSeq: seq,
              },
            ],
          });
          if (res.status === 200) acked.push({ attempt: p.attempt, position, seq });
          else cut++;
          await res.arrayBuffer();
        } catch {
          cut++;
          await sleep(20);
        }
      }
    }),
  );
  return {
    acked,
    cut: () => cut,
    async stop() {
      stopped = true;
      await done;
    },
    async waitForAcks(n: number) {
      for (const deadline = Date.now() + 60_000; acked.length < n; await sleep(5))
        if (Date.now() > deadline) throw new Error(`only ${acked.length} answers acknowledged`);
    },
  };
}

describe('a server killed while candidates answer', () => {
  it('keeps every acknowledged answer, resumes each open attempt, and refuses answers after time up', async () => {
    const port = await freePort();
    server = await start(port);
    pool = new pg.Pool({ connectionString: clusterUrl(), max: 4 });
    const unitPath = (
      await pool.query<{ path: string }>(`SELECT path FROM org_unit WHERE kind = 'county' ORDER BY id LIMIT 1`)
    ).rows[0]!.path;
    const teacherIds = (
      await pool.query<{ id: string }>(
        `SELECT id FROM teacher WHERE user_id IS NULL AND org_path LIKE $1 ORDER BY id LIMIT $2`,
        [`${unitPath}%`, CANDIDATES],
      )
    ).rows.map((r) => Number(r.id));
    expect(teacherIds.length).toBe(CANDIDATES);
    const { examId } = await seedExam(pool, { questions: QUESTIONS });
    const phones = await teacherPhones(pool, teacherIds);
    const pages = [];
    for (const phone of phones) {
      const res = await call(port, phone, 'POST', `/api/exams/${examId}/attempts`);
      expect(res.status, await res.clone().text()).toBe(200);
      pages.push({ phone, attempt: ((await res.json()) as { attemptId: number }).attemptId, seq: 0 });
    }

    for (const acks of [500, 1500, 3000]) {
      const s = storm(port, pages);
      await s.waitForAcks(acks);
      await killServer(server);
      await s.stop();
      expect(s.cut(), 'the kill cut no save').toBeGreaterThan(0);
      server = await start(port);

      // the newest acknowledged save of each answer: stored at that number or a later one
      const newest = new Map<string, Saved>();
      for (const a of s.acked) {
        const k = `${a.attempt}:${a.position}`;
        if ((newest.get(k)?.seq ?? -1) < a.seq) newest.set(k, a);
      }
      const want = [...newest.values()];
      const stored = await pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM exam_answer e
           JOIN unnest($1::bigint[], $2::int[], $3::int[]) AS a(att, pos, seq)
             ON e.attempt_id = a.att AND e.position = a.pos AND e.client_seq >= a.seq`,
        [want.map((x) => x.attempt), want.map((x) => x.position), want.map((x) => x.seq)],
      );
      expect(Number(stored.rows[0]!.n), 'acknowledged answers missing after the restart').toBe(want.length);
      console.log(`kill after ${acks} acknowledged: ${s.acked.length} acknowledged saves, all kept; ${s.cut()} cut`);
    }

    // a page opened again (or on another device) resumes the one attempt in progress
    for (const p of pages.slice(0, 20)) {
      const res = await call(port, p.phone, 'POST', `/api/exams/${examId}/attempts`);
      expect(await res.json()).toEqual({ attemptId: p.attempt, resumed: true });
    }
    const open = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM exam_attempt WHERE exam_id = $1 AND status = 'open'`,
      [examId],
    );
    expect(Number(open.rows[0]!.n)).toBe(CANDIDATES);

    // the time is up for one candidate: a late answer is refused, and what was saved is handed in
    const late = pages[0]!;
    await pool.query(`UPDATE exam_attempt SET deadline_at = now() - interval '1 second' WHERE id = $1`, [late.attempt]);
    const res = await call(port, late.phone, 'PUT', `/api/exam-attempts/${late.attempt}/answers`, {
      answers: [{ position: 0, answer: 'A', clientSeq: late.seq + 100 }],
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('EXAM_TIME_UP');
    const handed = await pool.query<{ status: string; submitted_how: string }>(
      `SELECT status, submitted_how FROM exam_attempt WHERE id = $1`,
      [late.attempt],
    );
    expect(handed.rows[0]).toEqual({ status: 'graded', submitted_how: 'time_up' });
  }, 300_000);
});
