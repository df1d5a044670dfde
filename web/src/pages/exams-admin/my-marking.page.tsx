import { Card, Empty, List, Space, Tag, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { examAdminApi, examAdminKeys } from '../../api/exam-admin';
import { ErrorResult, SectionSpin } from '../../components/page-states';

/** 阅卷: the exams with essays waiting for the reader's mark (named marker, or the organiser's admin). */
export default function MyMarkingPage() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: examAdminKeys.myMarking, queryFn: () => examAdminApi.myMarking() });
  return (
    <Card title={t('examAdmin.myMarking.title')} data-testid="my-marking">
      {q.isPending ? (
        <SectionSpin />
      ) : q.isError ? (
        <ErrorResult error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        (() => {
          const data = q.data;
          return data.items.length === 0 ? (
            <Empty description={t('examAdmin.myMarking.empty')} />
          ) : (
            <List
              dataSource={data.items}
              renderItem={(x) => (
                <List.Item
                  actions={[
                    <Link key="mark" to={`/exams/${x.examId}/marking`} data-testid="my-marking-open">
                      {t('examAdmin.myMarking.open')}
                    </Link>,
                  ]}
                >
                  <List.Item.Meta
                    title={x.title}
                    description={
                      <Space wrap>
                        <Typography.Text type="secondary">{x.orgUnitName}</Typography.Text>
                        <Tag color="blue">{t('examAdmin.myMarking.pending', { count: x.pending })}</Tag>
                        {x.disputed > 0 && (
                          <Tag color="orange">{t('examAdmin.myMarking.disputed', { count: x.disputed })}</Tag>
                        )}
                        {x.named && <Tag>{t('examAdmin.myMarking.named')}</Tag>}
                      </Space>
                    }
                  />
                </List.Item>
              )}
            />
          );
        })()
      )}
    </Card>
  );
}
