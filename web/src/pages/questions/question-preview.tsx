import { CheckOutlined } from '@ant-design/icons';
import { Descriptions, Flex, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Question, QuestionVersion } from '../../api/questions.api';

/** A question's key in words: letters, 对/错, accepted texts per blank, or the reference text. */
export function useAnswerText() {
  const { t } = useTranslation();
  return (q: Pick<Question, 'kind' | 'answer'>): string => {
    const a = q.answer;
    switch (q.kind) {
      case 'single':
        return typeof a === 'string' ? a : '—';
      case 'multiple':
        return Array.isArray(a) ? (a as string[]).join('') : '—';
      case 'true_false':
        return a === true ? t('questions.true') : a === false ? t('questions.false') : '—';
      case 'fill_in':
        return Array.isArray(a) ? (a as string[][]).map((b) => b.join(' / ')).join('；') : '—';
      case 'essay':
        return typeof a === 'string' && a ? a : t('questions.noReference');
      default:
        return '—';
    }
  };
}

/** A question (or one of its versions) read-only: stem, options with the key marked, answer, explanation, tags. */
export function QuestionPreview({ question: q }: { question: Question | QuestionVersion }) {
  const { t } = useTranslation();
  const answerText = useAnswerText();
  const correct = (key: string) =>
    q.kind === 'single'
      ? q.answer === key
      : q.kind === 'multiple' && Array.isArray(q.answer) && (q.answer as string[]).includes(key);
  return (
    <Flex vertical gap="small" data-testid="question-preview">
      <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>
        <Tag>{t(`questions.kinds.${q.kind}`)}</Tag>
        {q.stem}
      </Typography.Paragraph>
      {q.options.length > 0 && (
        <Flex vertical gap={2}>
          {q.options.map((o) => (
            <Typography.Text key={o.key} type={correct(o.key) ? 'success' : undefined}>
              {o.key}. {o.text} {correct(o.key) && <CheckOutlined />}
            </Typography.Text>
          ))}
        </Flex>
      )}
      <Descriptions
        size="small"
        column={1}
        items={[
          {
            key: 'answer',
            label: t('questions.fields.answer'),
            children: <span style={{ whiteSpace: 'pre-wrap' }}>{answerText(q)}</span>,
          },
          ...(q.explanation
            ? [
                {
                  key: 'explanation',
                  label: t('questions.fields.explanation'),
                  children: <span style={{ whiteSpace: 'pre-wrap' }}>{q.explanation}</span>,
                },
              ]
            : []),
          {
            key: 'tags',
            label: t('questions.tagsLabel'),
            children: <QuestionTagsView question={q} />,
          },
        ]}
      />
    </Flex>
  );
}

/** Module, subject, stage and difficulty as tags. */
export function QuestionTagsView({
  question: q,
}: {
  question: Pick<Question, 'module' | 'subject' | 'stage' | 'difficulty'>;
}) {
  const { t } = useTranslation();
  return (
    <Flex gap={4} wrap>
      {q.module && <Tag color="purple">{q.module}</Tag>}
      {q.subject && <Tag color="cyan">{q.subject}</Tag>}
      {q.stage && <Tag>{t(`stages.${q.stage}`)}</Tag>}
      <Tag>{t('questions.difficultyTag', { n: q.difficulty })}</Tag>
    </Flex>
  );
}
