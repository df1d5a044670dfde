import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  agentKey,
  canonicalFormat,
  idsFormat,
  isDuration,
  isTimestamp,
  prepareStatement,
  sameStatement,
  statementFacts,
  statementProblem,
  toUtcTimestamp,
  type JsonObject,
} from './xapi-statement.js';

const base = (): JsonObject => ({
  actor: { objectType: 'Agent', name: '李老师', mbox: 'mailto:li@school.cn' },
  verb: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { 'zh-CN': '完成', 'en-US': 'completed' } },
  object: {
    objectType: 'Activity',
    id: 'https://basic.smartedu.cn/course/42',
    definition: {
      name: { 'zh-CN': '师德修养', 'en-US': 'Ethics' },
      type: 'http://adlnet.gov/expapi/activities/course',
    },
  },
});

const problem = (patch: JsonObject, version: '2.0.0' | '1.0.3' = '2.0.0') =>
  statementProblem({ ...base(), ...patch }, version);

describe('statementProblem', () => {
  it('takes a plain statement, in both versions', () => {
    expect(problem({})).toBeNull();
    expect(problem({}, '1.0.3')).toBeNull();
  });

  it('names the property of the first problem', () => {
    expect(problem({ id: 'MA97B177-9383-4934-8543-0F91A7A02836' })).toBe('id: must be a UUID');
    expect(problem({ actor: { mbox: 'li@school.cn' } })).toBe('actor.mbox: must be a mailto: IRI');
    expect(problem({ verb: { id: 'ab=c://x' } })).toBe('verb.id: must be an absolute IRI');
    expect(problem({ colour: 'red' })).toBe('colour: is not a property defined here');
    expect(problem({ result: { score: { scaled: 1.5 } } })).toBe('result.score.scaled: must lie between -1 and 1');
    expect(problem({ result: { duration: 'PA1H' } })).toBe('result.duration: must be an ISO 8601 duration');
  });

  it('refuses null anywhere but inside extensions', () => {
    expect(problem({ result: { success: null } })).toBe('result.success: must not be null');
    expect(problem({ result: { extensions: { 'https://peixun.cn/x': null } } })).toBeNull();
  });

  it('needs exactly one identifier on an agent and members on an anonymous group', () => {
    expect(problem({ actor: { name: 'x' } })).toMatch(/exactly one/);
    expect(problem({ actor: { mbox: 'mailto:a@b.cn', openid: 'https://id.cn/a' } })).toMatch(/exactly one/);
    expect(problem({ actor: { objectType: 'Group', member: [] } })).toMatch(/needs members/);
    expect(problem({ actor: { objectType: 'Group', member: [{ mbox: 'mailto:a@b.cn' }] } })).toBeNull();
  });

  it('keeps contextAgents and contextGroups for 2.0 only', () => {
    const context = {
      contextAgents: [{ objectType: 'contextAgent', agent: { mbox: 'mailto:t@b.cn' } }],
    };
    expect(problem({ context })).toBeNull();
    expect(problem({ context }, '1.0.3')).toBe('context.contextAgents: is not a property defined here');
  });

  it('allows revision and platform only when the object is an activity', () => {
    const context = { platform: '国家智慧教育平台' };
    expect(problem({ context })).toBeNull();
    expect(problem({ context, object: { objectType: 'Agent', mbox: 'mailto:x@y.cn' } })).toMatch(/only allowed/);
  });

  it('refuses a voiding statement whose object is not a StatementRef, and a sub-statement inside one', () => {
    expect(problem({ verb: { id: 'http://adlnet.gov/expapi/verbs/voided' } })).toMatch(/StatementRef/);
    const sub = { objectType: 'SubStatement', ...base() };
    expect(problem({ object: sub })).toBeNull();
    expect(problem({ object: { ...sub, object: sub } })).toMatch(/cannot contain another/);
    expect(problem({ object: { ...sub, id: '56284960-db9b-4e36-80e7-47f3708f3c6b' } })).toMatch(/not a property/);
  });

  it('takes only an anonymous pair of agents as a group authority', () => {
    const pair = [{ mbox: 'mailto:a@b.cn' }, { mbox: 'mailto:c@d.cn' }];
    expect(problem({ authority: { objectType: 'Group', member: pair } })).toBeNull();
    expect(problem({ authority: { objectType: 'Group', mbox: 'mailto:g@b.cn', member: pair } })).toMatch(/OAuth/);
  });

  it('never throws on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(typeof statementProblem(v, '2.0.0')).toBe('string');
      }),
    );
  });
});

describe('timestamps and durations', () => {
  it('takes RFC 3339 and refuses a negative zero offset', () => {
    expect(isTimestamp('2008-09-15T15:53:00.601+00:00')).toBe(true);
    expect(isTimestamp('2026-12-07T08:00:00+08:00')).toBe(true);
    expect(isTimestamp('2008-09-15T15:53:00.601-00:00')).toBe(false);
    expect(isTimestamp('2008-09-15T15:53:00.601-0000')).toBe(false);
    expect(isTimestamp('2008-02-30T00:00:00Z')).toBe(false);
    expect(isTimestamp('01/011/2015')).toBe(false);
  });

  it('writes every timestamp in UTC to the millisecond', () => {
    expect(toUtcTimestamp('2026-12-07T16:00:00.1234+08:00')).toBe('2026-12-07T08:00:00.123Z');
    expect(toUtcTimestamp('2026-12-07T08:00:00')).toBe('2026-12-07T08:00:00.000Z');
    fc.assert(
      fc.property(fc.date({ min: new Date('1971-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }), (d) => {
        expect(toUtcTimestamp(d.toISOString())).toBe(d.toISOString());
      }),
    );
  });

  it('takes ISO 8601 durations, weeks alone', () => {
    for (const ok of ['PT1H0M0.1S', 'P1DT12H36M0.12567S', 'P4W', 'PT45M', 'P1Y2M3D']) expect(isDuration(ok)).toBe(true);
    for (const bad of ['P', 'PT', 'PA1H0M0S', 'P4W1D', 'should fail', 'PT1H2']) expect(isDuration(bad)).toBe(false);
  });
});

describe('what the store keeps', () => {
  const prepared = () =>
    prepareStatement(
      {
        ...base(),
        timestamp: '2026-12-07T16:00:00+08:00',
        context: {
          registration: 'ec531277-b57b-4c15-8d91-d292c5b2b8f7',
          instructor: { mbox: 'mailto:teacher@b.cn' },
          contextActivities: { parent: { id: 'https://basic.smartedu.cn/programme/1' } },
        },
      },
      {
        id: '56284960-db9b-4e36-80e7-47f3708f3c6b',
        stored: '2026-12-07T08:00:01.000Z',
        authority: {
          objectType: 'Agent',
          name: '平台',
          account: { homePage: 'https://peixun.cn/xapi', name: 'client-1' },
        },
        version: '2.0.0',
      },
    );

  it('fills id, stored, authority and version, writes the time in UTC and lists single context activities', () => {
    const s = prepared();
    expect(s).toMatchObject({
      id: '56284960-db9b-4e36-80e7-47f3708f3c6b',
      timestamp: '2026-12-07T08:00:00.000Z',
      stored: '2026-12-07T08:00:01.000Z',
      version: '2.0.0',
      context: { contextActivities: { parent: [{ id: 'https://basic.smartedu.cn/programme/1' }] } },
    });
  });

  it('indexes every agent and activity the statement names', () => {
    const f = statementFacts(prepared());
    expect(f.actorKey).toBe('A|mbox|mailto:li@school.cn');
    expect(f.relatedAgents).toEqual(
      expect.arrayContaining(['A|mbox|mailto:li@school.cn', 'A|mbox|mailto:teacher@b.cn']),
    );
    expect(f.relatedActivities).toEqual(
      expect.arrayContaining(['https://basic.smartedu.cn/course/42', 'https://basic.smartedu.cn/programme/1']),
    );
    expect(f.registration).toBe('ec531277-b57b-4c15-8d91-d292c5b2b8f7');
  });

  it('tells agents from groups with the same identifier', () => {
    expect(agentKey({ mbox: 'mailto:a@b.cn' })).not.toBe(agentKey({ objectType: 'Group', mbox: 'mailto:a@b.cn' }));
    expect(agentKey({ objectType: 'Group', member: [{ mbox: 'mailto:a@b.cn' }] })).toBeNull();
  });

  it('compares a retried statement without what the LRS filled in', () => {
    const stored = prepared();
    const { stored: _s, authority: _a, version: _v, ...sent } = stored;
    expect(sameStatement(stored, sent)).toBe(true);
    expect(sameStatement(stored, { ...sent, verb: { id: 'http://adlnet.gov/expapi/verbs/failed' } })).toBe(false);
  });

  it('reduces a statement to identifiers, or to one language', () => {
    const s = prepared();
    const ids = idsFormat(s);
    expect(ids['actor']).toEqual({ objectType: 'Agent', mbox: 'mailto:li@school.cn' });
    expect(ids['object']).toEqual({ id: 'https://basic.smartedu.cn/course/42' });
    expect(ids['verb']).toEqual({ id: 'http://adlnet.gov/expapi/verbs/completed' });
    const zh = canonicalFormat(s, ['zh-CN']);
    expect((zh['verb'] as JsonObject)['display']).toEqual({ 'zh-CN': '完成' });
    const en = canonicalFormat(s, ['en']);
    expect(((en['object'] as JsonObject)['definition'] as JsonObject)['name']).toEqual({ 'en-US': 'Ethics' });
  });
});
