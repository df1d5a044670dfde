import { Alert, Breadcrumb, Flex } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { queryKeys } from '../../api/query-keys';
import { teachersApi } from '../../api/teachers.api';
import type { FormerTeacher, FormerTeacherQuery } from '../../api/types';
import {
  ListPage,
  ListTable,
  ListToolbar,
  ListUnitPicker,
  useListQuery,
  useListSearch,
} from '../../components/list-page';
import { useUnitFromSearch } from './use-unit-from-search';

const SEARCH_KEYS = ['unit', 'page', 'size'] as const;

/** Teachers who served in the unit and have moved elsewhere: read only, current school not shown. */
export default function FormerTeachersPage() {
  const { t } = useTranslation();
  const { search, setSearch, paging } = useListSearch(SEARCH_KEYS);
  const { ownUnit, unitId, unitOptions } = useUnitFromSearch(search.unit);

  const query: FormerTeacherQuery = { orgUnitId: unitId, page: paging.page, pageSize: paging.pageSize };
  const list = useListQuery(queryKeys.formerTeachers(query), () => teachersApi.former(query));

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
            title: (
              <Link to={unitId === ownUnit.id ? '/teachers' : `/teachers?unit=${unitId}`}>{t('nav.teachers')}</Link>
            ),
          },
          { key: 'former', title: t('teachers.former.title') },
        ]}
      />
      <ListPage
        title={t('teachers.former.title')}
        intro={<Alert type="info" showIcon title={t('teachers.former.intro')} style={{ marginBottom: 16 }} />}
      >
        <ListToolbar>
          <ListUnitPicker
            value={unitId}
            options={unitOptions}
            onChange={(unit) => setSearch({ unit })}
            testId="former-unit-filter"
          />
        </ListToolbar>
        <ListTable<FormerTeacher>
          rowKey={(row) => `${row.id}-${row.startedOn}-${row.endedOn}`}
          columns={columns}
          list={list}
          paging={paging}
          empty={t('teachers.former.empty')}
          data-testid="former-teachers-table"
        />
      </ListPage>
    </Flex>
  );
}
