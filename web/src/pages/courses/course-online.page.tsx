import { ArrowLeftOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Flex, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { coursesApi } from '../../api/courses.api';
import { onlineCourseKeys, onlineCoursesApi } from '../../api/online-courses.api';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { formatHours } from '../../lib/hours';
import { OnlineContentCard } from './online-content.card';
import { OnlineRulesCard } from './online-rules.card';
import { StudyFilesCard } from './study-files.card';

/**
 * 在线内容: a course's online study: its rules, chapters and items, and the videos and documents they
 * show. Kept by whoever keeps the course in the catalogue; other admins who read the course see it.
 */
export default function CourseOnlinePage() {
  const { t } = useTranslation();
  const courseId = Number(useParams().id);
  const course = useQuery({ queryKey: ['courses', 'detail', courseId], queryFn: () => coursesApi.get(courseId) });
  const content = useQuery({
    queryKey: onlineCourseKeys.content(courseId),
    queryFn: () => onlineCoursesApi.content(courseId),
  });
  const error = course.error ?? content.error;
  if (error)
    return <ErrorResult error={error} onRetry={() => void Promise.all([course.refetch(), content.refetch()])} />;
  if (!course.data || !content.data) return <SectionSpin />;
  const c = course.data.course;
  return (
    <Flex vertical gap={16}>
      <div>
        <Link to="/courses">
          <ArrowLeftOutlined /> {t('courses.title')}
        </Link>
        <Typography.Title level={3} style={{ margin: '8px 0 4px' }} data-testid="course-online-title">
          {t('courseOnline.pageTitle', { title: c.title })}
        </Typography.Title>
        <Space wrap>
          <Tag>{t(`courses.forms.${c.form}`)}</Tag>
          <Tag>{t(`courses.categories.${c.category}`)}</Tag>
          <Typography.Text type="secondary">
            {c.orgUnitName} · {formatHours(c.hours)} {t('courseOnline.hoursUnit')}
          </Typography.Text>
        </Space>
      </div>
      {c.form !== 'online' && <Alert type="info" showIcon title={t('courseOnline.notOnlineForm')} />}
      {!content.data.canManage && <Alert type="info" showIcon title={t('courseOnline.readOnly')} />}
      <OnlineContentCard courseId={courseId} content={content.data} />
      <StudyFilesCard courseId={courseId} files={content.data.files} canManage={content.data.canManage} />
      <OnlineRulesCard courseId={courseId} />
      {content.data.canManage && (
        <Typography.Paragraph type="secondary">
          {t('courseOnline.nextStep')} <Link to="/training">{t('training.nav.projects')}</Link>
        </Typography.Paragraph>
      )}
    </Flex>
  );
}
