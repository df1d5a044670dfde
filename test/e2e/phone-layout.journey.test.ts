import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { STEP_TIMEOUT, submitLogin, textOf, visible } from '../support/browser.js';
import { fitsWidth, PHONE, startDemoJourney, type DemoJourney } from '../support/journey.js';
import type { HttpSession } from '../support/server-process.js';

/**
 * A trainer's phone at 375 px (issue 12): 我的班次 and a session's attendance list keep a long Chinese
 * name on one line, as it is read, instead of squeezing it into a column one character wide beside the
 * links and the other columns; the page never scrolls sideways (the attendance table scrolls inside its
 * card, the name staying in view).
 */

const PASSWORD = 'Phone-layout-2468';
/** a real name of the length that broke the list: eight characters with the middle dot */
const LONG_NAME = '阿依古丽·买买提';

let journey: DemoJourney<'demo-trainer' | 'demo-county'>;

async function api<T>(s: HttpSession, method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(`${journey.baseUrl}${url}`, {
    method,
    headers: {
      accept: 'application/json',
      cookie: s.cookie,
      'x-csrf-token': s.csrf,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(STEP_TIMEOUT),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

beforeAll(async () => {
  journey = await startDemoJourney({
    dataDirPrefix: 'peixun-phone-layout-',
    password: PASSWORD,
    accounts: ['demo-trainer', 'demo-county'],
    sessions: ['demo-trainer', 'demo-county'],
  });
}, 120_000);

afterAll(async () => {
  await journey?.stop();
}, 60_000);

/**
 * The lines an element's text takes: its content height (padding left out) over its line height.
 * The function runs in the browser; this file is type-checked without DOM types, hence the two types.
 */
async function linesOf(locator: Locator): Promise<number> {
  await visible(locator);
  type Box = { getBoundingClientRect(): { height: number } };
  type Style = { lineHeight: string; fontSize: string; paddingTop: string; paddingBottom: string };
  return locator.evaluate((el: Box) => {
    const cs = (globalThis as unknown as { getComputedStyle(e: Box): Style }).getComputedStyle(el);
    const lineHeight = cs.lineHeight === 'normal' ? parseFloat(cs.fontSize) * 1.5715 : parseFloat(cs.lineHeight);
    const height = el.getBoundingClientRect().height - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom);
    return Math.round((height / lineHeight) * 100) / 100;
  });
}

async function onScreen(page: Page, testId: string): Promise<void> {
  await visible(page.getByTestId(testId).first());
}

test('at 375 px a long name in 我的班次 and in the attendance list stays on one line', async () => {
  const { baseUrl, newContext, logIn, sessions } = journey;
  // the trainer's first session today; one of its teachers is given a long name by the county
  const mine = await api<{ items: Array<{ id: number; className: string; projectTitle: string }> }>(
    sessions['demo-trainer'],
    'GET',
    '/api/attendance/my-sessions',
  );
  const session = mine.items[0]!;
  const list = await api<{ items: Array<{ teacherId: number; teacherName: string }> }>(
    sessions['demo-trainer'],
    'GET',
    `/api/sessions/${session.id}/attendance`,
  );
  expect(list.items.length).toBeGreaterThan(5);
  await api(sessions['demo-county'], 'PATCH', `/api/teachers/${list.items[0]!.teacherId}`, { name: LONG_NAME });

  const phone = await newContext(PHONE);
  try {
    const page = await phone.newPage();
    await logIn(page, 'demo-trainer');
    await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: STEP_TIMEOUT });
    await page.goto(`${baseUrl}/my-sessions`);
    await onScreen(page, 'my-session');

    // 我的班次: the project's name and the class's each on one line, the links below them
    const item = page.getByTestId('my-session').first();
    expect(await item.locator('.ant-list-item-meta-title').innerText()).toContain(session.className);
    expect(await linesOf(item.getByText(session.projectTitle).first())).toBeLessThan(1.5);
    expect(await linesOf(item.getByText(session.className).first())).toBeLessThan(1.5);
    expect(await fitsWidth(page)).toBe(true);

    // the attendance list of that session: the long name on one line, the page no wider than the phone
    await page.goto(`${baseUrl}/sessions/${session.id}/qr`);
    const row = page.locator('.ant-table-row', { hasText: LONG_NAME });
    await visible(row);
    expect(await linesOf(row.locator('td').first())).toBeLessThan(1.5);
    expect(await fitsWidth(page)).toBe(true);
  } finally {
    await phone.close();
  }
});

test('opened signed out at its address, the app asks for a login and then shows the 工作台 with its data', async () => {
  // `/` names its data for the phone to fetch early; asked for before the login, that answer (401) must
  // not be what the page shows after it
  const { baseUrl, newContext } = journey;
  const phone = await newContext(PHONE);
  try {
    const page = await phone.newPage();
    await page.goto(`${baseUrl}/`);
    await page.waitForURL(/\/login$/, { timeout: STEP_TIMEOUT });
    // a first visit, not a session that ran out
    await visible(page.getByTestId('login-username'));
    expect(await page.locator('body').innerText()).not.toContain('登录已过期');
    await submitLogin(page, 'demo-trainer', PASSWORD);
    await page.waitForURL(`${baseUrl}/`, { timeout: STEP_TIMEOUT });
    await visible(page.getByTestId('home-trainer'));
    expect(page.url()).toBe(`${baseUrl}/`);
    expect(await textOf(page.getByTestId('home-trainer'))).not.toContain('登录');
  } finally {
    await phone.close();
  }
});
