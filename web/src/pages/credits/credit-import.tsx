import { FileExcelOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Descriptions, Flex, Result, Space, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useCallback, useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiError, isApiError, saveFile } from '../../api/client';
import {
  creditsApi,
  SHEET_PROBLEM_CODES,
  type SheetColumn,
  type SheetImportResult,
  type SheetProblem,
} from '../../api/credits.api';
import { queryKeys } from '../../api/query-keys';
import { SOURCE_TYPES, type Cycle, type OrgUnitRef } from '../../api/types';
import { useCreditWording } from '../../components/credit-labels';
import { csvBlob } from '../../lib/csv';
import { showUnseen } from '../../../../src/domain/text';
import { SheetUpload, useSheetUpload } from '../../components/sheet-upload';
import { useErrorMessage } from '../../lib/error-message';

/** How many problems the table pages through at a time. */
const PAGE_SIZE = 10;

/** The sheet's header names as the server reports them (credit-import.service.ts), by column. */
const HEADER_COLUMN: Readonly<Record<string, SheetColumn>> = {
  姓名: 'name',
  证件号码: 'idNumber',
  学时: 'hours',
  日期: 'date',
  培训内容: 'title',
  类别: 'categories',
  来源: 'source',
  佐证材料: 'evidence',
};
/** Fields of a registration refused by the cycle rules, by the sheet column they came from. */
const FIELD_COLUMN: Readonly<Record<string, SheetColumn>> = {
  teacherId: 'idNumber',
  hours: 'hours',
  occurredOn: 'date',
  title: 'title',
  categories: 'categories',
  sourceType: 'source',
  sourceRef: 'source',
  evidenceId: 'evidence',
  evidenceRef: 'evidence',
};
/** Codes found while reading a row; the others come from the cycle rules (creditRegister.problems). */
const READING_CODES = new Set<string>(SHEET_PROBLEM_CODES);

function isSheetProblem(value: unknown): value is SheetProblem {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { row?: unknown }).row === 'number' &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}

/** `details.problems` of a refused sheet, or nothing. */
export function sheetProblems(err: unknown): SheetProblem[] {
  if (!isApiError(err, 'ENTRY_INVALID')) return [];
  const problems = err.details?.['problems'];
  return Array.isArray(problems) ? problems.filter(isSheetProblem) : [];
}

/** Column labels and problem texts of a registration sheet, in the UI language. */
export function useSheetWording() {
  const { t } = useTranslation();
  const { registrationProblemText, sourceLabel } = useCreditWording();

  const columnKey = useCallback((p: Pick<SheetProblem, 'column' | 'field'>): SheetColumn | null => {
    if (p.column !== undefined) return HEADER_COLUMN[p.column] ?? null;
    if (p.field !== undefined) return FIELD_COLUMN[p.field] ?? null;
    return null;
  }, []);

  const columnLabel = useCallback(
    (p: Pick<SheetProblem, 'column' | 'field'>) => {
      const key = columnKey(p);
      if (key) return t(`creditRegister.import.columns.${key}`);
      return p.column ?? t('creditRegister.import.wholeRow');
    },
    [t, columnKey],
  );

  const problemText = useCallback(
    (p: SheetProblem) => {
      if (p.field === undefined && READING_CODES.has(p.code)) {
        const sources = SOURCE_TYPES.map(sourceLabel).join(t('common.listSeparator'));
        const text = t(`creditRegister.import.problems.${p.code}`, { value: p.value ?? '', sources });
        return p.withheld && p.code !== 'id_number_in_text' ? text + t(`teachers.import.withheld.${p.withheld}`) : text;
      }
      const text = registrationProblemText(p.code, p.params ?? {});
      return text === p.code ? t('creditRegister.import.problems.unknown', { code: p.code }) : text;
    },
    [t, sourceLabel, registrationProblemText],
  );

  return { columnLabel, problemText };
}

/** The file was refused as a whole (not its rows): what is wrong and what to do. */
function FileError({ fileName, error }: { fileName: string; error: unknown }) {
  const { t } = useTranslation();
  const errorMessage = useErrorMessage();
  const { columnLabel } = useSheetWording();
  let title = errorMessage(error);
  let description: ReactNode = fileName;
  if (isApiError(error, 'IMPORT_MISSING_COLUMNS')) {
    const missing = error.details?.['missing'];
    const columns = Array.isArray(missing) ? missing.filter((c): c is string => typeof c === 'string') : [];
    title = t('creditRegister.import.missingColumns', {
      columns: columns.map((column) => columnLabel({ column })).join(t('common.listSeparator')),
    });
    description = t('creditRegister.import.useTemplate');
  } else if (isApiError(error, 'IMPORT_TOO_MANY_ROWS') && typeof error.details?.['max'] === 'number') {
    description = t('creditRegister.import.tooManyRows', { max: error.details['max'] });
  } else if (isApiError(error, 'REGISTRATION_SHEET_INVALID') || isApiError(error, 'IMPORT_FILE_UNREADABLE')) {
    description = t('creditRegister.import.useTemplate');
  } else if (isApiError(error, 'IDEMPOTENCY_KEY_REUSED')) {
    description = t('creditRegister.import.keyReused');
  }
  return <Alert type="error" showIcon title={title} description={description} data-testid="credit-import-file-error" />;
}

type NumberedProblem = SheetProblem & { key: number };

/** Every problem of a refused sheet by row and column; nothing of the file was registered. */
function ProblemsTable({ fileName, error }: { fileName: string; error: ApiError }) {
  const { t } = useTranslation();
  const { columnLabel, problemText } = useSheetWording();
  const problems = useMemo(() => sheetProblems(error).map((p, key) => ({ ...p, key })), [error]);
  const count = typeof error.details?.['problemCount'] === 'number' ? error.details['problemCount'] : problems.length;

  const downloadCsv = () => {
    const rows = [
      [
        t('creditRegister.import.row'),
        t('creditRegister.import.column'),
        t('creditRegister.import.value'),
        t('creditRegister.import.problem'),
      ],
      ...problems.map((p) => [p.row, columnLabel(p), p.value === undefined ? '' : showUnseen(p.value), problemText(p)]),
    ];
    const base = fileName.replace(/\.[^.]+$/, '');
    saveFile(
      { blob: csvBlob(rows), filename: t('creditRegister.import.problemsFileName', { file: base }) },
      'problems.csv',
    );
  };

  const columns: TableColumnsType<NumberedProblem> = [
    {
      title: t('creditRegister.import.row'),
      dataIndex: 'row',
      width: 64,
      render: (row: number) => <span data-testid="credit-import-problem-row">{row}</span>,
    },
    {
      title: t('creditRegister.import.column'),
      key: 'column',
      width: 104,
      render: (_, p) => <span data-testid="credit-import-problem-column">{columnLabel(p)}</span>,
    },
    {
      title: t('creditRegister.import.value'),
      dataIndex: 'value',
      responsive: ['md'],
      width: 180,
      // hidden characters are written out (⟨U+202E⟩), so the cell shows what the file really holds
      render: (value: string | undefined) => (
        <span className="import-value">{value === undefined ? '—' : showUnseen(value)}</span>
      ),
    },
    {
      title: t('creditRegister.import.problem'),
      key: 'problem',
      render: (_, p) => <span data-testid="credit-import-problem-text">{problemText(p)}</span>,
    },
  ];

  return (
    <Flex vertical gap="small" data-testid="credit-import-problems">
      <Alert type="error" showIcon title={t('creditRegister.import.problemsTitle', { count })} description={fileName} />
      <Flex justify="space-between" align="center" gap={8} wrap>
        <Typography.Text type="secondary">{t('creditRegister.import.problemsHint')}</Typography.Text>
        <Button icon={<FileExcelOutlined />} onClick={downloadCsv} data-testid="credit-import-problems-csv">
          {t('creditRegister.import.problemsCsv')}
        </Button>
      </Flex>
      {problems.length < count && (
        <Alert
          type="warning"
          showIcon
          title={t('creditRegister.import.problemsTruncated', { shown: problems.length, count })}
        />
      )}
      <Table<NumberedProblem>
        size="small"
        rowKey="key"
        dataSource={problems}
        columns={columns}
        tableLayout="fixed"
        pagination={{
          pageSize: PAGE_SIZE,
          showSizeChanger: false,
          hideOnSinglePage: true,
          showTotal: (total) => t('common.total', { total }),
        }}
        data-testid="credit-import-problems-table"
      />
    </Flex>
  );
}

/** What registering the sheet did. */
function Done({
  fileName,
  result,
  onShowEntries,
  onAnother,
}: {
  fileName: string;
  result: SheetImportResult;
  onShowEntries: () => void;
  onAnother: () => void;
}) {
  const { t } = useTranslation();
  const nothingNew = result.created === 0;
  return (
    <Result
      status={nothingNew ? 'info' : 'success'}
      title={
        <span data-testid="credit-import-done-title">
          {nothingNew
            ? t('creditRegister.import.nothingNewTitle')
            : t('creditRegister.import.doneTitle', { count: result.created })}
        </span>
      }
      subTitle={fileName}
      data-testid="credit-import-done"
      extra={
        <Space wrap>
          <Button type="primary" onClick={onShowEntries} data-testid="credit-import-to-entries">
            {t('creditRegister.import.toEntries')}
          </Button>
          <Button onClick={onAnother} data-testid="credit-import-another">
            {t('creditRegister.import.another')}
          </Button>
        </Space>
      }
    >
      <Descriptions
        size="small"
        column={{ xs: 1, sm: 3 }}
        items={[
          {
            key: 'rows',
            label: t('creditRegister.import.result.rows'),
            children: <span data-testid="credit-import-rows">{result.rows}</span>,
          },
          {
            key: 'created',
            label: t('creditRegister.import.result.created'),
            children: <span data-testid="credit-import-created">{result.created}</span>,
          },
          {
            key: 'replayed',
            label: t('creditRegister.import.result.replayed'),
            children: <span data-testid="credit-import-replayed">{result.replayed}</span>,
          },
        ]}
      />
    </Result>
  );
}

/**
 * 表格导入: registers hours from an .xlsx or .csv sheet for the unit's teachers. The file is
 * registered whole or not at all, with a progress bar while it uploads; a refused file lists its
 * problems by row and column. Uploading the same file again registers nothing twice.
 */
export function CreditImport({
  orgUnitId,
  unit,
  cycle,
  onShowEntries,
}: {
  orgUnitId: number;
  unit: OrgUnitRef | null;
  cycle: Cycle | undefined;
  onShowEntries: () => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const {
    state,
    props: uploadProps,
    reset,
  } = useSheetUpload<SheetImportResult>({
    send: (file, options) => creditsApi.importSheet(orgUnitId, file, options),
    template: async () => ({
      file: await creditsApi.downloadImportTemplate(orgUnitId),
      fileName: t('creditRegister.import.templateFileName'),
    }),
    onDone: (result) => {
      if (result.created > 0) void queryClient.invalidateQueries({ queryKey: queryKeys.credits });
    },
  });

  if (state.phase === 'done') {
    return <Done fileName={state.fileName} result={state.result} onShowEntries={onShowEntries} onAnother={reset} />;
  }

  return (
    <Flex vertical gap="middle" className="credit-import" data-testid="credit-import">
      {!cycle && <Alert type="warning" showIcon title={t('creditRegister.noCycle')} />}
      <Alert
        type="info"
        showIcon
        title={
          unit
            ? unit.kind === 'school'
              ? t('creditRegister.import.intoSchool', { unit: unit.name })
              : t('creditRegister.import.intoArea', { unit: unit.name })
            : undefined
        }
        description={t('creditRegister.import.allOrNothing')}
      />
      <SheetUpload
        i18nPrefix="creditRegister.import"
        workingKey="creditRegister.import.registering"
        testIdPrefix="credit-import"
        {...uploadProps}
      />
      {state.phase === 'failed' &&
        (isApiError(state.error, 'ENTRY_INVALID') && sheetProblems(state.error).length > 0 ? (
          <ProblemsTable fileName={state.fileName} error={state.error} />
        ) : (
          <FileError fileName={state.fileName} error={state.error} />
        ))}
    </Flex>
  );
}
