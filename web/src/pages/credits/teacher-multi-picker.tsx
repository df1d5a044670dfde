import { CloseOutlined, TeamOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Flex, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { orgUnitsApi } from '../../api/org-units.api';
import { queryKeys } from '../../api/query-keys';
import { teachersApi } from '../../api/teachers.api';
import { STAGES, TEACHER_FLAGS, type Stage, type Teacher, type TeacherFlag, type TeacherQuery } from '../../api/types';
import { useDebouncedValue } from '../../lib/use-debounced-value';
import { TeacherFlagTags, useTeacherValueLabels } from '../teachers/teacher-labels';
import { SUBJECT_SUGGESTIONS } from '../teachers/teacher-rules';

/** What a picked teacher needs to show: the registry row, or enough of it. */
export type PickedTeacher = Pick<Teacher, 'id' | 'name' | 'orgUnitName' | 'idNumberMasked'>;

/** The registry list's filters, as "all N matching" sends them (no paging). */
export type TeacherMatchFilter = Omit<TeacherQuery, 'page' | 'pageSize'>;

/**
 * What a picker holds: teachers ticked one by one, or (where the form allows it) every teacher
 * matching the list's filters less those unticked, counted by the server and resolved there.
 */
export interface TeacherPick {
  teachers: PickedTeacher[];
  matching?: {
    filter: TeacherMatchFilter;
    total: number;
    except: PickedTeacher[];
    /** the school the filters name, to say it */
    schoolName?: string;
  } | null;
}

export const EMPTY_PICK: TeacherPick = { teachers: [] };

/** How many teachers a pick stands for. */
export function pickCount(p: TeacherPick | undefined): number {
  if (!p) return 0;
  return p.matching ? p.matching.total - p.matching.except.length : p.teachers.length;
}

const PAGE_SIZE = 50;

function teacherLabel(t: PickedTeacher): string {
  return `${t.name} · ${t.orgUnitName}`;
}

/** The units directly below `orgUnitId` (schools, township centre schools), searched by name. */
function SchoolFilter({
  orgUnitId,
  value,
  onChange,
}: {
  orgUnitId: number;
  value: { id: number; name: string } | undefined;
  onChange: (unit: { id: number; name: string } | undefined) => void;
}) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const q = useDebouncedValue(search.trim(), 250);
  const children = useQuery({
    queryKey: ['org-units', 'children', orgUnitId, 'picker', q],
    queryFn: () => orgUnitsApi.children(orgUnitId, { q: q || undefined, pageSize: 200 }),
    staleTime: 60_000,
  });
  const units = (children.data?.items ?? []).filter((u) => u.kind === 'school' || u.kind === 'township');
  // a school's own picker has no schools below it: no filter to show
  if (!q && children.isSuccess && units.length === 0) return null;
  const options = units.map((u) => ({ value: u.id, label: u.name }));
  if (value && !options.some((o) => o.value === value.id)) options.unshift({ value: value.id, label: value.name });
  return (
    <Select<number>
      allowClear
      showSearch={{ filterOption: false, onSearch: setSearch }}
      value={value?.id}
      onChange={(id) => {
        const o = options.find((x) => x.value === id);
        onChange(o ? { id: o.value, name: o.label } : undefined);
      }}
      options={options}
      loading={children.isFetching}
      placeholder={t('creditRegister.picker.allSchools')}
      aria-label={t('teachers.fields.school')}
      style={{ width: 200 }}
      data-testid="picker-school"
    />
  );
}

/**
 * The unit's teachers in a paged table, listed at once and narrowed by school, stage, subject, flag
 * or name; ticks survive paging. Where `allowMatching`, ticking a whole page offers every teacher
 * the filters match ("all 312"), which the server resolves without the rows coming here.
 */
function RegistryModal({
  orgUnitId,
  open,
  value,
  allowMatching,
  onClose,
  onPick,
}: {
  orgUnitId: number;
  open: boolean;
  value: TeacherPick;
  allowMatching: boolean;
  onClose: () => void;
  onPick: (pick: TeacherPick) => void;
}) {
  const { t } = useTranslation();
  const { subjectLabel } = useTeacherValueLabels();
  const [q, setQ] = useState('');
  const [school, setSchool] = useState<{ id: number; name: string } | undefined>(undefined);
  const [stage, setStage] = useState<Stage | undefined>(undefined);
  const [subject, setSubject] = useState<string | undefined>(undefined);
  const [flag, setFlag] = useState<TeacherFlag | undefined>(undefined);
  const [page, setPage] = useState(1);
  const [picked, setPicked] = useState<Map<number, PickedTeacher>>(new Map());
  // "all matching": the filters it was taken with, and the teachers unticked since
  const [all, setAll] = useState<{ filter: TeacherMatchFilter; total: number; schoolName?: string } | null>(null);
  const [except, setExcept] = useState<Map<number, PickedTeacher>>(new Map());
  const debounced = useDebouncedValue(q.trim(), 300);
  const filter: TeacherMatchFilter = {
    orgUnitId: school?.id ?? orgUnitId,
    q: debounced || undefined,
    stage,
    subject,
    flag,
  };
  const query: TeacherQuery = { ...filter, page, pageSize: PAGE_SIZE };
  const list = useQuery({
    queryKey: queryKeys.teacherList(query),
    queryFn: () => teachersApi.list(query),
    enabled: open,
    placeholderData: keepPreviousData,
  });
  const rows = list.data?.items ?? [];
  const total = list.data?.total ?? 0;

  /** A filter change ends "all matching" (it was about other filters) and goes back to page 1. */
  const refilter = (apply: () => void) => {
    apply();
    setPage(1);
    if (all) {
      setAll(null);
      setExcept(new Map());
    }
  };
  const count = all ? all.total - except.size : picked.size;
  const pageAllTicked = rows.length > 0 && rows.every((r) => picked.has(r.id));

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
      title: t('teachers.fields.stage'),
      dataIndex: 'stage',
      render: (s: Stage) => t(`stages.${s}`),
      responsive: ['md'],
    },
    {
      title: t('teachers.fields.subject'),
      dataIndex: 'subject',
      render: (v: string | null) => subjectLabel(v),
      responsive: ['md'],
    },
    {
      title: t('teachers.fields.flags'),
      key: 'flags',
      render: (_, r) => <TeacherFlagTags teacher={r} />,
      responsive: ['lg'],
    },
  ];

  const tick = (row: Teacher, on: boolean) => {
    if (all) {
      const next = new Map(except);
      if (on) next.delete(row.id);
      else next.set(row.id, row);
      setExcept(next);
      return;
    }
    const next = new Map(picked);
    if (on) next.set(row.id, row);
    else next.delete(row.id);
    setPicked(next);
  };

  return (
    <Modal
      open={open}
      width={960}
      title={t('creditRegister.picker.title')}
      okText={t('creditRegister.picker.ok', { count })}
      cancelText={t('common.cancel')}
      onCancel={onClose}
      onOk={() => {
        onPick(
          all
            ? { teachers: [], matching: { ...all, except: [...except.values()] } }
            : { teachers: [...picked.values()] },
        );
        onClose();
      }}
      afterOpenChange={(visible) => {
        if (!visible) return;
        setPicked(new Map(value.teachers.map((v) => [v.id, v])));
        const m = value.matching;
        setAll(m ? { filter: m.filter, total: m.total, schoolName: m.schoolName } : null);
        setExcept(new Map((m?.except ?? []).map((v) => [v.id, v])));
      }}
      data-testid="teacher-picker-modal"
    >
      <Flex gap={8} wrap style={{ marginBottom: 12 }} data-testid="picker-filters">
        <SchoolFilter orgUnitId={orgUnitId} value={school} onChange={(u) => refilter(() => setSchool(u))} />
        <Select<Stage>
          allowClear
          value={stage}
          onChange={(v) => refilter(() => setStage(v))}
          options={STAGES.map((s) => ({ value: s, label: t(`stages.${s}`) }))}
          placeholder={t('teachers.fields.stage')}
          aria-label={t('teachers.fields.stage')}
          style={{ width: 120 }}
          data-testid="picker-stage"
        />
        <Select<string>
          allowClear
          showSearch
          value={subject}
          onChange={(v) => refilter(() => setSubject(v))}
          options={SUBJECT_SUGGESTIONS.map((s) => ({ value: s, label: subjectLabel(s) }))}
          placeholder={t('teachers.fields.subject')}
          aria-label={t('teachers.fields.subject')}
          style={{ width: 130 }}
          data-testid="picker-subject"
        />
        <Select<TeacherFlag>
          allowClear
          value={flag}
          onChange={(v) => refilter(() => setFlag(v))}
          options={TEACHER_FLAGS.map((f) => ({ value: f, label: t(`teachers.flags.${f}`) }))}
          placeholder={t('teachers.fields.flags')}
          aria-label={t('teachers.fields.flags')}
          style={{ width: 130 }}
          data-testid="picker-flag"
        />
        <Input.Search
          allowClear
          value={q}
          onChange={(e) => refilter(() => setQ(e.target.value))}
          placeholder={t('creditRegister.picker.search')}
          style={{ width: 180 }}
          maxLength={60}
        />
      </Flex>
      {allowMatching && all && (
        <Alert
          type="info"
          style={{ marginBottom: 8 }}
          data-testid="picker-all-matching"
          title={
            except.size > 0
              ? t('creditRegister.picker.allMatchingExcept', { total: all.total, except: except.size })
              : t('creditRegister.picker.allMatching', { total: all.total })
          }
          action={
            <Button
              size="small"
              type="link"
              onClick={() => {
                setAll(null);
                setExcept(new Map());
                setPicked(new Map());
              }}
            >
              {t('creditRegister.picker.clear')}
            </Button>
          }
        />
      )}
      {allowMatching && !all && pageAllTicked && total > rows.length && !list.data?.totalCapped && (
        <Alert
          type="info"
          style={{ marginBottom: 8 }}
          title={t('creditRegister.picker.pageTicked', { count: rows.length })}
          action={
            <Button
              size="small"
              type="link"
              onClick={() => {
                setAll({ filter, total, schoolName: school?.name });
                setExcept(new Map());
                setPicked(new Map());
              }}
              data-testid="picker-select-all-matching"
            >
              {t('creditRegister.picker.selectAllMatching', { total })}
            </Button>
          }
        />
      )}
      <Table<Teacher>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={rows}
        loading={list.isFetching}
        scroll={{ x: 'max-content', y: 360 }}
        rowSelection={{
          selectedRowKeys: all ? rows.filter((r) => !except.has(r.id)).map((r) => r.id) : [...picked.keys()],
          preserveSelectedRowKeys: true,
          onSelect: (row, selected) => tick(row, selected),
          onSelectAll: (selected, _rows, changed) => {
            if (all) {
              const next = new Map(except);
              for (const row of changed) {
                if (!row) continue;
                if (selected) next.delete(row.id);
                else next.set(row.id, row);
              }
              setExcept(next);
              return;
            }
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
          total,
          showSizeChanger: false,
          size: 'small',
          onChange: setPage,
          showTotal: (n) =>
            list.data?.totalCapped ? t('common.totalAtLeast', { total: n }) : t('common.total', { total: n }),
        }}
        data-testid="teacher-picker-table"
      />
      <Typography.Text type="secondary" data-testid="picker-count">
        {t('creditRegister.picker.picked', { count })}
      </Typography.Text>
    </Modal>
  );
}

/** The filters of an "all matching" pick, said in words (school, stage, subject, flag, name). */
function useFilterWords(): (f: TeacherMatchFilter, schoolName: string | undefined) => string {
  const { t } = useTranslation();
  const { subjectLabel } = useTeacherValueLabels();
  return (f, schoolName) =>
    [
      schoolName,
      f.stage && t(`stages.${f.stage}`),
      f.subject && subjectLabel(f.subject),
      f.flag && t(`teachers.flags.${f.flag}`),
      f.q && t('creditRegister.picker.nameLike', { q: f.q }),
    ]
      .filter(Boolean)
      .join(t('common.listSeparator'));
}

/**
 * Picks teachers of a unit: type a name to add one, or open the registry table (all the unit's
 * teachers at once, with filters). The picked names show as chips with their count and a clear
 * button; an "all matching" pick shows its count and filters instead of names.
 */
export function TeacherPicker({
  orgUnitId,
  value = EMPTY_PICK,
  onChange,
  allowMatching = false,
  id,
}: {
  orgUnitId: number;
  value?: TeacherPick;
  onChange?: (pick: TeacherPick) => void;
  /** whether the form can take "all N matching" (resolved by the server) */
  allowMatching?: boolean;
  id?: string;
}) {
  const { t } = useTranslation();
  const filterWords = useFilterWords();
  const [search, setSearch] = useState('');
  const [registryOpen, setRegistryOpen] = useState(false);
  const q = useDebouncedValue(search.trim(), 250);
  const known = useRef(new Map<number, PickedTeacher>());
  for (const v of value.teachers) known.current.set(v.id, v);
  const query: TeacherQuery = { orgUnitId, q: q || undefined, page: 1, pageSize: 20 };
  const results = useQuery({
    queryKey: queryKeys.teacherList(query),
    queryFn: () => teachersApi.list(query),
    enabled: q.length > 0 && !value.matching,
    staleTime: 30_000,
  });
  for (const row of results.data?.items ?? []) known.current.set(row.id, row);

  const options = useMemo(() => {
    const rows: PickedTeacher[] = q.length > 0 ? (results.data?.items ?? []) : [];
    const ids = new Set(rows.map((r) => r.id));
    return [...value.teachers.filter((v) => !ids.has(v.id)), ...rows].map((r) => ({
      value: r.id,
      label: teacherLabel(r),
    }));
  }, [q, results.data, value.teachers]);
  const count = pickCount(value);
  const clear = () => onChange?.(EMPTY_PICK);
  // "all matching" is about the filters of one unit: another unit's form starts empty
  const lastUnit = useRef(orgUnitId);
  useEffect(() => {
    if (lastUnit.current === orgUnitId) return;
    lastUnit.current = orgUnitId;
    if (value.matching) onChange?.(EMPTY_PICK);
  }, [orgUnitId, value.matching, onChange]);

  return (
    <Flex vertical gap={6} className="teacher-multi-picker">
      <Flex gap={8} wrap>
        {value.matching ? (
          <Tag
            color="blue"
            closable
            onClose={(e) => {
              e.preventDefault();
              clear();
            }}
            className="wrap-anywhere"
            data-testid="register-teachers-matching"
          >
            {t('creditRegister.picker.matchingChip', {
              count,
              filters:
                filterWords(value.matching.filter, value.matching.schoolName) || t('creditRegister.picker.noFilter'),
            })}
          </Tag>
        ) : (
          <Select<number[]>
            id={id}
            mode="multiple"
            value={value.teachers.map((v) => v.id)}
            onChange={(ids) =>
              onChange?.({
                teachers: ids.map((x) => known.current.get(x)).filter((x): x is PickedTeacher => x !== undefined),
              })
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
            maxTagCount={50}
            className="teacher-multi-select"
            data-testid="register-teachers"
          />
        )}
        <Button icon={<TeamOutlined />} onClick={() => setRegistryOpen(true)} data-testid="register-pick-registry">
          {t('creditRegister.picker.open')}
        </Button>
      </Flex>
      {count > 0 && (
        <Space size={8} wrap>
          <Typography.Text type="secondary" data-testid="register-teachers-count">
            {value.matching?.except.length
              ? t('creditRegister.picker.countExcept', {
                  count,
                  except: value.matching.except.map((x) => x.name).join(t('common.listSeparator')),
                })
              : t('creditRegister.picker.count', { count })}
          </Typography.Text>
          <Button
            size="small"
            type="link"
            icon={<CloseOutlined />}
            onClick={clear}
            data-testid="register-teachers-clear"
          >
            {t('creditRegister.picker.clear')}
          </Button>
        </Space>
      )}
      <RegistryModal
        // another unit starts from its own list: the filters of the last one do not carry over
        key={orgUnitId}
        orgUnitId={orgUnitId}
        open={registryOpen}
        value={value}
        allowMatching={allowMatching}
        onClose={() => setRegistryOpen(false)}
        onPick={(pick) => {
          for (const tt of pick.teachers) known.current.set(tt.id, tt);
          onChange?.(pick);
        }}
      />
    </Flex>
  );
}

/**
 * Picks one teacher or many by name or in the registry table, never "all matching": the value is
 * the picked teachers (not only ids), so rows of a refused batch can be named.
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
  return (
    <TeacherPicker
      orgUnitId={orgUnitId}
      value={{ teachers: value }}
      onChange={(pick) => onChange?.(pick.teachers)}
      id={id}
    />
  );
}
