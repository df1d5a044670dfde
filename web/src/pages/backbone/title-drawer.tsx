import { useQuery } from '@tanstack/react-query';
import { Descriptions, Drawer, Space, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { backboneApi, backboneKeys, type BackboneTitle } from '../../api/backbone.api';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { formatDateTime } from '../../lib/format';
import { DUTY_YEAR_COLOR, TITLE_STATUS_COLOR } from './backbone-labels';

/** A title's history and its yearly duties, as the granting unit and the teacher's school see them. */
export function TitleDetail({ title }: { title: BackboneTitle }) {
  const { t } = useTranslation();
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="backbone-title-detail">
      <Descriptions size="small" column={1} bordered>
        <Descriptions.Item label={t('backbone.title.level')}>{t(`backbone.levels.${title.level}`)}</Descriptions.Item>
        <Descriptions.Item label={t('backbone.title.grantedBy')}>{title.grantedByName}</Descriptions.Item>
        <Descriptions.Item
          label={t('backbone.title.term')}
        >{`${title.termStart} – ${title.termEnd}`}</Descriptions.Item>
        <Descriptions.Item label={t('backbone.title.status')}>
          <Tag color={TITLE_STATUS_COLOR[title.status]}>{t(`backbone.titleStatuses.${title.status}`)}</Tag>
          {title.revokeReason && <Typography.Text type="secondary">{title.revokeReason}</Typography.Text>}
        </Descriptions.Item>
        <Descriptions.Item label={t('backbone.title.code')}>
          <Typography.Link href={`/verify/${title.code}`} target="_blank" data-testid="backbone-title-code">
            {title.code}
          </Typography.Link>
        </Descriptions.Item>
        {title.flaggedAt && title.status === 'active' && (
          <Descriptions.Item label={t('backbone.title.flagged')}>{title.flagReason}</Descriptions.Item>
        )}
      </Descriptions>
      <Typography.Title level={5}>{t('backbone.title.duties')}</Typography.Title>
      <Space wrap>
        {title.years.map((y) => (
          <Tag key={y.year} color={DUTY_YEAR_COLOR[y.status]} data-testid={`backbone-year-${y.year}`}>
            {t('backbone.title.yearLine', {
              year: y.year,
              status: t(`backbone.dutyYear.${y.status}`),
              lessons: y.confirmed.openLessons,
              needLessons: y.required.openLessons,
              papers: y.confirmed.papers,
              needPapers: y.required.papers,
            })}
          </Tag>
        ))}
      </Space>
      <Typography.Title level={5}>{t('backbone.title.history')}</Typography.Title>
      <Timeline
        items={title.events.map((e) => ({
          children: (
            <span>
              {formatDateTime(e.at)} {t(`backbone.events.${e.kind}`)}
              {e.reason ? `：${e.reason}` : ''}
              {e.actorName ? ` · ${e.actorName}` : ''}
            </span>
          ),
        }))}
      />
    </Space>
  );
}

export default function TitleDrawer({ id, onClose }: { id: number; onClose: () => void }) {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: backboneKeys.title(id), queryFn: () => backboneApi.title(id) });
  return (
    <Drawer
      open
      onClose={onClose}
      title={q.data ? `${q.data.teacherName} · ${q.data.schoolName}` : t('common.loading')}
      width={520}
    >
      {q.isError ? (
        <ErrorResult error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data ? (
        <TitleDetail title={q.data} />
      ) : (
        <SectionSpin />
      )}
    </Drawer>
  );
}
