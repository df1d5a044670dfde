import crypto from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
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
 * Study heartbeats are acknowledged only once written: a server killed with SIGKILL during a storm of
 * heartbeats from a hundred teachers' pages leaves every acknowledged heartbeat in the table, and a
 * heartbeat sent again under its number after the restart is either taken now or already there
 * (`repeated`), never a second row.
 */
const TEACHERS = 100;
const dataDir = makeDataDir('peixun-study-crash-');
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

const post = (port: number, phone: TeacherPhone, url: string, body: unknown) =>
  fetch(`http://127.0.0.1:${port}${url}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: {
      cookie: `peixun_session=${phone.cookie}`,
      'x-csrf-token': phone.csrf,
      'content-type': 'application/json',
    },
    signal: AbortSignal.timeout(20_000),
  });

interface Beat {
  session: number;
  seq: number;
}

/** An online class of the demo county's teachers, its course one video: made as the organiser's pages would leave it. */
async function onlineClass(db: pg.Pool, teacherIds: number[]): Promise<{ classId: number; itemId: number }> {
  const one = async (text: string, values: unknown[]) =>
    Number((await db.query<{ id: string }>(text, values)).rows[0]!.id);
  const unit = (
    await db.query<{ id: string; path: string; province_id: string }>(
      `SELECT u.id, u.path, u.province_id FROM org_unit u WHERE u.kind = 'county' ORDER BY u.id LIMIT 1`,
    )
  ).rows[0]!;
  const day = (d: number) => new Date(Date.now() + 8 * 3_600_000 + d * 86_400_000).toISOString().slice(0, 10);
  const course = await one(
    `INSERT INTO course (province_id, org_unit_id, org_path, title, category, module, form, hours)
     VALUES ($1, $2, $3, '崩溃测试网络课程', 'required', '教育技术', 'online', 20) RETURNING id`,
    [unit.province_id, unit.id, unit.path],
  );
  const chapter = await one(
    `INSERT INTO course_chapter (course_id, position, title) VALUES ($1, 0, '第一章') RETURNING id`,
    [course],
  );
  const file = await one(
    `INSERT INTO study_file (province_id, course_id, kind, file_name, mime_type, size_bytes, sha256, duration_seconds)
     VALUES ($1, $2, 'video', 'a.mp4', 'video/mp4', 1000, $3, 3600) RETURNING id`,
    [unit.province_id, course, crypto.randomBytes(32).toString('hex')],
  );
  const itemId = await one(
    `INSERT INTO course_item (course_id, chapter_id, position, kind, title, required_minutes, file_id)
     VALUES ($1, $2, 0, 'video', '第一讲', 60, $3) RETURNING id`,
    [course, chapter, file],
  );
  const project = await one(
    `INSERT INTO training_project (province_id, org_unit_id, org_path, level, title, year, status, hours)
     VALUES ($1, $2, $3, 'county', '崩溃测试网络研修', $4, 'open', 20) RETURNING id`,
    [unit.province_id, unit.id, unit.path, Number(day(0).slice(0, 4))],
  );
  const classId = await one(
    `INSERT INTO training_class (project_id, province_id, org_path, name, capacity, status, course_id,
       study_opens_on, study_closes_on)
     VALUES ($1, $2, $3, '崩溃测试一班', 1000, 'open', $4, $5, $6) RETURNING id`,
    [project, unit.province_id, unit.path, course, day(-1), day(30)],
  );
  await db.query(
    `INSERT INTO enrolment (class_id, teacher_id, province_id, org_unit_id, org_path, status, source)
     SELECT $1, id, province_id, org_unit_id, org_path, 'enrolled', 'bulk' FROM teacher WHERE id = ANY($2::bigint[])`,
    [classId, teacherIds],
  );
  return { classId, itemId };
}

/** Every page sends its session's next heartbeat as soon as the last one was answered, until stopped. */
function storm(port: number, pages: Array<{ phone: TeacherPhone; session: number; seq: number }>) {
  const acked: Beat[] = [];
  const unacked: Beat[] = [];
  let stopped = false;
  const done = Promise.all(
    pages.map(async (p) => {
      while (!stopped) {
        const seq = p.seq++;
        const body = { seq, from: seq * 30, to: seq * 30 + 30, rate: 1, visible: true, focused: true, playing: true };
        try {
          const res = await post(port, p.phone, `/api/study/sessions/${p.session}/heartbeats`, body);
          const answer = (await res.json()) as { repeated?: boolean };
          if (res.status === 200 && answer.repeated === false) acked.push({ session: p.session, seq });
          else unacked.push({ session: p.session, seq });
          // a page out of its burst waits as the product asks
          if (res.status === 429) await sleep(500);
        } catch {
          unacked.push({ session: p.session, seq });
          await sleep(20);
        }
      }
    }),
  );
  return {
    acked,
    unacked,
    async stop() {
      stopped = true;
      await done;
    },
    async waitForAcks(n: number) {
      for (const deadline = Date.now() + 30_000; acked.length < n; await sleep(5))
        if (Date.now() > deadline) throw new Error(`only ${acked.length} heartbeats acknowledged`);
    },
  };
}

describe('a server killed during a storm of study heartbeats', () => {
  it('keeps every acknowledged heartbeat, and one sent again after the restart is taken once', async () => {
    const port = await freePort();
    server = await start(port);
    pool = new pg.Pool({ connectionString: clusterUrl(), max: 4 });
    const teacherIds = (
      await pool.query<{ id: string }>(`SELECT id FROM teacher WHERE user_id IS NULL ORDER BY id LIMIT $1`, [TEACHERS])
    ).rows.map((r) => Number(r.id));
    expect(teacherIds.length).toBe(TEACHERS);
    const { classId, itemId } = await onlineClass(pool, teacherIds);
    const phones = await teacherPhones(pool, teacherIds);
    const pages = [];
    for (const phone of phones) {
      const res = await post(port, phone, '/api/study/sessions', { classId, itemId });
      expect(res.status, await res.clone().text()).toBe(201);
      pages.push({ phone, session: ((await res.json()) as { sessionId: number }).sessionId, seq: 0 });
    }

    for (const acks of [200, 600, 1000]) {
      const s = storm(port, pages);
      await s.waitForAcks(acks);
      await killServer(server);
      await s.stop();
      expect(s.unacked.length, 'the kill cut no heartbeat').toBeGreaterThan(0);
      server = await start(port);

      const stored = await pool.query<{ session_id: string; seq: number }>(
        `SELECT session_id, seq FROM study_heartbeat h
           JOIN unnest($1::bigint[], $2::int[]) AS a(s, q) ON h.session_id = a.s AND h.seq = a.q`,
        [s.acked.map((b) => b.session), s.acked.map((b) => b.seq)],
      );
      expect(stored.rows.length, 'acknowledged heartbeats missing after the restart').toBe(s.acked.length);

      // the cut ones again, under their numbers: taken now, or found taken already; one row each
      let repeated = 0;
      for (const b of s.unacked) {
        const p = pages.find((x) => x.session === b.session)!;
        const body = {
          seq: b.seq,
          from: b.seq * 30,
          to: b.seq * 30 + 30,
          rate: 1,
          visible: true,
          focused: true,
          playing: true,
        };
        let res = await post(port, p.phone, `/api/study/sessions/${b.session}/heartbeats`, body);
        for (let i = 0; res.status === 429 && i < 40; i++) {
          await sleep(500);
          res = await post(port, p.phone, `/api/study/sessions/${b.session}/heartbeats`, body);
        }
        expect(res.status).toBe(200);
        if (((await res.json()) as { repeated: boolean }).repeated) repeated += 1;
      }
      const dup = await pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM (SELECT session_id, seq FROM study_heartbeat GROUP BY 1, 2 HAVING count(*) > 1) d`,
      );
      expect(Number(dup.rows[0]!.n)).toBe(0);
      console.log(
        `kill after ${acks} acknowledged: ${s.acked.length} acknowledged, all kept; ${s.unacked.length} cut, ` +
          `${repeated} of them had been written`,
      );
    }
  }, 240_000);
});
