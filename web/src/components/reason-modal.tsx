import { Alert, Form, Input, Modal } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useErrorMessage } from '../lib/error-message';

interface ReasonModalProps {
  open: boolean;
  title: ReactNode;
  /** what is asked for: a reason, a note, an answer */
  label: string;
  placeholder?: string;
  /** shown above the field: what is about to happen */
  description?: ReactNode;
  required?: boolean;
  maxLength?: number;
  okText: string;
  danger?: boolean;
  /** the text the field starts with (e.g. a comment already typed elsewhere) */
  initialText?: string;
  /** does the work; a rejection is shown in the modal, which stays open */
  onSubmit: (text: string | null) => Promise<unknown>;
  onClose: () => void;
  'data-testid'?: string;
}

/** A confirmation that asks for a line of text (a reason, a note, an answer) before acting. */
export function ReasonModal({
  open,
  title,
  label,
  placeholder,
  description,
  required = true,
  maxLength = 500,
  okText,
  danger,
  initialText,
  onSubmit,
  onClose,
  'data-testid': testId,
}: ReasonModalProps) {
  const { t } = useTranslation();
  const errorMessage = useErrorMessage();
  const [form] = Form.useForm<{ text?: string }>();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (initialText) form.setFieldsValue({ text: initialText });
    setError(null);
    // Only when the modal opens.
  }, [open]);

  const submit = async ({ text }: { text?: string }) => {
    setPending(true);
    setError(null);
    try {
      await onSubmit(text?.trim() ? text.trim() : null);
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  };

  return (
    <Modal
      open={open}
      title={title}
      okText={okText}
      okButtonProps={testId ? { danger, 'data-testid': `${testId}-ok` } : { danger }}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={pending}
      mask={{ closable: !pending }}
      forceRender
      data-testid={testId}
    >
      {description && <div className="modal-description">{description}</div>}
      {error !== null && <Alert type="error" showIcon title={errorMessage(error)} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} disabled={pending}>
        <Form.Item
          name="text"
          label={label}
          rules={
            required ? [{ required: true, whitespace: true, message: t('common.required', { field: label }) }] : []
          }
        >
          <Input.TextArea
            rows={3}
            maxLength={maxLength}
            showCount
            placeholder={placeholder}
            data-testid={testId ? `${testId}-text` : undefined}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
