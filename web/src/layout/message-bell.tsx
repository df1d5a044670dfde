import { BellOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Badge, Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { messageKeys, messagesApi } from '../api/messages.api';

/** How often the header asks for the unread count while a page stays open. */
const POLL_MS = 60_000;

/** The bell in the header (phones too): unread messages and notices; opens 消息. */
export function MessageBell() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const unread = useQuery({
    queryKey: messageKeys.unread(),
    queryFn: () => messagesApi.unreadCount(),
    refetchInterval: POLL_MS,
    refetchOnWindowFocus: true,
  });
  const count = unread.data?.total ?? 0;
  // only notices unread: open their tab, not an empty list of messages
  const onlyNotices = (unread.data?.messages ?? 0) === 0 && (unread.data?.notices ?? 0) > 0;
  return (
    <Badge count={count} overflowCount={99} size="small" offset={[-6, 6]} data-testid="message-bell-count">
      <Button
        type="text"
        icon={<BellOutlined />}
        onClick={() => void navigate(onlyNotices ? '/messages?tab=notices' : '/messages')}
        aria-label={count ? t('messages.bellUnread', { count }) : t('messages.title')}
        data-testid="message-bell"
        data-unread={count}
        data-loaded={unread.isSuccess ? 'true' : undefined}
      />
    </Badge>
  );
}
