import { useQuery } from '@tanstack/react-query';
import { Card, Empty, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { surveyKeys, surveysApi, type UnitSurveySummary } from '../../api/surveys.api';
import { SectionSpin } from '../../components/page-states';
import { percent, useQuestionLabel } from './survey-results.view';

type Line = UnitSurveySummary['projects'][number];

/**
 * What the teachers said about a unit's projects of a year (R-43: the survey feeds the next plan):
 * one line a project with its response rate and the mean of each rating, next to the plan being written.
 */
export function SurveySummaryCard({ orgUnitId, year }: { orgUnitId: number; year: number }) {
  const { t } = useTranslation();
  const label = useQuestionLabel();
  const q = useQuery({
    queryKey: surveyKeys.unitSummary(orgUnitId, year),
    queryFn: () => surveysApi.unitSummary(orgUnitId, year),
  });
  if (q.isError) return null;
  if (!q.data) return <SectionSpin />;
  const lines = q.data.projects;
  const ratings = lines[0]?.means ?? [];
  const columns: TableColumnsType<Line> = [
    {
      title: t('surveys.summary.project'),
      dataIndex: 'projectTitle',
      render: (title: string, l) => <Link to={`/training/${l.projectId}?tab=survey`}>{title}</Link>,
    },
    {
      title: t('surveys.summary.answers'),
      key: 'answers',
      align: 'right',
      render: (_v, l) => `${l.answers} / ${l.enrolled}`,
    },
    {
      title: t('surveys.summary.rate'),
      dataIndex: 'responseRate',
      align: 'right',
      render: (v: number | null) => percent(v),
    },
    ...ratings.map((r) => ({
      title: label(r),
      key: r.key,
      align: 'right' as const,
      render: (_v: unknown, l: Line) => l.means.find((m) => m.key === r.key)?.mean ?? '—',
    })),
  ];
  return (
    <Card size="small" title={t('surveys.summary.title', { year })} data-testid="survey-summary">
      {lines.length === 0 ? (
        <Empty description={t('surveys.summary.none', { year })} />
      ) : (
        <>
          <Typography.Paragraph type="secondary">
            {t('surveys.summary.hint', { n: q.data.minAnswersForDetail })}
            {lines.some((l) => l.classesWithheld > 0) && ` ${t('surveys.release.summaryWithheld')}`}
          </Typography.Paragraph>
          <Table<Line>
            size="small"
            rowKey="projectId"
            columns={columns}
            dataSource={lines}
            pagination={false}
            scroll={{ x: 640 }}
          />
        </>
      )}
    </Card>
  );
}
