import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

/** Shared pieces of the browser journeys: Debian's Chromium, waiting for elements, logging in. */

export const STEP_TIMEOUT = 15_000;

/** Headless Chromium at /usr/bin/chromium (CHROMIUM_PATH overrides), with no network of its own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export async function visible(locator: Locator): Promise<Locator> {
  await locator.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  return locator;
}

export async function textOf(locator: Locator): Promise<string> {
  return (await visible(locator)).innerText();
}

/** Fills and sends the login form of the page that is open. */
export async function submitLogin(page: Page, username: string, password: string): Promise<void> {
  await (await visible(page.getByTestId('login-username'))).fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}
