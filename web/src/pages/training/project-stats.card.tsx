import { DownloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import { App, Button, Card, Empty, Segmented, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { saveFile } from '../../api/client';
import { trainingApi, trainingKeys, type UnitStats } from '../../api/training.api';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { useErrorMessage } from '../../lib/error-message';

const BarChart = lazy(() => import('../../components/bar-chart'));

const pctText = (v: number | null) => (v === null ? '—' : `${v}%`);

/**
 * 参训统计: places, attendance and completion of a project by unit, as a chart and a table
 * (the organiser sees its child units; a unit below the organiser sees its own).
 */
export function ProjectStatsCard({ projectId }: { projectId: number }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const [view, setView] = useState<'places' | 'rates'>('places');
  const q = useQuery({
    queryKey: [...trainingKeys.project(projectId), 'stats'],
    queryFn: () => trainingApi.stats(projectId),
  });
  const exportSheet = useMutation({
    mutationFn: () => trainingApi.exportStats(projectId),
    onSuccess: (f) => saveFile(f, `training-stats-${projectId}.xlsx`),
    onError: (err) => message.error(errorText(err)),
  });
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <SectionSpin />;
  const { lines, total, base } = q.data;
  const columns: TableColumnsType<UnitStats> = [
    { title: t('training.stats.unit'), dataIndex: 'unitName', fixed: 'left', width: 180 },
    { title: t('training.stats.enrolled'), dataIndex: 'enrolled', align: 'right' },
    { title: t('training.stats.waitlisted'), dataIndex: 'waitlisted', align: 'right' },
    { title: t('training.stats.withdrawn'), dataIndex: 'withdrawn', align: 'right' },
    { title: t('training.stats.completed'), dataIndex: 'completed', align: 'right' },
    { title: t('training.stats.notCompleted'), dataIndex: 'notCompleted', align: 'right' },
    { title: t('training.stats.completionPct'), dataIndex: 'completionPct', align: 'right', render: pctText },
    { title: t('training.stats.attendancePct'), dataIndex: 'attendancePct', align: 'right', render: pctText },
  ];
  const names = lines.map((l) => l.unitName);
  const series =
    view === 'places'
      ? [
          { name: t('training.stats.completed'), color: '#52c41a', data: lines.map((l) => l.completed) },
          { name: t('training.stats.notCompleted'), color: '#ff4d4f', data: lines.map((l) => l.notCompleted) },
          {
            name: t('training.stats.inProgress'),
            color: '#1677ff',
            data: lines.map((l) => l.enrolled - l.completed - l.notCompleted),
          },
          { name: t('training.stats.waitlisted'), color: '#faad14', data: lines.map((l) => l.waitlisted) },
        ]
      : [
          { name: t('training.stats.attendancePct'), color: '#1677ff', data: lines.map((l) => l.attendancePct) },
          { name: t('training.stats.completionPct'), color: '#52c41a', data: lines.map((l) => l.completionPct) },
        ];
  return (
    <Card
      title={t('training.stats.title', { unit: base.name })}
      extra={
        <Button
          icon={<DownloadOutlined />}
          loading={exportSheet.isPending}
          onClick={() => exportSheet.mutate()}
          data-testid="export-stats"
        >
          {t('training.stats.export')}
        </Button>
      }
      data-testid="project-stats"
    >
      {lines.length === 0 ? (
        <Empty description={t('training.stats.none')} />
      ) : (
        <>
          <Segmented
            value={view}
            onChange={(v) => setView(v as 'places' | 'rates')}
            options={[
              { value: 'places', label: t('training.stats.byPlaces') },
              { value: 'rates', label: t('training.stats.byRates') },
            ]}
            style={{ marginBottom: 12 }}
          />
          <Suspense fallback={<SectionSpin />}>
            <BarChart
              categories={names}
              series={series}
              stacked={view === 'places'}
              max={view === 'rates' ? 100 : undefined}
              unit={view === 'rates' ? '%' : ''}
              label={t('training.stats.chartLabel')}
              testId="project-stats-chart"
            />
          </Suspense>
          <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
            {t('training.stats.hint')}
          </Typography.Paragraph>
          <Table<UnitStats>
            size="small"
            rowKey="unitId"
            columns={columns}
            dataSource={lines}
            pagination={false}
            scroll={{ x: 760 }}
            style={{ marginTop: 12 }}
            summary={() => (
              <Table.Summary.Row>
                <Table.Summary.Cell index={0}>
                  <Typography.Text strong>{t('training.stats.total')}</Typography.Text>
                </Table.Summary.Cell>
                {[
                  total.enrolled,
                  total.waitlisted,
                  total.withdrawn,
                  total.completed,
                  total.notCompleted,
                  pctText(total.completionPct),
                  pctText(total.attendancePct),
                ].map((v, i) => (
                  <Table.Summary.Cell key={i} index={i + 1} align="right">
                    <Typography.Text strong>{v}</Typography.Text>
                  </Table.Summary.Cell>
                ))}
              </Table.Summary.Row>
            )}
          />
        </>
      )}
    </Card>
  );
}
