import { UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Form, Input, Modal, Select, Space, Table, Tag, Upload } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { competitionKeys, competitionsApi, type Entry, type Round } from '../../api/competitions.api';
import { DownloadButton } from '../../components/download-button';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { AccountPicker, TeacherSearchPicker, UnitSearchPicker } from '../../components/search-pickers';
import { useErrorMessage } from '../../lib/error-message';

/** A school's entry form: title, category, text, video link, entrant teachers (within the quota). */
function EntryForm({ round, categories, onDone }: { round: Round; categories: string[]; onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const [form] = Form.useForm<{
    title: string;
    category?: string;
    body?: string;
    videoUrl?: string;
    teachers: number[];
  }>();
  const submit = useMutation({
    mutationFn: (v: { title: string; category?: string; body?: string; videoUrl?: string; teachers: number[] }) =>
      competitionsApi.submit(round.id, {
        title: v.title,
        category: v.category || null,
        body: v.body || null,
        videoUrl: v.videoUrl || null,
        teacherIds: v.teachers,
      }),
    onSuccess: () => {
      form.resetFields();
      void message.success(t('competitions.saved'));
      onDone();
    },
    onError: (err) => void message.error(errorText(err)),
  });
  return (
    <Form form={form} layout="vertical" onFinish={(v) => submit.mutate(v)} data-testid={`entry-form-${round.id}`}>
      <Form.Item name="title" label={t('competitions.entryTitle')} rules={[{ required: true, max: 200 }]}>
        <Input />
      </Form.Item>
      {categories.length > 0 && (
        <Form.Item
          name="category"
          label={t('competitions.category')}
          rules={[{ required: true, message: t('competitions.categoryRequired') }]}
        >
          <Select
            options={categories.map((c) => ({ value: c, label: c }))}
            placeholder={t('competitions.categoryRequired')}
            data-testid={`entry-category-${round.id}`}
          />
        </Form.Item>
      )}
      <Form.Item name="body" label={t('competitions.body')}>
        <Input.TextArea rows={3} maxLength={50000} />
      </Form.Item>
      <Form.Item name="videoUrl" label={t('competitions.videoUrl')} rules={[{ type: 'url' }]}>
        <Input />
      </Form.Item>
      <Form.Item name="teachers" label={t('competitions.teacherIds')} rules={[{ required: true }]}>
        <TeacherSearchPicker multiple testId={`entry-teachers-${round.id}`} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={submit.isPending}>
        {t('competitions.submit')}
      </Button>
    </Form>
  );
}

/** The notice period offered: from today, seven days (five working days and a weekend). */
const noticeDays = () => {
  const day = (offset: number) => new Date(Date.now() + 8 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);
  return { startsOn: day(0), endsOn: day(6) };
};

/** The round entries advance into, as the last aggregation found it (null for the last round). */
const nextRoundOf = (round: Round): number | null =>
  (round.aggregate as { advancement?: { nextRoundId?: number | null } } | null)?.advancement?.nextRoundId ?? null;

/** One round: its status, the organiser's steps (each confirmed), panels, entries and results, the certificates. */
function RoundCard({ round, categories }: { round: Round; categories: string[] }) {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const q = useQuery({ queryKey: competitionKeys.entries(round.id), queryFn: () => competitionsApi.entries(round.id) });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: competitionKeys.all });
  const honours = useQuery({
    queryKey: [...competitionKeys.entries(round.id), 'honours'],
    queryFn: () => competitionsApi.honours(round.id),
    enabled: Boolean(round.manage) && round.status === 'finalised',
  });
  const [panelOpen, setPanelOpen] = useState(false);
  const [publishOpen, setPublishOpen] = useState(false);
  const [panelForm] = Form.useForm<{ name: string; judges: number[]; lead: number }>();
  const [publishForm] = Form.useForm<{ startsOn: string; endsOn: string; units?: number[] }>();
  const act = useMutation({
    mutationFn: (step: 'start-judging' | 'aggregate' | 'advance') => competitionsApi.step(round.id, step),
    onSuccess: refresh,
    onError: (err) => void message.error(errorText(err)),
  });
  const confirm = (step: 'start-judging' | 'aggregate' | 'advance', key: string) =>
    modal.confirm({
      title: t(`competitions.${key}`),
      content: t(`competitions.${key}Confirm`),
      onOk: () => act.mutateAsync(step),
    });
  const run = (p: Promise<unknown>) =>
    p.then(refresh).catch((err: unknown) => {
      void message.error(errorText(err));
      throw err;
    });

  const columns: TableColumnsType<Entry> = [
    { title: t('competitions.rank'), dataIndex: 'rank', width: 60 },
    { title: t('judging.code'), dataIndex: 'blindCode', width: 100 },
    { title: t('competitions.entryTitle'), dataIndex: 'title' },
    { title: t('competitions.entrants'), dataIndex: 'entrants', render: (v: string[]) => v.join('、') },
    { title: t('competitions.school'), dataIndex: 'schoolName' },
    { title: t('competitions.final'), dataIndex: 'finalScore' },
    {
      title: t('competitions.award'),
      key: 'flags',
      render: (_: unknown, e) => (
        <Space size={4} wrap>
          {e.award && <Tag color="gold">{t(`competitions.grades.${e.award}`)}</Tag>}
          {e.advanced && <Tag color="green">{t('competitions.advanced')}</Tag>}
          {e.disagreement && <Tag color="red">{t('competitions.disagreement')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('competitions.files'),
      key: 'files',
      render: (_: unknown, e) =>
        round.status === 'open' && !q.data?.manage ? (
          <Space>
            <Upload
              showUploadList={false}
              beforeUpload={(file) => {
                void run(competitionsApi.upload(e.entryId, file));
                return false;
              }}
            >
              <Button size="small" icon={<UploadOutlined />}>
                {t('competitions.upload')}
              </Button>
            </Upload>
            <Button
              size="small"
              danger
              onClick={() =>
                modal.confirm({
                  title: t('competitions.withdraw'),
                  content: t('competitions.withdrawConfirm'),
                  onOk: () => run(competitionsApi.withdraw(e.entryId)),
                })
              }
            >
              {t('competitions.withdraw')}
            </Button>
          </Space>
        ) : null,
    },
  ];
  const data = q.data;
  return (
    <Card
      size="small"
      style={{ marginBottom: 16 }}
      data-testid={`round-${round.id}`}
      title={
        <Space wrap>
          {round.orgUnitName}
          <Tag>{t(`competitions.levels.${round.level}`)}</Tag>
          <Tag color="blue">{t(`competitions.statuses.${round.status}`)}</Tag>
          <span>
            {t('competitions.deadline')} {round.deadline}
          </span>
        </Space>
      }
      extra={
        round.manage ? (
          <Space wrap>
            {round.status === 'open' && (
              <>
                <Button onClick={() => setPanelOpen(true)}>{t('competitions.newPanel')}</Button>
                <Button type="primary" onClick={() => confirm('start-judging', 'startJudging')}>
                  {t('competitions.startJudging')}
                </Button>
              </>
            )}
            {(round.status === 'judging' || round.status === 'scored') && (
              <Button onClick={() => confirm('aggregate', 'aggregate')}>{t('competitions.aggregate')}</Button>
            )}
            {round.status !== 'open' && round.status !== 'judging' && nextRoundOf(round) !== null && (
              <Button onClick={() => confirm('advance', 'advance')}>{t('competitions.advance')}</Button>
            )}
            {round.status === 'scored' && (
              <Button type="primary" onClick={() => setPublishOpen(true)}>
                {t('competitions.publishAwards')}
              </Button>
            )}
            {round.publicity && <Link to={`/publicity/${round.publicity.id}`}>{t('competitions.publicity')}</Link>}
            <DownloadButton file={() => competitionsApi.resultsXlsx(round.id)} fileName={`round-${round.id}.xlsx`}>
              {t('competitions.exportResults')}
            </DownloadButton>
          </Space>
        ) : undefined
      }
    >
      {q.isError && <ErrorResult error={q.error} />}
      {data?.quota && (
        <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t('competitions.quotaLine', data.quota)} />
      )}
      {round.aggregate != null && round.manage && (
        <Descriptions size="small" column={1} style={{ marginBottom: 12 }} title={t('competitions.summary')}>
          <Descriptions.Item label={t('competitions.normalise')}>
            {(round.aggregate as { normalisation?: { applied: boolean; note: string | null } }).normalisation?.applied
              ? t('competitions.normApplied')
              : (round.aggregate as { normalisation?: { note: string | null } }).normalisation?.note}
          </Descriptions.Item>
        </Descriptions>
      )}
      {data && data.panels.length > 0 && (
        <Descriptions size="small" column={1} style={{ marginBottom: 12 }} title={t('competitions.panels')}>
          {data.panels.map((p) => (
            <Descriptions.Item key={p.id} label={p.name}>
              <Space wrap>
                {p.judges.map((j) => `${j.seat}. ${j.name}`).join('；')}（{p.entries}）
                {round.status === 'open' && (
                  <Button size="small" onClick={() => void run(competitionsApi.assign(round.id, p.id))}>
                    {t('competitions.assignAll')}
                  </Button>
                )}
              </Space>
            </Descriptions.Item>
          ))}
        </Descriptions>
      )}
      <Table<Entry> rowKey="id" size="small" columns={columns} dataSource={data?.entries ?? []} loading={q.isLoading} />
      {round.submit && <EntryForm round={round} categories={categories} onDone={refresh} />}
      {honours.data && honours.data.items.length > 0 && (
        <Descriptions size="small" column={1} title={t('competitions.certificates')}>
          {honours.data.items.map((h) => (
            <Descriptions.Item key={h.id} label={h.recipientName}>
              <DownloadButton file={() => competitionsApi.certificate(h.id)} fileName={`${h.code}.pdf`} size="small">
                {t('competitions.certificate')}
              </DownloadButton>
            </Descriptions.Item>
          ))}
        </Descriptions>
      )}
      {panelOpen && (
        <Modal
          open
          title={t('competitions.newPanel')}
          onCancel={() => setPanelOpen(false)}
          onOk={() =>
            void panelForm.validateFields().then((v) =>
              run(
                competitionsApi.panel(round.id, {
                  name: v.name,
                  judgeUserIds: v.judges,
                  leadUserId: v.lead,
                }),
              ).then(() => setPanelOpen(false)),
            )
          }
        >
          <Form form={panelForm} layout="vertical">
            <Form.Item name="name" label={t('competitions.panelName')} rules={[{ required: true, max: 100 }]}>
              <Input />
            </Form.Item>
            <Form.Item name="judges" label={t('competitions.judges')} rules={[{ required: true }]}>
              <AccountPicker orgUnitId={round.orgUnitId} multiple testId="panel-judges" />
            </Form.Item>
            <Form.Item name="lead" label={t('competitions.lead')} rules={[{ required: true }]}>
              <AccountPicker orgUnitId={round.orgUnitId} testId="panel-lead" />
            </Form.Item>
          </Form>
        </Modal>
      )}
      {publishOpen && (
        <Modal
          open
          title={t('competitions.publishAwards')}
          onCancel={() => setPublishOpen(false)}
          onOk={() =>
            void publishForm.validateFields().then((v) =>
              run(
                competitionsApi.publish(round.id, {
                  startsOn: v.startsOn,
                  endsOn: v.endsOn,
                  organisationUnitIds: v.units ?? [],
                }),
              ).then(() => setPublishOpen(false)),
            )
          }
        >
          <Alert type="warning" showIcon message={t('competitions.publishConfirm')} style={{ marginBottom: 12 }} />
          <Form form={publishForm} layout="vertical" initialValues={noticeDays()}>
            <Form.Item
              name="startsOn"
              label={t('competitions.startsOn')}
              rules={[{ required: true, message: t('competitions.dateRequired') }]}
            >
              <Input type="date" />
            </Form.Item>
            <Form.Item
              name="endsOn"
              label={t('competitions.endsOn')}
              rules={[{ required: true, message: t('competitions.dateRequired') }]}
            >
              <Input type="date" />
            </Form.Item>
            <Form.Item name="units" label={t('competitions.orgAwards')}>
              <UnitSearchPicker multiple testId="publish-units" />
            </Form.Item>
          </Form>
        </Modal>
      )}
    </Card>
  );
}

/** A competition: its rules and the rounds the reader may see. */
export default function CompetitionPage() {
  const { t } = useTranslation();
  const id = Number(useParams().id);
  const q = useQuery({ queryKey: competitionKeys.detail(id), queryFn: () => competitionsApi.get(id) });
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <SectionSpin />;
  const { competition: c, rounds } = q.data;
  return (
    <div data-testid="competition-page">
      <h2>{c.title}</h2>
      <Descriptions size="small" column={{ xs: 1, md: 2 }} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t('competitions.kind')}>{t(`competitions.kinds.${c.kind}`)}</Descriptions.Item>
        <Descriptions.Item label={t('competitions.organiser')}>{c.orgUnitName}</Descriptions.Item>
        <Descriptions.Item label={t('competitions.rubric')}>
          {c.rubric
            .map((r) => `${r.label}（${t('competitions.weight')} ${r.weight}，${t('competitions.max')} ${r.max}）`)
            .join('；')}
        </Descriptions.Item>
        <Descriptions.Item label={t('competitions.rules')}>
          {t('competitions.trimRule', { n: c.trimAt })}
          {c.normalise ? `；${t('competitions.normaliseRule', { n: c.normaliseMin })}` : ''}
        </Descriptions.Item>
      </Descriptions>
      {rounds.map((r) => (
        <RoundCard key={r.id} round={r} categories={c.categories} />
      ))}
    </div>
  );
}
