import { RightOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Flex, Progress, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { creditsApi } from '../../api/credits.api';
import { queryKeys } from '../../api/query-keys';
import { MY_CREDITS_PATH } from '../../auth/roles';
import { ProgressStatusTag, STATUS_COLORS } from '../../components/credit-labels';
import { formatHours, percentOf } from '../../lib/hours';

/**
 * 我的学时 in one line on 我的信息, where teachers land: hours against the requirement and the
 * status, with the way to the details. Nothing when there is no cycle (or no progress to show).
 */
export function MyCreditsSummaryCard() {
  const { t } = useTranslation();
  const progress = useQuery({ queryKey: queryKeys.myProgress, queryFn: () => creditsApi.progress(), retry: false });
  if (!progress.data) return null;
  const p = progress.data;
  return (
    <Card size="small" data-testid="my-credits-summary-card">
      <Flex align="center" gap={12} wrap>
        <Progress
          type="circle"
          size={48}
          percent={percentOf(p.counted, p.required)}
          strokeColor={STATUS_COLORS[p.status]}
        />
        <Flex vertical style={{ flex: '1 1 160px', minWidth: 0 }}>
          <Typography.Text strong>{t('nav.myCredits')}</Typography.Text>
          <Space size={6} wrap>
            <Typography.Text>
              {t('myCredits.summaryLine', { counted: formatHours(p.counted), required: formatHours(p.required) })}
            </Typography.Text>
            <ProgressStatusTag status={p.status} />
          </Space>
        </Flex>
        <Link to={MY_CREDITS_PATH}>
          <Button type="link" data-testid="my-credits-summary-link">
            {t('myCredits.details')} <RightOutlined />
          </Button>
        </Link>
      </Flex>
    </Card>
  );
}
