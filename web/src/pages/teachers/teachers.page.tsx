import {
  DownloadOutlined,
  DownOutlined,
  HistoryOutlined,
  PlusOutlined,
  PrinterOutlined,
  UploadOutlined,
} from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Dropdown, Input, Space, Tag } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { saveFile } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import { teacherAccountsApi } from '../../api/teacher-accounts.api';
import { teachersApi } from '../../api/teachers.api';
import {
  BACKBONE_LEVELS,
  EMPLOYMENTS,
  STAGES,
  TEACHER_FLAGS,
  type BackboneLevel,
  type Employment,
  type Stage,
  type Teacher,
  type TeacherFlag,
  type TeacherQuery,
  type ActivationCode,
} from '../../api/types';
import { mayExportFullIdentifiers } from '../../auth/roles';
import { useCurrentUser } from '../../auth/session';
import {
  ListFilter,
  ListPage,
  ListTable,
  ListToolbar,
  ListUnitPicker,
  useListQuery,
  useListSearch,
} from '../../components/list-page';
import { useErrorMessage } from '../../lib/error-message';
import { orDash } from '../../lib/format';
import { ActivationBatchChooser } from './activation-batch';
import { ActivationSheet } from './activation-sheet';
import { TeacherFormModal } from './teacher-form.modal';
import { TeacherFlagTags, useTeacherValueLabels } from './teacher-labels';
import { useUnitFromSearch } from './use-unit-from-search';

const SEARCH_KEYS = ['unit', 'q', 'stage', 'employment', 'flag', 'backbone', 'account', 'page', 'size'] as const;

/**
 * A search for an ID number or a phone (names hold no digits). Such a search is not written
 * into the URL, so full identifiers stay out of the browser history and shared links.
 */
function isIdentifierSearch(text: string): boolean {
  return /[0-9]/.test(text);
}

function oneOf<T extends string>(values: readonly T[], value: string | undefined): T | undefined {
  return values.includes(value as T) ? (value as T) : undefined;
}

export default function TeachersPage() {
  const { t } = useTranslation();
  const { subjectLabel, titleLabel } = useTeacherValueLabels();
  const me = useCurrentUser();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message, modal } = App.useApp();
  const errorMessage = useErrorMessage();
  const { search, setSearch, paging } = useListSearch(SEARCH_KEYS);
  const [qText, setQText] = useState(search.q ?? '');
  const [identifierQ, setIdentifierQ] = useState<string | undefined>(undefined);
  const [creating, setCreating] = useState(false);
  const [exporting, setExporting] = useState(false);
  const { ownUnit, unitId, unit, unitOptions } = useUnitFromSearch(search.unit);
  // Codes live only here, never in the query cache: they are shown once.
  const [codes, setCodes] = useState<ActivationCode[] | null>(null);
  const issueCodes = useMutation({
    mutationFn: ({ orgUnitId, batch }: { orgUnitId: number; batch: number }) =>
      teacherAccountsApi.issueCodes(orgUnitId, undefined, batch),
    gcTime: 0,
    onSuccess: ({ items, batch }) => {
      issueCodes.reset();
      const n = (x: number) => x.toLocaleString('en');
      const range =
        batch && batch.batches > 1
          ? t('teachers.activation.batchRange', { from: n(batch.from), to: n(batch.to), total: n(batch.teachers) })
          : null;
      if (range) void message.info(t('teachers.activation.batchIssued', { range }));
      if (items.length === 0) void message.info(t('teachers.activation.none'));
      else setCodes(items);
    },
    onError: (err) => message.error(errorMessage(err)),
  });

  const filters: Omit<TeacherQuery, 'page' | 'pageSize'> = {
    orgUnitId: unitId,
    q: search.q ?? identifierQ,
    stage: oneOf<Stage>(STAGES, search.stage),
    employment: oneOf<Employment>(EMPLOYMENTS, search.employment),
    flag: oneOf<TeacherFlag>(TEACHER_FLAGS, search.flag),
    backboneLevel: oneOf<BackboneLevel>(BACKBONE_LEVELS, search.backbone),
    hasAccount: search.account === '1' ? true : search.account === '0' ? false : undefined,
  };
  const query: TeacherQuery = { ...filters, page: paging.page, pageSize: paging.pageSize };
  const list = useListQuery(queryKeys.teacherList(query), () => teachersApi.list(query));

  const unitParam = unitId === ownUnit.id ? '' : `?unit=${unitId}`;

  const runExport = async (full: boolean) => {
    setExporting(true);
    try {
      const file = await teachersApi.exportXlsx(filters, full);
      saveFile(file, t(full ? 'teachers.export.fullFileName' : 'teachers.export.fileName'));
    } catch (err) {
      void message.error(errorMessage(err));
    } finally {
      setExporting(false);
    }
  };

  const exportFull = () =>
    modal.confirm({
      title: t('teachers.export.fullConfirmTitle'),
      content: t('teachers.export.fullConfirmText'),
      okText: t('teachers.export.full'),
      cancelText: t('common.cancel'),
      onOk: () => runExport(true),
    });

  const confirmIssueCodes = async () => {
    // a unit with more teachers than one print chooses its batch in the dialog
    const chosen = { batch: 1 };
    const batches = await teacherAccountsApi.activationBatches(unitId).catch(() => null);
    modal.confirm({
      title: t('teachers.activation.confirmTitle', { unit: unit?.name ?? ownUnit.name }),
      content: (
        <ActivationBatchChooser
          batches={batches}
          text={t('teachers.activation.confirmText')}
          onChoose={(b) => {
            chosen.batch = b;
          }}
        />
      ),
      okText: t('teachers.activation.confirmOk'),
      cancelText: t('common.cancel'),
      onOk: () => issueCodes.mutateAsync({ orgUnitId: unitId, batch: chosen.batch }).catch(() => undefined),
    });
  };

  const columns: TableColumnsType<Teacher> = [
    {
      title: t('teachers.fields.name'),
      dataIndex: 'name',
      fixed: 'left',
      render: (name: string, teacher) => (
        <Link to={`/teachers/${teacher.id}`} data-testid="teacher-name">
          {name}
        </Link>
      ),
    },
    {
      title: t('teachers.fields.idNumber'),
      dataIndex: 'idNumberMasked',
      responsive: ['md'],
      render: (value: string) => <span className="identifier">{value}</span>,
    },
    {
      title: t('teachers.fields.phone'),
      dataIndex: 'phoneMasked',
      responsive: ['lg'],
      render: (value: string | null) => <span className="identifier">{orDash(value)}</span>,
    },
    { title: t('teachers.fields.school'), dataIndex: 'orgUnitName' },
    { title: t('teachers.fields.stage'), dataIndex: 'stage', render: (stage: Stage) => t(`stages.${stage}`) },
    {
      title: t('teachers.fields.subject'),
      dataIndex: 'subject',
      render: (value: string | null) => subjectLabel(value),
    },
    {
      title: t('teachers.fields.title'),
      dataIndex: 'title',
      responsive: ['lg'],
      render: (value: string | null) => titleLabel(value),
    },
    {
      title: t('teachers.fields.employment'),
      dataIndex: 'employment',
      responsive: ['md'],
      render: (value: Employment) => t(`teachers.employments.${value}`),
    },
    { title: t('teachers.fields.flags'), key: 'flags', render: (_, teacher) => <TeacherFlagTags teacher={teacher} /> },
    {
      title: t('teachers.fields.hasAccount'),
      dataIndex: 'hasAccount',
      responsive: ['md'],
      render: (value: boolean) =>
        value ? <Tag color="green">{t('teachers.account.yes')}</Tag> : <Tag>{t('teachers.account.no')}</Tag>,
    },
  ];

  const filtering = Boolean(
    filters.q || search.stage || search.employment || search.flag || search.backbone || search.account,
  );
  const mayFull = mayExportFullIdentifiers(me.role);
  const exportButton = mayFull ? (
    <Dropdown
      trigger={['click']}
      menu={{
        items: [
          { key: 'masked', label: <span data-testid="teachers-export-masked">{t('teachers.export.masked')}</span> },
          { key: 'full', label: <span data-testid="teachers-export-full">{t('teachers.export.full')}</span> },
        ],
        onClick: ({ key }) => (key === 'full' ? exportFull() : void runExport(false)),
      }}
    >
      <Button icon={<DownloadOutlined />} loading={exporting} data-testid="teachers-export">
        {t('teachers.export.action')} <DownOutlined />
      </Button>
    </Dropdown>
  ) : (
    <Button
      icon={<DownloadOutlined />}
      loading={exporting}
      onClick={() => void runExport(false)}
      data-testid="teachers-export"
    >
      {t('teachers.export.action')}
    </Button>
  );

  return (
    <ListPage
      title={t('teachers.title')}
      actions={
        <Space wrap>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="teacher-create">
            {t('teachers.create')}
          </Button>
          <Button
            icon={<UploadOutlined />}
            onClick={() => void navigate(`/teachers/import${unitParam}`)}
            data-testid="teachers-import"
          >
            {t('teachers.import.action')}
          </Button>
          {exportButton}
          <Button
            icon={<PrinterOutlined />}
            loading={issueCodes.isPending}
            onClick={() => void confirmIssueCodes()}
            data-testid="teachers-activation-codes"
          >
            {t('teachers.activation.action')}
          </Button>
          <Link to={`/teachers/former${unitParam}`} data-testid="teachers-former-link">
            <HistoryOutlined /> {t('teachers.former.link')}
          </Link>
        </Space>
      }
    >
      <ListToolbar>
        <ListUnitPicker
          value={unitId}
          options={unitOptions}
          onChange={(unit) => setSearch({ unit })}
          testId="teachers-unit-filter"
        />
        <Input.Search
          allowClear
          className="toolbar-grow"
          placeholder={t('teachers.list.searchPlaceholder')}
          value={qText}
          maxLength={60}
          onChange={(event) => setQText(event.target.value)}
          onSearch={(value) => {
            const text = value.trim();
            const identifier = text !== '' && isIdentifierSearch(text);
            setIdentifierQ(identifier ? text : undefined);
            setSearch({ q: identifier ? undefined : text || undefined });
          }}
          data-testid="teachers-search"
          aria-label={t('teachers.list.searchPlaceholder')}
        />
      </ListToolbar>
      <ListToolbar>
        <ListFilter
          className="toolbar-item toolbar-item-small"
          placeholder={t('teachers.list.allStages')}
          value={filters.stage}
          values={STAGES}
          label={(value) => t(`stages.${value}`)}
          onChange={(stage) => setSearch({ stage })}
          ariaLabel={t('teachers.fields.stage')}
          testId="teachers-stage-filter"
        />
        <ListFilter
          className="toolbar-item toolbar-item-small"
          placeholder={t('teachers.list.allEmployments')}
          value={filters.employment}
          values={EMPLOYMENTS}
          label={(value) => t(`teachers.employments.${value}`)}
          onChange={(employment) => setSearch({ employment })}
          ariaLabel={t('teachers.fields.employment')}
        />
        <ListFilter
          className="toolbar-item toolbar-item-small"
          placeholder={t('teachers.list.allFlags')}
          value={filters.flag}
          values={TEACHER_FLAGS}
          label={(value) => t(`teachers.flags.${value}`)}
          onChange={(flag) => setSearch({ flag })}
          ariaLabel={t('teachers.fields.flags')}
        />
        <ListFilter
          className="toolbar-item toolbar-item-small"
          placeholder={t('teachers.list.allBackboneLevels')}
          value={filters.backboneLevel}
          values={BACKBONE_LEVELS}
          label={(value) => t(`teachers.backboneLevels.${value}`)}
          onChange={(backbone) => setSearch({ backbone })}
          ariaLabel={t('teachers.fields.backboneLevel')}
        />
        <ListFilter<'1' | '0'>
          className="toolbar-item toolbar-item-small"
          placeholder={t('teachers.list.anyAccount')}
          value={search.account === '1' || search.account === '0' ? search.account : undefined}
          values={['1', '0']}
          label={(value) => t(value === '1' ? 'teachers.account.yes' : 'teachers.account.no')}
          onChange={(account) => setSearch({ account })}
          ariaLabel={t('teachers.fields.hasAccount')}
        />
        {filtering && (
          <Button
            onClick={() => {
              setQText('');
              setIdentifierQ(undefined);
              setSearch({
                q: undefined,
                stage: undefined,
                employment: undefined,
                flag: undefined,
                backbone: undefined,
                account: undefined,
              });
            }}
          >
            {t('common.clearFilters')}
          </Button>
        )}
      </ListToolbar>
      <ListTable<Teacher>
        rowKey="id"
        columns={columns}
        list={list}
        paging={paging}
        empty={filtering ? t('common.noMatch') : t('teachers.list.empty')}
        data-testid="teachers-table"
      />
      <TeacherFormModal
        mode="create"
        open={creating}
        schoolOptions={unit ? [unit] : []}
        onClose={() => setCreating(false)}
        onSaved={() => void queryClient.invalidateQueries({ queryKey: queryKeys.teachers })}
      />
      {codes && <ActivationSheet items={codes} onClose={() => setCodes(null)} />}
    </ListPage>
  );
}
