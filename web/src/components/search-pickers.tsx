import { useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { orgUnitsApi } from '../api/org-units.api';
import { teachersApi } from '../api/teachers.api';
import { usersApi } from '../api/users.api';
import { useDebouncedValue } from '../lib/use-debounced-value';

interface Option {
  value: number;
  label: string;
}

/**
 * A Select that searches the server as the user types and keeps the label of every option it has
 * shown, so picked values stay named when the results change. One value, or several with `multiple`.
 */
function SearchSelect({
  value,
  onChange,
  multiple,
  search,
  queryKey,
  placeholder,
  testId,
}: {
  value?: number | number[] | null;
  onChange?: (v: number | number[] | null) => void;
  multiple?: boolean;
  search: (q: string) => Promise<Option[]>;
  queryKey: readonly unknown[];
  placeholder: string;
  testId?: string;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const q = useDebouncedValue(text.trim(), 250);
  const known = useRef(new Map<number, string>());
  const found = useQuery({ queryKey: [...queryKey, q], queryFn: () => search(q), staleTime: 30_000 });
  for (const o of found.data ?? []) known.current.set(o.value, o.label);
  const picked = value == null ? [] : Array.isArray(value) ? value : [value];
  const options = [...(found.data ?? [])];
  for (const id of picked)
    if (!options.some((o) => o.value === id)) options.unshift({ value: id, label: known.current.get(id) ?? `#${id}` });
  return (
    <Select<number | number[]>
      mode={multiple ? 'multiple' : undefined}
      value={multiple ? picked : (picked[0] ?? undefined)}
      onChange={(v) => onChange?.(v ?? null)}
      showSearch={{ filterOption: false, onSearch: setText }}
      onOpenChange={(open) => {
        if (!open) setText('');
      }}
      allowClear
      placeholder={placeholder}
      loading={found.isFetching}
      notFoundContent={found.isFetching ? t('common.loading') : t('pickers.noMatch')}
      options={options}
      data-testid={testId}
      style={{ width: '100%' }}
    />
  );
}

/** Accounts of a unit and the units below it (judges, panel leads, administrators), by name or username. */
export function AccountPicker(p: {
  orgUnitId: number;
  value?: number | number[] | null;
  onChange?: (v: number | number[] | null) => void;
  multiple?: boolean;
  testId?: string;
}) {
  const { t } = useTranslation();
  return (
    <SearchSelect
      {...p}
      queryKey={['pickers', 'accounts', p.orgUnitId]}
      placeholder={t('pickers.account')}
      search={async (q) =>
        (
          await usersApi.list({ orgUnitId: p.orgUnitId, includeDescendants: 'true', q: q || undefined, pageSize: 30 })
        ).items.map((u) => ({
          value: u.id,
          label: `${u.displayName}（${u.username} · ${t(`roles.${u.role}`)}）`,
        }))
      }
    />
  );
}

/** Teachers of the reader's subtree, by name (the school and the masked ID number tell namesakes apart). */
export function TeacherSearchPicker(p: {
  value?: number | number[] | null;
  onChange?: (v: number | number[] | null) => void;
  multiple?: boolean;
  testId?: string;
}) {
  const { t } = useTranslation();
  return (
    <SearchSelect
      {...p}
      queryKey={['pickers', 'teachers']}
      placeholder={t('pickers.teacher')}
      search={async (q) =>
        (await teachersApi.list({ q: q || undefined, pageSize: 20 })).items.map((x) => ({
          value: x.id,
          label: `${x.name} · ${x.orgUnitName}${x.idNumberMasked ? ` · ${x.idNumberMasked}` : ''}`,
        }))
      }
    />
  );
}

/** Units of the reader's scope, by name or code (several at once). */
export function UnitSearchPicker(p: {
  value?: number | number[] | null;
  onChange?: (v: number | number[] | null) => void;
  multiple?: boolean;
  testId?: string;
}) {
  const { t } = useTranslation();
  return (
    <SearchSelect
      {...p}
      queryKey={['pickers', 'units']}
      placeholder={t('orgPicker.typeToSearch')}
      search={async (q) =>
        q ? (await orgUnitsApi.search(q, { limit: 20 })).items.map((u) => ({ value: u.id, label: u.name })) : []
      }
    />
  );
}
