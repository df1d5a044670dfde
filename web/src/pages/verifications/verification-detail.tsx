import { CheckCircleOutlined, EditOutlined, ReloadOutlined, RollbackOutlined, SendOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Descriptions,
  Empty,
  Flex,
  Form,
  Input,
  Modal,
  Radio,
  Segmented,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { printFormsApi } from '../../api/print-forms.api';
import { PrintFormButton } from '../../components/print-form-button';
import { queryKeys } from '../../api/query-keys';
import type { Verification, VerificationItem } from '../../api/types';
import { verificationsApi } from '../../api/verifications.api';
import { useCurrentUser } from '../../auth/session';
import { useCreditWording, VerificationResultTag, VerificationStatusTag } from '../../components/credit-labels';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { ReasonModal } from '../../components/reason-modal';
import { useErrorMessage } from '../../lib/error-message';
import { formatDateTime } from '../../lib/format';
import { formatHours, formatRate } from '../../lib/hours';
import { useCycles } from '../credits/use-cycles';

type ItemFilter = 'all' | 'not_verified' | 'exceptions' | 'verified';
type ExceptionChoice = 'none' | 'exempt' | 'failed';

/** The school's exception for one teacher: exempt or failed, always with a reason; or cleared. */
function MarkModal({
  verification,
  item,
  onClose,
}: {
  verification: Verification;
  item: VerificationItem | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const [form] = Form.useForm<{ exception: ExceptionChoice; reason?: string }>();
  const choice = Form.useWatch('exception', form);
  const mark = useMutation({
    mutationFn: (v: { exception: ExceptionChoice; reason?: string }) =>
      verificationsApi.mark(
        verification.id,
        item!.teacherId,
        v.exception === 'none' ? null : v.exception,
        v.exception === 'none' ? null : (v.reason?.trim() ?? null),
      ),
    onSuccess: () => {
      void message.success(t('verification.mark.done'));
      void queryClient.invalidateQueries({ queryKey: queryKeys.credits });
      onClose();
    },
  });
  useEffect(() => {
    if (!item) return;
    mark.reset();
    form.setFieldsValue({ exception: item.exception ?? 'none', reason: item.exceptionReason ?? '' });
  }, [item]);

  return (
    <Modal
      open={item !== null}
      title={t('verification.mark.title', { name: item?.teacherName ?? '' })}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={mark.isPending}
      forceRender
      data-testid="mark-modal"
    >
      <Typography.Paragraph type="secondary">{t('verification.mark.intro')}</Typography.Paragraph>
      {mark.error && <Alert type="error" showIcon title={errorMessage(mark.error)} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" onFinish={(v) => mark.mutate(v)} disabled={mark.isPending}>
        <Form.Item name="exception" label={t('verification.mark.exception')}>
          <Radio.Group
            options={[
              { value: 'none', label: t('verification.mark.none') },
              { value: 'exempt', label: t('verification.exceptions.exempt') },
              { value: 'failed', label: t('verification.exceptions.failed') },
            ]}
            data-testid="mark-exception"
          />
        </Form.Item>
        {choice !== 'none' && (
          <Form.Item
            name="reason"
            label={t('verification.mark.reason')}
            rules={[{ required: true, whitespace: true, message: t('verification.mark.reasonRequired') }]}
          >
            <Input.TextArea
              rows={3}
              maxLength={500}
              showCount
              placeholder={t('verification.mark.reasonPlaceholder')}
              data-testid="mark-reason"
            />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

/**
 * One school's year (年度验证): every teacher's result under the rules, the school's exceptions,
 * and the steps — recompute and submit (school, or the county for it), sign off or return (county).
 */
export function VerificationDetail({ id }: { id: number }) {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const { failureText } = useCreditWording();
  const detail = useQuery({ queryKey: queryKeys.verification(id), queryFn: () => verificationsApi.get(id) });
  const { cycle } = useCycles(detail.data?.verification.cycleId);
  const [filter, setFilter] = useState<ItemFilter>('all');
  const [q, setQ] = useState('');
  const [marking, setMarking] = useState<VerificationItem | null>(null);
  const [returning, setReturning] = useState(false);

  const invalidate = () => void queryClient.invalidateQueries({ queryKey: queryKeys.credits });
  const recompute = useMutation({
    mutationFn: (v: Verification) =>
      verificationsApi.open({ orgUnitId: v.orgUnitId, cycleId: v.cycleId, year: v.year }),
    onSuccess: () => {
      void message.success(t('verification.recomputed'));
      invalidate();
    },
    onError: (err) => message.error(errorMessage(err)),
  });

  const items = detail.data?.items;
  const shown = useMemo(() => {
    const text = q.trim();
    return (items ?? []).filter((i) => {
      if (text && !i.teacherName.includes(text)) return false;
      switch (filter) {
        case 'all':
          return true;
        case 'not_verified':
          return i.result === 'not_verified';
        case 'exceptions':
          return i.exception !== null;
        case 'verified':
          return i.result === 'verified' || i.result === 'exempt';
        default: {
          const never: never = filter;
          return never;
        }
      }
    });
  }, [items, filter, q]);

  if (detail.isPending) return <SectionSpin />;
  if (detail.isError) return <ErrorResult error={detail.error} onRetry={() => void detail.refetch()} />;
  const v = detail.data.verification;
  const canVerify = me.role === 'school_admin' || me.role === 'county_admin';
  const editable = canVerify && (v.status === 'open' || v.status === 'returned');
  const canDecide = me.role === 'county_admin' && v.status === 'submitted';
  const notVerified = detail.data.items.filter((i) => i.result === 'not_verified').length;

  const confirmSubmit = () =>
    modal.confirm({
      title: t('verification.submit.title', { school: v.orgUnitName, year: v.year }),
      content: t('verification.submit.text', { teachers: v.teachers, notVerified }),
      okText: t('verification.submit.ok'),
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await verificationsApi.submit(v.id);
          void message.success(t('verification.submit.done'));
          invalidate();
        } catch (err) {
          void message.error(errorMessage(err));
        }
      },
    });

  const confirmSignOff = () =>
    modal.confirm({
      title: t('verification.signOff.title', { school: v.orgUnitName, year: v.year }),
      content: t('verification.signOff.text', {
        teachers: detail.data.items.length,
        verified: detail.data.items.filter((i) => i.result === 'verified' || i.result === 'exempt').length,
        notVerified,
      }),
      okButtonProps: { 'data-testid': 'sign-off-confirm' },
      okText: t('verification.signOff.ok'),
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await verificationsApi.decide(v.id, 'sign_off', null);
          void message.success(t('verification.signOff.done'));
          invalidate();
        } catch (err) {
          void message.error(errorMessage(err));
        }
      },
    });

  const columns: TableColumnsType<VerificationItem> = [
    { title: t('teachers.fields.name'), dataIndex: 'teacherName', fixed: 'left' },
    {
      title: t('teachers.fields.idNumber'),
      dataIndex: 'idNumberMasked',
      responsive: ['lg'],
      render: (x: string) => <span className="identifier">{x}</span>,
    },
    {
      title: t('verification.items.yearHours'),
      dataIndex: 'yearHours',
      align: 'right',
      render: (h: number) => formatHours(h),
    },
    {
      title: t('verification.items.computed'),
      dataIndex: 'computed',
      render: (c: VerificationItem['computed']) => (
        <Tag color={c === 'passed' ? 'success' : c === 'failed' ? 'error' : 'default'}>
          {t(`verification.computed.${c}`)}
        </Tag>
      ),
    },
    {
      title: t('verification.items.failures'),
      dataIndex: 'failures',
      render: (failures: unknown[]) =>
        failures.length === 0 ? (
          '—'
        ) : (
          <Flex vertical>
            {failures.map((f, i) => (
              <Typography.Text key={i} type="danger" className="small-text">
                {failureText(f, cycle?.rules)}
              </Typography.Text>
            ))}
          </Flex>
        ),
    },
    {
      title: t('verification.items.exception'),
      key: 'exception',
      render: (_, i) =>
        i.exception ? (
          <Flex vertical align="flex-start">
            <Tag color={i.exception === 'exempt' ? 'purple' : 'error'}>
              {t(`verification.exceptions.${i.exception}`)}
            </Tag>
            {i.exceptionReason && (
              <Typography.Text type="secondary" className="small-text wrap-anywhere">
                {i.exceptionReason}
              </Typography.Text>
            )}
          </Flex>
        ) : (
          '—'
        ),
    },
    {
      title: t('verification.items.result'),
      dataIndex: 'result',
      render: (r: VerificationItem['result']) => <VerificationResultTag result={r} />,
    },
    ...(editable
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            fixed: 'right' as const,
            render: (_: unknown, i: VerificationItem) =>
              i.computed === 'not_in_scope' ? null : (
                <Button
                  size="small"
                  icon={<EditOutlined />}
                  onClick={() => setMarking(i)}
                  data-testid="verification-mark"
                >
                  {t('verification.mark.action')}
                </Button>
              ),
          },
        ]
      : []),
  ];

  return (
    <Flex vertical gap={16} data-testid="verification-detail">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Space size={8} wrap>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('verification.detailTitle', { school: v.orgUnitName, year: v.year })}
          </Typography.Title>
          <VerificationStatusTag status={v.status} />
        </Space>
        <Space wrap>
          <PrintFormButton
            label={t('printForm.verificationSheet')}
            file={(format) => printFormsApi.verificationSheet(v.id, format)}
            fileName={`${t('printForm.verificationSheet')}-${v.orgUnitName}-${v.year}`}
            testId="verification-sheet"
          />
          {editable && (
            <>
              <Button
                icon={<ReloadOutlined />}
                loading={recompute.isPending}
                onClick={() => recompute.mutate(v)}
                data-testid="verification-recompute"
              >
                {t('verification.recompute')}
              </Button>
              <Button type="primary" icon={<SendOutlined />} onClick={confirmSubmit} data-testid="verification-submit">
                {t('verification.submit.action')}
              </Button>
            </>
          )}
          {canDecide && (
            <>
              <Button
                icon={<RollbackOutlined />}
                danger
                onClick={() => setReturning(true)}
                data-testid="verification-return"
              >
                {t('verification.return.action')}
              </Button>
              <Button
                type="primary"
                icon={<CheckCircleOutlined />}
                onClick={confirmSignOff}
                data-testid="verification-sign-off"
              >
                {t('verification.signOff.action')}
              </Button>
            </>
          )}
        </Space>
      </Flex>
      {v.status === 'returned' && v.decisionNote && (
        <Alert
          type="warning"
          showIcon
          title={t('verification.returnedNote', { name: v.decidedByName ?? '—', note: v.decisionNote })}
          data-testid="verification-returned-note"
        />
      )}
      {v.status === 'signed_off' && (
        <Alert
          type="success"
          showIcon
          title={t('verification.signedOffNote', { name: v.decidedByName ?? '—', at: formatDateTime(v.decidedAt) })}
        />
      )}
      <Descriptions
        size="small"
        column={{ xs: 1, sm: 2, lg: 4 }}
        items={[
          { key: 'teachers', label: t('verification.teachers'), children: v.teachers },
          {
            key: 'verified',
            label: t('verification.verified'),
            children: t('verification.verifiedValue', { count: v.verified, rate: formatRate(v.verified, v.teachers) }),
          },
          { key: 'opened', label: t('verification.openedAt'), children: formatDateTime(v.openedAt) },
          { key: 'submitted', label: t('verification.submittedAt'), children: formatDateTime(v.submittedAt) },
        ]}
      />
      <div className="toolbar">
        <Segmented<ItemFilter>
          value={filter}
          onChange={setFilter}
          options={[
            { value: 'all', label: t('verification.filter.all', { count: detail.data.items.length }) },
            { value: 'not_verified', label: t('verification.filter.notVerified', { count: notVerified }) },
            { value: 'exceptions', label: t('verification.filter.exceptions') },
            { value: 'verified', label: t('verification.filter.verified') },
          ]}
        />
        <Input.Search
          allowClear
          className="toolbar-item"
          placeholder={t('verification.filter.search')}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          maxLength={50}
        />
      </div>
      <Table<VerificationItem>
        rowKey="teacherId"
        size="middle"
        columns={columns}
        dataSource={shown}
        scroll={{ x: 'max-content' }}
        pagination={{ pageSize: 50, showSizeChanger: false, showTotal: (total) => t('common.total', { total }) }}
        locale={{
          emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('verification.items.empty')} />,
        }}
        data-testid="verification-items"
      />
      <MarkModal verification={v} item={marking} onClose={() => setMarking(null)} />
      <ReasonModal
        open={returning}
        title={t('verification.return.title', { school: v.orgUnitName, year: v.year })}
        label={t('verification.return.note')}
        placeholder={t('verification.return.notePlaceholder')}
        okText={t('verification.return.ok')}
        danger
        onClose={() => setReturning(false)}
        onSubmit={async (note) => {
          await verificationsApi.decide(v.id, 'return', note);
          void message.success(t('verification.return.done'));
          invalidate();
        }}
        data-testid="return-modal"
      />
    </Flex>
  );
}
