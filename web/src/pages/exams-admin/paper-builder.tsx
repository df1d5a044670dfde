import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  AutoComplete,
  Button,
  Flex,
  Form,
  InputNumber,
  Modal,
  Radio,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { FormInstance, TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  QUESTION_KINDS,
  examAdminApi,
  examAdminKeys,
  type BankQuery,
  type BankQuestion,
  type PaperPool,
  type QuestionKind,
} from '../../api/exam-admin';
import { STAGES } from '../../api/types';
import { ListFilter, ListSearch, ListTable, useLocalPaging } from '../../components/list-page';
import { type ExamFormValues, EMPTY_POOL, type FixedRow, paperTotal } from './exam-form-values';
import { formatPoints } from './exam-labels';

/** Points a picked question starts with, by kind; the builder's table changes them. */
const DEFAULT_POINTS: Record<QuestionKind, number> = { single: 2, multiple: 3, true_false: 1, fill_in: 2, essay: 10 };
const DIFFICULTIES = [1, 2, 3, 4, 5];
const POOL_ROW_STYLE = { border: '1px solid #f0f0f0', borderRadius: 8, padding: '8px 12px 0' } as const;

/** The total the paper is worth now, under the builder (updated as points and counts change). */
export function PaperTotal({ form }: { form: FormInstance<ExamFormValues> }) {
  const { t } = useTranslation();
  const mode = Form.useWatch('paperMode', form) ?? 'fixed';
  const items = Form.useWatch('items', { form, preserve: true });
  const pools = Form.useWatch('pools', { form, preserve: true });
  const total = paperTotal(mode, items, pools);
  return (
    <Alert
      type={total.questions > 0 ? 'info' : 'warning'}
      showIcon
      title={t('examAdmin.paper.total', { questions: total.questions, points: formatPoints(total.points) })}
      data-testid="paper-total"
    />
  );
}

/**
 * The paper: fixed (questions picked from the bank, each with its points, in order) or drawn per
 * candidate from pools of tagged questions (kind, module, subject, stage, a difficulty range, how many,
 * points each). The organiser's questions and those of the units above it are offered.
 */
export function PaperBuilder({ form, locked }: { form: FormInstance<ExamFormValues>; locked: boolean }) {
  const { t } = useTranslation();
  const mode = Form.useWatch('paperMode', form) ?? 'fixed';
  const orgUnitId = Form.useWatch('orgUnitId', form);
  const [picking, setPicking] = useState(false);
  // the tags the organiser's banks use (师德, 教育技术 …; subjects)
  const tags = useQuery({
    queryKey: examAdminKeys.tags(orgUnitId),
    queryFn: () => examAdminApi.bankTags(orgUnitId),
    staleTime: 300_000,
    retry: false,
  });
  const moduleOptions = (tags.data?.modules ?? []).map((m) => ({ value: m, label: m }));
  const subjectOptions = (tags.data?.subjects ?? []).map((m) => ({ value: m, label: m }));

  return (
    <Flex vertical gap={12}>
      {locked && <Alert type="info" showIcon title={t('examAdmin.paper.locked')} />}
      <Form.Item name="paperMode" label={t('examAdmin.paper.mode')}>
        <Radio.Group disabled={locked} data-testid="paper-mode">
          <Radio value="fixed" data-testid="paper-mode-fixed">
            {t('examAdmin.paper.modes.fixed')}
          </Radio>
          <Radio value="drawn" data-testid="paper-mode-drawn">
            {t('examAdmin.paper.modes.drawn')}
          </Radio>
        </Radio.Group>
      </Form.Item>
      <Typography.Paragraph type="secondary">{t(`examAdmin.paper.modeHints.${mode}`)}</Typography.Paragraph>

      <div style={{ display: mode === 'fixed' ? undefined : 'none' }}>
        <Form.List name="items">
          {(fields, { remove, move }) => (
            <>
              <Table
                size="small"
                rowKey="key"
                pagination={false}
                dataSource={fields}
                locale={{ emptyText: t('examAdmin.paper.noItems') }}
                data-testid="paper-items"
                columns={[
                  { title: '#', key: 'n', width: 48, render: (_, __, i) => i + 1 },
                  {
                    title: t('examAdmin.paper.question'),
                    key: 'q',
                    render: (_, f) => {
                      const row = form.getFieldValue(['items', f.name]) as FixedRow | undefined;
                      return (
                        <Space size={4} align="start">
                          {row?.kind && <Tag>{t(`examAdmin.kinds.${row.kind}`)}</Tag>}
                          <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ margin: 0, maxWidth: 520 }}>
                            {row?.stem ?? t('examAdmin.paper.questionNo', { id: row?.questionId })}
                          </Typography.Paragraph>
                        </Space>
                      );
                    },
                  },
                  {
                    title: t('examAdmin.paper.points'),
                    key: 'points',
                    width: 140,
                    render: (_, f) => (
                      <Form.Item
                        name={[f.name, 'points']}
                        noStyle
                        rules={[{ required: true, type: 'number', min: 0.5, max: 100 }]}
                      >
                        <InputNumber
                          min={0.5}
                          max={100}
                          step={0.5}
                          disabled={locked}
                          aria-label={t('examAdmin.paper.points')}
                          data-testid="paper-item-points"
                        />
                      </Form.Item>
                    ),
                  },
                  {
                    title: t('common.actions'),
                    key: 'a',
                    width: 140,
                    render: (_, f, i) => (
                      <Space size={2}>
                        <Button
                          size="small"
                          type="text"
                          icon={<ArrowUpOutlined />}
                          disabled={locked || i === 0}
                          onClick={() => move(i, i - 1)}
                          aria-label={t('examAdmin.paper.up')}
                        />
                        <Button
                          size="small"
                          type="text"
                          icon={<ArrowDownOutlined />}
                          disabled={locked || i === fields.length - 1}
                          onClick={() => move(i, i + 1)}
                          aria-label={t('examAdmin.paper.down')}
                        />
                        <Button
                          size="small"
                          type="text"
                          danger
                          icon={<DeleteOutlined />}
                          disabled={locked}
                          onClick={() => remove(f.name)}
                          aria-label={t('examAdmin.paper.remove')}
                        />
                      </Space>
                    ),
                  },
                ]}
              />
              <Button
                icon={<PlusOutlined />}
                disabled={locked}
                onClick={() => setPicking(true)}
                style={{ marginTop: 8 }}
                data-testid="paper-pick"
              >
                {t('examAdmin.paper.pick')}
              </Button>
            </>
          )}
        </Form.List>
      </div>

      <div style={{ display: mode === 'drawn' ? undefined : 'none' }}>
        <Form.List name="pools">
          {(fields, { add, remove }) => (
            <Flex vertical gap={8} data-testid="paper-pools">
              {fields.length === 0 && (
                <Typography.Text type="secondary">{t('examAdmin.paper.noPools')}</Typography.Text>
              )}
              {fields.map((f, i) => (
                <PoolRow
                  key={f.key}
                  form={form}
                  name={f.name}
                  index={i}
                  locked={locked}
                  moduleOptions={moduleOptions}
                  subjectOptions={subjectOptions}
                  onRemove={() => remove(f.name)}
                />
              ))}
              <div>
                <Button
                  icon={<PlusOutlined />}
                  disabled={locked}
                  onClick={() => add({ ...EMPTY_POOL })}
                  data-testid="paper-add-pool"
                >
                  {t('examAdmin.paper.addPool')}
                </Button>
              </div>
            </Flex>
          )}
        </Form.List>
      </div>
      <PaperTotal form={form} />
      {picking && (
        <QuestionPickerModal
          unitId={orgUnitId}
          taken={new Set(((form.getFieldValue('items') as FixedRow[] | undefined) ?? []).map((r) => r.questionId))}
          moduleOptions={moduleOptions}
          onClose={() => setPicking(false)}
          onPick={(rows) => {
            const items = (form.getFieldValue('items') as FixedRow[] | undefined) ?? [];
            form.setFieldValue('items', [...items, ...rows]);
            setPicking(false);
          }}
        />
      )}
    </Flex>
  );
}

/** One pool of a drawn paper: "10 single choice of 师德, difficulty 2–3, 2 points each". */
function PoolRow({
  form,
  name,
  index,
  locked,
  moduleOptions,
  subjectOptions,
  onRemove,
}: {
  form: FormInstance<ExamFormValues>;
  name: number;
  index: number;
  locked: boolean;
  moduleOptions: { value: string; label: string }[];
  subjectOptions: { value: string; label: string }[];
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const pool = Form.useWatch(['pools', name], form) as Partial<PaperPool> | undefined;
  const subtotal = (pool?.count ?? 0) * (pool?.points ?? 0);
  return (
    <div style={POOL_ROW_STYLE} data-testid="paper-pool">
      <Space wrap align="start" size={8}>
        <Typography.Text strong>{t('examAdmin.paper.poolNo', { n: index + 1 })}</Typography.Text>
        <Form.Item name={[name, 'kind']} label={t('examAdmin.paper.kind')} rules={[{ required: true }]}>
          <Select
            disabled={locked}
            style={{ width: 110 }}
            options={QUESTION_KINDS.map((k) => ({ value: k, label: t(`examAdmin.kinds.${k}`) }))}
            data-testid="pool-kind"
          />
        </Form.Item>
        <Form.Item name={[name, 'module']} label={t('examAdmin.paper.module')} rules={[{ max: 40 }]}>
          <AutoComplete
            allowClear
            disabled={locked}
            style={{ width: 120 }}
            options={moduleOptions}
            placeholder={t('examAdmin.paper.any')}
            data-testid="pool-module"
          />
        </Form.Item>
        <Form.Item name={[name, 'subject']} label={t('examAdmin.paper.subject')} rules={[{ max: 40 }]}>
          <AutoComplete
            allowClear
            disabled={locked}
            style={{ width: 100 }}
            options={subjectOptions}
            placeholder={t('examAdmin.paper.any')}
          />
        </Form.Item>
        <Form.Item name={[name, 'stage']} label={t('examAdmin.paper.stage')}>
          <Select
            allowClear
            disabled={locked}
            style={{ width: 100 }}
            options={STAGES.map((s) => ({ value: s, label: t(`stages.${s}`) }))}
            placeholder={t('examAdmin.paper.any')}
          />
        </Form.Item>
        <Form.Item label={t('examAdmin.paper.difficulty')} required>
          <Space.Compact>
            <Form.Item name={[name, 'difficultyMin']} noStyle rules={[{ required: true }]}>
              <InputNumber min={1} max={5} precision={0} disabled={locked} style={{ width: 64 }} />
            </Form.Item>
            <Form.Item
              name={[name, 'difficultyMax']}
              noStyle
              dependencies={[['pools', name, 'difficultyMin']]}
              rules={[
                { required: true },
                {
                  validator: (_, v: number | undefined) =>
                    v === undefined || v >= (pool?.difficultyMin ?? 1)
                      ? Promise.resolve()
                      : Promise.reject(new Error(t('examAdmin.problems.difficultyRange', { n: index + 1 }))),
                },
              ]}
            >
              <InputNumber min={1} max={5} precision={0} disabled={locked} style={{ width: 64 }} />
            </Form.Item>
          </Space.Compact>
        </Form.Item>
        <Form.Item name={[name, 'count']} label={t('examAdmin.paper.count')} rules={[{ required: true }]}>
          <InputNumber
            min={1}
            max={200}
            precision={0}
            disabled={locked}
            style={{ width: 80 }}
            data-testid="pool-count"
          />
        </Form.Item>
        <Form.Item name={[name, 'points']} label={t('examAdmin.paper.pointsEach')} rules={[{ required: true }]}>
          <InputNumber
            min={0.5}
            max={100}
            step={0.5}
            disabled={locked}
            style={{ width: 80 }}
            data-testid="pool-points"
          />
        </Form.Item>
        <Form.Item label={t('examAdmin.paper.subtotal')}>
          <Typography.Text>{formatPoints(subtotal)}</Typography.Text>
        </Form.Item>
        <Form.Item label=" ">
          <Button danger type="text" icon={<DeleteOutlined />} disabled={locked} onClick={onRemove}>
            {t('examAdmin.paper.remove')}
          </Button>
        </Form.Item>
      </Space>
    </div>
  );
}

/** Picks questions from the bank (GET /api/questions): filters, several at once, each with its points. */
function QuestionPickerModal({
  unitId,
  taken,
  moduleOptions,
  onClose,
  onPick,
}: {
  unitId?: number;
  taken: ReadonlySet<number>;
  moduleOptions: { value: string; label: string }[];
  onClose: () => void;
  onPick: (rows: FixedRow[]) => void;
}) {
  const { t } = useTranslation();
  const { paging, reset } = useLocalPaging(10);
  const [filters, setFilters] = useState<Omit<BankQuery, 'page' | 'pageSize'>>({ unitId, includeInherited: 'true' });
  const [chosen, setChosen] = useState<Map<number, BankQuestion>>(new Map());
  const query: BankQuery = { ...filters, page: paging.page, pageSize: paging.pageSize };
  const list = useQuery({ queryKey: examAdminKeys.bank(query), queryFn: () => examAdminApi.bank(query) });
  const set = (patch: Partial<BankQuery>) => {
    setFilters((f) => ({ ...f, ...patch }));
    reset();
  };
  const columns: TableColumnsType<BankQuestion> = [
    {
      title: t('examAdmin.paper.kind'),
      dataIndex: 'kind',
      width: 110,
      render: (k: QuestionKind) => t(`examAdmin.kinds.${k}`),
    },
    {
      title: t('examAdmin.paper.question'),
      dataIndex: 'stem',
      render: (s: string) => (
        <Typography.Paragraph ellipsis={{ rows: 2, tooltip: s }} style={{ margin: 0, maxWidth: 420 }}>
          {s}
        </Typography.Paragraph>
      ),
    },
    { title: t('examAdmin.paper.module'), dataIndex: 'module', render: (v: string) => v || '—' },
    { title: t('examAdmin.paper.difficulty'), dataIndex: 'difficulty', width: 70, align: 'right' },
    { title: t('examAdmin.fields.orgUnit'), dataIndex: 'unitName', responsive: ['lg'], render: (v) => v ?? '—' },
  ];
  return (
    <Modal
      open
      width={960}
      title={t('examAdmin.paper.pickTitle')}
      onCancel={onClose}
      okText={t('examAdmin.paper.pickOk', { count: chosen.size })}
      okButtonProps={{ disabled: chosen.size === 0, 'data-testid': 'picker-ok' }}
      onOk={() =>
        onPick(
          [...chosen.values()].map((q) => ({
            questionId: q.id,
            version: q.version,
            kind: q.kind,
            stem: q.stem,
            points: DEFAULT_POINTS[q.kind] ?? 2,
          })),
        )
      }
      destroyOnHidden
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <ListSearch
          value={filters.q}
          onSearch={(q) => set({ q })}
          placeholder={t('examAdmin.paper.searchStem')}
          width={220}
          testId="picker-search"
        />
        <ListFilter
          placeholder={t('examAdmin.paper.kind')}
          value={filters.kind}
          values={QUESTION_KINDS}
          label={(k) => t(`examAdmin.kinds.${k}`)}
          onChange={(kind) => set({ kind })}
          width={130}
        />
        <ListFilter
          showSearch
          placeholder={t('examAdmin.paper.module')}
          value={filters.module}
          values={moduleOptions.map((m) => m.value)}
          label={(m) => m}
          onChange={(module) => set({ module })}
          width={150}
        />
        <Select<number>
          allowClear
          placeholder={t('examAdmin.paper.difficulty')}
          value={filters.difficulty}
          onChange={(difficulty) => set({ difficulty: difficulty ?? undefined })}
          options={DIFFICULTIES.map((d) => ({ value: d, label: String(d) }))}
          style={{ width: 100 }}
        />
      </Space>
      <Typography.Paragraph type="secondary">{t('examAdmin.paper.pointsDefaultHint')}</Typography.Paragraph>
      <ListTable<BankQuestion>
        rowKey="id"
        size="small"
        columns={columns}
        list={list}
        paging={paging}
        empty={t('examAdmin.paper.bankEmpty')}
        rowSelection={{
          selectedRowKeys: [...chosen.keys()],
          getCheckboxProps: (q) => ({ disabled: taken.has(q.id) }),
          onChange: (_, rows) =>
            setChosen((prev) => {
              const next = new Map(prev);
              const onPage = new Set((list.data?.items ?? []).map((q) => q.id));
              for (const id of onPage) next.delete(id);
              for (const q of rows) next.set(q.id, q);
              return next;
            }),
        }}
        data-testid="picker-table"
      />
    </Modal>
  );
}
