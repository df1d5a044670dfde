export type CsvCell = string | number | null | undefined;

/** Text a spreadsheet would run as a formula when the cell is opened (CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

function cell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * RFC 4180 CSV with CRLF line ends and a UTF-8 byte order mark, so that Excel opens Chinese
 * text correctly. Strings that look like formulas are kept as text.
 *
 * @example toCsv([['行号', '问题'], [3, '=1+1']]) // '\uFEFF行号,问题\r\n3,\'=1+1\r\n'
 */
export function toCsv(rows: ReadonlyArray<ReadonlyArray<CsvCell>>): string {
  return `\uFEFF${rows.map((row) => row.map(cell).join(',')).join('\r\n')}\r\n`;
}

export function csvBlob(rows: ReadonlyArray<ReadonlyArray<CsvCell>>): Blob {
  return new Blob([toCsv(rows)], { type: 'text/csv;charset=utf-8' });
}
