import { ContainerOutlined, EditOutlined, EyeOutlined, KeyOutlined, SwapOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Breadcrumb, Button, Card, Descriptions, Flex, Space, Tabs, Tag, Typography } from 'antd';
import type { DescriptionsProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import { teacherAccountsApi } from '../../api/teacher-accounts.api';
import { teachersApi } from '../../api/teachers.api';
import type { ActivationCode, Teacher, TeacherDetail } from '../../api/types';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { useErrorMessage } from '../../lib/error-message';
import { formatDateTime, orDash } from '../../lib/format';
import { useSearchState } from '../../lib/use-search-state';
import { ActivationSheet } from './activation-sheet';
import { PostingsTimeline } from './postings-timeline';
import { TeacherFormModal } from './teacher-form.modal';
import { TeacherCertificates, TeacherHours, TeacherTraining } from './teacher-record';
import { TeacherFlagTags, useTeacherValueLabels } from './teacher-labels';
import { teachingYears } from './teacher-rules';
import { TeacherTransferModal } from './teacher-transfer.modal';
import { TeacherUnmaskModal } from './teacher-unmask.modal';

type OpenModal = 'edit' | 'unmask' | 'transfer' | null;

const TAB_KEYS = ['tab'] as const;
const TABS = ['profile', 'hours', 'training', 'certificates'] as const;

function yesNo(value: boolean, t: (key: string) => string): string {
  return value ? t('teachers.yes') : t('teachers.no');
}

function TeacherView({ detail }: { detail: TeacherDetail }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { subjectLabel, titleLabel } = useTeacherValueLabels();
  const queryClient = useQueryClient();
  const { message, modal } = App.useApp();
  const errorMessage = useErrorMessage();
  const [open, setOpen] = useState<OpenModal>(null);
  const { teacher, permissions, former } = detail;
  const [search, setSearch] = useSearchState(TAB_KEYS);
  const tab =
    TABS.includes(search.tab as (typeof TABS)[number]) && !(former && search.tab !== 'training')
      ? (search.tab as string)
      : 'profile';
  // The new code lives only here, never in the query cache: it is shown once.
  const [code, setCode] = useState<ActivationCode | null>(null);
  const reset = useMutation({
    mutationFn: () => teacherAccountsApi.resetActivation(teacher.id),
    gcTime: 0,
    onSuccess: ({ item }) => {
      reset.reset();
      setCode(item);
      void queryClient.invalidateQueries({ queryKey: queryKeys.teachers });
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  const confirmReset = () =>
    modal.confirm({
      title: t('teachers.activation.resetConfirmTitle', { name: teacher.name }),
      content: teacher.hasAccount
        ? t('teachers.activation.resetConfirmAccount')
        : t('teachers.activation.resetConfirmNoAccount'),
      okText: t('teachers.activation.resetOk'),
      okButtonProps: teacher.hasAccount ? { danger: true } : undefined,
      cancelText: t('common.cancel'),
      onOk: () => reset.mutateAsync().catch(() => undefined),
    });

  const afterChange = (saved: Teacher) => {
    queryClient.setQueryData<TeacherDetail>(queryKeys.teacher(teacher.id), (old) =>
      old ? { ...old, teacher: saved } : old,
    );
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
    {
      key: 'gender',
      label: t('teachers.fields.gender'),
      children: teacher.gender ? t(`teachers.genders.${teacher.gender}`) : '—',
    },
    // the birth date is the part the masked ID number hides: its year only (in full when unmasked)
    { key: 'birthYear', label: t('teachers.fields.birthYear'), children: orDash(teacher.birthYear?.toString()) },
    {
      key: 'phone',
      label: t('teachers.fields.phone'),
      children: <span className="identifier">{orDash(teacher.phoneMasked)}</span>,
    },
    { key: 'stage', label: t('teachers.fields.stage'), children: t(`stages.${teacher.stage}`) },
    { key: 'subject', label: t('teachers.fields.subject'), children: subjectLabel(teacher.subject) },
    { key: 'title', label: t('teachers.fields.title'), children: titleLabel(teacher.title) },
    {
      key: 'teachingStartYear',
      label: t('teachers.fields.teachingStartYear'),
      children:
        teacher.teachingStartYear === null
          ? '—'
          : t('teachers.detail.teachingSince', { year: teacher.teachingStartYear, count: years ?? 0 }),
    },
    {
      key: 'employment',
      label: t('teachers.fields.employment'),
      children: t(`teachers.employments.${teacher.employment}`),
    },
    { key: 'headTeacher', label: t('teachers.fields.headTeacher'), children: yesNo(teacher.headTeacher, t) },
    {
      key: 'backboneLevel',
      label: t('teachers.fields.backboneLevel'),
      children: teacher.backboneLevel
        ? t(`teachers.backboneLevels.${teacher.backboneLevel}`)
        : t('teachers.form.noBackbone'),
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
          ...(former
            ? [{ key: 'former', title: <Link to="/teachers/former">{t('teachers.former.title')}</Link> }]
            : []),
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
            {!former && (
              <Tag color={teacher.hasAccount ? 'green' : 'default'} data-testid="teacher-account-tag">
                {teacher.hasAccount ? t('teachers.account.yes') : t('teachers.account.no')}
              </Tag>
            )}
            <TeacherFlagTags teacher={teacher} empty={null} />
          </Space>
          <Space wrap>
            {/* the archive (培训档案) follows the teacher: only the current school's line reads it */}
            {!former && (
              <Button
                icon={<ContainerOutlined />}
                onClick={() => void navigate(`/teachers/${teacher.id}/archive`)}
                data-testid="teacher-archive-link"
              >
                {t('archive.link')}
              </Button>
            )}
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
            {permissions.canEdit && !former && (
              <Button
                icon={<KeyOutlined />}
                loading={reset.isPending}
                onClick={confirmReset}
                data-testid="teacher-reset-activation"
              >
                {t('teachers.activation.reset')}
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
        <Tabs
          activeKey={tab}
          onChange={(k) => setSearch({ tab: k === 'profile' ? undefined : k })}
          destroyOnHidden
          data-testid="teacher-tabs"
          items={[
            {
              key: 'profile',
              label: t('teachers.record.tabs.profile'),
              children: (
                <Flex vertical gap={16}>
                  <Descriptions
                    items={items}
                    column={{ xs: 1, sm: 2, lg: 3 }}
                    size="small"
                    data-testid="teacher-details"
                  />
                  <Typography.Title level={5}>{t('teachers.postings.title')}</Typography.Title>
                  <PostingsTimeline postings={detail.postings} former={detail.former} />
                </Flex>
              ),
            },
            // hours and certificates follow the teacher: a former school sees its own places only
            ...(former
              ? []
              : [
                  {
                    key: 'hours',
                    label: t('teachers.record.tabs.hours'),
                    children: <TeacherHours teacherId={teacher.id} />,
                  },
                ]),
            {
              key: 'training',
              label: t('teachers.record.tabs.training'),
              children: <TeacherTraining teacherId={teacher.id} />,
            },
            ...(former
              ? []
              : [
                  {
                    key: 'certificates',
                    label: t('teachers.record.tabs.certificates'),
                    children: <TeacherCertificates teacherId={teacher.id} />,
                  },
                ]),
          ]}
        />
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
      {code && <ActivationSheet items={[code]} onClose={() => setCode(null)} />}
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
