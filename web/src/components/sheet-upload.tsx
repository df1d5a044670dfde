import { DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import { App, Button, Flex, Progress, Typography, Upload } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { saveFile, type DownloadedFile, type UploadOptions } from '../api/client';
import { useErrorMessage } from '../lib/error-message';

const ACCEPT = '.xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv';

/** Where an upload stands: sending the file (with its percentage), or the server working on it. */
export type SheetUploadPhase =
  | { phase: 'uploading'; fileName: string; percent: number }
  | { phase: 'working'; fileName: string }
  | { phase: 'idle' };

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
        <Button
          icon={<DownloadOutlined />}
          loading={props.downloading}
          onClick={props.onTemplate}
          data-testid={`${id}-template`}
        >
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
            void message.error(t(`${p}.oldExcel`));
            return Upload.LIST_IGNORE;
          }
          if (!/\.(xlsx|csv)$/i.test(file.name)) {
            void message.error(t(`${p}.wrongType`));
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

/** An upload of a sheet from start to end: its progress, the server's work, then its answer or failure. */
export type SheetUploadState<R> =
  | SheetUploadPhase
  | { phase: 'done'; fileName: string; result: R }
  | { phase: 'failed'; fileName: string; error: unknown };

/**
 * The state of one sheet import, as every import keeps it: the template download (a failure shown as a
 * message), the upload with its progress and the server's work after it, cancelling, and the answer or
 * the failure. `props` are what {@link SheetUpload} needs besides its texts.
 */
export function useSheetUpload<R>({
  send,
  template,
  onDone,
}: {
  send: (file: File, options: UploadOptions) => Promise<R>;
  /** the template and its file name when the server names none */
  template: () => Promise<{ file: DownloadedFile; fileName: string }>;
  onDone?: (result: R) => void;
}) {
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const [state, setState] = useState<SheetUploadState<R>>({ phase: 'idle' });
  const [downloading, setDownloading] = useState(false);
  const abort = useRef<AbortController | null>(null);
  const busy = state.phase === 'uploading' || state.phase === 'working';

  const upload = async (file: File) => {
    const fileName = file.name;
    const controller = new AbortController();
    abort.current = controller;
    setState({ phase: 'uploading', fileName, percent: 0 });
    try {
      const result = await send(file, {
        signal: controller.signal,
        onProgress: (percent) =>
          setState(percent >= 100 ? { phase: 'working', fileName } : { phase: 'uploading', fileName, percent }),
      });
      setState({ phase: 'done', fileName, result });
      onDone?.(result);
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') setState({ phase: 'idle' });
      else setState({ phase: 'failed', fileName, error: err });
    } finally {
      abort.current = null;
    }
  };

  const props = {
    busy,
    downloading,
    state: state.phase === 'uploading' || state.phase === 'working' ? state : ({ phase: 'idle' } as const),
    onTemplate: () => {
      setDownloading(true);
      template()
        .then(({ file, fileName }) => saveFile(file, fileName))
        .catch((err: unknown) => message.error(errorMessage(err)))
        .finally(() => setDownloading(false));
    },
    onFile: (file: File) => void upload(file),
    onCancel: () => abort.current?.abort(),
  };
  const reset = () => {
    abort.current?.abort();
    setState({ phase: 'idle' });
  };
  return { state, props, reset };
}
