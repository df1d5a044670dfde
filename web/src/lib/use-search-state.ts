import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';

type Values = Record<string, string | undefined>;

/**
 * Filter and paging state kept in the URL, so reload and the back button keep
 * what the user was looking at. Setting any key other than `page` resets `page`.
 * Pass `keys` as a module-level constant so it keeps its identity between renders.
 */
export function useSearchState<K extends string>(
  keys: readonly K[],
): [Record<K, string | undefined>, (patch: Partial<Record<K, string | undefined>>) => void] {
  const [params, setParams] = useSearchParams();
  const values = useMemo(() => {
    const out: Values = {};
    for (const key of keys) out[key] = params.get(key) ?? undefined;
    return out as Record<K, string | undefined>;
  }, [params, keys]);
  const update = useCallback(
    (patch: Partial<Record<K, string | undefined>>) => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [key, value] of Object.entries(patch) as [string, string | undefined][]) {
            if (value === undefined || value === '') next.delete(key);
            else next.set(key, value);
          }
          if (!('page' in patch)) next.delete('page');
          return next;
        },
        { replace: true },
      );
    },
    [setParams],
  );
  return [values, update];
}

export function toPositiveInt(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}
