import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, InputNumber, Modal, Radio, Space, Switch, Tag } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import {
  ACTIVITY_KINDS,
  type CreatePairInput,
  PAIR_STATUSES,
  type Pair,
  type PairKind,
  type PairRuleInput,
  type PairStatus,
  pairKeys,
  pairsApi,
} from '../../api/pairs.api';
import { useCurrentUser } from '../../auth/session';
import {
  ListActions,
  ListFilter,
  ListPage,
  ListSearch,
  ListTable,
  ListToolbar,
  useListQuery,
  useListSearch,
} from '../../components/list-page';
import { OrgUnitPicker } from '../../components/org-unit-picker';
import { useErrorMessage } from '../../lib/error-message';
import { formatDate } from '../../lib/format';
import { menteeLine, mentorLine, STATUS_COLOR } from './pair-labels';
import { TeacherPick } from './teacher-pick';

const KEYS = ['status', 'kind', 'q', 'page'] as const;
const KINDS: readonly PairKind[] = ['mentoring', 'school'];

/** 师徒结对 / 城乡对口帮扶: the pairs of the reader's subtree, with what waits for the reader first. */
export default function PairsPage() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const [rule, setRule] = useState(false);
  const { search, setSearch, paging } = useListSearch(KEYS);
  const query = {
    status: search.status as PairStatus | undefined,
    kind: search.kind as PairKind | undefined,
    q: search.q,
  };
  const list = useListQuery(pairKeys.list({ ...query, page: paging.page }), () =>
    pairsApi.list({ ...query, page: paging.page, pageSize: paging.pageSize }),
  );
  const pending = t('pairs.pending');
  const pairs = me.role === 'school_admin' || me.role === 'county_admin';

  const columns: TableColumnsType<Pair> = [
    {
      title: t('pairs.kind'),
      dataIndex: 'kind',
      width: 110,
      render: (v: PairKind) => t(`pairs.kinds.${v}`),
    },
    {
      title: t('pairs.mentorSide'),
      key: 'mentor',
      render: (_: unknown, p) => (
        <Link to={`/programmes/pairs/${p.id}`} data-testid={`pair-link-${p.id}`}>
          {mentorLine(p, pending)}
        </Link>
      ),
    },
    { title: t('pairs.menteeSide'), key: 'mentee', render: (_: unknown, p) => menteeLine(p, pending) },
    {
      title: t('pairs.term'),
      key: 'term',
      render: (_: unknown, p) =>
        p.termStart && p.termEnd ? `${formatDate(p.termStart)} ~ ${formatDate(p.termEnd)}` : '—',
    },
    {
      title: t('pairs.status'),
      dataIndex: 'status',
      render: (v: PairStatus, p) => (
        <Space size={4}>
          <Tag color={STATUS_COLOR[v]}>{t(`pairs.statuses.${v}`)}</Tag>
          {p.honourCode && <Tag color="gold">{t('pairs.award')}</Tag>}
        </Space>
      ),
    },
  ];

  return (
    <ListPage
      title={t('pairs.pageTitle')}
      testId="pairs-page"
      intro={<p>{t('pairs.intro')}</p>}
      actions={
        <ListActions
          exportSheet={{
            label: t('pairs.export'),
            testId: 'pairs-export',
            file: () => pairsApi.exportXlsx(query),
            fileName: 'pairs.xlsx',
          }}
          create={
            pairs ? { label: t('pairs.create'), testId: 'pair-new', onClick: () => setCreating(true) } : undefined
          }
        >
          {me.orgUnit.kind === 'county' && me.role === 'county_admin' && (
            <Button onClick={() => setRule(true)} data-testid="pair-rule-open">
              {t('pairs.rule.title')}
            </Button>
          )}
        </ListActions>
      }
    >
      <ListToolbar>
        <ListFilter<PairStatus>
          value={query.status}
          values={PAIR_STATUSES}
          label={(s) => t(`pairs.statuses.${s}`)}
          placeholder={t('pairs.allStatuses')}
          onChange={(v) => setSearch({ status: v, page: undefined })}
          testId="pairs-status"
        />
        <ListFilter<PairKind>
          value={query.kind}
          values={KINDS}
          label={(k) => t(`pairs.kinds.${k}`)}
          placeholder={t('pairs.allKinds')}
          onChange={(v) => setSearch({ kind: v, page: undefined })}
          testId="pairs-kind"
        />
        <ListSearch
          value={query.q}
          onSearch={(v) => setSearch({ q: v, page: undefined })}
          placeholder={t('pairs.searchPlaceholder')}
          testId="pairs-search"
        />
      </ListToolbar>
      <ListTable<Pair> rowKey="id" list={list} paging={paging} columns={columns} empty={t('pairs.none')} />
      {creating && (
        <CreatePairModal
          county={me.role === 'county_admin'}
          onClose={() => setCreating(false)}
          onSaved={(id) => {
            setCreating(false);
            void navigate(`/programmes/pairs/${id}`);
          }}
        />
      )}
      {rule && <RuleModal countyId={me.orgUnit.id} onClose={() => setRule(false)} />}
    </ListPage>
  );
}

/** A school pairs two of its teachers (the county registers); a county pairs teachers or two schools. */
function CreatePairModal({
  county,
  onClose,
  onSaved,
}: {
  county: boolean;
  onClose: () => void;
  onSaved: (id: number) => void;
}) {
  const { t } = useTranslation();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<CreatePairInput>();
  const kind = Form.useWatch('kind', form) ?? 'mentoring';
  const [error, setError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (v: CreatePairInput) => pairsApi.create(v),
    onSuccess: (r) => {
      void queryClient.invalidateQueries({ queryKey: pairKeys.all });
      onSaved(r.pair.id);
    },
    onError: (e) => setError(errorText(e)),
  });
  return (
    <Modal
      open
      title={t('pairs.create')}
      okText={t('pairs.create')}
      cancelText={t('common.cancel')}
      okButtonProps={{ loading: save.isPending, 'data-testid': 'pair-create-ok' }}
      onCancel={onClose}
      onOk={() => void form.validateFields().then((v) => save.mutate({ ...v, kind }))}
      destroyOnHidden
    >
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 12 }}
        message={county ? t('pairs.createCountyHint') : t('pairs.createSchoolHint')}
      />
      <Form form={form} layout="vertical" initialValues={{ kind: 'mentoring' }}>
        {county && (
          <Form.Item name="kind" label={t('pairs.kind')}>
            <Radio.Group
              options={KINDS.map((k) => ({ value: k, label: t(`pairs.kinds.${k}`) }))}
              data-testid="pair-create-kind"
            />
          </Form.Item>
        )}
        {kind === 'school' && (
          <>
            <Form.Item name="orgUnitId" label={t('pairs.mentorSchool')} rules={[{ required: true }]}>
              <OrgUnitPicker kinds={['school']} data-testid="pair-create-school" />
            </Form.Item>
            <Form.Item name="menteeOrgUnitId" label={t('pairs.menteeSchool')} rules={[{ required: true }]}>
              <OrgUnitPicker kinds={['school']} data-testid="pair-create-mentee-school" />
            </Form.Item>
          </>
        )}
        <Form.Item
          name="mentorTeacherId"
          label={kind === 'school' ? t('pairs.mentorOptional') : t('pairs.mentor')}
          rules={[{ required: kind === 'mentoring' }]}
        >
          <TeacherPick testId="pair-create-mentor" />
        </Form.Item>
        <Form.Item
          name="menteeTeacherId"
          label={kind === 'school' ? t('pairs.menteeOptional') : t('pairs.mentee')}
          rules={[{ required: kind === 'mentoring' }]}
        >
          <TeacherPick testId="pair-create-mentee" />
        </Form.Item>
        <Form.Item name="note" label={t('pairs.note')} rules={[{ max: 2000 }]}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon message={error} />}
    </Modal>
  );
}

/** The county's hours rule: hours per activity kind, a yearly cap per teacher, a category. */
function RuleModal({ countyId, onClose }: { countyId: number; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const q = useQuery({ queryKey: pairKeys.rule(countyId), queryFn: () => pairsApi.rule(countyId) });
  const [form] = Form.useForm<{
    enabled: boolean;
    hours: Record<string, number>;
    cap: number;
    category: string;
  }>();
  const save = useMutation({
    mutationFn: (input: PairRuleInput) => pairsApi.saveRule(countyId, input),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: pairKeys.rule(countyId) });
      void message.success(t('pairs.saved'));
      onClose();
    },
    onError: (e) => void message.error(errorText(e)),
  });
  const r = q.data?.rule;
  const initial = {
    enabled: r?.enabled ?? true,
    hours: Object.fromEntries(ACTIVITY_KINDS.map((k) => [k, (r?.tenths[k] ?? 10) / 10])),
    cap: (r?.capTenths ?? 200) / 10,
    category: r?.category ?? '',
  };
  return (
    <Modal
      open
      title={t('pairs.rule.title')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      okButtonProps={{ loading: save.isPending, disabled: q.isLoading, 'data-testid': 'pair-rule-save' }}
      onCancel={onClose}
      onOk={() =>
        void form.validateFields().then((v) =>
          save.mutate({
            enabled: v.enabled,
            tenths: {
              observation: Math.round((v.hours['observation'] ?? 0) * 10),
              guidance: Math.round((v.hours['guidance'] ?? 0) * 10),
              coteaching: Math.round((v.hours['coteaching'] ?? 0) * 10),
              other: Math.round((v.hours['other'] ?? 0) * 10),
            },
            capTenths: Math.round(v.cap * 10),
            category: v.category?.trim() || null,
          }),
        )
      }
    >
      <p>{t('pairs.rule.intro')}</p>
      {!q.isLoading && (
        <Form form={form} layout="vertical" initialValues={initial}>
          <Form.Item name="enabled" label={t('pairs.rule.enabled')} valuePropName="checked">
            <Switch />
          </Form.Item>
          <Space wrap>
            {ACTIVITY_KINDS.map((k) => (
              <Form.Item key={k} name={['hours', k]} label={t(`pairs.activityKinds.${k}`)} rules={[{ required: true }]}>
                <InputNumber min={0} max={20} step={0.5} precision={1} addonAfter={t('pairs.rule.hours')} />
              </Form.Item>
            ))}
          </Space>
          <Form.Item name="cap" label={t('pairs.rule.cap')} rules={[{ required: true }]}>
            <InputNumber min={0} max={200} step={1} precision={1} addonAfter={t('pairs.rule.hoursPerYear')} />
          </Form.Item>
          <Form.Item name="category" label={t('pairs.rule.category')} rules={[{ max: 40 }]}>
            <Input maxLength={40} placeholder={t('pairs.rule.categoryHint')} />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}
