/**
 * Pass and excellence rates per unit as bars, with the exam's R-37 targets as lines across them. Load it
 * with React.lazy: it brings ECharts with it (and the mark-line part of ECharts, which only this chart uses).
 */
import { MarkLineComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExamStatsLine } from '../../api/exam-stats.api';
import EChart, { type EChartOption } from '../../components/echart';

echarts.use([MarkLineComponent]);

export default function RatesChart({
  units,
  targets,
  onPick,
}: {
  units: readonly ExamStatsLine[];
  targets: { excellentShare?: number; competentShare?: number };
  onPick?: (unitId: number) => void;
}) {
  const { t } = useTranslation();
  const option = useMemo<EChartOption>(() => {
    const target = (value: number | undefined, name: string, color: string) =>
      value === undefined
        ? undefined
        : {
            symbol: 'none',
            lineStyle: { color, type: 'dashed' },
            label: { formatter: `${name} ${value}%`, position: 'start' },
            data: [{ xAxis: value }],
          };
    return {
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        // an empty denominator is "—", never 0 %
        valueFormatter: (v: unknown) => (typeof v === 'number' ? `${v}%` : '—'),
      },
      legend: { top: 0 },
      grid: { left: 8, right: 40, top: 56, bottom: 8, containLabel: true },
      xAxis: { type: 'value', max: 100 },
      yAxis: {
        type: 'category',
        inverse: true,
        data: units.map((u) => u.unitName),
        axisLabel: { width: 140, overflow: 'truncate' },
      },
      series: [
        {
          name: t('examResults.passRate'),
          type: 'bar',
          barMaxWidth: 20,
          itemStyle: { color: '#52c41a' },
          data: units.map((u) => u.passRate),
          markLine: target(targets.competentShare, t('examResults.competentTarget'), '#389e0d'),
        },
        {
          name: t('examResults.excellentRate'),
          type: 'bar',
          barMaxWidth: 20,
          itemStyle: { color: '#1677ff' },
          data: units.map((u) => u.excellentRate),
          markLine: target(targets.excellentShare, t('examResults.excellentTarget'), '#0958d9'),
        },
      ],
    };
  }, [units, targets, t]);
  return (
    <EChart
      option={option}
      height={Math.max(240, 80 + units.length * 44)}
      label={t('examResults.ratesChartLabel')}
      testId="exam-rates-chart"
      onPick={(i) => {
        const u = units[i];
        if (u) onPick?.(u.unitId);
      }}
    />
  );
}
