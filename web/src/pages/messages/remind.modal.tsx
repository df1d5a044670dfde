import { BellOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, DatePicker, Form, Input, Modal, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { messageKeys, messagesApi } from '../../api/messages.api';
import { useErrorMessage } from '../../lib/error-message';

interface RemindForm {
  deadline?: Dayjs | null;
  note?: string;
}

/**
 * 催办: reminds the admins of the given schools to submit their year's verification. The dialog
 * names the schools and their number before anything is sent.
 */
export function RemindButton({
  schools,
  cycleId,
  year,
  onSent,
}: {
  schools: ReadonlyArray<{ orgUnitId: number; orgUnitName: string }>;
  cycleId: number;
  year: number;
  onSent?: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<RemindForm>();
  const send = useMutation({
    mutationFn: (v: RemindForm) =>
      messagesApi.remind({
        orgUnitIds: schools.map((s) => s.orgUnitId),
        topic: 'verification',
        cycleId,
        year,
        deadline: v.deadline ? v.deadline.format('YYYY-MM-DD') : null,
        note: v.note?.trim() || null,
      }),
    onSuccess: (r) => {
      void message.success(t('messages.remind.sent', { units: r.units, recipients: r.recipients }));
      void queryClient.invalidateQueries({ queryKey: messageKeys.all });
      setOpen(false);
      onSent?.();
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  const names = schools.slice(0, 10).map((s) => s.orgUnitName);
  return (
    <>
      <Button
        size="small"
        type="primary"
        icon={<BellOutlined />}
        disabled={schools.length === 0}
        onClick={() => {
          form.resetFields();
          setOpen(true);
        }}
        data-testid="verification-remind"
      >
        {t('messages.remind.button', { count: schools.length })}
      </Button>
      <Modal
        open={open}
        title={t('messages.remind.title', { year })}
        okText={t('messages.remind.ok', { count: schools.length })}
        cancelText={t('common.cancel')}
        confirmLoading={send.isPending}
        onOk={() => void form.validateFields().then((v) => send.mutate(v))}
        onCancel={() => setOpen(false)}
        destroyOnHidden
        data-testid="remind-form"
      >
        <Typography.Paragraph>{t('messages.remind.intro', { count: schools.length, year })}</Typography.Paragraph>
        <Typography.Paragraph type="secondary" data-testid="remind-schools">
          {schools.length > names.length
            ? t('verification.picked.namesMore', {
                names: names.join(t('common.listSeparator')),
                count: schools.length,
              })
            : names.join(t('common.listSeparator'))}
        </Typography.Paragraph>
        <Form form={form} layout="vertical">
          <Form.Item name="deadline" label={t('messages.remind.deadline')}>
            <DatePicker style={{ width: '100%' }} data-testid="remind-deadline" />
          </Form.Item>
          <Form.Item name="note" label={t('messages.remind.note')}>
            <Input.TextArea rows={3} maxLength={500} showCount data-testid="remind-note" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
