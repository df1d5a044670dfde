import {
  EyeInvisibleOutlined,
  EyeOutlined,
  LockOutlined,
  PushpinOutlined,
  UnlockOutlined,
  WarningOutlined,
} from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Empty,
  Flex,
  Input,
  List,
  Modal,
  Pagination,
  Select,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import {
  forumApi,
  forumKeys,
  REPORT_STATUSES,
  type ForumPost,
  type ForumReport,
  type ForumRule,
  type ForumViewer,
  type ReportStatus,
} from '../../api/forum.api';
import { ListFilter, ListTable, useLocalPaging, useListQuery } from '../../components/list-page';
import { ReasonModal } from '../../components/reason-modal';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { useErrorMessage } from '../../lib/error-message';
import { formatDateTime } from '../../lib/format';
import { countedChars } from '../../../../src/domain/online-course';
import { Paragraphs } from './study-labels';

export type ForumBase = '/me/study' | '/study/classes';

const POST_MAX = 20_000;

/**
 * The text box of a post with its live count in Chinese characters (letters and digits count,
 * punctuation and spaces do not) against the course's minimum, and whether the post will count.
 */
export function PostComposer({
  rule,
  value,
  onChange,
  placeholder,
  rows = 4,
  testId,
}: {
  rule: ForumRule;
  value: string;
  onChange: (v: string) => void;
  placeholder: string;
  rows?: number;
  testId: string;
}) {
  const { t } = useTranslation();
  const chars = countedChars(value);
  const short = Math.max(0, rule.minPostChars - chars);
  return (
    <Flex vertical gap={4}>
      <Input.TextArea
        rows={rows}
        value={value}
        maxLength={POST_MAX}
        placeholder={placeholder}
        onChange={(e) => onChange(e.target.value)}
        data-testid={testId}
      />
      <Flex justify="space-between" wrap gap={4}>
        <Typography.Text type="secondary" data-testid={`${testId}-count`} data-chars={chars}>
          {t('study.forum.charCount', { chars, min: rule.minPostChars })}
        </Typography.Text>
        {value.trim() &&
          (short === 0 ? (
            <Tag color="green" data-testid={`${testId}-counts`}>
              {t('study.forum.willCount')}
            </Tag>
          ) : (
            <Tag color="orange" data-testid={`${testId}-short`}>
              {t('study.forum.shortBy', { n: short })}
            </Tag>
          ))}
      </Flex>
    </Flex>
  );
}

/** Why a post does not count, for its author and the moderators. */
function CountTag({ post }: { post: ForumPost }) {
  const { t } = useTranslation();
  if (post.counts === null) return null;
  return post.counts ? (
    <Tag color="green" data-testid="post-counts">
      {t('study.forum.counts')}
    </Tag>
  ) : (
    <Tag color="orange" data-testid="post-not-counted" data-why={post.whyNot ?? ''}>
      {t(`study.forum.whyNot.${post.whyNot ?? 'too_short'}`)}
    </Tag>
  );
}

/** The topics of the class, pinned first, and a new topic. */
export function TopicsView({ classId, base }: { classId: number; base: ForumBase }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const qc = useQueryClient();
  const [page, setPage] = useState(1);
  const [writing, setWriting] = useState(false);
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const q = useQuery({ queryKey: forumKeys.topics(classId, page), queryFn: () => forumApi.topics(classId, page) });
  const create = useMutation({
    mutationFn: () => forumApi.createTopic(classId, { title, body }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: forumKeys.all });
      setWriting(false);
      setTitle('');
      setBody('');
      void message.success(t('study.forum.posted'));
    },
    onError: (err) => message.error(errorText(err)),
  });
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <SectionSpin />;
  const d = q.data;
  return (
    <Card
      size="small"
      title={t('study.forum.topics')}
      extra={
        d.class.status === 'open' && (
          <Button type="primary" size="small" onClick={() => setWriting(true)} data-testid="topic-new">
            {t('study.forum.newTopic')}
          </Button>
        )
      }
      data-testid="forum-topics"
    >
      {d.counted !== null && (
        <Alert
          type={d.counted >= d.rule.postsRequired ? 'success' : 'info'}
          showIcon
          style={{ marginBottom: 12 }}
          title={t('study.forum.myCounted', {
            counted: d.counted,
            required: d.rule.postsRequired,
            min: d.rule.minPostChars,
          })}
          data-testid="forum-my-counted"
        />
      )}
      {d.items.length === 0 ? (
        <Empty description={t('study.forum.noTopics')} />
      ) : (
        <List
          dataSource={d.items}
          renderItem={(topic) => (
            <List.Item data-testid="forum-topic">
              <Flex vertical gap={2} style={{ width: '100%', minWidth: 0 }}>
                <Link to={`${base}/${classId}/forum/${topic.id}`} data-testid="forum-topic-link">
                  {topic.pinned && <PushpinOutlined style={{ marginInlineEnd: 4 }} />}
                  {topic.locked && <LockOutlined style={{ marginInlineEnd: 4 }} />}
                  <Typography.Text strong style={{ overflowWrap: 'anywhere' }}>
                    {topic.title}
                  </Typography.Text>
                </Link>
                <Typography.Text type="secondary" className="small-text">
                  {topic.authorName} · {t('study.forum.replies', { count: topic.replies })} ·{' '}
                  {formatDateTime(topic.lastPostAt)}
                </Typography.Text>
              </Flex>
            </List.Item>
          )}
        />
      )}
      {d.total > 20 && (
        <Pagination simple current={page} pageSize={20} total={d.total} onChange={setPage} style={{ marginTop: 12 }} />
      )}
      <Modal
        open={writing}
        title={t('study.forum.newTopic')}
        onCancel={() => setWriting(false)}
        onOk={() => create.mutate()}
        okText={t('study.forum.post')}
        okButtonProps={{ disabled: !title.trim() || !body.trim(), 'data-testid': 'topic-post' }}
        confirmLoading={create.isPending}
        destroyOnHidden
      >
        <Flex vertical gap={12}>
          <Input
            value={title}
            maxLength={100}
            placeholder={t('study.forum.titlePlaceholder')}
            onChange={(e) => setTitle(e.target.value)}
            data-testid="topic-title"
          />
          <PostComposer
            rule={d.rule}
            value={body}
            onChange={setBody}
            rows={6}
            placeholder={t('study.forum.bodyPlaceholder')}
            testId="topic-body"
          />
        </Flex>
      </Modal>
    </Card>
  );
}

/** One post with what its reader may do: report it, or (a moderator) hide or show it again. */
function PostItem({
  post,
  viewer,
  onReport,
  onHide,
  onUnhide,
}: {
  post: ForumPost;
  viewer: ForumViewer;
  onReport: () => void;
  onHide: () => void;
  onUnhide: () => void;
}) {
  const { t } = useTranslation();
  return (
    <List.Item data-testid="forum-post" data-post={post.id}>
      <Flex vertical gap={4} style={{ width: '100%', minWidth: 0 }}>
        <Flex justify="space-between" wrap gap={4}>
          <Typography.Text strong>
            {post.authorName}
            {post.orgUnitName && <Typography.Text type="secondary"> · {post.orgUnitName}</Typography.Text>}
            {post.authorKind === 'tutor' ? (
              <Tag color="blue" style={{ marginInlineStart: 6 }}>
                {t('study.forum.tutorTag')}
              </Tag>
            ) : (
              post.authorModerates && (
                <Tag color="cyan" style={{ marginInlineStart: 6 }}>
                  {t('study.forum.moderatorTag')}
                </Tag>
              )
            )}
          </Typography.Text>
          <Typography.Text type="secondary" className="small-text">
            {formatDateTime(post.createdAt)}
          </Typography.Text>
        </Flex>
        {post.hidden && (
          <Alert
            type="warning"
            showIcon
            icon={<EyeInvisibleOutlined />}
            title={
              post.hiddenReason
                ? t('study.forum.hiddenBecause', { reason: post.hiddenReason })
                : t('study.forum.hiddenNote')
            }
            data-testid="post-hidden"
          />
        )}
        {post.body !== null && <Paragraphs text={post.body} testId="post-body" />}
        <Flex justify="space-between" align="center" wrap gap={4}>
          <Space size={4}>
            <CountTag post={post} />
            {post.counts !== null && (
              <Typography.Text type="secondary" className="small-text">
                {t('study.forum.charsOf', { chars: post.chars })}
              </Typography.Text>
            )}
          </Space>
          <Space size={0}>
            {!post.mine && !post.hidden && (
              <Button type="link" size="small" icon={<WarningOutlined />} onClick={onReport} data-testid="post-report">
                {t('study.forum.report')}
              </Button>
            )}
            {viewer.moderator &&
              (post.hidden ? (
                <Button type="link" size="small" icon={<EyeOutlined />} onClick={onUnhide} data-testid="post-unhide">
                  {t('study.forum.unhide')}
                </Button>
              ) : (
                <Button
                  type="link"
                  size="small"
                  danger
                  icon={<EyeInvisibleOutlined />}
                  onClick={onHide}
                  data-testid="post-hide"
                >
                  {t('study.forum.hide')}
                </Button>
              ))}
          </Space>
        </Flex>
      </Flex>
    </List.Item>
  );
}

/** A topic with its posts, the reply box (none while locked), and the moderators' pin and lock. */
export function TopicView({ topicId, classId, base }: { topicId: number; classId: number; base: ForumBase }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const qc = useQueryClient();
  const [page, setPage] = useState(1);
  const [reply, setReply] = useState('');
  const [reporting, setReporting] = useState<number | null>(null);
  const [hiding, setHiding] = useState<number | null>(null);
  const q = useQuery({ queryKey: forumKeys.topic(topicId, page), queryFn: () => forumApi.topic(topicId, page) });
  const refresh = () => void qc.invalidateQueries({ queryKey: forumKeys.all });
  const send = useMutation({
    mutationFn: () => forumApi.reply(topicId, reply),
    onSuccess: (r) => {
      refresh();
      setReply('');
      void message.success(r.post.counts ? t('study.forum.postedCounts') : t('study.forum.posted'));
    },
    onError: (err) => message.error(errorText(err)),
  });
  const flags = useMutation({
    mutationFn: (f: { pinned?: boolean; locked?: boolean }) => forumApi.setFlags(topicId, f),
    onSuccess: refresh,
    onError: (err) => message.error(errorText(err)),
  });
  const unhide = useMutation({
    mutationFn: (postId: number) => forumApi.unhide(postId),
    onSuccess: refresh,
    onError: (err) => message.error(errorText(err)),
  });
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <SectionSpin />;
  const d = q.data;
  const canReply = !d.topic.locked && d.class.status === 'open';
  return (
    <Card
      size="small"
      title={
        <Typography.Text strong style={{ whiteSpace: 'normal' }} data-testid="topic-title-shown">
          {d.topic.pinned && <PushpinOutlined style={{ marginInlineEnd: 4 }} />}
          {d.topic.locked && <LockOutlined style={{ marginInlineEnd: 4 }} />}
          {d.topic.title}
        </Typography.Text>
      }
      extra={<Link to={`${base}/${classId}/forum`}>{t('study.forum.backToTopics')}</Link>}
      data-testid="forum-topic-view"
    >
      {d.viewer.moderator && (
        <Space wrap style={{ marginBottom: 8 }}>
          <Button
            size="small"
            icon={<PushpinOutlined />}
            onClick={() => flags.mutate({ pinned: !d.topic.pinned })}
            data-testid="topic-pin"
          >
            {d.topic.pinned ? t('study.forum.unpin') : t('study.forum.pin')}
          </Button>
          <Button
            size="small"
            icon={d.topic.locked ? <UnlockOutlined /> : <LockOutlined />}
            onClick={() => flags.mutate({ locked: !d.topic.locked })}
            data-testid="topic-lock"
          >
            {d.topic.locked ? t('study.forum.unlock') : t('study.forum.lock')}
          </Button>
        </Space>
      )}
      <List
        dataSource={d.posts}
        renderItem={(post) => (
          <PostItem
            post={post}
            viewer={d.viewer}
            onReport={() => setReporting(post.id)}
            onHide={() => setHiding(post.id)}
            onUnhide={() => unhide.mutate(post.id)}
          />
        )}
      />
      {d.total > 50 && (
        <Pagination
          simple
          current={page}
          pageSize={50}
          total={d.total}
          onChange={setPage}
          style={{ margin: '12px 0' }}
        />
      )}
      {canReply ? (
        <Flex vertical gap={8} style={{ marginTop: 12 }}>
          <PostComposer
            rule={d.rule}
            value={reply}
            onChange={setReply}
            placeholder={t('study.forum.replyPlaceholder')}
            testId="reply-body"
          />
          <Button
            type="primary"
            block
            loading={send.isPending}
            disabled={!reply.trim()}
            onClick={() => send.mutate()}
            data-testid="reply-send"
          >
            {t('study.forum.reply')}
          </Button>
        </Flex>
      ) : (
        <Alert
          type="info"
          showIcon
          icon={<LockOutlined />}
          title={d.topic.locked ? t('study.forum.lockedNote') : t('study.classClosed')}
          data-testid="topic-locked"
        />
      )}
      <ReasonModal
        open={reporting !== null}
        title={t('study.forum.reportTitle')}
        label={t('study.forum.reportReason')}
        okText={t('study.forum.report')}
        onSubmit={(text) =>
          forumApi.report(reporting!, text ?? '').then(() => {
            void message.success(t('study.forum.reported'));
          })
        }
        onClose={() => setReporting(null)}
        data-testid="report-modal"
      />
      <ReasonModal
        open={hiding !== null}
        title={t('study.forum.hideTitle')}
        label={t('study.forum.hideReason')}
        description={t('study.forum.hideHint')}
        okText={t('study.forum.hide')}
        danger
        onSubmit={(text) => forumApi.hide(hiding!, text ?? '').then(refresh)}
        onClose={() => setHiding(null)}
        data-testid="hide-modal"
      />
    </Card>
  );
}

/** The moderators' queue of reports: dismiss, or hide the post with the answer as the reason. */
export function ReportsView({ classId, base }: { classId: number; base: ForumBase }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [status, setStatus] = useState<ReportStatus | undefined>('open');
  const { paging, reset } = useLocalPaging(20);
  const [answering, setAnswering] = useState<{ report: ForumReport; decision: 'dismiss' | 'hide' } | null>(null);
  const list = useListQuery(forumKeys.reports(classId, status, paging.page), () =>
    forumApi.reports(classId, status, paging.page),
  );
  return (
    <Card
      size="small"
      title={t('study.forum.reports')}
      extra={
        <ListFilter
          size="small"
          width={120}
          value={status}
          values={REPORT_STATUSES}
          label={(s) => t(`study.forum.reportStatus.${s}`)}
          placeholder={t('study.forum.reportStatusAll')}
          onChange={(v) => {
            setStatus(v);
            reset();
          }}
        />
      }
      data-testid="forum-reports"
    >
      <ListTable<ForumReport>
        rowKey="id"
        size="small"
        list={list}
        paging={paging}
        empty={t('study.forum.noReports')}
        columns={[
          {
            title: t('study.forum.reportedPost'),
            render: (_, r) => (
              <Space direction="vertical" size={0} style={{ maxWidth: 360 }}>
                <Link to={`${base}/${classId}/forum/${r.topicId}`}>{r.topicTitle}</Link>
                <Typography.Text type="secondary" ellipsis>
                  {r.postAuthorName}：{r.postExcerpt}
                </Typography.Text>
              </Space>
            ),
          },
          { title: t('study.forum.reportReason'), dataIndex: 'reason' },
          { title: t('study.forum.reporter'), dataIndex: 'reporterName', responsive: ['md'] },
          {
            title: t('study.forum.reportStatusLabel'),
            render: (_, r) => (
              <Space direction="vertical" size={0}>
                <Tag color={r.status === 'open' ? 'orange' : r.status === 'hidden' ? 'red' : 'default'}>
                  {t(`study.forum.reportStatus.${r.status}`)}
                </Tag>
                {r.answer && <Typography.Text type="secondary">{r.answer}</Typography.Text>}
              </Space>
            ),
          },
          {
            title: '',
            render: (_, r) =>
              r.status === 'open' && (
                <Space wrap>
                  <Button
                    size="small"
                    onClick={() => setAnswering({ report: r, decision: 'dismiss' })}
                    data-testid="report-dismiss"
                  >
                    {t('study.forum.dismiss')}
                  </Button>
                  <Button
                    size="small"
                    danger
                    onClick={() => setAnswering({ report: r, decision: 'hide' })}
                    data-testid="report-hide"
                  >
                    {t('study.forum.hidePost')}
                  </Button>
                </Space>
              ),
          },
        ]}
      />
      <ReasonModal
        open={answering !== null}
        title={answering?.decision === 'hide' ? t('study.forum.hideTitle') : t('study.forum.dismissTitle')}
        label={answering?.decision === 'hide' ? t('study.forum.hideReason') : t('study.forum.answer')}
        description={answering?.decision === 'hide' ? t('study.forum.hideHint') : undefined}
        required={answering?.decision === 'hide'}
        danger={answering?.decision === 'hide'}
        okText={answering?.decision === 'hide' ? t('study.forum.hidePost') : t('study.forum.dismiss')}
        onSubmit={(text) =>
          forumApi
            .answer(
              answering!.report.id,
              answering!.decision === 'hide'
                ? { decision: 'hide', answer: text ?? '' }
                : { decision: 'dismiss', answer: text },
            )
            .then(() => {
              void qc.invalidateQueries({ queryKey: forumKeys.all });
              void message.success(t('study.forum.answered'));
            })
        }
        onClose={() => setAnswering(null)}
        data-testid="answer-modal"
      />
    </Card>
  );
}

/** The teachers chosen as moderators beside the tutors: picked among the class by name. */
export function ModeratorsCard({ classId }: { classId: number }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const qc = useQueryClient();
  const [q, setQ] = useState('');
  const [picked, setPicked] = useState<number[] | null>(null);
  const data = useQuery({ queryKey: forumKeys.moderators(classId, q), queryFn: () => forumApi.moderators(classId, q) });
  const save = useMutation({
    mutationFn: (ids: number[]) => forumApi.setModerators(classId, ids),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: forumKeys.all });
      setPicked(null);
      void message.success(t('study.forum.moderatorsSaved'));
    },
    onError: (err) => message.error(errorText(err)),
  });
  if (data.isError) return <ErrorResult error={data.error} onRetry={() => void data.refetch()} />;
  const current = data.data?.moderators ?? [];
  const options = [...current, ...(data.data?.candidates ?? [])]
    .filter((x, i, all) => all.findIndex((y) => y.teacherId === x.teacherId) === i)
    .map((m) => ({ value: m.teacherId, label: `${m.name}（${m.orgUnitName}）` }));
  return (
    <Card size="small" title={t('study.forum.moderators')} data-testid="forum-moderators">
      <Typography.Paragraph type="secondary">{t('study.forum.moderatorsHint')}</Typography.Paragraph>
      <Space wrap style={{ width: '100%' }}>
        <Select
          mode="multiple"
          style={{ minWidth: 280 }}
          value={picked ?? current.map((m) => m.teacherId)}
          onChange={setPicked}
          onSearch={setQ}
          filterOption={false}
          showSearch
          options={options}
          loading={data.isFetching}
          placeholder={t('study.forum.moderatorsPick')}
          data-testid="moderators-select"
        />
        <Button
          type="primary"
          disabled={picked === null}
          loading={save.isPending}
          onClick={() => picked && save.mutate(picked)}
          data-testid="moderators-save"
        >
          {t('common.save')}
        </Button>
      </Space>
    </Card>
  );
}
