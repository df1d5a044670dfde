import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Empty,
  Flex,
  Form,
  Input,
  InputNumber,
  List,
  Modal,
  Popconfirm,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import {
  trainerKeys,
  trainersApi,
  type TrainerClass,
  type TrainingLine,
  type TrainingRecord,
} from '../../api/trainers.api';
import { useErrorMessage } from '../../lib/error-message';
import { showErrorsOnFields } from '../../lib/form-errors';
import { formatDate } from '../../lib/format';
import { formatHours, parseHours } from '../../lib/hours';
import { useIsPhone } from '../../lib/use-media-query';

interface LineFormValues {
  title: string;
  organiser?: string;
  days: [Dayjs, Dayjs];
  hours: string;
  notes?: string;
}

/** Adds a line to a trainer's own training record (培训者培训). */
function AddLineModal({ trainerId, open, onClose }: { trainerId: number; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const [form] = Form.useForm<LineFormValues>();
  const add = useMutation({
    mutationFn: (v: LineFormValues) =>
      trainersApi.addTraining(trainerId, {
        title: v.title,
        organiser: v.organiser?.trim() ? v.organiser : null,
        startsOn: v.days[0].format('YYYY-MM-DD'),
        endsOn: v.days[1].format('YYYY-MM-DD'),
        hours: parseHours(v.hours) ?? 0,
        notes: v.notes?.trim() ? v.notes : null,
      }),
    onSuccess: () => {
      void message.success(t('trainers.record.added'));
      void queryClient.invalidateQueries({ queryKey: trainerKeys.training(trainerId) });
      form.resetFields();
      onClose();
    },
    onError: (err) => {
      if (!showErrorsOnFields(form, err, ['title', 'organiser', 'hours', 'notes']))
        void message.error(errorMessage(err));
    },
  });
  return (
    <Modal
      open={open}
      title={t('trainers.record.add')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={add.isPending}
      forceRender
      data-testid="trainer-line-modal"
    >
      <Form<LineFormValues> form={form} layout="vertical" onFinish={(v) => add.mutate(v)} disabled={add.isPending}>
        <Form.Item
          name="title"
          label={t('trainers.record.title')}
          rules={[{ required: true, whitespace: true, message: t('trainers.form.required') }, { max: 200 }]}
        >
          <Input maxLength={200} data-testid="trainer-line-title" />
        </Form.Item>
        <Form.Item name="organiser" label={t('trainers.record.organiser')} rules={[{ max: 100 }]}>
          <Input maxLength={100} data-testid="trainer-line-organiser" />
        </Form.Item>
        <Flex gap={16} wrap>
          <Form.Item
            name="days"
            label={t('trainers.record.dates')}
            rules={[{ required: true, message: t('trainers.form.required') }]}
          >
            <DatePicker.RangePicker data-testid="trainer-line-dates" />
          </Form.Item>
          <Form.Item
            name="hours"
            label={t('trainers.record.hours')}
            style={{ width: 120 }}
            rules={[
              {
                validator: async (_, v: string | undefined) => {
                  const h = parseHours(String(v ?? ''));
                  if (h === null || h <= 0 || h > 100_000) throw new Error(t('trainers.record.badHours'));
                },
              },
            ]}
          >
            <InputNumber<string>
              stringMode
              min="0.1"
              max="10000"
              step="0.5"
              style={{ width: '100%' }}
              data-testid="trainer-line-hours"
            />
          </Form.Item>
        </Flex>
        <Form.Item name="notes" label={t('trainers.record.notes')} rules={[{ max: 1000 }]}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} maxLength={1000} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/**
 * A trainer's own training record: yearly totals, the lines (added and deleted by the pool's
 * keepers), and the linked registry teacher's classes and ledger total. Read-only when `trainerId` is not given.
 */
export function TrainingRecordCard({
  record,
  trainerId,
  canManage,
}: {
  record: TrainingRecord;
  trainerId?: number;
  canManage: boolean;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const isPhone = useIsPhone();
  const [adding, setAdding] = useState(false);
  const remove = useMutation({
    mutationFn: (line: TrainingLine) => trainersApi.deleteTraining(trainerId!, line.id),
    onSuccess: () => {
      void message.success(t('trainers.record.deleted'));
      void queryClient.invalidateQueries({ queryKey: trainerKeys.training(trainerId!) });
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  const hoursText = (h: number) => t('trainers.hoursValue', { hours: formatHours(h) });
  const columns: TableColumnsType<TrainingLine> = [
    {
      title: t('trainers.record.title'),
      dataIndex: 'title',
      render: (v: string, l) => (
        <Flex vertical>
          <span>{v}</span>
          {l.notes && (
            <Typography.Text type="secondary" className="small-text">
              {l.notes}
            </Typography.Text>
          )}
        </Flex>
      ),
    },
    { title: t('trainers.record.organiser'), dataIndex: 'organiser', render: (v: string | null) => v ?? '—' },
    {
      title: t('trainers.record.dates'),
      key: 'dates',
      render: (_, l) => (l.startsOn === l.endsOn ? l.startsOn : `${l.startsOn} ~ ${l.endsOn}`),
    },
    { title: t('trainers.record.hours'), dataIndex: 'hours', align: 'right', render: (h: number) => hoursText(h) },
    ...(canManage && trainerId !== undefined
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, l: TrainingLine) => (
              <Popconfirm
                title={t('trainers.record.deleteConfirm', { title: l.title })}
                okText={t('trainers.record.delete')}
                cancelText={t('common.cancel')}
                onConfirm={() => remove.mutate(l)}
              >
                <Button
                  size="small"
                  danger
                  icon={<DeleteOutlined />}
                  loading={remove.isPending && remove.variables?.id === l.id}
                  data-testid="trainer-line-delete"
                >
                  {t('trainers.record.delete')}
                </Button>
              </Popconfirm>
            ),
          },
        ]
      : []),
  ];
  return (
    <Flex vertical gap={16}>
      <Card
        size="small"
        title={t('trainers.record.heading')}
        extra={
          canManage &&
          trainerId !== undefined && (
            <Button size="small" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="trainer-line-add">
              {t('trainers.record.add')}
            </Button>
          )
        }
      >
        <Space size="large" wrap style={{ marginBottom: 12 }} data-testid="trainer-record-totals">
          <Statistic title={t('trainers.record.total')} value={hoursText(record.totalHours)} />
          {record.years.map((y) => (
            <Statistic
              key={y.year}
              title={t('trainers.record.yearTotal', { year: y.year })}
              value={hoursText(y.hours)}
            />
          ))}
        </Space>
        {isPhone ? (
          <List
            dataSource={record.items}
            locale={{ emptyText: t('trainers.record.empty') }}
            renderItem={(l) => (
              <List.Item data-testid="trainer-line">
                <List.Item.Meta
                  title={l.title}
                  description={
                    <>
                      {l.startsOn === l.endsOn ? l.startsOn : `${l.startsOn} ~ ${l.endsOn}`}
                      {l.organiser ? ` · ${l.organiser}` : ''}
                    </>
                  }
                />
                <Tag color="blue">{hoursText(l.hours)}</Tag>
              </List.Item>
            )}
          />
        ) : (
          <Table<TrainingLine>
            rowKey="id"
            size="small"
            columns={columns}
            dataSource={record.items}
            pagination={false}
            scroll={{ x: 'max-content' }}
            locale={{
              emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('trainers.record.empty')} />,
            }}
            data-testid="trainer-lines"
          />
        )}
      </Card>
      {record.teacher && (
        <Card
          size="small"
          title={t('trainers.teacherRecord.heading', { name: record.teacher.name })}
          data-testid="trainer-teacher-record"
        >
          {record.teacher.ledger && (
            <Descriptions size="small" column={1} style={{ marginBottom: 12 }}>
              <Descriptions.Item label={record.teacher.ledger.cycleName}>
                {hoursText(record.teacher.ledger.countedHours)} ·{' '}
                {t(`credits.status.${record.teacher.ledger.status}`, { defaultValue: record.teacher.ledger.status })}
              </Descriptions.Item>
            </Descriptions>
          )}
          <List
            size="small"
            dataSource={record.teacher.enrolments}
            locale={{ emptyText: t('trainers.teacherRecord.empty') }}
            renderItem={(e) => (
              <List.Item>
                <List.Item.Meta
                  title={`${e.projectYear} · ${e.projectTitle}`}
                  description={`${e.className} · ${hoursText(e.hours)}`}
                />
                <Tag>{t(`training.enrolmentStatus.${e.status}`, { defaultValue: e.status })}</Tag>
              </List.Item>
            )}
          />
        </Card>
      )}
      {trainerId !== undefined && <AddLineModal trainerId={trainerId} open={adding} onClose={() => setAdding(false)} />}
    </Flex>
  );
}

/** The classes a trainer teaches: project, class, session dates, status and enrolled count. */
export function TrainerClassesCard({ classes }: { classes: TrainerClass[] }) {
  const { t } = useTranslation();
  const isPhone = useIsPhone();
  const dates = (c: TrainerClass) =>
    c.firstSession
      ? `${formatDate(c.firstSession)}${c.lastSession && formatDate(c.lastSession) !== formatDate(c.firstSession) ? ` ~ ${formatDate(c.lastSession)}` : ''}`
      : '—';
  return (
    <Card size="small" title={t('trainers.classes.heading')} data-testid="trainer-classes">
      <List
        dataSource={classes}
        locale={{ emptyText: t('trainers.classes.empty') }}
        renderItem={(c) => (
          <List.Item data-testid="trainer-class">
            <List.Item.Meta
              title={
                <>
                  {c.projectTitle} · {c.className}
                </>
              }
              description={
                <Typography.Text type="secondary">
                  {c.orgUnitName} · {dates(c)} · {t('trainers.classes.sessions', { count: c.sessionCount })}
                  {isPhone
                    ? ''
                    : ` · ${t('trainers.classes.enrolled', { enrolled: c.enrolled, capacity: c.capacity })}`}
                </Typography.Text>
              }
            />
            {c.courseId !== null && (
              // an online class the trainer tutors: its homework and forum
              <Space size={4} style={{ marginInlineEnd: 8 }}>
                <Link to={`/study/classes/${c.classId}/homework`} data-testid="trainer-class-homework">
                  {t('study.links.homework')}
                </Link>
                <Link to={`/study/classes/${c.classId}/forum`} data-testid="trainer-class-forum">
                  {t('study.links.forum')}
                </Link>
                <Link to={`/classes/${c.classId}/reflections`} data-testid="trainer-class-reflections">
                  {t('reflections.classLink')}
                </Link>
              </Space>
            )}
            <Tag color={c.classStatus === 'closed' ? 'default' : 'green'}>
              {c.classStatus === 'closed'
                ? t('trainers.classes.closed')
                : t(`training.status.${c.projectStatus}`, { defaultValue: c.projectStatus })}
            </Tag>
          </List.Item>
        )}
      />
    </Card>
  );
}
