import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Col, DatePicker, Flex, Form, Input, InputNumber, Radio, Row, Select, Typography } from 'antd';
import type { FormInstance } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import {
  GENDERS,
  SOURCE_TYPES,
  STAGES,
  TEACHER_FLAGS,
  type Gender,
  type SourceType,
  type Stage,
  type TeacherFlag,
} from '../../api/types';
import { parseHours } from '../../lib/hours';
import { CODE_PATTERN, type RulesFormValues } from './rules-form-values';

/** Problems the server found that belong to a whole row (a cap, a condition), by row path. */
export type RowProblems = Record<string, string[]>;

function RowErrors({ problems, path }: { problems: RowProblems; path: string }) {
  const list = problems[path];
  if (!list || list.length === 0) return null;
  return (
    <div className="rule-row-errors" role="alert">
      {list.map((text) => (
        <Typography.Text key={text} type="danger" className="small-text">
          {text}
        </Typography.Text>
      ))}
    </div>
  );
}

/** A decimal hours input with its validator (e.g. "240" or "2.5"). */
function useHoursRule(optional = false) {
  const { t } = useTranslation();
  return {
    validator: async (_: unknown, v: string | undefined) => {
      const text = (v ?? '').trim();
      if (optional && text === '') return;
      const tenths = parseHours(text);
      if (tenths === null || tenths <= 0) throw new Error(t('cycles.form.hoursInvalid'));
    },
  };
}

function CodeRule() {
  const { t } = useTranslation();
  return [
    { required: true, message: t('cycles.form.codeRequired') },
    { pattern: CODE_PATTERN, message: t('cycles.problems.category_code_format') },
  ];
}

function Section({ title, extra, children }: { title: string; extra?: ReactNode; children: ReactNode }) {
  return (
    <Card size="small" title={title} extra={extra} className="rules-section">
      {children}
    </Card>
  );
}

/**
 * The rules of a cycle as a form: totals, yearly minimum and the per-entry limit, categories,
 * category minima with their conditions and evaluation date, caps, and who is in scope.
 * Hours are typed as decimals; conversion to tenths happens in {@link rulesFromForm}.
 */
export function RulesForm({
  form,
  disabled,
  rowProblems,
  onChange,
}: {
  form: FormInstance<RulesFormValues>;
  disabled: boolean;
  rowProblems: RowProblems;
  onChange?: () => void;
}) {
  const { t } = useTranslation();
  const hoursRule = useHoursRule();
  const optionalHoursRule = useHoursRule(true);
  const codeRules = CodeRule();
  const categories = Form.useWatch('categories', form) ?? [];
  const categoryOptions = categories
    .filter((c) => c?.code)
    .map((c) => ({ value: c.code, label: c.name ? `${c.name} (${c.code})` : c.code }));

  return (
    <Form<RulesFormValues>
      form={form}
      layout="vertical"
      disabled={disabled}
      onValuesChange={onChange}
      name="cycle-rules"
      requiredMark={false}
    >
      <Flex vertical gap={16}>
        <Section title={t('cycles.form.totals')}>
          <Row gutter={16}>
            <Col xs={12} md={6}>
              <Form.Item name="totalHours" label={t('cycles.form.totalHours')} rules={[hoursRule]}>
                <Input inputMode="decimal" suffix={t('credits.hoursUnit')} data-testid="rules-total" />
              </Form.Item>
            </Col>
            <Col xs={12} md={6}>
              <Form.Item name="hoursPerCredit" label={t('cycles.form.hoursPerCredit')} rules={[hoursRule]}>
                <Input inputMode="decimal" suffix={t('credits.hoursUnit')} />
              </Form.Item>
            </Col>
            <Col xs={12} md={6}>
              <Form.Item
                name="yearlyMinimum"
                label={t('cycles.form.yearlyMinimum')}
                rules={[optionalHoursRule]}
                extra={t('cycles.form.yearlyMinimumHint')}
              >
                <Input inputMode="decimal" suffix={t('credits.hoursUnit')} data-testid="rules-yearly" />
              </Form.Item>
            </Col>
            <Col xs={12} md={6}>
              <Form.Item name="maxEntryHours" label={t('cycles.form.maxEntryHours')} rules={[hoursRule]}>
                <Input inputMode="decimal" suffix={t('credits.hoursUnit')} />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item
                name={['scope', 'minServiceYears']}
                label={t('cycles.form.minServiceYears')}
                extra={t('cycles.form.minServiceYearsHint')}
                rules={[{ required: true, message: t('cycles.form.required') }]}
              >
                <InputNumber<number> min={0} max={10} precision={0} style={{ width: 160 }} />
              </Form.Item>
            </Col>
          </Row>
        </Section>

        <Form.List name="categories">
          {(fields, { add, remove }) => (
            <Section
              title={t('cycles.form.categories')}
              extra={
                !disabled && (
                  <Button size="small" icon={<PlusOutlined />} onClick={() => add({ code: '', name: '', nameEn: '' })}>
                    {t('cycles.form.addCategory')}
                  </Button>
                )
              }
            >
              {fields.length === 0 && <Typography.Text type="secondary">{t('cycles.form.none')}</Typography.Text>}
              {fields.map((field) => (
                <Row gutter={8} key={field.key} align="top" className="rules-row">
                  <Col xs={24} sm={7}>
                    <Form.Item name={[field.name, 'code']} label={t('cycles.form.code')} rules={codeRules}>
                      <Input maxLength={40} className="identifier" />
                    </Form.Item>
                  </Col>
                  <Col xs={12} sm={7}>
                    <Form.Item
                      name={[field.name, 'name']}
                      label={t('cycles.form.name')}
                      rules={[{ required: true, whitespace: true, message: t('cycles.form.required') }]}
                    >
                      <Input maxLength={30} />
                    </Form.Item>
                  </Col>
                  <Col xs={12} sm={8}>
                    <Form.Item name={[field.name, 'nameEn']} label={t('cycles.form.nameEn')}>
                      <Input maxLength={60} />
                    </Form.Item>
                  </Col>
                  <Col xs={24} sm={2} className="rules-row-remove">
                    {!disabled && (
                      <Button
                        type="text"
                        danger
                        icon={<DeleteOutlined />}
                        onClick={() => remove(field.name)}
                        aria-label={t('cycles.form.remove')}
                      />
                    )}
                  </Col>
                </Row>
              ))}
            </Section>
          )}
        </Form.List>

        <Form.List name="minima">
          {(fields, { add, remove }) => (
            <Section
              title={t('cycles.form.minima')}
              extra={
                !disabled && (
                  <Button
                    size="small"
                    icon={<PlusOutlined />}
                    onClick={() =>
                      add({ id: '', name: '', hours: '', evaluatedOn: null, appliesTo: 'all', conditions: [] })
                    }
                  >
                    {t('cycles.form.addMinimum')}
                  </Button>
                )
              }
            >
              {fields.length === 0 && <Typography.Text type="secondary">{t('cycles.form.none')}</Typography.Text>}
              {fields.map((field) => (
                <div key={field.key} className="rules-block" data-testid="rules-minimum">
                  <Row gutter={8}>
                    <Col xs={24} sm={8} md={5}>
                      <Form.Item name={[field.name, 'id']} label={t('cycles.form.code')} rules={codeRules}>
                        <Input maxLength={40} className="identifier" />
                      </Form.Item>
                    </Col>
                    <Col xs={24} sm={16} md={7}>
                      <Form.Item
                        name={[field.name, 'name']}
                        label={t('cycles.form.name')}
                        rules={[{ required: true, whitespace: true, message: t('cycles.form.required') }]}
                      >
                        <Input maxLength={60} />
                      </Form.Item>
                    </Col>
                    <Col xs={24} sm={8} md={5}>
                      <Form.Item
                        name={[field.name, 'category']}
                        label={t('cycles.form.category')}
                        rules={[{ required: true, message: t('cycles.form.required') }]}
                      >
                        <Select options={categoryOptions} popupMatchSelectWidth={false} />
                      </Form.Item>
                    </Col>
                    <Col xs={12} sm={8} md={3}>
                      <Form.Item name={[field.name, 'hours']} label={t('cycles.form.hours')} rules={[hoursRule]}>
                        <Input inputMode="decimal" />
                      </Form.Item>
                    </Col>
                    <Col xs={12} sm={8} md={4}>
                      <Form.Item
                        name={[field.name, 'evaluatedOn']}
                        label={t('cycles.form.evaluatedOn')}
                        rules={[{ required: true, message: t('cycles.form.required') }]}
                        tooltip={t('cycles.form.evaluatedOnHint')}
                      >
                        <DatePicker style={{ width: '100%' }} inputReadOnly />
                      </Form.Item>
                    </Col>
                  </Row>
                  <Form.Item name={[field.name, 'appliesTo']} label={t('cycles.form.appliesTo')}>
                    <Radio.Group
                      options={[
                        { value: 'all', label: t('cycles.form.appliesAll') },
                        { value: 'conditions', label: t('cycles.form.appliesAny') },
                      ]}
                    />
                  </Form.Item>
                  <Form.Item
                    noStyle
                    shouldUpdate={(a: RulesFormValues, b: RulesFormValues) =>
                      a.minima?.[field.name]?.appliesTo !== b.minima?.[field.name]?.appliesTo
                    }
                  >
                    {() =>
                      form.getFieldValue(['minima', field.name, 'appliesTo']) === 'conditions' && (
                        <ConditionsList minimumIndex={field.name} disabled={disabled} rowProblems={rowProblems} />
                      )
                    }
                  </Form.Item>
                  <RowErrors problems={rowProblems} path={`minima.${field.name}`} />
                  {!disabled && (
                    <Button danger size="small" icon={<DeleteOutlined />} onClick={() => remove(field.name)}>
                      {t('cycles.form.removeMinimum')}
                    </Button>
                  )}
                </div>
              ))}
            </Section>
          )}
        </Form.List>

        <Form.List name="caps">
          {(fields, { add, remove }) => (
            <Section
              title={t('cycles.form.caps')}
              extra={
                !disabled && (
                  <Button
                    size="small"
                    icon={<PlusOutlined />}
                    onClick={() => add({ id: '', name: '', category: null, source: null, hours: '' })}
                  >
                    {t('cycles.form.addCap')}
                  </Button>
                )
              }
            >
              <Typography.Paragraph type="secondary" className="small-text">
                {t('cycles.form.capsHint')}
              </Typography.Paragraph>
              {fields.length === 0 && <Typography.Text type="secondary">{t('cycles.form.none')}</Typography.Text>}
              {fields.map((field) => (
                <div key={field.key} className="rules-row">
                  <Row gutter={8} align="top">
                    <Col xs={24} sm={8} md={4}>
                      <Form.Item name={[field.name, 'id']} label={t('cycles.form.code')} rules={codeRules}>
                        <Input maxLength={40} className="identifier" />
                      </Form.Item>
                    </Col>
                    <Col xs={24} sm={16} md={7}>
                      <Form.Item
                        name={[field.name, 'name']}
                        label={t('cycles.form.name')}
                        rules={[{ required: true, whitespace: true, message: t('cycles.form.required') }]}
                      >
                        <Input maxLength={60} />
                      </Form.Item>
                    </Col>
                    <Col xs={12} sm={8} md={4}>
                      <Form.Item name={[field.name, 'category']} label={t('cycles.form.category')}>
                        <Select
                          allowClear
                          options={categoryOptions}
                          popupMatchSelectWidth={false}
                          placeholder={t('cycles.form.any')}
                        />
                      </Form.Item>
                    </Col>
                    <Col xs={12} sm={8} md={4}>
                      <Form.Item name={[field.name, 'source']} label={t('cycles.form.source')}>
                        <Select<SourceType>
                          allowClear
                          placeholder={t('cycles.form.any')}
                          options={SOURCE_TYPES.map((s) => ({ value: s, label: t(`credits.sources.${s}`) }))}
                          popupMatchSelectWidth={false}
                        />
                      </Form.Item>
                    </Col>
                    <Col xs={18} sm={6} md={3}>
                      <Form.Item name={[field.name, 'hours']} label={t('cycles.form.capHours')} rules={[hoursRule]}>
                        <Input inputMode="decimal" />
                      </Form.Item>
                    </Col>
                    <Col xs={6} sm={2} className="rules-row-remove">
                      {!disabled && (
                        <Button
                          type="text"
                          danger
                          icon={<DeleteOutlined />}
                          onClick={() => remove(field.name)}
                          aria-label={t('cycles.form.remove')}
                        />
                      )}
                    </Col>
                  </Row>
                  <RowErrors problems={rowProblems} path={`caps.${field.name}`} />
                </div>
              ))}
            </Section>
          )}
        </Form.List>
      </Flex>
    </Form>
  );
}

/** The conditions of one minimum: it applies when any one holds; every stated part of a condition must hold. */
function ConditionsList({
  minimumIndex,
  disabled,
  rowProblems,
}: {
  minimumIndex: number;
  disabled: boolean;
  rowProblems: RowProblems;
}) {
  const { t } = useTranslation();
  return (
    <Form.List name={[minimumIndex, 'conditions']}>
      {(fields, { add, remove }) => (
        <div className="rules-conditions">
          {fields.map((field, i) => (
            <div key={field.key} className="rules-condition" data-testid="rules-condition">
              <Flex justify="space-between" align="center">
                <Typography.Text strong className="small-text">
                  {i === 0 ? t('cycles.form.conditionFirst') : t('cycles.form.conditionOr')}
                </Typography.Text>
                {!disabled && (
                  <Button
                    type="text"
                    size="small"
                    danger
                    icon={<DeleteOutlined />}
                    onClick={() => remove(field.name)}
                    aria-label={t('cycles.form.remove')}
                  />
                )}
              </Flex>
              <Row gutter={8}>
                <Col xs={12} md={4}>
                  <Form.Item name={[field.name, 'gender']} label={t('cycles.form.gender')}>
                    <Select<Gender>
                      allowClear
                      placeholder={t('cycles.form.any')}
                      options={GENDERS.map((g) => ({ value: g, label: t(`teachers.genders.${g}`) }))}
                    />
                  </Form.Item>
                </Col>
                <Col xs={6} md={3}>
                  <Form.Item name={[field.name, 'ageAtLeast']} label={t('cycles.form.ageAtLeast')}>
                    <InputNumber<number> min={18} max={80} precision={0} style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
                <Col xs={6} md={3}>
                  <Form.Item name={[field.name, 'ageUnder']} label={t('cycles.form.ageUnder')}>
                    <InputNumber<number> min={18} max={80} precision={0} style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
                <Col xs={24} md={5}>
                  <Form.Item name={[field.name, 'stages']} label={t('cycles.form.stages')}>
                    <Select<Stage[]>
                      mode="multiple"
                      allowClear
                      placeholder={t('cycles.form.any')}
                      options={STAGES.map((s) => ({ value: s, label: t(`stages.${s}`) }))}
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} md={5}>
                  <Form.Item name={[field.name, 'flags']} label={t('cycles.form.flags')}>
                    <Select<TeacherFlag[]>
                      mode="multiple"
                      allowClear
                      placeholder={t('cycles.form.any')}
                      options={TEACHER_FLAGS.map((f) => ({ value: f, label: t(`teachers.flags.${f}`) }))}
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} md={4}>
                  <Form.Item name={[field.name, 'subjects']} label={t('cycles.form.subjects')}>
                    <Select<string[]>
                      mode="tags"
                      allowClear
                      placeholder={t('cycles.form.any')}
                      open={false}
                      suffixIcon={null}
                    />
                  </Form.Item>
                </Col>
              </Row>
              <RowErrors problems={rowProblems} path={`minima.${minimumIndex}.conditions.${field.name}`} />
            </div>
          ))}
          <RowErrors problems={rowProblems} path={`minima.${minimumIndex}.conditions`} />
          {!disabled && (
            <Button size="small" type="dashed" icon={<PlusOutlined />} onClick={() => add({})}>
              {t('cycles.form.addCondition')}
            </Button>
          )}
        </div>
      )}
    </Form.List>
  );
}
