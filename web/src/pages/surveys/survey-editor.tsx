import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, InputNumber, Popconfirm, Radio, Select, Space, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import {
  surveyKeys,
  surveysApi,
  type ResultsRelease,
  type SurveyForm,
  type SurveyQuestion,
} from '../../api/surveys.api';
import { useErrorMessage, validationIssues } from '../../lib/error-message';
import {
  DEFAULT_QUESTIONS,
  LABEL_MAX,
  MAX_QUESTIONS,
  MIN_ANSWERS_FOR_DETAIL,
  RELEASE_MIN_ANSWERS_MAX,
  RELEASE_MIN_ANSWERS_MIN,
} from '../../../../src/domain/survey';

interface EditorValues {
  questions: SurveyQuestion[];
  release: ResultsRelease;
}

/** A key for a new question: q1, q2 … not yet taken. */
function freeKey(taken: ReadonlyArray<{ key?: string } | undefined>): string {
  const used = new Set(taken.map((q) => q?.key));
  for (let i = 1; ; i++) if (!used.has(`q${i}`)) return `q${i}`;
}

/**
 * The organiser's editor of a project's questionnaire: rating (1–5) or free-text questions with
 * Chinese and English labels, and when a class's figures show (after its answer window closed, or
 * from a number of answers on). Read-only once teachers answered (the figures would no longer add up).
 */
export function SurveyEditor({ projectId, form: current }: { projectId: number; form: SurveyForm }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const qc = useQueryClient();
  const [form] = Form.useForm<EditorValues>();
  useEffect(() => form.setFieldsValue({ questions: current.questions, release: current.release }), [form, current]);
  const releaseAfter = Form.useWatch(['release', 'after'], form) ?? current.release.after;
  const save = useMutation({
    mutationFn: (v: EditorValues) =>
      surveysApi.saveForm(projectId, v.questions, {
        after: v.release.after,
        minAnswers: v.release.after === 'min_answers' ? v.release.minAnswers : null,
      }),
    onSuccess: (saved) => {
      qc.setQueryData(surveyKeys.form(projectId), saved);
      void message.success(t('surveys.editor.saved'));
    },
    onError: (err) => {
      const issues = validationIssues(err);
      if (issues.length) {
        // the paths are the form's own: questions.<n>.<field>
        // questions.<n>.<field> and release.<field>
        form.setFields(
          issues.map((i) => ({
            name: i.path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)) as ['questions', number, 'zh'],
            errors: [i.message],
          })),
        );
      }
      void message.error(err instanceof ApiError && err.code === 'SURVEY_LOCKED' ? err.message : errorMessage(err));
      if (err instanceof ApiError && err.code === 'SURVEY_LOCKED')
        void qc.invalidateQueries({ queryKey: surveyKeys.form(projectId) });
    },
  });
  const readOnly = !current.canEdit;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {current.locked && (
        <Alert type="info" showIcon message={t('surveys.editor.locked')} data-testid="survey-locked" />
      )}
      {current.isDefault && !current.locked && (
        <Typography.Text type="secondary">{t('surveys.editor.isDefault')}</Typography.Text>
      )}
      <Form<EditorValues>
        form={form}
        layout="vertical"
        disabled={readOnly}
        initialValues={{ questions: current.questions, release: current.release }}
        onFinish={(v) => save.mutate(v)}
      >
        <Form.List name="questions">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f, i) => (
                <Space
                  key={f.key}
                  align="start"
                  wrap
                  style={{ width: '100%', marginBottom: 4 }}
                  data-testid="survey-question"
                >
                  <Typography.Text style={{ lineHeight: '32px', minWidth: 24 }}>{i + 1}.</Typography.Text>
                  <Form.Item name={[f.name, 'key']} hidden>
                    <Input />
                  </Form.Item>
                  <Form.Item name={[f.name, 'kind']} rules={[{ required: true }]} style={{ marginBottom: 0 }}>
                    <Select
                      style={{ width: 110 }}
                      options={[
                        { value: 'rating', label: t('surveys.kind.rating') },
                        { value: 'text', label: t('surveys.kind.text') },
                      ]}
                    />
                  </Form.Item>
                  <Form.Item
                    name={[f.name, 'zh']}
                    rules={[{ required: true, whitespace: true, max: LABEL_MAX }]}
                    style={{ marginBottom: 0 }}
                  >
                    <Input placeholder={t('surveys.editor.zh')} style={{ width: 220 }} maxLength={LABEL_MAX} />
                  </Form.Item>
                  <Form.Item
                    name={[f.name, 'en']}
                    rules={[{ required: true, whitespace: true, max: LABEL_MAX }]}
                    style={{ marginBottom: 0 }}
                  >
                    <Input placeholder={t('surveys.editor.en')} style={{ width: 220 }} maxLength={LABEL_MAX} />
                  </Form.Item>
                  {!readOnly && fields.length > 1 && (
                    <Button
                      icon={<DeleteOutlined />}
                      onClick={() => remove(f.name)}
                      aria-label={t('surveys.editor.remove')}
                    />
                  )}
                </Space>
              ))}
              {!readOnly && fields.length < MAX_QUESTIONS && (
                <Button
                  icon={<PlusOutlined />}
                  onClick={() =>
                    add({ key: freeKey(form.getFieldValue('questions') ?? []), kind: 'rating', zh: '', en: '' })
                  }
                  data-testid="survey-add-question"
                >
                  {t('surveys.editor.add')}
                </Button>
              )}
            </>
          )}
        </Form.List>
        <Form.Item
          name={['release', 'after']}
          label={t('surveys.release.label')}
          style={{ marginTop: 16, marginBottom: 8 }}
          extra={t('surveys.release.hint')}
        >
          <Radio.Group
            data-testid="survey-release-after"
            options={[
              { value: 'window_closed', label: t('surveys.release.windowClosed') },
              { value: 'min_answers', label: t('surveys.release.minAnswers') },
            ]}
          />
        </Form.Item>
        {releaseAfter === 'min_answers' && (
          <Form.Item
            name={['release', 'minAnswers']}
            label={t('surveys.release.minAnswersN')}
            rules={[{ required: true, type: 'integer', min: RELEASE_MIN_ANSWERS_MIN, max: RELEASE_MIN_ANSWERS_MAX }]}
            initialValue={Math.max(10, MIN_ANSWERS_FOR_DETAIL)}
          >
            <InputNumber
              min={RELEASE_MIN_ANSWERS_MIN}
              max={RELEASE_MIN_ANSWERS_MAX}
              precision={0}
              data-testid="survey-release-min"
            />
          </Form.Item>
        )}
        {!readOnly && (
          <Space style={{ marginTop: 12 }}>
            <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="survey-save">
              {t('surveys.editor.save')}
            </Button>
            <Popconfirm
              title={t('surveys.editor.resetConfirm')}
              onConfirm={() => form.setFieldsValue({ questions: DEFAULT_QUESTIONS.map((q) => ({ ...q })) })}
            >
              <Button>{t('surveys.editor.reset')}</Button>
            </Popconfirm>
          </Space>
        )}
      </Form>
    </Space>
  );
}
