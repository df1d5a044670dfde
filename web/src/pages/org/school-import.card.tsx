import { DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Flex, Progress, Space, Table, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, saveFile } from '../../api/client';
import { orgUnitsApi } from '../../api/org-units.api';
import type { ImportRowError, OrgUnit } from '../../api/types';
import { useErrorMessage } from '../../lib/error-message';

type ImportState =
  | { phase: 'idle' }
  | { phase: 'uploading'; fileName: string; percent: number }
  | { phase: 'processing'; fileName: string }
  | { phase: 'done'; fileName: string; created: number }
  | { phase: 'invalid'; fileName: string; errors: ImportRowError[] }
  | { phase: 'failed'; fileName: string; error: unknown };

const ACCEPT = '.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function isRowError(value: unknown): value is ImportRowError {
  if (typeof value !== 'object' || value === null) return false;
  const row = value as Partial<ImportRowError>;
  return typeof row.row === 'number' && (typeof row.message === 'string' || typeof row.code === 'string');
}

function rowErrors(err: unknown): ImportRowError[] | null {
  if (!(err instanceof ApiError) || err.code !== 'IMPORT_INVALID') return null;
  const errors = err.details?.['errors'];
  return Array.isArray(errors) ? errors.filter(isRowError) : [];
}

/** Bulk-create schools under a county or township from the Excel template. */
export function SchoolImportCard({ unit, onImported }: { unit: OrgUnit; onImported: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const [state, setState] = useState<ImportState>({ phase: 'idle' });
  const [downloading, setDownloading] = useState(false);
  const busy = state.phase === 'uploading' || state.phase === 'processing';

  const downloadTemplate = async () => {
    setDownloading(true);
    try {
      const file = await orgUnitsApi.downloadSchoolImportTemplate(unit.id);
      saveFile(file, t('org.import.templateFileName'));
    } catch (err) {
      void message.error(errorMessage(err));
    } finally {
      setDownloading(false);
    }
  };

  const upload = async (file: File) => {
    const fileName = file.name;
    setState({ phase: 'uploading', fileName, percent: 0 });
    try {
      const result = await orgUnitsApi.importSchools(unit.id, file, (percent) => {
        setState(percent >= 100 ? { phase: 'processing', fileName } : { phase: 'uploading', fileName, percent });
      });
      setState({ phase: 'done', fileName, created: result.created });
      onImported();
    } catch (err) {
      const errors = rowErrors(err);
      setState(errors ? { phase: 'invalid', fileName, errors } : { phase: 'failed', fileName, error: err });
    }
  };

  return (
    <Card
      title={t('org.import.title')}
      data-testid="school-import"
      extra={
        <Button
          type="link"
          icon={<DownloadOutlined />}
          loading={downloading}
          onClick={() => void downloadTemplate()}
          data-testid="school-import-template"
        >
          {t('org.import.downloadTemplate')}
        </Button>
      }
    >
      <Flex vertical gap="middle">
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t('org.import.intro', { unit: unit.name })}
        </Typography.Paragraph>
        <Upload.Dragger
          accept={ACCEPT}
          multiple={false}
          showUploadList={false}
          disabled={busy}
          beforeUpload={(file) => {
            if (!/\.xlsx$/i.test(file.name)) {
              void message.error(t('org.import.xlsxOnly'));
              return Upload.LIST_IGNORE;
            }
            void upload(file);
            return false;
          }}
          data-testid="school-import-upload"
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p className="ant-upload-text">{t('org.import.dropHint')}</p>
          <p className="ant-upload-hint">{t('org.import.dropSubHint')}</p>
        </Upload.Dragger>

        {state.phase === 'uploading' && (
          <div>
            <Typography.Text>{t('org.import.uploading', { file: state.fileName })}</Typography.Text>
            <Progress percent={state.percent} status="active" />
          </div>
        )}
        {state.phase === 'processing' && (
          <div>
            <Typography.Text>{t('org.import.processing', { file: state.fileName })}</Typography.Text>
            <Progress percent={100} status="active" />
          </div>
        )}
        {state.phase === 'done' && (
          <Alert
            type="success"
            showIcon
            title={t('org.import.done', { count: state.created })}
            description={state.fileName}
            data-testid="school-import-done"
          />
        )}
        {state.phase === 'failed' && (
          <Alert type="error" showIcon title={errorMessage(state.error)} description={state.fileName} />
        )}
        {state.phase === 'invalid' && (
          <Space orientation="vertical" style={{ width: '100%' }} data-testid="school-import-errors">
            <Alert
              type="error"
              showIcon
              title={t('org.import.invalid', { count: state.errors.length })}
              description={t('org.import.invalidHint', { file: state.fileName })}
            />
            <Table<ImportRowError>
              size="small"
              rowKey={(row) => `${row.row}:${row.column}:${row.code}:${row.message}`}
              dataSource={state.errors}
              pagination={state.errors.length > 10 ? { pageSize: 10, showSizeChanger: false } : false}
              scroll={{ x: 480 }}
              columns={[
                {
                  title: t('org.import.row'),
                  dataIndex: 'row',
                  width: 80,
                  render: (row: number) => (row > 0 ? row : t('org.import.fileLevel')),
                },
                {
                  title: t('org.import.column'),
                  dataIndex: 'column',
                  width: 140,
                  render: (column: string) => column || '—',
                },
                {
                  title: t('org.import.message'),
                  dataIndex: 'message',
                  render: (text: string | undefined, row) => text || row.code,
                },
              ]}
            />
          </Space>
        )}
      </Flex>
    </Card>
  );
}
