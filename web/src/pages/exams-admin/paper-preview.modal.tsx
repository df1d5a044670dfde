import { useMutation } from '@tanstack/react-query';
import { Alert, App, Button, Flex, Input, List, Modal, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PaperQuestionWithKey } from '../../api/exam-admin';
import { examAdminApi } from '../../api/exam-admin';
import { type QuestionKey, toPaperKey } from '../../../../src/domain/question';
import { formatPoints, usePaperErrorText } from './exam-labels';

/** A key as the preview shows it: letters, 对/错, the accepted texts of each blank, or a reference text. */
export function useKeyText(): (key: unknown) => string {
  const { t } = useTranslation();
  const sep = t('common.listSeparator');
  return (key) => {
    if (key === null || key === undefined || key === '') return '—';
    if (typeof key === 'boolean') return key ? t('examAdmin.preview.true') : t('examAdmin.preview.false');
    if (typeof key === 'string' || typeof key === 'number') return String(key);
    if (Array.isArray(key)) {
      if (key.every((k) => Array.isArray(k)))
        return (key as unknown[][])
          .map((b, i) => t('examAdmin.preview.blank', { n: i + 1, texts: b.join(' / ') }))
          .join('；');
      return key.map(String).join(sep);
    }
    return JSON.stringify(key);
  };
}

/**
 * One candidate's paper with its keys (试卷预览): drawn from the exam's pool with a seed, so the same seed
 * shows the same paper again, as a candidate given that seed would see it.
 */
export function PaperPreviewModal({ examId, onClose }: { examId: number; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = usePaperErrorText();
  const keyText = useKeyText();
  const [seed, setSeed] = useState('');
  const preview = useMutation({
    mutationFn: (s?: string) => examAdminApi.paperPreview(examId, s),
    onSuccess: (r) => setSeed(r.seed),
    onError: (err) => message.error(errorText(err)),
  });
  useEffect(() => preview.mutate(undefined), []);
  const questions: PaperQuestionWithKey[] = preview.data?.questions ?? [];
  const total = questions.reduce((s, q) => s + q.points, 0);
  return (
    <Modal
      open
      width={860}
      title={t('examAdmin.preview.title')}
      onCancel={onClose}
      footer={<Button onClick={onClose}>{t('examAdmin.close')}</Button>}
      destroyOnHidden
    >
      <Flex vertical gap={12} data-testid="paper-preview">
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t('examAdmin.preview.hint')}
        </Typography.Paragraph>
        <Space wrap>
          <Input
            value={seed}
            onChange={(e) => setSeed(e.target.value.trim())}
            style={{ width: 420 }}
            addonBefore={t('examAdmin.preview.seed')}
            data-testid="preview-seed"
          />
          <Button onClick={() => preview.mutate(seed || undefined)} loading={preview.isPending}>
            {t('examAdmin.preview.again')}
          </Button>
          <Button onClick={() => preview.mutate(undefined)} loading={preview.isPending} data-testid="preview-new">
            {t('examAdmin.preview.another')}
          </Button>
        </Space>
        {preview.isError && <Alert type="error" showIcon title={errorText(preview.error)} />}
        {preview.data && (
          <Typography.Text strong>
            {t('examAdmin.paper.total', { questions: questions.length, points: formatPoints(total) })}
          </Typography.Text>
        )}
        <List
          loading={preview.isPending}
          dataSource={questions}
          renderItem={(q, i) => (
            <List.Item key={q.position} data-testid="preview-question">
              <Flex vertical gap={4} style={{ width: '100%' }}>
                <Space wrap>
                  <Typography.Text strong>{i + 1}.</Typography.Text>
                  <Tag>{t(`examAdmin.kinds.${q.kind}`)}</Tag>
                  <Typography.Text type="secondary">
                    {t('examAdmin.pointsCount', { points: formatPoints(q.points) })}
                  </Typography.Text>
                </Space>
                <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{q.stem}</Typography.Paragraph>
                {q.options.map((o) => (
                  <Typography.Text key={o.key}>
                    {o.key}. {o.text}
                  </Typography.Text>
                ))}
                <Typography.Text type="success" data-testid="preview-key">
                  {t('examAdmin.preview.key')}
                  {keyText(toPaperKey(q.kind, q.key as QuestionKey, q.optionOrder))}
                </Typography.Text>
                {q.explanation && (
                  <Typography.Text type="secondary">
                    {t('examAdmin.preview.explanation')}
                    {q.explanation}
                  </Typography.Text>
                )}
              </Flex>
            </List.Item>
          )}
        />
      </Flex>
    </Modal>
  );
}
