import { DownloadOutlined, FileTextOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  AutoComplete,
  Button,
  Card,
  Empty,
  Flex,
  Form,
  Input,
  List,
  Progress,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate } from 'react-router';
import { isApiError, saveFile } from '../../api/client';
import { certificatesApi } from '../../api/certificates.api';
import { creditsApi } from '../../api/credits.api';
import { queryKeys } from '../../api/query-keys';
import type { Certificate, CreditProgress, CreditReview, ProgressEntry, ProgressYear } from '../../api/types';
import {
  CertificateStatusTag,
  ProgressStatusTag,
  ReviewStatusTag,
  STATUS_COLORS,
  useCreditWording,
  VerificationResultTag,
} from '../../components/credit-labels';
import { DownloadButton } from '../../components/download-button';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { useErrorMessage } from '../../lib/error-message';
import { showErrorsOnFields } from '../../lib/form-errors';
import { formatDate, formatDateTime } from '../../lib/format';
import { formatHours, percentOf, thisYearParams } from '../../lib/hours';

/** The big number: counted of required hours, credits and the status with its meaning. */
function Summary({ p }: { p: CreditProgress }) {
  const { t } = useTranslation();
  const percent = percentOf(p.counted, p.required);
  return (
    <Card data-testid="my-credits-summary">
      <Typography.Text type="secondary">
        {/* a cycle is usually named after its years; say them only when the name does not */}
        {p.cycle.name.includes(String(p.cycle.startYear))
          ? p.cycle.name
          : t('credits.cycleOption', { name: p.cycle.name, start: p.cycle.startYear, end: p.cycle.endYear })}
      </Typography.Text>
      <Flex gap={20} align="center" wrap className="credit-summary">
        <Progress
          type="circle"
          percent={percent}
          size={132}
          strokeColor={STATUS_COLORS[p.status]}
          format={() => (
            <span className="credit-ring-text">
              <span className="credit-ring-hours" data-testid="my-credits-counted">
                {formatHours(p.counted)}
              </span>
              <span className="credit-ring-unit">{t('credits.ofRequired', { required: formatHours(p.required) })}</span>
            </span>
          )}
        />
        <Flex vertical gap={6} className="credit-summary-text">
          <Space size={8} wrap>
            <ProgressStatusTag status={p.status} data-testid="my-credits-status" />
            <Typography.Text strong data-testid="my-credits-credits">
              {t('credits.creditsValue', { credits: p.credits })}
            </Typography.Text>
          </Space>
          <Typography.Text>
            {p.status === 'on_track' && p.expectedByNow === 0
              ? t('myCredits.statusHelpFirstYear')
              : t(`myCredits.statusHelp.${p.status}`, {
                  expected: formatHours(p.expectedByNow),
                  end: p.cycle.endYear,
                  ...thisYearParams(p.thisYear),
                })}
          </Typography.Text>
          {p.raw !== p.counted && (
            <Typography.Text type="secondary">
              {t('myCredits.rawVsCounted', { raw: formatHours(p.raw), counted: formatHours(p.counted) })}
            </Typography.Text>
          )}
          <Typography.Text type="secondary">
            {t('myCredits.teacherLine', { name: p.teacher.name, unit: p.teacher.orgUnitName })}
          </Typography.Text>
        </Flex>
      </Flex>
    </Card>
  );
}

/** A year's verification: the result once the school has checked it, and what it means. */
function YearVerdict({ y, asOfYear }: { y: ProgressYear; asOfYear: number }) {
  const { t } = useTranslation();
  if (y.verification === null) {
    if (y.year > asOfYear) return <Tag>{t('myCredits.years.future')}</Tag>;
    return <Tag>{t('myCredits.years.notChecked')}</Tag>;
  }
  return (
    <Space size={4} wrap>
      <VerificationResultTag result={y.verification} status={y.verificationStatus} />
      {y.verificationStatus && y.verificationStatus !== 'signed_off' && (
        <Typography.Text type="secondary" className="small-text">
          {t(`myCredits.years.pending.${y.verificationStatus}`)}
        </Typography.Text>
      )}
    </Space>
  );
}

function Years({ p }: { p: CreditProgress }) {
  const { t } = useTranslation();
  const yearly = p.cycle.rules.yearlyMinimum;
  return (
    <Card title={t('myCredits.years.title')} data-testid="my-credits-years">
      {yearly !== null && (
        <Typography.Paragraph type="secondary" className="small-text" style={{ marginBottom: 0 }}>
          {t('myCredits.years.minimum', { hours: formatHours(yearly) })}
        </Typography.Paragraph>
      )}
      <List
        dataSource={p.years}
        rowKey="year"
        renderItem={(y) => {
          const future = y.year > p.asOfYear;
          return (
            <List.Item data-testid="my-credits-year">
              <Flex vertical gap={2} style={{ width: '100%', minWidth: 0 }}>
                <Flex justify="space-between" align="center" gap={8} wrap>
                  <Typography.Text strong>{t('myCredits.years.year', { year: y.year })}</Typography.Text>
                  <YearVerdict y={y} asOfYear={p.asOfYear} />
                </Flex>
                <Progress
                  percent={y.minimum !== null ? percentOf(y.counted, y.minimum) : y.counted > 0 ? 100 : 0}
                  showInfo={false}
                  size="small"
                  strokeColor={future ? '#bfbfbf' : y.met === false ? STATUS_COLORS.behind : STATUS_COLORS.complete}
                />
                <Typography.Text type="secondary" className="small-text">
                  {y.minimum !== null
                    ? t('myCredits.years.hoursOfMinimum', {
                        counted: formatHours(y.counted),
                        minimum: formatHours(y.minimum),
                      })
                    : t('myCredits.years.hours', { counted: formatHours(y.counted) })}
                  {y.met === false && ` · ${t('myCredits.years.belowMinimum')}`}
                </Typography.Text>
                {p.thisYear?.year === y.year && p.thisYear.below && (
                  <Typography.Text type="warning" className="small-text" data-testid="my-credits-days-left">
                    {t('myCredits.years.daysLeft', thisYearParams(p.thisYear))}
                  </Typography.Text>
                )}
                {y.verification === 'not_verified' && (
                  <Typography.Text type="danger" data-testid="my-credits-not-basic">
                    {t('myCredits.years.notVerifiedMeaning')}
                  </Typography.Text>
                )}
                {y.exceptionReason && (
                  <Typography.Text type="secondary" className="small-text wrap-anywhere">
                    {t('myCredits.years.exceptionReason', { reason: y.exceptionReason })}
                  </Typography.Text>
                )}
              </Flex>
            </List.Item>
          );
        }}
      />
    </Card>
  );
}

function Minima({ p }: { p: CreditProgress }) {
  const { t } = useTranslation();
  const { categoryName } = useCreditWording();
  if (p.minima.length === 0) return null;
  // the ones that apply first
  const minima = [...p.minima].sort((a, b) => Number(b.applies) - Number(a.applies));
  return (
    <Card title={t('myCredits.minima.title')} data-testid="my-credits-minima">
      <List
        dataSource={minima}
        rowKey="id"
        renderItem={(m) => (
          <List.Item data-testid="my-credits-minimum">
            <Flex vertical gap={2} style={{ width: '100%', minWidth: 0 }}>
              <Flex justify="space-between" align="center" gap={8} wrap>
                <Typography.Text strong={m.applies} type={m.applies ? undefined : 'secondary'}>
                  {m.name}
                </Typography.Text>
                {!m.applies ? (
                  <Tag>{t('myCredits.minima.notApplies')}</Tag>
                ) : m.met ? (
                  <Tag color="success">{t('myCredits.minima.met')}</Tag>
                ) : (
                  <Tag color="warning">{t('myCredits.minima.unmet')}</Tag>
                )}
              </Flex>
              {m.applies && (
                <Progress
                  percent={percentOf(m.counted, m.required)}
                  size="small"
                  showInfo={false}
                  strokeColor={m.met ? STATUS_COLORS.complete : STATUS_COLORS.behind}
                />
              )}
              <Typography.Text type="secondary" className="small-text">
                {t('myCredits.minima.hours', {
                  category: categoryName(p.cycle.rules, m.category),
                  counted: formatHours(m.counted),
                  required: formatHours(m.required),
                })}
              </Typography.Text>
              {m.why && (
                <Typography.Text type="secondary" className="small-text wrap-anywhere">
                  {m.why}
                </Typography.Text>
              )}
            </Flex>
          </List.Item>
        )}
      />
    </Card>
  );
}

/** How the numbers were reached; tapping a line marks the entries it was computed from. */
function Explanation({
  p,
  selected,
  onSelect,
}: {
  p: CreditProgress;
  selected: number | null;
  onSelect: (index: number | null) => void;
}) {
  const { t } = useTranslation();
  return (
    <Card
      title={t('myCredits.explanation.title')}
      extra={
        selected !== null ? (
          <Button size="small" type="link" onClick={() => onSelect(null)}>
            {t('myCredits.explanation.clear')}
          </Button>
        ) : undefined
      }
      data-testid="my-credits-explanation"
    >
      <Typography.Paragraph type="secondary" className="small-text">
        {t('myCredits.explanation.hint')}
      </Typography.Paragraph>
      <ol className="explanation-lines">
        {p.explanation.map((line, i) => {
          const linked = (line.entryIds?.length ?? 0) > 0;
          const active = selected === i;
          const className = `explanation-line${linked ? ' explanation-line-linked' : ''}${active ? ' explanation-line-active' : ''}`;
          return (
            <li key={`${line.key}-${i}`} data-testid="explanation-line" data-key={line.key}>
              {linked ? (
                <button
                  type="button"
                  className={className}
                  aria-pressed={active}
                  onClick={() => {
                    onSelect(active ? null : i);
                    if (!active) {
                      const first = line.entryIds?.[0];
                      if (first !== undefined) {
                        window.setTimeout(
                          () =>
                            document
                              .getElementById(`entry-${first}`)
                              ?.scrollIntoView({ behavior: 'smooth', block: 'center' }),
                          50,
                        );
                      }
                    }
                  }}
                >
                  {line.text}
                  <span className="explanation-count">
                    {t('myCredits.explanation.entries', { count: line.entryIds?.length ?? 0 })}
                  </span>
                </button>
              ) : (
                <span className={className}>{line.text}</span>
              )}
            </li>
          );
        })}
      </ol>
    </Card>
  );
}

function EvidenceLink({ entry }: { entry: ProgressEntry }) {
  const { t } = useTranslation();
  const evidenceId = entry.evidenceId;
  if (evidenceId === null && !entry.evidenceRef) return null;
  return (
    <Space size={4} wrap className="small-text">
      {evidenceId !== null && (
        <DownloadButton
          type="link"
          size="small"
          icon={<FileTextOutlined />}
          className="evidence-link"
          data-testid="entry-evidence"
          fileName={entry.evidenceName ?? `evidence-${evidenceId}`}
          file={() => creditsApi.downloadEvidence(evidenceId)}
        >
          {entry.evidenceName ?? t('credits.evidence')}
        </DownloadButton>
      )}
      {entry.evidenceRef && (
        <Typography.Text type="secondary">{t('credits.evidenceRefValue', { ref: entry.evidenceRef })}</Typography.Text>
      )}
    </Space>
  );
}

function Entries({ p, highlighted }: { p: CreditProgress; highlighted: ReadonlySet<number> }) {
  const { t } = useTranslation();
  const { categoryName, sourceLabel } = useCreditWording();
  const entries = [...p.entries].sort((a, b) =>
    a.occurredOn < b.occurredOn ? 1 : a.occurredOn > b.occurredOn ? -1 : b.id - a.id,
  );
  const capName = (id: string) => p.caps.find((c) => c.id === id)?.name ?? id;
  return (
    <Card title={t('myCredits.entries.title', { count: entries.length })} data-testid="my-credits-entries">
      {entries.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('myCredits.entries.empty')} />
      ) : (
        <List
          dataSource={entries}
          rowKey="id"
          renderItem={(e) => {
            const cancelled = e.cancelled !== null;
            return (
              <List.Item
                id={`entry-${e.id}`}
                className={highlighted.has(e.id) ? 'entry-item entry-highlight' : 'entry-item'}
                data-testid="my-credits-entry"
                data-cancelled={e.cancelled ?? undefined}
              >
                <Flex vertical gap={2} style={{ width: '100%', minWidth: 0 }}>
                  <Flex justify="space-between" gap={8} align="baseline">
                    <Typography.Text strong delete={cancelled} className="wrap-anywhere">
                      {e.title}
                    </Typography.Text>
                    <Typography.Text strong delete={cancelled} className="entry-hours">
                      {t('credits.hoursValue', { hours: formatHours(e.hours) })}
                    </Typography.Text>
                  </Flex>
                  <Typography.Text type="secondary" className="small-text">
                    {formatDate(e.occurredOn)} · {sourceLabel(e.sourceType)}
                    {e.sourceRef ? ` · ${e.sourceRef}` : ''} · {e.orgUnitName}
                  </Typography.Text>
                  {(e.categories.length > 0 || cancelled || e.afterLock) && (
                    <Space size={[0, 4]} wrap>
                      {e.categories.map((c) => (
                        <Tag key={c}>{categoryName(p.cycle.rules, c)}</Tag>
                      ))}
                      {e.cancelled === 'reversed' && <Tag color="default">{t('credits.cancelled.reversed')}</Tag>}
                      {e.cancelled === 'reversal' && <Tag color="default">{t('credits.cancelled.reversal')}</Tag>}
                      {e.afterLock && <Tag color="purple">{t('credits.afterLock')}</Tag>}
                    </Space>
                  )}
                  {!cancelled && e.counted < e.hours && (
                    <Typography.Text type="warning" className="small-text" data-testid="entry-capped">
                      {t('myCredits.entries.capped', {
                        counted: formatHours(e.counted),
                        cap: e.cappedBy ? capName(e.cappedBy) : '',
                      })}
                    </Typography.Text>
                  )}
                  {e.reason && (
                    <Typography.Text type="secondary" className="small-text wrap-anywhere">
                      {t('credits.reasonValue', { reason: e.reason })}
                    </Typography.Text>
                  )}
                  <EvidenceLink entry={e} />
                </Flex>
              </List.Item>
            );
          }}
        />
      )}
    </Card>
  );
}

interface ReviewForm {
  topic?: string;
  message?: string;
}
const REVIEW_FIELDS = ['topic', 'message'] as const;
const TOPIC_KEYS = ['missing', 'hours', 'category', 'minimum', 'verification'] as const;

/** PIPL Art. 24: a teacher may ask a person to look at a number the rules computed. */
function ReviewRequest({ p }: { p: CreditProgress }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const errorMessage = useErrorMessage();
  const [form] = Form.useForm<ReviewForm>();
  const send = useMutation({
    mutationFn: (values: ReviewForm) =>
      creditsApi.requestReview({ cycleId: p.cycle.id, topic: values.topic!.trim(), message: values.message!.trim() }),
    onSuccess: () => {
      void message.success(t('myCredits.review.sent'));
      form.resetFields();
      void queryClient.invalidateQueries({ queryKey: queryKeys.myProgress });
    },
    onError: (err) => {
      if (!showErrorsOnFields(form, err, REVIEW_FIELDS)) void message.error(errorMessage(err));
    },
  });
  return (
    <Card title={t('myCredits.review.title')} data-testid="review-request">
      <Typography.Paragraph type="secondary">{t('myCredits.review.intro')}</Typography.Paragraph>
      <Form<ReviewForm>
        form={form}
        layout="vertical"
        requiredMark={false}
        disabled={send.isPending}
        onFinish={(v) => send.mutate(v)}
      >
        <Form.Item
          name="topic"
          label={t('myCredits.review.topic')}
          rules={[{ required: true, whitespace: true, message: t('myCredits.review.topicRequired') }]}
        >
          <AutoComplete
            options={TOPIC_KEYS.map((k) => ({ value: t(`myCredits.review.topics.${k}`) }))}
            placeholder={t('myCredits.review.topicPlaceholder')}
            maxLength={100}
            data-testid="review-topic"
          />
        </Form.Item>
        <Form.Item
          name="message"
          label={t('myCredits.review.message')}
          rules={[{ required: true, whitespace: true, message: t('myCredits.review.messageRequired') }]}
        >
          <Input.TextArea
            rows={3}
            maxLength={1000}
            showCount
            placeholder={t('myCredits.review.messagePlaceholder')}
            data-testid="review-message"
          />
        </Form.Item>
        <Button
          type="primary"
          htmlType="submit"
          block
          size="large"
          loading={send.isPending}
          data-testid="review-submit"
        >
          {t('myCredits.review.submit')}
        </Button>
      </Form>
    </Card>
  );
}

function Reviews({ reviews }: { reviews: CreditReview[] }) {
  const { t } = useTranslation();
  return (
    <Card title={t('myCredits.reviews.title')} data-testid="my-reviews">
      {reviews.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('myCredits.reviews.empty')} />
      ) : (
        <List
          dataSource={reviews}
          rowKey="id"
          renderItem={(r) => (
            <List.Item data-testid="my-review">
              <Flex vertical gap={2} style={{ width: '100%', minWidth: 0 }}>
                <Space size={8} wrap>
                  <Typography.Text strong className="wrap-anywhere">
                    {r.topic}
                  </Typography.Text>
                  <ReviewStatusTag status={r.status} />
                </Space>
                <Typography.Text className="wrap-anywhere">{r.message}</Typography.Text>
                <Typography.Text type="secondary" className="small-text">
                  {t('myCredits.reviews.askedOn', { at: formatDateTime(r.createdAt) })}
                </Typography.Text>
                {r.answer && (
                  <Alert
                    type="success"
                    className="review-answer"
                    title={t('myCredits.reviews.answer', { answer: r.answer })}
                    description={t('myCredits.reviews.answeredBy', {
                      name: r.answeredByName ?? '—',
                      at: formatDateTime(r.answeredAt),
                    })}
                    data-testid="my-review-answer"
                  />
                )}
              </Flex>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

function Certificates() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  const [busy, setBusy] = useState<number | null>(null);
  const list = useQuery({ queryKey: queryKeys.myCertificates, queryFn: () => certificatesApi.forTeacher() });
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
  return (
    <Card title={t('myCredits.certificates.title')} data-testid="my-certificates">
      {list.isPending ? (
        <SectionSpin />
      ) : list.isError ? (
        <ErrorResult error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('myCredits.certificates.empty')} />
      ) : (
        <List
          dataSource={list.data.items}
          rowKey="id"
          renderItem={(c) => (
            <List.Item
              data-testid="my-certificate"
              actions={[
                <Button
                  key="pdf"
                  icon={<DownloadOutlined />}
                  loading={busy === c.id}
                  onClick={() => download(c)}
                  disabled={c.status === 'revoked'}
                  data-testid="my-certificate-pdf"
                >
                  PDF
                </Button>,
              ]}
            >
              <Flex vertical gap={2} style={{ minWidth: 0 }}>
                <Space size={8} wrap>
                  <Typography.Text strong>
                    {c.kind === 'year'
                      ? t('certificates.kinds.yearOf', { year: c.year })
                      : c.kind === 'record'
                        ? t('certificates.kinds.record')
                        : t('certificates.kinds.cycle')}
                  </Typography.Text>
                  <CertificateStatusTag status={c.status} />
                </Space>
                <Typography.Text type="secondary" className="small-text identifier">
                  {c.code}
                </Typography.Text>
                <Typography.Text type="secondary" className="small-text">
                  {t('certificates.issuedHours', { hours: formatHours(c.totalHours), at: formatDate(c.issuedAt) })}
                </Typography.Text>
              </Flex>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

/**
 * 我的学时: a teacher's progress in the current cycle on a phone — the total against what is
 * required, each year against its minimum with the year's verification, the category minima
 * that apply and why, the explanation line by line (a tap marks its entries), the entries with
 * their evidence, review requests and certificates.
 */
export default function MyCreditsPage() {
  const { t } = useTranslation();
  const progress = useQuery({ queryKey: queryKeys.myProgress, queryFn: () => creditsApi.progress() });
  const [selected, setSelected] = useState<number | null>(null);

  if (progress.isPending) return <SectionSpin />;
  if (progress.isError) {
    // an account not linked to the registry has no progress of its own
    if (isApiError(progress.error, 'FORBIDDEN')) return <Navigate to="/me" replace />;
    if (isApiError(progress.error, 'CYCLE_NOT_FOUND_FOR_YEAR')) {
      return (
        <Flex vertical gap={16} className="my-credits-page">
          <Card>
            <Empty description={t('myCredits.noCycle')} data-testid="my-credits-no-cycle" />
          </Card>
          <Certificates />
        </Flex>
      );
    }
    return <ErrorResult error={progress.error} onRetry={() => void progress.refetch()} />;
  }
  const p = progress.data;
  const highlighted = new Set(selected !== null ? (p.explanation[selected]?.entryIds ?? []) : []);
  return (
    <Flex vertical gap={16} className="my-credits-page" data-testid="my-credits">
      <Summary p={p} />
      <Years p={p} />
      <Minima p={p} />
      <Explanation p={p} selected={selected} onSelect={setSelected} />
      <Entries p={p} highlighted={highlighted} />
      <ReviewRequest p={p} />
      <Reviews reviews={p.reviews} />
      <Certificates />
    </Flex>
  );
}
