import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Empty, Form, Input, InputNumber, Modal, Popconfirm, Table, Tag } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiTokensApi } from '../../api/api-tokens.api';
import { queryKeys } from '../../api/query-keys';
import type { ApiToken } from '../../api/types';
import { OneTimeSecret } from '../../components/one-time-secret';
import { ErrorResult } from '../../components/page-states';
import { useErrorMessage } from '../../lib/error-message';
import { fieldErrorsFrom, showErrorsOnFields } from '../../lib/form-errors';
import { formatDate, formatDateTime } from '../../lib/format';

interface CreateTokenForm {
  name: string;
  expiresInDays?: number | null;
}

const FIELDS = ['name', 'expiresInDays'] as const;

function tokenState(token: ApiToken, now = Date.now()): 'revoked' | 'expired' | 'active' {
  if (token.revokedAt) return 'revoked';
  if (token.expiresAt && new Date(token.expiresAt).getTime() <= now) return 'expired';
  return 'active';
}

const STATE_COLORS = { revoked: 'default', expired: 'orange', active: 'green' } as const;

function CreateTokenModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const [form] = Form.useForm<CreateTokenForm>();
  const [secret, setSecret] = useState<string | null>(null);

  const create = useMutation({
    mutationFn: (values: CreateTokenForm) =>
      apiTokensApi.create({ name: values.name.trim(), expiresInDays: values.expiresInDays ?? undefined }),
    onSuccess: ({ token }) => {
      setSecret(token);
      void queryClient.invalidateQueries({ queryKey: queryKeys.apiTokens });
    },
    onError: (err) => {
      showErrorsOnFields(form, err, FIELDS, {}, errorMessage(err));
    },
  });

  const close = () => {
    setSecret(null);
    form.resetFields();
    create.reset();
    onClose();
  };

  const bannerError =
    create.error && fieldErrorsFrom(create.error, FIELDS).length === 0 ? errorMessage(create.error) : null;

  return (
    <Modal
      open={open}
      title={secret ? t('tokens.createdTitle') : t('tokens.createTitle')}
      onCancel={secret ? close : create.isPending ? undefined : close}
      mask={{ closable: false }}
      forceRender
      footer={
        secret ? (
          <Button type="primary" onClick={close} data-testid="token-done">
            {t('users.secret.done')}
          </Button>
        ) : (
          <>
            <Button onClick={close} disabled={create.isPending}>
              {t('common.cancel')}
            </Button>
            <Button type="primary" loading={create.isPending} onClick={() => form.submit()} data-testid="token-submit">
              {t('tokens.create')}
            </Button>
          </>
        )
      }
    >
      {secret ? (
        <OneTimeSecret value={secret} warning={t('tokens.secretWarning')} testId="api-token-secret" />
      ) : (
        <>
          {bannerError && <Alert type="error" showIcon title={bannerError} style={{ marginBottom: 16 }} />}
          <Form<CreateTokenForm>
            name="api-token-create"
            form={form}
            layout="vertical"
            onFinish={(values) => create.mutate(values)}
            disabled={create.isPending}
          >
            <Form.Item
              name="name"
              label={t('tokens.name')}
              extra={t('tokens.nameHint')}
              rules={[
                { required: true, whitespace: true, message: t('tokens.nameRequired') },
                { max: 60, message: t('validation.maxLength', { max: 60 }) },
              ]}
            >
              <Input maxLength={60} data-testid="token-name" />
            </Form.Item>
            <Form.Item name="expiresInDays" label={t('tokens.expiresInDays')} extra={t('tokens.expiresInDaysHint')}>
              <InputNumber min={1} max={3650} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Form>
        </>
      )}
    </Modal>
  );
}

/** API tokens let integrations call the API as this admin. */
export function ApiTokensCard() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const [creating, setCreating] = useState(false);
  const list = useQuery({ queryKey: queryKeys.apiTokens, queryFn: apiTokensApi.list });

  const revoke = useMutation({
    mutationFn: (token: ApiToken) => apiTokensApi.revoke(token.id),
    onSuccess: () => {
      void message.success(t('tokens.revoked'));
      void queryClient.invalidateQueries({ queryKey: queryKeys.apiTokens });
    },
    onError: (err) => message.error(errorMessage(err)),
  });

  const columns: TableColumnsType<ApiToken> = [
    { title: t('tokens.name'), dataIndex: 'name' },
    {
      title: t('tokens.prefix'),
      dataIndex: 'prefix',
      render: (value: string) => <code>{value}…</code>,
    },
    {
      title: t('tokens.state'),
      key: 'state',
      render: (_, token) => {
        const state = tokenState(token);
        return <Tag color={STATE_COLORS[state]}>{t(`tokens.states.${state}`)}</Tag>;
      },
    },
    { title: t('tokens.createdAt'), dataIndex: 'createdAt', responsive: ['md'], render: (v: string) => formatDate(v) },
    {
      title: t('tokens.lastUsedAt'),
      dataIndex: 'lastUsedAt',
      responsive: ['md'],
      render: (v: string | null) => (v ? formatDateTime(v) : t('tokens.neverUsed')),
    },
    {
      title: t('tokens.expiresAt'),
      dataIndex: 'expiresAt',
      responsive: ['lg'],
      render: (v: string | null) => (v ? formatDate(v) : t('tokens.noExpiry')),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, token) =>
        tokenState(token) === 'revoked' ? null : (
          <Popconfirm
            title={t('tokens.revokeConfirmTitle')}
            description={t('tokens.revokeConfirmText', { name: token.name })}
            okText={t('tokens.revoke')}
            okButtonProps={{ danger: true }}
            cancelText={t('common.cancel')}
            onConfirm={() => revoke.mutateAsync(token).catch(() => undefined)}
          >
            <Button type="link" size="small" danger>
              {t('tokens.revoke')}
            </Button>
          </Popconfirm>
        ),
    },
  ];

  return (
    <Card
      title={t('tokens.title')}
      data-testid="api-tokens"
      extra={
        <Button icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="token-create">
          {t('tokens.create')}
        </Button>
      }
    >
      <Table<ApiToken>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={list.data?.items}
        loading={list.isFetching}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{
          emptyText: list.isError ? (
            <ErrorResult error={list.error} onRetry={() => void list.refetch()} />
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('tokens.empty')} />
          ),
        }}
      />
      <CreateTokenModal open={creating} onClose={() => setCreating(false)} />
    </Card>
  );
}
