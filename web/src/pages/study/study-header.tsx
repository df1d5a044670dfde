import { Card, Segmented, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { ClassInfo } from '../../api/homework.api';

/**
 * The head of an online class's pages: the class, its project and course, and the switch between its
 * homework (研修作业) and its forum (班级研讨). `base` is the teachers' /me/study or the tutors' /study/classes.
 */
export function StudyHeader({
  cls,
  base,
  active,
}: {
  cls: ClassInfo;
  base: '/me/study' | '/study/classes';
  active: 'homework' | 'forum';
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Card size="small" styles={{ body: { padding: 12 } }} data-testid="study-header">
      <Space direction="vertical" size={4} style={{ width: '100%' }}>
        <Typography.Text strong style={{ fontSize: 16 }} data-testid="study-class-name">
          {cls.projectTitle} · {cls.name}
          {cls.status === 'closed' && <Tag style={{ marginInlineStart: 8 }}>{t('study.classClosed')}</Tag>}
        </Typography.Text>
        {cls.courseTitle && (
          <Typography.Text type="secondary">
            {t('study.course')}
            {t('common.colon')}
            {cls.courseTitle}
          </Typography.Text>
        )}
        <Segmented
          block
          value={active}
          onChange={(v) => navigate(`${base}/${cls.id}/${v}`)}
          options={[
            { value: 'homework', label: <span data-testid="study-tab-homework">{t('study.homework.title')}</span> },
            { value: 'forum', label: <span data-testid="study-tab-forum">{t('study.forum.title')}</span> },
          ]}
        />
      </Space>
    </Card>
  );
}
