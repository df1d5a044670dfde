import { Select, Space, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { orgUnitsApi } from '../api/org-units.api';
import { queryKeys } from '../api/query-keys';
import type { OrgUnitKind, OrgUnitRef } from '../api/types';
import { useDebouncedValue } from '../lib/use-debounced-value';

interface OrgUnitPickerProps {
  value?: number;
  onChange?: (id: number | undefined) => void;
  /** The picked unit itself, for callers that need its kind or name. */
  onPick?: (unit: OrgUnitRef) => void;
  /** Units to offer before the user types, e.g. their own unit. */
  initialOptions?: readonly OrgUnitRef[];
  /** Offer only units of these kinds. */
  kinds?: readonly OrgUnitKind[];
  allowClear?: boolean;
  placeholder?: string;
  style?: React.CSSProperties;
  className?: string;
  id?: string;
  'data-testid'?: string;
}

/** Picks one org unit by searching names and codes within the actor's scope. */
export function OrgUnitPicker({
  value,
  onChange,
  onPick,
  initialOptions = [],
  kinds,
  allowClear,
  placeholder,
  style,
  className,
  id,
  'data-testid': testId,
}: OrgUnitPickerProps) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const q = useDebouncedValue(search.trim(), 250);
  // Remember every unit seen so the selected one keeps its label when results change.
  const known = useRef(new Map<number, OrgUnitRef>());
  for (const unit of initialOptions) known.current.set(unit.id, unit);

  // The server filters by one kind; several are filtered here.
  const kind = kinds?.length === 1 ? kinds[0] : undefined;
  const results = useQuery({
    queryKey: queryKeys.orgSearch(q, kind),
    queryFn: () => orgUnitsApi.search(q, { kind, limit: 20 }),
    enabled: q.length > 0,
    staleTime: 30_000,
  });
  for (const unit of results.data?.items ?? []) known.current.set(unit.id, unit);

  const options = useMemo(() => {
    const fits = (unit: OrgUnitRef) => !kinds || kinds.includes(unit.kind);
    const units: OrgUnitRef[] = (q.length > 0 && results.data ? results.data.items : [...initialOptions]).filter(fits);
    const selected = value !== undefined ? known.current.get(value) : undefined;
    if (selected && !units.some((unit) => unit.id === selected.id)) units.unshift(selected);
    return units.map((unit) => ({
      value: unit.id,
      label: unit.name,
      title: unit.name,
      unit,
    }));
  }, [q, results.data, initialOptions, value, kinds]);

  return (
    <Select<number>
      id={id}
      data-testid={testId}
      value={value}
      onChange={(next) => {
        const unit = next !== undefined && next !== null ? known.current.get(next) : undefined;
        if (unit) onPick?.(unit);
        onChange?.(next ?? undefined);
      }}
      showSearch={{ filterOption: false, onSearch: setSearch }}
      onOpenChange={(open) => {
        if (!open) setSearch('');
      }}
      allowClear={allowClear}
      placeholder={placeholder ?? t('orgPicker.placeholder')}
      loading={results.isFetching}
      notFoundContent={
        q.length === 0 ? t('orgPicker.typeToSearch') : results.isFetching ? t('common.loading') : t('orgPicker.noMatch')
      }
      options={options}
      optionRender={(option) => (
        <Space size="small">
          <span>{option.data.unit.name}</span>
          <Typography.Text type="secondary">{t(`kinds.${option.data.unit.kind}`)}</Typography.Text>
        </Space>
      )}
      style={style}
      className={className}
      popupMatchSelectWidth={false}
    />
  );
}
