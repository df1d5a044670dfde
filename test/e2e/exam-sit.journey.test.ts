import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { STEP_TIMEOUT, textOf, visible } from '../support/browser.js';
import { fitsWidth, PHONE, startDemoJourney, type DemoJourney } from '../support/journey.js';
import { manualShot } from '../support/manual-shots.js';
import type { HttpSession } from '../support/server-process.js';

/**
 * A teacher sits an online exam on a 375 px phone (R-30 … R-33): from 我的考试 she opens the exam, starts it
 * after the warning that the clock cannot be paused, answers a single-choice and a multiple-choice question,
 * loses the network (the browser's offline mode), answers a true/false and a fill-in question (the red
 * banner counts two unsent answers, kept in the phone's storage), gets the network back, sees them all
 * saved, opens the same attempt on a computer (it resumes with the four answers), submits on the phone and
 * reads her score and level. The server holds all four answers and the offline and online events for the
 * invigilator. Before all that, an exam of the class that opens tomorrow and asks for 999 hours lists both
 * missing items and offers no start. The county (the class's organiser) sets and publishes the exam
 * through the API; its four questions are put in the county's bank first.
 */

const PASSWORD = 'Exam-sit-journey-1357';
let journey: DemoJourney<'demo-county' | 'demo-teacher'>;
let db: pg.Pool;
let examId: number;
/** an exam of the same class that opens tomorrow and asks for more hours than she has */
let laterExamId: number;
/** a third one, for the clock running out */
let quizId: number;

function clusterUrl(dataDir: string): string {
  const port = Number(fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[3]);
  const password = fs.readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim();
  return `postgres://peixun:${encodeURIComponent(password)}@127.0.0.1:${port}/peixun`;
}

async function api<T>(s: HttpSession, method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(`${journey.baseUrl}${url}`, {
    method,
    headers: {
      accept: 'application/json',
      cookie: s.cookie,
      ...(method === 'GET' ? {} : { 'x-csrf-token': s.csrf }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(STEP_TIMEOUT),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** The four questions, in the bank of the unit that organises the demo's online class. */
const QUESTIONS = [
  {
    kind: 'single',
    stem: '《中小学教师职业道德规范》要求教师做到的是',
    options: [
      { key: 'A', text: '有偿补课' },
      { key: 'B', text: '关爱学生' },
      { key: 'C', text: '体罚学生' },
    ],
    answer: 'B',
    explanation: '关爱学生是师德规范的核心要求之一。',
  },
  {
    kind: 'multiple',
    stem: '下列属于信息技术支持课堂教学的做法有',
    options: [
      { key: 'A', text: '用交互课件演示' },
      { key: 'B', text: '课上刷短视频' },
      { key: 'C', text: '用在线测验了解学情' },
    ],
    answer: ['A', 'C'],
    explanation: '刷短视频与教学无关。',
  },
  { kind: 'true_false', stem: '教师可以在网上公布学生的考试排名。', options: [], answer: false, explanation: '' },
  { kind: 'fill_in', stem: '我国的首都是＿＿。', options: [], answer: [['北京', '北京市']], explanation: '' },
] as const;

async function seedExam(): Promise<void> {
  const one = async (text: string, values: unknown[]) =>
    Number((await db.query<{ id: string }>(text, values)).rows[0]!.id);
  const cls = (
    await db.query<{ id: string; province_id: string; org_unit_id: string; org_path: string }>(
      `SELECT c.id, p.province_id, p.org_unit_id, p.org_path FROM training_class c
       JOIN training_project p ON p.id = c.project_id WHERE c.name = '网络研修一班' LIMIT 1`,
    )
  ).rows[0]!;
  const questionIds: number[] = [];
  for (const q of QUESTIONS) {
    const id = await one(`INSERT INTO question (province_id, org_unit_id, org_path) VALUES ($1, $2, $3) RETURNING id`, [
      cls.province_id,
      cls.org_unit_id,
      cls.org_path,
    ]);
    await db.query(
      `INSERT INTO question_version (question_id, version, kind, stem, options, answer, explanation, module,
         shuffle_options)
       VALUES ($1, 1, $2, $3, $4, $5, $6, '师德', false)`,
      [id, q.kind, q.stem, JSON.stringify(q.options), JSON.stringify(q.answer), q.explanation],
    );
    questionIds.push(id);
  }
  const county = journey.sessions['demo-county'];
  const now = Date.now();
  const exam = (title: string, opensAt: number, gates: object) => ({
    title,
    instructions: '闭卷，独立完成。',
    target: 'class',
    classId: Number(cls.id),
    orgUnitId: Number(cls.org_unit_id),
    opensAt: new Date(opensAt).toISOString(),
    closesAt: new Date(now + 7 * 86_400_000).toISOString(),
    durationMinutes: 30,
    attemptsAllowed: 2,
    gradePolicy: 'highest',
    paper: { mode: 'fixed', items: questionIds.map((questionId) => ({ questionId, points: 25 })) },
    shuffleQuestions: false,
    showAnswers: 'after_submit',
    gates,
    composite: { components: [{ key: 'exam', label: '考试', weight: 100 }] },
    levelCuts: { excellent: 90, good: 80, pass: 60, basic: 50 },
    passLevel: 'pass',
    targets: {},
    hours: null,
    creditCategories: [],
    blindMarking: false,
    doubleMarking: false,
    disputeThreshold: 3,
  });
  const publish = async (body: object) => {
    const { id } = (await api<{ exam: { id: number } }>(county, 'POST', '/api/exams', body)).exam;
    await api(county, 'POST', `/api/exams/${id}/publish`);
    return id;
  };
  examId = await publish(exam('师德与信息技术结业考试', now - 3_600_000, {}));
  laterExamId = await publish(exam('信息技术应用能力测评', now + 86_400_000, { minLedgerHours: 999 }));
  quizId = await publish(exam('师德随堂小测', now - 3_600_000, {}));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the page has no unsent answer (the server acknowledged every one). */
async function allSaved(page: Page): Promise<void> {
  await expect
    .poll(() => page.getByTestId('exam-sit').getAttribute('data-unsent'), { timeout: STEP_TIMEOUT })
    .toBe('0');
}

beforeAll(async () => {
  journey = await startDemoJourney({
    dataDirPrefix: 'peixun-exam-sit-',
    password: PASSWORD,
    accounts: ['demo-county', 'demo-teacher'],
    sessions: ['demo-county', 'demo-teacher'],
  });
  db = new pg.Pool({ connectionString: clusterUrl(journey.dataDir), max: 2 });
  await seedExam();
}, 180_000);

afterAll(async () => {
  await db?.end();
  await journey?.stop();
}, 60_000);

test('a teacher sits an exam on her phone, loses the network halfway, and every answer reaches the server', async () => {
  const { newContext, logIn, baseUrl } = journey;
  const context = await newContext(PHONE);
  const pageErrors: string[] = [];
  context.on('weberror', (e) => pageErrors.push(e.error().message));
  try {
    const page = await context.newPage();
    await logIn(page, 'demo-teacher');
    await page.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    // her home page lists the open exam to sit (not the one opening tomorrow)
    const toSit = await visible(page.getByTestId('home-open-exams'));
    const homeExams = (await toSit.getByTestId('home-open-exam').allTextContents()).join('\n');
    expect(homeExams).toContain('师德与信息技术结业考试');
    expect(homeExams).not.toContain('信息技术应用能力测评');

    // an exam she may not sit yet lists every missing item, and offers no start
    await page.goto(`${baseUrl}/exams/${laterExamId}/entry`);
    const missing = await visible(page.getByTestId('exam-missing'));
    const items = await missing.locator('li').allTextContents();
    expect(items[0]).toMatch(/^考试尚未开放，\d{4}-\d{2}-\d{2} \d{2}:\d{2} 开始$/);
    expect(items[1]).toMatch(/^学时：已有 [\d.]+ 学时，需 999 学时$/);
    expect(await page.getByTestId('exam-start').count()).toBe(0);

    // 我的考试: the exam is open, no attempt used yet; the later one is listed as not open
    await page.goto(`${baseUrl}/me/exams`);
    await visible(
      page.getByTestId('my-exam').filter({ hasText: '信息技术应用能力测评' }).filter({ hasText: '未开始' }),
    );
    const card = await visible(page.getByTestId('my-exam').filter({ hasText: '师德与信息技术结业考试' }));
    expect(await textOf(card)).toContain('开放中');
    expect(await textOf(card)).toContain('已用 0/2 次');
    expect(await fitsWidth(page)).toBe(true);
    await card.click();

    // the entry: duration, questions, attempts; the start warns that the clock cannot be paused
    await page.waitForURL(new RegExp(`/exams/${examId}/entry$`), { timeout: STEP_TIMEOUT });
    const entry = await visible(page.getByTestId('exam-entry'));
    expect(await textOf(entry)).toContain('考试时长：30 分钟');
    expect(await textOf(entry)).toContain('共 4 道，满分 100 分');
    await page.getByTestId('exam-start').click();
    const modal = await visible(page.getByTestId('exam-start-modal'));
    expect(await textOf(modal)).toContain('不能暂停');
    await page.getByTestId('exam-start-confirm').click();

    // sitting: one question per screen, the countdown from the server's deadline
    await page.waitForURL(/\/exam-attempts\/\d+$/, { timeout: STEP_TIMEOUT });
    const attemptId = Number(/\/exam-attempts\/(\d+)$/.exec(page.url())![1]);
    const countdown = await visible(page.getByTestId('exam-countdown'));
    await expect.poll(() => textOf(countdown), { timeout: STEP_TIMEOUT }).toMatch(/^(30:00|29:\d\d)$/);
    expect(await fitsWidth(page)).toBe(true);

    // 1: single choice B, saved at once
    await page.getByTestId('exam-choice').filter({ hasText: '关爱学生' }).click();
    await allSaved(page);
    expect(await page.getByTestId('exam-save-state').getAttribute('data-state')).toBe('saved');
    // 2: multiple choice A and C
    await page.getByTestId('exam-next').click();
    await page.getByTestId('exam-choice').filter({ hasText: '交互课件' }).click();
    await page.getByTestId('exam-choice').filter({ hasText: '在线测验' }).click();
    await allSaved(page);

    // the network goes: the red banner, answers kept on the phone
    await context.setOffline(true);
    await visible(page.getByTestId('exam-offline-banner'));
    await page.getByTestId('exam-next').click();
    await page.getByTestId('exam-choice').filter({ hasText: '错误' }).click();
    await page.getByTestId('exam-next').click();
    await page.getByTestId('exam-blank').fill('北京');
    const banner = page.getByTestId('exam-offline-banner');
    expect(await textOf(banner)).toContain('网络已断开，答案已保存在本机，恢复后自动上传');
    await expect
      .poll(() => textOf(page.getByTestId('exam-unsent-count')), { timeout: STEP_TIMEOUT })
      .toBe('2 个答案未上传');
    expect(await page.getByTestId('exam-save-state').getAttribute('data-state')).toBe('unsent');
    await manualShot(page, 'exam-offline-phone');
    const stored = await page.evaluate<string | null>(`localStorage.getItem('peixun.exam-attempt.${attemptId}.queue')`);
    const kept = JSON.parse(stored ?? '{}') as { answers: { position: number; answer: unknown }[] };
    expect(kept.answers.map((a) => [a.position, a.answer])).toEqual([
      [2, false],
      [3, ['北京']],
    ]);
    // submitting now is refused, with the reason
    await page.getByTestId('exam-submit').click();
    expect(await textOf(await visible(page.getByTestId('exam-submit-offline')))).toContain('恢复网络');
    await page.getByTestId('exam-submit-offline-ok').click();

    // the network is back: the answers go by themselves
    await sleep(500);
    await context.setOffline(false);
    await allSaved(page);
    await expect.poll(() => banner.count(), { timeout: STEP_TIMEOUT }).toBe(0);

    // the same attempt opened on another device (a computer) resumes with the four answers, same deadline
    const desk = await newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const other = await desk.newPage();
      await logIn(other, 'demo-teacher');
      await other.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
      await other.goto(`${baseUrl}/me/exams`);
      const going = await visible(other.getByTestId('my-exam').filter({ hasText: '作答中' }));
      await going.click();
      await other.waitForURL(new RegExp(`/exam-attempts/${attemptId}$`), { timeout: STEP_TIMEOUT });
      await other.getByTestId('exam-card-toggle').click();
      const cellsThere = other.getByTestId('exam-card-cell');
      await expect.poll(() => cellsThere.count(), { timeout: STEP_TIMEOUT }).toBe(4);
      for (let i = 0; i < 4; i++) expect(await cellsThere.nth(i).getAttribute('data-answered')).toBe('true');
      await other.getByTestId('exam-card-cell').nth(3).click();
      expect(await other.getByTestId('exam-blank').inputValue()).toBe('北京');
    } finally {
      await desk.close();
    }

    // the answer card shows all four answered; the submission lists nothing unanswered
    await page.getByTestId('exam-card-toggle').click();
    const cells = page.getByTestId('exam-card-cell');
    await expect.poll(() => cells.count(), { timeout: STEP_TIMEOUT }).toBe(4);
    for (let i = 0; i < 4; i++) expect(await cells.nth(i).getAttribute('data-answered')).toBe('true');
    await page.getByTestId('exam-card-toggle').click();
    await page.getByTestId('exam-submit').click();
    const confirm = await visible(page.getByTestId('exam-submit-modal'));
    expect(await textOf(confirm)).toContain('所有题目均已作答');
    await page.getByTestId('exam-submit-confirm').click();

    // the result: full marks, 优秀, passed, each answer with the key
    await page.waitForURL(new RegExp(`/exam-attempts/${attemptId}/result$`), { timeout: STEP_TIMEOUT });
    const result = await visible(page.getByTestId('exam-result'));
    expect(await textOf(page.getByTestId('exam-result-score'))).toContain('100 / 100');
    expect(await textOf(result)).toContain('优秀');
    expect(await textOf(page.getByTestId('exam-result-passed'))).toContain('通过');
    expect(await page.getByTestId('exam-result-key').count()).toBe(4);
    await manualShot(page, 'exam-result-phone');
    expect(await fitsWidth(page)).toBe(true);
    // the phone forgets the submitted attempt
    expect(await page.evaluate(`localStorage.getItem('peixun.exam-attempt.${attemptId}.queue')`)).toBeNull();

    // the server holds the four answers, and the invigilator sees the offline spell
    const answers = await db.query<{ position: number; answer: unknown }>(
      'SELECT position, answer FROM exam_answer WHERE attempt_id = $1 ORDER BY position',
      [attemptId],
    );
    expect(answers.rows.map((r) => [r.position, r.answer])).toEqual([
      [0, 'B'],
      [1, ['A', 'C']],
      [2, false],
      [3, ['北京']],
    ]);
    const events = await db.query<{ kind: string }>('SELECT kind FROM exam_event WHERE attempt_id = $1 ORDER BY id', [
      attemptId,
    ]);
    expect(events.rows.map((r) => r.kind)).toEqual(expect.arrayContaining(['offline', 'online']));
    const attempt = await db.query<{ status: string; score: string }>(
      'SELECT status, score FROM exam_attempt WHERE id = $1',
      [attemptId],
    );
    expect(attempt.rows[0]).toMatchObject({ status: 'graded' });
    expect(Number(attempt.rows[0]!.score)).toBe(100);
    expect(pageErrors).toEqual([]);
  } finally {
    await context.close();
  }
});

test('when the time runs out the answers saved are submitted, and the result says so', async () => {
  const { newContext, logIn, baseUrl } = journey;
  const context = await newContext(PHONE);
  const pageErrors: string[] = [];
  context.on('weberror', (e) => pageErrors.push(e.error().message));
  try {
    const page = await context.newPage();
    await logIn(page, 'demo-teacher');
    await page.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    await page.goto(`${baseUrl}/exams/${quizId}/entry`);
    await page.getByTestId('exam-start').click();
    await visible(page.getByTestId('exam-start-modal'));
    await page.getByTestId('exam-start-confirm').click();
    await page.waitForURL(/\/exam-attempts\/\d+$/, { timeout: STEP_TIMEOUT });
    const attemptId = Number(/\/exam-attempts\/(\d+)$/.exec(page.url())![1]);
    await page.getByTestId('exam-choice').filter({ hasText: '关爱学生' }).click();
    await allSaved(page);

    // the clock is the server's: a deadline moved to a few seconds from now shows at the next load
    await db.query(`UPDATE exam_attempt SET deadline_at = now() + interval '4 seconds' WHERE id = $1`, [attemptId]);
    await page.reload();
    await expect
      .poll(() => textOf(page.getByTestId('exam-countdown')), { timeout: STEP_TIMEOUT })
      .toMatch(/^00:0[1-4]$/);
    // at 00:00 the page hands in what was saved and shows the result with the reason
    await page.waitForURL(new RegExp(`/exam-attempts/${attemptId}/result`), { timeout: STEP_TIMEOUT });
    await visible(page.getByTestId('exam-time-up'));
    expect(await textOf(page.getByTestId('exam-result-score'))).toContain('25 / 100');
    const row = await db.query<{ status: string; submitted_how: string }>(
      'SELECT status, submitted_how FROM exam_attempt WHERE id = $1',
      [attemptId],
    );
    expect(row.rows[0]).toEqual({ status: 'graded', submitted_how: 'time_up' });
    expect(pageErrors).toEqual([]);
  } finally {
    await context.close();
  }
});
