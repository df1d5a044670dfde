import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { actorAt, buildTree, type Tree } from '../../test/support/fixtures.js';
import { seedTeacher } from '../../test/support/ledger.js';
import { seedOnlineClass } from '../../test/support/homework-class.js';
import { AppError } from '../errors/app-error.js';
import type { RequestContext } from './context.js';
import ExcelJS from './excel.js';
import { createHomeService } from './home.service.js';
import {
  createHomeworkService,
  homeworkPassed,
  homeworkPassedByTeacher,
  type AssignmentInput,
} from './homework.service.js';
import { createServices } from './services.js';

let t: TestDatabase;
let tree: Tree;
let dataDir: string;
let hw: ReturnType<typeof createHomeworkService>;
let home: ReturnType<typeof createHomeService>;
/** the service's clock */
let now = new Date('2027-05-01T02:00:00Z');

let county: RequestContext;
let otherCounty: RequestContext;
let trainer: RequestContext;
let otherTrainer: RequestContext;
const teachers: Array<{ id: number; ctx: RequestContext; name: string }> = [];
let outsider: RequestContext;
let classId: number;

const PDF = Buffer.from('%PDF-1.4\n% 作业\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e: unknown) => (e instanceof AppError ? e.code : String(e)),
  );
const scored = (over: Partial<AssignmentInput> = {}): AssignmentInput => ({
  title: '一节课的教学设计',
  instructions: '上传一节课的完整教学设计。',
  dueAt: new Date('2027-05-10T15:59:00Z'),
  grading: 'score',
  maxScore: 100,
  passScore: 60,
  blind: false,
  ...over,
});
const graded = (over: Partial<AssignmentInput> = {}): AssignmentInput => ({
  ...scored(over),
  grading: 'grade',
  maxScore: null,
  passScore: null,
  ...over,
});
const messagesOf = (userId: number, kind: string) =>
  t.db
    .selectFrom('message')
    .select(['params', 'link', 'sender_id'])
    .where('recipient_id', '=', userId)
    .where('kind', '=', kind)
    .orderBy('id')
    .execute();

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'homework-svc-'));
  t = await createTestDatabase({ PEIXUN_DATA_DIR: dataDir, PEIXUN_TODAY: '2027-05-01' });
  tree = await buildTree(t.db);
  const services = createServices({ db: t.db, env: t.env });
  hw = createHomeworkService({ db: t.db, env: t.env }, () => now);
  home = createHomeService({ db: t.db, env: t.env }, services);
  county = await actorAt(t.db, tree.K1, 'county_admin', 'k1-admin');
  otherCounty = await actorAt(t.db, tree.K2, 'county_admin', 'k2-admin');
  trainer = await actorAt(t.db, tree.I1, 'trainer', 'i1-tutor');
  otherTrainer = await actorAt(t.db, tree.I1, 'trainer', 'i1-other');
  for (let i = 0; i < 3; i++) {
    const id = await seedTeacher(t.db, t.env, tree.S1);
    const ctx = await actorAt(t.db, tree.S1, 'teacher', `s1-teacher-${i}`);
    await t.db.updateTable('teacher').set({ user_id: ctx.actor!.userId }).where('id', '=', id).execute();
    const { name } = await t.db.selectFrom('teacher').select('name').where('id', '=', id).executeTakeFirstOrThrow();
    teachers.push({ id, ctx, name });
  }
  const outsiderId = await seedTeacher(t.db, t.env, tree.S2);
  outsider = await actorAt(t.db, tree.S2, 'teacher', 's2-teacher');
  await t.db.updateTable('teacher').set({ user_id: outsider.actor!.userId }).where('id', '=', outsiderId).execute();
  ({ classId } = await seedOnlineClass(t.db, tree.K1, {
    trainers: [trainer.actor!.userId],
    teachers: teachers.map((x) => x.id),
  }));
});

afterAll(async () => {
  await t.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('assignments', () => {
  it('are set by the class tutors (its trainers and the organiser’s admins) only', async () => {
    const a = await hw.createAssignment(trainer, classId, scored({ title: '作业一' }));
    expect(a).toMatchObject({ classId, title: '作业一', grading: 'score', maxScore: 100, passScore: 60 });
    expect(await codeOf(hw.createAssignment(county, classId, graded({ title: '县里布置' })))).toBe('OK');
    expect(await codeOf(hw.createAssignment(teachers[0]!.ctx, classId, scored()))).toBe('FORBIDDEN');
    expect(await codeOf(hw.createAssignment(otherTrainer, classId, scored()))).toBe('NOT_FOUND');
    expect(await codeOf(hw.createAssignment(otherCounty, classId, scored()))).toBe('NOT_FOUND');
    expect(await codeOf(hw.assignments(outsider, classId))).toBe('FORBIDDEN');
    // a pass mark above the full mark, or marks on a graded assignment
    expect(await codeOf(hw.createAssignment(trainer, classId, scored({ passScore: 120 })))).toBe(
      'HOMEWORK_SCHEME_INVALID',
    );
    expect(await codeOf(hw.createAssignment(trainer, classId, graded({ maxScore: 100 })))).toBe(
      'HOMEWORK_SCHEME_INVALID',
    );
    const list = await hw.assignments(trainer, classId);
    expect(list.items.map((x) => x.title)).toEqual(expect.arrayContaining(['作业一', '县里布置']));
    for (const x of list.items) await hw.deleteAssignment(trainer, x.id);
  });

  it('are refused for a face-to-face class', async () => {
    const { classId: f2f } = await seedOnlineClass(t.db, tree.K1, { trainers: [trainer.actor!.userId] });
    await t.db
      .updateTable('training_class')
      .set({ course_id: null, study_opens_on: null, study_closes_on: null })
      .where('id', '=', f2f)
      .execute();
    expect(await codeOf(hw.createAssignment(trainer, f2f, scored()))).toBe('CLASS_NOT_ONLINE');
  });
});

describe('handing in, returning and grading', () => {
  let assignmentId: number;
  const me = () => teachers[0]!;

  it('takes a version before the due moment, not late, and tells the tutors who sent it', async () => {
    assignmentId = (await hw.createAssignment(trainer, classId, scored({ title: '教学设计' }))).id;
    const before = (await home.get(trainer)) as { todos: Array<{ kind: string; count: number }> };
    expect(before.todos.find((x) => x.kind === 'homework_to_grade')).toBeUndefined();
    now = new Date('2027-05-05T02:00:00Z');
    const file = await hw.uploadFile(me().ctx, classId, { name: '教学设计.pdf', data: PDF });
    const r = await hw.submit(me().ctx, assignmentId, {
      body: '第一稿：教学目标……',
      fileIds: [file.id],
      shareName: true,
    });
    expect(r.status).toBe('submitted');
    expect(r.submission).toMatchObject({ version: 1, late: false });
    expect(r.submission!.versions[0]!.files.map((f) => f.fileName)).toEqual(['教学设计.pdf']);
    const msgs = await messagesOf(trainer.actor!.userId, 'homework_submitted');
    expect(msgs.at(-1)!.params).toMatchObject({ assignment: '教学设计', teacher: me().name, late: false });
    expect(msgs.at(-1)!.sender_id).toBe(me().ctx.actor!.userId);
    const after = (await home.get(trainer)) as { todos: Array<{ kind: string; count: number }> };
    expect(after.todos).toContainEqual({ kind: 'homework_to_grade', count: 1, year: null, cycleId: null });
  });

  it('is returned with a comment; the teacher sends a new version and both are kept', async () => {
    const [line] = (await hw.submissions(trainer, assignmentId, { filter: 'waiting', limit: 20, offset: 0 })).items;
    expect(line).toMatchObject({ teacherName: me().name, status: 'submitted', version: 1 });
    await hw.returnForRevision(trainer, line!.submissionId!, { version: 1, comment: '请补充板书设计' });
    const mine = (await hw.mine(me().ctx, classId)).items.find((x) => x.assignment.id === assignmentId)!;
    expect(mine.status).toBe('returned');
    expect(mine.maySubmit).toBe(true);
    expect(mine.submission!.comment).toBe('请补充板书设计');
    expect((await messagesOf(me().ctx.actor!.userId, 'homework_returned')).at(-1)!.params).toMatchObject({
      assignment: '教学设计',
      comment: '请补充板书设计',
    });
    // grading a returned work is refused: the teacher is to send another version first
    expect(await codeOf(hw.grade(trainer, line!.submissionId!, { version: 1, score: 80, comment: null }))).toBe(
      'HOMEWORK_STATE',
    );
    const r = await hw.submit(me().ctx, assignmentId, {
      body: '第二稿：补充了板书设计。',
      fileIds: [],
      shareName: true,
    });
    expect(r.status).toBe('submitted');
    expect(r.submission!.versions.map((v) => [v.version, v.outcome, v.comment, v.body])).toEqual([
      [1, 'returned', '请补充板书设计', '第一稿：教学目标……'],
      [2, null, null, '第二稿：补充了板书设计。'],
    ]);
    // the first version keeps its file
    expect(r.submission!.versions[0]!.files).toHaveLength(1);
  });

  it('refuses a grade for an older version, or out of range, then grades: 59 fails, a new version at 60 passes', async () => {
    const sub = (await hw.submissions(trainer, assignmentId, { limit: 20, offset: 0 })).items.find(
      (l) => l.teacherId === me().id,
    )!;
    const id = sub.submissionId!;
    expect(await codeOf(hw.grade(trainer, id, { version: 1, score: 80, comment: null }))).toBe(
      'HOMEWORK_VERSION_STALE',
    );
    expect(await codeOf(hw.grade(trainer, id, { version: 2, score: 101, comment: null }))).toBe(
      'HOMEWORK_MARK_INVALID',
    );
    expect(await codeOf(hw.grade(trainer, id, { version: 2, grade: 'good', comment: null }))).toBe(
      'HOMEWORK_MARK_INVALID',
    );
    expect(await codeOf(hw.grade(teachers[1]!.ctx, id, { version: 2, score: 90, comment: null }))).toBe('FORBIDDEN');
    await hw.grade(trainer, id, { version: 2, score: 59, comment: '差一点' });
    let mine = (await hw.mine(me().ctx, classId)).items.find((x) => x.assignment.id === assignmentId)!;
    expect(mine).toMatchObject({ status: 'failed', maySubmit: true });
    expect(mine.submission).toMatchObject({ score: 59, passed: false, comment: '差一点' });
    expect((await messagesOf(me().ctx.actor!.userId, 'homework_graded')).at(-1)!.params).toMatchObject({
      passed: false,
    });
    expect(await homeworkPassed(t.db, classId, me().id)).toBe(false);
    await hw.submit(me().ctx, assignmentId, { body: '第三稿。', fileIds: [], shareName: true });
    await hw.grade(county, id, { version: 3, score: 60, comment: '通过' });
    mine = (await hw.mine(me().ctx, classId)).items.find((x) => x.assignment.id === assignmentId)!;
    expect(mine).toMatchObject({ status: 'passed', maySubmit: false });
    expect(mine.submission!.versions.map((v) => v.outcome)).toEqual(['returned', 'graded', 'graded']);
    // passed work takes no new version
    expect(await codeOf(hw.submit(me().ctx, assignmentId, { body: '第四稿', fileIds: [], shareName: true }))).toBe(
      'HOMEWORK_STATE',
    );
  });

  it('accepts a version after the due moment and marks it late', async () => {
    now = new Date('2027-05-11T01:00:00Z');
    const r = await hw.submit(teachers[1]!.ctx, assignmentId, { body: '迟交的作业', fileIds: [], shareName: false });
    expect(r.status).toBe('submitted');
    expect(r.submission).toMatchObject({ late: true, version: 1 });
    expect(r.submission!.versions[0]!.late).toBe(true);
    const late = await hw.submissions(trainer, assignmentId, { late: true, limit: 20, offset: 0 });
    expect(late.items.map((l) => l.teacherId)).toEqual([teachers[1]!.id]);
    // the third teacher has handed in nothing: 逾期
    const third = (await hw.mine(teachers[2]!.ctx, classId)).items.find((x) => x.assignment.id === assignmentId)!;
    expect(third.status).toBe('overdue');
    const missing = await hw.submissions(trainer, assignmentId, { filter: 'not_submitted', limit: 20, offset: 0 });
    expect(missing.items.map((l) => l.teacherId)).toEqual([teachers[2]!.id]);
  });

  it('counts homework passed only when every assignment of the class passed, for one teacher and for the class', async () => {
    expect(await homeworkPassed(t.db, classId, me().id)).toBe(true);
    const second = await hw.createAssignment(trainer, classId, graded({ title: '教学反思' }));
    expect(await homeworkPassed(t.db, classId, me().id)).toBe(false);
    await hw.submit(me().ctx, second.id, { body: '反思', fileIds: [], shareName: false });
    const sub = (await hw.submissions(trainer, second.id, { filter: 'waiting', limit: 20, offset: 0 })).items[0]!;
    await hw.grade(trainer, sub.submissionId!, { version: 1, grade: 'good', comment: '良好' });
    expect(await homeworkPassed(t.db, classId, me().id)).toBe(true);
    const all = await homeworkPassedByTeacher(t.db, classId);
    expect(all.get(me().id)).toEqual({ passed: 2, total: 2, all: true });
    expect(all.get(teachers[1]!.id)).toEqual({ passed: 0, total: 2, all: false });
    expect(all.get(teachers[2]!.id)).toEqual({ passed: 0, total: 2, all: false });
    expect(all.has(teachers[0]!.id)).toBe(true);
    // an assignment with work handed in is not deleted
    expect(await codeOf(hw.deleteAssignment(trainer, second.id))).toBe('HOMEWORK_HAS_SUBMISSIONS');
  });

  it('recommends passed work to the class, named only with its author’s consent', async () => {
    const lines = (await hw.submissions(trainer, assignmentId, { limit: 20, offset: 0 })).items;
    const passed = lines.find((l) => l.teacherId === me().id)!;
    const waiting = lines.find((l) => l.teacherId === teachers[1]!.id)!;
    expect(await codeOf(hw.recommend(trainer, waiting.submissionId!, true))).toBe('HOMEWORK_STATE');
    await hw.recommend(trainer, passed.submissionId!, true);
    const seen = await hw.recommended(teachers[2]!.ctx, classId);
    expect(seen.items).toHaveLength(1);
    expect(seen.items[0]).toMatchObject({ teacherName: me().name, body: '第三稿。' });
    // its author did not agree for the reflection: shown without the name
    const second = (await hw.assignments(trainer, classId)).items.find((a) => a.title === '教学反思')!;
    const sub = (await hw.submissions(trainer, second.id, { limit: 20, offset: 0 })).items.find(
      (l) => l.teacherId === me().id,
    )!;
    await hw.recommend(trainer, sub.submissionId!, true);
    const both = await hw.recommended(teachers[2]!.ctx, classId);
    expect(both.items.find((x) => x.assignmentTitle === '教学反思')).toMatchObject({
      teacherName: null,
      orgUnitName: null,
    });
    expect(await codeOf(hw.recommended(outsider, classId))).toBe('NOT_FOUND');
  });

  it('serves a file to its author and the tutors; to classmates only once its version is recommended', async () => {
    const file = await hw.uploadFile(teachers[2]!.ctx, classId, { name: '课件截图.png', data: PNG });
    expect((await hw.file(teachers[2]!.ctx, file.id)).fileName).toBe('课件截图.png');
    // not handed in yet: its author's alone
    expect(await codeOf(hw.file(trainer, file.id))).toBe('NOT_FOUND');
    const assignment = (await hw.assignments(trainer, classId)).items.find((a) => a.title === '教学设计')!;
    await hw.submit(teachers[2]!.ctx, assignment.id, { body: '', fileIds: [file.id], shareName: true });
    expect((await hw.file(trainer, file.id)).fileName).toBe('课件截图.png');
    expect(await codeOf(hw.file(me().ctx, file.id))).toBe('NOT_FOUND');
    expect(await codeOf(hw.file(outsider, file.id))).toBe('NOT_FOUND');
    const pdf = (await hw.mine(me().ctx, classId)).items.find((x) => x.assignment.id === assignmentId)!.submission!
      .versions[0]!.files[0]!;
    // the recommended work's own file is the class's to read; an earlier version's is not
    expect(await codeOf(hw.file(teachers[2]!.ctx, pdf.id))).toBe('NOT_FOUND');
    expect(fs.readFileSync((await hw.file(trainer, pdf.id)).path).equals(PDF)).toBe(true);
  });

  it('checks uploads by their content and size, and refuses files that are not the teacher’s', async () => {
    const code = (name: string, data: Buffer) => codeOf(hw.uploadFile(teachers[1]!.ctx, classId, { name, data }));
    expect(await code('作业.exe', Buffer.from('MZ\x90\x00'))).toBe('HOMEWORK_FILE_NOT_ALLOWED');
    expect(await code('作业.pdf', Buffer.from('MZ\x90\x00 not a pdf'))).toBe('HOMEWORK_FILE_NOT_ALLOWED');
    expect(await code('大文件.pdf', Buffer.concat([PDF, Buffer.alloc(21 * 1_048_576)]))).toBe('FILE_TOO_LARGE');
    expect(await codeOf(hw.uploadFile(trainer, classId, { name: 'a.pdf', data: PDF }))).toBe('FORBIDDEN');
    const theirs = await hw.uploadFile(teachers[2]!.ctx, classId, { name: '别人的.pdf', data: PDF });
    const assignment = (await hw.assignments(trainer, classId)).items.find((a) => a.title === '教学反思')!;
    expect(
      await codeOf(
        hw.submit(teachers[1]!.ctx, assignment.id, { body: '借用', fileIds: [theirs.id], shareName: false }),
      ),
    ).toBe('NOT_FOUND');
    expect(
      await codeOf(hw.submit(teachers[1]!.ctx, assignment.id, { body: '  ', fileIds: [], shareName: false })),
    ).toBe('HOMEWORK_EMPTY');
  });
});

describe('blind marking', () => {
  let assignmentId: number;
  const author = () => teachers[2]!;

  it('shows the tutors a code, never the teacher, in lists, details, files, exports and messages', async () => {
    now = new Date('2027-05-12T01:00:00Z');
    assignmentId = (await hw.createAssignment(trainer, classId, graded({ title: '匿名评审作业', blind: true }))).id;
    const file = await hw.uploadFile(author().ctx, classId, { name: `${author().name}的作业.pdf`, data: PDF });
    await hw.submit(author().ctx, assignmentId, { body: '匿名作业正文', fileIds: [file.id], shareName: true });
    const list = await hw.submissions(county, assignmentId, { limit: 20, offset: 0 });
    expect(list.blind).toBe(true);
    expect(list.items).toHaveLength(1);
    const line = list.items[0]!;
    expect(line).toMatchObject({ teacherId: null, teacherName: null, orgUnitName: null });
    expect(line.anonCode).toMatch(/^\d{4}$/);
    // nobody is listed by name, not even those without work
    expect(
      (await hw.submissions(trainer, assignmentId, { filter: 'not_submitted', limit: 20, offset: 0 })).items,
    ).toEqual([]);
    // searching by name finds nothing out
    expect((await hw.submissions(trainer, assignmentId, { name: author().name, limit: 20, offset: 0 })).total).toBe(1);
    const detail = await hw.submission(trainer, line.submissionId!);
    expect(JSON.stringify(detail)).not.toContain(author().name);
    expect(detail.submission.versions[0]!.files[0]!.fileName).toBe(`${line.anonCode}-1.pdf`);
    expect((await hw.file(trainer, file.id)).fileName).toBe(`${line.anonCode}-1.pdf`);
    const msg = (await messagesOf(trainer.actor!.userId, 'homework_submitted')).at(-1)!;
    expect(msg.params).toMatchObject({ assignment: '匿名评审作业', teacher: `#${line.anonCode}` });
    expect(msg.sender_id).toBeNull();
    const sheet = await hw.exportGrades(county, assignmentId);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(sheet.buffer as unknown as ArrayBuffer);
    const cells = wb.worksheets[0]!.getSheetValues().flat().map(String).join('|');
    expect(cells).toContain(line.anonCode!);
    expect(cells).not.toContain(author().name);
    expect(cells).not.toContain(tree.S1.name);
  });

  it('withholds the grade from the teacher until released; then names and grades show', async () => {
    const [line] = (await hw.submissions(trainer, assignmentId, { limit: 20, offset: 0 })).items;
    await hw.grade(trainer, line!.submissionId!, { version: 1, grade: 'excellent', comment: '很好' });
    const audit = await t.db
      .selectFrom('audit_log')
      .select('target_label')
      .where('action', '=', 'homework.grade')
      .where('target_id', '=', String(line!.submissionId))
      .executeTakeFirstOrThrow();
    expect(audit.target_label).not.toContain(author().name);
    let mine = (await hw.mine(author().ctx, classId)).items.find((x) => x.assignment.id === assignmentId)!;
    expect(mine.status).toBe('submitted');
    expect(mine.submission).toMatchObject({ gradeWithheld: true, grade: null, comment: null, passed: null });
    expect(mine.submission!.versions[0]).toMatchObject({ outcome: null, grade: null });
    expect((await messagesOf(author().ctx.actor!.userId, 'homework_graded')).map((m) => m.params)).not.toContainEqual(
      expect.objectContaining({ assignment: '匿名评审作业' }),
    );
    expect((await homeworkPassedByTeacher(t.db, classId)).get(author().id)?.passed).toBe(0);
    expect(await codeOf(hw.release(teachers[0]!.ctx, assignmentId))).toBe('FORBIDDEN');
    await hw.release(trainer, assignmentId);
    expect(await codeOf(hw.release(trainer, assignmentId))).toBe('HOMEWORK_STATE');
    mine = (await hw.mine(author().ctx, classId)).items.find((x) => x.assignment.id === assignmentId)!;
    expect(mine).toMatchObject({ status: 'passed' });
    expect(mine.submission).toMatchObject({ grade: 'excellent', comment: '很好', gradeWithheld: false });
    expect((await messagesOf(author().ctx.actor!.userId, 'homework_graded')).at(-1)!.params).toMatchObject({
      assignment: '匿名评审作业',
      passed: true,
    });
    const after = (await hw.submissions(trainer, assignmentId, { limit: 20, offset: 0 })).items[0]!;
    expect(after.teacherName).toBe(author().name);
  });

  it('keeps blind marking as set once work is handed in', async () => {
    const a = (await hw.assignments(trainer, classId)).items.find((x) => x.title === '教学反思')!;
    expect(await codeOf(hw.updateAssignment(trainer, a.id, graded({ title: '教学反思', blind: true })))).toBe(
      'HOMEWORK_HAS_SUBMISSIONS',
    );
    const renamed = await hw.updateAssignment(trainer, a.id, graded({ title: '教学反思（修订）' }));
    expect(renamed.title).toBe('教学反思（修订）');
  });
});

describe('a closed class', () => {
  it('keeps its homework to read and takes no new version', async () => {
    const a = (await hw.assignments(trainer, classId)).items.find((x) => x.title === '教学设计')!;
    await t.db
      .updateTable('training_class')
      .set({ status: 'closed', closed_at: new Date() })
      .where('id', '=', classId)
      .execute();
    try {
      expect(await codeOf(hw.submit(teachers[2]!.ctx, a.id, { body: '结班后', fileIds: [], shareName: false }))).toBe(
        'CLASS_CLOSED',
      );
      expect((await hw.mine(teachers[2]!.ctx, classId)).items.every((x) => !x.maySubmit)).toBe(true);
    } finally {
      await t.db
        .updateTable('training_class')
        .set({ status: 'open', closed_at: null })
        .where('id', '=', classId)
        .execute();
    }
  });
});

describe('a teacher who leaves the class', () => {
  it('keeps the work handed in listed once for the tutors, and drops out of the class’s completion', async () => {
    const leaver = teachers[1]!;
    const a = (await hw.assignments(trainer, classId)).items.find((x) => x.title === '教学设计')!;
    await t.db
      .updateTable('enrolment')
      .set({ status: 'withdrawn' })
      .where('class_id', '=', classId)
      .where('teacher_id', '=', leaver.id)
      .execute();
    try {
      const lines = (await hw.submissions(trainer, a.id, { limit: 50, offset: 0 })).items;
      expect(lines.filter((l) => l.teacherId === leaver.id)).toHaveLength(1);
      const missing = await hw.submissions(trainer, a.id, { filter: 'not_submitted', limit: 50, offset: 0 });
      expect(missing.items.map((l) => l.teacherId)).not.toContain(leaver.id);
      expect((await homeworkPassedByTeacher(t.db, classId)).has(leaver.id)).toBe(false);
      expect(await codeOf(hw.mine(leaver.ctx, classId))).toBe('NOT_FOUND');
    } finally {
      await t.db
        .updateTable('enrolment')
        .set({ status: 'enrolled' })
        .where('class_id', '=', classId)
        .where('teacher_id', '=', leaver.id)
        .execute();
    }
  });
});
