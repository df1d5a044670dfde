import { useQuery } from '@tanstack/react-query';
import { Flex, Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { useLocation, useParams, useSearchParams } from 'react-router';
import { forumApi, forumKeys } from '../../api/forum.api';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { ModeratorsCard, ReportsView, TopicsView, TopicView, type ForumBase } from './forum-views';
import { StudyHeader } from './study-header';

/**
 * The forum of an online class (班级研讨), for its teachers at /me/study/:classId/forum (phone-first) and its
 * tutors at /study/classes/:classId/forum: the topics, a topic with its replies (…/forum/:topicId), and for
 * moderators the reports queue (?tab=reports) and for tutors the choice of moderators (?tab=moderators).
 */
export default function ForumPage() {
  const { t } = useTranslation();
  const params = useParams();
  const classId = Number(params.classId);
  const topicId = params.topicId === undefined ? null : Number(params.topicId);
  const base: ForumBase = useLocation().pathname.startsWith('/me/') ? '/me/study' : '/study/classes';
  const [search, setSearch] = useSearchParams();
  // the class and who the reader is in it come with the first page of topics
  const head = useQuery({
    queryKey: forumKeys.topics(classId, 1),
    queryFn: () => forumApi.topics(classId, 1),
    enabled: Number.isInteger(classId),
  });
  if (head.isError) return <ErrorResult error={head.error} onRetry={() => void head.refetch()} />;
  if (!head.data) return <SectionSpin />;
  const { viewer } = head.data;
  const tab = search.get('tab') ?? 'topics';
  return (
    <Flex
      vertical
      gap={12}
      style={{ maxWidth: base === '/me/study' ? 760 : undefined, margin: '0 auto', width: '100%' }}
      data-testid="forum-page"
    >
      <StudyHeader cls={head.data.class} base={base} active="forum" />
      {topicId !== null && Number.isInteger(topicId) ? (
        <TopicView topicId={topicId} classId={classId} base={base} />
      ) : viewer.moderator ? (
        <Tabs
          activeKey={tab}
          onChange={(k) => setSearch(k === 'topics' ? {} : { tab: k }, { replace: true })}
          items={[
            { key: 'topics', label: t('study.forum.topics'), children: <TopicsView classId={classId} base={base} /> },
            {
              key: 'reports',
              label: <span data-testid="forum-tab-reports">{t('study.forum.reports')}</span>,
              children: <ReportsView classId={classId} base={base} />,
            },
            ...(viewer.tutor
              ? [
                  {
                    key: 'moderators',
                    label: <span data-testid="forum-tab-moderators">{t('study.forum.moderators')}</span>,
                    children: <ModeratorsCard classId={classId} />,
                  },
                ]
              : []),
          ]}
        />
      ) : (
        <TopicsView classId={classId} base={base} />
      )}
    </Flex>
  );
}
