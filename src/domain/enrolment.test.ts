import { describe, expect, it } from 'vitest';
import {
  canMoveProject,
  completionOf,
  coveringQuota,
  describeIneligibility,
  ineligibility,
  levelsForUnit,
  registrationOpen,
} from './enrolment.js';

describe('ineligibility (R-14)', () => {
  const facts = { stage: 'primary' as const, subject: '语文', teachingStartYear: 2026, flags: [] };
  it('names every failed condition, and nothing for an open project', () => {
    expect(ineligibility({}, facts, 2027)).toEqual([]);
    expect(
      ineligibility(
        { minServiceYears: 2, stages: ['junior'], subjects: ['数学'], flags: ['backbone'] },
        facts,
        2027,
      ).map((r) => r.code),
    ).toEqual(['service_years', 'stage', 'subject', 'flag']);
  });
  it('one full year of service is enough for the all-staff training', () => {
    expect(ineligibility({ minServiceYears: 1 }, facts, 2027)).toEqual([]);
    expect(ineligibility({ minServiceYears: 1 }, { ...facts, teachingStartYear: null }, 2027)).toEqual([
      { code: 'service_years', required: 1, actual: null },
    ]);
  });
  it('says why in both languages', () => {
    const r = ineligibility({ stages: ['junior', 'senior'], flags: ['headTeacher'] }, facts, 2027);
    expect(describeIneligibility(r, 'zh-CN')).toBe('学段须为初中、高中（您的学段为小学）；须为班主任');
    expect(describeIneligibility(r, 'en')).toBe(
      'stage must be junior secondary or senior secondary (yours is primary); you must be a head teacher',
    );
  });
});

describe('registration and places', () => {
  it('is open only while the project is open and today lies in the window, both ends included', () => {
    const p = { status: 'open', opens: '2027-03-01', closes: '2027-03-15' };
    expect(['2027-02-28', '2027-03-01', '2027-03-15', '2027-03-16'].map((d) => registrationOpen(p, d))).toEqual([
      false,
      true,
      true,
      false,
    ]);
    expect(registrationOpen({ ...p, status: 'draft' }, '2027-03-05')).toBe(false);
    expect(registrationOpen({ status: 'open', opens: null, closes: null }, '2030-01-01')).toBe(true);
  });
  it("a school's own quota counts before its township's or county's", () => {
    const quotas = [
      { orgPath: '/1/2/3/', id: 'county' },
      { orgPath: '/1/2/3/9/', id: 'township' },
      { orgPath: '/1/2/3/9/10/', id: 'school' },
    ];
    expect(coveringQuota(quotas, '/1/2/3/9/10/')?.id).toBe('school');
    expect(coveringQuota(quotas, '/1/2/3/9/11/')?.id).toBe('township');
    expect(coveringQuota(quotas, '/1/2/3/12/')?.id).toBe('county');
    expect(coveringQuota(quotas, '/1/2/4/')).toBeUndefined();
    // '/1/2/3/' must not cover '/1/2/33/'
    expect(coveringQuota(quotas, '/1/2/33/')).toBeUndefined();
  });
  it('levels fit the organiser, and status only moves forward', () => {
    expect(levelsForUnit('province')).toEqual(['national', 'province']);
    expect(levelsForUnit('township')).toEqual(['school']);
    expect(levelsForUnit('institution')).toEqual([]);
    expect(canMoveProject('draft', 'open')).toBe(true);
    expect(canMoveProject('open', 'draft')).toBe(false);
    expect(canMoveProject('draft', 'closed')).toBe(false);
  });
  it('completion rounds the attendance share up', () => {
    expect(completionOf({ minAttendancePct: 80, assessmentRequired: false }, 5, 6, null)).toEqual({ completed: true });
    expect(completionOf({ minAttendancePct: 80, assessmentRequired: true }, 4, 6, false)).toMatchObject({
      completed: false,
    });
  });
});
