/**
 * One ECharts chart drawn from an option object. Every chart of the app renders through this module,
 * which is loaded only where a chart is shown (the chart modules are imported with React.lazy), and
 * which takes from ECharts only the bar chart, grid, tooltip, legend and canvas renderer, so the rest
 * of the app never carries ECharts.
 */
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export type EChartOption = echarts.EChartsCoreOption;

export interface EChartProps {
  option: EChartOption;
  height: number;
  /** what the chart shows, for screen readers */
  label: string;
  testId?: string;
  /** the data index of a clicked bar */
  onPick?: (dataIndex: number) => void;
}

export default function EChart({ option, height, label, testId, onPick }: EChartProps) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const pick = useRef(onPick);
  pick.current = onPick;

  useEffect(() => {
    if (!el.current) return;
    const instance = echarts.init(el.current, undefined, { renderer: 'canvas' });
    chart.current = instance;
    instance.on('click', (params) => pick.current?.(params.dataIndex));
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(el.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, true);
  }, [option]);

  return <div ref={el} style={{ width: '100%', height }} data-testid={testId} role="img" aria-label={label} />;
}
