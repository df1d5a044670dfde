import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Segmented, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { creditsApi, type ReviewQuery } from '../../api/credits.api';
import { queryKeys } from '../../api/query-keys';
import type { CreditReview, ReviewStatus } from '../../api/types';
import { ReviewStatusTag } from '../../components/credit-labels';
import { ListTable, ListToolbar, useListQuery, useLocalPaging } from '../../components/list-page';
import { ReasonModal } from '../../components/reason-modal';
import { formatDateTime } from '../../lib/format';

const PAGE_SIZE = 50;

/** Teachers' requests for a human review of their numbers (PIPL Art. 24), answered by the school. */
export function ReviewsInbox({ orgUnitId }: { orgUnitId: number }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<ReviewStatus | 'all'>('open');
  const { paging, reset } = useLocalPaging(PAGE_SIZE, { openEnded: true });
  const [answering, setAnswering] = useState<CreditReview | null>(null);
  const query: ReviewQuery = {
    orgUnitId,
    status: status === 'all' ? undefined : status,
    page: paging.page,
    pageSize: paging.pageSize,
  };
  const list = useListQuery(queryKeys.creditReviews(query), () => creditsApi.reviews(query));

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
              {t('creditRegister.reviews.answerValue', {
                answer: r.answer,
                name: r.answeredByName ?? '—',
                at: formatDateTime(r.answeredAt),
              })}
            </Typography.Text>
          )}
        </Flex>
      ),
    },
    {
      title: t('creditRegister.reviews.status'),
      dataIndex: 'status',
      render: (s: ReviewStatus) => <ReviewStatusTag status={s} />,
    },
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
      <ListToolbar>
        <Segmented<ReviewStatus | 'all'>
          value={status}
          onChange={(v) => {
            setStatus(v);
            reset();
          }}
          options={[
            { value: 'open', label: t('credits.reviewStatuses.open') },
            { value: 'answered', label: t('credits.reviewStatuses.answered') },
            { value: 'all', label: t('creditRegister.reviews.all') },
          ]}
        />
      </ListToolbar>
      <ListTable<CreditReview>
        rowKey="id"
        columns={columns}
        list={list}
        paging={paging}
        empty={t('creditRegister.reviews.empty')}
        data-testid="reviews-table"
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
          void message.success(t('creditRegister.reviews.answered'));
          void queryClient.invalidateQueries({ queryKey: queryKeys.credits });
        }}
        data-testid="answer-modal"
      />
    </>
  );
}
