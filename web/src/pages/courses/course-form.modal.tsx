import { DeleteOutlined, PaperClipOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  AutoComplete,
  Button,
  Flex,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Typography,
  Upload,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  COURSE_CATEGORIES,
  COURSE_FORMS,
  courseKeys,
  coursesApi,
  type Course,
  type CourseInput,
  type CourseMaterial,
} from '../../api/courses.api';
import { creditsApi } from '../../api/credits.api';
import { STAGES, type Cycle, type Stage } from '../../api/types';
import { useErrorMessage } from '../../lib/error-message';
import { showErrorsOnFields } from '../../lib/form-errors';
import { formatHours, parseHours } from '../../lib/hours';
import { EVIDENCE_ACCEPT } from '../credits/evidence-upload';

interface FormValues {
  title: string;
  category: CourseInput['category'];
  module: string;
  form: CourseInput['form'];
  /** hours as typed, e.g. '2.5' */
  hours: string;
  creditCategories: string[];
  stages: Stage[];
  subjects: string[];
  description?: string;
  materials: CourseMaterial[];
}

const FIELDS = [
  'title',
  'category',
  'module',
  'form',
  'hours',
  'creditCategories',
  'stages',
  'subjects',
  'description',
  'materials',
] as const;

/** Values of the form from a course, or the empty form of a new one. */
export function formValuesOf(course: Course | null): FormValues {
  if (!course)
    return {
      title: '',
      category: 'required',
      module: '',
      form: 'online',
      hours: '',
      creditCategories: [],
      stages: [],
      subjects: [],
      description: '',
      materials: [],
    };
  return { ...course, hours: formatHours(course.hours), description: course.description ?? '' };
}

/** The request body of a filled form. */
export function inputOf(v: FormValues): CourseInput {
  return {
    title: v.title,
    category: v.category,
    module: v.module,
    form: v.form,
    hours: parseHours(v.hours) ?? 0,
    creditCategories: v.creditCategories,
    stages: v.stages,
    subjects: v.subjects,
    description: v.description?.trim() ? v.description : null,
    materials: v.materials.map((m) => (m.kind === 'link' ? { kind: 'link', title: m.title || m.url, url: m.url } : m)),
  };
}

/** An evidence file chosen as a material: uploaded at once, then kept by id (county admins: the evidence upload is theirs). */
function FileMaterialButton({ orgUnitId, onUploaded }: { orgUnitId: number; onUploaded: (m: CourseMaterial) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const [busy, setBusy] = useState(false);
  return (
    <Upload
      accept={EVIDENCE_ACCEPT}
      showUploadList={false}
      disabled={busy}
      beforeUpload={(file) => {
        setBusy(true);
        creditsApi
          .uploadEvidence(orgUnitId, file)
          .then((ev) => onUploaded({ kind: 'file', title: ev.fileName, evidenceId: ev.id }))
          .catch((err: unknown) => message.error(errorMessage(err)))
          .finally(() => setBusy(false));
        return false;
      }}
    >
      <Button icon={<UploadOutlined />} loading={busy} data-testid="course-material-file">
        {t('courses.form.addFile')}
      </Button>
    </Upload>
  );
}

/** 新建 / 编辑课程: every field of a course; hours with one decimal. */
export function CourseFormModal({
  open,
  course,
  orgUnitId,
  unitName,
  modules,
  cycle,
  mayUploadFiles,
  onClose,
}: {
  open: boolean;
  course: Course | null;
  orgUnitId: number;
  unitName: string;
  modules: string[];
  cycle: Cycle | undefined;
  mayUploadFiles: boolean;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const [form] = Form.useForm<FormValues>();
  const save = useMutation({
    mutationFn: (v: FormValues) =>
      course ? coursesApi.update(course.id, inputOf(v)) : coursesApi.create(orgUnitId, inputOf(v)),
    onSuccess: ({ course: saved }) => {
      void message.success(t(course ? 'courses.form.saved' : 'courses.form.created', { title: saved.title }));
      void queryClient.invalidateQueries({ queryKey: courseKeys.all });
      onClose();
    },
    onError: (err) => {
      showErrorsOnFields(form, err, FIELDS, { COURSE_TITLE_TAKEN: 'title' }, errorMessage(err), (code) =>
        t(`courses.form.problems.${code}`, { defaultValue: errorMessage(err) }),
      );
    },
  });
  useEffect(() => {
    if (!open) return;
    save.reset();
    form.resetFields();
    form.setFieldsValue(formValuesOf(course));
  }, [open, course]);

  const categories = cycle?.rules.categories ?? [];
  const known = new Set(categories.map((c) => c.code));
  const categoryOptions = [
    ...categories.map((c) => ({ value: c.code, label: i18n.language === 'en' && c.nameEn ? c.nameEn : c.name })),
    // a code the current rules no longer have stays visible on the course
    ...(course?.creditCategories ?? []).filter((c) => !known.has(c)).map((c) => ({ value: c, label: c })),
  ];

  return (
    <Modal
      open={open}
      title={
        course
          ? t('courses.form.editTitle', { title: course.title })
          : t('courses.form.createTitle', { unit: unitName })
      }
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={save.isPending}
      forceRender
      width={720}
      data-testid="course-form-modal"
    >
      {save.error && <Alert type="error" showIcon title={errorMessage(save.error)} style={{ marginBottom: 16 }} />}
      <Form<FormValues>
        form={form}
        layout="vertical"
        onFinish={(v) => save.mutate(v)}
        disabled={save.isPending}
        requiredMark
      >
        <Form.Item
          name="title"
          label={t('courses.fields.title')}
          rules={[{ required: true, whitespace: true, message: t('courses.form.required') }, { max: 200 }]}
        >
          <Input maxLength={200} data-testid="course-title" />
        </Form.Item>
        <Flex gap={16} wrap>
          <Form.Item
            name="category"
            label={t('courses.fields.category')}
            rules={[{ required: true }]}
            style={{ minWidth: 140 }}
          >
            <Select
              options={COURSE_CATEGORIES.map((c) => ({ value: c, label: t(`courses.categories.${c}`) }))}
              data-testid="course-category"
            />
          </Form.Item>
          <Form.Item
            name="form"
            label={t('courses.fields.form')}
            rules={[{ required: true }]}
            style={{ minWidth: 140 }}
          >
            <Select
              options={COURSE_FORMS.map((f) => ({ value: f, label: t(`courses.forms.${f}`) }))}
              data-testid="course-form"
            />
          </Form.Item>
          <Form.Item
            name="module"
            label={t('courses.fields.module')}
            rules={[{ required: true, whitespace: true, message: t('courses.form.required') }, { max: 40 }]}
            style={{ minWidth: 200 }}
          >
            <AutoComplete
              options={modules.map((m) => ({ value: m }))}
              filterOption={(input, o) => String(o?.value ?? '').includes(input)}
              data-testid="course-module"
            />
          </Form.Item>
          <Form.Item
            name="hours"
            label={t('courses.fields.hours')}
            rules={[
              {
                validator: async (_, v: string | undefined) => {
                  const h = parseHours(String(v ?? ''));
                  if (h === null || h <= 0 || h > 100_000) throw new Error(t('courses.form.badHours'));
                },
              },
            ]}
            style={{ width: 120 }}
          >
            <InputNumber<string>
              stringMode
              min="0.1"
              max="10000"
              step="0.5"
              style={{ width: '100%' }}
              data-testid="course-hours"
            />
          </Form.Item>
        </Flex>
        <Form.Item
          name="creditCategories"
          label={t('courses.fields.creditCategories')}
          extra={cycle ? t('courses.form.creditCategoriesHint', { cycle: cycle.name }) : t('courses.form.noCycle')}
        >
          <Select mode="multiple" allowClear options={categoryOptions} data-testid="course-credit-categories" />
        </Form.Item>
        <Flex gap={16} wrap>
          <Form.Item name="stages" label={t('courses.fields.stages')} style={{ flex: 1, minWidth: 240 }}>
            <Select
              mode="multiple"
              allowClear
              options={STAGES.map((s) => ({ value: s, label: t(`stages.${s}`) }))}
              data-testid="course-stages"
            />
          </Form.Item>
          <Form.Item name="subjects" label={t('courses.fields.subjects')} style={{ flex: 1, minWidth: 240 }}>
            <Select
              mode="tags"
              allowClear
              tokenSeparators={[',', '，', '、']}
              open={false}
              data-testid="course-subjects"
            />
          </Form.Item>
        </Flex>
        <Form.Item name="description" label={t('courses.fields.description')} rules={[{ max: 2000 }]}>
          <Input.TextArea
            autoSize={{ minRows: 2, maxRows: 6 }}
            maxLength={2000}
            showCount
            data-testid="course-description"
          />
        </Form.Item>
        <Typography.Text strong>{t('courses.fields.materials')}</Typography.Text>
        <Form.List name="materials">
          {(items, { add, remove }) => (
            <Flex vertical gap={8} style={{ marginTop: 8 }} data-testid="course-materials">
              {items.map((item) => {
                const m = form.getFieldValue(['materials', item.name]) as CourseMaterial | undefined;
                return m?.kind === 'file' ? (
                  <Flex key={item.key} align="center" gap={8}>
                    <PaperClipOutlined />
                    <Typography.Text className="wrap-anywhere">{m.title}</Typography.Text>
                    <Button
                      size="small"
                      type="text"
                      icon={<DeleteOutlined />}
                      aria-label={t('courses.form.removeMaterial')}
                      onClick={() => remove(item.name)}
                    />
                  </Flex>
                ) : (
                  <Space.Compact key={item.key} style={{ width: '100%' }}>
                    <Form.Item name={[item.name, 'title']} noStyle>
                      <Input placeholder={t('courses.form.linkTitle')} maxLength={200} style={{ width: '35%' }} />
                    </Form.Item>
                    <Form.Item
                      name={[item.name, 'url']}
                      noStyle
                      rules={[{ required: true, pattern: /^https?:\/\/\S+$/i, message: t('courses.form.badUrl') }]}
                    >
                      <Input placeholder="https://" maxLength={500} style={{ width: '60%' }} />
                    </Form.Item>
                    <Button
                      icon={<DeleteOutlined />}
                      aria-label={t('courses.form.removeMaterial')}
                      onClick={() => remove(item.name)}
                    />
                  </Space.Compact>
                );
              })}
              <Space wrap>
                <Button
                  icon={<PlusOutlined />}
                  onClick={() => add({ kind: 'link', title: '', url: '' })}
                  data-testid="course-material-link"
                >
                  {t('courses.form.addLink')}
                </Button>
                {mayUploadFiles && (
                  <FileMaterialButton orgUnitId={course?.orgUnitId ?? orgUnitId} onUploaded={(m) => add(m)} />
                )}
              </Space>
            </Flex>
          )}
        </Form.List>
      </Form>
    </Modal>
  );
}
