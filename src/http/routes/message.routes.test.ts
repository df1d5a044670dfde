import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, login, type Session } from '../../../test/support/app.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { addUser, buildTree, type Tree } from '../../../test/support/fixtures.js';

let t: TestDatabase;
let app: FastifyInstance;
let tree: Tree;
let county: Session;
let school: Session;
let village: Session;

beforeAll(async () => {
  t = await createTestDatabase();
  tree = await buildTree(t.db);
  await addUser(t.db, tree.K1, 'county_admin', 'mr-county');
  await addUser(t.db, tree.S1, 'school_admin', 'mr-school');
  await addUser(t.db, tree.S4, 'school_admin', 'mr-village');
  app = await buildTestApp(t);
  county = await login(app, 'mr-county');
  school = await login(app, 'mr-school');
  village = await login(app, 'mr-village');
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

describe('message centre routes', () => {
  it('a reminder shows in the unread count and the inbox, and opening it clears the count', async () => {
    const sent = await as(
      app,
      county,
    )({
      method: 'POST',
      url: '/api/messages/reminders',
      payload: { orgUnitIds: [tree.S1.id], topic: 'general', note: '请本周内上报培训名单', deadline: '2027-04-01' },
    });
    expect(sent.statusCode).toBe(200);
    expect(sent.json()).toEqual({ units: 1, recipients: 1 });

    const count = await as(app, school)({ method: 'GET', url: '/api/messages/unread-count' });
    expect(count.json()).toEqual({ messages: 1, notices: 0, total: 1 });
    const inbox = (await as(app, school)({ method: 'GET', url: '/api/messages?unread=true' })).json();
    expect(inbox.total).toBe(1);
    expect(inbox.items[0]).toMatchObject({
      kind: 'reminder',
      params: { topic: 'general', fromUnit: tree.K1.name, note: '请本周内上报培训名单', deadline: '2027-04-01' },
      link: null,
      senderName: 'mr-county',
      readAt: null,
    });
    // the village school was not chosen
    expect((await as(app, village)({ method: 'GET', url: '/api/messages/unread-count' })).json().total).toBe(0);

    // another account's message is not found; the own one is marked read
    const id = inbox.items[0].id;
    expect((await as(app, village)({ method: 'POST', url: `/api/messages/${id}/read` })).statusCode).toBe(404);
    expect((await as(app, school)({ method: 'POST', url: `/api/messages/${id}/read` })).statusCode).toBe(204);
    expect((await as(app, school)({ method: 'GET', url: '/api/messages/unread-count' })).json().total).toBe(0);
    expect((await as(app, school)({ method: 'GET', url: '/api/messages' })).json().items[0].readAt).not.toBeNull();
  });

  it('refuses a reminder without units or a general one without a note, in the reader’s language', async () => {
    const none = await as(
      app,
      county,
    )({
      method: 'POST',
      url: '/api/messages/reminders',
      headers: { 'accept-language': 'en' },
      payload: { orgUnitIds: [], topic: 'general', note: 'x' },
    });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.code).toBe('VALIDATION_FAILED');
    expect(none.json().error.message).toMatch(/[a-z]/i);
    const noNote = await as(
      app,
      county,
    )({
      method: 'POST',
      url: '/api/messages/reminders',
      payload: { orgUnitIds: [tree.S1.id], topic: 'general' },
    });
    expect(noNote.statusCode).toBe(400);
    expect(noNote.json().error.code).toBe('VALIDATION_FAILED');
    expect(noNote.json().error.message).toMatch(/[\u4e00-\u9fff]/);
    const noYear = await as(
      app,
      county,
    )({
      method: 'POST',
      url: '/api/messages/reminders',
      payload: { orgUnitIds: [tree.S1.id], topic: 'verification' },
    });
    expect(noYear.statusCode).toBe(400);
    expect((await as(app, school)({ method: 'GET', url: '/api/messages/unread-count' })).json().messages).toBe(0);
  });

  it('a notice published by the county is read by its schools, and read-all clears the bell', async () => {
    const blank = await as(
      app,
      county,
    )({ method: 'POST', url: '/api/notices', payload: { title: '  ', body: '正文' } });
    expect(blank.statusCode).toBe(400);
    const published = await as(
      app,
      county,
    )({
      method: 'POST',
      url: '/api/notices',
      payload: { title: '关于开展暑期集中培训的通知', body: '请各校于7月10日前报名。' },
    });
    expect(published.statusCode).toBe(201);
    const notice = published.json().notice;
    // a notice of several paragraphs keeps its line breaks; other control characters are refused
    const paragraphs = await as(
      app,
      county,
    )({
      method: 'POST',
      url: '/api/notices',
      payload: { title: '关于报送培训名单的通知', body: '各学校：\r\n\r\n请于本周五前报送名单。\n\n桦甸市教育局' },
    });
    expect(paragraphs.statusCode).toBe(201);
    expect(paragraphs.json().notice.body).toBe('各学校：\n\n请于本周五前报送名单。\n\n桦甸市教育局');
    const bell = await as(
      app,
      county,
    )({
      method: 'POST',
      url: '/api/notices',
      payload: { title: '响铃', body: '正文\u0007' },
    });
    expect(bell.statusCode).toBe(400);
    expect(notice).toMatchObject({ orgUnitId: tree.K1.id, orgUnitName: tree.K1.name, publishedByName: 'mr-county' });
    expect(
      (await as(app, school)({ method: 'POST', url: '/api/notices', payload: { title: 'x', body: 'y' } })).statusCode,
    ).toBe(403);

    expect((await as(app, village)({ method: 'GET', url: '/api/messages/unread-count' })).json()).toEqual({
      messages: 0,
      notices: 2,
      total: 2,
    });
    const list = (await as(app, village)({ method: 'GET', url: '/api/notices' })).json();
    expect(list.items.map((n: { title: string }) => n.title)).toEqual([
      '关于报送培训名单的通知',
      '关于开展暑期集中培训的通知',
    ]);
    const all = await as(app, village)({ method: 'POST', url: '/api/messages/read-all' });
    expect(all.json()).toEqual({ messages: 0, notices: 2 });
    expect((await as(app, village)({ method: 'GET', url: '/api/messages/unread-count' })).json().total).toBe(0);
    expect((await as(app, village)({ method: 'GET', url: '/api/notices?unread=true' })).json().total).toBe(0);
  });
});
