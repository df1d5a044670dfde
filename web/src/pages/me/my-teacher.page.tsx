import { useQuery } from '@tanstack/react-query';
import { Card, Descriptions, Empty, Flex, List, Space, Typography } from 'antd';
import type { DescriptionsProps } from 'antd';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate } from 'react-router';
import { isApiError } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import { teacherAccountsApi } from '../../api/teacher-accounts.api';
import type { MyTeacherRecord, TeacherCorrection } from '../../api/types';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { formatDate, formatDateTime, orDash } from '../../lib/format';
import { CorrectionStatusTag, useCorrectionWording } from '../teachers/correction-labels';
import { PostingsTimeline } from '../teachers/postings-timeline';
import { useTeacherValueLabels } from '../teachers/teacher-labels';
import { MyCreditsSummaryCard } from './my-credits-summary.card';
import { NextSessionCard } from '../training/next-session.card';
import { PendingSurveysCard } from '../surveys/pending-surveys.card';

// the correction form (date picker, selects, number inputs) comes when the page is on screen, not with it
const CorrectionRequestCard = lazy(() =>
  import('./correction-request.card').then((m) => ({ default: m.CorrectionRequestCard })),
);

function Record({ record }: { record: MyTeacherRecord }) {
  const { t } = useTranslation();
  const { subjectLabel, titleLabel } = useTeacherValueLabels();
  const { teacher } = record;
  const items: DescriptionsProps['items'] = [
    { key: 'school', label: t('teachers.fields.school'), children: teacher.orgUnitName },
    { key: 'idType', label: t('teachers.fields.idType'), children: t(`teachers.idTypes.${teacher.idType}`) },
    {
      key: 'idNumber',
      label: t('teachers.fields.idNumber'),
      children: (
        <span className="identifier" data-testid="my-teacher-id-number">
          {teacher.idNumberMasked}
        </span>
      ),
    },
    {
      key: 'gender',
      label: t('teachers.fields.gender'),
      children: teacher.gender ? t(`teachers.genders.${teacher.gender}`) : '—',
    },
    { key: 'birthDate', label: t('teachers.fields.birthDate'), children: orDash(teacher.birthDate) },
    {
      key: 'phone',
      label: t('teachers.fields.phone'),
      children: (
        <span className="identifier" data-testid="my-teacher-phone">
          {orDash(teacher.phoneMasked)}
        </span>
      ),
    },
    { key: 'stage', label: t('teachers.fields.stage'), children: t(`stages.${teacher.stage}`) },
    { key: 'subject', label: t('teachers.fields.subject'), children: subjectLabel(teacher.subject) },
    { key: 'title', label: t('teachers.fields.title'), children: titleLabel(teacher.title) },
    {
      key: 'teachingStartYear',
      label: t('teachers.fields.teachingStartYear'),
      children: teacher.teachingStartYear === null ? '—' : String(teacher.teachingStartYear),
    },
    {
      key: 'employment',
      label: t('teachers.fields.employment'),
      children: t(`teachers.employments.${teacher.employment}`),
    },
  ];
  return (
    <Card data-testid="my-teacher-record">
      <Typography.Title level={4} style={{ marginTop: 0 }} data-testid="my-teacher-name">
        {teacher.name}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('myTeacher.intro')}</Typography.Paragraph>
      <Descriptions items={items} column={{ xs: 1, sm: 2 }} size="small" />
    </Card>
  );
}

function Requests({ corrections }: { corrections: TeacherCorrection[] }) {
  const { t } = useTranslation();
  const { fieldLabel, proposedText } = useCorrectionWording();
  return (
    <Card title={t('myTeacher.requests.title')}>
      {corrections.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('myTeacher.requests.empty')} />
      ) : (
        <List
          dataSource={corrections}
          rowKey="id"
          data-testid="my-corrections"
          renderItem={(c) => (
            <List.Item data-testid="my-correction">
              <Flex vertical gap={2} style={{ minWidth: 0, width: '100%' }}>
                <Space size={8} wrap>
                  <Typography.Text strong>{fieldLabel(c.field)}</Typography.Text>
                  <CorrectionStatusTag status={c.status} />
                </Space>
                <Typography.Text className="correction-proposed">
                  {t('myTeacher.requests.proposed', { value: proposedText(c, 'myTeacher.requests.hidden') })}
                </Typography.Text>
                <Typography.Text type="secondary" className="correction-proposed">
                  {t('myTeacher.requests.reason', { reason: c.reason })}
                </Typography.Text>
                <Typography.Text type="secondary">
                  {c.decidedAt
                    ? t('myTeacher.requests.decidedOn', {
                        asked: formatDate(c.createdAt),
                        decided: formatDateTime(c.decidedAt),
                      })
                    : t('myTeacher.requests.askedOn', { asked: formatDateTime(c.createdAt) })}
                </Typography.Text>
                {c.decisionNote && (
                  <Typography.Text className="correction-proposed" data-testid="my-correction-note">
                    {t('myTeacher.requests.note', { note: c.decisionNote })}
                  </Typography.Text>
                )}
              </Flex>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

/**
 * 我的信息: surveys awaiting the teacher's answer, their next session, their hours, their own registry
 * record (identifiers masked), their postings, a form to ask the
 * school for a correction and their requests so far. Mostly opened on phones. An account that is
 * not linked to a registry record (created by hand) has no record: it goes on to 我的账户.
 */
export default function MyTeacherPage() {
  const { t } = useTranslation();
  const record = useQuery({ queryKey: queryKeys.myTeacher, queryFn: teacherAccountsApi.me });
  if (record.isPending) return <SectionSpin />;
  if (record.isError) {
    if (isApiError(record.error, 'FORBIDDEN')) return <Navigate to="/me" replace />;
    return <ErrorResult error={record.error} onRetry={() => void record.refetch()} />;
  }
  return (
    <Flex vertical gap={16} className="my-teacher-page">
      <PendingSurveysCard />
      <NextSessionCard />
      <MyCreditsSummaryCard />
      <Record record={record.data} />
      <Card title={t('teachers.postings.title')}>
        <PostingsTimeline postings={record.data.postings} />
      </Card>
      <Suspense fallback={<Card loading />}>
        <CorrectionRequestCard teacher={record.data.teacher} />
      </Suspense>
      <Requests corrections={record.data.corrections} />
    </Flex>
  );
}
