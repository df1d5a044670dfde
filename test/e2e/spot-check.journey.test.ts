import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { STEP_TIMEOUT, textOf, visible } from '../support/browser.js';
import { type DemoJourney, startDemoJourney } from '../support/journey.js';
import { runCli } from '../support/server-process.js';

/**
 * Browser journey through a county spot-check (抽测, R-34) against the real server with its demo data:
 * the county drafts it, publishes the list and the seed's hash, downloads the list, draws; the list
 * downloaded before the draw and the seed shown after it give the same teachers through
 * `npx peixun draw verify`; once the unified exam has results the county publishes them, and the school
 * reads them per unit and per person, its own teachers by name.
 */

const PASSWORD = 'Spot-check-journey-2468';
const TITLE = '桦甸市教师全员培训抽测';

let journey: DemoJourney;

beforeAll(async () => {
  journey = await startDemoJourney({
    dataDirPrefix: 'peixun-spot-check-journey-',
    password: PASSWORD,
    accounts: ['demo-school', 'demo-county'],
  });
}, 120_000);

afterAll(async () => {
  await journey?.stop();
}, 60_000);

function clusterUrl(dataDir: string): string {
  const port = Number(fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[3]);
  const password = fs.readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim();
  return `postgres://peixun:${encodeURIComponent(password)}@127.0.0.1:${port}/peixun`;
}

/** Runs a step: its button, then the confirmation that says what will happen. */
async function step(page: Page, testId: string, status: string): Promise<void> {
  await (await visible(page.getByTestId(testId))).click();
  const confirm = await visible(page.locator('.ant-modal-confirm'));
  expect(await confirm.innerText()).toContain('不可撤回');
  await confirm.getByTestId('spot-check-step-confirm').click();
  await expect.poll(() => textOf(page.getByTestId('spot-check-status')), { timeout: STEP_TIMEOUT }).toBe(status);
}

test('a county spot-check: drafted, list and seed hash published, drawn and verified, results published and read by a school', async () => {
  const { newContext, logIn } = journey;
  const countyContext = await newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const schoolContext = await newContext({ viewport: { width: 1280, height: 900 } });
  const pageErrors: string[] = [];
  for (const c of [countyContext, schoolContext]) c.on('weberror', (e) => pageErrors.push(e.error().message));
  const db = new pg.Pool({ connectionString: clusterUrl(journey.dataDir), max: 2 });
  try {
    // ---- the county drafts a spot-check of 10 %, at least one per school
    const page = await countyContext.newPage();
    await logIn(page, 'demo-county');
    await page.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    await (await visible(page.getByTestId('nav-spot-checks'))).click();
    await page.waitForURL(/\/spot-checks$/, { timeout: STEP_TIMEOUT });
    await (await visible(page.getByTestId('spot-check-new'))).click();
    await (await visible(page.getByTestId('spot-check-title'))).fill(TITLE);
    await page.getByTestId('spot-check-save').click();
    await page.waitForURL(/\/spot-checks\/\d+$/, { timeout: STEP_TIMEOUT });
    const id = Number(page.url().split('/').pop());
    expect(await textOf(page.getByTestId('spot-check-status'))).toBe('草稿');

    // ---- publish the list and the seed's hash: the seed itself stays secret
    await step(page, 'spot-check-commit', '已公示名单与种子哈希');
    const seedHash = await textOf(page.getByTestId('spot-check-seed-hash'));
    expect(seedHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await textOf(page.getByTestId('spot-check-list-hash'))).toMatch(/^[0-9a-f]{64}$/);
    expect(await page.getByTestId('spot-check-seed').count()).toBe(0);
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: STEP_TIMEOUT }),
      page.getByTestId('spot-check-list-json').click(),
    ]);
    const listFile = path.join(journey.dataDir, `spot-check-${id}-list.json`);
    await download.saveAs(listFile);
    expect(JSON.parse(fs.readFileSync(listFile, 'utf8')).seedSha256).toBe(seedHash);

    // ---- draw: the seed is revealed, the drawn teachers listed per school
    await step(page, 'spot-check-draw', '已抽取');
    const seed = await textOf(page.getByTestId('spot-check-seed'));
    expect(seed).toMatch(/^[0-9a-f]{64}$/);
    expect(await textOf(page.getByTestId('spot-check-verify-command'))).toContain(
      `npx peixun draw verify --list spot-check-${id}-list.json`,
    );

    // ---- anyone holding the list published before the draw recomputes the same teachers
    const verify = await runCli(journey.dataDir, ['draw', 'verify', '--list', listFile, '--seed', seed]);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    const drawn = await db.query<{ teacher_id: number; org_path: string; name: string }>(
      `SELECT c.teacher_id, c.org_path, t.name FROM spot_check_candidate c JOIN teacher t ON t.id = c.teacher_id
       WHERE c.spot_check_id = $1 AND c.drawn ORDER BY c.teacher_id`,
      [id],
    );
    expect(drawn.rows.length).toBeGreaterThan(0);
    for (const d of drawn.rows) expect(verify.stdout).toContain(String(d.teacher_id));

    // ---- the unified exam's results, as the exam core writes them
    const organiser = await db.query<{ province_id: number; org_unit_id: number; org_path: string }>(
      'SELECT province_id, org_unit_id, org_path FROM spot_check WHERE id = $1',
      [id],
    );
    const o = organiser.rows[0]!;
    const exam = await db.query<{ id: number }>(
      `INSERT INTO exam (province_id, org_unit_id, org_path, title, target, spot_check_id, status, opens_at, closes_at,
                         duration_minutes, paper)
       VALUES ($1, $2, $3, '抽测统一考试', 'spot_check', $4, 'closed', now() - interval '2 days', now() - interval '1 day',
               60, '{"mode":"fixed","items":[]}') RETURNING id`,
      [o.province_id, o.org_unit_id, o.org_path, id],
    );
    for (const [i, d] of drawn.rows.entries()) {
      const composite = 40 + ((i * 37) % 60);
      await db.query(
        `INSERT INTO exam_result (exam_id, teacher_id, org_path, exam_score, composite, level, passed)
         VALUES ($1, $2, $3, $4, $4, $5, $6)`,
        [
          exam.rows[0]!.id,
          d.teacher_id,
          d.org_path,
          composite,
          composite >= 90 ? 'excellent' : composite >= 60 ? 'pass' : 'fail',
          composite >= 60,
        ],
      );
    }

    // ---- the county checks the results, then publishes them
    await page.reload();
    await visible(page.getByTestId('spot-check-results'));
    await step(page, 'spot-check-publish-results', '已公布成绩');
    await visible(page.getByTestId('spot-check-chart'));
    const firstUnit = page.getByTestId('spot-check-unit-results').locator('tbody tr.ant-table-row').first();
    expect(await textOf(firstUnit)).toMatch(/^1/);

    // ---- the school reads the results: its own teachers by name, best first
    const school = await schoolContext.newPage();
    await logIn(school, 'demo-school');
    await school.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    await (await visible(school.getByTestId('nav-spot-checks'))).click();
    await (await visible(school.getByTestId(`spot-check-link-${id}`))).click();
    await visible(school.getByTestId('spot-check-results'));
    expect(await school.getByTestId('spot-check-publish-results').count()).toBe(0);
    await school.getByRole('tab', { name: '个人成绩' }).click();
    const people = school.getByTestId('spot-check-person-results');
    await visible(people);
    const schoolPath = (
      await db.query<{ org_path: string }>(
        `SELECT u.path AS org_path FROM app_user a JOIN org_unit u ON u.id = a.org_unit_id WHERE a.username = 'demo-school'`,
      )
    ).rows[0]!.org_path;
    // at least one teacher of every school is drawn
    const own = drawn.rows.find((d) => d.org_path.startsWith(schoolPath));
    expect(own).toBeDefined();
    expect(await textOf(people)).toContain(own?.name);
    if (process.env['SPOT_CHECK_SHOTS']) {
      await page.screenshot({ path: '/tmp/spot-check-county.png', clip: { x: 0, y: 0, width: 1280, height: 800 } });
      await school.screenshot({ path: '/tmp/spot-check-school.png', fullPage: true });
    }
    const ranks = await people.locator('tbody tr.ant-table-row td:first-child').allInnerTexts();
    expect(ranks[0]).toBe('1');
    expect(pageErrors).toEqual([]);
  } finally {
    await db.end();
    await countyContext.close();
    await schoolContext.close();
  }
}, 240_000);
