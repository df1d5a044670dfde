import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Breadcrumb, Button, Flex, Popconfirm, Segmented, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import {
  archiveKeys,
  type DevelopmentPlanRow,
  type DevelopmentPlanStatus,
  developmentPlansApi,
} from '../../api/archive.api';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { ReasonModal } from '../../components/reason-modal';
import { useErrorMessage } from '../../lib/error-message';
import { formatDateTime } from '../../lib/format';
import { PlanReadOnly, PlanReviews, PlanStatusTag } from './plan-parts';

const STATUSES: DevelopmentPlanStatus[] = ['submitted', 'returned', 'approved'];

/** 发展规划审核: the development plans of the unit's teachers, those waiting for review first. */
export default function PlanReviewListPage() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<DevelopmentPlanStatus>('submitted');
  const [page, setPage] = useState(1);
  const q = useQuery({
    queryKey: archiveKeys.plans({ status, page }),
    queryFn: () => developmentPlansApi.list({ status, page, pageSize: 20 }),
  });
  return (
    <Flex vertical gap="middle">
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('archive.review.title')}
      </Typography.Title>
      <Typography.Text type="secondary">{t('archive.review.intro')}</Typography.Text>
      <Segmented
        value={status}
        onChange={(v) => {
          setStatus(v as DevelopmentPlanStatus);
          setPage(1);
        }}
        options={STATUSES.map((s) => ({ value: s, label: t(`archive.plan.status.${s}`) }))}
        data-testid="plan-review-status"
      />
      {q.isError ? (
        <ErrorResult error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <Table<DevelopmentPlanRow>
          rowKey="id"
          size="small"
          loading={q.isPending}
          dataSource={q.data?.items ?? []}
          scroll={{ x: 'max-content' }}
          pagination={{ current: page, pageSize: 20, total: q.data?.total ?? 0, onChange: setPage }}
          columns={[
            {
              key: 'teacher',
              title: t('archive.review.teacher'),
              render: (_, r) => <Link to={`/development-plans/${r.id}`}>{r.teacherName}</Link>,
            },
            { key: 'school', title: t('archive.review.school'), dataIndex: 'orgUnitName' },
            {
              key: 'period',
              title: t('archive.review.period'),
              render: (_, r) => t('archive.plan.period', { from: r.startYear, to: r.startYear + 2 }),
            },
            { key: 'status', title: t('archive.review.status'), render: (_, r) => <PlanStatusTag status={r.status} /> },
            {
              key: 'submittedAt',
              title: t('archive.review.submittedAt'),
              render: (_, r) => formatDateTime(r.submittedAt),
            },
          ]}
        />
      )}
    </Flex>
  );
}

/** One plan for its reviewers and readers: approve, or return with a comment the teacher sees. */
export function PlanReviewPage() {
  const { t } = useTranslation();
  const id = Number(useParams().id);
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const qc = useQueryClient();
  const [returning, setReturning] = useState(false);
  const q = useQuery({ queryKey: archiveKeys.plan(id), queryFn: () => developmentPlansApi.get(id) });
  const done = () => {
    void qc.invalidateQueries({ queryKey: ['development-plans'] });
  };
  const approve = useMutation({
    mutationFn: () => developmentPlansApi.review(id, 'approve', null),
    onSuccess: () => {
      void message.success(t('archive.review.approved'));
      done();
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  if (q.isPending) return <SectionSpin />;
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  const plan = q.data;
  return (
    <Flex vertical gap="middle">
      <Breadcrumb
        items={[
          { key: 'list', title: <Link to="/development-plans">{t('archive.review.title')}</Link> },
          { key: 'plan', title: plan.teacherName },
        ]}
      />
      <Flex justify="space-between" align="center" wrap gap="small">
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('archive.review.planOf', {
            name: plan.teacherName,
            period: t('archive.plan.period', { from: plan.startYear, to: plan.startYear + 2 }),
          })}
        </Typography.Title>
        <Space wrap>
          <PlanStatusTag status={plan.status} />
          <Link to={`/teachers/${plan.teacherId}/archive`}>{t('archive.link')}</Link>
        </Space>
      </Flex>
      {plan.canReview && (
        <Space wrap>
          <Popconfirm
            title={t('archive.review.approveConfirm')}
            description={t('archive.review.approveConfirmBody')}
            okText={t('archive.review.approve')}
            onConfirm={() => approve.mutateAsync().catch(() => undefined)}
          >
            <Button type="primary" loading={approve.isPending} data-testid="plan-approve">
              {t('archive.review.approve')}
            </Button>
          </Popconfirm>
          <Button danger onClick={() => setReturning(true)} data-testid="plan-return">
            {t('archive.review.return')}
          </Button>
        </Space>
      )}
      <PlanReviews plan={plan} reader="school" />
      <PlanReadOnly plan={plan} />
      <ReasonModal
        open={returning}
        title={t('archive.review.return')}
        label={t('archive.review.comment')}
        description={t('archive.review.returnBody')}
        maxLength={2000}
        okText={t('archive.review.return')}
        danger
        onSubmit={async (text) => {
          await developmentPlansApi.review(id, 'return', text);
          void message.success(t('archive.review.returned'));
          done();
        }}
        onClose={() => setReturning(false)}
        data-testid="plan-return-modal"
      />
    </Flex>
  );
}
