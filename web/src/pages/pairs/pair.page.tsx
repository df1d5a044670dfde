import { UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
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
  Select,
  Space,
  Steps,
  Tag,
  Typography,
  Upload,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import {
  ACTIVITY_KINDS,
  type ActivityKind,
  END_KINDS,
  type EndKind,
  type PairActivity,
  type PairDetail,
  pairKeys,
  pairsApi,
  REVIEW_STAGES,
  type ReviewStage,
} from '../../api/pairs.api';
import { DownloadButton } from '../../components/download-button';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { ReasonModal } from '../../components/reason-modal';
import { useErrorMessage } from '../../lib/error-message';
import { formatDate, formatDateTime, orDash } from '../../lib/format';
import { menteeLine, mentorLine, STATUS_COLOR } from './pair-labels';
import { TeacherPick } from './teacher-pick';

const PATH: Array<PairDetail['pair']['status']> = ['applied', 'recommended', 'registered', 'active', 'ended'];
type Asking = 'return' | 'refuse' | 'award' | 'resubmit' | null;

/**
 * One pair (师徒结对 / 城乡对口帮扶): where it stands, the step waiting for the reader, the agreement and
 * its confirmations, the activities with their evidence, the reviews. The same page serves the members
 * (/me/pairs/:id, on a phone too) and the admins (/programmes/pairs/:id); the server says what each may do.
 */
export default function PairPage() {
  const { t } = useTranslation();
  const id = Number(useParams().id);
  const { modal, message } = App.useApp();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const [asking, setAsking] = useState<Asking>(null);
  const [recommending, setRecommending] = useState(false);
  const [ending, setEnding] = useState(false);
  const q = useQuery({ queryKey: pairKeys.detail(id), queryFn: () => pairsApi.get(id) });
  const done = (d: PairDetail) => {
    queryClient.setQueryData(pairKeys.detail(id), d);
    void queryClient.invalidateQueries({ queryKey: pairKeys.all });
  };
  const act = useMutation({
    mutationFn: (run: () => Promise<PairDetail>) => run(),
    onSuccess: (d) => {
      done(d);
      void message.success(t('pairs.saved'));
    },
    onError: (err) => void message.error(errorText(err)),
  });

  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <SectionSpin />;
  const { pair: p, activities, postedTenths } = q.data;
  const pending = t('pairs.pending');
  const current = p.status === 'returned' ? 0 : p.status === 'refused' ? 1 : PATH.indexOf(p.status);

  const confirmStep = (title: string, content: string, run: () => Promise<PairDetail>, danger = false) =>
    modal.confirm({
      title,
      content,
      okText: title,
      cancelText: t('common.cancel'),
      okButtonProps: { danger, 'data-testid': 'pair-step-confirm' },
      onOk: () => act.mutateAsync(run),
    });

  const missingSide = p.kind === 'mentoring' && (p.mentorTeacherId === null || p.menteeTeacherId === null);

  return (
    <Flex vertical gap={16} data-testid="pair-page">
      <Card
        title={
          <Space wrap>
            {p.kind === 'school' ? t('pairs.kinds.school') : t('pairs.kinds.mentoring')}
            <Tag color={STATUS_COLOR[p.status]} data-testid="pair-status">
              {t(`pairs.statuses.${p.status}`)}
            </Tag>
          </Space>
        }
        extra={
          // an agreement exists from the registration on: nothing to print before
          (p.status === 'registered' || p.status === 'active' || p.status === 'ended') && (
            <DownloadButton
              file={() => pairsApi.agreementPdf(p.id)}
              fileName={`pair-${p.id}.pdf`}
              data-testid="pair-pdf"
            >
              {t('pairs.agreementPdf')}
            </DownloadButton>
          )
        }
      >
        <Steps
          size="small"
          current={current}
          status={p.status === 'refused' || p.status === 'returned' ? 'error' : undefined}
          responsive
          items={PATH.map((s) => ({ title: t(`pairs.steps.${s}`) }))}
          style={{ marginBottom: 16 }}
        />
        {p.statusReason && (
          <Alert
            type={p.status === 'ended' || p.status === 'active' ? 'info' : 'warning'}
            showIcon
            style={{ marginBottom: 16 }}
            message={t(`pairs.reasonOf.${p.status}`, { defaultValue: t('pairs.reason') })}
            description={p.statusReason}
            data-testid="pair-reason"
          />
        )}
        <Descriptions column={{ xs: 1, sm: 1, md: 2 }} size="small" bordered>
          <Descriptions.Item label={p.kind === 'school' ? t('pairs.mentorSchool') : t('pairs.mentor')}>
            {mentorLine(p, pending)}
            {p.side === 'mentor' && <Tag style={{ marginLeft: 8 }}>{t('pairs.you')}</Tag>}
          </Descriptions.Item>
          <Descriptions.Item label={p.kind === 'school' ? t('pairs.menteeSchool') : t('pairs.mentee')}>
            {menteeLine(p, pending)}
            {p.side === 'mentee' && <Tag style={{ marginLeft: 8 }}>{t('pairs.you')}</Tag>}
          </Descriptions.Item>
          <Descriptions.Item label={t('pairs.county')}>{p.countyName}</Descriptions.Item>
          <Descriptions.Item label={t('pairs.appliedAs')}>
            {t(`pairs.appliedAsLabels.${p.appliedAs}`)}
          </Descriptions.Item>
          {p.applicationNote && (
            <Descriptions.Item label={t('pairs.note')} span={2}>
              {p.applicationNote}
            </Descriptions.Item>
          )}
          {p.endKind && (
            <Descriptions.Item label={t('pairs.endKind')}>{t(`pairs.endKinds.${p.endKind}`)}</Descriptions.Item>
          )}
          {p.honourCode && (
            <Descriptions.Item label={t('pairs.award')}>
              <Link to={`/verify/${p.honourCode}`} data-testid="pair-honour">
                {t('pairs.awarded', { code: p.honourCode })}
              </Link>
            </Descriptions.Item>
          )}
        </Descriptions>
        <Space wrap style={{ marginTop: 16 }}>
          {p.can.resubmit && (
            <Button type="primary" onClick={() => setAsking('resubmit')} data-testid="pair-resubmit">
              {t('pairs.actions.resubmit')}
            </Button>
          )}
          {p.can.recommend && (
            <>
              <Button
                type="primary"
                onClick={() =>
                  missingSide
                    ? setRecommending(true)
                    : confirmStep(t('pairs.actions.recommend'), t('pairs.confirm.recommend'), () =>
                        pairsApi.recommend(p.id, null),
                      )
                }
                data-testid="pair-recommend"
              >
                {t('pairs.actions.recommend')}
              </Button>
              <Button danger onClick={() => setAsking('return')} data-testid="pair-return">
                {t('pairs.actions.return')}
              </Button>
            </>
          )}
          {p.can.register && (
            <>
              <Button
                type="primary"
                onClick={() =>
                  confirmStep(t('pairs.actions.register'), t('pairs.confirm.register'), () => pairsApi.register(p.id))
                }
                data-testid="pair-register"
              >
                {t('pairs.actions.register')}
              </Button>
              <Button danger onClick={() => setAsking('refuse')} data-testid="pair-refuse">
                {t('pairs.actions.refuse')}
              </Button>
            </>
          )}
          {p.can.award && (
            <Button onClick={() => setAsking('award')} data-testid="pair-award">
              {t('pairs.actions.award')}
            </Button>
          )}
          {p.can.end && (
            <Button danger onClick={() => setEnding(true)} data-testid="pair-end">
              {t('pairs.actions.end')}
            </Button>
          )}
        </Space>
      </Card>

      <AgreementCard detail={q.data} onDone={done} />

      <ActivitiesCard detail={q.data} onDone={done} postedTenths={postedTenths} activities={activities} />

      <ReviewsCard detail={q.data} onDone={done} />

      <ReasonModal
        open={asking !== null}
        title={asking ? t(`pairs.actions.${asking}`) : ''}
        label={asking === 'award' ? t('pairs.awardTitle') : asking === 'resubmit' ? t('pairs.note') : t('pairs.reason')}
        description={asking ? t(`pairs.confirm.${asking}`) : undefined}
        required={asking === 'return' || asking === 'refuse'}
        maxLength={asking === 'award' ? 200 : 2000}
        initialText={asking === 'award' ? t('pairs.defaultAwardTitle') : undefined}
        okText={asking ? t(`pairs.actions.${asking}`) : ''}
        danger={asking === 'return' || asking === 'refuse'}
        onClose={() => setAsking(null)}
        onSubmit={async (text) => {
          const run =
            asking === 'return'
              ? () => pairsApi.returnIt(p.id, text ?? '')
              : asking === 'refuse'
                ? () => pairsApi.refuse(p.id, text ?? '')
                : asking === 'award'
                  ? () => pairsApi.award(p.id, text)
                  : () => pairsApi.resubmit(p.id, text);
          done(await run());
          setAsking(null);
        }}
        data-testid="pair-reason-modal"
      />
      {recommending && (
        <RecommendModal
          pairId={p.id}
          onClose={() => setRecommending(false)}
          onDone={(d) => {
            done(d);
            setRecommending(false);
          }}
        />
      )}
      {ending && (
        <EndModal
          pairId={p.id}
          onClose={() => setEnding(false)}
          onDone={(d) => {
            done(d);
            setEnding(false);
            if (d.flaggedTitles > 0) void message.warning(t('pairs.flagged', { count: d.flaggedTitles }));
          }}
        />
      )}
    </Flex>
  );
}

/** The school names the missing member before recommending an application that asked it to find one. */
function RecommendModal({
  pairId,
  onClose,
  onDone,
}: {
  pairId: number;
  onClose: () => void;
  onDone: (d: PairDetail) => void;
}) {
  const { t } = useTranslation();
  const errorText = useErrorMessage();
  const [partner, setPartner] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Modal
      open
      title={t('pairs.actions.recommend')}
      okText={t('pairs.actions.recommend')}
      cancelText={t('common.cancel')}
      okButtonProps={{ disabled: partner === null, loading: busy, 'data-testid': 'pair-recommend-ok' }}
      onCancel={onClose}
      onOk={() => {
        setBusy(true);
        pairsApi
          .recommend(pairId, partner)
          .then(onDone)
          .catch((e: unknown) => setError(errorText(e)))
          .finally(() => setBusy(false));
      }}
    >
      <p>{t('pairs.confirm.recommendWithPartner')}</p>
      <TeacherPick value={partner} onChange={setPartner} testId="pair-recommend-partner" />
      {error && <Alert type="error" showIcon message={error} style={{ marginTop: 12 }} />}
    </Modal>
  );
}

/** The county ends a pair: how and why; "not fulfilled" flags the mentor's backbone title. */
function EndModal({
  pairId,
  onClose,
  onDone,
}: {
  pairId: number;
  onClose: () => void;
  onDone: (d: PairDetail & { flaggedTitles: number }) => void;
}) {
  const { t } = useTranslation();
  const errorText = useErrorMessage();
  const [form] = Form.useForm<{ endKind: EndKind; reason: string }>();
  const endKind = Form.useWatch('endKind', form);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Modal
      open
      title={t('pairs.actions.end')}
      okText={t('pairs.actions.end')}
      cancelText={t('common.cancel')}
      okButtonProps={{ danger: true, loading: busy, 'data-testid': 'pair-end-ok' }}
      onCancel={onClose}
      onOk={() =>
        void form.validateFields().then((v) => {
          setBusy(true);
          pairsApi
            .end(pairId, v.endKind, v.reason)
            .then(onDone)
            .catch((e: unknown) => setError(errorText(e)))
            .finally(() => setBusy(false));
        })
      }
    >
      <p>{t('pairs.confirm.end')}</p>
      <Form form={form} layout="vertical" initialValues={{ endKind: 'completed' }}>
        <Form.Item name="endKind" label={t('pairs.endKind')} rules={[{ required: true }]}>
          <Select
            options={END_KINDS.map((k) => ({ value: k, label: t(`pairs.endKinds.${k}`) }))}
            data-testid="pair-end-kind"
          />
        </Form.Item>
        {endKind === 'not_fulfilled' && (
          <Alert type="warning" showIcon message={t('pairs.notFulfilledWarning')} style={{ marginBottom: 12 }} />
        )}
        <Form.Item
          name="reason"
          label={t('pairs.reason')}
          rules={[{ required: true, whitespace: true, message: t('pairs.reasonRequired') }, { max: 2000 }]}
        >
          <Input.TextArea rows={3} maxLength={2000} data-testid="pair-end-reason" />
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon message={error} />}
    </Modal>
  );
}

/** The agreement: goals, activities planned, term; each side's confirmation; editable until signed. */
function AgreementCard({ detail, onDone }: { detail: PairDetail; onDone: (d: PairDetail) => void }) {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const errorText = useErrorMessage();
  const p = detail.pair;
  const [editing, setEditing] = useState(false);
  const [form] = Form.useForm<AgreementForm>();
  const save = useMutation({
    mutationFn: (v: AgreementForm) =>
      pairsApi.saveAgreement(p.id, {
        goals: v.goals ?? '',
        plan: v.plan ?? '',
        termStart: v.termStart || null,
        termEnd: v.termEnd || null,
      }),
    onSuccess: (d) => {
      onDone(d);
      setEditing(false);
      void message.success(t('pairs.saved'));
    },
    onError: (e) => void message.error(errorText(e)),
  });
  const confirmIt = () =>
    modal.confirm({
      title: t('pairs.actions.confirm'),
      content: p.confirmsFor ? t('pairs.confirm.confirmFor', { name: p.confirmsFor }) : t('pairs.confirm.confirm'),
      okText: t('pairs.actions.confirm'),
      cancelText: t('common.cancel'),
      okButtonProps: { 'data-testid': 'pair-step-confirm' },
      onOk: () =>
        pairsApi
          .confirm(p.id)
          .then(onDone)
          .catch((e: unknown) => void message.error(errorText(e))),
    });
  const confirmation = (at: string | null) =>
    at ? (
      <Tag color="green">{t('pairs.confirmedAt', { at: formatDateTime(at) })}</Tag>
    ) : (
      <Tag>{t('pairs.notConfirmed')}</Tag>
    );
  return (
    <Card
      title={t('pairs.agreement')}
      data-testid="pair-agreement"
      extra={
        <Space wrap>
          {p.can.editAgreement && !editing && (
            <Button
              onClick={() => {
                form.setFieldsValue({
                  goals: p.goals ?? '',
                  plan: p.plan ?? '',
                  termStart: p.termStart ?? '',
                  termEnd: p.termEnd ?? '',
                });
                setEditing(true);
              }}
              data-testid="pair-agreement-edit"
            >
              {t('pairs.editAgreement')}
            </Button>
          )}
          {p.can.confirm && (
            <Button type="primary" onClick={confirmIt} data-testid="pair-confirm">
              {t('pairs.actions.confirm')}
            </Button>
          )}
        </Space>
      }
    >
      {editing ? (
        <Form form={form} layout="vertical" onFinish={(v) => save.mutate(v)}>
          <Alert type="info" showIcon message={t('pairs.agreementResets')} style={{ marginBottom: 12 }} />
          <Form.Item name="goals" label={t('pairs.goals')} rules={[{ max: 5000 }]}>
            <Input.TextArea rows={3} maxLength={5000} data-testid="pair-goals" />
          </Form.Item>
          <Form.Item name="plan" label={t('pairs.plan')} rules={[{ max: 5000 }]}>
            <Input.TextArea rows={3} maxLength={5000} data-testid="pair-plan" />
          </Form.Item>
          {/* the phone's own date picker: easier to use with a thumb than a calendar popup */}
          <Space wrap>
            <Form.Item name="termStart" label={t('pairs.termStart')}>
              <Input type="date" data-testid="pair-term-start" />
            </Form.Item>
            <Form.Item name="termEnd" label={t('pairs.termEnd')}>
              <Input type="date" data-testid="pair-term-end" />
            </Form.Item>
          </Space>
          <Space>
            <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="pair-agreement-save">
              {t('common.save')}
            </Button>
            <Button onClick={() => setEditing(false)}>{t('common.cancel')}</Button>
          </Space>
        </Form>
      ) : (
        <Descriptions column={1} size="small">
          <Descriptions.Item label={t('pairs.goals')}>
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>
              {orDash(p.goals)}
            </Typography.Paragraph>
          </Descriptions.Item>
          <Descriptions.Item label={t('pairs.plan')}>
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>
              {orDash(p.plan)}
            </Typography.Paragraph>
          </Descriptions.Item>
          <Descriptions.Item label={t('pairs.term')}>
            {p.termStart && p.termEnd ? `${formatDate(p.termStart)} ~ ${formatDate(p.termEnd)}` : '—'}
          </Descriptions.Item>
          <Descriptions.Item label={p.kind === 'school' ? t('pairs.mentorSchool') : t('pairs.mentor')}>
            {confirmation(p.mentorConfirmedAt)}
          </Descriptions.Item>
          <Descriptions.Item label={p.kind === 'school' ? t('pairs.menteeSchool') : t('pairs.mentee')}>
            {confirmation(p.menteeConfirmedAt)}
          </Descriptions.Item>
        </Descriptions>
      )}
    </Card>
  );
}

interface AgreementForm {
  goals: string;
  plan: string;
  termStart: string;
  termEnd: string;
}

interface ActivityForm {
  kind: ActivityKind;
  occurredOn: Dayjs;
  minutes: number;
  note: string;
}

/** Activities of the pair: logged by one side, confirmed by the other (or a school), with evidence files. */
function ActivitiesCard({
  detail,
  activities,
  postedTenths,
  onDone,
}: {
  detail: PairDetail;
  activities: PairActivity[];
  postedTenths: number;
  onDone: (d: PairDetail) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const p = detail.pair;
  const [logging, setLogging] = useState(false);
  const [rejecting, setRejecting] = useState<number | null>(null);
  const [form] = Form.useForm<ActivityForm>();
  const log = useMutation({
    mutationFn: (v: ActivityForm) =>
      pairsApi.logActivity(p.id, {
        kind: v.kind,
        occurredOn: v.occurredOn.format('YYYY-MM-DD'),
        minutes: v.minutes,
        note: v.note,
      }),
    onSuccess: (r) => {
      onDone(r.detail);
      setLogging(false);
      form.resetFields();
      void message.success(t('pairs.activityLogged'));
    },
    onError: (e) => void message.error(errorText(e)),
  });
  const decide = useMutation({
    mutationFn: (id: number) => pairsApi.decide(id, 'confirm', null),
    onSuccess: onDone,
    onError: (e) => void message.error(errorText(e)),
  });
  const hoursText = (a: PairActivity) =>
    a.status !== 'confirmed'
      ? null
      : a.entryId !== null
        ? t('pairs.hoursPosted', { hours: ((a.hours ?? 0) / 10).toFixed(1) })
        : a.postingRefused
          ? t('pairs.hoursRefused', {
              code: t(`pairs.postingRefused.${a.postingRefused}`, { defaultValue: a.postingRefused }),
            })
          : a.hours === 0
            ? t('pairs.hoursCapped')
            : null;
  return (
    <Card
      title={t('pairs.activities')}
      data-testid="pair-activities"
      extra={
        p.can.logActivity &&
        !logging && (
          <Button type="primary" onClick={() => setLogging(true)} data-testid="pair-log-activity">
            {t('pairs.logActivity')}
          </Button>
        )
      }
    >
      {postedTenths > 0 && (
        <Typography.Paragraph type="secondary">
          {t('pairs.postedTotal', { hours: (postedTenths / 10).toFixed(1) })}
        </Typography.Paragraph>
      )}
      {logging && (
        <Form
          form={form}
          layout="vertical"
          initialValues={{ kind: 'observation', occurredOn: dayjs(), minutes: 45 }}
          onFinish={(v) => log.mutate(v)}
          style={{ marginBottom: 16 }}
        >
          <Form.Item name="kind" label={t('pairs.activityKind')} rules={[{ required: true }]}>
            <Select
              options={ACTIVITY_KINDS.map((k) => ({ value: k, label: t(`pairs.activityKinds.${k}`) }))}
              data-testid="pair-activity-kind"
            />
          </Form.Item>
          <Form.Item name="occurredOn" label={t('pairs.occurredOn')} rules={[{ required: true }]}>
            <DatePicker
              style={{ width: '100%' }}
              disabledDate={(d) => d.isAfter(dayjs(), 'day')}
              data-testid="pair-activity-day"
            />
          </Form.Item>
          <Form.Item name="minutes" label={t('pairs.minutes')} rules={[{ required: true }]}>
            <InputNumber
              min={1}
              max={1440}
              precision={0}
              style={{ width: '100%' }}
              data-testid="pair-activity-minutes"
            />
          </Form.Item>
          <Form.Item
            name="note"
            label={t('pairs.activityNote')}
            rules={[{ required: true, whitespace: true, message: t('pairs.noteRequired') }, { max: 2000 }]}
          >
            <Input.TextArea rows={3} maxLength={2000} data-testid="pair-activity-note" />
          </Form.Item>
          <Space>
            <Button type="primary" htmlType="submit" loading={log.isPending} data-testid="pair-activity-save">
              {t('pairs.logActivity')}
            </Button>
            <Button onClick={() => setLogging(false)}>{t('common.cancel')}</Button>
          </Space>
        </Form>
      )}
      {activities.length === 0 ? (
        <Empty description={t('pairs.noActivities')} />
      ) : (
        <List
          dataSource={activities}
          rowKey="id"
          renderItem={(a) => (
            <List.Item
              data-testid={`pair-activity-${a.id}`}
              actions={
                a.decidable
                  ? [
                      <Button
                        key="ok"
                        size="small"
                        type="primary"
                        loading={decide.isPending}
                        onClick={() => decide.mutate(a.id)}
                        data-testid={`pair-activity-confirm-${a.id}`}
                      >
                        {t('pairs.confirmActivity')}
                      </Button>,
                      <Button key="no" size="small" danger onClick={() => setRejecting(a.id)}>
                        {t('pairs.rejectActivity')}
                      </Button>,
                    ]
                  : []
              }
            >
              <List.Item.Meta
                title={
                  <Space wrap>
                    <Tag>{t(`pairs.activityKinds.${a.kind}`)}</Tag>
                    {formatDate(a.occurredOn)}
                    {t('pairs.minutesShort', { minutes: a.minutes })}
                    <Tag color={a.status === 'confirmed' ? 'green' : a.status === 'rejected' ? 'red' : 'gold'}>
                      {t(`pairs.activityStatuses.${a.status}`)}
                    </Tag>
                  </Space>
                }
                description={
                  <Flex vertical gap={4}>
                    <span style={{ whiteSpace: 'pre-wrap' }}>{a.note}</span>
                    <Typography.Text type="secondary">
                      {t('pairs.loggedBy', { name: a.teacherName ?? a.loggedByName, side: t(`pairs.sides.${a.side}`) })}
                    </Typography.Text>
                    {a.rejectReason && <Typography.Text type="danger">{a.rejectReason}</Typography.Text>}
                    {hoursText(a) && <Typography.Text type="success">{hoursText(a)}</Typography.Text>}
                    <Space wrap>
                      {a.files.map((f) => (
                        <DownloadButton
                          key={f.id}
                          size="small"
                          type="link"
                          file={() => pairsApi.file(f.id)}
                          fileName={f.fileName}
                        >
                          {f.fileName}
                        </DownloadButton>
                      ))}
                      {a.status === 'logged' && p.can.logActivity && (
                        <Upload
                          showUploadList={false}
                          customRequest={({ file, onSuccess, onError }) => {
                            pairsApi
                              .uploadFile(a.id, file as Blob)
                              .then((r) => {
                                onSuccess?.(r);
                                void queryClient.invalidateQueries({ queryKey: pairKeys.detail(p.id) });
                              })
                              .catch((e: unknown) => {
                                onError?.(e as Error);
                                void message.error(errorText(e));
                              });
                          }}
                        >
                          <Button size="small" icon={<UploadOutlined />} data-testid={`pair-activity-upload-${a.id}`}>
                            {t('pairs.addEvidence')}
                          </Button>
                        </Upload>
                      )}
                    </Space>
                  </Flex>
                }
              />
            </List.Item>
          )}
        />
      )}
      <ReasonModal
        open={rejecting !== null}
        title={t('pairs.rejectActivity')}
        label={t('pairs.reason')}
        description={t('pairs.confirm.rejectActivity')}
        okText={t('pairs.rejectActivity')}
        danger
        maxLength={2000}
        onClose={() => setRejecting(null)}
        onSubmit={async (text) => {
          onDone(await pairsApi.decide(rejecting as number, 'reject', text));
          setRejecting(null);
        }}
      />
    </Card>
  );
}

/** The mid-term exchange and year-end review: the school's score, then the county's. */
function ReviewsCard({ detail, onDone }: { detail: PairDetail; onDone: (d: PairDetail) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const p = detail.pair;
  const [form] = Form.useForm<{ stage: ReviewStage; score: number; comment: string }>();
  const scoring = p.can.scoreAsSchool || p.can.scoreAsCounty;
  const save = useMutation({
    mutationFn: (v: { stage: ReviewStage; score: number; comment: string }) =>
      pairsApi.score(p.id, v.stage, v.score, v.comment?.trim() ? v.comment : null),
    onSuccess: (d) => {
      onDone(d);
      form.resetFields(['score', 'comment']);
      void message.success(t('pairs.saved'));
    },
    onError: (e) => void message.error(errorText(e)),
  });
  return (
    <Card title={t('pairs.reviews')} data-testid="pair-reviews">
      {p.reviews.length === 0 && !scoring && <Empty description={t('pairs.noReviews')} />}
      {p.reviews.map((r) => (
        <Descriptions
          key={r.stage}
          title={t(`pairs.stages.${r.stage}`)}
          column={{ xs: 1, sm: 2 }}
          size="small"
          style={{ marginBottom: 12 }}
        >
          <Descriptions.Item label={t('pairs.schoolScore')}>
            {r.schoolScore ?? '—'} {r.schoolComment ? `· ${r.schoolComment}` : ''}
          </Descriptions.Item>
          <Descriptions.Item label={t('pairs.countyScore')}>
            {r.countyScore ?? '—'} {r.countyComment ? `· ${r.countyComment}` : ''}
          </Descriptions.Item>
        </Descriptions>
      ))}
      {scoring && (
        <Form
          form={form}
          layout="vertical"
          initialValues={{ stage: 'midterm' }}
          onFinish={(v) => save.mutate(v)}
          data-testid="pair-score-form"
        >
          <Typography.Paragraph type="secondary">
            {p.can.scoreAsCounty ? t('pairs.scoreAsCounty') : t('pairs.scoreAsSchool')}
          </Typography.Paragraph>
          <Space wrap align="start">
            <Form.Item name="stage" label={t('pairs.stage')} rules={[{ required: true }]}>
              <Select
                style={{ width: 160 }}
                options={REVIEW_STAGES.map((s) => ({ value: s, label: t(`pairs.stages.${s}`) }))}
              />
            </Form.Item>
            <Form.Item name="score" label={t('pairs.score')} rules={[{ required: true }]}>
              <InputNumber min={0} max={100} precision={0} data-testid="pair-score" />
            </Form.Item>
          </Space>
          <Form.Item name="comment" label={t('pairs.comment')} rules={[{ max: 2000 }]}>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="pair-score-save">
            {t('pairs.saveScore')}
          </Button>
        </Form>
      )}
    </Card>
  );
}
