import { KeyOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { Avatar, Button, Card, Descriptions, Flex, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isAdminRole } from '../../auth/roles';
import { useCurrentUser } from '../../auth/session';
import { useLogout } from '../../auth/use-logout';
import { KindTag, RoleLabel } from '../../components/labels';
import { ApiTokensCard } from './api-tokens.card';

/** My account: for every role, and mostly opened on phones by teachers. */
export default function MePage() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const logout = useLogout();

  return (
    <Flex vertical gap={16} className="me-page">
      <Card data-testid="me-profile">
        <div className="profile-header">
          <Avatar size={56} icon={<UserOutlined />} style={{ background: '#1d5fbf', flex: 'none' }} />
          <div>
            <Typography.Title level={4} style={{ margin: 0 }} ellipsis data-testid="me-display-name">
              {user.displayName}
            </Typography.Title>
            <Typography.Text type="secondary">
              <RoleLabel role={user.role} />
            </Typography.Text>
          </div>
        </div>
        <Descriptions
          column={1}
          size="small"
          style={{ marginTop: 16 }}
          items={[
            {
              key: 'username',
              label: t('users.fields.username'),
              children: <span data-testid="me-username">{user.username}</span>,
            },
            {
              key: 'unit',
              label: t('users.fields.orgUnit'),
              children: (
                <Flex gap={4} wrap align="center">
                  <span>{user.orgUnit.name}</span>
                  <KindTag kind={user.orgUnit.kind} />
                </Flex>
              ),
            },
          ]}
        />
        <Flex gap={8} wrap style={{ marginTop: 8 }}>
          <Link to="/change-password">
            <Button icon={<KeyOutlined />} data-testid="me-change-password">
              {t('account.changePassword')}
            </Button>
          </Link>
          <Button icon={<LogoutOutlined />} onClick={() => void logout()} data-testid="me-logout">
            {t('account.logout')}
          </Button>
        </Flex>
      </Card>
      {isAdminRole(user.role) && <ApiTokensCard />}
    </Flex>
  );
}
