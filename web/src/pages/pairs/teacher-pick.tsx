import { useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { pairKeys, pairsApi } from '../../api/pairs.api';

/** Picks a teacher by name among those the reader may pair: a teacher's county, an admin's subtree. */
export function TeacherPick({
  value,
  onChange,
  testId,
}: {
  value?: number | null;
  onChange?: (id: number | null) => void;
  testId?: string;
}) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const found = useQuery({
    queryKey: pairKeys.candidates(q),
    queryFn: () => pairsApi.candidates(q),
    enabled: q.trim().length > 0,
  });
  return (
    <Select
      showSearch
      allowClear
      value={value ?? undefined}
      placeholder={t('pairs.pickTeacher')}
      filterOption={false}
      onSearch={setQ}
      onChange={(v: number | undefined) => onChange?.(v ?? null)}
      notFoundContent={q ? t('pairs.noTeacherFound') : t('pairs.typeName')}
      loading={found.isFetching}
      options={(found.data?.items ?? []).map((c) => ({
        value: c.id,
        label: `${c.name} · ${c.schoolName}${c.subject ? ` · ${c.subject}` : ''}`,
      }))}
      data-testid={testId}
      style={{ width: '100%' }}
    />
  );
}
