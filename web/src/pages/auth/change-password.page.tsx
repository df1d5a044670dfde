import { LockOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { authApi } from '../../api/auth.api';
import { queryKeys } from '../../api/query-keys';
import { homePath } from '../../auth/roles';
import { updateSessionUser, useCurrentUser } from '../../auth/session';
import { useLogout } from '../../auth/use-logout';
import { useErrorMessage } from '../../lib/error-message';
import { fieldErrorsFrom, showErrorsOnFields } from '../../lib/form-errors';
import { ApiError } from '../../api/client';
import {
  PASSWORD_MAX_LENGTH,
  passwordProblem,
  passwordProblemText,
  passwordRuleText,
  usePasswordPolicy,
} from './password-rules';

interface ChangePasswordForm {
  currentPassword: string;
  newPassword: string;
  confirmPassword: string;
}

const FIELDS = ['currentPassword', 'newPassword'] as const;
const CODE_FIELDS = { PASSWORD_WRONG: 'currentPassword', PASSWORD_TOO_WEAK: 'newPassword' };

export default function ChangePasswordPage() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const [form] = Form.useForm<ChangePasswordForm>();
  const forced = user.mustChangePassword;
  const logout = useLogout();
  const policy = usePasswordPolicy(user.role);

  const change = useMutation({
    mutationFn: (values: ChangePasswordForm) => authApi.changePassword(values.currentPassword, values.newPassword),
    onSuccess: () => {
      void message.success(t('password.changed'));
      updateSessionUser(queryClient, { mustChangePassword: false });
      void queryClient.invalidateQueries({ queryKey: queryKeys.session });
      void navigate(forced ? homePath(user.role) : '/me', { replace: true });
    },
    onError: (err) => {
      const rule = err instanceof ApiError && err.code === 'PASSWORD_TOO_WEAK' ? err.details?.['rule'] : undefined;
      const text = typeof rule === 'string' ? passwordProblemText(t, rule, policy) : errorMessage(err);
      showErrorsOnFields(form, err, FIELDS, CODE_FIELDS, text);
    },
  });

  const showBanner = change.error !== null && fieldErrorsFrom(change.error, FIELDS, CODE_FIELDS).length === 0;

  return (
    <div className="narrow-page">
      <Card>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {t('password.title')}
        </Typography.Title>
        {forced && <Alert type="warning" showIcon title={t('password.forcedNotice')} style={{ marginBottom: 16 }} />}
        {showBanner && <Alert type="error" showIcon title={errorMessage(change.error)} style={{ marginBottom: 16 }} />}
        <Form<ChangePasswordForm>
          name="change-password"
          form={form}
          layout="vertical"
          requiredMark={false}
          onFinish={(values) => change.mutate(values)}
          disabled={change.isPending}
        >
          <Form.Item
            name="currentPassword"
            label={t('password.current')}
            rules={[{ required: true, message: t('password.currentRequired') }]}
          >
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" size="large" />
          </Form.Item>
          <Form.Item
            name="newPassword"
            label={t('password.new')}
            extra={passwordRuleText(t, policy)}
            dependencies={['currentPassword']}
            rules={[
              { required: true, message: t('password.newRequired') },
              {
                validator: (_, value: string | undefined) => {
                  const problem = value ? passwordProblem(value, policy, { username: user.username }) : null;
                  if (problem === null) return Promise.resolve();
                  return Promise.reject(new Error(passwordProblemText(t, problem, policy)));
                },
              },
              ({ getFieldValue }) => ({
                validator: (_, value: string | undefined) =>
                  !value || value !== getFieldValue('currentPassword')
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('password.sameAsCurrent'))),
              }),
            ]}
          >
            <Input.Password
              prefix={<LockOutlined />}
              autoComplete="new-password"
              size="large"
              maxLength={PASSWORD_MAX_LENGTH}
            />
          </Form.Item>
          <Form.Item
            name="confirmPassword"
            label={t('password.confirm')}
            dependencies={['newPassword']}
            rules={[
              { required: true, message: t('password.confirmRequired') },
              ({ getFieldValue }) => ({
                validator: (_, value: string | undefined) =>
                  !value || value === getFieldValue('newPassword')
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('password.mismatch'))),
              }),
            ]}
          >
            <Input.Password prefix={<LockOutlined />} autoComplete="new-password" size="large" />
          </Form.Item>
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Button type="primary" htmlType="submit" block size="large" loading={change.isPending}>
              {t('password.submit')}
            </Button>
            {forced ? (
              <Button type="link" block onClick={() => void logout()}>
                {t('account.logout')}
              </Button>
            ) : (
              <Button type="link" block onClick={() => void navigate('/me')}>
                {t('common.cancel')}
              </Button>
            )}
          </Space>
        </Form>
      </Card>
    </div>
  );
}
