import { DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  DatePicker,
  Drawer,
  Empty,
  Form,
  Input,
  Modal,
  Popconfirm,
  Segmented,
  Select,
  Space,
  Statistic,
  Switch,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { lazy, Suspense, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { saveFile } from '../../api/client';
import { FEE_KINDS, feeKeys, feesApi, type DueLine, type FeeItem, type FeeKind } from '../../api/fees.api';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { useErrorMessage } from '../../lib/error-message';
import { showErrorsOnFields } from '../../lib/form-errors';
import { fenOf, fenToInput, formatFen, MAX_TOTAL_FEN, STATUS_COLOR, useMoneyRule } from './fee-labels';

const FeeChart = lazy(() => import('./fee-chart'));

function useRefresh(projectId: number) {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: [...feeKeys.all, 'dues', projectId] });
}

/** 费用 of a training project: its fees, and per paying unit what is due and paid (R-50). */
export function ProjectFeesCard({ projectId }: { projectId: number }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const refresh = useRefresh(projectId);
  const [showArchived, setShowArchived] = useState(false);
  const [picked, setPicked] = useState<number | null>(null);
  const [editing, setEditing] = useState<FeeItem | 'new' | null>(null);
  const [paying, setPaying] = useState<DueLine | null>(null);
  const [overriding, setOverriding] = useState<DueLine | null>(null);
  const [history, setHistory] = useState<DueLine | null>(null);
  const [exporting, setExporting] = useState(false);
  const q = useQuery({
    queryKey: feeKeys.dues(projectId, showArchived),
    queryFn: () => feesApi.dues(projectId, showArchived),
  });
  const archive = useMutation({
    mutationFn: (i: FeeItem) => feesApi.archive(i.id, !i.archived),
    onSuccess: () => void refresh(),
    onError: (err) => message.error(errorText(err)),
  });
  const remove = useMutation({
    mutationFn: (i: FeeItem) => feesApi.deleteItem(i.id),
    onSuccess: () => void refresh(),
    onError: (err) => message.error(errorText(err)),
  });

  const d = q.data;
  const active = d?.items.filter((i) => !i.archived) ?? [];
  const itemId = picked !== null && active.some((i) => i.id === picked) ? picked : (active[0]?.id ?? null);
  const item = active.find((i) => i.id === itemId) ?? null;
  const lines = useMemo(() => d?.lines.filter((l) => l.itemId === itemId) ?? [], [d, itemId]);

  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  if (!d) return <SectionSpin />;
  const totalsOf = (id: number) => d.itemTotals.find((x) => x.itemId === id);

  const download = async () => {
    setExporting(true);
    try {
      saveFile(await feesApi.exportProject(projectId), 'fees.xlsx');
    } catch (err) {
      void message.error(errorText(err));
    } finally {
      setExporting(false);
    }
  };

  const itemColumns: TableColumnsType<FeeItem> = [
    {
      title: t('fees.item.name'),
      dataIndex: 'name',
      render: (v: string, i) => (
        <Space>
          {v}
          {i.archived && <Tag>{t('fees.item.archived')}</Tag>}
        </Space>
      ),
    },
    { title: t('fees.item.kind'), dataIndex: 'kind', render: (k: FeeKind) => t(`fees.kinds.${k}`) },
    { title: t('fees.item.amount'), dataIndex: 'amountFen', align: 'right', render: (v: number) => formatFen(v) },
    {
      title: t('fees.due'),
      key: 'due',
      align: 'right',
      render: (_, i) => (i.archived ? '—' : formatFen(totalsOf(i.id)?.dueFen ?? 0)),
    },
    {
      title: t('fees.paid'),
      key: 'paid',
      align: 'right',
      render: (_, i) => (i.archived ? '—' : formatFen(totalsOf(i.id)?.paidFen ?? 0)),
    },
    {
      title: t('fees.balance'),
      key: 'balance',
      align: 'right',
      render: (_, i) => (i.archived ? '—' : formatFen(totalsOf(i.id)?.balanceFen ?? 0)),
    },
    ...(d.canManage
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, i: FeeItem) => (
              <Space size="small" wrap>
                {!i.archived && (
                  <Button size="small" onClick={() => setEditing(i)}>
                    {t('common.edit')}
                  </Button>
                )}
                <Button
                  size="small"
                  loading={archive.isPending && archive.variables?.id === i.id}
                  onClick={() => archive.mutate(i)}
                  data-testid="fee-archive"
                >
                  {i.archived ? t('fees.item.unarchive') : t('fees.item.archive')}
                </Button>
                {i.paymentCount === 0 && (
                  <Popconfirm
                    title={t('fees.item.deleteConfirm', { name: i.name })}
                    onConfirm={() => remove.mutateAsync(i)}
                  >
                    <Button size="small" danger>
                      {t('fees.item.delete')}
                    </Button>
                  </Popconfirm>
                )}
              </Space>
            ),
          },
        ]
      : []),
  ];

  const lineColumns: TableColumnsType<DueLine> = [
    { title: t('fees.unit'), dataIndex: 'unitName', fixed: 'left', width: 180 },
    { title: t('fees.code'), key: 'code', render: (_, l) => l.divisionCode ?? l.unitCode ?? '—', responsive: ['md'] },
    { title: t('fees.teachers'), dataIndex: 'teachers', align: 'right' },
    {
      title: t('fees.due'),
      dataIndex: 'dueFen',
      align: 'right',
      render: (v: number, l) =>
        l.overrideFen === null ? (
          formatFen(v)
        ) : (
          <Tooltip
            title={t('fees.override.was', {
              reason: l.overrideReason,
              counted: formatFen(l.teachers * (item?.amountFen ?? 0)),
            })}
          >
            <Space size={4}>
              {formatFen(v)}
              <Tag color="purple">{t('fees.override.tag')}</Tag>
            </Space>
          </Tooltip>
        ),
    },
    { title: t('fees.paid'), dataIndex: 'paidFen', align: 'right', render: (v: number) => formatFen(v) },
    { title: t('fees.balance'), dataIndex: 'balanceFen', align: 'right', render: (v: number) => formatFen(v) },
    {
      title: t('fees.statusLabel'),
      dataIndex: 'status',
      render: (s: DueLine['status']) => <Tag color={STATUS_COLOR[s]}>{t(`fees.status.${s}`)}</Tag>,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, l) => (
        <Space size="small" wrap>
          {d.canManage && (
            <Button size="small" type="primary" onClick={() => setPaying(l)} data-testid="fee-pay">
              {t('fees.payment.record')}
            </Button>
          )}
          {d.canManage && (
            <Button size="small" onClick={() => setOverriding(l)}>
              {t('fees.override.set')}
            </Button>
          )}
          <Button size="small" type="link" disabled={l.payments === 0} onClick={() => setHistory(l)}>
            {t('fees.payment.history', { count: l.payments })}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <Card
      title={t('fees.title')}
      extra={
        <Space wrap>
          {d.scope === 'all' && (
            <Space size={4}>
              <Switch size="small" checked={showArchived} onChange={setShowArchived} />
              {t('fees.showArchived')}
            </Space>
          )}
          <Button
            icon={<DownloadOutlined />}
            loading={exporting}
            onClick={() => void download()}
            disabled={active.length === 0}
          >
            {t('fees.export')}
          </Button>
          {d.canManage && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="fee-add">
              {t('fees.item.add')}
            </Button>
          )}
        </Space>
      }
      data-testid="project-fees"
    >
      <Space direction="vertical" style={{ width: '100%' }} size="large">
        {d.scope === 'own' && <Typography.Text type="secondary">{t('fees.ownScope')}</Typography.Text>}
        <Table
          rowKey="id"
          size="small"
          columns={itemColumns}
          dataSource={d.items}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: <Empty description={t('fees.item.none')} /> }}
        />
        {active.length > 0 && (
          <>
            <Space wrap size="large">
              <Statistic title={t('fees.totalDue')} value={formatFen(d.total.dueFen)} />
              <Statistic title={t('fees.totalPaid')} value={formatFen(d.total.paidFen)} />
              <Statistic title={t('fees.totalBalance')} value={formatFen(d.total.balanceFen)} />
            </Space>
            {active.length > 1 && (
              <Segmented
                value={itemId ?? undefined}
                onChange={(v) => setPicked(Number(v))}
                options={active.map((i) => ({ value: i.id, label: i.name }))}
              />
            )}
            <Table
              rowKey={(l) => `${l.itemId}-${l.unitId}`}
              size="small"
              columns={lineColumns}
              dataSource={lines}
              scroll={{ x: 'max-content' }}
              pagination={lines.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
              locale={{ emptyText: <Empty description={t('fees.noUnits')} /> }}
              summary={() => {
                const tot = itemId === null ? undefined : totalsOf(itemId);
                if (!tot || lines.length === 0) return null;
                return (
                  <Table.Summary.Row>
                    <Table.Summary.Cell index={0}>
                      <strong>{t('fees.total')}</strong>
                    </Table.Summary.Cell>
                    <Table.Summary.Cell index={1} />
                    <Table.Summary.Cell index={2} align="right">
                      {tot.teachers}
                    </Table.Summary.Cell>
                    <Table.Summary.Cell index={3} align="right">
                      {formatFen(tot.dueFen)}
                    </Table.Summary.Cell>
                    <Table.Summary.Cell index={4} align="right">
                      {formatFen(tot.paidFen)}
                    </Table.Summary.Cell>
                    <Table.Summary.Cell index={5} align="right">
                      {formatFen(tot.balanceFen)}
                    </Table.Summary.Cell>
                    <Table.Summary.Cell index={6} colSpan={2}>
                      {(['paid', 'partial', 'unpaid', 'overpaid'] as const)
                        .filter((s) => tot.byStatus[s] > 0)
                        .map((s) => `${t(`fees.status.${s}`)} ${tot.byStatus[s]}`)
                        .join(' · ')}
                    </Table.Summary.Cell>
                  </Table.Summary.Row>
                );
              }}
            />
            {lines.length > 1 && (
              <Suspense fallback={<SectionSpin />}>
                <FeeChart lines={lines} />
              </Suspense>
            )}
          </>
        )}
      </Space>
      {editing && (
        <ItemModal projectId={projectId} item={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
      )}
      {paying && item && (
        <PaymentModal projectId={projectId} item={item} line={paying} onClose={() => setPaying(null)} />
      )}
      {overriding && item && (
        <OverrideModal projectId={projectId} item={item} line={overriding} onClose={() => setOverriding(null)} />
      )}
      {history && <PaymentsDrawer line={history} onClose={() => setHistory(null)} />}
    </Card>
  );
}

interface ItemValues {
  name: string;
  kind: FeeKind;
  amount: string;
}

function ItemModal({ projectId, item, onClose }: { projectId: number; item: FeeItem | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const refresh = useRefresh(projectId);
  const [form] = Form.useForm<ItemValues>();
  const moneyRule = useMoneyRule();
  const save = useMutation({
    mutationFn: (v: ItemValues) => {
      const input = { name: v.name, kind: v.kind, amountFen: fenOf(v.amount) };
      return item ? feesApi.updateItem(item.id, input) : feesApi.createItem(projectId, input);
    },
    onSuccess: () => {
      void refresh();
      onClose();
    },
    onError: (err) => {
      if (!showErrorsOnFields(form, err, ['name', 'kind'], { FEE_ITEM_NAME_TAKEN: 'name' }, errorText(err)))
        void message.error(errorText(err));
    },
  });
  return (
    <Modal
      open
      title={item ? t('fees.item.edit') : t('fees.item.add')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => save.mutate(v)}
        initialValues={
          item
            ? { name: item.name, kind: item.kind, amount: fenToInput(item.amountFen) }
            : { kind: 'registration', name: t('fees.kinds.registration') }
        }
      >
        <Form.Item name="name" label={t('fees.item.name')} rules={[{ required: true, whitespace: true, max: 100 }]}>
          <Input data-testid="fee-name" />
        </Form.Item>
        <Form.Item name="kind" label={t('fees.item.kind')} rules={[{ required: true }]}>
          <Select options={FEE_KINDS.map((k) => ({ value: k, label: t(`fees.kinds.${k}`) }))} />
        </Form.Item>
        <Form.Item
          name="amount"
          label={t('fees.item.amountYuan')}
          extra={t('fees.item.amountHelp')}
          rules={[moneyRule]}
        >
          <Input inputMode="decimal" prefix="¥" data-testid="fee-amount" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

interface PaymentValues {
  correction: boolean;
  amount: string;
  paidOn: Dayjs;
  receiptNo?: string;
  note?: string;
}

function PaymentModal({
  projectId,
  item,
  line,
  onClose,
}: {
  projectId: number;
  item: FeeItem;
  line: DueLine;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const refresh = useRefresh(projectId);
  const qc = useQueryClient();
  const [form] = Form.useForm<PaymentValues>();
  const correction = Form.useWatch('correction', form) ?? false;
  const moneyRule = useMoneyRule({ maxFen: MAX_TOTAL_FEN, nonZero: true });
  const save = useMutation({
    mutationFn: (v: PaymentValues) => {
      const fen = fenOf(v.amount, false, MAX_TOTAL_FEN);
      return feesApi.recordPayment(item.id, line.unitId, {
        amountFen: v.correction ? -fen : fen,
        paidOn: v.paidOn.format('YYYY-MM-DD'),
        receiptNo: v.receiptNo || null,
        note: v.note || null,
      });
    },
    onSuccess: (r) => {
      void message.success(t('fees.payment.saved', { paid: formatFen(r.paidFen) }));
      void refresh();
      void qc.invalidateQueries({ queryKey: feeKeys.payments(item.id, line.unitId) });
      onClose();
    },
    onError: (err) => {
      if (!showErrorsOnFields(form, err, ['paidOn', 'receiptNo', 'note'], {}, errorText(err)))
        void message.error(errorText(err));
    },
  });
  return (
    <Modal
      open
      title={`${t('fees.payment.record')} · ${line.unitName} · ${item.name}`}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">
        {t('fees.payment.standing', {
          due: formatFen(line.dueFen),
          paid: formatFen(line.paidFen),
          balance: formatFen(line.balanceFen),
        })}
      </Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => save.mutate(v)}
        initialValues={{
          correction: false,
          paidOn: dayjs(),
          amount: line.balanceFen > 0 ? fenToInput(line.balanceFen) : '',
        }}
      >
        <Form.Item
          name="correction"
          label={t('fees.payment.correction')}
          valuePropName="checked"
          extra={t('fees.payment.correctionHelp')}
        >
          <Switch />
        </Form.Item>
        <Form.Item
          name="amount"
          label={correction ? t('fees.payment.correctionAmount') : t('fees.payment.amount')}
          rules={[moneyRule]}
        >
          <Input inputMode="decimal" prefix={correction ? '-¥' : '¥'} data-testid="payment-amount" />
        </Form.Item>
        <Form.Item name="paidOn" label={t('fees.payment.paidOn')} rules={[{ required: true }]}>
          <DatePicker disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
        </Form.Item>
        <Form.Item name="receiptNo" label={t('fees.payment.receiptNo')} rules={[{ max: 50 }]}>
          <Input />
        </Form.Item>
        <Form.Item
          name="note"
          label={t('fees.payment.note')}
          rules={[{ required: correction, whitespace: true, message: t('fees.payment.noteRequired') }, { max: 500 }]}
        >
          <Input.TextArea rows={2} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function OverrideModal({
  projectId,
  item,
  line,
  onClose,
}: {
  projectId: number;
  item: FeeItem;
  line: DueLine;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const refresh = useRefresh(projectId);
  const [form] = Form.useForm<{ due: string; reason: string }>();
  const moneyRule = useMoneyRule({ maxFen: MAX_TOTAL_FEN });
  const done = () => {
    void refresh();
    onClose();
  };
  const save = useMutation({
    mutationFn: (v: { due: string; reason: string }) =>
      feesApi.setOverride(item.id, line.unitId, { dueFen: fenOf(v.due, false, MAX_TOTAL_FEN), reason: v.reason }),
    onSuccess: done,
    onError: (err) => {
      if (!showErrorsOnFields(form, err, ['reason'], {}, errorText(err))) void message.error(errorText(err));
    },
  });
  const clear = useMutation({
    mutationFn: () => feesApi.clearOverride(item.id, line.unitId),
    onSuccess: done,
    onError: (err) => message.error(errorText(err)),
  });
  return (
    <Modal
      open
      title={`${t('fees.override.set')} · ${line.unitName} · ${item.name}`}
      onCancel={onClose}
      destroyOnHidden
      footer={
        <Space>
          {line.overrideFen !== null && (
            <Button danger loading={clear.isPending} onClick={() => clear.mutate()}>
              {t('fees.override.clear')}
            </Button>
          )}
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={save.isPending} onClick={() => form.submit()}>
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">
        {t('fees.override.help', {
          teachers: line.teachers,
          amount: formatFen(item.amountFen),
          counted: formatFen(line.teachers * item.amountFen),
        })}
      </Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => save.mutate(v)}
        initialValues={{ due: fenToInput(line.overrideFen ?? line.dueFen), reason: line.overrideReason ?? '' }}
      >
        <Form.Item name="due" label={t('fees.override.amount')} rules={[moneyRule]}>
          <Input inputMode="decimal" prefix="¥" />
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('fees.override.reason')}
          rules={[{ required: true, whitespace: true }, { max: 500 }]}
        >
          <Input.TextArea rows={2} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function PaymentsDrawer({ line, onClose }: { line: DueLine; onClose: () => void }) {
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: feeKeys.payments(line.itemId, line.unitId),
    queryFn: () => feesApi.payments(line.itemId, line.unitId),
  });
  return (
    <Drawer
      open
      onClose={onClose}
      title={`${t('fees.payment.historyTitle')} · ${line.unitName}`}
      width={Math.min(560, window.innerWidth)}
    >
      {q.isError ? (
        <ErrorResult error={q.error} onRetry={() => void q.refetch()} />
      ) : !q.data ? (
        <SectionSpin />
      ) : (
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={q.data.items}
          scroll={{ x: 'max-content' }}
          summary={() => (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0}>{t('fees.total')}</Table.Summary.Cell>
              <Table.Summary.Cell index={1} align="right">
                {formatFen(q.data.paidFen)}
              </Table.Summary.Cell>
              <Table.Summary.Cell index={2} colSpan={3} />
            </Table.Summary.Row>
          )}
          columns={[
            { title: t('fees.payment.paidOn'), dataIndex: 'paidOn' },
            {
              title: t('fees.payment.amount'),
              dataIndex: 'amountFen',
              align: 'right',
              render: (v: number) => (
                <Typography.Text type={v < 0 ? 'danger' : undefined}>{formatFen(v)}</Typography.Text>
              ),
            },
            { title: t('fees.payment.receiptNo'), dataIndex: 'receiptNo', render: (v: string | null) => v ?? '—' },
            { title: t('fees.payment.note'), dataIndex: 'note', render: (v: string | null) => v ?? '—' },
            { title: t('fees.payment.by'), dataIndex: 'createdByName', render: (v: string | null) => v ?? '—' },
          ]}
        />
      )}
    </Drawer>
  );
}
