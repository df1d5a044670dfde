import { Tag } from 'antd';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  CertificateStatus,
  CycleRules,
  ProgressStatus,
  ReversalRequestStatus,
  ReviewStatus,
  SourceType,
  VerificationResult,
  SchoolYearStatus,
  VerificationStatus,
  YearFailure,
} from '../api/types';
import { formatHours } from '../lib/hours';

/** One colour per status, the same in tags and charts. */
export const STATUS_COLORS: Record<ProgressStatus, string> = {
  complete: '#389e0d',
  on_track: '#1d5fbf',
  behind: '#d48806',
  below_yearly: '#d4380d',
  at_risk: '#cf1322',
  out_of_scope: '#8c8c8c',
};
const STATUS_TAG: Record<ProgressStatus, string> = {
  complete: 'success',
  on_track: 'processing',
  behind: 'warning',
  below_yearly: 'volcano',
  at_risk: 'error',
  out_of_scope: 'default',
};

export function ProgressStatusTag({
  status,
  'data-testid': testId,
}: {
  status: ProgressStatus;
  'data-testid'?: string;
}) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_TAG[status]} data-testid={testId} data-status={status}>
      {t(`credits.status.${status}`)}
    </Tag>
  );
}

const VERIFICATION_STATUS_TAG: Record<SchoolYearStatus, string> = {
  not_started: 'default',
  open: 'processing',
  submitted: 'gold',
  signed_off: 'success',
  returned: 'error',
};

/** A school's year: its verification's status, or 未开始 while the school has not opened it. */
export function VerificationStatusTag({ status }: { status: SchoolYearStatus | VerificationStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={VERIFICATION_STATUS_TAG[status]} data-status={status}>
      {t(`verification.statuses.${status}`)}
    </Tag>
  );
}

const RESULT_TAG: Record<VerificationResult, string> = {
  verified: 'success',
  not_verified: 'error',
  exempt: 'purple',
  not_in_scope: 'default',
};

/**
 * A year's verification result. While the school is still checking the year (`open`, or `returned` to it)
 * the result is only what the rules give so far, and says so rather than "已通过验证".
 */
export function VerificationResultTag({
  result,
  status,
}: {
  result: VerificationResult;
  status?: VerificationStatus | null;
}) {
  const { t } = useTranslation();
  if (status === 'open' || status === 'returned')
    return (
      <Tag color="processing" data-result={result} data-provisional="true">
        {t(`verification.provisional.${result}`)}
      </Tag>
    );
  return (
    <Tag color={RESULT_TAG[result]} data-result={result}>
      {t(`verification.results.${result}`)}
    </Tag>
  );
}

const CERTIFICATE_TAG: Record<CertificateStatus, string> = {
  valid: 'success',
  revoked: 'error',
  superseded: 'default',
};

export function CertificateStatusTag({ status }: { status: CertificateStatus }) {
  const { t } = useTranslation();
  return <Tag color={CERTIFICATE_TAG[status]}>{t(`certificates.statuses.${status}`)}</Tag>;
}

export function ReviewStatusTag({ status }: { status: ReviewStatus }) {
  const { t } = useTranslation();
  return <Tag color={status === 'open' ? 'gold' : 'success'}>{t(`credits.reviewStatuses.${status}`)}</Tag>;
}

const REVERSAL_TAG: Record<ReversalRequestStatus, string> = {
  pending: 'gold',
  approved: 'success',
  rejected: 'default',
};

export function ReversalStatusTag({ status }: { status: ReversalRequestStatus }) {
  const { t } = useTranslation();
  return <Tag color={REVERSAL_TAG[status]}>{t(`verification.reversalStatuses.${status}`)}</Tag>;
}

function isFailure(value: unknown): value is YearFailure {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { item?: unknown }).item === 'string' &&
    typeof (value as { counted?: unknown }).counted === 'number' &&
    typeof (value as { required?: unknown }).required === 'number'
  );
}

/** Words for the codes of the credit rules: categories, sources, failures, problems. */
export function useCreditWording() {
  const { t, i18n } = useTranslation();
  const english = i18n.language === 'en';

  const categoryName = useCallback(
    (rules: Pick<CycleRules, 'categories'> | undefined, code: string) => {
      const c = rules?.categories.find((x) => x.code === code);
      if (!c) return code;
      return english && c.nameEn ? c.nameEn : c.name;
    },
    [english],
  );

  const sourceLabel = useCallback((source: SourceType) => t(`credits.sources.${source}`), [t]);

  /** A failed item of an annual verification, e.g. "年度学时 30 / 72". */
  const failureText = useCallback(
    (failure: unknown, rules: CycleRules | undefined) => {
      if (!isFailure(failure)) return String(failure);
      const values = { counted: formatHours(failure.counted), required: formatHours(failure.required) };
      if (failure.item === 'minimum') {
        const name = rules?.minima.find((m) => m.id === failure.id)?.name ?? failure.id ?? '';
        return t('verification.failures.minimum', { ...values, name });
      }
      return t(`verification.failures.${failure.item}`, values);
    },
    [t],
  );

  /** A problem of one registration row (ENTRY_INVALID), without the row. */
  const registrationProblemText = useCallback(
    (code: string, params: Record<string, string | number> = {}) => {
      const key = `creditRegister.problems.${code}`;
      const values = { ...params, row: typeof params['row'] === 'number' ? params['row'] + 1 : (params['row'] ?? '') };
      return i18n.exists(key) ? t(key, values) : code;
    },
    [t, i18n],
  );

  /** A problem of a rules field (CYCLE_RULES_INVALID). */
  const ruleProblemText = useCallback(
    (code: string, params: Record<string, string | number> = {}) => {
      const key = `cycles.problems.${code}`;
      return i18n.exists(key) ? t(key, params) : code;
    },
    [t, i18n],
  );

  return { categoryName, sourceLabel, failureText, registrationProblemText, ruleProblemText };
}
