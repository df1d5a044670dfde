import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, InputNumber, Space, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { trainingApi, trainingKeys, type ClassDetail, type Quota } from '../../api/training.api';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { useErrorMessage } from '../../lib/error-message';

/** What the table checks before saving: no negative quota, none below its places used, total within capacity. */
export function quotaProblems(
  rows: ReadonlyArray<{ orgUnitId: number; quota: number; used: number }>,
  capacity: number,
): { total: number; overCapacity: boolean; belowUsed: Set<number> } {
  const total = rows.reduce((s, r) => s + r.quota, 0);
  const belowUsed = new Set(rows.filter((r) => r.quota < r.used || r.quota < 0).map((r) => r.orgUnitId));
  return { total, overCapacity: total > capacity, belowUsed };
}

/** The quota table in edit mode: every child unit of the organiser with its quota, the total and the capacity. */
function QuotaEditor({ cls, onDone }: { cls: ClassDetail; onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const units = useQuery({
    queryKey: ['training', 'quota-units', cls.id],
    queryFn: () => trainingApi.quotaUnits(cls.id),
  });
  const [edits, setEdits] = useState<Map<number, number>>(new Map());
  const save = useMutation({
    mutationFn: (quotas: Array<{ orgUnitId: number; quota: number }>) => trainingApi.setQuotas(cls.id, quotas),
    onSuccess: () => {
      void message.success(t('training.quota.saved'));
      void queryClient.invalidateQueries({ queryKey: trainingKeys.all });
      onDone();
    },
    onError: (err) => message.error(errorText(err)),
  });
  if (units.isPending) return <SectionSpin />;
  if (units.isError) return <ErrorResult error={units.error} onRetry={() => void units.refetch()} />;
  const capacity = units.data.capacity;
  const rows = units.data.items.map((u) => ({ ...u, quota: edits.get(u.orgUnitId) ?? u.quota }));
  const { total, overCapacity, belowUsed } = quotaProblems(rows, capacity);
  if (rows.length === 0) return <Alert type="info" showIcon title={t('training.quota.noUnits')} />;

  const columns: TableColumnsType<Quota> = [
    { title: t('training.quota.unit'), dataIndex: 'orgUnitName' },
    {
      title: t('training.quota.quota'),
      key: 'quota',
      render: (_, r) => (
        <Space direction="vertical" size={0}>
          <InputNumber
            min={0}
            max={1_000_000}
            precision={0}
            value={r.quota}
            status={belowUsed.has(r.orgUnitId) ? 'error' : undefined}
            onChange={(v) => setEdits(new Map(edits).set(r.orgUnitId, Math.max(0, Math.floor(v ?? 0))))}
            aria-label={t('training.quota.quotaOf', { unit: r.orgUnitName })}
            data-testid="quota-input"
          />
          {belowUsed.has(r.orgUnitId) && (
            <Typography.Text type="danger" className="small-text">
              {t('training.quota.belowUsed', { used: r.used })}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    { title: t('training.quota.used'), dataIndex: 'used', align: 'right' },
  ];

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Table<Quota>
        rowKey="orgUnitId"
        size="small"
        columns={columns}
        dataSource={rows}
        pagination={false}
        scroll={{ y: 420 }}
        data-testid="quota-table"
        summary={() => (
          <Table.Summary fixed>
            <Table.Summary.Row>
              <Table.Summary.Cell index={0}>
                <Typography.Text strong>{t('training.quota.total')}</Typography.Text>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={1}>
                <Typography.Text strong type={overCapacity ? 'danger' : undefined} data-testid="quota-total">
                  {t('training.quota.totalOfCapacity', { total, capacity })}
                </Typography.Text>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={2} align="right">
                {rows.reduce((s, r) => s + r.used, 0)}
              </Table.Summary.Cell>
            </Table.Summary.Row>
          </Table.Summary>
        )}
      />
      {overCapacity ? (
        <Alert type="error" showIcon title={t('training.quota.overCapacity', { total, capacity })} />
      ) : (
        <Typography.Text type="secondary">{t('training.quota.shared', { count: capacity - total })}</Typography.Text>
      )}
      <Space>
        <Button
          type="primary"
          loading={save.isPending}
          disabled={overCapacity || belowUsed.size > 0}
          onClick={() =>
            save.mutate(
              rows.filter((r) => r.quota > 0 || r.used > 0).map((r) => ({ orgUnitId: r.orgUnitId, quota: r.quota })),
            )
          }
          data-testid="quota-save"
        >
          {t('training.save')}
        </Button>
        <Button onClick={onDone}>{t('training.cancel')}</Button>
      </Space>
    </Space>
  );
}

/**
 * 名额分配 of a class: the quotas set, and for its managers one table of all the organiser's child
 * units to set them in, with the total against the class's capacity, saved in one request.
 */
export function QuotaTableCard({ cls, canManage }: { cls: ClassDetail; canManage: boolean }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  const columns: TableColumnsType<Quota> = [
    { title: t('training.quota.unit'), dataIndex: 'orgUnitName' },
    { title: t('training.quota.quota'), dataIndex: 'quota', align: 'right' },
    { title: t('training.quota.used'), dataIndex: 'used', align: 'right' },
  ];
  return (
    <Card
      size="small"
      title={t('training.quotas')}
      extra={
        canManage &&
        !editing && (
          <Button size="small" onClick={() => setEditing(true)} data-testid="quota-edit">
            {t('training.edit')}
          </Button>
        )
      }
    >
      {editing ? (
        <QuotaEditor cls={cls} onDone={() => setEditing(false)} />
      ) : (
        <Table<Quota>
          rowKey="orgUnitId"
          size="small"
          pagination={false}
          columns={columns}
          dataSource={cls.quotas}
          locale={{ emptyText: t('training.quota.none') }}
        />
      )}
    </Card>
  );
}
