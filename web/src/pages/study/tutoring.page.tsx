import { useQuery } from '@tanstack/react-query';
import { Badge, Space, Tag } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { homeworkApi, homeworkKeys, type TutoringClass } from '../../api/homework.api';
import { ListPage, ListTable } from '../../components/list-page';

/**
 * /study/tutoring — 研修辅导: the online classes one tutors (a trainer's classes; an admin's unit's own
 * projects) with the submissions waiting to be graded and the forum reports waiting in each.
 */
export default function TutoringPage() {
  const { t } = useTranslation();
  const list = useQuery({ queryKey: homeworkKeys.tutoring, queryFn: () => homeworkApi.tutoring() });
  const columns: TableColumnsType<TutoringClass> = [
    {
      title: t('study.tutoring.class'),
      render: (_, c) => (
        <Space direction="vertical" size={0}>
          <span>
            {c.projectTitle} · {c.className}
            {c.status === 'closed' && <Tag style={{ marginInlineStart: 6 }}>{t('study.classClosed')}</Tag>}
          </span>
          <span className="small-text">{c.orgUnitName}</span>
        </Space>
      ),
    },
    { title: t('study.course'), dataIndex: 'courseTitle', responsive: ['md'] },
    {
      title: t('study.tutoring.window'),
      render: (_, c) => `${c.studyOpensOn ?? '…'} ~ ${c.studyClosesOn ?? '…'}`,
      responsive: ['lg'],
    },
    { title: t('study.tutoring.enrolled'), dataIndex: 'enrolled', responsive: ['md'] },
    {
      title: t('study.tutoring.homework'),
      render: (_, c) => (
        <Link to={`/study/classes/${c.classId}/homework?status=waiting`} data-testid="tutoring-homework">
          <Badge count={c.waiting} offset={[10, 0]} color="blue" showZero={false}>
            {t('study.tutoring.toGrade', { n: c.waiting })}
          </Badge>
        </Link>
      ),
    },
    {
      title: t('study.tutoring.forum'),
      render: (_, c) => (
        <Link to={`/study/classes/${c.classId}/forum${c.reports ? '?tab=reports' : ''}`} data-testid="tutoring-forum">
          {t('study.tutoring.reports', { n: c.reports })}
        </Link>
      ),
    },
  ];
  return (
    <ListPage
      title={t('study.tutoring.title')}
      intro={<p className="small-text">{t('study.tutoring.intro')}</p>}
      testId="tutoring"
    >
      <ListTable<TutoringClass>
        rowKey="classId"
        columns={columns}
        list={list}
        paging={20}
        empty={t('study.tutoring.none')}
      />
    </ListPage>
  );
}
