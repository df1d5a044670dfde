import { Card, Descriptions, Space, Tag } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Trainer } from '../../api/trainers.api';
import { StageTags } from '../../components/labels';
import { orDash } from '../../lib/format';

/** The fields of a pool entry, for the admin's detail page and the trainer's own page. */
export function TrainerProfileCard({ trainer, extra }: { trainer: Trainer; extra?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Card
      size="small"
      title={
        <Space wrap>
          <span>{trainer.name}</span>
          <Tag color={trainer.kind === 'expert' ? 'purple' : 'blue'}>{t(`trainers.kinds.${trainer.kind}`)}</Tag>
          <Tag>{t(`trainers.levels.${trainer.level}`)}</Tag>
          {trainer.inherited && <Tag color="gold">{t('trainers.inheritedTag')}</Tag>}
          {!trainer.active && <Tag>{t('trainers.inactiveTag')}</Tag>}
        </Space>
      }
      extra={extra}
      data-testid="trainer-profile"
    >
      <Descriptions size="small" column={{ xs: 1, sm: 1, md: 2 }}>
        <Descriptions.Item label={t('trainers.fields.title')}>{orDash(trainer.title)}</Descriptions.Item>
        <Descriptions.Item label={t('trainers.fields.employer')}>{orDash(trainer.employer)}</Descriptions.Item>
        <Descriptions.Item label={t('trainers.fields.subjects')}>
          {trainer.subjects.length ? trainer.subjects.join(t('common.listSeparator')) : '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('trainers.fields.stages')}>
          {trainer.stages.length ? <StageTags stages={trainer.stages} /> : '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('trainers.fields.specialties')}>{orDash(trainer.specialties)}</Descriptions.Item>
        <Descriptions.Item label={t('trainers.fields.unit')}>{trainer.orgUnitName}</Descriptions.Item>
        <Descriptions.Item label={t('trainers.fields.account')}>
          {trainer.user ? `${trainer.user.displayName}（${trainer.user.username}）` : '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('trainers.fields.teacher')}>
          {trainer.teacher ? `${trainer.teacher.name}（${trainer.teacher.orgUnitName}）` : '—'}
        </Descriptions.Item>
      </Descriptions>
    </Card>
  );
}
