import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { STEP_TIMEOUT, textOf, visible } from '../support/browser.js';
import { type DemoJourney, startDemoJourney } from '../support/journey.js';
import { embeddedClusterUrl } from '../support/server-process.js';

/**
 * Browser journey of a county admin connecting a learning platform (学习记录接口): the client is
 * created with its secret shown once, the platform's statements about a person nobody recognised wait
 * in 待匹配学习记录 (and on the home page), the admin rejects the group it reported (a group can only be
 * rejected, the confirmation naming it and the platform) and maps that person to a teacher of the county,
 * and finally revokes the credentials, after which the platform is refused.
 */

const PASSWORD = 'Lrs-journey-2468-ok';
const PLATFORM = '智慧研修平台';

let journey: DemoJourney;

beforeAll(async () => {
  journey = await startDemoJourney({
    dataDirPrefix: 'peixun-lrs-journey-',
    password: PASSWORD,
    accounts: ['demo-county'],
  });
}, 120_000);

afterAll(async () => {
  await journey?.stop();
}, 60_000);

test('a county connects a platform, maps the person it reported to a teacher, and revokes it', async () => {
  const { newContext, logIn, baseUrl } = journey;
  const context = await newContext({ viewport: { width: 1280, height: 900 } });
  const pageErrors: string[] = [];
  context.on('weberror', (e) => pageErrors.push(e.error().message));
  const db = new pg.Pool({ connectionString: embeddedClusterUrl(journey.dataDir), max: 2 });
  try {
    const page = await context.newPage();
    await logIn(page, 'demo-county');
    await page.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });

    // ---- create the client: endpoint, key and the secret, shown once
    await (await visible(page.getByTestId('nav-lrs-clients'))).click();
    await page.waitForURL(/\/lrs\/clients$/, { timeout: STEP_TIMEOUT });
    await (await visible(page.getByTestId('lrs-client-new'))).click();
    await (await visible(page.getByTestId('lrs-client-name'))).fill(PLATFORM);
    await page.getByTestId('lrs-identity-mbox').click();
    await page.getByTestId('lrs-client-submit').click();
    const secret = await textOf(await visible(page.getByTestId('lrs-secret')));
    const key = await textOf(page.getByTestId('lrs-key'));
    expect(key).toMatch(/^[a-z0-9]{20}$/);
    expect(secret.length).toBeGreaterThanOrEqual(40);
    expect(await textOf(page.getByTestId('lrs-endpoint'))).toBe(`${baseUrl}/xapi/`);
    await page.getByTestId('lrs-client-done').click();
    const table = await visible(page.getByTestId('lrs-clients-table'));
    await expect.poll(() => table.innerText(), { timeout: STEP_TIMEOUT }).toContain(PLATFORM);
    expect(await page.locator('body').innerText()).not.toContain(secret);
    const auth = `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
    const xapi = () =>
      fetch(`${baseUrl}/xapi/nothing-here`, {
        headers: { authorization: auth, 'x-experience-api-version': '2.0.0' },
      }).then((r) => r.status);
    expect(await xapi()).toBe(404);

    // ---- the platform posts statements about a person with an e-mail nobody here has
    const client = (
      await db.query<{ id: string; org_path: string }>('SELECT id, org_path FROM lrs_client WHERE api_key = $1', [key])
    ).rows[0]!;
    const actor = { objectType: 'Agent', name: '周老师', mbox: 'mailto:zhou@yx.example.cn' };
    const posted = await fetch(`${baseUrl}/xapi/statements`, {
      method: 'POST',
      headers: { authorization: auth, 'x-experience-api-version': '2.0.0', 'content-type': 'application/json' },
      body: JSON.stringify(
        [1, 2].map((n) => ({
          actor,
          verb: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { 'zh-CN': '完成' } },
          object: { objectType: 'Activity', id: `https://yx.example.cn/course/${n}` },
        })),
      ),
    });
    expect(posted.status, await posted.clone().text()).toBe(200);
    // and a group, which no one teacher can stand for
    const group = {
      objectType: 'Group',
      name: '数学教研组',
      member: [{ mbox: 'mailto:a@yx.example.cn' }, { mbox: 'mailto:b@yx.example.cn' }],
    };
    const groupPosted = await fetch(`${baseUrl}/xapi/statements`, {
      method: 'POST',
      headers: { authorization: auth, 'x-experience-api-version': '2.0.0', 'content-type': 'application/json' },
      body: JSON.stringify({
        actor: group,
        verb: { id: 'http://adlnet.gov/expapi/verbs/attended', display: { 'zh-CN': '参加' } },
        object: { objectType: 'Activity', id: 'https://yx.example.cn/workshop/1' },
      }),
    });
    expect(groupPosted.status, await groupPosted.clone().text()).toBe(200);
    const actorIfi = (
      await db.query<{ actor_ifi: string }>(
        "SELECT DISTINCT actor_ifi FROM xapi_statement WHERE client_id = $1 AND body::jsonb->'actor'->>'mbox' IS NOT NULL",
        [client.id],
      )
    ).rows.map((r) => r.actor_ifi);
    const groupIfi =
      (
        await db.query<{ actor_ifi: string | null }>(
          "SELECT actor_ifi FROM xapi_statement WHERE client_id = $1 AND body::jsonb->'actor'->>'objectType' = 'Group'",
          [client.id],
        )
      ).rows[0]!.actor_ifi ?? ''; // an anonymous group has no identifier; the queue lists it under ''
    expect(actorIfi).toHaveLength(1);
    const teacher = (
      await db.query<{ id: string; name: string }>(
        `SELECT t.id, t.name FROM teacher t WHERE t.org_path LIKE $1 || '%'
          AND (SELECT count(*) FROM teacher u WHERE u.name = t.name) = 1 ORDER BY t.id LIMIT 1`,
        [client.org_path],
      )
    ).rows[0]!;

    // ---- the home page says records wait; the queue shows the person once, with the count
    await (await visible(page.getByTestId('nav-home'))).click();
    await (await visible(page.getByTestId('todo-lrs_review'))).getByTestId('todo-link').click();
    await page.waitForURL(/\/lrs\/review$/, { timeout: STEP_TIMEOUT });
    const rowKey = `${client.id}|${actorIfi[0]}`;
    const queue = await visible(page.getByTestId('lrs-review-table'));
    await expect.poll(() => queue.innerText(), { timeout: STEP_TIMEOUT }).toContain('周老师');
    expect(await queue.innerText()).toContain(PLATFORM);
    // the verb is named as the platform named it
    expect(await queue.innerText()).toContain('完成');
    // the group can only be rejected, and the confirmation names it and the platform
    const groupKey = `${client.id}|${groupIfi}`;
    expect(await page.getByTestId(`lrs-map-${groupKey}`).count()).toBe(0);
    expect(await textOf(page.getByTestId(`lrs-unmappable-${groupKey}`))).toContain('只能驳回');
    await page.getByTestId(`lrs-reject-${groupKey}`).click();
    const rejecting = await visible(page.locator('.ant-modal-confirm'));
    expect(await rejecting.innerText()).toContain(`驳回“数学教研组”在“${PLATFORM}”的 1 条学习记录？`);
    expect(await rejecting.innerText()).toContain('不能撤销');
    await rejecting.getByTestId('lrs-reject-ok').click();
    await expect.poll(() => page.getByTestId(`lrs-reject-${groupKey}`).count(), { timeout: STEP_TIMEOUT }).toBe(0);
    await page.getByTestId(`lrs-map-${rowKey}`).click();
    await (await visible(page.getByTestId('lrs-map-teacher'))).click();
    await page.keyboard.type(teacher.name);
    await (
      await visible(page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: teacher.name }))
    ).click();
    await page.getByTestId('lrs-map-ok').click();
    await expect.poll(() => page.getByTestId(`lrs-map-${rowKey}`).count(), { timeout: STEP_TIMEOUT }).toBe(0);
    // the message names the teacher and says the records now count by the mapping rules
    await visible(
      page.locator('.ant-message-success', {
        hasText: `已将 2 条学习记录对应到${teacher.name}，将按学时转换规则计入学时`,
      }),
    );
    const stored = await db.query<{ match_status: string; teacher_id: string }>(
      'SELECT match_status, teacher_id FROM xapi_statement WHERE client_id = $1 AND actor_ifi = $2',
      [client.id, actorIfi[0]],
    );
    expect(stored.rows.map((r) => [r.match_status, String(r.teacher_id)])).toEqual([
      ['matched', String(teacher.id)],
      ['matched', String(teacher.id)],
    ]);
    const remembered = await db.query('SELECT teacher_id FROM lrs_actor_mapping WHERE client_id = $1', [client.id]);
    expect(remembered.rows.map((r) => String(r.teacher_id))).toEqual([String(teacher.id)]);

    // ---- revoke: the confirmation says the reports are refused at once, and they are
    await (await visible(page.getByTestId('nav-lrs-clients'))).click();
    await page.waitForURL(/\/lrs\/clients$/, { timeout: STEP_TIMEOUT });
    await (await visible(page.getByTestId(`lrs-revoke-${client.id}`))).click();
    const confirm = await visible(page.locator('.ant-modal-confirm'));
    expect(await confirm.innerText()).toContain('立即被拒绝');
    await confirm.getByTestId('lrs-revoke-ok').click();
    await expect.poll(() => page.getByTestId(`lrs-revoke-${client.id}`).count(), { timeout: STEP_TIMEOUT }).toBe(0);
    expect(await xapi()).toBe(401);
    expect(pageErrors).toEqual([]);
  } finally {
    await db.end();
    await context.close();
  }
}, 180_000);
