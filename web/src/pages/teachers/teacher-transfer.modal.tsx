import { useMutation } from '@tanstack/react-query';
import { Alert, App, Descriptions, Form, Input, Modal } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { teachersApi } from '../../api/teachers.api';
import type { Teacher } from '../../api/types';
import { OrgUnitPicker } from '../../components/org-unit-picker';
import { useErrorMessage } from '../../lib/error-message';
import { fieldErrorsFrom, showErrorsOnFields } from '../../lib/form-errors';
import { TEACHER_UNIT_KINDS } from '../../../../src/domain/org-tree';

interface TransferFormValues {
  toOrgUnitId: number;
  reason?: string;
}

const FIELDS = ['toOrgUnitId', 'reason'] as const;
const CODE_FIELDS = { TRANSFER_SAME_SCHOOL: 'toOrgUnitId', TEACHER_UNIT_NOT_SCHOOL: 'toOrgUnitId' };
const MAX_REASON = 200;

/** Moves a teacher to another school in the admin's area; the old posting is kept as history. */
export function TeacherTransferModal({
  teacher,
  open,
  onClose,
  onDone,
}: {
  teacher: Teacher;
  open: boolean;
  onClose: () => void;
  onDone: (teacher: Teacher) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const [form] = Form.useForm<TransferFormValues>();

  const transfer = useMutation({
    mutationFn: (values: TransferFormValues) =>
      teachersApi.transfer(teacher.id, {
        toOrgUnitId: values.toOrgUnitId,
        ...(values.reason?.trim() ? { reason: values.reason.trim() } : {}),
      }),
    onSuccess: ({ teacher: moved }) => {
      void message.success(t('teachers.transfer.done', { name: moved.name, school: moved.orgUnitName }));
      onDone(moved);
      onClose();
    },
    onError: (err) => {
      showErrorsOnFields(form, err, FIELDS, CODE_FIELDS, errorMessage(err));
    },
  });
  const { reset } = transfer;

  useEffect(() => {
    if (!open) return;
    reset();
    form.resetFields();
    // Only when the modal opens.
  }, [open]);

  const bannerError =
    transfer.error && fieldErrorsFrom(transfer.error, FIELDS, CODE_FIELDS).length === 0
      ? errorMessage(transfer.error)
      : null;

  return (
    <Modal
      open={open}
      title={t('teachers.transfer.title', { name: teacher.name })}
      okText={t('teachers.transfer.submit')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={transfer.isPending}
      mask={{ closable: !transfer.isPending }}
      forceRender
    >
      <Descriptions
        size="small"
        column={1}
        style={{ marginBottom: 16 }}
        items={[{ key: 'from', label: t('teachers.transfer.from'), children: teacher.orgUnitName }]}
      />
      {bannerError && <Alert type="error" showIcon title={bannerError} style={{ marginBottom: 16 }} />}
      <Form<TransferFormValues>
        name="teacher-transfer"
        form={form}
        layout="vertical"
        onFinish={(values) => transfer.mutate(values)}
        disabled={transfer.isPending}
      >
        <Form.Item
          name="toOrgUnitId"
          label={t('teachers.transfer.to')}
          extra={t('teachers.transfer.toHint')}
          rules={[
            { required: true, message: t('teachers.transfer.toRequired') },
            {
              validator: async (_, value: number | undefined) => {
                if (value === teacher.orgUnitId) throw new Error(t('errors.TRANSFER_SAME_SCHOOL'));
              },
            },
          ]}
        >
          <OrgUnitPicker
            kinds={TEACHER_UNIT_KINDS}
            placeholder={t('teachers.form.schoolPlaceholder')}
            data-testid="teacher-transfer-to"
          />
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('teachers.transfer.reason')}
          rules={[{ max: MAX_REASON, message: t('validation.maxLength', { max: MAX_REASON }) }]}
        >
          <Input.TextArea
            rows={3}
            maxLength={MAX_REASON}
            showCount
            placeholder={t('teachers.transfer.reasonPlaceholder')}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
