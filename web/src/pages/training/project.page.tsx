import { DeleteOutlined, FileTextOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Empty,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import {
  trainingApi,
  trainingKeys,
  type ClassDetail,
  type Enrolment,
  type EnrolmentStatus,
  type ProjectDetail,
  type TrainingSession,
} from '../../api/training.api';
import { useCurrentUser } from '../../auth/session';
import { DownloadButton } from '../../components/download-button';
import { PrintFormButton } from '../../components/print-form-button';
import { printFormsApi } from '../../api/print-forms.api';
import { ListFilter, ListTable, useListQuery, useLocalPaging } from '../../components/list-page';
import { OrgUnitPicker } from '../../components/org-unit-picker';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { useErrorMessage } from '../../lib/error-message';
import { formatHours } from '../../lib/hours';
import { chinaInstant, formatDateTime } from '../../lib/format';
import { showErrorsOnFields } from '../../lib/form-errors';
import { EMPTY_PICK, pickCount, TeacherPicker, type TeacherPick } from '../credits/teacher-multi-picker';
import { QuotaTableCard } from './quota-table.card';
import {
  PROJECT_FORM_FIELDS,
  ProjectFields,
  STATUS_COLOR,
  toFormValues,
  toProjectInput,
  type ProjectFormValues,
} from './projects.page';
import { ClassCloseCard } from './class-close.card';
import { ClassOnlineCard } from './class-online.card';
import { ProjectCoursesModal } from './project-courses.modal';
import { SurveyResultsCard } from '../surveys/survey-results.card';
import { ProjectStatsCard } from './project-stats.card';
import { ProjectFeesCard } from '../fees/project-fees.card';
import { isAdminRole } from '../../auth/roles';
import { useCreditCategories } from './training-labels';
import { usePoolLabels } from '../trainers/use-pool-labels';

function useRefresh(projectId: number) {
  const queryClient = useQueryClient();
  return () =>
    void queryClient
      .invalidateQueries({ queryKey: trainingKeys.all })
      .then(() => queryClient.invalidateQueries({ queryKey: trainingKeys.project(projectId) }));
}

function EditProjectModal({ detail, open, onClose }: { detail: ProjectDetail; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const refresh = useRefresh(detail.project.id);
  const [form] = Form.useForm<ProjectFormValues>();
  const save = useMutation({
    mutationFn: (v: ProjectFormValues) => trainingApi.updateProject(detail.project.id, toProjectInput(v)),
    onSuccess: () => {
      refresh();
      void message.success(t('training.saved'));
      onClose();
    },
    onError: (err) => {
      if (!showErrorsOnFields(form, err, PROJECT_FORM_FIELDS)) void message.error(errorText(err));
    },
  });
  return (
    <Modal
      open={open}
      title={t('training.editProject')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      width={720}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" initialValues={toFormValues(detail.project)} onFinish={(v) => save.mutate(v)}>
        <ProjectFields withUnit={false} />
      </Form>
    </Modal>
  );
}

function SessionsCard({ cls, canManage, projectId }: { cls: ClassDetail; canManage: boolean; projectId: number }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const refresh = useRefresh(projectId);
  const [adding, setAdding] = useState(false);
  const [form] = Form.useForm<{ time: [Dayjs, Dayjs]; checkin: [Dayjs, Dayjs]; place?: string; onlineUrl?: string }>();
  const add = useMutation({
    mutationFn: (v: { time: [Dayjs, Dayjs]; checkin: [Dayjs, Dayjs]; place?: string; onlineUrl?: string }) =>
      trainingApi.createSession(cls.id, {
        startsAt: chinaInstant(v.time[0]),
        endsAt: chinaInstant(v.time[1]),
        checkinOpensAt: chinaInstant(v.checkin[0]),
        checkinClosesAt: chinaInstant(v.checkin[1]),
        place: v.place?.trim() || null,
        onlineUrl: v.onlineUrl?.trim() || null,
      }),
    onSuccess: () => {
      refresh();
      setAdding(false);
      form.resetFields();
    },
    onError: (err) => {
      if (!showErrorsOnFields(form, err, ['place', 'onlineUrl'])) void message.error(errorText(err));
    },
  });
  const remove = useMutation({
    mutationFn: (id: number) => trainingApi.deleteSession(id),
    onSuccess: refresh,
    onError: (err) => message.error(errorText(err)),
  });
  const columns: TableColumnsType<TrainingSession> = [
    {
      title: t('training.session.time'),
      render: (_, s) => `${formatDateTime(s.startsAt)} – ${formatDateTime(s.endsAt)}`,
    },
    {
      title: t('training.session.place'),
      render: (_, s) =>
        s.place ??
        (s.onlineUrl ? (
          <a href={s.onlineUrl} target="_blank" rel="noreferrer">
            {t('training.session.online')}
          </a>
        ) : (
          '—'
        )),
    },
    {
      title: t('training.session.checkin'),
      render: (_, s) => `${formatDateTime(s.checkinOpensAt)} – ${formatDateTime(s.checkinClosesAt)}`,
    },
    {
      title: '',
      width: 110,
      render: (_: unknown, s: TrainingSession) => (
        <Link to={`/sessions/${s.id}/qr`} data-testid="session-qr-link">
          {t('training.session.qr')}
        </Link>
      ),
    },
    ...(canManage
      ? [
          {
            title: '',
            width: 60,
            render: (_: unknown, s: TrainingSession) => (
              <Popconfirm title={t('training.session.deleteConfirm')} onConfirm={() => remove.mutate(s.id)}>
                <Button size="small" danger icon={<DeleteOutlined />} />
              </Popconfirm>
            ),
          },
        ]
      : []),
  ];
  return (
    <Card
      size="small"
      title={t('training.sessions')}
      extra={
        canManage && (
          <Button size="small" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="add-session">
            {t('training.session.add')}
          </Button>
        )
      }
    >
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        columns={columns}
        dataSource={cls.sessions}
        scroll={{ x: true }}
      />
      <Modal
        open={adding}
        title={t('training.session.add')}
        onCancel={() => setAdding(false)}
        onOk={() => form.submit()}
        confirmLoading={add.isPending}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={(v) => add.mutate(v)}>
          <Form.Item name="time" label={t('training.session.time')} rules={[{ required: true }]}>
            <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
          </Form.Item>
          <Form.Item name="checkin" label={t('training.session.checkin')} rules={[{ required: true }]}>
            <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
          </Form.Item>
          <Form.Item name="place" label={t('training.session.place')} rules={[{ max: 200 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="onlineUrl" label={t('training.session.onlineUrl')} rules={[{ type: 'url' }]}>
            <Input placeholder="https://" />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

function TrainersCard({
  cls,
  canManage,
  projectId,
  orgUnitId,
}: {
  cls: ClassDetail;
  canManage: boolean;
  projectId: number;
  orgUnitId: number;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const refresh = useRefresh(projectId);
  const [picked, setPicked] = useState<number[] | null>(null);
  const candidates = useQuery({
    queryKey: ['training', 'trainers', projectId],
    queryFn: () => trainingApi.trainerCandidates(projectId),
    enabled: canManage && picked !== null,
  });
  const save = useMutation({
    mutationFn: (ids: number[]) => trainingApi.setTrainers(cls.id, ids),
    onSuccess: () => {
      refresh();
      setPicked(null);
    },
    onError: (err) => message.error(errorText(err)),
  });
  // trainers of the pool the project's unit sees come first, with their subjects and level
  const pool = usePoolLabels(orgUnitId, canManage && picked !== null);
  const options = [...cls.trainers, ...(candidates.data?.items ?? [])]
    .filter((x, i, all) => all.findIndex((y) => y.userId === x.userId) === i)
    .sort((a, b) => Number(pool.inPool(b.userId)) - Number(pool.inPool(a.userId)))
    .map((x) => ({ value: x.userId, label: `${x.displayName}（${x.orgUnitName}）${pool.suffix(x.userId)}` }));
  return (
    <Card
      size="small"
      title={t('training.trainers')}
      extra={
        canManage &&
        picked === null && (
          <Button size="small" onClick={() => setPicked(cls.trainers.map((x) => x.userId))}>
            {t('training.edit')}
          </Button>
        )
      }
    >
      {picked === null ? (
        cls.trainers.length ? (
          <Space wrap>
            {cls.trainers.map((x) => (
              <Tag key={x.userId}>
                {x.displayName}（{x.orgUnitName}）
              </Tag>
            ))}
          </Space>
        ) : (
          <Typography.Text type="secondary">{t('training.noTrainers')}</Typography.Text>
        )
      ) : (
        <Space wrap>
          <Select
            mode="multiple"
            style={{ minWidth: 300 }}
            value={picked}
            onChange={setPicked}
            options={options}
            loading={candidates.isFetching || pool.loading}
            optionFilterProp="label"
          />
          <Button type="primary" loading={save.isPending} onClick={() => save.mutate(picked)}>
            {t('training.save')}
          </Button>
          <Button onClick={() => setPicked(null)}>{t('training.cancel')}</Button>
        </Space>
      )}
    </Card>
  );
}

const ENROLMENT_STATUSES: readonly EnrolmentStatus[] = ['enrolled', 'waitlisted', 'withdrawn'];

function EnrolmentsCard({ cls, detail }: { cls: ClassDetail; detail: ProjectDetail }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const user = useCurrentUser();
  const errorText = useErrorMessage();
  const refresh = useRefresh(detail.project.id);
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<EnrolmentStatus | undefined>();
  const { paging, reset } = useLocalPaging(20);
  const [bulkUnits, setBulkUnits] = useState<number[] | null>(null);
  const [nominees, setNominees] = useState<TeacherPick | null>(null);
  const query = { classId: cls.id, status, page: paging.page, pageSize: paging.pageSize };
  const list = useListQuery(trainingKeys.enrolments(cls.id, query), () => trainingApi.enrolments(query));
  const after = () => {
    refresh();
    void queryClient.invalidateQueries({ queryKey: ['training', 'enrolments', cls.id] });
  };
  const withdraw = useMutation({
    mutationFn: (id: number) => trainingApi.withdraw(id),
    onSuccess: (r) => {
      after();
      void message.success(
        r.promoted
          ? t('training.enrolment.withdrawnPromoted', { count: r.promoted })
          : t('training.enrolment.withdrawn'),
      );
    },
    onError: (err) => message.error(errorText(err)),
  });
  const bulk = useMutation({
    mutationFn: (ids: number[]) => trainingApi.bulk(cls.id, ids),
    onSuccess: (r) => {
      after();
      setBulkUnits(null);
      void message.success(t('training.enrolment.bulkDone', r));
    },
    onError: (err) => message.error(errorText(err)),
  });
  // bulk enrolment is not undone in one step: the server counts first, the organiser confirms the numbers
  const previewBulk = useMutation({
    mutationFn: (ids: number[]) => trainingApi.bulkPreview(cls.id, ids),
    onSuccess: (r, ids) => {
      if (r.enrolled + r.waitlisted === 0) {
        void message.info(t('training.enrolment.bulkNobody'));
        return;
      }
      modal.confirm({
        title: t('training.enrolment.bulkConfirm', { count: r.enrolled + r.waitlisted, name: cls.name }),
        content: t('training.enrolment.bulkConfirmHint', r),
        okText: t('training.enrolment.bulkOk'),
        cancelText: t('common.cancel'),
        okButtonProps: { 'data-testid': 'bulk-enrol-confirm' },
        onOk: () => bulk.mutateAsync(ids),
      });
    },
    onError: (err) => message.error(errorText(err)),
  });
  const nominate = useMutation({
    mutationFn: (pick: TeacherPick) =>
      trainingApi.nominate(
        cls.id,
        pick.matching
          ? { matching: pick.matching.filter, except: pick.matching.except.map((x) => x.id) }
          : { teacherIds: pick.teachers.map((x) => x.id) },
      ),
    onSuccess: (r) => {
      after();
      setNominees(null);
      void message.success(
        t('training.enrolment.bulkDone', {
          enrolled: r.items.filter((x) => x.status === 'enrolled').length,
          waitlisted: r.items.filter((x) => x.status === 'waitlisted').length,
        }),
      );
    },
    onError: (err) => message.error(errorText(err)),
  });
  const columns: TableColumnsType<Enrolment> = [
    { title: t('training.enrolment.teacher'), dataIndex: 'teacherName' },
    { title: t('training.enrolment.idNumber'), dataIndex: 'idNumberMasked', responsive: ['md'] },
    { title: t('training.enrolment.school'), dataIndex: 'orgUnitName' },
    {
      title: t('training.enrolment.status'),
      render: (_, e) => (
        <Tag color={e.status === 'enrolled' ? 'green' : e.status === 'waitlisted' ? 'orange' : 'default'}>
          {t(`training.enrolmentStatus.${e.status}`)}
          {e.waitlistPosition ? ` #${e.waitlistPosition}` : ''}
        </Tag>
      ),
    },
    {
      title: t('training.enrolment.source'),
      dataIndex: 'source',
      render: (v: string) => t(`training.source.${v}`),
      responsive: ['md'],
    },
    {
      title: t('training.enrolment.at'),
      dataIndex: 'createdAt',
      render: (v: string) => formatDateTime(v),
      responsive: ['lg'],
    },
    {
      title: '',
      render: (_, e) =>
        e.status !== 'withdrawn' &&
        detail.project.status !== 'closed' &&
        // a closed class keeps its places: the server refuses a withdrawal
        cls.status !== 'closed' && (
          <Popconfirm
            title={t('training.enrolment.withdrawConfirm', { name: e.teacherName })}
            onConfirm={() => withdraw.mutate(e.id)}
          >
            <Button size="small" danger>
              {t('training.enrolment.withdraw')}
            </Button>
          </Popconfirm>
        ),
    },
  ];
  const open = detail.project.status === 'open' && cls.status === 'open';
  return (
    <Card
      size="small"
      title={t('training.enrolments')}
      extra={
        <Space wrap>
          <ListFilter
            size="small"
            width={110}
            placeholder={t('training.enrolment.status')}
            value={status}
            values={ENROLMENT_STATUSES}
            label={(s) => t(`training.enrolmentStatus.${s}`)}
            onChange={(next) => {
              setStatus(next);
              reset();
            }}
          />
          {detail.canManage && open && (
            <Button size="small" onClick={() => setBulkUnits([])} data-testid="bulk-enrol">
              {t('training.enrolment.bulk')}
            </Button>
          )}
          {detail.canNominate && open && (
            <Button size="small" onClick={() => setNominees(EMPTY_PICK)} data-testid="nominate">
              {t('training.enrolment.nominate')}
            </Button>
          )}
          <DownloadButton
            size="small"
            file={() => trainingApi.exportEnrolments(cls.id)}
            fileName={`enrolments-${cls.id}.xlsx`}
          >
            {t('training.enrolment.export')}
          </DownloadButton>
          {detail.canManage && (
            <PrintFormButton
              size="small"
              label={t('printForm.completionList')}
              file={(format) => printFormsApi.completionList(cls.id, format)}
              fileName={`${t('printForm.completionList')}-${cls.name}`}
              testId="completion-list"
            />
          )}
        </Space>
      }
    >
      <ListTable<Enrolment>
        rowKey="id"
        size="small"
        columns={columns}
        list={list}
        paging={paging}
        empty={status ? t('common.noMatch') : t('training.enrolment.none')}
      />
      <Modal
        open={bulkUnits !== null}
        title={t('training.enrolment.bulk')}
        onCancel={() => setBulkUnits(null)}
        okButtonProps={{ disabled: !bulkUnits?.length }}
        onOk={() => bulkUnits && previewBulk.mutate(bulkUnits)}
        okText={t('training.enrolment.bulkNext')}
        confirmLoading={previewBulk.isPending || bulk.isPending}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{t('training.enrolment.bulkHelp')}</Typography.Paragraph>
        <Space direction="vertical" style={{ width: '100%' }}>
          {(bulkUnits ?? []).map((id, i) => (
            <OrgUnitPicker
              key={i}
              value={id}
              style={{ width: '100%' }}
              onChange={(v) => setBulkUnits((bulkUnits ?? []).map((x, j) => (j === i ? (v ?? x) : x)))}
            />
          ))}
          <OrgUnitPicker
            key={`new-${bulkUnits?.length ?? 0}`}
            style={{ width: '100%' }}
            placeholder={t('training.enrolment.addUnit')}
            onChange={(v) => v !== undefined && setBulkUnits([...(bulkUnits ?? []), v])}
            data-testid="bulk-unit"
          />
        </Space>
      </Modal>
      <Modal
        open={nominees !== null}
        title={t('training.enrolment.nominate')}
        onCancel={() => setNominees(null)}
        okText={t('training.enrolment.nominateOk', { count: pickCount(nominees ?? undefined) })}
        okButtonProps={{ disabled: pickCount(nominees ?? undefined) === 0 }}
        onOk={() => nominees && nominate.mutate(nominees)}
        confirmLoading={nominate.isPending}
        destroyOnHidden
      >
        <TeacherPicker
          orgUnitId={user.orgUnit.id}
          value={nominees ?? EMPTY_PICK}
          onChange={setNominees}
          allowMatching
        />
      </Modal>
    </Card>
  );
}

function ClassPanel({ cls, detail }: { cls: ClassDetail; detail: ProjectDetail }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const refresh = useRefresh(detail.project.id);
  const [capacity, setCapacity] = useState<number | null>(null);
  const save = useMutation({
    mutationFn: (c: number) => trainingApi.updateClass(cls.id, { capacity: c }),
    onSuccess: (r) => {
      refresh();
      setCapacity(null);
      if (r.promoted) void message.success(t('training.promoted', { count: r.promoted }));
    },
    onError: (err) => message.error(errorText(err)),
  });
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Typography.Text>
          {t('training.class.places', { enrolled: cls.enrolled, capacity: cls.capacity, waitlisted: cls.waitlisted })}
        </Typography.Text>
        {cls.courseId !== null && (
          <Link to={`/classes/${cls.id}/reflections`} data-testid="class-reflections-link">
            <Button size="small" icon={<FileTextOutlined />}>
              {t('reflections.classLink')}
            </Button>
          </Link>
        )}
        {detail.canManage &&
          (capacity === null ? (
            <Button size="small" onClick={() => setCapacity(cls.capacity)}>
              {t('training.class.changeCapacity')}
            </Button>
          ) : (
            <Space>
              <InputNumber min={1} value={capacity} onChange={(v) => setCapacity(v ?? 1)} />
              <Button size="small" type="primary" loading={save.isPending} onClick={() => save.mutate(capacity)}>
                {t('training.save')}
              </Button>
              <Button size="small" onClick={() => setCapacity(null)}>
                {t('training.cancel')}
              </Button>
            </Space>
          ))}
      </Space>
      <ClassOnlineCard cls={cls} detail={detail} />
      {cls.courseId !== null && (
        // an online class: its homework and forum, run by its trainers and the organiser's admins
        <Space wrap data-testid="class-study-links">
          <Link to={`/study/classes/${cls.id}/homework`} data-testid="class-homework-link">
            <Button size="small">{t('study.links.homework')}</Button>
          </Link>
          <Link to={`/study/classes/${cls.id}/forum`} data-testid="class-forum-link">
            <Button size="small">{t('study.links.forum')}</Button>
          </Link>
        </Space>
      )}
      <SessionsCard cls={cls} canManage={detail.canManage} projectId={detail.project.id} />
      <TrainersCard
        cls={cls}
        canManage={detail.canManage}
        projectId={detail.project.id}
        orgUnitId={detail.project.orgUnitId}
      />
      <QuotaTableCard cls={cls} canManage={detail.canManage} />
      <EnrolmentsCard cls={cls} detail={detail} />
      {detail.canManage && <ClassCloseCard cls={cls} projectId={detail.project.id} />}
    </Space>
  );
}

/** A project: its terms, and per class the sessions, trainers, quotas and enrolments. */
export default function ProjectPage() {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const id = Number(useParams().id);
  const errorText = useErrorMessage();
  const refresh = useRefresh(id);
  const [editing, setEditing] = useState(false);
  const [pickingCourses, setPickingCourses] = useState(false);
  const admin = isAdminRole(useCurrentUser().role);
  const [search, setSearch] = useSearchParams();
  const tab = search.get('tab') ?? 'classes';
  const [newClass, setNewClass] = useState(false);
  const [classForm] = Form.useForm<{ name: string; capacity: number }>();
  const q = useQuery({
    queryKey: trainingKeys.project(id),
    queryFn: () => trainingApi.project(id),
    enabled: Number.isInteger(id),
  });
  const categories = useCreditCategories(q.data?.project.year);
  const status = useMutation({
    mutationFn: (s: 'open' | 'closed') => trainingApi.setStatus(id, s),
    onSuccess: refresh,
    onError: (err) => message.error(errorText(err)),
  });
  const addClass = useMutation({
    mutationFn: (v: { name: string; capacity: number }) => trainingApi.createClass(id, v),
    onSuccess: () => {
      refresh();
      setNewClass(false);
      classForm.resetFields();
    },
    onError: (err) => {
      if (!showErrorsOnFields(classForm, err, ['name', 'capacity'])) void message.error(errorText(err));
    },
  });
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <SectionSpin />;
  const d = q.data;
  const p = d.project;
  const e = p.eligibility;
  const eligibilityText =
    [
      e.minServiceYears ? t('training.elig.years', { n: e.minServiceYears }) : null,
      e.stages?.length ? e.stages.map((s) => t(`stages.${s}`)).join('、') : null,
      e.subjects?.length ? e.subjects.join('、') : null,
      e.flags?.length ? e.flags.map((f) => t(`training.flag.${f}`)).join('、') : null,
    ]
      .filter(Boolean)
      .join('；') || t('training.elig.all');
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card
        title={
          <Space>
            {p.title}
            <Tag color={STATUS_COLOR[p.status]}>{t(`training.status.${p.status}`)}</Tag>
          </Space>
        }
        extra={
          d.canManage && (
            <Space wrap>
              {p.status !== 'closed' && <Button onClick={() => setEditing(true)}>{t('training.edit')}</Button>}
              {p.status === 'draft' && (
                <Button
                  type="primary"
                  loading={status.isPending}
                  onClick={() =>
                    modal.confirm({
                      title: t('training.openConfirm', { title: p.title }),
                      content: t('training.openHint', {
                        classes: d.classes.length,
                        capacity: d.classes.reduce((a, c) => a + c.capacity, 0),
                        window: `${p.registrationOpens ?? '…'} ~ ${p.registrationCloses ?? '…'}`,
                      }),
                      okText: t('training.openRegistration'),
                      cancelText: t('common.cancel'),
                      okButtonProps: { 'data-testid': 'open-project-confirm' },
                      onOk: () => status.mutateAsync('open'),
                    })
                  }
                  data-testid="open-project"
                >
                  {t('training.openRegistration')}
                </Button>
              )}
              {p.status === 'open' && (
                <Button
                  danger
                  loading={status.isPending}
                  onClick={() =>
                    modal.confirm({
                      title: t('training.closeConfirm'),
                      content: t('training.closeHint', {
                        open: d.classes.filter((c) => c.status === 'open').length,
                        enrolled: d.classes.reduce((a, c) => a + c.enrolled, 0),
                      }),
                      okButtonProps: { danger: true },
                      onOk: () => status.mutateAsync('closed'),
                    })
                  }
                >
                  {t('training.closeProject')}
                </Button>
              )}
            </Space>
          )
        }
      >
        <Descriptions size="small" column={{ xs: 1, md: 2 }}>
          <Descriptions.Item label={t('training.fields.orgUnit')}>{p.orgUnitName}</Descriptions.Item>
          <Descriptions.Item label={t('training.fields.level')}>{t(`training.level.${p.level}`)}</Descriptions.Item>
          <Descriptions.Item label={t('training.fields.year')}>{p.year}</Descriptions.Item>
          <Descriptions.Item label={t('training.fields.hours')}>{formatHours(p.hours)}</Descriptions.Item>
          <Descriptions.Item
            label={t('training.fields.window')}
          >{`${p.registrationOpens ?? '…'} ~ ${p.registrationCloses ?? '…'}`}</Descriptions.Item>
          <Descriptions.Item label={t('training.fields.eligibility')}>{eligibilityText}</Descriptions.Item>
          <Descriptions.Item label={t('training.fields.completion')}>
            {t('training.completionText', { pct: p.completionRule.minAttendancePct })}
            {p.completionRule.assessmentRequired ? t('training.withAssessment') : ''}
          </Descriptions.Item>
          <Descriptions.Item label={t('training.fields.creditCategories')}>
            {p.creditCategories.map(categories.nameOf).join('、') || '—'}
          </Descriptions.Item>
          <Descriptions.Item label={t('training.fields.courses')}>
            {d.courses.map((c) => c.title).join('、') || '—'}
            {d.canManage && p.status !== 'closed' && (
              <Button type="link" size="small" onClick={() => setPickingCourses(true)} data-testid="pick-courses">
                {t('training.courses.edit')}
              </Button>
            )}
          </Descriptions.Item>
          {p.description && (
            <Descriptions.Item label={t('training.fields.description')}>{p.description}</Descriptions.Item>
          )}
        </Descriptions>
      </Card>
      <Tabs
        type="card"
        activeKey={tab}
        onChange={(k) => setSearch(k === 'classes' ? {} : { tab: k }, { replace: true })}
        items={[
          {
            key: 'classes',
            label: <span data-testid="project-tab-classes">{t('training.classes')}</span>,
            children: (
              <Card
                title={t('training.classes')}
                extra={
                  d.canManage &&
                  p.status !== 'closed' && (
                    <Button icon={<PlusOutlined />} onClick={() => setNewClass(true)} data-testid="new-class">
                      {t('training.class.add')}
                    </Button>
                  )
                }
              >
                {d.classes.length === 0 ? (
                  <Empty description={t('training.class.none')} />
                ) : (
                  <Tabs
                    items={d.classes.map((c) => ({
                      key: String(c.id),
                      label: `${c.name}（${c.enrolled}/${c.capacity}）${c.online ? ` · ${t('training.online.tag')}` : ''}`,
                      children: <ClassPanel cls={c} detail={d} />,
                    }))}
                  />
                )}
              </Card>
            ),
          },
          ...(admin
            ? [
                {
                  key: 'stats',
                  label: <span data-testid="project-tab-stats">{t('training.stats.tab')}</span>,
                  children: <ProjectStatsCard projectId={id} />,
                },
                {
                  key: 'fees',
                  label: <span data-testid="project-tab-fees">{t('fees.tab')}</span>,
                  children: <ProjectFeesCard projectId={id} />,
                },
              ]
            : []),
          ...(d.canManage
            ? [
                {
                  key: 'survey',
                  label: <span data-testid="project-tab-survey">{t('surveys.tab')}</span>,
                  children: <SurveyResultsCard projectId={p.id} />,
                },
              ]
            : []),
        ]}
      />
      <EditProjectModal detail={d} open={editing} onClose={() => setEditing(false)} />
      {pickingCourses && <ProjectCoursesModal detail={d} open onClose={() => setPickingCourses(false)} />}
      <Modal
        open={newClass}
        title={t('training.class.add')}
        onCancel={() => setNewClass(false)}
        onOk={() => classForm.submit()}
        confirmLoading={addClass.isPending}
        destroyOnHidden
      >
        <Form form={classForm} layout="vertical" initialValues={{ capacity: 50 }} onFinish={(v) => addClass.mutate(v)}>
          <Form.Item name="name" label={t('training.class.name')} rules={[{ required: true, max: 100 }]}>
            <Input data-testid="class-name" />
          </Form.Item>
          <Form.Item name="capacity" label={t('training.class.capacity')} rules={[{ required: true }]}>
            <InputNumber min={1} max={1000000} />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
