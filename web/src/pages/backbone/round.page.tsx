import { UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Steps,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import {
  type BackboneNomination,
  type BackboneQuota,
  type BackboneRanked,
  type BackboneRound,
  backboneApi,
  backboneKeys,
  ROUND_STEPS,
} from '../../api/backbone.api';
import { teachersApi } from '../../api/teachers.api';
import { usersApi } from '../../api/users.api';
import { DownloadButton } from '../../components/download-button';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { useErrorMessage } from '../../lib/error-message';
import { useDebouncedValue } from '../../lib/use-debounced-value';
import { ROUND_STATUS_COLOR } from './backbone-labels';

/** Nominates a teacher of the reader's subtree with a statement. */
function NominateModal({ round, onClose }: { round: BackboneRound; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ teacherId: number; statement: string }>();
  const [search, setSearch] = useState('');
  const q = useDebouncedValue(search.trim(), 250);
  const teachers = useQuery({
    queryKey: ['backbone', 'teacher-search', q],
    queryFn: () => teachersApi.list({ q: q || undefined, pageSize: 20 }),
  });
  const save = useMutation({
    mutationFn: (v: { teacherId: number; statement: string }) => backboneApi.nominate(round.id, v),
    onSuccess: (r) => {
      void message.success(t(`backbone.nomination.saved.${r.status}`));
      void queryClient.invalidateQueries({ queryKey: backboneKeys.all });
      onClose();
    },
    onError: (err) => void message.error(errorText(err)),
  });
  return (
    <Modal
      open
      title={t('backbone.nomination.create')}
      okText={t('backbone.nomination.submit')}
      cancelText={t('common.cancel')}
      onCancel={onClose}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      okButtonProps={{ 'data-testid': 'backbone-nominate-save' }}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={(v) => save.mutate(v)}>
        <Form.Item name="teacherId" label={t('backbone.nomination.teacher')} rules={[{ required: true }]}>
          <Select
            showSearch
            filterOption={false}
            onSearch={setSearch}
            loading={teachers.isFetching}
            placeholder={t('backbone.nomination.searchTeacher')}
            options={(teachers.data?.items ?? []).map((x) => ({ value: x.id, label: `${x.name} · ${x.orgUnitName}` }))}
            data-testid="backbone-nominate-teacher"
          />
        </Form.Item>
        <Form.Item name="statement" label={t('backbone.nomination.statement')} rules={[{ required: true, max: 5000 }]}>
          <Input.TextArea rows={5} data-testid="backbone-nominate-statement" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** A panel member's score of one nomination. */
function ScoreCell({ n }: { n: BackboneNomination }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const [score, setScore] = useState<number | null>(n.myScore?.score ?? null);
  const [comment, setComment] = useState(n.myScore?.comment ?? '');
  const save = useMutation({
    mutationFn: () => backboneApi.score(n.id, { score: score ?? 0, comment: comment.trim() || null }),
    onSuccess: () => {
      void message.success(t('backbone.score.saved'));
      void queryClient.invalidateQueries({ queryKey: backboneKeys.all });
    },
    onError: (err) => void message.error(errorText(err)),
  });
  return (
    <Space wrap>
      <InputNumber
        min={0}
        max={100}
        precision={0}
        value={score}
        onChange={setScore}
        placeholder="0–100"
        data-testid={`backbone-score-${n.id}`}
      />
      <Input
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        placeholder={t('backbone.score.comment')}
        maxLength={2000}
        style={{ width: 200 }}
        data-testid={`backbone-score-comment-${n.id}`}
      />
      <Button
        type="primary"
        disabled={score === null}
        loading={save.isPending}
        onClick={() => save.mutate()}
        data-testid={`backbone-score-save-${n.id}`}
      >
        {n.myScore ? t('backbone.score.update') : t('backbone.score.save')}
      </Button>
    </Space>
  );
}

/** The organiser names the panel: accounts of its subtree. */
function PanelCard({
  round,
  panel,
}: {
  round: BackboneRound;
  panel: { userId: number; displayName: string; role: string }[];
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const [picked, setPicked] = useState<number[]>(panel.map((p) => p.userId));
  const [search, setSearch] = useState('');
  const q = useDebouncedValue(search.trim(), 250);
  const users = useQuery({
    queryKey: ['backbone', 'panel-users', round.orgUnitId, q],
    queryFn: () =>
      usersApi.list({ orgUnitId: round.orgUnitId, includeDescendants: 'true', q: q || undefined, pageSize: 50 }),
  });
  const save = useMutation({
    mutationFn: () => backboneApi.setPanel(round.id, picked),
    onSuccess: () => {
      void message.success(t('backbone.panel.saved'));
      void queryClient.invalidateQueries({ queryKey: backboneKeys.all });
    },
    onError: (err) => void message.error(errorText(err)),
  });
  const known = new Map(panel.map((p) => [p.userId, `${p.displayName}（${t(`roles.${p.role}`)}）`]));
  for (const u of users.data?.items ?? []) known.set(u.id, `${u.displayName}（${t(`roles.${u.role}`)}）`);
  const editable = round.status === 'nominating' || round.status === 'scoring';
  return (
    <Card title={t('backbone.panel.title')} size="small" data-testid="backbone-panel-card">
      <Typography.Paragraph type="secondary">{t('backbone.panel.hint')}</Typography.Paragraph>
      <Space wrap style={{ width: '100%' }}>
        <Select
          mode="multiple"
          style={{ minWidth: 360 }}
          value={picked}
          onChange={setPicked}
          onSearch={setSearch}
          filterOption={false}
          disabled={!editable}
          options={[...known].map(([value, label]) => ({ value, label }))}
          placeholder={t('backbone.panel.search')}
          data-testid="backbone-panel-select"
        />
        {editable && (
          <Button
            type="primary"
            loading={save.isPending}
            onClick={() => save.mutate()}
            data-testid="backbone-panel-save"
          >
            {t('common.save')}
          </Button>
        )}
      </Space>
    </Card>
  );
}

/** The ranking with each nomination's scorecard; the organiser picks the list and publishes it. */
function RankingCard({ round }: { round: BackboneRound }) {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const q = useQuery({ queryKey: backboneKeys.ranking(round.id), queryFn: () => backboneApi.ranking(round.id) });
  const [selected, setSelected] = useState<number[] | null>(null);
  const publish = useMutation({
    mutationFn: (ids: number[]) => backboneApi.publish(round.id, { nominationIds: ids }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: backboneKeys.all }),
    onError: (err) => void message.error(errorText(err)),
  });
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  const items = q.data?.items ?? [];
  const chosen = selected ?? items.filter((x) => x.scorecard.final !== null).map((x) => x.nominationId);
  const columns: TableColumnsType<BackboneRanked> = [
    { title: t('backbone.ranking.rank'), key: 'rank', width: 60, render: (_, r) => r.scorecard.rank ?? '—' },
    { title: t('backbone.nomination.teacher'), dataIndex: 'teacherName' },
    { title: t('backbone.nomination.school'), dataIndex: 'schoolName' },
    {
      title: t('backbone.ranking.raw'),
      key: 'raw',
      render: (_, r) => (
        <Space size={[4, 4]} wrap>
          {r.scorecard.raw.map((s) => (
            <Tag
              key={s.label}
              color={s.dropped ? 'default' : 'blue'}
              title={s.dropped ? t(`backbone.ranking.dropped.${s.dropped}`) : ''}
            >
              {s.label} {s.value}
              {s.dropped ? ` (${t(`backbone.ranking.dropped.${s.dropped}`)})` : ''}
            </Tag>
          ))}
        </Space>
      ),
    },
    {
      title: t('backbone.ranking.final'),
      key: 'final',
      render: (_, r) => <Typography.Text strong>{r.scorecard.final ?? '—'}</Typography.Text>,
    },
    {
      title: t('backbone.ranking.outcome'),
      dataIndex: 'outcome',
      render: (v: string | null) => (v ? t(`backbone.outcomes.${v}`) : ''),
    },
  ];
  const canPublish = round.manage && round.status === 'scoring';
  return (
    <Card
      title={t('backbone.ranking.title')}
      size="small"
      data-testid="backbone-ranking-card"
      extra={
        canPublish && (
          <Button
            type="primary"
            disabled={chosen.length === 0}
            loading={publish.isPending}
            data-testid="backbone-publish"
            onClick={() =>
              modal.confirm({
                title: t('backbone.publish.confirmTitle'),
                content: t('backbone.publish.confirm', { count: chosen.length }),
                okText: t('backbone.publish.action'),
                cancelText: t('common.cancel'),
                okButtonProps: { 'data-testid': 'backbone-publish-confirm' },
                onOk: () => publish.mutateAsync(chosen),
              })
            }
          >
            {t('backbone.publish.action')}
          </Button>
        )
      }
    >
      <Typography.Paragraph type="secondary">{t('backbone.ranking.hint')}</Typography.Paragraph>
      <Table<BackboneRanked>
        rowKey="nominationId"
        size="small"
        dataSource={items}
        loading={q.isFetching}
        columns={columns}
        pagination={false}
        scroll={{ x: 'max-content' }}
        rowSelection={
          canPublish
            ? {
                selectedRowKeys: chosen,
                onChange: (keys) => setSelected(keys.map(Number)),
                getCheckboxProps: (r) => ({ disabled: r.scorecard.final === null }),
              }
            : undefined
        }
        expandable={{
          expandedRowRender: (r) => (
            <div>
              {(r.scorecard.lines ?? []).map((l) => (
                <div key={l}>{l}</div>
              ))}
              {r.comments.map((c) => (
                <div key={c.label}>
                  {c.label}：{c.comment}
                </div>
              ))}
            </div>
          ),
        }}
        data-testid="backbone-ranking-table"
      />
    </Card>
  );
}

/** A round: its criteria and steps, quotas, nominations (nominate, pass up, evidence), the panel's scores, the list. */
export default function BackboneRoundPage() {
  const { t } = useTranslation();
  const id = Number(useParams().id);
  const { modal, message } = App.useApp();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const [nominating, setNominating] = useState(false);
  const q = useQuery({ queryKey: backboneKeys.round(id), queryFn: () => backboneApi.round(id) });
  const act = useMutation({
    mutationFn: (step: 'close' | 'reopen' | 'cancel') => backboneApi.step(id, step),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: backboneKeys.all }),
    onError: (err) => void message.error(errorText(err)),
  });
  const nominationAct = useMutation({
    mutationFn: (v: { id: number; what: 'forward' | 'withdraw' }) =>
      v.what === 'forward' ? backboneApi.forward(v.id) : backboneApi.withdraw(v.id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: backboneKeys.all }),
    onError: (err) => void message.error(errorText(err)),
  });

  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <SectionSpin />;
  const { round: r, quotas, nominations, panel } = q.data;
  const nominatingOpen = r.status === 'nominating';
  const scoring = r.status === 'scoring';

  const confirmStep = (step: 'close' | 'reopen' | 'cancel') =>
    modal.confirm({
      title: t(`backbone.steps.${step}.confirmTitle`),
      content: t(`backbone.steps.${step}.confirm`, {
        count: nominations.filter((n) => n.status === 'nominated').length,
      }),
      okText: t(`backbone.steps.${step}.action`),
      cancelText: t('common.cancel'),
      okButtonProps: { danger: step === 'cancel', 'data-testid': 'backbone-step-confirm' },
      onOk: () => act.mutateAsync(step),
    });

  const quotaColumns: TableColumnsType<BackboneQuota> = [
    { title: t('backbone.form.unit'), dataIndex: 'name' },
    { title: t('backbone.form.quota'), dataIndex: 'quota', align: 'right' },
    { title: t('backbone.quota.nominated'), dataIndex: 'nominated', align: 'right' },
    { title: t('backbone.quota.proposed'), dataIndex: 'proposed', align: 'right' },
  ];

  const mayForward = (n: BackboneNomination) =>
    n.status === 'proposed' && r.nominatesFor.includes(n.quotaUnitId) && nominatingOpen;

  const nominationColumns: TableColumnsType<BackboneNomination> = [
    { title: t('backbone.nomination.teacher'), dataIndex: 'teacherName' },
    { title: t('backbone.nomination.school'), dataIndex: 'schoolName' },
    { title: t('backbone.nomination.quotaUnit'), dataIndex: 'quotaUnitName' },
    {
      title: t('backbone.nomination.status'),
      dataIndex: 'status',
      render: (v: string) => <Tag>{t(`backbone.nominationStatuses.${v}`)}</Tag>,
    },
    {
      title: t('backbone.nomination.statement'),
      dataIndex: 'statement',
      render: (v: string) => (
        <Typography.Paragraph ellipsis={{ rows: 2, expandable: true }} style={{ marginBottom: 0, maxWidth: 320 }}>
          {v}
        </Typography.Paragraph>
      ),
    },
    {
      title: t('backbone.nomination.files'),
      key: 'files',
      render: (_, n) => (
        <Space direction="vertical" size={2}>
          {n.files.map((f) => (
            <DownloadButton
              key={f.id}
              size="small"
              type="link"
              file={() => backboneApi.file(f.id)}
              fileName={f.fileName}
            >
              {f.fileName}
            </DownloadButton>
          ))}
          {nominatingOpen && r.nominatesFor.includes(n.quotaUnitId) && (
            <Upload
              showUploadList={false}
              customRequest={({ file, onSuccess, onError }) => {
                backboneApi
                  .uploadFile(n.id, file as Blob)
                  .then((res) => {
                    onSuccess?.(res);
                    void queryClient.invalidateQueries({ queryKey: backboneKeys.all });
                  })
                  .catch((err: unknown) => {
                    void message.error(errorText(err));
                    onError?.(err as Error);
                  });
              }}
            >
              <Button size="small" icon={<UploadOutlined />} data-testid={`backbone-upload-${n.id}`}>
                {t('backbone.nomination.upload')}
              </Button>
            </Upload>
          )}
        </Space>
      ),
    },
    ...(r.manage || r.panel
      ? [{ title: t('backbone.nomination.scoredBy'), dataIndex: 'scoredBy', align: 'right' as const }]
      : []),
    ...(r.panel && scoring
      ? [
          {
            title: t('backbone.score.title'),
            key: 'score',
            render: (_: unknown, n: BackboneNomination) => (n.status === 'nominated' ? <ScoreCell n={n} /> : null),
          },
        ]
      : []),
    ...(nominatingOpen && (r.manage || r.nominatesFor.length > 0)
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, n: BackboneNomination) => (
              <Space size={4}>
                {mayForward(n) && (
                  <Button
                    size="small"
                    type="primary"
                    onClick={() => nominationAct.mutate({ id: n.id, what: 'forward' })}
                    data-testid={`backbone-forward-${n.id}`}
                  >
                    {t('backbone.nomination.forward')}
                  </Button>
                )}
                {(r.manage || r.nominatesFor.includes(n.quotaUnitId)) && (
                  <Button
                    size="small"
                    danger
                    onClick={() =>
                      modal.confirm({
                        title: t('backbone.nomination.withdrawTitle'),
                        content: t('backbone.nomination.withdrawConfirm', { name: n.teacherName }),
                        okText: t('backbone.nomination.withdraw'),
                        cancelText: t('common.cancel'),
                        okButtonProps: { danger: true },
                        onOk: () => nominationAct.mutateAsync({ id: n.id, what: 'withdraw' }),
                      })
                    }
                  >
                    {t('backbone.nomination.withdraw')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]
      : []),
  ];

  const current = ROUND_STEPS.indexOf(r.status);
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle" data-testid="backbone-round-page">
      <Card
        title={
          <Space wrap>
            {r.title}
            <Tag color={ROUND_STATUS_COLOR[r.status]} data-testid="backbone-round-status">
              {t(`backbone.statuses.${r.status}`)}
            </Tag>
          </Space>
        }
        extra={
          r.manage && (
            <Space wrap>
              {nominatingOpen && (
                <Button type="primary" onClick={() => confirmStep('close')} data-testid="backbone-close">
                  {t('backbone.steps.close.action')}
                </Button>
              )}
              {scoring && (
                <Button onClick={() => confirmStep('reopen')} data-testid="backbone-reopen">
                  {t('backbone.steps.reopen.action')}
                </Button>
              )}
              {(nominatingOpen || scoring) && (
                <Button danger onClick={() => confirmStep('cancel')}>
                  {t('backbone.steps.cancel.action')}
                </Button>
              )}
            </Space>
          )
        }
      >
        {r.status !== 'cancelled' && (
          <Steps
            size="small"
            current={current}
            style={{ marginBottom: 16 }}
            items={ROUND_STEPS.map((s) => ({ title: t(`backbone.statuses.${s}`) }))}
          />
        )}
        <Descriptions size="small" bordered column={{ xs: 1, md: 2 }}>
          <Descriptions.Item label={t('backbone.round.organiser')}>{r.orgUnitName}</Descriptions.Item>
          <Descriptions.Item label={t('backbone.round.level')}>{t(`backbone.levels.${r.level}`)}</Descriptions.Item>
          <Descriptions.Item label={t('backbone.round.kind')}>{t(`backbone.kinds.${r.kind}`)}</Descriptions.Item>
          <Descriptions.Item label={t('backbone.round.deadline')}>{r.nominationDeadline}</Descriptions.Item>
          <Descriptions.Item label={t('backbone.round.termYears')}>
            {t('backbone.round.termLine', { years: r.termYears })}
          </Descriptions.Item>
          <Descriptions.Item label={t('backbone.round.duties')}>
            {t('backbone.round.dutiesLine', { lessons: r.duties.openLessons, papers: r.duties.papers })}
          </Descriptions.Item>
          <Descriptions.Item label={t('backbone.round.criteria')} span={2}>
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>
              {r.criteria}
            </Typography.Paragraph>
          </Descriptions.Item>
          {(r.checks.minServiceYears || r.checks.stages?.length || r.checks.subjects?.length) && (
            <Descriptions.Item label={t('backbone.round.checks')} span={2}>
              {[
                r.checks.minServiceYears
                  ? t('backbone.round.minServiceYearsLine', { years: r.checks.minServiceYears })
                  : null,
                r.checks.stages?.length ? r.checks.stages.map((s) => t(`stages.${s}`)).join('、') : null,
                r.checks.subjects?.length ? r.checks.subjects.join('、') : null,
              ]
                .filter(Boolean)
                .join('；')}
            </Descriptions.Item>
          )}
        </Descriptions>
        {r.publicity && (
          <Alert
            style={{ marginTop: 12 }}
            type="info"
            showIcon
            message={
              <Link to={`/publicity/${r.publicity.id}`} data-testid="backbone-publicity-link">
                {t('backbone.publish.link', { status: t(`backbone.publicityStatuses.${r.publicity.status}`) })}
              </Link>
            }
          />
        )}
      </Card>
      <Card size="small" title={t('backbone.quota.title')} hidden={quotas.length === 0 && !r.manage}>
        <Table<BackboneQuota>
          rowKey="orgUnitId"
          size="small"
          dataSource={quotas}
          columns={quotaColumns}
          pagination={false}
        />
      </Card>
      <Card
        size="small"
        title={t('backbone.nomination.title')}
        extra={
          nominatingOpen &&
          (r.nominatesFor.length > 0 || r.manage) && (
            <Button type="primary" onClick={() => setNominating(true)} data-testid="backbone-nominate">
              {t('backbone.nomination.create')}
            </Button>
          )
        }
      >
        <Table<BackboneNomination>
          rowKey="id"
          size="small"
          dataSource={nominations}
          columns={nominationColumns}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('backbone.nomination.none') }}
          data-testid="backbone-nominations-table"
        />
      </Card>
      {r.manage && <PanelCard round={r} panel={panel} />}
      {r.manage && r.status !== 'nominating' && r.status !== 'cancelled' && <RankingCard round={r} />}
      {nominating && <NominateModal round={r} onClose={() => setNominating(false)} />}
    </Space>
  );
}
