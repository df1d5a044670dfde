import { Alert, Progress, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CreditRollup } from '../../api/types';
import { formatDateTime } from '../../lib/format';

export type Freshness = CreditRollup['freshness'];

/** While a refresh of the statuses is queued or running the report is read again this often. */
export const REFRESH_POLL_MS = 3_000;

/**
 * How current the figures are: a refresh of the statuses under way (after a new year or a rule
 * change the figures mix old and new statuses until it ends) with its progress, statuses still from
 * before, and when the figures were read and the statuses last refreshed.
 */
export function FreshnessNotice({ freshness }: { freshness: Freshness }) {
  const { t } = useTranslation();
  const { refresh, staleTeachers, computedAt, lastRefreshAt } = freshness;
  const percent =
    refresh && refresh.total > 0 ? Math.min(100, Math.floor((refresh.progress * 100) / refresh.total)) : 0;
  return (
    <>
      {refresh && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 8 }}
          data-testid="report-refreshing"
          title={t(refresh.status === 'queued' ? 'creditReports.freshness.queued' : 'creditReports.freshness.running')}
          description={
            refresh.status === 'running' ? (
              <>
                <Progress percent={percent} size="small" status="active" />
                {t('creditReports.freshness.progress', { done: refresh.progress, total: refresh.total })}
              </>
            ) : undefined
          }
        />
      )}
      {!refresh && staleTeachers > 0 && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 8 }}
          data-testid="report-stale"
          title={t('creditReports.freshness.stale', { count: staleTeachers })}
        />
      )}
      <Typography.Text type="secondary" className="small-text" data-testid="report-computed-at">
        {t('creditReports.freshness.computedAt', { at: formatDateTime(computedAt) })}
        {lastRefreshAt && ` ${t('creditReports.freshness.lastRefresh', { at: formatDateTime(lastRefreshAt) })}`}
      </Typography.Text>
    </>
  );
}
