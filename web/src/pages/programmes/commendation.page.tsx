import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import {
  type AddCandidateInput,
  COMMENDATION_KINDS,
  type Candidate,
  type CommendationCriteria,
  type CommendationKind,
  commendationsApi,
  programmeKeys,
} from '../../api/programmes.api';
import { teachersApi } from '../../api/teachers.api';
import { OrgUnitPicker } from '../../components/org-unit-picker';
import { AccountPicker } from '../../components/search-pickers';
import { useCurrentUser } from '../../auth/session';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { ReasonModal } from '../../components/reason-modal';
import { useErrorMessage } from '../../lib/error-message';
import { BATCH_COLOR } from './commendations.page';
import { CriteriaFields, withNulls } from './criteria-form';

/** Add a candidate the criteria did not propose: a unit, an administrator (by their unit's account id) or a teacher. */
function AddModal({ id, onClose }: { id: number; onClose: () => void }) {
  const { t } = useTranslation();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<AddCandidateInput>();
  const me = useCurrentUser();
  const kind = Form.useWatch('kind', form) as CommendationKind | undefined;
  const [teacherQuery, setTeacherQuery] = useState('');
  const teachers = useQuery({
    queryKey: ['commendation-teacher-search', teacherQuery],
    queryFn: () => teachersApi.list({ q: teacherQuery, page: 1, pageSize: 20 }),
    enabled: kind === 'outstanding_trainee' && teacherQuery.length > 0,
  });
  const add = useMutation({
    mutationFn: (v: AddCandidateInput) => commendationsApi.add(id, v),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: programmeKeys.commendations });
      onClose();
    },
  });
  return (
    <Modal
      open
      title={t('commendations.add.title')}
      okText={t('commendations.add.ok')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={add.isPending}
    >
      {add.isError && <Alert type="error" showIcon title={errorText(add.error)} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" initialValues={{ kind: 'advanced_unit' }} onFinish={(v) => add.mutate(v)}>
        <Form.Item name="kind" label={t('commendations.kind')} rules={[{ required: true }]}>
          <Select options={COMMENDATION_KINDS.map((k) => ({ value: k, label: t(`commendations.kinds.${k}`) }))} />
        </Form.Item>
        {kind === 'advanced_unit' && (
          <Form.Item name="orgUnitId" label={t('commendations.add.unit')} rules={[{ required: true }]}>
            <OrgUnitPicker data-testid="add-unit" />
          </Form.Item>
        )}
        {kind === 'outstanding_admin' && (
          <Form.Item
            name="userId"
            label={t('commendations.add.adminAccount')}
            extra={t('commendations.add.adminHint')}
            rules={[{ required: true }]}
          >
            <AccountPicker orgUnitId={me.orgUnit.id} testId="add-admin" />
          </Form.Item>
        )}
        {kind === 'outstanding_trainee' && (
          <Form.Item name="teacherId" label={t('commendations.add.teacher')} rules={[{ required: true }]}>
            <Select
              showSearch={{ filterOption: false, onSearch: setTeacherQuery }}
              placeholder={t('commendations.add.teacherSearch')}
              loading={teachers.isFetching}
              options={(teachers.data?.items ?? []).map((x) => ({
                value: x.id,
                label: `${x.name} · ${x.orgUnitName}`,
              }))}
            />
          </Form.Item>
        )}
        <Form.Item name="reason" label={t('commendations.add.reason')} rules={[{ required: true, whitespace: true }]}>
          <Input.TextArea rows={3} maxLength={500} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** One commendation batch: criteria, the proposed candidates with their figures, review, publishing. */
export default function CommendationPage() {
  const { t } = useTranslation();
  const id = Number(useParams().id);
  const { modal, message } = App.useApp();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ criteria: CommendationCriteria }>();
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<Candidate | null>(null);
  const [publishing, setPublishing] = useState(false);
  const [period, setPeriod] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const q = useQuery({ queryKey: programmeKeys.commendationDetail(id), queryFn: () => commendationsApi.get(id) });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: programmeKeys.commendations });
  const run = <T,>(fn: () => Promise<T>, ok?: string) =>
    fn()
      .then(() => {
        refresh();
        if (ok) void message.success(ok);
      })
      .catch((err: unknown) => void message.error(errorText(err)));

  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <SectionSpin />;
  const { batch: b, candidates, publicity } = q.data;
  const draft = b.status === 'draft';
  const kept = candidates.filter((c) => !c.removedAt);

  const columns: TableColumnsType<Candidate> = [
    {
      title: t('commendations.kind'),
      dataIndex: 'kind',
      render: (k: CommendationKind) => t(`commendations.kinds.${k}`),
    },
    {
      title: t('commendations.candidate'),
      key: 'name',
      render: (_: unknown, c) => (
        <Space orientation="vertical" size={0}>
          {c.removedAt ? <del>{c.name}</del> : <span>{c.name}</span>}
          <Typography.Text type="secondary">{c.unitName}</Typography.Text>
        </Space>
      ),
    },
    {
      title: t('commendations.figures'),
      key: 'lines',
      render: (_: unknown, c) => (
        <Space orientation="vertical" size={0}>
          {c.lines.map((l) => (
            <Typography.Text key={l} style={{ fontSize: 13 }}>
              {l}
            </Typography.Text>
          ))}
        </Space>
      ),
    },
    {
      title: t('commendations.review'),
      key: 'review',
      render: (_: unknown, c) => (
        <Space orientation="vertical" size={2}>
          {c.origin === 'added' && <Tag color="purple">{t('commendations.added', { reason: c.addedReason })}</Tag>}
          {c.removedAt && <Tag>{t('commendations.removed', { reason: c.removedReason })}</Tag>}
          {c.outcome && (
            <Tag color={c.outcome === 'kept' ? 'success' : 'error'}>{t(`commendations.outcomes.${c.outcome}`)}</Tag>
          )}
          {c.honourCode && (
            <a href={`/verify/${c.honourCode}`} target="_blank" rel="noreferrer">
              {c.honourCode}
            </a>
          )}
        </Space>
      ),
    },
    {
      title: '',
      key: 'act',
      render: (_: unknown, c) =>
        draft ? (
          c.removedAt ? (
            <Button size="small" onClick={() => void run(() => commendationsApi.restore(id, c.id))}>
              {t('commendations.restore')}
            </Button>
          ) : (
            <Button size="small" danger onClick={() => setRemoving(c)} data-testid={`remove-${c.id}`}>
              {t('commendations.remove')}
            </Button>
          )
        ) : null,
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="commendation-page">
      <Card>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {b.title}
        </Typography.Title>
        <Descriptions size="small" column={{ xs: 1, sm: 3 }} bordered>
          <Descriptions.Item label={t('commendations.organiser')}>{b.orgUnitName}</Descriptions.Item>
          <Descriptions.Item label={t('commendations.year')}>{b.year}</Descriptions.Item>
          <Descriptions.Item label={t('commendations.status')}>
            <Tag color={BATCH_COLOR[b.status]}>{t(`commendations.statuses.${b.status}`)}</Tag>
            {publicity && (
              <Link to={`/publicity/${publicity.id}`} data-testid="commendation-publicity">
                {t('commendations.openNotice')}
              </Link>
            )}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title={t('commendations.criteriaTitle')}>
        <Form form={form} layout="vertical" initialValues={{ criteria: b.criteria }} key={b.id}>
          <CriteriaFields disabled={!draft} />
          {draft && (
            <Space style={{ marginTop: 12 }} wrap>
              <Button
                onClick={() =>
                  void run(
                    () => commendationsApi.update(id, { criteria: withNulls(form.getFieldsValue().criteria) }),
                    t('commendations.saved'),
                  )
                }
                data-testid="criteria-save"
              >
                {t('commendations.saveCriteria')}
              </Button>
              <Button
                type="primary"
                data-testid="commendation-propose"
                onClick={() =>
                  modal.confirm({
                    title: t('commendations.proposeConfirm.title'),
                    content: t('commendations.proposeConfirm.content'),
                    okText: t('commendations.propose'),
                    cancelText: t('common.cancel'),
                    onOk: () =>
                      run(async () => {
                        await commendationsApi.update(id, { criteria: withNulls(form.getFieldsValue().criteria) });
                        return commendationsApi.propose(id);
                      }),
                  })
                }
              >
                {t('commendations.propose')}
              </Button>
            </Space>
          )}
        </Form>
      </Card>
      <Card
        title={t('commendations.candidatesTitle', { n: kept.length })}
        extra={
          draft ? (
            <Space wrap>
              <Button onClick={() => setAdding(true)} data-testid="candidate-add">
                {t('commendations.add.button')}
              </Button>
              <Button
                type="primary"
                disabled={kept.length === 0}
                onClick={() => setPublishing(true)}
                data-testid="commendation-publish"
              >
                {t('commendations.publish')}
              </Button>
            </Space>
          ) : null
        }
      >
        <Table<Candidate>
          rowKey="id"
          size="small"
          dataSource={candidates}
          columns={columns}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          scroll={{ x: 800 }}
          locale={{ emptyText: b.proposedAt ? t('commendations.noCandidates') : t('commendations.notProposed') }}
        />
      </Card>
      {adding && <AddModal id={id} onClose={() => setAdding(false)} />}
      <ReasonModal
        open={removing !== null}
        title={t('commendations.removeTitle', { name: removing?.name ?? '' })}
        description={t('commendations.removeEffect')}
        label={t('commendations.removeReason')}
        okText={t('commendations.remove')}
        danger
        onSubmit={async (text) => {
          if (removing) await commendationsApi.remove(id, removing.id, text ?? '');
          refresh();
        }}
        onClose={() => setRemoving(null)}
      />
      <Modal
        open={publishing}
        title={t('commendations.publishTitle')}
        okText={t('commendations.publish')}
        cancelText={t('common.cancel')}
        onCancel={() => setPublishing(false)}
        onOk={() =>
          run(
            () =>
              commendationsApi.publish(id, {
                startsOn: period?.[0]?.format('YYYY-MM-DD'),
                endsOn: period?.[1]?.format('YYYY-MM-DD'),
              }),
            t('commendations.published'),
          ).then(() => setPublishing(false))
        }
      >
        <Typography.Paragraph>{t('commendations.publishEffect', { n: kept.length })}</Typography.Paragraph>
        <DatePicker.RangePicker value={period} onChange={(v) => setPeriod(v)} />
        <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
          {t('commendations.publishDefault')}
        </Typography.Paragraph>
      </Modal>
    </Space>
  );
}
