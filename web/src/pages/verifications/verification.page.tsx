import { Breadcrumb, Card } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { ErrorResult } from '../../components/page-states';
import { VerificationDetail } from './verification-detail';

/** 年度验证 — one school's year, opened from the county's list. */
export default function VerificationPage() {
  const { t } = useTranslation();
  const id = Number(useParams().id);
  if (!Number.isInteger(id) || id <= 0) return <ErrorResult error={new ApiError(404, 'NOT_FOUND', '')} />;
  return (
    <Card>
      <Breadcrumb
        items={[
          { title: <Link to="/verifications">{t('verification.title')}</Link> },
          { title: t('verification.detailCrumb') },
        ]}
        style={{ marginBottom: 12 }}
      />
      <VerificationDetail id={id} />
    </Card>
  );
}
