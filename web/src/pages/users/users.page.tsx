import {
  CheckCircleOutlined,
  KeyOutlined,
  MoreOutlined,
  PlusOutlined,
  StopOutlined,
  UnlockOutlined,
} from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Checkbox, Dropdown, Space, Typography } from 'antd';
import type { MenuProps, TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { queryKeys } from '../../api/query-keys';
import { usersApi } from '../../api/users.api';
import type { Role, User, UserQuery } from '../../api/types';
import { rolesBelow } from '../../auth/roles';
import { useCurrentUser } from '../../auth/session';
import { RoleLabel } from '../../components/labels';
import {
  ListFilter,
  ListPage,
  ListSearch,
  ListTable,
  ListToolbar,
  ListUnitPicker,
  useListQuery,
  useListSearch,
} from '../../components/list-page';
import { useErrorMessage } from '../../lib/error-message';
import { formatDateTime } from '../../lib/format';
import { useIsPhone } from '../../lib/use-media-query';
import { useUnitFromSearch } from '../teachers/use-unit-from-search';
import { OneTimePasswordModal } from './secret.modal';
import { UserCreateModal } from './user-create.modal';
import { UserEditModal } from './user-edit.modal';
import { isLocked, UserStatus } from './user-status';

type UserAction = 'reset' | 'unlock' | 'enable' | 'disable';

const SEARCH_KEYS = ['unit', 'sub', 'q', 'role', 'page', 'size'] as const;

interface IssuedPassword {
  title: string;
  user: Pick<User, 'username' | 'displayName' | 'role'>;
  password: string;
}

export default function UsersPage() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const queryClient = useQueryClient();
  const { message, modal } = App.useApp();
  const isPhone = useIsPhone();
  const errorMessage = useErrorMessage();
  const { search, setSearch, paging } = useListSearch(SEARCH_KEYS);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);
  const [issued, setIssued] = useState<IssuedPassword | null>(null);

  const manageableRoles = useMemo(() => rolesBelow(me.role), [me.role]);
  const { unitId: orgUnitId, unitOptions } = useUnitFromSearch(search.unit);
  const query: UserQuery = {
    orgUnitId,
    includeDescendants: search.sub !== '0' ? 'true' : 'false',
    q: search.q,
    role: manageableRoles.includes(search.role as Role) ? (search.role as Role) : undefined,
    page: paging.page,
    pageSize: paging.pageSize,
  };

  const list = useListQuery(queryKeys.userList(query), () => usersApi.list(query));

  const refresh = () => void queryClient.invalidateQueries({ queryKey: queryKeys.users });

  const resetPassword = useMutation({
    mutationFn: (user: User) => usersApi.resetPassword(user.id).then((result) => ({ user, ...result })),
    onSuccess: ({ user, oneTimePassword }) => {
      setIssued({ title: t('users.reset.doneTitle'), user, password: oneTimePassword });
      refresh();
    },
    onError: (err) => message.error(errorMessage(err)),
  });

  const unlock = useMutation({
    mutationFn: (user: User) => usersApi.unlock(user.id),
    onSuccess: () => {
      void message.success(t('users.unlock.done'));
      refresh();
    },
    onError: (err) => message.error(errorMessage(err)),
  });

  const setDisabled = useMutation({
    mutationFn: ({ user, disabled }: { user: User; disabled: boolean }) => usersApi.update(user.id, { disabled }),
    onSuccess: (_, { disabled }) => {
      void message.success(disabled ? t('users.disable.done') : t('users.enable.done'));
      refresh();
    },
    onError: (err) => message.error(errorMessage(err)),
  });

  const canManage = (user: User) => user.id !== me.id && manageableRoles.includes(user.role);

  const moreActions = (user: User): MenuProps['items'] => [
    { key: 'reset', icon: <KeyOutlined />, label: t('users.reset.action') },
    ...(isLocked(user) ? [{ key: 'unlock', icon: <UnlockOutlined />, label: t('users.unlock.action') }] : []),
    user.disabled
      ? { key: 'enable', icon: <CheckCircleOutlined />, label: t('users.enable.action') }
      : { key: 'disable', icon: <StopOutlined />, label: t('users.disable.action'), danger: true },
  ];

  /** Every account action asks first; disabling is marked as the dangerous one. */
  const runAction = (action: UserAction, user: User) => {
    const name = user.displayName;
    const confirm = (prefix: string, run: () => Promise<unknown>, danger = false) =>
      modal.confirm({
        title: t(`${prefix}.confirmTitle`),
        content: t(`${prefix}.confirmText`, { name }),
        okText: t(`${prefix}.action`),
        okButtonProps: danger ? { danger: true } : undefined,
        cancelText: t('common.cancel'),
        onOk: () => run().catch(() => undefined),
      });
    switch (action) {
      case 'reset':
        return confirm('users.reset', () => resetPassword.mutateAsync(user));
      case 'unlock':
        return confirm('users.unlock', () => unlock.mutateAsync(user));
      case 'enable':
        return confirm('users.enable', () => setDisabled.mutateAsync({ user, disabled: false }));
      case 'disable':
        return confirm('users.disable', () => setDisabled.mutateAsync({ user, disabled: true }), true);
    }
  };

  const columns: TableColumnsType<User> = [
    {
      title: t('users.fields.username'),
      dataIndex: 'username',
      render: (value: string) => <Typography.Text data-testid="user-username">{value}</Typography.Text>,
    },
    { title: t('users.fields.displayName'), dataIndex: 'displayName' },
    { title: t('users.fields.role'), dataIndex: 'role', render: (role: Role) => <RoleLabel role={role} /> },
    { title: t('users.fields.orgUnit'), dataIndex: 'orgUnitName', responsive: ['md'] },
    { title: t('users.fields.status'), key: 'status', render: (_, user) => <UserStatus user={user} /> },
    {
      title: t('users.fields.lastLoginAt'),
      dataIndex: 'lastLoginAt',
      responsive: ['lg'],
      render: (value: string | null) => (value ? formatDateTime(value) : t('users.neverLoggedIn')),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      fixed: isPhone ? undefined : 'right',
      render: (_, user) =>
        canManage(user) ? (
          <Space size={0}>
            <Button type="link" size="small" onClick={() => setEditing(user)} data-testid={`user-edit-${user.id}`}>
              {t('common.edit')}
            </Button>
            <Dropdown
              trigger={['click']}
              menu={{ items: moreActions(user), onClick: ({ key }) => runAction(key as UserAction, user) }}
            >
              <Button
                type="link"
                size="small"
                icon={<MoreOutlined />}
                aria-label={t('common.more')}
                data-testid={`user-more-${user.id}`}
              />
            </Dropdown>
          </Space>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
  ];

  const filtering = Boolean(search.q || search.role);

  return (
    <ListPage
      title={t('users.title')}
      actions={
        manageableRoles.length > 0 && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="user-create">
            {t('users.create.action')}
          </Button>
        )
      }
    >
      <ListToolbar>
        <ListUnitPicker
          value={orgUnitId}
          options={unitOptions}
          onChange={(unit) => setSearch({ unit })}
          testId="users-unit-filter"
        />
        <Checkbox
          checked={search.sub !== '0'}
          onChange={(event) => setSearch({ sub: event.target.checked ? undefined : '0' })}
          style={{ alignSelf: 'center' }}
        >
          {t('users.includeDescendants')}
        </Checkbox>
        <ListFilter
          className="toolbar-item"
          placeholder={t('users.allRoles')}
          value={query.role}
          values={manageableRoles}
          label={(role) => t(`roles.${role}`)}
          onChange={(role) => setSearch({ role })}
          ariaLabel={t('users.fields.role')}
        />
        <ListSearch
          className="toolbar-grow"
          placeholder={t('users.searchPlaceholder')}
          value={search.q}
          onSearch={(q) => setSearch({ q })}
          testId="users-search"
        />
      </ListToolbar>
      <ListTable<User>
        rowKey="id"
        columns={columns}
        list={list}
        paging={paging}
        empty={filtering ? t('common.noMatch') : t('users.empty')}
        data-testid="users-table"
      />
      <UserCreateModal
        open={creating}
        roles={manageableRoles}
        unitOptions={unitOptions}
        defaultUnitId={orgUnitId}
        onClose={() => setCreating(false)}
        onCreated={(user, password) => {
          setCreating(false);
          setIssued({ title: t('users.create.doneTitle'), user, password });
          refresh();
        }}
      />
      <UserEditModal
        user={editing}
        canDisable={editing !== null && canManage(editing)}
        onClose={() => setEditing(null)}
        onSaved={refresh}
      />
      <OneTimePasswordModal
        open={issued !== null}
        title={issued?.title ?? ''}
        user={issued?.user ?? null}
        password={issued?.password ?? null}
        onClose={() => setIssued(null)}
      />
    </ListPage>
  );
}
