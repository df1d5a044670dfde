import { EditOutlined, PlusOutlined, RollbackOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Empty, Form, Input, List, Popconfirm, Progress, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import {
  reflectionKeys,
  reflectionsApi,
  type MyReflection,
  type MyReflections,
  type ReflectionInput,
} from '../../api/reflections.api';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { useErrorMessage } from '../../lib/error-message';
import { showErrorsOnFields } from '../../lib/form-errors';
import { formatDateTime } from '../../lib/format';
import { countedChars } from '../../../../src/domain/online-course';
import { HighlightedText, percent } from './highlighted-text';

const TITLE_MAX = 100;
const BODY_MAX = 20_000;

/** Whether a reflection counts, and why not: too short, or too similar and to what (never whose). */
function Verdict({ r, rule }: { r: MyReflection; rule: MyReflections['rule'] }) {
  const { t } = useTranslation();
  if (r.counts) return <Alert type="success" showIcon title={t('reflections.result.counts')} />;
  return (
    <Alert
      type="warning"
      showIcon
      title={t('reflections.result.notCounted')}
      description={
        <Space direction="vertical" size={2}>
          {r.reasons.includes('too_short') && (
            <span>{t('reflections.result.too_short', { chars: r.chars, min: rule.minChars })}</span>
          )}
          {r.reasons.includes('too_similar') && (
            <>
              <span data-testid="reflection-similarity">
                {t('reflections.result.too_similar', {
                  pct: percent(r.similarity),
                  threshold: percent(rule.threshold),
                })}
              </span>
              {r.match && <span>{t(`reflections.result.match.${r.match}`)}</span>}
            </>
          )}
        </Space>
      }
    />
  );
}

/** The write or edit form: a live count of the characters that count, against the course's minimum. */
function ReflectionForm({
  classId,
  editing,
  rule,
  onDone,
  onCancel,
}: {
  classId: number;
  editing: MyReflection | null;
  rule: MyReflections['rule'];
  onDone: (r: MyReflection) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const qc = useQueryClient();
  const [form] = Form.useForm<ReflectionInput>();
  const body = Form.useWatch('body', form) ?? editing?.body ?? '';
  const count = countedChars(body);
  const save = useMutation({
    mutationFn: (v: ReflectionInput) =>
      editing ? reflectionsApi.edit(classId, editing.id, v) : reflectionsApi.submit(classId, v),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: reflectionKeys.all });
      onDone(r);
    },
    onError: (err) => {
      if (!showErrorsOnFields(form, err, ['title', 'body'])) void message.error(errorMessage(err));
    },
  });
  return (
    <Card
      size="small"
      title={t(editing ? 'reflections.form.editTitle' : 'reflections.form.newTitle')}
      data-testid="reflection-form"
    >
      <Form
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={editing ? { title: editing.title, body: editing.body } : undefined}
        onFinish={(v) => save.mutate(v)}
        disabled={save.isPending}
      >
        <Form.Item
          name="title"
          label={t('reflections.form.title')}
          rules={[{ required: true, whitespace: true, message: t('reflections.form.titleRequired') }]}
        >
          <Input maxLength={TITLE_MAX} data-testid="reflection-title" />
        </Form.Item>
        <Form.Item
          name="body"
          label={t('reflections.form.body')}
          rules={[{ required: true, whitespace: true, message: t('reflections.form.bodyRequired') }]}
          extra={
            <Typography.Text type={count >= rule.minChars ? 'success' : 'secondary'} data-testid="reflection-count">
              {t('reflections.form.count', { count, min: rule.minChars })}
            </Typography.Text>
          }
        >
          <Input.TextArea autoSize={{ minRows: 8, maxRows: 24 }} maxLength={BODY_MAX} data-testid="reflection-body" />
        </Form.Item>
        <Space>
          <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="reflection-submit">
            {t(editing ? 'reflections.form.save' : 'reflections.form.submit')}
          </Button>
          <Button onClick={onCancel}>{t('common.cancel')}</Button>
        </Space>
      </Form>
    </Card>
  );
}

/** One of the teacher's reflections: counts or why not, its text with the matched passages marked. */
function ReflectionItem({
  r,
  rule,
  writable,
  classId,
  onEdit,
}: {
  r: MyReflection;
  rule: MyReflections['rule'];
  writable: boolean;
  classId: number;
  onEdit: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const qc = useQueryClient();
  const [open, setOpen] = useState(!r.counts);
  const withdraw = useMutation({
    mutationFn: () => reflectionsApi.withdraw(classId, r.id),
    onSuccess: () => {
      void message.success(t('reflections.item.withdrawn'));
      void qc.invalidateQueries({ queryKey: reflectionKeys.all });
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  return (
    <Card size="small" style={{ marginBottom: 8 }} data-testid="reflection-item">
      <Space direction="vertical" style={{ width: '100%' }} size={6}>
        <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
          <Typography.Text strong>{r.title}</Typography.Text>
          <Tag color={r.counts ? 'green' : 'orange'} data-testid="reflection-verdict">
            {t(r.counts ? 'reflections.item.counts' : 'reflections.item.notCounted')}
          </Tag>
        </Space>
        <Typography.Text type="secondary" className="small-text">
          {t('reflections.item.chars', { count: r.chars })} ·{' '}
          {t('reflections.item.similarity', { pct: percent(r.similarity) })} ·{' '}
          {t('reflections.item.updatedAt', { at: formatDateTime(r.updatedAt) })}
        </Typography.Text>
        {!r.counts && <Verdict r={r} rule={rule} />}
        {open && <HighlightedText text={r.body} ranges={r.matchedRanges} testId="reflection-text" />}
        <Space wrap>
          <Button size="small" type="link" onClick={() => setOpen(!open)} style={{ paddingInline: 0 }}>
            {t(open ? 'reflections.item.hideText' : 'reflections.item.showText')}
          </Button>
          {writable && (
            <>
              <Button size="small" icon={<EditOutlined />} onClick={onEdit} data-testid="reflection-edit">
                {t('reflections.item.edit')}
              </Button>
              <Popconfirm
                title={t('reflections.item.withdrawConfirm')}
                okText={t('reflections.item.withdraw')}
                cancelText={t('common.cancel')}
                onConfirm={() => withdraw.mutate()}
              >
                <Button size="small" danger icon={<RollbackOutlined />} loading={withdraw.isPending}>
                  {t('reflections.item.withdraw')}
                </Button>
              </Popconfirm>
            </>
          )}
        </Space>
      </Space>
    </Card>
  );
}

/**
 * /me/study/:classId/reflections — 研修心得 of an online class, phone-first: how many original ones
 * count of those required, the form with a live count of the characters that count, and after each
 * save whether it counts, or why not with the passages of the teacher's own text that matched.
 */
export default function MyReflectionsPage() {
  const { t } = useTranslation();
  const classId = Number(useParams().classId);
  const [editing, setEditing] = useState<MyReflection | 'new' | null>(null);
  const [result, setResult] = useState<MyReflection | null>(null);
  const q = useQuery({
    queryKey: reflectionKeys.mine(classId),
    queryFn: () => reflectionsApi.mine(classId),
    enabled: Number.isInteger(classId),
  });
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <SectionSpin />;
  const d = q.data;
  const writable = d.class.window === 'open';
  const required = Math.max(d.rule.required, 1);
  return (
    <Space direction="vertical" style={{ width: '100%', maxWidth: 760, margin: '0 auto' }} size={12}>
      <Card size="small" styles={{ body: { padding: 16 } }}>
        <Space direction="vertical" style={{ width: '100%' }} size={6}>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('reflections.my.title')}
          </Typography.Title>
          <Typography.Text type="secondary">
            {d.class.courseTitle} · {d.class.projectTitle} · {d.class.name}
          </Typography.Text>
          <Typography.Text strong data-testid="reflections-progress">
            {t('reflections.my.progress', { counted: d.counted, required: d.rule.required })}
          </Typography.Text>
          <Progress percent={Math.min(100, Math.round((d.counted / required) * 100))} showInfo={false} />
          <Typography.Text type="secondary" className="small-text">
            {t('reflections.my.rule', { minChars: d.rule.minChars, pct: percent(d.rule.threshold) })}
          </Typography.Text>
          <Typography.Text type="secondary" className="small-text">
            {t('reflections.my.window', { opens: d.class.studyOpensOn, closes: d.class.studyClosesOn })}
          </Typography.Text>
          {!writable && (
            <Alert
              type="info"
              showIcon
              title={t(`reflections.my.${d.class.window}`, { opens: d.class.studyOpensOn })}
            />
          )}
        </Space>
      </Card>
      {d.prompts.length > 0 && (
        <Card size="small" title={t('reflections.my.prompts')}>
          <List
            size="small"
            dataSource={d.prompts}
            renderItem={(p) => (
              <List.Item>
                <Typography.Text style={{ whiteSpace: 'pre-wrap' }}>{p}</Typography.Text>
              </List.Item>
            )}
          />
        </Card>
      )}
      {result && (
        <Card size="small" data-testid="reflection-result">
          <Space direction="vertical" style={{ width: '100%' }}>
            <Verdict r={result} rule={d.rule} />
            {result.matchedRanges.length > 0 && (
              <>
                <Typography.Text type="secondary">{t('reflections.result.passages')}</Typography.Text>
                <HighlightedText text={result.body} ranges={result.matchedRanges} testId="reflection-result-text" />
              </>
            )}
            <Button onClick={() => setResult(null)}>{t('reflections.result.dismiss')}</Button>
          </Space>
        </Card>
      )}
      {writable &&
        (editing ? (
          <ReflectionForm
            key={editing === 'new' ? 'new' : editing.id}
            classId={classId}
            editing={editing === 'new' ? null : editing}
            rule={d.rule}
            onDone={(r) => {
              setEditing(null);
              setResult(r);
              window.scrollTo({ top: 0 });
            }}
            onCancel={() => setEditing(null)}
          />
        ) : (
          <Button
            type="primary"
            size="large"
            block
            icon={<PlusOutlined />}
            onClick={() => {
              setResult(null);
              setEditing('new');
            }}
            data-testid="reflection-new"
          >
            {t('reflections.my.write')}
          </Button>
        ))}
      {d.items.length === 0 ? (
        <Empty description={t('reflections.my.none')} />
      ) : (
        d.items.map((r) => (
          <ReflectionItem
            key={`${r.id}-${r.updatedAt}`}
            r={r}
            rule={d.rule}
            writable={writable}
            classId={classId}
            onEdit={() => {
              setResult(null);
              setEditing(r);
              window.scrollTo({ top: 0 });
            }}
          />
        ))
      )}
    </Space>
  );
}
