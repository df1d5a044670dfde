import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Checkbox, Input, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import {
  type BackboneDuty,
  type BackboneRound,
  type BackboneTitleRow,
  backboneApi,
  backboneKeys,
} from '../../api/backbone.api';
import { useCurrentUser } from '../../auth/session';
import { DownloadButton } from '../../components/download-button';
import { ListActions, ListPage, ListTable, ListToolbar, useListQuery, useListSearch } from '../../components/list-page';
import { ReasonModal } from '../../components/reason-modal';
import { useErrorMessage } from '../../lib/error-message';
import { formatDateTime } from '../../lib/format';
import { LEVELS, ROUND_STATUS_COLOR, TITLE_STATUS_COLOR } from './backbone-labels';
import RoundFormModal from './round-form.modal';
import TitleDrawer from './title-drawer';

const KEYS = ['tab', 'page', 'level', 'status', 'flagged', 'q'] as const;
const OPENERS = ['province', 'city', 'county', 'school'];

function RoundsTab() {
  const { t } = useTranslation();
  const { search, paging } = useListSearch(KEYS);
  const list = useListQuery(backboneKeys.rounds({ page: paging.page }), () =>
    backboneApi.rounds({ page: paging.page, pageSize: paging.pageSize }),
  );
  const columns: TableColumnsType<BackboneRound> = [
    {
      title: t('backbone.round.title'),
      dataIndex: 'title',
      render: (v: string, r) => (
        <Link to={`/programmes/backbone/${r.id}`} data-testid={`backbone-round-link-${r.id}`}>
          {v}
        </Link>
      ),
    },
    { title: t('backbone.round.level'), dataIndex: 'level', render: (v: string) => t(`backbone.levels.${v}`) },
    { title: t('backbone.round.kind'), dataIndex: 'kind', render: (v: string) => t(`backbone.kinds.${v}`) },
    { title: t('backbone.round.organiser'), dataIndex: 'orgUnitName' },
    { title: t('backbone.round.deadline'), dataIndex: 'nominationDeadline' },
    {
      title: t('backbone.round.status'),
      dataIndex: 'status',
      render: (v: BackboneRound['status']) => <Tag color={ROUND_STATUS_COLOR[v]}>{t(`backbone.statuses.${v}`)}</Tag>,
    },
    { title: t('backbone.round.createdAt'), dataIndex: 'createdAt', render: (v: string) => formatDateTime(v) },
  ];
  void search;
  return (
    <ListTable<BackboneRound>
      rowKey="id"
      list={list}
      paging={paging}
      columns={columns}
      empty={t('backbone.round.none')}
      data-testid="backbone-rounds-table"
    />
  );
}

function TitlesTab() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const { search, setSearch, paging } = useListSearch(KEYS);
  const [open, setOpen] = useState<number | null>(null);
  const [deciding, setDeciding] = useState<{ row: BackboneTitleRow; decision: 'keep' | 'revoke' } | null>(null);
  const filter = {
    level: (search.level || undefined) as BackboneTitleRow['level'] | undefined,
    status: (search.status || undefined) as BackboneTitleRow['status'] | undefined,
    flagged: search.flagged === '1' ? true : undefined,
    q: search.q || undefined,
  };
  const list = useListQuery(backboneKeys.titles({ ...filter, page: paging.page }), () =>
    backboneApi.titles({ ...filter, page: paging.page, pageSize: paging.pageSize }),
  );
  const columns: TableColumnsType<BackboneTitleRow> = [
    {
      title: t('backbone.title.teacher'),
      dataIndex: 'teacherName',
      render: (v: string, r) => (
        <Button type="link" onClick={() => setOpen(r.id)} data-testid={`backbone-title-${r.id}`}>
          {v}
        </Button>
      ),
    },
    { title: t('backbone.title.school'), dataIndex: 'schoolName' },
    { title: t('backbone.title.level'), dataIndex: 'level', render: (v: string) => t(`backbone.levels.${v}`) },
    { title: t('backbone.title.grantedBy'), dataIndex: 'grantedByName' },
    { title: t('backbone.title.term'), key: 'term', render: (_, r) => `${r.termStart} – ${r.termEnd}` },
    {
      title: t('backbone.title.status'),
      key: 'status',
      render: (_, r) => (
        <Space size={4} wrap>
          <Tag color={TITLE_STATUS_COLOR[r.status]}>{t(`backbone.titleStatuses.${r.status}`)}</Tag>
          {r.flaggedAt && r.status === 'active' && (
            <Tag color="orange" title={r.flagReason ?? ''}>
              {t('backbone.title.flagged')}
            </Tag>
          )}
        </Space>
      ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, r) =>
        r.decide && r.status === 'active' ? (
          <Space size={4}>
            {r.flaggedAt && (
              <Button
                size="small"
                onClick={() => setDeciding({ row: r, decision: 'keep' })}
                data-testid="backbone-keep"
              >
                {t('backbone.title.keep')}
              </Button>
            )}
            <Button
              size="small"
              danger
              onClick={() => setDeciding({ row: r, decision: 'revoke' })}
              data-testid="backbone-revoke"
            >
              {t('backbone.title.revoke')}
            </Button>
          </Space>
        ) : null,
    },
  ];
  return (
    <>
      <ListToolbar>
        <Input.Search
          allowClear
          placeholder={t('backbone.title.searchName')}
          defaultValue={filter.q}
          onSearch={(v) => setSearch({ q: v || undefined, page: undefined })}
          style={{ width: 200 }}
        />
        <Select
          allowClear
          placeholder={t('backbone.title.allLevels')}
          value={filter.level}
          onChange={(v) => setSearch({ level: v, page: undefined })}
          options={LEVELS.map((l) => ({ value: l, label: t(`backbone.levels.${l}`) }))}
          style={{ width: 140 }}
        />
        <Select
          allowClear
          placeholder={t('backbone.title.allStatuses')}
          value={filter.status}
          onChange={(v) => setSearch({ status: v, page: undefined })}
          options={(['active', 'expired', 'revoked'] as const).map((s) => ({
            value: s,
            label: t(`backbone.titleStatuses.${s}`),
          }))}
          style={{ width: 140 }}
        />
        <Checkbox
          checked={filter.flagged === true}
          onChange={(e) => setSearch({ flagged: e.target.checked ? '1' : undefined, page: undefined })}
          data-testid="backbone-flagged-filter"
        >
          {t('backbone.title.onlyFlagged')}
        </Checkbox>
        <DownloadButton
          file={() =>
            backboneApi.titlesXlsx({ level: filter.level, status: filter.status, flagged: filter.flagged, q: filter.q })
          }
          fileName="骨干教师名单.xlsx"
          data-testid="backbone-titles-export"
        >
          {t('backbone.title.export')}
        </DownloadButton>
      </ListToolbar>
      <ListTable<BackboneTitleRow>
        rowKey="id"
        list={list}
        paging={paging}
        columns={columns}
        empty={t('backbone.title.none')}
        data-testid="backbone-titles-table"
      />
      {open !== null && <TitleDrawer id={open} onClose={() => setOpen(null)} />}
      <ReasonModal
        open={deciding !== null}
        title={deciding ? t(`backbone.title.${deciding.decision}Title`, { name: deciding.row.teacherName }) : ''}
        description={
          deciding ? t(`backbone.title.${deciding.decision}Confirm`, { name: deciding.row.teacherName }) : ''
        }
        label={t('backbone.title.reason')}
        okText={deciding ? t(`backbone.title.${deciding.decision}`) : ''}
        danger={deciding?.decision === 'revoke'}
        onClose={() => setDeciding(null)}
        data-testid="backbone-decide-modal"
        onSubmit={async (reason) => {
          if (!deciding) return;
          await (deciding.decision === 'keep'
            ? backboneApi.keep(deciding.row.id, reason ?? '')
            : backboneApi.revoke(deciding.row.id, reason ?? ''));
          void message.success(t('common.saved'));
          setDeciding(null);
          void queryClient.invalidateQueries({ queryKey: backboneKeys.all });
        }}
      />
    </>
  );
}

function DutiesTab() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const [returning, setReturning] = useState<BackboneDuty | null>(null);
  const q = useQuery({ queryKey: backboneKeys.duties, queryFn: backboneApi.duties });
  const decide = useMutation({
    mutationFn: (v: { id: number; confirm: boolean; note: string | null }) =>
      backboneApi.decideDuty(v.id, { confirm: v.confirm, note: v.note }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: backboneKeys.all }),
    onError: (err) => void message.error(errorText(err)),
  });
  const columns: TableColumnsType<BackboneDuty> = [
    { title: t('backbone.duty.teacher'), dataIndex: 'teacherName' },
    { title: t('backbone.duty.year'), dataIndex: 'year', width: 70 },
    { title: t('backbone.duty.kind'), dataIndex: 'kind', render: (v: string) => t(`backbone.dutyKinds.${v}`) },
    { title: t('backbone.duty.subject'), dataIndex: 'subject' },
    { title: t('backbone.duty.heldOn'), dataIndex: 'heldOn' },
    {
      title: t('backbone.duty.evidence'),
      key: 'evidence',
      render: (_, d) => (
        <Space size={4} wrap>
          {d.link && (
            <Typography.Link href={d.link} target="_blank" rel="noreferrer">
              {t('backbone.duty.link')}
            </Typography.Link>
          )}
          {d.hasFile && (
            <DownloadButton size="small" file={() => backboneApi.dutyFile(d.id)} fileName={d.fileName ?? 'evidence'}>
              {d.fileName}
            </DownloadButton>
          )}
        </Space>
      ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, d) => (
        <Space size={4}>
          <Button
            size="small"
            type="primary"
            loading={decide.isPending}
            onClick={() => decide.mutate({ id: d.id, confirm: true, note: null })}
            data-testid={`backbone-duty-confirm-${d.id}`}
          >
            {t('backbone.duty.confirm')}
          </Button>
          <Button size="small" onClick={() => setReturning(d)}>
            {t('backbone.duty.return')}
          </Button>
        </Space>
      ),
    },
  ];
  return (
    <>
      <Table<BackboneDuty>
        rowKey="id"
        dataSource={q.data?.items ?? []}
        loading={q.isFetching}
        columns={columns}
        pagination={false}
        locale={{ emptyText: t('backbone.duty.none') }}
        scroll={{ x: 'max-content' }}
        data-testid="backbone-duties-table"
      />
      <ReasonModal
        open={returning !== null}
        title={t('backbone.duty.returnTitle')}
        label={t('backbone.duty.note')}
        okText={t('backbone.duty.return')}
        onClose={() => setReturning(null)}
        onSubmit={async (note) => {
          if (!returning) return;
          await backboneApi.decideDuty(returning.id, { confirm: false, note });
          setReturning(null);
          void queryClient.invalidateQueries({ queryKey: backboneKeys.all });
        }}
      />
    </>
  );
}

/** 骨干教师: the selection rounds, the titles of the subtree, and the holders' duties waiting for confirmation. */
export default function BackbonePage() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const { search, setSearch } = useListSearch(KEYS);
  const [creating, setCreating] = useState(false);
  const tab = search.tab || 'rounds';
  const sweep = useMutation({
    mutationFn: backboneApi.sweep,
    onSuccess: (r) => {
      void message.success(t('backbone.sweep.done', r));
      void queryClient.invalidateQueries({ queryKey: backboneKeys.all });
    },
    onError: (err) => void message.error(errorText(err)),
  });
  return (
    <ListPage
      title={t('backbone.pageTitle')}
      testId="backbone-page"
      intro={<p>{t('backbone.intro')}</p>}
      actions={
        <ListActions
          manage={OPENERS.includes(me.orgUnit.kind)}
          create={{ label: t('backbone.round.create'), testId: 'backbone-round-new', onClick: () => setCreating(true) }}
        >
          <Button loading={sweep.isPending} onClick={() => sweep.mutate()} data-testid="backbone-sweep">
            {t('backbone.sweep.action')}
          </Button>
        </ListActions>
      }
    >
      <Tabs
        activeKey={tab}
        onChange={(k) => setSearch({ tab: k === 'rounds' ? undefined : k, page: undefined })}
        items={[
          { key: 'rounds', label: t('backbone.tabs.rounds'), children: tab === 'rounds' ? <RoundsTab /> : null },
          { key: 'titles', label: t('backbone.tabs.titles'), children: tab === 'titles' ? <TitlesTab /> : null },
          { key: 'duties', label: t('backbone.tabs.duties'), children: tab === 'duties' ? <DutiesTab /> : null },
        ]}
      />
      {creating && (
        <RoundFormModal
          onClose={() => setCreating(false)}
          onSaved={(r) => {
            setCreating(false);
            void navigate(`/programmes/backbone/${r.id}`);
          }}
        />
      )}
    </ListPage>
  );
}
