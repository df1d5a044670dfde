import { Button, InputNumber, Space, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { HONOUR_KINDS, type Honour, type HonourKind, honoursApi, programmeKeys } from '../../api/programmes.api';
import {
  ListActions,
  ListFilter,
  ListPage,
  ListSearch,
  ListTable,
  ListToolbar,
  useListQuery,
  useListSearch,
} from '../../components/list-page';
import { ReasonModal } from '../../components/reason-modal';
import { formatDate } from '../../lib/format';

const KEYS = ['kind', 'year', 'q', 'state', 'page'] as const;
const STATES = ['active', 'revoked'] as const;
type State = (typeof STATES)[number];

/** 荣誉: the honours of the reader's subtree and those its units awarded; export, revoke, verify link. */
export default function HonoursPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [revoking, setRevoking] = useState<Honour | null>(null);
  const { search, setSearch, paging } = useListSearch(KEYS);
  const filter = {
    kind: HONOUR_KINDS.includes(search.kind as HonourKind) ? (search.kind as HonourKind) : undefined,
    year: search.year ? Number(search.year) : undefined,
    q: search.q || undefined,
    state: STATES.includes(search.state as State) ? (search.state as State) : undefined,
  };
  const list = useListQuery(programmeKeys.honourList({ ...filter, page: paging.page }), () =>
    honoursApi.list({ ...filter, page: paging.page, pageSize: paging.pageSize }),
  );
  const columns: TableColumnsType<Honour> = [
    {
      title: t('honours.title'),
      dataIndex: 'title',
      render: (v: string, h) => (
        <Space orientation="vertical" size={0}>
          <span>{v}</span>
          {h.grade && <Typography.Text type="secondary">{t(`honours.grades.${h.grade}`)}</Typography.Text>}
        </Space>
      ),
    },
    {
      title: t('honours.kind'),
      dataIndex: 'kind',
      responsive: ['md'],
      render: (k: HonourKind) => t(`honours.kinds.${k}`),
    },
    {
      title: t('honours.recipient'),
      key: 'recipient',
      render: (_: unknown, h) => (
        <Space orientation="vertical" size={0}>
          <span>{h.recipientName}</span>
          <Typography.Text type="secondary">{h.unitName}</Typography.Text>
        </Space>
      ),
    },
    { title: t('honours.year'), dataIndex: 'year', width: 70 },
    { title: t('honours.awardedBy'), dataIndex: 'awardedByName', responsive: ['md'] },
    { title: t('honours.awardedOn'), dataIndex: 'awardedOn', responsive: ['md'] },
    {
      title: t('honours.code'),
      dataIndex: 'code',
      render: (c: string) => (
        <a href={`/verify/${c}`} target="_blank" rel="noreferrer">
          {c}
        </a>
      ),
    },
    {
      title: t('honours.state'),
      key: 'state',
      render: (_: unknown, h) =>
        h.revokedAt ? (
          <Tag color="error" title={h.revokeReason ?? ''}>
            {t('honours.revokedOn', { day: formatDate(h.revokedAt) })}
          </Tag>
        ) : (
          <Tag color="success">{t('honours.states.active')}</Tag>
        ),
    },
    {
      title: '',
      key: 'act',
      render: (_: unknown, h) =>
        h.revokedAt ? (
          <Typography.Text type="secondary">{h.revokeReason}</Typography.Text>
        ) : (
          <Button size="small" danger onClick={() => setRevoking(h)} data-testid={`revoke-${h.id}`}>
            {t('honours.revoke')}
          </Button>
        ),
    },
  ];
  return (
    <ListPage
      title={t('honours.pageTitle')}
      testId="honours-page"
      intro={<p>{t('honours.intro')}</p>}
      actions={
        <ListActions
          exportSheet={{
            label: t('honours.export'),
            testId: 'honours-export',
            file: () => honoursApi.xlsx(filter),
            fileName: t('honours.exportName'),
          }}
        />
      }
    >
      <ListToolbar>
        <ListSearch
          value={filter.q}
          onSearch={(q) => setSearch({ q, page: undefined })}
          placeholder={t('honours.search')}
        />
        <ListFilter<HonourKind>
          value={filter.kind}
          values={HONOUR_KINDS}
          label={(k) => t(`honours.kinds.${k}`)}
          placeholder={t('honours.allKinds')}
          onChange={(v) => setSearch({ kind: v, page: undefined })}
          width={150}
          ariaLabel={t('honours.kind')}
        />
        <ListFilter<State>
          value={filter.state}
          values={STATES}
          label={(s) => t(`honours.states.${s}`)}
          placeholder={t('honours.allStates')}
          onChange={(v) => setSearch({ state: v, page: undefined })}
          width={120}
          ariaLabel={t('honours.state')}
        />
        <InputNumber
          placeholder={t('honours.allYears')}
          min={2000}
          max={2100}
          value={filter.year}
          onChange={(v) => setSearch({ year: v ? String(v) : undefined, page: undefined })}
          style={{ width: 120 }}
          aria-label={t('honours.year')}
        />
      </ListToolbar>
      <ListTable<Honour>
        rowKey="id"
        list={list}
        paging={paging}
        columns={columns}
        empty={t('honours.none')}
        scroll={{ x: 900 }}
      />
      <ReasonModal
        open={revoking !== null}
        title={t('honours.revokeTitle', { title: revoking?.title ?? '', name: revoking?.recipientName ?? '' })}
        description={t('honours.revokeEffect')}
        label={t('honours.revokeReason')}
        okText={t('honours.revoke')}
        danger
        onSubmit={async (text) => {
          if (revoking) await honoursApi.revoke(revoking.id, text ?? '');
          void queryClient.invalidateQueries({ queryKey: programmeKeys.honours });
        }}
        onClose={() => setRevoking(null)}
        data-testid="revoke-modal"
      />
    </ListPage>
  );
}
