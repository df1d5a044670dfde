import { CheckCircleOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Card, List, Progress, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { studySessionApi, studySessionKeys } from '../../api/study-session.api';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { shortfallText } from './shortfall-text';

/**
 * A teacher's own standing in an online course: how far the minutes of the items are, and what is still
 * missing before the course counts (the same list the tutor sees and the class's close applies).
 */
export function MyStudyProgress({ classId }: { classId: number }) {
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: studySessionKeys.myProgress(classId),
    queryFn: () => studySessionApi.myProgress(classId),
  });
  if (q.isPending) return <SectionSpin />;
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  const row = q.data.rows[0];
  if (!row) return null;
  const required = q.data.items.reduce((a, i) => a + i.requiredMinutes, 0);
  const counted = q.data.items.reduce((a, i) => a + Math.min(i.requiredMinutes, row.minutes[String(i.id)] ?? 0), 0);
  return (
    <Card size="small" title={t('studyProgress.mine.title')} data-testid="my-study-progress">
      <Typography.Text>{t('studyProgress.mine.minutes', { counted, required })}</Typography.Text>
      <Progress percent={required > 0 ? Math.floor((counted / required) * 100) : 100} size="small" />
      {row.complete ? (
        <Alert type="success" showIcon icon={<CheckCircleOutlined />} message={t('studyProgress.mine.complete')} />
      ) : (
        <List
          size="small"
          header={
            <Typography.Text strong>
              {t('studyProgress.mine.missing', { closesOn: q.data.studyClosesOn })}
            </Typography.Text>
          }
          dataSource={row.shortfalls}
          renderItem={(x) => <List.Item data-testid="my-shortfall">{shortfallText(t, x)}</List.Item>}
        />
      )}
    </Card>
  );
}
