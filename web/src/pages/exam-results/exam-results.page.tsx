import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Empty,
  Input,
  Segmented,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { lazy, type ReactNode, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import {
  EXAM_LEVELS,
  type ExamLevel,
  type ExamQuestionLine,
  type ExamResultRow,
  type ExamStats,
  type ExamStatsLine,
  examStatsApi,
  examStatsKeys,
} from '../../api/exam-stats.api';
import { DownloadButton } from '../../components/download-button';
import { ListTable, ListToolbar, useListQuery, useListSearch } from '../../components/list-page';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { formatDateTime } from '../../lib/format';
import { toPositiveInt } from '../../lib/use-search-state';

// ECharts is big: its chunk is fetched only when a chart is about to be drawn.
const RatesChart = lazy(() => import('./rates-chart'));
const DistributionChart = lazy(() => import('./distribution-chart'));

const SEARCH_KEYS = ['tab', 'unit', 'bins', 'level', 'passed', 'q', 'page'] as const;
type Tab = 'units' | 'distribution' | 'questions' | 'list';
const TABS: readonly Tab[] = ['units', 'distribution', 'questions', 'list'];

/** A rate in per cent, or "—" when nobody was there to count (never 0 %). */
const pct = (v: number | null) => (v === null ? '—' : `${v}%`);
const num = (v: number | null) => (v === null ? '—' : String(v));

const LEVEL_COLOR: Record<ExamLevel, string> = {
  excellent: 'gold',
  good: 'blue',
  pass: 'green',
  basic: 'orange',
  fail: 'red',
};

function Standing({ met }: { met: boolean | null }) {
  const { t } = useTranslation();
  if (met === null) return <Typography.Text type="secondary">—</Typography.Text>;
  return <Tag color={met ? 'success' : 'error'}>{t(met ? 'examResults.met' : 'examResults.notMet')}</Tag>;
}

/** 单位统计: the child units' rates against the targets, as bars and a table with a total line. */
function UnitsTab({ stats, onPick }: { stats: ExamStats; onPick: (unitId: number) => void }) {
  const { t } = useTranslation();
  const targets = stats.cutoffs.targets;
  const columns: TableColumnsType<ExamStatsLine> = [
    {
      title: t('examResults.unit'),
      dataIndex: 'unitName',
      fixed: 'left',
      width: 180,
      render: (name: string, u) =>
        u.unitId === stats.base.id ? (
          name
        ) : (
          <Button type="link" size="small" style={{ padding: 0 }} onClick={() => onPick(u.unitId)}>
            {name}
          </Button>
        ),
    },
    { title: t('examResults.candidates'), dataIndex: 'candidates', align: 'right' },
    { title: t('examResults.sat'), dataIndex: 'sat', align: 'right' },
    { title: t('examResults.participationRate'), dataIndex: 'participationRate', align: 'right', render: pct },
    { title: t('examResults.assessed'), dataIndex: 'assessed', align: 'right' },
    ...EXAM_LEVELS.map((l) => ({
      title: t(`examResults.level.${l}`),
      key: l,
      align: 'right' as const,
      render: (_: unknown, u: ExamStatsLine) => u.levels[l],
    })),
    { title: t('examResults.passRate'), dataIndex: 'passRate', align: 'right', render: pct },
    { title: t('examResults.excellentRate'), dataIndex: 'excellentRate', align: 'right', render: pct },
    { title: t('examResults.mean'), dataIndex: 'mean', align: 'right', render: num },
    {
      title: t('examResults.excellentTarget'),
      key: 'excellentMet',
      render: (_, u) => <Standing met={u.excellentMet} />,
    },
    {
      title: t('examResults.competentTarget'),
      key: 'competentMet',
      render: (_, u) => <Standing met={u.competentMet} />,
    },
  ];
  const o = stats.overall;
  const totals: ReactNode[] = [
    o.candidates,
    o.sat,
    pct(o.participationRate),
    o.assessed,
    ...EXAM_LEVELS.map((l) => o.levels[l]),
    pct(o.passRate),
    pct(o.excellentRate),
    num(o.mean),
    <Standing key="e" met={o.excellentMet} />,
    <Standing key="c" met={o.competentMet} />,
  ];
  return (
    <Card data-testid="exam-units">
      <Typography.Paragraph type="secondary">
        {t('examResults.targetsLine', {
          excellent: targets.excellentShare ?? '—',
          competent: targets.competentShare ?? '—',
        })}
      </Typography.Paragraph>
      {stats.units.length === 0 ? (
        <Empty description={t('examResults.noUnits')} />
      ) : (
        <>
          <Suspense fallback={<SectionSpin />}>
            <RatesChart units={stats.units} targets={targets} onPick={onPick} />
          </Suspense>
          <Table<ExamStatsLine>
            size="small"
            rowKey="unitId"
            columns={columns}
            dataSource={stats.units}
            pagination={false}
            scroll={{ x: 1200 }}
            style={{ marginTop: 12 }}
            data-testid="exam-units-table"
            summary={() => (
              <Table.Summary.Row>
                <Table.Summary.Cell index={0}>
                  <Typography.Text strong>{t('examResults.total')}</Typography.Text>
                </Table.Summary.Cell>
                {totals.map((v, i) => (
                  <Table.Summary.Cell key={i} index={i + 1} align="right">
                    <Typography.Text strong>{v}</Typography.Text>
                  </Table.Summary.Cell>
                ))}
              </Table.Summary.Row>
            )}
          />
        </>
      )}
      <Definitions keys={stats.definitions} />
    </Card>
  );
}

/** 统计口径: how each figure on the page is counted. */
function Definitions({ keys }: { keys: readonly string[] }) {
  const { t } = useTranslation();
  return (
    <div style={{ marginTop: 16 }} data-testid="exam-definitions">
      <Typography.Text strong>{t('examResults.definitions')}</Typography.Text>
      <ul style={{ marginTop: 4, paddingLeft: 20 }}>
        {keys.map((k) => (
          <li key={k}>
            <Typography.Text type="secondary">{t(`examResults.def.${k}`)}</Typography.Text>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** 成绩分布: candidates per score band, and mean, median, extremes, spread. */
function DistributionTab({
  stats,
  bins,
  onBins,
}: {
  stats: ExamStats;
  bins: 'bands' | 'tens';
  onBins: (b: 'bands' | 'tens') => void;
}) {
  const { t } = useTranslation();
  const s = stats.overall.summary;
  return (
    <Card data-testid="exam-distribution-tab">
      <Segmented
        value={bins}
        onChange={(v) => onBins(v as 'bands' | 'tens')}
        options={[
          { value: 'bands', label: t('examResults.bins.bands') },
          { value: 'tens', label: t('examResults.bins.tens') },
        ]}
        style={{ marginBottom: 12 }}
      />
      {s.count === 0 ? (
        <Empty description={t('examResults.noScores')} />
      ) : (
        <Suspense fallback={<SectionSpin />}>
          <DistributionChart bands={stats.distribution} />
        </Suspense>
      )}
      <Descriptions size="small" column={{ xs: 2, md: 6 }} style={{ marginTop: 12 }}>
        <Descriptions.Item label={t('examResults.count')}>{s.count}</Descriptions.Item>
        <Descriptions.Item label={t('examResults.mean')}>{num(s.mean)}</Descriptions.Item>
        <Descriptions.Item label={t('examResults.median')}>{num(s.median)}</Descriptions.Item>
        <Descriptions.Item label={t('examResults.max')}>{num(s.max)}</Descriptions.Item>
        <Descriptions.Item label={t('examResults.min')}>{num(s.min)}</Descriptions.Item>
        <Descriptions.Item label={t('examResults.sd')}>{num(s.sd)}</Descriptions.Item>
      </Descriptions>
      <Table
        size="small"
        rowKey="from"
        pagination={false}
        dataSource={stats.distribution}
        columns={[
          { title: t('examResults.band'), key: 'band', render: (_, b) => `${b.from}–${b.to}` },
          { title: t('examResults.count'), dataIndex: 'count', align: 'right' },
          { title: t('examResults.share'), dataIndex: 'share', align: 'right', render: pct },
        ]}
        style={{ maxWidth: 480 }}
      />
      <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
        {t('examResults.def.scores')}
      </Typography.Paragraph>
    </Card>
  );
}

/** 试题分析: difficulty and discrimination of each question, with the ones to look at again flagged. */
function QuestionsTab({ stats }: { stats: ExamStats }) {
  const { t } = useTranslation();
  const columns: TableColumnsType<ExamQuestionLine> = [
    {
      title: t('examResults.question'),
      key: 'q',
      render: (_, q) => t('examResults.questionRef', { id: q.questionId, version: q.version }),
    },
    { title: t('examResults.kind'), dataIndex: 'kind', render: (k: string) => t(`examResults.kinds.${k}`, k) },
    { title: t('examResults.stem'), dataIndex: 'stem', width: 320 },
    { title: t('examResults.points'), dataIndex: 'points', align: 'right' },
    { title: t('examResults.papers'), dataIndex: 'papers', align: 'right' },
    { title: t('examResults.answered'), dataIndex: 'answered', align: 'right' },
    {
      title: t('examResults.difficulty'),
      dataIndex: 'difficulty',
      align: 'right',
      sorter: (a, b) => (a.difficulty ?? 0) - (b.difficulty ?? 0),
      render: num,
    },
    {
      title: t('examResults.discrimination'),
      dataIndex: 'discrimination',
      align: 'right',
      sorter: (a, b) => (a.discrimination ?? 0) - (b.discrimination ?? 0),
      render: (v: number | null) =>
        v === null ? (
          <Tooltip title={t('examResults.noDiscrimination', { n: stats.discriminationMinPapers })}>—</Tooltip>
        ) : (
          v
        ),
    },
    {
      title: t('examResults.flags'),
      key: 'flags',
      render: (_, q) =>
        q.flags.map((f) => (
          <Tag key={f} color={f === 'too_hard' ? 'red' : f === 'too_easy' ? 'orange' : 'purple'}>
            {t(`examResults.flag.${f}`)}
          </Tag>
        )),
    },
  ];
  return (
    <Card data-testid="exam-questions">
      {stats.gradedPapers < stats.discriminationMinPapers && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          message={t('examResults.fewPapers', { n: stats.gradedPapers, min: stats.discriminationMinPapers })}
        />
      )}
      <Table<ExamQuestionLine>
        size="small"
        rowKey={(q) => `${q.questionId}-${q.version}`}
        columns={columns}
        dataSource={stats.questions}
        pagination={false}
        scroll={{ x: 1000 }}
        locale={{ emptyText: t('examResults.noQuestions') }}
      />
      <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
        {t('examResults.def.difficulty')} {t('examResults.def.discrimination')}
      </Typography.Paragraph>
    </Card>
  );
}

type ListFilter = { unitId?: number; level?: ExamLevel; passed?: boolean; q?: string };

/** 成绩名单: the ranked list of the results below the reader's base, filters in the address. */
function ListTab({
  examId,
  filter,
  paging,
  onFilter,
}: {
  examId: number;
  filter: ListFilter;
  paging: ReturnType<typeof useListSearch>['paging'];
  onFilter: (patch: { level?: string; passed?: string; q?: string }) => void;
}) {
  const { t } = useTranslation();
  const [qText, setQText] = useState(filter.q ?? '');
  const query = { ...filter, page: paging.page, pageSize: paging.pageSize };
  const list = useListQuery(examStatsKeys.results(examId, query), () => examStatsApi.results(examId, query));
  const columns: TableColumnsType<ExamResultRow> = [
    {
      title: t('examResults.rank'),
      key: 'rank',
      width: 70,
      render: (_, __, i) => (paging.page - 1) * paging.pageSize + i + 1,
    },
    { title: t('examResults.name'), dataIndex: 'name' },
    { title: t('examResults.school'), dataIndex: 'schoolName', render: (v: string | null) => v ?? '—' },
    { title: t('examResults.examScore'), dataIndex: 'examScore', align: 'right', render: num },
    { title: t('examResults.composite'), dataIndex: 'composite', align: 'right', render: num },
    {
      title: t('examResults.levelTitle'),
      dataIndex: 'level',
      render: (l: ExamLevel | null) =>
        l ? <Tag color={LEVEL_COLOR[l]}>{t(`examResults.level.${l}`)}</Tag> : <Typography.Text>—</Typography.Text>,
    },
    {
      title: t('examResults.passed'),
      dataIndex: 'passed',
      // a result waiting for marks has no level, and is neither passed nor failed yet
      render: (p: boolean, r) =>
        r.level === null ? (
          <Typography.Text type="secondary">{t('examResults.pending')}</Typography.Text>
        ) : (
          <Tag color={p ? 'success' : 'error'}>{t(p ? 'examResults.yes' : 'examResults.no')}</Tag>
        ),
    },
    { title: t('examResults.attempts'), dataIndex: 'attempts', align: 'right' },
    { title: t('examResults.submittedAt'), dataIndex: 'submittedAt', render: (v: string | null) => formatDateTime(v) },
  ];
  return (
    <Card data-testid="exam-results-list">
      <ListToolbar>
        <Select
          allowClear
          placeholder={t('examResults.levelTitle')}
          value={filter.level}
          onChange={(v?: string) => onFilter({ level: v })}
          options={EXAM_LEVELS.map((l) => ({ value: l, label: t(`examResults.level.${l}`) }))}
          style={{ width: 140 }}
          data-testid="results-level"
        />
        <Select
          allowClear
          placeholder={t('examResults.passed')}
          value={filter.passed === undefined ? undefined : String(filter.passed)}
          onChange={(v?: string) => onFilter({ passed: v })}
          options={[
            { value: 'true', label: t('examResults.passedOnly') },
            { value: 'false', label: t('examResults.failedOnly') },
          ]}
          style={{ width: 140 }}
          data-testid="results-passed"
        />
        <Input.Search
          allowClear
          placeholder={t('examResults.searchName')}
          value={qText}
          onChange={(e) => setQText(e.target.value)}
          onSearch={(v) => onFilter({ q: v.trim() || undefined })}
          style={{ width: 220 }}
          data-testid="results-q"
        />
        <DownloadButton
          file={() => examStatsApi.exportResults(examId, filter)}
          fileName={`exam-results-${examId}.xlsx`}
          data-testid="export-results"
        >
          {t('examResults.exportList')}
        </DownloadButton>
      </ListToolbar>
      <ListTable<ExamResultRow>
        rowKey="teacherId"
        columns={columns}
        list={list}
        paging={paging}
        empty={t('examResults.noResults')}
      />
    </Card>
  );
}

/**
 * 成绩与统计 of an exam (admins on the exam's line of the tree; the server decides what they read): by
 * unit against the targets, the score distribution, the question analysis, and the ranked list.
 */
export default function ExamResultsPage() {
  const { t } = useTranslation();
  const examId = Number(useParams().id);
  const { search, setSearch, paging } = useListSearch(SEARCH_KEYS);
  const tab: Tab = TABS.includes(search.tab as Tab) ? (search.tab as Tab) : 'units';
  const unitId = search.unit ? toPositiveInt(search.unit, 0) || undefined : undefined;
  const bins = search.bins === 'tens' ? 'tens' : 'bands';
  const statsQuery = { ...(unitId ? { unitId } : {}), bins } as const;
  const q = useQuery({
    queryKey: examStatsKeys.stats(examId, statsQuery),
    queryFn: () => examStatsApi.stats(examId, statsQuery),
    enabled: Number.isInteger(examId) && examId > 0,
  });
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <SectionSpin />;
  const stats = q.data;
  const level = EXAM_LEVELS.includes(search.level as ExamLevel) ? (search.level as ExamLevel) : undefined;
  const passed = search.passed === 'true' ? true : search.passed === 'false' ? false : undefined;
  const filter: ListFilter = {
    ...(unitId ? { unitId } : {}),
    ...(level ? { level } : {}),
    ...(passed === undefined ? {} : { passed }),
    ...(search.q ? { q: search.q } : {}),
  };
  const pick = (id: number) => setSearch({ unit: String(id), page: undefined });
  const cuts = stats.cutoffs.levelCuts;
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="exam-results-page">
      <Card
        title={t('examResults.title', { title: stats.exam.title })}
        extra={
          <DownloadButton
            file={() => examStatsApi.exportStats(examId, statsQuery)}
            fileName={`exam-stats-${examId}.xlsx`}
            data-testid="export-stats"
          >
            {t('examResults.exportStats')}
          </DownloadButton>
        }
      >
        <Descriptions size="small" column={{ xs: 1, md: 3 }}>
          <Descriptions.Item label={t('examResults.organiser')}>{stats.exam.organiser.name}</Descriptions.Item>
          <Descriptions.Item label={t('examResults.target')}>
            {t(`examResults.targetKind.${stats.exam.target}`)}
          </Descriptions.Item>
          <Descriptions.Item label={t('examResults.window')}>
            {`${formatDateTime(stats.exam.opensAt)} ~ ${formatDateTime(stats.exam.closesAt)}`}
          </Descriptions.Item>
          <Descriptions.Item label={t('examResults.cuts')}>
            {t('examResults.cutsText', { ...cuts, passLevel: t(`examResults.level.${stats.cutoffs.passLevel}`) })}
          </Descriptions.Item>
          <Descriptions.Item label={t('examResults.scope')}>
            <Space>
              {stats.base.name}
              {unitId !== undefined && (
                <Button
                  size="small"
                  onClick={() => setSearch({ unit: undefined, page: undefined })}
                  data-testid="stats-up"
                >
                  {t('examResults.backToAll')}
                </Button>
              )}
            </Space>
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Tabs
        type="card"
        activeKey={tab}
        onChange={(k) => setSearch({ tab: k === 'units' ? undefined : k, page: undefined })}
        items={[
          {
            key: 'units',
            label: <span data-testid="exam-tab-units">{t('examResults.tabs.units')}</span>,
            children: <UnitsTab stats={stats} onPick={pick} />,
          },
          {
            key: 'distribution',
            label: <span data-testid="exam-tab-distribution">{t('examResults.tabs.distribution')}</span>,
            children: (
              <DistributionTab
                stats={stats}
                bins={bins}
                onBins={(b) => setSearch({ bins: b === 'bands' ? undefined : b })}
              />
            ),
          },
          {
            key: 'questions',
            label: <span data-testid="exam-tab-questions">{t('examResults.tabs.questions')}</span>,
            children: <QuestionsTab stats={stats} />,
          },
          {
            key: 'list',
            label: <span data-testid="exam-tab-list">{t('examResults.tabs.list')}</span>,
            children: (
              <ListTab
                examId={examId}
                filter={filter}
                paging={paging}
                onFilter={(patch) => setSearch({ ...patch, page: undefined })}
              />
            ),
          },
        ]}
      />
    </Space>
  );
}
