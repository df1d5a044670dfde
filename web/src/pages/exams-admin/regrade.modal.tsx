import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Descriptions,
  Flex,
  InputNumber,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { examAdminApi, examAdminKeys, type Exam, type RegradeRow, type RegradeSummary } from '../../api/exam-admin';
import { useErrorMessage } from '../../lib/error-message';
import { formatHours } from '../../lib/hours';
import { formatPoints } from './exam-labels';

const pointsOrDash = (v: number | null) => (v === null ? '—' : formatPoints(v));

export interface PaperQuestionChoice {
  questionId: number;
  label: string;
}

/**
 * 重新评分 after a key correction: the question whose key was corrected in the bank, the difference it
 * makes (each attempt's score before and after, who passes or fails now), then the regrade itself, which
 * posts or takes back the exam's hours in the ledger.
 */
export function RegradeModal({
  exam,
  questions,
  onClose,
}: {
  exam: Exam;
  /** the paper's questions when known (a fixed paper); else the question's number is typed */
  questions: PaperQuestionChoice[];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const qc = useQueryClient();
  const [questionId, setQuestionId] = useState<number | undefined>();
  const preview = useMutation({
    mutationFn: (id: number) => examAdminApi.regradePreview(exam.id, id),
    onError: (err) => message.error(errorText(err)),
  });
  const apply = useMutation({
    mutationFn: (id: number) => examAdminApi.regrade(exam.id, id),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: examAdminKeys.all });
      void message.success(t('examAdmin.regrade.done', { changed: r.changed }));
      onClose();
    },
    onError: (err) => message.error(errorText(err)),
  });
  const summary: RegradeSummary | undefined = preview.data;
  const credits = exam.target === 'course' && exam.hours ? formatHours(exam.hours) : null;
  const ledgerText = summary
    ? credits && (summary.hoursPosted > 0 || summary.hoursReversed > 0)
      ? t('examAdmin.regrade.ledger', { posted: summary.hoursPosted, reversed: summary.hoursReversed, hours: credits })
      : t('examAdmin.regrade.noLedger')
    : '';
  return (
    <Modal
      open
      width={860}
      title={t('examAdmin.regrade.title')}
      onCancel={onClose}
      footer={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button
            type="primary"
            danger
            disabled={!summary || questionId === undefined || summary.changed === 0}
            loading={apply.isPending}
            onClick={() => questionId !== undefined && apply.mutate(questionId)}
            data-testid="regrade-apply"
          >
            {t('examAdmin.regrade.apply')}
          </Button>
        </Space>
      }
      destroyOnHidden
    >
      <Flex vertical gap={12} data-testid="regrade-dialog">
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t('examAdmin.regrade.hint')}
        </Typography.Paragraph>
        <Space wrap>
          {questions.length > 0 ? (
            <Select<number>
              style={{ width: 520 }}
              value={questionId}
              onChange={(v) => {
                setQuestionId(v);
                preview.reset();
              }}
              options={questions.map((q) => ({ value: q.questionId, label: q.label }))}
              placeholder={t('examAdmin.regrade.question')}
              data-testid="regrade-question"
            />
          ) : (
            <InputNumber
              min={1}
              precision={0}
              value={questionId}
              onChange={(v) => {
                setQuestionId(v ?? undefined);
                preview.reset();
              }}
              placeholder={t('examAdmin.regrade.questionNumber')}
              style={{ width: 200 }}
              data-testid="regrade-question"
            />
          )}
          <Button
            disabled={questionId === undefined}
            loading={preview.isPending}
            onClick={() => questionId !== undefined && preview.mutate(questionId)}
            data-testid="regrade-preview"
          >
            {t('examAdmin.regrade.preview')}
          </Button>
        </Space>
        {summary && (
          <>
            <Descriptions size="small" column={3} bordered>
              <Descriptions.Item label={t('examAdmin.regrade.versions')}>
                {t('examAdmin.regrade.versionMove', { from: summary.fromVersion, to: summary.toVersion })}
              </Descriptions.Item>
              <Descriptions.Item label={t('examAdmin.regrade.attempts')}>{summary.attempts}</Descriptions.Item>
              <Descriptions.Item label={t('examAdmin.regrade.changed')}>{summary.changed}</Descriptions.Item>
              <Descriptions.Item label={t('examAdmin.regrade.passedNow')}>{summary.passedNow}</Descriptions.Item>
              <Descriptions.Item label={t('examAdmin.regrade.failedNow')}>{summary.failedNow}</Descriptions.Item>
            </Descriptions>
            <Alert
              type={summary.changed === 0 ? 'info' : 'warning'}
              showIcon
              title={summary.changed === 0 ? t('examAdmin.regrade.nothing') : ledgerText}
              data-testid="regrade-ledger"
            />
            <Table<RegradeRow>
              size="small"
              rowKey="attemptId"
              dataSource={summary.rows}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              columns={[
                { title: t('examAdmin.regrade.teacher'), dataIndex: 'teacherName' },
                { title: t('examAdmin.regrade.before'), dataIndex: 'before', align: 'right', render: pointsOrDash },
                { title: t('examAdmin.regrade.after'), dataIndex: 'after', align: 'right', render: pointsOrDash },
                {
                  title: t('examAdmin.regrade.difference'),
                  key: 'd',
                  align: 'right',
                  render: (_, r) => {
                    if (r.after === null || r.before === null) return '—';
                    const d = Math.round((r.after - r.before) * 100) / 100;
                    return (
                      <Typography.Text type={d > 0 ? 'success' : d < 0 ? 'danger' : undefined}>
                        {d > 0 ? `+${formatPoints(d)}` : formatPoints(d)}
                      </Typography.Text>
                    );
                  },
                },
                {
                  title: t('examAdmin.regrade.standing'),
                  key: 's',
                  render: (_, r) =>
                    r.passedBefore === r.passedAfter ? (
                      <Tag>{t(r.passedAfter ? 'examAdmin.regrade.stillPassed' : 'examAdmin.regrade.stillFailed')}</Tag>
                    ) : r.passedAfter ? (
                      <Tag color="green">{t('examAdmin.regrade.nowPassed')}</Tag>
                    ) : (
                      <Tag color="red">{t('examAdmin.regrade.nowFailed')}</Tag>
                    ),
                },
              ]}
              data-testid="regrade-rows"
            />
          </>
        )}
      </Flex>
    </Modal>
  );
}
