import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Input, Modal, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { attendanceApi, type CloseResult } from '../../api/attendance.api';
import { trainingKeys, type ClassDetail } from '../../api/training.api';
import { useErrorMessage } from '../../lib/error-message';
import { formatDateTime } from '../../lib/format';
import { ClassCloseModal, useReasonText } from './class-close.modal';

/**
 * Closing a class: teachers who met the completion rule get the project's hours in the
 * ledger, once; the others are listed with the reason. The close is confirmed in a dialog that shows
 * both lists first (and asks why, before the last session has ended). A closed class can be
 * reopened to correct attendance or assessments, then closed again.
 */
export function ClassCloseCard({ cls, projectId }: { cls: ClassDetail; projectId: number }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const [result, setResult] = useState<CloseResult | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [reopening, setReopening] = useState(false);
  const [reason, setReason] = useState('');
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trainingKeys.project(projectId) });
  const close = useMutation({
    mutationFn: (earlyCloseReason: string | undefined) => attendanceApi.close(cls.id, earlyCloseReason),
    onSuccess: (r) => {
      setConfirming(false);
      setResult(r);
      refresh();
    },
  });
  const reopen = useMutation({
    mutationFn: () => attendanceApi.reopen(cls.id, reason.trim()),
    onSuccess: () => {
      setReopening(false);
      setReason('');
      refresh();
      void message.success(t('training.close.reopened'));
    },
    onError: (err) => message.error(errorText(err)),
  });
  const reasonText = useReasonText();
  return (
    <Card size="small" title={t('training.close.title')} data-testid="class-close">
      <Space wrap>
        <Tag color={cls.status === 'closed' ? 'default' : 'green'}>{t(`training.close.status.${cls.status}`)}</Tag>
        {cls.status === 'open' ? (
          <Button
            type="primary"
            onClick={() => {
              close.reset();
              setConfirming(true);
            }}
            data-testid="close-class"
          >
            {t('training.close.close')}
          </Button>
        ) : (
          <Button onClick={() => setReopening(true)} data-testid="reopen-class">
            {t('training.close.reopen')}
          </Button>
        )}
        <Typography.Text type="secondary">{t('training.close.hint')}</Typography.Text>
      </Space>
      {cls.status === 'closed' && cls.earlyCloseReason && (
        <Alert
          type="warning"
          showIcon
          style={{ marginTop: 12 }}
          data-testid="early-close-note"
          title={t('training.close.closedEarly', { at: formatDateTime(cls.closedAt) })}
          description={cls.earlyCloseReason}
        />
      )}
      <ClassCloseModal
        classId={cls.id}
        open={confirming}
        pending={close.isPending}
        error={close.error}
        onConfirm={(r) => close.mutate(r)}
        onCancel={() => setConfirming(false)}
      />
      <Modal
        open={result !== null}
        title={t('training.close.resultTitle')}
        footer={null}
        onCancel={() => setResult(null)}
        width={640}
      >
        {result && (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Alert
              type="success"
              showIcon
              message={t('training.close.summary', {
                enrolled: result.enrolled,
                completed: result.completed,
                posted: result.posted,
                reversed: result.reversed,
              })}
            />
            {result.projectClosed && <Alert type="info" showIcon message={t('training.close.projectClosed')} />}
            {result.problems.length > 0 && (
              <Alert
                type="warning"
                showIcon
                message={t('training.close.problems', { count: result.problems.length })}
              />
            )}
            {result.teachersNotCompleted.length > 0 && (
              <Table
                size="small"
                rowKey="teacherId"
                pagination={{ pageSize: 10 }}
                dataSource={result.teachersNotCompleted}
                columns={[
                  { title: t('training.close.teacher'), dataIndex: 'teacherName' },
                  { title: t('training.close.reason'), render: (_, x) => x.reasons.map(reasonText).join('；') },
                ]}
              />
            )}
          </Space>
        )}
      </Modal>
      <Modal
        open={reopening}
        title={t('training.close.reopen')}
        onCancel={() => setReopening(false)}
        onOk={() => reopen.mutate()}
        okButtonProps={{ disabled: reason.trim() === '' }}
        confirmLoading={reopen.isPending}
      >
        <Input.TextArea
          value={reason}
          maxLength={500}
          onChange={(e) => setReason(e.target.value)}
          placeholder={t('training.close.reopenReason')}
        />
      </Modal>
    </Card>
  );
}
