import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeRoster, rosterXlsx } from '../support/roster.js';
import { launchChromium, STEP_TIMEOUT, submitLogin, textOf, visible } from '../support/browser.js';
import { fitsWidth, PHONE } from '../support/journey.js';
import { startTestServer } from '../support/server.js';

/**
 * Browser journey through teacher accounts (built web UI in web/dist): a school admin imports a
 * roster and prints activation codes; on a phone a teacher activates with ID number and code, logs
 * in with the ID number, sees their record and asks for a new phone number; the admin accepts the
 * request in the inbox and the teacher's page shows the new (masked) phone.
 */

const PASSWORD = 'Journey-pass-2468';
const TEACHER_PASSWORD = 'Phone-pass-1357';
const SCHOOL_ADMIN = 'journey.accounts';
const NEW_PHONE = '13911112222';

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

async function logIn(page: Page, username: string, password: string): Promise<void> {
  await submitLogin(page, username, password);
}

test('codes printed by the school let a teacher activate on a phone, log in with the ID number and have a correction accepted', async () => {
  const people = makeRoster(3, { seed: 23, offset: 900_000 });
  const teacher = people[1]!;
  const file = await rosterXlsx(people);

  const adminContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const phoneContext = await browser.newContext({ ...PHONE, locale: 'zh-CN' });
  try {
    // The school admin imports the roster.
    const admin = await adminContext.newPage();
    await admin.goto(`${server.baseUrl}/login`);
    await logIn(admin, SCHOOL_ADMIN, PASSWORD);
    await admin.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    await admin.goto(`${server.baseUrl}/teachers/import`);
    await visible(admin.getByTestId('import-template'));
    await admin.locator('input[type=file]').setInputFiles({
      name: '教师名册.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: file,
    });
    await visible(admin.getByTestId('import-summary'));
    await admin.getByTestId('import-commit').click();
    await (await visible(admin.locator('.ant-modal-confirm .ant-btn-primary'))).click();
    await visible(admin.getByTestId('import-done'));

    // Codes for everyone without an account, after a warning that they are shown once.
    await admin.getByTestId('import-done-list').click();
    await admin.waitForURL(/\/teachers$/, { timeout: STEP_TIMEOUT });
    await (await visible(admin.getByTestId('teachers-activation-codes'))).click();
    const confirm = await visible(admin.locator('.ant-modal-confirm'));
    expect(await confirm.innerText()).toContain('只显示这一次');
    await confirm.locator('.ant-btn-primary').click();
    const sheet = await visible(admin.getByTestId('activation-sheet'));
    expect(await sheet.getByTestId('activation-slip').count()).toBe(3);
    const slip = sheet.getByTestId('activation-slip').filter({ hasText: teacher.name });
    const slipText = await textOf(slip);
    expect(slipText).toContain(server.orgs.schoolName);
    expect(slipText).toContain(`${teacher.idNumber.slice(0, 6)}********`);
    expect(slipText).toContain(`${server.baseUrl}/activate`);
    const code = await textOf(slip.getByTestId('activation-slip-code'));
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    // Closing asks first: the codes cannot be shown again.
    await admin.getByTestId('activation-sheet-close').click();
    await (await visible(admin.locator('.ant-modal-confirm .ant-btn-primary'))).click();
    await admin.getByTestId('activation-sheet').waitFor({ state: 'detached', timeout: STEP_TIMEOUT });

    // On a phone the teacher finds the activation page from the login page.
    const phone = await phoneContext.newPage();
    await phone.goto(`${server.baseUrl}/login`);
    await (await visible(phone.getByTestId('login-activate-link'))).click();
    await phone.waitForURL(/\/activate$/, { timeout: STEP_TIMEOUT });
    await (await visible(phone.getByTestId('activate-id-number'))).fill(teacher.idNumber);
    // typed as people do: lower case, a space in the middle; the field upper-cases it
    await phone.getByTestId('activate-code').fill(code.replace('-', ' ').toLowerCase());
    expect(await phone.getByTestId('activate-code').inputValue()).toBe(code.replace('-', ' '));
    await phone.getByTestId('activate-password').fill(TEACHER_PASSWORD);
    await phone.getByTestId('activate-confirm-password').fill(TEACHER_PASSWORD);
    expect(await fitsWidth(phone)).toBe(true);
    await phone.getByTestId('activate-submit').click();

    // Back on the login page with the ID number filled in.
    await phone.waitForURL(/\/login$/, { timeout: STEP_TIMEOUT });
    await visible(phone.getByTestId('login-activated'));
    expect(await phone.getByTestId('login-username').inputValue()).toBe(teacher.idNumber);
    await phone.getByTestId('login-password').fill(TEACHER_PASSWORD);
    await phone.getByTestId('login-submit').click();

    // 我的信息 is where a teacher lands: the own record, masked.
    await phone.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    await (await visible(phone.getByTestId('nav-drawer-open'))).click();
    await (await visible(phone.getByTestId('nav-my-teacher'))).click();
    await phone.waitForURL(/\/me\/teacher$/, { timeout: STEP_TIMEOUT });
    expect(await textOf(phone.getByTestId('my-teacher-name'))).toBe(teacher.name);
    expect(await textOf(phone.getByTestId('my-teacher-id-number'))).toBe(
      `${teacher.idNumber.slice(0, 6)}********${teacher.idNumber.slice(14)}`,
    );
    expect(await textOf(phone.getByTestId('teacher-postings'))).toContain(server.orgs.schoolName);
    expect(await fitsWidth(phone)).toBe(true);
    await phone.getByTestId('nav-drawer-open').click();
    expect(await textOf(phone.getByTestId('nav-my-teacher'))).toBe('我的信息');
    await phone.getByTestId('nav-my-teacher').click();
    await phone.locator('.nav-drawer').waitFor({ state: 'hidden', timeout: STEP_TIMEOUT });

    // A new phone number is asked for; it is sent encrypted.
    await (await visible(phone.getByTestId('correction-field'))).click();
    await (await visible(phone.locator('.ant-select-item-option[title="手机号码"]'))).click();
    await (await visible(phone.getByTestId('correction-proposed'))).fill(NEW_PHONE);
    await phone.getByTestId('correction-reason').fill('换了新号码');
    await phone.getByTestId('correction-submit').click();
    const request = await visible(phone.getByTestId('my-correction').first());
    await expect.poll(() => request.innerText(), { timeout: STEP_TIMEOUT }).toContain('待处理');
    expect(await request.innerText()).toContain('已加密提交');

    // The admin accepts it in the inbox, where the number stays hidden until then.
    await admin.getByTestId('nav-corrections').click();
    await admin.waitForURL(/\/teacher-corrections$/, { timeout: STEP_TIMEOUT });
    const row = admin.getByTestId('corrections-table').locator('tbody tr', { hasText: teacher.name });
    expect(await textOf(row.getByTestId('correction-proposed'))).toBe('身份信息已加密，受理后生效');
    expect(await row.innerText()).not.toContain(NEW_PHONE);
    await row.getByTestId('correction-accept').click();
    await (await visible(admin.getByTestId('correction-note'))).fill('已核对');
    await admin.getByTestId('correction-decide-ok').click();
    await row.waitFor({ state: 'detached', timeout: STEP_TIMEOUT });

    // The teacher sees the new number (masked) and the decision.
    await phone.reload();
    await expect
      .poll(() => textOf(phone.getByTestId('my-teacher-phone')), { timeout: STEP_TIMEOUT })
      .toBe(`${NEW_PHONE.slice(0, 3)}****${NEW_PHONE.slice(7)}`);
    const decided = await textOf(phone.getByTestId('my-correction').first());
    expect(decided).toContain('已同意');
    expect(decided).toContain('已核对');
  } finally {
    await phoneContext.close();
    await adminContext.close();
  }
}, 90_000);
