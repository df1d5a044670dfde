import { FormOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, List } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { surveyKeys, surveysApi } from '../../api/surveys.api';

/** On a teacher's timetable: the classes whose satisfaction survey awaits their answer (nothing when none). */
export function PendingSurveysCard() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: surveyKeys.pending, queryFn: () => surveysApi.pending() });
  if (!q.data?.items.length) return null;
  return (
    <Card size="small" title={t('surveys.pending.title')} data-testid="pending-surveys">
      <List
        dataSource={q.data.items}
        renderItem={(c) => (
          <List.Item
            actions={[
              <Link key="go" to={`/me/surveys/${c.classId}`}>
                <Button type="primary" size="small" icon={<FormOutlined />} data-testid="answer-survey">
                  {t('surveys.pending.answer')}
                </Button>
              </Link>,
            ]}
          >
            {c.projectTitle} · {c.className}
          </List.Item>
        )}
      />
    </Card>
  );
}
