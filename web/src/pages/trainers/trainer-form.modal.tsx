import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Flex, Form, Input, Modal, Select, Switch } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { teachersApi } from '../../api/teachers.api';
import {
  TRAINER_KINDS,
  TRAINER_LEVELS,
  trainerKeys,
  trainersApi,
  type Trainer,
  type TrainerInput,
} from '../../api/trainers.api';
import { STAGES } from '../../api/types';
import { useErrorMessage } from '../../lib/error-message';
import { showErrorsOnFields } from '../../lib/form-errors';
import { useDebouncedValue } from '../../lib/use-debounced-value';

type FormValues = Omit<TrainerInput, 'title' | 'employer' | 'specialties' | 'userId' | 'teacherId'> & {
  title?: string;
  employer?: string;
  specialties?: string;
  userId?: number;
  teacherId?: number;
};

const FIELDS = [
  'kind',
  'name',
  'title',
  'employer',
  'level',
  'subjects',
  'stages',
  'specialties',
  'active',
  'userId',
  'teacherId',
] as const;

export function formValuesOf(t: Trainer | null): FormValues {
  if (!t) return { kind: 'trainer', name: '', level: 'county', subjects: [], stages: [], active: true };
  return {
    kind: t.kind,
    name: t.name,
    title: t.title ?? '',
    employer: t.employer ?? '',
    level: t.level,
    subjects: t.subjects,
    stages: t.stages,
    specialties: t.specialties ?? '',
    active: t.active,
    userId: t.user?.id,
    teacherId: t.teacher?.id,
  };
}

export function inputOf(v: FormValues): TrainerInput {
  const orNull = (s: string | undefined) => (s?.trim() ? s : null);
  return {
    kind: v.kind,
    name: v.name,
    title: orNull(v.title),
    employer: orNull(v.employer),
    level: v.level,
    subjects: v.subjects ?? [],
    stages: v.stages ?? [],
    specialties: orNull(v.specialties),
    active: v.active,
    userId: v.userId ?? null,
    teacherId: v.teacherId ?? null,
  };
}

/** 新增 / 编辑培训者或专家: the entry's fields, its trainer account and its registry teacher. */
export function TrainerFormModal({
  open,
  trainer,
  orgUnitId,
  unitName,
  onClose,
}: {
  open: boolean;
  trainer: Trainer | null;
  orgUnitId: number;
  unitName: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const [form] = Form.useForm<FormValues>();
  const [accountText, setAccountText] = useState('');
  const [teacherText, setTeacherText] = useState('');
  const accountQ = useDebouncedValue(accountText);
  const teacherQ = useDebouncedValue(teacherText);
  const accounts = useQuery({
    queryKey: trainerKeys.accounts(accountQ),
    queryFn: () => trainersApi.accounts(accountQ || undefined),
    enabled: open,
  });
  const teachers = useQuery({
    queryKey: ['trainers', 'teacher-search', teacherQ],
    queryFn: () => teachersApi.list({ q: teacherQ, pageSize: 20 }),
    enabled: open && teacherQ.trim().length > 0,
  });

  const save = useMutation({
    mutationFn: (v: FormValues) =>
      trainer ? trainersApi.update(trainer.id, inputOf(v)) : trainersApi.create(orgUnitId, inputOf(v)),
    onSuccess: ({ trainer: saved }) => {
      void message.success(t(trainer ? 'trainers.form.saved' : 'trainers.form.created', { name: saved.name }));
      void queryClient.invalidateQueries({ queryKey: trainerKeys.all });
      onClose();
    },
    onError: (err) => {
      showErrorsOnFields(
        form,
        err,
        FIELDS,
        { TRAINER_ACCOUNT_TAKEN: 'userId', TRAINER_TEACHER_TAKEN: 'teacherId' },
        errorMessage(err),
        (code) => t(`trainers.form.problems.${code}`, { defaultValue: errorMessage(err) }),
      );
    },
  });
  useEffect(() => {
    if (!open) return;
    save.reset();
    form.resetFields();
    form.setFieldsValue(formValuesOf(trainer));
    setAccountText('');
    setTeacherText('');
  }, [open, trainer]);

  const accountOptions = [
    ...(trainer?.user
      ? [{ value: trainer.user.id, label: `${trainer.user.displayName}（${trainer.user.username}）` }]
      : []),
    ...(accounts.data?.items ?? [])
      .filter((a) => a.userId !== trainer?.user?.id)
      .map((a) => ({
        value: a.userId,
        label: `${a.displayName}（${a.username} · ${a.orgUnitName}）${a.trainerId !== null ? ` ${t('trainers.form.accountTaken')}` : ''}`,
        disabled: a.trainerId !== null && a.trainerId !== trainer?.id,
      })),
  ];
  const teacherOptions = [
    ...(trainer?.teacher
      ? [{ value: trainer.teacher.id, label: `${trainer.teacher.name}（${trainer.teacher.orgUnitName}）` }]
      : []),
    ...(teachers.data?.items ?? [])
      .filter((x) => x.id !== trainer?.teacher?.id)
      .map((x) => ({ value: x.id, label: `${x.name}（${x.orgUnitName} · ${x.idNumberMasked}）` })),
  ];

  return (
    <Modal
      open={open}
      title={
        trainer
          ? t('trainers.form.editTitle', { name: trainer.name })
          : t('trainers.form.createTitle', { unit: unitName })
      }
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={save.isPending}
      forceRender
      width={720}
      data-testid="trainer-form-modal"
    >
      {save.error && <Alert type="error" showIcon title={errorMessage(save.error)} style={{ marginBottom: 16 }} />}
      <Form<FormValues>
        form={form}
        layout="vertical"
        onFinish={(v) => save.mutate(v)}
        disabled={save.isPending}
        requiredMark
      >
        <Flex gap={16} wrap>
          <Form.Item
            name="kind"
            label={t('trainers.fields.kind')}
            rules={[{ required: true }]}
            style={{ minWidth: 120 }}
          >
            <Select
              options={TRAINER_KINDS.map((k) => ({ value: k, label: t(`trainers.kinds.${k}`) }))}
              data-testid="trainer-kind"
            />
          </Form.Item>
          <Form.Item
            name="name"
            label={t('trainers.fields.name')}
            rules={[{ required: true, whitespace: true, message: t('trainers.form.required') }, { max: 50 }]}
            style={{ flex: 1, minWidth: 180 }}
          >
            <Input maxLength={50} data-testid="trainer-name" />
          </Form.Item>
          <Form.Item
            name="level"
            label={t('trainers.fields.level')}
            rules={[{ required: true }]}
            style={{ minWidth: 120 }}
          >
            <Select
              options={TRAINER_LEVELS.map((l) => ({ value: l, label: t(`trainers.levels.${l}`) }))}
              data-testid="trainer-level"
            />
          </Form.Item>
        </Flex>
        <Flex gap={16} wrap>
          <Form.Item
            name="title"
            label={t('trainers.fields.title')}
            rules={[{ max: 50 }]}
            style={{ flex: 1, minWidth: 160 }}
          >
            <Input maxLength={50} data-testid="trainer-title" />
          </Form.Item>
          <Form.Item
            name="employer"
            label={t('trainers.fields.employer')}
            rules={[{ max: 100 }]}
            style={{ flex: 2, minWidth: 220 }}
          >
            <Input maxLength={100} data-testid="trainer-employer" />
          </Form.Item>
        </Flex>
        <Flex gap={16} wrap>
          <Form.Item name="subjects" label={t('trainers.fields.subjects')} style={{ flex: 1, minWidth: 240 }}>
            <Select
              mode="tags"
              allowClear
              tokenSeparators={[',', '，', '、']}
              open={false}
              data-testid="trainer-subjects"
            />
          </Form.Item>
          <Form.Item name="stages" label={t('trainers.fields.stages')} style={{ flex: 1, minWidth: 240 }}>
            <Select
              mode="multiple"
              allowClear
              options={STAGES.map((s) => ({ value: s, label: t(`stages.${s}`) }))}
              data-testid="trainer-stages"
            />
          </Form.Item>
        </Flex>
        <Form.Item name="specialties" label={t('trainers.fields.specialties')} rules={[{ max: 500 }]}>
          <Input.TextArea
            autoSize={{ minRows: 2, maxRows: 5 }}
            maxLength={500}
            showCount
            data-testid="trainer-specialties"
          />
        </Form.Item>
        <Flex gap={16} wrap>
          <Form.Item
            name="userId"
            label={t('trainers.fields.account')}
            extra={t('trainers.form.accountHint')}
            style={{ flex: 1, minWidth: 240 }}
          >
            <Select
              allowClear
              showSearch
              filterOption={false}
              onSearch={setAccountText}
              options={accountOptions}
              loading={accounts.isFetching}
              data-testid="trainer-account"
            />
          </Form.Item>
          <Form.Item
            name="teacherId"
            label={t('trainers.fields.teacher')}
            extra={t('trainers.form.teacherHint')}
            style={{ flex: 1, minWidth: 240 }}
          >
            <Select
              allowClear
              showSearch
              filterOption={false}
              onSearch={setTeacherText}
              options={teacherOptions}
              loading={teachers.isFetching}
              data-testid="trainer-teacher"
            />
          </Form.Item>
        </Flex>
        <Form.Item name="active" label={t('trainers.fields.active')} valuePropName="checked">
          <Switch data-testid="trainer-active" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
