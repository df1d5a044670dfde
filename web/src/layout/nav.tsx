import {
  AccountBookOutlined,
  AimOutlined,
  ContainerOutlined,
  ReconciliationOutlined,
  ApiOutlined,
  ApartmentOutlined,
  AuditOutlined,
  BarChartOutlined,
  BookOutlined,
  CalendarOutlined,
  CarryOutOutlined,
  CrownOutlined,
  DashboardOutlined,
  ExperimentOutlined,
  DatabaseOutlined,
  EditOutlined,
  FileDoneOutlined,
  FileProtectOutlined,
  FlagOutlined,
  FormOutlined,
  BellOutlined,
  IdcardOutlined,
  LinkOutlined,
  ProfileOutlined,
  QuestionCircleOutlined,
  PlayCircleOutlined,
  ProjectOutlined,
  ReadOutlined,
  SafetyCertificateOutlined,
  ScheduleOutlined,
  SolutionOutlined,
  SwapOutlined,
  TeamOutlined,
  TrophyOutlined,
  NotificationOutlined,
  StarOutlined,
  HighlightOutlined,
  UserOutlined,
  UsergroupAddOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { Role } from '../api/types';
import {
  CREDIT_REGISTER_ROLES,
  HOME_PATH,
  isAdminRole,
  LRS_MANAGER_ROLES,
  MY_CREDITS_PATH,
  MY_TEACHER_PATH,
} from '../auth/roles';

export interface NavItem {
  key: string;
  icon: ReactNode;
  labelKey: string;
  testId: string;
  /** only for these roles (default: everyone the menu is for) */
  roles?: readonly Role[];
}

/** A group of the menu, named by the task its pages serve (工作台, 教师, 培训, 学时, 统计, 系统). */
export interface NavGroup {
  key: string;
  labelKey: string;
  items: NavItem[];
}

const HOME: NavItem = { key: HOME_PATH, icon: <DashboardOutlined />, labelKey: 'nav.home', testId: 'nav-home' };
const ME: NavItem = { key: '/me', icon: <UserOutlined />, labelKey: 'nav.me', testId: 'nav-me' };
// 评审任务: whoever sits on a competition's panel (the page is empty for anyone else)
const JUDGING: NavItem = {
  key: '/judging',
  icon: <HighlightOutlined />,
  labelKey: 'nav.judging',
  testId: 'nav-judging',
};
/** 消息: everyone's inbox and notices (also behind the bell in the header) */
const MESSAGES: NavItem = {
  key: '/messages',
  icon: <BellOutlined />,
  labelKey: 'nav.messages',
  testId: 'nav-messages',
};

/** 题库: the question bank (province, city and county admins; trainers named to keep one) */
const QUESTIONS: NavItem = {
  key: '/questions',
  icon: <DatabaseOutlined />,
  labelKey: 'questions.nav',
  testId: 'nav-questions',
  roles: ['province_admin', 'city_admin', 'county_admin', 'trainer'],
};

/** 阅卷: the exams with essays waiting for one's mark (admins, and the trainers named as markers) */
const MARKING: NavItem = {
  key: '/marking',
  icon: <FileDoneOutlined />,
  labelKey: 'examAdmin.myMarking.nav',
  testId: 'nav-my-marking',
};

/** 研修辅导: the online classes one tutors, with the work and reports waiting (trainers and admins) */
const TUTORING: NavItem = {
  key: '/study/tutoring',
  icon: <ReadOutlined />,
  labelKey: 'study.tutoringNav',
  testId: 'nav-tutoring',
};

/** 公示: every role in a list's scope reads it (teachers and trainers too). */
const PUBLICITY: NavItem = {
  key: '/publicity',
  icon: <NotificationOutlined />,
  labelKey: 'nav.publicity',
  testId: 'nav-publicity',
};

const ADMIN_NAV: NavGroup[] = [
  { key: 'home', labelKey: 'nav.groups.home', items: [HOME, MESSAGES] },
  {
    key: 'teachers',
    labelKey: 'nav.groups.teachers',
    items: [
      { key: '/teachers', icon: <IdcardOutlined />, labelKey: 'nav.teachers', testId: 'nav-teachers' },
      { key: '/teacher-corrections', icon: <FormOutlined />, labelKey: 'nav.corrections', testId: 'nav-corrections' },
    ],
  },
  {
    key: 'training',
    labelKey: 'nav.groups.training',
    items: [
      { key: '/training', icon: <SolutionOutlined />, labelKey: 'training.nav.projects', testId: 'nav-training' },
      { key: '/courses', icon: <BookOutlined />, labelKey: 'courses.nav', testId: 'nav-courses' },
      QUESTIONS,
      { key: '/plans', icon: <ProjectOutlined />, labelKey: 'plans.nav.plan', testId: 'nav-plans' },
      {
        key: '/plan-review',
        icon: <AuditOutlined />,
        labelKey: 'plans.nav.review',
        testId: 'nav-plan-review',
        roles: ['county_admin'],
      },
      {
        key: '/plan-calendar',
        icon: <CalendarOutlined />,
        labelKey: 'plans.nav.calendar',
        testId: 'nav-plan-calendar',
      },
      { key: '/trainers', icon: <UsergroupAddOutlined />, labelKey: 'trainers.nav', testId: 'nav-trainers' },
      TUTORING,
      // a province pays no one: what a unit owes goes to the unit above it
      {
        key: '/fees/my-unit',
        icon: <AccountBookOutlined />,
        labelKey: 'fees.nav',
        testId: 'nav-my-unit-fees',
        roles: ['city_admin', 'county_admin', 'school_admin'],
      },
    ],
  },
  {
    key: 'assessment',
    labelKey: 'nav.groups.assessment',
    items: [
      // 考试管理: exams with their papers, gates, marking and regrades
      { key: '/exams', icon: <FileDoneOutlined />, labelKey: 'examAdmin.nav', testId: 'nav-exams' },
      // 抽测: bureaus draw and publish; a school reads what was drawn from it and the results
      { key: '/spot-checks', icon: <ExperimentOutlined />, labelKey: 'nav.spotChecks', testId: 'nav-spot-checks' },
      MARKING,
    ],
  },
  {
    key: 'credits',
    labelKey: 'nav.groups.credits',
    items: [
      {
        key: '/credits/register',
        icon: <EditOutlined />,
        labelKey: 'nav.creditRegister',
        testId: 'nav-credit-register',
        roles: CREDIT_REGISTER_ROLES,
      },
      {
        key: '/verifications',
        icon: <CarryOutOutlined />,
        labelKey: 'nav.verifications',
        testId: 'nav-verifications',
      },
      {
        key: '/certificates',
        icon: <FileProtectOutlined />,
        labelKey: 'nav.certificates',
        testId: 'nav-certificates',
      },
      { key: '/cycles', icon: <ScheduleOutlined />, labelKey: 'nav.cycles', testId: 'nav-cycles' },
      // learning records from other platforms (xAPI): their credentials, and the records matching nobody
      {
        key: '/lrs/clients',
        icon: <ApiOutlined />,
        labelKey: 'nav.lrsClients',
        testId: 'nav-lrs-clients',
        roles: LRS_MANAGER_ROLES,
      },
      {
        key: '/lrs/review',
        icon: <QuestionCircleOutlined />,
        labelKey: 'nav.lrsReview',
        testId: 'nav-lrs-review',
        roles: LRS_MANAGER_ROLES,
      },
      // 学时转换规则: which learning records become ledger hours
      {
        key: '/lrs/rules',
        icon: <SwapOutlined />,
        labelKey: 'nav.lrsRules',
        testId: 'nav-lrs-rules',
        roles: LRS_MANAGER_ROLES,
      },
    ],
  },
  // 项目与评比: the long-running programmes (pairs, backbone teachers, competitions, public notices)
  {
    key: 'programmes',
    labelKey: 'nav.groups.programmes',
    items: [
      { key: '/programmes/pairs', icon: <LinkOutlined />, labelKey: 'nav.pairs', testId: 'nav-pairs' },
      // 骨干教师: selection rounds, titles of the subtree, holders' duties to confirm
      { key: '/programmes/backbone', icon: <CrownOutlined />, labelKey: 'backbone.nav', testId: 'nav-backbone' },
      // 发展规划审核: the teachers' development plans, reviewed by their school (R-52)
      {
        key: '/development-plans',
        icon: <ReconciliationOutlined />,
        labelKey: 'archive.review.nav',
        testId: 'nav-development-plans',
      },
      // 公示: lists in the reader's scope and those the subtree organises, with their objections
      PUBLICITY,
      // 评优表彰: a bureau's criteria, proposed candidates and review
      {
        key: '/programmes/commendations',
        icon: <StarOutlined />,
        labelKey: 'nav.commendations',
        testId: 'nav-commendations',
        roles: ['province_admin', 'city_admin', 'county_admin'],
      },
      {
        key: '/programmes/honours',
        icon: <SafetyCertificateOutlined />,
        labelKey: 'nav.honours',
        testId: 'nav-honours',
      },
      // 评比与比赛: competitions with rounds, blind judging and awards
      {
        key: '/programmes/competitions',
        icon: <TrophyOutlined />,
        labelKey: 'nav.competitions',
        testId: 'nav-competitions',
      },
      JUDGING,
    ],
  },
  {
    key: 'stats',
    labelKey: 'nav.groups.stats',
    items: [
      {
        key: '/credit-reports',
        icon: <BarChartOutlined />,
        labelKey: 'nav.creditReports',
        testId: 'nav-credit-reports',
      },
    ],
  },
  {
    key: 'system',
    labelKey: 'nav.groups.system',
    items: [
      { key: '/org', icon: <ApartmentOutlined />, labelKey: 'nav.org', testId: 'nav-org' },
      { key: '/users', icon: <TeamOutlined />, labelKey: 'nav.users', testId: 'nav-users' },
      { key: '/audit', icon: <AuditOutlined />, labelKey: 'nav.audit', testId: 'nav-audit' },
      ME,
    ],
  },
];

const TEACHER_NAV: NavGroup[] = [
  { key: 'home', labelKey: 'nav.groups.home', items: [HOME, MESSAGES] },
  {
    key: 'credits',
    labelKey: 'nav.groups.credits',
    items: [{ key: MY_CREDITS_PATH, icon: <TrophyOutlined />, labelKey: 'nav.myCredits', testId: 'nav-my-credits' }],
  },
  {
    key: 'training',
    labelKey: 'nav.groups.training',
    items: [
      // 在线学习: the teacher's online classes and their course outlines
      { key: '/me/study', icon: <PlayCircleOutlined />, labelKey: 'study.nav', testId: 'nav-my-study' },
      // 我的考试: the teacher's exams, entries and results
      { key: '/me/exams', icon: <FileDoneOutlined />, labelKey: 'myExams.nav', testId: 'nav-my-exams' },
      { key: '/me/training', icon: <FlagOutlined />, labelKey: 'training.nav.available', testId: 'nav-my-training' },
      {
        key: '/me/timetable',
        icon: <CalendarOutlined />,
        labelKey: 'training.nav.timetable',
        testId: 'nav-my-timetable',
      },
      {
        key: '/plan-calendar',
        icon: <ScheduleOutlined />,
        labelKey: 'plans.nav.calendar',
        testId: 'nav-plan-calendar',
      },
    ],
  },
  // 公示: the lists in the teacher's scope, to read and object to
  {
    key: 'programmes',
    labelKey: 'nav.groups.programmes',
    items: [PUBLICITY, { key: '/me/pairs', icon: <LinkOutlined />, labelKey: 'nav.myPairs', testId: 'nav-my-pairs' }],
  },
  {
    key: 'mine',
    labelKey: 'nav.groups.mine',
    items: [
      { key: MY_TEACHER_PATH, icon: <ProfileOutlined />, labelKey: 'nav.myTeacher', testId: 'nav-my-teacher' },
      // 我的骨干教师: titles, yearly duties, the rounds one reviews
      { key: '/me/backbone', icon: <CrownOutlined />, labelKey: 'backbone.my.nav', testId: 'nav-my-backbone' },
      // 培训档案 and 个人专业发展规划
      { key: '/me/archive', icon: <ContainerOutlined />, labelKey: 'archive.myNav', testId: 'nav-my-archive' },
      { key: '/me/plan', icon: <AimOutlined />, labelKey: 'archive.plan.nav', testId: 'nav-my-plan' },
      JUDGING,
      ME,
    ],
  },
];

const TRAINER_NAV: NavGroup[] = [
  { key: 'home', labelKey: 'nav.groups.home', items: [HOME, MESSAGES] },
  {
    key: 'training',
    labelKey: 'nav.groups.training',
    items: [
      {
        key: '/my-sessions',
        icon: <CalendarOutlined />,
        labelKey: 'attendance.mySessions.title',
        testId: 'nav-my-sessions',
      },
      TUTORING,
      MARKING,
      QUESTIONS,
      { key: '/me/trainer', icon: <ProfileOutlined />, labelKey: 'trainers.my.title', testId: 'nav-my-trainer' },
      JUDGING,
    ],
  },
  { key: 'programmes', labelKey: 'nav.groups.programmes', items: [PUBLICITY] },
  {
    key: 'mine',
    labelKey: 'nav.groups.mine',
    items: [
      // the backbone rounds whose panel the trainer sits on
      { key: '/me/backbone', icon: <CrownOutlined />, labelKey: 'backbone.my.panelNav', testId: 'nav-my-backbone' },
      ME,
    ],
  },
];

const MEMBER_NAV: NavGroup[] = [{ key: 'mine', labelKey: 'nav.groups.mine', items: [MESSAGES, ME] }];

/** The menu of a role: its groups, each with the items the role uses (empty groups left out). */
export function navFor(role: Role): NavGroup[] {
  const groups = isAdminRole(role)
    ? ADMIN_NAV
    : role === 'teacher'
      ? TEACHER_NAV
      : role === 'trainer'
        ? TRAINER_NAV
        : MEMBER_NAV;
  return groups
    .map((g) => ({ ...g, items: g.items.filter((item) => !item.roles || item.roles.includes(role)) }))
    .filter((g) => g.items.length > 0);
}

/** Pages below a menu item that have a name of their own (anything else deeper is a detail page). */
const SUB_PAGES: Record<string, string> = {
  '/teachers/import': 'teachers.import.title',
  '/teachers/former': 'teachers.former.title',
  '/exams/new': 'examAdmin.crumbs.create',
};

/** Named pages below a menu item, by pattern (an id in their path). */
const SUB_PAGE_PATTERNS: Array<{ pattern: RegExp; labelKey: string }> = [
  { pattern: /^\/courses\/\d+\/online$/, labelKey: 'courseOnline.crumb' },
  { pattern: /^\/me\/study\/\d+$/, labelKey: 'study.outline.crumb' },
  { pattern: /^\/exams\/\d+\/edit$/, labelKey: 'examAdmin.crumbs.edit' },
  { pattern: /^\/exams\/\d+\/manage$/, labelKey: 'examAdmin.crumbs.manage' },
  { pattern: /^\/teachers\/\d+\/archive$/, labelKey: 'archive.title' },
];

/** Pages outside the menu, by pattern: their group, and their name. */
const OTHER_PAGES: Array<{
  pattern: RegExp;
  group: string;
  labelKey: string;
  /** only for roles whose menu holds no item above the page (admins find it under their own menu item) */
  fallback?: boolean;
}> = [
  { pattern: /^\/change-password$/, group: 'nav.groups.mine', labelKey: 'account.changePassword' },
  // a backbone round opened by a panel member (a teacher or a trainer) from 我的骨干教师
  {
    pattern: /^\/programmes\/backbone\/\d+$/,
    group: 'nav.groups.mine',
    labelKey: 'backbone.round.crumb',
    fallback: true,
  },
  { pattern: /^\/sessions\/\d+\/qr$/, group: 'nav.groups.training', labelKey: 'nav.crumbs.sessionQr' },
  // an exam's results and statistics, linked from the exam's page
  { pattern: /^\/exams\/\d+\/results$/, group: 'nav.groups.training', labelKey: 'examResults.link' },
  { pattern: /^\/me\/surveys\/\d+$/, group: 'nav.groups.training', labelKey: 'surveys.answer.title' },
  { pattern: /^\/surveys\/classes\/\d+$/, group: 'nav.groups.training', labelKey: 'surveys.results.classTitle' },
  { pattern: /^\/me\/study\/\d+\/reflections$/, group: 'nav.groups.training', labelKey: 'reflections.my.title' },
  { pattern: /^\/classes\/\d+\/reflections$/, group: 'nav.groups.training', labelKey: 'reflections.class.title' },
  // an exam's marking: its admins and the markers they named (trainers too, who have no 考试管理 in their menu)
  { pattern: /^\/exams\/\d+\/marking$/, group: 'nav.groups.assessment', labelKey: 'examAdmin.crumbs.marking' },
  // an online class's homework and forum, the teachers' pages and the tutors' alike
  // the tutor's table of an online class
  { pattern: /^\/study\/classes\/\d+\/progress$/, group: 'nav.groups.training', labelKey: 'studyProgress.open' },
  {
    pattern: /^\/(?:me\/study|study\/classes)\/\d+\/homework$/,
    group: 'nav.groups.training',
    labelKey: 'study.homework.title',
  },
  {
    pattern: /^\/(?:me\/study|study\/classes)\/\d+\/forum(?:\/\d+)?$/,
    group: 'nav.groups.training',
    labelKey: 'study.forum.title',
  },
  // an exam's entry and an attempt's result, reached from 我的考试
  { pattern: /^\/exams\/\d+\/entry$/, group: 'nav.groups.training', labelKey: 'myExams.entry.title' },
  { pattern: /^\/exam-attempts\/\d+\/result$/, group: 'nav.groups.training', labelKey: 'myExams.result.title' },
];

export interface Crumb {
  labelKey: string;
  /** where the crumb leads (none for the group and the page itself) */
  to?: string;
}

export interface PageTrail {
  /** the menu item the page belongs to */
  selected?: string;
  crumbs: Crumb[];
}

/**
 * Where a page sits in a role's menu: the selected item (the longest key the path starts with) and the
 * breadcrumbs: group, item, and a sub-page or detail below it. The last crumb names the page (the
 * document title).
 *
 * @example pageTrail(navFor('county_admin'), '/teachers/42').crumbs
 * // [{ labelKey: 'nav.groups.teachers' }, { labelKey: 'nav.teachers', to: '/teachers' }, { labelKey: 'nav.crumbs.detail' }]
 */
export function pageTrail(groups: NavGroup[], pathname: string): PageTrail {
  // pages of their own first: a survey's form lies under /me, yet is no part of the account page
  const other = OTHER_PAGES.find((p) => !p.fallback && p.pattern.test(pathname));
  if (other) return { crumbs: [{ labelKey: other.group }, { labelKey: other.labelKey }] };
  let best: { group: NavGroup; item: NavItem } | undefined;
  for (const group of groups)
    for (const item of group.items) {
      const match = pathname === item.key || (item.key !== HOME_PATH && pathname.startsWith(`${item.key}/`));
      if (match && (!best || item.key.length > best.item.key.length)) best = { group, item };
    }
  if (best) {
    const { group, item } = best;
    if (item.key === HOME_PATH) return { selected: item.key, crumbs: [{ labelKey: item.labelKey }] };
    const crumbs: Crumb[] = [{ labelKey: group.labelKey }];
    if (pathname === item.key) crumbs.push({ labelKey: item.labelKey });
    else
      crumbs.push(
        { labelKey: item.labelKey, to: item.key },
        {
          labelKey:
            SUB_PAGES[pathname] ??
            SUB_PAGE_PATTERNS.find((p) => p.pattern.test(pathname))?.labelKey ??
            'nav.crumbs.detail',
        },
      );
    return { selected: item.key, crumbs };
  }
  const fallback = OTHER_PAGES.find((p) => p.fallback && p.pattern.test(pathname));
  if (fallback) return { crumbs: [{ labelKey: fallback.group }, { labelKey: fallback.labelKey }] };
  return { crumbs: [{ labelKey: 'common.notFoundTitle' }] };
}
