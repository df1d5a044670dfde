import { Button, Space, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import {
  EXAM_STATUSES,
  examAdminApi,
  examAdminKeys,
  type ExamQuery,
  type ExamStatus,
  type ExamSummary,
} from '../../api/exam-admin';
import type { OrgUnitKind } from '../../api/types';
import {
  ListActions,
  ListFilter,
  ListPage,
  ListSearch,
  ListTable,
  ListToolbar,
  ListUnitPicker,
  useListQuery,
  useListSearch,
} from '../../components/list-page';
import { formatDateTime } from '../../lib/format';
import { useUnitFromSearch } from '../teachers/use-unit-from-search';
import { ExamStatusTag, TargetLabel } from './exam-labels';

const SEARCH_KEYS = ['unit', 'q', 'status', 'page'] as const;
const UNIT_KINDS: readonly OrgUnitKind[] = ['province', 'city', 'county', 'township', 'school'];

const oneOf = <T extends string>(list: readonly T[], v: string | undefined): T | undefined =>
  (list as readonly string[]).includes(v ?? '') ? (v as T) : undefined;

/** 考试管理: the exams a unit and the units below it organise, by status; a new one starts as a draft. */
export default function ExamsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { search, setSearch, paging } = useListSearch(SEARCH_KEYS);
  const { unitId, unit, unitOptions } = useUnitFromSearch(search.unit);
  const status = oneOf<ExamStatus>(EXAM_STATUSES, search.status);
  const query: ExamQuery = { unitId, status, q: search.q, page: paging.page, pageSize: paging.pageSize };
  const list = useListQuery(examAdminKeys.list(query), () => examAdminApi.list(query));

  const columns: TableColumnsType<ExamSummary> = [
    {
      title: t('examAdmin.fields.title'),
      key: 'title',
      render: (_, e) => (
        <Link to={`/exams/${e.id}/manage`} data-testid="exam-row-title">
          {e.title}
        </Link>
      ),
    },
    { title: t('examAdmin.fields.target'), dataIndex: 'target', render: (v) => <TargetLabel target={v} /> },
    { title: t('examAdmin.fields.status'), dataIndex: 'status', render: (v) => <ExamStatusTag status={v} /> },
    {
      title: t('examAdmin.fields.window'),
      key: 'window',
      render: (_, e) => `${formatDateTime(e.opensAt)} ~ ${formatDateTime(e.closesAt)}`,
    },
    {
      title: t('examAdmin.fields.durationMinutes'),
      dataIndex: 'durationMinutes',
      align: 'right',
      render: (v: number) => t('examAdmin.minutes', { count: v }),
    },
    { title: t('examAdmin.fields.orgUnit'), dataIndex: 'orgUnitName', responsive: ['md'], render: (v) => v ?? '—' },
    {
      title: t('common.actions'),
      key: 'actions',
      fixed: 'right',
      render: (_, e) => (
        <Space wrap>
          <Link to={`/exams/${e.id}/manage`}>
            <Button size="small" data-testid="exam-open">
              {t('examAdmin.open')}
            </Button>
          </Link>
          {e.status === 'draft' && (
            <Link to={`/exams/${e.id}/edit`}>
              <Button size="small" data-testid="exam-edit">
                {t('common.edit')}
              </Button>
            </Link>
          )}
        </Space>
      ),
    },
  ];

  return (
    <ListPage
      title={t('examAdmin.nav')}
      testId="exams-page"
      intro={
        <Typography.Paragraph type="secondary">
          {t('examAdmin.intro', { unit: unit?.name ?? unitOptions[0]?.name ?? '' })}
        </Typography.Paragraph>
      }
      actions={
        <ListActions
          create={{
            onClick: () => navigate(unitId ? `/exams/new?unit=${unitId}` : '/exams/new'),
            label: t('examAdmin.create'),
            testId: 'exams-create',
          }}
        >
          <ListUnitPicker
            value={unitId}
            options={unitOptions}
            kinds={UNIT_KINDS}
            onChange={(u) => setSearch({ unit: u })}
            testId="exams-unit"
          />
        </ListActions>
      }
    >
      <ListToolbar testId="exams-filters">
        <ListSearch
          value={search.q}
          onSearch={(q) => setSearch({ q })}
          placeholder={t('examAdmin.searchPlaceholder')}
          width={240}
          testId="exams-search"
        />
        <ListFilter
          placeholder={t('examAdmin.fields.status')}
          value={status}
          values={EXAM_STATUSES}
          label={(s) => t(`examAdmin.statuses.${s}`)}
          onChange={(s) => setSearch({ status: s })}
          width={140}
          testId="exams-filter-status"
        />
      </ListToolbar>
      <ListTable<ExamSummary>
        rowKey="id"
        columns={columns}
        list={list}
        paging={paging}
        empty={t('examAdmin.empty')}
        data-testid="exams-table"
      />
    </ListPage>
  );
}
