import { EyeOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Descriptions, Flex, Modal, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { teachersApi } from '../../api/teachers.api';
import type { Teacher } from '../../api/types';
import { useErrorMessage } from '../../lib/error-message';

/**
 * The ID number and phone in full, after the user has read that the view is recorded.
 * Nothing is kept once the modal closes: the answer lives in this modal's mutation only
 * (never in the query cache) and is dropped on close.
 */
export function TeacherUnmaskModal({
  teacher,
  open,
  onClose,
}: {
  teacher: Teacher;
  open: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const errorMessage = useErrorMessage();
  const unmask = useMutation({
    mutationFn: () => teachersApi.unmask(teacher.id),
    gcTime: 0,
  });

  const close = () => {
    unmask.reset();
    onClose();
  };

  return (
    <Modal
      open={open}
      title={t('teachers.unmask.title', { name: teacher.name })}
      onCancel={close}
      destroyOnHidden
      footer={
        unmask.data ? (
          <Button type="primary" onClick={close} data-testid="teacher-unmask-close">
            {t('teachers.unmask.close')}
          </Button>
        ) : (
          <>
            <Button onClick={close}>{t('common.cancel')}</Button>
            <Button
              type="primary"
              icon={<EyeOutlined />}
              loading={unmask.isPending}
              onClick={() => unmask.mutate()}
              data-testid="teacher-unmask-confirm"
            >
              {t('teachers.unmask.confirm')}
            </Button>
          </>
        )
      }
    >
      <Flex vertical gap="middle">
        <Alert type="warning" showIcon title={t('teachers.unmask.notice')} />
        {unmask.isError && <Alert type="error" showIcon title={errorMessage(unmask.error)} />}
        {unmask.data && (
          <Descriptions
            size="small"
            column={1}
            bordered
            data-testid="teacher-unmask-result"
            items={[
              {
                key: 'idNumber',
                label: t('teachers.fields.idNumber'),
                children: (
                  <Typography.Text copyable className="identifier" data-testid="teacher-unmask-id-number">
                    {unmask.data.idNumber}
                  </Typography.Text>
                ),
              },
              { key: 'birthDate', label: t('teachers.fields.birthDate'), children: unmask.data.birthDate ?? '—' },
              {
                key: 'phone',
                label: t('teachers.fields.phone'),
                children: unmask.data.phone ? (
                  <Typography.Text copyable className="identifier">
                    {unmask.data.phone}
                  </Typography.Text>
                ) : (
                  '—'
                ),
              },
            ]}
          />
        )}
      </Flex>
    </Modal>
  );
}
