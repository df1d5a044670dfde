import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Empty, Space, Statistic, Table, Tabs, Tag } from 'antd';
import type { TableColumnsType } from 'antd';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { type PersonResult, spotCheckKeys, spotChecksApi, type UnitResult } from '../../api/spot-checks.api';
import { DownloadButton } from '../../components/download-button';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { pct } from './spot-check-labels';

const BarChart = lazy(() => import('../../components/bar-chart'));

const LEVEL_COLOR: Record<string, string> = {
  excellent: 'green',
  good: 'cyan',
  pass: 'blue',
  basic: 'gold',
  fail: 'red',
};

/** The results of a spot-check per unit and per person, best first, with rates, a chart and the sheet. */
export default function SpotCheckResultsCard({ id }: { id: number }) {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: spotCheckKeys.results(id), queryFn: () => spotChecksApi.results(id) });
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <SectionSpin />;
  const r = q.data;
  const score = (v: number | null) => (v === null ? '—' : v);

  const unitColumns: TableColumnsType<UnitResult> = [
    { title: t('spotChecks.results.rank'), dataIndex: 'rank', width: 60, render: (v: number | null) => v ?? '—' },
    { title: t('spotChecks.unit'), dataIndex: 'unitName' },
    { title: t('spotChecks.results.drawn'), dataIndex: 'drawn', align: 'right' },
    { title: t('spotChecks.results.assessed'), dataIndex: 'assessed', align: 'right' },
    { title: t('spotChecks.results.absent'), dataIndex: 'absent', align: 'right' },
    { title: t('spotChecks.results.mean'), dataIndex: 'meanComposite', align: 'right', render: score },
    { title: t('spotChecks.results.passRate'), dataIndex: 'passRate', align: 'right', render: pct },
    { title: t('spotChecks.results.excellentRate'), dataIndex: 'excellentRate', align: 'right', render: pct },
  ];
  const personColumns: TableColumnsType<PersonResult> = [
    { title: t('spotChecks.results.rank'), dataIndex: 'rank', width: 60, render: (v: number | null) => v ?? '—' },
    { title: t('spotChecks.results.name'), dataIndex: 'name' },
    { title: t('spotChecks.unit'), dataIndex: 'unitName', responsive: ['md'] },
    { title: t('spotChecks.results.school'), dataIndex: 'schoolName', responsive: ['lg'] },
    { title: t('spotChecks.results.examScore'), dataIndex: 'examScore', align: 'right', render: score },
    {
      title: t('spotChecks.results.composite'),
      dataIndex: 'composite',
      align: 'right',
      render: (v: number | null) => v ?? t('spotChecks.results.absentMark'),
    },
    {
      title: t('spotChecks.results.level'),
      dataIndex: 'level',
      render: (v: PersonResult['level']) => (v ? <Tag color={LEVEL_COLOR[v]}>{t(`spotChecks.levels.${v}`)}</Tag> : '—'),
    },
  ];

  return (
    <Card
      title={t('spotChecks.results.title')}
      data-testid="spot-check-results"
      extra={
        <DownloadButton
          file={() => spotChecksApi.resultsXlsx(id)}
          fileName={`spot-check-${id}-results.xlsx`}
          data-testid="spot-check-results-xlsx"
        >
          {t('spotChecks.results.export')}
        </DownloadButton>
      }
    >
      <Space direction="vertical" style={{ width: '100%' }} size="middle">
        {!r.published && <Alert type="warning" showIcon message={t('spotChecks.results.preview')} />}
        {!r.exam && <Alert type="info" showIcon message={t('spotChecks.results.noExam')} />}
        <Space wrap size="large">
          <Statistic title={t('spotChecks.results.drawn')} value={r.overall.drawn} />
          <Statistic title={t('spotChecks.results.assessed')} value={r.overall.assessed} />
          <Statistic title={t('spotChecks.results.passRate')} value={pct(r.overall.passRate)} />
          <Statistic title={t('spotChecks.results.excellentRate')} value={pct(r.overall.excellentRate)} />
        </Space>
        <Tabs
          items={[
            {
              key: 'units',
              label: t('spotChecks.results.byUnit'),
              children: (
                <Space direction="vertical" style={{ width: '100%' }}>
                  {r.units.some((u) => u.assessed > 0) && (
                    <Suspense fallback={<SectionSpin />}>
                      <BarChart
                        label={t('spotChecks.results.chart')}
                        categories={r.units.map((u) => u.unitName)}
                        series={[
                          { name: t('spotChecks.results.passRate'), data: r.units.map((u) => u.passRate) },
                          { name: t('spotChecks.results.excellentRate'), data: r.units.map((u) => u.excellentRate) },
                        ]}
                        max={100}
                        unit="%"
                        testId="spot-check-chart"
                      />
                    </Suspense>
                  )}
                  <Table<UnitResult>
                    rowKey="unitId"
                    size="small"
                    columns={unitColumns}
                    dataSource={r.units}
                    pagination={r.units.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
                    scroll={{ x: 'max-content' }}
                    locale={{ emptyText: <Empty /> }}
                    data-testid="spot-check-unit-results"
                  />
                </Space>
              ),
            },
            {
              key: 'people',
              label: t('spotChecks.results.byPerson'),
              children: (
                <Table<PersonResult>
                  rowKey="listKey"
                  size="small"
                  columns={personColumns}
                  dataSource={r.people}
                  pagination={r.people.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
                  scroll={{ x: 'max-content' }}
                  locale={{ emptyText: <Empty /> }}
                  data-testid="spot-check-person-results"
                />
              ),
            },
          ]}
        />
      </Space>
    </Card>
  );
}
