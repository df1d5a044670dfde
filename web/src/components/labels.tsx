import { Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { OrgUnitKind, Role, Stage } from '../api/types';

const KIND_COLORS: Record<OrgUnitKind, string> = {
  province: 'geekblue',
  city: 'blue',
  county: 'cyan',
  township: 'green',
  school: 'gold',
  institution: 'purple',
};

export function KindTag({ kind }: { kind: OrgUnitKind }) {
  const { t } = useTranslation();
  return <Tag color={KIND_COLORS[kind]}>{t(`kinds.${kind}`)}</Tag>;
}

export function StageTags({ stages }: { stages: readonly Stage[] }) {
  const { t } = useTranslation();
  if (stages.length === 0) return <>—</>;
  return (
    <Space size={[0, 4]} wrap>
      {stages.map((stage) => (
        <Tag key={stage}>{t(`stages.${stage}`)}</Tag>
      ))}
    </Space>
  );
}

export function RoleLabel({ role }: { role: Role | string | null }) {
  const { t, i18n } = useTranslation();
  if (!role) return <>—</>;
  const key = `roles.${role}`;
  return <>{i18n.exists(key) ? t(key) : role}</>;
}

export function DemoTag() {
  const { t } = useTranslation();
  return (
    <Tag color="orange" data-testid="demo-tag">
      {t('org.demo')}
    </Tag>
  );
}
