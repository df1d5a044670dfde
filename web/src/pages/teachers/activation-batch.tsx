import { Alert, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiResponse } from '../../api/schema.gen';

export type ActivationBatches = ApiResponse<'/api/org-units/{id}/activation-codes/batches', 'get'>;

const number = (n: number) => n.toLocaleString('en');

/**
 * The content of the 打印激活码 confirmation: how many teachers lack an account and, when the unit has
 * more teachers than one print (5,000), which batch to print ("第 1–5,000 名 / 共 12,000 名"). The
 * choice is handed to `onChoose` (batch 1 until changed). Rendered inside a confirmation dialog,
 * which lies outside the query client: the batches are fetched before it opens.
 */
export function ActivationBatchChooser({
  batches,
  text,
  onChoose,
}: {
  batches: ActivationBatches | null;
  text: string;
  onChoose: (batch: number) => void;
}) {
  const { t } = useTranslation();
  const [batch, setBatch] = useState(1);
  if (!batches) return <Typography.Paragraph>{text}</Typography.Paragraph>;
  const { teachers, withoutAccount, batchSize } = batches;
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
      {batches.batches > 1 && (
        <>
          <Alert type="info" showIcon title={t('teachers.activation.batchNotice', { size: number(batchSize) })} />
          <Select
            value={batch}
            style={{ width: '100%' }}
            onChange={(b: number) => {
              setBatch(b);
              onChoose(b);
            }}
            options={Array.from({ length: batches.batches }, (_, i) => ({
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
