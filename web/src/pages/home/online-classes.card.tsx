import { ReadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Card, Flex, List, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { homeworkApi, homeworkKeys } from '../../api/homework.api';

/**
 * 网络研修 on a teacher's home page: each online class they hold a place in, with their homework passed and
 * still to hand in and their posts that count, one tap from its homework and its forum. Drawn only when
 * the teacher has such a class.
 */
export function OnlineClassesCard() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: homeworkKeys.myClasses, queryFn: () => homeworkApi.myClasses() });
  const items = q.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <Card
      size="small"
      title={
        <Space>
          <ReadOutlined />
          {t('home.study.title')}
        </Space>
      }
      data-testid="home-online-classes"
    >
      <List
        dataSource={items}
        renderItem={(c) => (
          <List.Item data-testid="home-online-class">
            <Flex vertical gap={4} style={{ width: '100%', minWidth: 0 }}>
              <Typography.Text strong>
                {c.projectTitle} · {c.className}
              </Typography.Text>
              <Space wrap size={4}>
                <Tag color={c.assignments > 0 && c.passed >= c.assignments ? 'green' : 'default'}>
                  {t('home.study.homework', { passed: c.passed, total: c.assignments })}
                </Tag>
                {c.toDo > 0 && <Tag color="orange">{t('home.study.toDo', { n: c.toDo })}</Tag>}
                <Tag color={c.countedPosts >= c.postsRequired ? 'green' : 'default'}>
                  {t('home.study.posts', { counted: c.countedPosts, required: c.postsRequired })}
                </Tag>
                {c.moderator && c.reports > 0 && <Tag color="red">{t('home.study.reports', { n: c.reports })}</Tag>}
              </Space>
              <Space size={16}>
                <Link to={`/me/study/${c.classId}/homework`} data-testid="home-class-homework">
                  {t('home.study.openHomework')}
                </Link>
                <Link to={`/me/study/${c.classId}/forum`} data-testid="home-class-forum">
                  {t('home.study.openForum')}
                </Link>
              </Space>
            </Flex>
          </List.Item>
        )}
      />
    </Card>
  );
}
