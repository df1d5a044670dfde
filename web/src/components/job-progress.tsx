import { Alert, Flex, Progress, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Job } from '../api/types';
import { percentOf } from '../lib/hours';

/**
 * A background job as a progress bar: waiting, running (done of total), finished or failed.
 * `label` says what the job does ("正在重新计算教师状态"); `doneLabel`, when given, replaces it
 * once the job has finished ("试算完成" rather than "正在试算 · 已完成").
 */
export function JobProgress({
  job,
  label,
  doneLabel,
  'data-testid': testId,
}: {
  job: Job | undefined;
  label: string;
  doneLabel?: string;
  'data-testid'?: string;
}) {
  const { t, i18n } = useTranslation();
  if (!job) {
    return (
      <Flex vertical gap={4} data-testid={testId}>
        <Typography.Text>{label}</Typography.Text>
        <Progress percent={0} status="active" showInfo={false} />
      </Flex>
    );
  }
  if (job.status === 'failed') {
    const key = job.errorCode ? `errors.${job.errorCode}` : '';
    return (
      <Alert
        type="error"
        showIcon
        title={t('jobs.failed', { label })}
        description={key && i18n.exists(key) ? t(key) : undefined}
        data-testid={testId}
      />
    );
  }
  const done = job.status === 'done';
  const percent = done ? 100 : percentOf(job.progress, job.total);
  if (done && doneLabel) {
    return (
      <Flex vertical gap={4} data-testid={testId} data-status={job.status}>
        <Typography.Text>{doneLabel}</Typography.Text>
        <Progress percent={100} status="success" />
      </Flex>
    );
  }
  return (
    <Flex vertical gap={4} data-testid={testId} data-status={job.status}>
      <Typography.Text>
        {label}
        {' · '}
        <Typography.Text type="secondary">
          {done
            ? t('jobs.done')
            : job.status === 'queued'
              ? t('jobs.queued')
              : job.total > 0
                ? t('jobs.running', { done: job.progress, total: job.total })
                : t('jobs.starting')}
        </Typography.Text>
      </Typography.Text>
      <Progress percent={percent} status={done ? 'success' : 'active'} />
    </Flex>
  );
}
