import { DownOutlined, KeyOutlined, LogoutOutlined, MenuOutlined, UserOutlined } from '@ant-design/icons';
import { Avatar, Button, Drawer, Dropdown, Layout, Menu, Typography, type MenuProps } from 'antd';
import { Suspense, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { isAdminRole } from '../auth/roles';
import { useCurrentUser } from '../auth/session';
import { useLogout } from '../auth/use-logout';
import { LanguageSwitch } from '../components/language-switch';
import { HelpLink } from './help-link';
import { MessageBell } from './message-bell';
import { SectionSpin } from '../components/page-states';
import { useIsPhone } from '../lib/use-media-query';
import { CenteredLayout } from './centered-layout';
import { GlobalSearch } from './global-search';
import { navFor, pageTrail } from './nav';
import { PageBreadcrumb } from './page-breadcrumb';

const SIDER_STORAGE_KEY = 'peixun.siderCollapsed';

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

  const groups = navFor(user.role);
  const trail = pageTrail(groups, location.pathname);
  const menu = (
    <Menu
      mode="inline"
      theme="dark"
      selectedKeys={trail.selected ? [trail.selected] : []}
      onClick={() => setDrawerOpen(false)}
      data-testid="main-menu"
      items={groups.map((group) => ({
        type: 'group' as const,
        key: group.key,
        label: <span data-testid={`nav-group-${group.key}`}>{t(group.labelKey)}</span>,
        children: group.items.map((item) => ({
          key: item.key,
          icon: item.icon,
          label: (
            <Link to={item.key} data-testid={item.testId}>
              {t(item.labelKey)}
            </Link>
          ),
        })),
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
            {isAdminRole(user.role) && <GlobalSearch phone={isPhone} />}
          </div>
          <div className="app-header-right">
            <MessageBell />
            <HelpLink phone={isPhone} />
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
          <PageBreadcrumb trail={trail} />
          <Suspense fallback={<SectionSpin />}>{content}</Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
