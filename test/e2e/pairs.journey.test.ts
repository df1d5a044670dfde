import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { STEP_TIMEOUT, textOf, visible } from '../support/browser.js';
import { fitsWidth, PHONE, startDemoJourney, type DemoJourney } from '../support/journey.js';
import { embeddedClusterUrl } from '../support/server-process.js';

/**
 * Browser journey of a mentoring pair (师徒结对, R-40) against the real server with its demo data: the
 * demo teacher, on a phone, applies to be a mentee and leaves the mentor for the school to find; the
 * school admin finds the application on her home page, names a mentor of the school and recommends it;
 * the county admin registers it; the teacher writes and confirms the agreement on her phone and, once the
 * mentor has confirmed too, logs a lesson observation, which the school confirms.
 */

const PASSWORD = 'Pairs-journey-2468-ok';

let journey: DemoJourney;

beforeAll(async () => {
  journey = await startDemoJourney({
    dataDirPrefix: 'pairs-journey-',
    password: PASSWORD,
    accounts: ['demo-teacher', 'demo-school', 'demo-county'],
  });
}, 120_000);

afterAll(async () => {
  await journey?.stop();
}, 60_000);

test('a teacher applies on a phone, the school names a mentor and recommends, the county registers, the pair works', async () => {
  const { newContext, logIn, baseUrl } = journey;
  const db = new pg.Pool({ connectionString: embeddedClusterUrl(journey.dataDir), max: 2 });
  const pageErrors: string[] = [];
  try {
    // a colleague of the demo teacher at her school, to be her mentor
    const mentor = (
      await db.query<{ id: string; name: string }>(
        `SELECT t.id, t.name FROM teacher t JOIN app_user u ON u.org_unit_id = t.org_unit_id
          WHERE u.username = 'demo-teacher' AND (t.user_id IS NULL OR t.user_id <> u.id) ORDER BY t.id LIMIT 1`,
      )
    ).rows[0]!;

    // ---- the teacher applies on her phone, asking the school to find a mentor
    const phone = await newContext(PHONE);
    phone.on('weberror', (e) => pageErrors.push(e.error().message));
    const tp = await phone.newPage();
    await logIn(tp, 'demo-teacher');
    await tp.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    await tp.goto(`${baseUrl}/me/pairs`);
    await (await visible(tp.getByTestId('pair-apply'))).click();
    await (await visible(tp.getByTestId('pair-apply-note'))).fill('希望在课堂管理方面得到指导');
    await tp.getByTestId('pair-apply-ok').click();
    await tp.waitForURL(/\/me\/pairs\/\d+$/, { timeout: STEP_TIMEOUT });
    const pairId = Number(/\/me\/pairs\/(\d+)$/.exec(tp.url())![1]);
    expect(await textOf(await visible(tp.getByTestId('pair-status')))).toBe('待学校推荐');
    expect(await fitsWidth(tp)).toBe(true);

    // ---- the school admin sees it waiting on her home page, names the mentor and recommends
    const desk = await newContext({ viewport: { width: 1280, height: 900 } });
    desk.on('weberror', (e) => pageErrors.push(e.error().message));
    const sp = await desk.newPage();
    await logIn(sp, 'demo-school');
    await sp.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    const todo = await visible(sp.getByTestId('todo-pair_recommend'));
    await todo.getByTestId('todo-link').click();
    await sp.waitForURL(/\/programmes\/pairs\?status=applied$/, { timeout: STEP_TIMEOUT });
    await (await visible(sp.getByTestId(`pair-link-${pairId}`))).click();
    await (await visible(sp.getByTestId('pair-recommend'))).click();
    await (await visible(sp.getByTestId('pair-recommend-partner'))).click();
    await sp.keyboard.type(mentor.name);
    await (
      await visible(
        sp.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: mentor.name }).first(),
      )
    ).click();
    await sp.getByTestId('pair-recommend-ok').click();
    await expect.poll(() => textOf(sp.getByTestId('pair-status')), { timeout: STEP_TIMEOUT }).toBe('待县区审核');
    await sp.close();

    // ---- the county registers it, after a confirmation saying what happens
    const county = await newContext({ viewport: { width: 1280, height: 900 } });
    county.on('weberror', (e) => pageErrors.push(e.error().message));
    const cp = await county.newPage();
    await logIn(cp, 'demo-county');
    await cp.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    await visible(cp.getByTestId('todo-pair_register'));
    await cp.goto(`${baseUrl}/programmes/pairs/${pairId}`);
    await (await visible(cp.getByTestId('pair-register'))).click();
    await (await visible(cp.getByTestId('pair-step-confirm'))).click();
    await expect
      .poll(() => textOf(cp.getByTestId('pair-status')), { timeout: STEP_TIMEOUT })
      .toBe('已登记（待签协议）');

    // ---- the teacher writes the agreement and confirms it on her phone
    await tp.reload();
    await (await visible(tp.getByTestId('pair-agreement-edit'))).click();
    await (await visible(tp.getByTestId('pair-goals'))).fill('一年内站稳讲台');
    await tp.getByTestId('pair-plan').fill('每月听师傅两节课，共同备课一次');
    // the term in the phone's own date fields: from today, for a year
    const day = (offset: number) =>
      new Date(Date.now() + 8 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);
    await tp.getByTestId('pair-term-start').fill(day(0));
    await tp.getByTestId('pair-term-end').fill(day(365));
    await tp.getByTestId('pair-agreement-save').click();
    await (await visible(tp.getByTestId('pair-confirm'))).click();
    await (await visible(tp.getByTestId('pair-step-confirm'))).click();
    await expect.poll(() => tp.getByTestId('pair-confirm').count(), { timeout: STEP_TIMEOUT }).toBe(0);
    expect(await fitsWidth(tp)).toBe(true);

    // the mentor confirms in his turn (he has no account in the demo data: written as the server would)
    await db.query(`UPDATE pair SET mentor_confirmed_at = now(), status = 'active' WHERE id = $1`, [pairId]);

    // ---- the teacher logs a lesson observation; the school confirms it
    await tp.reload();
    await (await visible(tp.getByTestId('pair-log-activity'))).click();
    await (await visible(tp.getByTestId('pair-activity-note'))).fill(`听${mentor.name}老师《分数的意义》一课`);
    await tp.getByTestId('pair-activity-save').click();
    const activities = tp.getByTestId('pair-activities');
    await expect.poll(() => activities.innerText(), { timeout: STEP_TIMEOUT }).toContain('分数的意义');
    expect(await activities.innerText()).toContain('待确认');
    expect(await fitsWidth(tp)).toBe(true);

    await cp.close();
    // the school admin is still logged in on her computer
    const sp2 = await desk.newPage();
    await sp2.goto(`${baseUrl}/programmes/pairs/${pairId}`);
    await (await visible(sp2.locator('[data-testid^="pair-activity-confirm-"]').first())).click();
    await expect
      .poll(() => sp2.getByTestId('pair-activities').innerText(), { timeout: STEP_TIMEOUT })
      .toContain('已确认');
    const audit = await db.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE target_type = 'pair' AND target_id = $1 AND outcome = 'success'`,
      [String(pairId)],
    );
    expect(audit.rows.map((r) => r.action)).toEqual(
      expect.arrayContaining(['pair.create', 'pair.recommend', 'pair.register', 'pair.agreement', 'pair.confirm']),
    );
    expect(pageErrors).toEqual([]);
  } finally {
    await db.end();
  }
}, 240_000);
