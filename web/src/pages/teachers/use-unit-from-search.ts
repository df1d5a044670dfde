import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { orgUnitsApi } from '../../api/org-units.api';
import { queryKeys } from '../../api/query-keys';
import type { OrgUnitRef } from '../../api/types';
import { useCurrentUser } from '../../auth/session';
import { toPositiveInt } from '../../lib/use-search-state';

/** The unit in the URL (`?unit=`), else the admin's own; with its name once known. */
export function useUnitFromSearch(unitParam: string | undefined) {
  const me = useCurrentUser();
  const ownUnit: OrgUnitRef = useMemo(
    () => ({ id: me.orgUnit.id, name: me.orgUnit.name, kind: me.orgUnit.kind }),
    [me.orgUnit.id, me.orgUnit.name, me.orgUnit.kind],
  );
  const unitId = toPositiveInt(unitParam, me.orgUnit.id);
  // After a reload the picked unit's name is not known yet: look it up.
  const picked = useQuery({
    queryKey: queryKeys.orgUnit(unitId),
    queryFn: () => orgUnitsApi.get(unitId),
    enabled: unitId !== me.orgUnit.id,
    staleTime: 60_000,
  });
  const pickedUnit = picked.data?.unit;
  const unit: OrgUnitRef | null =
    unitId === ownUnit.id
      ? ownUnit
      : pickedUnit
        ? { id: pickedUnit.id, name: pickedUnit.name, kind: pickedUnit.kind }
        : null;
  const unitOptions = useMemo(
    () =>
      pickedUnit && pickedUnit.id !== ownUnit.id
        ? [ownUnit, { id: pickedUnit.id, name: pickedUnit.name, kind: pickedUnit.kind }]
        : [ownUnit],
    [ownUnit, pickedUnit],
  );
  return { ownUnit, unitId, unit, unitOptions };
}
