import { describe, expect, test } from 'vitest';
import { navFor, pageTrail } from './nav';

const labels = (role: Parameters<typeof navFor>[0], path: string) =>
  pageTrail(navFor(role), path).crumbs.map((c) => c.labelKey);

describe('menus grouped by task, and where each page sits in them', () => {
  test('each role sees only the groups and pages it uses', () => {
    const groups = (role: Parameters<typeof navFor>[0]) => navFor(role).map((g) => g.key);
    expect(groups('county_admin')).toEqual([
      'home',
      'teachers',
      'training',
      'assessment',
      'credits',
      'programmes',
      'stats',
      'system',
    ]);
    expect(groups('teacher')).toEqual(['home', 'credits', 'training', 'programmes', 'mine']);
    expect(groups('trainer')).toEqual(['home', 'training', 'programmes', 'mine']);
    const items = (role: Parameters<typeof navFor>[0]) => navFor(role).flatMap((g) => g.items.map((i) => i.key));
    expect(items('county_admin')).toContain('/plan-review');
    expect(items('city_admin')).not.toContain('/plan-review');
    expect(items('province_admin')).not.toContain('/fees/my-unit');
    expect(items('city_admin')).not.toContain('/credits/register');
    expect(items('teacher')).not.toContain('/teachers');
    expect(items('teacher')).toEqual(expect.arrayContaining(['/me/archive', '/me/plan']));
    expect(items('school_admin')).toContain('/development-plans');
    // 公示 reaches everyone in a list's scope; commendations are a bureau's
    expect(items('teacher')).toContain('/publicity');
    expect(items('county_admin')).toContain('/programmes/commendations');
    expect(items('school_admin')).not.toContain('/programmes/commendations');
    expect(items('school_admin')).toContain('/programmes/honours');
    // a judge may be any account: the judging page is in every menu
    for (const role of ['county_admin', 'teacher', 'trainer'] as const) expect(items(role)).toContain('/judging');
  });

  test('breadcrumbs: the group, the menu item, then a named sub-page or a detail', () => {
    expect(labels('county_admin', '/')).toEqual(['nav.home']);
    expect(labels('county_admin', '/teacher-corrections')).toEqual(['nav.groups.teachers', 'nav.corrections']);
    expect(labels('county_admin', '/teachers/import')).toEqual([
      'nav.groups.teachers',
      'nav.teachers',
      'teachers.import.title',
    ]);
    expect(labels('county_admin', '/org/42')).toEqual(['nav.groups.system', 'nav.org', 'nav.crumbs.detail']);
    expect(labels('county_admin', '/courses/7/online')).toEqual([
      'nav.groups.training',
      'courses.nav',
      'courseOnline.crumb',
    ]);
    expect(labels('teacher', '/me/study')).toEqual(['nav.groups.training', 'study.nav']);
    expect(labels('teacher', '/me/study/12')).toEqual(['nav.groups.training', 'study.nav', 'study.outline.crumb']);
    expect(pageTrail(navFor('teacher'), '/me/study/12/items/3').selected).toBe('/me/study');
    // a backbone round: under 骨干教师 for the admins who run rounds, under 我的 for a panel member
    expect(pageTrail(navFor('county_admin'), '/programmes/backbone/3').selected).toBe('/programmes/backbone');
    expect(labels('trainer', '/programmes/backbone/3')).toEqual(['nav.groups.mine', 'backbone.round.crumb']);
    expect(pageTrail(navFor('county_admin'), '/teachers/42').crumbs[1]).toEqual({
      labelKey: 'nav.teachers',
      to: '/teachers',
    });
  });

  test('the longest menu key wins, and pages outside the menu still have a name', () => {
    expect(pageTrail(navFor('teacher'), '/me/credits').selected).toBe('/me/credits');
    expect(pageTrail(navFor('teacher'), '/me').selected).toBe('/me');
    expect(labels('teacher', '/me/surveys/7')).toEqual(['nav.groups.training', 'surveys.answer.title']);
    expect(labels('trainer', '/sessions/3/qr')).toEqual(['nav.groups.training', 'nav.crumbs.sessionQr']);
    // a teacher's reflections lie under /me, yet belong to training; a class's reflections beside its project
    expect(labels('teacher', '/me/study/7/reflections')).toEqual(['nav.groups.training', 'reflections.my.title']);
    expect(labels('trainer', '/classes/7/reflections')).toEqual(['nav.groups.training', 'reflections.class.title']);
    expect(labels('county_admin', '/no-such-page')).toEqual(['common.notFoundTitle']);
    // an online class's homework and forum, for its teachers and its tutors
    expect(labels('teacher', '/me/study/7/homework')).toEqual(['nav.groups.training', 'study.homework.title']);
    expect(labels('trainer', '/study/classes/7/forum/3')).toEqual(['nav.groups.training', 'study.forum.title']);
    expect(pageTrail(navFor('trainer'), '/study/tutoring').selected).toBe('/study/tutoring');
    expect(pageTrail(navFor('county_admin'), '/study/tutoring').selected).toBe('/study/tutoring');
  });
});
