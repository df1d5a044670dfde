import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Descriptions, Form, Input, InputNumber, Modal, Space, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { cyclesApi } from '../../api/credits.api';
import { queryKeys } from '../../api/query-keys';
import type { Cycle } from '../../api/types';
import { useCurrentUser } from '../../auth/session';
import { ListActions, ListPage, ListTable } from '../../components/list-page';
import { useErrorMessage } from '../../lib/error-message';
import { fieldErrorsFrom, showErrorsOnFields } from '../../lib/form-errors';
import { formatDateTime } from '../../lib/format';
import { formatHours } from '../../lib/hours';
import { useDebouncedValue } from '../../lib/use-debounced-value';

interface CreateValues {
  name?: string;
  startYear?: number | null;
  endYear?: number | null;
  note?: string;
}
const CREATE_FIELDS = ['name', 'startYear', 'endYear', 'note'] as const;
const CODE_FIELDS = { CYCLE_OVERLAP: 'startYear' };

/** A new cycle, started from the rules of the source documents (shown before it is created). */
function CreateCycleModal({ open, cycles, onClose }: { open: boolean; cycles: readonly Cycle[]; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const [form] = Form.useForm<CreateValues>();
  const startYear = Form.useWatch('startYear', form);
  const endYear = Form.useWatch('endYear', form);
  const span = useDebouncedValue(
    typeof startYear === 'number' && typeof endYear === 'number' && endYear >= startYear && endYear - startYear <= 9
      ? { startYear, endYear }
      : null,
    300,
  );
  const defaults = useQuery({
    queryKey: queryKeys.cycleDefaults(span?.startYear ?? 0, span?.endYear ?? 0),
    queryFn: () => cyclesApi.defaults(span!.startYear, span!.endYear),
    enabled: open && span !== null,
    staleTime: Infinity,
  });

  const create = useMutation({
    mutationFn: (v: CreateValues) =>
      cyclesApi.create({
        name: v.name!.trim(),
        startYear: v.startYear!,
        endYear: v.endYear!,
        rules: defaults.data?.rules,
        ...(v.note?.trim() ? { note: v.note.trim() } : {}),
      }),
    onSuccess: ({ cycle }) => {
      void message.success(t('cycles.create.done', { name: cycle.name }));
      void queryClient.invalidateQueries({ queryKey: queryKeys.cycles });
      onClose();
      void navigate(`/cycles/${cycle.id}`);
    },
    onError: (err) => showErrorsOnFields(form, err, CREATE_FIELDS, CODE_FIELDS, errorMessage(err)),
  });

  useEffect(() => {
    if (!open) return;
    create.reset();
    // the next five years after the latest cycle, or from this year
    const last = Math.max(new Date().getFullYear() - 1, ...cycles.map((c) => c.endYear));
    const start = last + 1;
    form.setFieldsValue({
      name: t('cycles.create.defaultName', { start, end: start + 4 }),
      startYear: start,
      endYear: start + 4,
      note: '',
    });
  }, [open]);

  const rules = defaults.data?.rules;
  return (
    <Modal
      open={open}
      title={t('cycles.create.title')}
      okText={t('cycles.create.ok')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={create.isPending}
      okButtonProps={{ disabled: !rules }}
      forceRender
      data-testid="cycle-create-modal"
    >
      {create.error && fieldErrorsFrom(create.error, CREATE_FIELDS, CODE_FIELDS).length === 0 && (
        <Alert type="error" showIcon title={errorMessage(create.error)} style={{ marginBottom: 16 }} />
      )}
      <Form<CreateValues>
        form={form}
        layout="vertical"
        onFinish={(v) => create.mutate(v)}
        disabled={create.isPending}
        requiredMark={false}
      >
        <Form.Item
          name="name"
          label={t('cycles.create.name')}
          rules={[{ required: true, whitespace: true, message: t('cycles.form.required') }]}
        >
          <Input maxLength={60} data-testid="cycle-create-name" />
        </Form.Item>
        <Space wrap>
          <Form.Item
            name="startYear"
            label={t('cycles.create.startYear')}
            rules={[{ required: true, message: t('cycles.form.required') }]}
          >
            <InputNumber<number> min={2000} max={2100} precision={0} />
          </Form.Item>
          <Form.Item
            name="endYear"
            label={t('cycles.create.endYear')}
            dependencies={['startYear']}
            rules={[
              { required: true, message: t('cycles.form.required') },
              {
                validator: async (_, v: number | null | undefined) => {
                  const s = form.getFieldValue('startYear') as number | null | undefined;
                  if (typeof v === 'number' && typeof s === 'number' && (v < s || v - s > 9))
                    throw new Error(t('cycles.problems.cycle_years'));
                },
              },
            ]}
          >
            <InputNumber<number> min={2000} max={2100} precision={0} />
          </Form.Item>
        </Space>
        <Form.Item name="note" label={t('cycles.apply.note')}>
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
      </Form>
      <Typography.Text strong>{t('cycles.create.defaults')}</Typography.Text>
      {defaults.isError ? (
        <Alert type="error" showIcon title={errorMessage(defaults.error)} />
      ) : rules ? (
        <Descriptions
          size="small"
          column={1}
          items={[
            {
              key: 'total',
              label: t('cycles.form.totalHours'),
              children: t('credits.hoursValue', { hours: formatHours(rules.totalHours) }),
            },
            {
              key: 'yearly',
              label: t('cycles.form.yearlyMinimum'),
              children:
                rules.yearlyMinimum === null
                  ? t('cycles.none')
                  : t('credits.hoursValue', { hours: formatHours(rules.yearlyMinimum) }),
            },
            {
              key: 'credit',
              label: t('cycles.form.hoursPerCredit'),
              children: t('credits.hoursValue', { hours: formatHours(rules.hoursPerCredit) }),
            },
            {
              key: 'minima',
              label: t('cycles.form.minima'),
              children: rules.minima.map((m) => m.name).join(t('common.listSeparator')) || t('cycles.none'),
            },
            {
              key: 'caps',
              label: t('cycles.form.caps'),
              children: rules.caps.map((c) => c.name).join(t('common.listSeparator')) || t('cycles.none'),
            },
          ]}
        />
      ) : (
        <Typography.Paragraph type="secondary">{t('common.loading')}</Typography.Paragraph>
      )}
      <Typography.Paragraph type="secondary" className="small-text">
        {t('cycles.create.hint')}
      </Typography.Paragraph>
    </Modal>
  );
}

/** 周期与规则: the province's continuing-education cycles; province administrators create and edit them. */
export default function CyclesPage() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const list = useQuery({ queryKey: queryKeys.cycleList(), queryFn: cyclesApi.list });
  const [creating, setCreating] = useState(false);
  const mayCreate = me.role === 'province_admin';

  const columns: TableColumnsType<Cycle> = [
    {
      title: t('cycles.name'),
      dataIndex: 'name',
      render: (name: string, c) => (
        <Space size={6} wrap>
          <Link to={`/cycles/${c.id}`} data-testid="cycle-link">
            {name}
          </Link>
          {c.current && <Tag color="blue">{t('cycles.currentTag')}</Tag>}
        </Space>
      ),
    },
    { title: t('cycles.years'), key: 'years', render: (_, c) => `${c.startYear}–${c.endYear}` },
    { title: t('cycles.form.totalHours'), key: 'total', render: (_, c) => formatHours(c.rules.totalHours) },
    {
      title: t('cycles.form.yearlyMinimum'),
      key: 'yearly',
      responsive: ['md'],
      render: (_, c) => (c.rules.yearlyMinimum === null ? '—' : formatHours(c.rules.yearlyMinimum)),
    },
    { title: t('cycles.form.minima'), key: 'minima', responsive: ['lg'], render: (_, c) => c.rules.minima.length },
    { title: t('cycles.version'), dataIndex: 'currentVersion', render: (v: number) => `v${v}` },
    { title: t('cycles.createdAt'), dataIndex: 'createdAt', responsive: ['lg'], render: formatDateTime },
  ];

  return (
    <ListPage
      title={t('cycles.title')}
      intro={
        <Typography.Paragraph type="secondary">
          {mayCreate ? t('cycles.introManage') : t('cycles.introRead')}
        </Typography.Paragraph>
      }
      actions={
        <ListActions
          create={
            mayCreate
              ? { onClick: () => setCreating(true), label: t('cycles.create.action'), testId: 'cycle-create' }
              : undefined
          }
        />
      }
    >
      <ListTable<Cycle>
        rowKey="id"
        columns={columns}
        list={list}
        paging={false}
        empty={mayCreate ? t('cycles.emptyManage') : t('cycles.emptyRead')}
        data-testid="cycles-table"
      />
      {mayCreate && (
        <CreateCycleModal open={creating} cycles={list.data?.items ?? []} onClose={() => setCreating(false)} />
      )}
    </ListPage>
  );
}
