import { Space, Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import type { User } from '../../api/types';
import { formatDateTime } from '../../lib/format';

export function isLocked(user: Pick<User, 'lockedUntil'>, now = Date.now()): boolean {
  return user.lockedUntil !== null && new Date(user.lockedUntil).getTime() > now;
}

export function UserStatus({ user }: { user: User }) {
  const { t } = useTranslation();
  const tags = [];
  if (user.disabled)
    tags.push(
      <Tag key="disabled" color="red">
        {t('users.status.disabled')}
      </Tag>,
    );
  if (isLocked(user)) {
    tags.push(
      <Tooltip key="locked" title={t('users.status.lockedUntil', { time: formatDateTime(user.lockedUntil) })}>
        <Tag color="orange">{t('users.status.locked')}</Tag>
      </Tooltip>,
    );
  }
  if (user.mustChangePassword)
    tags.push(
      <Tag key="pw" color="blue">
        {t('users.status.mustChangePassword')}
      </Tag>,
    );
  if (tags.length === 0)
    tags.push(
      <Tag key="ok" color="green">
        {t('users.status.active')}
      </Tag>,
    );
  return (
    <Space size={[0, 4]} wrap>
      {tags}
    </Space>
  );
}
