import { RightOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Card, Empty, Flex, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { studyApi, studyKeys } from '../../api/study.api';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { StudyWindowTag } from './study-window';

/** 在线学习: a teacher's online classes (those they hold a place in), each opening its course outline. */
export default function MyStudyPage() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: studyKeys.mine, queryFn: studyApi.mine });
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  return (
    <Flex vertical gap={12}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('study.mine.title')}
      </Typography.Title>
      {!q.data ? (
        <SectionSpin />
      ) : q.data.items.length === 0 ? (
        <Empty description={t('study.mine.empty')} />
      ) : (
        q.data.items.map((c) => (
          <Link key={c.classId} to={`/me/study/${c.classId}`} data-testid="my-study-class">
            <Card size="small" hoverable>
              <Flex justify="space-between" align="center" gap={8}>
                <Flex vertical gap={4} style={{ minWidth: 0 }}>
                  <Typography.Text strong className="wrap-anywhere">
                    {c.courseTitle}
                  </Typography.Text>
                  <Typography.Text type="secondary" className="small-text wrap-anywhere">
                    {c.projectTitle} · {c.className}
                  </Typography.Text>
                  <Flex wrap gap={4} align="center">
                    <StudyWindowTag {...c} />
                    <Typography.Text type="secondary" className="small-text">
                      {t('study.totals', { items: c.itemCount, minutes: c.requiredMinutes })}
                    </Typography.Text>
                  </Flex>
                </Flex>
                <RightOutlined />
              </Flex>
            </Card>
          </Link>
        ))
      )}
    </Flex>
  );
}
