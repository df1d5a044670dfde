import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Drawer, Empty, List, Space, Tabs, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import {
  reflectionKeys,
  reflectionsApi,
  type ClassReflection,
  type ClassReflectionQuery,
} from '../../api/reflections.api';
import {
  ListActions,
  ListFilter,
  ListPage,
  ListTable,
  ListToolbar,
  useListQuery,
  useListSearch,
} from '../../components/list-page';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { formatDateTime } from '../../lib/format';
import { toPositiveInt } from '../../lib/use-search-state';
import { HighlightedText, percent } from './highlighted-text';

const SEARCH_KEYS = ['tab', 'counted', 'teacher', 'page'] as const;
const COUNTED = ['yes', 'no'] as const;

/** What a reflection was most similar to, as a tutor may know it: a classmate by name, else only the kind. */
function useMatchText() {
  const { t } = useTranslation();
  return (m: ClassReflection['match']) =>
    !m ? '—' : t(`reflections.class.match.${m.kind}`, { name: m.teacherName ?? '' });
}

/** One reflection of the class in a drawer: its text with the passages found in other texts marked. */
function ReflectionDrawer({ classId, id, onClose }: { classId: number; id: number | null; onClose: () => void }) {
  const { t } = useTranslation();
  const matchText = useMatchText();
  const q = useQuery({
    queryKey: reflectionKeys.one(classId, id ?? 0),
    queryFn: () => reflectionsApi.one(classId, id!),
    enabled: id !== null,
  });
  const r = q.data;
  return (
    <Drawer
      open={id !== null}
      onClose={onClose}
      size="large"
      title={r ? t('reflections.class.detailTitle', { name: r.teacherName, title: r.title }) : ''}
      data-testid="class-reflection-drawer"
    >
      {q.isError ? (
        <ErrorResult error={q.error} onRetry={() => void q.refetch()} />
      ) : !r ? (
        <SectionSpin />
      ) : (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Space wrap>
            <Tag color={r.counts ? 'green' : 'orange'}>
              {t(r.counts ? 'reflections.item.counts' : 'reflections.item.notCounted')}
            </Tag>
            <Typography.Text type="secondary">
              {r.schoolName} · {t('reflections.item.chars', { count: r.chars })} ·{' '}
              {t('reflections.item.similarity', { pct: percent(r.similarity) })} · {matchText(r.match)}
            </Typography.Text>
          </Space>
          {r.matchedRanges.length > 0 && (
            <Alert type="warning" showIcon title={t('reflections.class.matchedPassages')} />
          )}
          <HighlightedText text={r.body} ranges={r.matchedRanges} testId="class-reflection-text" />
        </Space>
      )}
    </Drawer>
  );
}

/** 相似聚类: groups of near-identical reflections of the class, and those matching a text outside it or a prompt. */
function ClustersView({ classId, onOpen }: { classId: number; onOpen: (id: number) => void }) {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: reflectionKeys.clusters(classId), queryFn: () => reflectionsApi.clusters(classId) });
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <SectionSpin />;
  const { clusters, elsewhere, threshold } = q.data;
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="reflection-clusters">
      <Typography.Paragraph type="secondary">
        {t('reflections.class.clustersIntro', { pct: percent(threshold) })}
      </Typography.Paragraph>
      {clusters.length === 0 && <Empty description={t('reflections.class.noClusters')} />}
      {clusters.map((g, i) => (
        <Card
          key={g.members[0]?.id ?? i}
          size="small"
          title={t('reflections.class.cluster', { n: i + 1, count: g.members.length, pct: percent(g.maxSimilarity) })}
          data-testid="reflection-cluster"
        >
          <List
            size="small"
            dataSource={g.members}
            renderItem={(m) => (
              <List.Item>
                <Button type="link" style={{ paddingInline: 0 }} onClick={() => onOpen(m.id)}>
                  {m.teacherName} · {m.title}
                </Button>
                <Typography.Text type="secondary">{t('reflections.item.chars', { count: m.chars })}</Typography.Text>
              </List.Item>
            )}
          />
        </Card>
      ))}
      {elsewhere.length > 0 && (
        <Card size="small" title={t('reflections.class.elsewhere')} data-testid="reflection-elsewhere">
          <Typography.Paragraph type="secondary">{t('reflections.class.elsewhereIntro')}</Typography.Paragraph>
          <List
            size="small"
            dataSource={elsewhere}
            renderItem={(r) => (
              <List.Item>
                <Button type="link" style={{ paddingInline: 0 }} onClick={() => onOpen(r.id)}>
                  {r.teacherName} · {r.title}
                </Button>
                <Typography.Text type="secondary">
                  {t(`reflections.class.match.${r.kind}`)} ·{' '}
                  {t('reflections.item.similarity', { pct: percent(r.similarity) })}
                </Typography.Text>
              </List.Item>
            )}
          />
        </Card>
      )}
    </Space>
  );
}

/**
 * /classes/:classId/reflections — 研修心得 of an online class, for its tutors (trainers) and the
 * organiser's admins: every reflection with its author, whether it counts and what it matched, an
 * .xlsx of them, and the clusters of near-identical texts.
 */
export default function ClassReflectionsPage() {
  const { t } = useTranslation();
  const matchText = useMatchText();
  const classId = Number(useParams().classId);
  const { search, setSearch, paging } = useListSearch(SEARCH_KEYS);
  const [open, setOpen] = useState<number | null>(null);
  const tab = search.tab === 'clusters' ? 'clusters' : 'list';
  const counted = COUNTED.find((c) => c === search.counted);
  const teacherId = search.teacher ? toPositiveInt(search.teacher, 0) || undefined : undefined;
  const query: ClassReflectionQuery = {
    page: paging.page,
    pageSize: paging.pageSize,
    ...(counted ? { counted: counted === 'yes' } : {}),
    ...(teacherId ? { teacherId } : {}),
  };
  const list = useListQuery(reflectionKeys.ofClass(classId, query), () => reflectionsApi.ofClass(classId, query));
  if (list.isError && !list.data) return <ErrorResult error={list.error} onRetry={() => void list.refetch()} />;
  const d = list.data;
  const columns: TableColumnsType<ClassReflection> = [
    {
      title: t('reflections.class.columns.teacher'),
      key: 'teacher',
      render: (_, r) => (
        <Space direction="vertical" size={0}>
          <Button
            type="link"
            size="small"
            style={{ paddingInline: 0 }}
            onClick={() => setSearch({ teacher: String(r.teacherId) })}
          >
            {r.teacherName}
          </Button>
          <Typography.Text type="secondary" className="small-text">
            {r.schoolName}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: t('reflections.class.columns.title'),
      key: 'title',
      render: (_, r) => (
        <Button
          type="link"
          style={{ paddingInline: 0 }}
          onClick={() => setOpen(r.id)}
          data-testid="class-reflection-open"
        >
          {r.title}
        </Button>
      ),
    },
    { title: t('reflections.class.columns.chars'), dataIndex: 'chars', align: 'right' },
    {
      title: t('reflections.class.columns.similarity'),
      key: 'similarity',
      align: 'right',
      render: (_, r) => `${percent(r.similarity)}%`,
    },
    {
      title: t('reflections.class.columns.counts'),
      key: 'counts',
      render: (_, r) => (
        <Space size={4} wrap>
          <Tag color={r.counts ? 'green' : 'orange'}>
            {t(r.counts ? 'reflections.item.counts' : 'reflections.item.notCounted')}
          </Tag>
          {r.reasons.map((x) => (
            <Typography.Text key={x} type="secondary" className="small-text">
              {t(`reflections.class.reasons.${x}`)}
            </Typography.Text>
          ))}
        </Space>
      ),
    },
    {
      title: t('reflections.class.columns.match'),
      key: 'match',
      responsive: ['md'],
      render: (_, r) => matchText(r.match),
    },
    {
      title: t('reflections.class.columns.submittedAt'),
      key: 'createdAt',
      responsive: ['lg'],
      render: (_, r) => formatDateTime(r.createdAt),
    },
  ];
  const teacherName = teacherId ? d?.items.find((r) => r.teacherId === teacherId)?.teacherName : undefined;
  return (
    <ListPage
      title={t('reflections.class.title')}
      testId="class-reflections"
      intro={
        d && (
          <Space direction="vertical" size={0} style={{ marginBottom: 12 }}>
            <Typography.Text type="secondary">
              {t('reflections.class.intro', {
                project: d.class.projectTitle,
                className: d.class.name,
                course: d.class.courseTitle,
              })}
            </Typography.Text>
            <Typography.Text type="secondary">
              {t('reflections.class.rule', {
                required: d.rule.required,
                minChars: d.rule.minChars,
                pct: percent(d.rule.threshold),
              })}
            </Typography.Text>
          </Space>
        )
      }
      actions={
        <ListActions
          exportSheet={{
            label: t('reflections.class.export'),
            testId: 'class-reflections-export',
            file: () => reflectionsApi.exportClass(classId),
            fileName: `${d?.class.name ?? classId}-研修心得.xlsx`,
          }}
        />
      }
    >
      <Tabs
        activeKey={tab}
        onChange={(k) => setSearch({ tab: k === 'clusters' ? 'clusters' : undefined })}
        items={[
          {
            key: 'list',
            label: t('reflections.class.tabList'),
            children: (
              <>
                <ListToolbar>
                  <ListFilter
                    value={counted}
                    values={COUNTED}
                    label={(c) => t(`reflections.class.counted.${c}`)}
                    placeholder={t('reflections.class.filterCounted')}
                    onChange={(c) => setSearch({ counted: c })}
                    width={140}
                    testId="class-reflections-counted"
                  />
                  {teacherId && (
                    <Tag closable onClose={() => setSearch({ teacher: undefined })}>
                      {t('reflections.class.teacherFilter', { name: teacherName ?? teacherId })}
                    </Tag>
                  )}
                </ListToolbar>
                <ListTable<ClassReflection>
                  rowKey="id"
                  columns={columns}
                  list={list}
                  paging={paging}
                  empty={counted || teacherId ? t('common.noMatch') : t('reflections.class.empty')}
                  data-testid="class-reflections-table"
                />
              </>
            ),
          },
          {
            key: 'clusters',
            label: <span data-testid="class-reflections-clusters-tab">{t('reflections.class.tabClusters')}</span>,
            children: <ClustersView classId={classId} onOpen={setOpen} />,
          },
        ]}
      />
      <ReflectionDrawer classId={classId} id={open} onClose={() => setOpen(null)} />
    </ListPage>
  );
}
