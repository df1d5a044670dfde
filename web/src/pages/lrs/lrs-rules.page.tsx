import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  AutoComplete,
  Button,
  Checkbox,
  Descriptions,
  Drawer,
  Flex,
  Form,
  Input,
  InputNumber,
  Radio,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { type ReactNode, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { cyclesApi } from '../../api/credits.api';
import {
  type LrsPreview,
  type LrsPreviewLine,
  type LrsRule,
  type LrsRuleDefinition,
  lrsRuleKeys,
  lrsRulesApi,
} from '../../api/lrs-rules.api';
import { ListPage } from '../../components/list-page';
import { formatDateTime } from '../../lib/format';
import { useErrorMessage } from '../../lib/error-message';
import { formatHours, parseHours } from '../../lib/hours';
import { useIsPhone } from '../../lib/use-media-query';
import { useTableWidth } from './table-width';

/** The verbs platforms send most (ADL's and the video profile's), offered by name in the form; any IRI may be typed. */
const VERBS: readonly { iri: string; key: string }[] = [
  { iri: 'http://adlnet.gov/expapi/verbs/completed', key: 'completed' },
  { iri: 'http://adlnet.gov/expapi/verbs/passed', key: 'passed' },
  { iri: 'http://adlnet.gov/expapi/verbs/failed', key: 'failed' },
  { iri: 'http://adlnet.gov/expapi/verbs/attempted', key: 'attempted' },
  { iri: 'http://adlnet.gov/expapi/verbs/experienced', key: 'experienced' },
  { iri: 'http://adlnet.gov/expapi/verbs/attended', key: 'attended' },
  { iri: 'http://adlnet.gov/expapi/verbs/scored', key: 'scored' },
  { iri: 'https://w3id.org/xapi/video/verbs/played', key: 'played' },
  { iri: 'https://w3id.org/xapi/video/verbs/paused', key: 'paused' },
  { iri: 'https://w3id.org/xapi/video/verbs/completed', key: 'videoCompleted' },
];

/** The name of a known verb in the reader's language, or null for any other IRI. */
function useVerbName() {
  const { t } = useTranslation();
  return (iri: string): string | null => {
    const known = VERBS.find((v) => v.iri === iri.trim());
    return known ? t(`lrsRules.verbs.${known.key}`) : null;
  };
}

/** The labels of the cycles' category codes (网络研修, …), the same the form offers; unknown codes stay as they are. */
function useCategories() {
  const cycles = useQuery({ queryKey: ['cycles', 'list'], queryFn: () => cyclesApi.list() });
  return useMemo(() => {
    const m = new Map<string, string>();
    for (const c of cycles.data?.items ?? []) for (const cat of c.rules.categories) m.set(cat.code, cat.name);
    return {
      options: [...m].map(([value, label]) => ({ value, label })),
      label: (code: string) => m.get(code) ?? code,
    };
  }, [cycles.data]);
}
const OUTCOME_COLOR: Record<LrsPreviewLine['outcome'], string> = {
  credit: 'green',
  refused: 'red',
  credited_other: 'default',
  other_rule: 'orange',
};

interface Values {
  name: string;
  enabled: boolean;
  priority: number;
  verbId: string;
  activityType?: string;
  activityPattern?: string;
  completion: boolean;
  success: boolean;
  minScaledPercent?: number | null;
  minDurationMinutes?: number | null;
  hoursKind: 'fixed' | 'per_duration';
  hours: string;
  perMinutes?: number;
  maxHours?: string;
  categories: string[];
  titleTemplate: string;
}

const tenths = (v: string | undefined): number => (v ? (parseHours(v) ?? Number.NaN) : Number.NaN);

function definitionOf(v: Values): LrsRuleDefinition {
  const hours = tenths(v.hours);
  return {
    verbId: v.verbId.trim(),
    activityType: v.activityType?.trim() || null,
    activityPattern: v.activityPattern?.trim() || null,
    clientId: null,
    completion: v.completion,
    success: v.success,
    minScaled: v.minScaledPercent == null ? null : v.minScaledPercent / 100,
    minDurationMinutes: v.minDurationMinutes ?? null,
    hours:
      v.hoursKind === 'fixed'
        ? { kind: 'fixed', tenths: hours }
        : {
            kind: 'per_duration',
            tenths: hours,
            perMinutes: v.perMinutes ?? 45,
            maxTenths: v.maxHours ? tenths(v.maxHours) : null,
          },
    categories: v.categories ?? [],
    titleTemplate: v.titleTemplate,
  };
}

function valuesOf(r: LrsRule | undefined): Values {
  if (!r)
    return {
      name: '',
      enabled: true,
      priority: 0,
      verbId: VERBS[0]!.iri,
      completion: true,
      success: false,
      hoursKind: 'per_duration',
      hours: '1',
      perMinutes: 45,
      maxHours: '4',
      categories: [],
      titleTemplate: '{platform}：{activity}',
    };
  const d = r.definition;
  return {
    name: r.name,
    enabled: r.enabled,
    priority: r.priority,
    verbId: d.verbId,
    activityType: d.activityType ?? undefined,
    activityPattern: d.activityPattern ?? undefined,
    completion: d.completion,
    success: d.success,
    minScaledPercent: d.minScaled === null ? null : Math.round(d.minScaled * 100),
    minDurationMinutes: d.minDurationMinutes,
    hoursKind: d.hours.kind,
    hours: formatHours(d.hours.tenths),
    perMinutes: d.hours.kind === 'per_duration' ? d.hours.perMinutes : undefined,
    maxHours:
      d.hours.kind === 'per_duration' && d.hours.maxTenths !== null ? formatHours(d.hours.maxTenths) : undefined,
    categories: d.categories,
    titleTemplate: d.titleTemplate,
  };
}

/** What a rule asks for and gives, in one line of the list. */
function useSummary() {
  const { t } = useTranslation();
  const verbName = useVerbName();
  return (d: LrsRuleDefinition) => {
    const parts = [verbName(d.verbId) ?? d.verbId.replace(/^.*\//, '')];
    if (d.activityPattern) parts.push(d.activityPattern);
    if (d.activityType) parts.push(d.activityType.replace(/^.*\//, ''));
    if (d.completion) parts.push(t('lrsRules.conditions.completion'));
    if (d.success) parts.push(t('lrsRules.conditions.success'));
    if (d.minScaled !== null) parts.push(t('lrsRules.conditions.minScaled', { value: Math.round(d.minScaled * 100) }));
    if (d.minDurationMinutes !== null)
      parts.push(t('lrsRules.conditions.minDuration', { value: d.minDurationMinutes }));
    const gives =
      d.hours.kind === 'fixed'
        ? t('lrsRules.hoursFixed', { hours: formatHours(d.hours.tenths) })
        : t('lrsRules.hoursPer', {
            hours: formatHours(d.hours.tenths),
            minutes: d.hours.perMinutes,
            max: d.hours.maxTenths === null ? '—' : formatHours(d.hours.maxTenths),
          });
    return `${parts.join(' · ')} → ${gives}`;
  };
}

/** 学时转换规则: the rules of the unit and below (and those above that apply), create, edit, enable. */
export default function LrsRulesPage() {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const summary = useSummary();
  const categories = useCategories();
  const [editing, setEditing] = useState<LrsRule | 'new' | null>(null);
  const isPhone = useIsPhone();
  const list = useQuery({ queryKey: lrsRuleKeys.list(), queryFn: () => lrsRulesApi.list() });
  const toggle = useMutation({
    mutationFn: (r: LrsRule) => lrsRulesApi.update(r.id, { enabled: !r.enabled }),
    onSuccess: (_, r) => {
      void message.success(t(r.enabled ? 'lrsRules.disabled' : 'lrsRules.enabledDone', { name: r.name }));
      void queryClient.invalidateQueries({ queryKey: lrsRuleKeys.all });
    },
    onError: (err) => void message.error(errorText(err)),
  });
  // Disabling keeps the hours already credited; enabling checks the stored records again: the reader is told first.
  const confirmToggle = (r: LrsRule) =>
    modal.confirm({
      title: t(r.enabled ? 'lrsRules.disableTitle' : 'lrsRules.enableTitle', { name: r.name }),
      content: t(r.enabled ? 'lrsRules.disableText' : 'lrsRules.enableText'),
      okText: t(r.enabled ? 'lrsRules.disable' : 'lrsRules.enable'),
      okButtonProps: { danger: r.enabled, 'data-testid': 'lrs-rule-toggle-ok' },
      cancelText: t('common.cancel'),
      onOk: () => toggle.mutateAsync(r).catch(() => undefined),
    });

  // On a phone a row is the rule's name, whether it is on, and its edit button.
  const columns: TableColumnsType<LrsRule> = [
    {
      title: t('lrsRules.name'),
      dataIndex: 'name',
      fixed: 'left',
      width: isPhone ? 150 : 160,
      className: 'wrap-anywhere',
    },
    { title: t('lrsRules.unit'), dataIndex: 'orgUnitName', width: 120, responsive: ['lg'] },
    {
      title: t('lrsRules.rule'),
      key: 'summary',
      width: 260,
      responsive: ['md'],
      className: 'wrap-anywhere',
      render: (_, r) => summary(r.definition),
    },
    {
      title: t('lrsRules.categories'),
      key: 'categories',
      width: 130,
      responsive: ['lg'],
      render: (_, r) => r.definition.categories.map((c) => <Tag key={c}>{categories.label(c)}</Tag>),
    },
    { title: t('lrsRules.priority'), dataIndex: 'priority', width: 80, responsive: ['xl'] },
    {
      title: t('lrsRules.credited'),
      key: 'credited',
      width: 140,
      responsive: ['md'],
      render: (_, r) =>
        t('lrsRules.creditedLine', { statements: r.credited.statements, hours: formatHours(r.credited.hours) }),
    },
    {
      title: t('lrsRules.enabled'),
      key: 'enabled',
      width: 80,
      render: (_, r) => (
        <Switch
          checked={r.enabled}
          loading={toggle.isPending && toggle.variables?.id === r.id}
          onChange={() => confirmToggle(r)}
          data-testid={`lrs-rule-enabled-${r.id}`}
          aria-label={t('lrsRules.enabled')}
        />
      ),
    },
    {
      title: t('lrsRules.updatedAt'),
      dataIndex: 'updatedAt',
      width: 150,
      responsive: ['xxl'],
      render: (v: string) => formatDateTime(v),
    },
    {
      title: '',
      key: 'edit',
      fixed: 'right',
      width: 80,
      render: (_, r) => (
        <Button size="small" onClick={() => setEditing(r)} data-testid={`lrs-rule-edit-${r.id}`}>
          {t('common.edit')}
        </Button>
      ),
    },
  ];
  const tableWidth = useTableWidth(columns);

  return (
    <ListPage
      title={t('lrsRules.pageTitle')}
      testId="lrs-rules-page"
      intro={<p>{t('lrsRules.intro')}</p>}
      actions={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="lrs-rule-new">
          {t('lrsRules.create')}
        </Button>
      }
    >
      {list.isError && <Alert type="error" showIcon message={errorText(list.error)} />}
      <Table<LrsRule>
        rowKey="id"
        size="middle"
        scroll={{ x: tableWidth }}
        loading={list.isFetching}
        dataSource={list.data?.items}
        columns={columns}
        pagination={false}
        locale={{ emptyText: t('lrsRules.none') }}
      />
      {editing && <RuleDrawer rule={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} />}
    </ListPage>
  );
}

/** Fields side by side on a wide screen; on a phone one under the other, each the whole width. */
function FieldRow({ phone, children }: { phone: boolean; children: ReactNode }) {
  return (
    <Flex wrap gap="0 16px" vertical={phone} align={phone ? 'stretch' : 'flex-start'}>
      {children}
    </Flex>
  );
}

/** Create or change a rule: the save button waits for a preview of exactly what is in the form. */
function RuleDrawer({ rule, onClose }: { rule?: LrsRule; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<Values>();
  const [previewed, setPreviewed] = useState<{ key: string; result: LrsPreview; offset: number } | null>(null);
  const [version, setVersion] = useState(0);
  const isPhone = useIsPhone();
  const categories = useCategories().options;
  const verbName = useVerbName();
  // a field's width on a wide screen; on a phone every field takes the whole line
  const wide = (width: number) => ({ width: isPhone ? '100%' : width });

  const current = (): { key: string; definition: LrsRuleDefinition; priority: number } | null => {
    const v = form.getFieldsValue(true) as Values;
    if (!v.verbId) return null;
    const definition = definitionOf(v);
    return { key: JSON.stringify([definition, v.priority]), definition, priority: v.priority ?? 0 };
  };
  void version;
  const preview = useMutation({
    mutationFn: async (offset: number) => {
      await form.validateFields();
      const c = current()!;
      const result = await lrsRulesApi.preview({
        ...(rule ? { ruleId: rule.id } : {}),
        priority: c.priority,
        definition: c.definition,
        offset,
        limit: 20,
      });
      return { key: c.key, result, offset };
    },
    onSuccess: (r) => setPreviewed(r),
    onError: (err) => {
      if (err instanceof Error && 'errorFields' in err) return;
      void message.error(errorText(err));
    },
  });
  const save = useMutation({
    mutationFn: (v: Values) => {
      const body = { name: v.name, enabled: v.enabled, priority: v.priority ?? 0, definition: definitionOf(v) };
      return rule ? lrsRulesApi.update(rule.id, body) : lrsRulesApi.create(body);
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: lrsRuleKeys.all });
      void message.success(t('lrsRules.saved'));
      onClose();
    },
    onError: (err) => void message.error(errorText(err)),
  });
  const fresh = previewed !== null && previewed.key === current()?.key;

  const lines: TableColumnsType<LrsPreviewLine> = [
    { title: t('lrsRules.preview.teacher'), dataIndex: 'teacherName' },
    { title: t('lrsRules.preview.platform'), dataIndex: 'platform', responsive: ['md'] },
    { title: t('lrsRules.preview.activity'), dataIndex: 'activity', responsive: ['md'] },
    {
      title: t('lrsRules.preview.time'),
      dataIndex: 'timestamp',
      responsive: ['lg'],
      render: (v: string) => formatDateTime(v),
    },
    { title: t('lrsRules.preview.hours'), dataIndex: 'hours', render: (v: number) => formatHours(v) },
    {
      title: t('lrsRules.preview.outcome'),
      dataIndex: 'outcome',
      render: (v: LrsPreviewLine['outcome'], l) => (
        <Tag color={OUTCOME_COLOR[v]}>
          {t(`lrsRules.outcomes.${v}`)}
          {l.reason ? `：${t(`lrsRules.refusals.${l.reason}`, { defaultValue: l.reason })}` : ''}
        </Tag>
      ),
    },
    {
      title: t('lrsRules.preview.statement'),
      dataIndex: 'statementId',
      responsive: ['lg'],
      render: (v: string) => <code>{v}</code>,
    },
  ];
  const hoursKind = Form.useWatch('hoursKind', form);
  const verbId = Form.useWatch('verbId', form);
  const chosenVerb = typeof verbId === 'string' ? verbName(verbId) : null;
  // on a phone the buttons sit at the foot of the drawer, clear of the title
  const buttons = (
    <Space wrap>
      <Button onClick={onClose}>{t('common.cancel')}</Button>
      <Button onClick={() => preview.mutate(0)} loading={preview.isPending} data-testid="lrs-rule-preview">
        {t('lrsRules.preview.run')}
      </Button>
      <Button
        type="primary"
        disabled={!fresh}
        loading={save.isPending}
        onClick={() => form.submit()}
        data-testid="lrs-rule-save"
      >
        {t('common.save')}
      </Button>
    </Space>
  );

  return (
    <Drawer
      open
      width={isPhone ? '100%' : 980}
      title={rule ? t('lrsRules.editTitle') : t('lrsRules.createTitle')}
      onClose={onClose}
      destroyOnHidden
      extra={isPhone ? undefined : buttons}
      footer={isPhone ? <Flex justify="flex-end">{buttons}</Flex> : undefined}
    >
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={valuesOf(rule)}
        onFinish={(v) => save.mutate(v)}
        onValuesChange={() => setVersion((x) => x + 1)}
      >
        <FieldRow phone={isPhone}>
          <Form.Item
            name="name"
            label={t('lrsRules.name')}
            rules={[
              { required: true, whitespace: true, message: t('lrsRules.nameRequired') },
              { max: 100, message: t('validation.maxLength', { max: 100 }) },
            ]}
          >
            <Input style={wide(280)} data-testid="lrs-rule-name" />
          </Form.Item>
          <Form.Item name="priority" label={t('lrsRules.priority')} extra={t('lrsRules.priorityHint')}>
            <InputNumber min={-1000} max={1000} precision={0} />
          </Form.Item>
          <Form.Item name="enabled" label={t('lrsRules.enabled')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </FieldRow>
        <Form.Item
          name="verbId"
          label={t('lrsRules.verb')}
          rules={[{ required: true, whitespace: true, message: t('lrsRules.verbRequired') }]}
          extra={t('lrsRules.verbHint')}
        >
          <AutoComplete
            options={VERBS.map((v) => ({
              value: v.iri,
              label: (
                <Flex gap={8} wrap>
                  <span>{t(`lrsRules.verbs.${v.key}`)}</span>
                  <Typography.Text type="secondary" className="wrap-anywhere">
                    {v.iri}
                  </Typography.Text>
                </Flex>
              ),
            }))}
            showSearch={{
              filterOption: (input, option) => {
                const q = input.trim().toLowerCase();
                const iri = String(option?.value ?? '');
                return iri.toLowerCase().includes(q) || (verbName(iri) ?? '').toLowerCase().includes(q);
              },
            }}
          >
            <Input suffix={chosenVerb} data-testid="lrs-rule-verb" />
          </AutoComplete>
        </Form.Item>
        <FieldRow phone={isPhone}>
          <Form.Item name="activityPattern" label={t('lrsRules.activityPattern')} extra={t('lrsRules.patternHint')}>
            <Input style={wide(420)} placeholder="https://…/course/*" data-testid="lrs-rule-pattern" />
          </Form.Item>
          <Form.Item name="activityType" label={t('lrsRules.activityType')}>
            <Input style={wide(360)} placeholder="http://adlnet.gov/expapi/activities/course" />
          </Form.Item>
        </FieldRow>
        <FieldRow phone={isPhone}>
          <Form.Item name="completion" valuePropName="checked">
            <Checkbox>{t('lrsRules.conditions.completion')}</Checkbox>
          </Form.Item>
          <Form.Item name="success" valuePropName="checked">
            <Checkbox>{t('lrsRules.conditions.success')}</Checkbox>
          </Form.Item>
          <Form.Item name="minScaledPercent" label={t('lrsRules.minScaled')}>
            <InputNumber min={0} max={100} precision={0} addonAfter="%" />
          </Form.Item>
          <Form.Item name="minDurationMinutes" label={t('lrsRules.minDuration')}>
            <InputNumber min={1} max={100000} precision={0} addonAfter={t('lrsRules.minutes')} />
          </Form.Item>
        </FieldRow>
        <FieldRow phone={isPhone}>
          <Form.Item name="hoursKind" label={t('lrsRules.hoursKind')}>
            <Radio.Group
              options={[
                { value: 'fixed', label: t('lrsRules.kinds.fixed') },
                { value: 'per_duration', label: t('lrsRules.kinds.per_duration') },
              ]}
            />
          </Form.Item>
          <Form.Item
            name="hours"
            label={t('lrsRules.hours')}
            rules={[
              {
                required: true,
                message: t('lrsRules.hoursRequired'),
                validator: async (_, v) => (tenths(v) > 0 ? undefined : Promise.reject()),
              },
            ]}
          >
            <Input style={wide(100)} data-testid="lrs-rule-hours" />
          </Form.Item>
          {hoursKind === 'per_duration' && (
            <>
              <Form.Item
                name="perMinutes"
                label={t('lrsRules.perMinutes')}
                rules={[{ required: true, message: t('lrsRules.perMinutesRequired') }]}
              >
                <InputNumber min={1} max={1440} precision={0} addonAfter={t('lrsRules.minutes')} />
              </Form.Item>
              <Form.Item name="maxHours" label={t('lrsRules.maxHours')}>
                <Input style={wide(100)} />
              </Form.Item>
            </>
          )}
        </FieldRow>
        <Form.Item name="categories" label={t('lrsRules.categories')}>
          <Select mode="multiple" allowClear options={categories} />
        </Form.Item>
        <Form.Item
          name="titleTemplate"
          label={t('lrsRules.titleTemplate')}
          extra={t('lrsRules.titleHint')}
          rules={[
            { required: true, whitespace: true, message: t('lrsRules.titleRequired') },
            { max: 200, message: t('validation.maxLength', { max: 200 }) },
          ]}
        >
          <Input />
        </Form.Item>
      </Form>
      {!fresh && <Alert type="info" showIcon message={t('lrsRules.preview.needed')} />}
      {previewed && (
        <div data-testid="lrs-rule-preview-result" style={{ opacity: fresh ? 1 : 0.5 }}>
          <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }} style={{ margin: '16px 0' }}>
            <Descriptions.Item label={t('lrsRules.preview.credit')}>
              {t('lrsRules.preview.creditLine', {
                statements: previewed.result.totals.credit,
                hours: formatHours(previewed.result.totals.hours),
              })}
            </Descriptions.Item>
            <Descriptions.Item label={t('lrsRules.preview.creditedOther')}>
              {previewed.result.totals.creditedOther}
            </Descriptions.Item>
            <Descriptions.Item label={t('lrsRules.preview.otherRule')}>
              {previewed.result.totals.otherRule}
            </Descriptions.Item>
            <Descriptions.Item label={t('lrsRules.preview.refused')}>
              {previewed.result.totals.refused}
            </Descriptions.Item>
            <Descriptions.Item label={t('lrsRules.preview.matched')}>
              {previewed.result.totals.matched}
            </Descriptions.Item>
            <Descriptions.Item label={t('lrsRules.preview.scanned')}>
              {previewed.result.scanned}
              {previewed.result.capped ? ` (${t('lrsRules.preview.capped')})` : ''}
            </Descriptions.Item>
          </Descriptions>
          <Table<LrsPreviewLine>
            rowKey="statementId"
            size="small"
            scroll={{ x: 'max-content' }}
            dataSource={previewed.result.lines}
            columns={lines}
            loading={preview.isPending}
            locale={{ emptyText: t('lrsRules.preview.none') }}
            pagination={{
              current: previewed.offset / 20 + 1,
              pageSize: 20,
              total: previewed.result.totals.matched,
              showSizeChanger: false,
              onChange: (p) => preview.mutate((p - 1) * 20),
            }}
          />
        </div>
      )}
    </Drawer>
  );
}
