import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Form, InputNumber, Row, Switch, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { type CourseOnlineSettings, onlineCourseKeys, onlineCoursesApi } from '../../api/online-courses.api';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { useErrorMessage } from '../../lib/error-message';
import { showErrorsOnFields } from '../../lib/form-errors';

const FIELDS = [
  'maxSpeed',
  'allowSeek',
  'presenceMinMinutes',
  'presenceMaxMinutes',
  'presenceTimeoutSeconds',
  'homeworkRequired',
  'postsRequired',
  'minPostChars',
  'reflectionsRequired',
  'minReflectionChars',
  'similarityThreshold',
] as const;

/**
 * 学习规则: how a course's study is counted (speed, seeking, presence checks) and what completes it
 * online (homework, posts, reflections and their originality). Read-only for who does not keep the course.
 */
export function OnlineRulesCard({ courseId }: { courseId: number }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<CourseOnlineSettings>();
  const q = useQuery({
    queryKey: onlineCourseKeys.settings(courseId),
    queryFn: () => onlineCoursesApi.settings(courseId),
  });
  useEffect(() => {
    if (q.data) form.setFieldsValue({ studyRule: q.data.studyRule, completionRule: q.data.completionRule });
  }, [q.data, form]);
  const save = useMutation({
    mutationFn: (v: CourseOnlineSettings) => onlineCoursesApi.saveSettings(courseId, v),
    onSuccess: () => {
      void message.success(t('courseOnline.rules.saved'));
      void queryClient.invalidateQueries({ queryKey: onlineCourseKeys.settings(courseId) });
    },
    onError: (err) => {
      if (!showErrorsOnFields(form, err, FIELDS)) void message.error(errorText(err));
    },
  });
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <SectionSpin />;
  const readOnly = !q.data.canManage;
  const num = (group: 'studyRule' | 'completionRule', name: string, min: number, max: number, step = 1) => (
    <Col xs={24} sm={12} lg={8}>
      <Form.Item
        name={[group, name]}
        label={t(`courseOnline.rules.${name}`)}
        extra={t(`courseOnline.rules.${name}Hint`, { min, max })}
        rules={[{ required: true, type: 'number', min, max, message: t('courseOnline.rules.range', { min, max }) }]}
      >
        <InputNumber min={min} max={max} step={step} style={{ width: '100%' }} data-testid={`rule-${name}`} />
      </Form.Item>
    </Col>
  );
  return (
    <Card title={t('courseOnline.rules.title')} data-testid="online-rules">
      <Form form={form} layout="vertical" disabled={readOnly} onFinish={(v) => save.mutate(v)}>
        <Typography.Title level={5}>{t('courseOnline.rules.studyTitle')}</Typography.Title>
        <Row gutter={16}>
          {num('studyRule', 'maxSpeed', 1, 4, 0.25)}
          {num('studyRule', 'presenceMinMinutes', 1, 120)}
          {num('studyRule', 'presenceMaxMinutes', 1, 120)}
          {num('studyRule', 'presenceTimeoutSeconds', 15, 600)}
          <Col xs={24} sm={12} lg={8}>
            <Form.Item
              name={['studyRule', 'allowSeek']}
              label={t('courseOnline.rules.allowSeek')}
              extra={t('courseOnline.rules.allowSeekHint')}
              valuePropName="checked"
            >
              <Switch />
            </Form.Item>
          </Col>
        </Row>
        <Typography.Title level={5}>{t('courseOnline.rules.completionTitle')}</Typography.Title>
        <Row gutter={16}>
          <Col xs={24} sm={12} lg={8}>
            <Form.Item
              name={['completionRule', 'homeworkRequired']}
              label={t('courseOnline.rules.homeworkRequired')}
              valuePropName="checked"
            >
              <Switch />
            </Form.Item>
          </Col>
          {num('completionRule', 'postsRequired', 0, 50)}
          {num('completionRule', 'minPostChars', 0, 2000)}
          {num('completionRule', 'reflectionsRequired', 0, 50)}
          {num('completionRule', 'minReflectionChars', 0, 20000)}
          {num('completionRule', 'similarityThreshold', 0.1, 1, 0.05)}
        </Row>
        {!readOnly && (
          <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="online-rules-save">
            {t('common.save')}
          </Button>
        )}
      </Form>
    </Card>
  );
}
