/** Candidates per score band as columns. Load it with React.lazy: it brings ECharts with it. */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExamStats } from '../../api/exam-stats.api';
import EChart, { type EChartOption } from '../../components/echart';

export default function DistributionChart({ bands }: { bands: ExamStats['distribution'] }) {
  const { t } = useTranslation();
  const option = useMemo<EChartOption>(
    () => ({
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        valueFormatter: (v: unknown) => (typeof v === 'number' ? t('examResults.people', { n: v }) : '—'),
      },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: bands.map((b) => `${b.from}–${b.to}`) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        {
          name: t('examResults.count'),
          type: 'bar',
          barMaxWidth: 48,
          itemStyle: { color: '#1677ff' },
          label: { show: true, position: 'top' },
          data: bands.map((b) => b.count),
        },
      ],
    }),
    [bands, t],
  );
  return (
    <EChart option={option} height={300} label={t('examResults.distributionChartLabel')} testId="exam-distribution" />
  );
}
