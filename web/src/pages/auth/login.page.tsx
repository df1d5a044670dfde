import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useLocation, useSearchParams } from 'react-router';
import { authApi } from '../../api/auth.api';
import { ApiError } from '../../api/client';
import { CHANGE_PASSWORD_PATH, safeNextPath } from '../../auth/guards';
import { homePath } from '../../auth/roles';
import { sessionEndReason, startSession, useSession } from '../../auth/session';
import { FullPageSpin } from '../../components/page-states';
import { CenteredLayout } from '../../layout/centered-layout';
import { useErrorMessage } from '../../lib/error-message';
import { formatDateTime } from '../../lib/format';
import type { ActivatedState } from './activate.page';

interface LoginForm {
  username: string;
  password: string;
}

function activatedState(state: unknown): ActivatedState | null {
  if (typeof state !== 'object' || state === null) return null;
  const s = state as Partial<ActivatedState>;
  return s.activated === true && typeof s.username === 'string'
    ? { activated: true, username: s.username, byIdNumber: s.byIdNumber === true }
    : null;
}

function lockedUntil(err: unknown): string | null {
  if (!(err instanceof ApiError) || err.code !== 'AUTH_ACCOUNT_LOCKED') return null;
  const value = err.details?.['lockedUntil'];
  return typeof value === 'string' ? value : null;
}

export default function LoginPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const location = useLocation();
  const activated = activatedState(location.state);
  const queryClient = useQueryClient();
  const session = useSession();
  const errorMessage = useErrorMessage();
  const [form] = Form.useForm<LoginForm>();

  const login = useMutation({
    mutationFn: (values: LoginForm) => authApi.login(values.username.trim(), values.password),
    onSuccess: (result) => startSession(queryClient, result),
    onError: () => form.setFieldValue('password', ''),
  });

  if (session.isPending) return <FullPageSpin />;
  if (session.data) {
    const { user } = session.data;
    const target = user.mustChangePassword
      ? CHANGE_PASSWORD_PATH
      : (safeNextPath(params.get('next')) ?? homePath(user.role));
    return <Navigate to={target} replace />;
  }

  const until = lockedUntil(login.error);
  const expired = sessionEndReason() === 'expired' && params.has('next') && !login.error;

  return (
    <CenteredLayout>
      <Card>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {t('login.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('login.subtitle')}</Typography.Paragraph>
        {activated && !login.error && (
          <Alert
            type="success"
            showIcon
            title={t('login.activated')}
            description={
              activated.byIdNumber
                ? t('login.activatedHint')
                : t('login.activatedUsername', { username: activated.username })
            }
            style={{ marginBottom: 16 }}
            data-testid="login-activated"
          />
        )}
        {expired && <Alert type="info" showIcon title={t('login.sessionExpired')} style={{ marginBottom: 16 }} />}
        {login.error && (
          <Alert
            type={until ? 'warning' : 'error'}
            showIcon
            title={errorMessage(login.error)}
            description={until ? t('login.lockedUntil', { time: formatDateTime(until) }) : undefined}
            style={{ marginBottom: 16 }}
            data-testid="login-error"
          />
        )}
        <Form<LoginForm>
          name="login"
          form={form}
          layout="vertical"
          requiredMark={false}
          onFinish={(values) => login.mutate(values)}
          disabled={login.isPending}
          initialValues={activated ? { username: activated.username } : undefined}
        >
          <Form.Item
            name="username"
            label={t('login.username')}
            extra={t('login.usernameHint')}
            rules={[{ required: true, whitespace: true, message: t('login.usernameRequired') }]}
          >
            <Input
              prefix={<UserOutlined />}
              autoComplete="username"
              autoCapitalize="none"
              autoFocus={!activated}
              placeholder={t('login.usernamePlaceholder')}
              size="large"
              data-testid="login-username"
            />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('login.password')}
            rules={[{ required: true, message: t('login.passwordRequired') }]}
          >
            <Input.Password
              prefix={<LockOutlined />}
              autoComplete="current-password"
              autoFocus={Boolean(activated)}
              size="large"
              data-testid="login-password"
            />
          </Form.Item>
          <Button
            type="primary"
            htmlType="submit"
            block
            size="large"
            loading={login.isPending}
            data-testid="login-submit"
          >
            {t('login.submit')}
          </Button>
        </Form>
        <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0, fontSize: 12 }}>
          {t('login.help')}
        </Typography.Paragraph>
        <div style={{ marginTop: 12, textAlign: 'center' }}>
          <Link to="/activate" data-testid="login-activate-link">
            {t('login.activateLink')}
          </Link>
          <Typography.Link href="/help/accounts" target="_blank" style={{ marginLeft: 16 }} data-testid="login-help">
            {t('help.link')}
          </Typography.Link>
        </div>
      </Card>
    </CenteredLayout>
  );
}
