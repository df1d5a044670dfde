import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Empty, Flex, Form, Input, Modal, Radio, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { pairKeys, pairsApi, type PairView } from '../../api/pairs.api';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { useErrorMessage } from '../../lib/error-message';
import { formatDate } from '../../lib/format';
import { menteeLine, mentorLine, STATUS_COLOR } from './pair-labels';
import { TeacherPick } from './teacher-pick';

/** Whether the pair waits for the teacher: the agreement to confirm (the partner's activities show on its page). */
const waiting = (p: PairView) => p.can.confirm;

/** 我的结对: a teacher's pairs as cards (phone first), and the application as mentor or mentee. */
export default function MyPairsPage() {
  const { t } = useTranslation();
  const [applying, setApplying] = useState(false);
  const navigate = useNavigate();
  const q = useQuery({ queryKey: pairKeys.mine, queryFn: () => pairsApi.mine() });
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <SectionSpin />;
  const pending = t('pairs.pending');
  return (
    <Flex vertical gap={12} data-testid="my-pairs-page">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('pairs.myTitle')}
        </Typography.Title>
        <Button type="primary" onClick={() => setApplying(true)} data-testid="pair-apply">
          {t('pairs.apply')}
        </Button>
      </Flex>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('pairs.myIntro')}
      </Typography.Paragraph>
      {q.data.items.length === 0 ? (
        <Empty description={t('pairs.myNone')} />
      ) : (
        q.data.items.map((p) => (
          <Link key={p.id} to={`/me/pairs/${p.id}`} data-testid={`my-pair-${p.id}`}>
            <Card size="small" hoverable>
              <Flex vertical gap={4}>
                <Space wrap>
                  <Tag color={STATUS_COLOR[p.status]}>{t(`pairs.statuses.${p.status}`)}</Tag>
                  <Typography.Text strong>
                    {p.side === 'mentor' ? t('pairs.asMentor') : t('pairs.asMentee')}
                  </Typography.Text>
                  {waiting(p) && <Tag color="red">{t('pairs.waitingForYou')}</Tag>}
                  {p.honourCode && <Tag color="gold">{t('pairs.award')}</Tag>}
                </Space>
                <Typography.Text>
                  {p.side === 'mentor'
                    ? t('pairs.partnerLine', { partner: menteeLine(p, pending) })
                    : t('pairs.partnerLine', { partner: mentorLine(p, pending) })}
                </Typography.Text>
                {p.termStart && p.termEnd && (
                  <Typography.Text type="secondary">
                    {t('pairs.term')}：{formatDate(p.termStart)} ~ {formatDate(p.termEnd)}
                  </Typography.Text>
                )}
              </Flex>
            </Card>
          </Link>
        ))
      )}
      {applying && (
        <ApplyModal
          onClose={() => setApplying(false)}
          onSaved={(id) => {
            setApplying(false);
            void navigate(`/me/pairs/${id}`);
          }}
        />
      )}
    </Flex>
  );
}

/** A teacher applies as mentor or mentee, naming the other teacher of the county or asking the school to find one. */
function ApplyModal({ onClose, onSaved }: { onClose: () => void; onSaved: (id: number) => void }) {
  const { t } = useTranslation();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ as: 'mentor' | 'mentee'; partnerTeacherId: number | null; note: string }>();
  const as = Form.useWatch('as', form) ?? 'mentee';
  const [error, setError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (v: { as: 'mentor' | 'mentee'; partnerTeacherId: number | null; note: string }) =>
      pairsApi.create({
        kind: 'mentoring',
        as: v.as,
        partnerTeacherId: v.partnerTeacherId ?? null,
        note: v.note?.trim() ? v.note : null,
      }),
    onSuccess: (r) => {
      void queryClient.invalidateQueries({ queryKey: pairKeys.all });
      onSaved(r.pair.id);
    },
    onError: (e) => setError(errorText(e)),
  });
  return (
    <Modal
      open
      title={t('pairs.apply')}
      okText={t('pairs.applySend')}
      cancelText={t('common.cancel')}
      okButtonProps={{ loading: save.isPending, 'data-testid': 'pair-apply-ok' }}
      onCancel={onClose}
      onOk={() => void form.validateFields().then((v) => save.mutate(v))}
      destroyOnHidden
    >
      <Alert type="info" showIcon message={t('pairs.applyHint')} style={{ marginBottom: 12 }} />
      <Form form={form} layout="vertical" initialValues={{ as: 'mentee', partnerTeacherId: null }}>
        <Form.Item name="as" label={t('pairs.applyAs')}>
          <Radio.Group
            options={[
              { value: 'mentee', label: t('pairs.asMentee') },
              { value: 'mentor', label: t('pairs.asMentor') },
            ]}
            data-testid="pair-apply-as"
          />
        </Form.Item>
        <Form.Item
          name="partnerTeacherId"
          label={as === 'mentee' ? t('pairs.wantedMentor') : t('pairs.wantedMentee')}
          extra={t('pairs.partnerOptional')}
        >
          <TeacherPick testId="pair-apply-partner" />
        </Form.Item>
        <Form.Item name="note" label={t('pairs.note')} rules={[{ max: 2000 }]}>
          <Input.TextArea
            rows={3}
            maxLength={2000}
            placeholder={t('pairs.notePlaceholder')}
            data-testid="pair-apply-note"
          />
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon message={error} />}
    </Modal>
  );
}
