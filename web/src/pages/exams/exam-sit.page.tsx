import { AppstoreOutlined, CheckOutlined, CloudUploadOutlined, DisconnectOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Flex, Input, Modal, Tag, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import type { ApiError } from '../../api/client';
import { type AttemptQuestion, type AttemptView, examKeys, examsApi } from '../../api/exams';
import { ErrorResult, FullPageSpin } from '../../components/page-states';
import { useErrorMessage } from '../../lib/error-message';
import { AnswerOutbox, isAttemptClosed, type OutboxStatus } from './answer-outbox';
import {
  clockOffset,
  countdownText,
  type ExamAnswer,
  isAnswered,
  setBlank,
  timeLeft,
  toggleLetter,
  unansweredPositions,
} from './answer-queue';
import { numberList } from './exam-text';

/** Text is sent after this pause in typing (it is kept on the device at every keystroke). */
const TYPING_PAUSE_MS = 500;
/** The countdown turns red in the last five minutes. */
const HURRY_MS = 5 * 60_000;

function browserStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

const NO_STATUS: OutboxStatus = { unsent: new Set(), unsentEvents: 0, failing: false, sending: false };

/**
 * The attempt's answers as the page holds them, kept in step with the outbox (device first, then the
 * server), the server's deadline and clock, and the browser's network and visibility turned into
 * events for the invigilator.
 */
function useAttempt(view: AttemptView | undefined, receivedAt: number, onClosed: (e: ApiError) => void) {
  const [answers, setAnswers] = useState<Map<number, ExamAnswer>>(new Map());
  const [status, setStatus] = useState<OutboxStatus>(NO_STATUS);
  const [restored, setRestored] = useState(0);
  const [online, setOnline] = useState(() => navigator.onLine);
  const [deadline, setDeadline] = useState<string | null>(null);
  const offset = useRef(0);
  const outbox = useRef<AnswerOutbox | null>(null);
  const closed = useRef(onClosed);
  closed.current = onClosed;
  const attemptId = view?.attempt.id;

  useEffect(() => {
    if (view?.attempt.status !== 'open') return;
    const id = view.attempt.id;
    offset.current = clockOffset(view.attempt.serverNow, receivedAt);
    setDeadline(view.attempt.deadlineAt);
    const box = new AnswerOutbox({
      attemptId: id,
      storage: browserStorage(),
      save: (batch) => examsApi.saveAnswers(id, batch),
      sendEvent: (e) => examsApi.event(id, e.kind, e.clientAt),
      onStatus: setStatus,
      onServerTime: (serverNow, deadlineAt) => {
        offset.current = clockOffset(serverNow, Date.now());
        setDeadline(deadlineAt);
      },
      onClosed: (e) => {
        box.finish();
        closed.current(e);
      },
    });
    outbox.current = box;
    const merged = box.merge(view.answers);
    setAnswers(new Map([...merged.answers].map(([p, a]) => [p, a.answer])));
    setRestored(merged.queue.answers.length);
    setStatus(box.status());
    // answers given offline before a reload go out now
    void box.flushNow();

    const goneOnline = () => {
      setOnline(true);
      box.event('online');
      box.retryNow();
    };
    const goneOffline = () => {
      setOnline(false);
      box.event('offline');
    };
    const visibility = () => box.event(document.visibilityState === 'hidden' ? 'left' : 'returned');
    window.addEventListener('online', goneOnline);
    window.addEventListener('offline', goneOffline);
    document.addEventListener('visibilitychange', visibility);
    return () => {
      window.removeEventListener('online', goneOnline);
      window.removeEventListener('offline', goneOffline);
      document.removeEventListener('visibilitychange', visibility);
      box.stop();
      outbox.current = null;
    };
  }, [view, receivedAt]);

  const put = useCallback((position: number, answer: ExamAnswer, typing = false) => {
    setAnswers((m) => new Map(m).set(position, answer));
    outbox.current?.put(position, answer, typing ? TYPING_PAUSE_MS : 0);
  }, []);

  return { attemptId, answers, status, restored, online, deadline, offset, outbox, put };
}

/** The countdown from the server's deadline, ticking on the device's clock corrected by the server's. */
function useTimeLeft(deadline: string | null, offset: { current: number }): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, []);
  return deadline === null ? null : timeLeft(deadline, offset.current, now);
}

/** A big choice for the thumb: a letter and its option, the chosen one filled. */
function Choice({
  letter,
  text,
  chosen,
  onClick,
  multiple,
}: {
  letter: string;
  text: string;
  chosen: boolean;
  onClick: () => void;
  multiple: boolean;
}) {
  return (
    <button
      type="button"
      className={`exam-choice${chosen ? ' exam-choice-chosen' : ''}`}
      aria-pressed={chosen}
      onClick={onClick}
      data-testid="exam-choice"
      data-letter={letter}
    >
      <span className="exam-choice-letter">{chosen && multiple ? <CheckOutlined /> : letter}</span>
      <span className="exam-choice-text">{text}</span>
    </button>
  );
}

function AnswerInput({
  q,
  answer,
  put,
}: {
  q: AttemptQuestion;
  answer: ExamAnswer | undefined;
  put: (position: number, answer: ExamAnswer, typing?: boolean) => void;
}) {
  const { t } = useTranslation();
  switch (q.kind) {
    case 'single':
    case 'multiple':
      return (
        <Flex vertical gap={10} role="group">
          {q.options.map((o) => (
            <Choice
              key={o.key}
              letter={o.key}
              text={o.text}
              multiple={q.kind === 'multiple'}
              chosen={q.kind === 'single' ? answer === o.key : Array.isArray(answer) && answer.includes(o.key)}
              onClick={() => put(q.position, q.kind === 'single' ? o.key : toggleLetter(answer, o.key))}
            />
          ))}
        </Flex>
      );
    case 'true_false':
      return (
        <Flex gap={10} role="group">
          {[true, false].map((v) => (
            <Choice
              key={String(v)}
              letter={v ? '✓' : '✗'}
              text={v ? t('myExams.sit.trueLabel') : t('myExams.sit.falseLabel')}
              multiple={false}
              chosen={answer === v}
              onClick={() => put(q.position, v)}
            />
          ))}
        </Flex>
      );
    case 'fill_in':
      return (
        <Flex vertical gap={10}>
          {Array.from({ length: Math.max(1, q.blanks) }, (_, i) => (
            <Input
              key={i}
              size="large"
              addonBefore={t('myExams.sit.blank', { n: i + 1 })}
              value={Array.isArray(answer) ? (answer[i] ?? '') : ''}
              maxLength={500}
              onChange={(e) => put(q.position, setBlank(answer, q.blanks, i, e.target.value), true)}
              data-testid="exam-blank"
            />
          ))}
        </Flex>
      );
    case 'essay':
      return (
        <Input.TextArea
          rows={8}
          value={typeof answer === 'string' ? answer : ''}
          maxLength={20_000}
          placeholder={t('myExams.sit.essayPlaceholder')}
          onChange={(e) => put(q.position, e.target.value, true)}
          data-testid="exam-essay"
        />
      );
  }
}

/**
 * Sitting an exam on a phone: one question per screen with a question card (answered or not, sent or
 * not), a countdown from the server's deadline, answers saved as they are given, a red banner while
 * the network is gone (the answers wait on the device and go when it is back), and the submission with
 * what is unanswered or unsent listed first. When the time is up the saved answers are submitted.
 */
export default function ExamSitPage() {
  const { t } = useTranslation();
  const attemptId = Number(useParams().id);
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const q = useQuery({
    queryKey: examKeys.attempt(attemptId),
    queryFn: () => examsApi.attempt(attemptId),
    // loaded once: the page's answers live in the outbox from then on
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 0,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });
  const [current, setCurrent] = useState(0);
  const [showCard, setShowCard] = useState(false);
  const [confirming, setConfirming] = useState<'submit' | 'offline' | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const ending = useRef(false);

  const toResult = useCallback(
    (timeUp: boolean) => {
      void qc.invalidateQueries({ queryKey: examKeys.all });
      void navigate(`/exam-attempts/${attemptId}/result${timeUp ? '?timeUp=1' : ''}`, { replace: true });
    },
    [attemptId, navigate, qc],
  );
  const onClosed = useCallback(
    (e: ApiError) => {
      if (ending.current) return;
      ending.current = true;
      toResult(e.code === 'EXAM_TIME_UP');
    },
    [toResult],
  );
  const s = useAttempt(q.data, q.dataUpdatedAt, onClosed);
  const left = useTimeLeft(s.deadline, s.offset);
  const questions = q.data?.questions ?? [];

  // an attempt already submitted (elsewhere, or by the server at the deadline) shows its result
  useEffect(() => {
    if (q.data && q.data.attempt.status !== 'open') toResult(false);
  }, [q.data, toResult]);

  const submit = useCallback(
    async (timeUp: boolean) => {
      const box = s.outbox.current;
      if (!box || ending.current) return;
      setSubmitting(true);
      await box.flushNow();
      if (ending.current) return; // the server answered the saves with the time up
      try {
        await examsApi.submit(attemptId, box.unsentAnswers());
        ending.current = true;
        box.finish();
        toResult(timeUp);
      } catch (err) {
        if (isAttemptClosed(err)) {
          box.finish();
          onClosed(err);
          return;
        }
        setSubmitting(false);
        if (timeUp) {
          // the server submits at the deadline by itself: nothing here can change that
          ending.current = true;
          box.finish();
          void message.warning(t('myExams.sit.timeUpOffline'));
          toResult(true);
        } else void message.error(`${t('myExams.sit.submitFailed')}：${errorMessage(err)}`);
      }
    },
    [attemptId, s.outbox, toResult, onClosed, message, t, errorMessage],
  );

  // time up: what is saved is submitted (the server does the same at its deadline)
  useEffect(() => {
    if (left === 0 && !ending.current && !submitting) {
      void message.info(t('myExams.sit.timeUp'));
      void submit(true);
    }
  }, [left, submit, submitting, message, t]);

  const unanswered = useMemo(
    () => unansweredPositions(questions, new Map([...s.answers].map(([p, answer]) => [p, { answer }]))),
    [questions, s.answers],
  );

  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  if (q.data?.attempt.status !== 'open') return <FullPageSpin />;
  const question = questions[current];
  const total = questions.length;
  const unsent = s.status.unsent.size;
  const offline = !s.online || s.status.failing;
  const answered = (p: number, kind: AttemptQuestion['kind']) => isAnswered(kind, s.answers.get(p));

  const askSubmit = () => setConfirming(unsent > 0 && offline ? 'offline' : 'submit');

  return (
    <div className="exam-sit" data-testid="exam-sit" data-unsent={unsent} data-offline={offline}>
      <div className="exam-sit-bar">
        <Typography.Text strong ellipsis style={{ flex: 1, minWidth: 0 }}>
          {q.data.attempt.title}
        </Typography.Text>
        <span
          className={`exam-countdown${left !== null && left < HURRY_MS ? ' exam-countdown-hurry' : ''}`}
          role="timer"
          aria-label={t('myExams.sit.timeLeft')}
          data-testid="exam-countdown"
        >
          {left === null ? '--:--' : countdownText(left)}
        </span>
        <Button
          icon={<AppstoreOutlined />}
          onClick={() => setShowCard((v) => !v)}
          aria-expanded={showCard}
          data-testid="exam-card-toggle"
        >
          {t('myExams.sit.card')}
        </Button>
      </div>

      {offline && (
        <div className="exam-offline" role="alert" data-testid="exam-offline-banner">
          <DisconnectOutlined /> {t('myExams.sit.offlineBanner')}
          {unsent > 0 && (
            <div className="exam-offline-count" data-testid="exam-unsent-count">
              {t('myExams.sit.unsentCount', { count: unsent })}
            </div>
          )}
        </div>
      )}
      {!offline && unsent > 0 && (
        <Alert
          type="info"
          showIcon
          icon={<CloudUploadOutlined />}
          title={`${t('myExams.sit.saving')} ${t('myExams.sit.unsentCount', { count: unsent })}`}
          data-testid="exam-sending"
        />
      )}
      {s.restored > 0 && (
        <Alert type="success" closable title={t('myExams.sit.loadedFromDevice', { count: s.restored })} />
      )}

      {showCard && (
        <nav className="exam-card" aria-label={t('myExams.sit.card')} data-testid="exam-card">
          {questions.map((x, i) => {
            const done = answered(x.position, x.kind);
            const waiting = s.status.unsent.has(x.position);
            return (
              <button
                key={x.position}
                type="button"
                className={[
                  'exam-card-cell',
                  done ? 'exam-card-done' : '',
                  waiting ? 'exam-card-unsent' : '',
                  i === current ? 'exam-card-current' : '',
                ].join(' ')}
                aria-label={`${i + 1} ${done ? t('myExams.sit.answered') : t('myExams.sit.unanswered')}${
                  waiting ? ` ${t('myExams.sit.unsent')}` : ''
                }`}
                aria-current={i === current ? 'step' : undefined}
                onClick={() => {
                  setCurrent(i);
                  setShowCard(false);
                }}
                data-testid="exam-card-cell"
                data-answered={done}
              >
                {i + 1}
              </button>
            );
          })}
          <Flex gap={12} className="small-text" style={{ gridColumn: '1 / -1' }} wrap>
            <span>
              <span className="exam-card-key exam-card-done" /> {t('myExams.sit.answered')}
            </span>
            <span>
              <span className="exam-card-key" /> {t('myExams.sit.unanswered')}
            </span>
            <span>
              <span className="exam-card-key exam-card-unsent" /> {t('myExams.sit.unsent')}
            </span>
          </Flex>
        </nav>
      )}

      {question && (
        <section className="exam-question" data-testid="exam-question" data-position={question.position}>
          <Flex justify="space-between" align="center" gap={8} wrap>
            <Typography.Text type="secondary">
              {t('myExams.sit.questionOf', { n: current + 1, total })} · {t(`myExams.sit.kinds.${question.kind}`)} ·{' '}
              {t('myExams.sit.points', { points: question.points })}
            </Typography.Text>
            {answered(question.position, question.kind) &&
              (s.status.unsent.has(question.position) ? (
                <Tag color="orange" data-testid="exam-save-state" data-state="unsent">
                  {t('myExams.sit.unsent')}
                </Tag>
              ) : (
                <Tag color="green" data-testid="exam-save-state" data-state="saved">
                  {t('myExams.sit.saved')}
                </Tag>
              ))}
          </Flex>
          <Typography.Paragraph className="exam-stem" style={{ margin: '8px 0' }}>
            {question.stem}
          </Typography.Paragraph>
          {question.kind === 'multiple' && (
            <Typography.Text type="secondary" className="small-text">
              {t('myExams.sit.multipleHint')}
            </Typography.Text>
          )}
          <AnswerInput q={question} answer={s.answers.get(question.position)} put={s.put} />
        </section>
      )}

      <div className="exam-sit-foot">
        <Button size="large" disabled={current === 0} onClick={() => setCurrent((c) => c - 1)} data-testid="exam-prev">
          {t('myExams.sit.prev')}
        </Button>
        {current < total - 1 ? (
          <Button size="large" type="primary" onClick={() => setCurrent((c) => c + 1)} data-testid="exam-next">
            {t('myExams.sit.next')}
          </Button>
        ) : (
          <span />
        )}
        <Button size="large" danger onClick={askSubmit} loading={submitting} data-testid="exam-submit">
          {t('myExams.sit.submit')}
        </Button>
      </div>

      <Modal
        open={confirming === 'submit'}
        title={t('myExams.sit.submitTitle')}
        okText={t('myExams.sit.submitOk')}
        cancelText={t('myExams.sit.keepAnswering')}
        okButtonProps={{ danger: true, size: 'large', 'data-testid': 'exam-submit-confirm' }}
        cancelButtonProps={{ size: 'large' }}
        onOk={() => {
          setConfirming(null);
          void submit(false);
        }}
        onCancel={() => setConfirming(null)}
      >
        <Flex vertical gap={8} data-testid="exam-submit-modal">
          <Typography.Text data-testid="exam-submit-unanswered">
            {unanswered.length > 0
              ? t('myExams.sit.submitUnanswered', { count: unanswered.length, list: numberList(unanswered) })
              : t('myExams.sit.submitAllAnswered')}
          </Typography.Text>
          {unsent > 0 && <Typography.Text>{t('myExams.sit.submitUnsent', { count: unsent })}</Typography.Text>}
          <Typography.Text type="secondary">{t('myExams.sit.submitAfter')}</Typography.Text>
        </Flex>
      </Modal>
      <Modal
        open={confirming === 'offline'}
        title={t('myExams.sit.submitOfflineTitle')}
        onOk={() => setConfirming(null)}
        onCancel={() => setConfirming(null)}
        cancelButtonProps={{ style: { display: 'none' } }}
        okText={t('myExams.sit.keepAnswering')}
        okButtonProps={{ 'data-testid': 'exam-submit-offline-ok' }}
      >
        <Typography.Paragraph data-testid="exam-submit-offline">
          {t('myExams.sit.submitOffline', { count: unsent })}
        </Typography.Paragraph>
      </Modal>
    </div>
  );
}
