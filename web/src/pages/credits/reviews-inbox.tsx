import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Empty, Flex, Segmented, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { creditsApi, type ReviewQuery } from '../../api/credits.api';
import { queryKeys } from '../../api/query-keys';
import type { CreditReview, ReviewStatus } from '../../api/types';
import { ReviewStatusTag } from '../../components/credit-labels';
import { ErrorResult } from '../../components/page-states';
import { ReasonModal } from '../../components/reason-modal';
import { formatDateTime } from '../../lib/format';

const PAGE_SIZE = 50;

/** Teachers' requests for a human review of their numbers (PIPL Art. 24), answered by the school. */
export function ReviewsInbox({ orgUnitId }: { orgUnitId: number }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<ReviewStatus | 'all'>('open');
  const [page, setPage] = useState(1);
  const [answering, setAnswering] = useState<CreditReview | null>(null);
  const query: ReviewQuery = { orgUnitId, status: status === 'all' ? undefined : status, page, pageSize: PAGE_SIZE };
  const list = useQuery({
    queryKey: queryKeys.creditReviews(query),
    queryFn: () => creditsApi.reviews(query),
    placeholderData: keepPreviousData,
  });
  const items = list.data?.items ?? [];

  const columns: TableColumnsType<CreditReview> = [
    { title: t('creditRegister.reviews.asked'), dataIndex: 'createdAt', render: formatDateTime, width: 150 },
    { title: t('creditRegister.list.teacher'), dataIndex: 'teacherName' },
    { title: t('teachers.fields.school'), dataIndex: 'orgUnitName', responsive: ['lg'] },
    {
      title: t('creditRegister.reviews.request'),
      key: 'request',
      render: (_, r) => (
        <Flex vertical className="review-cell">
          <Typography.Text strong>{r.topic}</Typography.Text>
          <Typography.Text className="wrap-anywhere">{r.message}</Typography.Text>
          {r.answer && (
            <Typography.Text type="success" className="wrap-anywhere">
              {t('creditRegister.reviews.answerValue', { answer: r.answer, name: r.answeredByName ?? '—', at: formatDateTime(r.answeredAt) })}
            </Typography.Text>
          )}
        </Flex>
      ),
    },
    { title: t('creditRegister.reviews.status'), dataIndex: 'status', render: (s: ReviewStatus) => <ReviewStatusTag status={s} /> },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, r) =>
        r.status === 'open' ? (
          <Button size="small" type="primary" onClick={() => setAnswering(r)} data-testid="review-answer">
            {t('creditRegister.reviews.answer')}
          </Button>
        ) : null,
    },
  ];

  return (
    <>
      <div className="toolbar">
        <Segmented<ReviewStatus | 'all'>
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(1);
          }}
          options={[
            { value: 'open', label: t('credits.reviewStatuses.open') },
            { value: 'answered', label: t('credits.reviewStatuses.answered') },
            { value: 'all', label: t('creditRegister.reviews.all') },
          ]}
        />
      </div>
      <Table<CreditReview>
        rowKey="id"
        columns={columns}
        dataSource={items}
        loading={list.isFetching}
        scroll={{ x: 'max-content' }}
        data-testid="reviews-table"
        locale={{
          emptyText: list.isError ? (
            <ErrorResult error={list.error} onRetry={() => void list.refetch()} />
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('creditRegister.reviews.empty')} />
          ),
        }}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: (page - 1) * PAGE_SIZE + items.length + (items.length === PAGE_SIZE ? 1 : 0),
          simple: true,
          onChange: setPage,
        }}
      />
      <ReasonModal
        open={answering !== null}
        title={t('creditRegister.reviews.answerTitle', { name: answering?.teacherName ?? '' })}
        description={
          answering && (
            <Typography.Paragraph>
              <Typography.Text strong>{answering.topic}</Typography.Text>
              <br />
              <span className="wrap-anywhere">{answering.message}</span>
            </Typography.Paragraph>
          )
        }
        label={t('creditRegister.reviews.answerLabel')}
        maxLength={1000}
        okText={t('creditRegister.reviews.answerOk')}
        onClose={() => setAnswering(null)}
        onSubmit={async (answer) => {
          await creditsApi.answerReview(answering!.id, answer ?? '');
          message.success(t('creditRegister.reviews.answered'));
          void queryClient.invalidateQueries({ queryKey: queryKeys.credits });
        }}
        data-testid="answer-modal"
      />
    </>
  );
}
