import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Descriptions, Empty, Flex, Progress, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { certificatesApi } from '../../api/certificates.api';
import { creditsApi } from '../../api/credits.api';
import { queryKeys } from '../../api/query-keys';
import { teachersApi } from '../../api/teachers.api';
import type { Certificate, ProgressYear, TeacherTrainingRecord } from '../../api/types';
import {
  CertificateStatusTag,
  ProgressStatusTag,
  STATUS_COLORS,
  VerificationResultTag,
} from '../../components/credit-labels';
import { DownloadButton } from '../../components/download-button';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { formatDate } from '../../lib/format';
import { formatHours, percentOf, thisYearParams } from '../../lib/hours';
import { CycleSelect } from '../credits/cycle-select';
import { useCycles } from '../credits/use-cycles';

/**
 * 教师档案 · 学时: the hours of one teacher in a cycle (the current one unless another is chosen), each
 * year against the yearly minimum and the total against what the cycle requires (R-10, R-11), with
 * each year's verification.
 */
export function TeacherHours({ teacherId }: { teacherId: number }) {
  const { t } = useTranslation();
  const [cycleId, setCycleId] = useState<number | undefined>(undefined);
  const { list, cycles, cycle } = useCycles(cycleId);
  const progress = useQuery({
    queryKey: [...queryKeys.teacherProgress(teacherId), cycle?.id ?? null],
    queryFn: () => creditsApi.progress({ teacherId, cycleId: cycle?.id }),
    // the cycle to show is known once the province's cycles are
    enabled: !list.isPending,
  });
  const choose = <CycleSelect cycles={cycles} value={cycle?.id} onChange={setCycleId} />;
  if (progress.isPending) return <SectionSpin />;
  if (progress.isError) {
    if (isApiError(progress.error, 'CYCLE_NOT_FOUND_FOR_YEAR'))
      return <Alert type="info" showIcon title={t('teachers.record.noCycle')} />;
    return <ErrorResult error={progress.error} onRetry={() => void progress.refetch()} />;
  }
  const p = progress.data;
  const yearly = p.cycle.rules.yearlyMinimum;
  const columns: TableColumnsType<ProgressYear> = [
    { title: t('teachers.record.year'), dataIndex: 'year' },
    {
      title: t('teachers.record.yearHours'),
      key: 'hours',
      render: (_, y) => (
        <Flex vertical gap={2} style={{ minWidth: 160 }}>
          <Typography.Text data-testid="teacher-year-hours">
            {y.minimum !== null
              ? t('teachers.record.ofMinimum', { counted: formatHours(y.counted), minimum: formatHours(y.minimum) })
              : formatHours(y.counted)}
          </Typography.Text>
          <Progress
            percent={y.minimum !== null ? percentOf(y.counted, y.minimum) : y.counted > 0 ? 100 : 0}
            showInfo={false}
            size="small"
            strokeColor={
              y.year > p.asOfYear ? '#bfbfbf' : y.met === false ? STATUS_COLORS.behind : STATUS_COLORS.complete
            }
          />
        </Flex>
      ),
    },
    {
      title: t('teachers.record.minimumMet'),
      key: 'met',
      render: (_, y) =>
        y.met === null ? (
          '—'
        ) : y.met ? (
          <Tag color="success">{t('teachers.record.met')}</Tag>
        ) : (
          <Tag color="error">{t('teachers.record.notMet')}</Tag>
        ),
    },
    {
      title: t('teachers.record.verification'),
      key: 'verification',
      render: (_, y) => (y.verification ? <VerificationResultTag result={y.verification} /> : '—'),
    },
  ];
  return (
    <Flex vertical gap={16} data-testid="teacher-hours">
      {cycles.length > 1 && <div>{choose}</div>}
      <Descriptions
        size="small"
        column={{ xs: 1, sm: 2, lg: 4 }}
        items={[
          { key: 'cycle', label: t('teachers.record.cycle'), children: p.cycle.name },
          {
            key: 'total',
            label: t('teachers.record.total'),
            children: (
              <span data-testid="teacher-total-hours">
                {t('teachers.record.ofRequired', {
                  counted: formatHours(p.counted),
                  required: formatHours(p.required),
                })}
              </span>
            ),
          },
          { key: 'credits', label: t('teachers.record.credits'), children: p.credits },
          { key: 'status', label: t('teachers.record.status'), children: <ProgressStatusTag status={p.status} /> },
        ]}
      />
      <Progress percent={percentOf(p.counted, p.required)} strokeColor={STATUS_COLORS[p.status]} />
      {yearly !== null && (
        <Typography.Text type="secondary">
          {t('teachers.record.yearlyMinimum', { hours: formatHours(yearly) })}
        </Typography.Text>
      )}
      {p.thisYear?.below && p.status === 'below_yearly' && (
        <Alert
          type="warning"
          showIcon
          title={t('myCredits.statusHelp.below_yearly', thisYearParams(p.thisYear))}
          data-testid="teacher-below-yearly"
        />
      )}
      <Table<ProgressYear>
        rowKey="year"
        size="small"
        pagination={false}
        columns={columns}
        dataSource={p.years}
        scroll={{ x: 'max-content' }}
      />
    </Flex>
  );
}

/** 教师档案 · 培训: every class the teacher enrolled in, with the place, the outcome and attendance. */
export function TeacherTraining({ teacherId }: { teacherId: number }) {
  const { t } = useTranslation();
  const list = useQuery({
    queryKey: queryKeys.teacherTraining(teacherId),
    queryFn: () => teachersApi.training(teacherId),
  });
  if (list.isPending) return <SectionSpin />;
  if (list.isError) return <ErrorResult error={list.error} onRetry={() => void list.refetch()} />;
  const columns: TableColumnsType<TeacherTrainingRecord> = [
    { title: t('training.fields.year'), dataIndex: 'year' },
    {
      title: t('training.fields.title'),
      key: 'project',
      render: (_, r) => (
        <Flex vertical>
          <Typography.Text>{r.projectTitle}</Typography.Text>
          <Typography.Text type="secondary" className="small-text">
            {`${t(`training.level.${r.level}`)} · ${r.organiserName} · ${r.className}`}
          </Typography.Text>
        </Flex>
      ),
    },
    { title: t('training.fields.hours'), dataIndex: 'hours', align: 'right', render: (h: number) => formatHours(h) },
    {
      title: t('training.enrolment.status'),
      dataIndex: 'status',
      render: (s: TeacherTrainingRecord['status']) => t(`training.enrolmentStatus.${s}`),
    },
    {
      title: t('teachers.record.attendance'),
      key: 'attendance',
      align: 'right',
      render: (_, r) => t('teachers.record.sessions', { attended: r.sessionsAttended, held: r.sessionsHeld }),
    },
    {
      title: t('teachers.record.outcome'),
      key: 'outcome',
      render: (_, r) =>
        r.outcome === 'completed' ? (
          <Tag color="success">{t('teachers.record.completed')}</Tag>
        ) : r.outcome === 'not_completed' ? (
          <Space size={4} wrap>
            <Tag color="error">{t('teachers.record.notCompleted')}</Tag>
            {r.outcomeReason && <Typography.Text type="secondary">{r.outcomeReason}</Typography.Text>}
          </Space>
        ) : r.status === 'withdrawn' ? (
          '—'
        ) : (
          <Tag>{t('teachers.record.inProgress')}</Tag>
        ),
    },
    { title: t('training.enrolment.at'), dataIndex: 'enrolledAt', render: (v: string) => formatDate(v) },
  ];
  return (
    <Table<TeacherTrainingRecord>
      rowKey="enrolmentId"
      size="small"
      columns={columns}
      dataSource={list.data.items}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      scroll={{ x: 'max-content' }}
      locale={{
        emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('teachers.record.noTraining')} />,
      }}
      data-testid="teacher-training"
    />
  );
}

/** 教师档案 · 证书: the teacher's certificates and record sheets, each with its PDF. */
export function TeacherCertificates({ teacherId }: { teacherId: number }) {
  const { t } = useTranslation();
  const list = useQuery({
    queryKey: queryKeys.teacherCertificates(teacherId),
    queryFn: () => certificatesApi.forTeacher(teacherId),
  });
  if (list.isPending) return <SectionSpin />;
  if (list.isError) return <ErrorResult error={list.error} onRetry={() => void list.refetch()} />;
  const columns: TableColumnsType<Certificate> = [
    {
      title: t('certificates.kind'),
      key: 'kind',
      render: (_, c) =>
        c.kind === 'year' ? t('certificates.kinds.yearOf', { year: c.year }) : t(`certificates.kinds.${c.kind}`),
    },
    {
      title: t('certificates.code'),
      dataIndex: 'code',
      render: (v: string) => <span className="identifier">{v}</span>,
    },
    {
      title: t('certificates.totalHours'),
      dataIndex: 'totalHours',
      align: 'right',
      render: (h: number) => formatHours(h),
    },
    {
      title: t('certificates.status'),
      dataIndex: 'status',
      render: (s: Certificate['status']) => <CertificateStatusTag status={s} />,
    },
    { title: t('certificates.issuedAt'), dataIndex: 'issuedAt', render: (v: string) => formatDate(v) },
    {
      title: 'PDF',
      key: 'pdf',
      render: (_, c) => (
        <DownloadButton
          size="small"
          disabled={c.status === 'revoked'}
          file={() => certificatesApi.downloadPdf(c.id)}
          fileName={`${c.code}.pdf`}
        >
          PDF
        </DownloadButton>
      ),
    },
  ];
  return (
    <Card size="small" variant="borderless" styles={{ body: { padding: 0 } }}>
      <Table<Certificate>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={list.data.items}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{
          emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('teachers.record.noCertificates')} />,
        }}
        data-testid="teacher-certificates"
      />
    </Card>
  );
}
