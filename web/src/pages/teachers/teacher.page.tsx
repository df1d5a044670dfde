import { EditOutlined, EyeOutlined, SwapOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Breadcrumb, Button, Card, Descriptions, Empty, Flex, Space, Tag, Timeline, Typography } from 'antd';
import type { DescriptionsProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import { teachersApi } from '../../api/teachers.api';
import type { Teacher, TeacherDetail } from '../../api/types';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { formatDateTime, orDash } from '../../lib/format';
import { TeacherFormModal } from './teacher-form.modal';
import { TeacherFlagTags } from './teacher-labels';
import { teachingYears } from './teacher-rules';
import { TeacherTransferModal } from './teacher-transfer.modal';
import { TeacherUnmaskModal } from './teacher-unmask.modal';

type OpenModal = 'edit' | 'unmask' | 'transfer' | null;

function yesNo(value: boolean, t: (key: string) => string): string {
  return value ? t('teachers.yes') : t('teachers.no');
}

/** Notes the server writes itself on postings it opens (the rest were typed by an admin). */
const POSTING_NOTES: Record<string, string> = { import: 'import', 'transfer (import)': 'importTransfer' };

function Postings({ detail }: { detail: TeacherDetail }) {
  const { t } = useTranslation();
  const note = (reason: string) => {
    const key = POSTING_NOTES[reason];
    return key ? t(`teachers.postings.notes.${key}`) : reason;
  };
  if (detail.postings.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('teachers.postings.empty')} />;
  // Newest first: where the teacher is now on top.
  const postings = [...detail.postings].reverse();
  return (
    <Timeline
      data-testid="teacher-postings"
      items={postings.map((posting, index) => ({
        key: `${posting.orgUnitId}-${posting.startedOn}-${index}`,
        color: posting.endedOn === null ? 'green' : 'gray',
        title: t('teachers.postings.period', {
          from: posting.startedOn,
          to: posting.endedOn ?? t('teachers.postings.now'),
        }),
        content: (
          <div>
            <Typography.Text strong>{posting.orgUnitName}</Typography.Text>
            {posting.endedOn === null && !detail.former && (
              <Tag color="green" style={{ marginInlineStart: 8 }}>
                {t('teachers.postings.current')}
              </Tag>
            )}
            {posting.reason && (
              <div>
                <Typography.Text type="secondary">
                  {t('teachers.postings.reason', { reason: note(posting.reason) })}
                </Typography.Text>
              </div>
            )}
          </div>
        ),
      }))}
    />
  );
}

function TeacherView({ detail }: { detail: TeacherDetail }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState<OpenModal>(null);
  const { teacher, permissions, former } = detail;

  const afterChange = (saved: Teacher) => {
    queryClient.setQueryData<TeacherDetail>(queryKeys.teacher(teacher.id), (old) => (old ? { ...old, teacher: saved } : old));
    void queryClient.invalidateQueries({ queryKey: queryKeys.teachers });
  };

  const years = teachingYears(teacher.teachingStartYear);
  const items: DescriptionsProps['items'] = [
    { key: 'school', label: t('teachers.fields.school'), children: former ? '—' : teacher.orgUnitName },
    { key: 'idType', label: t('teachers.fields.idType'), children: t(`teachers.idTypes.${teacher.idType}`) },
    {
      key: 'idNumber',
      label: t('teachers.fields.idNumber'),
      children: (
        <span className="identifier" data-testid="teacher-id-number">
          {teacher.idNumberMasked}
        </span>
      ),
    },
    { key: 'gender', label: t('teachers.fields.gender'), children: teacher.gender ? t(`teachers.genders.${teacher.gender}`) : '—' },
    { key: 'birthDate', label: t('teachers.fields.birthDate'), children: orDash(teacher.birthDate) },
    {
      key: 'phone',
      label: t('teachers.fields.phone'),
      children: <span className="identifier">{orDash(teacher.phoneMasked)}</span>,
    },
    { key: 'stage', label: t('teachers.fields.stage'), children: t(`stages.${teacher.stage}`) },
    { key: 'subject', label: t('teachers.fields.subject'), children: orDash(teacher.subject) },
    { key: 'title', label: t('teachers.fields.title'), children: orDash(teacher.title) },
    {
      key: 'teachingStartYear',
      label: t('teachers.fields.teachingStartYear'),
      children:
        teacher.teachingStartYear === null
          ? '—'
          : t('teachers.detail.teachingSince', { year: teacher.teachingStartYear, count: years ?? 0 }),
    },
    { key: 'employment', label: t('teachers.fields.employment'), children: t(`teachers.employments.${teacher.employment}`) },
    { key: 'headTeacher', label: t('teachers.fields.headTeacher'), children: yesNo(teacher.headTeacher, t) },
    {
      key: 'backboneLevel',
      label: t('teachers.fields.backboneLevel'),
      children: teacher.backboneLevel ? t(`teachers.backboneLevels.${teacher.backboneLevel}`) : t('teachers.form.noBackbone'),
    },
    { key: 'subjectLeader', label: t('teachers.fields.subjectLeader'), children: yesNo(teacher.subjectLeader, t) },
    { key: 'masterTeacher', label: t('teachers.fields.masterTeacher'), children: yesNo(teacher.masterTeacher, t) },
    { key: 'newTeacher', label: t('teachers.fields.newTeacher'), children: yesNo(teacher.newTeacher, t) },
    {
      key: 'hasAccount',
      label: t('teachers.fields.hasAccount'),
      children: teacher.hasAccount ? t('teachers.account.yes') : t('teachers.account.no'),
    },
    { key: 'updatedAt', label: t('teachers.fields.updatedAt'), children: formatDateTime(teacher.updatedAt) },
  ];

  return (
    <Flex vertical gap={16}>
      <Breadcrumb
        items={[
          { key: 'list', title: <Link to="/teachers">{t('nav.teachers')}</Link> },
          ...(former ? [{ key: 'former', title: <Link to="/teachers/former">{t('teachers.former.title')}</Link> }] : []),
          { key: 'teacher', title: teacher.name },
        ]}
      />
      <Card>
        <div className="page-title-row">
          <Space size={8} wrap align="center">
            <Typography.Title level={3} data-testid="teacher-title" style={{ margin: 0 }}>
              {teacher.name}
            </Typography.Title>
            {former && <Tag color="default">{t('teachers.former.tag')}</Tag>}
            <TeacherFlagTags teacher={teacher} empty={null} />
          </Space>
          <Space wrap>
            {permissions.canEdit && (
              <Button icon={<EditOutlined />} onClick={() => setOpen('edit')} data-testid="teacher-edit">
                {t('common.edit')}
              </Button>
            )}
            {permissions.canUnmask && (
              <Button icon={<EyeOutlined />} onClick={() => setOpen('unmask')} data-testid="teacher-unmask">
                {t('teachers.unmask.action')}
              </Button>
            )}
            {permissions.canTransfer && (
              <Button icon={<SwapOutlined />} onClick={() => setOpen('transfer')} data-testid="teacher-transfer">
                {t('teachers.transfer.action')}
              </Button>
            )}
          </Space>
        </div>
        {former && <Alert type="info" showIcon title={t('teachers.former.notice')} style={{ marginBottom: 16 }} />}
        <Descriptions items={items} column={{ xs: 1, sm: 2, lg: 3 }} size="small" data-testid="teacher-details" />
      </Card>
      <Card title={t('teachers.postings.title')}>
        <Postings detail={detail} />
      </Card>
      {permissions.canEdit && (
        <TeacherFormModal
          mode="edit"
          teacher={teacher}
          open={open === 'edit'}
          onClose={() => setOpen(null)}
          onSaved={afterChange}
        />
      )}
      {permissions.canUnmask && (
        <TeacherUnmaskModal teacher={teacher} open={open === 'unmask'} onClose={() => setOpen(null)} />
      )}
      {permissions.canTransfer && (
        <TeacherTransferModal
          teacher={teacher}
          open={open === 'transfer'}
          onClose={() => setOpen(null)}
          onDone={(moved) => {
            afterChange(moved);
            // the postings changed too
            void queryClient.invalidateQueries({ queryKey: queryKeys.teacher(teacher.id) });
          }}
        />
      )}
    </Flex>
  );
}

export default function TeacherPage() {
  const params = useParams();
  const id = Number(params.id);
  const valid = Number.isInteger(id) && id > 0;
  const detail = useQuery({
    queryKey: queryKeys.teacher(id),
    queryFn: () => teachersApi.get(id),
    enabled: valid,
  });
  if (!valid) return <ErrorResult error={new ApiError(404, 'NOT_FOUND', '')} />;
  if (detail.isPending) return <SectionSpin />;
  if (detail.isError) return <ErrorResult error={detail.error} onRetry={() => void detail.refetch()} />;
  return <TeacherView key={id} detail={detail.data} />;
}
