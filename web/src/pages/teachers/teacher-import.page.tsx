import { FileExcelOutlined, ReloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Breadcrumb,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Flex,
  Form,
  Result,
  Space,
  Steps,
  Table,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { ApiError, isApiError, saveFile } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import { teacherImportsApi } from '../../api/teachers.api';
import type { OrgUnitKind, RosterRowError, TeacherImportReport, TeacherImportTransfer } from '../../api/types';
import { OrgUnitPicker } from '../../components/org-unit-picker';
import { SheetUpload, useSheetUpload } from '../../components/sheet-upload';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { csvBlob } from '../../lib/csv';
import { formatDateTime } from '../../lib/format';
import { showUnseen } from '../../../../src/domain/text';
import { useErrorMessage } from '../../lib/error-message';
import { toPositiveInt, useSearchState } from '../../lib/use-search-state';
import { ImportSummary } from './import-summary';
import { useRosterWording } from './teacher-labels';
import { useUnitFromSearch } from './use-unit-from-search';

const SEARCH_KEYS = ['unit', 'import'] as const;
/** Units a roster can be imported into (training institutions keep no roster). */
const IMPORT_KINDS: readonly OrgUnitKind[] = ['province', 'city', 'county', 'township', 'school'];
/** File-level errors whose server wording carries a number the code alone does not (a limit). */
const CODES_WITH_LIMITS = new Set(['IMPORT_TOO_MANY_ROWS', 'IMPORT_UNPACKED_TOO_LARGE']);

type NumberedError = RosterRowError & { key: number };

/** The file as a whole was refused: what is wrong and what to do about it. */
function FileError({ fileName, error }: { fileName: string; error: unknown }) {
  const { t } = useTranslation();
  const errorMessage = useErrorMessage();
  const { columnLabel } = useRosterWording();
  const title = errorMessage(error);
  let description: ReactNode = fileName;
  if (isApiError(error, 'IMPORT_MISSING_COLUMNS')) {
    const missing = error.details?.['missing'];
    const columns = Array.isArray(missing) ? missing.filter((c): c is string => typeof c === 'string') : [];
    description = (
      <>
        <div data-testid="import-missing-columns">
          {t('teachers.import.missingColumns', { columns: columns.map(columnLabel).join(t('common.listSeparator')) })}
        </div>
        <div>{t('teachers.import.useTemplate')}</div>
      </>
    );
  } else if (error instanceof ApiError && CODES_WITH_LIMITS.has(error.code) && error.message !== title) {
    description = error.message;
  } else if (isApiError(error, 'IMPORT_NO_ROSTER_SHEET') || isApiError(error, 'IMPORT_FILE_UNREADABLE')) {
    description = t('teachers.import.useTemplate');
  }
  return <Alert type="error" showIcon title={title} description={description} data-testid="import-file-error" />;
}

/** Step 1: where to import, the template, and the file. */
function UploadStep({ onChecked }: { onChecked: (report: TeacherImportReport) => void }) {
  const { t } = useTranslation();
  const [search, setSearch] = useSearchState(SEARCH_KEYS);
  const { ownUnit, unitId, unit, unitOptions } = useUnitFromSearch(search.unit);
  const {
    state,
    props: uploadProps,
    reset,
  } = useSheetUpload<TeacherImportReport>({
    send: (file, options) => teacherImportsApi.upload(unitId, file, options),
    template: async () => ({
      file: await teacherImportsApi.downloadTemplate(unitId),
      fileName: t('teachers.import.templateFileName'),
    }),
    onDone: (report) => {
      reset();
      onChecked(report);
    },
  });

  const atSchool = unit?.kind === 'school';

  return (
    <Flex vertical gap="middle">
      <Form layout="vertical" component={false}>
        <Form.Item
          label={t('teachers.import.unit')}
          extra={
            unit
              ? atSchool
                ? t('teachers.import.intoSchool', { unit: unit.name })
                : t('teachers.import.intoArea', { unit: unit.name })
              : undefined
          }
        >
          <OrgUnitPicker
            value={unitId}
            initialOptions={unitOptions}
            kinds={IMPORT_KINDS}
            onChange={(id) => {
              reset();
              setSearch({ unit: id === undefined || id === ownUnit.id ? undefined : String(id) });
            }}
            style={{ width: '100%', maxWidth: 420 }}
            data-testid="import-unit"
          />
        </Form.Item>
      </Form>
      <SheetUpload
        i18nPrefix="teachers.import"
        workingKey="teachers.import.checking"
        testIdPrefix="import"
        {...uploadProps}
      />
      {state.phase === 'failed' && <FileError fileName={state.fileName} error={state.error} />}
    </Flex>
  );
}

function ErrorsTable({ report }: { report: TeacherImportReport }) {
  const { t } = useTranslation();
  const { columnLabel, problemText } = useRosterWording();
  const describe = (e: RosterRowError) => problemText(e.code, e.value, e) ?? e.message;
  const listedRows = useMemo(() => new Set(report.errors.map((e) => e.row)).size, [report.errors]);
  // one row of the file can have several problems: number them for the table
  const numbered = useMemo(() => report.errors.map((e, index) => ({ ...e, key: index })), [report.errors]);

  const downloadCsv = () => {
    const rows = [
      [t('teachers.import.row'), t('teachers.import.column'), t('teachers.import.value'), t('teachers.import.problem')],
      ...report.errors.map((e) => [
        e.row > 0 ? e.row : '',
        columnLabel(e.column),
        e.value === undefined ? '' : showUnseen(e.value),
        describe(e),
      ]),
    ];
    const base = report.fileName.replace(/\.[^.]+$/, '');
    saveFile({ blob: csvBlob(rows), filename: t('teachers.import.errorsFileName', { file: base }) }, 'errors.csv');
  };

  const columns: TableColumnsType<NumberedError> = [
    {
      title: t('teachers.import.row'),
      dataIndex: 'row',
      width: 64,
      render: (row: number) =>
        row > 0 ? <span data-testid="import-error-row">{row}</span> : t('teachers.import.wholeFile'),
    },
    {
      title: t('teachers.import.column'),
      dataIndex: 'column',
      width: 104,
      render: (column: string) => columnLabel(column),
    },
    {
      title: t('teachers.import.value'),
      dataIndex: 'value',
      responsive: ['md'],
      width: 200,
      // hidden characters are written out (⟨U+202E⟩), so the cell shows what the file really holds
      render: (value: string | undefined) => (
        <span className="import-value">{value === undefined ? '—' : showUnseen(value)}</span>
      ),
    },
    {
      title: t('teachers.import.problem'),
      key: 'problem',
      render: (_, e) => <span data-testid="import-error-message">{describe(e)}</span>,
    },
  ];

  return (
    <Flex vertical gap="small" data-testid="import-errors">
      <Flex justify="space-between" align="center" gap={8} wrap>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('teachers.import.errorsTitle', { count: report.summary.error })}
        </Typography.Title>
        <Button icon={<FileExcelOutlined />} onClick={downloadCsv} data-testid="import-errors-csv">
          {t('teachers.import.errorsCsv')}
        </Button>
      </Flex>
      <Typography.Text type="secondary">{t('teachers.import.errorsHint')}</Typography.Text>
      {listedRows < report.summary.error && (
        <Alert
          type="warning"
          showIcon
          title={t('teachers.import.errorsTruncated', { shown: listedRows, count: report.summary.error })}
        />
      )}
      <Table<NumberedError>
        size="small"
        rowKey="key"
        dataSource={numbered}
        columns={columns}
        tableLayout="fixed"
        pagination={{
          pageSize: 10,
          showSizeChanger: false,
          hideOnSinglePage: true,
          showTotal: (total) => t('common.total', { total }),
        }}
        data-testid="import-errors-table"
      />
    </Flex>
  );
}

function TransfersTable({
  report,
  confirmed,
  onConfirmedChange,
}: {
  report: TeacherImportReport;
  confirmed: boolean;
  onConfirmedChange: (value: boolean) => void;
}) {
  const { t } = useTranslation();
  const columns: TableColumnsType<TeacherImportTransfer> = [
    { title: t('teachers.import.row'), dataIndex: 'row', width: 72 },
    { title: t('teachers.fields.name'), dataIndex: 'name' },
    {
      title: t('teachers.fields.idNumber'),
      dataIndex: 'idNumberMasked',
      responsive: ['md'],
      render: (value: string) => <span className="identifier">{value}</span>,
    },
    { title: t('teachers.import.fromUnit'), dataIndex: 'fromUnitName', render: (value: string | null) => value ?? '—' },
    { title: t('teachers.import.toUnit'), dataIndex: 'toUnitName' },
  ];
  return (
    <Flex vertical gap="small" data-testid="import-transfers">
      <Typography.Title level={5} style={{ margin: 0 }}>
        {t('teachers.import.transfersTitle', { count: report.summary.transfer })}
      </Typography.Title>
      <Typography.Text type="secondary">{t('teachers.import.transfersHint')}</Typography.Text>
      {report.transfers.length < report.summary.transfer && (
        <Alert
          type="info"
          showIcon
          title={t('teachers.import.transfersTruncated', {
            shown: report.transfers.length,
            count: report.summary.transfer,
          })}
        />
      )}
      <Table<TeacherImportTransfer>
        size="small"
        rowKey={(row) => `${row.row}`}
        dataSource={report.transfers}
        columns={columns}
        scroll={{ x: 'max-content' }}
        pagination={{ pageSize: 10, showSizeChanger: false, hideOnSinglePage: true }}
      />
      <Checkbox
        checked={confirmed}
        onChange={(event) => onConfirmedChange(event.target.checked)}
        data-testid="import-confirm-transfers"
      >
        {t('teachers.import.confirmTransfers', { count: report.summary.transfer })}
      </Checkbox>
    </Flex>
  );
}

/** Step 2: what the file would do; commit the good rows or discard. */
function CheckStep({ report, onRestart }: { report: TeacherImportReport; onRestart: () => void }) {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const [confirmTransfers, setConfirmTransfers] = useState(false);
  const { summary } = report;

  const commit = useMutation({
    mutationFn: () => teacherImportsApi.commit(report.importId, confirmTransfers),
    onSuccess: (committed) => {
      queryClient.setQueryData(queryKeys.teacherImport(report.importId), committed);
      void queryClient.invalidateQueries({ queryKey: queryKeys.teachers });
    },
    onError: (err) => {
      // someone else committed or discarded it meanwhile: show where it stands now
      if (isApiError(err, 'IMPORT_NOT_OPEN') || isApiError(err, 'IMPORT_EXPIRED')) {
        void queryClient.invalidateQueries({ queryKey: queryKeys.teacherImport(report.importId) });
      }
    },
  });

  const discard = useMutation({
    mutationFn: () => teacherImportsApi.discard(report.importId),
    onSuccess: () => {
      void message.success(t('teachers.import.discarded'));
      queryClient.removeQueries({ queryKey: queryKeys.teacherImport(report.importId) });
      onRestart();
    },
    onError: (err) => message.error(errorMessage(err)),
  });

  const toImport = summary.create + summary.update + (confirmTransfers ? summary.transfer : 0);
  const busy = commit.isPending || discard.isPending;

  const askCommit = () =>
    modal.confirm({
      title: t('teachers.import.commitConfirmTitle'),
      content: (
        <div>
          <div>{t('teachers.import.commitConfirmText', { create: summary.create, update: summary.update })}</div>
          {summary.transfer > 0 && (
            <div>
              {confirmTransfers
                ? t('teachers.import.commitTransfers', { count: summary.transfer })
                : t('teachers.import.commitNoTransfers', { count: summary.transfer })}
            </div>
          )}
          {summary.error > 0 && <div>{t('teachers.import.commitErrorsLeftOut', { count: summary.error })}</div>}
        </div>
      ),
      okText: t('teachers.import.commit'),
      cancelText: t('common.cancel'),
      onOk: () => commit.mutateAsync().catch(() => undefined),
    });

  return (
    <Flex vertical gap="large">
      <Descriptions
        size="small"
        column={1}
        items={[{ key: 'file', label: t('teachers.import.file'), children: report.fileName }]}
      />
      <ImportSummary summary={summary} />
      {report.expiresAt && (
        <Typography.Text type="secondary" data-testid="import-expires">
          {t('teachers.import.expiresAt', { time: formatDateTime(report.expiresAt) })}
        </Typography.Text>
      )}
      {report.extraColumns.length > 0 && (
        <Alert
          type="info"
          showIcon
          title={t('teachers.import.extraColumns', { columns: report.extraColumns.join(t('common.listSeparator')) })}
        />
      )}
      {summary.error > 0 && <ErrorsTable report={report} />}
      {summary.transfer > 0 && (
        <TransfersTable report={report} confirmed={confirmTransfers} onConfirmedChange={setConfirmTransfers} />
      )}
      {commit.isError &&
        (isApiError(commit.error, 'IMPORT_STALE') ? (
          <Alert
            type="warning"
            showIcon
            title={errorMessage(commit.error)}
            action={
              <Button size="small" icon={<ReloadOutlined />} onClick={onRestart}>
                {t('teachers.import.uploadAgain')}
              </Button>
            }
            data-testid="import-stale"
          />
        ) : (
          <Alert type="error" showIcon title={errorMessage(commit.error)} />
        ))}
      {toImport === 0 && <Alert type="info" showIcon title={t('teachers.import.nothingToImport')} />}
      <Space wrap>
        <Button
          type="primary"
          disabled={toImport === 0 || busy}
          loading={commit.isPending}
          onClick={askCommit}
          data-testid="import-commit"
        >
          {t('teachers.import.commit')}
        </Button>
        <Button
          danger
          disabled={busy}
          loading={discard.isPending}
          onClick={() => discard.mutate()}
          data-testid="import-discard"
        >
          {t('teachers.import.discard')}
        </Button>
      </Space>
    </Flex>
  );
}

/** Step 3: what the commit did. */
function DoneStep({
  report,
  unitParam,
  onRestart,
}: {
  report: TeacherImportReport;
  unitParam: string;
  onRestart: () => void;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const result = report.result ?? {};
  const lines = (
    ['created', 'updated', 'transferred', 'unchanged', 'transfersNotConfirmed', 'errorRowsLeftOut'] as const
  )
    .filter((key) => (result[key] ?? 0) > 0 || key === 'created')
    .map((key) => ({ key, label: t(`teachers.import.result.${key}`), children: result[key] ?? 0 }));
  return (
    <Result
      status="success"
      title={t('teachers.import.doneTitle')}
      subTitle={report.fileName}
      data-testid="import-done"
      extra={
        <Space wrap>
          <Button type="primary" onClick={() => void navigate(`/teachers${unitParam}`)} data-testid="import-done-list">
            {t('teachers.import.toList')}
          </Button>
          <Button onClick={onRestart}>{t('teachers.import.another')}</Button>
        </Space>
      }
    >
      <Descriptions size="small" column={{ xs: 1, sm: 2 }} items={lines} data-testid="import-result" />
    </Result>
  );
}

/**
 * Roster import in three steps: upload (checked, nothing imported), look at the check result,
 * then commit the good rows or discard. The upload being looked at is kept in the URL.
 */
export default function TeacherImportPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [search, setSearch] = useSearchState(SEARCH_KEYS);
  const importId = search.import ? toPositiveInt(search.import, 0) : 0;
  const { ownUnit, unitId } = useUnitFromSearch(search.unit);
  const unitParam = unitId === ownUnit.id ? '' : `?unit=${unitId}`;

  const report = useQuery({
    queryKey: queryKeys.teacherImport(importId),
    queryFn: () => teacherImportsApi.get(importId),
    enabled: importId > 0,
    // a report only changes by this page's own commit, which puts the answer here
    staleTime: Infinity,
  });

  const restart = () => setSearch({ import: undefined });
  const onChecked = (checked: TeacherImportReport) => {
    queryClient.setQueryData(queryKeys.teacherImport(checked.importId), checked);
    setSearch({ import: String(checked.importId) });
  };

  let body: ReactNode;
  let current = 0;
  if (importId === 0) {
    body = <UploadStep onChecked={onChecked} />;
  } else if (report.isPending) {
    body = <SectionSpin />;
  } else if (report.isError) {
    body = (
      <Flex vertical align="center">
        <ErrorResult error={report.error} onRetry={() => void report.refetch()} />
        <Button onClick={restart}>{t('teachers.import.uploadAgain')}</Button>
      </Flex>
    );
  } else if (report.data.status === 'validated') {
    current = 1;
    body = <CheckStep key={report.data.importId} report={report.data} onRestart={restart} />;
  } else if (report.data.status === 'committed') {
    current = 2;
    body = <DoneStep report={report.data} unitParam={unitParam} onRestart={restart} />;
  } else if (report.data.status === 'expired') {
    body = (
      <Result
        status="warning"
        title={t('teachers.import.expiredTitle')}
        subTitle={t('teachers.import.expiredText', { file: report.data.fileName })}
        extra={<Button onClick={restart}>{t('teachers.import.uploadAgain')}</Button>}
        data-testid="import-expired"
      />
    );
  } else {
    body = (
      <Result
        status="info"
        title={t('teachers.import.discardedTitle')}
        subTitle={report.data.fileName}
        extra={<Button onClick={restart}>{t('teachers.import.uploadAgain')}</Button>}
      />
    );
  }

  return (
    <Flex vertical gap={16}>
      <Breadcrumb
        items={[
          { key: 'list', title: <Link to={`/teachers${unitParam}`}>{t('nav.teachers')}</Link> },
          { key: 'import', title: t('teachers.import.title') },
        ]}
      />
      <Card>
        <div className="page-title-row">
          <Typography.Title level={3}>{t('teachers.import.title')}</Typography.Title>
        </div>
        <Steps
          current={current}
          status={current === 2 ? 'finish' : 'process'}
          size="small"
          className="import-steps"
          items={[
            { title: t('teachers.import.steps.upload') },
            { title: t('teachers.import.steps.check') },
            { title: t('teachers.import.steps.done') },
          ]}
        />
        {body}
      </Card>
    </Flex>
  );
}
