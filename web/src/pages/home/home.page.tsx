import {
  CalendarOutlined,
  CheckCircleOutlined,
  QrcodeOutlined,
  RightOutlined,
  TrophyOutlined,
} from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Empty, Flex, List, Progress, Row, Space, Statistic, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, Navigate } from 'react-router';
import {
  homeApi,
  homeKeys,
  type AdminHome,
  type HomeSession,
  type TeacherHome,
  type Todo,
  type TodoKind,
  type TrainerHome,
} from '../../api/home.api';
import { publicityApi } from '../../api/programmes.api';
import { MY_CREDITS_PATH } from '../../auth/roles';
import { useCurrentUser } from '../../auth/session';
import { ProgressStatusTag, STATUS_COLORS } from '../../components/credit-labels';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { formatHours, percentOf } from '../../lib/hours';
import { rangeText } from '../training/timetable.page';
import { OnlineClassesCard } from './online-classes.card';
import { OpenExamsCard } from './open-exams.card';

/** The days ahead in which the server counts a registration as closing soon. */
const CLOSING_SOON_DAYS = 7;

/** Where each to-do is acted on: the list, filtered to the things waiting. */
function todoLink(todo: Todo): string {
  const cycle = todo.cycleId ? `cycle=${todo.cycleId}&` : '';
  const links: Record<TodoKind, string> = {
    verification_review: `/verifications?${cycle}year=${todo.year ?? ''}&status=submitted`,
    verification_not_opened: `/verifications?${cycle}year=${todo.year ?? ''}&status=not_started`,
    verification_to_submit: `/verifications?${cycle}year=${todo.year ?? ''}`,
    plan_review: '/plan-review',
    reversal_request: '/verifications?tab=reversals',
    review_request: '/credits/register?tab=reviews',
    correction: '/teacher-corrections?status=open',
    registration_closing: `/training?status=open&closing=${CLOSING_SOON_DAYS}`,
    homework_to_grade: '/study/tutoring',
    forum_reports: '/study/tutoring',
    publicity_objections: '/publicity?status=open',
    publicity_to_finalise: '/publicity?status=open',
    exam_marking: '/marking',
    lrs_review: '/lrs/review',
    pair_recommend: '/programmes/pairs?status=applied',
    pair_register: '/programmes/pairs?status=recommended',
    backbone_nominate: '/programmes/backbone',
    backbone_score: '/me/backbone',
    backbone_flagged: '/programmes/backbone?tab=titles&flagged=1',
    backbone_duties: '/programmes/backbone?tab=duties',
    development_plan_review: '/development-plans',
    competition_entries: '/programmes/competitions',
    competition_scoring: '/judging',
  };
  return links[todo.kind];
}

function TodoCard({ todo }: { todo: Todo }) {
  const { t } = useTranslation();
  const me = useCurrentUser();
  // a school's own year is one thing to do, not a count of schools
  const ownYear = todo.kind === 'verification_not_opened' && me.orgUnit.kind === 'school';
  return (
    <Card size="small" className="home-todo" data-testid={`todo-${todo.kind}`}>
      <Flex align="center" justify="space-between" gap={12}>
        {ownYear ? (
          <Typography.Text strong>{t('home.todos.ownYearNotOpened', { year: todo.year ?? '' })}</Typography.Text>
        ) : todo.kind === 'verification_to_submit' ? (
          <Typography.Text strong>{t('home.todos.ownYearToSubmit', { year: todo.year ?? '' })}</Typography.Text>
        ) : (
          <Statistic
            title={t(`home.todos.${todo.kind}`, { year: todo.year ?? '' })}
            value={todo.count}
            suffix={t(`home.units.${todo.kind}`)}
          />
        )}
        <Link to={todoLink(todo)} data-testid="todo-link">
          <Button type="primary" ghost>
            {t('home.act')} <RightOutlined />
          </Button>
        </Link>
      </Flex>
    </Card>
  );
}

function AdminHomeView({ home }: { home: AdminHome }) {
  const { t } = useTranslation();
  const me = useCurrentUser();
  return (
    <Card
      title={t('home.adminTitle', { unit: me.orgUnit.name })}
      extra={<Typography.Text type="secondary">{home.today}</Typography.Text>}
      data-testid="home-admin"
    >
      {home.todos.length === 0 ? (
        <Empty
          image={<CheckCircleOutlined style={{ fontSize: 48, color: '#52c41a' }} />}
          description={t('home.noTodos')}
        />
      ) : (
        <Row gutter={[16, 16]}>
          {home.todos.map((todo) => (
            <Col key={`${todo.kind}-${todo.year ?? ''}`} xs={24} sm={12} xl={8}>
              <TodoCard todo={todo} />
            </Col>
          ))}
        </Row>
      )}
    </Card>
  );
}

function SessionLine({ s, qr }: { s: HomeSession; qr?: boolean }) {
  const { t } = useTranslation();
  return (
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
      {qr && (
        <Link to={`/sessions/${s.sessionId}/qr`}>
          <QrcodeOutlined /> {t('attendance.mySessions.openQr')}
        </Link>
      )}
    </Space>
  );
}

function TeacherHomeView({ home }: { home: TeacherHome }) {
  const { t } = useTranslation();
  // 公示: lists in the teacher's scope whose period runs now
  const publicity = useQuery({ queryKey: ['publicity', 'running'], queryFn: () => publicityApi.running() });
  if (!home.linked)
    return <Alert type="info" showIcon title={t('home.teacher.notLinked')} data-testid="home-not-linked" />;
  const h = home.hours;
  const missing: Array<{ key: string; text: string; to: string }> = [];
  if (h?.yearMinimum != null && h.yearCounted < h.yearMinimum)
    missing.push({
      key: 'year',
      text: t('home.teacher.missing.year', {
        year: h.year,
        counted: formatHours(h.yearCounted),
        minimum: formatHours(h.yearMinimum),
      }),
      to: MY_CREDITS_PATH,
    });
  if (h && h.minimaUnmet > 0)
    missing.push({
      key: 'minima',
      text: t('home.teacher.missing.minima', { count: h.minimaUnmet }),
      to: MY_CREDITS_PATH,
    });
  if (home.surveysPending > 0)
    missing.push({
      key: 'surveys',
      text: t('home.teacher.missing.surveys', { count: home.surveysPending }),
      to: '/me/timetable',
    });
  for (const h of home.homeworkToDo)
    missing.push({
      key: `homework-${h.classId}`,
      text: t('home.teacher.missing.homework', { count: h.count, className: h.className }),
      to: `/me/study/${h.classId}/homework`,
    });
  if ((publicity.data?.running ?? 0) > 0)
    missing.push({
      key: 'publicity',
      text: t('home.teacher.missing.publicity', { count: publicity.data?.running ?? 0 }),
      to: '/publicity?status=open',
    });
  for (const r of home.forumReports)
    missing.push({
      key: `reports-${r.classId}`,
      text: t('home.teacher.missing.forumReports', { count: r.count, className: r.className }),
      to: `/me/study/${r.classId}/forum?tab=reports`,
    });
  if (home.toScore.competitions > 0)
    missing.push({
      key: 'judging',
      text: t('home.teacher.missing.judging', { count: home.toScore.competitions }),
      to: '/judging',
    });
  if (home.toScore.backbone > 0)
    missing.push({
      key: 'backbone-score',
      text: t('home.teacher.missing.backboneScore', { count: home.toScore.backbone }),
      to: '/me/backbone',
    });
  if (home.pairsToConfirm > 0)
    missing.push({
      key: 'pairs',
      text: t('home.teacher.missing.pairs', { count: home.pairsToConfirm }),
      to: '/me/pairs',
    });
  return (
    <Flex vertical gap={16} data-testid="home-teacher">
      <Card
        size="small"
        title={
          <Space>
            <TrophyOutlined />
            {t('nav.myCredits')}
          </Space>
        }
        extra={<Link to={MY_CREDITS_PATH}>{t('myCredits.details')}</Link>}
        data-testid="home-hours"
      >
        {h ? (
          <Flex align="center" gap={16} wrap>
            <Progress
              type="circle"
              size={64}
              percent={percentOf(h.counted, h.required)}
              strokeColor={STATUS_COLORS[h.status]}
            />
            <Flex vertical style={{ flex: '1 1 180px', minWidth: 0 }}>
              <Typography.Text data-testid="home-hours-line">
                {t('myCredits.summaryLine', { counted: formatHours(h.counted), required: formatHours(h.required) })}
              </Typography.Text>
              <Typography.Text type="secondary">
                {t('home.teacher.yearLine', { year: h.year, counted: formatHours(h.yearCounted) })}
              </Typography.Text>
              <span>
                <ProgressStatusTag status={h.status} />
              </span>
            </Flex>
          </Flex>
        ) : (
          <Typography.Text type="secondary">{t('home.teacher.noCycle')}</Typography.Text>
        )}
      </Card>
      <Card
        size="small"
        title={
          <Space>
            <CalendarOutlined />
            {t('training.my.nextSession')}
          </Space>
        }
        extra={<Link to="/me/timetable">{t('training.nav.timetable')}</Link>}
        data-testid="home-next-session"
      >
        {home.nextSession ? (
          <SessionLine s={home.nextSession} />
        ) : (
          <Typography.Text type="secondary">{t('home.teacher.noSession')}</Typography.Text>
        )}
      </Card>
      <OpenExamsCard />
      <OnlineClassesCard />
      <Card size="small" title={t('home.teacher.missingTitle')} data-testid="home-missing">
        {missing.length === 0 ? (
          <Typography.Text type="secondary">{t('home.teacher.nothingMissing')}</Typography.Text>
        ) : (
          <List
            dataSource={missing}
            renderItem={(m) => (
              <List.Item
                data-testid={`missing-${m.key}`}
                actions={[
                  <Link key="go" to={m.to}>
                    {t('home.act')}
                  </Link>,
                ]}
              >
                {m.text}
              </List.Item>
            )}
          />
        )}
      </Card>
    </Flex>
  );
}

function TrainerHomeView({ home }: { home: TrainerHome }) {
  const { t } = useTranslation();
  return (
    <Flex vertical gap={16} data-testid="home-trainer">
      <Card
        size="small"
        title={t('home.trainer.today', { date: home.today })}
        extra={<Link to="/my-sessions">{t('attendance.mySessions.title')}</Link>}
      >
        {home.sessions.length === 0 ? (
          <Typography.Text type="secondary">{t('home.trainer.noneToday')}</Typography.Text>
        ) : (
          <List
            dataSource={home.sessions}
            renderItem={(s) => (
              <List.Item data-testid="home-session">
                <SessionLine s={s} qr />
              </List.Item>
            )}
          />
        )}
      </Card>
      {home.next && (
        <Card size="small" title={t('home.trainer.next')}>
          <SessionLine s={home.next} />
        </Card>
      )}
      {home.todos.length > 0 && (
        <Row gutter={[16, 16]}>
          {home.todos.map((todo) => (
            <Col key={todo.kind} xs={24} sm={12}>
              <TodoCard todo={todo} />
            </Col>
          ))}
        </Row>
      )}
    </Flex>
  );
}

/**
 * 工作台, where everyone lands: an administrator's to-dos with counts and one click to the filtered
 * list, a teacher's hours, next session and what is missing, a trainer's sessions of the day.
 */
export default function HomePage() {
  const q = useQuery({ queryKey: homeKeys.home, queryFn: () => homeApi.get() });
  if (q.isPending) return <SectionSpin />;
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  const home = q.data;
  switch (home.kind) {
    case 'admin':
      return <AdminHomeView home={home} />;
    case 'teacher':
      return <TeacherHomeView home={home} />;
    case 'trainer':
      return <TrainerHomeView home={home} />;
    default:
      return <Navigate to="/me" replace />;
  }
}
