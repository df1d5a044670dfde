import { RightOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Flex, List, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { type OutlineItem, studyApi, studyItemPath, studyKeys } from '../../api/study.api';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { durationText, ItemKindIcon } from '../../components/study-labels';
import { MyStudyProgress } from './my-study-progress';
import { StudyWindowTag } from './study-window';

function ItemLine({ item }: { item: OutlineItem }) {
  const { t } = useTranslation();
  return (
    <Flex align="center" gap={8} style={{ width: '100%', minWidth: 0 }}>
      <span aria-hidden style={{ fontSize: 18 }}>
        <ItemKindIcon kind={item.kind} />
      </span>
      <Flex vertical style={{ flex: 1, minWidth: 0 }}>
        <Typography.Text className="wrap-anywhere">{item.title}</Typography.Text>
        <Typography.Text type="secondary" className="small-text">
          {t(`courseOnline.kinds.${item.kind}`)} · {t('courseOnline.minutes', { count: item.requiredMinutes })}
          {item.durationSeconds !== null && ` · ${t('study.length', { length: durationText(item.durationSeconds) })}`}
        </Typography.Text>
      </Flex>
    </Flex>
  );
}

/**
 * 课程大纲: an online class's course, chapter by chapter, each item with its kind and required minutes,
 * linking to the page where it is studied (once the window has opened). Phone first.
 */
export default function StudyOutlinePage() {
  const { t } = useTranslation();
  const classId = Number(useParams().classId);
  const q = useQuery({ queryKey: studyKeys.outline(classId), queryFn: () => studyApi.outline(classId) });
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <SectionSpin />;
  const o = q.data;
  const open = o.viewer !== 'teacher' || o.class.opened;
  return (
    <Flex vertical gap={12}>
      <div>
        <Link to="/me/study">{t('study.mine.title')}</Link>
        <Typography.Title
          level={4}
          style={{ margin: '8px 0 4px' }}
          className="wrap-anywhere"
          data-testid="outline-title"
        >
          {o.class.courseTitle}
        </Typography.Title>
        <Typography.Text type="secondary" className="small-text wrap-anywhere">
          {o.class.projectTitle} · {o.class.className}
        </Typography.Text>
        <Flex wrap gap={4} align="center" style={{ marginTop: 6 }}>
          <StudyWindowTag {...o.class} />
          <Typography.Text type="secondary" className="small-text">
            {t('study.totals', { items: o.itemCount, minutes: o.requiredMinutes })}
          </Typography.Text>
        </Flex>
      </div>
      {!open && <Alert type="info" showIcon title={t('study.outline.notOpen', { from: o.class.studyOpensOn })} />}
      {o.viewer === 'teacher' && open && <MyStudyProgress classId={classId} />}
      {o.viewer !== 'teacher' && (
        <Link to={`/study/classes/${classId}/progress`} data-testid="outline-progress-link">
          {t('studyProgress.open')}
        </Link>
      )}
      {o.chapters.length === 0 && <Alert type="info" showIcon title={t('study.outline.empty')} />}
      {o.chapters.map((ch) => (
        <Card
          key={ch.id}
          size="small"
          title={<span className="wrap-anywhere">{ch.title}</span>}
          data-testid="outline-chapter"
          styles={{ body: { padding: '0 12px' } }}
        >
          <List
            dataSource={ch.items}
            renderItem={(item) => (
              <List.Item data-testid="outline-item">
                {open ? (
                  <Link to={studyItemPath(classId, item.id)} style={{ width: '100%', color: 'inherit' }}>
                    <Flex align="center" gap={8}>
                      <ItemLine item={item} />
                      <RightOutlined />
                    </Flex>
                  </Link>
                ) : (
                  <ItemLine item={item} />
                )}
              </List.Item>
            )}
          />
        </Card>
      ))}
    </Flex>
  );
}
