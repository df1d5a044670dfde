import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  AutoComplete,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Radio,
  Select,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { queryKeys } from '../../api/query-keys';
import { teacherAccountsApi } from '../../api/teacher-accounts.api';
import { CORRECTABLE_FIELDS, EMPLOYMENTS, GENDERS, STAGES, type CorrectableField, type Teacher } from '../../api/types';
import { useErrorMessage } from '../../lib/error-message';
import { fieldErrorsFrom, showErrorsOnFields } from '../../lib/form-errors';
import { useCorrectionWording } from '../teachers/correction-labels';
import { useRosterWording } from '../teachers/teacher-labels';
import {
  checkIdentity,
  FIRST_TEACHING_YEAR,
  MAX_TEXT,
  nameProblemOf,
  phoneProblemOf,
  SUBJECT_SUGGESTIONS,
  TITLE_SUGGESTIONS,
} from '../teachers/teacher-rules';

type Proposed = string | number | Dayjs | null | undefined;

interface CorrectionForm {
  field?: CorrectableField;
  proposed?: Proposed;
  reason?: string;
}

const FIELDS = ['field', 'proposed', 'reason'] as const;
const MAX_REASON = 500;
/** Set by a resident ID number, so corrected through it. */
const DERIVED_FROM_ID: readonly CorrectableField[] = ['gender', 'birthDate'];
const SECRET_FIELDS: readonly CorrectableField[] = ['idNumber', 'phone'];

/** The form value as the text the server stores: choices as codes, dates as YYYY-MM-DD. */
function proposedString(field: CorrectableField, value: Proposed): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value.trim();
  return field === 'birthDate' ? value.format('YYYY-MM-DD') : '';
}

/** The input that fits the field: choices as choices, so only values the registry takes are sent. */
function ProposedInput({
  field,
  value,
  onChange,
}: {
  field: CorrectableField;
  value?: Proposed;
  onChange?: (v: Proposed) => void;
}) {
  const { t } = useTranslation();
  const common = { 'data-testid': 'correction-proposed', style: { width: '100%' } };
  switch (field) {
    case 'gender':
      return (
        <Radio.Group
          value={value}
          onChange={(e) => onChange?.(e.target.value as string)}
          options={GENDERS.map((g) => ({ value: g, label: t(`teachers.genders.${g}`) }))}
          data-testid="correction-proposed"
        />
      );
    case 'stage':
      return (
        <Select<string>
          {...common}
          value={typeof value === 'string' ? value : undefined}
          onChange={(v) => onChange?.(v)}
          options={STAGES.map((s) => ({ value: s, label: t(`stages.${s}`) }))}
        />
      );
    case 'employment':
      return (
        <Select<string>
          {...common}
          value={typeof value === 'string' ? value : undefined}
          onChange={(v) => onChange?.(v)}
          options={EMPLOYMENTS.map((e) => ({ value: e, label: t(`teachers.employments.${e}`) }))}
        />
      );
    case 'birthDate':
      return (
        <DatePicker
          {...common}
          value={value && typeof value === 'object' ? value : null}
          onChange={(d) => onChange?.(d)}
          inputReadOnly
        />
      );
    case 'teachingStartYear':
      return (
        <InputNumber<number>
          {...common}
          value={typeof value === 'number' ? value : null}
          onChange={(v) => onChange?.(v)}
          min={FIRST_TEACHING_YEAR}
          max={new Date().getFullYear()}
          precision={0}
          inputMode="numeric"
        />
      );
    case 'subject':
    case 'title':
      return (
        <AutoComplete
          {...common}
          value={typeof value === 'string' ? value : undefined}
          onChange={(v: string) => onChange?.(v)}
          options={(field === 'subject' ? SUBJECT_SUGGESTIONS : TITLE_SUGGESTIONS).map((s) => ({ value: s }))}
          maxLength={MAX_TEXT}
        />
      );
    case 'phone':
      return (
        <Input
          {...common}
          value={typeof value === 'string' ? value : undefined}
          onChange={(e) => onChange?.(e.target.value)}
          type="tel"
          inputMode="tel"
          autoComplete="off"
          maxLength={30}
          className="identifier"
        />
      );
    case 'idNumber':
    case 'name':
      return (
        <Input
          {...common}
          value={typeof value === 'string' ? value : undefined}
          onChange={(e) => onChange?.(e.target.value)}
          autoComplete="off"
          maxLength={field === 'name' ? 50 : 30}
          className={field === 'idNumber' ? 'identifier' : undefined}
        />
      );
    default: {
      const never: never = field;
      return never;
    }
  }
}

/**
 * A teacher asks the school to correct a field of their record (PIPL Art. 46): the field, the
 * right value and why. ID numbers and phones are sent encrypted and shown to nobody until accepted.
 */
export function CorrectionRequestCard({ teacher }: { teacher: Teacher }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const { problemText } = useRosterWording();
  const { fieldLabel, currentText } = useCorrectionWording();
  const [form] = Form.useForm<CorrectionForm>();
  const field = Form.useWatch('field', form);

  const fields = CORRECTABLE_FIELDS.filter((f) => teacher.idType !== 'resident' || !DERIVED_FROM_ID.includes(f));
  const problem = (code: string) => problemText(code) ?? t('myTeacher.correction.invalid');

  const send = useMutation({
    mutationFn: (values: CorrectionForm) =>
      teacherAccountsApi.requestCorrection({
        field: values.field!,
        proposed: proposedString(values.field!, values.proposed),
        reason: values.reason?.trim() ?? '',
      }),
    onSuccess: () => {
      void message.success(t('myTeacher.correction.sent'));
      form.resetFields();
      void queryClient.invalidateQueries({ queryKey: queryKeys.myTeacher });
    },
    onError: (err) => showErrorsOnFields(form, err, FIELDS, {}, errorMessage(err)),
  });

  const validateProposed = (value: Proposed): string | null => {
    if (!field) return null;
    const text = proposedString(field, value);
    if (text === '') return t('myTeacher.correction.proposedRequired');
    switch (field) {
      case 'name': {
        const p = nameProblemOf(text);
        return p ? problem(p) : null;
      }
      case 'idNumber': {
        const r = checkIdentity(teacher.idType, text);
        return r.ok ? null : problem(r.problem);
      }
      case 'phone': {
        const p = phoneProblemOf(text);
        return p ? problem(p) : null;
      }
      case 'subject':
      case 'title':
        return [...text].length > MAX_TEXT ? problem('text_too_long') : null;
      default:
        return null;
    }
  };

  const showBanner = send.error !== null && fieldErrorsFrom(send.error, FIELDS).length === 0;

  return (
    <Card title={t('myTeacher.correction.title')} data-testid="correction-request">
      <Typography.Paragraph type="secondary">{t('myTeacher.correction.intro')}</Typography.Paragraph>
      {showBanner && <Alert type="error" showIcon title={errorMessage(send.error)} style={{ marginBottom: 16 }} />}
      <Form<CorrectionForm>
        name="correction"
        form={form}
        layout="vertical"
        requiredMark={false}
        disabled={send.isPending}
        onFinish={(values) => send.mutate(values)}
        onValuesChange={(changed: Partial<CorrectionForm>) => {
          if ('field' in changed) form.setFieldsValue({ proposed: undefined });
        }}
      >
        <Form.Item
          name="field"
          label={t('myTeacher.correction.field')}
          rules={[{ required: true, message: t('myTeacher.correction.fieldRequired') }]}
          extra={teacher.idType === 'resident' ? t('myTeacher.correction.derivedNote') : undefined}
        >
          <Select<CorrectableField>
            placeholder={t('myTeacher.correction.fieldPlaceholder')}
            options={fields.map((f) => ({ value: f, label: fieldLabel(f) }))}
            data-testid="correction-field"
          />
        </Form.Item>
        {field && (
          <Form.Item
            name="proposed"
            label={t('myTeacher.correction.proposed')}
            extra={
              <>
                <div>{t('myTeacher.correction.current', { value: currentText(teacher, field) })}</div>
                {SECRET_FIELDS.includes(field) && <div>{t('myTeacher.correction.secretNote')}</div>}
              </>
            }
            rules={[
              {
                validator: (_, value: Proposed) => {
                  const text = validateProposed(value);
                  return text === null ? Promise.resolve() : Promise.reject(new Error(text));
                },
              },
            ]}
          >
            <ProposedInput field={field} />
          </Form.Item>
        )}
        <Form.Item
          name="reason"
          label={t('myTeacher.correction.reason')}
          rules={[{ required: true, whitespace: true, message: t('myTeacher.correction.reasonRequired') }]}
        >
          <Input.TextArea
            rows={3}
            maxLength={MAX_REASON}
            showCount
            placeholder={t('myTeacher.correction.reasonPlaceholder')}
            data-testid="correction-reason"
          />
        </Form.Item>
        <Button
          type="primary"
          htmlType="submit"
          block
          size="large"
          loading={send.isPending}
          data-testid="correction-submit"
        >
          {t('myTeacher.correction.submit')}
        </Button>
      </Form>
    </Card>
  );
}
