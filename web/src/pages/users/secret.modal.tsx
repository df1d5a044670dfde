import { Button, Descriptions, Modal } from 'antd';
import { useTranslation } from 'react-i18next';
import { RoleLabel } from '../../components/labels';
import { OneTimeSecret } from '../../components/one-time-secret';
import type { User } from '../../api/types';

/** Shows a freshly issued one-time password, once. */
export function OneTimePasswordModal({
  open,
  title,
  user,
  password,
  onClose,
}: {
  open: boolean;
  title: string;
  user: Pick<User, 'username' | 'displayName' | 'role'> | null;
  password: string | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Modal
      open={open && password !== null}
      title={title}
      onCancel={onClose}
      mask={{ closable: false }}
      footer={
        <Button type="primary" onClick={onClose} data-testid="one-time-password-done">
          {t('users.secret.done')}
        </Button>
      }
    >
      {user && (
        <Descriptions
          size="small"
          column={1}
          style={{ marginBottom: 16 }}
          items={[
            { key: 'username', label: t('users.fields.username'), children: user.username },
            { key: 'displayName', label: t('users.fields.displayName'), children: user.displayName },
            { key: 'role', label: t('users.fields.role'), children: <RoleLabel role={user.role} /> },
          ]}
        />
      )}
      {password && <OneTimeSecret value={password} warning={t('users.secret.warning')} testId="one-time-password" />}
    </Modal>
  );
}
