import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Col, DatePicker, Form, Input, Row, Select, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, isApiError } from '../../api/client';
import { creditsApi } from '../../api/credits.api';
import { queryKeys } from '../../api/query-keys';
import {
  SOURCE_TYPES,
  type Cycle,
  type EvidenceFile,
  type MatchingRegistration,
  type RegistrationInput,
  type RegistrationProblem,
  type SourceType,
} from '../../api/types';
import { useCreditWording } from '../../components/credit-labels';
import { useErrorMessage, validationIssues } from '../../lib/error-message';
import { formatHours, parseHours } from '../../lib/hours';
import { newIdemKey } from '../../lib/idem-key';
import { EvidenceUpload } from './evidence-upload';
import { EMPTY_PICK, pickCount, TeacherPicker, type TeacherPick } from './teacher-multi-picker';

interface RegisterValues {
  teachers?: TeacherPick;
  hours?: string;
  occurredOn?: Dayjs | null;
  title?: string;
  categories?: string[];
  sourceType?: SourceType;
  sourceRef?: string;
  evidence?: EvidenceFile | null;
  evidenceRef?: string;
}

/** Registration fields of the server, by the form field that holds them. */
const FORM_FIELD: Record<string, keyof RegisterValues> = {
  teacherId: 'teachers',
  hours: 'hours',
  occurredOn: 'occurredOn',
  title: 'title',
  categories: 'categories',
  sourceType: 'sourceType',
  sourceRef: 'sourceRef',
  evidenceId: 'evidence',
  evidenceRef: 'evidenceRef',
};

function isProblem(value: unknown): value is RegistrationProblem {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { index?: unknown }).index === 'number' &&
    typeof (value as { field?: unknown }).field === 'string' &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}

/** `details.problems` of ENTRY_INVALID, or nothing. */
export function registrationProblems(err: unknown): RegistrationProblem[] {
  if (!isApiError(err, 'ENTRY_INVALID')) return [];
  const problems = err.details?.['problems'];
  return Array.isArray(problems) ? problems.filter(isProblem) : [];
}

interface RowProblem {
  key: string;
  teacher: string;
  field: string;
  text: string;
}

/**
 * Registers hours for one teacher or many at once (all or none). Hours are typed as decimals
 * (2.5) and sent in tenths; evidence is uploaded first and referred to by id. Each submission
 * carries a fresh key per teacher, so a double click or a retry after a lost answer is one entry.
 */
export function RegisterForm({ orgUnitId, cycle }: { orgUnitId: number; cycle: Cycle | undefined }) {
  const { t, i18n } = useTranslation();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const { categoryName, sourceLabel, registrationProblemText } = useCreditWording();
  const [form] = Form.useForm<RegisterValues>();
  // One key per submitted content: kept while the same content is retried, renewed when it changes.
  const idemKey = useRef(newIdemKey());
  const [rowProblems, setRowProblems] = useState<RowProblem[]>([]);
  const [banner, setBanner] = useState<string | null>(null);
  const teachers = Form.useWatch('teachers', form) ?? EMPTY_PICK;

  const rules = cycle?.rules;
  const fieldLabel = (field: string) => {
    const key = `creditRegister.fields.${FORM_FIELD[field] ?? field}`;
    return i18n.exists(key) ? t(key) : field;
  };

  const register = useMutation({
    mutationFn: (r: { entries: RegistrationInput[] } | MatchingRegistration) =>
      'entries' in r ? creditsApi.register(r.entries) : creditsApi.registerMatching(r),
    onSuccess: (result) => {
      if (result.created > 0) void message.success(t('creditRegister.done', { count: result.created }));
      if (result.replayed > 0) void message.info(t('creditRegister.replayed', { count: result.replayed }));
      idemKey.current = newIdemKey();
      form.setFieldsValue({
        teachers: EMPTY_PICK,
        hours: undefined,
        title: undefined,
        evidence: null,
        evidenceRef: undefined,
        sourceRef: undefined,
      });
      void queryClient.invalidateQueries({ queryKey: queryKeys.credits });
    },
  });

  const submit = (values: RegisterValues) => {
    const pick = values.teachers ?? EMPTY_PICK;
    const picked = pick.teachers;
    const entry = {
      hours: parseHours(values.hours ?? '')!,
      occurredOn: values.occurredOn!.format('YYYY-MM-DD'),
      title: values.title!.trim(),
      categories: values.categories ?? [],
      sourceType: values.sourceType ?? 'school_activity',
      sourceRef: values.sourceRef?.trim() || null,
      evidenceId: values.evidence?.id ?? null,
      evidenceRef: values.evidenceRef?.trim() || null,
    };
    // "all N matching": the filters go to the server, which keys each teacher's entry idemKey:teacherId
    const request = pick.matching
      ? {
          matching: pick.matching.filter,
          except: pick.matching.except.map((x) => x.id),
          entry,
          idemKey: idemKey.current,
        }
      : {
          entries: picked.map((teacher) => ({
            ...entry,
            teacherId: teacher.id,
            idemKey: `${idemKey.current}:${teacher.id}`,
          })),
        };
    setRowProblems([]);
    setBanner(null);
    const send = () =>
      register.mutate(request, {
        onError: (err) => {
          const problems = registrationProblems(err);
          if (problems.length > 0) {
            // each field gets its distinct problems; with many teachers, the rows are listed too
            const byField = new Map<keyof RegisterValues, Set<string>>();
            const rows: RowProblem[] = problems.map((p, i) => {
              const text = registrationProblemText(p.code, p.params);
              const field = FORM_FIELD[p.field];
              if (field) byField.set(field, (byField.get(field) ?? new Set()).add(text));
              return {
                key: `${p.index}-${i}`,
                teacher: p.teacherName ?? picked[p.index]?.name ?? `#${p.index + 1}`,
                field: fieldLabel(p.field),
                text,
              };
            });
            form.setFields([...byField].map(([name, texts]) => ({ name, errors: [...texts] })));
            if (pickCount(pick) > 1 || problems.some((p) => !FORM_FIELD[p.field])) setRowProblems(rows);
            setBanner(errorMessage(err));
            return;
          }
          const issues = validationIssues(err);
          if (issues.length > 0) {
            const fields = issues
              .map((issue) => ({
                name: issue.path
                  .split(/[./[\]]+/)
                  .map((s) => FORM_FIELD[s])
                  .find(Boolean),
                message: issue.message,
              }))
              .filter((x): x is { name: keyof RegisterValues; message: string } => x.name !== undefined);
            form.setFields(fields.map((f) => ({ name: f.name, errors: [f.message] })));
            if (fields.length === 0) setBanner(errorMessage(err));
            return;
          }
          if (isApiError(err, 'YEAR_LOCKED')) form.setFields([{ name: 'occurredOn', errors: [errorMessage(err)] }]);
          if (isApiError(err, 'IDEMPOTENCY_KEY_REUSED')) idemKey.current = newIdemKey();
          setBanner(
            err instanceof ApiError && err.code === 'IDEMPOTENCY_KEY_REUSED'
              ? t('creditRegister.keyReused')
              : errorMessage(err),
          );
        },
      });
    // an "all matching" pick shows no names: say how many and what before writing
    if (pick.matching)
      modal.confirm({
        title: t('creditRegister.confirmMatching.title', { count: pickCount(pick) }),
        content: t('creditRegister.confirmMatching.text', {
          count: pickCount(pick),
          hours: formatHours(entry.hours),
          title: entry.title,
        }),
        okText: t('creditRegister.confirmMatching.ok', { count: pickCount(pick) }),
        cancelText: t('common.cancel'),
        onOk: send,
      });
    else send();
  };

  const maxEntry = rules?.maxEntryHours;

  return (
    <div className="register-form" data-testid="register-form">
      {!cycle && <Alert type="warning" showIcon title={t('creditRegister.noCycle')} style={{ marginBottom: 16 }} />}
      {banner && (
        <Alert type="error" showIcon title={banner} style={{ marginBottom: 16 }} data-testid="register-error" />
      )}
      {rowProblems.length > 0 && (
        <Alert
          type="error"
          style={{ marginBottom: 16 }}
          title={t('creditRegister.rowProblems', { count: rowProblems.length })}
          description={
            <ul className="problem-list" data-testid="register-row-problems">
              {rowProblems.slice(0, 50).map((p) => (
                <li key={p.key}>
                  <Typography.Text strong>{p.teacher}</Typography.Text>
                  {t('common.labelSeparator')}
                  {p.field}
                  {t('common.labelSeparator')}
                  {p.text}
                </li>
              ))}
              {rowProblems.length > 50 && (
                <li>{t('creditRegister.moreProblems', { count: rowProblems.length - 50 })}</li>
              )}
            </ul>
          }
        />
      )}
      <Form<RegisterValues>
        form={form}
        name="credit-register"
        layout="vertical"
        requiredMark={false}
        disabled={register.isPending}
        initialValues={{ sourceType: 'school_activity', categories: [], teachers: EMPTY_PICK, evidence: null }}
        onValuesChange={() => {
          // new content, new key: the old key belongs to what was sent before
          idemKey.current = newIdemKey();
        }}
        onFinish={submit}
      >
        <Form.Item
          name="teachers"
          label={t('creditRegister.fields.teachers')}
          rules={[
            {
              validator: async (_, v: TeacherPick | undefined) => {
                if (pickCount(v) === 0) throw new Error(t('creditRegister.teachersRequired'));
              },
            },
          ]}
          extra={pickCount(teachers) > 1 ? t('creditRegister.manyTeachers', { count: pickCount(teachers) }) : undefined}
        >
          <TeacherPicker orgUnitId={orgUnitId} allowMatching />
        </Form.Item>
        <Row gutter={16}>
          <Col xs={24} sm={12} md={8}>
            <Form.Item
              name="hours"
              label={t('creditRegister.fields.hours')}
              extra={
                maxEntry !== undefined
                  ? t('creditRegister.hoursHint', { max: formatHours(maxEntry) })
                  : t('creditRegister.hoursHintPlain')
              }
              rules={[
                {
                  validator: async (_, v: string | undefined) => {
                    const tenths = parseHours(v ?? '');
                    if (tenths === null || tenths <= 0) throw new Error(t('creditRegister.hoursInvalid'));
                    if (maxEntry !== undefined && tenths > maxEntry)
                      throw new Error(t('creditRegister.hoursAboveLimit', { max: formatHours(maxEntry) }));
                  },
                },
              ]}
            >
              <Input
                inputMode="decimal"
                placeholder="2.5"
                suffix={t('credits.hoursUnit')}
                maxLength={8}
                data-testid="register-hours"
              />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12} md={8}>
            <Form.Item
              name="occurredOn"
              label={t('creditRegister.fields.occurredOn')}
              rules={[{ required: true, message: t('creditRegister.dateRequired') }]}
            >
              <DatePicker
                style={{ width: '100%' }}
                disabledDate={(d) => d.isAfter(dayjs(), 'day')}
                inputReadOnly
                data-testid="register-date"
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="sourceType" label={t('creditRegister.fields.sourceType')}>
              <Select<SourceType>
                options={SOURCE_TYPES.map((s) => ({ value: s, label: sourceLabel(s) }))}
                data-testid="register-source"
              />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item
          name="title"
          label={t('creditRegister.fields.title')}
          rules={[{ required: true, whitespace: true, message: t('creditRegister.titleRequired') }]}
        >
          <Input
            maxLength={200}
            showCount
            placeholder={t('creditRegister.titlePlaceholder')}
            data-testid="register-title"
          />
        </Form.Item>
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item
              name="categories"
              label={t('creditRegister.fields.categories')}
              extra={t('creditRegister.categoriesHint')}
            >
              <Select<string[]>
                mode="multiple"
                allowClear
                options={(rules?.categories ?? []).map((c) => ({ value: c.code, label: categoryName(rules, c.code) }))}
                placeholder={t('creditRegister.categoriesPlaceholder')}
                data-testid="register-categories"
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="sourceRef" label={t('creditRegister.fields.sourceRef')}>
              <Input maxLength={100} placeholder={t('creditRegister.sourceRefPlaceholder')} />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name="evidence" label={t('creditRegister.fields.evidence')}>
              <EvidenceUpload orgUnitId={orgUnitId} disabled={register.isPending} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name="evidenceRef"
              label={t('creditRegister.fields.evidenceRef')}
              extra={t('creditRegister.evidenceRefHint')}
            >
              <Input maxLength={200} />
            </Form.Item>
          </Col>
        </Row>
        <Button
          type="primary"
          htmlType="submit"
          size="large"
          loading={register.isPending}
          disabled={!cycle}
          data-testid="register-submit"
        >
          {pickCount(teachers) > 1
            ? t('creditRegister.submitMany', { count: pickCount(teachers) })
            : t('creditRegister.submit')}
        </Button>
      </Form>
    </div>
  );
}
