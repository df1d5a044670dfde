import { describe, expect, test } from 'vitest';
import { defaultRules } from '../../../../src/domain/cycle-rules';
import { formNameOf, rowKeyOf, rulesFromForm, rulesToForm } from './rules-form-values';

describe('the rules form', () => {
  test('round-trips the rules of the source documents', () => {
    const rules = defaultRules({ startYear: 2026, endYear: 2030 });
    expect(rulesFromForm(rulesToForm(rules))).toEqual(rules);
  });

  test('an empty yearly minimum means none; hours are read as decimals', () => {
    const values = rulesToForm(defaultRules({ startYear: 2026, endYear: 2030 }));
    const rules = rulesFromForm({ ...values, yearlyMinimum: '', totalHours: '240.5' });
    expect(rules.yearlyMinimum).toBeNull();
    expect(rules.totalHours).toBe(2405);
  });

  test('empty parts of a condition are left out', () => {
    const values = rulesToForm(defaultRules({ startYear: 2026, endYear: 2030 }));
    values.minima[0]!.conditions = [{ gender: null, ageUnder: 50, ageAtLeast: null, stages: [], subjects: [' '] }];
    expect(rulesFromForm(values).minima[0]!.appliesTo).toEqual([{ ageUnder: 50 }]);
  });

  test('server paths land on fields, or on the row they concern', () => {
    expect(formNameOf('minima.0.hours')).toEqual(['minima', 0, 'hours']);
    expect(formNameOf('scope.minServiceYears')).toEqual(['scope', 'minServiceYears']);
    expect(formNameOf('rules.categories.2.code')).toEqual(['categories', 2, 'code']);
    expect(formNameOf('caps.1')).toBeNull();
    expect(formNameOf('minima.0.appliesTo.1')).toBeNull();
    expect(rowKeyOf('minima.0.appliesTo.1')).toBe('minima.0.conditions.1');
    expect(rowKeyOf('minima.3.appliesTo')).toBe('minima.3.conditions');
  });
});
