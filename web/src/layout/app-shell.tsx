import {
  ApartmentOutlined,
  AuditOutlined,
  BarChartOutlined,
  BookOutlined,
  CalendarOutlined,
  FlagOutlined,
  SolutionOutlined,
  CarryOutOutlined,
  EditOutlined,
  FileProtectOutlined,
  ScheduleOutlined,
  ProjectOutlined,
  TrophyOutlined,
  DownOutlined,
  FormOutlined,
  IdcardOutlined,
  KeyOutlined,
  LogoutOutlined,
  MenuOutlined,
  ProfileOutlined,
  TeamOutlined,
  UserOutlined,
  UsergroupAddOutlined,
  AccountBookOutlined,
} from '@ant-design/icons';
import { Avatar, Button, Drawer, Dropdown, Layout, Menu, Typography, type MenuProps } from 'antd';
import { Suspense, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import type { Role } from '../api/types';
import { CREDIT_REGISTER_ROLES, isAdminRole, MY_CREDITS_PATH, MY_TEACHER_PATH } from '../auth/roles';
import { useCurrentUser } from '../auth/session';
import { useLogout } from '../auth/use-logout';
import { LanguageSwitch } from '../components/language-switch';
import { MessageBell } from './message-bell';
import { SectionSpin } from '../components/page-states';
import { useIsPhone } from '../lib/use-media-query';
import { CenteredLayout } from './centered-layout';

const SIDER_STORAGE_KEY = 'peixun.siderCollapsed';

interface NavItem {
  key: string;
  icon: ReactNode;
  labelKey: string;
  testId: string;
  /** only for these roles (default: everyone the list is for) */
  roles?: readonly Role[];
}

const ADMIN_NAV: NavItem[] = [
  { key: '/org', icon: <ApartmentOutlined />, labelKey: 'nav.org', testId: 'nav-org' },
  { key: '/teachers', icon: <IdcardOutlined />, labelKey: 'nav.teachers', testId: 'nav-teachers' },
  { key: '/teacher-corrections', icon: <FormOutlined />, labelKey: 'nav.corrections', testId: 'nav-corrections' },
  {
    key: '/credits/register',
    icon: <EditOutlined />,
    labelKey: 'nav.creditRegister',
    testId: 'nav-credit-register',
    roles: CREDIT_REGISTER_ROLES,
  },
  { key: '/verifications', icon: <CarryOutOutlined />, labelKey: 'nav.verifications', testId: 'nav-verifications' },
  { key: '/certificates', icon: <FileProtectOutlined />, labelKey: 'nav.certificates', testId: 'nav-certificates' },
  { key: '/credit-reports', icon: <BarChartOutlined />, labelKey: 'nav.creditReports', testId: 'nav-credit-reports' },
  { key: '/cycles', icon: <ScheduleOutlined />, labelKey: 'nav.cycles', testId: 'nav-cycles' },
  { key: '/courses', icon: <BookOutlined />, labelKey: 'courses.nav', testId: 'nav-courses' },
  { key: '/training', icon: <SolutionOutlined />, labelKey: 'training.nav.projects', testId: 'nav-training' },
  { key: '/plans', icon: <ProjectOutlined />, labelKey: 'plans.nav.plan', testId: 'nav-plans' },
  {
    key: '/plan-review',
    icon: <AuditOutlined />,
    labelKey: 'plans.nav.review',
    testId: 'nav-plan-review',
    roles: ['county_admin'],
  },
  { key: '/plan-calendar', icon: <CalendarOutlined />, labelKey: 'plans.nav.calendar', testId: 'nav-plan-calendar' },
  // a province pays no one: what a unit owes goes to the unit above it
  {
    key: '/fees/my-unit',
    icon: <AccountBookOutlined />,
    labelKey: 'fees.nav',
    testId: 'nav-my-unit-fees',
    roles: ['city_admin', 'county_admin', 'school_admin'],
  },
  { key: '/trainers', icon: <UsergroupAddOutlined />, labelKey: 'trainers.nav', testId: 'nav-trainers' },
  { key: '/users', icon: <TeamOutlined />, labelKey: 'nav.users', testId: 'nav-users' },
  { key: '/audit', icon: <AuditOutlined />, labelKey: 'nav.audit', testId: 'nav-audit' },
  { key: '/me', icon: <UserOutlined />, labelKey: 'nav.me', testId: 'nav-me' },
];
const MEMBER_NAV: NavItem[] = [{ key: '/me', icon: <UserOutlined />, labelKey: 'nav.me', testId: 'nav-me' }];

const TRAINER_NAV: NavItem[] = [
  {
    key: '/my-sessions',
    icon: <CalendarOutlined />,
    labelKey: 'attendance.mySessions.title',
    testId: 'nav-my-sessions',
  },
  { key: '/me/trainer', icon: <ProfileOutlined />, labelKey: 'trainers.my.title', testId: 'nav-my-trainer' },
  ...MEMBER_NAV,
];
// The own pages first: the first matching key is the selected one, and /me/credits and /me/teacher are under /me.
const TEACHER_NAV: NavItem[] = [
  { key: MY_CREDITS_PATH, icon: <TrophyOutlined />, labelKey: 'nav.myCredits', testId: 'nav-my-credits' },
  { key: MY_TEACHER_PATH, icon: <ProfileOutlined />, labelKey: 'nav.myTeacher', testId: 'nav-my-teacher' },
  { key: '/me/training', icon: <FlagOutlined />, labelKey: 'training.nav.available', testId: 'nav-my-training' },
  { key: '/me/timetable', icon: <CalendarOutlined />, labelKey: 'training.nav.timetable', testId: 'nav-my-timetable' },
  { key: '/plan-calendar', icon: <ScheduleOutlined />, labelKey: 'plans.nav.calendar', testId: 'nav-plan-calendar' },
  ...MEMBER_NAV,
];

function readCollapsed(): boolean {
  try {
    return window.localStorage.getItem(SIDER_STORAGE_KEY) === '1';
  } catch {
    return false;
  }
}

function Brand({ compact }: { compact?: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="brand" title={t('app.name')}>
      <span className="brand-mark" aria-hidden>
        培
      </span>
      {!compact && <span className="brand-name">{t('app.name')}</span>}
    </div>
  );
}

/**
 * The frame around every signed-in page: navigation (a collapsible sider on
 * desktop, a drawer on phones), the user's unit, the language switch and the
 * user menu. While a password change is pending, only a plain centered frame.
 */
export function AppShell({ children }: { children?: ReactNode }) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const location = useLocation();
  const navigate = useNavigate();
  const logout = useLogout();
  const isPhone = useIsPhone();
  const [collapsed, setCollapsed] = useState(readCollapsed);
  const [drawerOpen, setDrawerOpen] = useState(false);

  const content = children ?? <Outlet />;
  if (user.mustChangePassword) {
    return (
      <CenteredLayout>
        <Suspense fallback={<SectionSpin />}>{content}</Suspense>
      </CenteredLayout>
    );
  }

  const nav = (
    isAdminRole(user.role)
      ? ADMIN_NAV
      : user.role === 'teacher'
        ? TEACHER_NAV
        : user.role === 'trainer'
          ? TRAINER_NAV
          : MEMBER_NAV
  ).filter((item) => !item.roles || item.roles.includes(user.role));
  const selected = nav.find((item) => location.pathname === item.key || location.pathname.startsWith(`${item.key}/`));
  const menu = (
    <Menu
      mode="inline"
      theme="dark"
      selectedKeys={selected ? [selected.key] : []}
      onClick={() => setDrawerOpen(false)}
      data-testid="main-menu"
      items={nav.map((item) => ({
        key: item.key,
        icon: item.icon,
        label: (
          <Link to={item.key} data-testid={item.testId}>
            {t(item.labelKey)}
          </Link>
        ),
      }))}
    />
  );

  const userMenu: MenuProps = {
    items: [
      { key: 'me', icon: <UserOutlined />, label: <span data-testid="user-menu-me">{t('nav.me')}</span> },
      {
        key: 'password',
        icon: <KeyOutlined />,
        label: <span data-testid="user-menu-password">{t('account.changePassword')}</span>,
      },
      { type: 'divider' },
      {
        key: 'logout',
        icon: <LogoutOutlined />,
        danger: true,
        label: <span data-testid="logout">{t('account.logout')}</span>,
      },
    ],
    onClick: ({ key }) => {
      if (key === 'me') void navigate('/me');
      else if (key === 'password') void navigate('/change-password');
      else if (key === 'logout') void logout();
    },
  };

  return (
    <Layout className="app-layout">
      {isPhone ? (
        <Drawer
          placement="left"
          open={drawerOpen}
          onClose={() => setDrawerOpen(false)}
          size={256}
          closable={false}
          className="nav-drawer"
          styles={{ body: { padding: 0 } }}
          data-testid="nav-drawer"
        >
          <Brand />
          {menu}
        </Drawer>
      ) : (
        <Layout.Sider
          collapsible
          collapsed={collapsed}
          onCollapse={(value) => {
            setCollapsed(value);
            try {
              window.localStorage.setItem(SIDER_STORAGE_KEY, value ? '1' : '0');
            } catch {
              // not remembered; fine
            }
          }}
          width={216}
          className="app-sider"
        >
          <Brand compact={collapsed} />
          {menu}
        </Layout.Sider>
      )}
      <Layout>
        <Layout.Header className="app-header">
          <div className="app-header-left">
            {isPhone && (
              <Button
                type="text"
                icon={<MenuOutlined />}
                onClick={() => setDrawerOpen(true)}
                aria-label={t('nav.openMenu')}
                data-testid="nav-drawer-open"
              />
            )}
            <Typography.Text strong ellipsis className="header-unit" data-testid="header-unit">
              {user.orgUnit.name}
            </Typography.Text>
          </div>
          <div className="app-header-right">
            <MessageBell />
            <LanguageSwitch />
            <Dropdown menu={userMenu} trigger={['click']} placement="bottomRight">
              <Button type="text" className="user-button" data-testid="user-menu">
                <Avatar size="small" icon={<UserOutlined />} />
                {!isPhone && <span className="user-name">{user.displayName}</span>}
                <DownOutlined />
              </Button>
            </Dropdown>
          </div>
        </Layout.Header>
        <Layout.Content className="app-content">
          <Suspense fallback={<SectionSpin />}>{content}</Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
