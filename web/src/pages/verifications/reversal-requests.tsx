import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Segmented, Space, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { queryKeys } from '../../api/query-keys';
import type { ReversalRequest, ReversalRequestStatus } from '../../api/types';
import { verificationsApi } from '../../api/verifications.api';
import { useCurrentUser } from '../../auth/session';
import { ReversalStatusTag } from '../../components/credit-labels';
import { ListTable, ListToolbar } from '../../components/list-page';
import { ReasonModal } from '../../components/reason-modal';
import { formatDate, formatDateTime } from '../../lib/format';
import { formatHours } from '../../lib/hours';

type Decision = { request: ReversalRequest; approve: boolean };

/**
 * Requests to change a year the county has signed off: the school asked to reverse an entry;
 * the county approves (the reversal is posted, marked as a change after sign-off) or rejects.
 */
export function ReversalRequests({ orgUnitId }: { orgUnitId: number }) {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<ReversalRequestStatus | 'all'>('pending');
  const [deciding, setDeciding] = useState<Decision | null>(null);
  const query = { orgUnitId, status: status === 'all' ? undefined : status };
  const list = useQuery({
    queryKey: queryKeys.reversalRequests(query),
    queryFn: () => verificationsApi.reversalRequests(query),
  });
  const mayDecide = me.role === 'county_admin';

  const columns: TableColumnsType<ReversalRequest> = [
    { title: t('verification.reversals.requestedAt'), dataIndex: 'requestedAt', render: formatDateTime, width: 150 },
    { title: t('creditRegister.list.teacher'), dataIndex: 'teacherName' },
    { title: t('teachers.fields.school'), dataIndex: 'orgUnitName', responsive: ['md'] },
    {
      title: t('verification.reversals.entry'),
      key: 'entry',
      render: (_, r) => (
        <Flex vertical>
          <Typography.Text>{r.title}</Typography.Text>
          <Typography.Text type="secondary" className="small-text">
            {t('verification.reversals.entryLine', {
              date: formatDate(r.occurredOn),
              hours: formatHours(r.hours),
              year: r.year,
            })}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      title: t('verification.reversals.reason'),
      key: 'reason',
      render: (_, r) => (
        <Flex vertical>
          <Typography.Text className="wrap-anywhere">{r.reason}</Typography.Text>
          {r.requestedByName && (
            <Typography.Text type="secondary" className="small-text">
              {t('verification.reversals.by', { name: r.requestedByName })}
            </Typography.Text>
          )}
        </Flex>
      ),
    },
    {
      title: t('verification.reversals.status'),
      key: 'status',
      render: (_, r) => (
        <Flex vertical align="flex-start">
          <ReversalStatusTag status={r.status} />
          {r.decisionNote && (
            <Typography.Text type="secondary" className="small-text wrap-anywhere">
              {r.decisionNote}
            </Typography.Text>
          )}
        </Flex>
      ),
    },
    ...(mayDecide
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, r: ReversalRequest) =>
              r.status === 'pending' ? (
                <Space>
                  <Button
                    size="small"
                    type="primary"
                    onClick={() => setDeciding({ request: r, approve: true })}
                    data-testid="reversal-approve"
                  >
                    {t('verification.reversals.approve')}
                  </Button>
                  <Button
                    size="small"
                    danger
                    onClick={() => setDeciding({ request: r, approve: false })}
                    data-testid="reversal-reject"
                  >
                    {t('verification.reversals.reject')}
                  </Button>
                </Space>
              ) : null,
          },
        ]
      : []),
  ];

  return (
    <>
      <ListToolbar>
        <Segmented<ReversalRequestStatus | 'all'>
          value={status}
          onChange={setStatus}
          options={[
            { value: 'pending', label: t('verification.reversalStatuses.pending') },
            { value: 'approved', label: t('verification.reversalStatuses.approved') },
            { value: 'rejected', label: t('verification.reversalStatuses.rejected') },
            { value: 'all', label: t('creditRegister.reviews.all') },
          ]}
        />
      </ListToolbar>
      <ListTable<ReversalRequest>
        rowKey="id"
        columns={columns}
        list={list}
        paging={50}
        empty={t('verification.reversals.empty')}
        data-testid="reversal-requests"
      />
      <ReasonModal
        open={deciding !== null}
        title={deciding?.approve ? t('verification.reversals.approveTitle') : t('verification.reversals.rejectTitle')}
        description={
          deciding && (
            <Typography.Paragraph>
              {t('verification.reversals.what', {
                teacher: deciding.request.teacherName,
                title: deciding.request.title,
                hours: formatHours(deciding.request.hours),
                year: deciding.request.year,
              })}
              <br />
              {t('verification.reversals.reasonValue', { reason: deciding.request.reason })}
            </Typography.Paragraph>
          )
        }
        label={t('verification.reversals.note')}
        required={deciding?.approve === false}
        okText={deciding?.approve ? t('verification.reversals.approve') : t('verification.reversals.reject')}
        danger={deciding?.approve === false}
        onClose={() => setDeciding(null)}
        onSubmit={async (note) => {
          await verificationsApi.decideReversal(deciding!.request.id, deciding!.approve, note);
          void message.success(
            deciding!.approve ? t('verification.reversals.approved') : t('verification.reversals.rejected'),
          );
          void queryClient.invalidateQueries({ queryKey: queryKeys.credits });
        }}
        data-testid="reversal-decide-modal"
      />
    </>
  );
}
