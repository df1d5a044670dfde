import { FileDoneOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Card, Flex, List, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { examKeys, examsApi, type MyExam } from '../../api/exams';
import { formatDateTime } from '../../lib/format';

/** An exam still to be sat: open now, with an attempt in progress or none used up and no result yet. */
function toSit(e: MyExam): boolean {
  return e.state === 'open' && (e.openAttemptId !== null || (e.result === null && e.attemptsUsed < e.attemptsAllowed));
}

/**
 * 待参加的考试 on a teacher's home page: the open exams not yet sat (or being sat), each one tap from its
 * entry or its attempt. Drawn only when there is one.
 */
export function OpenExamsCard() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: examKeys.mine, queryFn: examsApi.mine });
  const items = (q.data?.items ?? []).filter(toSit);
  if (items.length === 0) return null;
  return (
    <Card
      size="small"
      title={
        <Space>
          <FileDoneOutlined />
          {t('home.exams.title')}
        </Space>
      }
      extra={<Link to="/me/exams">{t('myExams.nav')}</Link>}
      data-testid="home-open-exams"
    >
      <List
        dataSource={items}
        renderItem={(e) => (
          <List.Item
            data-testid="home-open-exam"
            actions={[
              e.openAttemptId !== null ? (
                <Link key="go" to={`/exam-attempts/${e.openAttemptId}`}>
                  {t('home.exams.continue')}
                </Link>
              ) : (
                <Link key="go" to={`/exams/${e.id}/entry`}>
                  {t('home.exams.enter')}
                </Link>
              ),
            ]}
          >
            <Flex vertical style={{ minWidth: 0 }}>
              <Typography.Text strong className="wrap-anywhere">
                {e.title}
              </Typography.Text>
              <Typography.Text type="secondary" className="small-text">
                {t('home.exams.closes', { at: formatDateTime(e.closesAt) })}
              </Typography.Text>
            </Flex>
          </List.Item>
        )}
      />
    </Card>
  );
}
