/**
 * The stacked bar chart of the credit report. This module is loaded only when the chart is
 * shown (React.lazy), and it takes from ECharts only the bar chart, the grid, tooltip and
 * legend, and the canvas renderer, so the rest of the app never carries ECharts.
 */
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProgressStatus, RollupRow } from '../../api/types';
import { STATUS_COLORS } from '../../components/credit-labels';

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

const SERIES: ReadonlyArray<{ status: ProgressStatus; field: 'complete' | 'onTrack' | 'behind' | 'atRisk' }> = [
  { status: 'complete', field: 'complete' },
  { status: 'on_track', field: 'onTrack' },
  { status: 'behind', field: 'behind' },
  { status: 'at_risk', field: 'atRisk' },
];

/** Teachers by status per child unit; clicking a bar opens that unit. */
export default function StatusChart({ rows, onPick }: { rows: readonly RollupRow[]; onPick?: (orgUnitId: number) => void }) {
  const { t } = useTranslation();
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const pick = useRef(onPick);
  pick.current = onPick;

  useEffect(() => {
    if (!el.current) return;
    const instance = echarts.init(el.current, undefined, { renderer: 'canvas' });
    chart.current = instance;
    instance.on('click', (params) => {
      const row = rows[params.dataIndex];
      if (row) pick.current?.(row.orgUnitId);
    });
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(el.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
    // rows are bound to the click handler: a new set of rows makes a new chart
  }, [rows]);

  useEffect(() => {
    const instance = chart.current;
    if (!instance) return;
    // many units: horizontal bars with names on the axis read better than slanted labels
    instance.setOption(
      {
        color: SERIES.map((s) => STATUS_COLORS[s.status]),
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
        legend: { top: 0, data: SERIES.map((s) => t(`credits.status.${s.status}`)) },
        grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
        xAxis: { type: 'value', minInterval: 1 },
        yAxis: {
          type: 'category',
          inverse: true,
          data: rows.map((r) => r.name),
          axisLabel: { width: 120, overflow: 'truncate' },
        },
        series: SERIES.map((s) => ({
          name: t(`credits.status.${s.status}`),
          type: 'bar',
          stack: 'teachers',
          barMaxWidth: 28,
          emphasis: { focus: 'series' },
          data: rows.map((r) => r[s.field]),
        })),
      },
      true,
    );
  }, [rows, t]);

  const height = Math.max(220, 60 + rows.length * 30);
  return <div ref={el} style={{ width: '100%', height }} data-testid="credit-status-chart" role="img" aria-label={t('creditReports.chartLabel')} />;
}
