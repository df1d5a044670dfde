import { RightOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Card, Empty, Flex, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { examKeys, examsApi, type MyExam } from '../../api/exams';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { formatDateTime } from '../../lib/format';
import { ExamStateTag, LevelTag } from './exam-labels';

const ORDER: Record<MyExam['state'], number> = { open: 0, upcoming: 1, closed: 2 };

/**
 * Where a card of the list leads: the attempt in progress; the last result once no attempt can be started
 * (closed, or none left); else the entry page (which links the last result too).
 */
function examLink(e: MyExam): string {
  if (e.openAttemptId !== null) return `/exam-attempts/${e.openAttemptId}`;
  if (e.lastAttemptId !== null && (e.state === 'closed' || e.attemptsUsed >= e.attemptsAllowed))
    return `/exam-attempts/${e.lastAttemptId}/result`;
  return `/exams/${e.id}/entry`;
}

function ExamCard({ e }: { e: MyExam }) {
  const { t } = useTranslation();
  const r = e.result;
  return (
    <Link to={examLink(e)} data-testid="my-exam" data-exam={e.id}>
      <Card size="small" hoverable>
        <Flex justify="space-between" align="center" gap={8}>
          <Flex vertical gap={4} style={{ minWidth: 0 }}>
            <Typography.Text strong className="wrap-anywhere">
              {e.title}
            </Typography.Text>
            <Typography.Text type="secondary" className="small-text wrap-anywhere">
              {e.orgUnitName}
            </Typography.Text>
            <Typography.Text type="secondary" className="small-text">
              {t('myExams.window', { from: formatDateTime(e.opensAt), to: formatDateTime(e.closesAt) })}
            </Typography.Text>
            <Typography.Text type="secondary" className="small-text">
              {t('myExams.facts', { minutes: e.durationMinutes, used: e.attemptsUsed, allowed: e.attemptsAllowed })}
            </Typography.Text>
            <Flex wrap gap={4} align="center">
              <ExamStateTag state={e.state} />
              {e.openAttemptId !== null && <Tag color="orange">{t('myExams.inProgress')}</Tag>}
              {r?.level && <LevelTag level={r.level} />}
              {r?.passed === true && <Tag color="success">{t('myExams.passed')}</Tag>}
              {r?.passed === false && <Tag color="error">{t('myExams.failed')}</Tag>}
              {r && r.pendingMarks > 0 && <Tag>{t('myExams.pendingMarks', { count: r.pendingMarks })}</Tag>}
            </Flex>
          </Flex>
          <Flex vertical align="end" gap={4}>
            {r?.examScore !== null && r?.examScore !== undefined && (
              <Typography.Text strong style={{ fontSize: 18 }} data-testid="my-exam-score">
                {r.examScore}
              </Typography.Text>
            )}
            <RightOutlined />
          </Flex>
        </Flex>
      </Card>
    </Link>
  );
}

/** 我的考试: a teacher's exams, open ones first, then upcoming, then closed with their results. */
export default function MyExamsPage() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: examKeys.mine, queryFn: examsApi.mine });
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  const items = q.data ? [...q.data.items].sort((a, b) => ORDER[a.state] - ORDER[b.state]) : [];
  return (
    <Flex vertical gap={12}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('myExams.title')}
      </Typography.Title>
      {!q.data ? (
        <SectionSpin />
      ) : items.length === 0 ? (
        <Empty description={t('myExams.empty')} />
      ) : (
        items.map((e) => <ExamCard key={e.id} e={e} />)
      )}
    </Flex>
  );
}
