import { useCallback, useMemo, useReducer, useRef, useState } from 'react';
import { orgUnitsApi } from '../../api/org-units.api';
import type { OrgUnit } from '../../api/types';

/** Children are fetched a page at a time; a "load more" leaf fetches the next page. */
export const TREE_PAGE_SIZE = 100;

export interface TreeNodeState {
  unit: OrgUnit;
  /** null until the children were fetched. */
  childIds: number[] | null;
  total: number;
  nextPage: number;
}

export interface OrgTreeModel {
  rootIds: number[] | null;
  rootsError: unknown;
  node: (id: number) => TreeNodeState | undefined;
  version: number;
  expandedKeys: string[];
  setExpandedKeys: (keys: string[]) => void;
  loadRoots: () => Promise<void>;
  loadChildren: (id: number) => Promise<void>;
  loadMore: (id: number) => Promise<void>;
  /** Loads and expands every ancestor so the unit becomes visible. */
  reveal: (ancestorIds: number[]) => Promise<void>;
  /** Refetches one unit's children (after a create or an import). */
  refresh: (id: number) => Promise<void>;
  /** Takes a fresher copy of a unit (renamed, gained children). */
  sync: (unit: OrgUnit) => void;
}

/**
 * State of the lazily loaded org tree. Kept in a ref-held map so that chains of
 * loads (reveal a deep unit) see their own results without waiting for renders.
 */
export function useOrgTree(): OrgTreeModel {
  const nodes = useRef(new Map<number, TreeNodeState>());
  const inFlight = useRef(new Map<number, Promise<void>>());
  const [rootIds, setRootIds] = useState<number[] | null>(null);
  const [rootsError, setRootsError] = useState<unknown>(null);
  const [expandedKeys, setExpandedKeys] = useState<string[]>([]);
  const [version, bump] = useReducer((n: number) => n + 1, 0);

  const remember = useCallback((unit: OrgUnit) => {
    const existing = nodes.current.get(unit.id);
    if (existing) existing.unit = unit;
    else nodes.current.set(unit.id, { unit, childIds: null, total: unit.childCount, nextPage: 1 });
  }, []);

  const loadRoots = useCallback(async () => {
    setRootsError(null);
    try {
      const { items } = await orgUnitsApi.roots();
      items.forEach(remember);
      setRootIds(items.map((unit) => unit.id));
    } catch (err) {
      setRootsError(err);
    }
  }, [remember]);

  const fetchPage = useCallback(
    (id: number, page: number): Promise<void> => {
      const pending = inFlight.current.get(id);
      if (pending !== undefined) return pending;
      const request = orgUnitsApi
        .children(id, { page, pageSize: TREE_PAGE_SIZE })
        .then(({ items, total }) => {
          items.forEach(remember);
          const state = nodes.current.get(id);
          if (state) {
            const previous = page === 1 ? [] : (state.childIds ?? []);
            const seen = new Set(previous);
            state.childIds = [...previous, ...items.map((unit) => unit.id).filter((child) => !seen.has(child))];
            state.total = total;
            state.nextPage = page + 1;
          }
          bump();
        })
        .finally(() => inFlight.current.delete(id));
      inFlight.current.set(id, request);
      return request;
    },
    [remember],
  );

  const loadChildren = useCallback(
    async (id: number) => {
      const state = nodes.current.get(id);
      if (state && state.childIds !== null) return;
      await fetchPage(id, 1);
    },
    [fetchPage],
  );

  const loadMore = useCallback(
    async (id: number) => {
      const state = nodes.current.get(id);
      if (!state) return;
      await fetchPage(id, state.nextPage);
    },
    [fetchPage],
  );

  const reveal = useCallback(
    async (ancestorIds: number[]) => {
      for (const id of ancestorIds) {
        if (!nodes.current.has(id)) return; // outside the loaded part of the tree
        await loadChildren(id);
      }
      setExpandedKeys((keys) => {
        const next = new Set(keys);
        ancestorIds.forEach((id) => next.add(String(id)));
        return [...next];
      });
    },
    [loadChildren],
  );

  const refresh = useCallback(
    async (id: number) => {
      const state = nodes.current.get(id);
      if (!state || state.childIds === null) return;
      await fetchPage(id, 1);
    },
    [fetchPage],
  );

  const sync = useCallback((unit: OrgUnit) => {
    const state = nodes.current.get(unit.id);
    if (!state) return;
    const current = state.unit;
    if (
      current.name === unit.name &&
      current.childCount === unit.childCount &&
      current.isDemo === unit.isDemo &&
      current.kind === unit.kind
    ) {
      return;
    }
    state.unit = unit;
    if (state.childIds === null) state.total = unit.childCount;
    bump();
  }, []);

  const node = useCallback((id: number) => nodes.current.get(id), []);

  return useMemo(
    () => ({
      rootIds,
      rootsError,
      node,
      version,
      expandedKeys,
      setExpandedKeys,
      loadRoots,
      loadChildren,
      loadMore,
      reveal,
      refresh,
      sync,
    }),
    [rootIds, rootsError, node, version, expandedKeys, loadRoots, loadChildren, loadMore, reveal, refresh, sync],
  );
}
