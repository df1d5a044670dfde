import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchChromium, STEP_TIMEOUT, submitLogin, textOf, visible } from '../support/browser.js';
import { startTestServer } from '../support/server.js';

/**
 * Browser journeys through the built web UI (web/dist, built by `npm test` or `npx vite build`):
 * a county admin finds a school in the org tree and switches the UI to English;
 * a teacher opens their account page on a phone.
 */

const PASSWORD = 'Journey-pass-2468';
const COUNTY_ADMIN = 'journey.county';
const TEACHER = 'journey.teacher';

let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  await server.createUser({
    username: COUNTY_ADMIN,
    password: PASSWORD,
    role: 'county_admin',
    orgUnitId: server.orgs.countyId,
  });
  await server.createUser({ username: TEACHER, password: PASSWORD, role: 'teacher', orgUnitId: server.orgs.schoolId });
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

async function withContext<T>(
  options: Parameters<Browser['newContext']>[0],
  run: (page: Page) => Promise<T>,
): Promise<T> {
  const context: BrowserContext = await browser.newContext(options);
  try {
    return await run(await context.newPage());
  } finally {
    await context.close();
  }
}

test('a county admin finds a school in the org tree, switches to English and logs out', async () => {
  const { countyId, countyName, schoolId, schoolName } = server.orgs;
  await withContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' }, async (page) => {
    await logIn(page, COUNTY_ADMIN);

    // The admin lands on the 工作台; the tree is its own menu item and starts at the admin's own county.
    await page.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    await visible(page.getByTestId('home-admin'));
    expect(await textOf(page.getByTestId('nav-org'))).toBe('组织机构');
    await page.getByTestId('nav-org').click();
    await page.waitForURL(/\/org(\/\d+)?$/, { timeout: STEP_TIMEOUT });
    expect(await textOf(page.getByTestId(`org-node-${countyId}`))).toContain(countyName);
    expect(await textOf(page.getByTestId('nav-org'))).toBe('组织机构');

    // Expand the county; its schools load lazily.
    const countyRow = page.locator('.ant-tree-treenode', { has: page.getByTestId(`org-node-${countyId}`) });
    await countyRow.locator('.ant-tree-switcher').click();
    const school = await visible(page.getByTestId(`org-node-${schoolId}`));
    expect(await school.innerText()).toContain(schoolName);

    // Open the school.
    await school.click();
    await page.waitForURL(new RegExp(`/org/${schoolId}$`), { timeout: STEP_TIMEOUT });
    // the title follows once the school's record has come (the county's shows until then)
    await expect.poll(() => textOf(page.getByTestId('org-unit-title')), { timeout: STEP_TIMEOUT }).toBe(schoolName);
    expect(await textOf(page.getByTestId('org-breadcrumb'))).toContain(countyName);

    // Switch to English: the menu follows at once and after a reload.
    await page.getByTestId('lang-switch').click();
    await visible(page.getByTestId('nav-org').filter({ hasText: 'Organisation' }));
    expect(await textOf(page.getByTestId('nav-users'))).toBe('Users');
    await page.reload();
    expect(await textOf(page.getByTestId('nav-org'))).toBe('Organisation');
    expect(await page.evaluate<string | null>("window.localStorage.getItem('peixun.lang')")).toBe('en');
    // the title follows once the school's record has come (the county's shows until then)
    await expect.poll(() => textOf(page.getByTestId('org-unit-title')), { timeout: STEP_TIMEOUT }).toBe(schoolName);

    // Log out through the user menu.
    await page.getByTestId('user-menu').click();
    await (await visible(page.getByTestId('logout'))).click();
    await page.waitForURL(/\/login$/, { timeout: STEP_TIMEOUT });
    expect(await textOf(page.getByTestId('login-submit'))).toMatch(/Log in/);

    // The session is gone: protected pages send the user back to the login page.
    await page.goto(`${server.baseUrl}/org/${schoolId}`);
    await page.waitForURL(/\/login\?next=/, { timeout: STEP_TIMEOUT });
  });
}, 90_000);

test('a teacher sees their account page on a 375px phone without horizontal scrolling', async () => {
  await withContext(
    { viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' },
    async (page) => {
      await logIn(page, TEACHER);
      // an account not linked to the registry lands on the home page, which says so
      await page.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
      await visible(page.getByTestId('home-not-linked'));
      await page.getByTestId('nav-drawer-open').click();
      await (await visible(page.getByTestId('nav-me'))).click();
      await page.waitForURL(/\/me$/, { timeout: STEP_TIMEOUT });
      await visible(page.getByTestId('me-profile'));
      expect(await textOf(page.getByTestId('me-username'))).toBe(TEACHER);
      expect(await textOf(page.getByTestId('header-unit'))).toBe(server.orgs.schoolName);

      // Page code runs in the browser; this file is type-checked without DOM types.
      const overflow = await page.evaluate<{ scrollWidth: number; viewport: number }>(
        '({ scrollWidth: document.documentElement.scrollWidth, viewport: window.innerWidth })',
      );
      expect(overflow.scrollWidth).toBeLessThanOrEqual(overflow.viewport);

      // Teachers get no admin page in the (drawer) menu.
      await page.getByTestId('nav-drawer-open').click();
      await visible(page.getByTestId('nav-me'));
      expect(await page.getByTestId('nav-org').count()).toBe(0);
    },
  );
}, 90_000);
