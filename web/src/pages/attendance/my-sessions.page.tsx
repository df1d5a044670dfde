import { BarChartOutlined, QrcodeOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Card, List, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { attendanceApi } from '../../api/attendance.api';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { useIsPhone } from '../../lib/use-media-query';
import { rangeText } from '../training/timetable.page';

/**
 * A trainer's sessions from yesterday on, each opening its rotating check-in code. On a phone the links go
 * below each session, and the project and the class each take a line of the full width, so a long name is
 * never squeezed beside them into a column one character wide.
 */
export default function MySessionsPage() {
  const { t } = useTranslation();
  const isPhone = useIsPhone();
  const q = useQuery({ queryKey: ['attendance', 'my-sessions'], queryFn: () => attendanceApi.mySessions() });
  if (q.isPending) return <SectionSpin />;
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  return (
    <Card title={t('attendance.mySessions.title')} size={isPhone ? 'small' : 'default'}>
      <List
        itemLayout={isPhone ? 'vertical' : 'horizontal'}
        className="my-sessions"
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
                  <span className="my-session-project">{s.projectTitle}</span>
                  <span className="my-session-separator"> · </span>
                  <span className="my-session-class">
                    {s.className} {s.classStatus === 'closed' && <Tag>{t('attendance.mySessions.closed')}</Tag>}
                  </span>
                </>
              }
              description={
                <Typography.Text type="secondary">
                  {rangeText(s.startsAt, s.endsAt)}
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
