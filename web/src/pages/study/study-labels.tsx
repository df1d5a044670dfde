import { PaperClipOutlined } from '@ant-design/icons';
import { App, Button, Space, Tag, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { saveFile } from '../../api/client';
import {
  homeworkApi,
  type GradingKind,
  type HomeworkFile,
  type HomeworkGrade,
  type TeacherHomeworkStatus,
} from '../../api/homework.api';
import { useErrorMessage } from '../../lib/error-message';

const STATUS_COLOR: Record<TeacherHomeworkStatus, string> = {
  not_submitted: 'default',
  overdue: 'red',
  submitted: 'processing',
  returned: 'orange',
  passed: 'green',
  failed: 'volcano',
};

/** 未提交 / 逾期 / 已提交 / 已退回 / 已通过 / 未通过 */
export function HomeworkStatusTag({ status }: { status: TeacherHomeworkStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOR[status]} data-testid="homework-status" data-status={status}>
      {t(`study.homework.status.${status}`)}
    </Tag>
  );
}

/** A mark as read: 良好, or 88 分（满分 100）. */
export function markText(
  t: TFunction,
  a: { grading: GradingKind; maxScore: number | null },
  m: { score: number | null; grade: HomeworkGrade | null },
): string {
  if (a.grading === 'grade') return m.grade ? t(`study.homework.grades.${m.grade}`) : '—';
  return m.score === null ? '—' : t('study.homework.scoreOf', { score: m.score, max: a.maxScore ?? '' });
}

export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The files of a version, each downloaded on a tap. */
export function HomeworkFiles({ files }: { files: readonly HomeworkFile[] }) {
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  if (files.length === 0) return null;
  return (
    <Space direction="vertical" size={0} data-testid="homework-files">
      {files.map((f) => (
        <Button
          key={f.id}
          type="link"
          size="small"
          icon={<PaperClipOutlined />}
          style={{ paddingInline: 0, height: 'auto', whiteSpace: 'normal', textAlign: 'left' }}
          onClick={() =>
            homeworkApi
              .downloadFile(f.id)
              .then((file) => saveFile(file, f.fileName))
              .catch((err: unknown) => message.error(errorMessage(err)))
          }
        >
          {f.fileName}
          <Typography.Text type="secondary"> · {sizeText(f.sizeBytes)}</Typography.Text>
        </Button>
      ))}
    </Space>
  );
}

/** Text as written: line breaks kept, long words broken on a phone. */
export function Paragraphs({ text, testId }: { text: string; testId?: string }) {
  return (
    <Typography.Paragraph
      style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', marginBottom: 8 }}
      data-testid={testId}
    >
      {text}
    </Typography.Paragraph>
  );
}
