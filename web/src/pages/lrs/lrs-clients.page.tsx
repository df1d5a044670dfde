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
import { LrsClientCreateModal } from './lrs-client-create.modal';

/** 学习记录接口: the credentials of the platforms that report learning records, with what each has sent. */
export default function LrsClientsPage() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const queryClient = useQueryClient();
  const { message, modal } = App.useApp();
  const errorMessage = useErrorMessage();
  const [creating, setCreating] = useState(false);
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

  const columns: TableColumnsType<LrsClient> = [
    {
      title: t('lrs.clients.name'),
      dataIndex: 'name',
      render: (v: string, c) => (
        <>
          <div>{v}</div>
          <Typography.Text type="secondary" code>
            {c.apiKey}
          </Typography.Text>
        </>
      ),
    },
    { title: t('lrs.clients.unit'), dataIndex: 'orgUnitName' },
    {
      title: t('lrs.clients.identity'),
      dataIndex: 'identity',
      render: (v: LrsClient['identity'], c) => (
        <>
          <div>{t(`lrs.identities.${v}`)}</div>
          {c.homePage && <Typography.Text type="secondary">{c.homePage}</Typography.Text>}
        </>
      ),
    },
    { title: t('lrs.clients.requests'), dataIndex: 'requests', align: 'right' },
    { title: t('lrs.clients.stored'), dataIndex: 'statementsStored', align: 'right' },
    { title: t('lrs.clients.read'), dataIndex: 'statementsRead', align: 'right' },
    {
      title: t('lrs.clients.lastUsed'),
      dataIndex: 'lastUsedAt',
      render: (v: string | null) => (v ? formatDateTime(v) : t('lrs.clients.neverUsed')),
    },
    {
      title: t('lrs.clients.state'),
      key: 'state',
      render: (_, c) =>
        c.revokedAt ? (
          <Tag>{t('lrs.clients.stateRevoked', { at: formatDateTime(c.revokedAt) })}</Tag>
        ) : (
          <Tag color="green">{t('lrs.clients.stateActive')}</Tag>
        ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, c) =>
        c.revokedAt ? null : (
          <Button type="link" size="small" danger onClick={() => confirmRevoke(c)} data-testid={`lrs-revoke-${c.id}`}>
            {t('lrs.clients.revoke')}
          </Button>
        ),
    },
  ];

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
        scroll={{ x: 'max-content' }}
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
