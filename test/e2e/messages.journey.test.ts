import { afterAll, beforeAll, expect, test } from 'vitest';
import { STEP_TIMEOUT, textOf, visible } from '../support/browser.js';
import { fitsWidth, PHONE, startDemoJourney, type DemoJourney } from '../support/journey.js';

/**
 * Browser journey through the message centre (消息) against the real server process with its demo
 * data: the school admin submits the school's annual verification; on a phone, the county admin's
 * bell counts one more unread message, 消息 lists it unread first, and opening it marks it read and
 * goes to the school's year waiting for sign-off; from the verification list the county then reminds (催办)
 * the schools that have not submitted, which leaves out the one that did, and from the plan review the
 * schools whose plan is not in: the school admin opens that reminder and lands on the school's plan.
 */

const PASSWORD = 'Messages-journey-1357';

let journey: DemoJourney;

beforeAll(async () => {
  journey = await startDemoJourney({
    dataDirPrefix: 'peixun-messages-journey-',
    password: PASSWORD,
    accounts: ['demo-school', 'demo-county'],
  });
}, 120_000);

afterAll(async () => {
  await journey?.stop();
}, 60_000);

test('a school submits its verification; the county sees the unread count on a phone and opens the message', async () => {
  const { newContext, logIn, baseUrl } = journey;
  const admin = await newContext({ viewport: { width: 1280, height: 800 } });
  const phone = await newContext(PHONE);
  const pageErrors: string[] = [];
  for (const context of [admin, phone]) context.on('weberror', (e) => pageErrors.push(e.error().message));
  try {
    // ---- the county admin, on a phone, before anything is submitted
    const county = await phone.newPage();
    await logIn(county, 'demo-county');
    await county.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    const bell = await visible(county.getByTestId('message-bell'));
    const unreadOf = async () => Number((await bell.getAttribute('data-unread')) ?? 0);
    // the count as the server gave it (not the 0 shown while it loads)
    await visible(county.locator('[data-testid="message-bell"][data-loaded="true"]'));
    const before = await unreadOf();

    // ---- the school admin opens the school's year and submits it to the county
    const school = await admin.newPage();
    await logIn(school, 'demo-school');
    await school.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    await school.goto(`${baseUrl}/verifications`);
    await (await visible(school.getByTestId('verification-open'))).click();
    await (await visible(school.getByTestId('verification-submit'))).click();
    const confirm = await visible(school.locator('.ant-modal-confirm'));
    await confirm.locator('.ant-btn-primary').click();
    await visible(school.locator('.ant-message', { hasText: '已提交区县' }));

    // ---- the county's bell counts it (a reload, as the bell would on its next minute)
    await county.reload();
    await expect.poll(unreadOf, { timeout: STEP_TIMEOUT }).toBe(before + 1);
    expect(await fitsWidth(county)).toBe(true);
    await (await visible(county.getByTestId('message-bell'))).click();
    await county.waitForURL(/\/messages$/, { timeout: STEP_TIMEOUT });
    const item = await visible(county.getByTestId('message-item').first());
    expect(await item.getAttribute('data-kind')).toBe('verification_submitted');
    expect(await item.getAttribute('data-unread')).toBe('true');
    const text = await textOf(item);
    expect(text).toMatch(/提交了 \d{4} 年度学时验证，请审核签章/);
    expect(await fitsWidth(county)).toBe(true);

    // ---- opening it marks it read and shows the school's year, waiting for the county's sign-off
    await item.click();
    await county.waitForURL(/\/verifications\/\d+$/, { timeout: STEP_TIMEOUT });
    await visible(county.getByTestId('verification-sign-off'));
    await expect.poll(unreadOf, { timeout: STEP_TIMEOUT }).toBe(before);

    // ---- the county reminds (催办) the schools that have not submitted: the school that did is not among them
    await county.goto(`${baseUrl}/verifications`);
    await (await visible(county.getByTestId('verification-remind-all'))).click();
    const listed = await textOf(county.getByTestId('remind-schools'));
    const schoolName = await textOf(school.getByTestId('header-unit'));
    expect(listed).not.toContain(schoolName);
    // the demo's other schools have no admin account yet: the dialog says the reminder cannot reach them
    await visible(county.getByTestId('remind-unreachable'));
    await county.getByTestId('remind-note').fill('请于本周内提交');
    await county.locator('.ant-modal .ant-btn-primary', { hasText: '发送催办' }).click();
    await visible(county.locator('.ant-message', { hasText: /已催办 \d+ 所学校/ }));

    // ---- and, from the plan review, the schools whose annual plan is not in
    await county.goto(`${baseUrl}/plan-review`);
    await (await visible(county.getByTestId('plan-remind'))).click();
    await visible(county.locator('.ant-modal-title', { hasText: '年度培训计划' }));
    await county.locator('.ant-modal .ant-btn-primary', { hasText: '发送催办' }).click();
    await visible(county.locator('.ant-message', { hasText: /已催办 \d+ 所学校/ }));

    // the school admin's bell counts the plan reminder, which opens the school's plan
    await school.reload();
    await (await visible(school.getByTestId('message-bell'))).click();
    await school.waitForURL(/\/messages$/, { timeout: STEP_TIMEOUT });
    const reminder = await visible(school.getByTestId('message-item').filter({ hasText: '年度培训计划' }).first());
    expect(await reminder.getAttribute('data-unread')).toBe('true');
    await reminder.click();
    await school.waitForURL(/\/plans$/, { timeout: STEP_TIMEOUT });

    // the school reads everything; the county publishes a notice: the school's bell opens the notices
    await school.goto(`${baseUrl}/messages`);
    await (await visible(school.getByTestId('messages-read-all'))).click();
    await visible(school.locator('.ant-message', { hasText: '已读' }));
    await county.goto(`${baseUrl}/messages`);
    await (await visible(county.getByTestId('notice-publish'))).click();
    await (await visible(county.getByTestId('notice-title'))).fill('寒假前教师培训安排');
    await county.getByTestId('notice-body').fill('请各校于 1 月 10 日前报送寒假培训名单。');
    await county.locator('.ant-modal .ant-btn-primary').click();
    await visible(county.getByTestId('notice-item').filter({ hasText: '寒假前教师培训安排' }));
    await school.goto(`${baseUrl}/`);
    await visible(school.locator('[data-testid="message-bell"][data-unread="1"]'));
    await school.getByTestId('message-bell').click();
    await school.waitForURL(/\/messages\?tab=notices$/, { timeout: STEP_TIMEOUT });
    const notice = await visible(school.getByTestId('notice-item').filter({ hasText: '寒假前教师培训安排' }));
    expect(await notice.getAttribute('data-unread')).toBe('true');
    expect(await textOf(school.getByTestId('messages-tab-notices-unread').locator('.ant-badge-count'))).toBe('1');
    expect(pageErrors).toEqual([]);
  } finally {
    await admin.close();
    await phone.close();
  }
}, 180_000);
