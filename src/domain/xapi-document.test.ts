import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  agentIfi,
  batchDefinitions,
  checkPrecondition,
  concurrencyRules,
  etagOf,
  isJsonType,
  jsonObjectOf,
  mergeDefinitions,
  parseAgentParam,
  parseRegistration,
  parseSince,
  personOf,
} from './xapi-document.js';

describe('the agent parameter', () => {
  it('takes an agent named by exactly one identifier', () => {
    for (const agent of [
      { mbox: 'mailto:zhang@school.cn' },
      { objectType: 'Agent', name: '张老师', mbox: 'mailto:zhang@school.cn' },
      { mbox_sha1sum: 'a'.repeat(40) },
      { openid: 'https://id.example.cn/zhang' },
      { account: { homePage: 'https://www.smartedu.cn', name: '220282199001011234' } },
    ]) {
      expect(parseAgentParam(JSON.stringify(agent))).toEqual({ ok: true, value: agent });
    }
  });

  it('refuses what is not an agent: not JSON, no or two identifiers, a group, malformed identifiers', () => {
    for (const raw of [
      undefined,
      'zhang@school.cn',
      '{"mbox":"mailto:a@b.cn"',
      'true',
      '[]',
      '{}',
      '{"name":"张老师"}',
      '{"mbox":"mailto:a@b.cn","openid":"https://id.cn/a"}',
      '{"objectType":"Group","mbox":"mailto:a@b.cn"}',
      '{"mbox":"a@b.cn"}',
      '{"mbox_sha1sum":"xyz"}',
      '{"openid":"not an iri"}',
      '{"account":{"homePage":"https://a.cn"}}',
      '{"account":{"homePage":"a.cn","name":"x"}}',
      '{"mbox":"mailto:a@b.cn","extra":1}',
    ]) {
      expect(parseAgentParam(raw).ok, String(raw)).toBe(false);
    }
  });

  it('names an agent by one string, and answers its Person object with arrays', () => {
    expect(agentIfi({ mbox: 'mailto:a@b.cn', name: 'x' })).toBe('mbox:mailto:a@b.cn');
    expect(agentIfi({ mbox_sha1sum: 'AB'.repeat(20) })).toBe(`mbox_sha1sum:${'ab'.repeat(20)}`);
    expect(agentIfi({ account: { homePage: 'https://a.cn', name: 'z' } })).toBe('account:https://a.cn z');
    expect(personOf({ name: '张', mbox: 'mailto:a@b.cn' })).toEqual({
      objectType: 'Person',
      name: ['张'],
      mbox: ['mailto:a@b.cn'],
    });
    expect(personOf({ openid: 'https://id.cn/a' })).toEqual({
      objectType: 'Person',
      name: [],
      openid: ['https://id.cn/a'],
    });
  });
});

describe('registration and since', () => {
  it('takes a UUID registration and an RFC 3339 since, and refuses others', () => {
    expect(parseRegistration(undefined)).toEqual({ ok: true, value: null });
    expect(parseRegistration('6E0B3D4C-7A2B-4F5E-9C1D-2B3A4C5D6E7F')).toEqual({
      ok: true,
      value: '6e0b3d4c-7a2b-4f5e-9c1d-2b3a4c5d6e7f',
    });
    expect(parseRegistration('not-a-uuid').ok).toBe(false);
    expect(parseSince('2027-03-01T08:00:00.123+08:00')).toEqual({
      ok: true,
      value: new Date('2027-03-01T00:00:00.123Z'),
    });
    expect(parseSince('2027-03-01T00:00:00Z').ok).toBe(true);
    for (const bad of ['yesterday', '2027-13-45T00:00:00Z', '1']) expect(parseSince(bad).ok, bad).toBe(false);
  });
});

describe('ETags and preconditions', () => {
  it('tags content by its SHA-1 in quotes', () => {
    expect(etagOf(Buffer.from(''))).toBe('"da39a3ee5e6b4b0d3255bfef95601890afd80709"');
    expect(etagOf(Buffer.from('{"a":1}'))).toMatch(/^"[0-9a-f]{40}"$/);
  });

  it('decides writes as RFC 7232 and the xAPI versions say', () => {
    const tag = '"abc"';
    const put = (current: string | null, h: { ifMatch?: string; ifNoneMatch?: string }, rules = {}) =>
      checkPrecondition({ method: 'PUT', current, ...h, ...rules });
    expect(put(null, { ifNoneMatch: '*' })).toBe('ok');
    expect(put(tag, { ifNoneMatch: '*' })).toBe('failed');
    expect(put(tag, { ifMatch: tag })).toBe('ok');
    expect(put(tag, { ifMatch: 'W/"abc"' })).toBe('ok');
    expect(put(tag, { ifMatch: '"x", "abc"' })).toBe('ok');
    expect(put(tag, { ifMatch: '*' })).toBe('ok');
    expect(put(tag, { ifMatch: '"1234"' })).toBe('failed');
    expect(put(null, { ifMatch: tag })).toBe('failed');
    expect(put(null, { ifMatch: '*' })).toBe('failed');
    expect(put(tag, {})).toBe('conflict');
    expect(put(null, {})).toBe('ok');
    // 1.0.3: states are overwritten freely, profiles always need a header
    expect(put(tag, {}, concurrencyRules('state', '1.0.3'))).toBe('ok');
    expect(put(null, {}, concurrencyRules('agent_profile', '1.0.3'))).toBe('missing');
    expect(put(tag, {}, concurrencyRules('activity_profile', '1.0.3'))).toBe('conflict');
    expect(put(tag, {}, concurrencyRules('state', '2.0.0'))).toBe('conflict');
    // POST and DELETE without headers go ahead
    expect(checkPrecondition({ method: 'POST', current: tag })).toBe('ok');
    expect(checkPrecondition({ method: 'DELETE', current: tag, ifMatch: '"old"' })).toBe('failed');
  });
});

describe('JSON documents', () => {
  it('knows JSON by its content type and merges only objects', () => {
    expect(isJsonType('application/json; charset=utf-8')).toBe(true);
    expect(isJsonType('Application/JSON')).toBe(true);
    expect(isJsonType('text/plain')).toBe(false);
    expect(isJsonType(undefined)).toBe(false);
    expect(jsonObjectOf(Buffer.from('{"a":1}'))).toEqual({ a: 1 });
    expect(jsonObjectOf(Buffer.from('[1]'))).toBeNull();
    expect(jsonObjectOf(Buffer.from('{"a":'))).toBeNull();
  });
});

describe('activity definitions', () => {
  const meeting = (lang: string, text: string, extra: Record<string, unknown> = {}) => ({
    object: { id: 'http://example.cn/act/1', definition: { name: { [lang]: text }, ...extra } },
  });

  it('merges language maps and extensions key by key and replaces the rest', () => {
    expect(
      mergeDefinitions(
        { name: { 'en-US': 'meeting' }, type: 'http://a/t1', extensions: { 'http://e/1': 1 } },
        { name: { 'zh-CN': '会议' }, type: 'http://a/t2', extensions: { 'http://e/2': 2 } },
      ),
    ).toEqual({
      name: { 'en-US': 'meeting', 'zh-CN': '会议' },
      type: 'http://a/t2',
      extensions: { 'http://e/1': 1, 'http://e/2': 2 },
    });
  });

  it('takes a batch down to one definition per activity, sorted, from objects, contexts and sub-statements', () => {
    const defs = batchDefinitions([
      meeting('en-US', 'meeting'),
      meeting('fr-FR', 'réunion'),
      {
        object: { objectType: 'Agent', mbox: 'mailto:a@b.cn' },
        context: {
          contextActivities: {
            parent: [{ id: 'http://example.cn/course', definition: { name: { 'zh-CN': '课程' } } }],
            grouping: { id: 'http://example.cn/a-group', definition: { type: 'http://t' } },
            other: [{ id: 'http://example.cn/undefined' }],
          },
        },
      },
      {
        object: {
          objectType: 'SubStatement',
          object: { id: 'http://example.cn/sub', definition: { description: { en: 'x' } } },
        },
      },
    ]);
    expect(defs).toEqual([
      { id: 'http://example.cn/a-group', definition: { type: 'http://t' } },
      { id: 'http://example.cn/act/1', definition: { name: { 'en-US': 'meeting', 'fr-FR': 'réunion' } } },
      { id: 'http://example.cn/course', definition: { name: { 'zh-CN': '课程' } } },
      { id: 'http://example.cn/sub', definition: { description: { en: 'x' } } },
    ]);
  });

  it('gives the same definition however a run of statements is cut into batches', () => {
    const statement = fc.record({
      lang: fc.constantFrom('en-US', 'zh-CN', 'fr-FR'),
      text: fc.string({ maxLength: 5 }),
      type: fc.option(fc.constantFrom('http://t/1', 'http://t/2'), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(statement, { minLength: 1, maxLength: 12 }), fc.nat(12), (items, cut) => {
        const statements = items.map((s) => meeting(s.lang, s.text, s.type ? { type: s.type } : {}));
        const whole = batchDefinitions(statements)[0]!.definition;
        const parts = [statements.slice(0, cut), statements.slice(cut)].filter((p) => p.length > 0);
        const pieces = parts.map((p) => batchDefinitions(p)[0]!.definition);
        const merged = pieces.reduce((a, b) => mergeDefinitions(a, b));
        expect(merged).toEqual(whole);
      }),
    );
  });
});
