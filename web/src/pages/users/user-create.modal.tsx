import { useMutation } from '@tanstack/react-query';
import { Alert, Form, Input, Modal, Select } from 'antd';
import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { usersApi } from '../../api/users.api';
import { ORG_UNIT_KINDS, type OrgUnitRef, type Role, type User } from '../../api/types';
import { roleFitsUnitKind } from '../../auth/roles';
import { OrgUnitPicker } from '../../components/org-unit-picker';
import { useErrorMessage } from '../../lib/error-message';
import { fieldErrorsFrom, showErrorsOnFields } from '../../lib/form-errors';

interface CreateUserForm {
  username: string;
  displayName: string;
  role: Role;
  orgUnitId: number;
}

const FIELDS = ['username', 'displayName', 'role', 'orgUnitId'] as const;
const CODE_FIELDS = { USERNAME_TAKEN: 'username', ROLE_NOT_ALLOWED_AT_UNIT: 'role' };

export const USERNAME_PATTERN = /^[A-Za-z0-9._-]{3,40}$/;

export function UserCreateModal({
  open,
  roles,
  unitOptions,
  defaultUnitId,
  onClose,
  onCreated,
}: {
  open: boolean;
  roles: Role[];
  unitOptions: OrgUnitRef[];
  defaultUnitId: number;
  onClose: () => void;
  onCreated: (user: User, oneTimePassword: string) => void;
}) {
  const { t } = useTranslation();
  const errorMessage = useErrorMessage();
  const [form] = Form.useForm<CreateUserForm>();
  const role = Form.useWatch('role', form);
  const pickedUnits = useRef(new Map<number, OrgUnitRef>());
  const unitKinds = useMemo(
    () => (role ? ORG_UNIT_KINDS.filter((kind) => roleFitsUnitKind(role, kind)) : undefined),
    [role],
  );

  const create = useMutation({
    mutationFn: (values: CreateUserForm) =>
      usersApi.create({
        username: values.username.trim(),
        displayName: values.displayName.trim(),
        role: values.role,
        orgUnitId: values.orgUnitId,
      }),
    onSuccess: ({ user, oneTimePassword }) => onCreated(user, oneTimePassword),
    onError: (err) => {
      showErrorsOnFields(form, err, FIELDS, CODE_FIELDS, errorMessage(err));
    },
  });
  const { reset } = create;

  useEffect(() => {
    if (!open) return;
    reset();
    form.resetFields();
    const initialRole = roles.includes('teacher') ? 'teacher' : roles[0];
    const unit = unitOptions.find((option) => option.id === defaultUnitId);
    form.setFieldsValue({
      role: initialRole,
      orgUnitId: initialRole && unit && roleFitsUnitKind(initialRole, unit.kind) ? unit.id : undefined,
    });
    // Only when the modal opens.
  }, [open]);

  const bannerError =
    create.error && fieldErrorsFrom(create.error, FIELDS, CODE_FIELDS).length === 0 ? errorMessage(create.error) : null;

  return (
    <Modal
      open={open}
      title={t('users.create.title')}
      okText={t('users.create.submit')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={create.isPending}
      mask={{ closable: !create.isPending }}
      forceRender
    >
      {bannerError && <Alert type="error" showIcon title={bannerError} style={{ marginBottom: 16 }} />}
      <Form<CreateUserForm>
        name="user-create"
        form={form}
        layout="vertical"
        onFinish={(values) => create.mutate(values)}
        disabled={create.isPending}
        data-testid="user-create-form"
      >
        <Form.Item
          name="username"
          label={t('users.fields.username')}
          extra={t('users.create.usernameHint')}
          validateFirst
          rules={[
            { required: true, whitespace: true, message: t('users.create.usernameRequired') },
            { pattern: USERNAME_PATTERN, message: t('users.create.usernameInvalid') },
          ]}
        >
          <Input autoComplete="off" autoCapitalize="none" maxLength={40} data-testid="user-create-username" />
        </Form.Item>
        <Form.Item
          name="displayName"
          label={t('users.fields.displayName')}
          rules={[
            { required: true, whitespace: true, message: t('users.create.displayNameRequired') },
            { max: 50, message: t('validation.maxLength', { max: 50 }) },
          ]}
        >
          <Input maxLength={50} data-testid="user-create-display-name" />
        </Form.Item>
        <Form.Item
          name="role"
          label={t('users.fields.role')}
          rules={[{ required: true, message: t('users.create.roleRequired') }]}
        >
          <Select
            options={roles.map((value) => ({ value, label: t(`roles.${value}`) }))}
            onChange={(next: Role) => {
              // A unit that cannot hold the new role is cleared rather than rejected on submit.
              const unitId = form.getFieldValue('orgUnitId') as number | undefined;
              const unit = unitOptions.find((option) => option.id === unitId) ?? pickedUnits.current.get(unitId ?? -1);
              if (unit && !roleFitsUnitKind(next, unit.kind)) form.setFieldValue('orgUnitId', undefined);
            }}
            data-testid="user-create-role"
          />
        </Form.Item>
        <Form.Item
          name="orgUnitId"
          label={t('users.fields.orgUnit')}
          extra={
            role && unitKinds
              ? t('users.create.unitKindsHint', {
                  role: t(`roles.${role}`),
                  kinds: unitKinds.map((kind) => t(`kinds.${kind}`)).join(t('common.listSeparator')),
                })
              : undefined
          }
          rules={[{ required: true, message: t('users.create.orgUnitRequired') }]}
        >
          <OrgUnitPicker
            initialOptions={unitOptions}
            kinds={unitKinds}
            onPick={(unit) => pickedUnits.current.set(unit.id, unit)}
            data-testid="user-create-unit"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
