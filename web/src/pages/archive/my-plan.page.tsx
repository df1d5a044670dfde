import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Empty,
  Flex,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Select,
  Space,
  Tabs,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  archiveKeys,
  type DevelopmentPlan,
  type DevelopmentPlanYearInput,
  developmentPlansApi,
} from '../../api/archive.api';
import { ApiError } from '../../api/client';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { useErrorMessage } from '../../lib/error-message';
import { PlanReadOnly, PlanReviews, PlanStatusTag } from './plan-parts';

interface FormValues {
  goals: string;
  years: Array<{ year: number; actions: string; training: string; hours: number }>;
}

const toBody = (v: FormValues): { goals: string; years: DevelopmentPlanYearInput[] } => ({
  goals: v.goals ?? '',
  years: v.years.map((y) => ({
    year: y.year,
    actions: y.actions ?? '',
    training: y.training ?? '',
    targetTenths: Math.round((y.hours ?? 0) * 10),
  })),
});

/** The form of a draft or returned plan: goals, then each year's actions, planned training and target hours. */
function PlanEditor({ plan }: { plan: DevelopmentPlan }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const qc = useQueryClient();
  const [form] = Form.useForm<FormValues>();
  useEffect(() => {
    form.setFieldsValue({
      goals: plan.goals,
      years: plan.years.map((y) => ({
        year: y.year,
        actions: y.actions,
        training: y.training,
        hours: y.targetTenths / 10,
      })),
    });
  }, [form, plan]);
  const done = () => void qc.invalidateQueries({ queryKey: archiveKeys.myPlans });
  const save = useMutation({
    mutationFn: (v: FormValues) => developmentPlansApi.save(plan.id, toBody(v)),
    onSuccess: () => {
      void message.success(t('archive.plan.saved'));
      done();
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  const submit = useMutation({
    mutationFn: async (v: FormValues) => {
      await developmentPlansApi.save(plan.id, toBody(v));
      return developmentPlansApi.submit(plan.id);
    },
    onSuccess: () => {
      void message.success(t('archive.plan.submitted'));
      done();
    },
    onError: (e) => {
      void message.error(errorMessage(e));
      markProblems(e);
    },
  });
  type FieldError = { name: ['goals'] | ['years', number, 'actions' | 'training' | 'hours']; errors: string[] };
  /** The server names what is missing or too long (goals, a year's actions …): each is marked on its field. */
  const markProblems = (e: unknown) => {
    const problems = e instanceof ApiError ? e.details?.['problems'] : undefined;
    if (!Array.isArray(problems)) return;
    form.setFields(
      (problems as Array<{ field: string; year?: number; reason: string }>).flatMap((p): FieldError[] => {
        const text = t(`archive.plan.problems.${p.reason === 'empty' ? 'empty' : 'invalid'}`);
        if (p.field === 'goals') return [{ name: ['goals'], errors: [text] }];
        const i = plan.years.findIndex((y) => y.year === p.year);
        const field = p.field === 'targetTenths' ? 'hours' : p.field === 'training' ? 'training' : 'actions';
        return i < 0 ? [] : [{ name: ['years', i, field], errors: [text] }];
      }),
    );
  };
  return (
    <Form form={form} layout="vertical" data-testid="plan-form">
      <Form.Item name="goals" label={t('archive.plan.goals')} extra={t('archive.plan.goalsHint')}>
        <Input.TextArea autoSize={{ minRows: 3 }} maxLength={5000} showCount data-testid="plan-goals" />
      </Form.Item>
      <Form.List name="years">
        {(fields) =>
          fields.map((f, i) => (
            <Card
              key={f.key}
              size="small"
              title={t('archive.plan.yearTitle', { year: plan.years[i]?.year })}
              style={{ marginBottom: 12 }}
            >
              <Form.Item name={[f.name, 'year']} hidden>
                <InputNumber />
              </Form.Item>
              <Form.Item name={[f.name, 'actions']} label={t('archive.plan.actions')}>
                <Input.TextArea autoSize={{ minRows: 2 }} maxLength={2000} data-testid={`plan-actions-${i}`} />
              </Form.Item>
              <Form.Item name={[f.name, 'training']} label={t('archive.plan.training')}>
                <Input.TextArea autoSize={{ minRows: 1 }} maxLength={2000} />
              </Form.Item>
              <Form.Item name={[f.name, 'hours']} label={t('archive.plan.target')}>
                <InputNumber min={0} max={500} step={0.5} precision={1} addonAfter={t('archive.plan.hoursUnit')} />
              </Form.Item>
            </Card>
          ))
        }
      </Form.List>
      <Space wrap>
        <Button loading={save.isPending} onClick={() => save.mutate(form.getFieldsValue())} data-testid="plan-save">
          {t('archive.plan.save')}
        </Button>
        <Popconfirm
          title={t('archive.plan.submitConfirm')}
          description={t('archive.plan.submitConfirmBody')}
          okText={t('archive.plan.submit')}
          onConfirm={() => submit.mutateAsync(form.getFieldsValue()).catch(() => undefined)}
        >
          <Button type="primary" loading={submit.isPending} data-testid="plan-submit">
            {t('archive.plan.submit')}
          </Button>
        </Popconfirm>
      </Space>
    </Form>
  );
}

/** The year-end self-review of one year, once the plan is approved and the year's December has come. */
function SelfReview({ plan, year }: { plan: DevelopmentPlan; year: number }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const qc = useQueryClient();
  const current = plan.years.find((y) => y.year === year)?.selfReview ?? '';
  const [text, setText] = useState(current);
  const save = useMutation({
    mutationFn: () => developmentPlansApi.selfReview(plan.id, year, text),
    onSuccess: () => {
      void message.success(t('archive.plan.selfReviewSaved'));
      void qc.invalidateQueries({ queryKey: archiveKeys.myPlans });
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  return (
    <Card size="small" title={t('archive.plan.selfReviewOf', { year })}>
      <Input.TextArea
        value={text}
        onChange={(e) => setText(e.target.value)}
        autoSize={{ minRows: 3 }}
        maxLength={2000}
        showCount
        data-testid={`self-review-${year}`}
      />
      <Button
        style={{ marginTop: 8 }}
        type="primary"
        disabled={text.trim() === ''}
        loading={save.isPending}
        onClick={() => save.mutate()}
        data-testid={`self-review-save-${year}`}
      >
        {t('archive.plan.selfReviewSave')}
      </Button>
    </Card>
  );
}

function PlanPanel({ plan }: { plan: DevelopmentPlan }) {
  const { t } = useTranslation();
  return (
    <Flex vertical gap="middle">
      <Flex gap="small" align="center" wrap>
        <PlanStatusTag status={plan.status} />
        <Typography.Text type="secondary">{t(`archive.plan.statusHint.${plan.status}`)}</Typography.Text>
      </Flex>
      <PlanReviews plan={plan} />
      {plan.canEdit ? <PlanEditor plan={plan} /> : <PlanReadOnly plan={plan} />}
      {plan.selfReviewYears.map((y) => (
        <SelfReview key={y} plan={plan} year={y} />
      ))}
    </Flex>
  );
}

/** Starts a plan for a three-year period (from two years back to next year). */
function NewPlan({ taken }: { taken: number[] }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const qc = useQueryClient();
  const now = new Date().getFullYear();
  const choices = [now - 2, now - 1, now, now + 1].filter((y) => !taken.includes(y));
  const [start, setStart] = useState<number | undefined>(choices.includes(now) ? now : choices[0]);
  const create = useMutation({
    mutationFn: (startYear: number) =>
      developmentPlansApi.create({
        startYear,
        goals: '',
        years: [0, 1, 2].map((k) => ({ year: startYear + k, actions: '', training: '', targetTenths: 0 })),
      }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: archiveKeys.myPlans }),
    onError: (e) => message.error(errorMessage(e)),
  });
  if (choices.length === 0) return null;
  return (
    <Space wrap>
      <Select
        value={start}
        onChange={setStart}
        style={{ minWidth: 180 }}
        options={choices.map((y) => ({ value: y, label: t('archive.plan.period', { from: y, to: y + 2 }) }))}
        data-testid="plan-start-year"
      />
      <Button
        type="primary"
        disabled={start === undefined}
        loading={create.isPending}
        onClick={() => start !== undefined && create.mutate(start)}
        data-testid="plan-create"
      >
        {t('archive.plan.create')}
      </Button>
    </Space>
  );
}

/** 个人专业发展规划: the teacher's three-year plans, written, submitted, revised and reviewed each year. */
export default function MyPlanPage() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: archiveKeys.myPlans, queryFn: developmentPlansApi.mine });
  if (q.isPending) return <SectionSpin />;
  if (q.isError) return <ErrorResult error={q.error} onRetry={() => void q.refetch()} />;
  const plans = q.data.items;
  return (
    <Flex vertical gap="middle">
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('archive.plan.myTitle')}
      </Typography.Title>
      <Typography.Text type="secondary">{t('archive.plan.intro')}</Typography.Text>
      <NewPlan taken={plans.map((p) => p.startYear)} />
      {plans.length === 0 ? (
        <Empty description={t('archive.plan.none')} />
      ) : (
        <Tabs
          items={plans.map((p) => ({
            key: String(p.id),
            label: t('archive.plan.period', { from: p.startYear, to: p.startYear + 2 }),
            children: <PlanPanel plan={p} />,
          }))}
        />
      )}
    </Flex>
  );
}
