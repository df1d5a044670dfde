import { afterAll, beforeAll, expect, test } from 'vitest';
import { STEP_TIMEOUT, textOf, visible } from '../support/browser.js';
import { fitsWidth, PHONE, startDemoJourney, type DemoJourney } from '../support/journey.js';
import type { HttpSession } from '../support/server-process.js';

/**
 * Browser journey through the home page (工作台) against the real server process with its demo data:
 * 赵雪 asks for a correction of her record; the county admin lands on the 工作台, sees the request
 * counted among the to-dos, clicks it and arrives at the list of open requests with hers in it, with
 * the menu grouped by task and breadcrumbs on every page, then finds her through the header's search;
 * 赵雪 on a 375 px phone lands on her hours and her next session.
 */

const PASSWORD = 'Home-journey-2468';

let journey: DemoJourney<'demo-county' | 'demo-teacher'>;

beforeAll(async () => {
  journey = await startDemoJourney({
    dataDirPrefix: 'peixun-home-journey-',
    password: PASSWORD,
    accounts: ['demo-county', 'demo-teacher'],
    sessions: ['demo-county', 'demo-teacher'],
  });
}, 120_000);

afterAll(async () => {
  await journey?.stop();
}, 60_000);

async function api<T>(
  s: HttpSession,
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${journey.baseUrl}${url}`, {
    method,
    headers: { 'content-type': 'application/json', cookie: s.cookie, 'x-csrf-token': s.csrf },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

type Todo = { kind: string; count: number };

test('a county admin lands on the 工作台, sees the open correction requests counted and opens them', async () => {
  const { newContext, logIn, sessions } = journey;
  const filed = await api(sessions['demo-teacher'], 'POST', '/api/me/teacher/corrections', {
    field: 'subject',
    proposed: '数学',
    reason: '本学期改教数学',
  });
  expect(filed.status).toBe(201);
  const home = await api<{ todos: Todo[] }>(sessions['demo-county'], 'GET', '/api/home');
  const expected = home.body.todos.find((x) => x.kind === 'correction')?.count;
  expect(expected).toBeGreaterThanOrEqual(1);

  const context = await newContext({ viewport: { width: 1280, height: 800 } });
  const pageErrors: string[] = [];
  context.on('weberror', (e) => pageErrors.push(e.error().message));
  try {
    const page = await context.newPage();
    await logIn(page, 'demo-county');
    await page.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    const todo = await visible(page.getByTestId('todo-correction'));
    expect(await textOf(todo.locator('.ant-statistic-content-value'))).toBe(String(expected));
    expect(await textOf(todo)).toContain('待处理的信息更正申请');
    // the menu is grouped by task, and the page says where it is
    expect(await textOf(page.getByTestId('nav-group-teachers'))).toBe('教师');
    expect(await textOf(page.getByTestId('nav-group-training'))).toBe('培训');
    await expect.poll(() => textOf(page.getByTestId('breadcrumb')), { timeout: STEP_TIMEOUT }).toBe('工作台');
    await expect.poll(() => page.title(), { timeout: STEP_TIMEOUT }).toBe('工作台 - 教师培训管理平台');

    await todo.getByTestId('todo-link').click();
    await page.waitForURL(/\/teacher-corrections\?status=open$/, { timeout: STEP_TIMEOUT });
    const table = await visible(page.getByTestId('corrections-table'));
    await visible(table.getByTestId('correction-teacher').filter({ hasText: '赵雪' }));
    await expect
      .poll(() => textOf(page.getByTestId('breadcrumb')), { timeout: STEP_TIMEOUT })
      .toMatch(/教师\s*\/\s*信息更正申请/);
    await expect.poll(() => page.title(), { timeout: STEP_TIMEOUT }).toBe('信息更正申请 - 教师培训管理平台');

    // the header's search finds her by name and opens her record
    const search = page.getByTestId('global-search').locator('input');
    await search.fill('赵雪');
    await search.press('Enter');
    const group = await visible(page.getByTestId('search-group-teachers'));
    await group.getByTestId('search-hit').filter({ hasText: '赵雪' }).first().click();
    await page.waitForURL(/\/teachers\/\d+$/, { timeout: STEP_TIMEOUT });
    // the record names its place itself (教师名册 / 赵雪): one line of breadcrumbs, the page's own
    await expect
      .poll(() => textOf(page.locator('.ant-breadcrumb:visible')), { timeout: STEP_TIMEOUT })
      .toMatch(/教师名册\s*\/\s*赵雪/);
    expect(pageErrors).toEqual([]);
  } finally {
    await context.close();
  }
}, 120_000);

test('a teacher on a 375 px phone lands on her hours and her next session', async () => {
  const { newContext, logIn, sessions } = journey;
  const home = await api<{
    hours: { counted: number; required: number } | null;
    nextSession: { projectTitle: string } | null;
  }>(sessions['demo-teacher'], 'GET', '/api/home');
  expect(home.status).toBe(200);

  const context = await newContext(PHONE);
  try {
    const page = await context.newPage();
    await logIn(page, 'demo-teacher');
    await page.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    const hours = await visible(page.getByTestId('home-hours-line'));
    expect(await hours.innerText()).toContain(`/ ${home.body.hours!.required / 10} 学时`);
    expect(await hours.innerText()).toContain(`已计 ${home.body.hours!.counted / 10}`);
    const next = await visible(page.getByTestId('home-next-session'));
    if (home.body.nextSession) expect(await next.innerText()).toContain(home.body.nextSession.projectTitle);
    await visible(page.getByTestId('home-missing'));
    await expect.poll(() => textOf(page.getByTestId('breadcrumb')), { timeout: STEP_TIMEOUT }).toBe('工作台');
    expect(await fitsWidth(page)).toBe(true);
    // her menu: her own pages, grouped
    await page.getByTestId('nav-drawer-open').click();
    expect(await textOf(await visible(page.getByTestId('nav-group-credits')))).toBe('学时');
    expect(await page.getByTestId('nav-teachers').count()).toBe(0);
  } finally {
    await context.close();
  }
}, 120_000);
