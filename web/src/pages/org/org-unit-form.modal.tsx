import { useMutation } from '@tanstack/react-query';
import { Alert, App, Checkbox, Form, Input, Modal, Select } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { orgUnitsApi } from '../../api/org-units.api';
import { STAGES, type OrgUnit, type OrgUnitKind, type Stage } from '../../api/types';
import { useErrorMessage } from '../../lib/error-message';
import { fieldErrorsFrom, showErrorsOnFields } from '../../lib/form-errors';

interface OrgUnitFormValues {
  kind: OrgUnitKind;
  name: string;
  code?: string;
  divisionCode?: string;
  stages?: Stage[];
  address?: string;
  contactName?: string;
  contactPhone?: string;
}

const FIELDS = ['kind', 'name', 'code', 'divisionCode', 'stages', 'address', 'contactName', 'contactPhone'] as const;
const CODE_FIELDS = { ORG_CODE_TAKEN: 'code', DIVISION_CODE_TAKEN: 'divisionCode', ORG_KIND_NOT_ALLOWED: 'kind' };
/** Kinds whose units teach, and so have stages (学段). */
const KINDS_WITH_STAGES: readonly OrgUnitKind[] = ['township', 'school', 'institution'];

type OrgUnitFormModalProps =
  | {
      mode: 'create';
      parent: OrgUnit;
      childKinds: OrgUnitKind[];
      open: boolean;
      onClose: () => void;
      onSaved: (unit: OrgUnit) => void;
    }
  | { mode: 'edit'; unit: OrgUnit; open: boolean; onClose: () => void; onSaved: (unit: OrgUnit) => void };

function blankToUndefined(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function blankToNull(value: string | undefined): string | null {
  return blankToUndefined(value) ?? null;
}

/** Add a child unit, or edit a unit's own fields. */
export function OrgUnitFormModal(props: OrgUnitFormModalProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const [form] = Form.useForm<OrgUnitFormValues>();
  const kind = Form.useWatch('kind', form);
  const { open, mode } = props;

  const save = useMutation({
    mutationFn: async (values: OrgUnitFormValues) => {
      if (props.mode === 'create') {
        const { unit } = await orgUnitsApi.create({
          parentId: props.parent.id,
          kind: values.kind,
          name: values.name.trim(),
          code: blankToUndefined(values.code),
          divisionCode: blankToUndefined(values.divisionCode),
          stages: KINDS_WITH_STAGES.includes(values.kind) ? (values.stages ?? []) : undefined,
          address: blankToUndefined(values.address),
          contactName: blankToUndefined(values.contactName),
          contactPhone: blankToUndefined(values.contactPhone),
        });
        return unit;
      }
      const { unit } = await orgUnitsApi.update(props.unit.id, {
        name: values.name.trim(),
        code: blankToNull(values.code),
        stages: KINDS_WITH_STAGES.includes(props.unit.kind) ? (values.stages ?? []) : undefined,
        address: blankToNull(values.address),
        contactName: blankToNull(values.contactName),
        contactPhone: blankToNull(values.contactPhone),
      });
      return unit;
    },
    onSuccess: (unit) => {
      void message.success(mode === 'create' ? t('org.form.created', { name: unit.name }) : t('common.saved'));
      props.onSaved(unit);
      props.onClose();
    },
    onError: (err) => {
      showErrorsOnFields(form, err, FIELDS, CODE_FIELDS, errorMessage(err));
    },
  });
  const { reset } = save;

  useEffect(() => {
    if (!open) return;
    reset();
    if (props.mode === 'edit') {
      const { unit } = props;
      form.setFieldsValue({
        kind: unit.kind,
        name: unit.name,
        code: unit.code ?? undefined,
        divisionCode: unit.divisionCode ?? undefined,
        stages: unit.stages,
        address: unit.address ?? undefined,
        contactName: unit.contactName ?? undefined,
        contactPhone: unit.contactPhone ?? undefined,
      });
    } else {
      form.resetFields();
      // Schools are what gets added most; otherwise the first kind allowed here.
      form.setFieldsValue({ kind: props.childKinds.includes('school') ? 'school' : props.childKinds[0] });
    }
    // Re-initialise only when the modal opens, not on every parent render.
  }, [open]);

  const effectiveKind = props.mode === 'edit' ? props.unit.kind : kind;
  const showStages = effectiveKind !== undefined && KINDS_WITH_STAGES.includes(effectiveKind);
  const bannerError =
    save.error && fieldErrorsFrom(save.error, FIELDS, CODE_FIELDS).length === 0 ? errorMessage(save.error) : null;

  return (
    <Modal
      open={open}
      title={
        props.mode === 'create'
          ? t('org.form.createTitle', { parent: props.parent.name })
          : t('org.form.editTitle', { name: props.unit.name })
      }
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      onCancel={props.onClose}
      confirmLoading={save.isPending}
      mask={{ closable: !save.isPending }}
      forceRender
      width={560}
    >
      {bannerError && <Alert type="error" showIcon title={bannerError} style={{ marginBottom: 16 }} />}
      <Form<OrgUnitFormValues>
        name={`org-unit-${mode}`}
        form={form}
        layout="vertical"
        onFinish={(values) => save.mutate(values)}
        disabled={save.isPending}
        data-testid="org-unit-form"
      >
        {props.mode === 'create' && (
          <Form.Item
            name="kind"
            label={t('org.fields.kind')}
            rules={[{ required: true, message: t('org.form.kindRequired') }]}
          >
            <Select options={props.childKinds.map((value) => ({ value, label: t(`kinds.${value}`) }))} />
          </Form.Item>
        )}
        <Form.Item
          name="name"
          label={t('org.fields.name')}
          rules={[
            { required: true, whitespace: true, message: t('org.form.nameRequired') },
            { max: 100, message: t('validation.maxLength', { max: 100 }) },
          ]}
        >
          <Input maxLength={100} data-testid="org-form-name" />
        </Form.Item>
        <Form.Item
          name="code"
          label={t('org.fields.code')}
          extra={t('org.form.codeHint')}
          rules={[{ pattern: /^[A-Za-z0-9_-]{1,40}$/, message: t('org.form.codeInvalid') }]}
        >
          <Input maxLength={40} />
        </Form.Item>
        {props.mode === 'create' && (
          <Form.Item
            name="divisionCode"
            label={t('org.fields.divisionCode')}
            extra={t('org.form.divisionCodeHint')}
            rules={[{ pattern: /^\d{6}$/, message: t('org.form.divisionCodeInvalid') }]}
          >
            <Input inputMode="numeric" maxLength={6} />
          </Form.Item>
        )}
        {showStages && (
          <Form.Item name="stages" label={t('org.fields.stages')}>
            <Checkbox.Group options={STAGES.map((value) => ({ value, label: t(`stages.${value}`) }))} />
          </Form.Item>
        )}
        <Form.Item
          name="address"
          label={t('org.fields.address')}
          rules={[{ max: 200, message: t('validation.maxLength', { max: 200 }) }]}
        >
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item
          name="contactName"
          label={t('org.fields.contactName')}
          rules={[{ max: 50, message: t('validation.maxLength', { max: 50 }) }]}
        >
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item
          name="contactPhone"
          label={t('org.fields.contactPhone')}
          rules={[{ pattern: /^[0-9+\-() ]{5,30}$/, message: t('validation.phone') }]}
        >
          <Input inputMode="tel" maxLength={30} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
