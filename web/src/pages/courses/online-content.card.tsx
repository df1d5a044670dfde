import {
  ArrowDownOutlined,
  ArrowUpOutlined,
  DeleteOutlined,
  EditOutlined,
  InboxOutlined,
  PlusOutlined,
} from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Empty,
  Flex,
  Form,
  Input,
  InputNumber,
  List,
  Modal,
  Popconfirm,
  Segmented,
  Select,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type ContentChapter,
  type ContentItem,
  type CourseContent,
  ITEM_KINDS,
  type ItemKind,
  onlineCourseKeys,
  onlineCoursesApi,
  type StudyFile,
} from '../../api/online-courses.api';
import { durationText, ItemKindIcon, sizeText } from '../../components/study-labels';
import { useErrorMessage } from '../../lib/error-message';
import { showErrorsOnFields } from '../../lib/form-errors';
import { moveChapter, moveItem, type Order } from './content-order';
import { StudyFileUpload } from './study-files.card';

interface ItemForm {
  kind: ItemKind;
  title: string;
  requiredMinutes: number;
  fileId?: number | null;
  body?: string;
}
const ITEM_FIELDS = ['kind', 'title', 'requiredMinutes', 'fileId', 'body'] as const;

/** Adds an item to a chapter, or edits one (title, minutes, a text page's body). */
function ItemModal({
  courseId,
  files,
  target,
  onClose,
}: {
  courseId: number;
  files: StudyFile[];
  target: { chapter: ContentChapter; item?: ContentItem } | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<ItemForm>();
  const kind = Form.useWatch('kind', form) ?? 'text';
  const editing = target?.item;
  const save = useMutation({
    mutationFn: (v: ItemForm) =>
      editing
        ? onlineCoursesApi.updateItem(courseId, editing.id, {
            title: v.title,
            requiredMinutes: v.requiredMinutes,
            ...(editing.kind === 'text' ? { body: v.body } : {}),
          })
        : onlineCoursesApi.createItem(courseId, {
            chapterId: target!.chapter.id,
            kind: v.kind,
            title: v.title,
            requiredMinutes: v.requiredMinutes,
            fileId: v.kind === 'text' ? null : (v.fileId ?? null),
            body: v.kind === 'text' ? (v.body ?? '') : null,
          }),
    onSuccess: (item) => {
      void message.success(t(editing ? 'courseOnline.item.saved' : 'courseOnline.item.added', { title: item.title }));
      void queryClient.invalidateQueries({ queryKey: onlineCourseKeys.content(courseId) });
      onClose();
    },
    onError: (err) => {
      if (!showErrorsOnFields(form, err, ITEM_FIELDS)) void message.error(errorText(err));
    },
  });
  const usable = files.filter((f) => f.kind === kind);
  /** a video's minutes default to its length, rounded up */
  const pickFile = (id: number) => {
    const f = files.find((x) => x.id === id);
    if (f?.durationSeconds && !form.getFieldValue('requiredMinutes'))
      form.setFieldValue('requiredMinutes', Math.ceil(f.durationSeconds / 60));
    if (f && !form.getFieldValue('title')) form.setFieldValue('title', f.fileName.replace(/\.(mp4|pdf)$/i, ''));
  };
  return (
    <Modal
      open={target !== null}
      title={
        editing
          ? t('courseOnline.item.editTitle', { title: editing.title })
          : t('courseOnline.item.addTitle', { chapter: target?.chapter.title ?? '' })
      }
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      destroyOnHidden
      width={640}
    >
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={
          editing
            ? {
                kind: editing.kind,
                title: editing.title,
                requiredMinutes: editing.requiredMinutes,
                body: editing.body ?? '',
              }
            : { kind: 'text', requiredMinutes: 0 }
        }
        onFinish={(v) => save.mutate(v)}
      >
        <Form.Item name="kind" label={t('courseOnline.item.kind')}>
          <Segmented
            disabled={!!editing}
            options={ITEM_KINDS.map((k) => ({ value: k, label: t(`courseOnline.kinds.${k}`) }))}
            data-testid="item-kind"
          />
        </Form.Item>
        <Form.Item
          name="title"
          label={t('courseOnline.item.title')}
          rules={[{ required: true, whitespace: true, max: 200, message: t('courseOnline.item.titleRequired') }]}
        >
          <Input maxLength={200} data-testid="item-title" />
        </Form.Item>
        {kind !== 'text' && !editing && (
          <Form.Item
            name="fileId"
            label={t('courseOnline.item.file')}
            rules={[{ required: true, message: t('courseOnline.item.fileRequired') }]}
            extra={usable.length === 0 ? t('courseOnline.item.noFiles') : undefined}
          >
            <Select
              data-testid="item-file"
              placeholder={t('courseOnline.item.filePlaceholder')}
              onChange={pickFile}
              options={usable.map((f) => ({
                value: f.id,
                label: `${f.fileName}（${sizeText(f.sizeBytes)}${f.durationSeconds ? ` · ${durationText(f.durationSeconds)}` : ''}）`,
              }))}
            />
          </Form.Item>
        )}
        {kind !== 'text' && !editing && (
          <div style={{ marginBottom: 16 }}>
            <StudyFileUpload
              courseId={courseId}
              onUploaded={(f) => {
                if (f.kind === kind) {
                  form.setFieldValue('fileId', f.id);
                  pickFile(f.id);
                }
              }}
            />
          </div>
        )}
        <Form.Item
          name="requiredMinutes"
          label={t('courseOnline.item.requiredMinutes')}
          extra={t('courseOnline.item.requiredMinutesHint')}
          rules={[{ required: true, type: 'number', min: 0, max: 6000 }]}
        >
          <InputNumber min={0} max={6000} style={{ width: 160 }} data-testid="item-minutes" />
        </Form.Item>
        {kind === 'text' && (
          <Form.Item
            name="body"
            label={t('courseOnline.item.body')}
            rules={[{ required: true, whitespace: true, message: t('courseOnline.item.bodyRequired') }]}
          >
            <Input.TextArea autoSize={{ minRows: 6, maxRows: 20 }} maxLength={100_000} data-testid="item-body" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

/** Asks for a chapter's title: a new chapter, or a new name. */
function ChapterTitleModal({
  open,
  initial,
  title,
  loading,
  onSave,
  onClose,
}: {
  open: boolean;
  initial: string;
  title: string;
  loading: boolean;
  onSave: (title: string) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ title: string }>();
  return (
    <Modal
      open={open}
      title={title}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={loading}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ title: initial }}
        onFinish={(v) => onSave(v.title)}
      >
        <Form.Item
          name="title"
          label={t('courseOnline.chapter.title')}
          rules={[{ required: true, whitespace: true, max: 200, message: t('courseOnline.chapter.titleRequired') }]}
        >
          <Input maxLength={200} autoFocus data-testid="chapter-title" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/**
 * 章节与内容: the chapters of a course in order, each with its items (video, document, text page) and
 * their required minutes; up and down buttons reorder them (an item crosses into the next chapter at its
 * end), archived items stay listed, greyed, at the end of their chapter.
 */
export function OnlineContentCard({ courseId, content }: { courseId: number; content: CourseContent }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const [chapterModal, setChapterModal] = useState<{ chapter?: ContentChapter } | null>(null);
  const [itemModal, setItemModal] = useState<{ chapter: ContentChapter; item?: ContentItem } | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: onlineCourseKeys.content(courseId) });
  const onError = (err: unknown) => {
    void message.error(errorText(err));
    refresh();
  };
  const { canManage, chapters, files } = content;

  const order = useMutation({
    mutationFn: (o: Order) => onlineCoursesApi.order(courseId, o),
    onSuccess: (c) => queryClient.setQueryData(onlineCourseKeys.content(courseId), c),
    onError,
  });
  const saveChapter = useMutation({
    mutationFn: (v: { id?: number; title: string }) =>
      v.id
        ? onlineCoursesApi.renameChapter(courseId, v.id, v.title)
        : onlineCoursesApi.createChapter(courseId, v.title),
    onSuccess: () => {
      setChapterModal(null);
      refresh();
    },
    onError,
  });
  const deleteChapter = useMutation({
    mutationFn: (id: number) => onlineCoursesApi.deleteChapter(courseId, id),
    onSuccess: refresh,
    onError,
  });
  const archive = useMutation({
    mutationFn: (id: number) => onlineCoursesApi.archiveItem(courseId, id),
    onSuccess: (item) => {
      void message.success(t('courseOnline.item.archived', { title: item.title }));
      refresh();
    },
    onError,
  });
  const move = (o: Order | null) => o && order.mutate(o);
  const busy = order.isPending;
  const activeMinutes = chapters.flatMap((c) => c.items).filter((i) => !i.archived);

  return (
    <Card
      title={t('courseOnline.content.title')}
      extra={
        canManage && (
          <Button icon={<PlusOutlined />} onClick={() => setChapterModal({})} data-testid="online-add-chapter">
            {t('courseOnline.chapter.add')}
          </Button>
        )
      }
      data-testid="online-content"
    >
      <Typography.Paragraph type="secondary">
        {t('courseOnline.content.summary', {
          chapters: chapters.length,
          items: activeMinutes.length,
          minutes: activeMinutes.reduce((s, i) => s + i.requiredMinutes, 0),
        })}
      </Typography.Paragraph>
      {chapters.length === 0 ? (
        <Empty description={t('courseOnline.content.empty')} />
      ) : (
        <Flex vertical gap={12}>
          {chapters.map((ch, ci) => (
            <Card
              key={ch.id}
              size="small"
              type="inner"
              data-testid="online-chapter"
              title={
                <Typography.Text strong className="wrap-anywhere">
                  {ch.title}
                </Typography.Text>
              }
              extra={
                canManage && (
                  <Space size={4} wrap>
                    <Button
                      size="small"
                      icon={<ArrowUpOutlined />}
                      aria-label={t('courseOnline.up')}
                      disabled={ci === 0 || busy}
                      onClick={() => move(moveChapter(chapters, ch.id, -1))}
                    />
                    <Button
                      size="small"
                      icon={<ArrowDownOutlined />}
                      aria-label={t('courseOnline.down')}
                      disabled={ci === chapters.length - 1 || busy}
                      onClick={() => move(moveChapter(chapters, ch.id, 1))}
                    />
                    <Button
                      size="small"
                      icon={<EditOutlined />}
                      onClick={() => setChapterModal({ chapter: ch })}
                      data-testid="online-rename-chapter"
                    >
                      {t('courseOnline.chapter.rename')}
                    </Button>
                    <Popconfirm
                      title={t('courseOnline.chapter.deleteConfirm', { title: ch.title })}
                      okText={t('courseOnline.chapter.delete')}
                      cancelText={t('common.cancel')}
                      onConfirm={() => deleteChapter.mutate(ch.id)}
                    >
                      <Button
                        size="small"
                        danger
                        icon={<DeleteOutlined />}
                        aria-label={t('courseOnline.chapter.delete')}
                      />
                    </Popconfirm>
                    <Button
                      size="small"
                      type="primary"
                      icon={<PlusOutlined />}
                      onClick={() => setItemModal({ chapter: ch })}
                      data-testid="online-add-item"
                    >
                      {t('courseOnline.item.add')}
                    </Button>
                  </Space>
                )
              }
            >
              <List
                size="small"
                dataSource={ch.items}
                locale={{ emptyText: t('courseOnline.chapter.empty') }}
                renderItem={(item) => (
                  <List.Item
                    data-testid="online-item"
                    style={item.archived ? { opacity: 0.5 } : undefined}
                    actions={
                      canManage && !item.archived
                        ? [
                            <Button
                              key="up"
                              size="small"
                              type="text"
                              icon={<ArrowUpOutlined />}
                              aria-label={t('courseOnline.up')}
                              disabled={busy}
                              onClick={() => move(moveItem(chapters, item.id, -1))}
                            />,
                            <Button
                              key="down"
                              size="small"
                              type="text"
                              icon={<ArrowDownOutlined />}
                              aria-label={t('courseOnline.down')}
                              disabled={busy}
                              onClick={() => move(moveItem(chapters, item.id, 1))}
                            />,
                            <Button
                              key="edit"
                              size="small"
                              type="text"
                              icon={<EditOutlined />}
                              aria-label={t('common.edit')}
                              onClick={() => setItemModal({ chapter: ch, item })}
                            />,
                            <Popconfirm
                              key="archive"
                              title={t('courseOnline.item.archiveConfirm', { title: item.title })}
                              okText={t('courseOnline.item.archive')}
                              cancelText={t('common.cancel')}
                              onConfirm={() => archive.mutate(item.id)}
                            >
                              <Button
                                size="small"
                                type="text"
                                icon={<InboxOutlined />}
                                aria-label={t('courseOnline.item.archive')}
                              />
                            </Popconfirm>,
                          ]
                        : undefined
                    }
                  >
                    <Space wrap size={6}>
                      <ItemKindIcon kind={item.kind} />
                      <Typography.Text delete={item.archived} className="wrap-anywhere">
                        {item.title}
                      </Typography.Text>
                      <Tag>{t('courseOnline.minutes', { count: item.requiredMinutes })}</Tag>
                      {item.file && (
                        <Typography.Text type="secondary" className="small-text">
                          {item.file.name}
                          {item.file.durationSeconds !== null && ` · ${durationText(item.file.durationSeconds)}`}
                        </Typography.Text>
                      )}
                      {item.archived && <Tag>{t('courseOnline.item.archivedTag')}</Tag>}
                    </Space>
                  </List.Item>
                )}
              />
            </Card>
          ))}
        </Flex>
      )}
      <ChapterTitleModal
        open={chapterModal !== null}
        initial={chapterModal?.chapter?.title ?? ''}
        title={chapterModal?.chapter ? t('courseOnline.chapter.rename') : t('courseOnline.chapter.add')}
        loading={saveChapter.isPending}
        onSave={(title) => saveChapter.mutate({ id: chapterModal?.chapter?.id, title })}
        onClose={() => setChapterModal(null)}
      />
      <ItemModal courseId={courseId} files={files} target={itemModal} onClose={() => setItemModal(null)} />
    </Card>
  );
}
