import { Tag } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type PublicityList, programmeKeys, publicityApi } from '../../api/programmes.api';
import { ListFilter, ListPage, ListTable, ListToolbar, useListQuery, useListSearch } from '../../components/list-page';
import { PHASE_COLOR, STATUS_COLOR } from './publicity-labels';

const KEYS = ['status', 'page'] as const;
const STATUSES = ['open', 'finalised', 'withdrawn'] as const;
type Status = (typeof STATUSES)[number];

/** 公示: the lists in the reader's scope (teachers too), and those the reader's subtree organises. */
export default function PublicityListPage() {
  const { t } = useTranslation();
  const { search, setSearch, paging } = useListSearch(KEYS);
  const status = STATUSES.includes(search.status as Status) ? (search.status as Status) : undefined;
  const list = useListQuery(programmeKeys.publicityList({ status, page: paging.page }), () =>
    publicityApi.list({ status: status ?? 'all', page: paging.page, pageSize: paging.pageSize }),
  );

  const columns: TableColumnsType<PublicityList> = [
    {
      title: t('publicity.title'),
      dataIndex: 'title',
      render: (v: string, p) => (
        <Link to={`/publicity/${p.id}`} data-testid={`publicity-link-${p.id}`}>
          {v}
        </Link>
      ),
    },
    {
      title: t('publicity.kind'),
      dataIndex: 'kind',
      responsive: ['md'],
      render: (v: string) => t(`publicity.kinds.${v}`),
    },
    { title: t('publicity.organiser'), dataIndex: 'orgUnitName', responsive: ['md'] },
    {
      title: t('publicity.period'),
      key: 'period',
      render: (_: unknown, p) => t('publicity.periodLine', { from: p.startsOn, to: p.endsOn }),
    },
    {
      title: t('publicity.status'),
      key: 'status',
      render: (_: unknown, p) =>
        p.status === 'open' ? (
          <Tag color={PHASE_COLOR[p.phase]}>{t(`publicity.phases.${p.phase}`)}</Tag>
        ) : (
          <Tag color={STATUS_COLOR[p.status]}>{t(`publicity.statuses.${p.status}`)}</Tag>
        ),
    },
    {
      title: t('publicity.openObjections'),
      dataIndex: 'openObjections',
      responsive: ['md'],
      render: (n: number, p) => (p.manage ? n : ''),
    },
  ];

  return (
    <ListPage title={t('publicity.pageTitle')} testId="publicity-list-page" intro={<p>{t('publicity.intro')}</p>}>
      <ListToolbar>
        <ListFilter<Status>
          value={status}
          values={STATUSES}
          label={(v) => t(`publicity.statuses.${v}`)}
          placeholder={t('publicity.allStatuses')}
          onChange={(v) => setSearch({ status: v, page: undefined })}
          width={140}
          ariaLabel={t('publicity.status')}
        />
      </ListToolbar>
      <ListTable<PublicityList> rowKey="id" list={list} paging={paging} columns={columns} empty={t('publicity.none')} />
    </ListPage>
  );
}
