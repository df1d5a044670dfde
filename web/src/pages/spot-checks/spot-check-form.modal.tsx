import { App, Form, Input, InputNumber, Modal, Select } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { type SpotCheck, type SpotCheckInput, spotCheckKeys, spotChecksApi } from '../../api/spot-checks.api';
import { useCurrentUser } from '../../auth/session';
import { OrgUnitPicker } from '../../components/org-unit-picker';
import { useErrorMessage } from '../../lib/error-message';
import { showErrorsOnFields } from '../../lib/form-errors';
import { SUBJECT_SUGGESTIONS } from '../teachers/teacher-rules';

const STAGES = ['kindergarten', 'primary', 'junior', 'senior', 'vocational'] as const;
const EMPLOYMENTS = ['staff', 'special_post', 'substitute'] as const;
const FIELDS = ['title', 'year', 'ratePercent', 'minPerUnit', 'stages', 'subjects', 'employments', 'orgUnitId'];

type Criteria = NonNullable<SpotCheckInput['criteria']>;

interface Values {
  title: string;
  year: number;
  ratePercent: number;
  minPerUnit: number;
  stages?: string[];
  subjects?: string[];
  employments?: string[];
  orgUnitId?: number;
}

/** Drafts a spot-check, or changes a draft (`spotCheck`). */
export default function SpotCheckFormModal({
  spotCheck,
  onClose,
  onSaved,
}: {
  spotCheck?: SpotCheck;
  onClose: () => void;
  onSaved: (s: SpotCheck) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const me = useCurrentUser();
  const [form] = Form.useForm<Values>();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (v: Values) => {
      const input: SpotCheckInput = {
        title: v.title,
        year: v.year,
        ratePercent: v.ratePercent,
        minPerUnit: v.minPerUnit,
        criteria: {
          ...(v.stages?.length ? { stages: v.stages as Criteria['stages'] } : {}),
          ...(v.subjects?.length ? { subjects: v.subjects } : {}),
          ...(v.employments?.length ? { employments: v.employments as Criteria['employments'] } : {}),
        },
      };
      return spotCheck
        ? spotChecksApi.update(spotCheck.id, input)
        : spotChecksApi.create({ ...input, ...(v.orgUnitId ? { orgUnitId: v.orgUnitId } : {}) });
    },
    onSuccess: (r) => {
      void queryClient.invalidateQueries({ queryKey: spotCheckKeys.all });
      onSaved(r.spotCheck);
    },
    onError: (err) => {
      if (!showErrorsOnFields(form, err, FIELDS, {}, undefined, () => t('spotChecks.form.invalid')))
        void message.error(errorText(err));
    },
  });
  const initial: Values = spotCheck
    ? {
        title: spotCheck.title,
        year: spotCheck.year,
        ratePercent: spotCheck.ratePercent,
        minPerUnit: spotCheck.minPerUnit,
        stages: spotCheck.criteria.stages,
        subjects: spotCheck.criteria.subjects,
        employments: spotCheck.criteria.employments,
      }
    : { title: '', year: new Date().getFullYear(), ratePercent: 10, minPerUnit: 1 };

  return (
    <Modal
      open
      title={spotCheck ? t('spotChecks.form.editTitle') : t('spotChecks.form.title')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      onCancel={onClose}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      okButtonProps={{ 'data-testid': 'spot-check-save' }}
      destroyOnHidden
    >
      <Form<Values> form={form} layout="vertical" initialValues={initial} onFinish={(v) => save.mutate(v)}>
        <Form.Item name="title" label={t('spotChecks.title')} rules={[{ required: true, max: 200 }]}>
          <Input data-testid="spot-check-title" />
        </Form.Item>
        <Form.Item name="year" label={t('spotChecks.year')} rules={[{ required: true }]}>
          <InputNumber min={2000} max={2100} />
        </Form.Item>
        {!spotCheck && (me.role === 'province_admin' || me.role === 'city_admin') && (
          <Form.Item name="orgUnitId" label={t('spotChecks.organiser')} extra={t('spotChecks.form.organiserHint')}>
            <OrgUnitPicker kinds={['city', 'county']} allowClear placeholder={t('spotChecks.form.ownUnit')} />
          </Form.Item>
        )}
        <Form.Item
          name="ratePercent"
          label={t('spotChecks.form.rate')}
          rules={[{ required: true }]}
          extra={t('spotChecks.form.rateHint')}
        >
          <InputNumber min={0.01} max={100} step={1} precision={2} addonAfter="%" data-testid="spot-check-rate" />
        </Form.Item>
        <Form.Item name="minPerUnit" label={t('spotChecks.form.minPerUnit')} rules={[{ required: true }]}>
          <InputNumber min={0} max={1000} precision={0} />
        </Form.Item>
        <Form.Item name="stages" label={t('spotChecks.form.stages')} extra={t('spotChecks.form.allHint')}>
          <Select mode="multiple" allowClear options={STAGES.map((s) => ({ value: s, label: t(`stages.${s}`) }))} />
        </Form.Item>
        <Form.Item name="subjects" label={t('spotChecks.form.subjects')} extra={t('spotChecks.form.allHint')}>
          <Select mode="tags" allowClear options={SUBJECT_SUGGESTIONS.map((s) => ({ value: s, label: s }))} />
        </Form.Item>
        <Form.Item name="employments" label={t('spotChecks.form.employments')} extra={t('spotChecks.form.allHint')}>
          <Select
            mode="multiple"
            allowClear
            options={EMPLOYMENTS.map((s) => ({ value: s, label: t(`teachers.employments.${s}`) }))}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
