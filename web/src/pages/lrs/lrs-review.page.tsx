import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Checkbox, Empty, Flex, Form, Modal, Select, Space, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type LrsReviewRow, lrsApi, lrsKeys } from '../../api/lrs.api';
import { queryKeys } from '../../api/query-keys';
import { teachersApi } from '../../api/teachers.api';
import type { TeacherQuery } from '../../api/types';
import { ListPage } from '../../components/list-page';
import { ErrorResult } from '../../components/page-states';
import { useErrorMessage } from '../../lib/error-message';
import { formatDateTime } from '../../lib/format';
import { useDebouncedValue } from '../../lib/use-debounced-value';

/** How a platform named the person: their name, mailbox or account, as sent. */
function actorWords(row: LrsReviewRow): { name: string | null; id: string } {
  const a = row.actor ?? {};
  const name = typeof a['name'] === 'string' ? a['name'] : null;
  const account = a['account'] as { homePage?: string; name?: string } | undefined;
  if (typeof a['mbox'] === 'string') return { name, id: a['mbox'].replace(/^mailto:/, '') };
  if (account?.name) return { name, id: `${account.name} @ ${account.homePage ?? ''}` };
  if (typeof a['openid'] === 'string') return { name, id: a['openid'] };
  if (typeof a['mbox_sha1sum'] === 'string') return { name, id: `sha1 ${a['mbox_sha1sum']}` };
  return { name, id: row.actorIfi || '—' };
}

const rowKey = (r: LrsReviewRow) => `${r.clientId}|${r.actorIfi}`;

function MapModal({ row, onClose }: { row: LrsReviewRow; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const [teacherId, setTeacherId] = useState<number | undefined>();
  const [remember, setRemember] = useState(true);
  const [search, setSearch] = useState('');
  const q = useDebouncedValue(search.trim(), 250);
  const query: TeacherQuery = { orgUnitId: row.clientUnitId, q: q || undefined, page: 1, pageSize: 20 };
  const teachers = useQuery({
    queryKey: queryKeys.teacherList(query),
    queryFn: () => teachersApi.list(query),
    enabled: q.length > 0,
  });
  const map = useMutation({
    mutationFn: () => lrsApi.map({ clientId: row.clientId, actorIfi: row.actorIfi, teacherId: teacherId!, remember }),
    onSuccess: (r) => {
      void message.success(t('lrs.review.mapped', { count: r.matched }));
      void queryClient.invalidateQueries({ queryKey: lrsKeys.all });
      onClose();
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  const who = actorWords(row);
  return (
    <Modal
      open
      title={t('lrs.review.mapTitle')}
      onCancel={map.isPending ? undefined : onClose}
      okText={t('lrs.review.map')}
      okButtonProps={{ disabled: teacherId === undefined, 'data-testid': 'lrs-map-ok' }}
      confirmLoading={map.isPending}
      onOk={() => map.mutate()}
    >
      <Typography.Paragraph>
        {t('lrs.review.mapText', {
          who: who.name ? `${who.name}（${who.id}）` : who.id,
          count: row.count,
          client: row.clientName,
        })}
      </Typography.Paragraph>
      <Form layout="vertical">
        <Form.Item label={t('lrs.review.teacher')} extra={t('lrs.review.teacherHint', { unit: row.clientUnitName })}>
          <Select<number>
            showSearch={{ filterOption: false, onSearch: setSearch }}
            value={teacherId}
            onChange={setTeacherId}
            loading={teachers.isFetching}
            placeholder={t('lrs.review.teacherPlaceholder')}
            notFoundContent={q ? t('lrs.review.noTeacher') : null}
            options={(teachers.data?.items ?? []).map((x) => ({
              value: x.id,
              label: `${x.name} · ${x.orgUnitName} · ${x.idNumberMasked}`,
            }))}
            data-testid="lrs-map-teacher"
          />
        </Form.Item>
        <Checkbox checked={remember} onChange={(e) => setRemember(e.target.checked)} data-testid="lrs-map-remember">
          {t('lrs.review.remember')}
        </Checkbox>
      </Form>
    </Modal>
  );
}

/** 待匹配学习记录: statements of the subtree's platforms whose person matched no teacher, one row per person. */
export default function LrsReviewPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const { message, modal } = App.useApp();
  const errorMessage = useErrorMessage();
  const [mapping, setMapping] = useState<LrsReviewRow | null>(null);
  const list = useQuery({ queryKey: lrsKeys.review, queryFn: lrsApi.review });

  const reject = useMutation({
    mutationFn: (r: LrsReviewRow) => lrsApi.reject({ clientId: r.clientId, actorIfi: r.actorIfi }),
    onSuccess: (r) => {
      void message.success(t('lrs.review.rejected', { count: r.rejected }));
      void queryClient.invalidateQueries({ queryKey: lrsKeys.all });
    },
    onError: (err) => message.error(errorMessage(err)),
  });

  const confirmReject = (r: LrsReviewRow) =>
    modal.confirm({
      title: t('lrs.review.rejectTitle'),
      content: t('lrs.review.rejectText', { count: r.count }),
      okText: t('lrs.review.reject'),
      okButtonProps: { danger: true, 'data-testid': 'lrs-reject-ok' },
      cancelText: t('common.cancel'),
      onOk: () => reject.mutateAsync(r).catch(() => undefined),
    });

  const columns: TableColumnsType<LrsReviewRow> = [
    {
      title: t('lrs.review.actor'),
      key: 'actor',
      render: (_, r) => {
        const who = actorWords(r);
        return (
          <>
            {who.name && <div>{who.name}</div>}
            <Typography.Text type="secondary" className="wrap-anywhere">
              {who.id}
            </Typography.Text>
          </>
        );
      },
    },
    {
      title: t('lrs.review.client'),
      key: 'client',
      render: (_, r) => (
        <>
          <div>{r.clientName}</div>
          <Typography.Text type="secondary">{r.clientUnitName}</Typography.Text>
        </>
      ),
    },
    { title: t('lrs.review.count'), dataIndex: 'count', align: 'right' },
    {
      title: t('lrs.review.stored'),
      key: 'stored',
      render: (_, r) =>
        r.firstStored === r.lastStored
          ? formatDateTime(r.lastStored)
          : `${formatDateTime(r.firstStored)} – ${formatDateTime(r.lastStored)}`,
    },
    {
      title: t('lrs.review.sample'),
      key: 'sample',
      render: (_, r) => (
        <Flex vertical>
          <Typography.Text className="wrap-anywhere">{r.sampleVerb}</Typography.Text>
          {r.sampleActivity && (
            <Typography.Text type="secondary" className="wrap-anywhere">
              {r.sampleActivity}
            </Typography.Text>
          )}
        </Flex>
      ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, r) => (
        <Space size={0}>
          <Button type="link" size="small" onClick={() => setMapping(r)} data-testid={`lrs-map-${rowKey(r)}`}>
            {t('lrs.review.map')}
          </Button>
          <Button
            type="link"
            size="small"
            danger
            onClick={() => confirmReject(r)}
            data-testid={`lrs-reject-${rowKey(r)}`}
          >
            {t('lrs.review.reject')}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <ListPage
      title={t('lrs.review.pageTitle')}
      testId="lrs-review-page"
      intro={
        <Typography.Paragraph>
          {t('lrs.review.intro')}
          {list.data && list.data.total > list.data.items.length
            ? ` ${t('lrs.review.more', { shown: list.data.items.length, total: list.data.total })}`
            : ''}
        </Typography.Paragraph>
      }
    >
      <Table<LrsReviewRow>
        rowKey={rowKey}
        size="small"
        columns={columns}
        dataSource={list.data?.items}
        loading={list.isFetching}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: 'max-content' }}
        data-testid="lrs-review-table"
        locale={{
          emptyText: list.isError ? (
            <ErrorResult error={list.error} onRetry={() => void list.refetch()} />
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('lrs.review.empty')} />
          ),
        }}
      />
      {mapping && <MapModal row={mapping} onClose={() => setMapping(null)} />}
    </ListPage>
  );
}
