import { EditOutlined, EyeOutlined, InboxOutlined, RollbackOutlined, TeamOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Popconfirm, Result, Space, Switch, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import {
  DIFFICULTIES,
  QUESTION_KINDS,
  QUESTION_STATUSES,
  questionKeys,
  questionsApi,
  type Question,
  type QuestionKind,
  type QuestionQuery,
  type QuestionStatus,
} from '../../api/questions.api';
import { STAGES, type OrgUnitKind, type Stage } from '../../api/types';
import { useCurrentUser } from '../../auth/session';
import {
  ListActions,
  ListFilter,
  ListPage,
  ListSearch,
  ListTable,
  ListToolbar,
  ListUnitPicker,
  useListQuery,
  useListSearch,
} from '../../components/list-page';
import { useErrorMessage } from '../../lib/error-message';
import { toPositiveInt } from '../../lib/use-search-state';
import { useUnitFromSearch } from '../teachers/use-unit-from-search';
import { QuestionEditorDrawer } from './question-editor.drawer';
import { QuestionEditorsModal } from './question-editors.modal';
import { QuestionImportModal } from './question-import.modal';
import { QuestionTagsView, useAnswerText } from './question-preview';

const SEARCH_KEYS = [
  'unit',
  'q',
  'kind',
  'module',
  'subject',
  'stage',
  'difficulty',
  'inherited',
  'status',
  'page',
] as const;
const UNIT_KINDS: readonly OrgUnitKind[] = ['province', 'city', 'county'];

const oneOf = <T extends string>(list: readonly T[], v: string | undefined): T | undefined =>
  (list as readonly string[]).includes(v ?? '') ? (v as T) : undefined;

/**
 * 题库: a unit's question bank, with the banks above it (read-only, labelled with their unit) when
 * asked; kept by province, city and county admins and the trainers they name.
 */
export default function QuestionsPage() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const answerText = useAnswerText();
  const { search, setSearch, paging } = useListSearch(SEARCH_KEYS);
  const { unitOptions } = useUnitFromSearch(search.unit);
  const isTrainer = me.role === 'trainer';
  // a trainer's bank is the one they were named for: the server picks it when none is asked
  const askedUnit = search.unit ? toPositiveInt(search.unit, me.orgUnit.id) : undefined;
  const [editing, setEditing] = useState<Question | 'new' | null>(null);
  const [importing, setImporting] = useState(false);
  const [naming, setNaming] = useState(false);

  const filters: Omit<QuestionQuery, 'page' | 'pageSize'> = {
    unitId: askedUnit,
    q: search.q,
    kind: oneOf<QuestionKind>(QUESTION_KINDS, search.kind),
    module: search.module,
    subject: search.subject,
    stage: oneOf<Stage>(STAGES, search.stage),
    difficulty: search.difficulty ? toPositiveInt(search.difficulty, 3) : undefined,
    includeInherited: search.inherited !== '0',
    status: oneOf<QuestionStatus>(QUESTION_STATUSES, search.status) ?? 'active',
  };
  const query: QuestionQuery = { ...filters, page: paging.page, pageSize: paging.pageSize };
  const list = useListQuery(questionKeys.list(query), () => questionsApi.list(query));
  const bankUnit = list.data?.unit;
  const tags = useQuery({
    queryKey: questionKeys.tags(bankUnit?.id),
    queryFn: () => questionsApi.tags(bankUnit?.id),
    enabled: bankUnit !== undefined,
    staleTime: 60_000,
  });

  const archive = useMutation({
    mutationFn: (q: Question) => (q.archived ? questionsApi.restore(q.id) : questionsApi.archive(q.id)),
    onSuccess: ({ question }) => {
      void message.success(t(question.archived ? 'questions.archived' : 'questions.restored'));
      void queryClient.invalidateQueries({ queryKey: questionKeys.all });
    },
    onError: (err) => message.error(errorMessage(err)),
  });

  if (isTrainer && isApiError(list.error, 'FORBIDDEN'))
    return (
      <ListPage title={t('questions.title')}>
        <Result status="info" title={t('questions.notNamed')} data-testid="questions-not-named" />
      </ListPage>
    );

  const unitName = bankUnit?.name ?? me.orgUnit.name;
  const canCreate = list.data?.canCreate ?? false;

  const columns: TableColumnsType<Question> = [
    {
      title: t('questions.fields.stem'),
      key: 'stem',
      render: (_, q) => (
        <Flex vertical align="flex-start" gap={2}>
          <Space size={4}>
            <Tag color="blue">{t(`questions.kinds.${q.kind}`)}</Tag>
            {q.version > 1 && <Tag>{t('questions.versionTag', { version: q.version })}</Tag>}
          </Space>
          <Typography.Paragraph
            className="wrap-anywhere"
            ellipsis={{ rows: 2, tooltip: q.stem }}
            style={{ margin: 0, maxWidth: 520 }}
            data-testid="question-row-stem"
          >
            {q.stem}
          </Typography.Paragraph>
        </Flex>
      ),
    },
    {
      title: t('questions.fields.answer'),
      key: 'answer',
      render: (_, q) => (
        <Typography.Text ellipsis={{ tooltip: answerText(q) }} style={{ maxWidth: 180 }}>
          {answerText(q)}
        </Typography.Text>
      ),
    },
    {
      title: t('questions.tagsLabel'),
      key: 'tags',
      responsive: ['lg'],
      render: (_, q) => <QuestionTagsView question={q} />,
    },
    {
      title: t('questions.fields.unit'),
      key: 'unit',
      responsive: ['md'],
      render: (_, q) => (
        <Space size={4} wrap>
          <span>{q.unitName}</span>
          {q.inherited && <Tag color="gold">{t('questions.inheritedTag')}</Tag>}
          {q.archived && <Tag>{t('questions.archivedTag')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      fixed: 'right',
      render: (_, q) =>
        q.canManage ? (
          <Space wrap>
            <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(q)} data-testid="question-edit">
              {t('common.edit')}
            </Button>
            <Popconfirm
              title={q.archived ? t('questions.restoreConfirm') : t('questions.archiveConfirm')}
              okText={q.archived ? t('questions.restore') : t('questions.archive')}
              cancelText={t('common.cancel')}
              onConfirm={() => archive.mutate(q)}
            >
              <Button
                size="small"
                icon={q.archived ? <RollbackOutlined /> : <InboxOutlined />}
                loading={archive.isPending && archive.variables?.id === q.id}
                data-testid="question-archive"
              >
                {q.archived ? t('questions.restore') : t('questions.archive')}
              </Button>
            </Popconfirm>
          </Space>
        ) : (
          <Button size="small" icon={<EyeOutlined />} onClick={() => setEditing(q)} data-testid="question-view">
            {t('questions.view')}
          </Button>
        ),
    },
  ];

  return (
    <ListPage
      title={t('questions.title')}
      intro={<Typography.Paragraph type="secondary">{t('questions.intro', { unit: unitName })}</Typography.Paragraph>}
      actions={
        <ListActions
          exportSheet={{
            file: () => questionsApi.exportSheet(filters),
            fileName: t('questions.exportFileName', { unit: unitName }),
            label: t('questions.export'),
            testId: 'questions-export',
          }}
          importSheet={{
            onClick: () => setImporting(true),
            label: t('questions.importAction'),
            testId: 'questions-import',
          }}
          create={{ onClick: () => setEditing('new'), label: t('questions.create'), testId: 'questions-create' }}
          manage={canCreate}
        >
          {!isTrainer && (
            <ListUnitPicker
              value={askedUnit ?? me.orgUnit.id}
              options={unitOptions}
              kinds={UNIT_KINDS}
              onChange={(unit) => setSearch({ unit })}
              forSchools={false}
              testId="questions-unit"
            />
          )}
          {canCreate && !isTrainer && (
            <Button icon={<TeamOutlined />} onClick={() => setNaming(true)} data-testid="questions-editors">
              {t('questions.editors.button')}
            </Button>
          )}
        </ListActions>
      }
    >
      <ListToolbar testId="questions-filters">
        <ListSearch
          value={search.q}
          onSearch={(q) => setSearch({ q })}
          placeholder={t('questions.searchPlaceholder')}
          width={220}
          testId="questions-search"
        />
        <ListFilter
          placeholder={t('questions.fields.kind')}
          value={filters.kind}
          values={QUESTION_KINDS}
          label={(k) => t(`questions.kinds.${k}`)}
          onChange={(kind) => setSearch({ kind })}
          width={120}
          testId="questions-filter-kind"
        />
        <ListFilter
          showSearch
          placeholder={t('questions.fields.module')}
          value={filters.module}
          values={tags.data?.modules ?? []}
          label={(m) => m}
          onChange={(module) => setSearch({ module })}
          width={140}
          testId="questions-filter-module"
        />
        <ListFilter
          showSearch
          placeholder={t('questions.fields.subject')}
          value={filters.subject}
          values={tags.data?.subjects ?? []}
          label={(m) => m}
          onChange={(subject) => setSearch({ subject })}
          width={120}
          testId="questions-filter-subject"
        />
        <ListFilter
          placeholder={t('questions.fields.stage')}
          value={filters.stage}
          values={STAGES}
          label={(s) => t(`stages.${s}`)}
          onChange={(stage) => setSearch({ stage })}
          width={110}
          testId="questions-filter-stage"
        />
        <ListFilter
          placeholder={t('questions.fields.difficulty')}
          value={search.difficulty as `${(typeof DIFFICULTIES)[number]}` | undefined}
          values={DIFFICULTIES.map((d) => `${d}` as const)}
          label={(d) => t('questions.difficultyTag', { n: d })}
          onChange={(difficulty) => setSearch({ difficulty })}
          width={110}
          testId="questions-filter-difficulty"
        />
        <ListFilter
          allowClear={false}
          value={filters.status}
          values={QUESTION_STATUSES}
          label={(s) => t(`questions.statuses.${s}`)}
          onChange={(status) => setSearch({ status: status === 'active' ? undefined : status })}
          width={110}
          testId="questions-filter-status"
        />
        <Space size={6}>
          <Switch
            size="small"
            checked={search.inherited !== '0'}
            onChange={(on) => setSearch({ inherited: on ? undefined : '0' })}
            data-testid="questions-inherited"
          />
          <Typography.Text>{t('questions.includeInherited')}</Typography.Text>
        </Space>
      </ListToolbar>
      <ListTable<Question>
        rowKey="id"
        columns={columns}
        list={list}
        paging={paging}
        empty={t('questions.empty')}
        data-testid="questions-table"
      />
      <QuestionEditorDrawer
        open={editing !== null}
        question={editing === 'new' ? null : editing}
        unitId={bankUnit?.id}
        unitName={unitName}
        tags={tags.data}
        onClose={() => setEditing(null)}
      />
      <QuestionImportModal
        open={importing}
        unitId={bankUnit?.id}
        unitName={unitName}
        onClose={() => setImporting(false)}
      />
      {bankUnit && (
        <QuestionEditorsModal open={naming} unitId={bankUnit.id} unitName={unitName} onClose={() => setNaming(false)} />
      )}
    </ListPage>
  );
}
