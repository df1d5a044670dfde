import { describe, expect, it } from 'vitest';
import { PLAN_STATUSES, parseMonth, planMove, planTrack, seesWorkingCopy, type PlanMove } from './training-plan.js';

describe('plan life cycle', () => {
  it('a school plan goes draft → submitted → returned → submitted → approved → (reopened) draft', () => {
    expect(planMove('review', 'draft', 'submit')).toEqual({ ok: true, to: 'submitted' });
    expect(planMove('review', 'submitted', 'return')).toEqual({ ok: true, to: 'returned' });
    expect(planMove('review', 'returned', 'edit')).toEqual({ ok: true, to: 'returned' });
    expect(planMove('review', 'returned', 'submit')).toEqual({ ok: true, to: 'submitted' });
    expect(planMove('review', 'submitted', 'approve')).toEqual({ ok: true, to: 'approved' });
    expect(planMove('review', 'approved', 'reopen')).toEqual({ ok: true, to: 'draft' });
  });

  it('a submitted or approved plan is not edited, and says why', () => {
    expect(planMove('review', 'submitted', 'edit')).toEqual({ ok: false, reason: 'in_review' });
    expect(planMove('review', 'approved', 'edit')).toEqual({ ok: false, reason: 'approved' });
    expect(planMove('review', 'approved', 'submit')).toEqual({ ok: false, reason: 'approved' });
    expect(planMove('review', 'draft', 'approve')).toEqual({ ok: false, reason: 'state' });
    expect(planMove('review', 'returned', 'return')).toEqual({ ok: false, reason: 'state' });
  });

  it('province, city and county plans are published, and an edit makes them drafts again', () => {
    expect(planMove('publish', 'draft', 'publish')).toEqual({ ok: true, to: 'published' });
    expect(planMove('publish', 'published', 'edit')).toEqual({ ok: true, to: 'draft' });
    expect(planMove('publish', 'published', 'publish')).toEqual({ ok: false, reason: 'state' });
    for (const m of ['submit', 'approve', 'return', 'reopen'] as PlanMove[])
      expect(planMove('publish', 'draft', m)).toEqual({ ok: false, reason: 'track' });
    expect(planMove('review', 'draft', 'publish')).toEqual({ ok: false, reason: 'track' });
  });

  it('every move from every status either leads to a status or names a reason', () => {
    for (const track of ['review', 'publish', 'none'] as const) {
      for (const from of PLAN_STATUSES) {
        for (const m of ['edit', 'submit', 'approve', 'return', 'reopen', 'publish'] as PlanMove[]) {
          const r = planMove(track, from, m);
          if (r.ok) expect(PLAN_STATUSES).toContain(r.to);
          else expect(['in_review', 'approved', 'track', 'state']).toContain(r.reason);
        }
      }
    }
  });

  it('tracks follow the kind of unit', () => {
    expect(planTrack('school')).toBe('review');
    expect(planTrack('township')).toBe('review');
    expect(planTrack('county')).toBe('publish');
    expect(planTrack('province')).toBe('publish');
    expect(planTrack('institution')).toBe('none');
  });

  it('only admins of the unit or above it see the working copy', () => {
    expect(seesWorkingCopy({ role: 'county_admin', orgPath: '/1/2/3/' }, '/1/2/3/9/')).toBe(true);
    expect(seesWorkingCopy({ role: 'school_admin', orgPath: '/1/2/3/9/' }, '/1/2/3/9/')).toBe(true);
    expect(seesWorkingCopy({ role: 'school_admin', orgPath: '/1/2/3/9/' }, '/1/2/3/')).toBe(false);
    expect(seesWorkingCopy({ role: 'teacher', orgPath: '/1/2/3/9/' }, '/1/2/3/9/')).toBe(false);
  });
});

describe('months in a sheet', () => {
  it('reads the ways people write a month', () => {
    expect(parseMonth('3')).toBe(3);
    expect(parseMonth('3月')).toBe(3);
    expect(parseMonth(' 12 月 ')).toBe(12);
    expect(parseMonth('十一月')).toBe(11);
    expect(parseMonth('三月份')).toBe(3);
    expect(parseMonth('Sep')).toBe(9);
    expect(parseMonth('13')).toBeNull();
    expect(parseMonth('0')).toBeNull();
    expect(parseMonth('春季')).toBeNull();
    expect(parseMonth('')).toBeNull();
  });
});
