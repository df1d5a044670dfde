import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Col,
  Result,
  Row,
  Segmented,
  Space,
  Table,
  Tag,
  Typography,
  type TableColumnsType,
} from 'antd';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import {
  attendanceApi,
  attendanceQueryKeys,
  type AttendanceCodeKind,
  type AttendanceLine,
} from '../../api/attendance.api';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { PrintFormButton } from '../../components/print-form-button';
import { printFormsApi } from '../../api/print-forms.api';
import { ReasonModal } from '../../components/reason-modal';
import { formatDateTime } from '../../lib/format';

/** The QR code as an image: drawn in the browser, never sent anywhere. */
function useQrImage(text: string | undefined): string | null {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    if (!text) return;
    let live = true;
    QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 2, width: 640 }).then(
      (url) => live && setSrc(url),
      () => live && setSrc(null),
    );
    return () => {
      live = false;
    };
  }, [text]);
  return src;
}

/** Seconds left until `iso`, ticking every second. */
function useSecondsUntil(iso: string | undefined): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), 1_000);
    return () => window.clearInterval(id);
  }, []);
  return iso ? Math.max(0, Math.ceil((new Date(iso).getTime() - now) / 1_000)) : 0;
}

/**
 * The trainer's screen for one session: a big rotating QR code (check-in or check-out) that
 * teachers scan with their phones, and the live attendance list with corrections.
 */
export default function SessionQrPage() {
  const { t } = useTranslation();
  const sessionId = Number(useParams().id);
  const [kind, setKind] = useState<AttendanceCodeKind>('in');
  const queryClient = useQueryClient();
  const code = useQuery({
    queryKey: attendanceQueryKeys.code(sessionId, kind),
    queryFn: () => attendanceApi.code(sessionId, kind),
    enabled: sessionId > 0,
  });
  const list = useQuery({
    queryKey: attendanceQueryKeys.list(sessionId),
    queryFn: () => attendanceApi.list(sessionId),
    enabled: sessionId > 0,
    refetchInterval: 5_000,
  });
  const qr = useQrImage(code.data?.url);
  const secondsLeft = useSecondsUntil(code.data?.rotatesAt);
  const [correcting, setCorrecting] = useState<{ line: AttendanceLine; present: boolean } | null>(null);

  // the next code is fetched when this one is replaced (a code stays valid for one more window, so a late clock does no harm)
  const { refetch } = code;
  const rotatesAt = code.data?.rotatesAt;
  const classClosed = code.data?.session.classStatus === 'closed';
  useEffect(() => {
    // a closed class's codes no longer work: nothing to rotate
    if (!rotatesAt || classClosed) return;
    const delay = Math.min(30_000, Math.max(1_000, new Date(rotatesAt).getTime() - Date.now() + 250));
    const id = window.setTimeout(() => void refetch(), delay);
    return () => window.clearTimeout(id);
  }, [rotatesAt, refetch, classClosed]);

  const correct = useMutation({
    mutationFn: (v: { teacherId: number; present: boolean; reason: string }) =>
      attendanceApi.correct(sessionId, v.teacherId, { present: v.present, reason: v.reason }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: attendanceQueryKeys.list(sessionId) }),
  });

  if (code.isError) return <ErrorResult error={code.error} onRetry={() => void code.refetch()} />;
  if (!code.data) return <SectionSpin />;
  const session = code.data.session;
  const items = list.data?.items ?? [];
  const presentCount = items.filter((l) => l.present === true).length;
  const closed = session.classStatus === 'closed';

  const columns: TableColumnsType<AttendanceLine> = [
    // names and times are read whole: on a phone the table scrolls inside its card, the name kept in view
    { title: t('attendance.teacher'), dataIndex: 'teacherName', key: 'name', className: 'nowrap', fixed: 'left' },
    { title: t('attendance.school'), dataIndex: 'orgUnitName', key: 'school', responsive: ['md'] },
    {
      title: t('attendance.checkedInAt'),
      key: 'in',
      className: 'nowrap',
      render: (_, l) => formatDateTime(l.checkedInAt),
    },
    {
      title: t('attendance.checkedOutAt'),
      key: 'out',
      className: 'nowrap',
      render: (_, l) => formatDateTime(l.checkedOutAt),
    },
    {
      title: t('attendance.status'),
      key: 'status',
      render: (_, l) => (
        <Space size={4} wrap>
          {l.present === true ? (
            <Tag color="green">{t('attendance.present')}</Tag>
          ) : (
            <Tag>{t('attendance.absent')}</Tag>
          )}
          {l.method === 'manual' && (
            <Tag color="orange" title={l.reason ?? undefined}>
              {t('attendance.corrected', { name: l.correctedByName ?? '' })}
            </Tag>
          )}
        </Space>
      ),
    },
    {
      title: t('attendance.actions'),
      key: 'actions',
      render: (_, l) => (
        <Button
          size="small"
          disabled={closed}
          onClick={() => setCorrecting({ line: l, present: l.present !== true })}
          data-testid={`attendance-correct-${l.teacherId}`}
        >
          {l.present === true ? t('attendance.markAbsent') : t('attendance.markPresent')}
        </Button>
      ),
    },
  ];

  return (
    <div data-testid="session-qr-page">
      <Typography.Title level={3}>
        {session.projectTitle} · {session.className}
      </Typography.Title>
      <Typography.Paragraph type="secondary">
        {formatDateTime(session.startsAt)} – {formatDateTime(session.endsAt)}
        {session.place ? ` · ${session.place}` : ''}
      </Typography.Paragraph>
      {closed && <Alert type="info" showIcon title={t('attendance.classClosed')} style={{ marginBottom: 16 }} />}
      <Row gutter={[24, 24]}>
        <Col xs={24} lg={12}>
          <Card>
            {closed ? (
              <Result status="info" title={t('attendance.codeStopped')} data-testid="attendance-code-stopped" />
            ) : (
              <Space orientation="vertical" align="center" style={{ width: '100%' }}>
                <Segmented<AttendanceCodeKind>
                  value={kind}
                  onChange={setKind}
                  options={[
                    { value: 'in', label: t('attendance.kindIn') },
                    { value: 'out', label: t('attendance.kindOut') },
                  ]}
                />
                {qr ? (
                  <img
                    src={qr}
                    alt={t('attendance.qrAlt')}
                    className="attendance-qr"
                    style={{ width: '100%', maxWidth: 520, imageRendering: 'pixelated' }}
                    data-testid="attendance-qr"
                  />
                ) : (
                  <SectionSpin />
                )}
                <Typography.Text>{t('attendance.rotatesIn', { seconds: secondsLeft })}</Typography.Text>
                <Typography.Text type="secondary">
                  {t('attendance.acceptedWindow', {
                    from: formatDateTime(code.data.acceptedFrom),
                    until: formatDateTime(code.data.acceptedUntil),
                  })}
                </Typography.Text>
              </Space>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card
            title={t('attendance.listTitle', { present: presentCount, total: items.length })}
            extra={
              <PrintFormButton
                size="small"
                label={t('printForm.signInSheet')}
                file={(format) => printFormsApi.signInSheet(sessionId, format)}
                fileName={`${t('printForm.signInSheet')}-${session.className}`}
                testId="sign-in-sheet"
              />
            }
          >
            {list.isError ? (
              <ErrorResult error={list.error} onRetry={() => void list.refetch()} />
            ) : (
              <Table<AttendanceLine>
                rowKey="teacherId"
                size="small"
                loading={list.isPending}
                columns={columns}
                dataSource={items}
                pagination={false}
                scroll={{ x: 'max-content' }}
              />
            )}
          </Card>
        </Col>
      </Row>
      <ReasonModal
        open={correcting !== null}
        title={
          correcting
            ? t(correcting.present ? 'attendance.markPresentTitle' : 'attendance.markAbsentTitle', {
                name: correcting.line.teacherName,
              })
            : ''
        }
        label={t('attendance.reason')}
        okText={t('attendance.save')}
        onSubmit={(reason) =>
          correct.mutateAsync({
            teacherId: correcting!.line.teacherId,
            present: correcting!.present,
            reason: reason ?? '',
          })
        }
        onClose={() => setCorrecting(null)}
        data-testid="attendance-correct-modal"
      />
    </div>
  );
}
