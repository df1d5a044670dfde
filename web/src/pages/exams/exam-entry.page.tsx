import { ArrowLeftOutlined, ClockCircleOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Flex, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { isApiError } from '../../api/client';
import { type ExamMissing, examKeys, examsApi } from '../../api/exams';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { useErrorMessage } from '../../lib/error-message';
import { formatDateTime } from '../../lib/format';
import { Paragraphs } from '../study/study-labels';
import { missingText } from './exam-text';

/** Every item still missing, one line each. */
function MissingList({ missing, attemptsAllowed }: { missing: ExamMissing[]; attemptsAllowed: number }) {
  const { t } = useTranslation();
  return (
    <Alert
      type="warning"
      showIcon
      title={t('myExams.entry.cannotStart')}
      description={
        <ul style={{ margin: 0, paddingInlineStart: 20 }} data-testid="exam-missing">
          {missing.map((m, i) => (
            // the same code may come several times (one per study item)
            <li key={i} data-code={m.code}>
              {missingText(t, m, attemptsAllowed)}
            </li>
          ))}
        </ul>
      }
    />
  );
}

/**
 * An exam's entry on a teacher's phone: what it is, how long, how many questions and attempts, and either
 * every item still missing before it can be sat or the start (after a confirmation that the clock runs
 * from then on and cannot be paused). An attempt in progress is continued without asking.
 */
export default function ExamEntryPage() {
  const { t } = useTranslation();
  const examId = Number(useParams().id);
  const navigate = useNavigate();
  const qc = useQueryClient();
  const errorMessage = useErrorMessage();
  const [confirming, setConfirming] = useState(false);
  const q = useQuery({ queryKey: examKeys.entry(examId), queryFn: () => examsApi.entry(examId) });
  const start = useMutation({
    mutationFn: () => examsApi.start(examId),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: examKeys.all });
      void navigate(`/exam-attempts/${r.attemptId}`);
    },
    onError: () => {
      setConfirming(false);
      void q.refetch();
    },
  });
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <SectionSpin />;
  const { exam, canStart, missing, attemptsUsed, openAttemptId, lastAttemptId } = q.data;
  const refusedMissing =
    isApiError(start.error, 'EXAM_CANNOT_START') && Array.isArray(start.error.details?.['missing'])
      ? (start.error.details['missing'] as ExamMissing[])
      : null;
  const shownMissing = refusedMissing ?? missing;
  return (
    <Flex vertical gap={12}>
      <Link to="/me/exams">
        <ArrowLeftOutlined /> {t('myExams.title')}
      </Link>
      <Card size="small" title={<span className="wrap-anywhere">{exam.title}</span>} data-testid="exam-entry">
        <Flex vertical gap={6}>
          <Typography.Text type="secondary">{exam.orgUnitName}</Typography.Text>
          <Typography.Text>
            {t('myExams.entry.window', { from: formatDateTime(exam.opensAt), to: formatDateTime(exam.closesAt) })}
          </Typography.Text>
          <Typography.Text>
            <ClockCircleOutlined /> {t('myExams.entry.duration', { minutes: exam.durationMinutes })}
          </Typography.Text>
          <Typography.Text>
            {t('myExams.entry.questions', { count: exam.questionCount, max: exam.maxScore })}
          </Typography.Text>
          <Typography.Text>
            {t('myExams.entry.attempts', { used: attemptsUsed, allowed: exam.attemptsAllowed })}
          </Typography.Text>
        </Flex>
      </Card>
      {exam.instructions && (
        <Card size="small" title={t('myExams.entry.instructions')}>
          <Paragraphs text={exam.instructions} />
        </Card>
      )}
      <Alert type="info" showIcon title={t('myExams.entry.rules')} />
      {openAttemptId !== null ? (
        <Button
          type="primary"
          size="large"
          block
          onClick={() => void navigate(`/exam-attempts/${openAttemptId}`)}
          data-testid="exam-resume"
        >
          {t('myExams.entry.resume')}
        </Button>
      ) : canStart && !refusedMissing ? (
        <Button type="primary" size="large" block onClick={() => setConfirming(true)} data-testid="exam-start">
          {t('myExams.entry.start')}
        </Button>
      ) : (
        shownMissing.length > 0 && <MissingList missing={shownMissing} attemptsAllowed={exam.attemptsAllowed} />
      )}
      {lastAttemptId !== null && openAttemptId === null && (
        <Link to={`/exam-attempts/${lastAttemptId}/result`} data-testid="exam-last-result">
          <Button size="large" block>
            {t('myExams.viewResult')}
          </Button>
        </Link>
      )}
      {start.isError && !refusedMissing && <Alert type="error" showIcon title={errorMessage(start.error)} />}
      <Modal
        open={confirming}
        title={t('myExams.entry.confirmTitle')}
        okText={t('myExams.entry.confirmOk')}
        cancelText={t('common.cancel')}
        confirmLoading={start.isPending}
        onOk={() => start.mutate()}
        onCancel={() => setConfirming(false)}
        okButtonProps={{ size: 'large', 'data-testid': 'exam-start-confirm' }}
        cancelButtonProps={{ size: 'large' }}
      >
        <Typography.Paragraph data-testid="exam-start-modal">
          {t('myExams.entry.confirmBody', { minutes: exam.durationMinutes })}
        </Typography.Paragraph>
      </Modal>
    </Flex>
  );
}
