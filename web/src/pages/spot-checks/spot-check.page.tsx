import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Empty, Space, Steps, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import {
  SPOT_CHECK_STEPS,
  type SpotCheck,
  type SpotCheckUnit,
  spotCheckKeys,
  spotChecksApi,
} from '../../api/spot-checks.api';
import { DownloadButton } from '../../components/download-button';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { useErrorMessage } from '../../lib/error-message';
import { formatDateTime } from '../../lib/format';
import SpotCheckFormModal from './spot-check-form.modal';
import { STATUS_COLOR } from './spot-check-labels';

const SpotCheckResultsCard = lazy(() => import('./spot-check-results'));

type Step = 'commit' | 'draw' | 'publish-results';
const NEXT: Partial<Record<SpotCheck['status'], Step>> = {
  draft: 'commit',
  committed: 'draw',
  drawn: 'publish-results',
};

/** A hash or seed in full, in a monospace line with a copy button. */
function Hash({ value, testId }: { value: string | null; testId: string }) {
  const { t } = useTranslation();
  if (!value) return <Typography.Text type="secondary">{t('spotChecks.hashes.notYet')}</Typography.Text>;
  return (
    <Typography.Text code copyable style={{ wordBreak: 'break-all' }} data-testid={testId}>
      {value}
    </Typography.Text>
  );
}

/** A spot-check: its steps (each confirmed, none undone), the hashes and seed, the drawn teachers, the results. */
export default function SpotCheckPage() {
  const { t } = useTranslation();
  const id = Number(useParams().id);
  const { modal, message } = App.useApp();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const q = useQuery({ queryKey: spotCheckKeys.detail(id), queryFn: () => spotChecksApi.get(id) });
  const act = useMutation({
    mutationFn: (step: Step) => spotChecksApi.step(id, step),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: spotCheckKeys.all }),
    onError: (err) => void message.error(errorText(err)),
  });

  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <SectionSpin />;
  const { spotCheck: s, units, exam } = q.data;
  const next = s.manage ? NEXT[s.status] : undefined;
  const sample = units.reduce((n, u) => n + u.sampleSize, 0);
  const eligible = units.reduce((n, u) => n + u.eligible, 0);

  /** Every step says what it will do and that it cannot be undone. */
  const confirm = (step: Step) =>
    modal.confirm({
      title: t(`spotChecks.steps.${step}.confirmTitle`),
      content: t(`spotChecks.steps.${step}.confirm`, { units: units.length, sample, eligible }),
      okText: t(`spotChecks.steps.${step}.action`),
      cancelText: t('common.cancel'),
      okButtonProps: { danger: step !== 'publish-results', 'data-testid': 'spot-check-step-confirm' },
      onOk: () => act.mutateAsync(step),
    });

  const unitColumns: TableColumnsType<SpotCheckUnit> = [
    { title: t('spotChecks.unit'), dataIndex: 'name' },
    { title: t('spotChecks.eligible'), dataIndex: 'eligible', align: 'right' },
    { title: t('spotChecks.sampleSize'), dataIndex: 'sampleSize', align: 'right' },
    ...(s.status === 'drawn' || s.status === 'published'
      ? [
          {
            title: t('spotChecks.drawnTeachers'),
            key: 'drawn',
            render: (_: unknown, u: SpotCheckUnit) => (
              <Space size={[4, 4]} wrap>
                {u.drawn.map((d) => (
                  <Tag key={d.listKey} title={`${d.schoolName} · ${t('spotChecks.listKey')} ${d.listKey}`}>
                    {d.name}
                  </Tag>
                ))}
              </Space>
            ),
          },
        ]
      : []),
  ];

  const current = SPOT_CHECK_STEPS.indexOf(s.status);
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle" data-testid="spot-check-page">
      <Card
        title={
          <Space wrap>
            {s.title}
            <Tag color={STATUS_COLOR[s.status]} data-testid="spot-check-status">
              {t(`spotChecks.statuses.${s.status}`)}
            </Tag>
          </Space>
        }
        extra={
          <Space wrap>
            {s.manage && s.status === 'draft' && <Button onClick={() => setEditing(true)}>{t('common.edit')}</Button>}
            {next && (
              <Button
                type="primary"
                loading={act.isPending}
                onClick={() => confirm(next)}
                data-testid={`spot-check-${next}`}
              >
                {t(`spotChecks.steps.${next}.action`)}
              </Button>
            )}
          </Space>
        }
      >
        <Steps
          current={current}
          items={SPOT_CHECK_STEPS.map((st) => ({ title: t(`spotChecks.statuses.${st}`) }))}
          style={{ marginBottom: 24 }}
        />
        {next && (
          <Alert type="info" showIcon message={t(`spotChecks.steps.${next}.hint`)} style={{ marginBottom: 16 }} />
        )}
        <Descriptions column={{ xs: 1, md: 2 }} size="small" bordered>
          <Descriptions.Item label={t('spotChecks.organiser')}>{s.orgUnitName}</Descriptions.Item>
          <Descriptions.Item label={t('spotChecks.year')}>{s.year}</Descriptions.Item>
          <Descriptions.Item label={t('spotChecks.rate')}>
            {t('spotChecks.rateLine', { rate: s.ratePercent, min: s.minPerUnit })}
          </Descriptions.Item>
          <Descriptions.Item label={t('spotChecks.criteria')}>
            {[
              ...(s.criteria.stages ?? []).map((x) => t(`stages.${x}`)),
              ...(s.criteria.subjects ?? []),
              ...(s.criteria.employments ?? []).map((x) => t(`teachers.employments.${x}`)),
            ].join('、') || t('spotChecks.allTeachers')}
          </Descriptions.Item>
          <Descriptions.Item label={t('spotChecks.committedAt')}>{formatDateTime(s.committedAt)}</Descriptions.Item>
          <Descriptions.Item label={t('spotChecks.drawnAt')}>{formatDateTime(s.drawnAt)}</Descriptions.Item>
          <Descriptions.Item label={t('spotChecks.hashes.list')} span={2}>
            <Hash value={s.listSha256} testId="spot-check-list-hash" />
          </Descriptions.Item>
          <Descriptions.Item label={t('spotChecks.hashes.seedHash')} span={2}>
            <Hash value={s.seedSha256} testId="spot-check-seed-hash" />
          </Descriptions.Item>
          <Descriptions.Item label={t('spotChecks.hashes.seed')} span={2}>
            {s.seed ? (
              <Hash value={s.seed} testId="spot-check-seed" />
            ) : (
              <Typography.Text type="secondary">{t('spotChecks.hashes.seedSecret')}</Typography.Text>
            )}
          </Descriptions.Item>
          {exam ? (
            <Descriptions.Item label={t('spotChecks.exam')} span={2}>
              {exam.title}
            </Descriptions.Item>
          ) : (
            s.manage &&
            s.status !== 'draft' && (
              <Descriptions.Item label={t('spotChecks.exam')} span={2}>
                <Link to={`/exams/new?unit=${s.orgUnitId}&spotCheck=${s.id}`} data-testid="spot-check-new-exam">
                  {t('spotChecks.newExam')}
                </Link>
              </Descriptions.Item>
            )
          )}
        </Descriptions>
      </Card>

      {s.status !== 'draft' && (
        <Card
          title={t('spotChecks.listTitle', { units: units.length, eligible, sample })}
          extra={
            <Space wrap>
              <DownloadButton
                file={() => spotChecksApi.listJson(id)}
                fileName={`spot-check-${id}-list.json`}
                data-testid="spot-check-list-json"
              >
                {t('spotChecks.downloadJson')}
              </DownloadButton>
              <DownloadButton file={() => spotChecksApi.listXlsx(id)} fileName={`spot-check-${id}-list.xlsx`}>
                {t('spotChecks.downloadXlsx')}
              </DownloadButton>
            </Space>
          }
        >
          <Space direction="vertical" style={{ width: '100%' }}>
            <Typography.Paragraph type="secondary">{t('spotChecks.verifyHint')}</Typography.Paragraph>
            <Typography.Text code copyable data-testid="spot-check-verify-command">
              {s.verifyCommand}
            </Typography.Text>
            <Table<SpotCheckUnit>
              rowKey="unitId"
              size="small"
              columns={unitColumns}
              dataSource={units}
              pagination={units.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
              scroll={{ x: 'max-content' }}
              locale={{ emptyText: <Empty description={t('spotChecks.noUnits')} /> }}
            />
          </Space>
        </Card>
      )}

      {(s.status === 'published' || (s.manage && s.status === 'drawn')) && (
        <Suspense fallback={<SectionSpin />}>
          <SpotCheckResultsCard id={id} />
        </Suspense>
      )}

      {editing && (
        <SpotCheckFormModal
          spotCheck={s}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            void q.refetch();
          }}
        />
      )}
    </Space>
  );
}
