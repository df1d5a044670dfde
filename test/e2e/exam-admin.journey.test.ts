import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { STEP_TIMEOUT, textOf, visible } from '../support/browser.js';
import { type DemoJourney, startDemoJourney } from '../support/journey.js';
import { manualShot } from '../support/manual-shots.js';
import type { HttpSession } from '../support/server-process.js';

/**
 * Browser journey of an exam's organiser, on a desktop: the county admin (张志强) sets a course exam with a
 * fixed paper picked from the county's bank, sees the live total and what publishing fixes, publishes it and
 * finds it in 考试管理; 赵雪 sits it (through the API) and writes the essay; the admin opens 阅卷, marks her
 * essay out of its 10 points, the queue counts it as marked, and her process score is entered.
 */

const PASSWORD = 'Exam-admin-journey-9753';
const TITLE = '班主任工作实务结业考核';
const SINGLE = '单选：班主任工作的中心任务是';
const ESSAY = '简答：谈谈你如何开好一次主题班会';
const ESSAY_ANSWER = '先了解学生的困惑，确定主题；再让学生分组准备，班会上以讨论为主，会后跟进落实。';
const HOUR = 3_600_000;
/** the input of a number field, whether the test id sits on the input or around it */
const INPUT = 'xpath=descendant-or-self::input';

let journey: DemoJourney<'demo-county' | 'demo-teacher'>;
let db: pg.Pool;

function clusterUrl(dataDir: string): string {
  const port = Number(fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[3]);
  const password = fs.readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim();
  return `postgres://peixun:${encodeURIComponent(password)}@127.0.0.1:${port}/peixun`;
}

async function call<T>(s: HttpSession, method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(`${journey.baseUrl}${url}`, {
    method,
    headers: {
      accept: 'application/json',
      cookie: s.cookie,
      'x-csrf-token': s.csrf,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(STEP_TIMEOUT),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A question put straight into a unit's bank, as the bank's own pages would (version 1). */
async function seedQuestion(unitId: number, q: { kind: string; stem: string; options: unknown; answer: unknown }) {
  const unit = await db.query<{ province_id: string; path: string }>(
    'SELECT province_id, path FROM org_unit WHERE id = $1',
    [unitId],
  );
  const row = unit.rows[0]!;
  const { rows } = await db.query<{ id: string }>(
    'INSERT INTO question (province_id, org_unit_id, org_path) VALUES ($1, $2, $3) RETURNING id',
    [row.province_id, unitId, row.path],
  );
  await db.query(
    `INSERT INTO question_version (question_id, version, kind, stem, options, answer, module, difficulty)
     VALUES ($1, 1, $2, $3, $4, $5, '学生教育', 3)`,
    [rows[0]!.id, q.kind, q.stem, JSON.stringify(q.options), JSON.stringify(q.answer)],
  );
}

/** A time as the pickers write it in China Standard Time: "2026-05-04 09:30". */
const chinaMinute = (ms: number) => new Date(ms + 8 * HOUR).toISOString().slice(0, 16).replace('T', ' ');

/** Types both ends of a RangePicker with time, as a user does (Enter takes each end). */
async function typeRange(picker: Locator, from: string, until: string): Promise<void> {
  const inputs = picker.locator('input');
  await inputs.nth(0).click();
  await inputs.nth(0).fill(from);
  await inputs.nth(0).press('Enter');
  await inputs.nth(1).fill(until);
  await inputs.nth(1).press('Enter');
  await expect.poll(() => inputs.nth(0).inputValue(), { timeout: STEP_TIMEOUT }).toBe(from);
  await expect.poll(() => inputs.nth(1).inputValue(), { timeout: STEP_TIMEOUT }).toBe(until);
}

beforeAll(async () => {
  journey = await startDemoJourney({
    dataDirPrefix: 'peixun-exam-admin-journey-',
    password: PASSWORD,
    accounts: ['demo-county', 'demo-teacher'],
    sessions: ['demo-county', 'demo-teacher'],
  });
  db = new pg.Pool({ connectionString: clusterUrl(journey.dataDir), max: 2 });
}, 120_000);

afterAll(async () => {
  await db?.end();
  await journey?.stop();
}, 60_000);

test('a county admin sets a course exam with a fixed paper, publishes it, and marks a candidate’s essay', async () => {
  const { newContext, logIn, sessions } = journey;
  const county = sessions['demo-county'];
  const me = await call<{ user: { orgUnit: { id: number } } }>(county, 'GET', '/api/auth/me');
  await seedQuestion(me.user.orgUnit.id, {
    kind: 'single',
    stem: SINGLE,
    options: ['组织和培养班集体', '维持课堂纪律', '完成教学任务', '管理学生成绩'].map((text, i) => ({
      key: 'ABCD'[i],
      text,
    })),
    answer: 'A',
  });
  await seedQuestion(me.user.orgUnit.id, {
    kind: 'essay',
    stem: ESSAY,
    options: [],
    answer: '明确主题、学生主体、会后落实',
  });

  const desk = await newContext({ viewport: { width: 1280, height: 860 } });
  const pageErrors: string[] = [];
  desk.on('weberror', (e) => pageErrors.push(e.error().message));
  try {
    const page = await desk.newPage();
    await logIn(page, 'demo-county');
    await page.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    await (await visible(page.getByTestId('nav-exams'))).click();
    await page.waitForURL(/\/exams$/, { timeout: STEP_TIMEOUT });
    await page.getByTestId('exams-create').click();
    await page.waitForURL(/\/exams\/new/, { timeout: STEP_TIMEOUT });

    // basics: the course assessed, found by its title; the window in China time; 30 minutes
    const form = await visible(page.getByTestId('exam-form'));
    await form.getByTestId('exam-title').fill(TITLE);
    await form.getByTestId('exam-course').click();
    await page.keyboard.type('班主任');
    await (
      await visible(page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '班主任工作实务' }))
    ).click();
    const now = Date.now();
    await typeRange(form.locator('.ant-picker-range'), chinaMinute(now - HOUR), chinaMinute(now + 24 * HOUR));
    await form.getByTestId('exam-duration').locator(INPUT).fill('30');

    // saving before the paper has a question says where to go and what to do
    await page.getByTestId('exam-save').click();
    await visible(page.locator('.ant-modal', { hasText: '试卷还没有题目' }));
    await page.locator('.ant-modal .ant-btn-primary').click();

    // the paper: both questions picked from the county's bank, the essay worth 10; the total follows
    await visible(form.getByTestId('paper-pick'));
    await form.getByTestId('paper-pick').click();
    const picker = await visible(page.locator('.ant-modal', { hasText: '从题库选题' }));
    for (const stem of [SINGLE, ESSAY])
      await (await visible(picker.locator('.ant-table-row', { hasText: stem }).locator('.ant-checkbox-input'))).check();
    await picker.getByTestId('picker-ok').click();
    await expect
      .poll(() => textOf(form.getByTestId('paper-total')), { timeout: STEP_TIMEOUT })
      .toBe('共 2 题，总分 12 分');
    const essayPoints = form.getByTestId('paper-items').locator('.ant-table-row', { hasText: ESSAY });
    await essayPoints.getByTestId('paper-item-points').locator(INPUT).fill('20');
    await expect
      .poll(() => textOf(form.getByTestId('paper-total')), { timeout: STEP_TIMEOUT })
      .toBe('共 2 题，总分 22 分');
    await essayPoints.getByTestId('paper-item-points').locator(INPUT).fill('10');
    await expect
      .poll(() => textOf(form.getByTestId('paper-total')), { timeout: STEP_TIMEOUT })
      .toBe('共 2 题，总分 12 分');
    await manualShot(page, 'exam-paper');

    // scores: a process score of 30 % leaves the weights at 130 % until the exam's weight is lowered
    await form.getByTestId('exam-form-next').click();
    await form.getByTestId('exam-add-component').click();
    await form.getByTestId('exam-component-weight').nth(1).locator(INPUT).fill('30');
    await expect
      .poll(() => textOf(form.getByTestId('exam-weight-sum')), { timeout: STEP_TIMEOUT })
      .toBe('权重合计 130%');
    await visible(form.getByTestId('exam-step-problems').filter({ hasText: '须正好是 100%' }));
    await form.getByTestId('exam-component-weight').nth(0).locator(INPUT).fill('70');
    await expect
      .poll(() => textOf(form.getByTestId('exam-weight-sum')), { timeout: STEP_TIMEOUT })
      .toBe('权重合计 100%');

    await page.getByTestId('exam-save').click();
    await visible(page.locator('.ant-message', { hasText: `已保存“${TITLE}”` }));
    await page.waitForURL(/\/exams\/\d+\/manage$/, { timeout: STEP_TIMEOUT });
    const examId = Number(/\/exams\/(\d+)\/manage$/.exec(page.url())![1]);
    const manage = await visible(page.getByTestId('exam-manage'));
    expect(await textOf(manage.getByTestId('exam-status'))).toBe('草稿');

    // publishing says what becomes fixed
    await manage.getByTestId('exam-publish').click();
    const confirm = await visible(page.getByTestId('publish-confirm'));
    expect(await textOf(confirm)).toContain('发布后试卷固定');
    await page.getByTestId('publish-ok').click();
    await visible(page.locator('.ant-message', { hasText: '考试已发布' }));
    await expect.poll(() => textOf(manage.getByTestId('exam-status')), { timeout: STEP_TIMEOUT }).toBe('已发布');

    // … and the exam is in 考试管理, published
    await page.getByTestId('nav-exams').click();
    await page.waitForURL(/\/exams$/, { timeout: STEP_TIMEOUT });
    const row = await visible(page.getByTestId('exams-table').locator('.ant-table-row', { hasText: TITLE }));
    expect(await textOf(row.getByTestId('exam-status'))).toBe('已发布');

    // 赵雪 sits it: the single choice right, and her essay
    const teacher = sessions['demo-teacher'];
    const { attemptId } = await call<{ attemptId: number }>(teacher, 'POST', `/api/exams/${examId}/attempts`);
    const sitting = await call<{ questions: { position: number; kind: string }[] }>(
      teacher,
      'GET',
      `/api/exam-attempts/${attemptId}`,
    );
    const essay = sitting.questions.find((q) => q.kind === 'essay')!;
    await call(teacher, 'POST', `/api/exam-attempts/${attemptId}/submit`, {
      answers: [{ position: essay.position, answer: ESSAY_ANSWER, clientSeq: 1 }],
    });

    // the admin marks it: the queue shows one essay waiting; her answer, 8 of 10 points
    await row.getByTestId('exam-open').click();
    await page.waitForURL(new RegExp(`/exams/${examId}/manage$`), { timeout: STEP_TIMEOUT });
    await (await visible(page.getByTestId('exam-open-marking'))).click();
    await page.waitForURL(new RegExp(`/exams/${examId}/marking`), { timeout: STEP_TIMEOUT });
    const queue = page.getByTestId('marking-questions').locator('.ant-table-row', { hasText: ESSAY });
    await (await visible(queue.getByTestId('marking-open'))).click();
    const card = await visible(page.getByTestId('marking-answer-card'));
    expect(await textOf(card.getByTestId('marking-answer'))).toBe(ESSAY_ANSWER);
    expect(await textOf(card.getByTestId('marking-candidate'))).toBe('赵雪');
    await card.getByTestId('marking-score').locator(INPUT).fill('12');
    await visible(card.getByText('得分须在 0 到 10 分之间'));
    expect(await card.getByTestId('marking-save').isDisabled()).toBe(true);
    await card.getByTestId('marking-score').locator(INPUT).fill('8');
    await card.getByTestId('marking-comment').fill('步骤清楚，可补充具体案例');
    await manualShot(page, 'exam-marking');
    await card.getByTestId('marking-save').click();
    await visible(page.locator('.ant-message', { hasText: '已评分' }));
    await visible(card.getByText('这道题没有待评的答案了'));
    await expect
      .poll(async () => (await queue.locator('td').allInnerTexts()).slice(-4, -1).join(' '), { timeout: STEP_TIMEOUT })
      .toBe('0 0 1');

    // her process score (30 % of the composite) is entered on the exam's page
    await page.getByRole('button', { name: '返回考试' }).click();
    await page.waitForURL(new RegExp(`/exams/${examId}/manage$`), { timeout: STEP_TIMEOUT });
    const scores = await visible(page.getByTestId('exam-components-card'));
    await scores.getByTestId('components-load').click();
    const line = await visible(scores.locator('.ant-table-row', { hasText: '赵雪' }));
    await line.getByTestId('component-score').locator(INPUT).fill('90');
    await scores.getByRole('button', { name: '保存成绩' }).click();
    await visible(page.locator('.ant-message', { hasText: '已保存 1 项成绩' }));
    expect(pageErrors).toEqual([]);
  } finally {
    await desk.close();
  }
}, 240_000);
