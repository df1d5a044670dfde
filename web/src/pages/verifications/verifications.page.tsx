import { PlayCircleOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Empty, Flex, Modal, Select, Tabs, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { printFormsApi } from '../../api/print-forms.api';
import { PrintFormButton } from '../../components/print-form-button';
import { Link, useNavigate } from 'react-router';
import { queryKeys } from '../../api/query-keys';
import {
  SCHOOL_YEAR_STATUSES,
  type Cycle,
  type SchoolYear as SchoolYearRow,
  type SchoolYearStatus,
} from '../../api/types';
import { verificationsApi, type SchoolYearQuery, type VerificationQuery } from '../../api/verifications.api';
import { useCurrentUser } from '../../auth/session';
import { VerificationStatusTag } from '../../components/credit-labels';
import {
  ListActions,
  ListFilter,
  ListPage,
  ListTable,
  ListToolbar,
  useListQuery,
  useListSearch,
  type Paging,
} from '../../components/list-page';
import { OrgUnitPicker } from '../../components/org-unit-picker';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { useErrorMessage } from '../../lib/error-message';
import { formatDateTime } from '../../lib/format';
import { formatRate } from '../../lib/hours';
import { toPositiveInt } from '../../lib/use-search-state';
import { CycleSelect } from '../credits/cycle-select';
import { cycleYears, useCycles } from '../credits/use-cycles';
import { RemindAllButton } from '../messages/remind.modal';
import { NotSubmittedBar } from './not-submitted-bar';
import { ReversalRequests } from './reversal-requests';
import { VerificationDetail } from './verification-detail';

const SEARCH_KEYS = ['cycle', 'year', 'status', 'tab', 'page'] as const;

/** The year to look at: the one in the URL, else last year (the one being verified), else the first. */
function pickYear(cycle: Cycle, param: string | undefined): number {
  const years = cycleYears(cycle, new Date().getFullYear());
  const wanted = toPositiveInt(param, 0);
  if (years.includes(wanted)) return wanted;
  const last = new Date().getFullYear() - 1;
  return years.includes(last) ? last : (years[years.length - 1] ?? cycle.startYear);
}

/** A school's own year: open it, then the detail with every teacher. */
function SchoolYear({ cycle, year }: { cycle: Cycle; year: number }) {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const query: VerificationQuery = { orgUnitId: me.orgUnit.id, cycleId: cycle.id, year };
  const list = useQuery({ queryKey: queryKeys.verifications(query), queryFn: () => verificationsApi.list(query) });
  const open = useMutation({
    mutationFn: () => verificationsApi.open({ orgUnitId: me.orgUnit.id, cycleId: cycle.id, year }),
    onSuccess: () => {
      void message.success(t('verification.opened', { year }));
      void queryClient.invalidateQueries({ queryKey: queryKeys.credits });
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  if (list.isPending) return <SectionSpin />;
  if (list.isError) return <ErrorResult error={list.error} onRetry={() => void list.refetch()} />;
  const mine = list.data.items.find((v) => v.orgUnitId === me.orgUnit.id && v.year === year);
  if (!mine) {
    return (
      <Empty description={t('verification.notOpened', { year })} data-testid="verification-not-opened">
        <Typography.Paragraph type="secondary">{t('verification.openIntro')}</Typography.Paragraph>
        <Button
          type="primary"
          icon={<PlayCircleOutlined />}
          loading={open.isPending}
          onClick={() => open.mutate()}
          data-testid="verification-open"
        >
          {t('verification.open', { year })}
        </Button>
      </Empty>
    );
  }
  return <VerificationDetail id={mine.id} />;
}

/** Statuses a school has not submitted in: the rows the county may pick (for a reminder). */
const NOT_SUBMITTED: ReadonlySet<SchoolYearStatus> = new Set(['not_started', 'open', 'returned']);

/**
 * The county (or a city, the province) sees every school's year, those that have not opened it too
 * (未开始), with the count of each status; the county may open a year for a school. Schools that have
 * not submitted can be ticked: {@link NotSubmittedBar} acts on them.
 */
function SchoolsList({
  cycle,
  year,
  status,
  paging,
  onStatus,
}: {
  cycle: Cycle;
  year: number;
  status: SchoolYearStatus | undefined;
  paging: Paging;
  onStatus: (s: SchoolYearStatus | undefined) => void;
}) {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const [opening, setOpening] = useState(false);
  const [school, setSchool] = useState<number | undefined>(undefined);
  const [picked, setPicked] = useState<Map<number, SchoolYearRow>>(new Map());
  const query: SchoolYearQuery = {
    orgUnitId: me.orgUnit.id,
    cycleId: cycle.id,
    year,
    status,
    page: paging.page,
    pageSize: paging.pageSize,
  };
  const list = useListQuery(queryKeys.verificationSchools(query), () => verificationsApi.schools(query));
  const counts = list.data?.counts;
  const all = counts ? Object.values(counts).reduce((a, b) => a + b, 0) : undefined;
  const open = useMutation({
    mutationFn: (orgUnitId: number) => verificationsApi.open({ orgUnitId, cycleId: cycle.id, year }),
    onSuccess: ({ verification }) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.credits });
      setOpening(false);
      void navigate(`/verifications/${verification.id}`);
    },
    onError: (err) => message.error(errorMessage(err)),
  });

  const columns: TableColumnsType<SchoolYearRow> = [
    {
      title: t('teachers.fields.school'),
      dataIndex: 'orgUnitName',
      render: (name: string, v) =>
        v.verificationId === null ? (
          name
        ) : (
          <Link to={`/verifications/${v.verificationId}`} data-testid="verification-link">
            {name}
          </Link>
        ),
    },
    {
      title: t('verification.status'),
      dataIndex: 'status',
      render: (s: SchoolYearStatus) => <VerificationStatusTag status={s} />,
    },
    { title: t('verification.teachers'), dataIndex: 'teachers', align: 'right' },
    {
      title: t('verification.verified'),
      dataIndex: 'verified',
      align: 'right',
      render: (n: number | null) => n ?? '—',
    },
    {
      title: t('verification.rate'),
      key: 'rate',
      align: 'right',
      render: (_, v) => (v.verified === null ? '—' : formatRate(v.verified, v.teachers)),
    },
    { title: t('verification.submittedAt'), dataIndex: 'submittedAt', responsive: ['md'], render: formatDateTime },
    {
      title: t('verification.decidedAt'),
      key: 'decided',
      responsive: ['lg'],
      render: (_, v) =>
        v.decidedAt ? `${formatDateTime(v.decidedAt)}${v.decidedByName ? ` · ${v.decidedByName}` : ''}` : '—',
    },
    ...(me.role === 'county_admin'
      ? [
          {
            title: t('verification.actions'),
            key: 'actions',
            render: (_: unknown, v: SchoolYearRow) =>
              v.status === 'not_started' ? (
                <Button
                  size="small"
                  type="link"
                  loading={open.isPending && open.variables === v.orgUnitId}
                  onClick={() => open.mutate(v.orgUnitId)}
                  data-testid="verification-open-row"
                >
                  {t('verification.openForSchool')}
                </Button>
              ) : null,
          },
        ]
      : []),
  ];

  return (
    <>
      <ListToolbar>
        <ListFilter
          className="toolbar-item toolbar-item-small"
          placeholder={counts ? t('verification.allStatusesCount', { count: all }) : t('verification.allStatuses')}
          value={status}
          values={SCHOOL_YEAR_STATUSES}
          label={(s) =>
            counts
              ? t('verification.statusCount', { status: t(`verification.statuses.${s}`), count: counts[s] })
              : t(`verification.statuses.${s}`)
          }
          onChange={(s) => {
            setPicked(new Map());
            onStatus(s);
          }}
          ariaLabel={t('verification.status')}
          testId="verification-status-filter"
        />
        {me.role === 'county_admin' && (
          <Button
            icon={<PlayCircleOutlined />}
            onClick={() => setOpening(true)}
            data-testid="verification-open-for-school"
          >
            {t('verification.openForSchool')}
          </Button>
        )}
        {counts && (
          <RemindAllButton cycleId={cycle.id} year={year} count={counts.not_started + counts.open + counts.returned} />
        )}
      </ListToolbar>
      {counts && (
        <Flex gap={8} wrap style={{ marginBottom: 12 }} data-testid="verification-counts">
          {SCHOOL_YEAR_STATUSES.map((s) => (
            <Tag.CheckableTag
              key={s}
              checked={status === s}
              onChange={(on) => {
                setPicked(new Map());
                onStatus(on ? s : undefined);
              }}
              data-status={s}
            >
              {t('verification.statusCount', { status: t(`verification.statuses.${s}`), count: counts[s] })}
            </Tag.CheckableTag>
          ))}
        </Flex>
      )}
      <NotSubmittedBar
        schools={[...picked.values()]}
        cycleId={cycle.id}
        year={year}
        onClear={() => setPicked(new Map())}
      />
      <ListTable<SchoolYearRow>
        rowKey="orgUnitId"
        columns={columns}
        list={list}
        paging={paging}
        empty={t('verification.emptySchools')}
        rowSelection={{
          selectedRowKeys: [...picked.keys()],
          preserveSelectedRowKeys: true,
          getCheckboxProps: (v) => ({ disabled: !NOT_SUBMITTED.has(v.status) }),
          onChange: (_keys, rows) => {
            const onPage = new Set((list.data?.items ?? []).map((r) => r.orgUnitId));
            const next = new Map([...picked].filter(([id]) => !onPage.has(id)));
            for (const r of rows) if (r && onPage.has(r.orgUnitId)) next.set(r.orgUnitId, r);
            setPicked(next);
          },
        }}
        data-testid="verifications-table"
      />
      <Modal
        open={opening}
        title={t('verification.openForSchoolTitle', { year })}
        okText={t('verification.open', { year })}
        cancelText={t('common.cancel')}
        okButtonProps={{ disabled: school === undefined }}
        confirmLoading={open.isPending}
        onOk={() => school !== undefined && open.mutate(school)}
        onCancel={() => setOpening(false)}
      >
        <OrgUnitPicker kinds={['school', 'township']} value={school} onChange={setSchool} style={{ width: '100%' }} />
      </Modal>
    </>
  );
}

/**
 * 年度验证 (R-16): a school opens its year, checks every teacher's result, marks exceptions and
 * submits; the county signs it off or returns it, and approves changes to signed-off years.
 */
export default function VerificationsPage() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const { search, setSearch, paging } = useListSearch(SEARCH_KEYS, { pageSize: 50 });
  const { list, cycles, cycle } = useCycles(toPositiveInt(search.cycle, 0) || undefined);
  if (list.isPending) return <SectionSpin />;
  if (list.isError) return <ErrorResult error={list.error} onRetry={() => void list.refetch()} />;
  if (!cycle) {
    return (
      <Card>
        <Typography.Title level={3}>{t('verification.title')}</Typography.Title>
        <Alert type="warning" showIcon title={t('creditRegister.noCycle')} />
      </Card>
    );
  }
  const year = pickYear(cycle, search.year);
  const years = cycleYears(cycle, new Date().getFullYear());
  const isSchool = me.orgUnit.kind === 'school';
  const status = SCHOOL_YEAR_STATUSES.includes(search.status as SchoolYearStatus)
    ? (search.status as SchoolYearStatus)
    : undefined;
  const tab = search.tab === 'reversals' ? 'reversals' : 'years';

  return (
    <ListPage
      title={t('verification.title')}
      actions={
        <ListActions
          exportSheet={
            isSchool || tab !== 'years'
              ? undefined
              : {
                  label: t('verification.exportSchools'),
                  file: () =>
                    verificationsApi.exportSchools({ orgUnitId: me.orgUnit.id, cycleId: cycle.id, year, status }),
                  fileName: t('verification.exportFileName', { year }),
                  testId: 'verification-export',
                }
          }
        >
          <CycleSelect
            cycles={cycles}
            value={cycle.id}
            onChange={(id) => setSearch({ cycle: String(id), year: undefined })}
          />
          {!isSchool && tab === 'years' && (
            <PrintFormButton
              label={t('printForm.verificationSummary')}
              file={(format) =>
                printFormsApi.verificationSummary({ orgUnitId: me.orgUnit.id, cycleId: cycle.id, year }, format)
              }
              fileName={`${t('printForm.verificationSummary')}-${me.orgUnit.name}-${year}`}
              testId="verification-summary-sheet"
            />
          )}
          <Select<number>
            value={year}
            onChange={(y) => setSearch({ year: String(y) })}
            options={years.map((y) => ({ value: y, label: t('verification.yearOption', { year: y }) }))}
            aria-label={t('verification.year')}
            data-testid="verification-year"
            style={{ minWidth: 110 }}
          />
        </ListActions>
      }
    >
      <Tabs
        activeKey={tab}
        onChange={(k) => setSearch({ tab: k === 'years' ? undefined : k })}
        destroyOnHidden
        items={[
          {
            key: 'years',
            label: isSchool ? t('verification.tabs.myYear') : t('verification.tabs.schools'),
            children: isSchool ? (
              <SchoolYear cycle={cycle} year={year} />
            ) : (
              <SchoolsList
                cycle={cycle}
                year={year}
                status={status}
                paging={paging}
                onStatus={(s) => setSearch({ status: s })}
              />
            ),
          },
          {
            key: 'reversals',
            label: t('verification.tabs.reversals'),
            children: <ReversalRequests orgUnitId={me.orgUnit.id} />,
          },
        ]}
      />
    </ListPage>
  );
}
