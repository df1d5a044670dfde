/** The stacked bar chart of the credit report. Load it with React.lazy: it brings ECharts with it. */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProgressStatus, RollupRow } from '../../api/types';
import BarChart from '../../components/bar-chart';
import { STATUS_COLORS } from '../../components/credit-labels';

const SERIES: ReadonlyArray<{
  status: ProgressStatus;
  field: 'complete' | 'onTrack' | 'behind' | 'belowYearly' | 'atRisk';
}> = [
  { status: 'complete', field: 'complete' },
  { status: 'on_track', field: 'onTrack' },
  { status: 'behind', field: 'behind' },
  { status: 'below_yearly', field: 'belowYearly' },
  { status: 'at_risk', field: 'atRisk' },
];

/** Teachers by status per child unit; clicking a bar opens that unit. */
export default function StatusChart({
  rows,
  onPick,
}: {
  rows: readonly RollupRow[];
  onPick?: (orgUnitId: number) => void;
}) {
  const { t } = useTranslation();
  const categories = useMemo(() => rows.map((r) => r.name), [rows]);
  const series = useMemo(
    () =>
      SERIES.map((s) => ({
        name: t(`credits.status.${s.status}`),
        color: STATUS_COLORS[s.status],
        data: rows.map((r) => r[s.field]),
      })),
    [rows, t],
  );
  return (
    <BarChart
      categories={categories}
      series={series}
      stacked
      label={t('creditReports.chartLabel')}
      testId="credit-status-chart"
      onPick={(i) => {
        const row = rows[i];
        if (row) onPick?.(row.orgUnitId);
      }}
    />
  );
}
