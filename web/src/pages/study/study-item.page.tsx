import { ArrowLeftOutlined, ClockCircleOutlined, FilePdfOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Collapse, Flex, Modal, Progress, Space, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { type ItemState, type StudyReceipt, studySessionApi, studySessionKeys } from '../../api/study-session.api';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { useErrorMessage } from '../../lib/error-message';
import { formatDateTime } from '../../lib/format';
import { useIsPhone } from '../../lib/use-media-query';
import { type ClockState, StudyClock } from './study-clock';

const REASONS = ['counted', 'hidden', 'idle', 'presence', 'speed', 'seek', 'repeat'] as const;

/** "12 分 5 秒" / "12 min 5 s" */
export function durationText(seconds: number, t: (k: string, o?: Record<string, unknown>) => string): string {
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  return m > 0 ? t('studyPlayer.minSec', { m, s: s % 60 }) : t('studyPlayer.sec', { s });
}

/** A study session's receipt: the time the page was open, what counted, and why the rest did not. */
export function ReceiptView({ receipt }: { receipt: StudyReceipt }) {
  const { t } = useTranslation();
  const lost = REASONS.filter((r) => r !== 'counted' && receipt.wall[r] >= 1);
  return (
    <div data-testid="study-receipt">
      <Typography.Paragraph>
        {t('studyPlayer.receipt.summary', {
          wall: durationText(receipt.wallSeconds, t),
          counted: durationText(receipt.countedSeconds, t),
        })}
      </Typography.Paragraph>
      {lost.length > 0 ? (
        <ul className="study-receipt-reasons">
          {lost.map((r) => (
            <li key={r} data-testid={`receipt-${r}`}>
              {t(`studyPlayer.reasons.${r}`)}：{durationText(receipt.wall[r], t)}
            </li>
          ))}
        </ul>
      ) : (
        <Typography.Text type="secondary">{t('studyPlayer.receipt.allCounted')}</Typography.Text>
      )}
      {receipt.presenceChecks > 0 && (
        <Typography.Paragraph type="secondary">
          {t('studyPlayer.receipt.presence', { checks: receipt.presenceChecks, missed: receipt.presenceMissed })}
        </Typography.Paragraph>
      )}
    </div>
  );
}

/**
 * A teacher studies one item of an online class on a phone or a computer: a video, a PDF or a text page.
 * The page reports what it does in numbered heartbeats (study-clock.ts); the server counts the minutes
 * and gives a receipt. It resumes where the last session stopped, keeps the speed at the course's limit,
 * does not let the teacher skip what she has not watched, pauses when it is hidden, and asks
 * 还在学习吗？ when the server says a presence check is due.
 */
export default function StudyItemPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const isPhone = useIsPhone();
  const params = useParams();
  const classId = Number(params['classId']);
  const itemId = Number(params['itemId']);
  const qc = useQueryClient();
  const [started, setStarted] = useState<{ sessionId: number; period: number; state: ItemState } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [presence, setPresence] = useState<string | null>(null);
  const [receipt, setReceipt] = useState<StudyReceipt | null>(null);
  const [backlog, setBacklog] = useState(0);
  const [attempt, setAttempt] = useState(0);
  const video = useRef<HTMLVideoElement | null>(null);
  const clock = useRef<StudyClock | null>(null);
  /** the furthest point the page may reach without seeking ahead, and the last position played */
  const furthest = useRef(0);
  const lastPosition = useRef(0);
  /** reading clock of documents and text pages: seconds in front of the teacher */
  const reading = useRef({ seconds: 0, since: 0 });

  const start = useMutation({
    mutationFn: () => studySessionApi.start(classId, itemId),
    onSuccess: (r) => {
      furthest.current = r.state.furthest;
      lastPosition.current = r.state.resumeAt;
      setStarted({ sessionId: r.sessionId, period: r.heartbeatSeconds, state: r.state });
    },
    onError: setError,
  });
  const { mutate: begin } = start;
  // one session per opening of the page (and per retry)
  useEffect(() => {
    if (attempt >= 0) begin();
  }, [begin, attempt]);

  const kind = started?.state.kind;
  const studying = useCallback(() => document.visibilityState === 'visible' && document.hasFocus(), []);
  const read = useCallback((): ClockState => {
    const visible = document.visibilityState === 'visible';
    const focused = document.hasFocus();
    if (kind === 'video') {
      const v = video.current;
      return {
        position: v ? v.currentTime : lastPosition.current,
        rate: v ? v.playbackRate : 1,
        visible,
        focused,
        playing: Boolean(v && !v.paused && !v.ended),
      };
    }
    const r = reading.current;
    const now = performance.now();
    if (r.since > 0) r.seconds += (now - r.since) / 1000;
    r.since = visible && focused ? now : 0;
    return { position: r.seconds, rate: 1, visible, focused, playing: visible && focused };
  }, [kind]);

  // the clock runs while the page is open; leaving it sends the last heartbeat and ends the session
  useEffect(() => {
    if (!started) return;
    reading.current = { seconds: 0, since: studying() ? performance.now() : 0 };
    const c = new StudyClock({
      send: (body, keepalive) => studySessionApi.heartbeat(started.sessionId, body, keepalive),
      read,
      periodSeconds: started.period,
      onPresence: (nonce) => {
        // a check the last heartbeats bring after the session was ended asks nothing
        if (clock.current !== c) return;
        video.current?.pause();
        setPresence(nonce);
      },
      onEnded: () => setError(null),
      onBacklog: setBacklog,
    });
    clock.current = c;
    c.start();
    const changed = () => c.beat();
    const onHidden = () => {
      if (document.visibilityState !== 'visible') video.current?.pause();
      c.beat();
    };
    document.addEventListener('visibilitychange', onHidden);
    window.addEventListener('focus', changed);
    window.addEventListener('blur', changed);
    const leave = () => {
      c.stop(true);
      void studySessionApi.end(started.sessionId, true).catch(() => undefined);
    };
    window.addEventListener('pagehide', leave);
    return () => {
      document.removeEventListener('visibilitychange', onHidden);
      window.removeEventListener('focus', changed);
      window.removeEventListener('blur', changed);
      window.removeEventListener('pagehide', leave);
      if (clock.current === c) {
        leave();
        void qc.invalidateQueries({ queryKey: studySessionKeys.all });
      }
    };
  }, [started, read, studying, qc]);

  const answerPresence = () => {
    if (presence) clock.current?.beat({ presenceAnswer: presence });
    setPresence(null);
    void video.current?.play().catch(() => undefined);
  };

  const finish = useMutation({
    mutationFn: async () => {
      const c = clock.current;
      clock.current = null;
      c?.stop();
      await c?.flush();
      return studySessionApi.end(started!.sessionId);
    },
    onSuccess: (r) => {
      setReceipt(r);
      void qc.invalidateQueries({ queryKey: studySessionKeys.all });
    },
    onError: (e) => void message.error(errorText(e)),
  });

  const retry = () => {
    setError(null);
    setAttempt((a) => a + 1);
  };
  if (error) return <ErrorResult error={error} onRetry={retry} />;
  if (!started) return <SectionSpin />;
  const s = started.state;
  const required = s.requiredMinutes * 60;
  const percent = required > 0 ? Math.min(100, Math.floor((s.countedSeconds / required) * 100)) : 100;

  const onVideoEvent = (e: React.SyntheticEvent<HTMLVideoElement>) => {
    const v = e.currentTarget;
    const c = clock.current;
    switch (e.type) {
      case 'loadedmetadata':
        if (s.resumeAt > 0 && s.resumeAt < v.duration - 1) v.currentTime = s.resumeAt;
        lastPosition.current = v.currentTime;
        c?.beat({ nextFrom: v.currentTime });
        break;
      case 'timeupdate':
        if (!v.seeking) {
          lastPosition.current = v.currentTime;
          if (!v.paused) furthest.current = Math.max(furthest.current, v.currentTime);
        }
        break;
      case 'seeking':
        if (!s.rule.allowSeek && v.currentTime > furthest.current + 2) {
          v.currentTime = furthest.current;
          void message.warning(t('studyPlayer.noSkip'));
        }
        // the interval ends where the teacher was; the next begins where she went
        c?.beat({ to: lastPosition.current, nextFrom: v.currentTime });
        lastPosition.current = v.currentTime;
        break;
      case 'ratechange':
        if (v.playbackRate > s.rule.maxSpeed + 1e-6) {
          v.playbackRate = s.rule.maxSpeed;
          void message.warning(t('studyPlayer.tooFast', { speed: s.rule.maxSpeed }));
        }
        c?.beat();
        break;
      default:
        c?.beat();
    }
  };

  return (
    <Card
      size={isPhone ? 'small' : 'default'}
      title={
        <Space>
          <Link to={`/me/study/${classId}`} aria-label={t('studyPlayer.back')}>
            <ArrowLeftOutlined />
          </Link>
          <span data-testid="study-item-title">{s.itemTitle}</span>
        </Space>
      }
    >
      <Flex vertical gap={12}>
        <div data-testid="study-progress">
          <Typography.Text>
            <ClockCircleOutlined />{' '}
            {t('studyPlayer.progress', {
              counted: Math.floor(s.countedSeconds / 60),
              required: s.requiredMinutes,
            })}
          </Typography.Text>
          <Progress percent={percent} size="small" />
        </div>
        {backlog > 0 && <Alert type="warning" showIcon message={t('studyPlayer.backlog', { n: backlog })} />}
        {s.kind === 'video' && s.fileId !== null && (
          // biome-ignore lint/a11y/useMediaCaption: course videos are uploaded without caption tracks
          <video
            ref={video}
            data-testid="study-video"
            src={`/api/study-files/${s.fileId}`}
            controls
            playsInline
            preload="metadata"
            controlsList="nodownload noplaybackrate"
            style={{ width: '100%', maxHeight: '60vh', background: '#000' }}
            onLoadedMetadata={onVideoEvent}
            onTimeUpdate={onVideoEvent}
            onSeeking={onVideoEvent}
            onRateChange={onVideoEvent}
            onPlay={onVideoEvent}
            onPause={onVideoEvent}
            onEnded={onVideoEvent}
          />
        )}
        {s.kind === 'video' && (
          <Typography.Text type="secondary">
            {t('studyPlayer.rules', { speed: s.rule.maxSpeed })}
            {s.rule.allowSeek ? '' : t('studyPlayer.rulesNoSkip')}
          </Typography.Text>
        )}
        {s.kind === 'document' && s.fileId !== null && (
          <>
            <iframe
              title={s.itemTitle}
              src={`/api/study-files/${s.fileId}`}
              style={{ width: '100%', height: isPhone ? '70vh' : '75vh', border: '1px solid #eee' }}
            />
            <a href={`/api/study-files/${s.fileId}`} target="_blank" rel="noopener">
              <FilePdfOutlined /> {t('studyPlayer.openPdf')}
            </a>
          </>
        )}
        {s.kind === 'text' && (
          <Typography.Paragraph data-testid="study-text" style={{ whiteSpace: 'pre-wrap', fontSize: 16 }}>
            {s.body}
          </Typography.Paragraph>
        )}
        <Typography.Text type="secondary">{t('studyPlayer.howCounted')}</Typography.Text>
        <Button
          type="primary"
          block={isPhone}
          loading={finish.isPending}
          onClick={() => finish.mutate()}
          data-testid="study-finish"
          disabled={receipt !== null}
        >
          {t('studyPlayer.finish')}
        </Button>
        {s.sessions.length > 0 && (
          <Collapse
            size="small"
            items={[
              {
                key: 'history',
                label: t('studyPlayer.history', { n: s.sessions.length }),
                children: (
                  <Flex vertical gap={12}>
                    {s.sessions.map((r) => (
                      <div key={r.sessionId}>
                        <Typography.Text strong>{formatDateTime(r.startedAt)}</Typography.Text>
                        <ReceiptView receipt={r} />
                      </div>
                    ))}
                  </Flex>
                ),
              },
            ]}
          />
        )}
      </Flex>
      <Modal
        open={presence !== null}
        closable={false}
        maskClosable={false}
        title={t('studyPlayer.presence.title')}
        footer={
          <Button type="primary" block onClick={answerPresence} data-testid="presence-answer">
            {t('studyPlayer.presence.answer')}
          </Button>
        }
      >
        <Typography.Paragraph>{t('studyPlayer.presence.body')}</Typography.Paragraph>
      </Modal>
      <Modal
        open={receipt !== null}
        title={t('studyPlayer.receipt.title')}
        onCancel={() => setReceipt(null)}
        footer={
          <Link to={`/me/study/${classId}`}>
            <Button type="primary">{t('studyPlayer.backToCourse')}</Button>
          </Link>
        }
      >
        {receipt && <ReceiptView receipt={receipt} />}
      </Modal>
    </Card>
  );
}
