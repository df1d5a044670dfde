import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Empty, List, Popconfirm, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { trainingApi, trainingKeys, type AvailableProject } from '../../api/training.api';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { useErrorMessage } from '../../lib/error-message';
import { formatHours } from '../../lib/hours';

function ProjectCard({ item }: { item: AvailableProject }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const errorText = useErrorMessage();
  const after = () => void queryClient.invalidateQueries({ queryKey: trainingKeys.all });
  const enrol = useMutation({
    mutationFn: (classId: number) => trainingApi.enrol(classId),
    onSuccess: (r) => {
      after();
      void message.success(r.status === 'enrolled' ? t('training.my.enrolledDone') : t('training.my.waitlistedDone'));
    },
    onError: (err) => {
      after();
      void message.error(errorText(err));
    },
  });
  const withdraw = useMutation({
    mutationFn: (id: number) => trainingApi.withdraw(id),
    onSuccess: () => {
      after();
      void message.success(t('training.enrolment.withdrawn'));
    },
    onError: (err) => message.error(errorText(err)),
  });
  const p = item.project;
  const mine = item.enrolment && item.enrolment.status !== 'withdrawn' ? item.enrolment : null;
  // a closed class is over: its place can no longer be given up
  const mineClosed = mine !== null && item.classes.find((c) => c.id === mine.classId)?.status === 'closed';
  return (
    <Card
      size="small"
      title={
        <Typography.Text strong style={{ whiteSpace: 'normal' }}>
          {p.title}
        </Typography.Text>
      }
      data-testid={`available-${p.id}`}
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Text type="secondary">
          {p.orgUnitName} · {t(`training.level.${p.level}`)} · {t('training.my.hours', { hours: formatHours(p.hours) })}
        </Typography.Text>
        <Typography.Text type="secondary">
          {t('training.fields.window')}
          {t('common.colon')}
          {p.registrationOpens ?? '…'} ~ {p.registrationCloses ?? '…'}
        </Typography.Text>
        {p.description && (
          <Typography.Paragraph ellipsis={{ rows: 3, expandable: true }} style={{ marginBottom: 0 }}>
            {p.description}
          </Typography.Paragraph>
        )}
        {mine && (
          <Alert
            type={mine.status === 'enrolled' ? 'success' : 'warning'}
            showIcon
            message={
              mine.status === 'enrolled'
                ? t('training.my.youAreIn', { name: mine.className })
                : t('training.my.youWait', { name: mine.className, n: mine.waitlistPosition ?? '?' })
            }
            action={
              mineClosed ? (
                <Tag>{t('training.close.status.closed')}</Tag>
              ) : (
                <Popconfirm title={t('training.my.withdrawConfirm')} onConfirm={() => withdraw.mutate(mine.id)}>
                  <Button size="small" danger data-testid="withdraw">
                    {t('training.enrolment.withdraw')}
                  </Button>
                </Popconfirm>
              )
            }
          />
        )}
        {!item.eligible && (
          <Alert
            type="info"
            showIcon
            message={t('training.my.notEligible')}
            description={
              <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                {item.reasons.map((r) => (
                  <li key={r.code}>{r.text}</li>
                ))}
              </ul>
            }
            data-testid="not-eligible"
          />
        )}
        {!item.registrationOpen && item.eligible && !mine && (
          <Alert type="info" showIcon message={t('training.my.registrationClosed')} />
        )}
        {!mine && (
          <List
            size="small"
            dataSource={item.classes}
            renderItem={(c) => {
              const full = c.enrolled >= c.capacity;
              return (
                <List.Item
                  actions={[
                    <Button
                      key="enrol"
                      type="primary"
                      size="large"
                      disabled={!item.eligible || !item.registrationOpen || c.status === 'closed'}
                      loading={enrol.isPending && enrol.variables === c.id}
                      onClick={() => enrol.mutate(c.id)}
                      data-testid={`enrol-${c.id}`}
                    >
                      {full ? t('training.my.joinWaitlist') : t('training.my.enrol')}
                    </Button>,
                  ]}
                >
                  <List.Item.Meta
                    title={c.name}
                    description={
                      <Space wrap>
                        <Tag color={full ? 'orange' : 'green'}>
                          {t('training.class.places', {
                            enrolled: c.enrolled,
                            capacity: c.capacity,
                            waitlisted: c.waitlisted,
                          })}
                        </Tag>
                      </Space>
                    }
                  />
                </List.Item>
              );
            }}
          />
        )}
      </Space>
    </Card>
  );
}

/** 可报名培训: a teacher's open projects, on a phone first. */
export default function AvailableTrainingPage() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: trainingKeys.available, queryFn: () => trainingApi.available() });
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <SectionSpin />;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('training.my.availableTitle')}
      </Typography.Title>
      {q.data.items.length === 0 ? (
        <Empty description={t('training.my.noneAvailable')} />
      ) : (
        q.data.items.map((item) => <ProjectCard key={item.project.id} item={item} />)
      )}
    </Space>
  );
}
