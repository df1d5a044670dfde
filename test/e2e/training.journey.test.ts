import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { STEP_TIMEOUT, textOf, visible } from '../support/browser.js';
import { fitsWidth, PHONE, startDemoJourney, type DemoJourney } from '../support/journey.js';
import type { HttpSession } from '../support/server-process.js';

/**
 * Browser journey through a county training project (issue 5) against the real server process with
 * its demo data (built web UI in web/dist): the county admin of 桦甸市 creates a project, picks its
 * course from the county's catalogue, adds one class and one session of today whose check-in is open now, and opens it for registration; 赵雪, on
 * a phone, enrols and finds the session in her timetable; she opens the check-in address of the QR
 * code the county admin's screen shows and is checked in, while a tampered code and one of an
 * earlier window are refused; her school nominates a colleague who never comes; the county admin
 * opens the close dialog, which shows who completes (赵雪) and who does not (the colleague, with the
 * reason), and closes the class while its session is still on, giving the reason for closing early;
 * the code stops working, the QR page says the class is closed, 赵雪's phone no longer offers 退出
 * nor lists the session as 待上课, and the project closes with its only class; the project's hours
 * reach 赵雪's total and her list of entries; she answers the class's satisfaction survey on the
 * phone, and the county sees the count but not her words (fewer than 3 answers).
 */

const PASSWORD = 'Training-journey-2468';
const TEACHER_NAME = '赵雪';
const PROJECT_TITLE = '桦甸市小学教师课堂教学能力提升培训';
const CLASS_NAME = '第一期（城区）';
const PLACE = '桦甸市教师进修学校 三楼报告厅';
const HOURS = 12;
const HOUR = 3_600_000;

const EARLY_REASON = '天气原因，下午的课程改为线上自学';

let journey: DemoJourney<'demo-county' | 'demo-teacher' | 'demo-school'>;

async function api<T>(s: HttpSession, url: string, body?: unknown): Promise<T> {
  const res = await fetch(`${journey.baseUrl}${url}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      accept: 'application/json',
      cookie: s.cookie,
      'x-csrf-token': s.csrf,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(STEP_TIMEOUT),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${body === undefined ? 'GET' : 'POST'} ${url}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

beforeAll(async () => {
  journey = await startDemoJourney({
    dataDirPrefix: 'peixun-training-journey-',
    password: PASSWORD,
    accounts: ['demo-county', 'demo-teacher', 'demo-school'],
    sessions: ['demo-county', 'demo-teacher', 'demo-school'],
  });
}, 120_000);

afterAll(async () => {
  await journey?.stop();
}, 60_000);

/** A time as the pickers write it in China Standard Time: "2026-05-04 09:30". */
const chinaMinute = (ms: number) => new Date(ms + 8 * HOUR).toISOString().slice(0, 16).replace('T', ' ');

/** Types both ends of a RangePicker with time, as a user does (Enter takes each end). */
async function typeRange(picker: Locator, from: string, until: string): Promise<void> {
  const inputs = picker.locator('input');
  await inputs.nth(0).click();
  await inputs.nth(0).fill(from);
  await inputs.nth(0).press('Enter');
  await inputs.nth(1).fill(until);
  await inputs.nth(1).press('Enter');
  await expect.poll(() => inputs.nth(0).inputValue(), { timeout: STEP_TIMEOUT }).toBe(from);
  await expect.poll(() => inputs.nth(1).inputValue(), { timeout: STEP_TIMEOUT }).toBe(until);
}

/** The teacher's phone menu. */
async function goVia(page: Page, nav: string, path: RegExp): Promise<void> {
  await (await visible(page.getByTestId('nav-drawer-open'))).click();
  await (await visible(page.getByTestId(nav))).click();
  await page.waitForURL(path, { timeout: STEP_TIMEOUT });
  await page.locator('.nav-drawer').waitFor({ state: 'hidden', timeout: STEP_TIMEOUT });
}

test('a county project: created and opened, a teacher enrols on a phone, checks in by QR code, the class closes and the hours count', async () => {
  const {
    baseUrl,
    newContext,
    logIn,
    sessions: { 'demo-teacher': teacher, 'demo-school': school, 'demo-county': county },
  } = journey;
  // 赵雪 (primary school) must meet the project's conditions: primary stage, at least 1 year of teaching
  const me = await api<{
    teacher: { name: string; stage: string; teachingStartYear: number | null; orgUnitId: number; orgUnitName: string };
  }>(teacher, '/api/me/teacher');
  const year = Number(new Date(Date.now() + 8 * HOUR).toISOString().slice(0, 4));
  expect(me.teacher.name).toBe(TEACHER_NAME);
  expect(me.teacher.stage).toBe('primary');
  expect(year - (me.teacher.teachingStartYear ?? year)).toBeGreaterThanOrEqual(1);

  // one session today whose check-in is open now: from half an hour ago (not before midnight) for two hours
  const now = Date.now();
  const todayStart = Date.parse(`${new Date(now + 8 * HOUR).toISOString().slice(0, 10)}T00:00:00+08:00`);
  const startsAt = Math.max(Math.floor((now - HOUR / 2) / 60_000) * 60_000, todayStart);
  const session = {
    from: chinaMinute(startsAt),
    until: chinaMinute(startsAt + 3 * HOUR),
    checkinUntil: chinaMinute(startsAt + 2 * HOUR),
  };

  // both devices run on UTC: what they type and show is China time all the same
  const admin = await newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'UTC' });
  const phone = await newContext({ ...PHONE, timezoneId: 'UTC' });
  // no page may throw along the way
  const pageErrors: string[] = [];
  for (const context of [admin, phone]) context.on('weberror', (e) => pageErrors.push(e.error().message));
  try {
    // ---- (a) the county admin creates the project, its class and its session, and opens it
    const page = await admin.newPage();
    await logIn(page, 'demo-county');
    await page.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    await (await visible(page.getByTestId('nav-training'))).click();
    await page.waitForURL(/\/training$/, { timeout: STEP_TIMEOUT });
    await (await visible(page.getByTestId('new-project'))).click();
    const projectModal = await visible(page.locator('.ant-modal', { hasText: '新建培训项目' }));
    // the organiser is the admin's county, at county level, this year
    expect(await textOf(projectModal.locator('.ant-form-item', { hasText: '主办单位' }))).toContain('桦甸市');
    expect(await textOf(projectModal.locator('.ant-form-item', { hasText: '级别' }).first())).toContain('县培');
    await projectModal.getByTestId('project-title').fill(PROJECT_TITLE);
    await projectModal.locator('#hours').fill(String(HOURS));
    // 教龄满 1 年 is the form's default; primary school teachers only
    expect(await projectModal.locator('#minServiceYears').inputValue()).toBe('1');
    await projectModal.locator('#stages').click();
    await (
      await visible(page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: /^小学$/ }))
    ).click();
    await projectModal.locator('.ant-modal-title').click();
    await projectModal.locator('.ant-modal-footer .ant-btn-primary').click();
    await visible(page.locator('.ant-message', { hasText: '培训项目已创建（草稿）' }));
    await page.waitForURL(/\/training\/\d+$/, { timeout: STEP_TIMEOUT });
    const projectUrl = page.url();
    const header = page.locator('.ant-card-head', { hasText: PROJECT_TITLE }).first();
    expect(await textOf(header)).toContain('草稿');

    // the course it teaches comes from the county's catalogue, found by searching its title
    await page.getByTestId('pick-courses').click();
    const coursesModal = await visible(page.locator('.ant-modal', { hasText: '选择项目课程' }));
    await coursesModal.getByTestId('project-courses').click();
    await page.keyboard.type('心理健康');
    await (
      await visible(
        page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '中小学心理健康教育' }),
      )
    ).click();
    await coursesModal.locator('.ant-modal-title').click();
    await coursesModal.locator('.ant-modal-footer .ant-btn-primary').click();
    await visible(page.locator('.ant-message', { hasText: '已保存，项目共 1 门课程' }));
    expect(await textOf(page.locator('.ant-descriptions-item', { hasText: '课程' }).first())).toContain(
      '中小学心理健康教育',
    );

    await page.getByTestId('new-class').click();
    const classModal = await visible(page.locator('.ant-modal', { hasText: '新建班次' }));
    await classModal.getByTestId('class-name').fill(CLASS_NAME);
    await classModal.locator('.ant-modal-footer .ant-btn-primary').click();
    await classModal.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT });
    await visible(page.getByRole('tab', { name: `${CLASS_NAME}（0/50）` }));

    await page.getByTestId('add-session').click();
    const sessionModal = await visible(page.locator('.ant-modal', { hasText: '添加场次' }));
    await typeRange(sessionModal.locator('.ant-picker-range').nth(0), session.from, session.until);
    await typeRange(sessionModal.locator('.ant-picker-range').nth(1), session.from, session.checkinUntil);
    await sessionModal.locator('#place').fill(PLACE);
    await sessionModal.locator('.ant-modal-footer .ant-btn-primary').click();
    await sessionModal.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT });
    const sessionRow = await visible(page.locator('.ant-table-row', { hasText: PLACE }));
    expect(await sessionRow.innerText()).toContain(`${session.from} – ${session.until}`);
    expect(await sessionRow.innerText()).toContain(`${session.from} – ${session.checkinUntil}`);
    const sessionId = Number(
      /\/sessions\/(\d+)\/qr$/.exec((await sessionRow.getByTestId('session-qr-link').getAttribute('href')) ?? '')?.[1],
    );
    expect(sessionId).toBeGreaterThan(0);

    await page.getByTestId('open-project').click();
    // opening registration cannot be undone: the dialog says what opens, and how many places
    const openDialog = await visible(page.locator('.ant-modal-confirm', { hasText: '报名？' }));
    expect(await openDialog.innerText()).toContain('1 个班次，共 50 个名额');
    await openDialog.getByTestId('open-project-confirm').click();
    await expect.poll(() => header.innerText(), { timeout: STEP_TIMEOUT }).toContain('报名中');
    expect(await page.getByTestId('open-project').count()).toBe(0);

    // ---- (b) 赵雪 on her phone: her total before, enrolment, the timetable
    const mobile = await phone.newPage();
    await logIn(mobile, 'demo-teacher');
    await mobile.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    await goVia(mobile, 'nav-my-credits', /\/me\/credits$/);
    const totalBefore = Number(await textOf(mobile.getByTestId('my-credits-counted')));
    expect(totalBefore).toBeGreaterThanOrEqual(0);
    const entriesBefore = await textOf(mobile.getByTestId('my-credits-entries').locator('.ant-card-head'));

    await goVia(mobile, 'nav-my-training', /\/me\/training$/);
    const card = await visible(mobile.locator('[data-testid^="available-"]').filter({ hasText: PROJECT_TITLE }));
    const cardText = await card.innerText();
    expect(cardText).toContain('桦甸市');
    expect(cardText).toContain('县培');
    expect(cardText).toContain(`${HOURS} 学时`);
    expect(await card.getByTestId('not-eligible').count()).toBe(0);
    const classItem = card.locator('.ant-list-item', { hasText: CLASS_NAME });
    expect(await textOf(classItem)).toContain('已录取 0/50');
    expect(await fitsWidth(mobile)).toBe(true);
    await classItem.locator('[data-testid^="enrol-"]').tap();
    await visible(mobile.locator('.ant-message', { hasText: '报名成功' }));
    await visible(card.locator('.ant-alert', { hasText: `您已报名：${CLASS_NAME}` }));

    await goVia(mobile, 'nav-my-timetable', /\/me\/timetable$/);
    const lesson = await visible(mobile.getByTestId('timetable-item').filter({ hasText: PROJECT_TITLE }));
    const lessonText = await lesson.innerText();
    expect(lessonText).toContain(`${PROJECT_TITLE} · ${CLASS_NAME}`);
    // the end shows as a time alone on the same day, with its date when the session runs past midnight
    const sameDay = session.until.slice(0, 10) === session.from.slice(0, 10);
    expect(lessonText).toContain(`${session.from} – ${sameDay ? session.until.slice(-5) : session.until}`);
    expect(lessonText).toContain(PLACE);
    // the session typed in China time on a UTC device is stored as that instant
    const timetable = await api<{ items: { sessionId: number; startsAt: string }[] }>(
      teacher,
      '/api/enrolments/timetable',
    );
    expect(timetable.items.find((s) => s.sessionId === sessionId)?.startsAt).toBe(new Date(startsAt).toISOString());
    expect(await fitsWidth(mobile)).toBe(true);

    // the county admin sees her in the class's list
    await page.goto(projectUrl);
    await visible(page.getByRole('tab', { name: `${CLASS_NAME}（1/50）` }));
    const enrolled = await visible(
      page.locator('.ant-card', { hasText: '报名名单' }).locator('tbody tr', { hasText: TEACHER_NAME }),
    );
    expect(await enrolled.innerText()).toContain('已录取');
    expect(await enrolled.innerText()).toContain('个人报名');

    // enrolling her whole school is counted first and asks for confirmation; cancelled, it enrols nobody
    const classId = (
      await api<{ classes: { id: number }[] }>(county, `/api/training/projects/${projectUrl.split('/').pop()}`)
    ).classes[0]!.id;
    const counted = await api<{ enrolled: number; waitlisted: number }>(county, '/api/enrolments/bulk/preview', {
      classId,
      orgUnitIds: [me.teacher.orgUnitId],
    });
    expect(counted.enrolled + counted.waitlisted).toBeGreaterThan(0);
    await page.getByTestId('bulk-enrol').click();
    const bulkModal = await visible(page.locator('.ant-modal', { hasText: '按单位批量报名' }));
    await bulkModal.getByTestId('bulk-unit').click();
    await page.keyboard.type(me.teacher.orgUnitName);
    await (
      await visible(
        page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: me.teacher.orgUnitName }),
      )
    ).click();
    await bulkModal.locator('.ant-modal-footer .ant-btn-primary').click();
    const bulkConfirm = await visible(page.locator('.ant-modal-confirm', { hasText: '名教师报名' }));
    expect(await textOf(bulkConfirm.locator('.ant-modal-confirm-title'))).toBe(
      `将为 ${counted.enrolled + counted.waitlisted} 名教师报名“${CLASS_NAME}”？`,
    );
    expect(await bulkConfirm.innerText()).toContain(
      `录取 ${counted.enrolled} 人，${counted.waitlisted} 人进入候补名单`,
    );
    await bulkConfirm.locator('.ant-btn', { hasText: /^取\s*消$/ }).click();
    await bulkConfirm.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT });
    await bulkModal.locator('.ant-modal-footer .ant-btn', { hasText: /^取\s*消$/ }).click();
    await bulkModal.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT });
    expect(
      await api<{ enrolled: number; waitlisted: number }>(county, '/api/enrolments/bulk/preview', {
        classId,
        orgUnitIds: [me.teacher.orgUnitId],
      }),
    ).toEqual(counted);
    await page.reload();
    await visible(page.getByRole('tab', { name: `${CLASS_NAME}（1/50）` }));

    // ---- (c) the session's QR page shows a code; the phone opens its address and is checked in
    const codeResponse = page.waitForResponse(
      (r) => r.url().includes(`/api/sessions/${sessionId}/checkin-code`) && r.status() === 200,
      { timeout: STEP_TIMEOUT },
    );
    await page.locator('.ant-table-row', { hasText: PLACE }).getByTestId('session-qr-link').click();
    await page.waitForURL(new RegExp(`/sessions/${sessionId}/qr$`), { timeout: STEP_TIMEOUT });
    const code = (await (await codeResponse).json()) as { url: string; token: string };
    expect(await (await visible(page.getByTestId('attendance-qr'))).getAttribute('src')).toMatch(
      /^data:image\/png;base64,/,
    );
    const qrPage = page.getByTestId('session-qr-page');
    expect(await textOf(qrPage.locator('h3'))).toBe(`${PROJECT_TITLE} · ${CLASS_NAME}`);
    expect(await qrPage.innerText()).toContain(`可扫码时间：${session.from} 至 ${session.checkinUntil}`);
    expect(await textOf(qrPage.locator('.ant-card-head-title', { hasText: '考勤名单' }))).toBe(
      '考勤名单（已到 0 / 1 人）',
    );
    expect(code.url).toBe(`${baseUrl}/checkin?t=${encodeURIComponent(code.token)}`);

    await mobile.goto(code.url);
    const success = await visible(mobile.locator('.ant-result-success'));
    expect(await textOf(success.locator('.ant-result-title'))).toBe(`${TEACHER_NAME}，签到成功`);
    expect(await success.innerText()).toContain(`${PROJECT_TITLE} · ${CLASS_NAME}`);
    expect(await fitsWidth(mobile)).toBe(true);

    // a tampered code and one of an earlier window (a screenshot's, re-signed by nobody) are refused
    const [, sid, window] = /^(\d+)\.(\d+)\.([A-Za-z0-9_-]{22})$/.exec(code.token)!;
    const forged = `${sid}.${window}.${'A'.repeat(22)}`;
    const earlier = code.token.replace(`.${window}.`, `.${Number(window) - 20}.`);
    for (const token of [forged, earlier]) {
      await mobile.goto(`${baseUrl}/checkin?t=${encodeURIComponent(token)}`);
      const refused = await visible(mobile.locator('.ant-result-error'));
      expect(await textOf(refused.locator('.ant-result-title'))).toBe('签到未成功');
      expect(await textOf(refused.locator('.ant-result-subtitle'))).toBe(
        '签到码无效，请扫描培训者屏幕上正在显示的二维码',
      );
    }

    // the admin's list shows her present (it refreshes by itself)
    const listCard = qrPage.locator('.ant-card', { hasText: '考勤名单' });
    await expect
      .poll(() => textOf(listCard.locator('.ant-card-head-title')), { timeout: STEP_TIMEOUT })
      .toBe('考勤名单（已到 1 / 1 人）');
    const line = listCard.locator('tbody tr', { hasText: TEACHER_NAME });
    expect(await textOf(line.locator('.ant-tag'))).toBe('已到');
    expect(await line.innerText()).toContain(chinaMinute(Date.now()).slice(0, 10));

    // her school nominates a colleague (primary, a year of service or more), who never comes
    const projectId = Number(/\/training\/(\d+)$/.exec(new URL(projectUrl).pathname)?.[1]);
    const detail = await api<{ classes: { id: number }[] }>(school, `/api/training/projects/${projectId}`);
    const colleagues = await api<{ items: { id: number; name: string; teachingStartYear: number | null }[] }>(
      school,
      '/api/teachers?stage=primary&limit=100',
    );
    const colleague = colleagues.items.find(
      (x) => x.name !== TEACHER_NAME && x.teachingStartYear !== null && year - x.teachingStartYear >= 1,
    )!;
    expect(colleague).toBeDefined();
    await api(school, '/api/enrolments/nominate', { classId: detail.classes[0]!.id, teacherIds: [colleague.id] });

    // ---- (d) the county admin closes the class: the dialog shows who completes and who does not first
    await page.goto(projectUrl);
    const closeCard = await visible(page.getByTestId('class-close'));
    await closeCard.getByTestId('close-class').click();
    const dialog = await visible(page.locator('.ant-modal', { hasText: '确认结班并登记学时' }));
    await expect
      .poll(() => textOf(dialog.getByTestId('close-class-summary').locator('.ant-alert-title')), {
        timeout: STEP_TIMEOUT,
      })
      .toBe(`将为 1 名教师登记学时（每人 ${HOURS} 学时），1 名未达到结业要求不登记`);
    expect(await textOf(dialog.getByTestId('close-completing').locator('tbody tr'))).toContain(TEACHER_NAME);
    const absentRow = await textOf(dialog.getByTestId('close-not-completing').locator('tbody tr'));
    expect(absentRow).toContain(colleague.name);
    expect(absentRow).toContain('出勤 0/1 场，未达 80%');
    // the session is still on: closing now asks why, and the button waits for the reason
    expect(await dialog.innerText()).toContain(`本班最后一场培训 ${session.until} 才结束`);
    const confirm = dialog.getByTestId('close-class-confirm');
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByTestId('early-close-reason').fill(EARLY_REASON);
    expect(await confirm.isDisabled()).toBe(false);
    await confirm.click();
    const result = await visible(page.locator('.ant-modal', { hasText: '结班结果' }));
    expect(await textOf(result.locator('.ant-alert-success'))).toBe('报名 2 人，结业 1 人；新登记 1 条学时，冲销 0 条');
    expect(await result.innerText()).toContain('项目的所有班次均已结班，项目随之结束');
    // a click while the dialog is still zooming in can be lost: click until it has gone
    await expect
      .poll(
        async () => {
          if (await result.isVisible())
            await result
              .locator('.ant-modal-close')
              .click({ timeout: 2_000 })
              .catch(() => {});
          return result.isVisible();
        },
        { timeout: STEP_TIMEOUT, interval: 500 },
      )
      .toBe(false);
    await visible(closeCard.getByTestId('reopen-class'));
    expect(await textOf(closeCard.locator('.ant-tag'))).toBe('已结班');
    expect(await textOf(closeCard.getByTestId('early-close-note'))).toContain(EARLY_REASON);
    await expect.poll(() => header.innerText(), { timeout: STEP_TIMEOUT }).toContain('已结束');

    // the code stops working: the phone is told the class is closed, and the QR page says so
    await mobile.goto(code.url);
    const stopped = await visible(mobile.locator('.ant-result-error'));
    expect(await textOf(stopped.locator('.ant-result-subtitle'))).toBe('该班次已结班，签到码已停用，不能再签到');
    await page.goto(`${baseUrl}/sessions/${sessionId}/qr`);
    await visible(page.getByTestId('attendance-code-stopped'));
    expect(await page.getByTestId('attendance-qr').count()).toBe(0);

    // 赵雪's phone: no 退出 for the closed class, and nothing left to attend in 待上课
    await mobile.goto(`${baseUrl}/`);
    await mobile.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    expect(await mobile.getByTestId('home-next-session').filter({ hasText: PROJECT_TITLE }).count()).toBe(0);
    await goVia(mobile, 'nav-my-training', /\/me\/training$/);
    await visible(mobile.getByRole('heading', { name: '可报名培训' }));
    // the project closed with its class: it is no longer offered, so neither is its 退出
    await expect
      .poll(() => mobile.locator('[data-testid^="available-"]').filter({ hasText: PROJECT_TITLE }).count(), {
        timeout: STEP_TIMEOUT,
      })
      .toBe(0);
    expect(await mobile.getByTestId('withdraw').filter({ hasText: PROJECT_TITLE }).count()).toBe(0);
    await goVia(mobile, 'nav-my-timetable', /\/me\/timetable$/);
    expect(await textOf(mobile.locator('.ant-segmented-item-selected'))).toBe('待上课');
    await expect
      .poll(() => mobile.getByTestId('timetable-item').filter({ hasText: PROJECT_TITLE }).count(), {
        timeout: STEP_TIMEOUT,
      })
      .toBe(0);
    // the whole timetable still shows the session she attended
    await mobile.locator('.ant-segmented-item', { hasText: '全部' }).click();
    await visible(mobile.getByTestId('timetable-item').filter({ hasText: PROJECT_TITLE }));
    // the participation figures by school count her as completed, with a chart beside them
    await page.goto(projectUrl);
    await (await visible(page.getByTestId('project-tab-stats'))).click();
    await page.waitForURL(/\?tab=stats$/, { timeout: STEP_TIMEOUT });
    const stats = await visible(page.getByTestId('project-stats'));
    await expect
      .poll(async () => textOf(stats.locator('.ant-table-row', { hasText: '桦甸市第一实验小学' })), {
        timeout: STEP_TIMEOUT,
      })
      .toMatch(/^桦甸市第一实验小学\s*2\s*0\s*0\s*1\s*1\s*50%\s*50%$/);
    await visible(stats.getByTestId('project-stats-chart').locator('canvas'));

    // ---- (e) 赵雪's hours: the project's hours added to her total, and the new entry
    await mobile.goto(`${baseUrl}/`);
    await mobile.waitForURL(/\/$/, { timeout: STEP_TIMEOUT });
    await goVia(mobile, 'nav-my-credits', /\/me\/credits$/);
    await expect
      .poll(async () => Number(await textOf(mobile.getByTestId('my-credits-counted'))), { timeout: STEP_TIMEOUT })
      .toBe(totalBefore + HOURS);
    const entries = await visible(mobile.getByTestId('my-credits-entries'));
    const countBefore = Number(/（(\d+)）/.exec(entriesBefore)?.[1]);
    expect(await textOf(entries.locator('.ant-card-head'))).toContain(`（${countBefore + 1}）`);
    const entry = entries.getByTestId('my-credits-entry').filter({ hasText: `${PROJECT_TITLE} ${CLASS_NAME}` });
    expect(await entry.count()).toBe(1);
    expect(await entry.innerText()).toContain(String(HOURS));
    expect(await fitsWidth(mobile)).toBe(true);

    // ---- (f) her timetable asks for the class's satisfaction survey; she rates it on the phone
    await goVia(mobile, 'nav-my-timetable', /\/me\/timetable$/);
    const pending = await visible(mobile.getByTestId('pending-surveys'));
    await pending.locator('.ant-list-item', { hasText: PROJECT_TITLE }).getByTestId('answer-survey').click();
    await mobile.waitForURL(/\/me\/surveys\/\d+$/, { timeout: STEP_TIMEOUT });
    for (const [key, stars] of [
      ['content', 5],
      ['trainer', 5],
      ['organisation', 4],
      ['venue', 3],
      ['overall', 5],
    ] as const) {
      await (await visible(mobile.getByTestId(`rate-${key}`)))
        .locator('.ant-rate-star')
        .nth(stars - 1)
        .click();
    }
    await mobile.getByTestId('text-suggestions').fill('希望增加课堂实录分析');
    expect(await fitsWidth(mobile)).toBe(true);
    await mobile.getByTestId('survey-submit').click();
    await visible(mobile.getByTestId('survey-answered'));
    await goVia(mobile, 'nav-my-timetable', /\/me\/timetable$/);
    await expect
      .poll(() => mobile.getByTestId('pending-surveys').locator('.ant-list-item', { hasText: PROJECT_TITLE }).count(), {
        timeout: STEP_TIMEOUT,
      })
      .toBe(0);
    // the county sees one answer of two enrolled teachers, and no detail that could point to her
    await page.goto(`${projectUrl}?tab=survey`);
    const surveyCard = await visible(page.getByTestId('survey-card'));
    await expect.poll(async () => surveyCard.innerText(), { timeout: STEP_TIMEOUT }).toContain('1 / 2');
    expect(await surveyCard.innerText()).not.toContain('希望增加课堂实录分析');
    expect(pageErrors).toEqual([]);
  } finally {
    await phone.close();
    await admin.close();
  }
}, 150_000);
