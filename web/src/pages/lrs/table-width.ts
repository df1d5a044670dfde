import { Grid, type TableColumnsType } from 'antd';

/**
 * The width a table's `scroll.x` should be: the sum of the widths of the columns shown at the current
 * screen width (those without `responsive`, or whose breakpoints match). Each column has a width, so the
 * table keeps to it (and to the page, given a few columns that fit) instead of growing with a long
 * identifier, while its fixed columns stay in view if it must scroll.
 */
export function useTableWidth<T>(columns: TableColumnsType<T>): number {
  const screens = Grid.useBreakpoint();
  return columns.reduce(
    (sum, c) => (!c.responsive || c.responsive.some((b) => screens[b]) ? sum + (Number(c.width) || 0) : sum),
    0,
  );
}
