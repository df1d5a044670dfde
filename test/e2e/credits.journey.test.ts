import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { formatTenths } from '../../src/domain/cycle-rules.js';
import ExcelJS from '../../src/services/excel.js';
import { STEP_TIMEOUT, textOf, visible } from '../support/browser.js';
import { fitsWidth, PHONE, startDemoJourney, type DemoJourney } from '../support/journey.js';
import { pdfText } from '../support/pdf-text.js';
import type { HttpSession } from '../support/server-process.js';

/**
 * Browser journey through the credit ledger against the real server process with its demo data
 * (built web UI in web/dist): the school registers hours for 赵雪 by hand and from a sheet (the same
 * sheet twice registers nothing twice); 赵雪 sees them on a phone, taps an explanation line and asks
 * for a review; the school asks for her cycle certificate mid-cycle and gets a record of hours so far
 * (学时证明), whose PDF the teacher downloads and whose public verification page shows it valid with
 * the name masked, its conclusion (hours up to today) and the day the figures were frozen.
 */

const PASSWORD = 'Credits-journey-2468';
const TEACHER_NAME = '赵雪';
/** the picker's option of 赵雪 ("赵雪 · 学校"), not of a 赵雪梅 */
const TEACHER_OPTION = new RegExp(`^${TEACHER_NAME} · `);
const HAND_TITLE = '校本研修：同课异构听评课';
// (the sheet's text is folded to half-width, so these titles keep to characters without a half-width form)
const SHEET_TITLES = ['作业设计专题校本研修', '师德专题报告会'];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

let journey: DemoJourney<'demo-school' | 'demo-teacher'>;

async function api<T>(s: HttpSession | null, method: 'GET' | 'POST', url: string, body?: unknown): Promise<T> {
  const res = await fetch(`${journey.baseUrl}${url}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: {
      accept: 'application/json',
      ...(s ? { cookie: s.cookie, 'x-csrf-token': s.csrf } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    signal: AbortSignal.timeout(STEP_TIMEOUT),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

beforeAll(async () => {
  journey = await startDemoJourney({
    dataDirPrefix: 'peixun-credits-journey-',
    password: PASSWORD,
    accounts: ['demo-school', 'demo-teacher'],
    sessions: ['demo-school', 'demo-teacher'],
  });
}, 120_000);

afterAll(async () => {
  await journey?.stop();
}, 60_000);

/** A registration sheet with the template's header row. */
async function sheet(rows: Array<Array<string | number>>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('学时登记');
  ws.addRow(['姓名', '证件号码', '学时', '日期', '培训内容', '类别', '来源', '佐证材料']);
  for (const row of rows) ws.addRow(row);
  ws.getColumn(2).numFmt = '@';
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function upload(page: Page, name: string, buffer: Buffer): Promise<void> {
  await page.getByTestId('credit-import').locator('input[type=file]').setInputFiles({ name, mimeType: XLSX, buffer });
}

test('a teacher below the yearly minimum in the first year of the cycle is among those needing attention', async () => {
  const {
    newContext,
    logIn,
    sessions: { 'demo-school': school },
  } = journey;
  // the demo cycle begins this year: nobody is behind on finished years, but some are below this year's 48 h
  const me = await api<{ user: { orgUnit: { id: number } } }>(school, 'GET', '/api/auth/me');
  const list = await api<{ items: Array<{ id: number; name: string }> }>(
    school,
    'GET',
    `/api/teachers?orgUnitId=${me.user.orgUnit.id}&pageSize=100`,
  );
  type Mine = { counted: number; thisYear: { year: number; counted: number; below: boolean } | null };
  const below: Array<{ name: string; counted: number; year: number }> = [];
  for (const x of list.items) {
    const p = await api<Mine>(school, 'GET', `/api/credits/progress?teacherId=${x.id}`);
    if (p.thisYear?.below) below.push({ name: x.name, counted: p.counted, year: p.thisYear.year });
  }
  expect(below.length).toBeGreaterThan(0);
  // the list puts the fewest hours first: the one with fewest hours is on its first page
  const lowest = below.sort((a, b) => a.counted - b.counted)[0]!;

  const admin = await newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await admin.newPage();
    await logIn(page, 'demo-school');
    await (await visible(page.getByTestId('nav-credit-reports'))).click();
    await page.waitForURL(/\/credit-reports/, { timeout: STEP_TIMEOUT });
    const attention = await visible(page.getByTestId('report-teachers'));
    const row = await visible(attention.locator('tbody tr', { hasText: lowest.name }).first());
    expect(await row.locator('[data-status]').getAttribute('data-status')).toBe('below_yearly');
    expect(await textOf(row.locator('[data-status]'))).toBe('本年度未达标');
    // the current year's hours in red with what is missing, and the days left said above the list
    expect(await textOf(row.getByTestId('report-year-short'))).toContain('差');
    expect(await textOf(page.getByTestId('report-this-year'))).toMatch(
      new RegExp(`^${lowest.year} 年：每年不少于 48 学时，本年还剩 \\d+ 天`),
    );
    // the status filter of 需要关注 has it ticked by default
    const filter = page.getByTestId('report-status-filter');
    expect(await filter.locator('.ant-checkbox-wrapper-checked', { hasText: '本年度未达标' }).count()).toBe(1);
    // and so are the teachers the year's verification did not verify
    const notVerified = page.locator('.ant-checkbox-wrapper-checked', { hasText: `${lowest.year} 年验证未通过` });
    expect(await notVerified.count()).toBe(1);
  } finally {
    await admin.close();
  }
}, 90_000);

test('hours registered by hand and from a sheet reach the teacher, the certificate and its public check', async () => {
  const {
    baseUrl,
    newContext,
    logIn,
    sessions: { 'demo-school': school, 'demo-teacher': teacher },
  } = journey;
  // today as the product sees it (China Standard Time)
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const me = await api<{ user: { orgUnit: { id: number; name: string } } }>(school, 'GET', '/api/auth/me');
  const found = await api<{ items: Array<{ id: number; name: string }> }>(
    school,
    'GET',
    `/api/teachers?orgUnitId=${me.user.orgUnit.id}&q=${encodeURIComponent(TEACHER_NAME)}`,
  );
  const zhao = found.items.filter((x) => x.name === TEACHER_NAME);
  expect(zhao).toHaveLength(1);
  const { idNumber } = await api<{ idNumber: string }>(school, 'POST', `/api/teachers/${zhao[0]!.id}/unmask`);
  const before = await api<{ counted: number; entries: unknown[] }>(teacher, 'GET', '/api/credits/progress');

  const admin = await newContext({ viewport: { width: 1280, height: 800 } });
  const phone = await newContext(PHONE);
  try {
    // ---- (a) the school registers 2.5 hours of school-based training for 赵雪, dated today
    const page = await admin.newPage();
    await logIn(page, 'demo-school');
    await page.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    await (await visible(page.getByTestId('nav-credit-register'))).click();
    await page.waitForURL(/\/credits\/register/, { timeout: STEP_TIMEOUT });
    const teachers = await visible(page.getByTestId('register-teachers'));
    await teachers.click();
    await page.keyboard.type(TEACHER_NAME);
    await (
      await visible(page.locator('.ant-select-dropdown .ant-select-item-option', { hasText: TEACHER_OPTION }))
    ).click();
    await page.keyboard.press('Escape');
    await page.getByTestId('register-hours').fill('2.5');
    await page.getByTestId('register-date').click();
    await (await visible(page.locator('.ant-picker-dropdown .ant-picker-now-btn'))).click();
    await expect.poll(() => page.getByTestId('register-date').inputValue(), { timeout: STEP_TIMEOUT }).toBe(today);
    expect(await textOf(page.getByTestId('register-source'))).toContain('校本研修');
    await page.getByTestId('register-title').fill(HAND_TITLE);
    await page.getByTestId('register-submit').click();
    await visible(page.locator('.ant-message', { hasText: '已登记 1 条' }));

    // it is in the register list
    await page.getByRole('tab', { name: '登记记录' }).click();
    const handRow = await visible(page.getByTestId('entries-table').locator('tbody tr', { hasText: HAND_TITLE }));
    expect(await handRow.innerText()).toContain(TEACHER_NAME);
    expect(await handRow.innerText()).toContain('2.5');

    // ---- the sheet tab: a sheet with mistakes is refused with its problems by row and column
    await page.getByRole('tab', { name: '表格导入' }).click();
    await visible(page.getByTestId('credit-import-template'));
    const bad = await sheet([
      ['赵雪雪', idNumber, 1, today, SHEET_TITLES[0]!, '', '校本研修', ''],
      [TEACHER_NAME, idNumber, 'abc', today, SHEET_TITLES[1]!, '师德', '校本研修', ''],
    ]);
    await upload(page, '登记表-有误.xlsx', bad);
    const problems = await visible(page.getByTestId('credit-import-problems-table'));
    const problemRows = problems.locator('tbody tr');
    await expect.poll(() => problemRows.count(), { timeout: STEP_TIMEOUT }).toBe(2);
    expect((await problemRows.nth(0).innerText()).replace(/\s+/g, ' ')).toMatch(
      /^2 姓名 赵雪雪 姓名与名册中该证件号码的姓名不一致/,
    );
    expect((await problemRows.nth(1).innerText()).replace(/\s+/g, ' ')).toMatch(/^3 学时 abc 学时须为大于 0 的数字/);
    expect(await textOf(page.getByTestId('credit-import-problems'))).toContain('本文件未登记任何记录');

    // the corrected sheet is registered whole
    const good = await sheet([
      [TEACHER_NAME, idNumber, 1.5, today, SHEET_TITLES[0]!, '', '校本研修', '教研活动记录第 3 页'],
      [TEACHER_NAME, idNumber, 3, today, SHEET_TITLES[1]!, '师德', '校本研修', ''],
    ]);
    // held at the server's door, the upload shows its progress bar until the answer comes
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route('**/api/credits/entries/import?**', async (route) => {
      await held;
      await route.continue();
    });
    await upload(page, '学时登记表.xlsx', good);
    expect(await textOf(page.getByTestId('credit-import-progress'))).toContain('学时登记表.xlsx');
    await visible(page.getByTestId('credit-import-progress').locator('.ant-progress'));
    release();
    expect(await textOf(page.getByTestId('credit-import-done-title'))).toBe('已登记 2 行');
    await page.unroute('**/api/credits/entries/import?**');
    expect(await page.getByTestId('credit-import-progress').count()).toBe(0);
    expect(await textOf(page.getByTestId('credit-import-rows'))).toBe('2');
    expect(await textOf(page.getByTestId('credit-import-created'))).toBe('2');
    expect(await textOf(page.getByTestId('credit-import-replayed'))).toBe('0');

    // the same file again registers nothing twice
    await page.getByTestId('credit-import-another').click();
    await upload(page, '学时登记表.xlsx', good);
    expect(await textOf(page.getByTestId('credit-import-done-title'))).toBe('该文件此前已登记，本次没有重复登记');
    expect(await textOf(page.getByTestId('credit-import-created'))).toBe('0');
    expect(await textOf(page.getByTestId('credit-import-replayed'))).toBe('2');

    // the register shows each sheet row once
    await page.getByTestId('credit-import-to-entries').click();
    const entries = await visible(page.getByTestId('entries-table'));
    for (const title of SHEET_TITLES) {
      await visible(entries.locator('tbody tr', { hasText: title }).first());
      expect(await entries.locator('tbody tr', { hasText: title }).count()).toBe(1);
    }

    // ---- (b) 赵雪 on a phone: the new hours in the total and the list, an explanation line, a review request
    const added = 25 + 15 + 30;
    const mobile = await phone.newPage();
    await logIn(mobile, 'demo-teacher');
    await mobile.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    await mobile.getByTestId('nav-drawer-open').click();
    await (await visible(mobile.getByTestId('nav-my-credits'))).click();
    await mobile.waitForURL(/\/me\/credits$/, { timeout: STEP_TIMEOUT });
    const counted = (before.counted + added) / 10;
    expect(await textOf(mobile.getByTestId('my-credits-counted'))).toBe(String(counted));
    const list = await visible(mobile.getByTestId('my-credits-entries'));
    expect(await list.innerText()).toContain(`登记记录（${before.entries.length + 3}）`);
    for (const [title, hours] of [
      [HAND_TITLE, '2.5'],
      [SHEET_TITLES[0]!, '1.5'],
      [SHEET_TITLES[1]!, '3'],
    ] as const) {
      const item = list.getByTestId('my-credits-entry').filter({ hasText: title });
      expect(await item.count()).toBe(1);
      expect(await item.innerText()).toContain(hours);
    }
    expect(await fitsWidth(mobile)).toBe(true);

    // a tap on an explanation line marks the entries it counts
    const line = await visible(mobile.getByTestId('explanation-line').locator('button').first());
    await line.tap();
    await expect.poll(() => line.getAttribute('aria-pressed'), { timeout: STEP_TIMEOUT }).toBe('true');
    await visible(mobile.locator('[data-testid="my-credits-entry"].entry-highlight').first());

    // a review request
    const review = await visible(mobile.getByTestId('review-request'));
    await review.scrollIntoViewIfNeeded();
    await mobile.getByTestId('review-topic').locator('input').fill('学时缺失');
    await mobile.getByTestId('review-message').fill('10 月 12 日的区级教研活动 3 学时没有登记');
    await mobile.getByTestId('review-submit').tap();
    const sent = await visible(mobile.getByTestId('my-review').filter({ hasText: '区级教研活动' }));
    expect(await sent.innerText()).toContain('待答复');
    expect(await fitsWidth(mobile)).toBe(true);

    // ---- (c) the school asks for 赵雪's certificate of the cycle: mid-cycle, she gets a record of hours
    await page.getByTestId('nav-certificates').click();
    await page.waitForURL(/\/certificates/, { timeout: STEP_TIMEOUT });
    await (await visible(page.getByTestId('certificate-issue'))).click();
    const modal = await visible(page.getByTestId('certificate-issue-modal').locator('.ant-modal'));
    await modal.getByTestId('register-teachers').click();
    await page.keyboard.type(TEACHER_NAME);
    await (
      await visible(page.locator('.ant-select-dropdown .ant-select-item-option', { hasText: TEACHER_OPTION }))
    ).click();
    // close the drop-down (Escape could close the dialog too)
    await modal.locator('.ant-modal-title').click();
    await modal.locator('.ant-modal-footer .ant-btn-primary').click();
    const issued = await textOf(
      page.locator('.ant-message', { hasText: `${TEACHER_NAME} 的周期尚未完成，已出具学时证明` }),
    );
    const code = /学时证明\s*([A-Z0-9]{14})/.exec(issued)?.[1] ?? '';
    expect(code, issued).not.toBe('');
    const certRow = await visible(page.getByTestId('certificates-table').locator('tbody tr', { hasText: code }));
    expect(await certRow.innerText()).toContain(TEACHER_NAME);
    expect(await certRow.innerText()).toContain('学时证明（周期未结束）');
    expect(await certRow.innerText()).toContain('有效');
    // making the whole school's documents first says for how many teachers, and what cannot be undone
    await (await visible(page.getByTestId('certificates-bulk-start'))).click();
    const bulkText = await textOf(page.getByTestId('certificates-bulk-confirm'));
    const bulkCount = Number(/的 ([\d,]+) 名教师逐人签发/.exec(bulkText)?.[1]?.replace(/,/g, '') ?? 0);
    expect(bulkCount, bulkText).toBeGreaterThan(1);
    expect(bulkText).toContain('只能作废，不能删除');
    const bulkTitle = await textOf(page.locator('.ant-modal-confirm-title'));
    expect(bulkTitle).toContain(`${bulkCount.toLocaleString('en')} 名教师`);
    await page.locator('.ant-modal-confirm .ant-btn', { hasText: '取' }).click();
    // cancelled: no job started
    await expect.poll(() => page.getByTestId('certificates-bulk-confirm').count(), { timeout: STEP_TIMEOUT }).toBe(0);
    expect(await page.getByTestId('certificates-bulk-progress').count()).toBe(0);
    const [y, m, d] = today.split('-').map(Number);
    const todayZh = `${y}年${m}月${d}日`;
    const hours = formatTenths(before.counted + added);

    // the teacher downloads it as a PDF
    await mobile.reload();
    const cert = await visible(mobile.getByTestId('my-certificate').filter({ hasText: code }));
    expect(await cert.innerText()).toContain('学时证明（周期未结束）');
    const [response, download] = await Promise.all([
      mobile.waitForResponse((r) => r.url().endsWith('/pdf'), { timeout: STEP_TIMEOUT }),
      mobile.waitForEvent('download', { timeout: STEP_TIMEOUT }),
      cert.getByTestId('my-certificate-pdf').tap(),
    ]);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toBe('application/pdf');
    // the file the phone saved is a PDF
    expect(download.suggestedFilename()).toMatch(/\.pdf$/);
    const saved = fs.readFileSync((await download.path())!);
    expect(saved.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(saved.length).toBeGreaterThan(10_000);
    // titled as what it is: a record of hours up to today, not the cycle certificate
    const printed = pdfText(saved);
    expect(printed[0]).toBe('中小学教师继续教育学时证明');
    expect(printed.join('').replace(/\s/g, '')).toContain(`截至${todayZh}累计完成`);

    // anyone can check it, without a session: valid, name masked
    const anonymous = await newContext(PHONE);
    try {
      const check = await anonymous.newPage();
      const res = await check.goto(`${baseUrl}/verify/${code}`);
      expect(res?.status()).toBe(200);
      // never a bare green "valid": what it states, and as of when
      expect(await check.locator('.status').getAttribute('data-result')).toBe('record');
      expect(await textOf(check.locator('.status'))).toContain('学时证明有效');
      expect(await textOf(check.getByTestId('conclusion'))).toBe(`学时证明：截至 ${todayZh} 累计 ${hours} 学时`);
      expect(await textOf(check.getByTestId('as-of'))).toBe(`数据截至 ${todayZh}`);
      const body = await textOf(check.locator('main'));
      expect(body).not.toContain('证书有效');
      expect(body).toContain('赵*');
      expect(body).not.toContain(TEACHER_NAME);
      expect(body).toContain(code);
      expect(await fitsWidth(check)).toBe(true);
    } finally {
      await anonymous.close();
    }
  } finally {
    await phone.close();
    await admin.close();
  }
}, 90_000);
