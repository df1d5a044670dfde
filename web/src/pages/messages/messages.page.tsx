import { CheckOutlined, NotificationOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Badge, Button, Modal, Segmented, Space, Tabs, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { messageKeys, messagesApi, type Message, type Notice } from '../../api/messages.api';
import { useCurrentUser } from '../../auth/session';
import { ListPage, ListTable, ListToolbar, useListQuery, useListSearch } from '../../components/list-page';
import { useErrorMessage } from '../../lib/error-message';
import { formatDateTime } from '../../lib/format';
import { useMessageText } from './message-text';
import { NoticeFormModal } from './notice-form.modal';

const SEARCH_KEYS = ['tab', 'unread', 'page'] as const;
/** Roles that publish notices to their subtree: bureaus (county and above). */
const PUBLISHERS = new Set(['province_admin', 'city_admin', 'county_admin']);

function UnreadFilter({ unread, onChange }: { unread: boolean; onChange: (unread: boolean) => void }) {
  const { t } = useTranslation();
  return (
    <Segmented<'all' | 'unread'>
      value={unread ? 'unread' : 'all'}
      onChange={(v) => onChange(v === 'unread')}
      options={[
        { value: 'all', label: t('messages.filterAll') },
        { value: 'unread', label: t('messages.filterUnread') },
      ]}
      data-testid="messages-unread-filter"
    />
  );
}

/** The own inbox: unread first; a click marks the message read and opens the page it is about. */
function MessageList({ unread, paging }: { unread: boolean; paging: ReturnType<typeof useListSearch>['paging'] }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const text = useMessageText();
  const query = { unread: unread || undefined, page: paging.page, pageSize: paging.pageSize };
  const list = useListQuery(messageKeys.list(query), () => messagesApi.list(query));
  const read = useMutation({
    mutationFn: (m: Message) => (m.readAt ? Promise.resolve() : messagesApi.markRead(m.id)),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: messageKeys.all }),
  });
  const open = (m: Message) => {
    read.mutate(m);
    if (m.link) void navigate(m.link);
  };
  const columns: TableColumnsType<Message> = [
    {
      title: t('messages.content'),
      key: 'text',
      render: (_, m) => (
        <Space align="start">
          <Badge
            status={m.readAt ? 'default' : 'processing'}
            aria-label={m.readAt ? t('messages.read') : t('messages.unread')}
          />
          <Typography.Link
            strong={!m.readAt}
            onClick={() => open(m)}
            data-testid="message-item"
            data-kind={m.kind}
            data-unread={m.readAt ? undefined : 'true'}
          >
            {text(m)}
          </Typography.Link>
        </Space>
      ),
    },
    { title: t('messages.from'), dataIndex: 'senderName', responsive: ['md'], render: (v: string | null) => v ?? '—' },
    { title: t('messages.at'), dataIndex: 'createdAt', render: (v: string) => formatDateTime(v) },
  ];
  return (
    <ListTable<Message>
      rowKey="id"
      columns={columns}
      list={list}
      paging={paging}
      empty={unread ? t('messages.emptyUnread') : t('messages.empty')}
      data-testid="messages-table"
    />
  );
}

/** Notices of the own unit and the units above it; opening one marks it read. */
function NoticeList({ unread, paging }: { unread: boolean; paging: ReturnType<typeof useListSearch>['paging'] }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [shown, setShown] = useState<Notice | null>(null);
  const query = { unread: unread || undefined, page: paging.page, pageSize: paging.pageSize };
  const list = useListQuery(messageKeys.notices(query), () => messagesApi.notices(query));
  const read = useMutation({
    mutationFn: (n: Notice) => (n.readAt ? Promise.resolve() : messagesApi.readNotice(n.id)),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: messageKeys.all }),
  });
  const columns: TableColumnsType<Notice> = [
    {
      title: t('messages.notices.titleLabel'),
      dataIndex: 'title',
      render: (title: string, n) => (
        <Space align="start">
          <Badge status={n.readAt ? 'default' : 'processing'} />
          <Typography.Link
            strong={!n.readAt}
            onClick={() => {
              setShown(n);
              read.mutate(n);
            }}
            data-testid="notice-item"
            data-unread={n.readAt ? 'false' : 'true'}
          >
            {title}
          </Typography.Link>
        </Space>
      ),
    },
    { title: t('messages.notices.publisher'), dataIndex: 'orgUnitName', responsive: ['md'] },
    { title: t('messages.at'), dataIndex: 'publishedAt', render: (v: string) => formatDateTime(v) },
  ];
  return (
    <>
      <ListTable<Notice>
        rowKey="id"
        columns={columns}
        list={list}
        paging={paging}
        empty={t('messages.notices.empty')}
        data-testid="notices-table"
      />
      <Modal
        open={shown !== null}
        title={shown?.title}
        footer={null}
        onCancel={() => setShown(null)}
        data-testid="notice-modal"
      >
        {shown && (
          <>
            <Typography.Paragraph type="secondary">
              {t('messages.notices.byline', {
                unit: shown.orgUnitName,
                name: shown.publishedByName ?? '—',
                at: formatDateTime(shown.publishedAt),
              })}
            </Typography.Paragraph>
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{shown.body}</Typography.Paragraph>
          </>
        )}
      </Modal>
    </>
  );
}

/**
 * 消息: the own messages (approvals waiting, decisions, reminders 催办) and the notices (通知) of the
 * units above; a bureau publishes notices to its subtree from here.
 */
export default function MessagesPage() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const { search, setSearch, paging } = useListSearch(SEARCH_KEYS);
  const [publishing, setPublishing] = useState(false);
  const tab = search.tab === 'notices' ? 'notices' : 'messages';
  const unread = search.unread === '1';
  // the bell's figures, beside each tab's name: which one holds what is unread
  const counts = useQuery({ queryKey: messageKeys.unread(), queryFn: () => messagesApi.unreadCount() }).data;
  const tabLabel = (key: 'messages' | 'notices', n: number | undefined) => (
    <Badge count={n ?? 0} size="small" offset={[8, -2]} data-testid={`messages-tab-${key}-unread`}>
      {t(`messages.tabs.${key}`)}
    </Badge>
  );
  const readAll = useMutation({
    mutationFn: () => messagesApi.markAllRead(),
    onSuccess: (r) => {
      void message.success(t('messages.markedAllRead', { count: r.messages + r.notices }));
      void queryClient.invalidateQueries({ queryKey: messageKeys.all });
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  return (
    <ListPage
      title={t('messages.title')}
      testId="messages-page"
      actions={
        <Space wrap>
          <Button
            icon={<CheckOutlined />}
            loading={readAll.isPending}
            onClick={() => readAll.mutate()}
            data-testid="messages-read-all"
          >
            {t('messages.markAllRead')}
          </Button>
          {PUBLISHERS.has(me.role) && (
            <Button
              type="primary"
              icon={<NotificationOutlined />}
              onClick={() => setPublishing(true)}
              data-testid="notice-publish"
            >
              {t('messages.notices.publish')}
            </Button>
          )}
        </Space>
      }
    >
      <Tabs
        activeKey={tab}
        onChange={(k) => setSearch({ tab: k === 'messages' ? undefined : k, page: undefined })}
        destroyOnHidden
        items={[
          {
            key: 'messages',
            label: tabLabel('messages', counts?.messages),
            children: (
              <>
                <ListToolbar>
                  <UnreadFilter
                    unread={unread}
                    onChange={(u) => setSearch({ unread: u ? '1' : undefined, page: undefined })}
                  />
                </ListToolbar>
                <MessageList unread={unread} paging={paging} />
              </>
            ),
          },
          {
            key: 'notices',
            label: tabLabel('notices', counts?.notices),
            children: (
              <>
                <ListToolbar>
                  <UnreadFilter
                    unread={unread}
                    onChange={(u) => setSearch({ unread: u ? '1' : undefined, page: undefined })}
                  />
                </ListToolbar>
                <NoticeList unread={unread} paging={paging} />
              </>
            ),
          },
        ]}
      />
      <NoticeFormModal
        open={publishing}
        onClose={() => setPublishing(false)}
        onPublished={() => setSearch({ tab: 'notices', unread: undefined, page: undefined })}
      />
    </ListPage>
  );
}
