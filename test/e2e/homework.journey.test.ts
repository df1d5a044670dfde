import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { STEP_TIMEOUT, textOf, visible } from '../support/browser.js';
import { fitsWidth, PHONE, startDemoJourney, type DemoJourney } from '../support/journey.js';
import { manualShot } from '../support/manual-shots.js';
import type { HttpSession } from '../support/server-process.js';

/**
 * Browser journey through the homework and the forum of the demo's online class (网络研修一班, 师德师风):
 * 赵雪, on a 375 px phone, opens the class from her home page, hands in the assignment with a PDF and
 * replies in the forum, the live count telling her when the reply counts; the trainer, on a desktop,
 * finds the work waiting from the home page's 待批改作业 and returns it with a comment; she reads the
 * comment on her phone and hands in again; the trainer grades it 良好; her phone shows it passed.
 */

const PASSWORD = 'Homework-journey-8642';
const FIRST = '案例：一位学生连续三天没交作业，我没有当众批评，而是课后单独了解情况。';
const ADDED = '补充：后来我联系了家长，共同制定了学习计划，并在班会上反思了自己的做法。';
const COMMENT = '请补充后续的做法和自己的反思';
const PDF = Buffer.from('%PDF-1.4\n% 师德案例\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');

let journey: DemoJourney<'demo-teacher'>;

async function api<T>(s: HttpSession, url: string): Promise<T> {
  const res = await fetch(`${journey.baseUrl}${url}`, {
    headers: { accept: 'application/json', cookie: s.cookie },
    signal: AbortSignal.timeout(STEP_TIMEOUT),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

beforeAll(async () => {
  journey = await startDemoJourney({
    dataDirPrefix: 'peixun-homework-journey-',
    password: PASSWORD,
    accounts: ['demo-teacher', 'demo-trainer'],
    sessions: ['demo-teacher'],
  });
}, 120_000);

afterAll(async () => {
  await journey?.stop();
}, 60_000);

/** The status tag of the demo's assignment on the teacher's homework page. */
const statusOf = (page: Page) =>
  page.getByTestId('my-assignment').filter({ hasText: '师德案例分析' }).getByTestId('homework-status');

test('a teacher hands in homework on her phone and replies in the forum; the tutor returns it, then grades it 良好', async () => {
  const { newContext, logIn, baseUrl, sessions } = journey;
  const mine = await api<{ items: Array<{ classId: number; className: string }> }>(
    sessions['demo-teacher'],
    '/api/study/my-classes',
  );
  const classId = mine.items.find((c) => c.className === '网络研修一班')!.classId;
  const phone = await newContext(PHONE);
  const desk = await newContext({ viewport: { width: 1280, height: 800 } });
  const pageErrors: string[] = [];
  for (const context of [phone, desk]) context.on('weberror', (e) => pageErrors.push(e.error().message));
  try {
    // ---- 赵雪 on her phone: from the home page's 网络研修 card to the class's homework
    const teacher = await phone.newPage();
    await logIn(teacher, 'demo-teacher');
    await teacher.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    const card = await visible(teacher.getByTestId('home-online-class').filter({ hasText: '网络研修一班' }));
    await card.getByTestId('home-class-homework').click();
    await teacher.waitForURL(new RegExp(`/me/study/${classId}/homework$`), { timeout: STEP_TIMEOUT });
    await expect.poll(() => textOf(statusOf(teacher)), { timeout: STEP_TIMEOUT }).toBe('未提交');
    expect(await fitsWidth(teacher)).toBe(true);

    // she writes her work, attaches a PDF (uploaded at once, with its progress) and hands it in
    const assignment = teacher.getByTestId('my-assignment').filter({ hasText: '师德案例分析' });
    await assignment.getByTestId('homework-open-submit').click();
    const drawer = await visible(teacher.getByTestId('homework-submit-drawer'));
    await drawer.getByTestId('homework-body').fill(FIRST);
    await drawer
      .locator('input[type=file]')
      .setInputFiles({ name: '师德案例.pdf', mimeType: 'application/pdf', buffer: PDF });
    await visible(drawer.getByTestId('homework-picked-file').filter({ hasText: '师德案例.pdf' }));
    expect(await fitsWidth(teacher)).toBe(true);
    await drawer.getByTestId('homework-send').click();
    await expect.poll(() => textOf(statusOf(teacher)), { timeout: STEP_TIMEOUT }).toBe('已提交');
    await manualShot(teacher, 'homework-phone');

    // ---- and replies in the forum: the live count says when a reply counts (the course asks for 20)
    await teacher.getByTestId('study-tab-forum').click();
    await teacher.waitForURL(new RegExp(`/me/study/${classId}/forum$`), { timeout: STEP_TIMEOUT });
    await (await visible(teacher.getByTestId('forum-topic-link').filter({ hasText: '分享一个师德小故事' }))).click();
    await teacher.waitForURL(new RegExp(`/me/study/${classId}/forum/\\d+$`), { timeout: STEP_TIMEOUT });
    const reply = await visible(teacher.getByTestId('reply-body'));
    await reply.fill('谢谢！你总是帮助我');
    expect(await teacher.getByTestId('reply-body-count').getAttribute('data-chars')).toBe('8');
    expect(await textOf(teacher.getByTestId('reply-body-short'))).toBe('还差 12 字才计入');
    await reply.fill('谢谢老师的分享！我也遇到过类似的学生，耐心倾听比批评更有效，这个故事让我很受启发。');
    await visible(teacher.getByTestId('reply-body-counts'));
    await teacher.getByTestId('reply-send').click();
    const mineReply = await visible(teacher.getByTestId('forum-post').filter({ hasText: '耐心倾听比批评更有效' }));
    await visible(mineReply.getByTestId('post-counts'));
    expect(await fitsWidth(teacher)).toBe(true);
    await manualShot(teacher, 'forum-phone');

    // ---- the trainer at the desk: 待批改作业 on the home page leads to the work waiting
    const tutor = await desk.newPage();
    await logIn(tutor, 'demo-trainer');
    await tutor.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    const todo = await visible(tutor.getByTestId('todo-homework_to_grade'));
    await todo.getByTestId('todo-link').click();
    await tutor.waitForURL(/\/study\/tutoring$/, { timeout: STEP_TIMEOUT });
    await (
      await visible(tutor.locator('.ant-table-row', { hasText: '网络研修一班' }).getByTestId('tutoring-homework'))
    ).click();
    await tutor.waitForURL(new RegExp(`/study/classes/${classId}/homework`), { timeout: STEP_TIMEOUT });
    const row = await visible(tutor.getByTestId('submissions-card').locator('.ant-table-row', { hasText: '赵雪' }));
    await row.getByTestId('submission-open').click();
    const grading = await visible(tutor.getByTestId('grading-drawer'));
    await visible(grading.getByTestId('grading-body').filter({ hasText: FIRST }));
    await visible(grading.getByTestId('homework-files').filter({ hasText: '师德案例.pdf' }));
    await manualShot(tutor, 'homework-grading');
    // returned with a comment, after a confirmation that asks for it
    await grading.getByTestId('grading-return').click();
    await (await visible(tutor.getByTestId('return-modal-text'))).fill(COMMENT);
    await tutor.getByTestId('return-modal-ok').click();
    await visible(tutor.locator('.ant-message', { hasText: '已退回' }));

    // ---- 赵雪 reads the comment and hands in again; the first version is kept
    await teacher.goto(`${baseUrl}/me/study/${classId}/homework`);
    await expect.poll(() => textOf(statusOf(teacher)), { timeout: STEP_TIMEOUT }).toBe('已退回');
    expect(await textOf(teacher.getByTestId('homework-returned'))).toContain(COMMENT);
    await assignment.getByTestId('homework-open-submit').click();
    const again = await visible(teacher.getByTestId('homework-submit-drawer'));
    const body = again.getByTestId('homework-body');
    expect(await body.inputValue()).toBe(FIRST);
    await body.fill(`${FIRST}\n${ADDED}`);
    await visible(again.getByTestId('homework-picked-file').filter({ hasText: '师德案例.pdf' }));
    await again.getByTestId('homework-send').click();
    await expect.poll(() => textOf(statusOf(teacher)), { timeout: STEP_TIMEOUT }).toBe('已提交');

    // ---- the trainer grades the new version 良好
    await tutor.reload();
    const next = await visible(tutor.getByTestId('grading-drawer'));
    await visible(next.getByTestId('grading-body').filter({ hasText: ADDED }));
    expect(await next.getByTestId('grading-version').count()).toBe(2);
    await next.getByTestId('grading-grade').getByText('良好').click();
    await next.getByTestId('grading-comment').fill('反思深入，做法得当');
    await next.getByTestId('grading-submit').click();
    await visible(tutor.locator('.ant-message', { hasText: '已批改' }));

    // ---- her phone: passed, with the grade and the comment
    await teacher.reload();
    await expect.poll(() => textOf(statusOf(teacher)), { timeout: STEP_TIMEOUT }).toBe('已通过');
    const result = await textOf(assignment.getByTestId('homework-result'));
    expect(result).toContain('成绩：良好');
    expect(result).toContain('反思深入，做法得当');
    expect(await fitsWidth(teacher)).toBe(true);
    expect(pageErrors).toEqual([]);
  } finally {
    await phone.close();
    await desk.close();
  }
}, 240_000);
