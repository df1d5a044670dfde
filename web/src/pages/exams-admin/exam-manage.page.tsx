import {
  BarChartOutlined,
  EditOutlined,
  EyeOutlined,
  FormOutlined,
  RedoOutlined,
  SendOutlined,
  StopOutlined,
} from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Flex,
  InputNumber,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import {
  EVENT_KINDS,
  examAdminApi,
  examAdminKeys,
  type Exam,
  type ExamCounts,
  type ExamEvent,
  type ExamEventKind,
  type Marker,
} from '../../api/exam-admin';
import { ErrorResult, FullPageSpin } from '../../components/page-states';
import { formatDateTime } from '../../lib/format';
import { formatHours } from '../../lib/hours';
import { toPositiveInt } from '../../lib/use-search-state';
import { ComponentScoresCard } from './component-scores.card';
import { ExamStatusTag, TargetLabel, formatPoints, usePaperErrorText } from './exam-labels';
import { MarkerSelect, type PickedUser } from './exam-pickers';
import { PaperPreviewModal } from './paper-preview.modal';
import { type PaperQuestionChoice, RegradeModal } from './regrade.modal';

const EVENT_COLOR: Record<ExamEventKind, string> = {
  left: 'orange',
  returned: 'green',
  offline: 'red',
  online: 'blue',
  resumed: 'purple',
  time_up: 'default',
};

/**
 * An exam's page for its organiser (/exams/:id/manage): where it stands (candidates, started, submitted,
 * graded, marks waiting), publish and close, the paper's preview, markers, the invigilation events,
 * component scores, a regrade after a key correction, and the way to marking and to the results.
 */
export default function ExamManagePage() {
  const { id } = useParams();
  const examId = toPositiveInt(id, 0);
  const q = useQuery({ queryKey: examAdminKeys.exam(examId), queryFn: () => examAdminApi.get(examId) });
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <FullPageSpin />;
  return <ExamManage exam={q.data.exam} counts={q.data.counts} maxScore={q.data.maxScore} />;
}

function ExamManage({ exam, counts, maxScore }: { exam: Exam; counts: ExamCounts; maxScore: number }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { message, modal } = App.useApp();
  const errorText = usePaperErrorText();
  const qc = useQueryClient();
  const [previewing, setPreviewing] = useState(false);
  const [regrading, setRegrading] = useState(false);
  const after = () => void qc.invalidateQueries({ queryKey: examAdminKeys.all });

  const publish = useMutation({
    mutationFn: () => examAdminApi.publish(exam.id),
    onSuccess: () => {
      after();
      void message.success(t('examAdmin.manage.published'));
    },
    onError: (err) => modal.error({ title: t('examAdmin.manage.publishFailed'), content: errorText(err) }),
  });
  const close = useMutation({
    mutationFn: () => examAdminApi.close(exam.id),
    onSuccess: () => {
      after();
      void message.success(t('examAdmin.manage.closed'));
    },
    onError: (err) => message.error(errorText(err)),
  });

  const confirmPublish = () =>
    modal.confirm({
      title: t('examAdmin.manage.publishConfirmTitle', { title: exam.title }),
      content: (
        <Flex vertical gap={4} data-testid="publish-confirm">
          <span>
            {t(exam.paper.mode === 'fixed' ? 'examAdmin.manage.publishFixed' : 'examAdmin.manage.publishDrawn')}
          </span>
          <span>{t('examAdmin.manage.publishGates')}</span>
          <span>{t('examAdmin.manage.publishOpens', { at: formatDateTime(exam.opensAt) })}</span>
        </Flex>
      ),
      okText: t('examAdmin.manage.publish'),
      cancelText: t('common.cancel'),
      okButtonProps: { 'data-testid': 'publish-ok' },
      onOk: () => publish.mutateAsync().catch(() => undefined),
    });
  const confirmClose = () =>
    modal.confirm({
      title: t('examAdmin.manage.closeConfirmTitle', { title: exam.title }),
      content: t('examAdmin.manage.closeConfirm', { open: Math.max(0, counts.started - counts.submitted) }),
      okText: t('examAdmin.manage.close'),
      okButtonProps: { danger: true, 'data-testid': 'close-ok' },
      cancelText: t('common.cancel'),
      onOk: () => close.mutateAsync().catch(() => undefined),
    });

  const fixedQuestions: PaperQuestionChoice[] =
    exam.paper.mode === 'fixed'
      ? exam.paper.items.map((i, n) => ({
          questionId: i.questionId,
          label: t('examAdmin.regrade.fixedItem', { n: n + 1, id: i.questionId, points: formatPoints(i.points) }),
        }))
      : [];

  const stats: { key: keyof ExamCounts; value: number | null }[] = [
    { key: 'candidates', value: counts.candidates },
    { key: 'started', value: counts.started },
    { key: 'submitted', value: counts.submitted },
    { key: 'graded', value: counts.graded },
    { key: 'pendingMarks', value: counts.pendingMarks },
  ];

  return (
    <Flex vertical gap={16} data-testid="exam-manage">
      <Card>
        <div className="page-title-row">
          <Space wrap>
            <Typography.Title level={3} style={{ margin: 0 }} data-testid="exam-manage-title">
              {exam.title}
            </Typography.Title>
            <ExamStatusTag status={exam.status} />
          </Space>
          <Space wrap>
            <Button icon={<EyeOutlined />} onClick={() => setPreviewing(true)} data-testid="exam-preview">
              {t('examAdmin.preview.button')}
            </Button>
            {exam.status !== 'closed' && (
              <Button
                icon={<EditOutlined />}
                onClick={() => navigate(`/exams/${exam.id}/edit`)}
                data-testid="exam-edit"
              >
                {t('common.edit')}
              </Button>
            )}
            {exam.status === 'draft' && (
              <Button
                type="primary"
                icon={<SendOutlined />}
                loading={publish.isPending}
                onClick={confirmPublish}
                data-testid="exam-publish"
              >
                {t('examAdmin.manage.publish')}
              </Button>
            )}
            {exam.status === 'published' && (
              <Button
                danger
                icon={<StopOutlined />}
                loading={close.isPending}
                onClick={confirmClose}
                data-testid="exam-close"
              >
                {t('examAdmin.manage.close')}
              </Button>
            )}
          </Space>
        </div>
        <Descriptions size="small" column={{ xs: 1, md: 2, xl: 3 }}>
          <Descriptions.Item label={t('examAdmin.fields.target')}>
            <TargetLabel target={exam.target} />
          </Descriptions.Item>
          <Descriptions.Item label={t('examAdmin.fields.orgUnit')}>{exam.orgUnitName ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('examAdmin.fields.window')}>
            {formatDateTime(exam.opensAt)} ~ {formatDateTime(exam.closesAt)}
          </Descriptions.Item>
          <Descriptions.Item label={t('examAdmin.fields.durationMinutes')}>
            {t('examAdmin.minutes', { count: exam.durationMinutes })}
          </Descriptions.Item>
          <Descriptions.Item label={t('examAdmin.fields.attemptsAllowed')}>
            {exam.attemptsAllowed}（{t(`examAdmin.gradePolicies.${exam.gradePolicy}`)}）
          </Descriptions.Item>
          <Descriptions.Item label={t('examAdmin.paper.mode')}>
            {t(`examAdmin.paper.modes.${exam.paper.mode}`)}，
            {t('examAdmin.manage.maxScore', { points: formatPoints(maxScore) })}
          </Descriptions.Item>
          <Descriptions.Item label={t('examAdmin.fields.composite')}>
            {exam.composite.components.map((c) => `${c.label} ${c.weight}%`).join(' + ')}
          </Descriptions.Item>
          <Descriptions.Item label={t('examAdmin.fields.passLevel')}>
            {t(`examAdmin.levels.${exam.passLevel}`)}
          </Descriptions.Item>
          {exam.target === 'course' && exam.hours ? (
            <Descriptions.Item label={t('examAdmin.fields.hours')}>{formatHours(exam.hours)}</Descriptions.Item>
          ) : null}
          <Descriptions.Item label={t('examAdmin.fields.marking')}>
            {[
              exam.blindMarking ? t('examAdmin.fields.blindMarking') : null,
              exam.doubleMarking
                ? t('examAdmin.manage.doubleWith', { threshold: formatPoints(exam.disputeThreshold) })
                : null,
            ]
              .filter(Boolean)
              .join(t('common.listSeparator')) || t('examAdmin.manage.singleMarking')}
          </Descriptions.Item>
        </Descriptions>
      </Card>

      <Card>
        <Row gutter={[16, 16]} data-testid="exam-counts">
          {stats.map((s) => (
            <Col key={s.key} xs={12} md={8} xl={4}>
              <Statistic
                title={t(`examAdmin.counts.${s.key}`)}
                value={s.value ?? t('examAdmin.counts.open')}
                suffix={
                  s.value === null ? (
                    <Typography.Text type="secondary">{t('examAdmin.counts.openHint')}</Typography.Text>
                  ) : undefined
                }
                data-testid={`exam-count-${s.key}`}
              />
            </Col>
          ))}
        </Row>
        <Space wrap style={{ marginTop: 16 }}>
          <Link to={`/exams/${exam.id}/marking`}>
            <Button icon={<FormOutlined />} data-testid="exam-open-marking">
              {t('examAdmin.manage.marking', { count: counts.pendingMarks })}
            </Button>
          </Link>
          <Link to={`/exams/${exam.id}/results`}>
            <Button icon={<BarChartOutlined />} data-testid="exam-open-results">
              {t('examAdmin.manage.results')}
            </Button>
          </Link>
          {exam.status !== 'draft' && (
            <Button icon={<RedoOutlined />} onClick={() => setRegrading(true)} data-testid="exam-regrade">
              {t('examAdmin.regrade.button')}
            </Button>
          )}
        </Space>
      </Card>

      <MarkersCard examId={exam.id} />
      <EventsCard examId={exam.id} />
      <ComponentScoresCard exam={exam} />

      {previewing && <PaperPreviewModal examId={exam.id} onClose={() => setPreviewing(false)} />}
      {regrading && <RegradeModal exam={exam} questions={fixedQuestions} onClose={() => setRegrading(false)} />}
    </Flex>
  );
}

/** 阅卷人: trainer and admin accounts named to mark the exam's essays beside its admins. */
function MarkersCard({ examId }: { examId: number }) {
  const named = useQuery({ queryKey: examAdminKeys.markers(examId), queryFn: () => examAdminApi.markers(examId) });
  if (named.isError) return <ErrorResult error={named.error} onRetry={() => void named.refetch()} />;
  if (!named.data) return null;
  return <MarkersForm examId={examId} initial={named.data.markers} />;
}

function MarkersForm({ examId, initial }: { examId: number; initial: Marker[] }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = usePaperErrorText();
  const qc = useQueryClient();
  const [picked, setPicked] = useState<PickedUser[]>(initial);
  const save = useMutation({
    mutationFn: () =>
      examAdminApi.setMarkers(
        examId,
        picked.map((p) => p.userId),
      ),
    onSuccess: (r) => {
      setPicked(r.markers);
      qc.setQueryData(examAdminKeys.markers(examId), r);
      void message.success(t('examAdmin.markers.saved', { count: r.markers.length }));
    },
    onError: (err) => message.error(errorText(err)),
  });
  return (
    <Card title={t('examAdmin.markers.title')} data-testid="exam-markers">
      <Typography.Paragraph type="secondary">{t('examAdmin.markers.hint')}</Typography.Paragraph>
      <Flex gap={8} align="start">
        <MarkerSelect value={picked} onChange={setPicked} data-testid="exam-markers-select" />
        <Button type="primary" loading={save.isPending} onClick={() => save.mutate()} data-testid="exam-markers-save">
          {t('common.save')}
        </Button>
      </Flex>
    </Card>
  );
}

/** 监考记录: when a candidate's page was left and returned to, went offline and online, by attempt. */
function EventsCard({ examId }: { examId: number }) {
  const { t } = useTranslation();
  const [attemptId, setAttemptId] = useState<number | undefined>();
  const [kind, setKind] = useState<ExamEventKind | undefined>();
  const events = useQuery({
    queryKey: examAdminKeys.events(examId, attemptId),
    queryFn: () => examAdminApi.events(examId, attemptId),
  });
  const rows = (events.data?.items ?? []).filter((e) => !kind || e.kind === kind);
  const leaves = new Map<number, number>();
  for (const e of events.data?.items ?? [])
    if (e.kind === 'left') leaves.set(e.attemptId, (leaves.get(e.attemptId) ?? 0) + 1);
  return (
    <Card title={t('examAdmin.events.title')} data-testid="exam-events">
      <Typography.Paragraph type="secondary">{t('examAdmin.events.hint')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        <InputNumber
          min={1}
          precision={0}
          value={attemptId}
          onChange={(v) => setAttemptId(v ?? undefined)}
          placeholder={t('examAdmin.events.attempt')}
          style={{ width: 160 }}
          data-testid="events-attempt"
        />
        <Select<ExamEventKind>
          allowClear
          value={kind}
          onChange={(v) => setKind(v ?? undefined)}
          options={EVENT_KINDS.map((k) => ({ value: k, label: t(`examAdmin.events.kinds.${k}`) }))}
          placeholder={t('examAdmin.events.kind')}
          style={{ width: 160 }}
        />
      </Space>
      <Table<ExamEvent>
        size="small"
        rowKey="id"
        loading={events.isFetching}
        dataSource={rows}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: events.isError ? <ErrorResult error={events.error} /> : t('examAdmin.events.empty') }}
        columns={[
          {
            title: t('examAdmin.events.candidate'),
            key: 'c',
            render: (_, e) => (
              <Space size={4}>
                <span>{e.teacherName}</span>
                {(leaves.get(e.attemptId) ?? 0) >= 3 && (
                  <Tag color="orange">{t('examAdmin.events.leftTimes', { count: leaves.get(e.attemptId) })}</Tag>
                )}
              </Space>
            ),
          },
          {
            title: t('examAdmin.events.attempt'),
            dataIndex: 'attemptId',
            render: (v: number) => (
              <Typography.Link onClick={() => setAttemptId(v)} data-testid="events-attempt-link">
                {v}
              </Typography.Link>
            ),
          },
          {
            title: t('examAdmin.events.kind'),
            dataIndex: 'kind',
            render: (k: string) =>
              (EVENT_KINDS as readonly string[]).includes(k) ? (
                <Tag color={EVENT_COLOR[k as ExamEventKind]}>{t(`examAdmin.events.kinds.${k}`)}</Tag>
              ) : (
                <Tag>{k}</Tag>
              ),
          },
          { title: t('examAdmin.events.at'), dataIndex: 'at', render: (v: string) => formatDateTime(v) },
          {
            title: t('examAdmin.events.clientAt'),
            dataIndex: 'clientAt',
            render: (v: string | null) => formatDateTime(v),
          },
        ]}
        data-testid="events-table"
      />
    </Card>
  );
}
