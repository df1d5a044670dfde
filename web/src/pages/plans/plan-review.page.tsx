import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Empty, Input, Modal, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { planKeys, plansApi, type PlanStatus, type PlanSummary, type ReviewQueue } from '../../api/plans.api';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { formatDateTime } from '../../lib/format';
import { RemindPlanButton } from '../messages/remind.modal';
import { PlanItemsTable, StatusTag, usePlanError, yearOptions } from './plan-labels';
import { PlanVersionsCard } from './plan-versions.card';

/** A submitted school plan opened for a decision: approve, or return with a comment (required). */
function ReviewModal({ planId, onClose }: { planId: number; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const errorText = usePlanError();
  const [comment, setComment] = useState('');
  const [commentError, setCommentError] = useState(false);
  const q = useQuery({ queryKey: planKeys.plan(planId), queryFn: () => plansApi.get(planId) });
  const decide = useMutation({
    mutationFn: (kind: 'approve' | 'return') =>
      kind === 'approve' ? plansApi.approve(planId, comment.trim() || null) : plansApi.return(planId, comment.trim()),
    onSuccess: (_r, kind) => {
      void message.success(t(`plans.done.${kind}`));
      void queryClient.invalidateQueries({ queryKey: planKeys.all });
      onClose();
    },
    onError: (err) => message.error(errorText(err)),
  });
  const plan = q.data?.plan;
  const canDecide = plan?.canReview && plan.status === 'submitted';
  return (
    <Modal
      open
      width={960}
      onCancel={onClose}
      destroyOnHidden
      title={plan ? `${plan.orgUnitName} · ${plan.title}` : t('common.loading')}
      footer={
        canDecide ? (
          <Space wrap>
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <Button
              danger
              loading={decide.isPending && decide.variables === 'return'}
              data-testid="plan-return"
              onClick={() => {
                if (!comment.trim()) {
                  setCommentError(true);
                  return;
                }
                decide.mutate('return');
              }}
            >
              {t('plans.return')}
            </Button>
            <Button
              type="primary"
              loading={decide.isPending && decide.variables === 'approve'}
              onClick={() => decide.mutate('approve')}
              data-testid="plan-approve"
            >
              {t('plans.approve')}
            </Button>
          </Space>
        ) : null
      }
    >
      {!plan ? (
        <SectionSpin />
      ) : (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Space wrap>
            <StatusTag status={plan.status} />
            {plan.submittedAt && (
              <Typography.Text type="secondary">
                {t('plans.submittedAt', { at: formatDateTime(plan.submittedAt) })}
              </Typography.Text>
            )}
          </Space>
          {plan.summary && (
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{plan.summary}</Typography.Paragraph>
          )}
          <PlanItemsTable items={plan.items} />
          {canDecide && (
            <Input.TextArea
              value={comment}
              maxLength={2000}
              autoSize={{ minRows: 2 }}
              status={commentError ? 'error' : undefined}
              data-testid="plan-review-comment"
              onChange={(e) => {
                setComment(e.target.value);
                setCommentError(false);
              }}
              placeholder={t('plans.commentHint')}
            />
          )}
          {commentError && <Typography.Text type="danger">{t('plans.commentRequired')}</Typography.Text>}
          <PlanVersionsCard planId={plan.id} />
        </Space>
      )}
    </Modal>
  );
}

type SchoolRow = ReviewQueue['schools'][number];

/** 计划审批: a county's queue of submitted school plans and every school's plan status for the year. */
export default function PlanReviewPage() {
  const { t } = useTranslation();
  const [year, setYear] = useState(new Date().getFullYear());
  const [open, setOpen] = useState<number | null>(null);
  const [status, setStatus] = useState<PlanStatus | 'none' | undefined>();
  const q = useQuery({ queryKey: planKeys.queue(year), queryFn: () => plansApi.reviewQueue(year) });
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  const schools = q.data?.schools ?? [];
  const count = (s: PlanStatus | 'none') => schools.filter((x) => (x.status ?? 'none') === s).length;
  const queueColumns: TableColumnsType<PlanSummary> = [
    { title: t('plans.school'), dataIndex: 'orgUnitName' },
    { title: t('plans.fields.planTitle'), dataIndex: 'title' },
    { title: t('plans.versionLabel'), dataIndex: 'version', width: 80 },
    { title: t('plans.submittedAtLabel'), dataIndex: 'submittedAt', render: (v: string | null) => formatDateTime(v) },
    {
      title: t('common.actions'),
      render: (_, p) => (
        <Button type="link" onClick={() => setOpen(p.id)} data-testid="plan-open-review">
          {t('plans.openReview')}
        </Button>
      ),
    },
  ];
  const schoolColumns: TableColumnsType<SchoolRow> = [
    { title: t('plans.school'), render: (_, s) => s.unit.name },
    {
      title: t('plans.statusLabel'),
      render: (_, s) => (s.status ? <StatusTag status={s.status} /> : <Tag>{t('plans.notStarted')}</Tag>),
    },
    { title: t('plans.submittedAtLabel'), render: (_, s) => formatDateTime(s.submittedAt) },
    { title: t('plans.reviewedAtLabel'), render: (_, s) => formatDateTime(s.reviewedAt) },
    {
      title: t('common.actions'),
      render: (_, s) =>
        s.planId && s.status !== 'draft' ? (
          <Button type="link" onClick={() => setOpen(s.planId)}>
            {t('plans.view')}
          </Button>
        ) : null,
    },
  ];
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Card
        title={t('plans.reviewTitle', { year })}
        extra={
          <Select
            value={year}
            onChange={setYear}
            options={yearOptions()}
            style={{ width: 100 }}
            aria-label={t('plans.year')}
          />
        }
      >
        {!q.data ? (
          <SectionSpin />
        ) : (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Space wrap size="large">
              {(['none', 'draft', 'submitted', 'approved', 'returned'] as const).map((s) => (
                <Statistic
                  key={s}
                  title={s === 'none' ? t('plans.notStarted') : t(`plans.status.${s}`)}
                  value={count(s)}
                />
              ))}
            </Space>
            <Typography.Title level={5}>{t('plans.queue')}</Typography.Title>
            {q.data.submitted.length === 0 ? (
              <Empty description={t('plans.queueEmpty')} />
            ) : (
              <Table
                rowKey="id"
                size="small"
                columns={queueColumns}
                dataSource={q.data.submitted}
                pagination={false}
                scroll={{ x: true }}
                data-testid="plan-queue"
              />
            )}
          </Space>
        )}
      </Card>
      <Card
        title={t('plans.schoolsTitle')}
        size="small"
        extra={
          <Space wrap>
            <RemindPlanButton
              year={year}
              schools={schools
                .filter((s) => !s.status || s.status === 'draft' || s.status === 'returned')
                .map((s) => ({ orgUnitId: s.unit.id, orgUnitName: s.unit.name }))}
            />
            <Select
              allowClear
              placeholder={t('plans.statusLabel')}
              value={status}
              onChange={setStatus}
              style={{ width: 140 }}
              options={(['none', 'draft', 'submitted', 'approved', 'returned'] as const).map((s) => ({
                value: s,
                label: s === 'none' ? t('plans.notStarted') : t(`plans.status.${s}`),
              }))}
            />
          </Space>
        }
      >
        <Table
          rowKey={(s) => s.unit.id}
          size="small"
          columns={schoolColumns}
          dataSource={schools.filter((s) => !status || (s.status ?? 'none') === status)}
          pagination={{ pageSize: 50, showSizeChanger: false }}
          scroll={{ x: true }}
          data-testid="plan-schools"
        />
      </Card>
      {open !== null && <ReviewModal planId={open} onClose={() => setOpen(null)} />}
    </Space>
  );
}
