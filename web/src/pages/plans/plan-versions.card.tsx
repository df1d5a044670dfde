import { useQuery } from '@tanstack/react-query';
import { Button, Card, Empty, Modal, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { planKeys, plansApi, type PlanEvent } from '../../api/plans.api';
import { SectionSpin } from '../../components/page-states';
import { formatDateTime } from '../../lib/format';
import { PlanItemsTable } from './plan-labels';

const EVENT_COLOR: Record<PlanEvent, string> = {
  submitted: 'blue',
  approved: 'green',
  returned: 'red',
  published: 'green',
};

function VersionModal({ versionId, onClose }: { versionId: number; onClose: () => void }) {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: planKeys.version(versionId), queryFn: () => plansApi.version(versionId) });
  const v = q.data?.version;
  return (
    <Modal
      open
      title={
        v ? t('plans.versionTitle', { version: v.version, event: t(`plans.events.${v.event}`) }) : t('common.loading')
      }
      onCancel={onClose}
      footer={null}
      width={900}
      destroyOnHidden
    >
      {!v ? (
        <SectionSpin />
      ) : (
        <>
          <Typography.Title level={5}>{v.content.title}</Typography.Title>
          {v.content.summary && (
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{v.content.summary}</Typography.Paragraph>
          )}
          {v.comment && (
            <Typography.Paragraph type="secondary">
              {t('plans.comment')}
              {t('common.colon')}
              {v.comment}
            </Typography.Paragraph>
          )}
          <PlanItemsTable items={v.content.items} />
        </>
      )}
    </Modal>
  );
}

/** 版本记录: who submitted, approved, returned or published the plan and when; each version opens. */
export function PlanVersionsCard({ planId }: { planId: number }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<number | null>(null);
  const q = useQuery({ queryKey: planKeys.versions(planId), queryFn: () => plansApi.versions(planId) });
  return (
    <Card title={t('plans.versions')} size="small" data-testid="plan-versions">
      {!q.data ? (
        <SectionSpin />
      ) : q.data.items.length === 0 ? (
        <Empty description={t('plans.noVersions')} />
      ) : (
        <Timeline
          items={q.data.items.map((v) => ({
            color: EVENT_COLOR[v.event],
            children: (
              <div data-testid="plan-version">
                <Typography.Text strong>{t(`plans.events.${v.event}`)}</Typography.Text>{' '}
                <Typography.Text type="secondary">
                  {t('plans.versionNo', { version: v.version })} · {v.actorName ?? '—'} · {formatDateTime(v.createdAt)}
                </Typography.Text>
                {v.comment && (
                  <div>
                    {t('plans.comment')}
                    {t('common.colon')}
                    {v.comment}
                  </div>
                )}
                <Button
                  type="link"
                  size="small"
                  onClick={() => setOpen(v.id)}
                  style={{ paddingInline: 0, marginInlineStart: 8 }}
                >
                  {t('plans.viewVersion')}
                </Button>
              </div>
            ),
          }))}
        />
      )}
      {open !== null && <VersionModal versionId={open} onClose={() => setOpen(null)} />}
    </Card>
  );
}
