import { IdcardOutlined, KeyOutlined, LockOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../../api/client';
import { teacherAccountsApi } from '../../api/teacher-accounts.api';
import { CenteredLayout } from '../../layout/centered-layout';
import { codeFromLink } from '../../lib/activation-link';
import { useErrorMessage } from '../../lib/error-message';
import { fieldErrorsFrom, showErrorsOnFields } from '../../lib/form-errors';
import { formatDateTime } from '../../lib/format';
import {
  PASSWORD_MAX_LENGTH,
  passwordProblem,
  passwordProblemText,
  passwordRuleText,
  usePasswordPolicy,
} from './password-rules';

interface ActivateForm {
  idNumber: string;
  code: string;
  password: string;
  confirmPassword: string;
}

/** What the login page shows after an activation. */
export interface ActivatedState {
  activated: true;
  /** what to log in with: the ID number, or the account name for other documents */
  username: string;
  byIdNumber: boolean;
}

const FIELDS = ['idNumber', 'code', 'password'] as const;
const CODE_FIELDS = { PASSWORD_TOO_WEAK: 'password' };
/** Login takes a resident ID number (18 characters) as the username. */
const RESIDENT_ID = /^[0-9]{17}[0-9X]$/;

/** Full-width digits and letters folded, spaces dropped, upper case: how the server reads an ID number. */
export function normaliseTypedId(raw: string): string {
  return raw
    .replace(/[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\s+/g, '')
    .toUpperCase();
}

/** An activation code as typed: upper case; spaces and hyphens are allowed (the server ignores them). */
function codeFromInput(event: { target: { value: string } }): string {
  return event.target.value.toUpperCase();
}

function lockedUntil(err: unknown): string | null {
  if (!(err instanceof ApiError) || err.code !== 'AUTH_ACCOUNT_LOCKED') return null;
  const value = err.details?.['lockedUntil'];
  return typeof value === 'string' ? value : null;
}

/**
 * A teacher's first visit (public, mostly on phones): ID number and the activation code from the
 * slip the school handed out, then a password of their own. Afterwards they log in with the ID number.
 */
export default function ActivatePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const errorMessage = useErrorMessage();
  const [form] = Form.useForm<ActivateForm>();
  // the QR code of the slip opens this page with the code filled in
  const [search] = useSearchParams();
  const linkedCode = codeFromLink(search.get('code'));

  const policy = usePasswordPolicy('teacher');
  const passwordText = (problem: string): string => passwordProblemText(t, problem, policy);

  const activate = useMutation({
    mutationFn: (values: ActivateForm) =>
      teacherAccountsApi.activate({
        idNumber: normaliseTypedId(values.idNumber),
        code: values.code.trim(),
        password: values.password,
      }),
    onSuccess: (result, values) => {
      const idNumber = normaliseTypedId(values.idNumber);
      const byIdNumber = RESIDENT_ID.test(idNumber);
      const state: ActivatedState = { activated: true, username: byIdNumber ? idNumber : result.username, byIdNumber };
      // In history state, not the URL: the ID number stays out of addresses and logs.
      void navigate('/login', { state, replace: true });
    },
    onError: (err) => {
      form.setFieldsValue({ password: '', confirmPassword: '' });
      const rule = err instanceof ApiError && err.code === 'PASSWORD_TOO_WEAK' ? err.details?.['rule'] : undefined;
      showErrorsOnFields(
        form,
        err,
        FIELDS,
        CODE_FIELDS,
        typeof rule === 'string' ? passwordText(rule) : errorMessage(err),
      );
    },
  });

  const until = lockedUntil(activate.error);
  const showBanner = activate.error !== null && fieldErrorsFrom(activate.error, FIELDS, CODE_FIELDS).length === 0;

  return (
    <CenteredLayout>
      <Card>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {t('activate.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('activate.intro')}</Typography.Paragraph>
        {showBanner && (
          <Alert
            type={until ? 'warning' : 'error'}
            showIcon
            title={until ? t('activate.locked') : errorMessage(activate.error)}
            description={until ? t('activate.lockedUntil', { time: formatDateTime(until) }) : undefined}
            style={{ marginBottom: 16 }}
            data-testid="activate-error"
          />
        )}
        <Form<ActivateForm>
          name="activate"
          form={form}
          layout="vertical"
          requiredMark={false}
          onFinish={(values) => activate.mutate(values)}
          disabled={activate.isPending}
          initialValues={linkedCode ? { code: linkedCode } : undefined}
        >
          <Form.Item
            name="idNumber"
            label={t('activate.idNumber')}
            extra={t('activate.idNumberHint')}
            rules={[
              { required: true, whitespace: true, message: t('activate.idNumberRequired') },
              {
                validator: (_, value: string | undefined) =>
                  !value || /^[0-9A-Z()-]{5,30}$/.test(normaliseTypedId(value))
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('activate.idNumberInvalid'))),
              },
            ]}
          >
            <Input
              prefix={<IdcardOutlined />}
              autoComplete="username"
              autoCapitalize="characters"
              autoCorrect="off"
              spellCheck={false}
              maxLength={40}
              size="large"
              className="identifier"
              data-testid="activate-id-number"
            />
          </Form.Item>
          <Form.Item
            name="code"
            label={t('activate.code')}
            extra={t('activate.codeHint')}
            getValueFromEvent={codeFromInput}
            rules={[
              { required: true, whitespace: true, message: t('activate.codeRequired') },
              { pattern: /^[0-9A-Z\s-]+$/, message: t('activate.codeInvalid') },
            ]}
          >
            <Input
              prefix={<KeyOutlined />}
              autoComplete="one-time-code"
              autoCapitalize="characters"
              autoCorrect="off"
              spellCheck={false}
              maxLength={40}
              size="large"
              className="identifier"
              data-testid="activate-code"
            />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('password.new')}
            extra={passwordRuleText(t, policy, true)}
            dependencies={['idNumber']}
            rules={[
              { required: true, message: t('password.newRequired') },
              ({ getFieldValue }) => ({
                validator: (_, value: string | undefined) => {
                  const idNumber = normaliseTypedId(String(getFieldValue('idNumber') ?? ''));
                  const problem = value ? passwordProblem(value, policy, { idNumber }) : null;
                  return problem === null ? Promise.resolve() : Promise.reject(new Error(passwordText(problem)));
                },
              }),
            ]}
          >
            <Input.Password
              prefix={<LockOutlined />}
              autoComplete="new-password"
              size="large"
              maxLength={PASSWORD_MAX_LENGTH}
              data-testid="activate-password"
            />
          </Form.Item>
          <Form.Item
            name="confirmPassword"
            label={t('password.confirm')}
            dependencies={['password']}
            rules={[
              { required: true, message: t('password.confirmRequired') },
              ({ getFieldValue }) => ({
                validator: (_, value: string | undefined) =>
                  !value || value === getFieldValue('password')
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('password.mismatch'))),
              }),
            ]}
          >
            <Input.Password
              prefix={<LockOutlined />}
              autoComplete="new-password"
              size="large"
              data-testid="activate-confirm-password"
            />
          </Form.Item>
          <Button
            type="primary"
            htmlType="submit"
            block
            size="large"
            loading={activate.isPending}
            data-testid="activate-submit"
          >
            {t('activate.submit')}
          </Button>
        </Form>
        <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0, fontSize: 12 }}>
          {t('activate.help')}
        </Typography.Paragraph>
        <div style={{ marginTop: 8, textAlign: 'center' }}>
          <Link to="/login" data-testid="activate-to-login">
            {t('activate.toLogin')}
          </Link>
          {/* the manual's page on accounts: public, a teacher who cannot sign in yet can read it */}
          <Typography.Link href="/help/accounts" target="_blank" style={{ marginLeft: 16 }} data-testid="activate-help">
            {t('help.activate')}
          </Typography.Link>
        </div>
      </Card>
    </CenteredLayout>
  );
}
