import { afterAll, beforeAll, expect, test } from 'vitest';
import { STEP_TIMEOUT, textOf, visible } from '../support/browser.js';
import { startDemoJourney, type DemoJourney } from '../support/journey.js';
import type { HttpSession } from '../support/server-process.js';

/**
 * Browser journey through the teacher picker of the hours register, as the county (real server, demo
 * data, built web UI): the registry table lists the county's teachers at once; filtered to one school
 * and ticked page-wide, the school's teachers show as named chips with their count, and clear; then
 * every primary teacher of the county ("all N matching", more than a page) but one is registered at
 * once, after a confirmation that says how many, without their ids leaving the server. The county's
 * verification list shows every school of the county, those that have not started the year too, with
 * the count of each status, lets the ones not submitted be ticked, and exports the list as a sheet.
 * A class's quotas are typed for the county's schools in one table whose total is held to the capacity.
 * A teacher's page (教师档案) shows the cycle's hours, the training taken and the certificates in tabs.
 */

const PASSWORD = 'Picker-journey-2468';
const SCHOOL = '桦甸市第一实验小学';
const TITLE = '全县小学教师师德专题讲座';

let journey: DemoJourney<'demo-county'>;

async function api<T>(s: HttpSession, url: string): Promise<T> {
  const res = await fetch(`${journey.baseUrl}${url}`, {
    headers: { accept: 'application/json', cookie: s.cookie, 'x-csrf-token': s.csrf },
    signal: AbortSignal.timeout(STEP_TIMEOUT),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

beforeAll(async () => {
  journey = await startDemoJourney({
    dataDirPrefix: 'peixun-picker-journey-',
    password: PASSWORD,
    accounts: ['demo-county'],
    sessions: ['demo-county'],
  });
}, 120_000);

afterAll(async () => {
  await journey?.stop();
}, 60_000);

test('the county picks every teacher of a school and sees their names, then registers all primary teachers but one', async () => {
  const {
    newContext,
    logIn,
    sessions: { 'demo-county': county },
  } = journey;
  const me = await api<{ user: { orgUnit: { id: number } } }>(county, '/api/auth/me');
  const schools = await api<{ items: Array<{ id: number; name: string }> }>(
    county,
    `/api/org-units/${me.user.orgUnit.id}/children?q=${encodeURIComponent(SCHOOL)}`,
  );
  const school = schools.items.find((s) => s.name === SCHOOL)!;
  const ofSchool = await api<{ items: Array<{ id: number; name: string }>; total: number }>(
    county,
    `/api/teachers?orgUnitId=${school.id}&pageSize=100`,
  );
  expect(ofSchool.total).toBeGreaterThan(1);
  expect(ofSchool.total).toBeLessThanOrEqual(50);
  const primary = await api<{ total: number }>(
    county,
    `/api/teachers?orgUnitId=${me.user.orgUnit.id}&stage=primary&pageSize=1`,
  );
  expect(primary.total).toBeGreaterThan(50);

  const admin = await newContext({ viewport: { width: 1366, height: 900 } });
  try {
    const page = await admin.newPage();
    await logIn(page, 'demo-county');
    await page.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    await page.goto(`${journey.baseUrl}/credits/register`);
    await (await visible(page.getByTestId('register-pick-registry'))).click();
    const modal = await visible(page.locator('.ant-modal').filter({ has: page.getByTestId('teacher-picker-table') }));
    const table = modal.getByTestId('teacher-picker-table');
    // the county's teachers are listed at once, no name typed
    await expect.poll(() => table.locator('tbody tr.ant-table-row').count(), { timeout: STEP_TIMEOUT }).toBe(50);

    // ---- one school, every teacher of it ticked: the names show as chips with their count
    await modal.getByTestId('picker-school').click();
    await page.keyboard.type(SCHOOL);
    await (await visible(page.locator('.ant-select-dropdown .ant-select-item-option', { hasText: SCHOOL }))).click();
    await expect
      .poll(() => table.locator('tbody tr.ant-table-row').count(), { timeout: STEP_TIMEOUT })
      .toBe(ofSchool.total);
    await table.locator('thead .ant-checkbox-input').check();
    expect(await textOf(modal.getByTestId('picker-count'))).toContain(`已选 ${ofSchool.total} 人`);
    await page.getByRole('button', { name: `选定 ${ofSchool.total} 人` }).click();
    const chips = page.getByTestId('register-teachers').locator('.ant-select-selection-item');
    await expect.poll(() => chips.count(), { timeout: STEP_TIMEOUT }).toBe(ofSchool.total);
    const shown = await chips.allInnerTexts();
    for (const t of ofSchool.items) expect(shown.some((c) => c.startsWith(`${t.name} · `))).toBe(true);
    expect(await textOf(page.getByTestId('register-teachers-count'))).toBe(`已选 ${ofSchool.total} 名教师`);
    await page.getByTestId('register-teachers-clear').click();
    await expect.poll(() => chips.count(), { timeout: STEP_TIMEOUT }).toBe(0);

    // ---- every primary teacher of the county but one: "all N matching", more than a page
    await page.getByTestId('register-pick-registry').click();
    await visible(modal);
    // the filters stay as they were: the school's is cleared for the whole county
    await modal.getByTestId('picker-school').hover();
    await (await visible(modal.getByTestId('picker-school').locator('.ant-select-clear'))).click();
    await modal.getByTestId('picker-stage').click();
    await (await visible(page.locator('.ant-select-dropdown:visible .ant-select-item-option[title="小学"]'))).click();
    await expect
      .poll(() => textOf(modal.locator('.ant-pagination-total-text')), { timeout: STEP_TIMEOUT })
      .toContain(String(primary.total));
    await table.locator('thead .ant-checkbox-input').check();
    await (await visible(modal.getByTestId('picker-select-all-matching'))).click();
    expect(await textOf(modal.getByTestId('picker-all-matching'))).toContain(`全部 ${primary.total} 人`);
    await table.locator('tbody tr.ant-table-row').first().locator('.ant-checkbox-input').uncheck();
    const count = primary.total - 1;
    expect(await textOf(modal.getByTestId('picker-count'))).toContain(`已选 ${count} 人`);
    await page.getByRole('button', { name: `选定 ${count} 人` }).click();
    expect(await textOf(page.getByTestId('register-teachers-matching'))).toContain(
      `符合条件的全部 ${count} 名教师：小学`,
    );

    await page.getByTestId('register-hours').fill('2');
    await page.getByTestId('register-date').click();
    await (await visible(page.locator('.ant-picker-dropdown .ant-picker-now-btn'))).click();
    await page.getByTestId('register-title').fill(TITLE);
    await page.getByTestId('register-submit').click();
    const confirm = await visible(page.locator('.ant-modal-confirm'));
    expect(await textOf(confirm)).toContain(`为 ${count} 名教师登记学时？`);
    await confirm.getByRole('button', { name: `登记 ${count} 人` }).click();
    await visible(page.locator('.ant-message', { hasText: `已登记 ${count} 条` }));
  } finally {
    await admin.close();
  }
}, 180_000);

test("the county's verification list shows every school, those not started too, counts them and exports them", async () => {
  const {
    newContext,
    logIn,
    sessions: { 'demo-county': county },
  } = journey;
  const me = await api<{ user: { orgUnit: { id: number } } }>(county, '/api/auth/me');
  const cycles = await api<{ items: Array<{ id: number; current: boolean; startYear: number }> }>(
    county,
    '/api/cycles',
  );
  const cycle = cycles.items.find((c) => c.current) ?? cycles.items[0]!;
  const page1 = await api<{ total: number; counts: Record<string, number>; items: Array<{ orgUnitName: string }> }>(
    county,
    `/api/verifications/schools?orgUnitId=${me.user.orgUnit.id}&cycleId=${cycle.id}&year=${cycle.startYear}&pageSize=50`,
  );
  // the demo cycle begins this year: no school has opened its year, every one is 未开始
  expect(page1.counts['not_started']).toBe(page1.total);
  expect(page1.total).toBeGreaterThan(20);

  const admin = await newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  try {
    const page = await admin.newPage();
    await logIn(page, 'demo-county');
    await page.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    await page.goto(`${journey.baseUrl}/verifications?cycle=${cycle.id}&year=${cycle.startYear}`);
    const table = await visible(page.getByTestId('verifications-table'));
    await expect
      .poll(() => table.locator('tbody tr.ant-table-row').count(), { timeout: STEP_TIMEOUT })
      .toBe(Math.min(50, page1.total));
    const first = table.locator('tbody tr.ant-table-row').first();
    expect(await textOf(first)).toContain(page1.items[0]!.orgUnitName);
    expect(await textOf(first.locator('[data-status]'))).toBe('未开始');
    expect(await textOf(page.getByTestId('verification-counts').locator('[data-status="not_started"]'))).toBe(
      `未开始（${page1.total}）`,
    );
    // the schools not submitted can be ticked: the bar says how many
    await first.locator('.ant-checkbox-input').check();
    expect(await textOf(page.getByTestId('verification-picked'))).toContain(
      `已选 1 所未提交 ${cycle.startYear} 年度验证的学校`,
    );
    // a reminder to the ticked school warns before sending when nobody there would receive it
    const pending = await api<{ items: Array<{ orgUnitName: string; admins: number }> }>(
      county,
      `/api/messages/reminders/verification-pending?cycleId=${cycle.id}&year=${cycle.startYear}`,
    );
    const ticked = pending.items.find((s) => s.orgUnitName === page1.items[0]!.orgUnitName)!;
    await page.getByTestId('verification-remind').click();
    await visible(page.getByTestId('remind-schools'));
    const warned = page.getByTestId('remind-unreachable');
    if (ticked.admins === 0) expect(await textOf(warned)).toContain(ticked.orgUnitName);
    else expect(await warned.count()).toBe(0);
    await page.locator('.ant-modal-footer .ant-btn', { hasText: '取' }).click();
    // the list as a sheet
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: STEP_TIMEOUT }),
      page.getByTestId('verification-export').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/年度验证\.xlsx$/);
  } finally {
    await admin.close();
  }
}, 120_000);

test("the county sets a class's quotas for all its schools in one table, held back above the capacity", async () => {
  const {
    newContext,
    logIn,
    sessions: { 'demo-county': county },
  } = journey;
  const projects = await api<{ items: Array<{ id: number; title: string }> }>(
    county,
    `/api/training/projects?q=${encodeURIComponent('班主任能力提升培训')}`,
  );
  const project = projects.items[0]!;
  const detail = await api<{ classes: Array<{ id: number; capacity: number }> }>(
    county,
    `/api/training/projects/${project.id}`,
  );
  const cls = detail.classes[0]!;
  const units = await api<{ capacity: number; items: Array<{ orgUnitId: number; orgUnitName: string }> }>(
    county,
    `/api/training/classes/${cls.id}/quota-units`,
  );
  expect(units.items.length).toBeGreaterThan(20);

  const admin = await newContext({ viewport: { width: 1366, height: 900 } });
  try {
    const page = await admin.newPage();
    await logIn(page, 'demo-county');
    await page.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    await page.goto(`${journey.baseUrl}/training/${project.id}`);
    await (await visible(page.getByTestId('quota-edit').first())).click();
    const table = await visible(page.getByTestId('quota-table'));
    const inputs = table.locator('.ant-input-number input');
    // every school of the county is a row, ready for its number
    await expect.poll(() => inputs.count(), { timeout: STEP_TIMEOUT }).toBe(units.items.length);
    await inputs.nth(0).fill('30');
    await inputs.nth(1).fill(String(units.capacity));
    await expect
      .poll(() => textOf(page.getByTestId('quota-total')), { timeout: STEP_TIMEOUT })
      .toBe(`${30 + units.capacity} / 容量 ${units.capacity}`);
    expect(await page.getByTestId('quota-save').isDisabled()).toBe(true);
    await inputs.nth(1).fill('20');
    await expect
      .poll(() => textOf(page.getByTestId('quota-total')), { timeout: STEP_TIMEOUT })
      .toBe(`50 / 容量 ${units.capacity}`);
    await page.getByTestId('quota-save').click();
    await visible(page.locator('.ant-message', { hasText: '名额已保存' }));
    const saved = await api<{ items: Array<{ orgUnitId: number; quota: number }> }>(
      county,
      `/api/training/classes/${cls.id}/quota-units`,
    );
    const set = saved.items.filter((i) => i.quota > 0).map((i) => [i.orgUnitId, i.quota]);
    expect(set).toEqual([
      [units.items[0]!.orgUnitId, 30],
      [units.items[1]!.orgUnitId, 20],
    ]);
  } finally {
    await admin.close();
  }
}, 120_000);

test("a teacher's page shows the cycle's hours against the requirement and the training taken, in tabs", async () => {
  const {
    newContext,
    logIn,
    sessions: { 'demo-county': county },
  } = journey;
  const found = await api<{ items: Array<{ id: number; name: string }> }>(
    county,
    `/api/teachers?q=${encodeURIComponent('赵雪')}`,
  );
  const zhao = found.items.find((x) => x.name === '赵雪')!;
  const progress = await api<{ counted: number; required: number; years: Array<{ year: number }> }>(
    county,
    `/api/credits/progress?teacherId=${zhao.id}`,
  );
  const training = await api<{ items: Array<{ projectTitle: string }> }>(county, `/api/teachers/${zhao.id}/training`);
  expect(training.items.length).toBeGreaterThan(0);

  const admin = await newContext({ viewport: { width: 1366, height: 900 } });
  try {
    const page = await admin.newPage();
    await logIn(page, 'demo-county');
    await page.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    await page.goto(`${journey.baseUrl}/teachers/${zhao.id}`);
    await visible(page.getByTestId('teacher-details'));
    // one line of breadcrumbs, the page's own, which names the teacher
    const crumbs = page.locator('.ant-breadcrumb:visible');
    await expect.poll(() => crumbs.count(), { timeout: STEP_TIMEOUT }).toBe(1);
    expect(await textOf(crumbs)).toContain(zhao.name);
    await page.getByRole('tab', { name: '学时' }).click();
    const hours = await visible(page.getByTestId('teacher-total-hours'));
    expect(await textOf(hours)).toMatch(/^[\d.]+ \/ [\d.]+ 学时$/);
    await expect
      .poll(() => page.getByTestId('teacher-year-hours').count(), { timeout: STEP_TIMEOUT })
      .toBe(progress.years.length);
    await page.getByRole('tab', { name: '培训' }).click();
    const table = await visible(page.getByTestId('teacher-training'));
    expect(await textOf(table)).toContain(training.items[0]!.projectTitle);
    await page.getByRole('tab', { name: '证书' }).click();
    await visible(page.getByTestId('teacher-certificates'));
  } finally {
    await admin.close();
  }
}, 120_000);
