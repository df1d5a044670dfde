import { afterAll, beforeAll, expect, test } from 'vitest';
import { STEP_TIMEOUT, textOf, visible } from '../support/browser.js';
import { fitsWidth, PHONE, startDemoJourney, type DemoJourney } from '../support/journey.js';
import { manualShot } from '../support/manual-shots.js';

/**
 * Browser journey through help and printing against the real server process with its demo data:
 * the school's teacher list opens its section of the manual from 帮助 in a new tab; the activation
 * slips carry a QR code that opens the activation page on a phone with the code filled in; the
 * county downloads the verification summary of its schools as a PDF to seal, and the trainer the
 * attendance sheet (签到表) of today's session. With
 * PEIXUN_MANUAL_SHOTS=1 the journey saves the manual's screenshots into docs/manual/images.
 */

const PASSWORD = 'Help-journey-2468';
let journey: DemoJourney;

beforeAll(async () => {
  journey = await startDemoJourney({
    dataDirPrefix: 'peixun-help-journey-',
    password: PASSWORD,
    accounts: ['demo-school', 'demo-county', 'demo-trainer'],
  });
}, 120_000);

afterAll(async () => {
  await journey?.stop();
});

test('帮助 opens the page’s section of the manual, and the slips’ QR code opens activation with the code filled in', async () => {
  const { baseUrl } = journey;
  const context = await journey.newContext({ viewport: { width: 1280, height: 800 } });
  const phoneContext = await journey.newContext({ ...PHONE });
  try {
    const admin = await context.newPage();
    await journey.logIn(admin, 'demo-school');
    await admin.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: STEP_TIMEOUT });
    await admin.goto(`${baseUrl}/teachers`);
    await visible(admin.locator('.ant-table-row').first());
    await manualShot(admin, 'teachers-list');

    // 帮助 in the header: the manual's section on the teacher registry, in a new tab
    const [help] = await Promise.all([
      context.waitForEvent('page', { timeout: STEP_TIMEOUT }),
      (await visible(admin.getByTestId('help-link'))).click(),
    ]);
    await help.waitForLoadState();
    expect(new URL(help.url()).pathname).toBe('/help/teachers');
    expect(await textOf(help.locator('h1'))).toBe('教师名册');
    expect(await help.getByTestId('help-toc').innerText()).toContain('导入名册');
    // its pictures load (the page's policy allows the manual's own images)
    const broken = await help.evaluate<number>(
      '[...document.images].filter((i) => !i.complete || i.naturalWidth === 0).length',
    );
    expect(broken).toBe(0);
    await help.close();

    // activation slips: each with a QR code of the activation page and its own code
    await (await visible(admin.getByTestId('teachers-activation-codes'))).click();
    await (await visible(admin.locator('.ant-modal-confirm .ant-btn-primary'))).click();
    const sheet = await visible(admin.getByTestId('activation-sheet'));
    const slip = sheet.getByTestId('activation-slip').first();
    const code = (await slip.getByTestId('activation-slip-code').getAttribute('data-code'))!;
    expect(code).toMatch(/^[A-Z2-9]{8}$/);
    const link = (await slip.getByTestId('activation-slip-qr').getAttribute('data-link'))!;
    expect(link).toBe(`${baseUrl}/activate?code=${code}`);
    expect(await slip.locator('svg path').getAttribute('d')).toMatch(/^M\d+ \d+h\d+/);
    await manualShot(admin, 'activation-slips');

    // the teacher scans it: the activation page with the code filled in, the ID number to type
    const phone = await phoneContext.newPage();
    await phone.goto(link);
    const codeField = await visible(phone.getByTestId('activate-code'));
    expect(await codeField.inputValue()).toBe(`${code.slice(0, 4)}-${code.slice(4)}`);
    expect(await phone.getByTestId('activate-id-number').inputValue()).toBe('');
    // the teachers' password rule, said on the page
    expect(await phone.locator('body').innerText()).toContain('chun tian hua kai');
    expect(await fitsWidth(phone)).toBe(true);
    await manualShot(phone, 'activate-phone');
    expect(await phone.getByTestId('activate-help').getAttribute('href')).toBe('/help/accounts');
  } finally {
    await context.close();
    await phoneContext.close();
  }
});

test('the county prints the verification summary of its schools to seal, and sees the figures', async () => {
  const { baseUrl } = journey;
  const context = await journey.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  try {
    const county = await context.newPage();
    await journey.logIn(county, 'demo-county');
    await county.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: STEP_TIMEOUT });
    await county.goto(`${baseUrl}/verifications`);
    const button = await visible(county.getByTestId('verification-summary-sheet-pdf'));
    await visible(county.locator('.ant-table-row').first());
    await manualShot(county, 'verifications-county');
    const [download] = await Promise.all([county.waitForEvent('download', { timeout: STEP_TIMEOUT }), button.click()]);
    expect(download.suggestedFilename()).toMatch(/^验证汇总表-.+-\d{4}\.pdf$/);

    await county.goto(`${baseUrl}/credit-reports`);
    await visible(county.locator('.ant-table-row').first());
    await manualShot(county, 'credit-report');
    expect(await county.getByTestId('help-link').getAttribute('href')).toBe('/help/reports');
  } finally {
    await context.close();
  }
});

test("the trainer prints today's attendance sheet (签到表) from the session's check-in page", async () => {
  const { baseUrl } = journey;
  const context = await journey.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  try {
    const trainer = await context.newPage();
    await journey.logIn(trainer, 'demo-trainer');
    await trainer.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: STEP_TIMEOUT });
    await trainer.goto(`${baseUrl}/my-sessions`);
    await (await visible(trainer.getByTestId('my-session').first().locator('a[href$="/qr"]'))).click();
    await trainer.waitForURL(/\/sessions\/\d+\/qr$/, { timeout: STEP_TIMEOUT });
    const pdf = await visible(trainer.getByTestId('sign-in-sheet-pdf'));
    await manualShot(trainer, 'session-attendance');
    const [download] = await Promise.all([trainer.waitForEvent('download', { timeout: STEP_TIMEOUT }), pdf.click()]);
    expect(download.suggestedFilename()).toMatch(/^签到表-.+\.pdf$/);
    const [sheet] = await Promise.all([
      trainer.waitForEvent('download', { timeout: STEP_TIMEOUT }),
      trainer.getByTestId('sign-in-sheet-xlsx').click(),
    ]);
    expect(sheet.suggestedFilename()).toMatch(/^签到表-.+\.xlsx$/);
    expect(await trainer.getByTestId('help-link').getAttribute('href')).toBe('/help/training');
  } finally {
    await context.close();
  }
});
