import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Breadcrumb, Card, Checkbox, Empty, Flex, Select, Space, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { lazy, Suspense, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { creditReportsApi, type RollupQuery, type TeacherStatusQuery } from '../../api/credit-reports.api';
import { orgUnitsApi } from '../../api/org-units.api';
import { queryKeys } from '../../api/query-keys';
import {
  ATTENTION_STATUSES,
  PROGRESS_STATUSES,
  type ProgressStatus,
  type RollupCounts,
  type RollupRow,
  type TeacherStatusRow,
} from '../../api/types';
import { useCurrentUser } from '../../auth/session';
import { ProgressStatusTag, VerificationResultTag } from '../../components/credit-labels';
import { DownloadButton } from '../../components/download-button';
import { ListTable, ListToolbar, useListQuery, useListSearch } from '../../components/list-page';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { formatHours, formatRate } from '../../lib/hours';
import { toPositiveInt } from '../../lib/use-search-state';
import { CycleSelect } from '../credits/cycle-select';
import { cycleYears, useCycles } from '../credits/use-cycles';
import { FreshnessNotice, REFRESH_POLL_MS } from './freshness-notice';

// ECharts is big: its chunk is fetched only when the chart is about to be drawn.
const StatusChart = lazy(() => import('./status-chart'));

const SEARCH_KEYS = ['unit', 'cycle', 'year', 'status', 'nv', 'page'] as const;
/** 需要关注: behind on the finished years, below this year's minimum, or at risk in the last year. */
const DEFAULT_STATUSES: readonly ProgressStatus[] = ATTENTION_STATUSES;
/** Units drawn in the chart at most: the ones with most teachers needing attention. */
const CHART_ROWS = 30;

type Row = RollupRow & { isTotal?: boolean };

/** Where in the tree the report stands: from the admin's own unit down to the one shown. */
function Trail({ unitId, onPick }: { unitId: number; onPick: (id: number) => void }) {
  const me = useCurrentUser();
  const detail = useQuery({
    queryKey: queryKeys.orgUnit(unitId),
    queryFn: () => orgUnitsApi.get(unitId),
    staleTime: 60_000,
  });
  if (!detail.data) return null;
  // the breadcrumb ends with the unit itself
  const crumbs = detail.data.breadcrumb;
  const from = crumbs.findIndex((c) => c.id === me.orgUnit.id);
  const shown = from >= 0 ? crumbs.slice(from) : crumbs.slice(-1);
  return (
    <Breadcrumb
      style={{ marginBottom: 12 }}
      items={shown.map((c, i) => ({
        title:
          i < shown.length - 1 ? (
            <a
              href={`?unit=${c.id}`}
              onClick={(e) => {
                e.preventDefault();
                onPick(c.id);
              }}
            >
              {c.name}
            </a>
          ) : (
            c.name
          ),
      }))}
      data-testid="report-trail"
    />
  );
}

/**
 * A teacher's hours of one year in the report: below the yearly minimum (the current year's, when
 * given) in red with what is missing, and the year's verification once the school submitted it.
 */
function YearCell({
  hours,
  minimum,
  verification,
}: {
  hours: number;
  minimum: number | null;
  verification: TeacherStatusRow['verifications'][number]['result'] | undefined;
}) {
  const { t } = useTranslation();
  const short = minimum !== null && hours < minimum;
  return (
    <Flex vertical align="end" gap={2}>
      <Typography.Text type={short ? 'danger' : undefined} data-testid={short ? 'report-year-short' : undefined}>
        {formatHours(hours)}
        {short && ` · ${t('creditReports.shortOf', { hours: formatHours(minimum - hours) })}`}
      </Typography.Text>
      {verification && <VerificationResultTag result={verification} />}
    </Flex>
  );
}

/**
 * 学时统计: completion and verification per child unit of the admin's area, drilled
 * down by clicking a unit, with a chart of statuses, the teachers behind or at risk, and exports.
 */
export default function CreditReportPage() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const { search, setSearch, paging } = useListSearch(SEARCH_KEYS);
  const { list: cycleList, cycles, cycle } = useCycles(toPositiveInt(search.cycle, 0) || undefined);
  const unitId = toPositiveInt(search.unit, me.orgUnit.id);
  const years = cycle ? cycleYears(cycle) : [];
  const requestedYear = toPositiveInt(search.year, 0);
  const year = years.includes(requestedYear) ? requestedYear : undefined;
  const statuses = useMemo(() => {
    const picked = (search.status ?? '')
      .split(',')
      .filter((s): s is ProgressStatus => PROGRESS_STATUSES.includes(s as ProgressStatus));
    return picked.length > 0 ? picked : [...DEFAULT_STATUSES];
  }, [search.status]);

  const rollupQuery: RollupQuery = { orgUnitId: unitId, cycleId: cycle?.id, year };
  const rollup = useQuery({
    queryKey: queryKeys.creditRollup(rollupQuery),
    queryFn: () => creditReportsApi.rollup(rollupQuery),
    enabled: cycle !== undefined,
    placeholderData: keepPreviousData,
    // while the statuses are being refreshed the figures move: read them again until it ends
    refetchInterval: (q) => (q.state.data?.freshness.refresh ? REFRESH_POLL_MS : false),
  });
  // the teachers the year's verification did not verify need attention too (unless unticked: nv=0)
  const verificationYear = year ?? rollup.data?.year;
  const withNotVerified = search.nv !== '0';
  const teachersQuery: TeacherStatusQuery = {
    orgUnitId: unitId,
    cycleId: cycle?.id,
    status: statuses,
    notVerifiedIn: withNotVerified ? verificationYear : undefined,
    page: paging.page,
    pageSize: paging.pageSize,
  };
  const teachers = useListQuery(
    queryKeys.creditTeachers(teachersQuery),
    () => creditReportsApi.teachers(teachersQuery),
    cycle !== undefined,
  );

  const drill = (id: number) => setSearch({ unit: id === me.orgUnit.id ? undefined : String(id) });

  const chartRows = useMemo(() => {
    const rows = rollup.data?.rows ?? [];
    if (rows.length <= CHART_ROWS) return rows;
    const attention = (r: RollupRow) => r.behind + r.belowYearly + r.atRisk;
    return [...rows].sort((a, b) => attention(b) - attention(a)).slice(0, CHART_ROWS);
  }, [rollup.data]);

  if (cycleList.isPending) return <SectionSpin />;
  if (cycleList.isError) return <ErrorResult error={cycleList.error} onRetry={() => void cycleList.refetch()} />;
  if (!cycle) {
    return (
      <Card>
        <Typography.Title level={3}>{t('creditReports.title')}</Typography.Title>
        <Empty description={t('creditRegister.noCycle')} />
      </Card>
    );
  }

  const data = rollup.data;
  const thisYear = teachers.data?.thisYear ?? null;
  const reportYear = data?.year ?? year;
  const rows: Row[] = data
    ? [
        ...data.rows,
        { ...data.total, orgUnitId: -1, name: t('creditReports.total'), kind: data.unit.kind, isTotal: true },
      ]
    : [];
  const drillable = (r: Row) => !r.isTotal && r.orgUnitId !== unitId;

  const columns: TableColumnsType<Row> = [
    {
      title: t('creditReports.unit'),
      dataIndex: 'name',
      fixed: 'left',
      render: (name: string, r) =>
        drillable(r) ? (
          <a
            href={`?unit=${r.orgUnitId}`}
            onClick={(e) => {
              e.preventDefault();
              drill(r.orgUnitId);
            }}
            data-testid="report-drill"
          >
            {name}
          </a>
        ) : (
          <Typography.Text strong={r.isTotal}>{name}</Typography.Text>
        ),
    },
    { title: t('creditReports.teachers'), dataIndex: 'teachers', align: 'right' },
    { title: t('creditReports.inScope'), dataIndex: 'inScope', align: 'right', responsive: ['md'] },
    { title: t('credits.status.complete'), dataIndex: 'complete', align: 'right' },
    { title: t('credits.status.on_track'), dataIndex: 'onTrack', align: 'right', responsive: ['md'] },
    { title: t('credits.status.behind'), dataIndex: 'behind', align: 'right' },
    { title: t('credits.status.below_yearly'), dataIndex: 'belowYearly', align: 'right' },
    { title: t('credits.status.at_risk'), dataIndex: 'atRisk', align: 'right' },
    {
      title: t('creditReports.completionRate'),
      key: 'completionRate',
      align: 'right',
      render: (_, r: RollupCounts) => formatRate(r.complete, r.inScope),
    },
    {
      title: t('creditReports.countedHours'),
      dataIndex: 'countedHours',
      align: 'right',
      responsive: ['lg'],
      render: (h: number) => formatHours(h),
    },
    {
      title: t('creditReports.verificationRate', { year: reportYear ?? '' }),
      key: 'verificationRate',
      align: 'right',
      render: (_, r: RollupCounts) => (
        <span title={t('creditReports.verifiedOf', { verified: r.verified, teachers: r.verificationTeachers })}>
          {formatRate(r.verified, r.verificationTeachers)}
        </span>
      ),
    },
    { title: t('creditReports.schoolsSignedOff'), dataIndex: 'schoolsSignedOff', align: 'right', responsive: ['lg'] },
  ];

  const teacherColumns: TableColumnsType<TeacherStatusRow> = [
    {
      title: t('teachers.fields.name'),
      dataIndex: 'name',
      fixed: 'left',
      render: (name: string, r) => <Link to={`/teachers/${r.teacherId}`}>{name}</Link>,
    },
    {
      title: t('teachers.fields.idNumber'),
      dataIndex: 'idNumberMasked',
      responsive: ['lg'],
      render: (v: string) => <span className="identifier">{v}</span>,
    },
    { title: t('teachers.fields.school'), dataIndex: 'orgUnitName' },
    {
      title: t('creditReports.status'),
      dataIndex: 'status',
      render: (s: ProgressStatus) => <ProgressStatusTag status={s} />,
    },
    {
      title: t('creditReports.countedOfRequired'),
      dataIndex: 'countedHours',
      align: 'right',
      render: (h: number) => `${formatHours(h)} / ${formatHours(cycle.rules.totalHours)}`,
    },
    ...cycleYears(cycle).map((y, i) => {
      const current = thisYear?.year === y;
      return {
        title: current ? t('creditReports.thisYearColumn', { year: y }) : String(y),
        key: `y${y}`,
        align: 'right' as const,
        // the current year is what the status is about: shown on phones too
        responsive: current ? undefined : ['md' as const],
        render: (_: unknown, r: TeacherStatusRow) => (
          <YearCell
            hours={r.yearHours[i] ?? 0}
            minimum={current ? (thisYear?.minimum ?? null) : null}
            verification={r.verifications.find((v) => v.year === y)?.result}
          />
        ),
      };
    }),
    { title: t('creditReports.minimaUnmet'), dataIndex: 'minimaUnmet', align: 'right' },
  ];

  return (
    <Flex vertical gap={16}>
      <Card>
        <div className="page-title-row">
          <Typography.Title level={3}>{t('creditReports.title')}</Typography.Title>
          <Space wrap>
            <CycleSelect
              cycles={cycles}
              value={cycle.id}
              onChange={(id) => setSearch({ cycle: String(id), year: undefined })}
            />
            <Select<number>
              value={reportYear}
              onChange={(y) => setSearch({ year: String(y) })}
              options={years.map((y) => ({ value: y, label: t('creditReports.yearOption', { year: y }) }))}
              aria-label={t('creditReports.verificationYear')}
              style={{ minWidth: 150 }}
              data-testid="report-year"
            />
            <DownloadButton
              data-testid="report-export-rollup"
              fileName="report.xlsx"
              file={() => creditReportsApi.exportRollup(rollupQuery)}
            >
              {t('creditReports.exportRollup')}
            </DownloadButton>
            <DownloadButton
              data-testid="report-export-teachers"
              fileName="teachers.xlsx"
              file={() => creditReportsApi.exportTeachers({ orgUnitId: unitId, cycleId: cycle.id })}
            >
              {t('creditReports.exportTeachers')}
            </DownloadButton>
          </Space>
        </div>
        <Trail unitId={unitId} onPick={drill} />
        {data && <FreshnessNotice freshness={data.freshness} />}
        <Table<Row>
          rowKey="orgUnitId"
          size="middle"
          columns={columns}
          dataSource={rows}
          loading={rollup.isFetching}
          pagination={false}
          scroll={{ x: 'max-content' }}
          rowClassName={(r) => (r.isTotal ? 'report-total-row' : '')}
          data-testid="report-rollup"
          locale={{
            emptyText: rollup.isError ? (
              <ErrorResult error={rollup.error} onRetry={() => void rollup.refetch()} />
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('creditReports.empty')} />
            ),
          }}
        />
        <Typography.Paragraph type="secondary" className="small-text" style={{ marginTop: 8 }}>
          {t('creditReports.rateHelp')}
        </Typography.Paragraph>
      </Card>
      {data && data.rows.length > 0 && (
        <Card
          title={t('creditReports.chartTitle')}
          extra={
            chartRows.length < data.rows.length ? (
              <Typography.Text type="secondary">
                {t('creditReports.chartTop', { count: chartRows.length })}
              </Typography.Text>
            ) : undefined
          }
        >
          <Suspense fallback={<SectionSpin />}>
            <StatusChart rows={chartRows} onPick={(id) => id !== unitId && drill(id)} />
          </Suspense>
        </Card>
      )}
      <Card title={t('creditReports.teachersTitle')}>
        {thisYear && thisYear.minimum !== null && (
          <Typography.Paragraph type="secondary" className="small-text" data-testid="report-this-year">
            {t('creditReports.thisYearHelp', {
              year: thisYear.year,
              minimum: formatHours(thisYear.minimum),
              days: thisYear.daysLeft,
            })}
          </Typography.Paragraph>
        )}
        <ListToolbar>
          <Checkbox.Group
            value={statuses}
            onChange={(values) => setSearch({ status: values.length > 0 ? values.join(',') : undefined })}
            options={PROGRESS_STATUSES.map((s) => ({ value: s, label: t(`credits.status.${s}`) }))}
            data-testid="report-status-filter"
          />
          {reportYear !== undefined && (
            <Checkbox
              checked={withNotVerified}
              onChange={(e) => setSearch({ nv: e.target.checked ? undefined : '0' })}
              data-testid="report-not-verified-filter"
            >
              {t('creditReports.notVerifiedIn', { year: reportYear })}
            </Checkbox>
          )}
        </ListToolbar>
        <ListTable<TeacherStatusRow>
          rowKey="teacherId"
          columns={teacherColumns}
          list={teachers}
          paging={paging}
          empty={t('creditReports.teachersEmpty')}
          data-testid="report-teachers"
        />
      </Card>
    </Flex>
  );
}
