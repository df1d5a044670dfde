import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Input, Modal, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { reflectionKeys, reflectionsApi } from '../../api/reflections.api';
import { SectionSpin } from '../../components/page-states';
import { useErrorMessage } from '../../lib/error-message';

const MAX_PROMPTS = 20;
const PROMPT_MAX = 2000;

/**
 * The prompts (写作提示) of an online course's reflections: teachers see them beside the form, and a
 * reflection that only copies one does not count. Kept by the admins who keep the course.
 */
export function ReflectionPromptsModal({
  course,
  onClose,
}: {
  course: { id: number; title: string } | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: reflectionKeys.prompts(course?.id ?? 0),
    queryFn: () => reflectionsApi.prompts(course!.id),
    enabled: course !== null,
  });
  const [prompts, setPrompts] = useState<string[]>([]);
  useEffect(() => {
    if (q.data) setPrompts(q.data.prompts);
  }, [q.data]);
  const save = useMutation({
    mutationFn: () =>
      reflectionsApi.setPrompts(
        course!.id,
        prompts.map((p) => p.trim()).filter((p) => p.length > 0),
      ),
    onSuccess: () => {
      void message.success(t('reflections.prompts.saved'));
      void qc.invalidateQueries({ queryKey: reflectionKeys.all });
      onClose();
    },
  });
  return (
    <Modal
      open={course !== null}
      title={t('reflections.prompts.title', { course: course?.title ?? '' })}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      onOk={() => save.mutate()}
      onCancel={onClose}
      confirmLoading={save.isPending}
      destroyOnHidden
      width={640}
      data-testid="reflection-prompts-modal"
    >
      <Typography.Paragraph type="secondary">{t('reflections.prompts.intro')}</Typography.Paragraph>
      {save.error && <Alert type="error" showIcon title={errorMessage(save.error)} style={{ marginBottom: 12 }} />}
      {!q.data ? (
        <SectionSpin />
      ) : (
        <Space direction="vertical" style={{ width: '100%' }}>
          {prompts.map((p, i) => (
            <Space key={i} align="start" style={{ width: '100%' }}>
              <Input.TextArea
                value={p}
                autoSize={{ minRows: 2, maxRows: 8 }}
                maxLength={PROMPT_MAX}
                placeholder={t('reflections.prompts.placeholder')}
                onChange={(e) => setPrompts(prompts.map((x, j) => (j === i ? e.target.value : x)))}
                style={{ width: 520, maxWidth: '70vw' }}
              />
              <Button
                icon={<DeleteOutlined />}
                aria-label={t('reflections.prompts.remove')}
                onClick={() => setPrompts(prompts.filter((_, j) => j !== i))}
              />
            </Space>
          ))}
          <Button
            icon={<PlusOutlined />}
            disabled={prompts.length >= MAX_PROMPTS}
            onClick={() => setPrompts([...prompts, ''])}
          >
            {t('reflections.prompts.add')}
          </Button>
        </Space>
      )}
    </Modal>
  );
}
