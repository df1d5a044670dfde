import { useMutation } from '@tanstack/react-query';
import { Alert, App, Descriptions, Form, Input, Modal, Switch } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { usersApi } from '../../api/users.api';
import type { User } from '../../api/types';
import { RoleLabel } from '../../components/labels';
import { useErrorMessage } from '../../lib/error-message';
import { fieldErrorsFrom, showErrorsOnFields } from '../../lib/form-errors';

interface EditUserForm {
  displayName: string;
  enabled: boolean;
}

const FIELDS = ['displayName'] as const;

export function UserEditModal({
  user,
  canDisable,
  onClose,
  onSaved,
}: {
  user: User | null;
  canDisable: boolean;
  onClose: () => void;
  onSaved: (user: User) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const [form] = Form.useForm<EditUserForm>();

  const save = useMutation({
    mutationFn: (values: EditUserForm) => {
      if (!user) throw new Error('no user');
      return usersApi.update(user.id, {
        displayName: values.displayName.trim(),
        ...(canDisable ? { disabled: !values.enabled } : {}),
      });
    },
    onSuccess: ({ user: saved }) => {
      void message.success(t('common.saved'));
      onSaved(saved);
      onClose();
    },
    onError: (err) => {
      showErrorsOnFields(form, err, FIELDS, {}, errorMessage(err));
    },
  });
  const { reset } = save;

  useEffect(() => {
    if (!user) return;
    reset();
    form.setFieldsValue({ displayName: user.displayName, enabled: !user.disabled });
    // Only when a different user is opened.
  }, [user?.id]);

  const bannerError = save.error && fieldErrorsFrom(save.error, FIELDS).length === 0 ? errorMessage(save.error) : null;

  return (
    <Modal
      open={user !== null}
      title={t('users.edit.title')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={save.isPending}
      forceRender
    >
      {user && (
        <Descriptions
          size="small"
          column={1}
          style={{ marginBottom: 16 }}
          items={[
            { key: 'username', label: t('users.fields.username'), children: user.username },
            { key: 'role', label: t('users.fields.role'), children: <RoleLabel role={user.role} /> },
            { key: 'unit', label: t('users.fields.orgUnit'), children: user.orgUnitName },
          ]}
        />
      )}
      {bannerError && <Alert type="error" showIcon title={bannerError} style={{ marginBottom: 16 }} />}
      <Form<EditUserForm>
        name="user-edit"
        form={form}
        layout="vertical"
        onFinish={(values) => save.mutate(values)}
        disabled={save.isPending}
      >
        <Form.Item
          name="displayName"
          label={t('users.fields.displayName')}
          rules={[
            { required: true, whitespace: true, message: t('users.create.displayNameRequired') },
            { max: 50, message: t('validation.maxLength', { max: 50 }) },
          ]}
        >
          <Input maxLength={50} />
        </Form.Item>
        {canDisable && (
          <Form.Item
            name="enabled"
            label={t('users.edit.enabled')}
            valuePropName="checked"
            extra={t('users.edit.enabledHint')}
          >
            <Switch checkedChildren={t('users.status.active')} unCheckedChildren={t('users.status.disabled')} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
