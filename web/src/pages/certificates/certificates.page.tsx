import { DownloadOutlined, FileZipOutlined, StopOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Empty, Flex, Form, InputNumber, Modal, Radio, Space, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { saveFile } from '../../api/client';
import { certificatesApi, type CertificateKindInput } from '../../api/certificates.api';
import { queryKeys } from '../../api/query-keys';
import { teachersApi } from '../../api/teachers.api';
import type { BulkCertificateResult, Certificate, CertificateKind, Cycle, OrgUnitKind } from '../../api/types';
import { useCurrentUser } from '../../auth/session';
import { CertificateStatusTag } from '../../components/credit-labels';
import { JobProgress } from '../../components/job-progress';
import {
  ListActions,
  ListPage,
  ListSearch,
  ListTable,
  ListToolbar,
  ListUnitPicker,
  useListQuery,
  useListSearch,
} from '../../components/list-page';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { ReasonModal } from '../../components/reason-modal';
import { useErrorMessage } from '../../lib/error-message';
import { formatDate, formatDateTime } from '../../lib/format';
import { formatHours } from '../../lib/hours';
import { useJob } from '../../lib/use-job';
import { toPositiveInt } from '../../lib/use-search-state';
import { CycleSelect } from '../credits/cycle-select';
import { TeacherMultiPicker, type PickedTeacher } from '../credits/teacher-multi-picker';
import { useCycles } from '../credits/use-cycles';
import { useUnitFromSearch } from '../teachers/use-unit-from-search';

const SEARCH_KEYS = ['unit', 'cycle', 'q', 'page'] as const;
const PAGE_SIZE = 50;
const UNIT_KINDS: readonly OrgUnitKind[] = ['province', 'city', 'county', 'township', 'school'];
/** The units that issue certificates (R-16: the school registers and keeps the archive, the county may). */
const ISSUING_ROLES = new Set(['school_admin', 'county_admin']);

interface KindValues {
  kind: CertificateKind;
  year?: number | null;
}

function KindFields({ cycle }: { cycle: Cycle }) {
  const { t } = useTranslation();
  return (
    <>
      <Form.Item name="kind" label={t('certificates.kind')}>
        <Radio.Group
          options={[
            { value: 'cycle', label: t('certificates.kinds.cycle') },
            { value: 'year', label: t('certificates.kinds.year') },
          ]}
        />
      </Form.Item>
      <Form.Item noStyle shouldUpdate={(a: KindValues, b: KindValues) => a.kind !== b.kind}>
        {({ getFieldValue }) =>
          getFieldValue('kind') === 'year' && (
            <Form.Item
              name="year"
              label={t('certificates.year')}
              rules={[{ required: true, message: t('certificates.yearRequired') }]}
            >
              <InputNumber<number>
                min={cycle.startYear}
                max={cycle.endYear}
                precision={0}
                placeholder={`${cycle.startYear}–${cycle.endYear}`}
              />
            </Form.Item>
          )
        }
      </Form.Item>
    </>
  );
}

const kindInput = (v: KindValues): CertificateKindInput => ({
  kind: v.kind,
  year: v.kind === 'year' ? (v.year ?? null) : null,
});

function IssueModal({
  open,
  orgUnitId,
  cycle,
  onClose,
}: {
  open: boolean;
  orgUnitId: number;
  cycle: Cycle;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const [form] = Form.useForm<KindValues & { teachers?: PickedTeacher[] }>();
  const issue = useMutation({
    mutationFn: (v: KindValues & { teachers?: PickedTeacher[] }) =>
      certificatesApi.issue({ teacherId: v.teachers![0]!.id, cycleId: cycle.id, ...kindInput(v) }),
    onSuccess: ({ certificate }) => {
      // before the cycle is finished for the teacher, the server issues a record of hours instead
      const done = certificate.kind === 'record' ? 'certificates.issue.doneRecord' : 'certificates.issue.done';
      void message.success(t(done, { name: certificate.teacherName, code: certificate.code }));
      void queryClient.invalidateQueries({ queryKey: queryKeys.credits });
      onClose();
    },
  });
  useEffect(() => {
    if (!open) return;
    issue.reset();
    form.setFieldsValue({ kind: 'cycle', year: null, teachers: [] });
  }, [open]);
  return (
    <Modal
      open={open}
      title={t('certificates.issue.title')}
      okText={t('certificates.issue.ok')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={issue.isPending}
      forceRender
      width={600}
      data-testid="certificate-issue-modal"
    >
      <Typography.Paragraph type="secondary">{t('certificates.issue.intro')}</Typography.Paragraph>
      {issue.error && <Alert type="error" showIcon title={errorMessage(issue.error)} style={{ marginBottom: 16 }} />}
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => issue.mutate(v)}
        disabled={issue.isPending}
        requiredMark={false}
      >
        <Form.Item
          name="teachers"
          label={t('certificates.teacher')}
          rules={[
            {
              validator: async (_, v: PickedTeacher[] | undefined) => {
                if (v?.length !== 1) throw new Error(t('certificates.issue.oneTeacher'));
              },
            },
          ]}
        >
          <TeacherMultiPicker orgUnitId={orgUnitId} />
        </Form.Item>
        <KindFields cycle={cycle} />
      </Form>
    </Modal>
  );
}

/** Certificates of every teacher of the unit in one zip, made by a background job. */
function BulkCard({ orgUnitId, unitName, cycle }: { orgUnitId: number; unitName: string; cycle: Cycle }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const [form] = Form.useForm<KindValues>();
  const [counting, setCounting] = useState(false);
  const [jobId, setJobId] = useState<number | null>(null);
  const [downloading, setDownloading] = useState(false);
  const job = useJob<BulkCertificateResult>(jobId);
  const start = useMutation({
    mutationFn: (v: KindValues) => certificatesApi.bulk({ orgUnitId, cycleId: cycle.id, ...kindInput(v) }),
    onSuccess: ({ job: queued }) => setJobId(queued.id),
    onError: (err) => message.error(errorMessage(err)),
  });
  useEffect(() => {
    if (job.data?.status === 'done') void queryClient.invalidateQueries({ queryKey: queryKeys.credits });
  }, [job.data?.status]);
  const running = jobId !== null && job.data?.status !== 'done' && job.data?.status !== 'failed';
  const result = job.data?.status === 'done' ? job.data.result : null;

  /** Says how many teachers get a document, and what cannot be taken back, before the job starts. */
  const confirmStart = async (v: KindValues) => {
    setCounting(true);
    let teachers: { total: number; totalCapped: boolean };
    try {
      teachers = await teachersApi.list({ orgUnitId, page: 1, pageSize: 1 });
    } catch (err) {
      void message.error(errorMessage(err));
      return;
    } finally {
      setCounting(false);
    }
    const count = teachers.totalCapped
      ? `${teachers.total.toLocaleString('en')}+`
      : teachers.total.toLocaleString('en');
    modal.confirm({
      title: t('certificates.bulk.confirmTitle', { unit: unitName, count }),
      content: (
        <span data-testid="certificates-bulk-confirm">
          {t('certificates.bulk.confirmText', { unit: unitName, count, cycle: cycle.name })}
        </span>
      ),
      okText: t('certificates.bulk.start'),
      onOk: () => start.mutate(v),
    });
  };

  return (
    <Card size="small" title={t('certificates.bulk.title')} data-testid="certificates-bulk">
      <Typography.Paragraph type="secondary">{t('certificates.bulk.intro', { unit: unitName })}</Typography.Paragraph>
      <Form
        form={form}
        layout="inline"
        initialValues={{ kind: 'cycle', year: null }}
        onFinish={(v) => void confirmStart(v)}
        disabled={running || start.isPending || counting}
      >
        <KindFields cycle={cycle} />
        <Form.Item>
          <Button
            type="primary"
            htmlType="submit"
            icon={<FileZipOutlined />}
            loading={start.isPending || running || counting}
            data-testid="certificates-bulk-start"
          >
            {t('certificates.bulk.start')}
          </Button>
        </Form.Item>
      </Form>
      {jobId !== null && (
        <div style={{ marginTop: 16 }}>
          <JobProgress
            job={job.data}
            label={t('certificates.bulk.running', { unit: unitName })}
            data-testid="certificates-bulk-progress"
          />
        </div>
      )}
      {result && (
        <Flex gap={12} align="center" wrap style={{ marginTop: 12 }}>
          <Typography.Text>
            {t('certificates.bulk.done', { count: result.count, issued: result.issued })}
          </Typography.Text>
          <Button
            icon={<DownloadOutlined />}
            loading={downloading}
            onClick={() => {
              setDownloading(true);
              certificatesApi
                .downloadBulk(jobId!)
                .then((file) => saveFile(file, `${result.unitName}.zip`))
                .catch((err: unknown) => message.error(errorMessage(err)))
                .finally(() => setDownloading(false));
            }}
            data-testid="certificates-bulk-download"
          >
            {t('certificates.bulk.download')}
          </Button>
        </Flex>
      )}
    </Card>
  );
}

/** 证书: the certificates issued to a unit's teachers; issue one, revoke one, or make all as a zip. */
export default function CertificatesPage() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const { search, setSearch, paging } = useListSearch(SEARCH_KEYS, { pageSize: PAGE_SIZE, openEnded: true });
  const { unitId, unit, unitOptions } = useUnitFromSearch(search.unit);
  const { list: cycleList, cycles, cycle } = useCycles(toPositiveInt(search.cycle, 0) || undefined);
  const [issuing, setIssuing] = useState(false);
  const [revoking, setRevoking] = useState<Certificate | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const mayIssue = ISSUING_ROLES.has(me.role);
  const query = {
    orgUnitId: unitId,
    cycleId: cycle?.id ?? 0,
    q: search.q,
    page: paging.page,
    pageSize: paging.pageSize,
  };
  const list = useListQuery(
    queryKeys.unitCertificates(query),
    () => certificatesApi.underUnit(query),
    cycle !== undefined,
  );

  if (cycleList.isPending) return <SectionSpin />;
  if (cycleList.isError) return <ErrorResult error={cycleList.error} onRetry={() => void cycleList.refetch()} />;
  if (!cycle) {
    return (
      <Card>
        <Typography.Title level={3}>{t('certificates.title')}</Typography.Title>
        <Empty description={t('creditRegister.noCycle')} />
      </Card>
    );
  }

  const download = (c: Certificate) => {
    setBusy(c.id);
    certificatesApi
      .downloadPdf(c.id)
      .then((file) => {
        saveFile(file, `${c.code}.pdf`);
        const chars = file.missingGlyphs.join(' ');
        if (chars) void message.warning(t('certificates.missingGlyphs', { chars }));
      })
      .catch((err: unknown) => message.error(errorMessage(err)))
      .finally(() => setBusy(null));
  };

  const columns: TableColumnsType<Certificate> = [
    {
      title: t('certificates.code'),
      dataIndex: 'code',
      render: (c: string) => <span className="identifier">{c}</span>,
    },
    { title: t('certificates.teacher'), dataIndex: 'teacherName' },
    {
      title: t('certificates.kind'),
      key: 'kind',
      render: (_, c) =>
        c.kind === 'year'
          ? t('certificates.kinds.yearOf', { year: c.year })
          : c.kind === 'record'
            ? t('certificates.kinds.record')
            : t('certificates.kinds.cycle'),
    },
    {
      title: t('certificates.totalHours'),
      dataIndex: 'totalHours',
      align: 'right',
      render: (h: number) => formatHours(h),
    },
    {
      title: t('certificates.status'),
      key: 'status',
      render: (_, c) => (
        <Flex vertical align="flex-start">
          <CertificateStatusTag status={c.status} />
          {c.revokeReason && (
            <Typography.Text type="secondary" className="small-text wrap-anywhere">
              {t('certificates.revokedBecause', { at: formatDate(c.revokedAt), reason: c.revokeReason })}
            </Typography.Text>
          )}
        </Flex>
      ),
    },
    { title: t('certificates.issuedAt'), dataIndex: 'issuedAt', responsive: ['md'], render: formatDateTime },
    {
      title: t('common.actions'),
      key: 'actions',
      fixed: 'right',
      render: (_, c) => (
        <Space>
          <Button
            size="small"
            icon={<DownloadOutlined />}
            loading={busy === c.id}
            onClick={() => download(c)}
            data-testid="certificate-pdf"
          >
            PDF
          </Button>
          {mayIssue && c.status === 'valid' && (
            <Button
              size="small"
              danger
              icon={<StopOutlined />}
              onClick={() => setRevoking(c)}
              data-testid="certificate-revoke"
            >
              {t('certificates.revoke.action')}
            </Button>
          )}
        </Space>
      ),
    },
  ];

  return (
    <Flex vertical gap={16}>
      <ListPage
        title={t('certificates.title')}
        actions={
          <ListActions
            create={
              mayIssue
                ? {
                    onClick: () => setIssuing(true),
                    label: t('certificates.issue.action'),
                    testId: 'certificate-issue',
                  }
                : undefined
            }
          >
            <ListUnitPicker
              value={unitId}
              options={unitOptions}
              kinds={UNIT_KINDS}
              onChange={(unit) => setSearch({ unit })}
              forSchools={false}
              testId="certificates-unit"
            />
            <CycleSelect cycles={cycles} value={cycle.id} onChange={(id) => setSearch({ cycle: String(id) })} />
          </ListActions>
        }
      >
        <ListToolbar>
          <ListSearch
            value={search.q}
            onSearch={(q) => setSearch({ q })}
            placeholder={t('certificates.searchPlaceholder')}
            width={240}
            testId="certificates-search"
          />
        </ListToolbar>
        <ListTable<Certificate>
          rowKey="id"
          columns={columns}
          list={list}
          paging={paging}
          empty={search.q ? t('common.noMatch') : t('certificates.empty')}
          data-testid="certificates-table"
        />
      </ListPage>
      {mayIssue && <BulkCard orgUnitId={unitId} unitName={unit?.name ?? me.orgUnit.name} cycle={cycle} />}
      {mayIssue && <IssueModal open={issuing} orgUnitId={unitId} cycle={cycle} onClose={() => setIssuing(false)} />}
      <ReasonModal
        open={revoking !== null}
        title={t('certificates.revoke.title', { name: revoking?.teacherName ?? '', code: revoking?.code ?? '' })}
        description={<Typography.Paragraph type="secondary">{t('certificates.revoke.intro')}</Typography.Paragraph>}
        label={t('certificates.revoke.reason')}
        okText={t('certificates.revoke.ok')}
        danger
        onClose={() => setRevoking(null)}
        onSubmit={async (reason) => {
          await certificatesApi.revoke(revoking!.id, reason ?? '');
          void message.success(t('certificates.revoke.done'));
          void queryClient.invalidateQueries({ queryKey: queryKeys.credits });
        }}
        data-testid="revoke-modal"
      />
    </Flex>
  );
}
