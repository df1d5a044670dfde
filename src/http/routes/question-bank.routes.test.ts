import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, login, type Session } from '../../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { addUser, buildTree, type Tree } from '../../../test/support/fixtures.js';
import { multipartFile } from '../../../test/support/upload.js';

let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let county: Session;
let trainer: Session;
let trainerId: number;

const question = {
  kind: 'single',
  stem: '教师职业道德规范的核心是（  ）。',
  options: [
    { key: 'A', text: '爱国守法' },
    { key: 'B', text: '关爱学生' },
  ],
  answer: 'B',
  module: '师德',
  stage: 'primary',
  difficulty: 2,
};

beforeAll(async () => {
  t = await createTestDatabase();
  tree = await buildTree(t.db);
  await addUser(t.db, tree.K1, 'county_admin', 'qr-county');
  trainerId = await addUser(t.db, tree.I1, 'trainer', 'qr-trainer');
  app = await buildTestApp(t);
  county = await login(app, 'qr-county');
  trainer = await login(app, 'qr-trainer');
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

describe('question bank routes', () => {
  it('create, read with versions, edit after an exam used it, list with filters, archive and restore', async () => {
    const created = await as(app, county)({ method: 'POST', url: '/api/questions', payload: question });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().question.id as number;
    expect(created.json().question).toMatchObject({ unitId: tree.K1.id, version: 1, canManage: true, answer: 'B' });

    await t.db.updateTable('question_version').set({ frozen: true }).where('question_id', '=', id).execute();
    const edited = await as(
      app,
      county,
    )({ method: 'PUT', url: `/api/questions/${id}`, payload: { ...question, answer: 'A', explanation: '更正' } });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ newVersion: true, question: { version: 2, answer: 'A' } });
    const read = await as(app, county)({ method: 'GET', url: `/api/questions/${id}` });
    expect(read.json().versions.map((v: { version: number; answer: string }) => [v.version, v.answer])).toEqual([
      [2, 'A'],
      [1, 'B'],
    ]);

    const list = await as(app, county)({ method: 'GET', url: '/api/questions?kind=single&stage=primary&module=师德' });
    expect(list.json()).toMatchObject({ total: 1, canCreate: true, unit: { id: tree.K1.id } });
    const none = await as(app, county)({ method: 'GET', url: '/api/questions?kind=essay' });
    expect(none.json().total).toBe(0);

    expect(
      (await as(app, county)({ method: 'POST', url: `/api/questions/${id}/archive` })).json().question.archived,
    ).toBe(true);
    expect(
      (await as(app, county)({ method: 'POST', url: `/api/questions/${id}/restore` })).json().question.archived,
    ).toBe(false);
    const tags = await as(app, county)({ method: 'GET', url: '/api/questions/tags' });
    expect(tags.json()).toMatchObject({ stages: ['primary'] });
  });

  it('bad input is refused with its code', async () => {
    const post = (payload: unknown) =>
      as(app, county)({ method: 'POST', url: '/api/questions', payload: payload as object });
    const code = async (p: ReturnType<typeof post>) => {
      const r = await p;
      return [r.statusCode, r.json().error?.code];
    };
    expect(await code(post({ ...question, kind: 'matching' }))).toEqual([400, 'VALIDATION_FAILED']);
    expect(await code(post({ ...question, stem: '' }))).toEqual([400, 'VALIDATION_FAILED']);
    expect(await code(post({ ...question, difficulty: 6 }))).toEqual([400, 'VALIDATION_FAILED']);
    expect(await code(post({ ...question, stage: 'university' }))).toEqual([400, 'VALIDATION_FAILED']);
    expect(await code(post({ ...question, options: [{ key: 'Z', text: '甲' }] }))).toEqual([400, 'VALIDATION_FAILED']);
    expect(await code(post({ ...question, extra: 1 }))).toEqual([400, 'VALIDATION_FAILED']);
    // the shape is right but the question is not sound
    const unsound = await post({ ...question, answer: 'C' });
    expect(unsound.statusCode).toBe(400);
    expect(unsound.json().error).toMatchObject({
      code: 'QUESTION_INVALID',
      details: { problems: ['answer_not_an_option'] },
    });
    expect(await code(post({ kind: 'true_false', stem: '对吗', answer: 'yes' }))).toEqual([400, 'QUESTION_INVALID']);
    expect(await code(post({ ...question, unitId: tree.S1.id }))).toEqual([400, 'QUESTION_INVALID']);
    expect(await code(post({ ...question, unitId: tree.K3.id }))).toEqual([404, 'NOT_FOUND']);
    const missing = await as(app, county)({ method: 'GET', url: '/api/questions/999999' });
    expect(missing.statusCode).toBe(404);
    const badId = await as(app, county)({ method: 'GET', url: '/api/questions/abc' });
    expect(badId.statusCode).toBe(400);
    const editors = await as(
      app,
      county,
    )({ method: 'PUT', url: `/api/question-bank/${tree.K1.id}/editors`, payload: { userIds: ['1'] } });
    expect(editors.statusCode).toBe(400);
  });

  it('a sheet with bad rows is refused 422 with each row; a trainer named for the bank imports it', async () => {
    const csv = '题型,题干,选项A,选项B,答案\r\n单选,好题（  ）,甲,乙,A\r\n单选,坏题（  ）,甲,乙,C\r\n猜谜,怪题,,,\r\n';
    const refused = await as(
      app,
      county,
    )({
      method: 'POST',
      url: '/api/questions/import',
      ...multipartFile(csv, { filename: 'q.csv', contentType: 'text/csv' }),
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toMatchObject({
      code: 'QUESTION_SHEET_INVALID',
      details: {
        problemCount: 2,
        problems: [
          { row: 3, column: '答案', code: 'answer_not_an_option' },
          { row: 4, column: '题型', code: 'unknown_kind' },
        ],
      },
    });
    const noHeader = await as(
      app,
      county,
    )({
      method: 'POST',
      url: '/api/questions/import',
      ...multipartFile('a,b\r\n1,2\r\n', { filename: 'x.csv', contentType: 'text/csv' }),
    });
    expect(noHeader.json().error.code).toBe('IMPORT_MISSING_COLUMNS');

    expect((await as(app, trainer)({ method: 'GET', url: '/api/questions' })).statusCode).toBe(403);
    const named = await as(
      app,
      county,
    )({ method: 'PUT', url: `/api/question-bank/${tree.K1.id}/editors`, payload: { userIds: [trainerId] } });
    expect(named.json().editors.map((e: { userId: number }) => e.userId)).toEqual([trainerId]);
    const good = '题型,题干,选项A,选项B,答案\r\n单选,培训者导入（  ）,甲,乙,A\r\n';
    const imported = await as(
      app,
      trainer,
    )({
      method: 'POST',
      url: '/api/questions/import',
      ...multipartFile(good, { filename: 'q.csv', contentType: 'text/csv' }),
    });
    expect(imported.json()).toEqual({ rows: 1, created: 1, updated: 0, unchanged: 0 });

    const exported = await as(app, trainer)({ method: 'GET', url: '/api/questions/export.xlsx' });
    expect(exported.statusCode).toBe(200);
    expect(String(exported.headers['content-type'])).toContain('spreadsheetml');
    const template = await as(app, trainer)({ method: 'GET', url: '/api/questions/template.xlsx' });
    expect(template.statusCode).toBe(200);
    expect(String(template.headers['content-disposition'])).toContain(encodeURIComponent('题库导入模板'));
  });
});
