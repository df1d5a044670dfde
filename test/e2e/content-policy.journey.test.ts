import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchChromium, STEP_TIMEOUT, submitLogin, textOf, visible } from '../support/browser.js';
import { startTestServer } from '../support/server.js';

/**
 * The pages under their Content-Security-Policy in a real browser (built web UI in web/dist): the app
 * with its antd styles and charts, the public verify page and the API docs render, and the browser
 * reports no violation of the policy anywhere.
 */

const PASSWORD = 'Journey-pass-2468';
const ADMIN = 'csp.province';

let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  const { provinceId } = server.orgs;
  await server.createUser({ username: ADMIN, password: PASSWORD, role: 'province_admin', orgUnitId: provinceId });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A page that records every policy violation: the `securitypolicyviolation` event and the console. */
async function watchedPage(context: BrowserContext): Promise<{ page: Page; violations: () => Promise<string[]> }> {
  // page code runs in the browser; this file is type-checked without DOM types, hence the string
  await context.addInitScript(`window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      const what = e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline');
      window.__violations.push(what + ' on ' + location.pathname);
    });`);
  const page = await context.newPage();
  const logged: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) logged.push(msg.text());
  });
  page.on('pageerror', (err) => logged.push(`page error: ${err.message}`));
  return {
    page,
    violations: async () => [...logged, ...(await page.evaluate<string[]>('window.__violations'))],
  };
}

test('the app, the verify page and the API docs render under their page policies without a violation', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  try {
    const { page, violations } = await watchedPage(context);
    const response = await page.goto(`${server.baseUrl}/login`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await submitLogin(page, ADMIN, PASSWORD);
    await page.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    await visible(page.getByTestId('home-admin'));
    await (await visible(page.getByTestId('nav-org'))).click();
    await page.waitForURL(/\/org(\/\d+)?$/, { timeout: STEP_TIMEOUT });
    expect(await textOf(page.getByTestId(`org-node-${server.orgs.provinceId}`))).toContain('吉林省');
    // antd's CSS-in-JS wrote its <style> elements, and nothing was refused
    expect(await page.evaluate<number>("document.querySelectorAll('style').length")).toBeGreaterThan(0);
    expect(await violations()).toEqual([]);
    for (const path of ['/users', '/audit', '/credit-reports', '/training', '/cycles']) {
      await page.goto(`${server.baseUrl}${path}`);
      await visible(page.locator('.ant-layout-content').first());
      await page.waitForLoadState('networkidle');
      expect(await violations(), path).toEqual([]);
    }

    await page.goto(`${server.baseUrl}/verify/NOSUCHCODE42`);
    await visible(page.locator('.status'));
    // the hashed stylesheet applied: the unknown status is grey, not unstyled
    const colour = await page.evaluate<string>("getComputedStyle(document.querySelector('.status')).backgroundColor");
    expect(colour).toBe('rgb(140, 140, 140)');
    expect(await violations()).toEqual([]);

    await page.goto(`${server.baseUrl}/api/docs/`);
    await visible(page.locator('.swagger-ui .info .title'));
    expect(await textOf(page.locator('.swagger-ui .info .title'))).toContain('Peixun API');
    await page.waitForLoadState('networkidle');
    expect(await violations()).toEqual([]);
  } finally {
    await context.close();
  }
});
