import { EditOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Breadcrumb, Button, Flex, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { trainerKeys, trainersApi } from '../../api/trainers.api';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { TrainerFormModal } from './trainer-form.modal';
import { TrainerProfileCard } from './trainer-profile.card';
import { TrainerClassesCard, TrainingRecordCard } from './trainer-record';

/** A pool entry: its fields, the classes its account teaches, its own training record. */
export default function TrainerPage() {
  const { t } = useTranslation();
  const id = Number(useParams().id);
  const [editing, setEditing] = useState(false);
  const one = useQuery({ queryKey: trainerKeys.one(id), queryFn: () => trainersApi.get(id) });
  const classes = useQuery({
    queryKey: trainerKeys.classes(id),
    queryFn: () => trainersApi.classes(id),
    enabled: one.isSuccess,
  });
  const record = useQuery({
    queryKey: trainerKeys.training(id),
    queryFn: () => trainersApi.training(id),
    enabled: one.isSuccess,
  });
  if (one.isPending) return <SectionSpin />;
  if (one.isError) return <ErrorResult error={one.error} onRetry={() => void one.refetch()} />;
  const trainer = one.data.trainer;
  return (
    <Flex vertical gap={16}>
      <Breadcrumb items={[{ title: <Link to="/trainers">{t('trainers.title')}</Link> }, { title: trainer.name }]} />
      <TrainerProfileCard
        trainer={trainer}
        extra={
          trainer.canManage ? (
            <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="trainer-edit">
              {t('common.edit')}
            </Button>
          ) : (
            <Typography.Text type="secondary" className="small-text">
              {t('trainers.readOnly')}
            </Typography.Text>
          )
        }
      />
      {classes.isError ? (
        <ErrorResult error={classes.error} onRetry={() => void classes.refetch()} />
      ) : classes.data ? (
        <TrainerClassesCard classes={classes.data.items} />
      ) : (
        <SectionSpin />
      )}
      {record.isError ? (
        <ErrorResult error={record.error} onRetry={() => void record.refetch()} />
      ) : record.data ? (
        <TrainingRecordCard record={record.data} trainerId={id} canManage={trainer.canManage} />
      ) : (
        <SectionSpin />
      )}
      <TrainerFormModal
        open={editing}
        trainer={trainer}
        orgUnitId={trainer.orgUnitId}
        unitName={trainer.orgUnitName}
        onClose={() => setEditing(false)}
      />
    </Flex>
  );
}
