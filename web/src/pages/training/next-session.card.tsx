import { CalendarOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Card, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { trainingApi, trainingKeys } from '../../api/training.api';
import { rangeText } from './timetable.page';

/** On a teacher's home page: their next training session, linking to the timetable (nothing when none is ahead). */
export function NextSessionCard() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: trainingKeys.timetable(false), queryFn: () => trainingApi.timetable(false) });
  const next = q.data?.items[0];
  if (!next) return null;
  return (
    <Card
      size="small"
      title={
        <Space>
          <CalendarOutlined />
          {t('training.my.nextSession')}
        </Space>
      }
      extra={<Link to="/me/timetable">{t('training.nav.timetable')}</Link>}
      data-testid="next-session"
    >
      <Space direction="vertical" size={2}>
        <Typography.Text strong>{rangeText(next.startsAt, next.endsAt)}</Typography.Text>
        <Typography.Text>
          {next.projectTitle} · {next.className}
        </Typography.Text>
        {next.place && (
          <Typography.Text type="secondary">
            {t('training.session.place')}
            {t('common.colon')}
            {next.place}
          </Typography.Text>
        )}
      </Space>
    </Card>
  );
}
