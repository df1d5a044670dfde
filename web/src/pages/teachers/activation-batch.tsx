import { useQuery } from '@tanstack/react-query';
import { Alert, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { teacherAccountsApi } from '../../api/teacher-accounts.api';
import { SectionSpin } from '../../components/page-states';

const number = (n: number) => n.toLocaleString('en');

/**
 * The content of the 打印激活码 confirmation: how many teachers lack an account and, when the unit has
 * more teachers than one print (5,000), which batch to print ("第 1–5,000 名 / 共 12,000 名"). The
 * choice is handed to `onChoose` (batch 1 until changed).
 */
export function ActivationBatchChooser({ orgUnitId, text, onChoose }: {
  orgUnitId: number;
  text: string;
  onChoose: (batch: number) => void;
}) {
  const { t } = useTranslation();
  const [batch, setBatch] = useState(1);
  const q = useQuery({
    queryKey: ['teacher-accounts', 'activation-batches', orgUnitId],
    queryFn: () => teacherAccountsApi.activationBatches(orgUnitId),
    gcTime: 0,
  });
  if (q.isError) return <Typography.Paragraph>{text}</Typography.Paragraph>;
  if (!q.data) return <SectionSpin />;
  const { teachers, withoutAccount, batchSize, batches } = q.data;
  const range = (b: number) => ({
    from: number((b - 1) * batchSize + 1),
    to: number(Math.min(teachers, b * batchSize)),
    total: number(teachers),
  });
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Paragraph style={{ margin: 0 }}>{text}</Typography.Paragraph>
      <Typography.Text type="secondary">
        {t('teachers.activation.withoutAccount', { count: withoutAccount, total: number(teachers) })}
      </Typography.Text>
      {batches > 1 && (
        <>
          <Alert type="info" showIcon title={t('teachers.activation.batchNotice', { size: number(batchSize) })} />
          <Select
            value={batch}
            style={{ width: '100%' }}
            onChange={(b: number) => {
              setBatch(b);
              onChoose(b);
            }}
            options={Array.from({ length: batches }, (_, i) => ({
              value: i + 1,
              label: t('teachers.activation.batchRange', range(i + 1)),
            }))}
            data-testid="activation-batch"
          />
        </>
      )}
    </Space>
  );
}
