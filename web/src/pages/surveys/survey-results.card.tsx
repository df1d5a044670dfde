import { DownloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Card, Empty, Space, Table, Tabs, Typography } from 'antd';
import { lazy, Suspense, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError, saveFile } from '../../api/client';
import { surveyKeys, surveysApi, type ProjectSurveyResults } from '../../api/surveys.api';
import { SectionSpin } from '../../components/page-states';
import { useErrorMessage } from '../../lib/error-message';
import type { EChartOption } from '../../components/echart';
import { SurveyEditor } from './survey-editor';
import { percent, SurveyResultsView, useQuestionLabel } from './survey-results.view';
import { formatDate } from '../../lib/format';

const SurveyChart = lazy(() => import('../../components/echart'));

/** The mean of each rating question per class, side by side (classes with too few answers stay empty). */
function classComparisonOption(
  r: ProjectSurveyResults['results'],
  label: (q: { zh: string; en: string }) => string,
): EChartOption {
  const rated = r.overall.questions.filter((q) => q.kind === 'rating');
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0, type: 'scroll', data: rated.map(label) },
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    xAxis: {
      type: 'category',
      data: r.classes.map((c) => c.className),
      axisLabel: { width: 100, overflow: 'truncate', interval: 0 },
    },
    yAxis: { type: 'value', min: 0, max: 5, interval: 1 },
    series: rated.map((q) => ({
      name: label(q),
      type: 'bar',
      barMaxWidth: 18,
      data: r.classes.map((c) => c.results.questions.find((x) => x.key === q.key)?.mean ?? null),
    })),
  };
}

function ProjectResults({ projectId }: { projectId: number }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const label = useQuestionLabel();
  const q = useQuery({
    queryKey: surveyKeys.projectResults(projectId),
    queryFn: () => surveysApi.projectResults(projectId),
  });
  const download = useMutation({
    mutationFn: () => surveysApi.exportProject(projectId),
    onSuccess: (file) => saveFile(file, t('surveys.exportFileName', { title: q.data?.projectTitle ?? projectId })),
    onError: (err) => message.error(errorMessage(err)),
  });
  const option = useMemo(() => (q.data ? classComparisonOption(q.data.results, label) : null), [q.data, label]);
  if (q.isError) return <Alert type="error" showIcon message={errorMessage(q.error)} />;
  if (!q.data) return <SectionSpin />;
  const { results, minAnswersForDetail, release } = q.data;
  const shownClasses = results.classes.filter((c) => c.results.detailShown).length;
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="survey-project-results">
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Text>
          {t('surveys.results.projectSummary', {
            answers: results.answers,
            enrolled: results.enrolled,
            rate: percent(results.responseRate),
          })}
        </Typography.Text>
        <Button
          icon={<DownloadOutlined />}
          loading={download.isPending}
          onClick={() => download.mutate()}
          data-testid="survey-export"
        >
          {t('surveys.export')}
        </Button>
      </Space>
      {results.classesWithheld > 0 && (
        <Alert
          type="info"
          showIcon
          data-testid="survey-withheld"
          message={
            release.after === 'min_answers' && release.minAnswers !== null
              ? t('surveys.release.classesWithheldOrAnswers', { count: results.classesWithheld, n: release.minAnswers })
              : t('surveys.release.classesWithheld', { count: results.classesWithheld })
          }
        />
      )}
      {results.classesHidden > 0 && (
        <Alert
          type="info"
          showIcon
          message={t('surveys.results.classesHidden', { count: results.classesHidden, n: minAnswersForDetail })}
        />
      )}
      {results.classes.length === 0 ? (
        <Empty description={t('surveys.results.noClasses')} />
      ) : (
        <Table
          size="small"
          rowKey="classId"
          pagination={false}
          dataSource={results.classes}
          scroll={{ x: true }}
          columns={[
            {
              title: t('surveys.results.class'),
              render: (_, c) => <Link to={`/surveys/classes/${c.classId}`}>{c.className}</Link>,
            },
            { title: t('surveys.results.answers'), render: (_, c) => `${c.results.answers} / ${c.enrolled}` },
            { title: t('surveys.results.rate'), render: (_, c) => percent(c.results.responseRate) },
            {
              title: t('surveys.results.overallMean'),
              render: (_, c) => {
                if (!c.released) {
                  const when = c.windowClosesAt
                    ? t('surveys.release.on', { date: formatDate(c.windowClosesAt) })
                    : t('surveys.release.afterClassCloses');
                  return <Typography.Text type="secondary">{t('surveys.release.short', { when })}</Typography.Text>;
                }
                if (!c.results.detailShown)
                  return <Typography.Text type="secondary">{t('surveys.results.tooFew')}</Typography.Text>;
                const means = c.results.questions.flatMap((x) =>
                  x.kind === 'rating' && x.mean !== null ? [x.mean] : [],
                );
                return means.length ? (means.reduce((a, b) => a + b, 0) / means.length).toFixed(2) : '—';
              },
            },
          ]}
        />
      )}
      {option && shownClasses > 0 && (
        <Card size="small" title={t('surveys.results.comparison')}>
          <Suspense fallback={<SectionSpin />}>
            <SurveyChart
              option={option}
              height={320}
              label={t('surveys.results.comparison')}
              testId="survey-class-chart"
            />
          </Suspense>
        </Card>
      )}
      <Card size="small" title={t('surveys.results.overallTitle')}>
        <SurveyResultsView results={results.overall} minAnswersForDetail={minAnswersForDetail} />
      </Card>
    </Space>
  );
}

/**
 * 满意度调查 on a project's page: the results (per class, compared, and over the project) and the
 * questionnaire. Shown to administrators allowed to read the results; hidden from everyone else.
 */
export function SurveyResultsCard({ projectId }: { projectId: number }) {
  const { t } = useTranslation();
  const form = useQuery({
    queryKey: surveyKeys.form(projectId),
    queryFn: () => surveysApi.form(projectId),
    retry: false,
  });
  if (form.isError) {
    // not the reader's business (a school admin reading a county's project, a trainer): no card at all
    if (form.error instanceof ApiError && (form.error.status === 403 || form.error.status === 404)) return null;
    return (
      <Card title={t('surveys.title')}>
        <Alert type="error" showIcon message={t('common.loadFailed')} />
      </Card>
    );
  }
  return (
    <Card title={t('surveys.title')} data-testid="survey-card">
      {!form.data ? (
        <SectionSpin />
      ) : (
        <Tabs
          destroyOnHidden
          items={[
            { key: 'results', label: t('surveys.tabs.results'), children: <ProjectResults projectId={projectId} /> },
            {
              key: 'questions',
              label: t('surveys.tabs.questions'),
              children: <SurveyEditor projectId={projectId} form={form.data} />,
            },
          ]}
        />
      )}
    </Card>
  );
}
