import { Alert, Card, Space, Tabs, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { OrgUnitKind } from '../../api/types';
import { useCurrentUser } from '../../auth/session';
import { OrgUnitPicker } from '../../components/org-unit-picker';
import { ErrorResult, SectionSpin } from '../../components/page-states';
import { toPositiveInt, useSearchState } from '../../lib/use-search-state';
import { useUnitFromSearch } from '../teachers/use-unit-from-search';
import { CreditImport } from './credit-import';
import { CycleSelect } from './cycle-select';
import { EntriesTable } from './entries-table';
import { RegisterForm } from './register-form';
import { ReviewsInbox } from './reviews-inbox';
import { useCycles } from './use-cycles';

const SEARCH_KEYS = ['unit', 'cycle', 'tab'] as const;
const TABS = ['register', 'import', 'entries', 'reviews'] as const;
type TabKey = (typeof TABS)[number];
const UNIT_KINDS: readonly OrgUnitKind[] = ['county', 'township', 'school'];

/**
 * 学时登记 (school and county administrators, R-15/R-16): register hours for one teacher or many,
 * or from a sheet, the unit's register with reversals, and the teachers' review requests to answer.
 */
export default function CreditRegisterPage() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const [search, setSearch] = useSearchState(SEARCH_KEYS);
  const { unitId, unit, unitOptions } = useUnitFromSearch(search.unit);
  const { list, cycles, cycle } = useCycles(toPositiveInt(search.cycle, 0) || undefined);
  const tab: TabKey = TABS.includes(search.tab as TabKey) ? (search.tab as TabKey) : 'register';

  if (list.isPending) return <SectionSpin />;
  if (list.isError) return <ErrorResult error={list.error} onRetry={() => void list.refetch()} />;

  return (
    <Card>
      <div className="page-title-row">
        <Typography.Title level={3}>{t('creditRegister.title')}</Typography.Title>
        <Space wrap>
          {me.orgUnit.kind !== 'school' && (
            <OrgUnitPicker
              className="toolbar-item"
              value={unitId}
              initialOptions={unitOptions}
              kinds={UNIT_KINDS}
              onChange={(id) =>
                setSearch({ unit: id === undefined || id === me.orgUnit.id ? undefined : String(id), tab: search.tab })
              }
              data-testid="register-unit"
            />
          )}
          <CycleSelect
            cycles={cycles}
            value={cycle?.id}
            onChange={(id) => setSearch({ cycle: String(id), tab: search.tab })}
          />
        </Space>
      </div>
      {cycle && !cycle.current && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('creditRegister.notCurrentCycle', { name: cycle.name })}
        />
      )}
      <Tabs
        activeKey={tab}
        onChange={(key) => setSearch({ tab: key === 'register' ? undefined : key })}
        destroyOnHidden
        items={[
          {
            key: 'register',
            label: t('creditRegister.tabs.register'),
            children: <RegisterForm orgUnitId={unitId} cycle={cycle} />,
          },
          {
            key: 'import',
            label: t('creditRegister.tabs.import'),
            children: (
              <CreditImport
                key={unitId}
                orgUnitId={unitId}
                unit={unit}
                cycle={cycle}
                onShowEntries={() => setSearch({ tab: 'entries' })}
              />
            ),
          },
          {
            key: 'entries',
            label: t('creditRegister.tabs.entries'),
            children: cycle ? (
              <EntriesTable orgUnitId={unitId} cycle={cycle} />
            ) : (
              <Alert type="warning" showIcon title={t('creditRegister.noCycle')} />
            ),
          },
          { key: 'reviews', label: t('creditRegister.tabs.reviews'), children: <ReviewsInbox orgUnitId={unitId} /> },
        ]}
      />
    </Card>
  );
}
