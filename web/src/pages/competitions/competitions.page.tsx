import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { App, Button, Form, Input, InputNumber, Modal, Select, Space, Switch, Tag } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { type Competition, type CompetitionInput, competitionKeys, competitionsApi } from '../../api/competitions.api';
import { ListPage, ListTable, useListQuery, useListSearch } from '../../components/list-page';
import { useErrorMessage } from '../../lib/error-message';

const KEYS = ['page'] as const;
export const COMPETITION_KINDS = ['essay', 'case', 'lesson', 'blog', 'skills', 'reading', 'other'] as const;
export const ROUND_LEVELS = ['school', 'county', 'city', 'province'] as const;

interface FormValues {
  title: string;
  kind: (typeof COMPETITION_KINDS)[number];
  year: number;
  categories?: string;
  description?: string;
  rubric: { label: string; weight: number; max: number }[];
  trimAt: number;
  normalise: boolean;
  normaliseMin: number;
  spreadThreshold: number;
  rounds: {
    level: (typeof ROUND_LEVELS)[number];
    deadline: string;
    quotaDefault: number;
    p1: number;
    p2: number;
    p3: number;
  }[];
}

/** Today in China ('YYYY-MM-DD'), what the server compares a deadline with. */
const chinaToday = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

/** 新建评比: categories, rubric, scoring rules and rounds from the lowest level up to the organiser's. */

function CompetitionFormModal({ onClose, onSaved }: { onClose: () => void; onSaved: (c: Competition) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const [form] = Form.useForm<FormValues>();
  const save = useMutation({
    mutationFn: (v: FormValues) => {
      const input: CompetitionInput = {
        title: v.title,
        kind: v.kind,
        year: v.year,
        description: v.description || null,
        categories: (v.categories ?? '')
          .split(/[,，、]/)
          .map((x) => x.trim())
          .filter(Boolean),
        rubric: v.rubric.map((r, i) => ({ key: `item${i + 1}`, label: r.label, weight: r.weight, max: r.max })),
        trimAt: v.trimAt,
        normalise: v.normalise,
        normaliseMin: v.normaliseMin,
        spreadThreshold: v.spreadThreshold,
        rounds: v.rounds.map((r) => ({
          level: r.level,
          deadline: r.deadline,
          quotaDefault: r.quotaDefault,
          awardSpec: { by: 'proportions' as const, percents: [r.p1, r.p2, r.p3] as [number, number, number] },
        })),
      };
      return competitionsApi.create(input);
    },
    onSuccess: (r) => onSaved(r.competition),
    onError: (err) => void message.error(errorText(err)),
  });
  return (
    <Modal
      open
      width={760}
      title={t('competitions.create')}
      onCancel={onClose}
      onOk={() => void form.validateFields().then((v) => save.mutate(v))}
      confirmLoading={save.isPending}
      okButtonProps={{ 'data-testid': 'competition-save' } as Record<string, string>}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          kind: 'case',
          year: new Date().getFullYear(),
          trimAt: 5,
          normalise: true,
          normaliseMin: 10,
          spreadThreshold: 20,
          rubric: [
            { label: '内容', weight: 4, max: 40 },
            { label: '方法', weight: 3, max: 30 },
            { label: '效果', weight: 3, max: 30 },
          ],
          rounds: [{ level: 'county', deadline: '', quotaDefault: 3, p1: 10, p2: 20, p3: 30 }],
        }}
      >
        <Form.Item name="title" label={t('competitions.title')} rules={[{ required: true, max: 200 }]}>
          <Input data-testid="competition-title" />
        </Form.Item>
        <Space wrap>
          <Form.Item name="kind" label={t('competitions.kind')}>
            <Select
              style={{ width: 180 }}
              options={COMPETITION_KINDS.map((k) => ({ value: k, label: t(`competitions.kinds.${k}`) }))}
            />
          </Form.Item>
          <Form.Item name="year" label={t('competitions.year')} rules={[{ required: true }]}>
            <InputNumber min={2000} max={2100} />
          </Form.Item>
        </Space>
        <Form.Item name="categories" label={t('competitions.categories')}>
          <Input placeholder="小学语文，初中数学" />
        </Form.Item>
        <Form.Item name="description" label={t('competitions.description')}>
          <Input.TextArea rows={2} maxLength={5000} />
        </Form.Item>
        <h4>{t('competitions.rubric')}</h4>
        <Form.List name="rubric">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} align="baseline" wrap>
                  <Form.Item name={[f.name, 'label']} rules={[{ required: true, max: 100 }]}>
                    <Input placeholder={t('competitions.rubricItem')} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'weight']} rules={[{ required: true }]}>
                    <InputNumber
                      min={0.1}
                      max={1000}
                      placeholder={t('competitions.weight')}
                      addonBefore={t('competitions.weight')}
                    />
                  </Form.Item>
                  <Form.Item name={[f.name, 'max']} rules={[{ required: true }]}>
                    <InputNumber min={1} max={1000} addonBefore={t('competitions.max')} />
                  </Form.Item>
                  <MinusCircleOutlined onClick={() => remove(f.name)} aria-label="remove" />
                </Space>
              ))}
              <Button type="dashed" onClick={() => add({ weight: 1, max: 10 })} icon={<PlusOutlined />}>
                {t('competitions.addItem')}
              </Button>
            </>
          )}
        </Form.List>
        <h4 style={{ marginTop: 16 }}>{t('competitions.rules')}</h4>
        <Form.Item name="trimAt" label={t('competitions.trimAt')}>
          <InputNumber min={3} max={10} />
        </Form.Item>
        <Space wrap>
          <Form.Item name="normalise" label={t('competitions.normalise')} valuePropName="checked">
            <Switch />
          </Form.Item>
          <Form.Item name="normaliseMin" label={t('competitions.normaliseMin')}>
            <InputNumber min={2} max={1000} />
          </Form.Item>
          <Form.Item name="spreadThreshold" label={t('competitions.spread')}>
            <InputNumber min={1} max={100} />
          </Form.Item>
        </Space>
        <h4>{t('competitions.rounds')}</h4>
        <Form.List name="rounds">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} align="baseline" wrap>
                  <Form.Item name={[f.name, 'level']} label={t('competitions.level')}>
                    <Select
                      style={{ width: 100 }}
                      options={ROUND_LEVELS.map((l) => ({ value: l, label: t(`competitions.levels.${l}`) }))}
                    />
                  </Form.Item>
                  <Form.Item
                    name={[f.name, 'deadline']}
                    label={t('competitions.deadline')}
                    rules={[
                      { required: true, message: t('competitions.deadlineRequired') },
                      {
                        validator: (_, v: string | undefined) =>
                          !v || v >= chinaToday()
                            ? Promise.resolve()
                            : Promise.reject(new Error(t('competitions.deadlinePast'))),
                      },
                    ]}
                  >
                    <Input type="date" style={{ width: 150 }} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'quotaDefault']} label={t('competitions.quota')}>
                    <InputNumber min={0} max={10000} />
                  </Form.Item>
                  <Form.Item label={t('competitions.awardRule')}>
                    <Space>
                      <Form.Item name={[f.name, 'p1']} noStyle>
                        <InputNumber min={0} max={100} style={{ width: 64 }} />
                      </Form.Item>
                      <Form.Item name={[f.name, 'p2']} noStyle>
                        <InputNumber min={0} max={100} style={{ width: 64 }} />
                      </Form.Item>
                      <Form.Item name={[f.name, 'p3']} noStyle>
                        <InputNumber min={0} max={100} style={{ width: 64 }} />
                      </Form.Item>
                    </Space>
                  </Form.Item>
                  {fields.length > 1 && <MinusCircleOutlined onClick={() => remove(f.name)} aria-label="remove" />}
                </Space>
              ))}
              <Button
                type="dashed"
                onClick={() => add({ level: 'city', deadline: '', quotaDefault: 1, p1: 10, p2: 20, p3: 30 })}
                icon={<PlusOutlined />}
              >
                {t('competitions.addRound')}
              </Button>
            </>
          )}
        </Form.List>
      </Form>
    </Modal>
  );
}

/** 评比与比赛: the competitions organised in the reader's subtree and those with a round above it. */
export default function CompetitionsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const { paging } = useListSearch(KEYS);
  const list = useListQuery(competitionKeys.list(paging.page), () =>
    competitionsApi.list({ page: paging.page, pageSize: paging.pageSize }),
  );
  const columns: TableColumnsType<Competition> = [
    { title: t('competitions.year'), dataIndex: 'year', width: 70 },
    {
      title: t('competitions.title'),
      dataIndex: 'title',
      render: (v: string, c) => (
        <Link to={`/programmes/competitions/${c.id}`} data-testid={`competition-link-${c.id}`}>
          {v}
        </Link>
      ),
    },
    {
      title: t('competitions.kind'),
      dataIndex: 'kind',
      render: (v: string) => <Tag>{t(`competitions.kinds.${v}`)}</Tag>,
    },
    { title: t('competitions.organiser'), dataIndex: 'orgUnitName' },
  ];
  return (
    <ListPage
      title={t('competitions.pageTitle')}
      testId="competitions-page"
      intro={<p>{t('competitions.intro')}</p>}
      actions={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="competition-new">
          {t('competitions.create')}
        </Button>
      }
    >
      <ListTable<Competition>
        rowKey="id"
        list={list}
        paging={paging}
        columns={columns}
        empty={t('competitions.none')}
      />
      {creating && (
        <CompetitionFormModal
          onClose={() => setCreating(false)}
          onSaved={(c) => {
            setCreating(false);
            void navigate(`/programmes/competitions/${c.id}`);
          }}
        />
      )}
    </ListPage>
  );
}
