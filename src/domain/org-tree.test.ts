import { describe, expect, it } from 'vitest';
import { assignableRoles, childKindsOf, childPath, isWithin, pathIds, roleFitsUnit } from './org-tree.js';

describe('organisation tree rules (R-01)', () => {
  it('puts cities under provinces, counties under cities, schools under counties or township centre schools', () => {
    expect(childKindsOf('province')).toEqual(['city', 'institution']);
    expect(childKindsOf('county')).toContain('township');
    expect(childKindsOf('township')).toEqual(['school']);
    expect(childKindsOf('school')).toEqual([]);
  });

  it('places each role at a fitting unit', () => {
    expect(roleFitsUnit('county_admin', 'county')).toBe(true);
    expect(roleFitsUnit('county_admin', 'school')).toBe(false);
    expect(roleFitsUnit('teacher', 'school')).toBe(true);
    expect(roleFitsUnit('trainer', 'institution')).toBe(true);
  });

  it('lets an admin hand out only lower roles', () => {
    expect(assignableRoles('county_admin')).toEqual(['school_admin', 'trainer', 'teacher']);
    expect(assignableRoles('teacher')).toEqual([]);
  });

  it('builds and reads materialized paths', () => {
    expect(childPath('/1/7/', 42)).toBe('/1/7/42/');
    expect(pathIds('/1/7/42/')).toEqual([1, 7, 42]);
    expect(isWithin('/1/7/', '/1/7/42/')).toBe(true);
    expect(isWithin('/1/7/', '/1/70/')).toBe(false);
  });
});
