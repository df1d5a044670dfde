import { PlusOutlined } from '@ant-design/icons';
import { Button, InputNumber, Tag } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { type SpotCheck, spotCheckKeys, spotChecksApi } from '../../api/spot-checks.api';
import { useCurrentUser } from '../../auth/session';
import { ListPage, ListTable, ListToolbar, useListQuery, useListSearch } from '../../components/list-page';
import { formatDateTime } from '../../lib/format';
import SpotCheckFormModal from './spot-check-form.modal';
import { STATUS_COLOR } from './spot-check-labels';

const KEYS = ['year', 'page'] as const;
const MANAGERS = ['province_admin', 'city_admin', 'county_admin'];

/** 抽测: the spot-checks of the reader's bureau and below, and those above a school that drew from it. */
export default function SpotChecksPage() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const { search, setSearch, paging } = useListSearch(KEYS);
  const year = search.year ? Number(search.year) : undefined;
  const list = useListQuery(spotCheckKeys.list({ year, page: paging.page }), () =>
    spotChecksApi.list({ year, page: paging.page, pageSize: paging.pageSize }),
  );

  const columns: TableColumnsType<SpotCheck> = [
    { title: t('spotChecks.year'), dataIndex: 'year', width: 70 },
    {
      title: t('spotChecks.title'),
      dataIndex: 'title',
      render: (v: string, s) => (
        <Link to={`/spot-checks/${s.id}`} data-testid={`spot-check-link-${s.id}`}>
          {v}
        </Link>
      ),
    },
    { title: t('spotChecks.organiser'), dataIndex: 'orgUnitName' },
    {
      title: t('spotChecks.rate'),
      dataIndex: 'ratePercent',
      render: (v: number, s) => t('spotChecks.rateLine', { rate: v, min: s.minPerUnit }),
    },
    {
      title: t('spotChecks.status'),
      dataIndex: 'status',
      render: (v: SpotCheck['status']) => <Tag color={STATUS_COLOR[v]}>{t(`spotChecks.statuses.${v}`)}</Tag>,
    },
    { title: t('spotChecks.createdAt'), dataIndex: 'createdAt', render: (v: string) => formatDateTime(v) },
  ];

  return (
    <ListPage
      title={t('spotChecks.pageTitle')}
      testId="spot-checks-page"
      intro={<p>{t('spotChecks.intro')}</p>}
      actions={
        MANAGERS.includes(me.role) ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="spot-check-new">
            {t('spotChecks.create')}
          </Button>
        ) : undefined
      }
    >
      <ListToolbar>
        <InputNumber
          placeholder={t('spotChecks.allYears')}
          min={2000}
          max={2100}
          value={year}
          onChange={(v) => setSearch({ year: v ? String(v) : undefined, page: undefined })}
          style={{ width: 120 }}
          aria-label={t('spotChecks.year')}
        />
      </ListToolbar>
      <ListTable<SpotCheck> rowKey="id" list={list} paging={paging} columns={columns} empty={t('spotChecks.none')} />
      {creating && (
        <SpotCheckFormModal
          onClose={() => setCreating(false)}
          onSaved={(s) => {
            setCreating(false);
            void navigate(`/spot-checks/${s.id}`);
          }}
        />
      )}
    </ListPage>
  );
}
