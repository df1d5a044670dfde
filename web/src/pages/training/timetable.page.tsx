import { useQuery } from '@tanstack/react-query';
import { Card, Empty, List, Segmented, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { trainingApi, trainingKeys } from '../../api/training.api';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { formatDateTime } from '../../lib/format';
import { MyReflectionClassesCard } from '../reflections/my-reflection-classes.card';
import { PendingSurveysCard } from '../surveys/pending-surveys.card';

/** From one time to another: the second without its date when both fall on the same day. */
export function rangeText(from: string, until: string): string {
  const a = formatDateTime(from);
  const b = formatDateTime(until);
  return a.slice(0, 10) === b.slice(0, 10) ? `${a} – ${b.slice(-5)}` : `${a} – ${b}`;
}

/** 我的课表: the sessions of the classes a teacher holds a place in. */
export default function TimetablePage() {
  const { t } = useTranslation();
  const [all, setAll] = useState(false);
  const q = useQuery({ queryKey: trainingKeys.timetable(all), queryFn: () => trainingApi.timetable(all) });
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <PendingSurveysCard />
      <MyReflectionClassesCard />
      <Space style={{ justifyContent: 'space-between', width: '100%' }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('training.my.timetableTitle')}
        </Typography.Title>
        <Segmented
          value={all ? 'all' : 'upcoming'}
          onChange={(v) => setAll(v === 'all')}
          options={[
            { value: 'upcoming', label: t('training.my.upcoming') },
            { value: 'all', label: t('training.my.all') },
          ]}
        />
      </Space>
      {!q.data ? (
        <SectionSpin />
      ) : q.data.items.length === 0 ? (
        <Empty description={t('training.my.noSessions')} />
      ) : (
        <List
          dataSource={q.data.items}
          renderItem={(s) => (
            <Card size="small" style={{ marginBottom: 8 }} data-testid="timetable-item">
              <Space direction="vertical" size={2}>
                <Typography.Text strong>{rangeText(s.startsAt, s.endsAt)}</Typography.Text>
                <Typography.Text>
                  {s.projectTitle} · {s.className}
                </Typography.Text>
                {s.place && (
                  <Typography.Text type="secondary">
                    {t('training.session.place')}
                    {t('common.colon')}
                    {s.place}
                  </Typography.Text>
                )}
                {s.onlineUrl && (
                  <a href={s.onlineUrl} target="_blank" rel="noreferrer">
                    {t('training.session.online')}
                  </a>
                )}
                <Tag>
                  {t('training.session.checkin')}
                  {t('common.colon')}
                  {rangeText(s.checkinOpensAt, s.checkinClosesAt)}
                </Tag>
              </Space>
            </Card>
          )}
        />
      )}
    </Space>
  );
}
