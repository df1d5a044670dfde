import { DeleteOutlined, EyeOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  DatePicker,
  Flex,
  Form,
  Input,
  InputNumber,
  Radio,
  Select,
  Space,
  Steps,
  Typography,
} from 'antd';
import type { FormInstance } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import {
  EXAM_TARGETS,
  GRADE_POLICIES,
  PASS_LEVELS,
  SHOW_ANSWERS,
  examAdminApi,
  examAdminKeys,
  type Exam,
} from '../../api/exam-admin';
import { useCurrentUser } from '../../auth/session';
import { OrgUnitPicker } from '../../components/org-unit-picker';
import { ErrorResult, FullPageSpin } from '../../components/page-states';
import { showErrorsOnFields } from '../../lib/form-errors';
import { toPositiveInt } from '../../lib/use-search-state';
import { useUnitFromSearch } from '../teachers/use-unit-from-search';
import { useCreditCategories } from '../training/training-labels';
import {
  compositeProblems,
  cutsProblem,
  examToValues,
  type ExamFormValues,
  type FixedRow,
  newExamValues,
  nextComponentKey,
  paperTotal,
  valuesToInput,
} from './exam-form-values';
import { usePaperErrorText } from './exam-labels';
import { ClassSelect, CourseSelect, ProjectSelect, SpotCheckSelect } from './exam-pickers';
import { PaperBuilder } from './paper-builder';
import { PaperPreviewModal } from './paper-preview.modal';

/** Which step shows a field, so a problem found on saving opens the step that holds it. */
const FIELD_STEP: Record<string, number> = {
  title: 0,
  instructions: 0,
  orgUnitId: 0,
  target: 0,
  courseId: 0,
  projectId: 0,
  classId: 0,
  spotCheckId: 0,
  window: 0,
  opensAt: 0,
  closesAt: 0,
  durationMinutes: 0,
  attemptsAllowed: 0,
  gradePolicy: 0,
  showAnswers: 0,
  shuffleQuestions: 0,
  paperMode: 1,
  paper: 1,
  items: 1,
  pools: 1,
  gates: 2,
  studyComplete: 2,
  minLedgerHours: 2,
  ledgerCategory: 2,
  composite: 2,
  components: 2,
  levelCuts: 2,
  passLevel: 2,
  targets: 2,
  excellentShare: 2,
  competentShare: 2,
  hours: 2,
  creditCategories: 2,
  blindMarking: 3,
  doubleMarking: 3,
  disputeThreshold: 3,
  multiplePartial: 3,
};
const SERVER_FIELDS = Object.keys(FIELD_STEP);

interface Problem {
  step: number;
  text: string;
}

/** What the form can tell before sending: each problem with the step that holds it, in Chinese words. */
function useFormProblems(form: FormInstance<ExamFormValues>): Problem[] {
  const { t } = useTranslation();
  const mode = Form.useWatch('paperMode', form) ?? 'fixed';
  const items = Form.useWatch('items', { form, preserve: true });
  const pools = Form.useWatch('pools', { form, preserve: true });
  const components = Form.useWatch('components', { form, preserve: true });
  const cuts = Form.useWatch('levelCuts', form);
  const window = Form.useWatch('window', form);
  const duration = Form.useWatch('durationMinutes', form);
  const out: Problem[] = [];
  const total = paperTotal(mode, items, pools);
  if (total.questions === 0) out.push({ step: 1, text: t(`examAdmin.problems.paperEmpty.${mode}`) });
  if (mode === 'drawn')
    (pools ?? []).forEach((p, i) => {
      if (p && p.difficultyMin !== undefined && p.difficultyMax !== undefined && p.difficultyMin > p.difficultyMax)
        out.push({ step: 1, text: t('examAdmin.problems.difficultyRange', { n: i + 1 }) });
    });
  const composite = compositeProblems(components);
  for (const p of composite.problems)
    out.push({
      step: 2,
      text: t(`examAdmin.problems.composite.${p}`, { sum: composite.sum, rest: 100 - composite.sum }),
    });
  const cut = cutsProblem(cuts);
  if (cut === 'range') out.push({ step: 2, text: t('examAdmin.problems.cutsRange') });
  else if (cut)
    out.push({
      step: 2,
      text: t('examAdmin.problems.cutsFall', {
        upper: t(`examAdmin.levels.${cut.upper}`),
        lower: t(`examAdmin.levels.${cut.lower}`),
      }),
    });
  const [opens, closes] = window ?? [];
  if (opens && closes && duration && closes.diff(opens, 'minute') < duration)
    out.push({ step: 0, text: t('examAdmin.problems.windowShort', { minutes: duration }) });
  return out;
}

/**
 * A new exam, or a draft changed (考试设置): basics, the paper, entry gates and scores, marking. Saved as a
 * draft; publishing is on the exam's page. Once published the paper and the gates are fixed and only the
 * other settings change.
 */
export default function ExamFormPage() {
  const { id } = useParams();
  const examId = id ? toPositiveInt(id, 0) : null;
  const exam = useQuery({
    queryKey: examAdminKeys.exam(examId ?? 0),
    queryFn: () => examAdminApi.get(examId as number),
    enabled: examId !== null,
  });
  // the stems of a fixed paper: the saved paper's preview names them
  const known = useQuery({
    queryKey: ['exam-admin', 'paper-stems', examId],
    queryFn: async () => {
      const preview = await examAdminApi.paperPreview(examId as number);
      const map = new Map<number, FixedRow>();
      for (const q of preview.questions)
        if (q.questionId !== undefined)
          map.set(q.questionId, { questionId: q.questionId, points: q.points, kind: q.kind, stem: q.stem });
      return map;
    },
    enabled: examId !== null && exam.data?.exam.paper.mode === 'fixed',
    retry: false,
  });
  if (examId === null) return <ExamForm exam={null} />;
  if (exam.isError) return <ErrorResult error={exam.error} onRetry={() => void exam.refetch()} />;
  if (!exam.data || (exam.data.exam.paper.mode === 'fixed' && known.isPending)) return <FullPageSpin />;
  return <ExamForm exam={exam.data.exam} known={known.data} />;
}

function ExamForm({ exam, known }: { exam: Exam | null; known?: ReadonlyMap<number, FixedRow> }) {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const { message, modal } = App.useApp();
  const errorText = usePaperErrorText();
  const qc = useQueryClient();
  const [form] = Form.useForm<ExamFormValues>();
  const [step, setStep] = useState(0);
  const [previewing, setPreviewing] = useState(false);
  const locked = exam !== null && exam.status !== 'draft';
  const initial = useMemo(() => {
    if (exam) return examToValues(exam, known);
    const values = newExamValues(toPositiveInt(params.get('unit') ?? '', me.orgUnit.id));
    // from a spot-check's page: its unified exam
    const spotCheckId = toPositiveInt(params.get('spotCheck') ?? '', 0);
    return spotCheckId ? { ...values, target: 'spot_check' as const, spotCheckId } : values;
  }, [exam, known, params, me.orgUnit.id]);
  // the unit the list was showing, with its name for the picker
  const { unitOptions: initialUnits } = useUnitFromSearch(params.get('unit') ?? undefined);
  const target = Form.useWatch('target', form) ?? initial.target;
  const orgUnitId = Form.useWatch('orgUnitId', form);
  const projectId = Form.useWatch('projectId', form);
  const opensAt = Form.useWatch('window', form)?.[0];
  const categories = useCreditCategories(opensAt ? opensAt.year() : new Date().getFullYear());
  const problems = useFormProblems(form);

  useEffect(() => {
    // a class belongs to its project: another project clears it
    if (exam === null || projectId !== exam.projectId) form.setFieldValue('classId', undefined);
  }, [projectId, exam, form]);

  const save = useMutation({
    mutationFn: (v: ExamFormValues) => {
      const input = valuesToInput(v);
      if (!exam) return examAdminApi.create(input);
      // the organiser and the target are set once; a published exam keeps its paper and gates
      const {
        orgUnitId: _u,
        target: _t,
        courseId: _c,
        classId: _k,
        projectId: _p,
        spotCheckId: _s,
        paper,
        gates,
        ...rest
      } = input;
      return examAdminApi.update(exam.id, locked ? rest : { ...rest, paper, gates });
    },
    onSuccess: ({ exam: saved }) => {
      void qc.invalidateQueries({ queryKey: examAdminKeys.all });
      void message.success(t('examAdmin.form.saved', { title: saved.title }));
      void navigate(`/exams/${saved.id}/manage`);
    },
    onError: (err) => {
      if (showErrorsOnFields(form, err, SERVER_FIELDS)) {
        const first = form.getFieldsError().find((f) => f.errors.length > 0);
        const step0 = first ? FIELD_STEP[String(first.name[0])] : undefined;
        if (step0 !== undefined) setStep(step0);
      }
      void message.error(errorText(err));
    },
  });

  const submit = async () => {
    try {
      await form.validateFields();
    } catch (err) {
      const fields = (err as { errorFields?: { name: (string | number)[]; errors: string[] }[] }).errorFields ?? [];
      const first = fields[0];
      if (first) {
        setStep(FIELD_STEP[String(first.name[0])] ?? 0);
        void message.error(first.errors[0] ?? t('examAdmin.problems.fixFields'));
      }
      return;
    }
    if (problems.length > 0) {
      setStep(problems[0]!.step);
      modal.warning({
        title: t('examAdmin.problems.title'),
        content: (
          <ul data-testid="exam-form-problems">
            {problems.map((p) => (
              <li key={p.text}>{p.text}</li>
            ))}
          </ul>
        ),
      });
      return;
    }
    save.mutate(form.getFieldsValue(true) as ExamFormValues);
  };

  const section = (n: number) => ({ display: step === n ? undefined : 'none' });
  const stepProblems = (n: number) => problems.filter((p) => p.step === n);

  return (
    <Card data-testid="exam-form">
      <div className="page-title-row">
        <Typography.Title level={3}>
          {exam ? t('examAdmin.form.editTitle', { title: exam.title }) : t('examAdmin.form.createTitle')}
        </Typography.Title>
        <Space wrap>
          {exam && (
            <Button icon={<EyeOutlined />} onClick={() => setPreviewing(true)} data-testid="exam-form-preview">
              {t('examAdmin.preview.button')}
            </Button>
          )}
          <Button onClick={() => navigate(exam ? `/exams/${exam.id}/manage` : '/exams')}>{t('common.cancel')}</Button>
          <Button type="primary" loading={save.isPending} onClick={() => void submit()} data-testid="exam-save">
            {exam ? t('common.save') : t('examAdmin.form.saveDraft')}
          </Button>
        </Space>
      </div>
      <Steps
        current={step}
        onChange={setStep}
        size="small"
        style={{ marginBottom: 24 }}
        items={[0, 1, 2, 3].map((n) => ({
          title: t(`examAdmin.form.steps.${n}`),
          status: stepProblems(n).length > 0 && n !== step ? 'error' : undefined,
        }))}
        data-testid="exam-form-steps"
      />
      <Form<ExamFormValues> form={form} layout="vertical" initialValues={initial} scrollToFirstError={false}>
        <div style={section(0)}>
          <Form.Item
            name="title"
            label={t('examAdmin.fields.title')}
            rules={[{ required: true, whitespace: true, message: t('examAdmin.problems.title') }, { max: 200 }]}
          >
            <Input maxLength={200} data-testid="exam-title" />
          </Form.Item>
          <Form.Item name="instructions" label={t('examAdmin.fields.instructions')} rules={[{ max: 5000 }]}>
            <Input.TextArea rows={3} maxLength={5000} data-testid="exam-instructions" />
          </Form.Item>
          {exam ? (
            <Form.Item label={t('examAdmin.fields.orgUnit')}>
              <Typography.Text>{exam.orgUnitName}</Typography.Text>
            </Form.Item>
          ) : (
            <Form.Item
              name="orgUnitId"
              label={t('examAdmin.fields.orgUnit')}
              rules={[{ required: true, message: t('examAdmin.problems.orgUnit') }]}
            >
              <OrgUnitPicker
                initialOptions={initialUnits}
                kinds={['province', 'city', 'county', 'township', 'school']}
                style={{ width: 360 }}
                data-testid="exam-unit"
              />
            </Form.Item>
          )}
          <Form.Item name="target" label={t('examAdmin.fields.target')} extra={t(`examAdmin.targetHints.${target}`)}>
            <Radio.Group disabled={exam !== null} data-testid="exam-target">
              {EXAM_TARGETS.map((x) => (
                <Radio.Button key={x} value={x} data-testid={`exam-target-${x}`}>
                  {t(`examAdmin.targets.${x}`)}
                </Radio.Button>
              ))}
            </Radio.Group>
          </Form.Item>
          {target === 'course' && (
            <Form.Item
              name="courseId"
              label={t('examAdmin.targets.course')}
              rules={[{ required: true, message: t('examAdmin.problems.course') }]}
            >
              <CourseSelect orgUnitId={orgUnitId} disabled={exam !== null} data-testid="exam-course" />
            </Form.Item>
          )}
          {(target === 'project' || target === 'class') && (
            <Form.Item
              name="projectId"
              label={t('examAdmin.targets.project')}
              rules={[{ required: true, message: t('examAdmin.problems.project') }]}
            >
              <ProjectSelect disabled={exam !== null} data-testid="exam-project" />
            </Form.Item>
          )}
          {target === 'class' && (
            <Form.Item
              name="classId"
              label={t('examAdmin.targets.class')}
              rules={[{ required: true, message: t('examAdmin.problems.class') }]}
            >
              <ClassSelect projectId={projectId} disabled={exam !== null} data-testid="exam-class" />
            </Form.Item>
          )}
          {target === 'spot_check' && (
            <Form.Item
              name="spotCheckId"
              label={t('examAdmin.targets.spot_check')}
              rules={[{ required: true, message: t('examAdmin.problems.spotCheck') }]}
            >
              <SpotCheckSelect disabled={exam !== null} data-testid="exam-spot-check" />
            </Form.Item>
          )}
          <Form.Item
            name="window"
            label={t('examAdmin.fields.window')}
            extra={t('examAdmin.form.windowHint')}
            rules={[{ required: true, message: t('examAdmin.problems.window') }]}
          >
            <DatePicker.RangePicker
              showTime={{ format: 'HH:mm' }}
              format="YYYY-MM-DD HH:mm"
              disabled={locked ? [true, false] : false}
              data-testid="exam-window"
            />
          </Form.Item>
          <Space wrap size="large">
            <Form.Item
              name="durationMinutes"
              label={t('examAdmin.fields.durationMinutes')}
              rules={[{ required: true, message: t('examAdmin.problems.duration') }]}
            >
              <InputNumber
                min={1}
                max={1440}
                precision={0}
                addonAfter={t('examAdmin.minuteUnit')}
                data-testid="exam-duration"
              />
            </Form.Item>
            <Form.Item
              name="attemptsAllowed"
              label={t('examAdmin.fields.attemptsAllowed')}
              rules={[{ required: true, message: t('examAdmin.problems.attempts') }]}
            >
              <InputNumber min={1} max={20} precision={0} data-testid="exam-attempts" />
            </Form.Item>
            <Form.Item name="gradePolicy" label={t('examAdmin.fields.gradePolicy')}>
              <Select
                style={{ width: 180 }}
                options={GRADE_POLICIES.map((p) => ({ value: p, label: t(`examAdmin.gradePolicies.${p}`) }))}
              />
            </Form.Item>
            <Form.Item name="showAnswers" label={t('examAdmin.fields.showAnswers')}>
              <Select
                style={{ width: 200 }}
                options={SHOW_ANSWERS.map((p) => ({ value: p, label: t(`examAdmin.showAnswers.${p}`) }))}
              />
            </Form.Item>
          </Space>
          <Form.Item name="shuffleQuestions" valuePropName="checked" extra={t('examAdmin.form.shuffleHint')}>
            <Checkbox disabled={locked}>{t('examAdmin.fields.shuffleQuestions')}</Checkbox>
          </Form.Item>
        </div>

        <div style={section(1)}>
          <PaperBuilder form={form} locked={locked} />
        </div>

        <div style={section(2)}>
          <Typography.Title level={5}>{t('examAdmin.form.gatesTitle')}</Typography.Title>
          <Typography.Paragraph type="secondary">{t('examAdmin.form.gatesHint')}</Typography.Paragraph>
          <Form.Item name="studyComplete" valuePropName="checked" extra={t('examAdmin.form.studyCompleteHint')}>
            <Checkbox disabled={locked} data-testid="exam-gate-study">
              {t('examAdmin.fields.studyComplete')}
            </Checkbox>
          </Form.Item>
          <Space wrap>
            <Form.Item name="minLedgerHours" label={t('examAdmin.fields.minLedgerHours')}>
              <InputNumber min={0} max={10000} step={1} precision={0} disabled={locked} data-testid="exam-gate-hours" />
            </Form.Item>
            <Form.Item name="ledgerCategory" label={t('examAdmin.fields.ledgerCategory')}>
              <Select
                allowClear
                disabled={locked}
                style={{ width: 220 }}
                options={categories.options}
                placeholder={t('examAdmin.form.anyCategory')}
              />
            </Form.Item>
          </Space>

          <Typography.Title level={5}>{t('examAdmin.form.compositeTitle')}</Typography.Title>
          <Typography.Paragraph type="secondary">{t('examAdmin.form.compositeHint')}</Typography.Paragraph>
          <CompositeEditor form={form} />

          <Typography.Title level={5}>{t('examAdmin.form.levelsTitle')}</Typography.Title>
          <Typography.Paragraph type="secondary">{t('examAdmin.form.levelsHint')}</Typography.Paragraph>
          <Space wrap>
            {(['excellent', 'good', 'pass', 'basic'] as const).map((k) => (
              <Form.Item
                key={k}
                name={['levelCuts', k]}
                label={t(`examAdmin.levels.${k}`)}
                rules={[{ required: true }]}
              >
                <InputNumber min={0} max={100} precision={1} addonBefore="≥" data-testid={`exam-cut-${k}`} />
              </Form.Item>
            ))}
            <Form.Item name="passLevel" label={t('examAdmin.fields.passLevel')}>
              <Select
                style={{ width: 140 }}
                options={PASS_LEVELS.map((l) => ({ value: l, label: t(`examAdmin.levels.${l}`) }))}
              />
            </Form.Item>
          </Space>
          <ProblemList problems={stepProblems(2)} />
          <Typography.Title level={5}>{t('examAdmin.form.targetsTitle')}</Typography.Title>
          <Typography.Paragraph type="secondary">{t('examAdmin.form.targetsHint')}</Typography.Paragraph>
          <Space wrap>
            <Form.Item name="excellentShare" label={t('examAdmin.fields.excellentShare')}>
              <InputNumber min={0} max={100} precision={1} addonAfter="%" />
            </Form.Item>
            <Form.Item name="competentShare" label={t('examAdmin.fields.competentShare')}>
              <InputNumber min={0} max={100} precision={1} addonAfter="%" />
            </Form.Item>
          </Space>
          {target === 'course' && (
            <>
              <Typography.Title level={5}>{t('examAdmin.form.hoursTitle')}</Typography.Title>
              <Space wrap>
                <Form.Item name="hours" label={t('examAdmin.fields.hours')} extra={t('examAdmin.form.hoursHint')}>
                  <InputNumber min={0.1} max={9999} precision={1} step={1} data-testid="exam-hours" />
                </Form.Item>
                <Form.Item name="creditCategories" label={t('examAdmin.fields.creditCategories')}>
                  <Select mode="multiple" allowClear style={{ minWidth: 240 }} options={categories.options} />
                </Form.Item>
              </Space>
            </>
          )}
        </div>

        <div style={section(3)}>
          <Form.Item name="blindMarking" valuePropName="checked" extra={t('examAdmin.form.blindHint')}>
            <Checkbox data-testid="exam-blind">{t('examAdmin.fields.blindMarking')}</Checkbox>
          </Form.Item>
          <DoubleMarking form={form} />
          <Form.Item
            name="multiplePartial"
            valuePropName="checked"
            extra={t('examAdmin.form.partialHint')}
            style={{ marginTop: 16 }}
          >
            <Checkbox>{t('examAdmin.fields.multiplePartial')}</Checkbox>
          </Form.Item>
        </div>
        {step !== 2 && <ProblemList problems={stepProblems(step)} />}
      </Form>
      <Flex justify="space-between" style={{ marginTop: 16 }}>
        <Button disabled={step === 0} onClick={() => setStep(step - 1)}>
          {t('examAdmin.form.prev')}
        </Button>
        {step < 3 ? (
          <Button onClick={() => setStep(step + 1)} data-testid="exam-form-next">
            {t('examAdmin.form.next')}
          </Button>
        ) : (
          <Button type="primary" loading={save.isPending} onClick={() => void submit()}>
            {exam ? t('common.save') : t('examAdmin.form.saveDraft')}
          </Button>
        )}
      </Flex>
      {previewing && exam && <PaperPreviewModal examId={exam.id} onClose={() => setPreviewing(false)} />}
    </Card>
  );
}

function ProblemList({ problems }: { problems: Problem[] }) {
  if (problems.length === 0) return null;
  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 16 }}
      title={
        <ul style={{ margin: 0, paddingInlineStart: 18 }}>
          {problems.map((p) => (
            <li key={p.text}>{p.text}</li>
          ))}
        </ul>
      }
      data-testid="exam-step-problems"
    />
  );
}

/** The composite's components (exam 70 % + process 30 %): the exam's own row stays; the weights add up to 100. */
function CompositeEditor({ form }: { form: FormInstance<ExamFormValues> }) {
  const { t } = useTranslation();
  const components = Form.useWatch('components', { form, preserve: true });
  const { sum } = compositeProblems(components);
  return (
    <Form.List name="components">
      {(fields, { add, remove }) => (
        <Flex vertical gap={4} style={{ marginBottom: 16 }} data-testid="exam-components">
          {fields.map((f) => {
            const isExam = (components?.[f.name]?.key ?? '') === 'exam';
            return (
              <Space key={f.key} align="baseline" wrap>
                <Form.Item name={[f.name, 'label']} rules={[{ required: true, whitespace: true, max: 40 }]} noStyle>
                  <Input style={{ width: 200 }} placeholder={t('examAdmin.form.componentLabel')} maxLength={40} />
                </Form.Item>
                <Form.Item name={[f.name, 'weight']} noStyle rules={[{ required: true }]}>
                  <InputNumber min={1} max={100} precision={0} addonAfter="%" data-testid="exam-component-weight" />
                </Form.Item>
                {isExam ? (
                  <Typography.Text type="secondary">{t('examAdmin.form.examComponent')}</Typography.Text>
                ) : (
                  <Button type="text" danger icon={<DeleteOutlined />} onClick={() => remove(f.name)}>
                    {t('examAdmin.paper.remove')}
                  </Button>
                )}
              </Space>
            );
          })}
          <Space>
            <Button
              icon={<PlusOutlined />}
              disabled={fields.length >= 6}
              onClick={() =>
                add({ key: nextComponentKey(components ?? []), label: t('examAdmin.form.processLabel'), weight: 0 })
              }
              data-testid="exam-add-component"
            >
              {t('examAdmin.form.addComponent')}
            </Button>
            <Typography.Text type={Math.abs(sum - 100) < 1e-9 ? 'success' : 'danger'} data-testid="exam-weight-sum">
              {t('examAdmin.form.weightSum', { sum })}
            </Typography.Text>
          </Space>
        </Flex>
      )}
    </Form.List>
  );
}

function DoubleMarking({ form }: { form: FormInstance<ExamFormValues> }) {
  const { t } = useTranslation();
  const on = Form.useWatch('doubleMarking', form);
  return (
    <Flex vertical>
      <Form.Item name="doubleMarking" valuePropName="checked" extra={t('examAdmin.form.doubleHint')}>
        <Checkbox data-testid="exam-double">{t('examAdmin.fields.doubleMarking')}</Checkbox>
      </Form.Item>
      {on && (
        <Form.Item
          name="disputeThreshold"
          label={t('examAdmin.fields.disputeThreshold')}
          extra={t('examAdmin.form.thresholdHint')}
          rules={[{ required: true }]}
          style={{ marginTop: 8 }}
        >
          <InputNumber min={0} max={100} step={0.5} precision={1} addonAfter={t('examAdmin.pointUnit')} />
        </Form.Item>
      )}
    </Flex>
  );
}
