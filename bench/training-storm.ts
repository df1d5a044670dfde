/**
 * Teachers' phones for the training benchmark (bench/training.bench.ts): accounts of enrolled
 * teachers and their logged-in cookie sessions, and the QR check-in storm against one session.
 *
 * Accounts: one `app_user` row (role teacher, a real argon2 hash computed once by the product's
 * password-hasher, no password change pending) per teacher, linked with `teacher.user_id`, and
 * one `user_session` row each, exactly what POST /api/auth/login stores (sha256 of the cookie
 * value, a CSRF token, an expiry). Logging 5,000 teachers in through the API would spend minutes
 * of argon2 verification, which is not what the storm measures.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { sha256 } from '../src/services/auth.service.js';
import { hashPassword } from '../src/services/password-hasher.js';

export const TEACHER_PASSWORD = 'Summer-training-2026';
/** the cookie of a session (src/http/app.ts SESSION_COOKIE) */
const SESSION_COOKIE = 'peixun_session';

export interface TeacherPhone {
  teacherId: number;
  userId: number;
  cookie: string;
  csrf: string;
}

/** Accounts and logged-in sessions for these teachers (ids), in two statements each. */
export async function teacherPhones(pool: pg.Pool, teacherIds: number[], sessionHours = 12): Promise<TeacherPhone[]> {
  const hash = await hashPassword(TEACHER_PASSWORD);
  const users = await pool.query<{ teacher_id: string; user_id: string }>(
    `
    WITH t AS (
      SELECT id, name, province_id, org_unit_id, org_path FROM teacher WHERE id = ANY($1::bigint[]) AND user_id IS NULL
    ), u AS (
      INSERT INTO app_user (username, display_name, role, org_unit_id, org_path, province_id, password_hash, must_change_password, password_changed_at)
      SELECT 'bench-t' || id, left(name, 50), 'teacher', org_unit_id, org_path, province_id, $2, false, now() FROM t
      RETURNING id, username
    ), linked AS (
      UPDATE teacher SET user_id = u.id FROM u WHERE teacher.id = substr(u.username, 8)::bigint RETURNING teacher.id AS teacher_id, u.id AS user_id
    )
    SELECT teacher_id, user_id FROM linked`,
    [teacherIds, hash],
  );
  if (users.rows.length !== teacherIds.length)
    throw new Error(`accounts for ${users.rows.length} of ${teacherIds.length} teachers`);
  const phones = users.rows.map((r) => ({
    teacherId: Number(r.teacher_id),
    userId: Number(r.user_id),
    cookie: crypto.randomBytes(32).toString('base64url'),
    csrf: crypto.randomBytes(24).toString('base64url'),
  }));
  await pool.query(
    `
    INSERT INTO user_session (token_hash, user_id, csrf_token, expires_at, ip, user_agent)
    SELECT h, u, c, now() + make_interval(hours => $4::int), '127.0.0.1', 'training-bench phone'
    FROM unnest($1::bytea[], $2::bigint[], $3::text[]) AS x(h, u, c)`,
    [phones.map((p) => sha256(p.cookie)), phones.map((p) => p.userId), phones.map((p) => p.csrf), sessionHours],
  );
  return phones;
}

interface CheckinCode {
  token: string;
  rotatesAt: string;
}

export interface StormResult {
  /** latency of every answered scan, ms (2xx or not) */
  latencies: number[];
  ok: number[];
  /** teachers whose scan failed, with the status (0: no answer) and the start of the body */
  failed: Array<{ teacherId: number; status: number; body: string }>;
  codeFetches: number;
  sentOverS: number;
}

/**
 * `phones.length` scans, one per phone, sent at an even pace over `seconds` (open loop: a slow
 * answer does not delay the next scan), each with the code shown at that moment. The code is read
 * by the organiser from GET /api/sessions/:id/checkin-code when it rotates (at most every 30 s).
 */
export async function checkinStorm(o: {
  port: number;
  adminToken: string;
  sessionId: number;
  phones: TeacherPhone[];
  seconds: number;
  connections: number;
}): Promise<StormResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections });
  let codeFetches = 0;
  const fetchCode = async (): Promise<CheckinCode> => {
    codeFetches++;
    const r = await fetch(`http://127.0.0.1:${o.port}/api/sessions/${o.sessionId}/checkin-code`, {
      headers: { authorization: `Bearer ${o.adminToken}` },
    });
    if (r.status !== 200) throw new Error(`checkin-code answered ${r.status}: ${(await r.text()).slice(0, 300)}`);
    return (await r.json()) as CheckinCode;
  };
  let code = await fetchCode();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    const due = Math.min(30_000, Math.max(50, Date.parse(code.rotatesAt) - Date.now() + 50));
    timer = setTimeout(() => {
      void fetchCode()
        .then((c) => {
          code = c;
        })
        .catch((e: unknown) => {
          console.error(`  refreshing the check-in code failed: ${String(e)}`);
        })
        .finally(() => {
          if (!stopped) schedule();
        });
    }, due);
  };
  schedule();

  const latencies: number[] = [];
  const ok: number[] = [];
  const failed: StormResult['failed'] = [];
  const scan = (p: TeacherPhone) =>
    new Promise<void>((resolve) => {
      const body = JSON.stringify({ token: code.token, sessionId: o.sessionId });
      const t0 = performance.now();
      const req = http.request(
        {
          host: '127.0.0.1',
          port: o.port,
          path: '/api/attendance/scan',
          method: 'POST',
          agent,
          headers: {
            cookie: `${SESSION_COOKIE}=${p.cookie}`,
            'x-csrf-token': p.csrf,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => {
            if (text.length < 400) text += d;
          });
          res.on('end', () => {
            latencies.push(performance.now() - t0);
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) ok.push(p.teacherId);
            else failed.push({ teacherId: p.teacherId, status, body: text.slice(0, 200) });
            resolve();
          });
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
      req.on('error', (e) => {
        failed.push({ teacherId: p.teacherId, status: 0, body: e.message });
        resolve();
      });
      req.end(body);
    });

  const pending: Array<Promise<void>> = [];
  const rate = o.phones.length / o.seconds;
  const start = performance.now();
  for (let i = 0; i < o.phones.length; i++) {
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(scan(o.phones[i]!));
  }
  const sentOverS = (performance.now() - start) / 1000;
  await Promise.all(pending);
  stopped = true;
  clearTimeout(timer);
  agent.destroy();
  return { latencies, ok, failed, codeFetches, sentOverS };
}
