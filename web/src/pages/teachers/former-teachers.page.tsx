import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Breadcrumb, Card, Empty, Flex, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { queryKeys } from '../../api/query-keys';
import { teachersApi } from '../../api/teachers.api';
import type { FormerTeacher, FormerTeacherQuery } from '../../api/types';
import { OrgUnitPicker } from '../../components/org-unit-picker';
import { ErrorResult } from '../../components/page-states';
import { toPositiveInt, useSearchState } from '../../lib/use-search-state';
import { useUnitFromSearch } from './use-unit-from-search';

const SEARCH_KEYS = ['unit', 'page', 'size'] as const;
const DEFAULT_PAGE_SIZE = 20;

/** Teachers who served in the unit and have moved elsewhere: read only, current school not shown. */
export default function FormerTeachersPage() {
  const { t } = useTranslation();
  const [search, setSearch] = useSearchState(SEARCH_KEYS);
  const { ownUnit, unitId, unitOptions } = useUnitFromSearch(search.unit);

  const query: FormerTeacherQuery = {
    orgUnitId: unitId,
    page: toPositiveInt(search.page, 1),
    pageSize: toPositiveInt(search.size, DEFAULT_PAGE_SIZE),
  };
  const list = useQuery({
    queryKey: queryKeys.formerTeachers(query),
    queryFn: () => teachersApi.former(query),
    placeholderData: keepPreviousData,
  });

  const columns: TableColumnsType<FormerTeacher> = [
    {
      title: t('teachers.fields.name'),
      dataIndex: 'name',
      render: (name: string, teacher) => (
        <Link to={`/teachers/${teacher.id}`} data-testid="former-teacher-name">
          {name}
        </Link>
      ),
    },
    {
      title: t('teachers.fields.idNumber'),
      dataIndex: 'idNumberMasked',
      responsive: ['md'],
      render: (value: string) => <span className="identifier">{value}</span>,
    },
    { title: t('teachers.former.lastUnit'), dataIndex: 'lastUnitName' },
    { title: t('teachers.former.startedOn'), dataIndex: 'startedOn', responsive: ['sm'] },
    { title: t('teachers.former.endedOn'), dataIndex: 'endedOn' },
  ];

  return (
    <Flex vertical gap={16}>
      <Breadcrumb
        items={[
          {
            key: 'list',
            title: <Link to={unitId === ownUnit.id ? '/teachers' : `/teachers?unit=${unitId}`}>{t('nav.teachers')}</Link>,
          },
          { key: 'former', title: t('teachers.former.title') },
        ]}
      />
      <Card>
        <div className="page-title-row">
          <Typography.Title level={3}>{t('teachers.former.title')}</Typography.Title>
        </div>
        <Alert type="info" showIcon title={t('teachers.former.intro')} style={{ marginBottom: 16 }} />
        <div className="toolbar">
          <OrgUnitPicker
            className="toolbar-item"
            value={unitId}
            initialOptions={unitOptions}
            onChange={(id) => setSearch({ unit: id === undefined || id === ownUnit.id ? undefined : String(id) })}
            data-testid="former-unit-filter"
          />
        </div>
        <Table<FormerTeacher>
          rowKey={(row) => `${row.id}-${row.startedOn}-${row.endedOn}`}
          size="middle"
          columns={columns}
          dataSource={list.data?.items}
          loading={list.isFetching}
          scroll={{ x: 'max-content' }}
          data-testid="former-teachers-table"
          locale={{
            emptyText: list.isError ? (
              <ErrorResult error={list.error} onRetry={() => void list.refetch()} />
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('teachers.former.empty')} />
            ),
          }}
          pagination={{
            current: query.page,
            pageSize: query.pageSize,
            total: list.data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (total) => t('common.total', { total }),
            onChange: (page, size) =>
              setSearch({
                page: size !== query.pageSize || page === 1 ? undefined : String(page),
                size: size === DEFAULT_PAGE_SIZE ? undefined : String(size),
              }),
          }}
        />
      </Card>
    </Flex>
  );
}
