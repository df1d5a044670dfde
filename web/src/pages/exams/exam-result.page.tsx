import { ArrowLeftOutlined, CheckCircleFilled, CloseCircleFilled } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Flex, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { examKeys, examsApi, type ResultQuestion } from '../../api/exams';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { formatDateTime } from '../../lib/format';
import { Paragraphs } from '../study/study-labels';
import { LevelTag } from './exam-labels';
import { answerText } from './exam-text';

/** A figure of the result: its name above, the value large. */
function Figure({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <Flex vertical gap={2} style={{ minWidth: 96 }} data-testid={testId}>
      <Typography.Text type="secondary" className="small-text">
        {label}
      </Typography.Text>
      <Typography.Text strong style={{ fontSize: 20 }}>
        {children}
      </Typography.Text>
    </Flex>
  );
}

function QuestionResult({ q, keyShown }: { q: ResultQuestion; keyShown: boolean }) {
  const { t } = useTranslation();
  const full = q.earned !== null && q.earned >= q.points;
  const none = q.earned !== null && q.earned <= 0;
  return (
    <Card size="small" data-testid="exam-result-question" data-position={q.position}>
      <Flex vertical gap={6}>
        <Flex justify="space-between" align="center" gap={8}>
          <Typography.Text type="secondary">
            {q.position + 1}. {t(`myExams.sit.kinds.${q.kind}`)}
          </Typography.Text>
          {q.earned === null ? (
            <Tag>{t('myExams.result.notMarked')}</Tag>
          ) : (
            <Tag
              color={full ? 'green' : none ? 'red' : 'orange'}
              icon={full ? <CheckCircleFilled /> : none ? <CloseCircleFilled /> : undefined}
            >
              {t('myExams.result.earned', { earned: q.earned, points: q.points })}
            </Tag>
          )}
        </Flex>
        <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', margin: 0 }}>
          {q.stem}
        </Typography.Paragraph>
        {q.options.length > 0 && (
          <Flex vertical gap={2}>
            {q.options.map((o) => (
              <Typography.Text key={o.key} className="wrap-anywhere">
                {o.key}. {o.text}
              </Typography.Text>
            ))}
          </Flex>
        )}
        <Typography.Text data-testid="exam-result-your-answer">
          {t('myExams.result.yourAnswer')}：{answerText(t, q.kind, q.yourAnswer)}
        </Typography.Text>
        {keyShown && (
          <Typography.Text type="success" data-testid="exam-result-key">
            {t('myExams.result.key')}：{answerText(t, q.kind, q.key)}
          </Typography.Text>
        )}
        {q.explanation && (
          <div>
            <Typography.Text type="secondary">{t('myExams.result.explanation')}：</Typography.Text>
            <Paragraphs text={q.explanation} />
          </div>
        )}
      </Flex>
    </Card>
  );
}

/**
 * The result of an attempt on a teacher's phone: score, 等级 (优秀 … 不合格), passed or not, what still waits
 * for a marker, and, when the exam shows them, each question with the answer given, the key and the
 * explanation.
 */
export default function ExamResultPage() {
  const { t } = useTranslation();
  const attemptId = Number(useParams().id);
  const [params] = useSearchParams();
  const q = useQuery({ queryKey: examKeys.result(attemptId), queryFn: () => examsApi.result(attemptId) });
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <SectionSpin />;
  const { attempt: a, result: r, questions } = q.data;
  const timeUp = params.get('timeUp') === '1' || a.submittedHow === 'time_up';
  return (
    <Flex vertical gap={12}>
      <Link to="/me/exams">
        <ArrowLeftOutlined /> {t('myExams.result.back')}
      </Link>
      <Typography.Title level={4} style={{ margin: 0 }} className="wrap-anywhere">
        {a.title}
      </Typography.Title>
      {timeUp && <Alert type="warning" showIcon title={t('myExams.result.timeUpNotice')} data-testid="exam-time-up" />}
      {a.status === 'open' && <Alert type="info" showIcon title={t('myExams.result.notSubmitted')} />}
      <Card size="small" title={t('myExams.result.title')} data-testid="exam-result">
        <Flex wrap gap={16}>
          <Figure label={t('myExams.result.score')} testId="exam-result-score">
            {a.score === null ? '—' : t('myExams.result.scoreOf', { score: a.score, max: a.maxScore })}
          </Figure>
          {a.examScore !== null && <Figure label={t('myExams.result.examScore')}>{a.examScore}</Figure>}
          {r?.composite !== null && r?.composite !== undefined && (
            <Figure label={t('myExams.result.composite')}>{r.composite}</Figure>
          )}
          {r?.level && (
            <Figure label={t('myExams.result.level')}>
              <LevelTag level={r.level} />
            </Figure>
          )}
          {r && (
            <Figure label={t('myExams.result.outcome')} testId="exam-result-passed">
              <Tag color={r.passed ? 'success' : 'error'}>{r.passed ? t('myExams.passed') : t('myExams.failed')}</Tag>
            </Figure>
          )}
        </Flex>
        <Flex vertical gap={4} style={{ marginTop: 12 }}>
          {a.pendingMarks > 0 && (
            <Alert type="info" showIcon title={t('myExams.result.pending', { count: a.pendingMarks })} />
          )}
          {a.submittedAt && (
            <Typography.Text type="secondary" className="small-text">
              {t('myExams.result.submittedAt')}：{formatDateTime(a.submittedAt)}
              {a.submittedHow === 'time_up' ? `（${t('myExams.result.timeUp')}）` : ''}
            </Typography.Text>
          )}
          {r?.credited && <Tag color="blue">{t('myExams.result.credited')}</Tag>}
        </Flex>
      </Card>
      {questions.length > 0 && (
        <>
          <Typography.Title level={5} style={{ margin: 0 }}>
            {t('myExams.result.details')}
          </Typography.Title>
          {!q.data.answersShown && (
            <Typography.Text type="secondary">{t('myExams.result.answersHidden')}</Typography.Text>
          )}
          {questions.map((x) => (
            <QuestionResult key={x.position} q={x} keyShown={q.data.answersShown && x.key !== null} />
          ))}
        </>
      )}
    </Flex>
  );
}
