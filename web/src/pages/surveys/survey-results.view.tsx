import { Alert, Card, Col, Empty, List, Row, Space, Statistic, Table, Typography } from 'antd';
import { lazy, Suspense, useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  ClassRelease,
  QuestionResult,
  ResultsRelease,
  SurveyQuestion,
  SurveyResults,
} from '../../api/surveys.api';
import { formatDate } from '../../lib/format';
import { SectionSpin } from '../../components/page-states';
import type { EChartOption } from '../../components/echart';

const SurveyChart = lazy(() => import('../../components/echart'));

/** 1 (red) … 5 (green): the five ratings of a distribution bar. */
export const RATING_COLORS = ['#cf1322', '#fa8c16', '#fadb14', '#95de64', '#389e0d'];

/** The label of a question in the UI language. */
export function useQuestionLabel(): (q: Pick<SurveyQuestion, 'zh' | 'en'>) => string {
  const { i18n } = useTranslation();
  const english = i18n.language === 'en';
  return useCallback((q) => (english ? q.en : q.zh), [english]);
}

export const percent = (rate: number | null) => (rate === null ? '—' : `${Math.round(rate * 1000) / 10}%`);

/** How many gave each rating, one stacked bar per rating question. */
export function distributionOption(
  questions: QuestionResult[],
  label: (q: QuestionResult) => string,
  ratingName: (n: number) => string,
): EChartOption {
  const rated = questions.filter((q) => q.kind === 'rating' && q.distribution);
  return {
    color: RATING_COLORS,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0, data: [1, 2, 3, 4, 5].map(ratingName) },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', inverse: true, data: rated.map(label), axisLabel: { width: 96, overflow: 'truncate' } },
    series: [0, 1, 2, 3, 4].map((i) => ({
      name: ratingName(i + 1),
      type: 'bar',
      stack: 'ratings',
      barMaxWidth: 24,
      data: rated.map((q) => q.distribution![i]),
    })),
  };
}

/**
 * What a class whose figures wait shows instead: they come once its answer window closes (with the
 * date when the class has closed), or from the organiser's number of answers on.
 */
export function WithheldNotice({
  release,
  windowClosesAt,
}: {
  release: ResultsRelease;
  windowClosesAt: ClassRelease['windowClosesAt'];
}) {
  const { t } = useTranslation();
  const when = windowClosesAt
    ? t('surveys.release.on', { date: formatDate(windowClosesAt) })
    : t('surveys.release.afterClassCloses');
  const text =
    release.after === 'min_answers' && release.minAnswers !== null
      ? t('surveys.release.withheldOrAnswers', { when, n: release.minAnswers })
      : t('surveys.release.withheld', { when });
  return <Alert type="info" showIcon message={text} data-testid="survey-withheld" />;
}

/**
 * One survey's figures: answers and response rate, the mean and distribution of each rating
 * question, and the free-text answers (ordered by their text). Below the threshold only counts.
 */
export function SurveyResultsView({
  results,
  minAnswersForDetail,
  testId,
  withheld,
}: {
  results: SurveyResults;
  minAnswersForDetail: number;
  testId?: string;
  /** the figures wait for the answer window: say so instead of "too few answers" */
  withheld?: { release: ResultsRelease; windowClosesAt: string | null };
}) {
  const { t } = useTranslation();
  const label = useQuestionLabel();
  const option = useMemo(
    () => distributionOption(results.questions, label, (n) => t('surveys.ratingN', { n })),
    [results, label, t],
  );
  const rated = results.questions.filter((q) => q.kind === 'rating');
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid={testId}>
      <Row gutter={16}>
        <Col xs={12} md={6}>
          <Statistic title={t('surveys.results.answers')} value={results.answers} suffix={`/ ${results.enrolled}`} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('surveys.results.rate')} value={percent(results.responseRate)} />
        </Col>
      </Row>
      {withheld ? (
        <WithheldNotice release={withheld.release} windowClosesAt={withheld.windowClosesAt} />
      ) : !results.detailShown ? (
        <Alert
          type="info"
          showIcon
          message={t('surveys.results.hidden', { n: minAnswersForDetail })}
          data-testid="survey-hidden"
        />
      ) : (
        <>
          <Table
            size="small"
            rowKey="key"
            pagination={false}
            dataSource={rated}
            columns={[
              { title: t('surveys.results.question'), render: (_, q) => label(q) },
              {
                title: t('surveys.results.mean'),
                dataIndex: 'mean',
                render: (m: number | null) => (m === null ? '—' : m.toFixed(2)),
              },
              { title: t('surveys.results.answered'), dataIndex: 'answered' },
            ]}
          />
          <Suspense fallback={<SectionSpin />}>
            <SurveyChart
              option={option}
              height={Math.max(200, 60 + rated.length * 36)}
              label={t('surveys.results.distributionChart')}
              testId="survey-distribution-chart"
            />
          </Suspense>
          {results.texts.map((group) => {
            const q = results.questions.find((x) => x.key === group.key);
            return (
              <Card key={group.key} size="small" title={q ? label(q) : group.key}>
                {group.items.length === 0 ? (
                  <Empty description={t('surveys.results.noTexts')} />
                ) : (
                  <List
                    size="small"
                    dataSource={group.items}
                    renderItem={(text) => (
                      <List.Item>
                        <Typography.Text style={{ whiteSpace: 'pre-wrap' }}>{text}</Typography.Text>
                      </List.Item>
                    )}
                  />
                )}
              </Card>
            );
          })}
          <Typography.Text type="secondary">{t('surveys.results.textOrder')}</Typography.Text>
        </>
      )}
    </Space>
  );
}
