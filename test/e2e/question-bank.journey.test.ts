import { afterAll, beforeAll, expect, test } from 'vitest';
import { STEP_TIMEOUT, textOf, visible } from '../support/browser.js';
import { startDemoJourney, type DemoJourney } from '../support/journey.js';

/**
 * Browser journey through a county's question bank against the real server process with its
 * demo data: the county admin writes a fill-in question (the editor names what is missing until each
 * blank has an answer), then imports a sheet whose bad row is listed by row and column while nothing
 * is imported, fixes it, and finds both questions in the bank.
 */

const PASSWORD = 'Bank-journey-2468';
const STEM = '中华人民共和国成立于____年。';
const CSV = (answer: string) =>
  `题型,题干,选项A,选项B,选项C,答案\r\n单选,旅程导入：师德的灵魂是（  ）。,爱国守法,关爱学生,为人师表,B\r\n多选,旅程导入：教师的义务有（  ）。,遵守宪法,关心学生,随意停课,${answer}\r\n`;

let journey: DemoJourney;

beforeAll(async () => {
  journey = await startDemoJourney({
    dataDirPrefix: 'peixun-bank-journey-',
    password: PASSWORD,
    accounts: ['demo-county'],
  });
}, 120_000);

afterAll(async () => {
  await journey?.stop();
}, 60_000);

test('a county bank: a fill-in question written in the editor, a sheet refused row by row, then imported', async () => {
  const { newContext, logIn } = journey;
  const context = await newContext({ viewport: { width: 1280, height: 800 } });
  const pageErrors: string[] = [];
  context.on('weberror', (e) => pageErrors.push(e.error().message));
  try {
    const page = await context.newPage();
    await logIn(page, 'demo-county');
    await page.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    await (await visible(page.getByTestId('nav-questions'))).click();
    await page.waitForURL(/\/questions$/, { timeout: STEP_TIMEOUT });

    // ---- a fill-in question: the answer field follows the stem's blanks
    await (await visible(page.getByTestId('questions-create'))).click();
    const editor = await visible(page.getByTestId('question-editor'));
    await editor.getByTestId('question-kind').getByText('填空题').click();
    await editor.getByTestId('question-stem').fill(STEM);
    await visible(editor.getByTestId('question-problems').getByText('每个空至少要有一个可接受的答案'));
    expect(await editor.getByTestId('question-save').isDisabled()).toBe(true);
    const blank = editor.getByTestId('question-blank-1').locator('input');
    await blank.fill('1949');
    await blank.press('Enter');
    await expect.poll(() => editor.getByTestId('question-problems').count(), { timeout: STEP_TIMEOUT }).toBe(0);
    await editor.getByTestId('question-save').click();
    await visible(page.locator('.ant-message', { hasText: '已保存' }));
    await visible(page.getByTestId('questions-table').getByText(STEM));

    // ---- a sheet with a bad row: listed, nothing imported
    await page.getByTestId('questions-import').click();
    const modal = await visible(page.locator('.ant-modal', { hasText: '导入试题' }));
    await modal
      .locator('input[type=file]')
      .setInputFiles({ name: '题库.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV('A')) });
    const problems = await visible(modal.getByTestId('question-import-problems'));
    expect(await textOf(problems)).toContain('多选题至少要有两个正确选项');
    expect(await textOf(problems)).toContain('答案');

    // ---- fixed: both rows imported
    await modal
      .locator('input[type=file]')
      .setInputFiles({ name: '题库.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV('AB')) });
    await visible(modal.getByTestId('question-import-done'));
    expect(await textOf(modal.getByTestId('question-import-created'))).toBe('2');
    await page.keyboard.press('Escape');
    await visible(page.getByTestId('questions-table').getByText('旅程导入：教师的义务有（  ）。'));
    expect(pageErrors).toEqual([]);
  } finally {
    await context.close();
  }
}, 180_000);
