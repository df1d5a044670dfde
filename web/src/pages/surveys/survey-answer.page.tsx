import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Rate, Result, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { surveyKeys, surveysApi, type SurveyAnswers } from '../../api/surveys.api';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { useErrorMessage } from '../../lib/error-message';
import { TEXT_ANSWER_MAX } from '../../../../src/domain/survey';
import { useQuestionLabel } from './survey-results.view';

/**
 * /me/surveys/:classId — a teacher answers the satisfaction survey of a class on their phone:
 * a star rating (1–5) per rating question, free text optional. Anonymous: the answer is stored
 * without the teacher's name, and the trainer sees only figures.
 */
export default function SurveyAnswerPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const label = useQuestionLabel();
  const qc = useQueryClient();
  const classId = Number(useParams().classId);
  const [form] = Form.useForm<SurveyAnswers>();
  const q = useQuery({
    queryKey: surveyKeys.classForm(classId),
    queryFn: () => surveysApi.classForm(classId),
    enabled: Number.isInteger(classId),
  });
  const send = useMutation({
    mutationFn: (answers: SurveyAnswers) => surveysApi.answer(classId, answers),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: surveyKeys.all });
    },
    onError: (err) => {
      void message.error(errorMessage(err));
      if (err instanceof ApiError && err.code === 'SURVEY_ALREADY_ANSWERED')
        void qc.invalidateQueries({ queryKey: surveyKeys.classForm(classId) });
    },
  });
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <SectionSpin />;
  const s = q.data;
  const back = (
    <Link to="/me/timetable">
      <Button>{t('surveys.answer.back')}</Button>
    </Link>
  );
  if (send.isSuccess || s.answered) {
    return (
      <Result
        status="success"
        title={t('surveys.answer.thanks')}
        subTitle={`${s.projectTitle} · ${s.className}`}
        extra={back}
        data-testid="survey-answered"
      />
    );
  }
  if (s.window !== 'open') {
    return (
      <Result
        status="info"
        title={t(s.window === 'not_yet' ? 'surveys.answer.notYet' : 'surveys.answer.over')}
        subTitle={`${s.projectTitle} · ${s.className}`}
        extra={back}
      />
    );
  }
  return (
    <Card
      title={t('surveys.answer.title')}
      style={{ maxWidth: 640, margin: '0 auto' }}
      styles={{ body: { padding: 16 } }}
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Text strong>
          {s.projectTitle} · {s.className}
        </Typography.Text>
        <Alert type="info" showIcon message={t('surveys.answer.anonymous')} />
        <Typography.Text type="secondary">{t('surveys.answer.scale')}</Typography.Text>
        <Form form={form} layout="vertical" onFinish={(v) => send.mutate(v)} requiredMark={false}>
          {s.questions.map((question, i) =>
            question.kind === 'rating' ? (
              <Form.Item
                key={question.key}
                name={question.key}
                label={`${i + 1}. ${label(question)}`}
                rules={[{ required: true, message: t('surveys.answer.rateIt') }]}
              >
                <Rate
                  style={{ fontSize: 30 }}
                  tooltips={[1, 2, 3, 4, 5].map((n) => t('surveys.ratingN', { n }))}
                  data-testid={`rate-${question.key}`}
                />
              </Form.Item>
            ) : (
              <Form.Item
                key={question.key}
                name={question.key}
                label={`${i + 1}. ${label(question)}`}
                rules={[{ max: TEXT_ANSWER_MAX }]}
              >
                <Input.TextArea
                  rows={4}
                  maxLength={TEXT_ANSWER_MAX}
                  showCount
                  placeholder={t('surveys.answer.optional')}
                  data-testid={`text-${question.key}`}
                />
              </Form.Item>
            ),
          )}
          <Button
            type="primary"
            htmlType="submit"
            block
            size="large"
            loading={send.isPending}
            data-testid="survey-submit"
          >
            {t('surveys.answer.submit')}
          </Button>
        </Form>
      </Space>
    </Card>
  );
}
