import { Button, Result, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { useErrorMessage } from '../lib/error-message';

export function FullPageSpin() {
  return (
    <div className="full-page-center" data-testid="page-loading">
      <Spin size="large" />
    </div>
  );
}

export function SectionSpin() {
  return (
    <div className="section-center">
      <Spin />
    </div>
  );
}

/** A failed page load: 403 and 404 get their own pictures, anything else a retry. */
export function ErrorResult({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const errorMessage = useErrorMessage();
  const status = error instanceof ApiError ? error.status : 500;
  const resultStatus = status === 403 ? '403' : status === 404 ? '404' : 'error';
  return (
    <Result
      status={resultStatus}
      title={
        status === 403
          ? t('common.forbiddenTitle')
          : status === 404
            ? t('common.notFoundTitle')
            : t('common.loadFailed')
      }
      subTitle={errorMessage(error)}
      extra={
        onRetry && status !== 403 && status !== 404 ? (
          <Button type="primary" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        ) : undefined
      }
    />
  );
}
