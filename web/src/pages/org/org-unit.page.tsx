import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Breadcrumb, Button, Card, Descriptions, Flex, Input, Space, Typography } from 'antd';
import type { DescriptionsProps, TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { orgUnitsApi } from '../../api/org-units.api';
import { queryKeys } from '../../api/query-keys';
import { ORG_UNIT_KINDS, type OrgUnit, type OrgUnitDetail, type OrgUnitKind } from '../../api/types';
import { DemoTag, KindTag, StageTags } from '../../components/labels';
import { ListFilter, ListTable, ListToolbar, useListQuery, useLocalPaging } from '../../components/list-page';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { orDash } from '../../lib/format';
import { useOrgTreeContext } from './org-layout.page';
import { OrgUnitFormModal } from './org-unit-form.modal';
import { SchoolImportCard } from './school-import.card';

const CHILD_PAGE_SIZE = 20;
const IMPORT_KINDS: readonly OrgUnitKind[] = ['county', 'township'];

function ChildUnitsCard({ unit, onAdd }: { unit: OrgUnit; onAdd?: () => void }) {
  const { t } = useTranslation();
  const { paging, reset } = useLocalPaging(CHILD_PAGE_SIZE, { sizeChanger: true });
  const [kind, setKind] = useState<OrgUnitKind | undefined>();
  const [q, setQ] = useState('');
  const query = { kind, q: q || undefined, page: paging.page, pageSize: paging.pageSize };
  const children = useListQuery(queryKeys.orgChildren(unit.id, query), () => orgUnitsApi.children(unit.id, query));

  const columns: TableColumnsType<OrgUnit> = [
    {
      title: t('org.fields.name'),
      dataIndex: 'name',
      render: (_, child) => (
        <Space size={4} wrap>
          <Link to={`/org/${child.id}`} data-testid={`child-unit-${child.id}`}>
            {child.name}
          </Link>
          {child.isDemo && <DemoTag />}
        </Space>
      ),
    },
    {
      title: t('org.fields.kind'),
      dataIndex: 'kind',
      width: 120,
      render: (value: OrgUnitKind) => <KindTag kind={value} />,
    },
    {
      title: t('org.fields.code'),
      dataIndex: 'code',
      width: 140,
      responsive: ['md'],
      render: (value: string | null) => orDash(value),
    },
    {
      title: t('org.fields.stages'),
      dataIndex: 'stages',
      responsive: ['lg'],
      render: (_, child) => <StageTags stages={child.stages} />,
    },
    { title: t('org.fields.childCount'), dataIndex: 'childCount', width: 100, align: 'right' },
  ];

  const filtering = kind !== undefined || q !== '';

  return (
    <Card
      title={t('org.children.title')}
      extra={
        onAdd && (
          <Button type="primary" icon={<PlusOutlined />} onClick={onAdd} data-testid="org-add-child">
            {t('org.addChild')}
          </Button>
        )
      }
    >
      <ListToolbar>
        <ListFilter
          className="toolbar-item"
          placeholder={t('org.children.allKinds')}
          value={kind}
          values={ORG_UNIT_KINDS}
          label={(value) => t(`kinds.${value}`)}
          onChange={(value) => {
            setKind(value);
            reset();
          }}
          ariaLabel={t('org.fields.kind')}
        />
        <Input.Search
          allowClear
          className="toolbar-grow"
          placeholder={t('org.children.searchPlaceholder')}
          onSearch={(value) => {
            setQ(value.trim());
            reset();
          }}
          data-testid="org-children-search"
        />
      </ListToolbar>
      <ListTable<OrgUnit>
        rowKey="id"
        columns={columns}
        list={children}
        paging={paging}
        empty={filtering ? t('common.noMatch') : t('org.children.empty')}
        data-testid="org-children-table"
      />
    </Card>
  );
}

function UnitDetail({ detail }: { detail: OrgUnitDetail }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const tree = useOrgTreeContext();
  const [modal, setModal] = useState<'create' | 'edit' | null>(null);
  const { unit, breadcrumb, permissions } = detail;

  const afterChildrenChanged = () => {
    void queryClient.invalidateQueries({ queryKey: ['org-units', 'children', unit.id] });
    void queryClient.invalidateQueries({ queryKey: queryKeys.orgUnit(unit.id) });
    void tree.refresh(unit.id);
  };

  const items: DescriptionsProps['items'] = [
    { key: 'kind', label: t('org.fields.kind'), children: <KindTag kind={unit.kind} /> },
    { key: 'code', label: t('org.fields.code'), children: orDash(unit.code) },
    { key: 'divisionCode', label: t('org.fields.divisionCode'), children: orDash(unit.divisionCode) },
    { key: 'stages', label: t('org.fields.stages'), children: <StageTags stages={unit.stages} /> },
    { key: 'address', label: t('org.fields.address'), children: orDash(unit.address), span: 2 },
    { key: 'contactName', label: t('org.fields.contactName'), children: orDash(unit.contactName) },
    {
      key: 'contactPhone',
      label: t('org.fields.contactPhone'),
      children: unit.contactPhone ? <a href={`tel:${unit.contactPhone}`}>{unit.contactPhone}</a> : '—',
    },
    { key: 'childCount', label: t('org.fields.childCount'), children: unit.childCount },
  ];
  if (unit.isDemo) {
    items.push({ key: 'demo', label: t('org.fields.demo'), children: <DemoTag /> });
  }

  const canAdd = permissions.canCreateChild && permissions.childKinds.length > 0;
  const canImport = permissions.canImportSchools && IMPORT_KINDS.includes(unit.kind);

  return (
    <Flex vertical gap={16}>
      <Breadcrumb
        data-testid="org-breadcrumb"
        items={[
          { key: 'root', title: <Link to="/org">{t('nav.org')}</Link> },
          ...breadcrumb.map((crumb, index) => ({
            key: crumb.id,
            title: index === breadcrumb.length - 1 ? crumb.name : <Link to={`/org/${crumb.id}`}>{crumb.name}</Link>,
          })),
        ]}
      />
      <Card>
        <div className="page-title-row">
          <Space size={8} wrap align="center">
            <Typography.Title level={3} data-testid="org-unit-title" style={{ margin: 0 }}>
              {unit.name}
            </Typography.Title>
            <KindTag kind={unit.kind} />
            {unit.isDemo && <DemoTag />}
          </Space>
          {permissions.canEdit && (
            <Button icon={<EditOutlined />} onClick={() => setModal('edit')} data-testid="org-edit">
              {t('common.edit')}
            </Button>
          )}
        </div>
        <Descriptions items={items} column={{ xs: 1, sm: 2, lg: 3 }} size="small" data-testid="org-unit-details" />
      </Card>
      <ChildUnitsCard key={unit.id} unit={unit} onAdd={canAdd ? () => setModal('create') : undefined} />
      {canImport && <SchoolImportCard key={`import-${unit.id}`} unit={unit} onImported={afterChildrenChanged} />}
      {canAdd && (
        <OrgUnitFormModal
          mode="create"
          parent={unit}
          childKinds={permissions.childKinds}
          open={modal === 'create'}
          onClose={() => setModal(null)}
          onSaved={afterChildrenChanged}
        />
      )}
      {permissions.canEdit && (
        <OrgUnitFormModal
          mode="edit"
          unit={unit}
          open={modal === 'edit'}
          onClose={() => setModal(null)}
          onSaved={(saved) => {
            queryClient.setQueryData<OrgUnitDetail>(queryKeys.orgUnit(unit.id), (old) =>
              old ? { ...old, unit: saved } : old,
            );
            void queryClient.invalidateQueries({ queryKey: queryKeys.orgUnit(unit.id) });
            if (unit.parentId !== null) {
              void queryClient.invalidateQueries({ queryKey: ['org-units', 'children', unit.parentId] });
            }
            tree.sync(saved);
          }}
        />
      )}
    </Flex>
  );
}

export default function OrgUnitPage() {
  const params = useParams();
  const id = Number(params.id);
  const valid = Number.isInteger(id) && id > 0;
  const tree = useOrgTreeContext();
  const detail = useQuery({
    queryKey: queryKeys.orgUnit(id),
    queryFn: () => orgUnitsApi.get(id),
    enabled: valid,
  });
  const { reveal, sync } = tree;
  const data = detail.data;

  useEffect(() => {
    if (!data) return;
    sync(data.unit);
    void reveal(data.breadcrumb.slice(0, -1).map((crumb) => crumb.id)).catch(() => undefined);
  }, [data, reveal, sync]);

  if (!valid) return <ErrorResult error={new ApiError(404, 'NOT_FOUND', '')} />;
  if (detail.isPending) return <SectionSpin />;
  if (detail.isError) return <ErrorResult error={detail.error} onRetry={() => void detail.refetch()} />;
  return <UnitDetail detail={detail.data} />;
}
