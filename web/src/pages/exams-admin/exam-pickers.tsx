import { useQuery } from '@tanstack/react-query';
import { InputNumber, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { coursesApi } from '../../api/courses.api';
import { examAdminApi, examAdminKeys } from '../../api/exam-admin';
import { trainingApi } from '../../api/training.api';
import { usersApi } from '../../api/users.api';
import type { Role } from '../../api/types';
import { useDebouncedValue } from '../../lib/use-debounced-value';

/**
 * The pickers of the exam form and the markers card: a course of the catalogue, a training project, a
 * class of the chosen project, a spot-check, and trainer or admin accounts. Each searches as one types
 * and keeps the chosen entry's name on show; each is a controlled field for antd's Form.Item.
 */

interface PickerProps {
  value?: number;
  onChange?: (id: number | undefined) => void;
  disabled?: boolean;
  id?: string;
  'data-testid'?: string;
}

/** A course the organiser's unit sees in the catalogue. */
export function CourseSelect({
  value,
  onChange,
  orgUnitId,
  disabled,
  id,
  'data-testid': testId,
}: PickerProps & { orgUnitId?: number }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const debounced = useDebouncedValue(q.trim(), 300);
  const list = useQuery({
    queryKey: ['exam-admin', 'courses', orgUnitId ?? null, debounced],
    queryFn: () => coursesApi.list({ orgUnitId, q: debounced || undefined, pageSize: 30 }),
  });
  const picked = useQuery({
    queryKey: ['exam-admin', 'course', value],
    queryFn: () => coursesApi.get(value as number),
    enabled: value !== undefined && !list.data?.items.some((c) => c.id === value),
  });
  const options = (list.data?.items ?? []).map((c) => ({ value: c.id, label: c.title }));
  if (picked.data && !options.some((o) => o.value === picked.data.course.id))
    options.unshift({ value: picked.data.course.id, label: picked.data.course.title });
  return (
    <Select<number>
      id={id}
      showSearch={{ filterOption: false, onSearch: setQ }}
      allowClear
      disabled={disabled}
      value={value}
      onChange={(v) => onChange?.(v ?? undefined)}
      options={options}
      loading={list.isFetching}
      placeholder={t('examAdmin.pickers.course')}
      notFoundContent={t('examAdmin.pickers.none')}
      style={{ width: 360 }}
      data-testid={testId}
    />
  );
}

/** A training project the organiser's unit runs or sees. */
export function ProjectSelect({ value, onChange, disabled, id, 'data-testid': testId }: PickerProps) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const debounced = useDebouncedValue(q.trim(), 300);
  const list = useQuery({
    queryKey: ['exam-admin', 'projects', debounced],
    queryFn: () => trainingApi.projects({ q: debounced || undefined, pageSize: 30 }),
  });
  const picked = useQuery({
    queryKey: ['exam-admin', 'project', value],
    queryFn: () => trainingApi.project(value as number),
    enabled: value !== undefined && !list.data?.items.some((p) => p.id === value),
  });
  const options = (list.data?.items ?? []).map((p) => ({ value: p.id, label: `${p.title}（${p.year}）` }));
  if (picked.data && !options.some((o) => o.value === picked.data.project.id))
    options.unshift({ value: picked.data.project.id, label: picked.data.project.title });
  return (
    <Select<number>
      id={id}
      showSearch={{ filterOption: false, onSearch: setQ }}
      allowClear
      disabled={disabled}
      value={value}
      onChange={(v) => onChange?.(v ?? undefined)}
      options={options}
      loading={list.isFetching}
      placeholder={t('examAdmin.pickers.project')}
      notFoundContent={t('examAdmin.pickers.none')}
      style={{ width: 360 }}
      data-testid={testId}
    />
  );
}

/** A class of the chosen project. */
export function ClassSelect({
  value,
  onChange,
  projectId,
  disabled,
  id,
  'data-testid': testId,
}: PickerProps & { projectId?: number }) {
  const { t } = useTranslation();
  const project = useQuery({
    queryKey: ['exam-admin', 'project', projectId],
    queryFn: () => trainingApi.project(projectId as number),
    enabled: projectId !== undefined,
  });
  return (
    <Select<number>
      id={id}
      allowClear
      disabled={disabled || projectId === undefined}
      value={value}
      onChange={(v) => onChange?.(v ?? undefined)}
      options={(project.data?.classes ?? []).map((c) => ({ value: c.id, label: c.name }))}
      loading={project.isFetching}
      placeholder={projectId === undefined ? t('examAdmin.pickers.projectFirst') : t('examAdmin.pickers.class')}
      notFoundContent={t('examAdmin.pickers.none')}
      style={{ width: 360 }}
      data-testid={testId}
    />
  );
}

/**
 * A spot-check of the organiser (GET /api/spot-checks); where the server has no such list, its number
 * typed in.
 */
export function SpotCheckSelect({ value, onChange, disabled, id, 'data-testid': testId }: PickerProps) {
  const { t } = useTranslation();
  const list = useQuery({
    queryKey: examAdminKeys.spotChecks,
    queryFn: examAdminApi.spotChecks,
    retry: (n, err) => !(err instanceof ApiError && err.status === 404) && n < 2,
  });
  if (list.isError)
    return (
      <InputNumber
        id={id}
        disabled={disabled}
        min={1}
        precision={0}
        value={value}
        onChange={(v) => onChange?.(v ?? undefined)}
        placeholder={t('examAdmin.pickers.spotCheckNumber')}
        style={{ width: 200 }}
        data-testid={testId}
      />
    );
  return (
    <Select<number>
      id={id}
      allowClear
      disabled={disabled}
      value={value}
      onChange={(v) => onChange?.(v ?? undefined)}
      options={(list.data?.items ?? []).map((s) => ({
        value: s.id,
        label: s.year ? `${s.title}（${s.year}）` : s.title,
      }))}
      loading={list.isFetching}
      placeholder={t('examAdmin.pickers.spotCheck')}
      notFoundContent={t('examAdmin.pickers.none')}
      style={{ width: 360 }}
      data-testid={testId}
    />
  );
}

const MARKER_ROLES: readonly Role[] = ['trainer', 'province_admin', 'city_admin', 'county_admin', 'school_admin'];

export interface PickedUser {
  userId: number;
  name: string;
}

/** Trainer and admin accounts of the actor's subtree, several at once (the exam's markers). */
export function MarkerSelect({
  value,
  onChange,
  'data-testid': testId,
}: {
  value: PickedUser[];
  onChange: (users: PickedUser[]) => void;
  'data-testid'?: string;
}) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const debounced = useDebouncedValue(q.trim(), 300);
  const list = useQuery({
    queryKey: ['exam-admin', 'marker-candidates', debounced],
    queryFn: () => usersApi.list({ q: debounced || undefined, includeDescendants: 'true', pageSize: 50 }),
  });
  const found = (list.data?.items ?? [])
    .filter((u) => MARKER_ROLES.includes(u.role) && !u.disabled)
    .map((u) => ({ value: u.id, label: `${u.displayName}（${t(`roles.${u.role}`)}，${u.orgUnitName}）` }));
  const options = [
    ...value.filter((p) => !found.some((f) => f.value === p.userId)).map((p) => ({ value: p.userId, label: p.name })),
    ...found,
  ];
  return (
    <Select<number[]>
      mode="multiple"
      showSearch={{ filterOption: false, onSearch: setQ }}
      value={value.map((p) => p.userId)}
      onChange={(ids) =>
        onChange(
          ids.map((id) => {
            const known = value.find((p) => p.userId === id);
            if (known) return known;
            const u = list.data?.items.find((x) => x.id === id);
            return { userId: id, name: u?.displayName ?? String(id) };
          }),
        )
      }
      options={options}
      loading={list.isFetching}
      placeholder={t('examAdmin.markers.placeholder')}
      notFoundContent={t('examAdmin.pickers.none')}
      style={{ width: '100%' }}
      data-testid={testId}
    />
  );
}
