import { useMutation } from '@tanstack/react-query';
import { Button, Result, Spin, Typography } from 'antd';
import { type ReactNode, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { attendanceApi } from '../../api/attendance.api';
import { isApiError } from '../../api/client';
import { CenteredLayout } from '../../layout/centered-layout';
import { useErrorMessage } from '../../lib/error-message';
import { formatDateTime } from '../../lib/format';

/**
 * What a teacher's phone opens after scanning the trainer's QR code (`/checkin?t=…`): checks in (or
 * out) at once and says so in large type. Logging in first returns here (the route guard keeps `next`).
 */
export default function CheckinPage() {
  const { t } = useTranslation();
  const errorMessage = useErrorMessage();
  const [params] = useSearchParams();
  const token = params.get('t') ?? '';
  const scan = useMutation({ mutationFn: (tok: string) => attendanceApi.scan(tok) });
  const sent = useRef<string | null>(null);
  const { mutate } = scan;

  useEffect(() => {
    // once per code (a second scan would be harmless, but the answer should not flicker)
    if (!token || sent.current === token) return;
    sent.current = token;
    mutate(token);
  }, [token, mutate]);

  let body: ReactNode;
  if (!token) {
    body = <Result status="warning" title={t('attendance.noToken')} subTitle={t('attendance.scanAgainHint')} />;
  } else if (scan.isError) {
    // the window's times are in the server's wording (already in this language)
    const message = isApiError(scan.error, 'CHECKIN_OUTSIDE_WINDOW') ? scan.error.message : errorMessage(scan.error);
    body = (
      <Result
        status="error"
        title={t('attendance.scanFailed')}
        subTitle={message}
        extra={<Typography.Text type="secondary">{t('attendance.scanAgainHint')}</Typography.Text>}
        data-testid="checkin-error"
      />
    );
  } else if (scan.data) {
    const d = scan.data;
    const at = d.kind === 'in' ? d.checkedInAt : d.checkedOutAt;
    body = (
      <Result
        status="success"
        title={t(d.kind === 'in' ? 'attendance.checkedIn' : 'attendance.checkedOut', { name: d.teacherName })}
        subTitle={
          <>
            <div>
              {d.session.projectTitle} · {d.session.className}
            </div>
            <div>{t('attendance.at', { time: formatDateTime(at) })}</div>
          </>
        }
        extra={
          <Link to="/">
            <Button>{t('attendance.home')}</Button>
          </Link>
        }
        data-testid="checkin-success"
      />
    );
  } else {
    body = (
      <div style={{ textAlign: 'center', padding: 48 }}>
        <Spin size="large" />
        <Typography.Paragraph style={{ marginTop: 16 }}>{t('attendance.checkingIn')}</Typography.Paragraph>
      </div>
    );
  }
  return <CenteredLayout>{body}</CenteredLayout>;
}
