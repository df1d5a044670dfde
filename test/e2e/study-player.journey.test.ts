import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { STEP_TIMEOUT, visible } from '../support/browser.js';
import { fitsWidth, PHONE, startDemoJourney, type DemoJourney } from '../support/journey.js';

/**
 * A teacher studies a video of an online class on a 375 px phone: she plays it, switches to
 * another app for a while, comes back, leaves the presence check (还在学习吗？) unanswered past its time,
 * answers it, plays on, and ends the session. The receipt the server gives counts only the time the
 * video played in front of her: the hidden time and the time after the unanswered check are listed as
 * not counted. The page sends a heartbeat every 2 s here (PEIXUN_STUDY_HEARTBEAT_SECONDS), and the
 * course asks for a presence check every 9 s, unanswered after 3 s.
 */

const PASSWORD = 'Study-player-2468';
let journey: DemoJourney<'demo-teacher'>;
let db: pg.Pool;
let classId: number;
let itemId: number;

function clusterUrl(dataDir: string): string {
  const port = Number(fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[3]);
  const password = fs.readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim();
  return `postgres://peixun:${encodeURIComponent(password)}@127.0.0.1:${port}/peixun`;
}

/** A 20-second H.264 MP4 recorded by Chromium itself from a canvas (no encoder on the machine needed). */
async function recordVideo(page: Page): Promise<Buffer> {
  await page.setContent('<canvas id="c" width="160" height="120"></canvas>');
  const base64 = await page.evaluate<string>(`(async () => {
    const c = document.getElementById('c');
    const ctx = c.getContext('2d');
    let i = 0;
    const timer = setInterval(() => {
      ctx.fillStyle = 'hsl(' + ((i++ * 7) % 360) + ' 70% 50%)';
      ctx.fillRect(0, 0, 160, 120);
    }, 40);
    const rec = new MediaRecorder(c.captureStream(25), { mimeType: 'video/mp4;codecs=avc1' });
    const chunks = [];
    rec.ondataavailable = (e) => chunks.push(e.data);
    rec.start(1000);
    await new Promise((r) => setTimeout(r, 20000));
    rec.stop();
    await new Promise((r) => (rec.onstop = r));
    clearInterval(timer);
    const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  })()`);
  return Buffer.from(base64, 'base64');
}

/** An online class of the demo county opening a course with that video, demo-teacher (赵雪) enrolled. */
async function onlineClassWith(video: Buffer): Promise<void> {
  const one = async (text: string, values: unknown[]) =>
    Number((await db.query<{ id: string }>(text, values)).rows[0]!.id);
  const teacher = (
    await db.query<{ id: string; province_id: string; org_unit_id: string; org_path: string }>(
      `SELECT t.id, t.province_id, t.org_unit_id, t.org_path FROM teacher t JOIN app_user u ON u.id = t.user_id
       WHERE u.username = 'demo-teacher'`,
    )
  ).rows[0]!;
  const county = (
    await db.query<{ id: string; path: string }>(
      `SELECT id, path FROM org_unit WHERE kind = 'county' AND $1 LIKE path || '%' LIMIT 1`,
      [teacher.org_path],
    )
  ).rows[0]!;
  const day = (d: number) => new Date(Date.now() + 8 * 3_600_000 + d * 86_400_000).toISOString().slice(0, 10);
  const course = await one(
    `INSERT INTO course (province_id, org_unit_id, org_path, title, category, module, form, hours)
     VALUES ($1, $2, $3, '信息技术与课堂（网络）', 'required', '教育技术', 'online', 20) RETURNING id`,
    [teacher.province_id, county.id, county.path],
  );
  // a presence check every 9 s, unanswered after 3 s (the product's own limits are minutes)
  await db.query(`INSERT INTO course_online (course_id, study_rule) VALUES ($1, $2)`, [
    course,
    JSON.stringify({ maxSpeed: 1.5, presenceMinMinutes: 0.15, presenceMaxMinutes: 0.15, presenceTimeoutSeconds: 3 }),
  ]);
  const sha = crypto.createHash('sha256').update(video).digest('hex');
  fs.mkdirSync(path.join(journey.dataDir, 'study-files', sha.slice(0, 2)), { recursive: true });
  fs.writeFileSync(path.join(journey.dataDir, 'study-files', sha.slice(0, 2), sha), video);
  const file = await one(
    `INSERT INTO study_file (province_id, course_id, kind, file_name, mime_type, size_bytes, sha256, duration_seconds)
     VALUES ($1, $2, 'video', '第一讲.mp4', 'video/mp4', $3, $4, 20) RETURNING id`,
    [teacher.province_id, course, video.length, sha],
  );
  const chapter = await one(
    `INSERT INTO course_chapter (course_id, position, title) VALUES ($1, 0, '第一章') RETURNING id`,
    [course],
  );
  itemId = await one(
    `INSERT INTO course_item (course_id, chapter_id, position, kind, title, required_minutes, file_id)
     VALUES ($1, $2, 0, 'video', '第一讲 信息技术与课堂', 1, $3) RETURNING id`,
    [course, chapter, file],
  );
  const project = await one(
    `INSERT INTO training_project (province_id, org_unit_id, org_path, level, title, year, status, hours)
     VALUES ($1, $2, $3, 'county', '信息技术应用能力网络研修', $4, 'open', 20) RETURNING id`,
    [teacher.province_id, county.id, county.path, Number(day(0).slice(0, 4))],
  );
  classId = await one(
    `INSERT INTO training_class (project_id, province_id, org_path, name, capacity, status, course_id,
       study_opens_on, study_closes_on)
     VALUES ($1, $2, $3, '网络研修一班', 100, 'open', $4, $5, $6) RETURNING id`,
    [project, teacher.province_id, county.path, course, day(-1), day(30)],
  );
  await db.query(
    `INSERT INTO enrolment (class_id, teacher_id, province_id, org_unit_id, org_path, status, source)
     VALUES ($1, $2, $3, $4, $5, 'enrolled', 'self')`,
    [classId, teacher.id, teacher.province_id, teacher.org_unit_id, teacher.org_path],
  );
}

/** The page believes it is hidden (another app in front) or shown again: what a phone's browser tells it. */
async function setShown(page: Page, shown: boolean): Promise<void> {
  await page.evaluate(`(() => {
    const shown = ${shown};
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (shown ? 'visible' : 'hidden') });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => !shown });
    document.hasFocus = () => shown;
    document.dispatchEvent(new Event('visibilitychange'));
    window.dispatchEvent(new Event(shown ? 'focus' : 'blur'));
  })()`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  journey = await startDemoJourney({
    dataDirPrefix: 'peixun-study-player-',
    password: PASSWORD,
    accounts: ['demo-teacher'],
    env: { PEIXUN_STUDY_HEARTBEAT_SECONDS: '2' },
  });
  db = new pg.Pool({ connectionString: clusterUrl(journey.dataDir), max: 2 });
}, 120_000);

afterAll(async () => {
  await db?.end();
  await journey?.stop();
}, 60_000);

test('the hidden time and the time after a missed presence check are not counted, and the receipt says so', async () => {
  const recorder = await (await journey.newContext()).newPage();
  const video = await recordVideo(recorder);
  await recorder.context().close();
  expect(video.subarray(4, 8).toString('latin1')).toBe('ftyp');
  await onlineClassWith(video);

  const context = await journey.newContext(PHONE);
  const page = await context.newPage();
  // the phone's browser is in front, focused
  await page.addInitScript('document.hasFocus = () => true;');
  await journey.logIn(page, 'demo-teacher');
  await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: STEP_TIMEOUT });
  await page.goto(`${journey.baseUrl}/me/study/${classId}/items/${itemId}`);
  const player = page.getByTestId('study-video');
  await visible(player);
  await page.waitForFunction(`document.querySelector('[data-testid="study-video"]').readyState >= 1`, null, {
    timeout: STEP_TIMEOUT,
  });
  expect(await fitsWidth(page)).toBe(true);

  // she plays 4 s
  await page.evaluate(
    `(() => { const v = document.querySelector('[data-testid="study-video"]'); v.muted = true; return v.play(); })()`,
  );
  await sleep(4_000);
  // another app for 5 s: the page pauses the video and reports itself hidden
  await setShown(page, false);
  await sleep(5_000);
  await setShown(page, true);
  // the presence check (due 9 s in) comes; she answers it only after 6 s
  const answer = page.getByTestId('presence-answer');
  await visible(answer);
  await sleep(6_000);
  await answer.click();
  // the answer starts the video again; it plays 3 s. The course asks every 9 s here: she answers the
  // next checks at once (no time lost for them)
  const answerAtOnce = async (ms: number) => {
    for (const until = Date.now() + ms; Date.now() < until; await sleep(200))
      if (await answer.isVisible()) await answer.click();
  };
  await answerAtOnce(3_000);
  // she ends the session (a check that comes meanwhile is answered first)
  for (let tries = 0; ; tries++) {
    if (await answer.isVisible()) await answer.click();
    const clicked = await page
      .getByTestId('study-finish')
      .click({ timeout: 2_000 })
      .then(() => true)
      .catch(() => false);
    if (clicked) break;
    expect(tries, 'the session could not be ended').toBeLessThan(10);
  }
  const receipt = page.getByTestId('study-receipt').last();
  await visible(receipt);
  await expect.poll(() => receipt.getByTestId('receipt-hidden').count(), { timeout: STEP_TIMEOUT }).toBe(1);
  expect(await receipt.getByTestId('receipt-presence').count()).toBe(1);

  // the server's figures: only the ~7 s the video played in front of her count
  const session = (
    await db.query<{ receipt: { wallSeconds: number; newSeconds: number; wall: Record<string, number> } }>(
      `SELECT receipt FROM study_session WHERE class_id = $1 ORDER BY id DESC LIMIT 1`,
      [classId],
    )
  ).rows[0]!.receipt;
  expect(session.wallSeconds).toBeGreaterThan(17);
  expect(session.wall['hidden']).toBeGreaterThan(4);
  expect(session.wall['presence']).toBeGreaterThan(2);
  expect(session.newSeconds).toBeGreaterThan(4);
  // what counted is at most the time in front of her with the presence stop left out (the video at 1×)
  expect(session.newSeconds).toBeLessThan(
    session.wallSeconds - session.wall['hidden']! - session.wall['presence']! + 0.5,
  );
  expect(session.wall['counted']).toBeLessThan(session.wallSeconds - 8);
  await context.close();
}, 180_000);
