import { PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input, InputNumber, Modal, Tag } from 'antd';
import type { TableColumnsType } from 'antd';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import {
  type CommendationBatch,
  type CommendationCriteria,
  commendationsApi,
  programmeKeys,
} from '../../api/programmes.api';
import { ListPage, ListTable, ListToolbar, useListQuery, useListSearch } from '../../components/list-page';
import { useErrorMessage } from '../../lib/error-message';
import { formatDateTime } from '../../lib/format';
import { CriteriaFields, DEFAULT_CRITERIA, withNulls } from './criteria-form';

const KEYS = ['year', 'page'] as const;
export const BATCH_COLOR: Record<CommendationBatch['status'], string> = {
  draft: 'default',
  published: 'processing',
  finalised: 'success',
};

function CreateModal({ onClose, onSaved }: { onClose: () => void; onSaved: (id: number) => void }) {
  const { t } = useTranslation();
  const errorText = useErrorMessage();
  const [form] = Form.useForm<{ year: number; title: string; criteria: CommendationCriteria }>();
  const create = useMutation({
    mutationFn: (v: { year: number; title: string; criteria: CommendationCriteria }) =>
      commendationsApi.create({ ...v, criteria: withNulls(v.criteria) }),
    onSuccess: (d) => onSaved(d.batch.id),
  });
  const year = new Date().getFullYear() - 1;
  return (
    <Modal
      open
      width={960}
      title={t('commendations.create')}
      okText={t('commendations.createOk')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={create.isPending}
    >
      {create.isError && <Alert type="error" showIcon title={errorText(create.error)} style={{ marginBottom: 12 }} />}
      <Form
        form={form}
        layout="vertical"
        initialValues={{ year, title: t('commendations.defaultTitle', { year }), criteria: DEFAULT_CRITERIA }}
        onFinish={(v) => create.mutate(v)}
      >
        <Form.Item name="year" label={t('commendations.year')} rules={[{ required: true }]}>
          <InputNumber min={2000} max={2100} data-testid="commendation-year" />
        </Form.Item>
        <Form.Item name="title" label={t('commendations.title')} rules={[{ required: true, whitespace: true }]}>
          <Input maxLength={200} data-testid="commendation-title" />
        </Form.Item>
        <CriteriaFields />
      </Form>
    </Modal>
  );
}

/** 评优表彰: a bureau's commendation batches and those of the bureaus below it. */
export default function CommendationsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const { search, setSearch, paging } = useListSearch(KEYS);
  const year = search.year ? Number(search.year) : undefined;
  const list = useListQuery(programmeKeys.commendationList({ year, page: paging.page }), () =>
    commendationsApi.list({ year, page: paging.page, pageSize: paging.pageSize }),
  );
  const columns: TableColumnsType<CommendationBatch> = [
    { title: t('commendations.year'), dataIndex: 'year', width: 70 },
    {
      title: t('commendations.title'),
      dataIndex: 'title',
      render: (v: string, b) => (
        <Link to={`/programmes/commendations/${b.id}`} data-testid={`commendation-link-${b.id}`}>
          {v}
        </Link>
      ),
    },
    { title: t('commendations.organiser'), dataIndex: 'orgUnitName', responsive: ['md'] },
    { title: t('commendations.candidates'), dataIndex: 'candidates' },
    {
      title: t('commendations.status'),
      dataIndex: 'status',
      render: (v: CommendationBatch['status']) => <Tag color={BATCH_COLOR[v]}>{t(`commendations.statuses.${v}`)}</Tag>,
    },
    {
      title: t('commendations.createdAt'),
      dataIndex: 'createdAt',
      responsive: ['md'],
      render: (v: string) => formatDateTime(v),
    },
  ];
  return (
    <ListPage
      title={t('commendations.pageTitle')}
      testId="commendations-page"
      intro={<p>{t('commendations.intro')}</p>}
      actions={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="commendation-new">
          {t('commendations.create')}
        </Button>
      }
    >
      <ListToolbar>
        <InputNumber
          placeholder={t('commendations.allYears')}
          min={2000}
          max={2100}
          value={year}
          onChange={(v) => setSearch({ year: v ? String(v) : undefined, page: undefined })}
          style={{ width: 120 }}
          aria-label={t('commendations.year')}
        />
      </ListToolbar>
      <ListTable<CommendationBatch>
        rowKey="id"
        list={list}
        paging={paging}
        columns={columns}
        empty={t('commendations.none')}
      />
      {creating && (
        <CreateModal
          onClose={() => setCreating(false)}
          onSaved={(id) => {
            setCreating(false);
            void navigate(`/programmes/commendations/${id}`);
          }}
        />
      )}
    </ListPage>
  );
}
