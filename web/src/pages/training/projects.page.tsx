import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, DatePicker, Form, Input, InputNumber, Modal, Select, Space, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import {
  trainingApi,
  trainingKeys,
  PROJECT_LEVELS,
  TEACHER_FLAGS,
  type Eligibility,
  type Project,
  type ProjectInput,
  type ProjectStatus,
} from '../../api/training.api';
import { STAGES, type OrgUnitRef } from '../../api/types';
import { useCurrentUser } from '../../auth/session';
import {
  ListActions,
  ListFilter,
  ListPage,
  ListTable,
  ListToolbar,
  useListQuery,
  ListSearch,
  useListSearch,
} from '../../components/list-page';
import { OrgUnitPicker } from '../../components/org-unit-picker';
import { useErrorMessage } from '../../lib/error-message';
import { formatHours } from '../../lib/hours';
import { showErrorsOnFields } from '../../lib/form-errors';
import { toPositiveInt } from '../../lib/use-search-state';
import { useCreditCategories } from './training-labels';

export const PROJECT_FORM_FIELDS = [
  'orgUnitId',
  'level',
  'title',
  'description',
  'year',
  'hours',
  'creditCategories',
] as const;
export const STATUS_COLOR: Record<ProjectStatus, string> = { draft: 'default', open: 'green', closed: 'red' };

export interface ProjectFormValues {
  orgUnitId?: number;
  level: ProjectInput['level'];
  title: string;
  description?: string;
  year: number;
  window?: [Dayjs | null, Dayjs | null] | null;
  minServiceYears?: number;
  stages?: string[];
  subjects?: string[];
  flags?: string[];
  minAttendancePct: number;
  assessmentRequired: boolean;
  hours: number;
  creditCategories?: string[];
}

export function toProjectInput(v: ProjectFormValues): ProjectInput {
  return {
    level: v.level,
    title: v.title,
    description: v.description?.trim() || null,
    year: v.year,
    registrationOpens: v.window?.[0]?.format('YYYY-MM-DD') ?? null,
    registrationCloses: v.window?.[1]?.format('YYYY-MM-DD') ?? null,
    eligibility: {
      ...(v.minServiceYears ? { minServiceYears: v.minServiceYears } : {}),
      ...(v.stages?.length ? { stages: v.stages as Eligibility['stages'] } : {}),
      ...(v.subjects?.length ? { subjects: v.subjects } : {}),
      ...(v.flags?.length ? { flags: v.flags as Eligibility['flags'] } : {}),
    },
    completionRule: { minAttendancePct: v.minAttendancePct, assessmentRequired: v.assessmentRequired },
    hours: Math.round(v.hours * 10),
    creditCategories: v.creditCategories ?? [],
  };
}

export function toFormValues(p: Project): ProjectFormValues {
  return {
    level: p.level,
    title: p.title,
    description: p.description ?? undefined,
    year: p.year,
    window: [
      p.registrationOpens ? dayjs(p.registrationOpens) : null,
      p.registrationCloses ? dayjs(p.registrationCloses) : null,
    ],
    minServiceYears: p.eligibility.minServiceYears,
    stages: p.eligibility.stages,
    subjects: p.eligibility.subjects,
    flags: p.eligibility.flags,
    minAttendancePct: p.completionRule.minAttendancePct,
    assessmentRequired: p.completionRule.assessmentRequired,
    hours: p.hours / 10,
    creditCategories: p.creditCategories,
  };
}

/** The fields of a project, shared by the create and edit forms. */
export function ProjectFields({ withUnit, initialUnits }: { withUnit: boolean; initialUnits?: OrgUnitRef[] }) {
  const { t } = useTranslation();
  const categories = useCreditCategories(Form.useWatch<number | undefined>('year'));
  return (
    <>
      {withUnit && (
        <Form.Item name="orgUnitId" label={t('training.fields.orgUnit')} rules={[{ required: true }]}>
          <OrgUnitPicker
            initialOptions={initialUnits}
            kinds={['province', 'city', 'county', 'township', 'school']}
            data-testid="project-unit"
          />
        </Form.Item>
      )}
      <Form.Item name="title" label={t('training.fields.title')} rules={[{ required: true, max: 200 }]}>
        <Input data-testid="project-title" />
      </Form.Item>
      <Space wrap>
        <Form.Item name="level" label={t('training.fields.level')} rules={[{ required: true }]}>
          <Select
            style={{ width: 140 }}
            options={PROJECT_LEVELS.map((l) => ({ value: l, label: t(`training.level.${l}`) }))}
            data-testid="project-level"
          />
        </Form.Item>
        <Form.Item name="year" label={t('training.fields.year')} rules={[{ required: true }]}>
          <InputNumber min={2000} max={2100} />
        </Form.Item>
        <Form.Item name="hours" label={t('training.fields.hours')} rules={[{ required: true }]}>
          <InputNumber min={0.1} max={10000} step={0.5} data-testid="project-hours" />
        </Form.Item>
      </Space>
      <Form.Item name="description" label={t('training.fields.description')} rules={[{ max: 4000 }]}>
        <Input.TextArea rows={3} />
      </Form.Item>
      <Form.Item name="window" label={t('training.fields.window')}>
        <DatePicker.RangePicker allowEmpty={[true, true]} />
      </Form.Item>
      <Typography.Text strong>{t('training.fields.eligibility')}</Typography.Text>
      <Space wrap style={{ marginTop: 8 }}>
        <Form.Item name="minServiceYears" label={t('training.fields.minServiceYears')}>
          <InputNumber min={0} max={50} />
        </Form.Item>
        <Form.Item name="stages" label={t('training.fields.stages')}>
          <Select
            mode="multiple"
            style={{ minWidth: 200 }}
            options={STAGES.map((s) => ({ value: s, label: t(`stages.${s}`) }))}
          />
        </Form.Item>
        <Form.Item name="subjects" label={t('training.fields.subjects')}>
          <Select mode="tags" style={{ minWidth: 200 }} />
        </Form.Item>
        <Form.Item name="flags" label={t('training.fields.flags')}>
          <Select
            mode="multiple"
            style={{ minWidth: 200 }}
            options={TEACHER_FLAGS.map((f) => ({ value: f, label: t(`training.flag.${f}`) }))}
          />
        </Form.Item>
      </Space>
      <Space wrap>
        <Form.Item name="minAttendancePct" label={t('training.fields.minAttendancePct')} rules={[{ required: true }]}>
          <InputNumber min={0} max={100} addonAfter="%" />
        </Form.Item>
        <Form.Item
          name="assessmentRequired"
          label={t('training.fields.assessmentRequired')}
          rules={[{ required: true }]}
        >
          <Select
            style={{ width: 100 }}
            options={[
              { value: true, label: t('training.yes') },
              { value: false, label: t('training.no') },
            ]}
          />
        </Form.Item>
        <Form.Item name="creditCategories" label={t('training.fields.creditCategories')}>
          <Select
            mode="multiple"
            allowClear
            style={{ minWidth: 200 }}
            options={categories.options}
            data-testid="project-credit-categories"
          />
        </Form.Item>
      </Space>
    </>
  );
}

function CreateProjectModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const [form] = Form.useForm<ProjectFormValues>();
  const create = useMutation({
    mutationFn: (v: ProjectFormValues) => trainingApi.createProject({ ...toProjectInput(v), orgUnitId: v.orgUnitId! }),
    onSuccess: (d) => {
      void queryClient.invalidateQueries({ queryKey: trainingKeys.all });
      void message.success(t('training.created'));
      onClose();
      void navigate(`/training/${d.project.id}`);
    },
    onError: (err) => {
      if (!showErrorsOnFields(form, err, PROJECT_FORM_FIELDS)) void message.error(errorText(err));
    },
  });
  const unit: OrgUnitRef = { id: user.orgUnit.id, name: user.orgUnit.name, kind: user.orgUnit.kind };
  return (
    <Modal
      open={open}
      title={t('training.newProject')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={create.isPending}
      width={720}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => create.mutate(v)}
        initialValues={{
          orgUnitId: user.orgUnit.id,
          year: new Date().getFullYear(),
          minAttendancePct: 80,
          assessmentRequired: false,
          minServiceYears: 1,
          level:
            user.orgUnit.kind === 'province'
              ? 'province'
              : user.orgUnit.kind === 'township'
                ? 'school'
                : user.orgUnit.kind,
        }}
      >
        <ProjectFields withUnit initialUnits={[unit]} />
      </Form>
    </Modal>
  );
}

const SEARCH_KEYS = ['q', 'status', 'closing', 'page'] as const;
const PROJECT_STATUSES: readonly ProjectStatus[] = ['draft', 'open', 'closed'];

/** 培训项目: the projects of the admin's subtree and the open ones above it. */
export default function ProjectsPage() {
  const { t } = useTranslation();
  const { search, setSearch, paging } = useListSearch(SEARCH_KEYS);
  const status = PROJECT_STATUSES.find((s) => s === search.status);
  const [creating, setCreating] = useState(false);
  // from the 工作台: only the projects whose registration closes within so many days
  const closing = toPositiveInt(search.closing, 0) || undefined;
  const query = { q: search.q, status, closingWithinDays: closing, page: paging.page, pageSize: paging.pageSize };
  const list = useListQuery(trainingKeys.projects(query), () => trainingApi.projects(query));
  const columns: TableColumnsType<Project & { canManage: boolean }> = [
    {
      title: t('training.fields.title'),
      dataIndex: 'title',
      render: (v: string, p) => <Link to={`/training/${p.id}`}>{v}</Link>,
    },
    { title: t('training.fields.level'), dataIndex: 'level', render: (v: string) => t(`training.level.${v}`) },
    { title: t('training.fields.orgUnit'), dataIndex: 'orgUnitName' },
    { title: t('training.fields.year'), dataIndex: 'year' },
    { title: t('training.fields.hours'), dataIndex: 'hours', render: (v: number) => formatHours(v) },
    {
      title: t('training.fields.window'),
      render: (_, p) => `${p.registrationOpens ?? '…'} ~ ${p.registrationCloses ?? '…'}`,
    },
    {
      title: t('training.fields.status'),
      dataIndex: 'status',
      render: (v: ProjectStatus) => <Tag color={STATUS_COLOR[v]}>{t(`training.status.${v}`)}</Tag>,
    },
  ];
  return (
    <ListPage
      title={t('training.projectsTitle')}
      actions={
        <ListActions
          create={{ onClick: () => setCreating(true), label: t('training.newProject'), testId: 'new-project' }}
        />
      }
    >
      <ListToolbar>
        <ListSearch
          value={search.q}
          onSearch={(q) => setSearch({ q })}
          placeholder={t('training.searchPlaceholder')}
          width={220}
          testId="projects-search"
        />
        <ListFilter
          placeholder={t('training.fields.status')}
          className="toolbar-item toolbar-item-small"
          value={status}
          values={PROJECT_STATUSES}
          label={(s) => t(`training.status.${s}`)}
          onChange={(next) => setSearch({ status: next })}
        />
        {closing && (
          <Tag
            closable
            onClose={() => setSearch({ closing: undefined })}
            style={{ alignSelf: 'center' }}
            data-testid="projects-closing-filter"
          >
            {t('training.closingWithin', { days: closing })}
          </Tag>
        )}
      </ListToolbar>
      <ListTable<Project & { canManage: boolean }>
        rowKey="id"
        columns={columns}
        list={list}
        paging={paging}
        empty={status || search.q || closing ? t('common.noMatch') : t('training.projectsEmpty')}
        data-testid="projects-table"
      />
      <CreateProjectModal open={creating} onClose={() => setCreating(false)} />
    </ListPage>
  );
}
