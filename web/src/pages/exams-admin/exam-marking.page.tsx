import { ArrowLeftOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Flex,
  Input,
  InputNumber,
  Row,
  Segmented,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import {
  MARK_STATES,
  examAdminApi,
  examAdminKeys,
  type MarkState,
  type MarkingAnswer,
  type MarkingQuestion,
} from '../../api/exam-admin';
import { ErrorResult, FullPageSpin, SectionSpin } from '../../components/page-states';
import { useErrorMessage } from '../../lib/error-message';
import { toPositiveInt, useSearchState } from '../../lib/use-search-state';
import { formatPoints } from './exam-labels';
import { useKeyText } from './paper-preview.modal';

const SEARCH_KEYS = ['q', 'state'] as const;

const hasReference = (r: unknown) => r !== null && r !== undefined && r !== '';

/**
 * 阅卷 (/exams/:id/marking): the essay questions of an exam with how many answers wait, are disputed or are
 * marked; a question opens its answers one at a time (the candidate as a 6-digit code under blind
 * marking), with a score bounded by the question's points, a comment, and the next answer after saving.
 * A disputed answer shows both marks to the arbiter, whose mark stands.
 */
export default function ExamMarkingPage() {
  const { t } = useTranslation();
  const { id } = useParams();
  const examId = toPositiveInt(id, 0);
  const [search, setSearch] = useSearchState(SEARCH_KEYS);
  const queue = useQuery({ queryKey: examAdminKeys.marking(examId), queryFn: () => examAdminApi.marking(examId) });
  const position = search.q === undefined ? undefined : Number(search.q);
  const state: MarkState = (MARK_STATES as readonly string[]).includes(search.state ?? '')
    ? (search.state as MarkState)
    : 'pending';
  if (queue.isError) return <ErrorResult error={queue.error} onRetry={() => void queue.refetch()} />;
  if (!queue.data) return <FullPageSpin />;
  const questions = queue.data.questions;
  const current = questions.find((q) => q.position === position);

  return (
    <Flex vertical gap={16} data-testid="exam-marking">
      <Card>
        <div className="page-title-row">
          <Space wrap>
            <Typography.Title level={3} style={{ margin: 0 }}>
              {t('examAdmin.marking.title')}
            </Typography.Title>
            {queue.data.blind && <Tag color="purple">{t('examAdmin.marking.blindTag')}</Tag>}
            {queue.data.doubleMarking && <Tag color="blue">{t('examAdmin.marking.doubleTag')}</Tag>}
          </Space>
          <Link to={`/exams/${examId}/manage`}>
            <Button icon={<ArrowLeftOutlined />}>{t('examAdmin.marking.backToExam')}</Button>
          </Link>
        </div>
        <Typography.Paragraph type="secondary">{t('examAdmin.marking.intro')}</Typography.Paragraph>
        <Table<MarkingQuestion>
          size="small"
          rowKey="position"
          dataSource={questions}
          pagination={false}
          locale={{ emptyText: t('examAdmin.marking.noQuestions') }}
          rowClassName={(q) => (q.position === position ? 'ant-table-row-selected' : '')}
          onRow={(q) => ({ onClick: () => setSearch({ q: String(q.position), state: undefined }) })}
          columns={[
            { title: t('examAdmin.marking.position'), dataIndex: 'position', width: 70, render: (p: number) => p + 1 },
            {
              title: t('examAdmin.paper.question'),
              dataIndex: 'stem',
              render: (s: string) => (
                <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ margin: 0, maxWidth: 520 }}>
                  {s}
                </Typography.Paragraph>
              ),
            },
            { title: t('examAdmin.paper.points'), dataIndex: 'points', align: 'right', render: formatPoints },
            {
              title: t('examAdmin.marking.states.pending'),
              dataIndex: 'pending',
              align: 'right',
              render: (n: number) => (n > 0 ? <Tag color="orange">{n}</Tag> : 0),
            },
            {
              title: t('examAdmin.marking.states.disputed'),
              dataIndex: 'disputed',
              align: 'right',
              render: (n: number) => (n > 0 ? <Tag color="red">{n}</Tag> : 0),
            },
            { title: t('examAdmin.marking.states.marked'), dataIndex: 'marked', align: 'right' },
            {
              title: t('common.actions'),
              key: 'a',
              render: (_, q) => (
                <Button
                  size="small"
                  type={q.position === position ? 'primary' : 'default'}
                  onClick={(e) => {
                    e.stopPropagation();
                    setSearch({
                      q: String(q.position),
                      state: q.pending === 0 && q.disputed > 0 ? 'disputed' : undefined,
                    });
                  }}
                  data-testid="marking-open"
                >
                  {t('examAdmin.marking.open')}
                </Button>
              ),
            },
          ]}
          data-testid="marking-questions"
        />
      </Card>
      {current && (
        <AnswerMarker
          key={`${current.position}-${state}`}
          examId={examId}
          question={current}
          state={state}
          onState={(s) => setSearch({ state: s === 'pending' ? undefined : s })}
        />
      )}
    </Flex>
  );
}

/** One answer at a time of a question, in the chosen state; saving moves on to the next. */
function AnswerMarker({
  examId,
  question,
  state,
  onState,
}: {
  examId: number;
  question: MarkingQuestion;
  state: MarkState;
  onState: (s: MarkState) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const keyText = useKeyText();
  const qc = useQueryClient();
  const [page, setPage] = useState(1);
  const [index, setIndex] = useState(0);
  // answers marked here in this sitting: under double marking they stay pending for the second marker
  const [done, setDone] = useState<ReadonlySet<number>>(new Set());
  const [score, setScore] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const answers = useQuery({
    queryKey: examAdminKeys.answers(examId, question.position, state, page),
    queryFn: () => examAdminApi.answers(examId, question.position, state, page),
  });
  const items = useMemo(
    () =>
      (answers.data?.items ?? []).filter(
        (a) => state !== 'pending' || (!done.has(a.attemptId) && !a.marks.some((m) => m.mine)),
      ),
    [answers.data, done, state],
  );
  const answer: MarkingAnswer | undefined = items[Math.min(index, Math.max(0, items.length - 1))];
  const total = answers.data?.total ?? 0;

  useEffect(() => {
    // a new answer starts with its last mark's score when re-marking, else empty
    setScore(
      state === 'marked' && answer?.marks.length ? (answer.marks[answer.marks.length - 1]?.score ?? null) : null,
    );
    setComment('');
  }, [answer?.attemptId, state, answer?.marks]);

  const mark = useMutation({
    mutationFn: () =>
      examAdminApi.mark(examId, {
        attemptId: answer!.attemptId,
        position: question.position,
        score: score as number,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      }),
    onSuccess: (r) => {
      void message.success(t(`examAdmin.marking.savedAs.${r.state}`));
      setDone((prev) => new Set(prev).add(answer!.attemptId));
      if (state !== 'pending') setIndex((i) => i + 1);
      void qc.invalidateQueries({ queryKey: examAdminKeys.marking(examId) });
      void qc.invalidateQueries({ queryKey: ['exam-admin', 'answers', examId, question.position] });
    },
    onError: (err) => message.error(errorText(err)),
  });

  const outOfRange = score !== null && (score < 0 || score > question.points);
  const counts: Record<MarkState, number> = {
    pending: question.pending,
    disputed: question.disputed,
    marked: question.marked,
  };

  return (
    <Card
      title={t('examAdmin.marking.questionTitle', { n: question.position + 1, points: formatPoints(question.points) })}
      extra={
        <Segmented<MarkState>
          value={state}
          onChange={onState}
          options={MARK_STATES.map((s) => ({
            value: s,
            label: `${t(`examAdmin.marking.states.${s}`)} ${counts[s]}`,
          }))}
          data-testid="marking-state"
        />
      }
      data-testid="marking-answer-card"
    >
      <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>
        {answers.data?.question?.stem ?? question.stem}
      </Typography.Paragraph>
      {answers.data?.question && hasReference(answers.data.question.reference) && (
        <Typography.Paragraph type="secondary" style={{ whiteSpace: 'pre-wrap' }} data-testid="marking-reference">
          {t('examAdmin.marking.reference')}
          {keyText(answers.data.question.reference)}
        </Typography.Paragraph>
      )}
      {answers.isError ? (
        <ErrorResult error={answers.error} onRetry={() => void answers.refetch()} />
      ) : answers.isPending ? (
        <SectionSpin />
      ) : !answer ? (
        <Flex vertical align="center" gap={8}>
          <Empty description={t(`examAdmin.marking.none.${state}`)} />
          {page > 1 && <Button onClick={() => setPage(1)}>{t('examAdmin.marking.fromStart')}</Button>}
        </Flex>
      ) : (
        <Row gutter={[24, 16]}>
          <Col xs={24} lg={14}>
            <Descriptions size="small" column={1} bordered styles={{ label: { whiteSpace: 'nowrap' } }}>
              <Descriptions.Item label={t('examAdmin.marking.candidate')}>
                <Typography.Text strong data-testid="marking-candidate">
                  {answer.candidate}
                </Typography.Text>
              </Descriptions.Item>
              <Descriptions.Item label={t('examAdmin.marking.answer')}>
                <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }} data-testid="marking-answer">
                  {typeof answer.answer === 'string'
                    ? answer.answer || t('examAdmin.marking.blank')
                    : keyText(answer.answer)}
                </Typography.Paragraph>
              </Descriptions.Item>
              {answer.marks.length > 0 && (
                <Descriptions.Item label={t('examAdmin.marking.marks')}>
                  <Flex vertical gap={2} data-testid="marking-marks">
                    {answer.marks.map((m) => (
                      <span key={m.round}>
                        {t('examAdmin.marking.markLine', {
                          round: t(`examAdmin.marking.rounds.${Math.min(m.round, 3)}`),
                          score: formatPoints(m.score),
                          marker: m.mine ? t('examAdmin.marking.me') : m.markerName,
                        })}
                        {m.comment ? t('examAdmin.marking.commentLine', { comment: m.comment }) : ''}
                      </span>
                    ))}
                  </Flex>
                </Descriptions.Item>
              )}
            </Descriptions>
            {state === 'disputed' && (
              <Alert type="warning" showIcon style={{ marginTop: 12 }} title={t('examAdmin.marking.arbiterHint')} />
            )}
          </Col>
          <Col xs={24} lg={10}>
            <Flex vertical gap={12}>
              <Space align="center">
                <Typography.Text>{t('examAdmin.marking.score')}</Typography.Text>
                {/* bounds are checked beside the box rather than clamped, so a slip (12 for 1.2) is seen, not changed */}
                <InputNumber
                  step={0.5}
                  precision={2}
                  value={score}
                  onChange={setScore}
                  status={outOfRange ? 'error' : undefined}
                  addonAfter={`/ ${formatPoints(question.points)}`}
                  data-testid="marking-score"
                />
              </Space>
              {outOfRange && (
                <Typography.Text type="danger">
                  {t('examAdmin.marking.scoreRange', { points: formatPoints(question.points) })}
                </Typography.Text>
              )}
              <Input.TextArea
                rows={3}
                maxLength={2000}
                value={comment}
                onChange={(e) => setComment(e.target.value)}
                placeholder={t('examAdmin.marking.comment')}
                data-testid="marking-comment"
              />
              <Space wrap>
                <Button
                  type="primary"
                  disabled={score === null || outOfRange}
                  loading={mark.isPending}
                  onClick={() => mark.mutate()}
                  data-testid="marking-save"
                >
                  {t('examAdmin.marking.saveNext')}
                </Button>
                <Button
                  onClick={() => {
                    if (index + 1 < items.length) setIndex(index + 1);
                    else if (page * items.length < total) {
                      setPage(page + 1);
                      setIndex(0);
                    }
                  }}
                  data-testid="marking-skip"
                >
                  {t('examAdmin.marking.skip')}
                </Button>
                <Typography.Text type="secondary">
                  {t('examAdmin.marking.left', {
                    // those marked here that still wait for a second marker are not left for this marker
                    count: Math.max(0, total - ((answers.data?.items.length ?? 0) - items.length)),
                  })}
                </Typography.Text>
              </Space>
            </Flex>
          </Col>
        </Row>
      )}
    </Card>
  );
}
