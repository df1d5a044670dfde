import { useQuery } from '@tanstack/react-query';
import { Alert, Input, Modal, Space, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  attendanceApi,
  attendanceQueryKeys,
  type ClosePreview,
  type NotCompletedReason,
} from '../../api/attendance.api';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { useErrorMessage } from '../../lib/error-message';
import { formatDateTime } from '../../lib/format';
import { formatHours } from '../../lib/hours';

/** One reason a teacher does not complete, in the reader's language. */
export function useReasonText() {
  const { t } = useTranslation();
  return (r: NotCompletedReason): string => {
    switch (r.code) {
      case 'attendance':
        return t('training.close.reasonAttendance', { attended: r.attended, sessions: r.sessions, pct: r.requiredPct });
      case 'assessment':
        return t('training.close.reasonAssessment');
      case 'study_minutes':
        return t('training.close.reasonStudyMinutes', {
          title: r.title,
          counted: r.countedMinutes,
          required: r.requiredMinutes,
        });
      case 'homework':
        return t('training.close.reasonHomework');
      case 'posts':
        return t('training.close.reasonPosts', { counted: r.counted, required: r.required });
      case 'reflections':
        return t('training.close.reasonReflections', { counted: r.counted, required: r.required });
      default: {
        const never: never = r;
        return String(never);
      }
    }
  };
}

/**
 * The confirmation before a class is closed: what the close will post, computed by the server
 * as the close computes it — who completes (their hours go to the ledger) and who does not, with the
 * reason — and what stops afterwards. Before the last session has ended the organiser must give the
 * reason for closing early; it is kept on the class.
 */
export function ClassCloseModal({
  classId,
  open,
  pending,
  error,
  onConfirm,
  onCancel,
}: {
  classId: number;
  open: boolean;
  pending: boolean;
  error: unknown;
  onConfirm: (earlyCloseReason: string | undefined) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const errorText = useErrorMessage();
  const reasonText = useReasonText();
  const [reason, setReason] = useState('');
  // a fresh preview each time the dialog opens: attendance may have changed since
  const preview = useQuery({
    queryKey: attendanceQueryKeys.closePreview(classId),
    queryFn: () => attendanceApi.closePreview(classId),
    enabled: open,
    staleTime: 0,
    gcTime: 0,
  });
  useEffect(() => {
    if (open) setReason('');
  }, [open]);
  const p: ClosePreview | undefined = preview.data;
  const early = p !== undefined && !p.ended;
  const canConfirm = p !== undefined && p.status === 'open' && (!early || reason.trim() !== '');
  return (
    <Modal
      open={open}
      title={t('training.close.confirmTitle')}
      okText={t('training.close.confirm')}
      okButtonProps={{ danger: true, disabled: !canConfirm, 'data-testid': 'close-class-confirm' }}
      cancelText={t('common.cancel')}
      onOk={() => onConfirm(early ? reason.trim() : undefined)}
      onCancel={onCancel}
      confirmLoading={pending}
      width={720}
      destroyOnHidden
      data-testid="close-class-modal"
    >
      {preview.isError ? (
        <ErrorResult error={preview.error} onRetry={() => void preview.refetch()} />
      ) : !p ? (
        <SectionSpin />
      ) : (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Alert
            type="info"
            showIcon
            data-testid="close-class-summary"
            title={t('training.close.willPost', {
              count: p.toPost,
              hours: formatHours(p.hours),
              notCompleting: p.notCompleting.length,
            })}
            description={
              <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                {p.completing.length > p.toPost && (
                  <li>{t('training.close.alreadyPosted', { count: p.completing.length - p.toPost })}</li>
                )}
                {p.toReverse > 0 && <li>{t('training.close.willReverse', { count: p.toReverse })}</li>}
                <li>{t('training.close.afterwards')}</li>
              </ul>
            }
          />
          {error !== null && error !== undefined && <Alert type="error" showIcon title={errorText(error)} />}
          {early && (
            <Space orientation="vertical" style={{ width: '100%' }}>
              <Alert
                type="warning"
                showIcon
                title={t('training.close.early', { endsAt: formatDateTime(p.lastSessionEndsAt) })}
              />
              <Input.TextArea
                value={reason}
                maxLength={500}
                showCount
                rows={2}
                onChange={(e) => setReason(e.target.value)}
                placeholder={t('training.close.earlyReason')}
                aria-label={t('training.close.earlyReason')}
                data-testid="early-close-reason"
              />
            </Space>
          )}
          <Typography.Text strong>
            {t('training.close.completingTitle', { count: p.completing.length })}
          </Typography.Text>
          <Table
            size="small"
            rowKey="teacherId"
            pagination={{ pageSize: 8, hideOnSinglePage: true }}
            dataSource={p.completing}
            locale={{ emptyText: t('training.close.noneCompleting') }}
            data-testid="close-completing"
            columns={[
              { title: t('training.close.teacher'), dataIndex: 'teacherName' },
              {
                title: t('training.close.attendance'),
                render: (_, x) => t('training.close.attended', { attended: x.attended, sessions: x.sessions }),
              },
            ]}
          />
          <Typography.Text strong>
            {t('training.close.notCompletingTitle', { count: p.notCompleting.length })}
          </Typography.Text>
          <Table
            size="small"
            rowKey="teacherId"
            pagination={{ pageSize: 8, hideOnSinglePage: true }}
            dataSource={p.notCompleting}
            locale={{ emptyText: t('training.close.noneNotCompleting') }}
            data-testid="close-not-completing"
            columns={[
              { title: t('training.close.teacher'), dataIndex: 'teacherName' },
              { title: t('training.close.reason'), render: (_, x) => x.reasons.map(reasonText).join('；') },
            ]}
          />
        </Space>
      )}
    </Modal>
  );
}
