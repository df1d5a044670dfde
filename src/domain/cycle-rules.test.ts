import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  defaultRules,
  formatCredits,
  formatTenths,
  isIsoDate,
  parseHours,
  validateRules,
  type CycleRules,
  type CycleSpan,
  type RuleProblem,
} from './cycle-rules.js';

const SPAN: CycleSpan = { startYear: 2026, endYear: 2030 };

/** The default rules with one change applied to a fresh copy. */
function rulesWith(change: (r: CycleRules) => void, span: CycleSpan = SPAN): CycleRules {
  const r = defaultRules(span);
  change(r);
  return r;
}

const problems = (r: CycleRules, span: CycleSpan = SPAN): RuleProblem[] => validateRules(r, span);

describe('validateRules', () => {
  it('accepts the default rules of any cycle', () => {
    expect(problems(defaultRules(SPAN))).toEqual([]);
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2090 }), fc.integer({ min: 0, max: 9 }), (start, len) => {
        const span = { startYear: start, endYear: start + len };
        expect(validateRules(defaultRules(span), span)).toEqual([]);
      }),
    );
  });

  it('accepts a province rule set with conditions on stage, subject and flags and no yearly minimum', () => {
    const r = rulesWith((r) => {
      r.yearlyMinimum = null;
      r.minima.push({
        id: 'new_curriculum_40',
        name: '新课程岗前培训不少于 40 学时',
        category: 'new_curriculum',
        hours: 400,
        appliesTo: [
          { stages: ['primary', 'junior'], subjects: ['语文', '数学'], flags: ['newTeacher'] },
          { ageAtLeast: 30, ageUnder: 45 },
        ],
        evaluatedOn: '2025-09-01',
      });
      r.caps.push({ id: 'course_cap', name: '课程学习最多计 100 学时', source: 'course', hours: 1000 });
    });
    expect(problems(r)).toEqual([]);
  });

  describe('positive_tenths', () => {
    for (const field of ['totalHours', 'hoursPerCredit', 'maxEntryHours', 'yearlyMinimum'] as const) {
      for (const bad of [0, -10, 2.5, Number.NaN]) {
        it(`refuses ${field} = ${bad}`, () => {
          const r = rulesWith((r) => {
            r[field] = bad;
          });
          expect(problems(r)).toContainEqual({ path: field, code: 'positive_tenths' });
        });
      }
      it(`accepts ${field} = 1`, () => {
        const r = rulesWith((r) => {
          r[field] = 1;
          if (field === 'totalHours') {
            r.yearlyMinimum = 1;
            r.minima = [];
          }
        });
        expect(problems(r)).toEqual([]);
      });
    }

    it('accepts a null yearly minimum', () => {
      expect(
        problems(
          rulesWith((r) => {
            r.yearlyMinimum = null;
          }),
        ),
      ).toEqual([]);
    });

    it('refuses a non-positive minimum or cap, with the index in the path', () => {
      const r = rulesWith((r) => {
        r.minima[1]!.hours = 0;
        r.caps[0]!.hours = -1200;
      });
      const p = problems(r);
      expect(p).toContainEqual({ path: 'minima.1.hours', code: 'positive_tenths' });
      expect(p).toContainEqual({ path: 'caps.0.hours', code: 'positive_tenths' });
      expect(p).toHaveLength(2);
    });

    it('refuses a fractional minimum (hours are whole tenths)', () => {
      expect(
        problems(
          rulesWith((r) => {
            r.minima[0]!.hours = 500.5;
          }),
        ),
      ).toEqual([{ path: 'minima.0.hours', code: 'positive_tenths' }]);
    });
  });

  it('yearly_above_total: the yearly minimum may equal the total but not exceed it', () => {
    expect(
      problems(
        rulesWith((r) => {
          r.yearlyMinimum = 2400;
        }),
      ),
    ).toEqual([]);
    expect(
      problems(
        rulesWith((r) => {
          r.yearlyMinimum = 2401;
        }),
      ),
    ).toEqual([{ path: 'yearlyMinimum', code: 'yearly_above_total' }]);
  });

  it('out_of_range: minServiceYears must be a whole number from 0 to 10', () => {
    for (const ok of [0, 1, 10])
      expect(
        problems(
          rulesWith((r) => {
            r.scope.minServiceYears = ok;
          }),
        ),
      ).toEqual([]);
    for (const bad of [-1, 11, 1.5]) {
      expect(
        problems(
          rulesWith((r) => {
            r.scope.minServiceYears = bad;
          }),
        ),
      ).toEqual([{ path: 'scope.minServiceYears', code: 'out_of_range', params: { min: 0, max: 10 } }]);
    }
  });

  it('category_code_format: lower-case letter first, then [a-z0-9_], at most 40 characters', () => {
    for (const ok of ['a', 'edu_tech2', `a${'b'.repeat(39)}`]) {
      expect(
        problems(
          rulesWith((r) => {
            r.categories.push({ code: ok, name: '其他' });
          }),
        ),
      ).toEqual([]);
    }
    for (const bad of ['', 'Edu', '2tech', '_x', 'edu-tech', '师德', 'edu tech', `a${'b'.repeat(40)}`]) {
      const r = rulesWith((r) => {
        r.categories.push({ code: bad, name: '其他' });
      });
      expect(problems(r)).toEqual([
        { path: `categories.${r.categories.length - 1}.code`, code: 'category_code_format' },
      ]);
    }
  });

  it('duplicate: category codes, and ids shared by minima and caps', () => {
    expect(
      problems(
        rulesWith((r) => {
          r.categories.push({ code: 'ethics', name: '师德（重复）' });
        }),
      ),
    ).toEqual([{ path: 'categories.7.code', code: 'duplicate', params: { value: 'ethics' } }]);
    expect(
      problems(
        rulesWith((r) => {
          r.minima[1]!.id = 'edu_tech_50';
        }),
      ),
    ).toEqual([{ path: 'minima.1.id', code: 'duplicate', params: { value: 'edu_tech_50' } }]);
    // minima and caps share one id space
    expect(
      problems(
        rulesWith((r) => {
          r.caps[0]!.id = 'ethics_20';
        }),
      ),
    ).toEqual([{ path: 'caps.0.id', code: 'duplicate', params: { value: 'ethics_20' } }]);
    expect(
      problems(
        rulesWith((r) => {
          r.caps.push({ ...r.caps[0]!, name: '网络研修上限（重复）' });
        }),
      ),
    ).toEqual([{ path: 'caps.1.id', code: 'duplicate', params: { value: 'online_cap' } }]);
  });

  it('unknown_category: a minimum or cap must name a category of the rule set', () => {
    expect(
      problems(
        rulesWith((r) => {
          r.minima[0]!.category = 'edutech';
        }),
      ),
    ).toEqual([{ path: 'minima.0.category', code: 'unknown_category', params: { value: 'edutech' } }]);
    expect(
      problems(
        rulesWith((r) => {
          r.caps[0]!.category = 'wangluo';
        }),
      ),
    ).toEqual([{ path: 'caps.0.category', code: 'unknown_category', params: { value: 'wangluo' } }]);
    // removing the category a minimum refers to is caught too
    expect(
      problems(
        rulesWith((r) => {
          r.categories = r.categories.filter((c) => c.code !== 'ethics');
        }),
      ),
    ).toEqual([{ path: 'minima.1.category', code: 'unknown_category', params: { value: 'ethics' } }]);
  });

  it('minimum_above_total: a minimum may equal the total but not exceed it', () => {
    expect(
      problems(
        rulesWith((r) => {
          r.minima[0]!.hours = 2400;
        }),
      ),
    ).toEqual([]);
    expect(
      problems(
        rulesWith((r) => {
          r.minima[0]!.hours = 2401;
        }),
      ),
    ).toEqual([{ path: 'minima.0.hours', code: 'minimum_above_total' }]);
  });

  it('date_format: evaluatedOn must be a real YYYY-MM-DD date', () => {
    for (const bad of ['2030-2-28', '2030/12/31', '2030-02-30', '2030-13-01', '20301231', '', '2030-12-31T00:00:00Z']) {
      expect(
        problems(
          rulesWith((r) => {
            r.minima[1]!.evaluatedOn = bad;
          }),
        ),
      ).toEqual([{ path: 'minima.1.evaluatedOn', code: 'date_format' }]);
    }
  });

  it('date_outside_cycle: evaluatedOn within one year either side of the cycle', () => {
    for (const ok of ['2025-01-01', '2026-09-01', '2031-12-31']) {
      expect(
        problems(
          rulesWith((r) => {
            r.minima[0]!.evaluatedOn = ok;
          }),
        ),
      ).toEqual([]);
    }
    for (const bad of ['2024-12-31', '2032-01-01', '1999-12-31']) {
      expect(
        problems(
          rulesWith((r) => {
            r.minima[0]!.evaluatedOn = bad;
          }),
        ),
      ).toEqual([{ path: 'minima.0.evaluatedOn', code: 'date_outside_cycle' }]);
    }
  });

  it('empty_condition: an empty condition, or an empty list of conditions', () => {
    expect(
      problems(
        rulesWith((r) => {
          r.minima[0]!.appliesTo = [{ gender: 'male', ageUnder: 55 }, {}];
        }),
      ),
    ).toEqual([{ path: 'minima.0.appliesTo.1', code: 'empty_condition' }]);
    expect(
      problems(
        rulesWith((r) => {
          r.minima[1]!.appliesTo = [];
        }),
      ),
    ).toEqual([{ path: 'minima.1.appliesTo', code: 'empty_condition' }]);
  });

  it('age_range_empty: ageAtLeast must be below ageUnder', () => {
    expect(
      problems(
        rulesWith((r) => {
          r.minima[0]!.appliesTo = [{ ageAtLeast: 54, ageUnder: 55 }];
        }),
      ),
    ).toEqual([]);
    expect(
      problems(
        rulesWith((r) => {
          r.minima[0]!.appliesTo = [{ gender: 'female', ageAtLeast: 50, ageUnder: 50 }];
        }),
      ),
    ).toEqual([{ path: 'minima.0.appliesTo.0', code: 'age_range_empty' }]);
    expect(
      problems(
        rulesWith((r) => {
          r.minima[0]!.appliesTo = [
            { gender: 'male', ageUnder: 55 },
            { ageAtLeast: 60, ageUnder: 35 },
          ];
        }),
      ),
    ).toEqual([{ path: 'minima.0.appliesTo.1', code: 'age_range_empty' }]);
  });

  it('cap_matches_nothing: a cap needs a category or a source', () => {
    expect(
      problems(
        rulesWith((r) => {
          r.caps.push({ id: 'misc_cap', name: '其他最多计 30 学时', hours: 300 });
        }),
      ),
    ).toEqual([{ path: 'caps.1', code: 'cap_matches_nothing' }]);
    expect(
      problems(
        rulesWith((r) => {
          r.caps.push({ id: 'import_cap', name: '批量导入最多计 60 学时', source: 'import', hours: 600 });
        }),
      ),
    ).toEqual([]);
  });

  it('returns every problem at once, in field order', () => {
    const r = rulesWith((r) => {
      r.totalHours = 0;
      r.scope.minServiceYears = 20;
      r.categories[1]!.code = 'EduTech';
      r.minima[0]!.evaluatedOn = '2030-02-29';
    });
    expect(problems(r)).toEqual([
      { path: 'totalHours', code: 'positive_tenths' },
      { path: 'yearlyMinimum', code: 'yearly_above_total' },
      { path: 'scope.minServiceYears', code: 'out_of_range', params: { min: 0, max: 10 } },
      { path: 'categories.1.code', code: 'category_code_format' },
      { path: 'minima.0.category', code: 'unknown_category', params: { value: 'edu_tech' } },
      { path: 'minima.0.hours', code: 'minimum_above_total' },
      { path: 'minima.0.evaluatedOn', code: 'date_format' },
      { path: 'minima.1.hours', code: 'minimum_above_total' },
    ]);
  });

  it('does not change the rules it checks', () => {
    const r = rulesWith((r) => {
      r.minima[0]!.appliesTo = [{}];
    });
    const copy = structuredClone(r);
    validateRules(r, SPAN);
    expect(r).toEqual(copy);
  });
});

describe('formatTenths', () => {
  it('writes tenths as the decimal people read', () => {
    expect(formatTenths(0)).toBe('0');
    expect(formatTenths(5)).toBe('0.5');
    expect(formatTenths(10)).toBe('1');
    expect(formatTenths(2400)).toBe('240');
    expect(formatTenths(2415)).toBe('241.5');
    expect(formatTenths(-5)).toBe('-0.5');
    expect(formatTenths(-2415)).toBe('-241.5');
    expect(formatTenths(999999)).toBe('99999.9');
  });

  it('agrees with division by ten for every integer', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }), (n) => {
        const s = formatTenths(n);
        expect(Number(s)).toBe(n / 10);
        expect(s).toMatch(/^-?\d+(\.[1-9])?$/);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('formatCredits', () => {
  it('writes credits with one decimal, rounding down', () => {
    expect(formatCredits(2400, 100)).toBe('24.0');
    expect(formatCredits(2415, 100)).toBe('24.1');
    expect(formatCredits(2419, 100)).toBe('24.1');
    expect(formatCredits(9, 100)).toBe('0.0');
    expect(formatCredits(10, 100)).toBe('0.1');
    expect(formatCredits(0, 100)).toBe('0.0');
    // 72 h at 10 h per credit = 7.2 credits
    expect(formatCredits(720, 100)).toBe('7.2');
    // 15 h per credit: 40 h = 2.666… credits → 2.6
    expect(formatCredits(400, 150)).toBe('2.6');
  });

  it('is never negative', () => {
    expect(formatCredits(-1, 100)).toBe('0.0');
    expect(formatCredits(-2400, 100)).toBe('0.0');
  });

  it('never rounds up and loses less than a tenth of a credit (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -10_000, max: 1_000_000 }),
        fc.integer({ min: 1, max: 1000 }),
        (tenths, perCredit) => {
          const s = formatCredits(tenths, perCredit);
          expect(s).toMatch(/^\d+\.\d$/);
          const tenthsOfCredit = Math.round(Number(s) * 10);
          const exact = (Math.max(0, tenths) * 10) / perCredit;
          expect(tenthsOfCredit).toBeLessThanOrEqual(exact);
          expect(tenthsOfCredit + 1).toBeGreaterThan(exact);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('parseHours', () => {
  it('accepts hours with at most one decimal', () => {
    expect(parseHours('241.5')).toBe(2415);
    expect(parseHours('240')).toBe(2400);
    expect(parseHours(12)).toBe(120);
    expect(parseHours(241.5)).toBe(2415);
    expect(parseHours('1.50')).toBe(15);
    expect(parseHours('1.0')).toBe(10);
    expect(parseHours('0')).toBe(0);
    expect(parseHours('0.5')).toBe(5);
    expect(parseHours(' 72 ')).toBe(720);
    expect(parseHours('99999.9')).toBe(999999);
  });

  it('refuses anything else', () => {
    for (const bad of ['1.25', '-1', 'abc', '1e3', '', ' ', '.5', '1.', '1,5', '１２', '1.5.0', '0x10', '+1', '1.05']) {
      expect(parseHours(bad), JSON.stringify(bad)).toBeNull();
    }
    expect(parseHours(-1)).toBeNull();
    expect(parseHours(1.25)).toBeNull();
    expect(parseHours(1e21)).toBeNull();
    expect(parseHours(Number.NaN)).toBeNull();
    expect(parseHours(Number.POSITIVE_INFINITY)).toBeNull();
  });

  it('refuses more than five whole digits', () => {
    expect(parseHours('123456')).toBeNull();
  });

  // Regression: the trailing `0*` once swallowed a sixth digit that was zero ('100000' read as 10,000 h).
  it('does not silently drop trailing zeros of a long number', () => {
    for (const s of ['100000', '2400000', '123450']) {
      expect([null, Number(s) * 10], s).toContain(parseHours(s));
    }
  });

  it('round-trips with formatTenths for 0 ≤ n < 10^6 (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999 }), (n) => {
        expect(parseHours(formatTenths(n))).toBe(n);
        expect(parseHours(n / 10)).toBe(n);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('isIsoDate', () => {
  it('accepts real calendar dates only', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2000-02-29')).toBe(true);
    expect(isIsoDate('2030-12-31')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('1900-02-29')).toBe(false);
    expect(isIsoDate('2026-04-31')).toBe(false);
    expect(isIsoDate('2026-00-10')).toBe(false);
    expect(isIsoDate('2026-01-00')).toBe(false);
    expect(isIsoDate('2026-1-1')).toBe(false);
    expect(isIsoDate('2026-01-01 ')).toBe(false);
    expect(isIsoDate('2026-01-01T00:00:00Z')).toBe(false);
    expect(isIsoDate('')).toBe(false);
  });

  it('accepts every day produced by the calendar (property)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }),
        (d) => {
          expect(isIsoDate(d.toISOString().slice(0, 10))).toBe(true);
        },
      ),
    );
  });
});
