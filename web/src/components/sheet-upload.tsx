import { DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import { App, Button, Flex, Progress, Typography, Upload } from 'antd';
import { useTranslation } from 'react-i18next';

const ACCEPT = '.xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv';

/** Where an upload stands: sending the file (with its percentage), or the server working on it. */
export type SheetUploadPhase = { phase: 'uploading'; fileName: string; percent: number } | { phase: 'working'; fileName: string } | { phase: 'idle' };

/**
 * The template button, the drop zone for an .xlsx or .csv, and the progress bar of its upload, as
 * every sheet import shows them. Texts come from `<i18nPrefix>.downloadTemplate`, `.templateHint`,
 * `.oldExcel`, `.wrongType`, `.dropHint`, `.dropSubHint`, `.uploading`, `.cancelUpload` and `workingKey`.
 */
export function SheetUpload(props: {
  i18nPrefix: string;
  workingKey: string;
  testIdPrefix: string;
  busy: boolean;
  downloading: boolean;
  state: SheetUploadPhase;
  onTemplate: () => void;
  onFile: (file: File) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { i18nPrefix: p, testIdPrefix: id, state } = props;
  return (
    <>
      <div>
        <Button icon={<DownloadOutlined />} loading={props.downloading} onClick={props.onTemplate} data-testid={`${id}-template`}>
          {t(`${p}.downloadTemplate`)}
        </Button>
        <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
          {t(`${p}.templateHint`)}
        </Typography.Paragraph>
      </div>
      <Upload.Dragger
        accept={ACCEPT}
        multiple={false}
        showUploadList={false}
        disabled={props.busy}
        beforeUpload={(file) => {
          if (/\.xls$/i.test(file.name)) {
            message.error(t(`${p}.oldExcel`));
            return Upload.LIST_IGNORE;
          }
          if (!/\.(xlsx|csv)$/i.test(file.name)) {
            message.error(t(`${p}.wrongType`));
            return Upload.LIST_IGNORE;
          }
          props.onFile(file);
          return false;
        }}
        data-testid={`${id}-upload`}
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">{t(`${p}.dropHint`)}</p>
        <p className="ant-upload-hint">{t(`${p}.dropSubHint`)}</p>
      </Upload.Dragger>
      {state.phase === 'uploading' && (
        <div data-testid={`${id}-progress`}>
          <Flex justify="space-between" align="center" gap={8} wrap>
            <Typography.Text>{t(`${p}.uploading`, { file: state.fileName })}</Typography.Text>
            <Button size="small" onClick={props.onCancel}>
              {t(`${p}.cancelUpload`)}
            </Button>
          </Flex>
          <Progress percent={state.percent} status="active" />
        </div>
      )}
      {state.phase === 'working' && (
        <div data-testid={`${id}-progress`}>
          <Typography.Text>{t(props.workingKey, { file: state.fileName })}</Typography.Text>
          <Progress percent={100} status="active" showInfo={false} />
        </div>
      )}
    </>
  );
}
