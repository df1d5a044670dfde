import { BarChartOutlined, QrcodeOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Card, List, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { attendanceApi } from '../../api/attendance.api';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { formatDateTime } from '../../lib/format';

/** A trainer's sessions from yesterday on, each opening its rotating check-in code. */
export default function MySessionsPage() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ['attendance', 'my-sessions'], queryFn: () => attendanceApi.mySessions() });
  if (q.isPending) return <SectionSpin />;
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  return (
    <Card title={t('attendance.mySessions.title')}>
      <List
        dataSource={q.data.items}
        locale={{ emptyText: t('attendance.mySessions.empty') }}
        renderItem={(s) => (
          <List.Item
            data-testid="my-session"
            actions={[
              <Link key="qr" to={`/sessions/${s.id}/qr`}>
                <QrcodeOutlined /> {t('attendance.mySessions.openQr')}
              </Link>,
              <Link key="survey" to={`/surveys/classes/${s.classId}`}>
                <BarChartOutlined /> {t('surveys.results.link')}
              </Link>,
            ]}
          >
            <List.Item.Meta
              title={
                <>
                  {s.projectTitle} · {s.className}{' '}
                  {s.classStatus === 'closed' && <Tag>{t('attendance.mySessions.closed')}</Tag>}
                </>
              }
              description={
                <Typography.Text type="secondary">
                  {formatDateTime(s.startsAt)} – {formatDateTime(s.endsAt)}
                  {s.place ? ` · ${s.place}` : ''}
                </Typography.Text>
              }
            />
          </List.Item>
        )}
      />
    </Card>
  );
}
