import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Empty,
  Form,
  Input,
  List,
  Modal,
  Select,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import {
  type Objection,
  type PublicityDetail,
  type PublicityItem,
  programmeKeys,
  publicityApi,
} from '../../api/programmes.api';
import { DownloadButton } from '../../components/download-button';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { ReasonModal } from '../../components/reason-modal';
import { useErrorMessage } from '../../lib/error-message';
import { formatDateTime } from '../../lib/format';
import { PHASE_COLOR, STATUS_COLOR } from './publicity-labels';
import { ScorecardView, objectionSteps } from './scorecard';

const OBJECTION_COLOR: Record<Objection['status'], string> = {
  open: 'processing',
  upheld: 'error',
  dismissed: 'default',
};

/** The objection form: the step of the line's calculation it points at, and the reason. */
function ObjectionModal({
  detail,
  item,
  onClose,
}: {
  detail: PublicityDetail;
  item: PublicityItem;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ step?: string; body: string }>();
  const send = useMutation({
    mutationFn: (v: { step?: string; body: string }) =>
      publicityApi.object(detail.list.id, { itemId: item.id, step: v.step ?? null, body: v.body }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: programmeKeys.publicity });
      onClose();
    },
  });
  return (
    <Modal
      open
      title={t('publicity.object.title', { item: item.title })}
      okText={t('publicity.object.submit')}
      okButtonProps={{ 'data-testid': 'objection-submit' } as Record<`data-${string}`, string>}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={send.isPending}
    >
      <Typography.Paragraph type="secondary">{t('publicity.object.hint')}</Typography.Paragraph>
      {send.isError && <Alert type="error" showIcon title={errorText(send.error)} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" onFinish={(v) => send.mutate(v)}>
        <Form.Item name="step" label={t('publicity.object.step')}>
          <Select
            allowClear
            placeholder={t('publicity.object.stepPlaceholder')}
            options={objectionSteps(item.scorecard, t).map((s) => ({ value: s, label: s }))}
            data-testid="objection-step"
          />
        </Form.Item>
        <Form.Item
          name="body"
          label={t('publicity.object.body')}
          rules={[{ required: true, whitespace: true, message: t('publicity.object.bodyRequired') }]}
        >
          <Input.TextArea rows={4} maxLength={2000} showCount data-testid="objection-body" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** A public notice (公示): its lines with their scorecards, objections and the organiser's steps. */
export default function PublicityPage() {
  const { t } = useTranslation();
  const id = Number(useParams().id);
  const { modal, message } = App.useApp();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const [objecting, setObjecting] = useState<PublicityItem | null>(null);
  const [answering, setAnswering] = useState<{ o: Objection; decision: 'upheld' | 'dismissed' } | null>(null);
  const [withdrawing, setWithdrawing] = useState(false);
  const q = useQuery({ queryKey: programmeKeys.publicityDetail(id), queryFn: () => publicityApi.get(id) });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: programmeKeys.publicity });
  const finalise = useMutation({
    mutationFn: () => publicityApi.finalise(id),
    onSuccess: () => {
      refresh();
      void message.success(t('publicity.finalised'));
    },
    onError: (err) => void message.error(errorText(err)),
  });

  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <SectionSpin />;
  const d = q.data;
  const { list } = d;
  const itemTitle = (itemId: number) => d.items.find((i) => i.id === itemId)?.title ?? '';

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="publicity-page">
      <Card>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {list.title}
        </Typography.Title>
        <Space wrap style={{ marginBottom: 12 }}>
          {list.status === 'open' ? (
            <Tag color={PHASE_COLOR[list.phase]} data-testid="publicity-status">
              {t(`publicity.phases.${list.phase}`)}
            </Tag>
          ) : (
            <Tag color={STATUS_COLOR[list.status]} data-testid="publicity-status">
              {t(`publicity.statuses.${list.status}`)}
            </Tag>
          )}
          <DownloadButton
            file={() => publicityApi.file(id, 'pdf')}
            fileName={`${list.title}.pdf`}
            data-testid="publicity-pdf"
          >
            {t('publicity.printPdf')}
          </DownloadButton>
          <DownloadButton
            file={() => publicityApi.file(id, 'xlsx')}
            fileName={`${list.title}.xlsx`}
            data-testid="publicity-xlsx"
          >
            {t('publicity.exportXlsx')}
          </DownloadButton>
          {list.manage && list.status === 'open' && (
            <>
              <Button
                type="primary"
                disabled={!d.canFinalise}
                loading={finalise.isPending}
                data-testid="publicity-finalise"
                onClick={() =>
                  modal.confirm({
                    title: t('publicity.finaliseConfirm.title'),
                    content: t('publicity.finaliseConfirm.content', {
                      kept: d.items.filter((i) => !i.removed).length,
                      removed: d.items.filter((i) => i.removed).length,
                    }),
                    okText: t('publicity.finalise'),
                    cancelText: t('common.cancel'),
                    onOk: () => finalise.mutateAsync(),
                  })
                }
              >
                {t('publicity.finalise')}
              </Button>
              <Button danger onClick={() => setWithdrawing(true)} data-testid="publicity-withdraw">
                {t('publicity.withdraw')}
              </Button>
            </>
          )}
        </Space>
        {list.manage && list.status === 'open' && !d.canFinalise && (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 12 }}
            title={
              list.phase === 'ended' ? t('publicity.waitObjections') : t('publicity.waitPeriod', { day: list.endsOn })
            }
          />
        )}
        <Descriptions size="small" column={{ xs: 1, sm: 2 }} bordered>
          <Descriptions.Item label={t('publicity.organiser')}>{list.orgUnitName}</Descriptions.Item>
          <Descriptions.Item label={t('publicity.scope')}>{list.scopeName}</Descriptions.Item>
          <Descriptions.Item label={t('publicity.period')}>
            {t('publicity.periodLine', { from: list.startsOn, to: list.endsOn })}
          </Descriptions.Item>
          <Descriptions.Item label={t('publicity.kind')}>{t(`publicity.kinds.${list.kind}`)}</Descriptions.Item>
          {list.withdrawnReason && (
            <Descriptions.Item label={t('publicity.withdrawnReason')} span={2}>
              {list.withdrawnReason}
            </Descriptions.Item>
          )}
        </Descriptions>
        {list.body && (
          <Typography.Paragraph style={{ marginTop: 12, whiteSpace: 'pre-wrap' }}>{list.body}</Typography.Paragraph>
        )}
        {d.canObject && <Alert type="warning" showIcon title={t('publicity.objectHint')} style={{ marginTop: 12 }} />}
      </Card>

      <Card title={t('publicity.items', { n: d.items.length })}>
        <List
          dataSource={d.items}
          locale={{ emptyText: <Empty description={t('publicity.noItems')} /> }}
          renderItem={(it) => (
            <List.Item
              data-testid={`publicity-item-${it.position}`}
              actions={
                d.canObject && !it.removed
                  ? [
                      <Button
                        key="object"
                        size="small"
                        onClick={() => setObjecting(it)}
                        data-testid={`object-${it.position}`}
                      >
                        {t('publicity.object.button')}
                      </Button>,
                    ]
                  : []
              }
            >
              <List.Item.Meta
                title={
                  <Space wrap>
                    <span>
                      {it.position}. {it.removed ? <del>{it.title}</del> : it.title}
                    </span>
                    {it.removed && <Tag color="error">{t('publicity.removed')}</Tag>}
                    {it.outcome === 'kept' && <Tag color="success">{t('publicity.kept')}</Tag>}
                    {it.openObjections > 0 && (
                      <Tag color="warning">{t('publicity.openObjectionsOn', { n: it.openObjections })}</Tag>
                    )}
                  </Space>
                }
                description={
                  <Space orientation="vertical" size={4} style={{ width: '100%' }}>
                    {it.subtitle && <Typography.Text type="secondary">{it.subtitle}</Typography.Text>}
                    <ScorecardView card={it.scorecard} testId={`scorecard-${it.position}`} />
                  </Space>
                }
              />
            </List.Item>
          )}
        />
      </Card>

      <Card title={list.manage ? t('publicity.objections') : t('publicity.myObjections')}>
        <List
          dataSource={d.objections}
          locale={{ emptyText: <Empty description={t('publicity.noObjections')} /> }}
          renderItem={(o) => (
            <List.Item
              data-testid={`objection-${o.id}`}
              actions={
                list.manage && o.status === 'open' && list.status === 'open'
                  ? [
                      <Button
                        key="uphold"
                        size="small"
                        danger
                        onClick={() => setAnswering({ o, decision: 'upheld' })}
                        data-testid={`uphold-${o.id}`}
                      >
                        {t('publicity.answer.uphold')}
                      </Button>,
                      <Button
                        key="dismiss"
                        size="small"
                        onClick={() => setAnswering({ o, decision: 'dismissed' })}
                        data-testid={`dismiss-${o.id}`}
                      >
                        {t('publicity.answer.dismiss')}
                      </Button>,
                    ]
                  : []
              }
            >
              <List.Item.Meta
                title={
                  <Space wrap>
                    <span>{itemTitle(o.itemId)}</span>
                    {o.step && <Tag>{o.step}</Tag>}
                    <Tag color={OBJECTION_COLOR[o.status]}>{t(`publicity.objectionStatuses.${o.status}`)}</Tag>
                  </Space>
                }
                description={
                  <Space orientation="vertical" size={2} style={{ width: '100%' }}>
                    <Typography.Text style={{ whiteSpace: 'pre-wrap' }}>{o.body}</Typography.Text>
                    <Typography.Text type="secondary">
                      {list.manage ? `${o.authorName} · ${o.authorUnitName} · ` : ''}
                      {formatDateTime(o.createdAt)}
                    </Typography.Text>
                    {o.answer && (
                      <Alert
                        type={o.status === 'upheld' ? 'warning' : 'info'}
                        title={t('publicity.answerLine', { at: formatDateTime(o.answeredAt) })}
                        description={<span style={{ whiteSpace: 'pre-wrap' }}>{o.answer}</span>}
                        data-testid={`answer-${o.id}`}
                      />
                    )}
                  </Space>
                }
              />
            </List.Item>
          )}
        />
      </Card>

      {objecting && <ObjectionModal detail={d} item={objecting} onClose={() => setObjecting(null)} />}
      <ReasonModal
        open={answering !== null}
        title={
          answering ? t(`publicity.answer.${answering.decision === 'upheld' ? 'upholdTitle' : 'dismissTitle'}`) : ''
        }
        description={
          answering
            ? t(`publicity.answer.${answering.decision === 'upheld' ? 'upholdEffect' : 'dismissEffect'}`, {
                item: itemTitle(answering.o.itemId),
              })
            : undefined
        }
        label={t('publicity.answer.text')}
        maxLength={2000}
        okText={answering?.decision === 'upheld' ? t('publicity.answer.uphold') : t('publicity.answer.dismiss')}
        danger={answering?.decision === 'upheld'}
        onSubmit={async (text) => {
          if (!answering) return;
          await publicityApi.answer(answering.o.id, { decision: answering.decision, answer: text ?? '' });
          refresh();
        }}
        onClose={() => setAnswering(null)}
        data-testid="answer-modal"
      />
      <ReasonModal
        open={withdrawing}
        title={t('publicity.withdrawTitle')}
        description={t('publicity.withdrawEffect')}
        label={t('publicity.withdrawReason')}
        okText={t('publicity.withdraw')}
        danger
        onSubmit={async (text) => {
          await publicityApi.withdraw(id, text ?? '');
          refresh();
        }}
        onClose={() => setWithdrawing(false)}
        data-testid="withdraw-modal"
      />
    </Space>
  );
}
