import { BellOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Checkbox, Modal, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableProps } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { type ProgressRow, studySessionApi, studySessionKeys } from '../../api/study-session.api';
import { DownloadButton } from '../../components/download-button';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { useErrorMessage } from '../../lib/error-message';
import { shortfallText } from './shortfall-text';

/**
 * The tutor's table of an online class (its trainers and the organiser's admins): every teacher with the
 * minutes of each item, homework, posts and reflections, and what is still missing; the same sheet as
 * .xlsx; reminders (催办) to the teachers not complete, or to those ticked, after a confirmation that
 * says how many will get a message.
 */
export default function ClassProgressPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const qc = useQueryClient();
  const classId = Number(useParams()['classId']);
  const [onlyMissing, setOnlyMissing] = useState(false);
  const [selected, setSelected] = useState<number[]>([]);
  const [confirming, setConfirming] = useState<number[] | 'all' | null>(null);
  const q = useQuery({
    queryKey: studySessionKeys.progress(classId),
    queryFn: () => studySessionApi.progress(classId),
  });
  const remind = useMutation({
    mutationFn: (ids: number[] | 'all') => studySessionApi.remind(classId, ids === 'all' ? undefined : ids),
    onSuccess: (r) => {
      setConfirming(null);
      setSelected([]);
      void message.success(t('studyProgress.reminded', { teachers: r.teachers, recipients: r.recipients }));
      void qc.invalidateQueries({ queryKey: studySessionKeys.progress(classId) });
    },
    onError: (e) => void message.error(errorText(e)),
  });
  const rows = useMemo(() => (q.data?.rows ?? []).filter((r) => !onlyMissing || !r.complete), [q.data, onlyMissing]);
  if (q.isPending) return <SectionSpin />;
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  const p = q.data;
  const incomplete = p.rows.filter((r) => !r.complete).length;
  const columns: TableProps<ProgressRow>['columns'] = [
    { title: t('studyProgress.columns.school'), dataIndex: 'schoolName', fixed: 'left', width: 160 },
    { title: t('studyProgress.columns.name'), dataIndex: 'teacherName', fixed: 'left', width: 100 },
    ...p.items.map((i) => ({
      key: `i${i.id}`,
      title: <Tooltip title={t('studyProgress.columns.required', { minutes: i.requiredMinutes })}>{i.title}</Tooltip>,
      width: 120,
      render: (_: unknown, r: ProgressRow) => {
        const m = r.minutes[String(i.id)] ?? 0;
        return (
          <Typography.Text type={m < i.requiredMinutes ? 'danger' : undefined}>
            {m} / {i.requiredMinutes}
          </Typography.Text>
        );
      },
    })),
    {
      title: t('studyProgress.columns.homework'),
      width: 90,
      render: (_: unknown, r: ProgressRow) =>
        r.homeworkPassed === null
          ? '—'
          : r.homeworkPassed
            ? t('studyProgress.homeworkPassed')
            : t('studyProgress.homeworkNotPassed'),
    },
    {
      title: t('studyProgress.columns.posts', { required: p.rule.postsRequired }),
      dataIndex: 'posts',
      width: 90,
    },
    {
      title: t('studyProgress.columns.reflections', { required: p.rule.reflectionsRequired }),
      dataIndex: 'reflections',
      width: 90,
    },
    {
      title: t('studyProgress.columns.status'),
      width: 220,
      render: (_: unknown, r: ProgressRow) =>
        r.complete ? (
          <Tag color="green">{t('studyProgress.complete')}</Tag>
        ) : (
          <Space direction="vertical" size={0}>
            <Tag color="orange">{t('studyProgress.incomplete')}</Tag>
            {r.shortfalls.map((x) => (
              <Typography.Text key={JSON.stringify(x)} type="secondary" style={{ fontSize: 12 }}>
                {shortfallText(t, x)}
              </Typography.Text>
            ))}
          </Space>
        ),
    },
  ];
  return (
    <Card
      title={t('studyProgress.title', { className: p.className })}
      extra={
        <Space wrap>
          <DownloadButton
            file={() => studySessionApi.progressSheet(classId)}
            fileName={`${p.className}学习进度.xlsx`}
            data-testid="study-progress-export"
          >
            {t('studyProgress.export')}
          </DownloadButton>
          <Button
            icon={<BellOutlined />}
            disabled={selected.length === 0}
            onClick={() => setConfirming(selected)}
            data-testid="study-remind-selected"
          >
            {t('studyProgress.remindSelected', { count: selected.length })}
          </Button>
          <Button
            type="primary"
            icon={<BellOutlined />}
            disabled={incomplete === 0}
            onClick={() => setConfirming('all')}
            data-testid="study-remind-all"
          >
            {t('studyProgress.remindAll', { count: incomplete })}
          </Button>
        </Space>
      }
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Text type="secondary">
          {t('studyProgress.summary', {
            course: p.courseTitle,
            opensOn: p.studyOpensOn,
            closesOn: p.studyClosesOn,
            teachers: p.rows.length,
            complete: p.rows.length - incomplete,
          })}
        </Typography.Text>
        <Checkbox checked={onlyMissing} onChange={(e) => setOnlyMissing(e.target.checked)}>
          {t('studyProgress.onlyMissing')}
        </Checkbox>
        <Table<ProgressRow>
          rowKey="teacherId"
          size="small"
          columns={columns}
          dataSource={rows}
          scroll={{ x: 'max-content' }}
          pagination={{ pageSize: 50, showSizeChanger: false }}
          rowSelection={{
            selectedRowKeys: selected,
            onChange: (keys) => setSelected(keys as number[]),
            getCheckboxProps: (r) => ({ disabled: r.complete }),
          }}
          locale={{ emptyText: t('studyProgress.empty') }}
        />
      </Space>
      <Modal
        open={confirming !== null}
        title={t('studyProgress.confirmTitle')}
        okText={t('studyProgress.confirmOk')}
        confirmLoading={remind.isPending}
        onOk={() => confirming !== null && remind.mutate(confirming)}
        onCancel={() => setConfirming(null)}
      >
        {t('studyProgress.confirmBody', {
          count: confirming === 'all' ? incomplete : (confirming?.length ?? 0),
        })}
      </Modal>
    </Card>
  );
}
