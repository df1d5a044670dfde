import { GlobalOutlined, TeamOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, DatePicker, Form, Modal, Popconfirm, Select, Space, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { courseKeys, coursesApi } from '../../api/courses.api';
import { type ClassDetail, type ProjectDetail, trainingApi, trainingKeys } from '../../api/training.api';
import { useErrorMessage } from '../../lib/error-message';
import { showErrorsOnFields } from '../../lib/form-errors';

interface OnlineForm {
  courseId: number;
  window: [Dayjs, Dayjs];
}

/** Picks the course (the online-form courses on the project's line) and the study window of an online class. */
function OnlineModal({
  cls,
  detail,
  open,
  onClose,
}: {
  cls: ClassDetail;
  detail: ProjectDetail;
  open: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<OnlineForm>();
  const [search, setSearch] = useState('');
  const query = {
    orgUnitId: detail.project.orgUnitId,
    form: 'online' as const,
    q: search.trim() || undefined,
    status: 'active' as const,
    pageSize: 50,
  };
  const list = useQuery({
    queryKey: courseKeys.list(query),
    queryFn: () => coursesApi.list(query),
    enabled: open,
    placeholderData: keepPreviousData,
  });
  const save = useMutation({
    mutationFn: (v: OnlineForm) =>
      trainingApi.setOnline(cls.id, {
        courseId: v.courseId,
        studyOpensOn: v.window[0].format('YYYY-MM-DD'),
        studyClosesOn: v.window[1].format('YYYY-MM-DD'),
      }),
    onSuccess: (c) => {
      void message.success(t('training.online.saved', { course: c.online?.courseTitle ?? '' }));
      void queryClient.invalidateQueries({ queryKey: trainingKeys.project(detail.project.id) });
      onClose();
    },
    onError: (err) => {
      if (!showErrorsOnFields(form, err, ['courseId'])) void message.error(errorText(err));
    },
  });
  const options = new Map<number, string>();
  if (cls.online) options.set(cls.online.courseId, cls.online.courseTitle);
  for (const c of list.data?.items ?? []) options.set(c.id, `${c.title}（${c.orgUnitName}）`);
  return (
    <Modal
      open={open}
      title={t('training.online.modalTitle', { name: cls.name })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('training.online.hint')}</Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={
          cls.online
            ? {
                courseId: cls.online.courseId,
                window: [dayjs(cls.online.studyOpensOn), dayjs(cls.online.studyClosesOn)],
              }
            : undefined
        }
        onFinish={(v) => save.mutate(v)}
      >
        <Form.Item
          name="courseId"
          label={t('training.online.course')}
          rules={[{ required: true, message: t('training.online.courseRequired') }]}
          extra={list.data && list.data.items.length === 0 && !search ? t('training.online.noCourses') : undefined}
        >
          <Select
            showSearch={{ filterOption: false, onSearch: setSearch }}
            loading={list.isFetching}
            placeholder={t('training.online.coursePlaceholder')}
            options={[...options.entries()].map(([value, label]) => ({ value, label }))}
            data-testid="online-course-picker"
          />
        </Form.Item>
        <Form.Item
          name="window"
          label={t('training.online.window')}
          rules={[{ required: true, message: t('training.online.windowRequired') }]}
        >
          <DatePicker.RangePicker style={{ width: '100%' }} data-testid="online-window" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/**
 * Whether a class is studied online (网络研修: a course opened to its enrolled teachers for a study
 * window) or face-to-face, and for the organiser the switch between them.
 */
export function ClassOnlineCard({ cls, detail }: { cls: ClassDetail; detail: ProjectDetail }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const editable = detail.canManage && cls.status === 'open' && detail.project.status !== 'closed';
  const faceToFace = useMutation({
    mutationFn: () => trainingApi.setOnline(cls.id, null),
    onSuccess: () => {
      void message.success(t('training.online.madeFaceToFace'));
      void queryClient.invalidateQueries({ queryKey: trainingKeys.project(detail.project.id) });
    },
    onError: (err) => message.error(errorText(err)),
  });
  const o = cls.online;
  return (
    <Card size="small" title={t('training.online.title')} data-testid="class-online">
      <Space wrap>
        {o ? (
          <>
            <Tag icon={<GlobalOutlined />} color="blue">
              {t('training.online.tag')}
            </Tag>
            <Typography.Text data-testid="class-online-course">
              {t('training.online.summary', { course: o.courseTitle, from: o.studyOpensOn, to: o.studyClosesOn })}
            </Typography.Text>
            <Link to={`/me/study/${cls.id}`}>{t('training.online.outline')}</Link>
          </>
        ) : (
          <>
            <Tag icon={<TeamOutlined />}>{t('training.online.faceToFace')}</Tag>
            <Typography.Text type="secondary">{t('training.online.faceToFaceHint')}</Typography.Text>
          </>
        )}
        {editable && (
          <Button size="small" onClick={() => setEditing(true)} data-testid="class-make-online">
            {o ? t('training.online.change') : t('training.online.make')}
          </Button>
        )}
        {editable && o && (
          <Popconfirm
            title={t('training.online.faceToFaceConfirm')}
            okText={t('training.online.makeFaceToFace')}
            cancelText={t('common.cancel')}
            onConfirm={() => faceToFace.mutate()}
          >
            <Button size="small" loading={faceToFace.isPending}>
              {t('training.online.makeFaceToFace')}
            </Button>
          </Popconfirm>
        )}
      </Space>
      {editing && <OnlineModal cls={cls} detail={detail} open onClose={() => setEditing(false)} />}
    </Card>
  );
}
