import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, login, type Session } from '../../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { addUser, buildTree, type Tree } from '../../../test/support/fixtures.js';
import { seedTeacher } from '../../../test/support/ledger.js';
import { seedOnlineClass } from '../../../test/support/homework-class.js';
import { multipartFile } from '../../../test/support/upload.js';
import ExcelJS from '../../services/excel.js';

let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let dataDir: string;
let tutor: Session;
let county: Session;
let teacher: Session;
let classmate: Session;
let teacherName: string;
let classId: number;

const PDF = Buffer.from('%PDF-1.4\n% 作业\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
const inAWeek = () => new Date(Date.now() + 7 * 86_400_000).toISOString();

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'homework-routes-'));
  t = await createTestDatabase({ PEIXUN_DATA_DIR: dataDir });
  tree = await buildTree(t.db);
  const tutorId = await addUser(t.db, tree.I1, 'trainer', 'hr-tutor');
  await addUser(t.db, tree.K1, 'county_admin', 'hr-county');
  const ids: number[] = [];
  for (const username of ['hr-teacher', 'hr-classmate']) {
    const id = await seedTeacher(t.db, t.env, tree.S1);
    const userId = await addUser(t.db, tree.S1, 'teacher', username);
    await t.db.updateTable('teacher').set({ user_id: userId }).where('id', '=', id).execute();
    ids.push(id);
  }
  teacherName = (await t.db.selectFrom('teacher').select('name').where('id', '=', ids[0]!).executeTakeFirstOrThrow())
    .name;
  ({ classId } = await seedOnlineClass(t.db, tree.K1, { trainers: [tutorId], teachers: ids }));
  app = await buildTestApp(t);
  tutor = await login(app, 'hr-tutor');
  county = await login(app, 'hr-county');
  teacher = await login(app, 'hr-teacher');
  classmate = await login(app, 'hr-classmate');
});
afterAll(async () => {
  await app?.close();
  await t?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('homework routes', () => {
  it('carry an assignment from the tutor to the teacher’s phone and back: upload, hand in, return, hand in again, grade', async () => {
    const created = await as(
      app,
      tutor,
    )({
      method: 'POST',
      url: `/api/classes/${classId}/homework/assignments`,
      payload: {
        title: '一节课的教学设计',
        instructions: '第一行\n第二行',
        dueAt: inAWeek(),
        grading: 'grade',
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const assignment = created.json().assignment;
    expect(assignment).toMatchObject({ instructions: '第一行\n第二行', blindNow: false, maxScore: null });

    const upload = await as(
      app,
      teacher,
    )({
      method: 'POST',
      url: `/api/classes/${classId}/homework/files`,
      ...multipartFile(PDF, { filename: '教学设计.pdf', contentType: 'application/pdf' }),
    });
    expect(upload.statusCode, upload.body).toBe(201);
    const file = upload.json().file;
    const submit = await as(
      app,
      teacher,
    )({
      method: 'POST',
      url: `/api/homework/assignments/${assignment.id}/submission`,
      payload: { body: '教学目标：……', fileIds: [file.id], shareName: true },
    });
    expect(submit.statusCode, submit.body).toBe(200);
    expect(submit.json().item).toMatchObject({ status: 'submitted', submission: { version: 1, late: false } });

    const list = await as(
      app,
      tutor,
    )({ method: 'GET', url: `/api/homework/assignments/${assignment.id}/submissions?status=waiting` });
    expect(list.statusCode).toBe(200);
    const line = list.json().items[0];
    expect(line).toMatchObject({ teacherName, status: 'submitted', version: 1 });
    const returned = await as(
      app,
      tutor,
    )({
      method: 'POST',
      url: `/api/homework/submissions/${line.submissionId}/return`,
      payload: { version: 1, comment: '请补充板书设计' },
    });
    expect(returned.json().submission).toMatchObject({ status: 'returned', comment: '请补充板书设计' });
    const again = await as(
      app,
      teacher,
    )({
      method: 'POST',
      url: `/api/homework/assignments/${assignment.id}/submission`,
      payload: { body: '补充了板书设计', fileIds: [file.id], shareName: true },
    });
    expect(again.json().item.submission.versions).toHaveLength(2);
    const graded = await as(
      app,
      tutor,
    )({
      method: 'POST',
      url: `/api/homework/submissions/${line.submissionId}/grade`,
      payload: { version: 2, grade: 'good', comment: '良好' },
    });
    expect(graded.statusCode, graded.body).toBe(200);
    const mine = await as(app, teacher)({ method: 'GET', url: `/api/classes/${classId}/homework/mine` });
    expect(mine.json().items[0]).toMatchObject({ status: 'passed', submission: { grade: 'good', passed: true } });
    // the file as uploaded, to its author
    const download = await as(app, teacher)({ method: 'GET', url: `/api/homework/files/${file.id}` });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.rawPayload.equals(PDF)).toBe(true);
    // the teacher's home counts nothing left to hand in; the tutor's home nothing left to grade
    const home = await as(app, teacher)({ method: 'GET', url: '/api/home' });
    expect(home.json()).toMatchObject({ kind: 'teacher', homeworkToDo: [] });
    const tutorHome = await as(app, tutor)({ method: 'GET', url: '/api/home' });
    expect(tutorHome.json().todos).toEqual([]);
  });

  it('hide the teacher from every answer to the tutors while blind marking is on, the .xlsx export included', async () => {
    const a = (
      await as(
        app,
        county,
      )({
        method: 'POST',
        url: `/api/classes/${classId}/homework/assignments`,
        payload: { title: '匿名作业', dueAt: inAWeek(), grading: 'score', maxScore: 100, passScore: 60, blind: true },
      })
    ).json().assignment;
    const upload = await as(
      app,
      teacher,
    )({
      method: 'POST',
      url: `/api/classes/${classId}/homework/files`,
      ...multipartFile(PDF, { filename: `${teacherName}-作业.pdf`, contentType: 'application/pdf' }),
    });
    await as(
      app,
      teacher,
    )({
      method: 'POST',
      url: `/api/homework/assignments/${a.id}/submission`,
      payload: { body: '匿名作业的正文', fileIds: [upload.json().file.id] },
    });
    const answers: string[] = [];
    const list = await as(app, tutor)({ method: 'GET', url: `/api/homework/assignments/${a.id}/submissions` });
    answers.push(list.body);
    const line = list.json().items[0];
    expect(line.anonCode).toMatch(/^\d{4}$/);
    const detail = await as(app, tutor)({ method: 'GET', url: `/api/homework/submissions/${line.submissionId}` });
    answers.push(detail.body);
    const fileId = detail.json().submission.versions[0].files[0].id;
    const file = await as(app, tutor)({ method: 'GET', url: `/api/homework/files/${fileId}` });
    answers.push(String(file.headers['content-disposition']));
    const graded = await as(
      app,
      tutor,
    )({
      method: 'POST',
      url: `/api/homework/submissions/${line.submissionId}/grade`,
      payload: { version: 1, score: 88 },
    });
    answers.push(graded.body);
    answers.push((await as(app, tutor)({ method: 'GET', url: `/api/classes/${classId}/homework/assignments` })).body);
    // the message about this assignment (the earlier one, not blind, names the teacher as it should)
    const messages = (await as(app, tutor)({ method: 'GET', url: '/api/messages' })).json().items as Array<{
      params: { assignment?: string };
      senderName: string | null;
    }>;
    const blindMessages = messages.filter((m) => m.params.assignment === '匿名作业');
    expect(blindMessages).toHaveLength(1);
    answers.push(JSON.stringify(blindMessages));
    for (const body of answers) expect(body).not.toContain(teacherName);
    expect(decodeURIComponent(String(file.headers['content-disposition']))).toContain(`${line.anonCode}-1.pdf`);

    const sheet = await as(app, tutor)({ method: 'GET', url: `/api/homework/assignments/${a.id}/submissions.xlsx` });
    expect(sheet.statusCode).toBe(200);
    expect(String(sheet.headers['content-type'])).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(sheet.rawPayload as unknown as ArrayBuffer);
    const cells = wb.worksheets[0]!.getSheetValues().flat().map(String).join('|');
    expect(cells).toContain(line.anonCode);
    expect(cells).toContain('88');
    expect(cells).not.toContain(teacherName);

    // the teacher sees no grade until the release; then the tutors see the name
    const before = await as(app, teacher)({ method: 'GET', url: `/api/classes/${classId}/homework/mine` });
    expect(before.json().items.find((x: { assignment: { id: number } }) => x.assignment.id === a.id)).toMatchObject({
      status: 'submitted',
      submission: { gradeWithheld: true, score: null },
    });
    expect(
      (await as(app, tutor)({ method: 'POST', url: `/api/homework/assignments/${a.id}/release` })).statusCode,
    ).toBe(200);
    const after = await as(app, tutor)({ method: 'GET', url: `/api/homework/assignments/${a.id}/submissions.xlsx` });
    const wb2 = new ExcelJS.Workbook();
    await wb2.xlsx.load(after.rawPayload as unknown as ArrayBuffer);
    expect(wb2.worksheets[0]!.getSheetValues().flat().map(String).join('|')).toContain(teacherName);
    const released = await as(app, teacher)({ method: 'GET', url: `/api/classes/${classId}/homework/mine` });
    expect(released.json().items.find((x: { assignment: { id: number } }) => x.assignment.id === a.id)).toMatchObject({
      status: 'passed',
      submission: { score: 88 },
    });
  });

  it('answer bad input with a code and a message in the reader’s language', async () => {
    const post = (who: Session, url: string, payload: unknown, lang = 'zh-CN') =>
      as(app, who)({ method: 'POST', url, payload: payload as object, headers: { 'accept-language': lang } });
    const noDue = await post(tutor, `/api/classes/${classId}/homework/assignments`, {
      title: '缺截止时间',
      grading: 'grade',
    });
    expect(noDue.statusCode).toBe(400);
    expect(noDue.json().error.code).toBe('VALIDATION_FAILED');
    const noZone = await post(tutor, `/api/classes/${classId}/homework/assignments`, {
      title: '没有时区',
      grading: 'grade',
      dueAt: '2027-05-10T23:59:00',
    });
    expect(noZone.json().error.details.issues[0].path).toBe('dueAt');
    const scheme = await post(
      tutor,
      `/api/classes/${classId}/homework/assignments`,
      { title: '及格分高于满分', grading: 'score', maxScore: 50, passScore: 60, dueAt: inAWeek() },
      'en',
    );
    expect(scheme.statusCode).toBe(400);
    expect(scheme.json().error).toMatchObject({
      code: 'HOMEWORK_SCHEME_INVALID',
      message: 'The grading is invalid: the pass mark cannot be above the full mark',
    });
    const zh = await post(tutor, `/api/classes/${classId}/homework/assignments`, {
      title: '及格分高于满分',
      grading: 'score',
      maxScore: 50,
      passScore: 60,
      dueAt: inAWeek(),
    });
    expect(zh.json().error.message).toBe('评分方式有误：及格分不能高于满分');
    const a = (
      await post(tutor, `/api/classes/${classId}/homework/assignments`, {
        title: '按分数',
        grading: 'score',
        maxScore: 100,
        passScore: 60,
        dueAt: inAWeek(),
      })
    ).json().assignment;
    // extra fields, hidden characters, empty work, a file that is not what it says
    expect(
      (await post(classmate, `/api/homework/assignments/${a.id}/submission`, { body: 'x', score: 100 })).statusCode,
    ).toBe(400);
    const hidden = await post(classmate, `/api/homework/assignments/${a.id}/submission`, { body: '作业\u202e正文' });
    expect(hidden.json().error.details.issues[0]).toMatchObject({ path: 'body', kind: 'bad_chars' });
    const empty = await post(classmate, `/api/homework/assignments/${a.id}/submission`, { body: '   ' }, 'en');
    expect(empty.json().error).toMatchObject({
      code: 'HOMEWORK_EMPTY',
      message: expect.stringMatching(/attach a file/),
    });
    const exe = await as(
      app,
      classmate,
    )({
      method: 'POST',
      url: `/api/classes/${classId}/homework/files`,
      ...multipartFile(Buffer.from('MZ\x90\x00'), { filename: '作业.pdf', contentType: 'application/pdf' }),
    });
    expect(exe.statusCode).toBe(415);
    expect(exe.json().error.code).toBe('HOMEWORK_FILE_NOT_ALLOWED');
    await post(classmate, `/api/homework/assignments/${a.id}/submission`, { body: '正文' });
    const sub = (
      await as(app, tutor)({ method: 'GET', url: `/api/homework/assignments/${a.id}/submissions?status=waiting` })
    ).json().items[0];
    const out = await post(
      tutor,
      `/api/homework/submissions/${sub.submissionId}/grade`,
      { version: 1, score: 120 },
      'en',
    );
    expect(out.statusCode).toBe(400);
    expect(out.json().error.message).toBe('The mark is invalid: the score must be a whole number from 0 to 100');
    const grade = await post(tutor, `/api/homework/submissions/${sub.submissionId}/grade`, {
      version: 1,
      grade: 'good',
    });
    expect(grade.json().error.message).toMatch(/此作业按分数评定/);
    const noComment = await post(tutor, `/api/homework/submissions/${sub.submissionId}/return`, { version: 1 });
    expect(noComment.json().error.code).toBe('VALIDATION_FAILED');
    const badFilter = await as(
      app,
      tutor,
    )({
      method: 'GET',
      url: `/api/homework/assignments/${a.id}/submissions?status=everything`,
    });
    expect(badFilter.statusCode).toBe(400);
  });
});
