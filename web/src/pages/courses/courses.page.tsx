import {
  BulbOutlined,
  EditOutlined,
  InboxOutlined,
  PaperClipOutlined,
  PlayCircleOutlined,
  RollbackOutlined,
} from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Popconfirm, Space, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { apiDownload, saveFile } from '../../api/client';
import {
  COURSE_CATEGORIES,
  COURSE_FORMS,
  COURSE_ORIGINS,
  COURSE_STATUSES,
  courseKeys,
  coursesApi,
  type Course,
  type CourseCategory,
  type CourseForm,
  type CourseOrigin,
  type CourseQuery,
  type CourseStatus,
} from '../../api/courses.api';
import { STAGES, type OrgUnitKind, type Stage } from '../../api/types';
import { useCurrentUser } from '../../auth/session';
import { StageTags } from '../../components/labels';
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
import { formatHours } from '../../lib/hours';
import { useCycles } from '../credits/use-cycles';
import { useUnitFromSearch } from '../teachers/use-unit-from-search';
import { CourseFormModal } from './course-form.modal';
import { CourseImportModal } from './course-import.modal';
import { ReflectionPromptsModal } from '../reflections/reflection-prompts.modal';

const SEARCH_KEYS = ['unit', 'q', 'category', 'form', 'module', 'stage', 'credit', 'origin', 'status', 'page'] as const;
const UNIT_KINDS: readonly OrgUnitKind[] = ['province', 'city', 'county', 'township', 'school'];

const oneOf = <T extends string>(list: readonly T[], v: string | undefined): T | undefined =>
  (list as readonly string[]).includes(v ?? '') ? (v as T) : undefined;

/** 课程目录: the courses a unit sees (inherited from above, its own, those below); kept by province, city and county admins. */
export default function CoursesPage() {
  const { t, i18n } = useTranslation();
  const me = useCurrentUser();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const { search, setSearch, paging } = useListSearch(SEARCH_KEYS);
  const { unitId, unit, unitOptions } = useUnitFromSearch(search.unit);
  const { cycle } = useCycles();
  const [editing, setEditing] = useState<Course | 'new' | null>(null);
  const [prompting, setPrompting] = useState<Course | null>(null);
  const [importing, setImporting] = useState(false);

  const filters: Omit<CourseQuery, 'page' | 'pageSize'> = {
    orgUnitId: unitId,
    q: search.q,
    category: oneOf<CourseCategory>(COURSE_CATEGORIES, search.category),
    form: oneOf<CourseForm>(COURSE_FORMS, search.form),
    module: search.module,
    stage: oneOf<Stage>(STAGES, search.stage),
    creditCategory: search.credit,
    origin: oneOf<CourseOrigin>(COURSE_ORIGINS, search.origin),
    status: oneOf<CourseStatus>(COURSE_STATUSES, search.status) ?? 'active',
  };
  const query: CourseQuery = { ...filters, page: paging.page, pageSize: paging.pageSize };
  const list = useListQuery(courseKeys.list(query), () => coursesApi.list(query));

  const archive = useMutation({
    mutationFn: (c: Course) => (c.archived ? coursesApi.unarchive(c.id) : coursesApi.archive(c.id)),
    onSuccess: ({ course }) => {
      void message.success(t(course.archived ? 'courses.archived' : 'courses.unarchived', { title: course.title }));
      void queryClient.invalidateQueries({ queryKey: courseKeys.all });
    },
    onError: (err) => message.error(errorMessage(err)),
  });

  const categoryName = (code: string) => {
    const c = cycle?.rules.categories.find((x) => x.code === code);
    return c ? (i18n.language === 'en' && c.nameEn ? c.nameEn : c.name) : code;
  };
  const unitName = list.data?.unit.name ?? unit?.name ?? me.orgUnit.name;
  const canCreate = list.data?.canCreate ?? false;

  const openMaterial = (courseId: number, evidenceId: number, title: string) => {
    apiDownload(coursesApi.materialUrl(courseId, evidenceId))
      .then((f) => saveFile(f, title))
      .catch((err: unknown) => message.error(errorMessage(err)));
  };

  const columns: TableColumnsType<Course> = [
    {
      title: t('courses.fields.title'),
      key: 'title',
      render: (_, c) => (
        <Flex vertical align="flex-start" gap={2}>
          <Typography.Text strong className="wrap-anywhere" data-testid="course-row-title">
            {c.title}
          </Typography.Text>
          {c.description && (
            <Typography.Paragraph
              type="secondary"
              className="small-text"
              ellipsis={{ rows: 2, tooltip: c.description }}
              style={{ margin: 0, maxWidth: 420 }}
            >
              {c.description}
            </Typography.Paragraph>
          )}
          {c.materials.length > 0 && (
            <Space size={4} wrap>
              {c.materials.map((m, i) =>
                m.kind === 'link' ? (
                  <Typography.Link
                    key={i}
                    href={m.url}
                    target="_blank"
                    rel="noopener noreferrer"
                    className="small-text"
                  >
                    {m.title}
                  </Typography.Link>
                ) : (
                  <Typography.Link
                    key={i}
                    className="small-text"
                    onClick={() => openMaterial(c.id, m.evidenceId, m.title)}
                  >
                    <PaperClipOutlined /> {m.title}
                  </Typography.Link>
                ),
              )}
            </Space>
          )}
        </Flex>
      ),
    },
    {
      title: t('courses.fields.category'),
      dataIndex: 'category',
      render: (c: CourseCategory) => (
        <Tag color={c === 'required' ? 'red' : c === 'research' ? 'blue' : 'default'}>
          {t(`courses.categories.${c}`)}
        </Tag>
      ),
    },
    { title: t('courses.fields.module'), dataIndex: 'module' },
    { title: t('courses.fields.form'), dataIndex: 'form', render: (f: CourseForm) => t(`courses.forms.${f}`) },
    { title: t('courses.fields.hours'), dataIndex: 'hours', align: 'right', render: (h: number) => formatHours(h) },
    {
      title: t('courses.fields.creditCategories'),
      dataIndex: 'creditCategories',
      responsive: ['lg'],
      render: (cs: string[]) => (cs.length ? cs.map((c) => <Tag key={c}>{categoryName(c)}</Tag>) : '—'),
    },
    {
      title: t('courses.fields.stages'),
      dataIndex: 'stages',
      responsive: ['lg'],
      render: (s: Stage[]) => <StageTags stages={s} />,
    },
    {
      title: t('courses.fields.subjects'),
      dataIndex: 'subjects',
      responsive: ['xl'],
      render: (s: string[]) => (s.length ? s.join(t('common.listSeparator')) : '—'),
    },
    {
      title: t('courses.fields.unit'),
      key: 'unit',
      responsive: ['md'],
      render: (_, c) => (
        <Space size={4} wrap>
          <span>{c.orgUnitName}</span>
          {c.inherited && <Tag color="gold">{t('courses.inheritedTag')}</Tag>}
          {c.archived && <Tag>{t('courses.archivedTag')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      fixed: 'right',
      render: (_, c) => {
        const online = (
          <Link to={`/courses/${c.id}/online`}>
            <Button size="small" icon={<PlayCircleOutlined />} data-testid="course-online">
              {t('courseOnline.open')}
            </Button>
          </Link>
        );
        return c.canManage ? (
          <Space wrap>
            {online}
            <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(c)} data-testid="course-edit">
              {t('common.edit')}
            </Button>
            {c.form === 'online' && (
              <Button
                size="small"
                icon={<BulbOutlined />}
                onClick={() => setPrompting(c)}
                data-testid="course-reflection-prompts"
              >
                {t('reflections.prompts.button')}
              </Button>
            )}
            <Popconfirm
              title={
                c.archived
                  ? t('courses.unarchiveConfirm', { title: c.title })
                  : t('courses.archiveConfirm', { title: c.title })
              }
              okText={c.archived ? t('courses.unarchive') : t('courses.archive')}
              cancelText={t('common.cancel')}
              onConfirm={() => archive.mutate(c)}
            >
              <Button
                size="small"
                icon={c.archived ? <RollbackOutlined /> : <InboxOutlined />}
                loading={archive.isPending && archive.variables?.id === c.id}
                data-testid="course-archive"
              >
                {c.archived ? t('courses.unarchive') : t('courses.archive')}
              </Button>
            </Popconfirm>
          </Space>
        ) : (
          <Space wrap>
            {online}
            <Typography.Text type="secondary" className="small-text">
              {t('courses.readOnly')}
            </Typography.Text>
          </Space>
        );
      },
    },
  ];

  return (
    <ListPage
      title={t('courses.title')}
      intro={<Typography.Paragraph type="secondary">{t('courses.intro', { unit: unitName })}</Typography.Paragraph>}
      actions={
        <ListActions
          exportSheet={{
            file: () => coursesApi.exportSheet(filters),
            fileName: t('courses.exportFileName', { unit: unitName }),
            label: t('courses.export'),
            testId: 'courses-export',
          }}
          importSheet={{
            onClick: () => setImporting(true),
            label: t('courses.importAction'),
            testId: 'courses-import',
          }}
          create={{ onClick: () => setEditing('new'), label: t('courses.create'), testId: 'courses-create' }}
          manage={canCreate}
        >
          <ListUnitPicker
            value={unitId}
            options={unitOptions}
            kinds={UNIT_KINDS}
            onChange={(unit) => setSearch({ unit })}
            forSchools={false}
            testId="courses-unit"
          />
        </ListActions>
      }
    >
      <ListToolbar testId="courses-filters">
        <ListSearch
          value={search.q}
          onSearch={(q) => setSearch({ q })}
          placeholder={t('courses.searchPlaceholder')}
          width={240}
          testId="courses-search"
        />
        <ListFilter
          placeholder={t('courses.fields.category')}
          value={filters.category}
          values={COURSE_CATEGORIES}
          label={(c) => t(`courses.categories.${c}`)}
          onChange={(category) => setSearch({ category })}
          width={120}
          testId="courses-filter-category"
        />
        <ListFilter
          placeholder={t('courses.fields.form')}
          value={filters.form}
          values={COURSE_FORMS}
          label={(f) => t(`courses.forms.${f}`)}
          onChange={(form) => setSearch({ form })}
          width={120}
          testId="courses-filter-form"
        />
        <ListFilter
          showSearch
          placeholder={t('courses.fields.module')}
          value={filters.module}
          values={list.data?.modules ?? []}
          label={(m) => m}
          onChange={(module) => setSearch({ module })}
          width={160}
          testId="courses-filter-module"
        />
        <ListFilter
          placeholder={t('courses.fields.stages')}
          value={filters.stage}
          values={STAGES}
          label={(stage) => t(`stages.${stage}`)}
          onChange={(stage) => setSearch({ stage })}
          width={120}
          testId="courses-filter-stage"
        />
        <ListFilter
          placeholder={t('courses.fields.creditCategories')}
          value={filters.creditCategory}
          values={(cycle?.rules.categories ?? []).map((c) => c.code)}
          label={categoryName}
          onChange={(credit) => setSearch({ credit })}
          width={160}
          testId="courses-filter-credit"
        />
        <ListFilter
          placeholder={t('courses.originLabel')}
          value={filters.origin}
          values={COURSE_ORIGINS}
          label={(o) => t(`courses.origins.${o}`)}
          onChange={(origin) => setSearch({ origin })}
          width={140}
          testId="courses-filter-origin"
        />
        <ListFilter
          allowClear={false}
          value={filters.status}
          values={COURSE_STATUSES}
          label={(status) => t(`courses.statuses.${status}`)}
          onChange={(status) => setSearch({ status: status === 'active' ? undefined : status })}
          width={120}
          testId="courses-filter-status"
        />
      </ListToolbar>
      <ListTable<Course>
        rowKey="id"
        columns={columns}
        list={list}
        paging={paging}
        empty={t('courses.empty')}
        data-testid="courses-table"
      />
      <CourseFormModal
        open={editing !== null}
        course={editing === 'new' ? null : editing}
        orgUnitId={unitId}
        unitName={unitName}
        modules={list.data?.modules ?? []}
        cycle={cycle}
        mayUploadFiles={me.role === 'county_admin'}
        onClose={() => setEditing(null)}
      />
      <ReflectionPromptsModal course={prompting} onClose={() => setPrompting(null)} />
      <CourseImportModal open={importing} orgUnitId={unitId} unitName={unitName} onClose={() => setImporting(false)} />
    </ListPage>
  );
}
