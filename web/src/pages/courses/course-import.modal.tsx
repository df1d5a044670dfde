import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Descriptions, Flex, Modal, Table, Typography } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError, saveFile } from '../../api/client';
import { COURSE_SHEET_COLUMNS, courseKeys, coursesApi, type CourseImportResult, type CourseSheetProblem, type CourseSheetColumn } from '../../api/courses.api';
import { SheetUpload } from '../../components/sheet-upload';
import { useErrorMessage } from '../../lib/error-message';

type UploadState =
  | { phase: 'idle' }
  | { phase: 'uploading'; fileName: string; percent: number }
  | { phase: 'working'; fileName: string }
  | { phase: 'done'; fileName: string; result: CourseImportResult }
  | { phase: 'failed'; fileName: string; error: unknown };

/** `details.problems` of a refused course sheet, or nothing. */
export function courseSheetProblems(err: unknown): CourseSheetProblem[] {
  if (!isApiError(err, 'COURSE_SHEET_INVALID')) return [];
  const problems = err.details?.['problems'];
  return Array.isArray(problems)
    ? problems.filter((p): p is CourseSheetProblem => typeof p === 'object' && p !== null && typeof (p as { row?: unknown }).row === 'number')
    : [];
}

/** 导入课程: a sheet into the unit's catalogue, all rows or none, problems listed by row and column. */
export function CourseImportModal({ open, orgUnitId, unitName, onClose }: { open: boolean; orgUnitId: number; unitName: string; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const [state, setState] = useState<UploadState>({ phase: 'idle' });
  const [downloading, setDownloading] = useState(false);
  const abort = useRef<AbortController | null>(null);
  const busy = state.phase === 'uploading' || state.phase === 'working';
  // the server names columns by their Chinese header: shown in the UI language
  const zhColumns = t('courses.import.columns', { returnObjects: true, lng: 'zh-CN' }) as Record<CourseSheetColumn, string>;
  const columnLabel = (zh: string) => {
    const key = COURSE_SHEET_COLUMNS.find((c) => zhColumns[c] === zh);
    return key ? t(`courses.import.columns.${key}`) : zh;
  };

  const upload = async (file: File) => {
    const fileName = file.name;
    const controller = new AbortController();
    abort.current = controller;
    setState({ phase: 'uploading', fileName, percent: 0 });
    try {
      const result = await coursesApi.importSheet(orgUnitId, file, {
        signal: controller.signal,
        onProgress: (percent) => setState(percent >= 100 ? { phase: 'working', fileName } : { phase: 'uploading', fileName, percent }),
      });
      setState({ phase: 'done', fileName, result });
      if (result.created + result.updated > 0) void queryClient.invalidateQueries({ queryKey: courseKeys.all });
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') setState({ phase: 'idle' });
      else setState({ phase: 'failed', fileName, error: err });
    } finally {
      abort.current = null;
    }
  };

  const problems = state.phase === 'failed' ? courseSheetProblems(state.error).map((p, key) => ({ ...p, key })) : [];
  const reported = state.phase === 'failed' && isApiError(state.error) ? state.error.details?.['problemCount'] : undefined;
  const problemCount = typeof reported === 'number' ? reported : problems.length;
  const close = () => {
    abort.current?.abort();
    setState({ phase: 'idle' });
    onClose();
  };

  return (
    <Modal open={open} title={t('courses.import.title', { unit: unitName })} footer={null} onCancel={close} width={760} destroyOnHidden data-testid="course-import-modal">
      <Flex vertical gap="middle">
        <Alert type="info" showIcon title={t('courses.import.intro', { unit: unitName })} description={t('courses.import.allOrNothing')} />
        <SheetUpload
          i18nPrefix="courses.import"
          workingKey="courses.import.working"
          testIdPrefix="course-import"
          busy={busy}
          downloading={downloading}
          state={state.phase === 'uploading' || state.phase === 'working' ? state : { phase: 'idle' }}
          onTemplate={() => {
            setDownloading(true);
            coursesApi
              .downloadTemplate(orgUnitId)
              .then((f) => saveFile(f, t('courses.import.templateFileName')))
              .catch((err: unknown) => message.error(errorMessage(err)))
              .finally(() => setDownloading(false));
          }}
          onFile={(file) => void upload(file)}
          onCancel={() => abort.current?.abort()}
        />
        {state.phase === 'done' && (
          <Alert
            type="success"
            showIcon
            title={state.result.created + state.result.updated === 0 ? t('courses.import.nothingNew') : t('courses.import.done')}
            description={
              <Descriptions
                size="small"
                column={{ xs: 1, sm: 4 }}
                items={(['rows', 'created', 'updated', 'unchanged'] as const).map((k) => ({
                  key: k,
                  label: t(`courses.import.result.${k}`),
                  children: <span data-testid={`course-import-${k}`}>{state.result[k]}</span>,
                }))}
              />
            }
            data-testid="course-import-done"
          />
        )}
        {state.phase === 'failed' && problems.length === 0 && (
          <Alert type="error" showIcon title={errorMessage(state.error)} description={state.fileName} data-testid="course-import-file-error" />
        )}
        {problems.length > 0 && (
          <Flex vertical gap="small" data-testid="course-import-problems">
            <Alert
              type="error"
              showIcon
              title={t('courses.import.problemsTitle', { count: problemCount })}
            />
            <Typography.Text type="secondary">{t('courses.import.problemsHint')}</Typography.Text>
            <Table
              size="small"
              rowKey="key"
              dataSource={problems}
              tableLayout="fixed"
              pagination={{ pageSize: 10, showSizeChanger: false, hideOnSinglePage: true }}
              columns={[
                { title: t('courses.import.row'), dataIndex: 'row', width: 64 },
                { title: t('courses.import.column'), dataIndex: 'column', width: 120, render: (c: string) => columnLabel(c) },
                { title: t('courses.import.value'), dataIndex: 'value', width: 160, render: (v: string | undefined) => v ?? '—' },
                { title: t('courses.import.problem'), dataIndex: 'code', render: (code: string, p: CourseSheetProblem) => t(`courses.import.problems.${code}`, { value: p.value ?? '' }) },
              ]}
            />
          </Flex>
        )}
      </Flex>
    </Modal>
  );
}
