import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { cyclesApi } from '../../api/credits.api';
import { queryKeys } from '../../api/query-keys';
import type { Cycle } from '../../api/types';

/**
 * The province's cycles, and the one to work in: the requested one (e.g. `?cycle=` in the URL),
 * else the cycle of the current year, else the latest.
 */
export function useCycles(requestedId?: number) {
  const list = useQuery({ queryKey: queryKeys.cycleList(), queryFn: cyclesApi.list, staleTime: 60_000 });
  const cycles = list.data?.items;
  const cycle: Cycle | undefined = useMemo(() => {
    if (!cycles || cycles.length === 0) return undefined;
    return (
      cycles.find((c) => c.id === requestedId) ??
      cycles.find((c) => c.current) ??
      [...cycles].sort((a, b) => b.startYear - a.startYear)[0]
    );
  }, [cycles, requestedId]);
  return { list, cycles: cycles ?? [], cycle };
}

/** The years of a cycle, up to `lastYear` (e.g. this year: a year to come cannot be verified yet). */
export function cycleYears(cycle: Pick<Cycle, 'startYear' | 'endYear'>, lastYear = cycle.endYear): number[] {
  const years: number[] = [];
  for (let y = cycle.startYear; y <= Math.min(cycle.endYear, lastYear); y++) years.push(y);
  return years;
}
