import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeIdNumber, makeRoster, rosterXlsx } from '../support/roster.js';
import { launchChromium, STEP_TIMEOUT, submitLogin, textOf, visible } from '../support/browser.js';
import { startTestServer } from '../support/server.js';

/**
 * Browser journey through the teacher registry (built web UI in web/dist): a school admin
 * uploads a roster with one bad row, reads the check result, imports the good rows, finds a
 * teacher by name and opens the record, including the full ID number (a recorded view).
 */

const PASSWORD = 'Journey-pass-2468';
const SCHOOL_ADMIN = 'journey.school';

let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  await server.createUser({
    username: SCHOOL_ADMIN,
    password: PASSWORD,
    role: 'school_admin',
    orgUnitId: server.orgs.schoolId,
  });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function logIn(page: Page, username: string): Promise<void> {
  await page.goto(`${server.baseUrl}/login`);
  await submitLogin(page, username, PASSWORD);
}

test('a school admin imports a roster with one bad row, then finds and opens a teacher', async () => {
  const people = makeRoster(5, { seed: 11 });
  const good = makeIdNumber('220282', new Date(Date.UTC(1983, 4, 6)), 17, 'male');
  const badId = good.slice(0, 17) + (good[17] === '0' ? '1' : '0'); // wrong check character
  // header is row 1, the five people rows 2–6: the bad row is row 7
  const badRow = ['钱错号', badId, '男', '', '', '', '小学', '数学', '一级教师', 2008, '在编', '否', '无'];
  const file = await rosterXlsx(people, { extraRows: [badRow] });
  const teacher = people[0]!;

  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  try {
    const page = await context.newPage();
    await logIn(page, SCHOOL_ADMIN);
    await page.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });

    // The registry is in the menu; the import starts from its page.
    await (await visible(page.getByTestId('nav-teachers'))).click();
    await page.waitForURL(/\/teachers$/, { timeout: STEP_TIMEOUT });
    await page.getByTestId('teachers-import').click();
    await page.waitForURL(/\/teachers\/import$/, { timeout: STEP_TIMEOUT });

    // Step 1: choose the file (the upload input behind the drop area).
    await visible(page.getByTestId('import-template'));
    await page.locator('input[type=file]').setInputFiles({
      name: '教师名册.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: file,
    });

    // Step 2: the check result — five new teachers, one row with an error, named by its row number.
    await visible(page.getByTestId('import-summary'));
    await page.waitForURL(/\/teachers\/import\?import=\d+$/, { timeout: STEP_TIMEOUT });
    expect(await textOf(page.getByTestId('import-summary-create'))).toContain('5');
    expect(await textOf(page.getByTestId('import-summary-error'))).toContain('1');
    const errorRow = page.getByTestId('import-errors-table').locator('tbody tr', { hasText: '证件号码' });
    expect(await textOf(errorRow.getByTestId('import-error-row'))).toBe('7');
    expect(await textOf(errorRow.getByTestId('import-error-message'))).toContain('校验位');

    // Commit the good rows.
    await page.getByTestId('import-commit').click();
    await (await visible(page.locator('.ant-modal-confirm .ant-btn-primary'))).click();
    await visible(page.getByTestId('import-done'));
    expect(await textOf(page.getByTestId('import-result'))).toMatch(/新增教师\s*5/);

    // Find one of them by name in the registry.
    await page.getByTestId('import-done-list').click();
    await page.waitForURL(/\/teachers$/, { timeout: STEP_TIMEOUT });
    const search = await visible(page.getByTestId('teachers-search').locator('input'));
    await search.fill(teacher.name);
    await search.press('Enter');
    await page.waitForURL(/\/teachers\?q=/, { timeout: STEP_TIMEOUT });
    const names = page.getByTestId('teachers-table').getByTestId('teacher-name');
    await expect.poll(() => names.allInnerTexts(), { timeout: STEP_TIMEOUT }).toEqual([teacher.name]);
    expect(await textOf(page.getByTestId('teachers-table').locator('tbody'))).toContain(
      `${teacher.idNumber.slice(0, 6)}********`,
    );

    // Open the record: masked identifiers, the school in the postings, and the actions of a school
    // admin (edit, full ID number; transfers are decided from the county up).
    await names.first().click();
    await page.waitForURL(/\/teachers\/\d+$/, { timeout: STEP_TIMEOUT });
    expect(await textOf(page.getByTestId('teacher-title'))).toBe(teacher.name);
    expect(await textOf(page.getByTestId('teacher-id-number'))).toBe(
      `${teacher.idNumber.slice(0, 6)}********${teacher.idNumber.slice(14)}`,
    );
    expect(await textOf(page.getByTestId('teacher-postings'))).toContain(server.orgs.schoolName);
    await visible(page.getByTestId('teacher-edit'));
    expect(await page.getByTestId('teacher-transfer').count()).toBe(0);

    // The full ID number only after reading that the view is recorded.
    await page.getByTestId('teacher-unmask').click();
    await (await visible(page.getByTestId('teacher-unmask-confirm'))).click();
    expect(await textOf(page.getByTestId('teacher-unmask-id-number'))).toBe(teacher.idNumber);
  } finally {
    await context.close();
  }
}, 90_000);
