import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, login, type Session } from '../../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { addUser, buildTree, type Tree } from '../../../test/support/fixtures.js';
import { seedTeacher } from '../../../test/support/ledger.js';
import { enrol, insertClass, insertCourse, insertSecondClass, makeOnline } from '../../../test/support/study.js';
import { box, ftyp, tinyMp4, tinyPdf, windowsProgram } from '../../../test/support/study-files.js';
import { multipartFile } from '../../../test/support/upload.js';

let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let dataDir: string;
let county: Session;
let school: Session;
let otherCounty: Session;
let otherSchool: Session;
let city: Session;
let trainer: Session;
let teacher: Session;
let teacherElsewhere: Session;
let teacherLater: Session;
let courseId: number;
let otherCourseId: number;
let countyId: number;

const TODAY = '2027-05-10';
const req = (s: Session) => as(app, s);
const upload = (s: Session, course: number, bytes: Buffer, filename: string, contentType = 'video/mp4') =>
  req(s)({ method: 'POST', url: `/api/courses/${course}/files`, ...multipartFile(bytes, { filename, contentType }) });
const codeOf = (r: { json(): { error?: { code?: string } } }) => r.json().error?.code;
const storedFiles = () => {
  const dir = path.join(dataDir, 'study-files');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => d.name);
};

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'peixun-online-'));
  t = await createTestDatabase({
    PEIXUN_DATA_DIR: dataDir,
    PEIXUN_TODAY: TODAY,
    PEIXUN_STUDY_DOCUMENT_MAX_MB: '1',
    PEIXUN_STUDY_VIDEO_MAX_MB: '2',
  });
  tree = await buildTree(t.db);
  countyId = await addUser(t.db, tree.K1, 'county_admin', 'oc-county');
  await addUser(t.db, tree.C1, 'city_admin', 'oc-city');
  await addUser(t.db, tree.S1, 'school_admin', 'oc-school');
  await addUser(t.db, tree.K2, 'county_admin', 'oc-k2');
  await addUser(t.db, tree.S3, 'school_admin', 'oc-s3');
  const trainerId = await addUser(t.db, tree.I1, 'trainer', 'oc-trainer');
  courseId = await insertCourse(t.db, tree.K1, '师德修养网络课程');
  otherCourseId = await insertCourse(t.db, tree.K1, '信息技术应用能力');

  // an online class of the course that opened on 1 May; another whose window opens in June
  const open = await insertClass(t.db, tree.K1, '暑期师德网络研修', countyId);
  await makeOnline(t.db, open.classId, courseId, '2027-05-01', '2027-06-30');
  const faceToFace = await insertSecondClass(t.db, open.projectId, tree.K1, '面授班');
  const later = await insertClass(t.db, tree.K1, '秋季师德网络研修', countyId);
  await makeOnline(t.db, later.classId, courseId, '2027-06-01', '2027-07-31');
  await t.db.insertInto('training_class_trainer').values({ class_id: open.classId, user_id: trainerId }).execute();

  const link = async (school: keyof Tree, username: string, classId: number | null) => {
    const id = await seedTeacher(t.db, t.env, tree[school]);
    const userId = await addUser(t.db, tree[school], 'teacher', username);
    await t.db.updateTable('teacher').set({ user_id: userId }).where('id', '=', id).execute();
    if (classId !== null) await enrol(t.db, classId, id, countyId);
    return id;
  };
  await link('S1', 'oc-teacher', open.classId);
  await link('S2', 'oc-teacher-f2f', faceToFace);
  await link('S2', 'oc-teacher-later', later.classId);
  const waiting = await link('S1', 'oc-teacher-waiting', null);
  await enrol(t.db, open.classId, waiting, countyId, 'waitlisted');

  app = await buildTestApp(t);
  county = await login(app, 'oc-county');
  city = await login(app, 'oc-city');
  school = await login(app, 'oc-school');
  otherCounty = await login(app, 'oc-k2');
  otherSchool = await login(app, 'oc-s3');
  trainer = await login(app, 'oc-trainer');
  teacher = await login(app, 'oc-teacher');
  teacherElsewhere = await login(app, 'oc-teacher-f2f');
  teacherLater = await login(app, 'oc-teacher-later');
});
afterAll(async () => {
  await app?.close();
  await t?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("a course's study and completion rules", () => {
  const rules = {
    studyRule: {
      maxSpeed: 2,
      allowSeek: true,
      presenceMinMinutes: 5,
      presenceMaxMinutes: 15,
      presenceTimeoutSeconds: 90,
    },
    completionRule: {
      homeworkRequired: false,
      postsRequired: 3,
      minPostChars: 30,
      reflectionsRequired: 5,
      minReflectionChars: 300,
      similarityThreshold: 0.6,
    },
  };

  it('start from the defaults, are kept by the county that keeps the course and read by the school below', async () => {
    const before = await req(county)({ method: 'GET', url: `/api/courses/${courseId}/online` });
    expect(before.statusCode).toBe(200);
    expect(before.json()).toMatchObject({ studyRule: { maxSpeed: 1.5, allowSeek: false }, canManage: true });
    const put = await req(county)({ method: 'PUT', url: `/api/courses/${courseId}/online`, payload: rules });
    expect(put.statusCode).toBe(200);
    const read = await req(school)({ method: 'GET', url: `/api/courses/${courseId}/online` });
    expect(read.json()).toEqual({ ...rules, canManage: false });
    // the city above keeps it too; the school may not change it, another county does not see it
    expect(
      (await req(city)({ method: 'PUT', url: `/api/courses/${courseId}/online`, payload: rules })).statusCode,
    ).toBe(200);
    expect(codeOf(await req(school)({ method: 'PUT', url: `/api/courses/${courseId}/online`, payload: rules }))).toBe(
      'FORBIDDEN',
    );
    expect((await req(otherCounty)({ method: 'GET', url: `/api/courses/${courseId}/online` })).statusCode).toBe(404);
    expect(codeOf(await req(teacher)({ method: 'GET', url: `/api/courses/${courseId}/online` }))).toBe('FORBIDDEN');
  });

  it('refuse values out of range, each named, and a presence check window upside down', async () => {
    const bad: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
      ['studyRule.maxSpeed', { maxSpeed: 4.5 }, {}],
      ['studyRule.maxSpeed', { maxSpeed: 0.5 }, {}],
      ['studyRule.presenceMinMinutes', { presenceMinMinutes: 0 }, {}],
      ['studyRule.presenceMaxMinutes', { presenceMaxMinutes: 121 }, {}],
      ['studyRule.presenceMaxMinutes', { presenceMinMinutes: 30, presenceMaxMinutes: 20 }, {}],
      ['studyRule.presenceTimeoutSeconds', { presenceTimeoutSeconds: 14 }, {}],
      ['studyRule.presenceTimeoutSeconds', { presenceTimeoutSeconds: 601 }, {}],
      ['completionRule.postsRequired', {}, { postsRequired: 51 }],
      ['completionRule.reflectionsRequired', {}, { reflectionsRequired: -1 }],
      ['completionRule.minPostChars', {}, { minPostChars: 2001 }],
      ['completionRule.minReflectionChars', {}, { minReflectionChars: 20_001 }],
      ['completionRule.similarityThreshold', {}, { similarityThreshold: 0.05 }],
      ['completionRule.similarityThreshold', {}, { similarityThreshold: 1.2 }],
    ];
    for (const [field, study, completion] of bad) {
      const res = await req(county)({
        method: 'PUT',
        url: `/api/courses/${courseId}/online`,
        payload: {
          studyRule: { ...rules.studyRule, ...study },
          completionRule: { ...rules.completionRule, ...completion },
        },
      });
      expect(res.statusCode, field).toBe(400);
      expect(res.json().error.details.issues.map((i: { path: string }) => i.path)).toContain(field);
    }
    // the edges are accepted
    const edges = await req(county)({
      method: 'PUT',
      url: `/api/courses/${courseId}/online`,
      payload: {
        studyRule: {
          maxSpeed: 4,
          allowSeek: false,
          presenceMinMinutes: 120,
          presenceMaxMinutes: 120,
          presenceTimeoutSeconds: 15,
        },
        completionRule: { ...rules.completionRule, postsRequired: 0, similarityThreshold: 0.1 },
      },
    });
    expect(edges.statusCode).toBe(200);
  });
});

describe("a course's chapters and items", () => {
  let ch1: number;
  let ch2: number;
  let text1: number;
  let text2: number;

  const content = async (s: Session = county) =>
    (await req(s)({ method: 'GET', url: `/api/courses/${courseId}/content` })).json() as {
      chapters: Array<{ id: number; title: string; items: Array<{ id: number; title: string; archived: boolean }> }>;
      canManage: boolean;
    };
  const outline = async () =>
    (await content()).chapters.map(
      (c) => `${c.title}: ${c.items.map((i) => i.title + (i.archived ? '×' : '')).join(',')}`,
    );

  it('are added, renamed and listed in order', async () => {
    const a = await req(county)({
      method: 'POST',
      url: `/api/courses/${courseId}/chapters`,
      payload: { title: '第一章 师德规范' },
    });
    expect(a.statusCode).toBe(201);
    ch1 = a.json().id;
    ch2 = (
      await req(county)({ method: 'POST', url: `/api/courses/${courseId}/chapters`, payload: { title: '第二章' } })
    ).json().id;
    const renamed = await req(county)({
      method: 'PATCH',
      url: `/api/courses/${courseId}/chapters/${ch2}`,
      payload: { title: '第二章 案例研讨' },
    });
    expect(renamed.json()).toMatchObject({ id: ch2, title: '第二章 案例研讨' });
    const item = (title: string, chapterId: number, body: string) =>
      req(county)({
        method: 'POST',
        url: `/api/courses/${courseId}/items`,
        payload: { chapterId, kind: 'text', title, requiredMinutes: 10, body },
      });
    const first = await item('导读', ch1, '本章学习《中小学教师职业道德规范》。\r\n\r\n请结合自身经历思考。');
    expect(first.statusCode).toBe(201);
    // line breaks kept (as \n)
    expect(first.json()).toMatchObject({
      kind: 'text',
      body: '本章学习《中小学教师职业道德规范》。\n\n请结合自身经历思考。',
    });
    text1 = first.json().id;
    text2 = (await item('规范全文', ch1, '第一条 爱国守法。')).json().id;
    expect(await outline()).toEqual(['第一章 师德规范: 导读,规范全文', '第二章 案例研讨: ']);
    expect((await content(school)).canManage).toBe(false);
  });

  it('refuse what an item cannot be', async () => {
    const post = (payload: Record<string, unknown>) =>
      req(county)({ method: 'POST', url: `/api/courses/${courseId}/items`, payload });
    const base = { chapterId: ch1, kind: 'text', title: '页', requiredMinutes: 5, body: '内容' };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...base, body: undefined }, 'body'],
      [{ ...base, body: '   ' }, 'body'],
      [{ ...base, body: 'a\u0000b' }, 'body'],
      [{ ...base, body: 'x'.repeat(100_001) }, 'body'],
      [{ ...base, requiredMinutes: -1 }, 'requiredMinutes'],
      [{ ...base, requiredMinutes: 6001 }, 'requiredMinutes'],
      [{ ...base, title: '' }, 'title'],
      [{ ...base, kind: 'video', body: undefined }, 'fileId'],
      [{ ...base, kind: 'quiz' }, 'kind'],
      [{ ...base, chapterId: 999_999 }, 'chapterId'],
    ];
    for (const [payload, field] of cases) {
      const res = await post(payload);
      expect(res.statusCode, JSON.stringify(payload).slice(0, 80)).toBe(400);
      expect(res.json().error.details.issues[0].path).toBe(field);
    }
    // a chapter of another course is not this course's
    const foreign = (
      await req(county)({ method: 'POST', url: `/api/courses/${otherCourseId}/chapters`, payload: { title: '别的课' } })
    ).json().id;
    expect((await post({ ...base, chapterId: foreign })).json().error.details.issues[0].path).toBe('chapterId');
  });

  it('are reordered, within and across chapters, and a stale order is refused', async () => {
    const order = (chapters: Array<{ chapterId: number; itemIds: number[] }>) =>
      req(county)({ method: 'PUT', url: `/api/courses/${courseId}/content/order`, payload: { chapters } });
    const res = await order([
      { chapterId: ch2, itemIds: [text2] },
      { chapterId: ch1, itemIds: [text1] },
    ]);
    expect(res.statusCode).toBe(200);
    expect(await outline()).toEqual(['第二章 案例研讨: 规范全文', '第一章 师德规范: 导读']);
    // an item left out, a chapter named twice, an item of another course: the page was stale
    for (const chapters of [
      [
        { chapterId: ch2, itemIds: [] },
        { chapterId: ch1, itemIds: [text1] },
      ],
      [
        { chapterId: ch1, itemIds: [text1] },
        { chapterId: ch1, itemIds: [text2] },
      ],
      [{ chapterId: ch2, itemIds: [text2, text1] }],
    ]) {
      const stale = await order(chapters);
      expect(stale.statusCode).toBe(409);
      expect(codeOf(stale)).toBe('COURSE_CONTENT_STALE');
    }
    expect(await outline()).toEqual(['第二章 案例研讨: 规范全文', '第一章 师德规范: 导读']);
    await order([
      { chapterId: ch1, itemIds: [text1, text2] },
      { chapterId: ch2, itemIds: [] },
    ]);
    expect(await outline()).toEqual(['第一章 师德规范: 导读,规范全文', '第二章 案例研讨: ']);
  });

  it('are edited and archived; a chapter goes only once it holds nothing', async () => {
    const edit = await req(county)({
      method: 'PATCH',
      url: `/api/courses/${courseId}/items/${text2}`,
      payload: { title: '规范全文（2008 年修订）', requiredMinutes: 15, body: '第一条 爱国守法。第二条 爱岗敬业。' },
    });
    expect(edit.json()).toMatchObject({ title: '规范全文（2008 年修订）', requiredMinutes: 15 });
    const moved = await req(county)({
      method: 'PUT',
      url: `/api/courses/${courseId}/content/order`,
      payload: {
        chapters: [
          { chapterId: ch1, itemIds: [text1] },
          { chapterId: ch2, itemIds: [text2] },
        ],
      },
    });
    expect(moved.statusCode).toBe(200);
    const full = await req(county)({ method: 'DELETE', url: `/api/courses/${courseId}/chapters/${ch2}` });
    expect(full.statusCode).toBe(409);
    expect(codeOf(full)).toBe('COURSE_CHAPTER_NOT_EMPTY');
    const archived = await req(county)({ method: 'POST', url: `/api/courses/${courseId}/items/${text2}/archive` });
    expect(archived.json()).toMatchObject({ archived: true });
    expect(
      codeOf(
        await req(county)({
          method: 'PATCH',
          url: `/api/courses/${courseId}/items/${text2}`,
          payload: { title: '改' },
        }),
      ),
    ).toBe('COURSE_ITEM_ARCHIVED');
    expect(await outline()).toEqual(['第一章 师德规范: 导读', '第二章 案例研讨: 规范全文（2008 年修订）×']);
    const gone = await req(county)({ method: 'DELETE', url: `/api/courses/${courseId}/chapters/${ch2}` });
    expect(gone.statusCode).toBe(204);
    expect(await outline()).toEqual(['第一章 师德规范: 导读']);
    // the school reads but does not edit; another county sees nothing
    expect(
      codeOf(await req(school)({ method: 'POST', url: `/api/courses/${courseId}/chapters`, payload: { title: 'x' } })),
    ).toBe('FORBIDDEN');
    expect(
      (await req(otherCounty)({ method: 'POST', url: `/api/courses/${courseId}/chapters`, payload: { title: 'x' } }))
        .statusCode,
    ).toBe(404);
    expect((await req(otherCounty)({ method: 'GET', url: `/api/courses/${courseId}/content` })).statusCode).toBe(404);
  });
});

describe('the files of a course', () => {
  let videoId: number;
  let pdfId: number;
  const video = tinyMp4({ seconds: 95.5, moovAtEnd: true, mediaBytes: 20_000 });
  const pdf = tinyPdf();

  it('takes an MP4 and a PDF by their content, with the video’s length from its header', async () => {
    const v = await upload(county, courseId, video, '第一讲 师德的内涵.mp4');
    expect(v.statusCode).toBe(201);
    expect(v.json().file).toMatchObject({
      kind: 'video',
      fileName: '第一讲 师德的内涵.mp4',
      mimeType: 'video/mp4',
      sizeBytes: video.length,
      durationSeconds: 95.5,
    });
    videoId = v.json().file.id;
    // a PDF's name does not decide either: this one came without an extension
    const d = await upload(county, courseId, pdf, '规范全文', 'application/octet-stream');
    expect(d.statusCode).toBe(201);
    expect(d.json().file).toMatchObject({ kind: 'document', mimeType: 'application/pdf', durationSeconds: null });
    pdfId = d.json().file.id;
    // the same video again: a second entry, one copy on disk
    const again = await upload(county, courseId, video, '重传.mp4');
    expect(again.statusCode).toBe(201);
    expect(storedFiles().filter((n) => !n.endsWith('.part'))).toHaveLength(2);
  });

  it('refuses a renamed program, a QuickTime movie, a video without its header, a file too large; stores nothing', async () => {
    const files = storedFiles();
    const rows = await t.db.selectFrom('study_file').select('id').execute();
    const cases: Array<[Buffer, string, string]> = [
      [windowsProgram(), 'setup.mp4', 'STUDY_FILE_TYPE_NOT_ALLOWED'],
      [Buffer.concat([ftyp('qt  ', ['qt  ']), box('moov'), box('mdat')]), 'movie.mp4', 'STUDY_FILE_TYPE_NOT_ALLOWED'],
      [Buffer.concat([ftyp(), box('mdat', Buffer.alloc(500))]), 'cut.mp4', 'STUDY_FILE_TYPE_NOT_ALLOWED'],
      [Buffer.from('%PD'), 'tiny.pdf', 'STUDY_FILE_TYPE_NOT_ALLOWED'],
      [Buffer.alloc(0), 'empty.pdf', 'STUDY_FILE_TYPE_NOT_ALLOWED'],
      // documents up to 1 MB here, videos up to 2 MB
      [Buffer.concat([tinyPdf(), Buffer.alloc(1_100_000, 32)]), 'big.pdf', 'STUDY_FILE_TOO_LARGE'],
      [tinyMp4({ mediaBytes: 2_200_000 }), 'big.mp4', 'STUDY_FILE_TOO_LARGE'],
    ];
    for (const [bytes, name, code] of cases) {
      const res = await upload(county, courseId, bytes, name);
      expect(res.statusCode, name).toBe(code === 'STUDY_FILE_TOO_LARGE' ? 413 : 415);
      expect(codeOf(res), name).toBe(code);
    }
    // a video of 1.5 MB is within its limit although a document of that size would not be
    expect((await upload(county, courseId, tinyMp4({ mediaBytes: 1_500_000 }), 'ok.mp4')).statusCode).toBe(201);
    expect(codeOf(await upload(county, courseId, Buffer.concat([tinyPdf(), Buffer.alloc(1_500_000)]), 'x.pdf'))).toBe(
      'STUDY_FILE_TOO_LARGE',
    );
    const notMultipart = await req(county)({
      method: 'POST',
      url: `/api/courses/${courseId}/files`,
      payload: { file: 'x' },
    });
    expect(codeOf(notMultipart)).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(storedFiles()).toHaveLength(files.length + 1);
    expect((await t.db.selectFrom('study_file').select('id').execute()).length).toBe(rows.length + 1);
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['outcome', 'error_code'])
      .where('action', '=', 'course.upload_file')
      .where('outcome', '!=', 'success')
      .execute();
    expect(audit.filter((a) => a.error_code === 'STUDY_FILE_TYPE_NOT_ALLOWED').length).toBe(5);
    // only those who keep the course upload
    expect(codeOf(await upload(school, courseId, video, 'a.mp4'))).toBe('FORBIDDEN');
    expect((await upload(otherCounty, courseId, video, 'a.mp4')).statusCode).toBe(404);
  });

  it('are shown by video and document items of the same course only, with name, size and length', async () => {
    const chapterId = (
      await req(county)({ method: 'POST', url: `/api/courses/${courseId}/chapters`, payload: { title: '第三章 视频' } })
    ).json().id;
    const post = (payload: Record<string, unknown>) =>
      req(county)({
        method: 'POST',
        url: `/api/courses/${courseId}/items`,
        payload: { chapterId, requiredMinutes: 2, ...payload },
      });
    expect((await post({ kind: 'video', title: '第一讲', fileId: videoId })).statusCode).toBe(201);
    expect((await post({ kind: 'document', title: '规范全文 PDF', fileId: pdfId })).statusCode).toBe(201);
    // a PDF is no video, a video no document; a file of another course is not this one's; text has no file
    const otherFile = (await upload(county, otherCourseId, tinyPdf('other'), 'other.pdf')).json().file.id;
    for (const payload of [
      { kind: 'video', title: 'x', fileId: pdfId },
      { kind: 'document', title: 'x', fileId: videoId },
      { kind: 'document', title: 'x', fileId: otherFile },
      { kind: 'text', title: 'x', fileId: videoId, body: '正文' },
    ]) {
      const res = await post(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.details.issues[0].path).toBe('fileId');
    }
    const videoItem = (await req(county)({ method: 'GET', url: `/api/courses/${courseId}/content` }))
      .json()
      .chapters.flatMap((c: { items: unknown[] }) => c.items)
      .find((i: { kind: string }) => i.kind === 'video');
    expect(videoItem.file).toEqual({ name: '第一讲 师德的内涵.mp4', sizeBytes: video.length, durationSeconds: 95.5 });
    // a video's body cannot be set
    expect(
      (
        await req(county)({
          method: 'PATCH',
          url: `/api/courses/${courseId}/items/${videoItem.id}`,
          payload: { body: '正文' },
        })
      ).statusCode,
    ).toBe(400);
  });

  it('streams a file with byte ranges and the headers a player and a browser need', async () => {
    const get = (s: Session, headers: Record<string, string> = {}, id = videoId) =>
      req(s)({ method: 'GET', url: `/api/study-files/${id}`, headers });
    const whole = await get(county);
    expect(whole.statusCode).toBe(200);
    expect(whole.rawPayload.equals(video)).toBe(true);
    expect(whole.headers).toMatchObject({
      'accept-ranges': 'bytes',
      'content-type': 'video/mp4',
      'content-length': String(video.length),
      'x-content-type-options': 'nosniff',
    });
    expect(whole.headers['cache-control']).toMatch(/^private\b/);
    expect(whole.headers['content-disposition']).toMatch(/^inline; /);
    expect(decodeURIComponent(String(whole.headers['content-disposition']).split("UTF-8''")[1] ?? '')).toBe(
      '第一讲 师德的内涵.mp4',
    );
    const etag = String(whole.headers.etag);
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);

    const part = await get(county, { range: 'bytes=1000-1999' });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 1000-1999/${video.length}`);
    expect(part.headers['content-length']).toBe('1000');
    expect(part.rawPayload.equals(video.subarray(1000, 2000))).toBe(true);
    // the end of the file, where a camera's MP4 keeps its index
    const tail = await get(county, { range: 'bytes=-300' });
    expect(tail.statusCode).toBe(206);
    expect(tail.rawPayload.equals(video.subarray(video.length - 300))).toBe(true);
    const open = await get(county, { range: `bytes=${video.length - 5}-` });
    expect(open.rawPayload.equals(video.subarray(video.length - 5))).toBe(true);

    const beyond = await get(county, { range: `bytes=${video.length}-` });
    expect(beyond.statusCode).toBe(416);
    expect(beyond.headers['content-range']).toBe(`bytes */${video.length}`);
    // a range of a version that changed is not mixed in: the whole file
    expect((await get(county, { range: 'bytes=0-9', 'if-range': '"old"' })).statusCode).toBe(200);
    expect((await get(county, { range: 'bytes=0-9', 'if-range': etag })).statusCode).toBe(206);
    expect((await get(county, { 'if-none-match': etag })).statusCode).toBe(304);

    const doc = await get(county, {}, pdfId);
    expect(doc.headers['content-type']).toBe('application/pdf');
    expect(doc.rawPayload.equals(pdf)).toBe(true);
  });

  it('clears what an upload cut off by a crash left behind, a day later', async () => {
    const incoming = path.join(dataDir, 'study-files', 'incoming');
    const old = path.join(incoming, 'crashed.part');
    const fresh = path.join(incoming, 'under-way.part');
    fs.writeFileSync(old, 'half a video');
    fs.writeFileSync(fresh, 'a video arriving now');
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    fs.utimesSync(old, twoDaysAgo, twoDaysAgo);
    expect((await upload(county, courseId, tinyPdf('next'), 'next.pdf')).statusCode).toBe(201);
    expect(fs.existsSync(old)).toBe(false);
    expect(fs.existsSync(fresh)).toBe(true);
    fs.rmSync(fresh);
  });

  it('gives the file to who may study or run the course, and 404 to everyone else', async () => {
    const status = async (s: Session) =>
      (await req(s)({ method: 'GET', url: `/api/study-files/${videoId}`, headers: { range: 'bytes=0-99' } }))
        .statusCode;
    // admins who read the course: the county, the city above, the school below
    expect(await status(county)).toBe(206);
    expect(await status(city)).toBe(206);
    expect(await status(school)).toBe(206);
    // a trainer of an online class of the course; a teacher enrolled in one whose window has opened
    expect(await status(trainer)).toBe(206);
    expect(await status(teacher)).toBe(206);
    // a teacher of a face-to-face class of the same project, one whose window opens in June,
    // one on the waiting list; another county and its school
    expect(await status(teacherElsewhere)).toBe(404);
    expect(await status(teacherLater)).toBe(404);
    expect(await status(await login(app, 'oc-teacher-waiting'))).toBe(404);
    expect(await status(otherCounty)).toBe(404);
    expect(await status(otherSchool)).toBe(404);
    const denied = await req(otherCounty)({ method: 'GET', url: `/api/study-files/${videoId}` });
    const missing = await req(otherCounty)({ method: 'GET', url: '/api/study-files/999999' });
    expect(denied.body).toBe(missing.body);
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['actor_username', 'error_code'])
      .where('action', '=', 'study.read_file')
      .where('outcome', '=', 'denied')
      .execute();
    expect(audit.map((a) => a.actor_username)).toContain('oc-teacher-later');
  });
});
