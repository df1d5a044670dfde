import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, DatePicker, Form, Input, InputNumber, Modal, Radio, Select, Table } from 'antd';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { type BackboneRound, type BackboneRoundInput, backboneApi, backboneKeys } from '../../api/backbone.api';
import { orgUnitsApi } from '../../api/org-units.api';
import { useCurrentUser } from '../../auth/session';
import { useErrorMessage } from '../../lib/error-message';
import { showErrorsOnFields } from '../../lib/form-errors';
import { SUBJECT_SUGGESTIONS } from '../teachers/teacher-rules';

const STAGES = ['kindergarten', 'primary', 'junior', 'senior', 'vocational'] as const;
const FIELDS = [
  'title',
  'criteria',
  'nominationDeadline',
  'termYears',
  'openLessons',
  'papers',
  'minServiceYears',
  'quotas',
];

interface Values {
  title: string;
  kind: 'selection' | 'review';
  criteria: string;
  nominationDeadline?: Dayjs;
  termYears: number;
  openLessons: number;
  papers: number;
  minServiceYears?: number | null;
  stages?: string[];
  subjects?: string[];
  quotas: Record<string, number | null>;
}

/**
 * Opens a round at the reader's own unit and level: criteria, optional checks, a quota for each unit
 * directly below (a school's own round: the school's), the nomination deadline, the term and the duties.
 */
export default function RoundFormModal({
  onClose,
  onSaved,
}: {
  onClose: () => void;
  onSaved: (r: BackboneRound) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const me = useCurrentUser();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<Values>();
  const isSchool = me.orgUnit.kind === 'school';
  const children = useQuery({
    queryKey: ['backbone', 'quota-units', me.orgUnit.id],
    queryFn: () => orgUnitsApi.children(me.orgUnit.id, { pageSize: 200 }),
    enabled: !isSchool,
  });
  const units = isSchool
    ? [{ id: me.orgUnit.id, name: me.orgUnit.name }]
    : (children.data?.items ?? []).filter((u) => u.kind !== 'institution').map((u) => ({ id: u.id, name: u.name }));
  const save = useMutation({
    mutationFn: (v: Values) => {
      const input: BackboneRoundInput = {
        kind: v.kind,
        title: v.title,
        criteria: v.criteria,
        nominationDeadline: v.nominationDeadline?.format('YYYY-MM-DD') ?? '',
        termYears: v.termYears,
        duties: { openLessons: v.openLessons, papers: v.papers },
        checks: {
          ...(v.minServiceYears ? { minServiceYears: v.minServiceYears } : {}),
          ...(v.stages?.length ? { stages: v.stages as NonNullable<BackboneRoundInput['checks']>['stages'] } : {}),
          ...(v.subjects?.length ? { subjects: v.subjects } : {}),
        },
        quotas: units
          .map((u) => ({ orgUnitId: u.id, quota: v.quotas?.[String(u.id)] ?? 0 }))
          .filter((q) => q.quota > 0),
      };
      return backboneApi.createRound(input);
    },
    onSuccess: (r) => {
      void queryClient.invalidateQueries({ queryKey: backboneKeys.all });
      onSaved(r.round);
    },
    onError: (err) => {
      if (!showErrorsOnFields(form, err, FIELDS, {}, undefined, () => t('backbone.form.invalid')))
        void message.error(errorText(err));
    },
  });
  const level = { school: 'school', county: 'county', city: 'city', province: 'province' }[me.orgUnit.kind as string];

  return (
    <Modal
      open
      width={720}
      title={t('backbone.form.title')}
      okText={t('backbone.form.open')}
      cancelText={t('common.cancel')}
      onCancel={onClose}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      okButtonProps={{ 'data-testid': 'backbone-round-save' }}
      destroyOnHidden
    >
      {level && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          message={t('backbone.form.levelNote', { unit: me.orgUnit.name, level: t(`backbone.levels.${level}`) })}
        />
      )}
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={{
          kind: 'selection',
          termYears: 3,
          openLessons: 1,
          papers: 1,
          criteria: '',
          title: '',
          quotas: {},
        }}
        onFinish={(v) => save.mutate(v)}
      >
        <Form.Item name="title" label={t('backbone.round.title')} rules={[{ required: true, max: 200 }]}>
          <Input data-testid="backbone-round-title" />
        </Form.Item>
        <Form.Item name="kind" label={t('backbone.round.kind')}>
          <Radio.Group
            options={(['selection', 'review'] as const).map((k) => ({ value: k, label: t(`backbone.kinds.${k}`) }))}
          />
        </Form.Item>
        <Form.Item name="criteria" label={t('backbone.round.criteria')} rules={[{ required: true, max: 5000 }]}>
          <Input.TextArea rows={4} data-testid="backbone-round-criteria" />
        </Form.Item>
        <Form.Item name="nominationDeadline" label={t('backbone.round.deadline')} rules={[{ required: true }]}>
          <DatePicker data-testid="backbone-round-deadline" />
        </Form.Item>
        <Form.Item name="termYears" label={t('backbone.round.termYears')} rules={[{ required: true }]}>
          <InputNumber min={1} max={10} precision={0} addonAfter={t('backbone.form.years')} />
        </Form.Item>
        <Form.Item label={t('backbone.round.duties')} extra={t('backbone.form.dutiesHint')}>
          <Input.Group compact>
            <Form.Item name="openLessons" noStyle>
              <InputNumber min={0} max={20} precision={0} addonBefore={t('backbone.dutyKinds.open_lesson')} />
            </Form.Item>
            <Form.Item name="papers" noStyle>
              <InputNumber min={0} max={20} precision={0} addonBefore={t('backbone.dutyKinds.paper')} />
            </Form.Item>
          </Input.Group>
        </Form.Item>
        <Form.Item
          name="minServiceYears"
          label={t('backbone.form.minServiceYears')}
          extra={t('backbone.form.optional')}
        >
          <InputNumber min={0} max={60} precision={0} />
        </Form.Item>
        <Form.Item name="stages" label={t('backbone.form.stages')} extra={t('backbone.form.allHint')}>
          <Select mode="multiple" allowClear options={STAGES.map((s) => ({ value: s, label: t(`stages.${s}`) }))} />
        </Form.Item>
        <Form.Item name="subjects" label={t('backbone.form.subjects')} extra={t('backbone.form.allHint')}>
          <Select mode="tags" allowClear options={SUBJECT_SUGGESTIONS.map((s) => ({ value: s, label: s }))} />
        </Form.Item>
        <Form.Item label={t('backbone.form.quotas')} extra={t('backbone.form.quotasHint')} name="quotas-label">
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            loading={children.isFetching}
            dataSource={units}
            scroll={{ y: 240 }}
            columns={[
              { title: t('backbone.form.unit'), dataIndex: 'name' },
              {
                title: t('backbone.form.quota'),
                key: 'quota',
                width: 140,
                render: (_, u) => (
                  <Form.Item name={['quotas', String(u.id)]} noStyle>
                    <InputNumber min={0} max={10000} precision={0} data-testid={`backbone-quota-${u.id}`} />
                  </Form.Item>
                ),
              },
            ]}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
