import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { launchChromium, submitLogin } from './browser.js';
import {
  changePassword,
  cleanUp,
  freePort,
  login,
  makeDataDir,
  oneTimePassword,
  spawnServer,
  stopServer,
  waitHealthy,
  type HttpSession,
  type ServerProcess,
} from './server-process.js';

/**
 * Shared set-up of the browser journeys: the real server process with its demo data, the demo
 * accounts past their one-time password, Chromium, and the small helpers the journeys use.
 */

/** A phone's browser context: 375×812 at 2×, touch. */
export const PHONE = {
  viewport: { width: 375, height: 812 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
} as const;

export type ContextOptions = Parameters<Browser['newContext']>[0];

/** Whether the page is no wider than the viewport (no horizontal scrolling). */
export async function fitsWidth(page: Page): Promise<boolean> {
  // Page code runs in the browser; this file is type-checked without DOM types.
  const r = await page.evaluate<{ scrollWidth: number; viewport: number }>(
    '({ scrollWidth: document.documentElement.scrollWidth, viewport: window.innerWidth })',
  );
  return r.scrollWidth <= r.viewport;
}

export interface DemoJourneyOptions<A extends string, S extends A> {
  /** prefix of the server's temporary data directory */
  dataDirPrefix: string;
  /** the password the demo accounts get in place of their one-time password */
  password: string;
  /** the demo accounts (e.g. 'demo-school') whose one-time password is changed through the API */
  accounts: readonly A[];
  /** of those, the ones logged in again with the new password, for the journey's own API calls */
  sessions?: readonly S[];
  /** the server's environment beside the defaults (e.g. a shorter study heartbeat) */
  env?: Record<string, string>;
}

export interface DemoJourney<S extends string = never> {
  baseUrl: string;
  port: number;
  /** the server's data directory (its embedded PostgreSQL, its files) */
  dataDir: string;
  browser: Browser;
  /** the API sessions of the accounts asked for in `sessions` */
  sessions: Record<S, HttpSession>;
  /** A browser context in China Standard Time and zh-CN, with `options` on top. */
  newContext(options?: ContextOptions): Promise<BrowserContext>;
  /** Opens the login page and logs in with the journey's password. */
  logIn(page: Page, username: string): Promise<void>;
  /** Closes the browser, stops the server and removes its data directory. */
  stop(): Promise<void>;
}

/**
 * Spawns `peixun serve` on a fresh data directory (its first start loads the demo data and prints
 * the demo accounts' one-time password), waits for that password and for health, changes the
 * password of `accounts` and launches Chromium. Should any of it fail, what was started is stopped.
 */
export async function startDemoJourney<A extends string, S extends A = never>(
  options: DemoJourneyOptions<A, S>,
): Promise<DemoJourney<S>> {
  const { password } = options;
  const dataDir = makeDataDir(options.dataDirPrefix);
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  const stop = async (): Promise<void> => {
    await browser?.close();
    if (server) await stopServer(server, 10_000).catch(() => undefined);
    await cleanUp([dataDir]);
  };
  let launching: Promise<unknown> = Promise.resolve();
  try {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    server = spawnServer(dataDir, port, options.env ?? {});
    const [otpLine] = await Promise.all([
      server.waitFor(/One-time password[^\n]*\n/, 90_000),
      waitHealthy(server, 90_000),
    ]);
    const otp = oneTimePassword(otpLine[0])!;
    // the demo accounts must change their one-time password first: done here through the API
    const wanted = new Set<string>(options.sessions ?? []);
    const ready = async (username: A): Promise<[A, HttpSession | undefined]> => {
      const first = await login(port, username, otp);
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      expect(await changePassword(port, first.session!, otp, password)).toBe(204);
      return [username, wanted.has(username) ? (await login(port, username, password)).session! : undefined];
    };
    const launched = launchChromium().then((b) => {
      browser = b;
      return b;
    });
    launching = launched;
    const [readied, chromium] = await Promise.all([Promise.all(options.accounts.map(ready)), launched]);
    const sessions = {} as Record<S, HttpSession>;
    for (const [username, session] of readied) if (session) sessions[username as S] = session;
    return {
      baseUrl,
      port,
      dataDir,
      browser: chromium,
      sessions,
      // the product's "today" is China Standard Time; the date pickers agree with it
      newContext: (contextOptions) =>
        chromium.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...contextOptions }),
      logIn: async (page, username) => {
        await page.goto(`${baseUrl}/login`);
        await submitLogin(page, username, password);
      },
      stop,
    };
  } catch (e) {
    await launching.catch(() => undefined);
    await stop();
    throw e;
  }
}
