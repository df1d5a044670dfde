import { EditOutlined } from '@ant-design/icons';
import { Button, Flex, Space, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import {
  TRAINER_KINDS,
  TRAINER_LEVELS,
  TRAINER_ORIGINS,
  TRAINER_STATUSES,
  trainerKeys,
  trainersApi,
  type Trainer,
  type TrainerKind,
  type TrainerLevel,
  type TrainerOrigin,
  type TrainerQuery,
  type TrainerStatus,
} from '../../api/trainers.api';
import { STAGES, type OrgUnitKind, type Stage } from '../../api/types';
import { useCurrentUser } from '../../auth/session';
import { StageTags } from '../../components/labels';
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
import { useUnitFromSearch } from '../teachers/use-unit-from-search';
import { TrainerFormModal } from './trainer-form.modal';
import { TrainerImportModal } from './trainer-import.modal';

const SEARCH_KEYS = ['unit', 'q', 'kind', 'level', 'subject', 'stage', 'origin', 'status', 'page'] as const;
const UNIT_KINDS: readonly OrgUnitKind[] = ['province', 'city', 'county', 'township', 'school'];
const oneOf = <T extends string>(list: readonly T[], v: string | undefined): T | undefined =>
  (list as readonly string[]).includes(v ?? '') ? (v as T) : undefined;

/** 培训者/专家库: the pool a unit sees (inherited from above, its own, those below), kept by each unit's admins. */
export default function TrainersPage() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const { search, setSearch, paging } = useListSearch(SEARCH_KEYS);
  const { unitId, unit, unitOptions } = useUnitFromSearch(search.unit);
  const [editing, setEditing] = useState<Trainer | 'new' | null>(null);
  const [importing, setImporting] = useState(false);

  const filters: Omit<TrainerQuery, 'page' | 'pageSize'> = {
    orgUnitId: unitId,
    q: search.q,
    kind: oneOf<TrainerKind>(TRAINER_KINDS, search.kind),
    level: oneOf<TrainerLevel>(TRAINER_LEVELS, search.level),
    subject: search.subject,
    stage: oneOf<Stage>(STAGES, search.stage),
    origin: oneOf<TrainerOrigin>(TRAINER_ORIGINS, search.origin),
    status: oneOf<TrainerStatus>(TRAINER_STATUSES, search.status) ?? 'active',
  };
  const query: TrainerQuery = { ...filters, page: paging.page, pageSize: paging.pageSize };
  const filtering = Boolean(
    search.q || search.kind || search.level || search.subject || search.stage || search.origin || search.status,
  );
  const list = useListQuery(trainerKeys.list(query), () => trainersApi.list(query));
  const unitName = list.data?.unit.name ?? unit?.name ?? me.orgUnit.name;
  const canCreate = list.data?.canCreate ?? false;

  const columns: TableColumnsType<Trainer> = [
    {
      title: t('trainers.fields.name'),
      key: 'name',
      render: (_, r) => (
        <Flex vertical gap={2}>
          <Space size={4} wrap>
            <Link to={`/trainers/${r.id}`} data-testid="trainer-row-name">
              {r.name}
            </Link>
            <Tag color={r.kind === 'expert' ? 'purple' : 'blue'}>{t(`trainers.kinds.${r.kind}`)}</Tag>
            {!r.active && <Tag>{t('trainers.inactiveTag')}</Tag>}
          </Space>
          {(r.title || r.employer) && (
            <Typography.Text type="secondary" className="small-text">
              {[r.title, r.employer].filter(Boolean).join(' · ')}
            </Typography.Text>
          )}
        </Flex>
      ),
    },
    { title: t('trainers.fields.level'), dataIndex: 'level', render: (l: TrainerLevel) => t(`trainers.levels.${l}`) },
    {
      title: t('trainers.fields.subjects'),
      dataIndex: 'subjects',
      render: (s: string[]) => (s.length ? s.join(t('common.listSeparator')) : '—'),
    },
    {
      title: t('trainers.fields.stages'),
      dataIndex: 'stages',
      responsive: ['lg'],
      render: (s: Stage[]) => <StageTags stages={s} />,
    },
    {
      title: t('trainers.fields.specialties'),
      dataIndex: 'specialties',
      responsive: ['xl'],
      render: (s: string | null) =>
        s ? (
          <Typography.Paragraph ellipsis={{ rows: 2, tooltip: s }} style={{ margin: 0, maxWidth: 280 }}>
            {s}
          </Typography.Paragraph>
        ) : (
          '—'
        ),
    },
    {
      title: t('trainers.fields.account'),
      key: 'account',
      responsive: ['md'],
      render: (_, r) => (r.user ? r.user.displayName : '—'),
    },
    {
      title: t('trainers.fields.unit'),
      key: 'unit',
      responsive: ['md'],
      render: (_, r) => (
        <Space size={4} wrap>
          <span>{r.orgUnitName}</span>
          {r.inherited && <Tag color="gold">{t('trainers.inheritedTag')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      fixed: 'right',
      render: (_, r) =>
        r.canManage ? (
          <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(r)} data-testid="trainer-edit">
            {t('common.edit')}
          </Button>
        ) : (
          <Typography.Text type="secondary" className="small-text">
            {t('trainers.readOnly')}
          </Typography.Text>
        ),
    },
  ];

  return (
    <ListPage
      title={t('trainers.title')}
      intro={<Typography.Paragraph type="secondary">{t('trainers.intro', { unit: unitName })}</Typography.Paragraph>}
      actions={
        <ListActions
          exportSheet={{
            file: () => trainersApi.exportSheet(filters),
            fileName: t('trainers.exportFileName', { unit: unitName }),
            label: t('trainers.export'),
            testId: 'trainers-export',
          }}
          importSheet={{
            onClick: () => setImporting(true),
            label: t('trainers.importAction'),
            testId: 'trainers-import',
          }}
          create={{ onClick: () => setEditing('new'), label: t('trainers.create'), testId: 'trainers-create' }}
          manage={canCreate}
        >
          <ListUnitPicker
            value={unitId}
            options={unitOptions}
            kinds={UNIT_KINDS}
            onChange={(unit) => setSearch({ unit })}
            forSchools={false}
            testId="trainers-unit"
          />
        </ListActions>
      }
    >
      <ListToolbar testId="trainers-filters">
        <ListSearch
          value={search.q}
          onSearch={(q) => setSearch({ q })}
          placeholder={t('trainers.searchPlaceholder')}
          width={220}
          testId="trainers-search"
        />
        <ListSearch
          value={search.subject}
          onSearch={(subject) => setSearch({ subject })}
          placeholder={t('trainers.fields.subjects')}
          width={140}
          testId="trainers-filter-subject"
        />
        <ListFilter
          placeholder={t('trainers.fields.kind')}
          value={filters.kind}
          values={TRAINER_KINDS}
          label={(k) => t(`trainers.kinds.${k}`)}
          onChange={(kind) => setSearch({ kind })}
          width={110}
          testId="trainers-filter-kind"
        />
        <ListFilter
          placeholder={t('trainers.fields.level')}
          value={filters.level}
          values={TRAINER_LEVELS}
          label={(l) => t(`trainers.levels.${l}`)}
          onChange={(level) => setSearch({ level })}
          width={120}
          testId="trainers-filter-level"
        />
        <ListFilter
          placeholder={t('trainers.fields.stages')}
          value={filters.stage}
          values={STAGES}
          label={(stage) => t(`stages.${stage}`)}
          onChange={(stage) => setSearch({ stage })}
          width={110}
          testId="trainers-filter-stage"
        />
        <ListFilter
          placeholder={t('trainers.originLabel')}
          value={filters.origin}
          values={TRAINER_ORIGINS}
          label={(o) => t(`trainers.origins.${o}`)}
          onChange={(origin) => setSearch({ origin })}
          width={130}
          testId="trainers-filter-origin"
        />
        <ListFilter
          allowClear={false}
          value={filters.status}
          values={TRAINER_STATUSES}
          label={(status) => t(`trainers.statuses.${status}`)}
          onChange={(status) => setSearch({ status: status === 'active' ? undefined : status })}
          width={110}
          testId="trainers-filter-status"
        />
      </ListToolbar>
      <ListTable<Trainer>
        rowKey="id"
        columns={columns}
        list={list}
        paging={paging}
        empty={filtering ? t('common.noMatch') : t('trainers.empty')}
        data-testid="trainers-table"
      />
      <TrainerFormModal
        open={editing !== null}
        trainer={editing === 'new' ? null : editing}
        orgUnitId={unitId}
        unitName={unitName}
        onClose={() => setEditing(null)}
      />
      <TrainerImportModal open={importing} orgUnitId={unitId} unitName={unitName} onClose={() => setImporting(false)} />
    </ListPage>
  );
}
