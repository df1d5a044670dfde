import { useMutation } from '@tanstack/react-query';
import {
  Alert,
  App,
  AutoComplete,
  Checkbox,
  Col,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Row,
  Select,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { teachersApi } from '../../api/teachers.api';
import {
  BACKBONE_LEVELS,
  EMPLOYMENTS,
  GENDERS,
  ID_TYPES,
  STAGES,
  type BackboneLevel,
  type CreateTeacherInput,
  type Employment,
  type Gender,
  type IdType,
  type OrgUnitRef,
  type Stage,
  type Teacher,
  type UpdateTeacherInput,
} from '../../api/types';
import { OrgUnitPicker } from '../../components/org-unit-picker';
import { useErrorMessage } from '../../lib/error-message';
import { fieldErrorsFrom, showErrorsOnFields } from '../../lib/form-errors';
import { useIsPhone } from '../../lib/use-media-query';
import { useRosterWording } from './teacher-labels';
import {
  checkIdentity,
  FIRST_TEACHING_YEAR,
  MAX_TEXT,
  nameProblemOf,
  phoneProblemOf,
  SUBJECT_SUGGESTIONS,
  teachingStartYearProblemOf,
  TITLE_SUGGESTIONS,
} from './teacher-rules';
import { holdsTeachers, TEACHER_UNIT_KINDS } from '../../../../src/domain/org-tree';

type FlagKey = 'headTeacher' | 'subjectLeader' | 'masterTeacher' | 'newTeacher';
const FLAG_KEYS: readonly FlagKey[] = ['headTeacher', 'subjectLeader', 'masterTeacher', 'newTeacher'];

interface TeacherFormValues {
  orgUnitId?: number;
  name: string;
  idType: IdType;
  idNumber?: string;
  gender?: Gender | null;
  birthDate?: Dayjs | null;
  phone?: string;
  clearPhone?: boolean;
  stage: Stage;
  subject?: string;
  title?: string;
  teachingStartYear?: number | null;
  employment: Employment;
  backboneLevel?: BackboneLevel | null;
  flags: FlagKey[];
}

const FIELDS = [
  'orgUnitId',
  'name',
  'idType',
  'idNumber',
  'gender',
  'birthDate',
  'phone',
  'stage',
  'subject',
  'title',
  'teachingStartYear',
  'employment',
  'backboneLevel',
  'flags',
] as const;
const CODE_FIELDS = {
  TEACHER_ID_TAKEN: 'idNumber',
  TEACHER_UNIT_NOT_SCHOOL: 'orgUnitId',
};

type TeacherFormModalProps =
  | {
      mode: 'create';
      open: boolean;
      /** Schools offered before the user types; the first school among them is preselected. */
      schoolOptions: OrgUnitRef[];
      onClose: () => void;
      onSaved: (teacher: Teacher) => void;
    }
  | { mode: 'edit'; open: boolean; teacher: Teacher; onClose: () => void; onSaved: (teacher: Teacher) => void };

function blank(value: string | undefined | null): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

function dayString(value: Dayjs | null | undefined): string | null {
  return value ? value.format('YYYY-MM-DD') : null;
}

function flagsOf(teacher: Teacher): FlagKey[] {
  return FLAG_KEYS.filter((key) => teacher[key]);
}

/** The fields that differ from the stored teacher: an edit sends only those. */
function patchOf(teacher: Teacher, values: TeacherFormValues): UpdateTeacherInput {
  const patch: UpdateTeacherInput = {};
  const name = values.name.trim();
  if (name !== teacher.name) patch.name = name;
  const idNumber = blank(values.idNumber);
  const identityChanged = idNumber !== null || values.idType !== teacher.idType;
  if (values.idType !== teacher.idType) patch.idType = values.idType;
  if (idNumber !== null) patch.idNumber = idNumber;
  if (values.idType !== 'resident') {
    const gender = values.gender ?? null;
    const birthDate = dayString(values.birthDate);
    if (identityChanged || gender !== teacher.gender) patch.gender = gender;
    // the record shows the birth year only (the rest is what the masked ID number hides): an empty
    // field keeps the stored date, a picked one replaces it
    if (birthDate !== null) patch.birthDate = birthDate;
  }
  if (values.clearPhone) patch.phone = null;
  else if (blank(values.phone) !== null) patch.phone = blank(values.phone);
  if (values.stage !== teacher.stage) patch.stage = values.stage;
  const subject = blank(values.subject);
  if (subject !== teacher.subject) patch.subject = subject;
  const title = blank(values.title);
  if (title !== teacher.title) patch.title = title;
  const year = values.teachingStartYear ?? null;
  if (year !== teacher.teachingStartYear) patch.teachingStartYear = year;
  if (values.employment !== teacher.employment) patch.employment = values.employment;
  const backboneLevel = values.backboneLevel ?? null;
  if (backboneLevel !== teacher.backboneLevel) patch.backboneLevel = backboneLevel;
  for (const key of FLAG_KEYS) {
    const on = values.flags.includes(key);
    if (on !== teacher[key]) patch[key] = on;
  }
  return patch;
}

function createInput(values: TeacherFormValues): CreateTeacherInput {
  const resident = values.idType === 'resident';
  return {
    orgUnitId: values.orgUnitId ?? 0,
    name: values.name.trim(),
    idType: values.idType,
    idNumber: values.idNumber?.trim() ?? '',
    // a resident ID number carries them; the server derives them
    gender: resident ? undefined : (values.gender ?? null),
    birthDate: resident ? undefined : dayString(values.birthDate),
    phone: blank(values.phone),
    stage: values.stage,
    subject: blank(values.subject),
    title: blank(values.title),
    teachingStartYear: values.teachingStartYear ?? null,
    employment: values.employment,
    backboneLevel: values.backboneLevel ?? null,
    headTeacher: values.flags.includes('headTeacher'),
    subjectLeader: values.flags.includes('subjectLeader'),
    masterTeacher: values.flags.includes('masterTeacher'),
    newTeacher: values.flags.includes('newTeacher'),
  };
}

function suggestions(all: readonly string[], typed: string | undefined) {
  const text = typed?.trim() ?? '';
  return all.filter((value) => !text || value.includes(text)).map((value) => ({ value }));
}

/** Add a teacher to a school, or change one: the registry's rules checked as the user types. */
export function TeacherFormModal(props: TeacherFormModalProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const isPhone = useIsPhone();
  const { problemText } = useRosterWording();
  const [form] = Form.useForm<TeacherFormValues>();
  const { open, mode } = props;
  const editing = props.mode === 'edit' ? props.teacher : null;

  const idType = Form.useWatch('idType', form) ?? 'resident';
  const idNumber = Form.useWatch('idNumber', form);
  const subject = Form.useWatch('subject', form);
  const title = Form.useWatch('title', form);
  const hasNewIdNumber = Boolean(idNumber?.trim());

  /** Gender and birth date as a resident ID number states them (the typed one, else the stored one). */
  const derived = useMemo(() => {
    if (idType !== 'resident') return null;
    if (hasNewIdNumber) {
      const r = checkIdentity('resident', idNumber ?? '');
      return r.ok ? { gender: r.gender, birthDate: r.birthDate } : null;
    }
    if (editing && editing.idType === 'resident') return { gender: editing.gender, birthDate: editing.birthDate };
    return null;
  }, [idType, idNumber, hasNewIdNumber, editing]);

  useEffect(() => {
    if (!open || idType !== 'resident') return;
    form.setFieldsValue({
      gender: derived?.gender ?? null,
      birthDate: derived?.birthDate ? dayjs(derived.birthDate) : null,
    });
  }, [open, idType, derived, form]);

  const problem = (code: string) => problemText(code) ?? code;

  const save = useMutation({
    mutationFn: async (values: TeacherFormValues): Promise<Teacher | null> => {
      if (props.mode === 'create') return (await teachersApi.create(createInput(values))).teacher;
      const patch = patchOf(props.teacher, values);
      if (Object.keys(patch).length === 0) return null;
      return (await teachersApi.update(props.teacher.id, patch)).teacher;
    },
    onSuccess: (teacher) => {
      if (teacher === null) {
        void message.info(t('teachers.form.noChanges'));
      } else {
        void message.success(
          mode === 'create' ? t('teachers.form.created', { name: teacher.name }) : t('common.saved'),
        );
        props.onSaved(teacher);
      }
      props.onClose();
    },
    onError: (err) => {
      showErrorsOnFields(form, err, FIELDS, CODE_FIELDS, errorMessage(err), problem);
    },
  });
  const { reset } = save;

  useEffect(() => {
    if (!open) return;
    reset();
    form.resetFields();
    if (props.mode === 'edit') {
      const { teacher } = props;
      form.setFieldsValue({
        name: teacher.name,
        idType: teacher.idType,
        idNumber: undefined,
        gender: teacher.gender,
        birthDate: teacher.birthDate ? dayjs(teacher.birthDate) : null,
        phone: undefined,
        clearPhone: false,
        stage: teacher.stage,
        subject: teacher.subject ?? undefined,
        title: teacher.title ?? undefined,
        teachingStartYear: teacher.teachingStartYear,
        employment: teacher.employment,
        backboneLevel: teacher.backboneLevel,
        flags: flagsOf(teacher),
      });
    } else {
      const school = props.schoolOptions.find((unit) => holdsTeachers(unit.kind));
      form.setFieldsValue({ orgUnitId: school?.id, idType: 'resident', employment: 'staff', flags: [] });
    }
    // Re-initialise only when the modal opens, not on every parent render.
  }, [open]);

  const bannerError =
    save.error && fieldErrorsFrom(save.error, FIELDS, CODE_FIELDS, undefined, problem).length === 0
      ? errorMessage(save.error)
      : null;
  const identityFixed = idType === 'resident';
  const thisYear = new Date().getFullYear();
  const half = isPhone ? 24 : 12;

  return (
    <Modal
      open={open}
      title={editing ? t('teachers.form.editTitle', { name: editing.name }) : t('teachers.form.createTitle')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      onCancel={props.onClose}
      confirmLoading={save.isPending}
      mask={{ closable: !save.isPending }}
      forceRender
      width={760}
    >
      {bannerError && <Alert type="error" showIcon title={bannerError} style={{ marginBottom: 16 }} />}
      <Form<TeacherFormValues>
        name={`teacher-${mode}`}
        form={form}
        layout="vertical"
        onFinish={(values) => save.mutate(values)}
        disabled={save.isPending}
        data-testid="teacher-form"
        scrollToFirstError
      >
        <Row gutter={16}>
          {props.mode === 'create' && (
            <Col span={24}>
              <Form.Item
                name="orgUnitId"
                label={t('teachers.fields.school')}
                rules={[{ required: true, message: t('teachers.form.schoolRequired') }]}
              >
                <OrgUnitPicker
                  initialOptions={props.schoolOptions.filter((unit) => holdsTeachers(unit.kind))}
                  kinds={TEACHER_UNIT_KINDS}
                  placeholder={t('teachers.form.schoolPlaceholder')}
                  data-testid="teacher-form-school"
                />
              </Form.Item>
            </Col>
          )}
          <Col span={half}>
            <Form.Item
              name="name"
              label={t('teachers.fields.name')}
              validateFirst
              rules={[
                { required: true, whitespace: true, message: problem('name_blank') },
                {
                  validator: async (_, value: string | undefined) => {
                    const code = value ? nameProblemOf(value) : null;
                    if (code) throw new Error(problem(code));
                  },
                },
              ]}
            >
              <Input maxLength={50} autoComplete="off" data-testid="teacher-form-name" />
            </Form.Item>
          </Col>
          <Col span={half}>
            <Form.Item name="idType" label={t('teachers.fields.idType')} rules={[{ required: true }]}>
              <Select
                options={ID_TYPES.map((value) => ({ value, label: t(`teachers.idTypes.${value}`) }))}
                data-testid="teacher-form-id-type"
              />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item
              name="idNumber"
              label={t('teachers.fields.idNumber')}
              dependencies={['idType']}
              validateFirst
              extra={
                <>
                  {editing && <div>{t('teachers.form.idNumberKeep', { masked: editing.idNumberMasked })}</div>}
                  {idType === 'resident' &&
                    (derived?.birthDate && hasNewIdNumber ? (
                      <div data-testid="teacher-form-derived">
                        {t('teachers.form.derived', {
                          gender: derived.gender ? t(`teachers.genders.${derived.gender}`) : '—',
                          birthDate: derived.birthDate,
                        })}
                      </div>
                    ) : (
                      <div>{t('teachers.form.idNumberDerives')}</div>
                    ))}
                </>
              }
              rules={[
                ...(editing ? [] : [{ required: true, whitespace: true, message: problem('id_blank') }]),
                {
                  validator: async (_, value: string | undefined) => {
                    if (!value?.trim()) return;
                    const r = checkIdentity(form.getFieldValue('idType') as IdType, value);
                    if (!r.ok) throw new Error(problem(r.problem));
                  },
                },
              ]}
            >
              <Input
                maxLength={30}
                autoComplete="off"
                spellCheck={false}
                placeholder={editing ? editing.idNumberMasked : undefined}
                data-testid="teacher-form-id-number"
              />
            </Form.Item>
          </Col>
          <Col span={half}>
            <Form.Item
              name="gender"
              label={t('teachers.fields.gender')}
              extra={identityFixed ? t('teachers.form.derivedHint') : undefined}
            >
              <Radio.Group
                disabled={identityFixed}
                options={GENDERS.map((value) => ({ value, label: t(`teachers.genders.${value}`) }))}
              />
            </Form.Item>
          </Col>
          <Col span={half}>
            <Form.Item
              name="birthDate"
              label={t('teachers.fields.birthDate')}
              extra={
                identityFixed
                  ? t('teachers.form.derivedHint')
                  : editing?.birthYear
                    ? t('teachers.form.birthDateKeep', { year: editing.birthYear })
                    : undefined
              }
            >
              <DatePicker
                disabled={identityFixed}
                style={{ width: '100%' }}
                disabledDate={(day) => day.isAfter(dayjs())}
                placeholder={identityFixed ? t('teachers.form.derivedPlaceholder') : undefined}
              />
            </Form.Item>
          </Col>
          <Col span={half}>
            <Form.Item
              name="phone"
              label={t('teachers.fields.phone')}
              extra={editing?.phoneMasked ? t('teachers.form.phoneKeep', { masked: editing.phoneMasked }) : undefined}
              rules={[
                {
                  validator: async (_, value: string | undefined) => {
                    const code = value ? phoneProblemOf(value) : null;
                    if (code) throw new Error(problem(code));
                  },
                },
              ]}
            >
              <Input
                maxLength={40}
                inputMode="tel"
                autoComplete="off"
                placeholder={editing?.phoneMasked ?? undefined}
                data-testid="teacher-form-phone"
              />
            </Form.Item>
            {editing?.phoneMasked && (
              <Form.Item name="clearPhone" valuePropName="checked" style={{ marginTop: -16 }}>
                <Checkbox>{t('teachers.form.clearPhone')}</Checkbox>
              </Form.Item>
            )}
          </Col>
          <Col span={half}>
            <Form.Item
              name="teachingStartYear"
              label={t('teachers.fields.teachingStartYear')}
              rules={[
                {
                  validator: async (_, value: number | null | undefined) => {
                    const code = teachingStartYearProblemOf(value);
                    if (code) throw new Error(problem(code));
                  },
                },
              ]}
            >
              <InputNumber
                style={{ width: '100%' }}
                min={FIRST_TEACHING_YEAR}
                max={thisYear}
                precision={0}
                placeholder={String(thisYear)}
                data-testid="teacher-form-teaching-start-year"
              />
            </Form.Item>
          </Col>
          <Col span={half}>
            <Form.Item
              name="stage"
              label={t('teachers.fields.stage')}
              rules={[{ required: true, message: t('teachers.form.stageRequired') }]}
            >
              <Select
                options={STAGES.map((value) => ({ value, label: t(`stages.${value}`) }))}
                data-testid="teacher-form-stage"
              />
            </Form.Item>
          </Col>
          <Col span={half}>
            <Form.Item
              name="employment"
              label={t('teachers.fields.employment')}
              rules={[{ required: true, message: t('teachers.form.employmentRequired') }]}
            >
              <Radio.Group
                optionType="button"
                options={EMPLOYMENTS.map((value) => ({ value, label: t(`teachers.employments.${value}`) }))}
              />
            </Form.Item>
          </Col>
          <Col span={half}>
            <Form.Item
              name="subject"
              label={t('teachers.fields.subject')}
              rules={[{ max: MAX_TEXT, message: problem('text_too_long') }]}
            >
              <AutoComplete options={suggestions(SUBJECT_SUGGESTIONS, subject)} allowClear>
                <Input maxLength={MAX_TEXT} />
              </AutoComplete>
            </Form.Item>
          </Col>
          <Col span={half}>
            <Form.Item
              name="title"
              label={t('teachers.fields.title')}
              rules={[{ max: MAX_TEXT, message: problem('text_too_long') }]}
            >
              <AutoComplete options={suggestions(TITLE_SUGGESTIONS, title)} allowClear>
                <Input maxLength={MAX_TEXT} />
              </AutoComplete>
            </Form.Item>
          </Col>
          <Col span={half}>
            <Form.Item name="backboneLevel" label={t('teachers.fields.backboneLevel')}>
              <Select
                allowClear
                placeholder={t('teachers.form.noBackbone')}
                options={BACKBONE_LEVELS.map((value) => ({ value, label: t(`teachers.backboneLevels.${value}`) }))}
              />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="flags" label={t('teachers.fields.flags')}>
              <Checkbox.Group options={FLAG_KEYS.map((value) => ({ value, label: t(`teachers.flags.${value}`) }))} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}
