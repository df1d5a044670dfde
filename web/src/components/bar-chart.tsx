/**
 * A horizontal bar chart (stacked or side by side) over named categories, drawn by EChart. Load it
 * with React.lazy: it brings ECharts with it.
 */
import { useMemo } from 'react';
import EChart, { type EChartOption } from './echart';

export interface BarSeries {
  name: string;
  color?: string;
  /** one value per category, in the order of `categories` */
  data: Array<number | null>;
}

export interface BarChartProps {
  categories: readonly string[];
  series: readonly BarSeries[];
  /** stack the series into one bar per category */
  stacked?: boolean;
  /** the value axis ends here (e.g. 100 for per cents, 5 for ratings) */
  max?: number;
  /** shown after values in the tooltip, e.g. '%' */
  unit?: string;
  /** writes a value for the tooltip (instead of the value and `unit`) */
  format?: (value: number) => string;
  label: string;
  testId?: string;
  /** the index of a clicked category */
  onPick?: (index: number) => void;
}

export default function BarChart({
  categories,
  series,
  stacked = false,
  max,
  unit = '',
  format,
  label,
  testId,
  onPick,
}: BarChartProps) {
  const option = useMemo<EChartOption>(
    () => ({
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        valueFormatter: (v: unknown) => (typeof v !== 'number' ? '—' : format ? format(v) : `${v}${unit}`),
      },
      legend: series.length > 1 ? { top: 0, data: series.map((s) => s.name) } : undefined,
      grid: { left: 8, right: 24, top: series.length > 1 ? 36 : 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1, ...(max !== undefined ? { max } : {}) },
      // many categories: horizontal bars with names on the axis read better than slanted labels
      yAxis: {
        type: 'category',
        inverse: true,
        data: [...categories],
        axisLabel: { width: 140, overflow: 'truncate' },
      },
      series: series.map((s) => ({
        name: s.name,
        type: 'bar',
        barMaxWidth: 28,
        emphasis: { focus: 'series' },
        data: s.data,
        ...(stacked ? { stack: 'all' } : {}),
        ...(s.color ? { itemStyle: { color: s.color } } : {}),
      })),
    }),
    [categories, series, stacked, max, unit, format],
  );
  const height = Math.max(
    200,
    (series.length > 1 ? 60 : 30) + categories.length * (stacked ? 30 : 18 + 12 * series.length),
  );
  return <EChart option={option} height={height} label={label} testId={testId} onPick={onPick} />;
}
