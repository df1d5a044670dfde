import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { STEP_TIMEOUT, textOf, visible } from '../support/browser.js';
import { fitsWidth, PHONE, startDemoJourney, type DemoJourney } from '../support/journey.js';

/**
 * Browser journey through a school's annual plan against the real server process with its
 * demo data: the school admin writes the month calendar and submits it; the county admin returns it
 * with a comment; the school sees the comment, changes a line and submits again; the county approves;
 * the plan's history shows the four steps, and 赵雪 finds the line in her school's training calendar
 * on a phone, beside the lines of the county's and the province's published plans.
 */

const PASSWORD = 'Plans-journey-2468';
const FIRST = '新学期校本研修启动会';
const SECOND = '青年教师汇报课';
const ADDED = '师德师风专题学习';
const COMMENT = '请补充师德培训安排';

let journey: DemoJourney;

beforeAll(async () => {
  journey = await startDemoJourney({
    dataDirPrefix: 'peixun-plans-journey-',
    password: PASSWORD,
    accounts: ['demo-school', 'demo-county', 'demo-teacher'],
  });
}, 120_000);

afterAll(async () => {
  await journey?.stop();
}, 60_000);

/** Fills line `n` (0-based) of the plan's calendar table. */
async function fillLine(page: Page, n: number, month: number, title: string): Promise<void> {
  const row = page.getByTestId('plan-items').locator('tbody tr.ant-table-row').nth(n);
  const monthInput = row.getByTestId('item-month');
  await (await visible(monthInput)).fill(String(month));
  await monthInput.press('Tab');
  await row.getByTestId('item-title').fill(title);
}

test('a school plan: written and submitted, returned with a comment, submitted again, approved, in the calendar', async () => {
  const { newContext, logIn } = journey;
  const admin = await newContext({ viewport: { width: 1280, height: 800 } });
  const county = await newContext({ viewport: { width: 1280, height: 800 } });
  const phone = await newContext(PHONE);
  const pageErrors: string[] = [];
  for (const context of [admin, county, phone]) context.on('weberror', (e) => pageErrors.push(e.error().message));
  try {
    // ---- (a) the school admin writes two lines and submits the plan
    const page = await admin.newPage();
    await logIn(page, 'demo-school');
    await page.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    await (await visible(page.getByTestId('nav-plans'))).click();
    await page.waitForURL(/\/plans$/, { timeout: STEP_TIMEOUT });
    expect(await (await visible(page.getByTestId('plan-title'))).inputValue()).toContain('年度教师培训计划');
    await page.getByTestId('plan-add-line').click();
    await fillLine(page, 0, 3, FIRST);
    await page.getByTestId('plan-add-line').click();
    await fillLine(page, 1, 9, SECOND);
    await page.getByTestId('plan-save').click();
    await visible(page.locator('.ant-message', { hasText: '已保存' }));
    await (await visible(page.getByTestId('plan-submit'))).click();
    await visible(page.locator('.ant-message', { hasText: '已提交县级审核' }));
    await expect.poll(() => textOf(page.getByTestId('plan-status')), { timeout: STEP_TIMEOUT }).toBe('待审核');
    // a submitted plan shows read-only
    expect(await page.getByTestId('plan-save').count()).toBe(0);

    // ---- (b) the county admin returns it with a comment (required)
    const review = await county.newPage();
    await logIn(review, 'demo-county');
    await review.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    await (await visible(review.getByTestId('nav-plan-review'))).click();
    await review.waitForURL(/\/plan-review$/, { timeout: STEP_TIMEOUT });
    await (await visible(review.getByTestId('plan-queue').getByTestId('plan-open-review'))).click();
    const modal = await visible(review.locator('.ant-modal', { hasText: FIRST }));
    await modal.getByTestId('plan-return').click();
    await visible(modal.locator('.ant-typography-danger', { hasText: '退回时请填写意见' }));
    await modal.getByTestId('plan-review-comment').fill(COMMENT);
    await modal.getByTestId('plan-return').click();
    await visible(review.locator('.ant-message', { hasText: '已退回' }));
    await visible(review.locator('.ant-empty', { hasText: '没有待审核的计划' }));

    // ---- (c) the school sees the comment, adds a line and submits again
    await page.reload();
    expect(await textOf(page.getByTestId('plan-comment'))).toContain(COMMENT);
    expect(await textOf(page.getByTestId('plan-status'))).toBe('已退回');
    await page.getByTestId('plan-add-line').click();
    await fillLine(page, 2, 5, ADDED);
    await page.getByTestId('plan-save').click();
    await visible(page.locator('.ant-message', { hasText: '已保存' }));
    await (await visible(page.getByTestId('plan-submit'))).click();
    await expect.poll(() => textOf(page.getByTestId('plan-status')), { timeout: STEP_TIMEOUT }).toBe('待审核');

    // ---- (d) the county approves
    await review.reload();
    await (await visible(review.getByTestId('plan-queue').getByTestId('plan-open-review'))).click();
    const again = await visible(review.locator('.ant-modal', { hasText: ADDED }));
    await again.getByTestId('plan-approve').click();
    await visible(review.locator('.ant-message', { hasText: '已审核通过' }));
    const schoolRow = review.getByTestId('plan-schools').locator('tbody tr', { hasText: '桦甸市第一实验小学' });
    await expect.poll(() => textOf(schoolRow), { timeout: STEP_TIMEOUT }).toContain('已通过');

    // the school's history: submitted, returned (with the comment), submitted, approved
    await page.reload();
    await expect.poll(() => textOf(page.getByTestId('plan-status')), { timeout: STEP_TIMEOUT }).toBe('已通过');
    const versions = page.getByTestId('plan-versions').getByTestId('plan-version');
    await expect.poll(() => versions.count(), { timeout: STEP_TIMEOUT }).toBe(4);
    expect(await versions.nth(0).innerText()).toContain('审核通过');
    expect(await versions.nth(2).innerText()).toContain(COMMENT);

    // ---- (e) 赵雪 finds the lines in her school's calendar on her phone
    const mobile = await phone.newPage();
    await logIn(mobile, 'demo-teacher');
    await mobile.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    await (await visible(mobile.getByTestId('nav-drawer-open'))).click();
    await (await visible(mobile.getByTestId('nav-plan-calendar'))).click();
    await mobile.waitForURL(/\/plan-calendar$/, { timeout: STEP_TIMEOUT });
    const march = await visible(mobile.getByTestId('calendar-month-3'));
    expect(await march.innerText()).toContain(FIRST);
    expect(await textOf(mobile.getByTestId('calendar-month-5'))).toContain(ADDED);
    expect(await march.getByTestId('calendar-item').filter({ hasText: FIRST }).innerText()).toContain('学校');
    // the plans above the school, published by the county and the province, are in the same calendar
    expect(await textOf(march.getByTestId('calendar-item').first())).toContain('全省中小学教师继续教育工作会议');
    expect(await textOf(mobile.getByTestId('calendar-month-6'))).toContain('中小学心理健康教育专题培训（第一期）');
    expect(await fitsWidth(mobile)).toBe(true);
    // the calendar's title (the school's long name and the year) is read whole on the phone, not cut
    const title = mobile.locator('.ant-card-head-title').first();
    expect(await title.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    expect(pageErrors).toEqual([]);
  } finally {
    await phone.close();
    await county.close();
    await admin.close();
  }
}, 120_000);
