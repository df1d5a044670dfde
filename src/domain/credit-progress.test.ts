import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STAGES } from './org-tree.js';
import {
  SOURCE_TYPES,
  TEACHER_FLAGS,
  defaultRules,
  formatCredits,
  formatTenths,
  type CapRule,
  type CycleRules,
  type CycleSpan,
  type MinimumRule,
  type SourceType,
} from './cycle-rules.js';
import {
  ageOn,
  cancelledIds,
  describeCondition,
  evaluateProgress,
  explainLine,
  inScopeIn,
  minimumApplies,
  verifyYear,
  type LedgerEntry,
  type Progress,
  type TeacherFacts,
} from './credit-progress.js';

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

const SPAN: CycleSpan = { startYear: 2026, endYear: 2030 };
const RULES: CycleRules = defaultRules(SPAN);
const NO_CAPS: CycleRules = { ...RULES, caps: [] };
const NO_YEARLY: CycleRules = { ...RULES, yearlyMinimum: null };
/** Several caps, some of which overlap (an entry can match more than one). */
const MULTI_CAPS: CycleRules = {
  ...RULES,
  caps: [
    { id: 'online_cap', name: '网络研修最多计 120 学时', category: 'online', hours: 1200 },
    { id: 'course_cap', name: '课程学习最多计 80 学时', source: 'course', hours: 800 },
    { id: 'edu_tech_cap', name: '教育技术最多计 30 学时', category: 'edu_tech', hours: 300 },
    { id: 'online_course_cap', name: '网络课程最多计 50 学时', category: 'online', source: 'course', hours: 500 },
  ],
};
const CODES = RULES.categories.map((c) => c.code);
const EDU_TECH = RULES.minima[0]!;

/** 张伟: male, 40 at the end of the cycle, primary-school maths teacher since 2010. */
const ZHANG_WEI: TeacherFacts = {
  gender: 'male',
  birthDate: '1990-05-12',
  stage: 'primary',
  subject: '数学',
  teachingStartYear: 2010,
  flags: [],
};
/** 李秀英: female, 56 at the end of the cycle (the edu-tech minimum does not apply). */
const LI_XIUYING: TeacherFacts = {
  gender: 'female',
  birthDate: '1974-03-08',
  stage: 'junior',
  subject: '语文',
  teachingStartYear: 1996,
  flags: ['backbone'],
};

const dateIn = (year: number, dayOffset: number) =>
  new Date(Date.UTC(year, 0, 1 + dayOffset)).toISOString().slice(0, 10);

let nextId = 1000;
function entry(
  hours: number,
  opts: { year?: number; on?: string; categories?: string[]; source?: SourceType; id?: number; reverses?: number } = {},
): LedgerEntry {
  const year = opts.year ?? Number((opts.on ?? '2026').slice(0, 4));
  return {
    id: opts.id ?? nextId++,
    year,
    hours,
    categories: opts.categories ?? [],
    sourceType: opts.source ?? 'project',
    occurredOn: opts.on ?? `${year}-06-01`,
    reversesId: opts.reverses ?? null,
  };
}
const reversalOf = (e: LedgerEntry, id: number, on = e.occurredOn): LedgerEntry => ({
  ...e,
  id,
  hours: -e.hours,
  occurredOn: on,
  year: Number(on.slice(0, 4)),
  reversesId: e.id,
});

// ---------------------------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------------------------

const isoDay = (min: string, max: string) =>
  fc
    .date({ min: new Date(`${min}T00:00:00Z`), max: new Date(`${max}T00:00:00Z`), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));

const factsArb: fc.Arbitrary<TeacherFacts> = fc.record({
  gender: fc.constantFrom('male' as const, 'female' as const, null),
  birthDate: fc.option(isoDay('1960-01-01', '2004-12-31'), { nil: null }),
  stage: fc.constantFrom(...STAGES),
  subject: fc.constantFrom('语文', '数学', '英语', '信息技术', null),
  teachingStartYear: fc.option(fc.integer({ min: 1985, max: 2031 }), { nil: null }),
  flags: fc.subarray([...TEACHER_FLAGS]),
});

const entrySpecArb = fc.record({
  year: fc.integer({ min: SPAN.startYear, max: SPAN.endYear }),
  day: fc.integer({ min: 0, max: 364 }),
  hours: fc.integer({ min: 1, max: 1200 }),
  categories: fc.subarray(CODES, { maxLength: 3 }),
  sourceType: fc.constantFrom(...SOURCE_TYPES),
});
type EntrySpec = typeof entrySpecArb extends fc.Arbitrary<infer T> ? T : never;
const fromSpec = (s: EntrySpec, id: number): LedgerEntry => ({
  id,
  year: s.year,
  hours: s.hours,
  categories: [...s.categories],
  sourceType: s.sourceType,
  occurredOn: dateIn(s.year, s.day),
  reversesId: null,
});

/**
 * A ledger: entries with unique ids, years inside the cycle, occurredOn inside the entry's year;
 * optionally reversals (hours = -original, later id, same or later date), each entry reversed at most once.
 */
const ledgerArb = (opts: { maxEntries?: number; reversals?: boolean } = {}): fc.Arbitrary<LedgerEntry[]> =>
  fc
    .array(entrySpecArb, { maxLength: opts.maxEntries ?? 25 })
    .chain((specs) =>
      fc.tuple(
        fc.constant(specs),
        fc.uniqueArray(fc.integer({ min: 1, max: 100_000 }), { minLength: specs.length, maxLength: specs.length }),
        opts.reversals === false ? fc.constant<number[]>([]) : fc.subarray(specs.map((_, i) => i)),
        fc.array(fc.record({ later: fc.nat(4), day: fc.nat(364) }), {
          minLength: specs.length,
          maxLength: specs.length,
        }),
      ),
    )
    .map(([specs, ids, reversed, when]) => {
      const base = specs.map((s, i) => fromSpec(s, ids[i]!));
      let id = Math.max(0, ...ids);
      const reversals = reversed.map((i) => {
        const orig = base[i]!;
        const year = Math.min(SPAN.endYear, orig.year + when[i]!.later);
        const on =
          year === orig.year ? [orig.occurredOn, dateIn(year, when[i]!.day)].sort()[1]! : dateIn(year, when[i]!.day);
        return reversalOf(orig, ++id, on);
      });
      return [...base, ...reversals];
    });

const rulesArb = fc.constantFrom(NO_CAPS, RULES, MULTI_CAPS, NO_YEARLY);
const asOfArb = fc.integer({ min: SPAN.startYear - 2, max: SPAN.endYear + 2 });

// ---------------------------------------------------------------------------------------------
// Independent oracles
// ---------------------------------------------------------------------------------------------

function cancelledSet(entries: readonly LedgerEntry[]): Set<number> {
  const s = new Set<number>();
  for (const e of entries)
    if (e.reversesId !== null) {
      s.add(e.id);
      s.add(e.reversesId);
    }
  return s;
}
const live = (entries: readonly LedgerEntry[]) => {
  const c = cancelledSet(entries);
  return entries.filter((e) => !c.has(e.id));
};
const sum = (ns: number[]) => ns.reduce((a, b) => a + b, 0);
const matchesCap = (cap: CapRule, e: LedgerEntry) =>
  (cap.category === undefined || e.categories.includes(cap.category)) &&
  (cap.source === undefined || cap.source === e.sourceType);

/** The parts of a result that must not depend on anything but the counting entries. */
const core = (p: Progress) => ({
  inScope: p.inScope,
  status: p.status,
  raw: p.raw,
  counted: p.counted,
  credits: p.credits,
  years: p.years,
  minima: p.minima,
  caps: p.caps,
  expectedByNow: p.expectedByNow,
});

/** Whole years between two ISO dates, computed by stepping anniversaries (29 Feb → 1 Mar in common years). */
function calendarAge(birth: string, on: string): number {
  const [by, bm, bd] = birth.split('-').map(Number) as [number, number, number];
  const anniversary = (k: number) => {
    const y = by + k;
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    const md =
      bm === 2 && bd === 29 && !leap ? '03-01' : `${String(bm).padStart(2, '0')}-${String(bd).padStart(2, '0')}`;
    return `${String(y).padStart(4, '0')}-${md}`;
  };
  let k = 0;
  if (on >= birth) {
    while (anniversary(k + 1) <= on) k++;
  } else {
    while (anniversary(k) > on) k--;
  }
  return k;
}

// ---------------------------------------------------------------------------------------------

describe('ageOn (周岁)', () => {
  it('goes up on the birthday itself', () => {
    expect(ageOn('1971-06-30', '2026-06-30')).toBe(55);
    expect(ageOn('1971-06-30', '2026-06-29')).toBe(54);
    expect(ageOn('1971-06-30', '2026-07-01')).toBe(55);
    expect(ageOn('1975-12-31', '2030-12-31')).toBe(55);
    expect(ageOn('1976-01-01', '2030-12-31')).toBe(54);
    expect(ageOn('1980-12-31', '2030-12-31')).toBe(50);
    expect(ageOn('1981-01-01', '2030-12-31')).toBe(49);
    expect(ageOn('1990-05-12', '1990-05-12')).toBe(0);
    expect(ageOn('1990-05-12', '1991-05-11')).toBe(0);
  });

  it('turns someone born on 29 February a year older on 1 March in common years and on 29 February in leap years', () => {
    expect(ageOn('1976-02-29', '2031-02-28')).toBe(54);
    expect(ageOn('1976-02-29', '2031-03-01')).toBe(55);
    expect(ageOn('1976-02-29', '2032-02-28')).toBe(55);
    expect(ageOn('1976-02-29', '2032-02-29')).toBe(56);
    expect(ageOn('2000-02-29', '2001-02-28')).toBe(0);
    expect(ageOn('2000-02-29', '2001-03-01')).toBe(1);
    expect(ageOn('2000-02-29', '2004-02-29')).toBe(4);
  });

  it('equals the calendar difference (property)', () => {
    fc.assert(
      fc.property(isoDay('1940-01-01', '2010-12-31'), isoDay('1950-01-01', '2060-12-31'), (b, d) => {
        expect(ageOn(b, d)).toBe(calendarAge(b, d));
      }),
      { numRuns: 3000 },
    );
  });

  it('is equal for the same day-of-year in 29 Feb corner cases (property over leap-day births)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1960, 1964, 1968, 1972, 1976, 1980, 1984, 1988, 1992, 1996, 2000, 2004),
        isoDay('2000-01-01', '2060-12-31'),
        (y, d) => {
          expect(ageOn(`${y}-02-29`, d)).toBe(calendarAge(`${y}-02-29`, d));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('never decreases as the date advances, and goes up by at most one from one day to the next (property)', () => {
    fc.assert(
      fc.property(
        isoDay('1940-01-01', '2010-12-31'),
        isoDay('2000-01-01', '2060-12-31'),
        fc.integer({ min: 0, max: 4000 }),
        (b, d, step) => {
          const later = new Date(Date.parse(`${d}T00:00:00Z`) + step * 86_400_000).toISOString().slice(0, 10);
          const next = new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
          expect(ageOn(b, later)).toBeGreaterThanOrEqual(ageOn(b, d));
          expect(ageOn(b, next) - ageOn(b, d)).toBeGreaterThanOrEqual(0);
          expect(ageOn(b, next) - ageOn(b, d)).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('minimumApplies (default edu-tech rule: men under 55, women under 50 on the evaluated date)', () => {
  const man = (birthDate: string | null): TeacherFacts => ({ ...ZHANG_WEI, birthDate });
  const woman = (birthDate: string | null): TeacherFacts => ({ ...LI_XIUYING, birthDate });

  it('the rule is evaluated on the last day of the cycle', () => {
    expect(EDU_TECH.evaluatedOn).toBe('2030-12-31');
  });

  it('王建国, who turns 55 exactly on the evaluated date, is not bound; one born a day later is', () => {
    const r55 = minimumApplies(EDU_TECH, man('1975-12-31'));
    expect(r55.applies).toBe(false);
    expect(r55.why).toEqual({
      key: 'minimum.not_applies',
      params: { conditions: 'gender=male;age<55 | gender=female;age<50', date: '2030-12-31', age: 55 },
    });
    const r54 = minimumApplies(EDU_TECH, man('1976-01-01'));
    expect(r54.applies).toBe(true);
    expect(r54.why).toEqual({
      key: 'minimum.applies_condition',
      params: { condition: 'gender=male;age<55', date: '2030-12-31', age: 54 },
    });
  });

  it('陈丽华, who turns 50 exactly on the evaluated date, is not bound; one born a day later is', () => {
    expect(minimumApplies(EDU_TECH, woman('1980-12-31')).applies).toBe(false);
    const r49 = minimumApplies(EDU_TECH, woman('1981-01-01'));
    expect(r49.applies).toBe(true);
    expect(r49.why).toEqual({
      key: 'minimum.applies_condition',
      params: { condition: 'gender=female;age<50', date: '2030-12-31', age: 49 },
    });
    // a woman of 52 is not bound although a man of 52 would be
    expect(minimumApplies(EDU_TECH, woman('1978-06-01')).applies).toBe(false);
    expect(minimumApplies(EDU_TECH, man('1978-06-01')).applies).toBe(true);
  });

  it('uses the rule date, not the end of the year, for a mid-year deadline', () => {
    const m: MinimumRule = { ...EDU_TECH, evaluatedOn: '2030-09-01' };
    expect(minimumApplies(m, man('1975-09-01')).applies).toBe(false);
    expect(minimumApplies(m, man('1975-09-02')).applies).toBe(true);
    expect(minimumApplies(m, woman('1980-09-01')).applies).toBe(false);
    expect(minimumApplies(m, woman('1980-09-02')).applies).toBe(true);
  });

  it('treats a missing birth date as applying, and names the missing fact', () => {
    expect(minimumApplies(EDU_TECH, man(null))).toEqual({
      applies: true,
      why: { key: 'minimum.applies_missing', params: { missing: 'birthDate', date: '2030-12-31' } },
    });
    expect(minimumApplies(EDU_TECH, woman(null))).toEqual({
      applies: true,
      why: { key: 'minimum.applies_missing', params: { missing: 'birthDate', date: '2030-12-31' } },
    });
    expect(minimumApplies(EDU_TECH, { ...ZHANG_WEI, gender: null, birthDate: null })).toEqual({
      applies: true,
      why: { key: 'minimum.applies_missing', params: { missing: 'gender,birthDate', date: '2030-12-31' } },
    });
  });

  it('with gender missing, applies only when some condition could still hold', () => {
    expect(minimumApplies(EDU_TECH, { ...ZHANG_WEI, gender: null, birthDate: '1985-01-01' }).why).toEqual({
      key: 'minimum.applies_missing',
      params: { missing: 'gender', date: '2030-12-31' },
    });
    // 60 years old: neither 'male under 55' nor 'female under 50' can hold
    expect(minimumApplies(EDU_TECH, { ...ZHANG_WEI, gender: null, birthDate: '1970-01-01' }).applies).toBe(false);
  });

  it('appliesTo null applies to everyone, whatever is on record', () => {
    const ethics = RULES.minima[1]!;
    expect(ethics.appliesTo).toBeNull();
    fc.assert(
      fc.property(factsArb, (t) => {
        expect(minimumApplies(ethics, t)).toEqual({ applies: true, why: { key: 'minimum.applies_all', params: {} } });
      }),
    );
  });

  it('checks stages, subjects and flags', () => {
    const m: MinimumRule = {
      id: 'new_curriculum_40',
      name: '新课程岗前培训不少于 40 学时',
      category: 'new_curriculum',
      hours: 400,
      appliesTo: [{ stages: ['primary', 'junior'], subjects: ['语文', '数学'], flags: ['newTeacher'] }],
      evaluatedOn: '2026-09-01',
    };
    const t: TeacherFacts = { ...ZHANG_WEI, flags: ['newTeacher', 'headTeacher'] };
    expect(minimumApplies(m, t).applies).toBe(true);
    expect(minimumApplies(m, { ...t, stage: 'senior' }).applies).toBe(false);
    expect(minimumApplies(m, { ...t, subject: '英语' }).applies).toBe(false);
    expect(minimumApplies(m, { ...t, subject: null }).applies).toBe(false);
    expect(minimumApplies(m, { ...t, flags: ['headTeacher'] }).applies).toBe(false);
    expect(describeCondition(m.appliesTo![0]!)).toBe('stage=primary/junior;subject=语文/数学;flags=newTeacher');
  });

  it('agrees with ageOn for every birth date (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('male' as const, 'female' as const),
        isoDay('1960-01-01', '2004-12-31'),
        (gender, birthDate) => {
          const age = ageOn(birthDate, EDU_TECH.evaluatedOn);
          const expected = gender === 'male' ? age < 55 : age < 50;
          expect(minimumApplies(EDU_TECH, { ...ZHANG_WEI, gender, birthDate }).applies).toBe(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('cancelledIds', () => {
  it('marks a reversed entry and its reversal', () => {
    const a = entry(120, { id: 1 });
    const b = entry(80, { id: 2 });
    const r = reversalOf(a, 3);
    expect(cancelledIds([a, b, r])).toEqual(
      new Map([
        [3, 'reversal'],
        [1, 'reversed'],
      ]),
    );
    expect(cancelledIds([a, b])).toEqual(new Map());
    expect(cancelledIds([])).toEqual(new Map());
  });

  it('is the set of reversals and the ids they reverse (property)', () => {
    fc.assert(
      fc.property(ledgerArb(), (es) => {
        const m = cancelledIds(es);
        expect(new Set(m.keys())).toEqual(cancelledSet(es));
        for (const e of es) {
          if (e.reversesId !== null) {
            expect(m.get(e.id)).toBe('reversal');
            expect(m.get(e.reversesId)).toBe('reversed');
          }
        }
      }),
    );
  });
});

describe('evaluateProgress', () => {
  describe('counting', () => {
    it('counts a simple ledger', () => {
      const es = [
        entry(500, { id: 1, on: '2026-07-10', categories: ['edu_tech'] }),
        entry(200, { id: 2, on: '2026-08-20', categories: ['ethics'] }),
        entry(300, { id: 3, on: '2027-03-15', categories: ['subject'] }),
      ];
      const p = evaluateProgress(RULES, SPAN, ZHANG_WEI, es, 2027);
      expect(p.raw).toBe(1000);
      expect(p.counted).toBe(1000);
      expect(p.credits).toBe('10.0');
      expect(p.required).toBe(2400);
      expect(p.years).toEqual([
        { year: 2026, counted: 700, minimum: 480, met: true },
        { year: 2027, counted: 300, minimum: 480, met: false },
        { year: 2028, counted: 0, minimum: 480, met: null },
        { year: 2029, counted: 0, minimum: 480, met: null },
        { year: 2030, counted: 0, minimum: 480, met: null },
      ]);
      expect(p.minima.map((m) => [m.id, m.counted, m.applies, m.met])).toEqual([
        ['edu_tech_50', 500, true, true],
        ['ethics_20', 200, true, true],
      ]);
      // not behind (100 h by now against the 48 expected by the end of 2026), but 2027 is below its 48 h
      expect(p.status).toBe('below_yearly');
      expect(p.expectedByNow).toBe(480);
      expect(p.thisYear).toEqual({ year: 2027, counted: 300, minimum: 480, below: true });
    });

    it('without caps: counted = raw = the sum of the non-cancelled entries (property)', () => {
      fc.assert(
        fc.property(ledgerArb(), factsArb, asOfArb, (es, t, asOf) => {
          const p = evaluateProgress(NO_CAPS, SPAN, t, es, asOf);
          const expected = sum(live(es).map((e) => e.hours));
          expect(p.raw).toBe(expected);
          expect(p.counted).toBe(expected);
          expect(p.credits).toBe(formatCredits(expected, NO_CAPS.hoursPerCredit));
          const c = cancelledSet(es);
          for (const o of p.entries) {
            expect(o.counted).toBe(c.has(o.id) ? 0 : o.hours);
            expect(o.cappedBy).toBeNull();
          }
          for (const m of p.minima)
            expect(m.counted).toBe(
              sum(
                live(es)
                  .filter((e) => e.categories.includes(m.category))
                  .map((e) => e.hours),
              ),
            );
          for (const y of p.years)
            expect(y.counted).toBe(
              sum(
                live(es)
                  .filter((e) => e.year === y.year)
                  .map((e) => e.hours),
              ),
            );
        }),
        { numRuns: 500 },
      );
    });

    it('reports one outcome per entry, sorted by id, with the reason a cancelled one does not count (property)', () => {
      fc.assert(
        fc.property(ledgerArb(), rulesArb, (es, rules) => {
          const p = evaluateProgress(rules, SPAN, ZHANG_WEI, es, 2028);
          expect(p.entries.map((o) => o.id)).toEqual(es.map((e) => e.id).sort((a, b) => a - b));
          const byId = new Map(es.map((e) => [e.id, e]));
          for (const o of p.entries) {
            const e = byId.get(o.id)!;
            expect(o.hours).toBe(e.hours);
            const expectedWhy =
              e.reversesId !== null ? 'reversal' : es.some((x) => x.reversesId === e.id) ? 'reversed' : null;
            expect(o.cancelled).toBe(expectedWhy);
            if (o.cancelled) expect(o.counted).toBe(0);
          }
        }),
        { numRuns: 300 },
      );
    });

    it('with caps: counted ≤ raw, each cap holds, and every breakdown adds up to counted (property)', () => {
      fc.assert(
        fc.property(ledgerArb(), fc.constantFrom(RULES, MULTI_CAPS), factsArb, asOfArb, (es, rules, t, asOf) => {
          const p = evaluateProgress(rules, SPAN, t, es, asOf);
          const counting = live(es);
          expect(p.raw).toBe(sum(counting.map((e) => e.hours)));
          expect(p.counted).toBeLessThanOrEqual(p.raw);
          const countedOf = new Map(p.entries.map((o) => [o.id, o.counted]));
          for (const o of p.entries) {
            expect(o.counted).toBeGreaterThanOrEqual(0);
            if (!o.cancelled) expect(o.counted).toBeLessThanOrEqual(o.hours);
            if (o.counted < o.hours && !o.cancelled) expect(rules.caps.map((c) => c.id)).toContain(o.cappedBy);
            if (o.counted === o.hours) expect(o.cappedBy).toBeNull();
          }
          rules.caps.forEach((cap, i) => {
            // an entry counts against the first cap that matches it
            const matching = counting.filter((e) => rules.caps.find((c) => matchesCap(c, e)) === cap);
            const capCounted = sum(matching.map((e) => countedOf.get(e.id)!));
            expect(capCounted).toBeLessThanOrEqual(cap.hours);
            expect(p.caps[i]).toEqual({
              id: cap.id,
              name: cap.name,
              limit: cap.hours,
              matched: sum(matching.map((e) => e.hours)),
              counted: capCounted,
            });
          });
          expect(sum(p.entries.map((o) => o.counted))).toBe(p.counted);
          expect(sum(p.years.map((y) => y.counted))).toBe(p.counted);
          for (const y of p.years)
            expect(y.counted).toBe(sum(counting.filter((e) => e.year === y.year).map((e) => countedOf.get(e.id)!)));
          for (const m of p.minima)
            expect(m.counted).toBe(
              sum(counting.filter((e) => e.categories.includes(m.category)).map((e) => countedOf.get(e.id)!)),
            );
          expect(p.credits).toBe(formatCredits(p.counted, rules.hoursPerCredit));
        }),
        { numRuns: 500 },
      );
    });

    it('a cap admits entries in date order, whatever the order of registration', () => {
      // 网络研修 cap 120 h: 100 h in March, 50 h in January, 30 h in May (registered out of order)
      const march = entry(1000, { id: 1, on: '2027-03-01', categories: ['online'] });
      const jan = entry(500, { id: 2, on: '2027-01-10', categories: ['online'] });
      const may = entry(300, { id: 3, on: '2027-05-01', categories: ['online', 'ethics'] });
      const p = evaluateProgress(RULES, SPAN, ZHANG_WEI, [march, jan, may], 2027);
      expect(p.entries).toEqual([
        { id: 1, hours: 1000, counted: 700, cappedBy: 'online_cap', cancelled: null },
        { id: 2, hours: 500, counted: 500, cappedBy: null, cancelled: null },
        { id: 3, hours: 300, counted: 0, cappedBy: 'online_cap', cancelled: null },
      ]);
      expect(p.counted).toBe(1200);
      expect(p.raw).toBe(1800);
      expect(p.caps).toEqual([
        { id: 'online_cap', name: '网络研修最多计 120 学时', limit: 1200, matched: 1800, counted: 1200 },
      ]);
      expect(p.minima.find((m) => m.id === 'ethics_20')!.counted).toBe(0);
      expect(p.lines).toContainEqual({
        key: 'cap.applied',
        params: {
          cap: '网络研修最多计 120 学时',
          capEn: 'Online study: at most 120 hours count',
          limit: '120',
          matched: '180',
          excess: '60',
        },
        entryIds: [1, 3],
      });
    });

    it('on the same date, the lower id takes the cap room first', () => {
      const a = entry(800, { id: 7, on: '2028-04-01', categories: ['online'] });
      const b = entry(800, { id: 5, on: '2028-04-01', categories: ['online'] });
      const p = evaluateProgress(RULES, SPAN, ZHANG_WEI, [a, b], 2028);
      expect(p.entries).toEqual([
        { id: 5, hours: 800, counted: 800, cappedBy: null, cancelled: null },
        { id: 7, hours: 800, counted: 400, cappedBy: 'online_cap', cancelled: null },
      ]);
    });

    it('a cancelled entry frees its cap room', () => {
      const a = entry(1200, { id: 1, on: '2026-03-01', categories: ['online'] });
      const b = entry(600, { id: 2, on: '2026-04-01', categories: ['online'] });
      expect(evaluateProgress(RULES, SPAN, ZHANG_WEI, [a, b], 2026).counted).toBe(1200);
      const p = evaluateProgress(RULES, SPAN, ZHANG_WEI, [a, b, reversalOf(a, 3, '2026-05-01')], 2026);
      expect(p.counted).toBe(600);
      expect(p.entries.find((o) => o.id === 2)).toEqual({
        id: 2,
        hours: 600,
        counted: 600,
        cappedBy: null,
        cancelled: null,
      });
    });
  });

  describe('reversals', () => {
    it('a reversal restores the total as if the entry had never been registered (property)', () => {
      fc.assert(
        fc.property(ledgerArb(), fc.nat(), rulesArb, factsArb, asOfArb, (es, pick, rules, t, asOf) => {
          const counting = live(es);
          fc.pre(counting.length > 0);
          const x = counting[pick % counting.length]!;
          const newId = Math.max(...es.map((e) => e.id)) + 1;
          const withReversal = evaluateProgress(rules, SPAN, t, [...es, reversalOf(x, newId)], asOf);
          const without = evaluateProgress(
            rules,
            SPAN,
            t,
            es.filter((e) => e.id !== x.id),
            asOf,
          );
          expect(core(withReversal)).toEqual(core(without));
          const others = (p: Progress) => p.entries.filter((o) => o.id !== x.id && o.id !== newId);
          expect(others(withReversal)).toEqual(others(without));
        }),
        { numRuns: 500 },
      );
    });

    it('registering an entry and reversing it changes nothing (property)', () => {
      fc.assert(
        fc.property(ledgerArb(), entrySpecArb, rulesArb, factsArb, asOfArb, (es, spec, rules, t, asOf) => {
          const id = Math.max(0, ...es.map((e) => e.id)) + 1;
          const x = fromSpec(spec, id);
          const before = evaluateProgress(rules, SPAN, t, es, asOf);
          const after = evaluateProgress(
            rules,
            SPAN,
            t,
            [...es, x, reversalOf(x, id + 1, dateIn(SPAN.endYear, 300))],
            asOf,
          );
          expect(core(after)).toEqual(core(before));
          expect(after.entries.filter((o) => o.id < id)).toEqual(before.entries);
        }),
        { numRuns: 500 },
      );
    });

    it('names the reversal pair in the explanation', () => {
      const a = entry(300, { id: 11, on: '2027-05-01', categories: ['ethics'] });
      const p = evaluateProgress(
        RULES,
        SPAN,
        ZHANG_WEI,
        [a, entry(200, { id: 12, on: '2027-06-01' }), reversalOf(a, 13, '2027-07-01')],
        2027,
      );
      expect(p.lines).toContainEqual({ key: 'total.cancelled', params: { count: 2 }, entryIds: [11, 13] });
      expect(p.lines).toContainEqual({ key: 'total.raw', params: { raw: '20', entries: 1 }, entryIds: [12] });
      expect(p.minima.find((m) => m.id === 'ethics_20')!.counted).toBe(0);
    });
  });

  describe('monotonicity', () => {
    it('adding an entry never lowers the total, without caps or with the default single cap (property)', () => {
      fc.assert(
        fc.property(
          ledgerArb(),
          entrySpecArb,
          fc.constantFrom(NO_CAPS, RULES, NO_YEARLY),
          factsArb,
          asOfArb,
          (es, spec, rules, t, asOf) => {
            const e = fromSpec(spec, Math.max(0, ...es.map((x) => x.id)) + 1);
            const before = evaluateProgress(rules, SPAN, t, es, asOf);
            const after = evaluateProgress(rules, SPAN, t, [...es, e], asOf);
            expect(after.counted).toBeGreaterThanOrEqual(before.counted);
            expect(after.raw).toBe(before.raw + e.hours);
          },
        ),
        { numRuns: 500 },
      );
    });

    it('without caps, adding an entry never lowers any category, year or minimum (property)', () => {
      fc.assert(
        fc.property(ledgerArb(), entrySpecArb, factsArb, asOfArb, (es, spec, t, asOf) => {
          const e = fromSpec(spec, Math.max(0, ...es.map((x) => x.id)) + 1);
          const before = evaluateProgress(NO_CAPS, SPAN, t, es, asOf);
          const after = evaluateProgress(NO_CAPS, SPAN, t, [...es, e], asOf);
          before.minima.forEach((m, i) => {
            expect(after.minima[i]!.counted).toBe(m.counted + (e.categories.includes(m.category) ? e.hours : 0));
            if (m.met) expect(after.minima[i]!.met).toBe(true);
          });
          before.years.forEach((y, i) =>
            expect(after.years[i]!.counted).toBe(y.counted + (e.year === y.year ? e.hours : 0)),
          );
          if (before.status === 'complete') expect(after.status).toBe('complete');
        }),
        { numRuns: 500 },
      );
    });

    // Regression: caps used to be filled greedily in both caps an entry matched, so an early entry
    // matching two caps could displace more hours than it brought (200 h → 100 h below). An entry now
    // counts against the first cap that matches it.
    it('adding an entry never lowers the total, with overlapping caps (property)', () => {
      const caps: CycleRules = {
        ...RULES,
        caps: [
          { id: 'online_cap', name: '网络研修最多计 100 学时', category: 'online', hours: 1000 },
          { id: 'course_cap', name: '课程学习最多计 100 学时', source: 'course', hours: 1000 },
        ],
      };
      const x = entry(1000, { id: 1, on: '2027-03-01', categories: ['online'], source: 'project' });
      const y = entry(1000, { id: 2, on: '2027-04-01', categories: ['edu_tech'], source: 'course' });
      const e = entry(1000, { id: 3, on: '2026-05-01', categories: ['online'], source: 'course' });
      const before = evaluateProgress(caps, SPAN, ZHANG_WEI, [x, y], 2027).counted;
      expect(before).toBe(2000);
      expect(evaluateProgress(caps, SPAN, ZHANG_WEI, [x, y, e], 2027).counted).toBeGreaterThanOrEqual(before);

      fc.assert(
        fc.property(ledgerArb(), entrySpecArb, factsArb, (es, spec, t) => {
          const added = fromSpec(spec, Math.max(0, ...es.map((z) => z.id)) + 1);
          expect(evaluateProgress(MULTI_CAPS, SPAN, t, [...es, added], 2028).counted).toBeGreaterThanOrEqual(
            evaluateProgress(MULTI_CAPS, SPAN, t, es, 2028).counted,
          );
        }),
        { numRuns: 3000 },
      );
    });
  });

  describe('explanation', () => {
    it('states the counted total, traces every entry id, and has words for every line in both languages (property)', () => {
      fc.assert(
        fc.property(ledgerArb(), rulesArb, factsArb, asOfArb, (es, rules, t, asOf) => {
          const p = evaluateProgress(rules, SPAN, t, es, asOf);
          const totals = p.lines.filter((l) => l.key === 'total.counted');
          expect(totals).toHaveLength(1);
          expect(totals[0]!.params).toEqual({
            counted: formatTenths(p.counted),
            required: formatTenths(rules.totalHours),
            credits: p.credits,
            perCredit: formatTenths(rules.hoursPerCredit),
          });
          expect(p.lines.find((l) => l.key === 'total.raw')!.params.raw).toBe(formatTenths(p.raw));
          expect(p.lines.filter((l) => l.key.startsWith('status.')).map((l) => l.key)).toEqual([`status.${p.status}`]);
          const ids = new Set(es.map((e) => e.id));
          for (const l of p.lines) {
            for (const id of l.entryIds ?? []) expect(ids.has(id)).toBe(true);
            for (const locale of ['zh-CN', 'en'] as const) {
              const text = explainLine(l, locale);
              expect(text).not.toBe(l.key);
              expect(text).not.toMatch(/[{}]/);
              expect(text).not.toMatch(/undefined|NaN|\[object/);
            }
          }
          for (const m of p.minima) expect(p.lines).toContainEqual(m.why);
        }),
        { numRuns: 500 },
      );
    });

    it('reads well in Chinese and English', () => {
      const p = evaluateProgress(
        RULES,
        SPAN,
        ZHANG_WEI,
        [entry(500, { id: 1, on: '2027-07-01', categories: ['edu_tech'] })],
        2027,
      );
      const texts = (locale: 'zh-CN' | 'en') => p.lines.map((l) => explainLine(l, locale));
      expect(texts('zh-CN')).toEqual([
        '有效登记 1 条，合计 50 学时',
        '计入总学时 50 / 应修 240 学时；每 10 学时计 1 学分，合 5.0 学分',
        '“教育技术不少于 50 学时”：已修 50 / 50 学时，已达标',
        '适用原因：截至 2030-12-31 符合条件 男、未满 55 周岁（年龄 40 周岁）',
        '“师德不少于 20 学时”：已修 0 / 20 学时，未达标',
        '适用于全体参训教师',
        '状态：进度正常——已计 50 学时，不低于截至上年末应完成的 48 学时',
      ]);
      expect(p.status).toBe('on_track');
      expect(texts('en')[6]).toBe('Status: on track — 50 hours, not below the 48 expected by the end of last year');
      expect(
        explainLine(
          { key: 'minimum.applies_missing', params: { missing: 'gender,birthDate', date: '2030-12-31' } },
          'zh-CN',
        ),
      ).toBe('按适用处理：档案缺少 性别、出生日期，截至 2030-12-31 无法判断，请联系学校补全');
      expect(
        explainLine(
          {
            key: 'minimum.not_applies',
            params: { conditions: 'gender=male;age<55 | gender=female;age<50', date: '2030-12-31', age: 56 },
          },
          'zh-CN',
        ),
      ).toBe('不适用原因：截至 2030-12-31 不符合 男、未满 55 周岁；或 女、未满 50 周岁（年龄 56 周岁）');
      expect(
        explainLine(
          {
            key: 'minimum.not_applies',
            params: { conditions: 'gender=male;age<55 | gender=female;age<50', date: '2030-12-31', age: 56 },
          },
          'en',
        ),
      ).toBe('Does not apply: on 2030-12-31 you meet none of male, under 55; or female, under 50 (age 56)');
    });
  });

  describe('status', () => {
    /** 240 h with 50 h edu-tech and 20 h ethics, spread over 2026–2027. */
    const complete = () => [
      entry(500, { id: 1, on: '2026-04-01', categories: ['edu_tech'] }),
      entry(200, { id: 2, on: '2026-05-01', categories: ['ethics'] }),
      entry(1000, { id: 3, on: '2026-09-01', categories: ['subject'] }),
      entry(700, { id: 4, on: '2027-03-01', categories: ['student_education'] }),
    ];

    it('complete when the total and every applicable minimum are met', () => {
      for (const asOf of [2027, 2028, 2030, 2031])
        expect(evaluateProgress(RULES, SPAN, ZHANG_WEI, complete(), asOf).status).toBe('complete');
    });

    it('not complete while an applicable minimum is unmet; at risk from the last year on', () => {
      const es = complete().map((e) => (e.id === 1 ? { ...e, categories: ['subject'] } : e));
      const byYear = Object.fromEntries(
        [2027, 2028, 2029, 2030, 2031].map((y) => [y, evaluateProgress(RULES, SPAN, ZHANG_WEI, es, y).status]),
      );
      // nothing registered after 2027: each later year is below its minimum until the last one
      expect(byYear).toEqual({
        2027: 'on_track',
        2028: 'below_yearly',
        2029: 'below_yearly',
        2030: 'at_risk',
        2031: 'at_risk',
      });
      // 李秀英 is 56 on 2030-12-31: the edu-tech minimum does not apply, so the same ledger is complete
      const p = evaluateProgress(RULES, SPAN, LI_XIUYING, es, 2030);
      expect(p.status).toBe('complete');
      expect(p.minima[0]).toMatchObject({ id: 'edu_tech_50', applies: false, met: true, counted: 0 });
      expect(p.lines).toContainEqual(expect.objectContaining({ key: 'minimum.skipped' }));
    });

    it('the total must be reached too: 239.9 h is not complete', () => {
      const es = complete();
      es[3] = { ...es[3]!, hours: 699 };
      expect(evaluateProgress(RULES, SPAN, ZHANG_WEI, es, 2030).status).toBe('at_risk');
      expect(evaluateProgress(RULES, SPAN, ZHANG_WEI, es, 2029).status).toBe('below_yearly');
    });

    it('behind when below the yearly minimum times the finished years (boundary)', () => {
      const at = (hours: number, asOf: number) =>
        evaluateProgress(RULES, SPAN, ZHANG_WEI, hours ? [entry(hours, { id: 1, on: '2026-06-01' })] : [], asOf);
      expect(at(0, 2026).expectedByNow).toBe(0);
      expect(at(480, 2027).status).toBe('below_yearly');
      expect(at(479, 2027).status).toBe('behind');
      expect(at(479, 2027).expectedByNow).toBe(480);
      expect(at(1440, 2029).status).toBe('below_yearly');
      expect(at(1439, 2029).status).toBe('behind');
      expect(at(1439, 2029).lines.at(-1)).toEqual({
        key: 'status.behind',
        params: {
          counted: '143.9',
          expected: '144',
          required: '240',
          endYear: 2030,
          unmet: 2,
          year: 2029,
          yearCounted: '0',
          yearMinimum: '48',
        },
      });
      // the last year is 'at risk', never 'behind'
      expect(at(0, 2030).status).toBe('at_risk');
      // before the cycle starts nothing is expected
      expect(at(0, 2025).status).toBe('on_track');
      expect(at(0, 2025).expectedByNow).toBe(0);
    });

    it('below the yearly minimum when the current year falls short of it, in the first year of a cycle too (boundary)', () => {
      const at = (hours: number, asOf: number) =>
        evaluateProgress(RULES, SPAN, ZHANG_WEI, hours ? [entry(hours, { id: 1, on: `${asOf}-06-01` })] : [], asOf);
      // 2026 is the first year: nothing is expected of the finished years, but the year's 48 h are
      expect(at(0, 2026).status).toBe('below_yearly');
      expect(at(479, 2026).status).toBe('below_yearly');
      expect(at(480, 2026).status).toBe('on_track');
      expect(at(479, 2026).thisYear).toEqual({ year: 2026, counted: 479, minimum: 480, below: true });
      const p = at(300, 2026);
      expect(p.lines.at(-1)).toMatchObject({
        key: 'status.below_yearly',
        params: { year: 2026, yearCounted: '30', yearMinimum: '48' },
      });
      expect(explainLine(p.lines.at(-1)!, 'zh-CN')).toBe(
        '状态：本年度未达标——2026 年已计 30 学时，低于每年不少于 48 学时的要求（年度验证按此核验）',
      );
      expect(explainLine(p.lines.at(-1)!, 'en')).toBe(
        'Status: below this year’s minimum — 30 hours in 2026, below the 48 required each year (what the annual verification checks)',
      );
      // what the year's verification says of the same ledger
      expect(verifyYear(RULES, SPAN, ZHANG_WEI, [entry(479, { id: 1, on: '2026-06-01' })], 2026).computed).toBe(
        'failed',
      );
      // without a yearly minimum, or outside the cycle, there is no year to fall short of
      expect(evaluateProgress(NO_YEARLY, SPAN, ZHANG_WEI, [], 2026).status).toBe('on_track');
      expect(at(0, 2025).thisYear).toBeNull();
    });

    it('without a yearly minimum, behind is measured against the pro-rata share of the total', () => {
      const at = (hours: number, asOf: number) =>
        evaluateProgress(NO_YEARLY, SPAN, ZHANG_WEI, [entry(hours, { id: 1, on: '2026-06-01' })], asOf);
      expect(at(960, 2028).expectedByNow).toBe(960);
      expect(at(960, 2028).status).toBe('on_track');
      expect(at(959, 2028).status).toBe('behind');
      expect(at(959, 2028).years.every((y) => y.minimum === null && y.met === null)).toBe(true);
    });

    it('out of scope when the teacher started too recently (R-14), boundary included', () => {
      const es = [entry(100, { id: 1, on: '2026-10-01' })];
      const started = (year: number | null): TeacherFacts => ({ ...ZHANG_WEI, teachingStartYear: year });
      expect(evaluateProgress(RULES, SPAN, started(2025), es, 2026)).toMatchObject({
        inScope: true,
        status: 'below_yearly',
      });
      const out = evaluateProgress(RULES, SPAN, started(2026), es, 2026);
      expect(out).toMatchObject({ inScope: false, status: 'out_of_scope', counted: 100 });
      expect(out.lines.at(-1)).toEqual({ key: 'status.out_of_scope', params: { minYears: 1, startYear: 2026 } });
      expect(evaluateProgress(RULES, SPAN, started(2026), es, 2027).inScope).toBe(true);
      expect(evaluateProgress(RULES, SPAN, started(null), es, 2026).inScope).toBe(true);
      // scope is judged within the cycle: asOfYear after the end is judged at the end year
      expect(evaluateProgress(RULES, SPAN, started(2030), es, 2032).status).toBe('out_of_scope');
      expect(evaluateProgress(RULES, SPAN, started(2029), es, 2032).status).toBe('at_risk');
      // minServiceYears 0: everyone is in scope
      const zero: CycleRules = { ...RULES, scope: { minServiceYears: 0 } };
      expect(evaluateProgress(zero, SPAN, started(2026), es, 2026).inScope).toBe(true);
      // out of scope overrides complete
      expect(evaluateProgress(RULES, SPAN, started(2026), complete(), 2026).status).toBe('out_of_scope');
    });

    it('follows the documented order complete > at_risk > behind > below_yearly > on_track, out_of_scope overriding all (property)', () => {
      const rulesVariant = fc
        .record({ yearly: fc.constantFrom(480, 720, null), minService: fc.integer({ min: 0, max: 3 }) })
        .map(
          ({ yearly, minService }): CycleRules => ({
            ...NO_CAPS,
            yearlyMinimum: yearly,
            scope: { minServiceYears: minService },
          }),
        );
      fc.assert(
        fc.property(ledgerArb(), rulesVariant, factsArb, asOfArb, (es, rules, t, asOf) => {
          const p = evaluateProgress(rules, SPAN, t, es, asOf);
          const counting = live(es);
          const counted = sum(counting.map((e) => e.hours));
          const clamped = Math.min(Math.max(asOf, SPAN.startYear), SPAN.endYear);
          const inScope = t.teachingStartYear === null || clamped - t.teachingStartYear >= rules.scope.minServiceYears;
          const finished = Math.min(Math.max(asOf - SPAN.startYear, 0), SPAN.endYear - SPAN.startYear + 1);
          const expectedByNow = Math.min(
            rules.totalHours,
            rules.yearlyMinimum !== null
              ? rules.yearlyMinimum * finished
              : Math.floor((rules.totalHours * finished) / 5),
          );
          const minimaMet = rules.minima.every(
            (m) =>
              !minimumApplies(m, t).applies ||
              sum(counting.filter((e) => e.categories.includes(m.category)).map((e) => e.hours)) >= m.hours,
          );
          const expected = !inScope
            ? 'out_of_scope'
            : counted >= rules.totalHours && minimaMet
              ? 'complete'
              : asOf >= SPAN.endYear
                ? 'at_risk'
                : counted < expectedByNow
                  ? 'behind'
                  : rules.yearlyMinimum !== null &&
                      asOf >= SPAN.startYear &&
                      sum(counting.filter((e) => e.year === asOf).map((e) => e.hours)) < rules.yearlyMinimum
                    ? 'below_yearly'
                    : 'on_track';
          expect(p.inScope).toBe(inScope);
          expect(p.expectedByNow).toBe(expectedByNow);
          expect(p.status).toBe(expected);
          expect(inScopeIn(rules, t, clamped)).toBe(inScope);
          for (const y of p.years) {
            expect(y.minimum).toBe(rules.yearlyMinimum);
            expect(y.met).toBe(rules.yearlyMinimum === null || y.year > asOf ? null : y.counted >= rules.yearlyMinimum);
          }
        }),
        { numRuns: 1000 },
      );
    });
  });

  it('does not depend on the order of the input entries (property: shuffle)', () => {
    const shuffled = ledgerArb().chain((es) =>
      fc.tuple(fc.constant(es), fc.shuffledSubarray(es, { minLength: es.length, maxLength: es.length })),
    );
    fc.assert(
      fc.property(shuffled, rulesArb, factsArb, asOfArb, ([es, perm], rules, t, asOf) => {
        expect(evaluateProgress(rules, SPAN, t, perm, asOf)).toEqual(evaluateProgress(rules, SPAN, t, es, asOf));
      }),
      { numRuns: 500 },
    );
  });

  it('does not modify its input', () => {
    fc.assert(
      fc.property(ledgerArb(), rulesArb, (es, rules) => {
        const copy = structuredClone(es);
        const rulesCopy = structuredClone(rules);
        evaluateProgress(rules, SPAN, ZHANG_WEI, es, 2028);
        expect(es).toEqual(copy);
        expect(rules).toEqual(rulesCopy);
      }),
      { numRuns: 100 },
    );
  });
});

describe('verifyYear (年度验证)', () => {
  const in2027 = (hours: number, extra: LedgerEntry[] = []) => [
    entry(hours, { id: 1, on: '2027-05-20', categories: ['subject'] }),
    ...extra,
  ];

  it('passes exactly at the yearly minimum and fails one tenth below', () => {
    expect(verifyYear(RULES, SPAN, ZHANG_WEI, in2027(480), 2027)).toEqual({
      computed: 'passed',
      yearHours: 480,
      failures: [],
    });
    expect(verifyYear(RULES, SPAN, ZHANG_WEI, in2027(479), 2027)).toEqual({
      computed: 'failed',
      yearHours: 479,
      failures: [{ item: 'yearly_minimum', counted: 479, required: 480 }],
    });
  });

  it('counts only the verified year', () => {
    const other = [entry(1200, { id: 2, on: '2026-06-01' }), entry(1200, { id: 3, on: '2028-06-01' })];
    expect(verifyYear(RULES, SPAN, ZHANG_WEI, in2027(479, other), 2027).computed).toBe('failed');
    expect(verifyYear(RULES, SPAN, ZHANG_WEI, in2027(479, other), 2026)).toEqual({
      computed: 'passed',
      yearHours: 1200,
      failures: [],
    });
    expect(verifyYear(RULES, SPAN, ZHANG_WEI, [], 2028)).toEqual({
      computed: 'failed',
      yearHours: 0,
      failures: [{ item: 'yearly_minimum', counted: 0, required: 480 }],
    });
  });

  it('uses counted hours: hours above a cap do not help the year', () => {
    const es = [
      entry(1200, { id: 1, on: '2026-03-01', categories: ['online'] }),
      entry(600, { id: 2, on: '2027-03-01', categories: ['online'] }),
    ];
    expect(verifyYear(RULES, SPAN, ZHANG_WEI, es, 2027)).toEqual({
      computed: 'failed',
      yearHours: 0,
      failures: [{ item: 'yearly_minimum', counted: 0, required: 480 }],
    });
  });

  it('a reversed entry does not count for its year', () => {
    const a = entry(480, { id: 1, on: '2027-05-20' });
    expect(verifyYear(RULES, SPAN, ZHANG_WEI, [a], 2027).computed).toBe('passed');
    expect(verifyYear(RULES, SPAN, ZHANG_WEI, [a, reversalOf(a, 2, '2027-09-01')], 2027).yearHours).toBe(0);
  });

  it('in the last year also needs the cycle total and every applicable minimum', () => {
    const full = [
      entry(500, { id: 1, on: '2026-04-01', categories: ['edu_tech'] }),
      entry(200, { id: 2, on: '2026-05-01', categories: ['ethics'] }),
      entry(1220, { id: 3, on: '2027-09-01', categories: ['subject'] }),
      entry(480, { id: 4, on: '2030-09-01', categories: ['subject'] }),
    ];
    expect(verifyYear(RULES, SPAN, ZHANG_WEI, full, 2030)).toEqual({
      computed: 'passed',
      yearHours: 480,
      failures: [],
    });
    // one tenth short of the total
    const short = full.map((e) => (e.id === 3 ? { ...e, hours: 1219 } : e));
    expect(verifyYear(RULES, SPAN, ZHANG_WEI, short, 2030)).toEqual({
      computed: 'failed',
      yearHours: 480,
      failures: [{ item: 'cycle_total', counted: 2399, required: 2400 }],
    });
    // total met but the edu-tech minimum not
    const noTech = full.map((e) => (e.id === 1 ? { ...e, categories: ['subject'] } : e));
    expect(verifyYear(RULES, SPAN, ZHANG_WEI, noTech, 2030)).toEqual({
      computed: 'failed',
      yearHours: 480,
      failures: [{ item: 'minimum', id: 'edu_tech_50', counted: 0, required: 500 }],
    });
    // ... which 李秀英 (56) is not bound by
    expect(verifyYear(RULES, SPAN, LI_XIUYING, noTech, 2030).computed).toBe('passed');
    // the same ledger passes an earlier year's verification: the total is only checked at the end
    expect(verifyYear(RULES, SPAN, ZHANG_WEI, short, 2027).computed).toBe('passed');
    // a last year below the yearly minimum and the total fails on every item
    expect(
      verifyYear(RULES, SPAN, ZHANG_WEI, [entry(100, { id: 9, on: '2030-02-01' })], 2030).failures.map((f) => f.item),
    ).toEqual(['yearly_minimum', 'cycle_total', 'minimum', 'minimum']);
  });

  it('is not_in_scope for a teacher not yet in the all-staff training', () => {
    const newcomer: TeacherFacts = { ...ZHANG_WEI, teachingStartYear: 2027, flags: ['newTeacher'] };
    expect(verifyYear(RULES, SPAN, newcomer, in2027(100), 2027)).toEqual({
      computed: 'not_in_scope',
      yearHours: 100,
      failures: [],
    });
    expect(verifyYear(RULES, SPAN, newcomer, [entry(480, { id: 5, on: '2028-04-01' })], 2028).computed).toBe('passed');
    expect(
      verifyYear(
        { ...RULES, scope: { minServiceYears: 2 } },
        SPAN,
        newcomer,
        [entry(480, { id: 5, on: '2028-04-01' })],
        2028,
      ).computed,
    ).toBe('not_in_scope');
  });

  it('without a yearly minimum, a middle year always passes', () => {
    expect(verifyYear(NO_YEARLY, SPAN, ZHANG_WEI, [], 2028)).toEqual({
      computed: 'passed',
      yearHours: 0,
      failures: [],
    });
  });

  it('agrees with the progress of that year (property)', () => {
    fc.assert(
      fc.property(
        ledgerArb(),
        rulesArb,
        factsArb,
        fc.integer({ min: SPAN.startYear, max: SPAN.endYear }),
        (es, rules, t, year) => {
          const v = verifyYear(rules, SPAN, t, es, year);
          const p = evaluateProgress(rules, SPAN, t, es, year);
          expect(v.yearHours).toBe(p.years.find((y) => y.year === year)!.counted);
          if (!inScopeIn(rules, t, year)) {
            expect(v.computed).toBe('not_in_scope');
            return;
          }
          const yearOk = rules.yearlyMinimum === null || v.yearHours >= rules.yearlyMinimum;
          const cycleOk = year < SPAN.endYear || p.status === 'complete';
          expect(v.computed).toBe(yearOk && cycleOk ? 'passed' : 'failed');
          expect(v.failures.length > 0).toBe(v.computed === 'failed');
        },
      ),
      { numRuns: 500 },
    );
  });
});
