import { Alert, Card, Descriptions, Flex, List, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { DevelopmentPlan, DevelopmentPlanStatus } from '../../api/archive.api';
import { formatDateTime } from '../../lib/format';

const STATUS_COLOR: Record<DevelopmentPlanStatus, string> = {
  draft: 'default',
  submitted: 'processing',
  approved: 'success',
  returned: 'warning',
};

export function PlanStatusTag({ status }: { status: DevelopmentPlanStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOR[status]} data-testid="plan-status">
      {t(`archive.plan.status.${status}`)}
    </Tag>
  );
}

/** The school's last comment on a returned plan (worded for its reader), and every decision so far. */
export function PlanReviews({ plan, reader = 'teacher' }: { plan: DevelopmentPlan; reader?: 'teacher' | 'school' }) {
  const { t } = useTranslation();
  return (
    <Flex vertical gap="small">
      {plan.status === 'returned' && plan.reviewComment && (
        <Alert
          type="warning"
          showIcon
          data-testid="plan-returned-comment"
          message={t(reader === 'school' ? 'archive.plan.returnedToTeacher' : 'archive.plan.returnedBy', {
            name: plan.reviewedByName ?? '',
          })}
          description={<span style={{ whiteSpace: 'pre-wrap' }}>{plan.reviewComment}</span>}
        />
      )}
      {plan.reviews.length > 0 && (
        <Card size="small" title={t('archive.plan.history')}>
          <List
            size="small"
            dataSource={plan.reviews}
            renderItem={(r) => (
              <List.Item>
                <Flex vertical>
                  <span>
                    <Tag color={r.decision === 'approved' ? 'success' : 'warning'}>
                      {t(`archive.plan.decision.${r.decision}`)}
                    </Tag>
                    {r.reviewedByName} · {formatDateTime(r.reviewedAt)}
                  </span>
                  {r.comment && <Typography.Text type="secondary">{r.comment}</Typography.Text>}
                </Flex>
              </List.Item>
            )}
          />
        </Card>
      )}
    </Flex>
  );
}

/** A plan as it stands, read only: the goals and each year's actions, training, target and self-review. */
export function PlanReadOnly({ plan }: { plan: DevelopmentPlan }) {
  const { t } = useTranslation();
  return (
    <Flex vertical gap="small">
      <Card size="small" title={t('archive.plan.goals')}>
        <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{plan.goals || '—'}</Typography.Paragraph>
      </Card>
      {plan.years.map((y) => (
        <Card key={y.year} size="small" title={t('archive.plan.yearTitle', { year: y.year })}>
          <Descriptions
            size="small"
            column={1}
            items={[
              { key: 'a', label: t('archive.plan.actions'), children: <Pre text={y.actions} /> },
              { key: 't', label: t('archive.plan.training'), children: <Pre text={y.training} /> },
              {
                key: 'h',
                label: t('archive.plan.target'),
                children: t('archive.plan.hours', { n: y.targetTenths / 10 }),
              },
              ...(y.selfReview
                ? [{ key: 's', label: t('archive.plan.selfReview'), children: <Pre text={y.selfReview} /> }]
                : []),
            ]}
          />
        </Card>
      ))}
    </Flex>
  );
}

const Pre = ({ text }: { text: string }) => <span style={{ whiteSpace: 'pre-wrap' }}>{text || '—'}</span>;
