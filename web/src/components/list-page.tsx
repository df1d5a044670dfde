import { PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery, type QueryKey, type UseQueryResult } from '@tanstack/react-query';
import { Button, Card, Empty, Input, Select, Space, Table, Typography } from 'antd';
import type { TableProps } from 'antd';
import { useCallback, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { DownloadedFile } from '../api/client';
import type { OrgUnitKind, OrgUnitRef } from '../api/types';
import { useCurrentUser } from '../auth/session';
import { toPositiveInt, useSearchState } from '../lib/use-search-state';
import { DownloadButton } from './download-button';
import { OrgUnitPicker } from './org-unit-picker';
import { ErrorResult } from './page-states';

/**
 * The one pattern of a list page: filters and paging kept in the URL ({@link useListSearch}), the page's
 * query keeping the previous page on screen while the next loads ({@link useListQuery}), a frame with the
 * title and the page's actions ({@link ListPage}, {@link ListActions}: export, import, create), a toolbar of filters
 * ({@link ListToolbar}) and the table with its empty, error and paging states ({@link ListTable}).
 */

export const DEFAULT_PAGE_SIZE = 20;

export interface Paging {
  page: number;
  pageSize: number;
  /** whether the reader may choose the page size (kept in the URL as `size`) */
  sizeChanger: boolean;
  /** the list's answer has no total: the pager offers the next page while a page comes back full */
  openEnded: boolean;
  onChange: (page: number, pageSize: number) => void;
}

/**
 * A list's filters and paging, kept in the URL so reload and the back button keep what the reader was
 * looking at. `keys` are the list's own filter keys and must include `page` (and `size` when the reader
 * may choose the page size); pass them as a module-level constant. Changing a filter goes back to page 1.
 */
export function useListSearch<K extends string>(
  keys: readonly K[],
  options: { pageSize?: number; sizeChanger?: boolean; openEnded?: boolean } = {},
) {
  const defaultSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const sizeChanger = options.sizeChanger ?? keys.includes('size' as K);
  const openEnded = options.openEnded ?? false;
  const [search, setSearch] = useSearchState(keys);
  const raw = search as Record<string, string | undefined>;
  const page = toPositiveInt(raw['page'], 1);
  const pageSize = sizeChanger ? toPositiveInt(raw['size'], defaultSize) : defaultSize;
  const set = setSearch as (patch: Record<string, string | undefined>) => void;
  const onChange = useCallback(
    (next: number, size: number) =>
      set(
        sizeChanger
          ? {
              page: size !== pageSize || next === 1 ? undefined : String(next),
              size: size === defaultSize ? undefined : String(size),
            }
          : { page: next === 1 ? undefined : String(next) },
      ),
    [set, sizeChanger, pageSize, defaultSize],
  );
  const paging: Paging = useMemo(
    () => ({ page, pageSize, sizeChanger, openEnded, onChange }),
    [page, pageSize, sizeChanger, openEnded, onChange],
  );
  return { search, setSearch, paging };
}

/**
 * Paging of a list that is part of a page (a tab, a card) rather than the page itself, kept in the
 * component: two such lists on one page must not share the URL's `page`. `reset` goes back to page 1
 * (call it when a filter of the list changes).
 */
export function useLocalPaging(
  defaultSize = DEFAULT_PAGE_SIZE,
  options: { openEnded?: boolean; sizeChanger?: boolean } = {},
) {
  const [{ page, pageSize }, setState] = useState({ page: 1, pageSize: defaultSize });
  const openEnded = options.openEnded ?? false;
  const sizeChanger = options.sizeChanger ?? false;
  const paging: Paging = useMemo(
    () => ({
      page,
      pageSize,
      sizeChanger,
      openEnded,
      // a new page size starts again at page 1
      onChange: (next: number, size: number) => setState({ page: size !== pageSize ? 1 : next, pageSize: size }),
    }),
    [page, pageSize, sizeChanger, openEnded],
  );
  const reset = useCallback(() => setState((state) => ({ ...state, page: 1 })), []);
  return { paging, reset };
}

/** The list's query: the previous answer stays on screen (greyed by the table) while the next one loads. */
export function useListQuery<T>(queryKey: QueryKey, queryFn: () => Promise<T>, enabled = true): UseQueryResult<T> {
  return useQuery({ queryKey, queryFn, enabled, placeholderData: keepPreviousData });
}

/** The frame of a list page: the title with the page's actions beside it, then the page's content. */
export function ListPage({
  title,
  actions,
  intro,
  children,
  testId,
}: {
  title: ReactNode;
  /** buttons of the page: import, export, create … */
  actions?: ReactNode;
  /** a line under the title saying what the list holds */
  intro?: ReactNode;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <Card data-testid={testId}>
      <div className="page-title-row">
        <Typography.Title level={3}>{title}</Typography.Title>
        {actions}
      </div>
      {intro}
      {children}
    </Card>
  );
}

interface ListAction {
  label: ReactNode;
  testId: string;
}

/**
 * The buttons beside a list's title, always in the same order: what the page puts first (e.g. a unit
 * picker), export of the filtered list as a sheet, import of a sheet, and creating one entry. Import
 * and create show only where `manage` is not false (the reader may change the list).
 */
export function ListActions({
  children,
  exportSheet,
  importSheet,
  create,
  manage = true,
}: {
  children?: ReactNode;
  exportSheet?: ListAction & { file: () => Promise<DownloadedFile>; fileName: string };
  importSheet?: ListAction & { onClick: () => void };
  create?: ListAction & { onClick: () => void };
  manage?: boolean;
}) {
  if (!manage) {
    importSheet = undefined;
    create = undefined;
  }
  return (
    <Space wrap>
      {children}
      {exportSheet && (
        <DownloadButton file={exportSheet.file} fileName={exportSheet.fileName} data-testid={exportSheet.testId}>
          {exportSheet.label}
        </DownloadButton>
      )}
      {importSheet && (
        <Button icon={<UploadOutlined />} onClick={importSheet.onClick} data-testid={importSheet.testId}>
          {importSheet.label}
        </Button>
      )}
      {create && (
        <Button type="primary" icon={<PlusOutlined />} onClick={create.onClick} data-testid={create.testId}>
          {create.label}
        </Button>
      )}
    </Space>
  );
}

/**
 * The unit a list is about, for the URL's `unit` (left out for the reader's own unit). Hidden from
 * school accounts where `forSchools` is false: a school's lists are about the school.
 */
export function ListUnitPicker({
  value,
  options,
  kinds,
  onChange,
  forSchools = true,
  testId,
}: {
  value: number;
  options: readonly OrgUnitRef[];
  kinds?: readonly OrgUnitKind[];
  onChange: (unit: string | undefined) => void;
  forSchools?: boolean;
  testId: string;
}) {
  const me = useCurrentUser();
  if (!forSchools && me.orgUnit.kind === 'school') return null;
  return (
    <OrgUnitPicker
      className="toolbar-item"
      value={value}
      initialOptions={options}
      kinds={kinds}
      onChange={(id) => onChange(id === undefined || id === me.orgUnit.id ? undefined : String(id))}
      data-testid={testId}
    />
  );
}

/**
 * A filter of a list choosing one of a few values (the URL keeps it): cleared, it filters nothing.
 * `label` names a value in the UI's language.
 */
export function ListFilter<T extends string>({
  value,
  values,
  label,
  placeholder,
  onChange,
  width,
  className,
  allowClear = true,
  showSearch,
  size,
  ariaLabel,
  testId,
}: {
  value: T | undefined;
  values: readonly T[];
  label: (value: T) => string;
  placeholder?: string;
  onChange: (value: T | undefined) => void;
  width?: number;
  className?: string;
  allowClear?: boolean;
  showSearch?: boolean;
  size?: 'small' | 'middle';
  ariaLabel?: string;
  testId?: string;
}) {
  return (
    <Select<T>
      allowClear={allowClear}
      showSearch={showSearch}
      size={size}
      placeholder={placeholder}
      value={value}
      onChange={(next) => onChange(next ?? undefined)}
      options={values.map((v) => ({ value: v, label: label(v) }))}
      style={width ? { width } : undefined}
      className={className}
      aria-label={ariaLabel}
      data-testid={testId}
    />
  );
}

/**
 * The text search of a list: typed freely, applied (to the URL) on Enter or the search button;
 * `onSearch` gets the trimmed text, or nothing for an empty box.
 */
export function ListSearch({
  value,
  onSearch,
  placeholder,
  width,
  className,
  testId,
}: {
  value: string | undefined;
  onSearch: (text: string | undefined) => void;
  placeholder: string;
  width?: number;
  className?: string;
  testId?: string;
}) {
  const [text, setText] = useState(value ?? '');
  return (
    <Input.Search
      allowClear
      value={text}
      onChange={(event) => setText(event.target.value)}
      onSearch={(next) => onSearch(next.trim() || undefined)}
      placeholder={placeholder}
      style={width ? { width } : undefined}
      className={className}
      data-testid={testId}
    />
  );
}

/** The row of filters above a list's table. */
export function ListToolbar({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <div className="toolbar" data-testid={testId}>
      {children}
    </div>
  );
}

/** What a list's query answers: its rows, and their total when the list is paged. */
export interface ListAnswer<T> {
  items: readonly T[];
  total?: number;
  /** the total is a lower bound: the server stopped counting */
  totalCapped?: boolean;
}

type ListQueryState<T> = Pick<UseQueryResult<ListAnswer<T>>, 'data' | 'isFetching' | 'isError' | 'error' | 'refetch'>;

export type ListTableProps<T> = Omit<TableProps<T>, 'dataSource' | 'loading' | 'pagination' | 'locale'> & {
  list: ListQueryState<T>;
  /** the rows when the page shows other rows than the answer's (e.g. filtered on the page) */
  rows?: readonly T[];
  /**
   * paging kept in the URL or the component; a number: every row was fetched and the table shows that many
   * a page (no pager for a single page); `false`: every row on one page; left out: the table's own pages of ten
   */
  paging?: Paging | number | false;
  /** what an empty list says */
  empty: ReactNode;
};

/** A total for a list without one: the rows so far, and one more while the page is full. */
function openEndedTotal(paging: Paging, rows: number): number {
  return (paging.page - 1) * paging.pageSize + rows + (rows === paging.pageSize ? 1 : 0);
}

/**
 * A list's table: a failed query shows the error with a retry in place of the rows, an empty one says
 * so, the previous rows stay greyed while the next page loads, and the pager reads and writes the URL.
 */
export function ListTable<T extends object>({ list, rows, paging, empty, ...table }: ListTableProps<T>) {
  const { t } = useTranslation();
  const shown = rows ?? list.data?.items;
  return (
    <Table<T>
      size="middle"
      scroll={{ x: 'max-content' }}
      {...table}
      dataSource={shown}
      loading={list.isFetching}
      locale={{
        emptyText: list.isError ? (
          <ErrorResult error={list.error} onRetry={() => void list.refetch()} />
        ) : (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={empty} />
        ),
      }}
      pagination={
        paging === undefined || paging === false
          ? paging
          : typeof paging === 'number'
            ? { pageSize: paging, showSizeChanger: false, hideOnSinglePage: true }
            : paging.openEnded
              ? {
                  current: paging.page,
                  pageSize: paging.pageSize,
                  total: openEndedTotal(paging, shown?.length ?? 0),
                  simple: true,
                  onChange: paging.onChange,
                }
              : {
                  current: paging.page,
                  pageSize: paging.pageSize,
                  total: list.data?.total ?? 0,
                  showSizeChanger: paging.sizeChanger,
                  showTotal: (total) =>
                    list.data?.totalCapped ? t('common.totalAtLeast', { total }) : t('common.total', { total }),
                  onChange: paging.onChange,
                }
      }
    />
  );
}
