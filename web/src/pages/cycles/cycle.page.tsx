import { ExperimentOutlined, SaveOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Breadcrumb,
  Button,
  Card,
  Descriptions,
  Flex,
  Form,
  Input,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError, isApiError } from '../../api/client';
import { cyclesApi } from '../../api/credits.api';
import { queryKeys } from '../../api/query-keys';
import type { CycleDetail, CycleRules, CycleVersion, RuleProblem, RulesPreviewResult } from '../../api/types';
import { ProgressStatusTag, useCreditWording } from '../../components/credit-labels';
import { JobProgress } from '../../components/job-progress';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { useErrorMessage, validationIssues } from '../../lib/error-message';
import { formatDateTime } from '../../lib/format';
import { formatHours } from '../../lib/hours';
import { isJobFinished, useJob } from '../../lib/use-job';
import { RulesForm, type RowProblems } from './rules-form';
import { formNameOf, rowKeyOf, rulesFromForm, rulesToForm, type RulesFormValues } from './rules-form-values';

function isRuleProblem(value: unknown): value is RuleProblem {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { path?: unknown }).path === 'string' &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}

/** Problems of CYCLE_RULES_INVALID (and VALIDATION_FAILED, worded by the server) with their paths. */
function problemsOf(
  err: unknown,
  word: (code: string, params?: Record<string, string | number>) => string,
): Array<{ path: string; text: string }> {
  if (isApiError(err, 'CYCLE_RULES_INVALID')) {
    const problems = err.details?.['problems'];
    return (Array.isArray(problems) ? problems.filter(isRuleProblem) : []).map((p) => ({
      path: p.path,
      text: word(p.code, p.params),
    }));
  }
  return validationIssues(err).map((i) => ({ path: i.path.replace(/^(body\.)?rules\./, ''), text: i.message }));
}

function PreviewResult({ result }: { result: RulesPreviewResult }) {
  const { t } = useTranslation();
  const sampleColumns: TableColumnsType<RulesPreviewResult['sample'][number]> = [
    { title: t('teachers.fields.name'), dataIndex: 'name' },
    {
      title: t('cycles.preview.change'),
      key: 'change',
      render: (_, s) => (
        <Space size={4} wrap>
          <ProgressStatusTag status={s.from} />→<ProgressStatusTag status={s.to} />
        </Space>
      ),
    },
    {
      title: t('cycles.preview.counted'),
      key: 'counted',
      render: (_, s) => `${formatHours(s.countedFrom)} → ${formatHours(s.countedTo)}`,
    },
  ];
  return (
    <Flex vertical gap={12} data-testid="rules-preview-result">
      <Typography.Text strong>
        {t('cycles.preview.summary', { teachers: result.teachers, changed: result.changed })}
      </Typography.Text>
      {result.transitions.length > 0 && (
        <Table
          size="small"
          rowKey={(r) => `${r.from}-${r.to}`}
          pagination={false}
          dataSource={result.transitions}
          columns={[
            { title: t('cycles.preview.from'), dataIndex: 'from', render: (s) => <ProgressStatusTag status={s} /> },
            { title: t('cycles.preview.to'), dataIndex: 'to', render: (s) => <ProgressStatusTag status={s} /> },
            { title: t('cycles.preview.count'), dataIndex: 'count', align: 'right' },
          ]}
          data-testid="rules-preview-transitions"
        />
      )}
      {result.sample.length > 0 && (
        <>
          <Typography.Text type="secondary">
            {t('cycles.preview.sample', { count: result.sample.length })}
          </Typography.Text>
          <Table
            size="small"
            rowKey="teacherId"
            dataSource={result.sample}
            columns={sampleColumns}
            pagination={{ pageSize: 10, size: 'small' }}
            scroll={{ x: 'max-content' }}
          />
        </>
      )}
    </Flex>
  );
}

function Versions({ versions }: { versions: CycleVersion[] }) {
  const { t } = useTranslation();
  return (
    <Card title={t('cycles.versions.title')} size="small">
      <Table<CycleVersion>
        size="small"
        rowKey="version"
        dataSource={[...versions].sort((a, b) => b.version - a.version)}
        pagination={false}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t('cycles.versions.version'), dataIndex: 'version', render: (v: number) => `v${v}` },
          { title: t('cycles.versions.at'), dataIndex: 'createdAt', render: formatDateTime },
          { title: t('cycles.versions.by'), dataIndex: 'createdByName', render: (v: string | null) => v ?? '—' },
          { title: t('cycles.versions.note'), dataIndex: 'note', render: (v: string | null) => v ?? '—' },
        ]}
        data-testid="cycle-versions"
      />
    </Card>
  );
}

function CycleEditor({ detail }: { detail: CycleDetail }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const { ruleProblemText } = useCreditWording();
  const { cycle, canManage } = detail;
  const [form] = Form.useForm<RulesFormValues>();
  const [note, setNote] = useState('');
  const [rowProblems, setRowProblems] = useState<RowProblems>({});
  const [problemList, setProblemList] = useState<Array<{ path: string; text: string }>>([]);
  const [banner, setBanner] = useState<string | null>(null);
  const [previewJobId, setPreviewJobId] = useState<number | null>(null);
  const [refreshJobId, setRefreshJobId] = useState<number | null>(null);
  const [dirty, setDirty] = useState(false);
  const previewJob = useJob<RulesPreviewResult>(previewJobId);
  const refreshJob = useJob(refreshJobId);

  useEffect(() => {
    form.setFieldsValue(rulesToForm(cycle.rules));
    setDirty(false);
    // when another version of the rules arrives
  }, [cycle.id, cycle.currentVersion]);

  const clearProblems = () => {
    setRowProblems({});
    setProblemList([]);
    setBanner(null);
  };

  const showProblems = (err: unknown) => {
    const problems = problemsOf(err, ruleProblemText);
    if (problems.length === 0) {
      setBanner(errorMessage(err));
      return;
    }
    const rows: RowProblems = {};
    const fields: Array<{ name: Array<string | number>; errors: string[] }> = [];
    for (const p of problems) {
      const name = formNameOf(p.path);
      if (name) fields.push({ name, errors: [p.text] });
      else (rows[rowKeyOf(p.path)] ??= []).push(p.text);
    }
    form.setFields(fields as never);
    setRowProblems(rows);
    setProblemList(problems);
    setBanner(errorMessage(err));
  };

  /** The form's rules once its own checks pass; null (with the fields marked) when they do not. */
  const validRules = async () => {
    clearProblems();
    try {
      await form.validateFields();
      // the whole store: values of rows not on screen (conditions of an "everyone" minimum) are ignored by rulesFromForm
      return rulesFromForm(form.getFieldsValue(true) as RulesFormValues);
    } catch {
      void message.warning(t('cycles.form.fixFirst'));
      return null;
    }
  };

  const preview = useMutation({
    mutationFn: (rules: CycleRules) => cyclesApi.previewRules(cycle.id, rules),
    onSuccess: ({ job }) => setPreviewJobId(job.id),
    onError: showProblems,
  });
  const save = useMutation({
    mutationFn: (rules: CycleRules) => cyclesApi.saveRules(cycle.id, rules, note.trim() || undefined),
    onSuccess: (r) => {
      void message.success(t('cycles.saved', { version: r.cycle.currentVersion }));
      setRefreshJobId(r.refreshJobId);
      setNote('');
      setDirty(false);
      void queryClient.invalidateQueries({ queryKey: queryKeys.cycles });
    },
    onError: showProblems,
  });

  useEffect(() => {
    if (refreshJob.data?.status === 'done') void queryClient.invalidateQueries({ queryKey: queryKeys.credits });
  }, [refreshJob.data?.status]);

  const previewRunning = previewJobId !== null && !isJobFinished(previewJob.data);

  return (
    <Flex vertical gap={16}>
      {!canManage && <Alert type="info" showIcon title={t('cycles.readOnly')} />}
      {banner && (
        <Alert
          type="error"
          showIcon
          title={banner}
          description={
            problemList.length > 0 && (
              <ul className="problem-list" data-testid="rules-problems">
                {problemList.map((p, i) => (
                  <li key={`${p.path}-${i}`}>
                    <span className="identifier">{p.path}</span>
                    {t('common.labelSeparator')}
                    {p.text}
                  </li>
                ))}
              </ul>
            )
          }
          data-testid="rules-error"
        />
      )}
      <RulesForm
        form={form}
        disabled={!canManage || save.isPending}
        rowProblems={rowProblems}
        onChange={() => {
          setDirty(true);
          // a preview describes the rules it was run on
          setPreviewJobId(null);
        }}
      />
      {canManage && (
        <Card size="small" title={t('cycles.apply.title')}>
          <Flex vertical gap={12}>
            <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
              {t('cycles.apply.intro')}
            </Typography.Paragraph>
            <Input.TextArea
              rows={2}
              maxLength={500}
              showCount
              value={note}
              onChange={(e) => setNote(e.target.value)}
              placeholder={t('cycles.apply.notePlaceholder')}
              aria-label={t('cycles.apply.note')}
              data-testid="rules-note"
            />
            <Space wrap>
              <Button
                icon={<ExperimentOutlined />}
                loading={preview.isPending || previewRunning}
                onClick={() => {
                  void validRules().then((rules) => rules && preview.mutate(rules));
                }}
                data-testid="rules-preview"
              >
                {t('cycles.apply.preview')}
              </Button>
              <Button
                type="primary"
                icon={<SaveOutlined />}
                loading={save.isPending}
                onClick={() => {
                  void validRules().then((rules) => rules && save.mutate(rules));
                }}
                data-testid="rules-save"
              >
                {t('cycles.apply.save')}
              </Button>
              {dirty && <Tag color="orange">{t('cycles.apply.unsaved')}</Tag>}
            </Space>
            {previewJobId !== null && (
              <JobProgress
                job={previewJob.data}
                label={t('cycles.preview.running')}
                doneLabel={t('cycles.preview.done')}
                data-testid="rules-preview-progress"
              />
            )}
            {previewJob.data?.status === 'done' && previewJob.data.result && (
              <PreviewResult result={previewJob.data.result} />
            )}
            {refreshJobId !== null && (
              <JobProgress job={refreshJob.data} label={t('cycles.refreshing')} data-testid="rules-refresh-progress" />
            )}
          </Flex>
        </Card>
      )}
      <Versions versions={detail.versions} />
    </Flex>
  );
}

/** 周期与规则 — one cycle: its rules (editable by province administrators), a dry run and versions. */
export default function CyclePage() {
  const { t } = useTranslation();
  const id = Number(useParams().id);
  const detail = useQuery({
    queryKey: queryKeys.cycle(id),
    queryFn: () => cyclesApi.get(id),
    enabled: Number.isInteger(id) && id > 0,
  });
  if (!Number.isInteger(id) || id <= 0) return <ErrorResult error={new ApiError(404, 'NOT_FOUND', '')} />;
  if (detail.isPending) return <SectionSpin />;
  if (detail.isError) return <ErrorResult error={detail.error} onRetry={() => void detail.refetch()} />;
  const { cycle } = detail.data;
  return (
    <Card>
      <Breadcrumb
        items={[{ title: <Link to="/cycles">{t('cycles.title')}</Link> }, { title: cycle.name }]}
        style={{ marginBottom: 12 }}
      />
      <div className="page-title-row">
        <Typography.Title level={3} data-testid="cycle-name">
          {cycle.name}
        </Typography.Title>
        <Space wrap>
          {cycle.current && <Tag color="blue">{t('cycles.currentTag')}</Tag>}
          <Tag>{t('cycles.versionTag', { version: cycle.currentVersion })}</Tag>
        </Space>
      </div>
      <Descriptions
        size="small"
        column={{ xs: 1, sm: 3 }}
        style={{ marginBottom: 16 }}
        items={[
          { key: 'years', label: t('cycles.years'), children: `${cycle.startYear}–${cycle.endYear}` },
          {
            key: 'total',
            label: t('cycles.form.totalHours'),
            children: t('credits.hoursValue', { hours: formatHours(cycle.rules.totalHours) }),
          },
          { key: 'created', label: t('cycles.createdAt'), children: formatDateTime(cycle.createdAt) },
        ]}
      />
      <CycleEditor detail={detail.data} />
    </Card>
  );
}
