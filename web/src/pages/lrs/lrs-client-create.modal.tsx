import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Descriptions, Flex, Form, Input, Modal, Radio, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import {
  LRS_IDENTITY_KINDS,
  type LrsCreated,
  type LrsIdentityKind,
  lrsApi,
  lrsEndpoint,
  lrsKeys,
} from '../../api/lrs.api';
import type { OrgUnitRef } from '../../api/types';
import { OneTimeSecret } from '../../components/one-time-secret';
import { OrgUnitPicker } from '../../components/org-unit-picker';
import { useErrorMessage } from '../../lib/error-message';
import { showErrorsOnFields } from '../../lib/form-errors';

interface CreateForm {
  name: string;
  orgUnitId: number;
  identity: LrsIdentityKind;
  homePage?: string;
  salt?: string;
}

const FIELDS = ['name', 'orgUnitId', 'identity', 'homePage', 'salt'] as const;

/** Creates a platform's credentials; the endpoint, key and secret are then shown once, ready to copy. */
export function LrsClientCreateModal({ ownUnit, onClose }: { ownUnit: OrgUnitRef; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const [form] = Form.useForm<CreateForm>();
  const identity = Form.useWatch('identity', form) ?? 'account';
  const [created, setCreated] = useState<LrsCreated | null>(null);
  const [banner, setBanner] = useState<string | null>(null);

  const create = useMutation({
    mutationFn: (v: CreateForm) =>
      lrsApi.create({
        name: v.name.trim(),
        orgUnitId: v.orgUnitId,
        identity: v.identity,
        homePage: v.identity === 'mbox' ? null : (v.homePage?.trim() ?? null),
        salt: v.identity === 'id_hash' ? (v.salt ?? null) : null,
      }),
    onSuccess: (r) => {
      setCreated(r);
      void queryClient.invalidateQueries({ queryKey: lrsKeys.all });
    },
    onError: (err) => {
      setBanner(null);
      const field = err instanceof ApiError ? err.details?.['field'] : undefined;
      if (typeof field === 'string' && (FIELDS as readonly string[]).includes(field)) {
        form.setFields([{ name: field as never, errors: [errorMessage(err)] }]);
        return;
      }
      if (!showErrorsOnFields(form, err, FIELDS)) setBanner(errorMessage(err));
    },
  });

  return (
    <Modal
      open
      title={created ? t('lrs.clients.createdTitle') : t('lrs.clients.createTitle')}
      onCancel={create.isPending ? undefined : onClose}
      mask={{ closable: false }}
      width={640}
      footer={
        created ? (
          <Button type="primary" onClick={onClose} data-testid="lrs-client-done">
            {t('lrs.clients.done')}
          </Button>
        ) : (
          <>
            <Button onClick={onClose} disabled={create.isPending}>
              {t('common.cancel')}
            </Button>
            <Button
              type="primary"
              loading={create.isPending}
              onClick={() => form.submit()}
              data-testid="lrs-client-submit"
            >
              {t('lrs.clients.create')}
            </Button>
          </>
        )
      }
    >
      {created ? (
        <Flex vertical gap="middle" data-testid="lrs-client-created">
          <Typography.Paragraph>{t('lrs.clients.giveThese')}</Typography.Paragraph>
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={t('lrs.clients.endpoint')}>
              <Typography.Text code copyable data-testid="lrs-endpoint">
                {lrsEndpoint()}
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('lrs.clients.key')}>
              <Typography.Text code copyable data-testid="lrs-key">
                {created.key}
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('lrs.clients.identity')}>
              {created.client.homePage
                ? t('lrs.clients.identityWithHomePage', {
                    identity: t(`lrs.identities.${created.client.identity}`),
                    homePage: created.client.homePage,
                  })
                : t(`lrs.identities.${created.client.identity}`)}
            </Descriptions.Item>
          </Descriptions>
          <Typography.Text strong>{t('lrs.clients.secret')}</Typography.Text>
          <OneTimeSecret value={created.secret} warning={t('lrs.clients.secretWarning')} testId="lrs-secret" />
        </Flex>
      ) : (
        <>
          {banner && <Alert type="error" showIcon title={banner} style={{ marginBottom: 16 }} />}
          <Form<CreateForm>
            name="lrs-client-create"
            form={form}
            layout="vertical"
            initialValues={{ identity: 'account', orgUnitId: ownUnit.id }}
            onFinish={(v) => create.mutate(v)}
            disabled={create.isPending}
          >
            <Form.Item
              name="name"
              label={t('lrs.clients.name')}
              extra={t('lrs.clients.nameHint')}
              rules={[
                { required: true, whitespace: true, message: t('lrs.clients.nameRequired') },
                { max: 100, message: t('validation.maxLength', { max: 100 }) },
              ]}
            >
              <Input maxLength={100} data-testid="lrs-client-name" />
            </Form.Item>
            <Form.Item
              name="orgUnitId"
              label={t('lrs.clients.unit')}
              extra={t('lrs.clients.unitHint')}
              rules={[{ required: true, message: t('lrs.clients.unitRequired') }]}
            >
              <OrgUnitPicker initialOptions={[ownUnit]} data-testid="lrs-client-unit" />
            </Form.Item>
            <Form.Item name="identity" label={t('lrs.clients.identity')}>
              <Radio.Group data-testid="lrs-client-identity">
                <Flex vertical gap={4}>
                  {LRS_IDENTITY_KINDS.map((k) => (
                    <Radio key={k} value={k} data-testid={`lrs-identity-${k}`}>
                      {t(`lrs.identities.${k}`)}
                      <Typography.Text type="secondary"> — {t(`lrs.identityHints.${k}`)}</Typography.Text>
                    </Radio>
                  ))}
                </Flex>
              </Radio.Group>
            </Form.Item>
            {identity !== 'mbox' && (
              <Form.Item
                name="homePage"
                label={t('lrs.clients.homePage')}
                extra={t('lrs.clients.homePageHint')}
                rules={[{ required: true, whitespace: true, message: t('lrs.clients.homePageRequired') }]}
              >
                <Input maxLength={200} placeholder="https://" data-testid="lrs-client-home-page" />
              </Form.Item>
            )}
            {identity === 'id_hash' && (
              <Form.Item
                name="salt"
                label={t('lrs.clients.salt')}
                extra={t('lrs.clients.saltHint')}
                rules={[
                  { required: true, message: t('lrs.clients.saltRequired') },
                  { min: 8, max: 100, message: t('lrs.clients.saltLength') },
                ]}
              >
                <Input maxLength={100} data-testid="lrs-client-salt" />
              </Form.Item>
            )}
          </Form>
        </>
      )}
    </Modal>
  );
}
