import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { STEP_TIMEOUT, textOf, visible } from '../support/browser.js';
import { PHONE, startDemoJourney, type DemoJourney } from '../support/journey.js';

/**
 * Browser journey around the county's training programme (R-50 fees, the trainer pool) against the
 * real server process with its demo data: the county admin adds a registration fee of ¥20 a teacher
 * to the mental-health project, is refused a payment of three decimals, then records
 * 桦甸市第一实验小学's exact due and sees the line 已缴清; the school admin, on a phone, finds both
 * fees of the project for her school (the textbook unpaid, the registration paid); the county admin
 * sees the province's expert 吴振宇 shared read-only in the pool, and adds 8 hours of own training to
 * 陈立军, whose total for the year grows by 8 学时.
 */

const PASSWORD = 'Programme-journey-2468';
const SCHOOL = '桦甸市第一实验小学';
const FEE = '报名费';
const LINE = '县级心理健康教育培训者专题研修';
const HOUR = 3_600_000;

let journey: DemoJourney;

beforeAll(async () => {
  journey = await startDemoJourney({
    dataDirPrefix: 'peixun-programme-journey-',
    password: PASSWORD,
    accounts: ['demo-school', 'demo-county'],
  });
}, 120_000);

afterAll(async () => {
  await journey?.stop();
}, 60_000);

/** "¥1,234.50" → 1234.5; "568 学时" → 568 */
const numberIn = (text: string) => Number(/-?[\d,]+(\.\d+)?/.exec(text)![0].replace(/,/g, ''));
const cell = (row: Locator, n: number) => textOf(row.locator('td').nth(n));

test("the programme: a fee added and paid by a school, seen by the school, and a trainer's own training", async () => {
  const { newContext, logIn } = journey;
  const county = await newContext({ viewport: { width: 1280, height: 800 } });
  const phone = await newContext(PHONE);
  const pageErrors: string[] = [];
  for (const context of [county, phone]) context.on('weberror', (e) => pageErrors.push(e.error().message));
  const today = new Date(Date.now() + 8 * HOUR).toISOString().slice(0, 10);
  try {
    // ---- (a) the county admin adds 报名费 ¥20 a teacher to the mental-health project
    const page = await county.newPage();
    await logIn(page, 'demo-county');
    await page.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    await (await visible(page.getByTestId('nav-training'))).click();
    await page.waitForURL(/\/training$/, { timeout: STEP_TIMEOUT });
    await (
      await visible(
        page.getByTestId('projects-table').getByRole('link', { name: /^桦甸市\d{4}年中小学心理健康教育专题培训$/ }),
      )
    ).click();
    await page.waitForURL(/\/training\/\d+$/, { timeout: STEP_TIMEOUT });
    await (await visible(page.getByTestId('project-tab-fees'))).click();
    await page.waitForURL(/\?tab=fees$/, { timeout: STEP_TIMEOUT });
    const fees = await visible(page.getByTestId('project-fees'));
    await (await visible(fees.getByTestId('fee-add'))).click();
    const itemModal = await visible(page.locator('.ant-modal', { hasText: '新增收费项目' }));
    await itemModal.getByTestId('fee-name').fill(FEE);
    await itemModal.getByTestId('fee-amount').fill('20');
    await itemModal.locator('.ant-modal-footer .ant-btn-primary').click();
    await itemModal.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT });
    // in the list of fees: kind 报名费, ¥20.00 a teacher
    expect(await textOf(fees.locator('.ant-table-row', { hasText: FEE }))).toMatch(/^报名费\s+报名费\s+¥20\.00\s/);

    // the lines of 报名费: the school's teachers × ¥20, nothing paid yet
    await (await visible(fees.locator('.ant-segmented-item', { hasText: FEE }))).click();
    const schoolLine = fees.locator('.ant-table-row', { hasText: SCHOOL });
    await expect.poll(() => cell(schoolLine, 6), { timeout: STEP_TIMEOUT }).toBe('未缴');
    const teachers = Number(await cell(schoolLine, 2));
    const due = `¥${(teachers * 20).toFixed(2)}`;
    expect(teachers).toBeGreaterThan(0);
    expect(await cell(schoolLine, 3)).toBe(due);

    // an amount with three decimals is refused by the form, and nothing is recorded
    await schoolLine.getByTestId('fee-pay').click();
    const payModal = await visible(page.locator('.ant-modal', { hasText: `登记缴费 · ${SCHOOL} · ${FEE}` }));
    const amount = payModal.getByTestId('payment-amount');
    expect(await amount.inputValue()).toBe(String(teachers * 20));
    await amount.fill('12.555');
    await payModal.locator('.ant-modal-footer .ant-btn-primary').click();
    await visible(payModal.locator('.ant-form-item-explain-error', { hasText: '金额最多两位小数（精确到分）' }));
    expect(await cell(schoolLine, 4)).toBe('¥0.00');
    expect(await schoolLine.getByRole('button', { name: '缴费记录（0）' }).isDisabled()).toBe(true);

    // the exact due is recorded: the line is paid in full
    await amount.fill(String(teachers * 20));
    await payModal.locator('.ant-modal-footer .ant-btn-primary').click();
    await visible(page.locator('.ant-message', { hasText: `已登记，已缴合计 ${due}` }));
    await payModal.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT });
    await expect.poll(() => cell(schoolLine, 6), { timeout: STEP_TIMEOUT }).toBe('已缴清');
    expect([await cell(schoolLine, 4), await cell(schoolLine, 5)]).toEqual([due, '¥0.00']);

    // ---- (b) the school admin on a phone: both fees of the project for her school
    const mobile = await phone.newPage();
    await logIn(mobile, 'demo-school');
    await mobile.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    await (await visible(mobile.getByTestId('nav-drawer-open'))).click();
    await (await visible(mobile.getByTestId('nav-my-unit-fees'))).click();
    await mobile.waitForURL(/\/fees\/my-unit$/, { timeout: STEP_TIMEOUT });
    const ofProject = mobile.locator('.ant-list-item').filter({ hasText: /心理健康教育专题培训/ });
    const textbook = await textOf(ofProject.filter({ hasText: '教材费' }));
    expect(textbook).toContain('未缴');
    expect(textbook).toContain(`${teachers} 人 · 应缴 ¥${(teachers * 35).toFixed(2)} · 已缴 ¥0.00`);
    const registration = await textOf(ofProject.filter({ hasText: FEE }));
    expect(registration).toContain('已缴清');
    expect(registration).toContain(`${teachers} 人 · 应缴 ${due} · 已缴 ${due} · 余额 ¥0.00`);
    expect(await ofProject.count()).toBe(2);

    // ---- (c) the county's pool: the province's expert shared read-only; 陈立军's own training grows
    await (await visible(page.getByTestId('nav-trainers'))).click();
    await page.waitForURL(/\/trainers$/, { timeout: STEP_TIMEOUT });
    const wu = await visible(page.getByTestId('trainers-table').locator('.ant-table-row', { hasText: '吴振宇' }));
    expect(await wu.innerText()).toMatch(/吉林省[\s\S]*上级共享[\s\S]*只读$/);
    expect(await wu.getByTestId('trainer-edit').count()).toBe(0);
    await page
      .getByTestId('trainers-table')
      .locator('.ant-table-row', { hasText: '陈立军' })
      .getByTestId('trainer-row-name')
      .click();
    await page.waitForURL(/\/trainers\/\d+$/, { timeout: STEP_TIMEOUT });
    const totals = await visible(page.getByTestId('trainer-record-totals'));
    // this year's total may not be there yet (the demo's spring line falls in last year before April 8)
    const hoursOf = async (title: string) =>
      numberIn(await textOf(totals.locator('.ant-statistic', { hasText: title }).locator('.ant-statistic-content')));
    const yearTitle = `${today.slice(0, 4)} 年`;
    const before = (await totals.locator('.ant-statistic', { hasText: yearTitle }).count())
      ? await hoursOf(yearTitle)
      : 0;
    const allBefore = await hoursOf('累计');
    await page.getByTestId('trainer-line-add').click();
    const lineModal = await visible(page.locator('.ant-modal', { hasText: '添加培训记录' }));
    await lineModal.getByTestId('trainer-line-title').fill(LINE);
    await lineModal.getByTestId('trainer-line-organiser').fill('桦甸市教师进修学校');
    // both ends of the range typed as a user does, Enter taking each
    const dates = lineModal.locator('.ant-picker-range input');
    await dates.nth(0).click();
    for (const end of [dates.nth(0), dates.nth(1)]) {
      await end.fill(today);
      await end.press('Enter');
    }
    await expect.poll(() => dates.nth(1).inputValue(), { timeout: STEP_TIMEOUT }).toBe(today);
    await lineModal.locator('input.ant-input-number-input').fill('8');
    await lineModal.locator('.ant-modal-footer .ant-btn-primary').click();
    await visible(page.locator('.ant-message', { hasText: '已添加培训记录' }));
    await lineModal.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT });
    expect(await textOf(page.getByTestId('trainer-lines').locator('.ant-table-row', { hasText: LINE }))).toContain(
      `${today}\t8 学时`,
    );
    await expect.poll(() => hoursOf(yearTitle), { timeout: STEP_TIMEOUT }).toBe(before + 8);
    expect(await hoursOf('累计')).toBe(allBefore + 8);
    expect(pageErrors).toEqual([]);
  } finally {
    await phone.close();
    await county.close();
  }
}, 120_000);
