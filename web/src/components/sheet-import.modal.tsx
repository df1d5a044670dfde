import { Alert, Descriptions, Flex, Modal, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { isApiError, type DownloadedFile, type UploadOptions } from '../api/client';
import { useErrorMessage } from '../lib/error-message';
import { SheetUpload, useSheetUpload } from './sheet-upload';

/** What the server answers to an accepted sheet. */
export interface SheetImportResult {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
}

/** One problem of a refused sheet, by row and column. */
export interface SheetImportProblem {
  row: number;
  /** the Chinese header of the column */
  column: string;
  code: string;
  value?: string;
}

const RESULT_KEYS = ['rows', 'created', 'updated', 'unchanged'] as const;

/** `details.problems` of a sheet refused with `code`, or nothing. */
export function sheetProblems(err: unknown, code: string): SheetImportProblem[] {
  if (!isApiError(err, code)) return [];
  const problems = err.details?.['problems'];
  return Array.isArray(problems)
    ? problems.filter(
        (p): p is SheetImportProblem =>
          typeof p === 'object' && p !== null && typeof (p as { row?: unknown }).row === 'number',
      )
    : [];
}

export interface SheetImportModalProps {
  open: boolean;
  unitName: string;
  onClose: () => void;
  /** e.g. `courses.import`: `.title`, `.intro`, `.allOrNothing`, `.done`, `.nothingNew`, `.result.*`, `.columns.*`, `.problems.*`, … and the texts of SheetUpload. */
  i18nPrefix: string;
  /** e.g. `course-import`: the modal is `<prefix>-modal`, then `-done`, `-rows`, `-created`, `-updated`, `-unchanged`, `-file-error`, `-problems`, and SheetUpload's ids. */
  testIdPrefix: string;
  /** The error code of a sheet refused for problems in its rows, e.g. `COURSE_SHEET_INVALID`. */
  invalidCode: string;
  /** The sheet's column keys, named in `<i18nPrefix>.columns.<key>` (the server reports columns by their zh-CN header). */
  columns: readonly string[];
  upload: (file: File, options: UploadOptions) => Promise<SheetImportResult>;
  /** The template to fill in, and the name to save it under when the server names none. */
  downloadTemplate: () => Promise<{ file: DownloadedFile; fileName: string }>;
  /** A sheet was imported that created or updated something (e.g. to invalidate queries). */
  onImported: (result: SheetImportResult) => void;
}

/** A sheet imported into a unit, all rows or none, problems listed by row and column. */
export function SheetImportModal({
  open,
  unitName,
  onClose,
  i18nPrefix: p,
  testIdPrefix: id,
  invalidCode,
  columns,
  upload,
  downloadTemplate,
  onImported,
}: SheetImportModalProps) {
  const { t } = useTranslation();
  const errorMessage = useErrorMessage();
  const {
    state,
    props: uploadProps,
    reset,
  } = useSheetUpload<SheetImportResult>({
    send: upload,
    template: downloadTemplate,
    onDone: (result) => {
      if (result.created + result.updated > 0) onImported(result);
    },
  });
  // the server names columns by their Chinese header: shown in the UI language
  const zhColumns = t(`${p}.columns`, { returnObjects: true, lng: 'zh-CN' }) as Record<string, string>;
  const columnLabel = (zh: string) => {
    const key = columns.find((c) => zhColumns[c] === zh);
    return key ? t(`${p}.columns.${key}`) : zh;
  };

  const problems =
    state.phase === 'failed'
      ? sheetProblems(state.error, invalidCode).map((problem, key) => ({ ...problem, key }))
      : [];
  const reported =
    state.phase === 'failed' && isApiError(state.error) ? state.error.details?.['problemCount'] : undefined;
  const problemCount = typeof reported === 'number' ? reported : problems.length;
  const close = () => {
    reset();
    onClose();
  };

  return (
    <Modal
      open={open}
      title={t(`${p}.title`, { unit: unitName })}
      footer={null}
      onCancel={close}
      width={760}
      destroyOnHidden
      data-testid={`${id}-modal`}
    >
      <Flex vertical gap="middle">
        <Alert type="info" showIcon title={t(`${p}.intro`, { unit: unitName })} description={t(`${p}.allOrNothing`)} />
        <SheetUpload i18nPrefix={p} workingKey={`${p}.working`} testIdPrefix={id} {...uploadProps} />
        {state.phase === 'done' && (
          <Alert
            type="success"
            showIcon
            title={state.result.created + state.result.updated === 0 ? t(`${p}.nothingNew`) : t(`${p}.done`)}
            description={
              <Descriptions
                size="small"
                column={{ xs: 1, sm: 4 }}
                items={RESULT_KEYS.map((k) => ({
                  key: k,
                  label: t(`${p}.result.${k}`),
                  children: <span data-testid={`${id}-${k}`}>{state.result[k]}</span>,
                }))}
              />
            }
            data-testid={`${id}-done`}
          />
        )}
        {state.phase === 'failed' && problems.length === 0 && (
          <Alert
            type="error"
            showIcon
            title={errorMessage(state.error)}
            description={state.fileName}
            data-testid={`${id}-file-error`}
          />
        )}
        {problems.length > 0 && (
          <Flex vertical gap="small" data-testid={`${id}-problems`}>
            <Alert type="error" showIcon title={t(`${p}.problemsTitle`, { count: problemCount })} />
            <Typography.Text type="secondary">{t(`${p}.problemsHint`)}</Typography.Text>
            <Table
              size="small"
              rowKey="key"
              dataSource={problems}
              tableLayout="fixed"
              pagination={{ pageSize: 10, showSizeChanger: false, hideOnSinglePage: true }}
              columns={[
                { title: t(`${p}.row`), dataIndex: 'row', width: 64 },
                { title: t(`${p}.column`), dataIndex: 'column', width: 120, render: (c: string) => columnLabel(c) },
                { title: t(`${p}.value`), dataIndex: 'value', width: 160, render: (v: string | undefined) => v ?? '—' },
                {
                  title: t(`${p}.problem`),
                  dataIndex: 'code',
                  render: (code: string, problem: SheetImportProblem) =>
                    t(`${p}.problems.${code}`, { value: problem.value ?? '' }),
                },
              ]}
            />
          </Flex>
        )}
      </Flex>
    </Modal>
  );
}
