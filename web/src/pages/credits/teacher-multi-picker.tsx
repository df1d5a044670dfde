import { TeamOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Flex, Input, Modal, Select, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { queryKeys } from '../../api/query-keys';
import { teachersApi } from '../../api/teachers.api';
import type { Teacher, TeacherQuery } from '../../api/types';
import { useDebouncedValue } from '../../lib/use-debounced-value';

/** What a picked teacher needs to show: the registry row, or enough of it. */
export type PickedTeacher = Pick<Teacher, 'id' | 'name' | 'orgUnitName' | 'idNumberMasked'>;

const PAGE_SIZE = 50;

function teacherLabel(t: PickedTeacher): string {
  return `${t.name} · ${t.orgUnitName}`;
}

/** Ticks teachers of the unit in a registry table, page by page; the ticks survive paging. */
function RegistryModal({
  orgUnitId,
  open,
  value,
  onClose,
  onPick,
}: {
  orgUnitId: number;
  open: boolean;
  value: readonly PickedTeacher[];
  onClose: () => void;
  onPick: (teachers: PickedTeacher[]) => void;
}) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [picked, setPicked] = useState<Map<number, PickedTeacher>>(new Map());
  const debounced = useDebouncedValue(q.trim(), 300);
  const query: TeacherQuery = { orgUnitId, q: debounced || undefined, page, pageSize: PAGE_SIZE };
  const list = useQuery({
    queryKey: queryKeys.teacherList(query),
    queryFn: () => teachersApi.list(query),
    enabled: open,
    placeholderData: keepPreviousData,
  });

  const columns: TableColumnsType<Teacher> = [
    { title: t('teachers.fields.name'), dataIndex: 'name' },
    {
      title: t('teachers.fields.idNumber'),
      dataIndex: 'idNumberMasked',
      render: (v: string) => <span className="identifier">{v}</span>,
      responsive: ['sm'],
    },
    { title: t('teachers.fields.school'), dataIndex: 'orgUnitName' },
    {
      title: t('teachers.fields.subject'),
      dataIndex: 'subject',
      render: (v: string | null) => v ?? '—',
      responsive: ['md'],
    },
  ];

  return (
    <Modal
      open={open}
      width={760}
      title={t('creditRegister.picker.title')}
      okText={t('creditRegister.picker.ok', { count: picked.size })}
      cancelText={t('common.cancel')}
      onCancel={onClose}
      onOk={() => {
        onPick([...picked.values()]);
        onClose();
      }}
      afterOpenChange={(visible) => {
        if (visible) setPicked(new Map(value.map((v) => [v.id, v])));
      }}
      data-testid="teacher-picker-modal"
    >
      <Input.Search
        allowClear
        value={q}
        onChange={(e) => {
          setQ(e.target.value);
          setPage(1);
        }}
        placeholder={t('creditRegister.picker.search')}
        style={{ marginBottom: 12 }}
        maxLength={60}
      />
      <Table<Teacher>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={list.data?.items}
        loading={list.isFetching}
        scroll={{ x: 'max-content', y: 360 }}
        rowSelection={{
          selectedRowKeys: [...picked.keys()],
          preserveSelectedRowKeys: true,
          onSelect: (row, selected) => {
            const next = new Map(picked);
            if (selected) next.set(row.id, row);
            else next.delete(row.id);
            setPicked(next);
          },
          onSelectAll: (selected, _rows, changed) => {
            const next = new Map(picked);
            for (const row of changed) {
              if (!row) continue;
              if (selected) next.set(row.id, row);
              else next.delete(row.id);
            }
            setPicked(next);
          },
        }}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: list.data?.total ?? 0,
          showSizeChanger: false,
          size: 'small',
          onChange: setPage,
          showTotal: (total) => t('common.total', { total }),
        }}
        data-testid="teacher-picker-table"
      />
      <Typography.Text type="secondary">{t('creditRegister.picker.picked', { count: picked.size })}</Typography.Text>
    </Modal>
  );
}

/**
 * Picks one teacher or many of a unit: type to search, or tick them in the registry table.
 * The value is the picked teachers (not only ids), so rows of a refused batch can be named.
 */
export function TeacherMultiPicker({
  orgUnitId,
  value = [],
  onChange,
  id,
}: {
  orgUnitId: number;
  value?: PickedTeacher[];
  onChange?: (teachers: PickedTeacher[]) => void;
  id?: string;
}) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [registryOpen, setRegistryOpen] = useState(false);
  const q = useDebouncedValue(search.trim(), 250);
  const known = useRef(new Map<number, PickedTeacher>());
  for (const v of value) known.current.set(v.id, v);
  const query: TeacherQuery = { orgUnitId, q: q || undefined, page: 1, pageSize: 20 };
  const results = useQuery({
    queryKey: queryKeys.teacherList(query),
    queryFn: () => teachersApi.list(query),
    enabled: q.length > 0,
    staleTime: 30_000,
  });
  for (const row of results.data?.items ?? []) known.current.set(row.id, row);

  const options = useMemo(() => {
    const rows: PickedTeacher[] = q.length > 0 ? (results.data?.items ?? []) : [];
    const ids = new Set(rows.map((r) => r.id));
    return [...value.filter((v) => !ids.has(v.id)), ...rows].map((r) => ({ value: r.id, label: teacherLabel(r) }));
  }, [q, results.data, value]);

  return (
    <Flex gap={8} wrap className="teacher-multi-picker">
      <Select<number[]>
        id={id}
        mode="multiple"
        value={value.map((v) => v.id)}
        onChange={(ids) =>
          onChange?.(ids.map((x) => known.current.get(x)).filter((x): x is PickedTeacher => x !== undefined))
        }
        showSearch={{ filterOption: false, onSearch: setSearch }}
        onOpenChange={(open) => {
          if (!open) setSearch('');
        }}
        options={options}
        placeholder={t('creditRegister.fields.teachersPlaceholder')}
        notFoundContent={
          q.length === 0
            ? t('creditRegister.picker.typeToSearch')
            : results.isFetching
              ? t('common.loading')
              : t('common.noMatch')
        }
        loading={results.isFetching}
        maxTagCount="responsive"
        className="teacher-multi-select"
        data-testid="register-teachers"
      />
      <Button icon={<TeamOutlined />} onClick={() => setRegistryOpen(true)} data-testid="register-pick-registry">
        {t('creditRegister.picker.open')}
      </Button>
      <RegistryModal
        orgUnitId={orgUnitId}
        open={registryOpen}
        value={value}
        onClose={() => setRegistryOpen(false)}
        onPick={(teachers) => {
          for (const tt of teachers) known.current.set(tt.id, tt);
          onChange?.(teachers);
        }}
      />
    </Flex>
  );
}
