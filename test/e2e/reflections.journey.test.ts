import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { createTeacherRepository } from '../../src/repositories/teacher.repository.js';
import type { RequestContext } from '../../src/services/context.js';
import { createServices } from '../../src/services/services.js';
import { launchChromium, STEP_TIMEOUT, submitLogin, textOf, visible } from '../support/browser.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { addUser, buildTree } from '../support/fixtures.js';
import { fitsWidth, PHONE } from '../support/journey.js';
import { seedTeacher } from '../support/ledger.js';
import { manualShot } from '../support/manual-shots.js';
import { onlineClass, onlineCourse } from '../support/online-class.js';
import { countedChars } from '../../src/domain/online-course.js';

/**
 * A teacher's phone at 375 px: she writes a reflection that counts, then pastes a near copy of a
 * classmate's text and is told it does not count, with the copied passages of her own text marked
 * and the similarity given, never whose text it was.
 */

const PASSWORD = 'Reflect-pass-2468';

/** The classmate's reflection, submitted before. */
const CLASSMATE_TEXT = [
  '参加本次大单元教学设计的网络研修，我最大的收获是学会了从整体上规划一个单元。过去备课时，我习惯一课一课地准备，' +
    '每节课的目标彼此孤立，学生学完以后很难形成完整的知识结构。这次课程中专家讲到，大单元教学要先确定单元的核心任务，' +
    '再把课时目标串联起来，让学生在真实的情境中解决问题。',
  '我尝试用这种方法重新设计了四年级数学《多边形的面积》一单元。我以“为学校花坛铺草皮”为任务，让学生先估算、再测量、' +
    '最后计算，每节课都围绕这个任务推进。学生的兴趣明显提高了，小组讨论也更加积极。',
  '今后我还要继续学习单元评价的设计方法，让评价贯穿教学的全过程，真正做到以学生为中心。',
].join('\n\n');
/** The teacher's own reflection. */
const OWN_TEXT = [
  '这学期我担任一年级的班主任，刚入学的孩子注意力集中的时间很短，课堂常规的培养是我面临的第一道难题。通过本课程关于' +
    '学习习惯养成的专题，我认识到常规不是靠反复强调建立起来的，而是要把要求变成孩子看得见、做得到的具体动作。',
  '于是我和孩子们一起编了几首课堂儿歌，比如“小手放放好，眼睛看老师”，每天在固定的环节使用。我还设计了一张' +
    '“习惯星星榜”，让家长在家里也参与进来。一个月后，大部分孩子已经能够按要求做好课前准备，课堂秩序比开学时好了很多。',
  '我体会到，低年级的教育要有耐心，更要讲究方法。今后我会继续观察每个孩子的变化，及时调整自己的做法。',
].join('\n\n');
/** Her second one: an opening of her own, then the classmate's text with a few words changed. */
const OPENING = '这次研修让我收获很多，下面谈谈我的体会。';
const COPY = `${OPENING}\n\n${CLASSMATE_TEXT.replace('我最大的收获', '我的最大收获')
  .replace('过去备课时', '以前备课的时候')
  .replace('四年级数学', '五年级数学')
  .replace('明显提高了', '有了明显提高')}`;

let t: TestDatabase;
let app: Awaited<ReturnType<typeof buildApp>>;
let baseUrl: string;
let browser: Browser;
let classId: number;
let classmateName: string;
let myName: string;

beforeAll(async () => {
  t = await createTestDatabase();
  const tree = await buildTree(t.db);
  const services = createServices({ db: t.db, env: t.env });
  const countyId = await addUser(t.db, tree.K1, 'county_admin', 'journey.county', { password: PASSWORD });
  const teacherRepo = createTeacherRepository(t.db);
  const me = await seedTeacher(t.db, t.env, tree.S1, { seed: 901 });
  await teacherRepo.linkUser(me, await addUser(t.db, tree.S1, 'teacher', 'journey.teacher', { password: PASSWORD }));
  const classmate = await seedTeacher(t.db, t.env, tree.S1, { seed: 902 });
  const classmateUser = await addUser(t.db, tree.S1, 'teacher', 'journey.classmate');
  await teacherRepo.linkUser(classmate, classmateUser);
  classmateName = (
    await t.db.selectFrom('teacher').select('name').where('id', '=', classmate).executeTakeFirstOrThrow()
  ).name;
  myName = (await t.db.selectFrom('teacher').select('name').where('id', '=', me).executeTakeFirstOrThrow()).name;
  const course = await onlineCourse(
    t.db,
    tree.K1,
    { reflectionsRequired: 5, minReflectionChars: 200, similarityThreshold: 0.5 },
    '新课标下的大单元教学设计',
  );
  const trainerId = await addUser(t.db, tree.I1, 'trainer', 'journey.tutor', { password: PASSWORD });
  classId = await onlineClass(t.db, tree.K1, course, {
    teachers: [me, classmate],
    trainers: [trainerId],
    createdBy: countyId,
    name: '网络研修一班',
  });
  // the classmate's reflection, submitted before
  const classmateCtx: RequestContext = {
    actor: {
      userId: classmateUser,
      username: 'journey.classmate',
      role: 'teacher',
      orgUnitId: tree.S1.id,
      orgPath: tree.S1.path,
      provinceId: tree.S1.provinceId,
    },
    ip: '127.0.0.1',
  };
  await services.reflections.submit(classmateCtx, classId, { title: '我的研修体会', body: CLASSMATE_TEXT });
  app = await buildApp({ services, db: t.db, env: t.env, databaseMode: 'external', logger: false, serveWeb: true });
  baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await t?.close();
});

test('on a phone, a teacher writes a reflection that counts, then a near copy that does not, her copied passages marked', async () => {
  const context = await browser.newContext({ ...PHONE, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  try {
    const page = await context.newPage();
    await page.goto(`${baseUrl}/login`);
    await submitLogin(page, 'journey.teacher', PASSWORD);
    await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: STEP_TIMEOUT });

    // her online class is on her timetable, with her progress; it opens the class's reflections
    await page.goto(`${baseUrl}/me/timetable`);
    const card = await visible(page.getByTestId('reflection-classes'));
    expect(await card.innerText()).toContain('已完成 0 / 5 篇原创心得');
    await card.getByTestId('open-reflections').click();
    await page.waitForURL(new RegExp(`/me/study/${classId}/reflections$`), { timeout: STEP_TIMEOUT });
    expect(await textOf(page.getByTestId('reflections-progress'))).toBe('已完成 0 / 5 篇原创心得');

    // her own text: the count of its characters shows as she types, against the minimum
    await page.getByTestId('reflection-new').click();
    await (await visible(page.getByTestId('reflection-title'))).fill('大单元教学的一点体会');
    await page.getByTestId('reflection-body').fill('通过学习，我对大单元教学有了新的认识。');
    expect(await textOf(page.getByTestId('reflection-count'))).toBe('已写 17 字，至少 200 字');
    await page.getByTestId('reflection-body').fill(OWN_TEXT);
    expect(await textOf(page.getByTestId('reflection-count'))).toBe(`已写 ${countedChars(OWN_TEXT)} 字，至少 200 字`);
    await page.getByTestId('reflection-submit').click();
    const first = await visible(page.getByTestId('reflection-result'));
    expect(await first.innerText()).toContain('这篇心得计入');
    await page.getByText('已完成 1 / 5 篇原创心得').waitFor({ timeout: STEP_TIMEOUT });

    // a near copy of the classmate's text, after an opening of her own
    await page.getByTestId('reflection-new').click();
    await (await visible(page.getByTestId('reflection-title'))).fill('第二篇心得');
    await page.getByTestId('reflection-body').fill(COPY);
    await page.getByTestId('reflection-submit').click();
    const second = await visible(page.getByTestId('reflection-result'));
    await second.getByText('这篇心得不计入').waitFor({ timeout: STEP_TIMEOUT });
    expect(await textOf(second.getByTestId('reflection-similarity'))).toMatch(/相似度为 \d+%/);
    expect(await second.innerText()).toContain('其他学员已提交的文本');
    // the marked passages are hers: parts of the text she sent, covering the copy and not her opening
    const marked = second.getByTestId('matched-passage');
    expect(await marked.count()).toBeGreaterThan(0);
    const passages = await marked.allInnerTexts();
    const sent = COPY;
    for (const p of passages) expect(sent).toContain(p);
    expect(passages.join('').length).toBeGreaterThan(COPY.length / 2);
    expect(passages.some((p) => p.includes(OPENING))).toBe(false);
    // never whose text it was
    expect(await page.locator('body').innerText()).not.toContain(classmateName);
    expect(await textOf(page.getByTestId('reflections-progress'))).toBe('已完成 1 / 5 篇原创心得');
    expect(await fitsWidth(page)).toBe(true);
    await manualShot(page, 'reflection-not-counted', second);

    // the list keeps both, the copy marked as not counting
    await second.getByRole('button', { name: '知道了' }).click();
    const verdicts = await page.getByTestId('reflection-verdict').allInnerTexts();
    expect(verdicts).toEqual(['不计入', '计入']);
    expect(await fitsWidth(page)).toBe(true);
  } finally {
    await context.close();
  }
});

test("the class's tutor finds the copy among the class's reflections and in a cluster with the classmate's", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  try {
    const page = await context.newPage();
    await page.goto(`${baseUrl}/login`);
    await submitLogin(page, 'journey.tutor', PASSWORD);
    await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: STEP_TIMEOUT });
    // the trainer's classes link the online class's reflections
    await page.goto(`${baseUrl}/me/trainer`);
    await (await visible(page.getByTestId('trainer-class-reflections'))).click();
    await page.waitForURL(new RegExp(`/classes/${classId}/reflections$`), { timeout: STEP_TIMEOUT });
    const table = await visible(page.getByTestId('class-reflections-table'));
    await table.getByText('第二篇心得').waitFor({ timeout: STEP_TIMEOUT });
    expect(await table.innerText()).toContain(`本班 ${classmateName}`);
    // its text, the copied passages marked
    await table.getByText('第二篇心得').click();
    const drawer = await visible(page.getByTestId('class-reflection-text'));
    expect(await drawer.getByTestId('matched-passage').count()).toBeGreaterThan(0);
    await page.keyboard.press('Escape');
    // 相似聚类: the two texts in one group, with their authors
    await page.getByTestId('class-reflections-clusters-tab').click();
    const cluster = await visible(page.getByTestId('reflection-cluster'));
    const text = await cluster.innerText();
    expect(text).toContain(classmateName);
    expect(text).toContain(myName);
    expect(await page.getByTestId('reflection-cluster').count()).toBe(1);
  } finally {
    await context.close();
  }
});
