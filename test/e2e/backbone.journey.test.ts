import pg from 'pg';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { STEP_TIMEOUT, textOf, visible } from '../support/browser.js';
import { type DemoJourney, startDemoJourney } from '../support/journey.js';
import type { HttpSession } from '../support/server-process.js';
import { embeddedClusterUrl } from '../support/server-process.js';

/**
 * Browser journey of a county backbone teacher round (骨干教师, R-41) on the demo data: the county admin
 * opens a county round with one place for 桦甸市第一实验小学 and names a panel of three (the county admin,
 * the school admin, the trainer 陈立军); the school admin, told by a to-do, nominates 赵雪 with a statement
 * and a certificate; the county closes nominations; the three panel members score; the county publishes
 * the list with its scorecard (raw scores by anonymous judge, the mean); the school objects to the line,
 * the county answers the objection, and once the period is over finalises the notice; 赵雪's record then
 * carries the county level and her training archive lists the title.
 */

const PASSWORD = 'Backbone-journey-2468';
const SCHOOL = '桦甸市第一实验小学';
const TEACHER = '赵雪';
const HOUR = 3_600_000;

let journey: DemoJourney<'demo-county' | 'demo-school'>;

beforeAll(async () => {
  journey = await startDemoJourney({
    dataDirPrefix: 'peixun-backbone-journey-',
    password: PASSWORD,
    accounts: ['demo-county', 'demo-school', 'demo-trainer', 'demo-teacher'],
    sessions: ['demo-county', 'demo-school'],
  });
}, 120_000);

afterAll(async () => {
  await journey?.stop();
}, 60_000);

/** A call of the API as one of the journey's sessions (the public notice's own pages are the publicity part's). */
async function api(s: HttpSession, method: string, url: string, body?: unknown) {
  const res = await fetch(`${journey.baseUrl}${url}`, {
    method,
    headers: {
      cookie: s.cookie,
      ...(method === 'GET' ? {} : { 'x-csrf-token': s.csrf }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, text };
}

/** Picks an option of an antd select by typing part of its label. */
async function pick(page: Page, testId: string, typed: string, option: string | RegExp) {
  await (await visible(page.getByTestId(testId))).click();
  await page.keyboard.type(typed);
  await (
    await visible(page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option }))
  ).click();
}

/** A panel member's score of the one nomination on the round's page. */
async function score(page: Page, nominationId: number, value: number, comment: string) {
  await (await visible(page.getByTestId(`backbone-score-${nominationId}`))).fill(String(value));
  await page.getByTestId(`backbone-score-comment-${nominationId}`).fill(comment);
  await page.getByTestId(`backbone-score-save-${nominationId}`).click();
  await visible(page.locator('.ant-message-success', { hasText: '评分已保存' }));
}

test('a school nominates a teacher to a county round, three judges score, the list is published and the title certified', async () => {
  const { newContext, logIn, sessions } = journey;
  const countyCtx = await newContext({ viewport: { width: 1366, height: 900 } });
  const schoolCtx = await newContext({ viewport: { width: 1366, height: 900 } });
  const trainerCtx = await newContext({ viewport: { width: 1280, height: 800 } });
  const teacherCtx = await newContext({ viewport: { width: 1280, height: 800 } });
  const pageErrors: string[] = [];
  for (const c of [countyCtx, schoolCtx, trainerCtx, teacherCtx])
    c.on('weberror', (e) => pageErrors.push(e.error().message));
  const db = new pg.Pool({ connectionString: embeddedClusterUrl(journey.dataDir), max: 2 });
  const today = new Date(Date.now() + 8 * HOUR).toISOString().slice(0, 10);
  const deadline = new Date(Date.now() + 8 * HOUR + 14 * 24 * HOUR).toISOString().slice(0, 10);
  try {
    // ---- the county opens a county round: one place for the school, 3-year term, default duties
    const county = await countyCtx.newPage();
    await logIn(county, 'demo-county');
    await county.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    await (await visible(county.getByTestId('nav-backbone'))).click();
    await county.waitForURL(/\/programmes\/backbone$/, { timeout: STEP_TIMEOUT });
    await (await visible(county.getByTestId('backbone-round-new'))).click();
    await (await visible(county.getByTestId('backbone-round-title'))).fill(
      `${today.slice(0, 4)}年桦甸市县级骨干教师评选`,
    );
    await county.getByTestId('backbone-round-criteria').fill('师德高尚，近三年承担县级以上公开课或课题');
    await county.getByTestId('backbone-round-deadline').click();
    await county.keyboard.type(deadline);
    await county.keyboard.press('Enter');
    const quotaRow = await visible(county.locator('.ant-modal .ant-table-row', { hasText: SCHOOL }));
    await quotaRow.locator('input').fill('1');
    await county.getByTestId('backbone-round-save').click();
    await county.waitForURL(/\/programmes\/backbone\/\d+$/, { timeout: STEP_TIMEOUT });
    const roundId = Number(/\/(\d+)$/.exec(county.url())![1]);
    expect(await textOf(county.getByTestId('backbone-round-status'))).toBe('推荐中');
    expect(await county.locator('body').innerText()).toContain('每年至少公开课 1 节、论文 1 篇');

    // ---- the panel: three named accounts of the county
    for (const [typed, label] of [
      ['张志强', /张志强/],
      ['刘海燕', /刘海燕/],
      ['陈立军', /陈立军/],
    ] as const)
      await pick(county, 'backbone-panel-select', typed, label);
    await county.keyboard.press('Escape');
    await county.getByTestId('backbone-panel-save').click();
    await visible(county.locator('.ant-message-success', { hasText: '评审组已更新' }));

    // ---- the school: a to-do leads to the round; it nominates 赵雪 with a statement and a certificate
    const school = await schoolCtx.newPage();
    await logIn(school, 'demo-school');
    await (await visible(school.getByTestId('todo-backbone_nominate'))).getByTestId('todo-link').click();
    await school.waitForURL(/\/programmes\/backbone$/, { timeout: STEP_TIMEOUT });
    await (await visible(school.getByTestId(`backbone-round-link-${roundId}`))).click();
    await school.waitForURL(new RegExp(`/programmes/backbone/${roundId}$`), { timeout: STEP_TIMEOUT });
    await (await visible(school.getByTestId('backbone-nominate'))).click();
    await pick(school, 'backbone-nominate-teacher', TEACHER, new RegExp(`^${TEACHER} · ${SCHOOL}`));
    await school
      .getByTestId('backbone-nominate-statement')
      .fill('主持县级课题一项，承担县级公开课两节，所带班级成绩优良。');
    await school.getByTestId('backbone-nominate-save').click();
    const nominations = await visible(school.getByTestId('backbone-nominations-table'));
    await expect.poll(() => nominations.innerText(), { timeout: STEP_TIMEOUT }).toContain(TEACHER);
    const nominationId = Number(
      (await db.query<{ id: string }>('SELECT id FROM backbone_nomination WHERE round_id = $1', [roundId])).rows[0]!.id,
    );
    await school
      .getByTestId('backbone-nominations-table')
      .locator('input[type=file]')
      .setInputFiles({
        name: '县级公开课证书.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from('%PDF-1.4\n% 证书\n'),
      });
    await expect.poll(() => nominations.innerText(), { timeout: STEP_TIMEOUT }).toContain('县级公开课证书.pdf');
    // the school's one place is used: a second teacher is refused with the reason
    const other = (
      await db.query<{ id: string }>(
        'SELECT t.id FROM teacher t JOIN org_unit o ON o.id = t.org_unit_id WHERE o.name = $1 AND t.name <> $2 LIMIT 1',
        [SCHOOL, TEACHER],
      )
    ).rows[0]!;
    const refused = await api(sessions['demo-school'], 'POST', `/api/backbone/rounds/${roundId}/nominations`, {
      teacherId: Number(other.id),
      statement: '第二名',
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('推荐名额已用完');

    // ---- the county closes nominations; the three judges score
    await county.reload();
    await (await visible(county.getByTestId('backbone-close'))).click();
    await (await visible(county.getByTestId('backbone-step-confirm'))).click();
    await expect
      .poll(() => textOf(county.getByTestId('backbone-round-status')), { timeout: STEP_TIMEOUT })
      .toBe('评审中');
    await score(county, nominationId, 90, '业绩突出');
    await school.reload();
    await score(school, nominationId, 84, '示范作用明显');
    const trainer = await trainerCtx.newPage();
    await logIn(trainer, 'demo-trainer');
    await (await visible(trainer.getByTestId('nav-my-backbone'))).click();
    await (await visible(trainer.getByTestId(`backbone-panel-round-${roundId}`))).click();
    await trainer.waitForURL(new RegExp(`/programmes/backbone/${roundId}$`), { timeout: STEP_TIMEOUT });
    await score(trainer, nominationId, 87, '课堂教学扎实');

    // ---- the ranking: anonymous judges, the mean of three (too few to drop any); publish the list
    await county.reload();
    const ranking = await visible(county.getByTestId('backbone-ranking-table'));
    await expect.poll(() => ranking.innerText(), { timeout: STEP_TIMEOUT }).toContain('87');
    const rankingText = await ranking.innerText();
    for (const label of ['评委1 90', '评委2 84', '评委3 87']) expect(rankingText).toContain(label);
    expect(rankingText).not.toContain('陈立军');
    await county.getByTestId('backbone-publish').click();
    const confirm = await visible(county.locator('.ant-modal-confirm'));
    expect(await confirm.innerText()).toContain('公示 5 个工作日');
    await confirm.getByTestId('backbone-publish-confirm').click();
    await visible(county.getByTestId('backbone-publicity-link'));
    expect(await textOf(county.getByTestId('backbone-round-status'))).toBe('公示中');
    const publicityId = Number(
      (
        await db.query<{ id: string }>("SELECT id FROM publicity WHERE kind = 'backbone_round' AND source_id = $1", [
          roundId,
        ])
      ).rows[0]!.id,
    );

    // ---- the public notice: the school reads the scorecard and objects to the line, naming the step
    await school.reload();
    await (await visible(school.getByTestId('backbone-publicity-link'))).click();
    await school.waitForURL(new RegExp(`/publicity/${publicityId}$`), { timeout: STEP_TIMEOUT });
    const card = await visible(school.getByTestId('scorecard-1'));
    const cardText = await card.innerText();
    for (const label of ['评委1', '评委2', '评委3', '87']) expect(cardText).toContain(label);
    expect(await textOf(school.getByTestId('publicity-item-1'))).toContain(TEACHER);
    await school.getByTestId('object-1').click();
    await (await visible(school.getByTestId('objection-body'))).fill('评委2的评分与其他评委差距较大，请核实。');
    await school.getByTestId('objection-submit').click();
    const objections = () =>
      db.query<{ id: string }>('SELECT id FROM publicity_objection WHERE publicity_id = $1', [publicityId]);
    await expect.poll(async () => (await objections()).rows.length, { timeout: STEP_TIMEOUT }).toBe(1);
    const objectionId = Number((await objections()).rows[0]!.id);
    await visible(school.getByTestId(`objection-${objectionId}`));

    // ---- the county answers it (dismissed: the line stays)
    await (await visible(county.getByTestId('backbone-publicity-link'))).click();
    await county.waitForURL(new RegExp(`/publicity/${publicityId}$`), { timeout: STEP_TIMEOUT });
    await (await visible(county.getByTestId(`dismiss-${objectionId}`))).click();
    await (await visible(county.getByTestId('answer-modal-text'))).fill(
      '经核实，三位评委独立评分，评分在正常范围内，维持原结果。',
    );
    await county.getByTestId('answer-modal-ok').click();
    await expect
      .poll(() => textOf(county.getByTestId(`answer-${objectionId}`)), { timeout: STEP_TIMEOUT })
      .toContain('维持原结果');
    // the period of five working days is over (moved here rather than waited for); the county finalises
    await db.query(
      "UPDATE publicity SET starts_at = now() - interval '8 days', ends_at = now() - interval '1 hour' WHERE id = $1",
      [publicityId],
    );
    await county.reload();
    await (await visible(county.getByTestId('publicity-finalise'))).click();
    await (await visible(county.locator('.ant-modal-confirm .ant-btn-primary'))).click();
    await expect
      .poll(
        async () =>
          (await db.query<{ status: string }>('SELECT status FROM publicity WHERE id = $1', [publicityId])).rows[0]!
            .status,
        { timeout: STEP_TIMEOUT },
      )
      .toBe('finalised');
    await county.goto(`${journey.baseUrl}/programmes/backbone/${roundId}`);
    await expect
      .poll(() => textOf(county.getByTestId('backbone-round-status')), { timeout: STEP_TIMEOUT })
      .toBe('已认定');

    // ---- the title: in the county's list, on the teacher's record, and in her training archive
    await county.goto(`${journey.baseUrl}/programmes/backbone?tab=titles`);
    const titles = await visible(county.getByTestId('backbone-titles-table'));
    await expect.poll(() => titles.innerText(), { timeout: STEP_TIMEOUT }).toContain(TEACHER);
    expect(await titles.innerText()).toContain('县级');
    const level = await db.query<{ backbone_level: string }>(
      'SELECT t.backbone_level FROM teacher t JOIN org_unit o ON o.id = t.org_unit_id WHERE t.name = $1 AND o.name = $2',
      [TEACHER, SCHOOL],
    );
    expect(level.rows[0]!.backbone_level).toBe('county');
    const teacher = await teacherCtx.newPage();
    await logIn(teacher, 'demo-teacher');
    await (await visible(teacher.getByTestId('nav-my-backbone'))).click();
    const mine = await visible(teacher.getByTestId('my-backbone-page'));
    await expect.poll(() => mine.innerText(), { timeout: STEP_TIMEOUT }).toContain('县级骨干教师 · 桦甸市');
    await (await visible(teacher.getByTestId('nav-my-archive'))).click();
    const archive = await visible(teacher.getByTestId('archive-section-titles'));
    const archiveText = await archive.innerText();
    expect(archiveText).toContain('桦甸市');
    expect(archiveText).toMatch(/县级/);
    expect(pageErrors).toEqual([]);
  } finally {
    await db.end();
    for (const c of [countyCtx, schoolCtx, trainerCtx, teacherCtx]) await c.close();
  }
}, 300_000);
