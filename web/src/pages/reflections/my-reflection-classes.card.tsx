import { EditOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, List, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { reflectionKeys, reflectionsApi } from '../../api/reflections.api';

/** On a teacher's timetable: their online classes, each with how many original reflections count (nothing when none). */
export function MyReflectionClassesCard() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: reflectionKeys.myClasses, queryFn: () => reflectionsApi.myClasses() });
  if (!q.data?.items.length) return null;
  return (
    <Card size="small" title={t('reflections.my.classesTitle')} data-testid="reflection-classes">
      <List
        dataSource={q.data.items}
        renderItem={(c) => (
          <List.Item
            actions={[
              <Link key="go" to={`/me/study/${c.id}/reflections`}>
                <Button size="small" icon={<EditOutlined />} data-testid="open-reflections">
                  {t('reflections.my.open')}
                </Button>
              </Link>,
            ]}
          >
            <List.Item.Meta
              title={`${c.courseTitle} · ${c.name}`}
              description={
                <Typography.Text type={c.counted >= c.required ? 'success' : 'secondary'}>
                  {t('reflections.my.progress', { counted: c.counted, required: c.required })}
                </Typography.Text>
              }
            />
          </List.Item>
        )}
      />
    </Card>
  );
}
