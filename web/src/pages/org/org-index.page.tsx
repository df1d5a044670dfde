import { ApartmentOutlined } from '@ant-design/icons';
import { Card, Empty } from 'antd';
import { useTranslation } from 'react-i18next';
import { Navigate } from 'react-router';
import { SectionSpin } from '../../components/page-states';
import { useOrgTreeContext } from './org-layout.page';

/** With a single top unit (a county admin's county) open it straight away. */
export default function OrgIndexPage() {
  const { t } = useTranslation();
  const { rootIds, rootsError } = useOrgTreeContext();
  if (rootIds === null && !rootsError) return <SectionSpin />;
  if (rootIds?.length === 1 && rootIds[0] !== undefined) return <Navigate to={`/org/${rootIds[0]}`} replace />;
  return (
    <Card>
      <Empty image={<ApartmentOutlined style={{ fontSize: 48, color: '#bfbfbf' }} />} description={t('org.pickHint')} />
    </Card>
  );
}
