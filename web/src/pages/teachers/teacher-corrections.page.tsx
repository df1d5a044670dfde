import { CheckOutlined, CloseOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Descriptions, Input, Modal, Segmented, Space, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isApiError } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import { teacherAccountsApi } from '../../api/teacher-accounts.api';
import {
  CORRECTION_STATUSES,
  type CorrectionQuery,
  type CorrectionStatus,
  type TeacherCorrection,
} from '../../api/types';
import {
  ListPage,
  ListTable,
  ListToolbar,
  ListUnitPicker,
  useListQuery,
  useListSearch,
} from '../../components/list-page';
import { useErrorMessage } from '../../lib/error-message';
import { fieldProblems } from '../../lib/form-errors';
import { formatDateTime } from '../../lib/format';
import { CorrectionStatusTag, useCorrectionWording } from './correction-labels';
import { useRosterWording } from './teacher-labels';
import { useUnitFromSearch } from './use-unit-from-search';

const SEARCH_KEYS = ['unit', 'status', 'page', 'size'] as const;
const ALL = 'all';
const MAX_NOTE = 500;

type StatusFilter = CorrectionStatus | typeof ALL;

interface Deciding {
  correction: TeacherCorrection;
  accept: boolean;
}

/** Accept (the change is applied to the record) or reject, with an optional note the teacher sees. */
function DecideModal({ deciding, onClose }: { deciding: Deciding | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const { fieldLabel, proposedText } = useCorrectionWording();
  const { columnLabel, problemText } = useRosterWording();
  const [note, setNote] = useState('');

  const decide = useMutation({
    mutationFn: ({ correction, accept }: Deciding) =>
      teacherAccountsApi.decideCorrection(correction.id, accept, note.trim() || null),
    onSuccess: ({ correction }) => {
      void message.success(
        correction.status === 'accepted'
          ? t('corrections.acceptedDone', { name: correction.teacherName })
          : t('corrections.rejectedDone'),
      );
      void queryClient.invalidateQueries({ queryKey: queryKeys.teacherCorrections });
      void queryClient.invalidateQueries({ queryKey: queryKeys.teachers });
      close();
    },
    onError: (err) => {
      // someone else decided it meanwhile: show the list as it is now
      if (isApiError(err, 'CONFLICT')) void queryClient.invalidateQueries({ queryKey: queryKeys.teacherCorrections });
    },
  });

  function close() {
    decide.reset();
    setNote('');
    onClose();
  }

  const problems = Object.entries(fieldProblems(decide.error));
  const c = deciding?.correction;
  return (
    <Modal
      open={deciding !== null}
      title={deciding?.accept ? t('corrections.acceptTitle') : t('corrections.rejectTitle')}
      onCancel={close}
      destroyOnHidden
      footer={
        <>
          <Button onClick={close}>{t('common.cancel')}</Button>
          <Button
            type="primary"
            danger={deciding ? !deciding.accept : false}
            loading={decide.isPending}
            onClick={() => deciding && decide.mutate(deciding)}
            data-testid="correction-decide-ok"
          >
            {deciding?.accept ? t('corrections.accept') : t('corrections.reject')}
          </Button>
        </>
      }
    >
      {c && (
        <Space orientation="vertical" style={{ width: '100%' }} size="middle">
          <Descriptions
            size="small"
            column={1}
            bordered
            items={[
              { key: 'teacher', label: t('corrections.teacher'), children: `${c.teacherName}（${c.orgUnitName}）` },
              { key: 'field', label: t('corrections.field'), children: fieldLabel(c.field) },
              { key: 'proposed', label: t('corrections.proposed'), children: proposedText(c) },
              { key: 'reason', label: t('corrections.reason'), children: c.reason },
            ]}
          />
          {deciding?.accept && <Alert type="info" showIcon title={t('corrections.acceptNotice')} />}
          {decide.isError && (
            <Alert
              type="error"
              showIcon
              title={errorMessage(decide.error)}
              description={
                problems.length > 0 ? (
                  <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                    {problems.map(([field, code]) => (
                      <li key={field}>
                        {columnLabel(field)}
                        {t('common.colon')}
                        {problemText(code) ?? code}
                      </li>
                    ))}
                  </ul>
                ) : undefined
              }
              data-testid="correction-decide-error"
            />
          )}
          <div>
            <Typography.Text>{t('corrections.note')}</Typography.Text>
            <Input.TextArea
              rows={3}
              value={note}
              onChange={(e) => setNote(e.target.value)}
              maxLength={MAX_NOTE}
              showCount
              placeholder={
                deciding?.accept ? t('corrections.notePlaceholderAccept') : t('corrections.notePlaceholderReject')
              }
              data-testid="correction-note"
            />
          </div>
        </Space>
      )}
    </Modal>
  );
}

/**
 * 信息更正申请: teachers' requests to correct their records, for the admins of their schools and
 * the units above. Open requests first; accepting applies the change to the registry.
 */
export default function TeacherCorrectionsPage() {
  const { t } = useTranslation();
  const { search, setSearch, paging } = useListSearch(SEARCH_KEYS);
  const { unitId, unitOptions } = useUnitFromSearch(search.unit);
  const { fieldLabel, proposedText } = useCorrectionWording();
  const [deciding, setDeciding] = useState<Deciding | null>(null);

  const status: StatusFilter =
    search.status === ALL
      ? ALL
      : CORRECTION_STATUSES.includes(search.status as CorrectionStatus)
        ? (search.status as CorrectionStatus)
        : 'open';
  const query: CorrectionQuery = {
    orgUnitId: unitId,
    status: status === ALL ? undefined : status,
    page: paging.page,
    pageSize: paging.pageSize,
  };
  const list = useListQuery(queryKeys.teacherCorrectionList(query), () => teacherAccountsApi.listCorrections(query));

  const columns: TableColumnsType<TeacherCorrection> = [
    {
      title: t('corrections.teacher'),
      dataIndex: 'teacherName',
      fixed: 'left',
      render: (name: string, c) => (
        <Link to={`/teachers/${c.teacherId}`} data-testid="correction-teacher">
          {name}
        </Link>
      ),
    },
    { title: t('teachers.fields.school'), dataIndex: 'orgUnitName', responsive: ['md'] },
    { title: t('corrections.field'), dataIndex: 'field', render: (_, c) => fieldLabel(c.field) },
    {
      title: t('corrections.proposed'),
      key: 'proposed',
      render: (_, c) =>
        c.proposedHidden ? (
          <Typography.Text type="secondary" data-testid="correction-proposed">
            {proposedText(c)}
          </Typography.Text>
        ) : (
          <span className="correction-proposed" data-testid="correction-proposed">
            {proposedText(c)}
          </span>
        ),
    },
    {
      title: t('corrections.reason'),
      dataIndex: 'reason',
      render: (reason: string) => (
        <Typography.Paragraph ellipsis={{ rows: 2, tooltip: reason }} style={{ margin: 0, maxWidth: 280 }}>
          {reason}
        </Typography.Paragraph>
      ),
    },
    {
      title: t('corrections.createdAt'),
      dataIndex: 'createdAt',
      responsive: ['lg'],
      render: (v: string) => formatDateTime(v),
    },
    {
      title: t('corrections.status'),
      key: 'status',
      render: (_, c) => (
        <Space orientation="vertical" size={0}>
          <CorrectionStatusTag status={c.status} />
          {c.decidedAt && <Typography.Text type="secondary">{formatDateTime(c.decidedAt)}</Typography.Text>}
          {c.decisionNote && (
            <Typography.Text type="secondary" className="correction-proposed">
              {c.decisionNote}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, c) =>
        c.status === 'open' ? (
          <Space wrap>
            <Button
              type="primary"
              size="small"
              icon={<CheckOutlined />}
              onClick={() => setDeciding({ correction: c, accept: true })}
              data-testid="correction-accept"
            >
              {t('corrections.accept')}
            </Button>
            <Button
              size="small"
              danger
              icon={<CloseOutlined />}
              onClick={() => setDeciding({ correction: c, accept: false })}
              data-testid="correction-reject"
            >
              {t('corrections.reject')}
            </Button>
          </Space>
        ) : null,
    },
  ];

  return (
    <ListPage
      title={t('corrections.title')}
      intro={<Typography.Paragraph type="secondary">{t('corrections.intro')}</Typography.Paragraph>}
    >
      <ListToolbar>
        <ListUnitPicker
          value={unitId}
          options={unitOptions}
          onChange={(unit) => setSearch({ unit })}
          testId="corrections-unit-filter"
        />
        <Segmented<StatusFilter>
          value={status}
          onChange={(value) => setSearch({ status: value === 'open' ? undefined : value })}
          options={[
            ...CORRECTION_STATUSES.map((s) => ({ value: s, label: t(`corrections.statuses.${s}`) })),
            { value: ALL, label: t('corrections.allStatuses') },
          ]}
          data-testid="corrections-status-filter"
        />
      </ListToolbar>
      <ListTable<TeacherCorrection>
        rowKey="id"
        columns={columns}
        list={list}
        paging={paging}
        empty={status === 'open' ? t('corrections.emptyOpen') : t('corrections.empty')}
        data-testid="corrections-table"
      />
      <DecideModal deciding={deciding} onClose={() => setDeciding(null)} />
    </ListPage>
  );
}
