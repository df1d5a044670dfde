/** Due against paid per paying unit for one fee. Load it with React.lazy: it brings ECharts with it. */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { DueLine } from '../../api/fees.api';
import BarChart from '../../components/bar-chart';
import { formatFen } from './fee-labels';

export default function FeeChart({ lines }: { lines: readonly DueLine[] }) {
  const { t } = useTranslation();
  // yuan on the axis (display only); the tooltip shows the exact amounts, back in fen
  const categories = useMemo(() => lines.map((l) => l.unitName), [lines]);
  const series = useMemo(
    () => [
      { name: t('fees.due'), color: '#bfbfbf', data: lines.map((l) => l.dueFen / 100) },
      { name: t('fees.paid'), color: '#52c41a', data: lines.map((l) => l.paidFen / 100) },
    ],
    [lines, t],
  );
  return (
    <BarChart
      categories={categories}
      series={series}
      format={(yuan) => formatFen(Math.round(yuan * 100))}
      label={t('fees.chartLabel')}
      testId="fee-chart"
    />
  );
}
