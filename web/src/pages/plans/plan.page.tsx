import { DeleteOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  AutoComplete,
  Button,
  Card,
  Empty,
  Input,
  InputNumber,
  Select,
  Space,
  Table,
  Typography,
  Upload,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DownloadButton } from '../../components/download-button';
import {
  PLAN_FORMS,
  planKeys,
  plansApi,
  type Plan,
  type PlanForm,
  type PlanItem,
  type PlanItemInput,
  type PlanOfUnit,
} from '../../api/plans.api';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { formatDateTime } from '../../lib/format';
import { PlanItemsTable, StatusTag, usePlanError, useProblemText, yearOptions } from './plan-labels';
import { SurveySummaryCard } from '../surveys/survey-summary.card';
import { PlanVersionsCard } from './plan-versions.card';

interface Row {
  key: string;
  month: number | null;
  title: string;
  form: PlanForm | null;
  /** a unit's name from the choices, or the name of an office */
  responsible: string;
  projectId: number | null;
  notes: string;
}

let rowSeq = 0;
const newKey = () => `r${++rowSeq}`;
const toRow = (i: PlanItem): Row => ({
  key: newKey(),
  month: i.month,
  title: i.title,
  form: i.form,
  responsible: i.responsibleUnitName ?? i.responsible ?? '',
  projectId: i.projectId,
  notes: i.notes ?? '',
});

/** The form of the own unit's plan: title, summary and the month calendar as an editable table. */
function PlanEditor({ data, onSaved }: { data: PlanOfUnit; onSaved: (p: Plan) => void }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const errorText = usePlanError();
  const problemText = useProblemText();
  const plan = data.plan;
  const [title, setTitle] = useState(plan?.title ?? t('plans.defaultTitle', { unit: data.unit.name, year: data.year }));
  const [summary, setSummary] = useState(plan?.summary ?? '');
  const [rows, setRows] = useState<Row[]>(() => (plan?.items ?? []).map(toRow));
  const [dirty, setDirty] = useState(!plan);
  const units = data.choices?.units ?? [];
  const unitByName = useMemo(() => new Map(units.map((u) => [u.name, u])), [units]);
  const change = (key: string, patch: Partial<Row>) => {
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
    setDirty(true);
  };
  const save = useMutation({
    mutationFn: () =>
      plansApi.save({
        year: data.year,
        title,
        summary: summary.trim() || null,
        items: [...rows]
          .sort((a, b) => (a.month ?? 0) - (b.month ?? 0))
          .map((r): PlanItemInput => {
            const unit = unitByName.get(r.responsible.trim());
            return {
              month: r.month ?? 0,
              title: r.title,
              form: r.form,
              responsibleUnitId: unit?.id ?? null,
              responsible: unit ? null : r.responsible.trim() || null,
              projectId: r.projectId,
              notes: r.notes.trim() || null,
            };
          }),
      }),
    onSuccess: (r) => {
      setDirty(false);
      void message.success(t('common.saved'));
      onSaved(r.plan);
    },
    onError: (err) => message.error(errorText(err)),
  });
  const readSheet = useMutation({
    mutationFn: (file: File) => plansApi.readSheet(data.year, file),
    onSuccess: (r) => {
      const apply = () => {
        setRows(r.items.map(toRow));
        setDirty(true);
      };
      if (r.problems.length) {
        modal.warning({
          title: t('plans.sheetProblems', { count: r.problems.length }),
          content: (
            <ul>
              {r.problems.slice(0, 50).map((p, i) => (
                <li key={i}>{problemText(p)}</li>
              ))}
            </ul>
          ),
          onOk: apply,
        });
      } else apply();
      void message.info(t('plans.sheetRead', { count: r.items.length }));
    },
    onError: (err) => message.error(errorText(err)),
  });

  const columns: TableColumnsType<Row> = [
    {
      title: t('plans.fields.month'),
      dataIndex: 'month',
      width: 90,
      render: (_, r) => (
        <InputNumber
          min={1}
          max={12}
          precision={0}
          value={r.month}
          onChange={(v) => change(r.key, { month: v })}
          style={{ width: 70 }}
          aria-label={t('plans.fields.month')}
          data-testid="item-month"
        />
      ),
    },
    {
      title: t('plans.fields.title'),
      dataIndex: 'title',
      render: (_, r) => (
        <Input
          value={r.title}
          maxLength={200}
          onChange={(e) => change(r.key, { title: e.target.value })}
          style={{ minWidth: 200 }}
          data-testid="item-title"
        />
      ),
    },
    {
      title: t('plans.fields.form'),
      dataIndex: 'form',
      width: 130,
      render: (_, r) => (
        <Select
          allowClear
          value={r.form ?? undefined}
          onChange={(v: PlanForm | undefined) => change(r.key, { form: v ?? null })}
          style={{ width: 120 }}
          options={PLAN_FORMS.map((f) => ({ value: f, label: t(`plans.forms.${f}`) }))}
        />
      ),
    },
    {
      title: t('plans.fields.responsible'),
      dataIndex: 'responsible',
      render: (_, r) => (
        <AutoComplete
          value={r.responsible}
          onChange={(v: string) => change(r.key, { responsible: v })}
          style={{ minWidth: 160 }}
          options={units.map((u) => ({ value: u.name }))}
          filterOption={(input, o) => String(o?.value ?? '').includes(input)}
          placeholder={t('plans.responsibleHint')}
        />
      ),
    },
    {
      title: t('plans.fields.projectId'),
      dataIndex: 'projectId',
      render: (_, r) => (
        <Select
          allowClear
          showSearch
          optionFilterProp="label"
          value={r.projectId ?? undefined}
          onChange={(v: number | undefined) => change(r.key, { projectId: v ?? null })}
          style={{ minWidth: 180 }}
          options={(data.choices?.projects ?? []).map((p) => ({
            value: p.id,
            label: `${p.title}（${p.orgUnitName}）`,
          }))}
        />
      ),
    },
    {
      title: t('plans.fields.notes'),
      dataIndex: 'notes',
      render: (_, r) => (
        <Input.TextArea
          autoSize
          value={r.notes}
          maxLength={1000}
          onChange={(e) => change(r.key, { notes: e.target.value })}
          style={{ minWidth: 160 }}
        />
      ),
    },
    {
      title: t('common.actions'),
      width: 60,
      render: (_, r) => (
        <Button
          type="text"
          danger
          icon={<DeleteOutlined />}
          aria-label={t('plans.removeLine')}
          onClick={() => {
            setRows((rs) => rs.filter((x) => x.key !== r.key));
            setDirty(true);
          }}
        />
      ),
    },
  ];

  return (
    <Card
      title={t('plans.editTitle')}
      size="small"
      extra={
        <Space wrap>
          <Upload
            accept=".xlsx,.csv"
            showUploadList={false}
            beforeUpload={(file) => {
              readSheet.mutate(file);
              return false;
            }}
          >
            <Button icon={<UploadOutlined />} loading={readSheet.isPending}>
              {t('plans.importSheet')}
            </Button>
          </Upload>
          <Button
            type="primary"
            onClick={() => save.mutate()}
            loading={save.isPending}
            disabled={!dirty}
            data-testid="plan-save"
          >
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Input
          value={title}
          maxLength={200}
          onChange={(e) => {
            setTitle(e.target.value);
            setDirty(true);
          }}
          addonBefore={t('plans.fields.planTitle')}
          data-testid="plan-title"
        />
        <Input.TextArea
          value={summary}
          maxLength={4000}
          autoSize={{ minRows: 2, maxRows: 8 }}
          onChange={(e) => {
            setSummary(e.target.value);
            setDirty(true);
          }}
          placeholder={t('plans.summaryHint')}
          data-testid="plan-summary"
        />
        <Table
          rowKey="key"
          size="small"
          columns={columns}
          dataSource={rows}
          pagination={false}
          scroll={{ x: true }}
          locale={{ emptyText: t('plans.noLines') }}
          data-testid="plan-items"
        />
        <Button
          icon={<PlusOutlined />}
          onClick={() => {
            setRows((rs) => [
              ...rs,
              {
                key: newKey(),
                month: rs.at(-1)?.month ?? 1,
                title: '',
                form: null,
                responsible: '',
                projectId: null,
                notes: '',
              },
            ]);
            setDirty(true);
          }}
          data-testid="plan-add-line"
        >
          {t('plans.addLine')}
        </Button>
        {dirty && plan && <Typography.Text type="warning">{t('plans.unsaved')}</Typography.Text>}
      </Space>
    </Card>
  );
}

/** 年度计划: the own unit's annual plan for a year: edit, submit or publish, versions. */
export default function PlanPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const { message, modal } = App.useApp();
  const errorText = usePlanError();
  const [year, setYear] = useState(new Date().getFullYear());
  const q = useQuery({ queryKey: planKeys.ofUnit(year), queryFn: () => plansApi.ofUnit(year) });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: planKeys.all });
  const act = useMutation({
    mutationFn: ({ kind, id }: { kind: 'submit' | 'publish' | 'reopen'; id: number }) => plansApi[kind](id),
    onSuccess: (_r, v) => {
      void message.success(t(`plans.done.${v.kind}`));
      refresh();
    },
    onError: (err) => message.error(errorText(err)),
  });
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  const data = q.data;
  const plan = data?.plan ?? null;
  const editable =
    !!data?.canManage &&
    (!plan || plan.status === 'draft' || plan.status === 'returned' || plan.status === 'published');

  /** Publishing puts the plan in front of every unit below: say what and how much first. */
  const confirmPublish = (id: number, lines: number) =>
    modal.confirm({
      title: t('plans.publishConfirm', { unit: data?.unit.name ?? '', year }),
      content: t('plans.publishHint', { count: lines }),
      okText: t('plans.publish'),
      cancelText: t('common.cancel'),
      okButtonProps: { 'data-testid': 'plan-publish-confirm' },
      onOk: () => act.mutateAsync({ kind: 'publish', id }),
    });

  const confirmReopen = (id: number) =>
    modal.confirm({
      title: t('plans.reopenConfirm'),
      content: t('plans.reopenHint'),
      onOk: () => act.mutateAsync({ kind: 'reopen', id }),
    });

  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Card
        title={data ? t('plans.pageTitle', { unit: data.unit.name, year }) : t('plans.nav.plan')}
        extra={
          <Select
            value={year}
            onChange={setYear}
            options={yearOptions()}
            style={{ width: 100 }}
            aria-label={t('plans.year')}
            data-testid="plan-year"
          />
        }
      >
        {!data ? (
          <SectionSpin />
        ) : (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Space wrap>
              {plan ? (
                <StatusTag status={plan.status} />
              ) : (
                <Typography.Text type="secondary">{t('plans.notStarted')}</Typography.Text>
              )}
              {plan && plan.version > 0 && (
                <Typography.Text type="secondary">{t('plans.versionNo', { version: plan.version })}</Typography.Text>
              )}
              {plan?.submittedAt && (
                <Typography.Text type="secondary">
                  {t('plans.submittedAt', { at: formatDateTime(plan.submittedAt) })}
                </Typography.Text>
              )}
              <Typography.Text type="secondary">
                {data.track === 'review' ? t('plans.trackReview') : t('plans.trackPublish')}
              </Typography.Text>
            </Space>
            {plan?.status === 'returned' && (
              <Alert
                type="error"
                showIcon
                message={t('plans.returnedBy', { who: plan.reviewedByName ?? '' })}
                description={plan.reviewComment}
                data-testid="plan-comment"
              />
            )}
            {plan?.status === 'approved' && (
              <Alert
                type="success"
                showIcon
                message={t('plans.approvedBy', { who: plan.reviewedByName ?? '' })}
                description={plan.reviewComment ?? undefined}
              />
            )}
            {plan?.status === 'submitted' && <Alert type="info" showIcon message={t('plans.inReview')} />}
            {plan?.status === 'draft' && plan.finalVersion && (
              <Alert type="warning" showIcon message={t('plans.revising', { version: plan.finalVersion })} />
            )}
            {plan && (
              <Space wrap>
                {plan.canManage &&
                  plan.track === 'review' &&
                  (plan.status === 'draft' || plan.status === 'returned') && (
                    <Button
                      type="primary"
                      onClick={() => act.mutate({ kind: 'submit', id: plan.id })}
                      loading={act.isPending}
                      data-testid="plan-submit"
                    >
                      {t('plans.submit')}
                    </Button>
                  )}
                {plan.canManage && plan.track === 'publish' && plan.status === 'draft' && (
                  <Button
                    type="primary"
                    onClick={() => confirmPublish(plan.id, plan.items.length)}
                    loading={act.isPending}
                    data-testid="plan-publish"
                  >
                    {t('plans.publish')}
                  </Button>
                )}
                {plan.canManage && plan.track === 'review' && plan.status === 'approved' && (
                  <Button onClick={() => confirmReopen(plan.id)} data-testid="plan-reopen">
                    {t('plans.reopen')}
                  </Button>
                )}
                <DownloadButton file={() => plansApi.exportSheet(plan.id)} fileName={`${data.unit.name}${year}.xlsx`}>
                  {t('plans.exportSheet')}
                </DownloadButton>
              </Space>
            )}
          </Space>
        )}
      </Card>
      {data &&
        (editable ? (
          <PlanEditor key={`${year}:${plan?.id ?? 'new'}:${plan?.updatedAt ?? ''}`} data={data} onSaved={refresh} />
        ) : plan ? (
          <Card size="small" title={plan.title}>
            {plan.summary && (
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{plan.summary}</Typography.Paragraph>
            )}
            <PlanItemsTable items={plan.items} />
          </Card>
        ) : (
          <Empty description={t('plans.notStarted')} />
        ))}
      {plan?.workingCopy && <PlanVersionsCard planId={plan.id} />}
      {data?.canManage && <SurveySummaryCard orgUnitId={data.unit.id} year={year - 1} />}
    </Space>
  );
}
