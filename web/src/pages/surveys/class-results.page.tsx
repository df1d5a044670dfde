import { useQuery } from '@tanstack/react-query';
import { Card, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { surveyKeys, surveysApi } from '../../api/surveys.api';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { SurveyResultsView } from './survey-results.view';

/** /surveys/classes/:classId — a class's satisfaction figures, for its trainers and the organiser's admins. */
export default function ClassSurveyResultsPage() {
  const { t } = useTranslation();
  const classId = Number(useParams().classId);
  const q = useQuery({
    queryKey: surveyKeys.classResults(classId),
    queryFn: () => surveysApi.classResults(classId),
    enabled: Number.isInteger(classId),
  });
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <SectionSpin />;
  const r = q.data;
  return (
    <Card
      title={
        <Space wrap>
          {t('surveys.results.classTitle')}
          <Typography.Text type="secondary">
            {r.projectTitle} · {r.className}
          </Typography.Text>
          {r.classStatus === 'closed' && <Tag>{t('attendance.mySessions.closed')}</Tag>}
        </Space>
      }
    >
      <SurveyResultsView
        results={r.results}
        minAnswersForDetail={r.minAnswersForDetail}
        testId="survey-class-results"
        withheld={r.released ? undefined : { release: r.release, windowClosesAt: r.windowClosesAt }}
      />
    </Card>
  );
}
