import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Checkbox, Empty, Flex, Form, Modal, Select, Space, Table, Tooltip, Typography } from 'antd';
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
import { useIsPhone } from '../../lib/use-media-query';
import { useTableWidth } from './table-width';

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

/** The person in one short phrase: the name a platform gave, else its identifier. */
const whoOf = (row: LrsReviewRow): string => {
  const who = actorWords(row);
  return who.name ?? who.id;
};

/** One line cut short with an ellipsis; the whole text shows on hover. */
function Clipped({ text, secondary }: { text: string; secondary?: boolean }) {
  return (
    <Typography.Text
      type={secondary ? 'secondary' : undefined}
      ellipsis={{ tooltip: text }}
      style={{ display: 'block', maxWidth: '100%' }}
    >
      {text}
    </Typography.Text>
  );
}

/** A display name with its IRI beside it on hover; the IRI itself when the platform sent no name. */
function Named({ name, iri, secondary }: { name: string | null; iri: string; secondary?: boolean }) {
  if (!name) return <Clipped text={iri} secondary={secondary} />;
  return (
    <Tooltip title={iri}>
      <Typography.Text type={secondary ? 'secondary' : undefined} ellipsis style={{ display: 'block' }}>
        {name}
      </Typography.Text>
    </Tooltip>
  );
}

function MapModal({ row, onClose }: { row: LrsReviewRow; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const [teacher, setTeacher] = useState<{ id: number; name: string } | undefined>();
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
    mutationFn: () => lrsApi.map({ clientId: row.clientId, actorIfi: row.actorIfi, teacherId: teacher!.id, remember }),
    onSuccess: (r) => {
      void message.success(t('lrs.review.mapped', { count: r.matched, teacher: teacher!.name }));
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
      okButtonProps={{ disabled: teacher === undefined, 'data-testid': 'lrs-map-ok' }}
      confirmLoading={map.isPending}
      onOk={() => map.mutate()}
    >
      <Typography.Paragraph>
        {t('lrs.review.mapText', {
          who: who.name ? t('lrs.review.nameAndId', { name: who.name, id: who.id }) : who.id,
          count: row.count,
          client: row.clientName,
        })}
      </Typography.Paragraph>
      <Form layout="vertical">
        <Form.Item label={t('lrs.review.teacher')} extra={t('lrs.review.teacherHint', { unit: row.clientUnitName })}>
          <Select<number>
            showSearch={{ filterOption: false, onSearch: setSearch }}
            value={teacher?.id}
            onChange={(id) => {
              const x = teachers.data?.items.find((i) => i.id === id);
              setTeacher(x ? { id: x.id, name: x.name } : undefined);
            }}
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
  const isPhone = useIsPhone();
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
      title: t('lrs.review.rejectTitle', { who: whoOf(r), client: r.clientName, count: r.count }),
      content: t('lrs.review.rejectText', { count: r.count }),
      okText: t('lrs.review.reject'),
      okButtonProps: { danger: true, 'data-testid': 'lrs-reject-ok' },
      cancelText: t('common.cancel'),
      onOk: () => reject.mutateAsync(r).catch(() => undefined),
    });

  // The person stays at the left and the actions at the right while the columns between scroll; on a
  // phone only the person, the records' platform on a second line, and the actions are shown.
  const columns: TableColumnsType<LrsReviewRow> = [
    {
      title: t('lrs.review.actor'),
      key: 'actor',
      fixed: 'left',
      width: isPhone ? 160 : 220,
      render: (_, r) => {
        const who = actorWords(r);
        return (
          <>
            {who.name && <Clipped text={who.name} />}
            <Clipped text={who.id} secondary />
            <Typography.Text type="secondary" className="lrs-review-phone-only">
              {t('lrs.review.countOn', { count: r.count, client: r.clientName })}
            </Typography.Text>
          </>
        );
      },
    },
    {
      title: t('lrs.review.client'),
      key: 'client',
      width: 180,
      responsive: ['md'],
      render: (_, r) => (
        <>
          <Clipped text={r.clientName} />
          <Clipped text={r.clientUnitName} secondary />
        </>
      ),
    },
    { title: t('lrs.review.count'), dataIndex: 'count', align: 'right', width: 80, responsive: ['md'] },
    {
      title: t('lrs.review.stored'),
      key: 'stored',
      width: 150,
      responsive: ['lg'],
      render: (_, r) =>
        r.firstStored === r.lastStored ? (
          formatDateTime(r.lastStored)
        ) : (
          <>
            <div className="nowrap">{formatDateTime(r.firstStored)} –</div>
            <div className="nowrap">{formatDateTime(r.lastStored)}</div>
          </>
        ),
    },
    {
      title: t('lrs.review.sample'),
      key: 'sample',
      width: 250,
      responsive: ['md'],
      render: (_, r) => (
        <Flex vertical style={{ minWidth: 0 }}>
          <Named name={r.sampleVerbName} iri={r.sampleVerb} />
          {r.sampleActivity && <Named name={r.sampleActivityName} iri={r.sampleActivity} secondary />}
        </Flex>
      ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      fixed: 'right',
      width: isPhone ? 150 : 170,
      render: (_, r) => (
        <Flex vertical align="flex-start">
          <Space size={0} wrap>
            {r.mappable && (
              <Button type="link" size="small" onClick={() => setMapping(r)} data-testid={`lrs-map-${rowKey(r)}`}>
                {t('lrs.review.map')}
              </Button>
            )}
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
          {!r.mappable && (
            <Typography.Text type="secondary" className="small-text" data-testid={`lrs-unmappable-${rowKey(r)}`}>
              {t('lrs.review.unmappable')}
            </Typography.Text>
          )}
        </Flex>
      ),
    },
  ];
  const tableWidth = useTableWidth(columns);

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
        scroll={{ x: tableWidth }}
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
