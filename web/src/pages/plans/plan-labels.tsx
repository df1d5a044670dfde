import { Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import type { PlanItem, PlanItemProblem, PlanStatus } from '../../api/plans.api';
import type { OrgUnitKind } from '../../api/types';
import { useErrorMessage } from '../../lib/error-message';

export const STATUS_COLOR: Record<PlanStatus, string> = {
  draft: 'default',
  submitted: 'processing',
  approved: 'success',
  returned: 'error',
  published: 'success',
};
/** One colour per level of the tree in the calendar. */
export const LEVEL_COLOR: Record<OrgUnitKind, string> = {
  province: 'red',
  city: 'orange',
  county: 'blue',
  township: 'green',
  school: 'green',
  institution: 'purple',
};

/** An error of the plan pages as a sentence; for PLAN_INVALID with each line's problem. */
export function usePlanError(): (err: unknown) => string {
  const { t } = useTranslation();
  const errorMessage = useErrorMessage();
  const problemText = useProblemText();
  return useCallback(
    (err: unknown) => {
      if (err instanceof ApiError && err.code === 'PLAN_INVALID') {
        const problems = (err.details?.['problems'] ?? []) as PlanItemProblem[];
        return [errorMessage(err), ...problems.map(problemText)].join(' ');
      }
      return errorMessage(err);
    },
    [t, errorMessage, problemText],
  );
}

/** "第 3 行「关联培训项目」：…" */
export function useProblemText(): (p: PlanItemProblem) => string {
  const { t } = useTranslation();
  return useCallback(
    (p: PlanItemProblem) =>
      t('plans.problemLine', {
        row: p.row ?? p.item + 1,
        field: t(`plans.fields.${p.field}`, { defaultValue: p.field }),
        problem: t(`plans.problems.${p.code}`, { defaultValue: p.code }),
      }),
    [t],
  );
}

export function StatusTag({ status }: { status: PlanStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOR[status]} data-testid="plan-status">
      {t(`plans.status.${status}`)}
    </Tag>
  );
}

/** A plan's calendar lines, read-only (a version, a plan under review). */
export function PlanItemsTable({ items }: { items: PlanItem[] }) {
  const { t } = useTranslation();
  const columns: TableColumnsType<PlanItem> = [
    {
      title: t('plans.fields.month'),
      dataIndex: 'month',
      width: 70,
      render: (m: number) => t('plans.monthName', { month: m }),
    },
    { title: t('plans.fields.title'), dataIndex: 'title' },
    {
      title: t('plans.fields.form'),
      dataIndex: 'form',
      width: 100,
      render: (f: string | null) => (f ? t(`plans.forms.${f}`) : '—'),
    },
    { title: t('plans.fields.responsible'), render: (_, i) => i.responsibleUnitName ?? i.responsible ?? '—' },
    { title: t('plans.fields.projectId'), dataIndex: 'projectTitle', render: (v: string | null) => v ?? '—' },
    {
      title: t('plans.fields.notes'),
      dataIndex: 'notes',
      render: (v: string | null) =>
        v ? <Typography.Text style={{ whiteSpace: 'pre-wrap' }}>{v}</Typography.Text> : '—',
    },
  ];
  return (
    <Table
      rowKey={(_, i) => String(i)}
      size="small"
      columns={columns}
      dataSource={items}
      pagination={false}
      scroll={{ x: true }}
      data-testid="plan-items-readonly"
    />
  );
}

/** Years offered by the pickers: last year to three years ahead. */
export function yearOptions(): Array<{ value: number; label: string }> {
  const y = new Date().getFullYear();
  return [y - 1, y, y + 1, y + 2, y + 3].map((v) => ({ value: v, label: String(v) }));
}
