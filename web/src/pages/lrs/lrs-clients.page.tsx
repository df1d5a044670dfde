import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Empty, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type LrsClient, lrsApi, lrsEndpoint, lrsKeys } from '../../api/lrs.api';
import { useCurrentUser } from '../../auth/session';
import { ListPage } from '../../components/list-page';
import { ErrorResult } from '../../components/page-states';
import { useErrorMessage } from '../../lib/error-message';
import { formatDateTime } from '../../lib/format';
import { useIsPhone } from '../../lib/use-media-query';
import { LrsClientCreateModal } from './lrs-client-create.modal';
import { useTableWidth } from './table-width';

/** 学习记录接口: the credentials of the platforms that report learning records, with what each has sent. */
export default function LrsClientsPage() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const queryClient = useQueryClient();
  const { message, modal } = App.useApp();
  const errorMessage = useErrorMessage();
  const [creating, setCreating] = useState(false);
  const isPhone = useIsPhone();
  const list = useQuery({ queryKey: lrsKeys.clients, queryFn: lrsApi.clients });

  const revoke = useMutation({
    mutationFn: (c: LrsClient) => lrsApi.revoke(c.id),
    onSuccess: () => {
      void message.success(t('lrs.clients.revoked'));
      void queryClient.invalidateQueries({ queryKey: lrsKeys.all });
    },
    onError: (err) => message.error(errorMessage(err)),
  });

  const confirmRevoke = (c: LrsClient) =>
    modal.confirm({
      title: t('lrs.clients.revokeTitle', { name: c.name }),
      content: t('lrs.clients.revokeText'),
      okText: t('lrs.clients.revoke'),
      okButtonProps: { danger: true, 'data-testid': 'lrs-revoke-ok' },
      cancelText: t('common.cancel'),
      onOk: () => revoke.mutateAsync(c).catch(() => undefined),
    });

  // The platform at the left and its action at the right stay in view; on a phone only they and the state show.
  const columns: TableColumnsType<LrsClient> = [
    {
      title: t('lrs.clients.name'),
      dataIndex: 'name',
      fixed: 'left',
      width: isPhone ? 130 : 180,
      render: (v: string, c) => (
        <>
          <Typography.Text ellipsis={{ tooltip: v }} style={{ display: 'block' }}>
            {v}
          </Typography.Text>
          <Typography.Text type="secondary" code>
            {c.apiKey}
          </Typography.Text>
        </>
      ),
    },
    {
      title: t('lrs.clients.unit'),
      dataIndex: 'orgUnitName',
      width: 120,
      responsive: ['lg'],
      ellipsis: { showTitle: true },
    },
    {
      title: t('lrs.clients.identity'),
      dataIndex: 'identity',
      width: 160,
      responsive: ['md'],
      render: (v: LrsClient['identity'], c) => (
        <>
          <div>{t(`lrs.identities.${v}`)}</div>
          {c.homePage && (
            <Typography.Text type="secondary" ellipsis={{ tooltip: c.homePage }} style={{ display: 'block' }}>
              {c.homePage}
            </Typography.Text>
          )}
        </>
      ),
    },
    { title: t('lrs.clients.requests'), dataIndex: 'requests', align: 'right', width: 80, responsive: ['lg'] },
    { title: t('lrs.clients.stored'), dataIndex: 'statementsStored', align: 'right', width: 100, responsive: ['md'] },
    { title: t('lrs.clients.read'), dataIndex: 'statementsRead', align: 'right', width: 90, responsive: ['lg'] },
    {
      title: t('lrs.clients.lastUsed'),
      dataIndex: 'lastUsedAt',
      width: 130,
      responsive: ['md'],
      render: (v: string | null) => (v ? formatDateTime(v) : t('lrs.clients.neverUsed')),
    },
    {
      title: t('lrs.clients.state'),
      key: 'state',
      width: isPhone ? 100 : 110,
      render: (_, c) =>
        c.revokedAt ? (
          <Tag className="wrap-anywhere" style={{ whiteSpace: 'normal' }}>
            {t('lrs.clients.stateRevoked', { at: formatDateTime(c.revokedAt) })}
          </Tag>
        ) : (
          <Tag color="green">{t('lrs.clients.stateActive')}</Tag>
        ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      fixed: 'right',
      width: 80,
      render: (_, c) =>
        c.revokedAt ? null : (
          <Button type="link" size="small" danger onClick={() => confirmRevoke(c)} data-testid={`lrs-revoke-${c.id}`}>
            {t('lrs.clients.revoke')}
          </Button>
        ),
    },
  ];
  const tableWidth = useTableWidth(columns);

  return (
    <ListPage
      title={t('lrs.clients.pageTitle')}
      testId="lrs-clients-page"
      intro={
        <Typography.Paragraph>
          {t('lrs.clients.intro')} <Typography.Text code>{lrsEndpoint()}</Typography.Text>
        </Typography.Paragraph>
      }
      actions={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="lrs-client-new">
          {t('lrs.clients.create')}
        </Button>
      }
    >
      <Table<LrsClient>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={list.data?.items}
        loading={list.isFetching}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: tableWidth }}
        data-testid="lrs-clients-table"
        locale={{
          emptyText: list.isError ? (
            <ErrorResult error={list.error} onRetry={() => void list.refetch()} />
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('lrs.clients.empty')} />
          ),
        }}
      />
      {creating && (
        <LrsClientCreateModal
          ownUnit={{ id: me.orgUnit.id, name: me.orgUnit.name, kind: me.orgUnit.kind }}
          onClose={() => setCreating(false)}
        />
      )}
    </ListPage>
  );
}
