import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Form, Input, Modal } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { messageKeys, messagesApi, type NoticeInput } from '../../api/messages.api';
import { useCurrentUser } from '../../auth/session';
import { useErrorMessage } from '../../lib/error-message';
import { showErrorsOnFields } from '../../lib/form-errors';

const FIELDS = ['title', 'body'] as const;

/** 发布通知: a notice to everyone in the own unit's subtree, teachers included; says who it reaches first. */
export function NoticeFormModal({
  open,
  onClose,
  onPublished,
}: {
  open: boolean;
  onClose: () => void;
  onPublished: () => void;
}) {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const [form] = Form.useForm<NoticeInput>();
  const publish = useMutation({
    mutationFn: (input: NoticeInput) => messagesApi.publishNotice(input),
    onSuccess: () => {
      void message.success(t('messages.notices.published'));
      void queryClient.invalidateQueries({ queryKey: messageKeys.all });
      onClose();
      onPublished();
    },
    onError: (err) => {
      if (!showErrorsOnFields(form, err, FIELDS)) void message.error(errorMessage(err));
    },
  });
  useEffect(() => {
    if (open) form.resetFields();
  }, [open, form]);
  return (
    <Modal
      open={open}
      title={t('messages.notices.publishTitle')}
      okText={t('messages.notices.publishOk')}
      cancelText={t('common.cancel')}
      confirmLoading={publish.isPending}
      onOk={() => void form.validateFields().then((v) => publish.mutate(v))}
      onCancel={onClose}
      destroyOnHidden
      data-testid="notice-form"
    >
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        title={t('messages.notices.audience', { unit: me.orgUnit.name })}
      />
      <Form form={form} layout="vertical">
        <Form.Item
          name="title"
          label={t('messages.notices.titleLabel')}
          rules={[
            {
              required: true,
              whitespace: true,
              message: t('common.required', { field: t('messages.notices.titleLabel') }),
            },
          ]}
        >
          <Input maxLength={200} data-testid="notice-title" />
        </Form.Item>
        <Form.Item
          name="body"
          label={t('messages.notices.bodyLabel')}
          rules={[
            {
              required: true,
              whitespace: true,
              message: t('common.required', { field: t('messages.notices.bodyLabel') }),
            },
          ]}
        >
          <Input.TextArea rows={6} maxLength={4000} showCount data-testid="notice-body" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
