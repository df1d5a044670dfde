import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { STEP_TIMEOUT, textOf, visible } from '../support/browser.js';
import { fitsWidth, PHONE, startDemoJourney, type DemoJourney } from '../support/journey.js';
import { MANUAL_SHOTS, manualShot } from '../support/manual-shots.js';
import type { HttpSession } from '../support/server-process.js';
import { tinyMp4 } from '../support/study-files.js';

/**
 * Browser journey through a course's online content (issue 13) against the real server process with its
 * demo data: the county admin of 桦甸市 opens 在线内容 of an online course in the catalogue, adds a
 * chapter with a text page, uploads a small MP4 (built here, 95 seconds by its header) with a progress bar
 * and sees its length and preview; on the training project page makes a class online for that course from
 * today for a month; 赵雪, enrolled in the class, opens 在线学习 on a 375 px phone, finds the course open
 * and its outline: the chapter, the text page with its minutes, linked to the page where it is studied.
 */

const PASSWORD = 'Online-journey-1357';
const COURSE = '新时代师德修养（网络课程）';
const CHAPTER = '第一章 师德规范';
const TEXT_ITEM = '导读：为什么要学师德规范';
const VIDEO_FILE = '第一讲 师德的内涵.mp4';
const PROJECT = '桦甸市师德网络研修';
const CLASS_NAME = '网络一班';
const HOUR = 3_600_000;

let journey: DemoJourney<'demo-county' | 'demo-teacher'>;

async function api<T>(s: HttpSession, method: string, url: string, body?: unknown): Promise<T> {
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
  return JSON.parse(text) as T;
}

beforeAll(async () => {
  journey = await startDemoJourney({
    dataDirPrefix: 'peixun-online-journey-',
    password: PASSWORD,
    accounts: ['demo-county', 'demo-teacher'],
    sessions: ['demo-county', 'demo-teacher'],
  });
}, 120_000);

afterAll(async () => {
  await journey?.stop();
}, 60_000);

/** A day in China time, `days` from today: "2026-05-04". */
const chinaDay = (days = 0) => new Date(Date.now() + 8 * HOUR + days * 24 * HOUR).toISOString().slice(0, 10);

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

async function modal(page: Page, title: string | RegExp): Promise<Locator> {
  return visible(page.locator('.ant-modal', { has: page.locator('.ant-modal-title', { hasText: title }) }));
}

test('a county admin builds an online course and opens it to a class; a teacher finds its outline on a phone', async () => {
  const {
    baseUrl,
    newContext,
    logIn,
    sessions: { 'demo-county': county, 'demo-teacher': teacher },
  } = journey;
  // what the journey stands on: an online course in the county's catalogue, and an open project whose
  // class 赵雪 has enrolled in
  const me = await api<{ user: { orgUnit: { id: number } } }>(county, 'GET', '/api/auth/me');
  const course = await api<{ course: { id: number } }>(county, 'POST', '/api/courses', {
    orgUnitId: me.user.orgUnit.id,
    title: COURSE,
    category: 'required',
    module: '师德',
    form: 'online',
    hours: 100,
  });
  const project = await api<{ project: { id: number } }>(county, 'POST', '/api/training/projects', {
    orgUnitId: me.user.orgUnit.id,
    level: 'county',
    title: PROJECT,
    year: Number(chinaDay().slice(0, 4)),
    hours: 100,
  });
  const cls = await api<{ id: number }>(county, 'POST', `/api/training/projects/${project.project.id}/classes`, {
    name: CLASS_NAME,
    capacity: 50,
  });
  await api(county, 'POST', `/api/training/projects/${project.project.id}/status`, { status: 'open' });
  await api(teacher, 'POST', '/api/enrolments', { classId: cls.id });

  const admin = await newContext({ viewport: { width: 1280, height: 860 } });
  const phone = await newContext({ ...PHONE });
  const pageErrors: string[] = [];
  for (const context of [admin, phone]) context.on('weberror', (e) => pageErrors.push(e.error().message));
  try {
    // ---- (a) 在线内容 of the course, from the catalogue
    const page = await admin.newPage();
    await logIn(page, 'demo-county');
    await page.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    await (await visible(page.getByTestId('nav-courses'))).click();
    await page.waitForURL(/\/courses$/, { timeout: STEP_TIMEOUT });
    await (await visible(page.getByTestId('courses-search').locator('input'))).fill(COURSE);
    await page.getByTestId('courses-search').locator('input').press('Enter');
    const row = await visible(page.locator('.ant-table-row', { hasText: COURSE }));
    await row.getByTestId('course-online').click();
    await page.waitForURL(new RegExp(`/courses/${course.course.id}/online$`), { timeout: STEP_TIMEOUT });
    expect(await textOf(await visible(page.getByTestId('course-online-title')))).toContain(COURSE);

    // a chapter, and a text page in it
    await (await visible(page.getByTestId('online-add-chapter'))).click();
    const chapterModal = await modal(page, '添加章');
    await chapterModal.getByTestId('chapter-title').fill(CHAPTER);
    await chapterModal.locator('.ant-modal-footer .ant-btn-primary').click();
    const chapter = await visible(page.getByTestId('online-chapter').filter({ hasText: CHAPTER }));
    await chapter.getByTestId('online-add-item').click();
    const itemModal = await modal(page, `添加内容到“${CHAPTER}”`);
    await itemModal.getByTestId('item-title').fill(TEXT_ITEM);
    await itemModal.locator('#requiredMinutes').fill('15');
    await itemModal
      .getByTestId('item-body')
      .fill('《中小学教师职业道德规范》共六条。\n请先通读全文，再结合自己的教学经历思考。');
    await itemModal.locator('.ant-modal-footer .ant-btn-primary').click();
    const textItem = await visible(chapter.getByTestId('online-item').filter({ hasText: TEXT_ITEM }));
    expect(await textOf(textItem)).toContain('15 分钟');

    // a video, checked by its content, its length read from its header
    await page
      .getByTestId('online-files')
      .locator('input[type=file]')
      .setInputFiles({
        name: VIDEO_FILE,
        mimeType: 'video/mp4',
        buffer: tinyMp4({ seconds: 95, mediaBytes: 300_000 }),
      });
    const file = await visible(page.getByTestId('online-file').filter({ hasText: VIDEO_FILE }));
    expect(await textOf(file)).toContain('1:35');
    await file.getByTestId('online-file-preview').click();
    const video = await visible(page.getByTestId('online-video-preview'));
    expect(await video.getAttribute('src')).toMatch(/^\/api\/study-files\/\d+$/);
    await page.keyboard.press('Escape');
    // the video becomes the chapter's second item; its minutes default to its length
    await chapter.getByTestId('online-add-item').click();
    const videoModal = await modal(page, `添加内容到“${CHAPTER}”`);
    await videoModal.getByTestId('item-kind').getByText('视频').click();
    await videoModal.getByTestId('item-file').click();
    await (
      await visible(page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: VIDEO_FILE }))
    ).click();
    expect(await videoModal.locator('#requiredMinutes').inputValue()).toBe('2');
    await videoModal.locator('.ant-modal-footer .ant-btn-primary').click();
    await visible(chapter.getByTestId('online-item').filter({ hasText: '第一讲 师德的内涵' }).first());
    expect(await chapter.getByTestId('online-item').count()).toBe(2);
    // the manual's picture shows the page without the passing notices
    if (MANUAL_SHOTS) {
      await page.locator('.ant-message-notice').first().waitFor({ state: 'detached', timeout: STEP_TIMEOUT });
      // clear of the sticky header
      await page.evaluate("document.querySelector('[data-testid=online-content]').scrollIntoView({ block: 'center' })");
    }
    await manualShot(page, 'course-online-content', page.getByTestId('online-content'));
    await manualShot(page, 'course-online-files', page.getByTestId('online-files'));

    // ---- (b) the class is made online for this course, from today for a month
    await page.goto(`${baseUrl}/training/${project.project.id}`);
    const online = await visible(page.getByTestId('class-online'));
    expect(await textOf(online)).toContain('面授');
    await online.getByTestId('class-make-online').click();
    const onlineModal = await modal(page, `在线学习：${CLASS_NAME}`);
    await onlineModal.getByTestId('online-course-picker').click();
    await page.keyboard.type('师德修养');
    await (
      await visible(page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: COURSE }))
    ).click();
    await typeRange(onlineModal.locator('.ant-picker-range'), chinaDay(), chinaDay(30));
    await onlineModal.locator('.ant-modal-footer .ant-btn-primary').click();
    await expect
      .poll(() => textOf(page.getByTestId('class-online-course')), { timeout: STEP_TIMEOUT })
      .toContain(`课程“${COURSE}”，${chinaDay()} 至 ${chinaDay(30)}`);

    // ---- (c) 赵雪 on her phone: 在线学习, the course, its outline
    const mobile = await phone.newPage();
    await logIn(mobile, 'demo-teacher');
    await mobile.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    await (await visible(mobile.getByTestId('nav-drawer-open'))).click();
    await (await visible(mobile.getByTestId('nav-my-study'))).click();
    await mobile.waitForURL(/\/me\/study$/, { timeout: STEP_TIMEOUT });
    const card = await visible(mobile.getByTestId('my-study-class').filter({ hasText: COURSE }));
    const cardText = await textOf(card);
    expect(cardText).toContain(`学习中 · ${chinaDay(30)} 截止`);
    expect(cardText).toContain('2 项内容 · 共 17 分钟');
    expect(await fitsWidth(mobile)).toBe(true);
    await manualShot(mobile, 'my-study-phone');
    await card.click();
    await mobile.waitForURL(new RegExp(`/me/study/${cls.id}$`), { timeout: STEP_TIMEOUT });
    const outlineChapter = await visible(mobile.getByTestId('outline-chapter').filter({ hasText: CHAPTER }));
    const items = outlineChapter.getByTestId('outline-item');
    expect(await items.count()).toBe(2);
    expect(await textOf(items.nth(0))).toContain(TEXT_ITEM);
    expect(await textOf(items.nth(0))).toContain('图文 · 15 分钟');
    expect(await textOf(items.nth(1))).toContain('视频 · 2 分钟 · 时长 1:35');
    expect(await items.nth(0).locator('a').getAttribute('href')).toMatch(
      new RegExp(`^/me/study/${cls.id}/items/\\d+$`),
    );
    expect(await fitsWidth(mobile)).toBe(true);
    await manualShot(mobile, 'study-outline-phone');
    expect(pageErrors).toEqual([]);
  } finally {
    await admin.close();
    await phone.close();
  }
}, 180_000);
