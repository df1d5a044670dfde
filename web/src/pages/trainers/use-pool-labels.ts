import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { trainerKeys, trainersApi } from '../../api/trainers.api';

/**
 * For a class's trainer picker: the pool entries (with an account) a unit sees, as a label suffix
 * per account (“语文、数学 · 县级”) and whether the account is in the pool, so pooled trainers come first.
 */
export function usePoolLabels(orgUnitId: number, enabled: boolean) {
  const { t } = useTranslation();
  const query = { orgUnitId, account: 'linked' as const, pageSize: 200 };
  const pool = useQuery({
    queryKey: trainerKeys.list(query),
    queryFn: () => trainersApi.list(query),
    enabled,
    staleTime: 60_000,
  });
  const byUser = new Map((pool.data?.items ?? []).flatMap((x) => (x.user ? [[x.user.id, x] as const] : [])));
  return {
    loading: pool.isFetching,
    inPool: (userId: number) => byUser.has(userId),
    suffix: (userId: number) => {
      const x = byUser.get(userId);
      if (!x) return '';
      return ` · ${[x.subjects.join(t('common.listSeparator')), t(`trainers.levels.${x.level}`)].filter(Boolean).join(' · ')}`;
    },
  };
}
