/**
 * A form to print, seal and file (签到表, 结业名单, 验证汇总表): the unit, a title, a few facts about
 * what it covers, one table and a closing line, drawn as a PDF (form-pdf.ts) and written as an
 * .xlsx (form-xlsx.ts) from the same data, so both say the same thing.
 */
export interface FormColumn {
  header: string;
  /** share of the table's width (the shares of a form add up to about 1) */
  width: number;
  align?: 'left' | 'center' | 'right';
  /** the column holds numbers: right-aligned, and numbers (not text) in the sheet */
  numeric?: boolean;
  /** Excel number format of a numeric column, e.g. '0.0' for hours, '0.0%' for a rate held as a fraction */
  numFmt?: string;
}

/** A cell: text, a number (written as a number in the sheet, formatted with the column's numFmt in the PDF) or empty. */
export type FormCell = string | number | null;

export interface FormDocument {
  /** the unit that issues the form and seals it, printed above the title */
  unitName: string;
  title: string;
  /** facts under the title, e.g. ['培训项目', '2026年暑期全员培训'] */
  facts: Array<[string, string]>;
  columns: FormColumn[];
  rows: FormCell[][];
  /** a line under the table, e.g. '共 32 人，已签到 30 人' */
  summary: string;
  /** 'YYYY-MM-DD' */
  printedOn: string;
  locale: 'zh-CN' | 'en';
}

/** The words of the frame around every form. */
export interface FormFrameLabels {
  colon: string;
  continued: string;
  page(n: number, m: number): string;
  printedOn: string;
  seal: string;
  signature: string;
  date: string;
  dateBlank: string;
  sealHint: string;
  none: string;
}

export const FORM_FRAME_LABELS: Record<FormDocument['locale'], FormFrameLabels> = {
  'zh-CN': {
    colon: '：',
    continued: '（续）',
    page: (n, m) => `第 ${n} 页 共 ${m} 页`,
    printedOn: '打印日期',
    seal: '单位（盖章）',
    signature: '负责人签字',
    date: '日期',
    dateBlank: '　　　　年　　月　　日',
    sealHint: '盖章处',
    none: '（无）',
  },
  en: {
    colon: ': ',
    continued: ' (continued)',
    page: (n, m) => `Page ${n} of ${m}`,
    printedOn: 'Printed on',
    seal: 'Unit (seal)',
    signature: 'Signature of the person in charge',
    date: 'Date',
    dateBlank: '________________',
    sealHint: 'Seal here',
    none: '(none)',
  },
};

/**
 * A cell as printed: numbers in the column's format (hours with one decimal, a rate as a percentage).
 * @example cellText(0.925, { header: '', width: 0.1, numeric: true, numFmt: '0.0%' }) // '92.5%'
 */
export function cellText(v: FormCell, col: FormColumn): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (col.numFmt === '0.0%') return `${(Math.round(v * 1000) / 10).toFixed(1)}%`;
  if (col.numFmt === '0.0') return v.toFixed(1);
  return String(v);
}
