import { FileTextOutlined, RollbackOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Space, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { creditsApi, type EntryQuery } from '../../api/credits.api';
import { queryKeys } from '../../api/query-keys';
import type { CreditEntry, Cycle } from '../../api/types';
import { useCreditWording } from '../../components/credit-labels';
import { DownloadButton } from '../../components/download-button';
import { ListTable, useListQuery, useLocalPaging } from '../../components/list-page';
import { ReasonModal } from '../../components/reason-modal';
import { formatDate, formatDateTime } from '../../lib/format';
import { formatHours } from '../../lib/hours';

const PAGE_SIZE = 50;

function EvidenceButton({ entry }: { entry: CreditEntry }) {
  const { t } = useTranslation();
  const evidenceId = entry.evidenceId;
  if (evidenceId === null)
    return entry.evidenceRef ? <Typography.Text type="secondary">{entry.evidenceRef}</Typography.Text> : <>—</>;
  return (
    <DownloadButton
      type="link"
      size="small"
      icon={<FileTextOutlined />}
      className="evidence-link"
      fileName={entry.evidenceName ?? `evidence-${evidenceId}`}
      file={() => creditsApi.downloadEvidence(evidenceId)}
    >
      {entry.evidenceName ?? t('credits.evidence')}
    </DownloadButton>
  );
}

/**
 * The register of a unit: entries of the cycle, newest first, with their evidence. An entry can
 * be reversed with a reason; in a year the county has signed off, the reversal becomes a request
 * for the county to approve.
 */
export function EntriesTable({ orgUnitId, cycle }: { orgUnitId: number; cycle: Cycle }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const { categoryName, sourceLabel } = useCreditWording();
  // the register is not counted: there is a next page while pages come back full
  const { paging } = useLocalPaging(PAGE_SIZE, { openEnded: true });
  const [reversing, setReversing] = useState<CreditEntry | null>(null);
  const query: EntryQuery = { orgUnitId, cycleId: cycle.id, page: paging.page, pageSize: paging.pageSize };
  const list = useListQuery(queryKeys.creditEntries(query), () => creditsApi.entries(query));
  const items = list.data?.items ?? [];
  // entries reversed by a reversal on this page; others answer ENTRY_ALREADY_REVERSED
  const reversed = new Set(items.map((e) => e.reversesId).filter((x): x is number => x !== null));

  const columns: TableColumnsType<CreditEntry> = [
    {
      title: t('creditRegister.fields.occurredOn'),
      dataIndex: 'occurredOn',
      render: (v: string) => formatDate(v),
      width: 110,
    },
    { title: t('creditRegister.list.teacher'), dataIndex: 'teacherName', render: (v: string | undefined) => v ?? '—' },
    { title: t('teachers.fields.school'), dataIndex: 'orgUnitName', responsive: ['lg'] },
    {
      title: t('creditRegister.fields.title'),
      dataIndex: 'title',
      render: (title: string, e) => (
        <Flex vertical className="entry-title-cell">
          <Typography.Text delete={e.reversesId !== null || reversed.has(e.id)}>{title}</Typography.Text>
          {e.reversesId !== null && (
            <Space size={4} wrap>
              <Tag>{t('credits.cancelled.reversal')}</Tag>
              {e.afterLock && <Tag color="purple">{t('credits.afterLock')}</Tag>}
            </Space>
          )}
          {e.reason && (
            <Typography.Text type="secondary" className="small-text">
              {t('credits.reasonValue', { reason: e.reason })}
            </Typography.Text>
          )}
        </Flex>
      ),
    },
    {
      title: t('creditRegister.list.hours'),
      dataIndex: 'hours',
      align: 'right',
      render: (h: number) => <span className={h < 0 ? 'hours-negative' : undefined}>{formatHours(h)}</span>,
    },
    {
      title: t('creditRegister.fields.categories'),
      dataIndex: 'categories',
      responsive: ['md'],
      render: (codes: string[]) =>
        codes.length === 0 ? (
          '—'
        ) : (
          <Space size={[0, 4]} wrap>
            {codes.map((c) => (
              <Tag key={c}>{categoryName(cycle.rules, c)}</Tag>
            ))}
          </Space>
        ),
    },
    { title: t('creditRegister.fields.sourceType'), dataIndex: 'sourceType', responsive: ['lg'], render: sourceLabel },
    {
      title: t('creditRegister.fields.evidence'),
      key: 'evidence',
      responsive: ['md'],
      render: (_, e) => <EvidenceButton entry={e} />,
    },
    {
      title: t('creditRegister.list.registered'),
      key: 'created',
      responsive: ['xl'],
      render: (_, e) => (
        <Typography.Text type="secondary" className="small-text">
          {formatDateTime(e.createdAt)}
          {e.createdByName ? ` · ${e.createdByName}` : ''}
        </Typography.Text>
      ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      fixed: 'right',
      render: (_, e) =>
        e.reversesId === null && !reversed.has(e.id) ? (
          <Button size="small" icon={<RollbackOutlined />} onClick={() => setReversing(e)} data-testid="entry-reverse">
            {t('creditRegister.reverse.action')}
          </Button>
        ) : null,
    },
  ];

  return (
    <>
      <ListTable<CreditEntry>
        rowKey="id"
        columns={columns}
        list={list}
        paging={paging}
        empty={t('creditRegister.list.empty')}
        data-testid="entries-table"
      />
      <ReasonModal
        open={reversing !== null}
        title={t('creditRegister.reverse.title')}
        description={
          reversing && (
            <Typography.Paragraph>
              {t('creditRegister.reverse.what', {
                teacher: reversing.teacherName ?? '',
                title: reversing.title,
                hours: formatHours(reversing.hours),
                date: formatDate(reversing.occurredOn),
              })}
              <br />
              <Typography.Text type="secondary">{t('creditRegister.reverse.lockedNote')}</Typography.Text>
            </Typography.Paragraph>
          )
        }
        label={t('creditRegister.reverse.reason')}
        placeholder={t('creditRegister.reverse.reasonPlaceholder')}
        okText={t('creditRegister.reverse.ok')}
        danger
        onClose={() => setReversing(null)}
        onSubmit={async (reason) => {
          const result = await creditsApi.reverse(reversing!.id, reason ?? '');
          if (result.requestId !== null) void message.info(t('creditRegister.reverse.requested'), 6);
          else void message.success(t('creditRegister.reverse.done'));
          void queryClient.invalidateQueries({ queryKey: queryKeys.credits });
        }}
        data-testid="reverse-modal"
      />
    </>
  );
}
