import { describe, expect, it } from 'vitest';
import { can, type Action } from './access.policy.js';
import type { Role } from '../domain/org-tree.js';

// province 1 ─ city 2 ─ county 3 ─ school 5; county 4 is the sibling; province 9 is another province
const at = (role: Role, orgPath: string) => ({ role, orgPath });
const OWN_COUNTY = '/1/2/3/';
const SCHOOL = '/1/2/3/5/';
const SIBLING = '/1/2/4/';
const CITY = '/1/2/';
const OTHER = '/9/10/11/';

describe('access policy over the org subtree', () => {
  it('lets a county admin read its county and the schools below, nothing else', () => {
    const a = at('county_admin', OWN_COUNTY);
    expect(can(a, 'org.read', { path: OWN_COUNTY })).toBe(true);
    expect(can(a, 'org.read', { path: SCHOOL })).toBe(true);
    expect(can(a, 'org.read', { path: SIBLING })).toBe(false);
    expect(can(a, 'org.read', { path: CITY })).toBe(false);
    expect(can(a, 'org.read', { path: OTHER })).toBe(false);
  });

  it('does not confuse a unit id that is a prefix of another (/1/2/3/ vs /1/2/33/)', () => {
    expect(can(at('county_admin', OWN_COUNTY), 'org.read', { path: '/1/2/33/' })).toBe(false);
  });

  it('lets an admin rename units below but not their own unit', () => {
    const a = at('county_admin', OWN_COUNTY);
    expect(can(a, 'org.update_identity', { path: SCHOOL })).toBe(true);
    expect(can(a, 'org.update_identity', { path: OWN_COUNTY })).toBe(false);
    expect(can(a, 'org.update', { path: OWN_COUNTY })).toBe(true);
  });

  it('manages only accounts of lower rank inside the subtree', () => {
    const a = at('county_admin', OWN_COUNTY);
    expect(can(a, 'user.manage', { path: SCHOOL, role: 'school_admin' })).toBe(true);
    expect(can(a, 'user.manage', { path: SCHOOL, role: 'teacher' })).toBe(true);
    expect(can(a, 'user.manage', { path: OWN_COUNTY, role: 'county_admin' })).toBe(false);
    expect(can(a, 'user.manage', { path: SIBLING, role: 'teacher' })).toBe(false);
    expect(can(a, 'user.manage', { path: SCHOOL })).toBe(false);
  });

  it('gives teachers and trainers their own unit only, and no administration', () => {
    const actions: Action[] = [
      'org.list_children',
      'org.search',
      'org.create_child',
      'org.update',
      'user.read',
      'user.manage',
      'audit.read',
      'token.manage',
    ];
    for (const role of ['teacher', 'trainer'] as const) {
      const a = at(role, SCHOOL);
      expect(can(a, 'org.read', { path: SCHOOL })).toBe(true);
      expect(can(a, 'org.read', { path: OWN_COUNTY })).toBe(false);
      for (const action of actions)
        expect(can(a, action, { path: SCHOOL, role: 'teacher' }), `${role} ${action}`).toBe(false);
    }
  });

  it('lets a province admin reach everything in its province and nothing in another', () => {
    const a = at('province_admin', '/1/');
    for (const p of [CITY, OWN_COUNTY, SCHOOL, SIBLING]) expect(can(a, 'audit.read', { path: p })).toBe(true);
    expect(can(a, 'audit.read', { path: OTHER })).toBe(false);
  });

  it('shows a school the plans of its county and above, and lets only its county approve its plan', () => {
    const school = at('school_admin', SCHOOL);
    const county = at('county_admin', OWN_COUNTY);
    expect(can(school, 'plan.read', { path: OWN_COUNTY })).toBe(true);
    expect(can(school, 'plan.read', { path: '/1/' })).toBe(true);
    expect(can(school, 'plan.read', { path: SIBLING })).toBe(false);
    expect(can(at('teacher', SCHOOL), 'plan.read', { path: CITY })).toBe(true);
    expect(can(school, 'plan.manage', { path: SCHOOL })).toBe(true);
    expect(can(school, 'plan.manage', { path: OWN_COUNTY })).toBe(false);
    expect(can(county, 'plan.manage', { path: SCHOOL })).toBe(false);
    expect(can(county, 'plan.review', { path: SCHOOL })).toBe(true);
    expect(can(county, 'plan.review', { path: OWN_COUNTY })).toBe(false);
    expect(can(at('city_admin', CITY), 'plan.review', { path: SCHOOL })).toBe(false);
    expect(can(school, 'plan.review', { path: SCHOOL })).toBe(false);
  });

  it('lets bureaus keep platform credentials and review queues for their subtree, never a school', () => {
    expect(can(at('county_admin', OWN_COUNTY), 'lrs.manage', { path: SCHOOL })).toBe(true);
    expect(can(at('city_admin', CITY), 'lrs.manage', { path: OWN_COUNTY })).toBe(true);
    expect(can(at('county_admin', OWN_COUNTY), 'lrs.manage', { path: SIBLING })).toBe(false);
    expect(can(at('county_admin', OWN_COUNTY), 'lrs.manage', { path: CITY })).toBe(false);
    expect(can(at('school_admin', SCHOOL), 'lrs.manage', { path: SCHOOL })).toBe(false);
    expect(can(at('teacher', SCHOOL), 'lrs.manage', { path: SCHOOL })).toBe(false);
  });

  it('shares trainer pools downward and keeps fees with the organiser', () => {
    const county = at('county_admin', OWN_COUNTY);
    expect(can(county, 'trainer.read', { path: CITY })).toBe(true);
    expect(can(county, 'trainer.read', { path: SIBLING })).toBe(false);
    expect(can(county, 'trainer.manage', { path: CITY })).toBe(false);
    expect(can(at('trainer', SCHOOL), 'trainer.read', { path: SCHOOL })).toBe(false);
    expect(can(county, 'fee.manage', { path: OWN_COUNTY })).toBe(true);
    expect(can(at('school_admin', SCHOOL), 'fee.manage', { path: SCHOOL })).toBe(false);
    expect(can(at('school_admin', SCHOOL), 'fee.read', { path: SCHOOL })).toBe(true);
    expect(can(at('trainer', SCHOOL), 'survey.results', { path: SCHOOL })).toBe(false);
  });
});
