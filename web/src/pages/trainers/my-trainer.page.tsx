import { useQuery } from '@tanstack/react-query';
import { Alert, Flex, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { trainerKeys, trainersApi } from '../../api/trainers.api';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { TrainerProfileCard } from './trainer-profile.card';
import { TrainerClassesCard, TrainingRecordCard } from './trainer-record';

/** 我的培训档案: a trainer's own pool entry, their own training record and the classes they teach (read-only, phone-first). */
export default function MyTrainerPage() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: trainerKeys.mine, queryFn: () => trainersApi.mine() });
  if (q.isPending) return <SectionSpin />;
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  const { profile, record, classes } = q.data;
  return (
    <Flex vertical gap={16} data-testid="my-trainer">
      <Typography.Title level={3}>{t('trainers.my.title')}</Typography.Title>
      {profile ? (
        <TrainerProfileCard trainer={profile} />
      ) : (
        <Alert type="info" showIcon title={t('trainers.my.notInPool')} data-testid="my-trainer-none" />
      )}
      {record && <TrainingRecordCard record={record} canManage={false} />}
      <TrainerClassesCard classes={classes} />
    </Flex>
  );
}
