import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, InputNumber, List, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { competitionKeys, judgingApi, type QueueItem } from '../../api/competitions.api';
import { DownloadButton } from '../../components/download-button';
import { ListPage, ListTable, useListQuery, useListSearch } from '../../components/list-page';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { useErrorMessage } from '../../lib/error-message';

const KEYS = ['page'] as const;
const STATUS_COLOR = { todo: 'orange', draft: 'blue', submitted: 'green', recused: 'default' } as const;

/** 评审任务: the judge's queue, blind (codes, categories, titles), and the panels they lead. */
export default function JudgingPage() {
  const { t } = useTranslation();
  const { paging } = useListSearch(KEYS);
  const list = useListQuery(competitionKeys.queue(paging.page), () =>
    judgingApi.queue({ page: paging.page, pageSize: paging.pageSize }),
  );
  const columns: TableColumnsType<QueueItem> = [
    { title: t('judging.code'), dataIndex: 'blindCode', width: 110 },
    {
      title: t('competitions.entryTitle'),
      dataIndex: 'title',
      render: (v: string, e) => (
        <Link to={`/judging/${e.id}`} data-testid={`judge-entry-${e.id}`}>
          {v}
        </Link>
      ),
    },
    { title: t('competitions.category'), dataIndex: 'category' },
    { title: t('judging.competition'), dataIndex: 'competitionTitle' },
    {
      title: t('judging.status'),
      dataIndex: 'scoreStatus',
      render: (v: QueueItem['scoreStatus'], e) => (
        <Space size={4}>
          <Tag color={STATUS_COLOR[v]}>{t(`judging.statuses.${v}`)}</Tag>
          {e.rescoreRequested && <Tag color="red">{t('judging.rescore')}</Tag>}
        </Space>
      ),
    },
  ];
  const leads = list.data?.leads ?? [];
  return (
    <ListPage title={t('judging.pageTitle')} testId="judging-page" intro={<p>{t('judging.intro')}</p>}>
      {leads.length > 0 && (
        <Card size="small" title={t('judging.leads')} style={{ marginBottom: 16 }}>
          <List
            size="small"
            dataSource={leads}
            renderItem={(p) => (
              <List.Item>
                <Link to={`/judging/panels/${p.id}`}>
                  {p.competitionTitle} · {p.name}
                </Link>
              </List.Item>
            )}
          />
        </Card>
      )}
      <ListTable<QueueItem> rowKey="id" list={list} paging={paging} columns={columns} empty={t('judging.none')} />
    </ListPage>
  );
}

/** One entry as its judges see it: content under neutral names, the rubric, a draft or a submission, recusal. */
export function JudgeEntryPage() {
  const { t } = useTranslation();
  const id = Number(useParams().id);
  const { modal, message } = App.useApp();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ items: Record<string, number>; comment?: string }>();
  const q = useQuery({ queryKey: competitionKeys.judgeEntry(id), queryFn: () => judgingApi.entry(id) });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['judging'] });
  const save = useMutation({
    mutationFn: (submit: boolean) =>
      form
        .validateFields()
        .then((v) => judgingApi.score(id, { items: v.items ?? {}, comment: v.comment ?? null, submit })),
    onSuccess: (_, submit) => {
      void message.success(t(submit ? 'competitions.scoreSubmitted' : 'competitions.draftSaved'));
      refresh();
    },
    onError: (err) => void message.error(errorText(err)),
  });
  const recuse = useMutation({
    mutationFn: (reason: string) => judgingApi.recuse(id, reason),
    onSuccess: refresh,
    onError: (err) => void message.error(errorText(err)),
  });
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <SectionSpin />;
  const { entry, rubric, score, competition } = q.data;
  const locked = score?.status === 'submitted' || score?.status === 'recused';
  let reason = '';
  return (
    <div data-testid="judge-entry-page">
      <h2>
        {entry.blindCode} · {entry.title}
      </h2>
      <Typography.Paragraph type="secondary">
        {competition.title} {entry.category ? `· ${entry.category}` : ''}
      </Typography.Paragraph>
      {score?.rescoreRequested && (
        <Alert type="warning" showIcon message={t('judging.rescore')} style={{ marginBottom: 12 }} />
      )}
      {score?.status === 'recused' && (
        <Alert type="info" showIcon message={`${t('judging.statuses.recused')}：${score.recuseReason ?? ''}`} />
      )}
      <Card size="small" style={{ marginBottom: 16 }}>
        {entry.body && <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{entry.body}</Typography.Paragraph>}
        {entry.videoUrl && (
          <p>
            {t('judging.video')}：
            <a href={entry.videoUrl} target="_blank" rel="noreferrer noopener">
              {entry.videoUrl}
            </a>
          </p>
        )}
        <Space wrap>
          {entry.files.map((f) => (
            <DownloadButton key={f.n} file={() => judgingApi.file(id, f.n)} fileName={f.label} size="small">
              {f.label}
            </DownloadButton>
          ))}
        </Space>
      </Card>
      <Form
        form={form}
        layout="vertical"
        disabled={locked}
        initialValues={{ items: score?.items ?? {}, comment: score?.comment ?? '' }}
      >
        {rubric.map((r) => (
          <Form.Item
            key={r.key}
            name={['items', r.key]}
            label={`${r.label}（${t('competitions.max')} ${r.max}）`}
            rules={[{ type: 'number', min: 0, max: r.max }]}
          >
            <InputNumber min={0} max={r.max} step={0.5} style={{ width: 140 }} />
          </Form.Item>
        ))}
        <Form.Item name="comment" label={t('judging.comment')}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        {score?.total != null && (
          <p>
            {t('judging.total')}：{score.total}
          </p>
        )}
        <Space wrap>
          <Button onClick={() => save.mutate(false)} loading={save.isPending}>
            {t('judging.saveDraft')}
          </Button>
          <Button
            type="primary"
            data-testid="judge-submit"
            onClick={() =>
              modal.confirm({
                title: t('judging.submit'),
                content: t('judging.submitConfirm'),
                onOk: () => save.mutateAsync(true),
              })
            }
          >
            {t('judging.submit')}
          </Button>
          <Button
            danger
            onClick={() =>
              modal.confirm({
                title: t('judging.recuse'),
                content: (
                  <>
                    <p>{t('judging.recuseConfirm')}</p>
                    <Input.TextArea
                      aria-label={t('judging.recuseReason')}
                      placeholder={t('judging.recuseReason')}
                      maxLength={500}
                      onChange={(e) => {
                        reason = e.target.value;
                      }}
                    />
                  </>
                ),
                onOk: () => recuse.mutateAsync(reason),
              })
            }
          >
            {t('judging.recuse')}
          </Button>
        </Space>
      </Form>
    </div>
  );
}

/** The panel lead's review: each entry's totals by anonymous seat, disagreements flagged, re-scores asked. */
export function PanelReviewPage() {
  const { t } = useTranslation();
  const id = Number(useParams().id);
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const q = useQuery({ queryKey: competitionKeys.panel(id), queryFn: () => judgingApi.panel(id) });
  const ask = useMutation({
    mutationFn: (b: { entryRoundId: number; seats: number[] }) => judgingApi.rescore(id, b),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['judging'] }),
    onError: (err) => void message.error(errorText(err)),
  });
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <SectionSpin />;
  type Row = (typeof q.data.entries)[number];
  const columns: TableColumnsType<Row> = [
    { title: t('judging.code'), dataIndex: 'blindCode' },
    {
      title: t('judging.spread'),
      dataIndex: 'spread',
      render: (v: number, e) => (e.flagged ? <Tag color="red">{`${v} ${t('judging.flagged')}`}</Tag> : v),
    },
    {
      title: t('competitions.judges'),
      key: 'scores',
      render: (_: unknown, e) => (
        <Space wrap>
          {e.scores.map((s) => (
            <Space key={s.seat} size={4}>
              {t('judging.seat', { n: s.seat })}：{s.total ?? t(`judging.statuses.${s.status}`)}
              {s.status === 'submitted' && (
                <Button size="small" onClick={() => ask.mutate({ entryRoundId: e.entryRoundId, seats: [s.seat] })}>
                  {t('judging.askRescore')}
                </Button>
              )}
            </Space>
          ))}
        </Space>
      ),
    },
  ];
  return (
    <div data-testid="panel-review-page">
      <h2>
        {q.data.panel.competition} · {q.data.panel.name}
      </h2>
      <Table<Row> rowKey="entryRoundId" size="small" columns={columns} dataSource={q.data.entries} />
    </div>
  );
}
