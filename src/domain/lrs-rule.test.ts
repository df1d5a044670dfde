import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  evidenceRefOf,
  globMatch,
  hoursOf,
  type LrsRuleDef,
  parseDuration,
  pickRule,
  renderTitle,
  type RuleHead,
  statementFacts,
  validateRuleDef,
} from './lrs-rule.js';

const COMPLETED = 'http://adlnet.gov/expapi/verbs/completed';
const base: LrsRuleDef = {
  verbId: COMPLETED,
  activityType: null,
  activityPattern: null,
  clientId: null,
  completion: false,
  success: false,
  minScaled: null,
  minDurationMinutes: null,
  hours: { kind: 'fixed', tenths: 20 },
  categories: [],
  titleTemplate: '{activity}',
};
const statement = (over: Record<string, unknown> = {}) => ({
  id: '3f0e1c2a-1111-4222-8333-444455556666',
  actor: { account: { homePage: 'https://p.example', name: 't1' } },
  verb: { id: COMPLETED, display: { 'en-US': 'completed', 'zh-CN': '完成' } },
  object: {
    id: 'https://p.example/course/42',
    definition: { type: 'http://adlnet.gov/expapi/activities/course', name: { 'en-US': 'Reading', 'zh-CN': '阅读课' } },
  },
  result: { completion: true, success: true, score: { scaled: 0.8 }, duration: 'PT1H40M' },
  timestamp: '2027-03-01T20:00:00Z',
  stored: '2027-03-01T20:00:01Z',
  ...over,
});

describe('xAPI durations', () => {
  it('reads weeks, days, hours, minutes and seconds, with fractions', () => {
    expect(parseDuration('PT1H30M')).toBe(5400);
    expect(parseDuration('PT45M12.5S')).toBe(2712.5);
    expect(parseDuration('P1DT1S')).toBe(86_401);
    expect(parseDuration('P2W')).toBe(1_209_600);
    expect(parseDuration('PT0S')).toBe(0);
    expect(parseDuration('PT0.5H')).toBe(1800);
  });
  it('refuses what has no fixed length or is malformed', () => {
    for (const s of ['P1M', 'P1Y', 'P', 'PT', '1H', 'PT1H30', 'pt1h', 'PT-1S', 'P1DT', '', 'PT1.H'])
      expect(parseDuration(s), s).toBeNull();
  });
  it('turns any h/m/s back into its seconds', () => {
    fc.assert(
      fc.property(fc.nat(500), fc.nat(59), fc.nat(59), (h, m, s) => {
        expect(parseDuration(`PT${h}H${m}M${s}S`)).toBe(h * 3600 + m * 60 + s);
      }),
    );
  });
});

describe('activity id patterns', () => {
  it('matches prefixes, globs and exact ids', () => {
    expect(globMatch('https://x.cn/course/*', 'https://x.cn/course/42')).toBe(true);
    expect(globMatch('https://x.cn/course/*', 'https://x.cn/courses/42')).toBe(false);
    expect(globMatch('https://x.cn/*/video/*', 'https://x.cn/c1/video/9')).toBe(true);
    expect(globMatch('https://x.cn/*/video/*', 'https://x.cn/c1/doc/9')).toBe(false);
    expect(globMatch('https://x.cn/a', 'https://x.cn/a')).toBe(true);
    expect(globMatch('https://x.cn/a', 'https://x.cn/ab')).toBe(false);
    expect(globMatch('*ab*ab', 'ab')).toBe(false);
    expect(globMatch('*', '')).toBe(true);
  });
  it('agrees with a regular expression built from the pattern', () => {
    const chars = fc.constantFrom('a', 'b', '/', '*');
    fc.assert(
      fc.property(fc.string({ unit: chars, maxLength: 8 }), fc.string({ unit: chars, maxLength: 10 }), (p, t) => {
        const text = t.replaceAll('*', 'a');
        const re = new RegExp(
          `^${p
            .split('*')
            .map((x) => x.replace(/[/]/g, '\\/'))
            .join('.*')}$`,
          's',
        );
        expect(globMatch(p, text)).toBe(re.test(text));
      }),
    );
  });
});

describe('hours of a statement', () => {
  it('gives fixed hours, or hours per whole minutes of the duration up to the cap', () => {
    expect(hoursOf({ kind: 'fixed', tenths: 15 }, null)).toBe(15);
    const per = { kind: 'per_duration', tenths: 10, perMinutes: 45, maxTenths: 30 } as const;
    expect(hoursOf(per, 44 * 60)).toBe(0);
    expect(hoursOf(per, 45 * 60)).toBe(10);
    expect(hoursOf(per, 100 * 60)).toBe(20);
    expect(hoursOf(per, 1000 * 60)).toBe(30);
    expect(hoursOf(per, null)).toBe(0);
  });
  it('never gives more for a shorter duration', () => {
    fc.assert(
      fc.property(fc.nat(100_000), fc.nat(100_000), fc.integer({ min: 1, max: 300 }), (a, b, per) => {
        const h = { kind: 'per_duration', tenths: 10, perMinutes: per, maxTenths: null } as const;
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(hoursOf(h, lo)).toBeLessThanOrEqual(hoursOf(h, hi));
      }),
    );
  });
});

describe('which rule credits a statement', () => {
  const rule = (id: number, def: Partial<LrsRuleDef>, over: Partial<RuleHead> = {}): RuleHead => ({
    id,
    priority: 0,
    orgPath: '/1/',
    enabled: true,
    definition: { ...base, ...def },
    ...over,
  });
  const facts = statementFacts(statement(), 7);

  it('reads the facts a rule looks at', () => {
    expect(facts).toMatchObject({
      verbId: COMPLETED,
      verbName: '完成',
      objectId: 'https://p.example/course/42',
      activityType: 'http://adlnet.gov/expapi/activities/course',
      activityName: '阅读课',
      clientId: 7,
      completion: true,
      success: true,
      scaled: 0.8,
      durationSeconds: 6000,
    });
  });

  it('checks every condition', () => {
    const path = '/1/2/3/';
    expect(pickRule([rule(1, {})], facts, path)?.tenths).toBe(20);
    expect(pickRule([rule(1, { verbId: 'http://adlnet.gov/expapi/verbs/passed' })], facts, path)).toBeNull();
    expect(pickRule([rule(1, { clientId: 8 })], facts, path)).toBeNull();
    expect(pickRule([rule(1, { clientId: 7 })], facts, path)).not.toBeNull();
    expect(pickRule([rule(1, { activityType: 'http://x/other' })], facts, path)).toBeNull();
    expect(pickRule([rule(1, { activityPattern: 'https://p.example/course/*' })], facts, path)).not.toBeNull();
    expect(pickRule([rule(1, { activityPattern: 'https://q.example/*' })], facts, path)).toBeNull();
    expect(pickRule([rule(1, { minScaled: 0.8 })], facts, path)).not.toBeNull();
    expect(pickRule([rule(1, { minScaled: 0.81 })], facts, path)).toBeNull();
    expect(pickRule([rule(1, { minDurationMinutes: 100 })], facts, path)).not.toBeNull();
    expect(pickRule([rule(1, { minDurationMinutes: 101 })], facts, path)).toBeNull();
    const failed = statementFacts(statement({ result: { completion: false, success: false } }), 7);
    expect(pickRule([rule(1, { completion: true })], failed, path)).toBeNull();
    expect(pickRule([rule(1, { success: true })], failed, path)).toBeNull();
    expect(pickRule([rule(1, {})], failed, path)).not.toBeNull();
    // a rule of another unit, or disabled, does not apply
    expect(pickRule([rule(1, {}, { orgPath: '/1/9/' })], facts, path)).toBeNull();
    expect(pickRule([rule(1, {}, { enabled: false })], facts, path)).toBeNull();
  });

  it('takes the first rule by priority, then the deeper unit, then the older rule', () => {
    const path = '/1/2/3/';
    const a = rule(1, { hours: { kind: 'fixed', tenths: 10 } });
    const b = rule(2, { hours: { kind: 'fixed', tenths: 20 } }, { orgPath: '/1/2/' });
    const c = rule(3, { hours: { kind: 'fixed', tenths: 30 } }, { priority: 5 });
    expect(pickRule([a, b], facts, path)?.rule.id).toBe(2);
    expect(pickRule([b, a, c], facts, path)?.rule.id).toBe(3);
    expect(pickRule([rule(5, {}), rule(4, {})], facts, path)?.rule.id).toBe(4);
    // a rule that gives no hours lets the next one credit the statement
    const zero = rule(
      6,
      { hours: { kind: 'per_duration', tenths: 10, perMinutes: 200, maxTenths: null } },
      {
        priority: 9,
      },
    );
    expect(pickRule([a, zero], facts, path)?.rule.id).toBe(1);
  });

  it('does not depend on the order the rules come in', () => {
    const rules = [
      rule(1, {}),
      rule(2, {}, { priority: 1 }),
      rule(3, {}, { orgPath: '/1/2/' }),
      rule(4, { minScaled: 0.9 }, { priority: 3 }),
      rule(5, {}, { priority: 1, orgPath: '/1/2/' }),
    ];
    fc.assert(
      fc.property(fc.shuffledSubarray(rules, { minLength: 1 }), (some) => {
        const sorted = [...some].sort((x, y) => x.id - y.id);
        expect(pickRule(some, facts, '/1/2/3/')?.rule.id).toBe(pickRule(sorted, facts, '/1/2/3/')?.rule.id);
      }),
    );
  });
});

describe('titles and evidence', () => {
  const f = statementFacts(statement(), 7);
  it('fills the template and names the statement and platform', () => {
    expect(renderTitle('{platform}：{activity}（{verb}）{date}', f, '国家智慧教育平台')).toBe(
      '国家智慧教育平台：阅读课（完成）2027-03-02',
    );
    expect(renderTitle('   ', f, 'x')).toBe('阅读课');
    expect([...renderTitle('{activity}'.repeat(80), f, 'x')].length).toBe(200);
    expect(evidenceRefOf(f.id, '国家智慧教育平台')).toBe(
      'xAPI 学习记录 3f0e1c2a-1111-4222-8333-444455556666 · 国家智慧教育平台',
    );
  });
  it('validates a definition', () => {
    expect(validateRuleDef(base, new Set(['ethics']))).toEqual([]);
    const bad = validateRuleDef(
      {
        ...base,
        verbId: 'completed',
        minScaled: 2,
        hours: { kind: 'per_duration', tenths: 0, perMinutes: 0, maxTenths: null },
        categories: ['nope'],
        titleTemplate: '',
      },
      new Set(['ethics']),
    );
    expect(bad.map((p) => p.path)).toEqual([
      'verbId',
      'minScaled',
      'hours.tenths',
      'hours.perMinutes',
      'categories',
      'titleTemplate',
    ]);
  });
});
