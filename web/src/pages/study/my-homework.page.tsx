import { DeleteOutlined, PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Collapse,
  Drawer,
  Empty,
  Flex,
  Input,
  List,
  Progress,
  Space,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import {
  HOMEWORK_ACCEPT,
  homeworkApi,
  homeworkKeys,
  type HomeworkFile,
  type MyAssignment,
  type RecommendedWork,
} from '../../api/homework.api';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { useErrorMessage } from '../../lib/error-message';
import { formatDateTime } from '../../lib/format';
import { useIsPhone } from '../../lib/use-media-query';
import { StudyHeader } from './study-header';
import { HomeworkFiles, HomeworkStatusTag, markText, Paragraphs, sizeText } from './study-labels';

const BODY_MAX = 50_000;
const MAX_FILES = 10;

/** How an assignment is graded, in a line: 按等第评定 / 满分 100，60 分及格; and blind marking. */
function SchemeLine({ a }: { a: MyAssignment['assignment'] }) {
  const { t } = useTranslation();
  return (
    <Typography.Text type="secondary">
      {a.grading === 'grade'
        ? t('study.homework.byGrade')
        : t('study.homework.byScore', { max: a.maxScore ?? '', pass: a.passScore ?? '' })}
      {a.blindNow ? ` · ${t('study.homework.blindNote')}` : ''}
    </Typography.Text>
  );
}

/** The files of the version being written: uploaded one by one as chosen, with a progress bar. */
function FilePicker({
  classId,
  files,
  onChange,
}: {
  classId: number;
  files: HomeworkFile[];
  onChange: (files: HomeworkFile[]) => void;
}) {
  const { t } = useTranslation();
  const errorMessage = useErrorMessage();
  const [percent, setPercent] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const abort = useRef<AbortController | null>(null);
  return (
    <Flex vertical gap={8}>
      {files.map((f) => (
        <Flex key={f.id} align="center" gap={8} data-testid="homework-picked-file">
          <PaperClipOutlined />
          <Typography.Text ellipsis style={{ flex: 1, minWidth: 0 }}>
            {f.fileName}
          </Typography.Text>
          <Typography.Text type="secondary">{sizeText(f.sizeBytes)}</Typography.Text>
          <Button
            type="text"
            size="small"
            icon={<DeleteOutlined />}
            aria-label={t('study.homework.removeFile')}
            onClick={() => onChange(files.filter((x) => x.id !== f.id))}
          />
        </Flex>
      ))}
      <Upload
        accept={HOMEWORK_ACCEPT}
        showUploadList={false}
        disabled={percent !== null || files.length >= MAX_FILES}
        customRequest={({ file }) => {
          setError(null);
          setPercent(0);
          abort.current = new AbortController();
          homeworkApi
            .uploadFile(classId, file as Blob, { onProgress: setPercent, signal: abort.current.signal })
            .then((r) => onChange([...files, r.file]))
            .catch((err: unknown) => {
              if (!(err instanceof DOMException && err.name === 'AbortError')) setError(err);
            })
            .finally(() => setPercent(null));
        }}
      >
        <Button icon={<UploadOutlined />} loading={percent !== null} data-testid="homework-upload">
          {t('study.homework.addFile')}
        </Button>
      </Upload>
      {percent !== null && <Progress percent={percent} size="small" data-testid="homework-upload-progress" />}
      {error !== null && (
        <Alert type="error" showIcon title={errorMessage(error)} data-testid="homework-upload-error" />
      )}
      <Typography.Text type="secondary" className="small-text">
        {t('study.homework.fileHint', { max: MAX_FILES })}
      </Typography.Text>
    </Flex>
  );
}

/** The form of a (new) version: text, files and the consent to be named if recommended. */
function SubmitDrawer({ classId, item, onClose }: { classId: number; item: MyAssignment | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const isPhone = useIsPhone();
  const qc = useQueryClient();
  const last = item?.submission?.versions.at(-1);
  const [body, setBody] = useState(last?.body ?? '');
  const [files, setFiles] = useState<HomeworkFile[]>(last?.files ?? []);
  const [shareName, setShareName] = useState(item?.submission?.shareName ?? true);
  const [error, setError] = useState<unknown>(null);
  const send = useMutation({
    mutationFn: () => homeworkApi.submit(item!.assignment.id, { body, fileIds: files.map((f) => f.id), shareName }),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: homeworkKeys.all });
      void message.success(r.item.submission?.late ? t('study.homework.submittedLate') : t('study.homework.submitted'));
      onClose();
    },
    onError: setError,
  });
  if (!item) return null;
  return (
    <Drawer
      open
      onClose={onClose}
      title={item.submission ? t('study.homework.resubmit') : t('study.homework.submit')}
      placement={isPhone ? 'bottom' : 'right'}
      size={isPhone ? 'large' : 'default'}
      styles={{ body: { padding: 16 } }}
      data-testid="homework-submit-drawer"
    >
      <Flex vertical gap={12}>
        <Typography.Text strong>{item.assignment.title}</Typography.Text>
        {item.status === 'returned' && item.submission?.comment && (
          <Alert
            type="warning"
            showIcon
            title={t('study.homework.returnedWith', { comment: item.submission.comment })}
          />
        )}
        <Input.TextArea
          rows={isPhone ? 8 : 12}
          value={body}
          maxLength={BODY_MAX}
          showCount
          placeholder={t('study.homework.bodyPlaceholder')}
          onChange={(e) => setBody(e.target.value)}
          data-testid="homework-body"
        />
        <FilePicker classId={classId} files={files} onChange={setFiles} />
        <Checkbox
          checked={shareName}
          onChange={(e) => setShareName(e.target.checked)}
          data-testid="homework-share-name"
        >
          {t('study.homework.shareName')}
        </Checkbox>
        {Date.now() > Date.parse(item.assignment.dueAt) && (
          <Alert type="info" showIcon title={t('study.homework.lateWarning')} />
        )}
        {error !== null && <Alert type="error" showIcon title={errorMessage(error)} />}
        <Button
          type="primary"
          size="large"
          block
          loading={send.isPending}
          disabled={!body.trim() && files.length === 0}
          onClick={() => {
            setError(null);
            send.mutate();
          }}
          data-testid="homework-send"
        >
          {item.submission ? t('study.homework.resubmit') : t('study.homework.submit')}
        </Button>
      </Flex>
    </Drawer>
  );
}

/** One assignment on the teacher's phone: what is asked, where it stands, every version and the tutor's answers. */
function AssignmentCard({ item, onSubmit }: { item: MyAssignment; onSubmit: () => void }) {
  const { t } = useTranslation();
  const a = item.assignment;
  const s = item.submission;
  return (
    <Card
      size="small"
      title={
        <Typography.Text strong style={{ whiteSpace: 'normal' }}>
          {a.title}
        </Typography.Text>
      }
      extra={<HomeworkStatusTag status={item.status} />}
      data-testid="my-assignment"
      data-assignment={a.id}
    >
      <Flex vertical gap={8}>
        <Typography.Text>
          {t('study.homework.due', { at: formatDateTime(a.dueAt) })}
          {s?.late && (
            <Tag color="red" style={{ marginInlineStart: 8 }}>
              {t('study.homework.late')}
            </Tag>
          )}
        </Typography.Text>
        <SchemeLine a={a} />
        {a.instructions && <Paragraphs text={a.instructions} />}
        {s?.gradeWithheld && <Alert type="info" showIcon title={t('study.homework.withheld')} />}
        {item.status === 'returned' && (
          <Alert
            type="warning"
            showIcon
            title={t('study.homework.returnedWith', { comment: s?.comment ?? '' })}
            data-testid="homework-returned"
          />
        )}
        {(item.status === 'passed' || item.status === 'failed') && s && (
          <Alert
            type={item.status === 'passed' ? 'success' : 'error'}
            showIcon
            title={t('study.homework.result', { mark: markText(t, a, s) })}
            description={s.comment ? t('study.homework.commentIs', { comment: s.comment }) : undefined}
            data-testid="homework-result"
          />
        )}
        {s?.recommended && <Tag color="gold">{t('study.homework.recommendedTag')}</Tag>}
        {s && s.versions.length > 0 && (
          <Collapse
            size="small"
            items={[
              {
                key: 'versions',
                label: t('study.homework.versions', { count: s.versions.length }),
                children: (
                  <List
                    size="small"
                    dataSource={[...s.versions].reverse()}
                    renderItem={(v) => (
                      <List.Item data-testid="my-version">
                        <Flex vertical gap={4} style={{ width: '100%' }}>
                          <Typography.Text strong>
                            {t('study.homework.versionN', { n: v.version })} · {formatDateTime(v.submittedAt)}
                            {v.late ? ` · ${t('study.homework.late')}` : ''}
                          </Typography.Text>
                          {v.body && <Paragraphs text={v.body} />}
                          <HomeworkFiles files={v.files} />
                          {v.outcome === 'returned' && (
                            <Typography.Text type="warning">
                              {t('study.homework.returnedWith', { comment: v.comment ?? '' })}
                            </Typography.Text>
                          )}
                          {v.outcome === 'graded' && (
                            <Typography.Text type={v.passed ? 'success' : 'danger'}>
                              {t('study.homework.result', { mark: markText(t, a, v) })}
                              {v.comment ? ` · ${v.comment}` : ''}
                            </Typography.Text>
                          )}
                        </Flex>
                      </List.Item>
                    )}
                  />
                ),
              },
            ]}
          />
        )}
        {item.maySubmit && (
          <Button
            type={item.status === 'submitted' ? 'default' : 'primary'}
            block
            onClick={onSubmit}
            data-testid="homework-open-submit"
          >
            {s ? t('study.homework.resubmit') : t('study.homework.submit')}
          </Button>
        )}
      </Flex>
    </Card>
  );
}

/** 优秀作业: the recommended works of the class, named when their authors agreed. */
function RecommendedCard({ items }: { items: RecommendedWork[] }) {
  const { t } = useTranslation();
  return (
    <Card size="small" title={t('study.homework.recommendedTitle')} data-testid="recommended-works">
      {items.length === 0 ? (
        <Typography.Text type="secondary">{t('study.homework.noRecommended')}</Typography.Text>
      ) : (
        <List
          dataSource={items}
          renderItem={(w) => (
            <List.Item data-testid="recommended-work">
              <Flex vertical gap={4} style={{ width: '100%' }}>
                <Typography.Text strong>{w.assignmentTitle}</Typography.Text>
                <Typography.Text type="secondary">
                  {w.teacherName ? `${w.teacherName} · ${w.orgUnitName ?? ''}` : t('study.homework.anonymousAuthor')}
                  {w.grade ? ` · ${t(`study.homework.grades.${w.grade}`)}` : ''}
                  {w.score !== null ? ` · ${t('study.homework.points', { score: w.score })}` : ''}
                </Typography.Text>
                {w.body && (
                  <Typography.Paragraph
                    ellipsis={{ rows: 4, expandable: true, symbol: t('study.homework.more') }}
                    style={{ whiteSpace: 'pre-wrap', marginBottom: 4 }}
                  >
                    {w.body}
                  </Typography.Paragraph>
                )}
                <HomeworkFiles files={w.files} />
              </Flex>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

/**
 * /me/study/:classId/homework — a teacher's homework of an online class on their phone: each assignment
 * with its status (未提交 / 逾期 / 已提交 / 已退回 / 已通过 / 未通过), the form to hand in or hand in again
 * with files (a progress bar per upload), the tutor's grade and comments, and the class's recommended works.
 */
export default function MyHomeworkPage() {
  const { t } = useTranslation();
  const classId = Number(useParams().classId);
  const [writing, setWriting] = useState<MyAssignment | null>(null);
  const q = useQuery({
    queryKey: homeworkKeys.mine(classId),
    queryFn: () => homeworkApi.mine(classId),
    enabled: Number.isInteger(classId),
  });
  const recommended = useQuery({
    queryKey: homeworkKeys.recommended(classId),
    queryFn: () => homeworkApi.recommended(classId),
    enabled: Number.isInteger(classId),
  });
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <SectionSpin />;
  const items = q.data.items;
  return (
    <Flex vertical gap={12} style={{ maxWidth: 760, margin: '0 auto' }} data-testid="my-homework">
      <StudyHeader cls={q.data.class} base="/me/study" active="homework" />
      {items.length === 0 ? (
        <Card size="small">
          <Empty description={t('study.homework.noAssignments')} />
        </Card>
      ) : (
        <Space direction="vertical" style={{ width: '100%' }}>
          {items.map((item) => (
            <AssignmentCard key={item.assignment.id} item={item} onSubmit={() => setWriting(item)} />
          ))}
        </Space>
      )}
      <RecommendedCard items={recommended.data?.items ?? []} />
      {writing && (
        <SubmitDrawer key={writing.assignment.id} classId={classId} item={writing} onClose={() => setWriting(null)} />
      )}
    </Flex>
  );
}
