import { FilePdfOutlined, PlayCircleOutlined, UploadOutlined, VideoCameraOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, List, Modal, Progress, Space, Tag, Typography, Upload } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { onlineCourseKeys, onlineCoursesApi, type StudyFile } from '../../api/online-courses.api';
import { durationText, sizeText } from '../../components/study-labels';
import { useErrorMessage } from '../../lib/error-message';

export const STUDY_FILE_ACCEPT = '.mp4,.pdf,video/mp4,application/pdf';

/**
 * Uploads an MP4 or a PDF for the course, with its progress and a cancel button. The server checks the
 * file by its content; its answer (or refusal) shows here.
 */
export function StudyFileUpload({ courseId, onUploaded }: { courseId: number; onUploaded?: (f: StudyFile) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const [state, setState] = useState<{ name: string; percent: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const abort = useRef<AbortController | null>(null);
  return (
    <Flex vertical gap={8}>
      <Upload
        accept={STUDY_FILE_ACCEPT}
        showUploadList={false}
        disabled={state !== null}
        customRequest={({ file }) => {
          const f = file as File;
          setError(null);
          setState({ name: f.name, percent: 0 });
          abort.current = new AbortController();
          onlineCoursesApi
            .upload(courseId, f, {
              onProgress: (percent) => setState({ name: f.name, percent }),
              signal: abort.current.signal,
            })
            .then(({ file: uploaded }) => {
              void message.success(t('courseOnline.files.uploaded', { name: uploaded.fileName }));
              void queryClient.invalidateQueries({ queryKey: onlineCourseKeys.content(courseId) });
              onUploaded?.(uploaded);
            })
            .catch((err: unknown) => {
              if (!(err instanceof DOMException && err.name === 'AbortError')) setError(err);
            })
            .finally(() => setState(null));
        }}
      >
        <Button icon={<UploadOutlined />} loading={state !== null} data-testid="online-upload">
          {t('courseOnline.files.upload')}
        </Button>
      </Upload>
      {state && (
        <Flex align="center" gap={8} data-testid="online-upload-progress">
          <Typography.Text ellipsis style={{ maxWidth: 240 }}>
            {state.name}
          </Typography.Text>
          <Progress percent={state.percent} size="small" style={{ flex: 1, margin: 0 }} />
          <Button size="small" onClick={() => abort.current?.abort()}>
            {t('common.cancel')}
          </Button>
        </Flex>
      )}
      {error !== null && <Alert type="error" showIcon title={errorText(error)} data-testid="online-upload-error" />}
      <Typography.Text type="secondary" className="small-text">
        {t('courseOnline.files.hint')}
      </Typography.Text>
    </Flex>
  );
}

/** A video played in place, or a PDF opened in a new tab, as a teacher will see it. */
export function StudyFilePreview({ file, onClose }: { file: StudyFile | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal open={file !== null} title={file?.fileName} onCancel={onClose} footer={null} width={720} destroyOnHidden>
      {file?.kind === 'video' && (
        // biome-ignore lint/a11y/useMediaCaption: the course's own lecture videos come without captions
        <video
          src={onlineCoursesApi.fileUrl(file.id)}
          controls
          preload="metadata"
          style={{ width: '100%', maxHeight: '60vh', background: '#000' }}
          data-testid="online-video-preview"
        />
      )}
      {file?.kind === 'document' && (
        <a href={onlineCoursesApi.fileUrl(file.id)} target="_blank" rel="noreferrer">
          {t('courseOnline.files.openPdf')}
        </a>
      )}
    </Modal>
  );
}

/** 课程文件: the course's uploaded videos and documents, with an upload and a preview. */
export function StudyFilesCard({
  courseId,
  files,
  canManage,
}: {
  courseId: number;
  files: StudyFile[];
  canManage: boolean;
}) {
  const { t } = useTranslation();
  const [preview, setPreview] = useState<StudyFile | null>(null);
  return (
    <Card title={t('courseOnline.files.title')} data-testid="online-files">
      {canManage && (
        <div style={{ marginBottom: 16 }}>
          <StudyFileUpload courseId={courseId} />
        </div>
      )}
      <List
        dataSource={files}
        locale={{ emptyText: t('courseOnline.files.none') }}
        renderItem={(f) => (
          <List.Item
            data-testid="online-file"
            actions={[
              <Button
                key="preview"
                size="small"
                icon={<PlayCircleOutlined />}
                onClick={() => setPreview(f)}
                data-testid="online-file-preview"
              >
                {t('courseOnline.files.preview')}
              </Button>,
            ]}
          >
            <Space wrap>
              {f.kind === 'video' ? <VideoCameraOutlined /> : <FilePdfOutlined />}
              <Typography.Text className="wrap-anywhere">{f.fileName}</Typography.Text>
              <Tag>{sizeText(f.sizeBytes)}</Tag>
              {f.durationSeconds !== null && <Tag color="blue">{durationText(f.durationSeconds)}</Tag>}
            </Space>
          </List.Item>
        )}
      />
      <StudyFilePreview file={preview} onClose={() => setPreview(null)} />
    </Card>
  );
}
